//! The pipeline, wired: open the workspace, load its data, parse and compile its rules,
//! evaluate. Errors from the data and the rules are reported together.

use std::path::{Path, PathBuf};

use crate::data::config::{CONFIG_FILE, Workspace, span_of};
use crate::data::{Dataset, load};
use crate::diag::{Diag, Diags, SourceFile};
use crate::finding::Report;
use crate::lang::ast::{Literal, Module, Severity};
use crate::pack::{self, Pack};
use crate::plan::{self, CompileInput, ParamOverride, Plan};

/// Where the run's workspace came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Folder(PathBuf),
    /// No workspace was given and the current folder has none: the built-in demo school.
    Demo,
}

/// Opens the workspace in `dir`; with no `dir`, the current folder if it has a
/// sencheck.toml, else the bundled demo school.
pub fn open(dir: Option<&Path>) -> Result<(Workspace, Origin), Diag> {
    match dir {
        Some(d) => Ok((Workspace::open(d)?, Origin::Folder(d.to_path_buf()))),
        None if Path::new(CONFIG_FILE).is_file() => {
            Ok((Workspace::open(Path::new("."))?, Origin::Folder(".".into())))
        }
        None => Ok((crate::demo::workspace()?, Origin::Demo)),
    }
}

/// Every rule file the workspace uses, in order: the standard pack, extra packs, local files.
pub fn rule_sources(ws: &Workspace) -> Result<(Vec<Pack>, Vec<SourceFile>), Diags> {
    let mut diags = Diags::default();
    let mut packs = Vec::new();
    if ws.config.packs.standard {
        match pack::standard() {
            Ok(p) => packs.push(p),
            Err(d) => diags.push(d),
        }
    }
    for extra in &ws.config.packs.extra {
        match pack::folder(&ws.dir.join(extra.get_ref())) {
            Ok(p) => packs.push(p),
            Err(d) => diags.push(with_config_label(ws, d, extra)),
        }
    }
    let mut local = Vec::new();
    match &ws.config.packs.local {
        Some(paths) => {
            for p in paths {
                let path = ws.dir.join(p.get_ref());
                if !path.exists() {
                    diags.push(
                        ws.diag_at(
                            "rules-unreadable",
                            format!("there is no rule file or folder {}", p.get_ref()),
                            span_of(p),
                            "not found",
                        )
                        .help("paths are relative to the folder that holds sencheck.toml"),
                    );
                    continue;
                }
                match pack::rule_files(&path) {
                    Ok(f) => local.extend(f),
                    Err(d) => diags.push(d),
                }
            }
        }
        None if ws.embedded.is_none() && ws.dir.join("rules").is_dir() => {
            match pack::rule_files(&ws.dir.join("rules")) {
                Ok(f) => local.extend(f),
                Err(d) => diags.push(d),
            }
        }
        None => {}
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok((packs, local))
}

fn with_config_label(ws: &Workspace, d: Diag, at: &toml::Spanned<String>) -> Diag {
    match &ws.source {
        Some(src) if d.file.is_none() => d.in_file(src).label(span_of(at), "named here"),
        _ => d,
    }
}

/// Parses and compiles the workspace's rules with its overrides.
pub fn compile(ws: &Workspace) -> Result<Plan, Diags> {
    let (packs, local) = rule_sources(ws)?;
    let files: Vec<SourceFile> = packs.into_iter().flat_map(|p| p.files).chain(local).collect();
    let mut diags = Diags::default();
    let mut modules: Vec<(&SourceFile, Module)> = Vec::new();
    for f in &files {
        match crate::lang::parse(f) {
            Ok(m) => modules.push((f, m)),
            Err(d) => diags.push(d),
        }
    }
    let mut overrides = Vec::new();
    for (name, value) in &ws.config.params {
        let lit = match value.get_ref() {
            toml::Value::Integer(i) => Some(Literal::Number(*i as f64)),
            toml::Value::Float(f) => Some(Literal::Number(*f)),
            toml::Value::String(s) => Some(literal_from_text(s)),
            _ => None,
        };
        match lit {
            Some(value_lit) => overrides.push(ParamOverride {
                name: name.get_ref().clone(),
                value: value_lit,
                raw: match value.get_ref() {
                    toml::Value::String(s) => s.clone(),
                    other => other.to_string(),
                },
                span: span_of(value),
            }),
            None => diags.push(ws.diag_at(
                "config-bad-param",
                format!("parameter `{}` cannot be set to this", name.get_ref()),
                span_of(value),
                "expected a number or a quoted value such as \"96%\"",
            )),
        }
    }
    let disabled = ws
        .config
        .rules
        .disable
        .iter()
        .map(|d| (d.get_ref().clone(), span_of(d)))
        .collect();
    let mut concern_as = Vec::new();
    for (id, sev) in &ws.config.rules.severity {
        match Severity::parse(sev.get_ref()) {
            Some(s @ (Severity::Concern | Severity::Note)) => {
                concern_as.push((id.get_ref().clone(), s, span_of(id)))
            }
            _ => diags.push(ws.diag_at(
                "config-bad-value",
                format!(
                    "`{}` is not a severity a concern can be reported at",
                    sev.get_ref()
                ),
                span_of(sev),
                "expected \"note\" or \"concern\"",
            )),
        }
    }
    let input = CompileInput {
        modules: modules.iter().map(|(f, m)| (*f, m)).collect(),
        overrides,
        disabled,
        concern_as,
        config: ws.source.as_ref(),
    };
    match plan::compile(&input) {
        Ok(p) if !diags.has_errors() => Ok(p),
        Ok(_) => Err(diags),
        Err(e) => {
            diags.extend(e);
            Err(diags)
        }
    }
}

/// `96%` → percent, `5pp` → points, `6` → number, anything else → text.
pub fn literal_from_text(s: &str) -> Literal {
    let t = s.trim();
    if let Some(n) = t.strip_suffix('%').and_then(|n| n.trim().parse::<f64>().ok()) {
        return Literal::Percent(n / 100.0);
    }
    if let Some(n) = t.strip_suffix("pp").and_then(|n| n.trim().parse::<f64>().ok()) {
        return Literal::Points(n / 100.0);
    }
    match t.parse::<f64>() {
        Ok(n) if n.is_finite() => Literal::Number(n),
        _ => Literal::Text(s.to_string()),
    }
}

/// What a check produced.
#[derive(Debug)]
pub struct Checked {
    pub report: Report,
    pub plan: Plan,
    /// Warnings to show (data rows that name no pupil, ...).
    pub warnings: Diags,
}

/// Runs the whole pipeline. `year` overrides the workspace's current year.
pub fn check(ws: &Workspace, year: Option<i32>, options: crate::eval::Options) -> Result<Checked, Diags> {
    let data = load::load_workspace(ws);
    let plan = compile(ws);
    let (mut ds, plan): (Dataset, Plan) = match (data, plan) {
        (Ok(d), Ok(p)) => (d, p),
        (d, p) => {
            let mut all = Diags::default();
            if let Err(e) = d {
                all.extend(e);
            }
            if let Err(e) = p {
                all.extend(e);
            }
            return Err(all);
        }
    };
    if let Some(y) = year {
        if !ds.rows_by_year.contains_key(&y) {
            let have: Vec<String> = ds
                .years
                .iter()
                .map(|y| crate::data::values::format_year(*y))
                .collect();
            return Err(Diags(vec![
                Diag::error(
                    "year-not-in-data",
                    format!("there are no pupils for {}", crate::data::values::format_year(y)),
                )
                .help(format!("the data holds {}", have.join(", "))),
            ]));
        }
        ds.current_year = y;
    }
    let report = crate::eval::evaluate(&plan, &ds, ws.config.name.clone(), options);
    let mut report = report;
    if plan.rules.is_empty() {
        report.data_notes.insert(
            0,
            "no rules to run: the standard pack is switched off and there are no local rules".into(),
        );
    }
    // Data warnings belong in every report, not only on a terminal.
    let warnings = std::mem::take(&mut ds.warnings);
    if options.anonymise {
        // A warning quotes rows (ids, one pupil's sessions): anonymised, only how many there are.
        if !warnings.is_empty() {
            report.data_notes.insert(
                0,
                format!(
                    "{} warning{} about the data withheld in anonymised output: run without --anonymise to see them",
                    warnings.0.len(),
                    if warnings.0.len() == 1 { " is" } else { "s are" }
                ),
            );
        }
    } else {
        report
            .data_notes
            .splice(0..0, warnings.0.iter().map(|w| w.message.clone()));
    }
    Ok(Checked {
        report,
        plan,
        warnings,
    })
}
