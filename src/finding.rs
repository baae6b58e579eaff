//! Stage 5 — findings: what the evaluator concluded, in a shape every renderer shares and
//! that the JSON output documents (see docs/json.md; `FORMAT_VERSION` changes when it does).

use serde::Serialize;

use crate::plan::Unit;

/// Version of the JSON shape; bumped whenever a field changes meaning or goes away.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Concern,
    Celebrate,
    Note,
    /// The group is under the minimum size (or has too few values): never judged.
    TooSmall,
    /// Every pupil lacks the value, or a trend lacks years: nothing to judge.
    NoData,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Concern => "concern",
            Outcome::Celebrate => "celebration",
            Outcome::Note => "note",
            Outcome::TooSmall => "too small to judge",
            Outcome::NoData => "no data to judge",
        }
    }
}

/// One number behind a finding.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// As written in the rule, e.g. `attendance(sen)`.
    pub label: String,
    /// `None` when no pupil had a value.
    pub value: Option<f64>,
    pub unit: Unit,
    /// The value as printed (`93.1%`).
    pub display: String,
    /// Pupils whose values counted.
    pub n: usize,
    /// Pupils in the cohort whose value was missing (left out, counted here).
    pub missing: usize,
    /// Pupils in the cohort.
    pub size: usize,
    /// For a share or a representation: how many pupils it counts (the numerator).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
    /// Where a fixed figure comes from (a national figure's year and publication).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// In a rule with a window of years: the figure for each year, oldest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series: Option<Vec<YearValue>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct YearValue {
    pub year: String,
    pub value: Option<f64>,
    pub display: String,
    pub n: usize,
    /// For a share: how many pupils it counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
}

/// A significance test behind a finding.
#[derive(Debug, Clone, Serialize)]
pub struct TestReport {
    /// The comparison as written, e.g. `attendance(sen) significantly below attendance(non_sen)`.
    pub comparison: String,
    /// The test used, in plain English ("Welch's t-test"); "no test" when none was possible.
    pub test: String,
    pub p_value: f64,
    /// The difference (or the value, against a fixed figure), in the figures' unit.
    pub estimate: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub confidence: f64,
    /// `significantly below`, `significantly above`, `no significant difference`, or why
    /// no test was possible.
    pub result: String,
    /// The estimate and its interval as printed (`-3.1pp (95% CI -5.0pp to -1.2pp)`).
    pub display: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: String,
    pub title: String,
    pub question: String,
    pub key_question: String,
    pub severity: Outcome,
    /// The `for each` group, e.g. `SEMH`.
    pub group: Option<String>,
    /// For pupil lists: the pupil's id. Never shown in anonymised output.
    pub pupil: Option<String>,
    pub text: String,
    pub figures: Vec<Figure>,
    /// Significance tests of the rule's comparisons.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tests: Vec<TestReport>,
    /// Pupils in the group (or the first cohort the finding measures).
    pub size: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NotRun {
    pub rule: String,
    pub title: String,
    pub question: String,
    pub key_question: String,
    /// The tables and columns it needs that the workspace does not have.
    pub needs: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub format_version: u32,
    pub school: Option<String>,
    /// The academic year judged.
    pub year: String,
    pub findings: Vec<Finding>,
    pub not_run: Vec<NotRun>,
    /// Rules switched off in sencheck.toml.
    pub disabled: Vec<String>,
    /// Rules that ran and found nothing to report (no clause held).
    pub quiet: Vec<String>,
    /// Things about the data a reader should know (pupils that could not be placed in a cohort).
    pub data_notes: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub concerns: usize,
    pub celebrations: usize,
    pub notes: usize,
    pub too_small: usize,
    pub no_data: usize,
    pub not_run: usize,
}

impl Report {
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            not_run: self.not_run.len(),
            ..Summary::default()
        };
        for f in &self.findings {
            match f.severity {
                Outcome::Concern => s.concerns += 1,
                Outcome::Celebrate => s.celebrations += 1,
                Outcome::Note => s.notes += 1,
                Outcome::TooSmall => s.too_small += 1,
                Outcome::NoData => s.no_data += 1,
            }
        }
        s
    }
}

impl Summary {
    /// `3 concerns · 5 celebrations · 2 notes · 1 too small to judge`
    pub fn line(&self) -> String {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut parts = vec![
            plural(self.concerns, "concern", "concerns"),
            plural(self.celebrations, "celebration", "celebrations"),
            plural(self.notes, "note", "notes"),
            format!("{} too small to judge", self.too_small),
        ];
        if self.no_data > 0 {
            parts.push(format!("{} without data", self.no_data));
        }
        if self.not_run > 0 {
            parts.push(format!("{} not run", self.not_run));
        }
        parts.join(" · ")
    }
}

/// Formats a figure the way a data manager writes it: `93.1%`, `-2.4pp`, `41`, `4.53`.
pub fn format_value(v: f64, unit: Unit) -> String {
    let v = if v == 0.0 { 0.0 } else { v }; // no "-0"
    match unit {
        Unit::Percent => format!("{:.1}%", v * 100.0),
        Unit::Points => {
            let pp = (v * 1000.0).round() / 10.0;
            if pp > 0.0 {
                format!("+{pp:.1}pp")
            } else if pp < 0.0 {
                format!("{pp:.1}pp")
            } else {
                "0.0pp".to_string()
            }
        }
        Unit::Count => format!("{}", v.round() as i64),
        Unit::Number => {
            if v.fract() == 0.0 && v.abs() < 1e15 {
                format!("{}", v as i64)
            } else {
                let s = format!("{v:.2}");
                let s = s.trim_end_matches('0').trim_end_matches('.').to_string();
                if s == "-0" { "0".into() } else { s }
            }
        }
    }
}

pub fn format_opt(v: Option<f64>, unit: Unit) -> String {
    v.filter(|v| v.is_finite())
        .map_or_else(|| "no data".to_string(), |v| format_value(v, unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_print_as_a_data_manager_writes_them() {
        assert_eq!(format_value(0.93125, Unit::Percent), "93.1%");
        assert_eq!(format_value(-0.024, Unit::Points), "-2.4pp");
        assert_eq!(format_value(0.05, Unit::Points), "+5.0pp");
        assert_eq!(format_value(41.0, Unit::Count), "41");
        assert_eq!(format_value(4.5333, Unit::Number), "4.53");
        assert_eq!(format_value(-0.45, Unit::Number), "-0.45");
        assert_eq!(format_value(46.5, Unit::Number), "46.5");
        assert_eq!(format_value(-0.0001, Unit::Number), "0");
    }

    #[test]
    fn summary_line() {
        let s = Summary {
            concerns: 3,
            celebrations: 5,
            notes: 2,
            too_small: 1,
            no_data: 0,
            not_run: 0,
        };
        assert_eq!(
            s.line(),
            "3 concerns · 5 celebrations · 2 notes · 1 too small to judge"
        );
    }
}
