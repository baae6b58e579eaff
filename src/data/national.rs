//! National figures for England (DfE statistics), built into the binary so rules can compare a
//! school with the national picture with no files to fetch. See benchmarks/SOURCE.md.

use std::sync::OnceLock;

use crate::plan::Unit;

const CSV: &str = include_str!("../../benchmarks/national-england.csv");

#[derive(Debug, Clone)]
pub struct NationalFigure {
    pub measure: String,
    /// Academic year (start year).
    pub year: i32,
    pub group: String,
    /// As a fraction for percentages (17.84% is 0.1784).
    pub value: f64,
    pub unit: Unit,
    pub source: String,
    pub url: String,
}

fn unit_of(text: &str) -> Unit {
    let t = text.to_lowercase();
    if t.starts_with("percent") || t.contains("per 100") {
        Unit::Percent
    } else if t.starts_with("count") {
        Unit::Count
    } else {
        Unit::Number
    }
}

/// Every built-in national figure.
pub fn figures() -> &'static [NationalFigure] {
    static FIGURES: OnceLock<Vec<NationalFigure>> = OnceLock::new();
    FIGURES.get_or_init(|| {
        let mut out = Vec::new();
        let mut reader = csv::Reader::from_reader(CSV.as_bytes());
        for rec in reader.records().flatten() {
            let get = |i: usize| rec.get(i).unwrap_or("").to_string();
            let (Ok(year), Ok(value)) = (super::values::parse_year(&get(1)), get(3).parse::<f64>()) else {
                continue; // the file is checked by tests/national.rs: every row parses
            };
            let unit = unit_of(&get(4));
            out.push(NationalFigure {
                measure: get(0),
                year,
                group: get(2),
                value: if unit == Unit::Percent {
                    value / 100.0
                } else {
                    value
                },
                unit,
                source: get(5),
                url: get(6),
            });
        }
        out
    })
}

/// The unit of a measure for a group, if the figures have it.
pub fn unit(measure: &str, group: &str) -> Option<Unit> {
    figures()
        .iter()
        .find(|f| f.measure == measure && f.group == group)
        .map(|f| f.unit)
}

/// The latest figure published for `year` or before.
pub fn latest(measure: &str, group: &str, year: i32) -> Option<&'static NationalFigure> {
    figures()
        .iter()
        .filter(|f| f.measure == measure && f.group == group && f.year <= year)
        .max_by_key(|f| f.year)
}

pub fn measures() -> Vec<&'static str> {
    let mut v: Vec<&str> = figures().iter().map(|f| f.measure.as_str()).collect();
    v.sort_unstable();
    v.dedup();
    v
}

pub fn groups(measure: &str) -> Vec<&'static str> {
    let mut v: Vec<&str> = figures()
        .iter()
        .filter(|f| f.measure == measure)
        .map(|f| f.group.as_str())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}
