//! Summaries and t-tests for one value per pupil (say each pupil's attendance
//! rate or progress score).

use super::distributions::{as_f64, t_tail_and_centre, t_upper_quantile};
use super::{Alternative, Interval, NotTestable, TestKind, TestResult, half_alpha};

/// Neumaier-compensated sum: the t statistic divides by the difference of two
/// means, so their rounding error is kept to about one ulp.
fn compensated_sum(values: impl Iterator<Item = f64>) -> f64 {
    let mut sum = 0.0_f64;
    let mut carry = 0.0_f64;
    for v in values {
        let t = sum + v;
        if sum.abs() >= v.abs() {
            carry += (sum - t) + v;
        } else {
            carry += (v - t) + sum;
        }
        sum = t;
    }
    sum + carry
}

fn all_finite(values: &[f64]) -> bool {
    values.iter().all(|v| v.is_finite())
}

fn len_f64(values: &[f64]) -> f64 {
    // A slice length always fits u64.
    as_f64(u64::try_from(values.len()).unwrap_or(u64::MAX))
}

/// Arithmetic mean. `None` for an empty slice or any value that is not finite.
#[must_use]
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() || !all_finite(values) {
        return None;
    }
    // Summing deviations from the first value makes the mean of identical values
    // exactly that value (a plain sum / n can land one ulp off, which would
    // invent a tiny spread and a huge t for data with none).
    let first = *values.first()?;
    let shift = compensated_sum(values.iter().map(|v| v - first)) / len_f64(values);
    let m = first + shift;
    m.is_finite().then_some(m)
}

/// Sample variance with divisor n - 1 (two-pass, compensated). `None` for
/// fewer than two values or any value that is not finite.
#[must_use]
pub fn variance(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let m = mean(values)?;
    let ss = compensated_sum(values.iter().map(|v| (v - m) * (v - m)));
    let v = ss / (len_f64(values) - 1.0);
    v.is_finite().then_some(v)
}

/// Median; for an even count, the mean of the middle two. `None` for an empty
/// slice or any value that is not finite.
#[must_use]
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() || !all_finite(values) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        return sorted.get(mid).copied();
    }
    let (a, b) = (*sorted.get(mid - 1)?, *sorted.get(mid)?);
    let m = (a + b) / 2.0;
    // Only two values near f64::MAX can overflow the sum.
    Some(if m.is_finite() { m } else { a / 2.0 + b / 2.0 })
}

/// Mean, variance and count of a sample with at least two finite values.
struct Summary {
    n: f64,
    mean: f64,
    var: f64,
}

fn summarise(values: &[f64]) -> Result<Summary, NotTestable> {
    if !all_finite(values) {
        return Err(NotTestable::InvalidInput);
    }
    match values.len() {
        0 => Err(NotTestable::EmptyGroup),
        1 => Err(NotTestable::TooFewValues),
        _ => Ok(Summary {
            n: len_f64(values),
            mean: mean(values).ok_or(NotTestable::InvalidInput)?,
            var: variance(values).ok_or(NotTestable::InvalidInput)?,
        }),
    }
}

fn t_p_value(t: f64, df: f64, alternative: Alternative) -> f64 {
    let (tail, centre) = t_tail_and_centre(t, df);
    // P(T > |t|) and P(T <= |t|) for the observed |t|.
    let (beyond, within) = (tail, 0.5 + centre);
    match alternative {
        // As scipy: 2 * P(T > |t|).
        Alternative::TwoSided => (2.0 * beyond).min(1.0),
        Alternative::Less => {
            if t <= 0.0 {
                beyond
            } else {
                within
            }
        }
        Alternative::Greater => {
            if t >= 0.0 {
                beyond
            } else {
                within
            }
        }
    }
}

/// Result for samples with no spread at all: identical means give p = 1 (there
/// is plainly no difference); different means cannot be judged, because the
/// t-test measures a gap against the spread and there is none.
fn no_spread(kind: TestKind, estimate: f64, null_value: f64) -> TestResult {
    if estimate == null_value {
        TestResult {
            test: kind,
            statistic: None,
            df: None,
            p_value: 1.0,
            estimate,
            null_value,
            ci_low: estimate,
            ci_high: estimate,
            reason: None,
        }
    } else {
        TestResult::not_testable(NotTestable::NoVariation, estimate, null_value)
    }
}

/// Welch's t-test comparing the mean of `a` with the mean of `b` without
/// assuming equal variances, as `scipy.stats.ttest_ind(a, b, equal_var=False)`,
/// with Welch–Satterthwaite degrees of freedom. The estimate is mean(a) -
/// mean(b) with a two-sided t interval at `confidence`.
///
/// Not testable when a group is empty or has one value, or a value is not
/// finite. When both groups have zero spread: equal means give p = 1 with no
/// statistic, different means are not testable ([`NotTestable::NoVariation`]).
#[must_use]
pub fn welch_t(a: &[f64], b: &[f64], alternative: Alternative, confidence: f64) -> TestResult {
    let Some(half) = half_alpha(confidence) else {
        return TestResult::not_testable(NotTestable::InvalidInput, 0.0, 0.0);
    };
    let (sa, sb) = match (summarise(a), summarise(b)) {
        (Ok(sa), Ok(sb)) => (sa, sb),
        (Err(reason), _) | (_, Err(reason)) => {
            return TestResult::not_testable(reason, 0.0, 0.0);
        }
    };
    let estimate = sa.mean - sb.mean;
    let vn1 = sa.var / sa.n;
    let vn2 = sb.var / sb.n;
    let se2 = vn1 + vn2;
    if !estimate.is_finite() || !se2.is_finite() {
        return TestResult::not_testable(NotTestable::InvalidInput, 0.0, 0.0);
    }
    if se2 == 0.0 {
        return no_spread(TestKind::WelchT, estimate, 0.0);
    }
    // Welch–Satterthwaite df, written with shares of the total so that squaring
    // very large or very small variances cannot overflow or underflow.
    let (w1, w2) = (vn1 / se2, vn2 / se2);
    let df = 1.0 / (w1 * w1 / (sa.n - 1.0) + w2 * w2 / (sb.n - 1.0));
    let se = se2.sqrt();
    let t = estimate / se;
    let crit = t_upper_quantile(half, df).unwrap_or(0.0);
    TestResult {
        test: TestKind::WelchT,
        statistic: Some(t),
        df: Some(df),
        p_value: t_p_value(t, df, alternative),
        estimate,
        null_value: 0.0,
        ci_low: estimate - crit * se,
        ci_high: estimate + crit * se,
        reason: None,
    }
}

/// One-sample t-test of the mean of `a` against `mu`, as
/// `scipy.stats.ttest_1samp(a, mu)`. The estimate is the sample mean with its
/// two-sided t interval. Edge cases as [`welch_t`]: zero spread with mean equal
/// to `mu` gives p = 1, otherwise not testable.
#[must_use]
pub fn one_sample_t(a: &[f64], mu: f64, alternative: Alternative, confidence: f64) -> TestResult {
    let Some(half) = half_alpha(confidence) else {
        return TestResult::not_testable(NotTestable::InvalidInput, 0.0, mu);
    };
    if !mu.is_finite() {
        return TestResult::not_testable(NotTestable::InvalidInput, 0.0, 0.0);
    }
    let s = match summarise(a) {
        Ok(s) => s,
        Err(reason) => return TestResult::not_testable(reason, 0.0, mu),
    };
    let diff = s.mean - mu;
    if !diff.is_finite() {
        return TestResult::not_testable(NotTestable::InvalidInput, s.mean, mu);
    }
    if s.var == 0.0 {
        return no_spread(TestKind::OneSampleT, s.mean, mu);
    }
    let se = (s.var / s.n).sqrt();
    let df = s.n - 1.0;
    let t = diff / se;
    let crit = t_upper_quantile(half, df).unwrap_or(0.0);
    TestResult {
        test: TestKind::OneSampleT,
        statistic: Some(t),
        df: Some(df),
        p_value: t_p_value(t, df, alternative),
        estimate: s.mean,
        null_value: mu,
        ci_low: s.mean - crit * se,
        ci_high: s.mean + crit * se,
        reason: None,
    }
}

/// Two-sided t confidence interval for the mean of `a`. `None` for fewer than
/// two values, a value that is not finite, or confidence outside (0, 1). With
/// no spread the interval is the single point at the mean.
#[must_use]
pub fn t_interval(a: &[f64], confidence: f64) -> Option<Interval> {
    let half = half_alpha(confidence)?;
    let s = summarise(a).ok()?;
    if s.var == 0.0 {
        return Some(Interval {
            low: s.mean,
            high: s.mean,
        });
    }
    let se = (s.var / s.n).sqrt();
    let crit = t_upper_quantile(half, s.n - 1.0)?;
    Some(Interval {
        low: s.mean - crit * se,
        high: s.mean + crit * se,
    })
}
