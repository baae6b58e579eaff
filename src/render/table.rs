//! The terminal report: one table per key question, then what did not run, then the summary.

use std::io::{self, Write};

use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};

use super::{Style, by_key_question, figures_line};
use crate::finding::{Outcome, Report};

pub fn render(report: &Report, style: &Style, out: &mut dyn Write) -> io::Result<()> {
    let school = report.school.as_deref().unwrap_or("School");
    writeln!(out, "{school} · SEN check for {}", report.year)?;
    for (id, text, findings) in by_key_question(report) {
        writeln!(out)?;
        writeln!(out, "{id} — {text}")?;
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(style.width);
        if !style.colour {
            t.force_no_tty();
        } else {
            t.enforce_styling();
        }
        t.set_header(vec!["", "Rule", "Finding", "Figures", "Pupils"]);
        for f in findings {
            let mut sev = Cell::new(f.severity.label());
            if style.colour {
                sev = match f.severity {
                    Outcome::Concern => sev.fg(Color::Red).add_attribute(Attribute::Bold),
                    Outcome::Celebrate => sev.fg(Color::Green),
                    Outcome::Note => sev.fg(Color::Blue),
                    Outcome::TooSmall | Outcome::NoData => sev.fg(Color::DarkGrey),
                };
            }
            t.add_row(vec![
                sev,
                Cell::new(&f.rule),
                Cell::new(&f.text),
                Cell::new(figures_line(f)),
                Cell::new(f.size.map_or(String::new(), |n| n.to_string())),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    if !report.not_run.is_empty() {
        writeln!(out)?;
        writeln!(out, "Not run — the workspace lacks their data:")?;
        for n in &report.not_run {
            writeln!(out, "  {} {} — needs {}", n.rule, n.title, n.needs.join(", "))?;
        }
    }
    if !report.quiet.is_empty() {
        writeln!(out)?;
        writeln!(out, "Checked, nothing to report: {}", report.quiet.join(", "))?;
    }
    if !report.disabled.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "Switched off in sencheck.toml: {}",
            report.disabled.join(", ")
        )?;
    }
    for note in &report.data_notes {
        writeln!(out, "Note: {note}")?;
    }
    writeln!(out)?;
    writeln!(out, "{}", report.summary().line())?;
    Ok(())
}
