//! Tests and intervals for proportions of pupils: two groups compared with each
//! other, one group against a reference value, and a group's representation in
//! the whole school.

use super::distributions::{Binomial, Hypergeometric, as_f64, normal_both, normal_upper_critical};
use super::special::ln_add_exp;
use super::{Alternative, Interval, NotTestable, TestKind, TestResult, half_alpha};

/// Relative tolerance for "as probable as the observed table" in two-sided exact
/// tests. Tables whose probability equals the observed one mathematically can
/// differ from it by rounding; 1e-7 (R's and scipy's `binomtest` choice) absorbs
/// that while being far too small to merge genuinely different tables.
const TIE_TOLERANCE: f64 = 1e-7;

fn z_p_value(z: f64, alternative: Alternative) -> f64 {
    let (cdf, sf) = normal_both(z);
    match alternative {
        // Written as statsmodels does: 2 * P(Z > |z|).
        Alternative::TwoSided => (normal_both(z.abs()).1 * 2.0).min(1.0),
        Alternative::Less => cdf,
        Alternative::Greater => sf,
    }
}

/// Wilson score interval for k successes out of n, as statsmodels
/// `proportion_confint(k, n, alpha=1-confidence, method="wilson")`.
/// `None` if n = 0, k > n or the confidence is not in (0, 1).
#[must_use]
pub fn wilson_interval(k: u64, n: u64, confidence: f64) -> Option<Interval> {
    if n == 0 || k > n {
        return None;
    }
    let crit = normal_upper_critical(half_alpha(confidence)?)?;
    let nf = as_f64(n);
    let q = as_f64(k) / nf;
    // Same operations, in the same order, as statsmodels, so the two agree to the
    // last bit or two.
    let crit2 = crit * crit;
    let denom = 1.0 + crit2 / nf;
    let center = (q + crit2 / (2.0 * nf)) / denom;
    let dist = crit * (q * (1.0 - q) / nf + crit2 / (4.0 * nf * nf)).sqrt() / denom;
    // At k = 0 (k = n) the bound is exactly 0 (1); the subtraction would leave
    // rounding dust there instead.
    let low = if k == 0 {
        0.0
    } else {
        (center - dist).clamp(0.0, 1.0)
    };
    let high = if k == n {
        1.0
    } else {
        (center + dist).clamp(0.0, 1.0)
    };
    Some(Interval { low, high })
}

/// Newcombe's hybrid score interval (his method 10) for the difference
/// p1 - p2, built from the two Wilson intervals; as statsmodels
/// `confint_proportions_2indep(..., compare="diff", method="newcomb")`.
/// Chosen over the Wald interval because Wald collapses to a single point when a
/// group's proportion is 0 or 1, which small SEN groups often show.
/// `None` if a group is empty, a count exceeds its group, or the confidence is
/// not in (0, 1).
#[must_use]
pub fn newcombe_interval(x1: u64, n1: u64, x2: u64, n2: u64, confidence: f64) -> Option<Interval> {
    let w1 = wilson_interval(x1, n1, confidence)?;
    let w2 = wilson_interval(x2, n2, confidence)?;
    let p1 = as_f64(x1) / as_f64(n1);
    let p2 = as_f64(x2) / as_f64(n2);
    let diff = p1 - p2;
    let d_low = ((p1 - w1.low) * (p1 - w1.low) + (w2.high - p2) * (w2.high - p2)).sqrt();
    let d_high = ((p2 - w2.low) * (p2 - w2.low) + (w1.high - p1) * (w1.high - p1)).sqrt();
    Some(Interval {
        low: diff - d_low,
        high: diff + d_high,
    })
}

/// Checks shared by the two-group tests; on success returns the Newcombe interval.
fn two_group_checks(x1: u64, n1: u64, x2: u64, n2: u64, confidence: f64) -> Result<Interval, TestResult> {
    if x1 > n1 || x2 > n2 || half_alpha(confidence).is_none() {
        return Err(TestResult::not_testable(NotTestable::InvalidInput, 0.0, 0.0));
    }
    if n1 == 0 || n2 == 0 {
        return Err(TestResult::not_testable(NotTestable::EmptyGroup, 0.0, 0.0));
    }
    newcombe_interval(x1, n1, x2, n2, confidence)
        .ok_or_else(|| TestResult::not_testable(NotTestable::InvalidInput, 0.0, 0.0))
}

/// Two-proportion z-test with pooled variance: x1 of n1 pupils in the first
/// group against x2 of n2 in the second, as statsmodels
/// `proportions_ztest([x1, x2], [n1, n2])`. The estimate is p1 - p2 with a
/// Newcombe interval.
///
/// When both groups are all-yes or all-no the pooled variance is zero: the
/// proportions are then identical, so the result is p = 1 with no statistic.
#[must_use]
pub fn two_proportion_z(
    x1: u64,
    n1: u64,
    x2: u64,
    n2: u64,
    alternative: Alternative,
    confidence: f64,
) -> TestResult {
    let ci = match two_group_checks(x1, n1, x2, n2, confidence) {
        Ok(ci) => ci,
        Err(result) => return result,
    };
    let (n1f, n2f) = (as_f64(n1), as_f64(n2));
    let p1 = as_f64(x1) / n1f;
    let p2 = as_f64(x2) / n2f;
    let diff = p1 - p2;
    // Same expression order as statsmodels.
    // Float sums: exact for any realistic count, and they cannot overflow.
    let pooled = (as_f64(x1) + as_f64(x2)) / (n1f + n2f);
    let var = pooled * (1.0 - pooled) * (1.0 / n1f + 1.0 / n2f);
    let (statistic, p_value) = if var > 0.0 {
        let z = diff / var.sqrt();
        (Some(z), z_p_value(z, alternative))
    } else {
        (None, 1.0)
    };
    TestResult {
        test: TestKind::TwoProportionZ,
        statistic,
        df: None,
        p_value,
        estimate: diff,
        null_value: 0.0,
        ci_low: ci.low,
        ci_high: ci.high,
        reason: None,
    }
}

/// Largest i in [lo, hi] with `pred(i)`, for a predicate that is true on a
/// prefix of the range; `None` if it is false at `lo`.
fn last_true(lo: u64, hi: u64, pred: impl Fn(u64) -> bool) -> Option<u64> {
    if lo > hi || !pred(lo) {
        return None;
    }
    if pred(hi) {
        return Some(hi);
    }
    let (mut good, mut bad) = (lo, hi);
    while bad - good > 1 {
        let mid = good + (bad - good) / 2;
        if pred(mid) {
            good = mid;
        } else {
            bad = mid;
        }
    }
    Some(good)
}

/// Smallest i in [lo, hi] with `pred(i)`, for a predicate that is true on a
/// suffix of the range; `None` if it is false at `hi`.
fn first_true(lo: u64, hi: u64, pred: impl Fn(u64) -> bool) -> Option<u64> {
    if lo > hi || !pred(hi) {
        return None;
    }
    let (mut bad, mut good) = (lo, hi);
    if pred(lo) {
        return Some(lo);
    }
    while good - bad > 1 {
        let mid = bad + (good - bad) / 2;
        if pred(mid) {
            good = mid;
        } else {
            bad = mid;
        }
    }
    Some(good)
}

/// Fisher's exact test on the 2×2 table [[a, b], [c, d]] whose rows are the two
/// groups and whose first column counts the pupils with the outcome, as
/// `scipy.stats.fisher_exact`. `Less` means the first row's proportion
/// a/(a+b) is below the second's. The two-sided p-value sums every table at
/// most as probable as the observed one (ties within a relative 1e-7, as R;
/// scipy 1.17 uses 1e-14, which gives the same result except when two tables'
/// probabilities differ by less than one part in ten million).
///
/// Probabilities are summed in log space from Loader's saddle-point formula, so
/// the test works for tables with thousands of pupils and p-values far below
/// 1e-30. The estimate is the difference of row proportions with a Newcombe
/// interval; the statistic is the sample odds ratio ad/bc when b and c are
/// both non-zero.
#[must_use]
pub fn fisher_exact(a: u64, b: u64, c: u64, d: u64, alternative: Alternative, confidence: f64) -> TestResult {
    let (Some(n1), Some(n2)) = (a.checked_add(b), c.checked_add(d)) else {
        return TestResult::not_testable(NotTestable::InvalidInput, 0.0, 0.0);
    };
    if n1.checked_add(n2).is_none() {
        return TestResult::not_testable(NotTestable::InvalidInput, 0.0, 0.0);
    }
    let ci = match two_group_checks(a, n1, c, n2, confidence) {
        Ok(ci) => ci,
        Err(result) => return result,
    };
    let estimate = as_f64(a) / as_f64(n1) - as_f64(c) / as_f64(n2);
    let odds_ratio = (b > 0 && c > 0).then(|| {
        #[allow(clippy::cast_precision_loss)]
        let r = (u128::from(a) * u128::from(d)) as f64 / (u128::from(b) * u128::from(c)) as f64;
        r
    });
    let Some(col1) = a.checked_add(c) else {
        return TestResult::not_testable(NotTestable::InvalidInput, 0.0, 0.0);
    };
    let p_value = fisher_p_value(a, n1, n2, col1, alternative);
    TestResult {
        test: TestKind::FisherExact,
        statistic: odds_ratio,
        df: None,
        p_value,
        estimate,
        null_value: 0.0,
        ci_low: ci.low,
        ci_high: ci.high,
        reason: None,
    }
}

fn fisher_p_value(a: u64, n1: u64, n2: u64, col1: u64, alternative: Alternative) -> f64 {
    let Some(h) = n1
        .checked_add(n2)
        .and_then(|total| Hypergeometric::new(total, n1, col1))
    else {
        return 1.0;
    };
    match alternative {
        Alternative::Less => h.tails(a).0,
        Alternative::Greater => {
            if a == 0 {
                1.0
            } else {
                h.tails(a - 1).1
            }
        }
        Alternative::TwoSided => {
            let (lo, hi) = h.support();
            let threshold = h.ln_pmf(a) + TIE_TOLERANCE.ln_1p();
            let mode = h.mode();
            if h.ln_pmf(mode) <= threshold {
                return 1.0;
            }
            // The pmf rises on [lo, mode] and falls on [mode, hi]; the tables
            // counted are an outer piece of each side.
            let left = mode
                .checked_sub(1)
                .and_then(|top| last_true(lo, top, |i| h.ln_pmf(i) <= threshold));
            let right = first_true(mode.saturating_add(1), hi, |i| h.ln_pmf(i) <= threshold);
            let ln_left = left.map_or(f64::NEG_INFINITY, |x| h.ln_run(x, lo));
            let ln_right = right.map_or(f64::NEG_INFINITY, |x| h.ln_run(x, hi));
            ln_add_exp(ln_left, ln_right).exp().min(1.0)
        }
    }
}

/// Checks shared by the one-sample proportion tests; on success returns the
/// Wilson interval.
fn one_group_checks(k: u64, n: u64, p0: f64, confidence: f64) -> Result<Interval, TestResult> {
    if k > n || !(p0 > 0.0 && p0 < 1.0) || half_alpha(confidence).is_none() {
        return Err(TestResult::not_testable(NotTestable::InvalidInput, 0.0, p0));
    }
    if n == 0 {
        return Err(TestResult::not_testable(NotTestable::EmptyGroup, 0.0, p0));
    }
    wilson_interval(k, n, confidence)
        .ok_or_else(|| TestResult::not_testable(NotTestable::InvalidInput, 0.0, p0))
}

/// Exact binomial test of k successes in n against proportion p0, as
/// `scipy.stats.binomtest(k, n, p0, alternative).pvalue`. The estimate is k/n
/// with a Wilson interval. p0 must be strictly between 0 and 1.
#[must_use]
pub fn binomial_test(k: u64, n: u64, p0: f64, alternative: Alternative, confidence: f64) -> TestResult {
    let ci = match one_group_checks(k, n, p0, confidence) {
        Ok(ci) => ci,
        Err(result) => return result,
    };
    let Some(dist) = Binomial::new(n, p0) else {
        return TestResult::not_testable(NotTestable::InvalidInput, 0.0, p0);
    };
    let p_value = match alternative {
        Alternative::Less => dist.tails(k).0,
        Alternative::Greater => {
            if k == 0 {
                1.0
            } else {
                dist.tails(k - 1).1
            }
        }
        Alternative::TwoSided => binomial_two_sided(&dist, k, p0),
    };
    TestResult {
        test: TestKind::BinomialExact,
        statistic: None,
        df: None,
        p_value,
        estimate: as_f64(k) / as_f64(n),
        null_value: p0,
        ci_low: ci.low,
        ci_high: ci.high,
        reason: None,
    }
}

/// scipy's two-sided rule: the observed tail plus every outcome on the far side
/// of n p0 whose probability is at most the observed one (times 1 + 1e-7).
fn binomial_two_sided(dist: &Binomial, k: u64, p0: f64) -> f64 {
    let n = dist.n;
    let nf = as_f64(n);
    let kf = as_f64(k);
    let centre = p0 * nf;
    if kf == centre {
        return 1.0;
    }
    let threshold = dist.ln_pmf(k) + TIE_TOLERANCE.ln_1p();
    // Float-to-int conversions saturate; centre lies in [0, n].
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (ceil_c, floor_c) = (centre.ceil() as u64, centre.floor() as u64);
    let p = if kf < centre {
        // On [ceil(n p0), n] the pmf falls, so the far-side outcomes form a suffix.
        let observed = dist.tails(k).0;
        let other = first_true(ceil_c, n, |i| dist.ln_pmf(i) <= threshold)
            .map_or(0.0, |x| if x == 0 { 1.0 } else { dist.tails(x - 1).1 });
        observed + other
    } else {
        // On [0, floor(n p0)] the pmf rises, so the far-side outcomes form a prefix.
        let observed = if k == 0 { 1.0 } else { dist.tails(k - 1).1 };
        let other = last_true(0, floor_c, |i| dist.ln_pmf(i) <= threshold).map_or(0.0, |x| dist.tails(x).0);
        observed + other
    };
    p.min(1.0)
}

/// One-proportion z-test (the score test) of k successes in n against p0: the
/// standard error uses p0, not the sample proportion, so a sample of all-yes or
/// all-no can still be tested. As statsmodels
/// `proportions_ztest(k, n, value=p0, prop_var=p0)`. Estimate k/n with a Wilson
/// interval.
#[must_use]
pub fn one_proportion_z(k: u64, n: u64, p0: f64, alternative: Alternative, confidence: f64) -> TestResult {
    let ci = match one_group_checks(k, n, p0, confidence) {
        Ok(ci) => ci,
        Err(result) => return result,
    };
    let nf = as_f64(n);
    let prop = as_f64(k) / nf;
    let var = p0 * (1.0 - p0) * (1.0 / nf);
    let z = (prop - p0) / var.sqrt();
    TestResult {
        test: TestKind::OneProportionZ,
        statistic: Some(z),
        df: None,
        p_value: z_p_value(z, alternative),
        estimate: prop,
        null_value: p0,
        ci_low: ci.low,
        ci_high: ci.high,
        reason: None,
    }
}

/// Compares the proportion x1/n1 in one group with x2/n2 in another. Uses the
/// two-proportion z-test when every expected count of the 2×2 table is at least
/// 5 (the usual condition for the normal approximation), otherwise Fisher's
/// exact test. The estimate is p1 - p2 with a Newcombe interval either way.
#[must_use]
pub fn compare_proportions(
    x1: u64,
    n1: u64,
    x2: u64,
    n2: u64,
    alternative: Alternative,
    confidence: f64,
) -> TestResult {
    if let Err(result) = two_group_checks(x1, n1, x2, n2, confidence) {
        return result;
    }
    // Expected count n_i * col_j / N >= 5, compared in integers so that a count
    // of exactly 5 is not lost to rounding.
    let total = u128::from(n1) + u128::from(n2);
    let yes = u128::from(x1) + u128::from(x2);
    let no = total - yes;
    let large_enough = [n1, n2]
        .iter()
        .all(|&n| [yes, no].iter().all(|&col| u128::from(n) * col >= 5 * total));
    if large_enough {
        two_proportion_z(x1, n1, x2, n2, alternative, confidence)
    } else {
        fisher_exact(x1, n1 - x1, x2, n2 - x2, alternative, confidence)
    }
}

/// Compares the proportion k/n with a reference value p0 (say the national
/// rate). Uses the exact binomial test when n p0 or n (1 - p0) is below 5,
/// otherwise the one-proportion z-test. Estimate k/n with a Wilson interval.
#[must_use]
pub fn proportion_vs_value(k: u64, n: u64, p0: f64, alternative: Alternative, confidence: f64) -> TestResult {
    if let Err(result) = one_group_checks(k, n, p0, confidence) {
        return result;
    }
    let nf = as_f64(n);
    if nf * p0 < 5.0 || nf * (1.0 - p0) < 5.0 {
        binomial_test(k, n, p0, alternative, confidence)
    } else {
        one_proportion_z(k, n, p0, alternative, confidence)
    }
}

/// A group's representation among pupils with some outcome (say SEN pupils
/// among persistent absentees).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Representation {
    /// The group's share with the outcome divided by the whole school's share:
    /// 1 is fair representation, 2 means twice as likely as the school overall.
    /// `None` when it is undefined: nobody in the school has the outcome, the
    /// group is empty, or the input is inconsistent.
    pub index: Option<f64>,
    /// Test of the group against the rest of the school; estimate is
    /// (group share) - (rest-of-school share).
    pub test: TestResult,
}

/// Representation index of a group within the school, with a significance test.
///
/// The index compares the group with the whole school, which is what readers
/// expect of a representation index. The test cannot do the same: the group is
/// part of the school, so the two shares are not independent samples and a
/// two-sample test between them would be wrong (and would understate any
/// difference). The test therefore compares the group with the *rest* of the
/// school, x_school - x_group out of n_school - n_group, using
/// [`compare_proportions`]. The two questions agree in direction: the group's
/// share is above the school's exactly when it is above the rest's.
#[must_use]
pub fn representation(
    x_in_group: u64,
    n_group: u64,
    x_in_school: u64,
    n_school: u64,
    alternative: Alternative,
    confidence: f64,
) -> Representation {
    let consistent = x_in_group <= n_group
        && x_in_school <= n_school
        && n_group <= n_school
        && x_in_group <= x_in_school
        && x_in_school - x_in_group <= n_school - n_group;
    if !consistent {
        return Representation {
            index: None,
            test: TestResult::not_testable(NotTestable::InvalidInput, 0.0, 0.0),
        };
    }
    if n_group == 0 {
        return Representation {
            index: None,
            test: TestResult::not_testable(NotTestable::EmptyGroup, 0.0, 0.0),
        };
    }
    let group_share = as_f64(x_in_group) / as_f64(n_group);
    let index = (x_in_school > 0).then(|| group_share / (as_f64(x_in_school) / as_f64(n_school)));
    let test = if n_group == n_school {
        TestResult::not_testable(NotTestable::NoComparisonGroup, 0.0, 0.0)
    } else {
        compare_proportions(
            x_in_group,
            n_group,
            x_in_school - x_in_group,
            n_school - n_group,
            alternative,
            confidence,
        )
    };
    Representation { index, test }
}
