//! Statistics core for sencheck: the significance tests and confidence
//! intervals behind findings such as "SEN attendance is significantly below other
//! pupils'".
//!
//! Everything here is a pure function with no dependencies. Results are checked
//! against scipy and statsmodels by `tests/stats_vectors.rs` (vectors made by
//! `scripts/stats_vectors.py`); `docs/statistics.md` explains the tests to a SENCo.
//!
//! Conventions that hold throughout:
//! - Nothing panics and no public function returns NaN or infinity. A
//!   distribution function given an argument outside its domain returns `None`;
//!   a test that cannot be carried out returns a [`TestResult`] whose `test` is
//!   [`TestKind::None`], with the reason in `reason` and `p_value` set to 1 so
//!   that a caller who forgets to check can never report a difference.
//! - The unit is the pupil: proportions are counts of pupils, and t-tests take
//!   one value per pupil (say each pupil's attendance rate), never sessions.
//! - [`Alternative::Less`] means "the first group (or the sample) is below the
//!   second group (or the reference value)".
//! - Confidence intervals are always two-sided at the requested confidence,
//!   whatever the alternative, because a report shows a range, not a bound.

mod distributions;
mod means;
mod proportions;
mod special;

pub use distributions::{
    binomial_cdf, binomial_pmf, binomial_sf, hypergeometric_cdf, hypergeometric_pmf, hypergeometric_sf,
    normal_cdf, normal_quantile, normal_sf, student_t_cdf, student_t_sf, t_quantile,
};
pub use means::{mean, median, one_sample_t, t_interval, variance, welch_t};
pub use proportions::{
    Representation, binomial_test, compare_proportions, fisher_exact, newcombe_interval, one_proportion_z,
    proportion_vs_value, representation, two_proportion_z, wilson_interval,
};

/// Groups with fewer pupils than this are never judged (see [`judge`]).
pub const DEFAULT_MIN_GROUP_SIZE: u64 = 6;

/// The usual significance level: a p-value below 0.05 counts as significant.
pub const DEFAULT_ALPHA: f64 = 0.05;

/// Which difference the test looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alternative {
    /// Any difference, in either direction.
    TwoSided,
    /// The first group (or the sample) is below the second group (or the reference value).
    Less,
    /// The first group (or the sample) is above the second group (or the reference value).
    Greater,
}

/// The test that produced a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TestKind {
    /// Two-proportion z-test with pooled variance.
    TwoProportionZ,
    /// Fisher's exact test on a 2×2 table.
    FisherExact,
    /// Exact binomial test of one proportion against a value.
    BinomialExact,
    /// One-proportion z-test (score test) against a value.
    OneProportionZ,
    /// Welch's t-test for two means with unequal variances.
    WelchT,
    /// One-sample t-test of a mean against a value.
    OneSampleT,
    /// No test was possible; see [`TestResult::reason`].
    None,
}

impl TestKind {
    /// Plain-English name for reports.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::TwoProportionZ => "two-proportion z-test",
            Self::FisherExact => "Fisher's exact test",
            Self::BinomialExact => "exact binomial test",
            Self::OneProportionZ => "one-proportion z-test",
            Self::WelchT => "Welch's t-test",
            Self::OneSampleT => "one-sample t-test",
            Self::None => "no test",
        }
    }
}

/// Why a test could not be carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotTestable {
    /// A group (or the sample) has no pupils.
    EmptyGroup,
    /// A t-test needs at least two values in each group to measure spread.
    TooFewValues,
    /// Every value is identical within each group, yet the means differ: there is
    /// no spread to judge the gap against.
    NoVariation,
    /// The group is the whole school, so there is no rest of the school to compare with.
    NoComparisonGroup,
    /// Inconsistent or impossible input: more successes than pupils, a reference
    /// proportion outside (0, 1), a confidence level outside (0, 1), or a value
    /// that is not a finite number.
    InvalidInput,
}

impl NotTestable {
    /// Plain-English explanation for reports.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::EmptyGroup => "a group has no pupils",
            Self::TooFewValues => "a group has fewer than two pupils, so its spread is unknown",
            Self::NoVariation => {
                "every pupil in each group has the same value, so there is no spread to judge the gap against"
            }
            Self::NoComparisonGroup => "the group is the whole school, so there is nobody to compare with",
            Self::InvalidInput => "the figures are inconsistent or not valid numbers",
        }
    }
}

/// A two-sided confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// Outcome of a significance test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestResult {
    /// The test used, or [`TestKind::None`] when none was possible.
    pub test: TestKind,
    /// z or t for those tests; the sample odds ratio for Fisher's test (`None`
    /// when it is infinite or undefined); `None` for the exact binomial test and
    /// when no statistic exists (identical groups with no spread).
    pub statistic: Option<f64>,
    /// Degrees of freedom of a t-test (non-integer for Welch).
    pub df: Option<f64>,
    /// Probability of a result at least this extreme if there were no real
    /// difference; always in [0, 1]. Exactly 1 when not testable.
    pub p_value: f64,
    /// The difference (first minus second) for two-group tests; the sample
    /// proportion or mean for one-sample tests.
    pub estimate: f64,
    /// What the estimate is compared with: 0 for differences, the reference
    /// proportion or mean for one-sample tests.
    pub null_value: f64,
    /// Two-sided confidence interval for the estimate.
    pub ci_low: f64,
    pub ci_high: f64,
    /// Why no test was possible; `Some` exactly when `test` is [`TestKind::None`].
    pub reason: Option<NotTestable>,
}

impl TestResult {
    /// Whether a test was carried out.
    #[must_use]
    pub fn is_testable(&self) -> bool {
        self.reason.is_none()
    }

    /// A result for a test that could not be carried out. The estimate is kept
    /// when it is known (it is still worth reporting); the interval collapses to
    /// it and the p-value is 1.
    pub(crate) fn not_testable(reason: NotTestable, estimate: f64, null_value: f64) -> Self {
        let estimate = if estimate.is_finite() { estimate } else { 0.0 };
        let null_value = if null_value.is_finite() { null_value } else { 0.0 };
        Self {
            test: TestKind::None,
            statistic: None,
            df: None,
            p_value: 1.0,
            estimate,
            null_value,
            ci_low: estimate,
            ci_high: estimate,
            reason: Some(reason),
        }
    }
}

/// What a report may say about a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    SignificantlyBelow,
    SignificantlyAbove,
    NoSignificantDifference,
    /// The group has fewer pupils than the minimum size: never judged.
    TooSmallToJudge,
    NotTestable(NotTestable),
}

/// Turns a result into a verdict: groups smaller than `min_group_size` are too
/// small to judge whatever the p-value; otherwise a p-value below `alpha` is a
/// significant difference in the direction of `estimate - null_value`.
#[must_use]
pub fn judge(result: &TestResult, group_size: u64, min_group_size: u64, alpha: f64) -> Verdict {
    if group_size < min_group_size {
        return Verdict::TooSmallToJudge;
    }
    if let Some(reason) = result.reason {
        return Verdict::NotTestable(reason);
    }
    if !(alpha > 0.0 && alpha < 1.0) {
        return Verdict::NotTestable(NotTestable::InvalidInput);
    }
    if result.p_value < alpha {
        if result.estimate < result.null_value {
            return Verdict::SignificantlyBelow;
        }
        if result.estimate > result.null_value {
            return Verdict::SignificantlyAbove;
        }
    }
    Verdict::NoSignificantDifference
}

/// ln Γ(x) for x > 0, accurate to a few ulps relative (including near x = 1 and
/// x = 2, where ln Γ is zero). `None` for x <= 0, NaN, or when the result would
/// overflow (x above about 2.5e305).
#[must_use]
pub fn ln_gamma(x: f64) -> Option<f64> {
    if !(x > 0.0 && x.is_finite()) {
        return None;
    }
    let v = special::ln_gamma_pos(x);
    v.is_finite().then_some(v)
}

/// Regularized incomplete beta function I_x(a, b) (the beta distribution's cdf).
/// `None` unless a > 0, b > 0 (both finite) and 0 <= x <= 1.
#[must_use]
pub fn inc_beta(a: f64, b: f64, x: f64) -> Option<f64> {
    if !(a > 0.0 && b > 0.0 && a.is_finite() && b.is_finite() && (0.0..=1.0).contains(&x)) {
        return None;
    }
    Some(special::inc_beta_pair(a, b, x, 1.0 - x).0)
}

/// The requested confidence as the tail probability on each side, e.g. 0.025
/// for 95%. `None` unless 0 < confidence < 1. Written `(1 - c) / 2` exactly as
/// statsmodels does so the critical values agree to the last bit.
pub(crate) fn half_alpha(confidence: f64) -> Option<f64> {
    if confidence > 0.0 && confidence < 1.0 {
        Some((1.0 - confidence) / 2.0)
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
