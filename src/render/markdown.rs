//! Markdown output, for a governors' report or a wiki page.

use std::io::{self, Write};

use super::{by_key_question, figures_line};
use crate::finding::Report;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let school = cell(report.school.as_deref().unwrap_or("School"));
    writeln!(out, "# {school}: SEN check, {}\n", report.year)?;
    writeln!(out, "{}\n", report.summary().line())?;
    for (id, text, findings) in by_key_question(report) {
        writeln!(out, "## {id} — {text}\n")?;
        writeln!(out, "| | Rule | Finding | Figures | Pupils |")?;
        writeln!(out, "|---|---|---|---|---|")?;
        for f in findings {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                f.severity.label(),
                cell(&format!("{} {}", f.rule, f.title)),
                cell(&f.text),
                cell(&figures_line(f)),
                f.size.map_or(String::new(), |n| n.to_string())
            )?;
        }
        writeln!(out)?;
    }
    if !report.not_run.is_empty() {
        writeln!(out, "## Not run\n")?;
        for n in &report.not_run {
            writeln!(
                out,
                "- **{}** {}: needs {}",
                n.rule,
                cell(&n.title),
                n.needs.join(", ")
            )?;
        }
        writeln!(out)?;
    }
    if !report.quiet.is_empty() {
        writeln!(out, "Checked, nothing to report: {}\n", report.quiet.join(", "))?;
    }
    if !report.disabled.is_empty() {
        writeln!(
            out,
            "Switched off in sencheck.toml: {}\n",
            report.disabled.join(", ")
        )?;
    }
    for note in &report.data_notes {
        writeln!(out, "> {note}\n")?;
    }
    Ok(())
}
