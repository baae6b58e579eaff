//! Probability distributions: normal, Student's t, binomial and hypergeometric.
//!
//! Public functions return `None` when an argument is outside the function's
//! domain (including NaN), so a caller never receives NaN or infinity.
//! Tail probabilities are computed directly rather than as `1 - cdf`, so tiny
//! p-values (1e-30 and below) keep their full relative accuracy.

use super::special::{inc_beta_pair, ln_binom_raw, ln_gamma_pos};

/// 1 / sqrt(2 pi).
const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

// ---------------------------------------------------------------------------
// Normal distribution
// ---------------------------------------------------------------------------

/// e^(-x^2/2) * scale, with x^2 split so that its rounding error does not get
/// magnified in the far tail (Cody's trick, as in R's `pnorm`).
fn gauss_exp(x: f64, scale: f64) -> f64 {
    let xsq = (x * 16.0).trunc() / 16.0;
    let del = (x - xsq) * (x + xsq);
    (-xsq * xsq * 0.5).exp() * (-del * 0.5).exp() * scale
}

/// (P(Z <= x), P(Z > x)) for a standard normal Z, by Cody's rational
/// approximations (W. J. Cody, Math. Comp. 1969; as used by R's `pnorm`).
/// Both tails keep full relative accuracy down to the underflow limit.
// Coefficients are kept digit for digit as published, so they can be checked.
#[allow(clippy::excessive_precision)]
pub(crate) fn normal_both(x: f64) -> (f64, f64) {
    const A: [f64; 5] = [
        2.235_252_035_460_683_928_7,
        161.028_231_068_555_878_81,
        1_067.689_485_460_370_958_2,
        18_154.981_253_343_561_249,
        0.065_682_337_918_207_449_113,
    ];
    const B: [f64; 4] = [
        47.202_581_904_688_241_87,
        976.098_551_737_776_693_22,
        10_260.932_208_618_978_205,
        45_507.789_335_026_729_956,
    ];
    const C: [f64; 9] = [
        0.398_941_512_088_134_667_64,
        8.883_149_794_388_375_941_2,
        93.506_656_132_177_855_979,
        597.270_276_394_800_262_26,
        2_494.537_585_290_372_671_1,
        6_848.190_450_536_282_332_6,
        11_602.651_437_647_350_124,
        9_842.714_838_383_978_021_8,
        1.076_557_677_372_019_231_7e-8,
    ];
    const D: [f64; 8] = [
        22.266_688_044_328_115_691,
        235.387_901_782_624_998_61,
        1_519.377_599_407_554_805,
        6_485.558_298_266_760_755,
        18_615.571_640_885_098_091,
        34_900.952_721_145_977_266,
        38_912.003_286_093_271_411,
        19_685.429_676_859_990_727,
    ];
    const P: [f64; 6] = [
        0.215_898_534_057_956_99,
        0.127_401_161_160_247_363_9,
        0.022_235_277_870_649_807,
        0.001_421_619_193_227_893_466,
        2.911_287_495_116_879_2e-5,
        0.023_073_441_764_940_173_03,
    ];
    const Q: [f64; 5] = [
        1.284_260_096_144_911_21,
        0.468_238_212_480_865_118,
        0.065_988_137_868_928_551_5,
        0.003_782_396_332_027_582_44,
        7.297_515_550_839_662_05e-5,
    ];

    let y = x.abs();
    if y <= 0.674_489_75 {
        let (mut num, mut den) = (0.0, 0.0);
        if y > f64::EPSILON * 0.5 {
            let xsq = x * x;
            num = A[4] * xsq;
            den = xsq;
            for i in 0..3 {
                num = (num + A[i]) * xsq;
                den = (den + B[i]) * xsq;
            }
        }
        let temp = x * (num + A[3]) / (den + B[3]);
        return (0.5 + temp, 0.5 - temp);
    }
    // `lower` is the tail on the far side of zero from x, i.e. P(Z > |x|).
    let lower = if y <= 32.0_f64.sqrt() {
        let mut num = C[8] * y;
        let mut den = y;
        for i in 0..7 {
            num = (num + C[i]) * y;
            den = (den + D[i]) * y;
        }
        gauss_exp(y, (num + C[7]) / (den + D[7]))
    } else if y < 38.5 {
        let xsq = 1.0 / (x * x);
        let mut num = P[5] * xsq;
        let mut den = xsq;
        for i in 0..4 {
            num = (num + P[i]) * xsq;
            den = (den + Q[i]) * xsq;
        }
        let temp = xsq * (num + P[4]) / (den + Q[4]);
        gauss_exp(y, (INV_SQRT_2PI - temp) / y)
    } else {
        0.0
    };
    if x > 0.0 {
        (1.0 - lower, lower)
    } else {
        (lower, 1.0 - lower)
    }
}

/// P(Z <= x) for a standard normal Z. `None` only for NaN.
#[must_use]
pub fn normal_cdf(x: f64) -> Option<f64> {
    if x.is_nan() { None } else { Some(normal_both(x).0) }
}

/// P(Z > x) for a standard normal Z, accurate in the upper tail. `None` only for NaN.
#[must_use]
pub fn normal_sf(x: f64) -> Option<f64> {
    if x.is_nan() { None } else { Some(normal_both(x).1) }
}

fn horner(coefs: &[f64; 8], x: f64) -> f64 {
    coefs.iter().rev().fold(0.0, |acc, c| acc * x + c)
}

/// The x with P(Z <= x) = p, for 0 < p < 1 (Wichura's AS 241, PPND16; relative
/// error about 1e-16). `None` when p is not strictly between 0 and 1.
#[must_use]
pub fn normal_quantile(p: f64) -> Option<f64> {
    // Not `p <= 0.0 || p >= 1.0`, so that NaN is rejected too.
    if !(p > 0.0 && p < 1.0) {
        return None;
    }
    Some(ppnd16(p))
}

// Coefficients are kept digit for digit as published, so they can be checked.
#[allow(clippy::excessive_precision)]
fn ppnd16(p: f64) -> f64 {
    const A: [f64; 8] = [
        3.387_132_872_796_366_608,
        133.141_667_891_784_377_45,
        1_971.590_950_306_551_442_7,
        13_731.693_765_509_461_125,
        45_921.953_931_549_871_457,
        67_265.770_927_008_700_853,
        33_430.575_583_588_128_105,
        2_509.080_928_730_122_672_7,
    ];
    const B: [f64; 8] = [
        1.0,
        42.313_330_701_600_911_252,
        687.187_007_492_057_908_3,
        5_394.196_021_424_751_107_7,
        21_213.794_301_586_595_867,
        39_307.895_800_092_710_61,
        28_729.085_735_721_942_674,
        5_226.495_278_852_854_561,
    ];
    const C: [f64; 8] = [
        1.423_437_110_749_683_577_34,
        4.630_337_846_156_545_295_9,
        5.769_497_221_460_691_405_5,
        3.647_848_324_763_204_605_04,
        1.270_458_252_452_368_382_58,
        0.241_780_725_177_450_611_77,
        0.022_723_844_989_269_184_583_3,
        7.745_450_142_783_414_076_4e-4,
    ];
    const D: [f64; 8] = [
        1.0,
        2.053_191_626_637_758_821_87,
        1.676_384_830_183_803_849_4,
        0.689_767_334_985_100_004_55,
        0.148_103_976_427_480_074_59,
        0.015_198_666_563_616_457_196_6,
        5.475_938_084_995_344_946e-4,
        1.050_750_071_644_416_843_24e-9,
    ];
    const E: [f64; 8] = [
        6.657_904_643_501_103_777_2,
        5.463_784_911_164_114_369_9,
        1.784_826_539_917_291_335_8,
        0.296_560_571_828_504_891_23,
        0.026_532_189_526_576_123_093,
        0.001_242_660_947_388_078_438_6,
        2.711_555_568_743_487_578_15e-5,
        2.010_334_399_292_288_132_65e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        0.599_832_206_555_887_937_69,
        0.136_929_880_922_735_805_31,
        0.014_875_361_290_850_614_852_5,
        7.868_691_311_456_132_591e-4,
        1.846_318_317_510_054_681_8e-5,
        1.421_511_758_316_445_888_7e-7,
        2.044_263_103_389_939_785_64e-15,
    ];
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q * horner(&A, r) / horner(&B, r);
    }
    let r = if q < 0.0 { p } else { 1.0 - p };
    let r = (-r.ln()).sqrt();
    let value = if r <= 5.0 {
        let r = r - 1.6;
        horner(&C, r) / horner(&D, r)
    } else {
        let r = r - 5.0;
        horner(&E, r) / horner(&F, r)
    };
    if q < 0.0 { -value } else { value }
}

/// Upper critical value z with P(Z > z) = tail, e.g. 1.959964 for tail 0.025.
pub(crate) fn normal_upper_critical(tail: f64) -> Option<f64> {
    normal_quantile(tail).map(|z| -z)
}

// ---------------------------------------------------------------------------
// Student's t distribution
// ---------------------------------------------------------------------------

/// (P(T > |t|), P(0 < T <= |t|)) for Student's t with `df` degrees of freedom:
/// the outer tail and the centre piece, each with full relative accuracy, so that
/// both tiny p-values and values of t near zero are exact to rounding.
pub(crate) fn t_tail_and_centre(t: f64, df: f64) -> (f64, f64) {
    let t = t.abs();
    if t == 0.0 {
        return (0.5, 0.0);
    }
    // x = df / (df + t^2) and y = t^2 / (df + t^2), formed so that neither loses
    // digits to a subtraction, and without overflow for huge t.
    let (x, y) = if t > 1e150 {
        let x = (df / t) / t;
        (x, 1.0 - x)
    } else {
        let r = t * t / df;
        (1.0 / (1.0 + r), r / (1.0 + r))
    };
    let (ix, iy) = inc_beta_pair(0.5 * df, 0.5, x, y);
    (0.5 * ix, 0.5 * iy)
}

fn valid_df(df: f64) -> bool {
    // Infinite df is the normal distribution, handled by the callers.
    df > 0.0 && !df.is_nan()
}

/// P(T <= t) for Student's t with `df` degrees of freedom; `df` need not be an
/// integer (Welch's test). `df = +inf` gives the normal distribution.
/// `None` for NaN t, or df that is not positive.
#[must_use]
pub fn student_t_cdf(t: f64, df: f64) -> Option<f64> {
    if t.is_nan() || !valid_df(df) {
        return None;
    }
    if df.is_infinite() {
        return normal_cdf(t);
    }
    let (tail, centre) = t_tail_and_centre(t, df);
    Some(if t <= 0.0 { tail } else { 0.5 + centre })
}

/// P(T > t) for Student's t, accurate in the upper tail. Same domain as
/// [`student_t_cdf`].
#[must_use]
pub fn student_t_sf(t: f64, df: f64) -> Option<f64> {
    if t.is_nan() || !valid_df(df) {
        return None;
    }
    if df.is_infinite() {
        return normal_sf(t);
    }
    let (tail, centre) = t_tail_and_centre(t, df);
    Some(if t >= 0.0 { tail } else { 0.5 + centre })
}

/// ln of the t density at t; only steers the quantile's Newton steps, so its
/// modest accuracy for huge df does not reach the result.
fn ln_t_pdf(t: f64, df: f64) -> f64 {
    ln_gamma_pos(0.5 * (df + 1.0))
        - ln_gamma_pos(0.5 * df)
        - 0.5 * (df * std::f64::consts::PI).ln()
        - 0.5 * (df + 1.0) * (t * t / df).ln_1p()
}

/// The t with P(T <= t) = p for Student's t with `df` degrees of freedom
/// (non-integer df allowed). `None` when p is not strictly between 0 and 1,
/// df is not positive, or the quantile exceeds the range of an f64 (only for
/// df far below 1 with tiny p).
#[must_use]
pub fn t_quantile(p: f64, df: f64) -> Option<f64> {
    if !(p > 0.0 && p < 1.0 && valid_df(df)) {
        return None;
    }
    if df.is_infinite() {
        return normal_quantile(p);
    }
    if p == 0.5 {
        return Some(0.0);
    }
    // Tail probability beyond |t|; 1 - p is exact for p >= 0.5.
    let tail = if p < 0.5 { p } else { 1.0 - p };
    let magnitude = t_upper_quantile(tail, df)?;
    Some(if p < 0.5 { -magnitude } else { magnitude })
}

/// The t > 0 with P(T > t) = tail, for 0 < tail < 0.5.
pub(crate) fn t_upper_quantile(tail: f64, df: f64) -> Option<f64> {
    // Near the centre solve P(0 < T <= t) = 0.5 - tail (exact for tail >= 0.25),
    // otherwise ln P(T > t) = ln tail: both keep the answer's relative accuracy.
    let centre_target = 0.5 - tail;
    let use_centre = tail >= 0.25;
    let ln_target = tail.ln();
    // Residual g(t) (increasing in t) and its derivative.
    let residual = |t: f64| -> (f64, f64) {
        let (up, centre) = t_tail_and_centre(t, df);
        let pdf = ln_t_pdf(t, df).exp();
        if use_centre {
            (centre - centre_target, pdf)
        } else {
            // d/dt (ln target - ln up) = pdf / up.
            (ln_target - up.ln(), pdf / up)
        }
    };

    let guess = t_quantile_guess(tail, df);
    // Bracket the root: g(lo) < 0 < g(hi).
    let mut lo = 0.0_f64;
    let mut hi = guess.max(f64::MIN_POSITIVE);
    let mut g_hi = residual(hi).0;
    let mut expansions = 0;
    while g_hi < 0.0 {
        lo = hi;
        hi *= 4.0;
        expansions += 1;
        if !hi.is_finite() || expansions > 600 {
            return None;
        }
        g_hi = residual(hi).0;
    }
    if g_hi == 0.0 {
        return Some(hi);
    }
    let mut t = guess.clamp(lo, hi);
    if t <= lo || t >= hi {
        t = 0.5 * (lo + hi);
    }
    for _ in 0..300 {
        let (g, dg) = residual(t);
        if g == 0.0 {
            return Some(t);
        }
        if g < 0.0 {
            lo = t;
        } else {
            hi = t;
        }
        let newton = t - g / dg;
        let next = if newton.is_finite() && newton > lo && newton < hi {
            newton
        } else if hi / lo.max(f64::MIN_POSITIVE) > 4.0 && lo > 0.0 {
            // Wide bracket in the tail: bisect on the log scale.
            (lo * hi).sqrt()
        } else {
            0.5 * (lo + hi)
        };
        if (next - t).abs() <= 4.0 * f64::EPSILON * t.abs() || hi - lo <= 2.0 * f64::EPSILON * hi {
            return Some(next);
        }
        t = next;
    }
    Some(t)
}

/// A starting point for the t quantile: the better of a Cornish–Fisher expansion
/// about the normal quantile and the power-law tail t ~ (C / tail)^(1/df).
fn t_quantile_guess(tail: f64, df: f64) -> f64 {
    let z = normal_upper_critical(tail).unwrap_or(0.0);
    let z2 = z * z;
    let cornish = z + z * (z2 + 1.0) / (4.0 * df) + z * ((5.0 * z2 + 16.0) * z2 + 3.0) / (96.0 * df * df);
    // P(T > t) ~ C t^(-df) with C = Γ((df+1)/2) df^((df-1)/2) / (sqrt(pi) Γ(df/2)).
    let ln_c = ln_gamma_pos(0.5 * (df + 1.0)) - ln_gamma_pos(0.5 * df) + 0.5 * (df - 1.0) * df.ln()
        - 0.5 * std::f64::consts::PI.ln();
    let power = ((ln_c - tail.ln()) / df).exp();
    let score = |t: f64| {
        if !(t.is_finite() && t > 0.0) {
            return f64::INFINITY;
        }
        let (up, _) = t_tail_and_centre(t, df);
        (up.ln() - tail.ln()).abs()
    };
    let candidates = [cornish, power, z.max(1e-3)];
    let mut best = 1.0;
    let mut best_score = score(1.0);
    for c in candidates {
        let s = score(c);
        if s < best_score {
            best = c;
            best_score = s;
        }
    }
    best
}

// ---------------------------------------------------------------------------
// Discrete distributions
// ---------------------------------------------------------------------------

/// ln of the sum of e^(lpmf(i)) for i running from `start` to `end` inclusive
/// (upwards or downwards), where the terms never increase along the way: a run
/// from near the mode out to the edge of the support. Log-concave pmfs make
/// successive ratios shrink, so the rest of the run is bounded by a geometric
/// series and the loop stops once that bound is below 1e-17 of the sum.
fn ln_run_sum(start: u64, end: u64, lpmf: &impl Fn(u64) -> f64) -> f64 {
    let first = lpmf(start);
    if first == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    let mut sum = 1.0_f64;
    let mut prev = first;
    let mut i = start;
    while i != end {
        i = if end > start { i + 1 } else { i - 1 };
        let l = lpmf(i);
        let term = (l - first).exp();
        sum += term;
        let ratio = (l - prev).exp();
        if term == 0.0 || (ratio < 1.0 && term * ratio / (1.0 - ratio) <= 1e-17 * sum) {
            break;
        }
        prev = l;
    }
    first + sum.ln()
}

/// Lower and upper tails P(X <= k) and P(X > k) for a unimodal log-concave pmf on
/// [lo, hi] with mode `mode`: the side away from the mode is summed directly and
/// the other obtained as its complement, so the small one is always accurate.
fn discrete_tails(k: u64, lo: u64, hi: u64, mode: u64, lpmf: &impl Fn(u64) -> f64) -> (f64, f64) {
    if k < lo {
        return (0.0, 1.0);
    }
    if k >= hi {
        return (1.0, 0.0);
    }
    if k < mode {
        let cdf = ln_run_sum(k, lo, lpmf).exp().min(1.0);
        (cdf, 1.0 - cdf)
    } else {
        let sf = ln_run_sum(k + 1, hi, lpmf).exp().min(1.0);
        (1.0 - sf, sf)
    }
}

fn valid_probability(p: f64) -> bool {
    (0.0..=1.0).contains(&p)
}

/// u64 counts are exact in f64 up to 2^53; the school data are far below that.
#[allow(clippy::cast_precision_loss)]
pub(crate) fn as_f64(n: u64) -> f64 {
    n as f64
}

/// Binomial distribution B(n, p) seen through its log pmf.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Binomial {
    pub(crate) n: u64,
    p: f64,
    q: f64,
}

impl Binomial {
    pub(crate) fn new(n: u64, p: f64) -> Option<Self> {
        if !valid_probability(p) {
            return None;
        }
        Some(Self { n, p, q: 1.0 - p })
    }

    pub(crate) fn ln_pmf(&self, k: u64) -> f64 {
        if k > self.n {
            return f64::NEG_INFINITY;
        }
        ln_binom_raw(as_f64(k), as_f64(self.n), self.p, self.q)
    }

    fn mode(&self) -> u64 {
        let m = ((as_f64(self.n) + 1.0) * self.p).floor();
        // Saturating float-to-int conversion; the clamp keeps it inside the support.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let m = m as u64;
        m.min(self.n)
    }

    /// (P(X <= k), P(X > k)).
    pub(crate) fn tails(&self, k: u64) -> (f64, f64) {
        discrete_tails(k, 0, self.n, self.mode(), &|i| self.ln_pmf(i))
    }
}

/// P(X = k) for X ~ Binomial(n, p). `None` if p is outside [0, 1] or NaN.
#[must_use]
pub fn binomial_pmf(k: u64, n: u64, p: f64) -> Option<f64> {
    Binomial::new(n, p).map(|b| b.ln_pmf(k).exp())
}

/// P(X <= k) for X ~ Binomial(n, p). `None` if p is outside [0, 1] or NaN.
#[must_use]
pub fn binomial_cdf(k: u64, n: u64, p: f64) -> Option<f64> {
    Binomial::new(n, p).map(|b| b.tails(k).0)
}

/// P(X > k) for X ~ Binomial(n, p), accurate in the upper tail.
#[must_use]
pub fn binomial_sf(k: u64, n: u64, p: f64) -> Option<f64> {
    Binomial::new(n, p).map(|b| b.tails(k).1)
}

/// Hypergeometric distribution: `draws` items taken without replacement from a
/// population of `population` of which `successes` are successes (scipy's
/// `hypergeom(M=population, n=successes, N=draws)`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hypergeometric {
    population: u64,
    successes: u64,
    draws: u64,
}

impl Hypergeometric {
    pub(crate) fn new(population: u64, successes: u64, draws: u64) -> Option<Self> {
        if successes > population || draws > population {
            return None;
        }
        Some(Self {
            population,
            successes,
            draws,
        })
    }

    pub(crate) fn support(&self) -> (u64, u64) {
        let failures = self.population - self.successes;
        (
            self.draws.saturating_sub(failures),
            self.draws.min(self.successes),
        )
    }

    /// ln pmf as three Loader binomials (as R's `dhyper`): every factor stays near
    /// its own mode, so no large ln Γ values cancel.
    pub(crate) fn ln_pmf(&self, k: u64) -> f64 {
        let (lo, hi) = self.support();
        if k < lo || k > hi {
            return f64::NEG_INFINITY;
        }
        let total = as_f64(self.population);
        let p = as_f64(self.draws) / total;
        let q = as_f64(self.population - self.draws) / total;
        let failures = self.population - self.successes;
        ln_binom_raw(as_f64(k), as_f64(self.successes), p, q)
            + ln_binom_raw(as_f64(self.draws - k), as_f64(failures), p, q)
            - ln_binom_raw(as_f64(self.draws), total, p, q)
    }

    pub(crate) fn mode(&self) -> u64 {
        let (lo, hi) = self.support();
        let num = (u128::from(self.draws) + 1) * (u128::from(self.successes) + 1);
        let m = num / (u128::from(self.population) + 2);
        let m = u64::try_from(m).unwrap_or(hi);
        m.clamp(lo, hi)
    }

    /// (P(X <= k), P(X > k)).
    pub(crate) fn tails(&self, k: u64) -> (f64, f64) {
        let (lo, hi) = self.support();
        discrete_tails(k, lo, hi, self.mode(), &|i| self.ln_pmf(i))
    }

    /// ln of the sum of the pmf over [from, to] (a decreasing run away from the mode).
    pub(crate) fn ln_run(&self, from: u64, to: u64) -> f64 {
        ln_run_sum(from, to, &|i| self.ln_pmf(i))
    }
}

/// P(X = k) for a hypergeometric X (scipy's `hypergeom.pmf(k, M, n, N)` with
/// M = population, n = successes, N = draws). `None` if successes or draws
/// exceed the population.
#[must_use]
pub fn hypergeometric_pmf(k: u64, population: u64, successes: u64, draws: u64) -> Option<f64> {
    Hypergeometric::new(population, successes, draws).map(|h| h.ln_pmf(k).exp())
}

/// P(X <= k) for a hypergeometric X; arguments as [`hypergeometric_pmf`].
#[must_use]
pub fn hypergeometric_cdf(k: u64, population: u64, successes: u64, draws: u64) -> Option<f64> {
    Hypergeometric::new(population, successes, draws).map(|h| h.tails(k).0)
}

/// P(X > k) for a hypergeometric X, accurate in the upper tail.
#[must_use]
pub fn hypergeometric_sf(k: u64, population: u64, successes: u64, draws: u64) -> Option<f64> {
    Hypergeometric::new(population, successes, draws).map(|h| h.tails(k).1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_tails_are_symmetric() {
        for &x in &[0.1, 0.7, 1.96, 5.0, 9.0, 30.0] {
            let (lo, up) = normal_both(-x);
            let (lo2, up2) = normal_both(x);
            assert_eq!(lo, up2);
            assert_eq!(up, lo2);
        }
    }

    #[test]
    fn quantiles_reject_the_ends() {
        assert!(normal_quantile(0.0).is_none());
        assert!(normal_quantile(1.0).is_none());
        assert!(normal_quantile(f64::NAN).is_none());
        assert!(t_quantile(0.0, 3.0).is_none());
        assert!(t_quantile(0.5, 0.0).is_none());
        assert_eq!(t_quantile(0.5, 3.0), Some(0.0));
    }

    #[test]
    fn cauchy_quantile_is_tan() {
        // df = 1 is the Cauchy distribution: t = tan(pi (p - 1/2)).
        for &p in &[0.01, 0.2, 0.4, 0.75, 0.999] {
            let t = t_quantile(p, 1.0).unwrap_or(f64::NAN);
            let want = (std::f64::consts::PI * (p - 0.5)).tan();
            assert!((t - want).abs() <= 1e-12 * want.abs(), "p={p} t={t} want={want}");
        }
    }

    #[test]
    fn binomial_tails_sum_to_one() {
        let b = Binomial::new(50, 0.3);
        assert!(b.is_some());
        if let Some(b) = b {
            for k in 0..=50 {
                let (c, s) = b.tails(k);
                assert!((c + s - 1.0).abs() < 1e-14);
            }
        }
    }
}
