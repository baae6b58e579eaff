//! Edge cases of the public API: each must give a defined, documented result
//! and never NaN or infinity. Accuracy against scipy/statsmodels is checked by
//! `tests/stats_vectors.rs`.

use super::*;

const TWO: Alternative = Alternative::TwoSided;
const ALTS: [Alternative; 3] = [Alternative::TwoSided, Alternative::Less, Alternative::Greater];

/// Every number in a result is finite and the p-value is a probability.
fn assert_sane(r: &TestResult) {
    for v in [r.p_value, r.estimate, r.null_value, r.ci_low, r.ci_high] {
        assert!(v.is_finite(), "non-finite value in {r:?}");
    }
    for v in [r.statistic, r.df].into_iter().flatten() {
        assert!(v.is_finite(), "non-finite statistic or df in {r:?}");
    }
    assert!((0.0..=1.0).contains(&r.p_value), "p outside [0, 1] in {r:?}");
    assert!(r.ci_low <= r.ci_high, "interval reversed in {r:?}");
    assert_eq!(r.reason.is_some(), r.test == TestKind::None, "{r:?}");
}

fn assert_not_testable(r: &TestResult, reason: NotTestable) {
    assert_sane(r);
    assert_eq!(r.test, TestKind::None);
    assert_eq!(r.reason, Some(reason));
    assert_eq!(r.p_value, 1.0);
    assert!(r.statistic.is_none());
}

#[test]
fn empty_groups_are_not_testable() {
    for alt in ALTS {
        assert_not_testable(
            &compare_proportions(0, 0, 3, 10, alt, 0.95),
            NotTestable::EmptyGroup,
        );
        assert_not_testable(&two_proportion_z(3, 10, 0, 0, alt, 0.95), NotTestable::EmptyGroup);
        assert_not_testable(&fisher_exact(0, 0, 3, 4, alt, 0.95), NotTestable::EmptyGroup);
        assert_not_testable(&binomial_test(0, 0, 0.2, alt, 0.95), NotTestable::EmptyGroup);
        assert_not_testable(&one_proportion_z(0, 0, 0.2, alt, 0.95), NotTestable::EmptyGroup);
        assert_not_testable(
            &proportion_vs_value(0, 0, 0.2, alt, 0.95),
            NotTestable::EmptyGroup,
        );
        assert_not_testable(&welch_t(&[], &[1.0, 2.0], alt, 0.95), NotTestable::EmptyGroup);
        assert_not_testable(&one_sample_t(&[], 1.0, alt, 0.95), NotTestable::EmptyGroup);
    }
    assert!(wilson_interval(0, 0, 0.95).is_none());
    assert!(newcombe_interval(0, 0, 1, 2, 0.95).is_none());
    assert!(mean(&[]).is_none());
    assert!(median(&[]).is_none());
    assert!(variance(&[]).is_none());
}

#[test]
fn one_pupil_is_too_few_for_a_t_test() {
    assert_not_testable(
        &welch_t(&[0.9], &[0.8, 0.95], TWO, 0.95),
        NotTestable::TooFewValues,
    );
    assert_not_testable(
        &welch_t(&[0.8, 0.95], &[0.9], TWO, 0.95),
        NotTestable::TooFewValues,
    );
    assert_not_testable(&one_sample_t(&[0.9], 0.95, TWO, 0.95), NotTestable::TooFewValues);
    assert!(t_interval(&[0.9], 0.95).is_none());
    assert!(variance(&[0.9]).is_none());
    assert_eq!(mean(&[0.9]), Some(0.9));
    assert_eq!(median(&[0.9]), Some(0.9));
}

#[test]
fn zero_spread_with_equal_means_gives_p_one() {
    for alt in ALTS {
        let r = welch_t(&[0.9, 0.9, 0.9], &[0.9, 0.9], alt, 0.95);
        assert_sane(&r);
        assert_eq!(r.test, TestKind::WelchT);
        assert_eq!(r.p_value, 1.0);
        assert_eq!(r.statistic, None);
        assert_eq!(r.estimate, 0.0);
        assert_eq!((r.ci_low, r.ci_high), (0.0, 0.0));

        let r = one_sample_t(&[0.9, 0.9, 0.9], 0.9, alt, 0.95);
        assert_sane(&r);
        assert_eq!(r.test, TestKind::OneSampleT);
        assert_eq!(r.p_value, 1.0);
        assert_eq!(r.statistic, None);
    }
    assert_eq!(
        t_interval(&[0.9, 0.9], 0.95),
        Some(Interval { low: 0.9, high: 0.9 })
    );
}

#[test]
fn zero_spread_with_different_means_is_not_testable() {
    let r = welch_t(&[0.8, 0.8, 0.8], &[0.9, 0.9], TWO, 0.95);
    assert_not_testable(&r, NotTestable::NoVariation);
    // The gap itself is still reported.
    assert!((r.estimate - -0.1).abs() < 1e-15);
    let r = one_sample_t(&[0.9, 0.9, 0.9], 0.95, TWO, 0.95);
    assert_not_testable(&r, NotTestable::NoVariation);
    assert_eq!((r.estimate, r.null_value), (0.9, 0.95));
}

#[test]
fn zero_spread_in_one_group_only_is_testable() {
    let r = welch_t(&[0.9, 0.9, 0.9, 0.9], &[0.8, 0.95, 0.91, 0.97], TWO, 0.95);
    assert_sane(&r);
    assert_eq!(r.test, TestKind::WelchT);
    // All the spread is in the second group, so df = n2 - 1.
    assert!(r.df.is_some_and(|df| (df - 3.0).abs() < 1e-12));
}

#[test]
fn all_or_nothing_proportions() {
    for alt in ALTS {
        // Both groups all-no, or all-yes: identical, p = 1, no z.
        for r in [
            two_proportion_z(0, 10, 0, 20, alt, 0.95),
            two_proportion_z(10, 10, 20, 20, alt, 0.95),
        ] {
            assert_sane(&r);
            assert_eq!(r.test, TestKind::TwoProportionZ);
            assert_eq!((r.p_value, r.statistic), (1.0, None));
        }
        // A zero cell or a whole column of zeros goes to Fisher and is defined.
        for r in [
            compare_proportions(0, 12, 25, 300, alt, 0.95),
            compare_proportions(12, 12, 280, 300, alt, 0.95),
            compare_proportions(0, 7, 0, 50, alt, 0.95),
            compare_proportions(9, 9, 60, 60, alt, 0.95),
        ] {
            assert_sane(&r);
            assert_eq!(r.test, TestKind::FisherExact);
        }
        for (k, n, p0) in [(0, 15, 0.2), (15, 15, 0.9), (0, 4000, 0.002), (1, 1, 0.3)] {
            assert_sane(&proportion_vs_value(k, n, p0, alt, 0.95));
            assert_sane(&binomial_test(k, n, p0, alt, 0.95));
            assert_sane(&one_proportion_z(k, n, p0, alt, 0.95));
        }
    }
    let w = wilson_interval(0, 6, 0.95);
    assert!(w.is_some_and(|w| w.low == 0.0 && w.high > 0.0 && w.high < 1.0));
    let w = wilson_interval(6, 6, 0.95);
    assert!(w.is_some_and(|w| w.high == 1.0 && w.low > 0.0));
}

#[test]
fn equal_groups_give_no_difference() {
    for r in [
        compare_proportions(5, 25, 5, 25, TWO, 0.95),
        compare_proportions(50, 200, 50, 200, TWO, 0.95),
        fisher_exact(2, 2, 3, 3, TWO, 0.95),
    ] {
        assert_sane(&r);
        assert_eq!(r.estimate, 0.0);
        assert!(r.ci_low < 0.0 && r.ci_high > 0.0);
        assert!(r.p_value > 0.99, "{r:?}");
    }
    let a = [0.91, 0.87, 0.95, 0.99, 0.78];
    let r = welch_t(&a, &a, TWO, 0.95);
    assert_sane(&r);
    assert_eq!((r.statistic, r.p_value), (Some(0.0), 1.0));
}

#[test]
fn invalid_input_is_reported_not_guessed() {
    let bad = NotTestable::InvalidInput;
    assert_not_testable(&compare_proportions(6, 5, 1, 10, TWO, 0.95), bad);
    assert_not_testable(&compare_proportions(1, 5, 1, 10, TWO, 1.0), bad);
    assert_not_testable(&compare_proportions(1, 5, 1, 10, TWO, f64::NAN), bad);
    assert_not_testable(&binomial_test(2, 5, 0.0, TWO, 0.95), bad);
    assert_not_testable(&binomial_test(2, 5, 1.0, TWO, 0.95), bad);
    assert_not_testable(&one_proportion_z(2, 5, f64::NAN, TWO, 0.95), bad);
    assert_not_testable(&proportion_vs_value(7, 5, 0.5, TWO, 0.95), bad);
    assert_not_testable(&welch_t(&[1.0, f64::NAN], &[1.0, 2.0], TWO, 0.95), bad);
    assert_not_testable(&welch_t(&[1.0, 2.0], &[1.0, f64::INFINITY], TWO, 0.95), bad);
    assert_not_testable(&welch_t(&[1.0, 2.0], &[1.0, 3.0], TWO, 0.0), bad);
    assert_not_testable(&one_sample_t(&[1.0, 2.0], f64::NAN, TWO, 0.95), bad);
    assert_not_testable(
        &fisher_exact(u64::MAX, 1, 1, 1, TWO, 0.95),
        NotTestable::InvalidInput,
    );
    // More absentees in the group than in the whole school.
    let r = representation(20, 100, 10, 1000, TWO, 0.95);
    assert_eq!(r.index, None);
    assert_not_testable(&r.test, bad);
    assert!(mean(&[1.0, f64::NAN]).is_none());
    assert!(median(&[f64::INFINITY]).is_none());
    assert!(wilson_interval(3, 2, 0.95).is_none());
    assert!(t_interval(&[1.0, 2.0], 1.5).is_none());
}

#[test]
fn distributions_reject_bad_arguments() {
    assert!(normal_cdf(f64::NAN).is_none());
    assert_eq!(normal_cdf(f64::INFINITY), Some(1.0));
    assert_eq!(normal_sf(f64::INFINITY), Some(0.0));
    assert_eq!(normal_cdf(f64::NEG_INFINITY), Some(0.0));
    assert!(student_t_cdf(1.0, 0.0).is_none());
    assert!(student_t_cdf(1.0, -2.0).is_none());
    assert!(student_t_cdf(f64::NAN, 2.0).is_none());
    assert_eq!(student_t_cdf(f64::INFINITY, 2.0), Some(1.0));
    assert_eq!(student_t_sf(f64::INFINITY, 2.0), Some(0.0));
    assert_eq!(student_t_cdf(1.0, f64::INFINITY), normal_cdf(1.0));
    assert!(t_quantile(1.0, 2.0).is_none());
    assert!(binomial_pmf(1, 2, 1.5).is_none());
    assert!(binomial_cdf(1, 2, f64::NAN).is_none());
    assert_eq!(binomial_pmf(3, 2, 0.5), Some(0.0));
    assert_eq!(binomial_cdf(3, 2, 0.5), Some(1.0));
    assert_eq!(binomial_pmf(0, 5, 0.0), Some(1.0));
    assert_eq!(binomial_sf(0, 5, 0.0), Some(0.0));
    assert_eq!(binomial_pmf(5, 5, 1.0), Some(1.0));
    assert!(hypergeometric_pmf(1, 10, 11, 2).is_none());
    assert_eq!(hypergeometric_pmf(5, 10, 4, 3), Some(0.0));
    assert!(ln_gamma(0.0).is_none());
    assert!(ln_gamma(-1.5).is_none());
    assert!(ln_gamma(f64::MAX).is_none());
    assert!(inc_beta(0.0, 1.0, 0.5).is_none());
    assert!(inc_beta(1.0, 1.0, 1.5).is_none());
    assert_eq!(inc_beta(2.0, 3.0, 0.0), Some(0.0));
    assert_eq!(inc_beta(2.0, 3.0, 1.0), Some(1.0));
}

#[test]
fn tiny_p_values_keep_their_size() {
    // 0 of 3000 against 300 of 3000: an overwhelming difference.
    let r = compare_proportions(0, 3000, 300, 3000, Alternative::Less, 0.95);
    assert_sane(&r);
    assert!(r.p_value > 0.0 && r.p_value < 1e-30, "{r:?}");
    let r = fisher_exact(0, 3000, 300, 2700, TWO, 0.95);
    assert_sane(&r);
    assert!(r.p_value > 0.0 && r.p_value < 1e-30, "{r:?}");
    // Far in the normal tail the sf is still positive, not 1 - 1 = 0.
    assert!(normal_sf(20.0).is_some_and(|p| p > 1e-90 && p < 1e-87));
}

#[test]
fn representation_index_and_rest_of_school() {
    // 30 of 150 SEN pupils are persistent absentees, 120 of 1000 in the school.
    let r = representation(30, 150, 120, 1000, Alternative::Greater, 0.95);
    assert!(r.index.is_some_and(|i| (i - 0.2 / 0.12).abs() < 1e-12));
    // The test is against the other 850 pupils, 90 of whom are absentees.
    let direct = compare_proportions(30, 150, 90, 850, Alternative::Greater, 0.95);
    assert_eq!(r.test, direct);
    // Nobody in the school has the outcome: no index, nothing to find.
    let r = representation(0, 30, 0, 900, TWO, 0.95);
    assert_eq!(r.index, None);
    assert_sane(&r.test);
    assert_eq!(r.test.p_value, 1.0);
    // The group is the whole school.
    let r = representation(10, 100, 10, 100, TWO, 0.95);
    assert_eq!(r.index, Some(1.0));
    assert_not_testable(&r.test, NotTestable::NoComparisonGroup);
    // Empty group.
    let r = representation(0, 0, 10, 100, TWO, 0.95);
    assert_eq!(r.index, None);
    assert_not_testable(&r.test, NotTestable::EmptyGroup);
}

#[test]
fn test_choice_follows_expected_counts() {
    // Expected counts: 8*(43/208) = 1.65 < 5, so Fisher.
    assert_eq!(
        compare_proportions(3, 8, 40, 200, TWO, 0.95).test,
        TestKind::FisherExact
    );
    // Smallest expected count exactly 5: 10 * 25/50 = 5, so the z-test.
    assert_eq!(
        compare_proportions(5, 10, 20, 40, TWO, 0.95).test,
        TestKind::TwoProportionZ
    );
    // n p0 = 40 * 0.1 = 4 < 5, so exact.
    assert_eq!(
        proportion_vs_value(3, 40, 0.1, TWO, 0.95).test,
        TestKind::BinomialExact
    );
    assert_eq!(
        proportion_vs_value(30, 400, 0.1, TWO, 0.95).test,
        TestKind::OneProportionZ
    );
}

#[test]
fn judging_respects_the_minimum_group_size() {
    let below = compare_proportions(0, 40, 100, 200, Alternative::TwoSided, 0.95);
    assert_eq!(
        judge(&below, 40, DEFAULT_MIN_GROUP_SIZE, DEFAULT_ALPHA),
        Verdict::SignificantlyBelow
    );
    // The same evidence from 5 pupils is never judged.
    let small = compare_proportions(0, 5, 100, 200, Alternative::TwoSided, 0.95);
    assert_eq!(
        judge(&small, 5, DEFAULT_MIN_GROUP_SIZE, DEFAULT_ALPHA),
        Verdict::TooSmallToJudge
    );
    let above = proportion_vs_value(30, 100, 0.1, Alternative::TwoSided, 0.95);
    assert_eq!(
        judge(&above, 100, DEFAULT_MIN_GROUP_SIZE, DEFAULT_ALPHA),
        Verdict::SignificantlyAbove
    );
    let same = compare_proportions(5, 25, 5, 25, TWO, 0.95);
    assert_eq!(
        judge(&same, 25, DEFAULT_MIN_GROUP_SIZE, DEFAULT_ALPHA),
        Verdict::NoSignificantDifference
    );
    let none = welch_t(&[0.8, 0.8, 0.8, 0.8, 0.8, 0.8], &[0.9, 0.9], TWO, 0.95);
    assert_eq!(
        judge(&none, 6, DEFAULT_MIN_GROUP_SIZE, DEFAULT_ALPHA),
        Verdict::NotTestable(NotTestable::NoVariation)
    );
    assert_eq!(
        judge(&below, 40, DEFAULT_MIN_GROUP_SIZE, f64::NAN),
        Verdict::NotTestable(NotTestable::InvalidInput)
    );
}

#[test]
fn names_are_plain_english() {
    assert_eq!(TestKind::TwoProportionZ.name(), "two-proportion z-test");
    assert_eq!(TestKind::FisherExact.name(), "Fisher's exact test");
    assert!(!NotTestable::NoVariation.describe().is_empty());
}

#[test]
fn huge_and_awkward_inputs_stay_finite() {
    for alt in ALTS {
        assert_sane(&compare_proportions(1_000_000, 2_000_000, 1, 3, alt, 0.999_999));
        assert_sane(&fisher_exact(1, 0, 0, 1_000_000, alt, 0.5));
        assert_sane(&binomial_test(1, 1_000_000, 1e-9, alt, 0.95));
        assert_sane(&proportion_vs_value(999_999, 1_000_000, 0.5, alt, 0.95));
        assert_sane(&welch_t(&[1e300, -1e300], &[0.0, 1.0], alt, 0.95));
        assert_sane(&welch_t(&[1e-300, 2e-300], &[0.0, 1e-300], alt, 0.95));
        assert_sane(&one_sample_t(&[1e150, 1e150 + 1e140, 1e150], 0.0, alt, 0.95));
    }
    // Counts at the edge of u64 must not overflow anywhere.
    let max = u64::MAX;
    assert_not_testable(&fisher_exact(max, 0, 0, 1, TWO, 0.95), NotTestable::InvalidInput);
    assert_sane(&compare_proportions(max, max, 0, max, TWO, 0.95));
    assert_sane(&two_proportion_z(max / 2, max, max / 3, max, TWO, 0.95));
    let r = representation(max, max, max, max, TWO, 0.95);
    assert_not_testable(&r.test, NotTestable::NoComparisonGroup);
    for &(p, df) in &[(1e-300, 0.5), (1e-300, 1.0), (0.5 + 1e-16, 3.0), (1e-10, 1e7)] {
        let q = t_quantile(p, df);
        assert!(
            q.is_none() || q.is_some_and(f64::is_finite),
            "t_quantile({p}, {df}) = {q:?}"
        );
    }
}

/// The worked examples in docs/statistics.md, so the page stays true.
#[test]
fn documentation_examples() {
    let r = compare_proportions(30, 120, 60, 480, TWO, 0.95);
    assert_eq!(r.test, TestKind::TwoProportionZ);
    assert!((r.p_value - 0.0006).abs() < 0.00005, "{r:?}");
    assert!((r.ci_low - 0.05).abs() < 0.005 && (r.ci_high - 0.21).abs() < 0.005);

    let r = compare_proportions(12, 40, 60, 560, TWO, 0.95);
    assert_eq!(r.test, TestKind::FisherExact);
    assert!((r.p_value - 0.001).abs() < 0.0005, "{r:?}");

    assert_eq!(
        proportion_vs_value(3, 12, 0.08, TWO, 0.95).test,
        TestKind::BinomialExact
    );

    let r = representation(24, 90, 80, 600, TWO, 0.95);
    assert!(r.index.is_some_and(|i| (i - 2.0).abs() < 1e-12));
    assert_eq!(r.test.test, TestKind::TwoProportionZ);
    assert!((r.test.p_value - 0.00005).abs() < 0.000_005, "{r:?}");

    let r = compare_proportions(2, 3, 60, 560, TWO, 0.95);
    assert!((r.p_value - 0.03).abs() < 0.005, "{r:?}");
    assert_eq!(
        judge(&r, 3, DEFAULT_MIN_GROUP_SIZE, DEFAULT_ALPHA),
        Verdict::TooSmallToJudge
    );
}

/// A deterministic sweep over many small and awkward inputs: nothing may be NaN.
#[test]
fn sweep_never_gives_nan() {
    let mut state: u64 = 0x5eed_5e4c_2024;
    let mut next = |limit: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % (limit + 1)
    };
    for _ in 0..3000 {
        let n1 = next(40);
        let n2 = next(300);
        let x1 = next(n1);
        let x2 = next(n2);
        let alt = ALTS[usize::try_from(next(2)).unwrap_or(0)];
        let conf = [0.5, 0.9, 0.95, 0.99, 0.999][usize::try_from(next(4)).unwrap_or(0)];
        assert_sane(&compare_proportions(x1, n1, x2, n2, alt, conf));
        assert_sane(&two_proportion_z(x1, n1, x2, n2, alt, conf));
        assert_sane(&fisher_exact(x1, n1 - x1, x2, n2 - x2, alt, conf));
        let p0 = f64::from(u32::try_from(next(98) + 1).unwrap_or(1)) / 100.0;
        assert_sane(&proportion_vs_value(x1, n1, p0, alt, conf));
        assert_sane(&binomial_test(x2, n2, p0, alt, conf));
        let a: Vec<f64> = (0..n1 % 9).map(|_| (next(20) as f64) / 20.0).collect();
        let b: Vec<f64> = (0..n2 % 7).map(|_| (next(20) as f64) / 20.0).collect();
        assert_sane(&welch_t(&a, &b, alt, conf));
        assert_sane(&one_sample_t(&a, 0.5, alt, conf));
        let ng = n1 + n2;
        let xs = x1 + x2;
        assert_sane(&representation(x1, n1, xs, ng, alt, conf).test);
    }
}
