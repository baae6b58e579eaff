//! The `sencheck` binary: parse arguments, run a command, draw diagnostics, choose the exit
//! code (0 clean, 1 findings at the fail level, 2 errors in rules, config or data).

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use miette::{GraphicalReportHandler, GraphicalTheme};

use sencheck::cli::{Cli, ColourChoice, Command, FailOn};
use sencheck::diag::{Diag, Diags};

use sencheck::render::{self, Style};
use sencheck::run::{self, Origin};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let colour = match cli.colour {
        ColourChoice::Always => true,
        ColourChoice::Never => false,
        ColourChoice::Auto => std::env::var_os("NO_COLOR").is_none() && io::stderr().is_terminal(),
    };
    match dispatch(cli.command, colour) {
        Ok(code) => code,
        Err(Failure::Diags(d)) => {
            print_diags(&d, colour);
            ExitCode::from(2)
        }
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Io(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

enum Failure {
    Diags(Diags),
    Io(io::Error),
}

impl From<Diags> for Failure {
    fn from(d: Diags) -> Self {
        Failure::Diags(d)
    }
}
impl From<Diag> for Failure {
    fn from(d: Diag) -> Self {
        Failure::Diags(Diags(vec![d]))
    }
}
impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

fn print_diags(diags: &Diags, colour: bool) {
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut stderr = io::stderr().lock();
    for d in &diags.0 {
        let mut s = String::new();
        if handler.render_report(&mut s, d).is_ok() {
            let _ = writeln!(stderr, "{s}");
        } else {
            let _ = writeln!(stderr, "error[{}]: {}", d.code, d.message);
        }
    }
    let errors = diags.errors();
    if errors > 0 {
        let _ = writeln!(
            stderr,
            "{errors} error{} found; nothing was evaluated.",
            if errors == 1 { "" } else { "s" }
        );
    }
}

/// Whether a folder holds exports a user may have meant to check.
fn has_data_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|e| {
            let name = e.file_name().to_string_lossy().to_lowercase();
            [".csv", ".xlsx", ".xls", ".ods"]
                .iter()
                .any(|x| name.ends_with(x))
                || name.starts_with("sencheck.toml")
        })
    })
}

fn terminal_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(120)
}

fn dispatch(cmd: Command, colour: bool) -> Result<ExitCode, Failure> {
    let mut out = io::stdout().lock();
    match cmd {
        Command::Check {
            dir,
            format,
            fail_on,
            year,
            width,
            anonymise,
        } => {
            let (ws, origin) = run::open(dir.as_deref())?;
            let year = match year {
                Some(y) => Some(sencheck::data::values::parse_year(&y).map_err(|expected| {
                    Diag::error("bad-argument", format!("--year {y} is not an academic year"))
                        .help(format!("expected {expected}"))
                })?),
                None => None,
            };
            let checked = run::check(&ws, year, sencheck::eval::Options { anonymise })?;
            if !checked.warnings.is_empty() {
                if anonymise {
                    eprintln!(
                        "{} warning(s) about the data are withheld with --anonymise (they quote rows); run without it to see them.",
                        checked.warnings.0.len()
                    );
                } else {
                    print_diags(&checked.warnings, colour);
                }
            }
            if origin == Origin::Demo {
                // On stderr, so it reaches a person whatever the format, and never the report.
                eprintln!(
                    "No sencheck.toml here: showing the bundled demo school (synthetic data). Run `sencheck check DIR` on your own workspace."
                );
                if has_data_files(Path::new(".")) {
                    eprintln!(
                        "This folder has data files but no sencheck.toml: is it named differently (sencheck.toml.txt)? See docs/workspace.md."
                    );
                }
            }
            let style = Style {
                // Narrower than this, a table is one character a line.
                width: width.unwrap_or_else(terminal_width).max(60),
                colour: colour && io::stdout().is_terminal(),
            };
            render::render(&checked.report, format, &style, &mut out)?;
            out.flush()?;
            let s = checked.report.summary();
            let failing = match fail_on {
                FailOn::Concern => s.concerns > 0,
                FailOn::Note => s.concerns + s.notes > 0,
                FailOn::Never => false,
            };
            Ok(if failing {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Rules { dir, params } => {
            let (ws, _) = run::open(dir.as_deref())?;
            let plan = run::compile(&ws)?;
            if params {
                for p in &plan.params {
                    let v = show_param(&p.value);
                    let changed = if p.value != p.default {
                        format!(" (default {})", show_param(&p.default))
                    } else {
                        String::new()
                    };
                    writeln!(
                        out,
                        "{:<24} {v}{changed}  {}",
                        p.name,
                        p.doc.as_deref().unwrap_or("")
                    )?;
                }
            } else {
                let width = plan.rules.iter().map(|r| r.meta.id.len()).max().unwrap_or(0);
                for r in &plan.rules {
                    let state = if r.disabled {
                        "off".to_string()
                    } else if let Some(s) = r.concern_as {
                        format!("on, concerns as {}", s.as_str())
                    } else {
                        "on".to_string()
                    };
                    writeln!(
                        out,
                        "{:<width$}  {:<4} {:<22} {}",
                        r.meta.id, r.meta.question, state, r.meta.title
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { id, dir } => {
            let (ws, _) = run::open(dir.as_deref())?;
            let plan = run::compile(&ws)?;
            let rules: Vec<_> = plan
                .rules
                .iter()
                .filter(|r| r.meta.id.eq_ignore_ascii_case(&id) || r.meta.question.eq_ignore_ascii_case(&id))
                .collect();
            if rules.is_empty() {
                let ids: Vec<&str> = plan.rules.iter().map(|r| r.meta.id.as_str()).collect();
                let mut d = Diag::error("unknown-rule", format!("there is no rule {id}"));
                if let Some(s) = sencheck::diag::did_you_mean(&id, ids.iter().copied()) {
                    d = d.help(format!("did you mean {s}? `sencheck rules` lists every rule"));
                } else {
                    d = d.help("`sencheck rules` lists every rule");
                }
                return Err(d.into());
            }
            for r in rules {
                let m = &r.meta;
                writeln!(out, "{} — {}", m.id, m.title)?;
                if let Some(kq) = sencheck::questions::key_question(&m.key_question) {
                    writeln!(
                        out,
                        "Key question {}: {} (data: {}; {})",
                        kq.id, kq.text, kq.data, kq.when
                    )?;
                }
                writeln!(
                    out,
                    "Question {}: {}",
                    m.question,
                    sencheck::questions::question(&m.question).unwrap_or("")
                )?;
                if !m.ask.is_empty() && Some(m.ask.as_str()) != sencheck::questions::question(&m.question) {
                    writeln!(out, "Asks: {}", m.ask)?;
                }
                if let Some(c) = &m.cadence {
                    writeln!(out, "Cadence: {c}")?;
                }
                if !m.tags.is_empty() {
                    writeln!(out, "Tags: {}", m.tags.join(", "))?;
                }
                let needs: Vec<String> = r
                    .needs
                    .iter()
                    .filter(|n| match n {
                        // A table also named by one of its columns says nothing more.
                        sencheck::plan::Need::Table(t) => !r
                            .needs
                            .iter()
                            .any(|m| matches!(m, sencheck::plan::Need::Column(u, _) if u == t)),
                        _ => true,
                    })
                    .map(|n| n.describe().replace("column ", ""))
                    .collect();
                writeln!(out, "Data: {}", needs.join(", "))?;
                writeln!(out, "Too small to judge below: {} pupils", r.min_group)?;
                for t in sencheck::plan::significance_tests(r) {
                    writeln!(out, "Significance: {t}")?;
                }
                if let Some(n) = r.window {
                    writeln!(
                        out,
                        "Trend window: the last {n} years; needs {} years with data",
                        r.min_years
                    )?;
                }
                writeln!(out, "Defined in {} line {}:\n", m.file, m.line)?;
                for line in m.source.lines() {
                    writeln!(out, "    {line}")?;
                }
                writeln!(out)?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn show_param(v: &sencheck::plan::ParamValue) -> String {
    match v {
        sencheck::plan::ParamValue::Num(n, u) => sencheck::finding::format_value(*n, *u),
        sencheck::plan::ParamValue::Text(t) => format!("\"{t}\""),
    }
}
