//! Stage 6 — render: a report written to any `io::Write` as a terminal table, JSON or
//! Markdown. Renderers never decide colours or exit codes; `main` does.

mod json;
mod markdown;
mod table;

use std::io::{self, Write};

use crate::finding::{Finding, Report};
use crate::questions;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Clone)]
pub struct Style {
    /// Total width for tables.
    pub width: u16,
    pub colour: bool,
}

pub fn render(report: &Report, format: Format, style: &Style, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Table => table::render(report, style, out),
        Format::Json => json::render(report, out),
        Format::Markdown => markdown::render(report, out),
    }
}

/// Findings grouped by key question, in the guidance's order.
pub fn by_key_question(report: &Report) -> Vec<(&'static str, String, Vec<&Finding>)> {
    let mut out = Vec::new();
    for kq in questions::KEY_QUESTIONS {
        let fs: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.key_question == kq.id)
            .collect();
        if !fs.is_empty() {
            out.push((kq.id, kq.text.to_string(), fs));
        }
    }
    let other: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| questions::key_question(&f.key_question).is_none())
        .collect();
    if !other.is_empty() {
        out.push(("?", "Other rules".to_string(), other));
    }
    out
}

/// The key figures of a finding: `attendance(sen) 91.6% (n=150)`, then each significance
/// test (`test: -2.5pp (95% CI …), p = 0.002, Welch's t-test`).
pub fn figures_line(f: &Finding) -> String {
    let mut parts: Vec<String> = f
        .figures
        .iter()
        .map(|fig| {
            let missing = if fig.missing > 0 {
                format!(", {} missing", fig.missing)
            } else {
                String::new()
            };
            match &fig.source {
                _ if fig.value.is_none() && fig.display == "suppressed" => {
                    format!("{} suppressed", fig.label)
                }
                Some(src) if fig.n == 0 => format!("{} {} ({src})", fig.label, fig.display),
                _ => format!("{} {} (n={}{missing})", fig.label, fig.display, fig.n),
            }
        })
        .collect();
    parts.extend(f.tests.iter().map(|t| format!("test: {}", t.display)));
    parts.join("; ")
}
