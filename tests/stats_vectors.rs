//! Checks `sencheck::stats` against reference values from scipy and statsmodels.
//!
//! The vectors live in `tests/vectors/stats.json`, made by
//! `scripts/stats_vectors.py` (which also cross-checks every reference against
//! exact or 50-digit arithmetic before writing it). CI does not run Python; it
//! only reads the committed file.
//!
//! Tolerance: every value must agree to 1e-9 relative. The one exception is a
//! reference below 1e-300 in magnitude: there the reference is itself at the
//! limit of double precision (subnormal, or rounded to zero), so both values
//! need only be below 1e-300. Run with `--nocapture` to see each section's
//! worst relative error.

use std::sync::OnceLock;

use sencheck::stats::{self, Alternative, NotTestable, TestKind, TestResult};
use serde_json::Value;

const REL_TOL: f64 = 1e-9;
const ABS_FLOOR: f64 = 1e-300;

fn vectors() -> &'static Value {
    static VECTORS: OnceLock<Value> = OnceLock::new();
    VECTORS.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/stats.json");
        let text = std::fs::read_to_string(path).expect("tests/vectors/stats.json is readable");
        serde_json::from_str(&text).expect("tests/vectors/stats.json is valid JSON")
    })
}

fn cases(section: &str) -> &'static [Value] {
    let cases = vectors()[section]
        .as_array()
        .unwrap_or_else(|| panic!("section {section} is missing from the vectors"));
    assert!(!cases.is_empty(), "section {section} has no cases");
    cases
}

fn num(case: &Value, key: &str) -> f64 {
    case[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number in {case}"))
}

fn count(case: &Value, key: &str) -> u64 {
    case[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} is not a count in {case}"))
}

fn values(case: &Value, key: &str) -> Vec<f64> {
    case[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is not an array in {case}"))
        .iter()
        .map(|v| v.as_f64().expect("data values are numbers"))
        .collect()
}

fn alternative(case: &Value) -> Alternative {
    match case["alternative"].as_str() {
        Some("two-sided") => Alternative::TwoSided,
        Some("less") => Alternative::Less,
        Some("greater") => Alternative::Greater,
        other => panic!("unknown alternative {other:?}"),
    }
}

/// Collects every comparison of a section, then fails once with all mismatches.
struct Checker {
    section: &'static str,
    compared: usize,
    worst: f64,
    worst_at: String,
    failures: Vec<String>,
}

impl Checker {
    fn new(section: &'static str) -> Self {
        Self {
            section,
            compared: 0,
            worst: 0.0,
            worst_at: String::new(),
            failures: Vec::new(),
        }
    }

    fn close(&mut self, ctx: &str, field: &str, got: f64, want: f64) {
        self.compared += 1;
        if !got.is_finite() {
            self.failures
                .push(format!("{ctx}: {field} is not finite ({got}), want {want:e}"));
            return;
        }
        if want.abs() < ABS_FLOOR && got.abs() < ABS_FLOOR {
            return;
        }
        let rel = (got - want).abs() / want.abs().max(ABS_FLOOR);
        if rel > self.worst {
            self.worst = rel;
            self.worst_at = format!("{ctx} {field}");
        }
        if rel > REL_TOL {
            self.failures.push(format!(
                "{ctx}: {field} = {got:e}, want {want:e} (relative error {rel:.2e})"
            ));
        }
    }

    /// `want` is a number, or null meaning "no value".
    fn optional(&mut self, ctx: &str, field: &str, got: Option<f64>, want: &Value) {
        match (got, want.as_f64()) {
            (Some(g), Some(w)) => self.close(ctx, field, g, w),
            (None, None) if want.is_null() => self.compared += 1,
            (g, _) => self.failures.push(format!("{ctx}: {field} = {g:?}, want {want}")),
        }
    }

    fn some(&mut self, ctx: &str, field: &str, got: Option<f64>, want: f64) {
        match got {
            Some(g) => self.close(ctx, field, g, want),
            None => self
                .failures
                .push(format!("{ctx}: {field} = None, want {want:e}")),
        }
    }

    /// Compares a test result with a case holding statistic, p_value, estimate,
    /// ci_low, ci_high (and df / test when present).
    fn result(&mut self, ctx: &str, got: &TestResult, case: &Value) {
        if let Some(reason) = got.reason {
            self.failures
                .push(format!("{ctx}: not testable ({reason:?}), want a test"));
            return;
        }
        if let Some(kind) = case["test"].as_str()
            && format!("{:?}", got.test) != kind
        {
            self.failures
                .push(format!("{ctx}: test {:?}, want {kind}", got.test));
        }
        self.optional(ctx, "statistic", got.statistic, &case["statistic"]);
        if !case["df"].is_null() {
            self.some(ctx, "df", got.df, num(case, "df"));
        }
        self.close(ctx, "p_value", got.p_value, num(case, "p_value"));
        self.close(ctx, "estimate", got.estimate, num(case, "estimate"));
        self.close(ctx, "ci_low", got.ci_low, num(case, "ci_low"));
        self.close(ctx, "ci_high", got.ci_high, num(case, "ci_high"));
    }

    fn finish(self) {
        println!(
            "{}: {} values compared, worst relative error {:.2e} at {}",
            self.section, self.compared, self.worst, self.worst_at
        );
        assert!(
            self.failures.is_empty(),
            "{} of {} values in {} disagree with the reference:\n{}",
            self.failures.len(),
            self.compared,
            self.section,
            self.failures.join("\n")
        );
    }
}

/// Checks a one-argument distribution grid.
fn grid1(section: &'static str, arg: &str, f: impl Fn(f64) -> Option<f64>) {
    let mut c = Checker::new(section);
    for case in cases(section) {
        let x = num(case, arg);
        c.some(&format!("{section}({x:e})"), "value", f(x), num(case, "expected"));
    }
    c.finish();
}

#[test]
fn normal_cdf() {
    grid1("normal_cdf", "x", stats::normal_cdf);
}

#[test]
fn normal_sf() {
    grid1("normal_sf", "x", stats::normal_sf);
}

#[test]
fn normal_quantile() {
    grid1("normal_quantile", "p", stats::normal_quantile);
}

#[test]
fn ln_gamma() {
    grid1("ln_gamma", "x", stats::ln_gamma);
}

#[test]
fn incomplete_beta() {
    let mut c = Checker::new("inc_beta");
    for case in cases("inc_beta") {
        let (a, b, x) = (num(case, "a"), num(case, "b"), num(case, "x"));
        let ctx = format!("inc_beta(a={a}, b={b}, x={x})");
        c.some(&ctx, "value", stats::inc_beta(a, b, x), num(case, "expected"));
    }
    c.finish();
}

fn t_grid(section: &'static str, arg: &str, f: impl Fn(f64, f64) -> Option<f64>) {
    let mut c = Checker::new(section);
    for case in cases(section) {
        let (x, df) = (num(case, arg), num(case, "df"));
        let ctx = format!("{section}({arg}={x:e}, df={df})");
        c.some(&ctx, "value", f(x, df), num(case, "expected"));
    }
    c.finish();
}

#[test]
fn student_t_cdf() {
    t_grid("t_cdf", "t", stats::student_t_cdf);
}

#[test]
fn student_t_sf() {
    t_grid("t_sf", "t", stats::student_t_sf);
}

#[test]
fn student_t_quantile() {
    t_grid("t_quantile", "p", stats::t_quantile);
}

fn binomial_grid(section: &'static str, f: impl Fn(u64, u64, f64) -> Option<f64>) {
    let mut c = Checker::new(section);
    for case in cases(section) {
        let (k, n, p) = (count(case, "k"), count(case, "n"), num(case, "p"));
        let ctx = format!("{section}(k={k}, n={n}, p={p})");
        c.some(&ctx, "value", f(k, n, p), num(case, "expected"));
    }
    c.finish();
}

#[test]
fn binomial_pmf() {
    binomial_grid("binomial_pmf", stats::binomial_pmf);
}

#[test]
fn binomial_cdf() {
    binomial_grid("binomial_cdf", stats::binomial_cdf);
}

#[test]
fn binomial_sf() {
    binomial_grid("binomial_sf", stats::binomial_sf);
}

fn hypergeometric_grid(section: &'static str, f: impl Fn(u64, u64, u64, u64) -> Option<f64>) {
    let mut c = Checker::new(section);
    for case in cases(section) {
        let k = count(case, "k");
        let (m, n, draws) = (
            count(case, "population"),
            count(case, "successes"),
            count(case, "draws"),
        );
        let ctx = format!("{section}(k={k}, M={m}, n={n}, N={draws})");
        c.some(&ctx, "value", f(k, m, n, draws), num(case, "expected"));
    }
    c.finish();
}

#[test]
fn hypergeometric_pmf() {
    hypergeometric_grid("hypergeometric_pmf", stats::hypergeometric_pmf);
}

#[test]
fn hypergeometric_cdf() {
    hypergeometric_grid("hypergeometric_cdf", stats::hypergeometric_cdf);
}

#[test]
fn hypergeometric_sf() {
    hypergeometric_grid("hypergeometric_sf", stats::hypergeometric_sf);
}

fn two_group(section: &'static str, f: impl Fn(u64, u64, u64, u64, Alternative, f64) -> TestResult) {
    let mut c = Checker::new(section);
    for case in cases(section) {
        let (x1, n1, x2, n2) = (
            count(case, "x1"),
            count(case, "n1"),
            count(case, "x2"),
            count(case, "n2"),
        );
        let (alt, conf) = (alternative(case), num(case, "confidence"));
        let ctx = format!("{section}({x1}/{n1} vs {x2}/{n2}, {alt:?}, {conf})");
        c.result(&ctx, &f(x1, n1, x2, n2, alt, conf), case);
    }
    c.finish();
}

#[test]
fn two_proportion_z() {
    two_group("two_proportion_z", stats::two_proportion_z);
}

#[test]
fn compare_proportions() {
    two_group("compare_proportions", stats::compare_proportions);
}

#[test]
fn fisher_exact() {
    let mut c = Checker::new("fisher_exact");
    for case in cases("fisher_exact") {
        let (a, b, cc, d) = (
            count(case, "a"),
            count(case, "b"),
            count(case, "c"),
            count(case, "d"),
        );
        let (alt, conf) = (alternative(case), num(case, "confidence"));
        let ctx = format!("fisher_exact([[{a}, {b}], [{cc}, {d}]], {alt:?}, {conf})");
        c.result(&ctx, &stats::fisher_exact(a, b, cc, d, alt, conf), case);
    }
    c.finish();
}

fn one_group(section: &'static str, f: impl Fn(u64, u64, f64, Alternative, f64) -> TestResult) {
    let mut c = Checker::new(section);
    for case in cases(section) {
        let (k, n, p0) = (count(case, "k"), count(case, "n"), num(case, "p0"));
        let (alt, conf) = (alternative(case), num(case, "confidence"));
        let ctx = format!("{section}({k}/{n} vs {p0}, {alt:?}, {conf})");
        let got = f(k, n, p0, alt, conf);
        c.result(&ctx, &got, case);
        c.close(&ctx, "null_value", got.null_value, p0);
    }
    c.finish();
}

#[test]
fn binomial_test() {
    one_group("binomial_test", stats::binomial_test);
}

#[test]
fn one_proportion_z() {
    one_group("one_proportion_z", stats::one_proportion_z);
}

#[test]
fn proportion_vs_value() {
    one_group("proportion_vs_value", stats::proportion_vs_value);
}

#[test]
fn wilson_interval() {
    let mut c = Checker::new("wilson_interval");
    for case in cases("wilson_interval") {
        let (k, n, conf) = (count(case, "k"), count(case, "n"), num(case, "confidence"));
        let ctx = format!("wilson_interval({k}/{n}, {conf})");
        let got = stats::wilson_interval(k, n, conf);
        c.some(&ctx, "low", got.map(|i| i.low), num(case, "low"));
        c.some(&ctx, "high", got.map(|i| i.high), num(case, "high"));
    }
    c.finish();
}

#[test]
fn representation() {
    let mut c = Checker::new("representation");
    for case in cases("representation") {
        let (xg, ng, xs, ns) = (
            count(case, "x_in_group"),
            count(case, "n_group"),
            count(case, "x_in_school"),
            count(case, "n_school"),
        );
        let (alt, conf) = (alternative(case), num(case, "confidence"));
        let ctx = format!("representation({xg}/{ng} in {xs}/{ns}, {alt:?}, {conf})");
        let got = stats::representation(xg, ng, xs, ns, alt, conf);
        c.some(&ctx, "index", got.index, num(case, "index"));
        c.result(&ctx, &got.test, case);
    }
    c.finish();
}

#[test]
fn welch_t() {
    let mut c = Checker::new("welch_t");
    for case in cases("welch_t") {
        let (a, b) = (values(case, "a"), values(case, "b"));
        let (alt, conf) = (alternative(case), num(case, "confidence"));
        let name = case["name"].as_str().unwrap_or("?");
        let ctx = format!("welch_t({name}, {alt:?}, {conf})");
        c.result(&ctx, &stats::welch_t(&a, &b, alt, conf), case);
    }
    c.finish();
}

#[test]
fn one_sample_t() {
    let mut c = Checker::new("one_sample_t");
    for case in cases("one_sample_t") {
        let (a, mu) = (values(case, "a"), num(case, "mu"));
        let (alt, conf) = (alternative(case), num(case, "confidence"));
        let name = case["name"].as_str().unwrap_or("?");
        let ctx = format!("one_sample_t({name} vs {mu}, {alt:?}, {conf})");
        c.result(&ctx, &stats::one_sample_t(&a, mu, alt, conf), case);
    }
    c.finish();
}

#[test]
fn t_interval() {
    let mut c = Checker::new("t_interval");
    for case in cases("t_interval") {
        let (a, conf) = (values(case, "a"), num(case, "confidence"));
        let name = case["name"].as_str().unwrap_or("?");
        let ctx = format!("t_interval({name}, {conf})");
        let got = stats::t_interval(&a, conf);
        c.some(&ctx, "low", got.map(|i| i.low), num(case, "low"));
        c.some(&ctx, "high", got.map(|i| i.high), num(case, "high"));
    }
    c.finish();
}

#[test]
fn summaries() {
    let mut c = Checker::new("summary");
    for case in cases("summary") {
        let data = values(case, "data");
        let ctx = format!("summary of {} values", data.len());
        c.some(&ctx, "mean", stats::mean(&data), num(case, "mean"));
        c.some(&ctx, "median", stats::median(&data), num(case, "median"));
        c.optional(&ctx, "variance", stats::variance(&data), &case["variance"]);
    }
    c.finish();
}

fn reason(name: &str) -> NotTestable {
    match name {
        "EmptyGroup" => NotTestable::EmptyGroup,
        "TooFewValues" => NotTestable::TooFewValues,
        "NoVariation" => NotTestable::NoVariation,
        "NoComparisonGroup" => NotTestable::NoComparisonGroup,
        "InvalidInput" => NotTestable::InvalidInput,
        other => panic!("unknown reason {other}"),
    }
}

/// The cases where scipy or statsmodels give NaN or refuse: sencheck's own
/// defined result is what is checked.
#[test]
fn edge_cases() {
    let mut c = Checker::new("edge_cases");
    for case in cases("edge_cases") {
        let function = case["function"].as_str().expect("function name");
        let inputs = case["inputs"].as_array().expect("inputs");
        let n = |i: usize| inputs[i].as_u64().expect("count input");
        let x = |i: usize| inputs[i].as_f64().expect("number input");
        let data = |i: usize| -> Vec<f64> {
            inputs[i]
                .as_array()
                .expect("data input")
                .iter()
                .map(|v| v.as_f64().expect("data value"))
                .collect()
        };
        let two = Alternative::TwoSided;
        let mut index = None;
        let got = match function {
            "compare_proportions" => stats::compare_proportions(n(0), n(1), n(2), n(3), two, 0.95),
            "two_proportion_z" => stats::two_proportion_z(n(0), n(1), n(2), n(3), two, 0.95),
            "fisher_exact" => stats::fisher_exact(n(0), n(1), n(2), n(3), two, 0.95),
            "binomial_test" => stats::binomial_test(n(0), n(1), x(2), two, 0.95),
            "welch_t" => stats::welch_t(&data(0), &data(1), two, 0.95),
            "one_sample_t" => stats::one_sample_t(&data(0), x(1), two, 0.95),
            "representation" => {
                let r = stats::representation(n(0), n(1), n(2), n(3), two, 0.95);
                index = Some(r.index);
                r.test
            }
            other => panic!("unknown function {other}"),
        };
        let ctx = format!("{function}{inputs:?}");
        for v in [got.p_value, got.estimate, got.null_value, got.ci_low, got.ci_high] {
            c.close(&ctx, "finite", f64::from(u8::from(v.is_finite())), 1.0);
        }
        let expect = &case["expect"];
        if let Some(name) = expect["not_testable"].as_str() {
            c.compared += 1;
            if got.reason != Some(reason(name)) || got.test != TestKind::None {
                c.failures
                    .push(format!("{ctx}: got {got:?}, want not testable ({name})"));
            }
            if got.p_value != 1.0 {
                c.failures
                    .push(format!("{ctx}: a not-testable result must carry p = 1"));
            }
        }
        if let Some(p) = expect["p_value"].as_f64() {
            c.close(&ctx, "p_value", got.p_value, p);
        }
        if expect.get("statistic").is_some() {
            c.optional(&ctx, "statistic", got.statistic, &expect["statistic"]);
        }
        if let Some(e) = expect["estimate"].as_f64() {
            c.close(&ctx, "estimate", got.estimate, e);
        }
        if expect.get("index").is_some() {
            c.optional(&ctx, "index", index.flatten(), &expect["index"]);
        }
    }
    c.finish();
}
