//! The documentation's examples, run, and its reference tables checked against the code.
//!
//! - Every ```sen block of the language, tutorial, workspace, diagnostics and JSON pages compiles
//!   with the standard pack (each block on its own); a ```sen,error block must fail, with the
//!   code its first line names (`// error: CODE`).
//! - Every ```toml block of the workspace, tutorial and diagnostics pages is a valid
//!   sencheck.toml (```toml,pack: a valid pack.toml).
//! - docs/workspace.md: the column tables are the schema's (names, types, recognised headers,
//!   what is added up), the value tables are the built-in value maps, and the parameter table
//!   is the standard pack's.
//! - docs/language.md lists exactly the standard pack's cohorts and measures.
//! - Every diagnostic code in src/ has its section in docs/diagnostics.md, and no other.
//! - The JSON example of docs/json.md is real output of the UCI fixture.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use sencheck::data::config::Workspace;
use sencheck::data::schema::{ColType, Reduce, TABLES};
use sencheck::diag::{Diags, SourceFile};
use sencheck::lang::ast::Module;
use sencheck::plan::{CompileInput, ParamValue, Plan, Unit};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn doc(name: &str) -> String {
    std::fs::read_to_string(root().join("docs").join(name)).unwrap_or_else(|e| panic!("docs/{name}: {e}"))
}

/// A fenced code block: its info string (`sen,error`), the line it starts on, its text.
struct Block {
    info: String,
    line: usize,
    text: String,
}

fn blocks(md: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<(String, usize, usize, Vec<String>)> = None;
    for (i, line) in md.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match open.take() {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    open = Some((info.trim().to_string(), i + 1, indent, Vec::new()));
                }
            }
            Some((info, start, ind, mut body)) => {
                if trimmed.starts_with("```") {
                    out.push(Block {
                        info,
                        line: start,
                        text: body.join("\n") + "\n",
                    });
                } else {
                    let cut = line.len().min(ind).min(indent);
                    body.push(line[cut..].to_string());
                    open = Some((info, start, ind, body));
                }
            }
        }
    }
    assert!(open.is_none(), "an unclosed code block");
    out
}

/// The standard pack's rule files.
fn pack_files() -> Vec<SourceFile> {
    sencheck::pack::standard().unwrap().files
}

fn codes(d: &Diags) -> Vec<String> {
    d.0.iter()
        .map(|d| format!("{} ({})", d.code, d.message))
        .collect()
}

/// Parses and compiles the standard pack with `extra` rule files.
fn compile_with_pack(extra: &[SourceFile]) -> Result<Plan, Diags> {
    let files: Vec<SourceFile> = pack_files().into_iter().chain(extra.iter().cloned()).collect();
    let mut modules: Vec<(&SourceFile, Module)> = Vec::new();
    let mut diags = Diags::default();
    for f in &files {
        match sencheck::lang::parse(f) {
            Ok(m) => modules.push((f, m)),
            Err(d) => diags.push(d),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let input = CompileInput {
        modules: modules.iter().map(|(f, m)| (*f, m)).collect(),
        overrides: Vec::new(),
        disabled: Vec::new(),
        concern_as: Vec::new(),
        config: None,
    };
    sencheck::plan::compile(&input)
}

/// The code a ```sen,error block says it fails with: its first line, `// error: CODE`.
fn expected_code(text: &str) -> Option<String> {
    text.lines()
        .next()
        .and_then(|l| l.trim().strip_prefix("// error:"))
        .map(|c| c.trim().to_string())
}

fn check_sen_blocks(name: &str) -> usize {
    let md = doc(name);
    let mut failures = Vec::new();
    let mut n = 0;
    for b in blocks(&md) {
        let mut parts = b.info.split(',').map(str::trim);
        if parts.next() != Some("sen") {
            continue;
        }
        n += 1;
        let error = parts.any(|p| p == "error");
        let file = SourceFile::new(format!("docs/{name}:{}", b.line), b.text.as_str());
        match (compile_with_pack(std::slice::from_ref(&file)), error) {
            (Ok(_), false) => {}
            (Err(d), false) => failures.push(format!(
                "docs/{name} line {}: the example does not compile: {:?}",
                b.line,
                codes(&d)
            )),
            (Ok(_), true) => failures.push(format!(
                "docs/{name} line {}: the example is marked `error` but compiles",
                b.line
            )),
            (Err(d), true) => match expected_code(&b.text) {
                Some(code) if !d.0.iter().any(|d| d.code == code) => failures.push(format!(
                    "docs/{name} line {}: expected `{code}`, got {:?}",
                    b.line,
                    codes(&d)
                )),
                Some(_) => {}
                None => failures.push(format!(
                    "docs/{name} line {}: an error example must start with `// error: CODE`",
                    b.line
                )),
            },
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    n
}

#[test]
fn language_examples_compile() {
    assert!(check_sen_blocks("language.md") > 15);
}

#[test]
fn tutorial_examples_compile() {
    assert!(check_sen_blocks("tutorial.md") > 0);
}

#[test]
fn other_docs_sen_examples_compile() {
    for name in ["workspace.md", "diagnostics.md", "json.md"] {
        check_sen_blocks(name);
    }
}

#[test]
fn toml_examples_parse() {
    let mut failures = Vec::new();
    let mut n = 0;
    for name in ["workspace.md", "tutorial.md", "diagnostics.md"] {
        for b in blocks(&doc(name)) {
            let mut parts = b.info.split(',').map(str::trim);
            if parts.next() != Some("toml") {
                continue;
            }
            n += 1;
            let kind = parts.next();
            let result = match kind {
                Some("pack") => toml::from_str::<sencheck::pack::Manifest>(&b.text)
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                Some("error") => match Workspace::from_text(Path::new("."), "sencheck.toml", &b.text) {
                    Ok(_) => Err("marked `error` but parses".to_string()),
                    Err(_) => Ok(()),
                },
                _ => Workspace::from_text(Path::new("."), "sencheck.toml", &b.text)
                    .map(|_| ())
                    .map_err(|d| format!("{}: {:?}", d.message, d.labels)),
            };
            if let Err(e) = result {
                failures.push(format!("docs/{name} line {}: {e}", b.line));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(n > 10);
}

/// How docs/workspace.md writes a column's type.
fn type_text(t: ColType) -> String {
    match t {
        ColType::Id => "pupil id".into(),
        ColType::Year => "academic year".into(),
        ColType::Number => "number".into(),
        ColType::Bool => "yes/no".into(),
        ColType::Code(set) => format!("code: {}", set.codes().join(", ")),
        ColType::Text => "text".into(),
        ColType::Date => "date".into(),
        ColType::Percent => "percentage".into(),
        // A type added later: the table must then say what `describe` says.
        #[allow(unreachable_patterns)]
        other => other.describe().to_string(),
    }
}

/// The backticked words of a table cell.
fn ticked(cell: &str) -> Vec<String> {
    cell.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

fn cells(row: &str) -> Vec<String> {
    row.trim()
        .trim_matches('|')
        .split('|')
        .map(|c| c.trim().to_string())
        .collect()
}

#[test]
fn workspace_column_tables_are_the_schema() {
    let md = doc("workspace.md");
    let tail = md
        .split("## Every table and column")
        .nth(1)
        .expect("a section `## Every table and column`");
    let mut failures = Vec::new();
    for t in TABLES {
        let heading = format!("### `{}`", t.name);
        let Some(section) = tail.split(&heading).nth(1) else {
            failures.push(format!("no section {heading}"));
            continue;
        };
        let rows: Vec<Vec<String>> = section
            .lines()
            .skip_while(|l| !l.starts_with("| Column"))
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .map(cells)
            .collect();
        let documented: Vec<String> = rows.iter().map(|r| ticked(&r[0]).join("")).collect();
        let actual: Vec<String> = t.columns.iter().map(|c| c.name.to_string()).collect();
        if documented != actual {
            failures.push(format!(
                "{}: columns {documented:?}, schema has {actual:?}",
                t.name
            ));
            continue;
        }
        for (c, row) in t.columns.iter().zip(&rows) {
            if row[1] != type_text(c.ty) {
                failures.push(format!(
                    "{}.{}: type `{}`, expected `{}`",
                    t.name,
                    c.name,
                    row[1],
                    type_text(c.ty)
                ));
            }
            let aliases: Vec<String> = c.aliases.iter().map(|a| a.to_string()).collect();
            if ticked(&row[2]) != aliases {
                failures.push(format!(
                    "{}.{}: headers {:?}, schema has {aliases:?}",
                    t.name,
                    c.name,
                    ticked(&row[2])
                ));
            }
            if row[3].contains("added up") != (c.reduce == Reduce::Sum) {
                failures.push(format!("{}.{}: \"added up\" is wrong", t.name, c.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn workspace_parameter_table_is_the_standard_packs() {
    let md = doc("workspace.md");
    let rows: BTreeMap<String, Vec<String>> = md
        .lines()
        .skip_while(|l| !l.starts_with("| Parameter | Default | Meaning |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(cells)
        .map(|r| (ticked(&r[0]).join(""), r))
        .collect();
    let plan = compile_with_pack(&[]).unwrap_or_else(|d| panic!("{:?}", codes(&d)));
    let mut failures = Vec::new();
    for p in &plan.params {
        let Some(row) = rows.get(&p.name) else {
            failures.push(format!("parameter `{}` is not in the table", p.name));
            continue;
        };
        let documented = sencheck::run::literal_from_text(&row[1]);
        let same = match (&p.default, documented) {
            (ParamValue::Num(v, Unit::Percent), sencheck::lang::ast::Literal::Percent(d))
            | (ParamValue::Num(v, Unit::Points), sencheck::lang::ast::Literal::Points(d))
            | (ParamValue::Num(v, Unit::Number | Unit::Count), sencheck::lang::ast::Literal::Number(d)) => {
                (v - d).abs() < 1e-12
            }
            (ParamValue::Text(t), sencheck::lang::ast::Literal::Text(d)) => *t == d,
            _ => false,
        };
        if !same {
            failures.push(format!(
                "`{}`: documented default {}, the pack says {:?}",
                p.name, row[1], p.default
            ));
        }
        if p.doc.as_deref() != Some(row[2].as_str()) {
            failures.push(format!(
                "`{}`: documented meaning differs from the pack's: {:?}",
                p.name, p.doc
            ));
        }
    }
    for name in rows.keys() {
        if !plan.params.iter().any(|p| &p.name == name) {
            failures.push(format!(
                "`{name}` is documented but is not a parameter of the pack"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The string literal at the start of `s` (after blanks), if there is one.
fn literal_at(s: &str) -> Option<&str> {
    let s = s.trim_start().strip_prefix('"')?;
    s.split('"').next()
}

/// Every diagnostic code the source can produce: the first argument of `Diag::error(`,
/// `Diag::warning(`, `err(`, `diag_at(` and `config_diag(`, and the third of `row_diag(`.
fn codes_in_src() -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut out = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for marker in [
            "Diag::error(",
            "Diag::warning(",
            "err(",
            "diag_at(",
            "config_diag(",
        ] {
            for (i, _) in text.match_indices(marker) {
                if let Some(code) = literal_at(&text[i + marker.len()..]).filter(|c| is_code(c)) {
                    out.insert(code.to_string());
                }
            }
        }
        for (i, _) in text.match_indices("row_diag(") {
            let args = &text[i + "row_diag(".len()..];
            if let Some(code) = args.split(',').nth(2).and_then(literal_at).filter(|c| is_code(c)) {
                out.insert(code.to_string());
            }
        }
    }
    out
}

#[test]
fn every_diagnostic_code_is_documented() {
    let md = doc("diagnostics.md");
    let documented: BTreeSet<String> = md
        .lines()
        .filter_map(|l| l.strip_prefix("### `"))
        .filter_map(|l| l.strip_suffix('`'))
        .map(str::to_string)
        .collect();
    let used = codes_in_src();
    assert!(used.len() > 30, "found only {used:?}");
    let undocumented: Vec<&String> = used.difference(&documented).collect();
    let stale: Vec<&String> = documented.difference(&used).collect();
    assert!(
        undocumented.is_empty() && stale.is_empty(),
        "codes without a section in docs/diagnostics.md: {undocumented:?}; sections for codes the source never produces: {stale:?}"
    );
}

/// The report of the real-data fixture, as JSON.
fn uci_report() -> serde_json::Value {
    // Relative, as docs/json.md shows it (tests run in the package folder).
    let ws = Workspace::open(Path::new("fixtures/uci-student-performance")).unwrap();
    let checked = sencheck::run::check(&ws, None, sencheck::eval::Options::default())
        .unwrap_or_else(|d| panic!("{:?}", codes(&d)));
    serde_json::to_value(&checked.report).unwrap()
}

/// JSON equality, numbers within rounding: serde_json's default float parsing can be one unit in
/// the last place off the printed value.
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            (x - y).abs() <= 1e-12 * x.abs().max(y.abs()).max(1.0)
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn keys(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn json_example_is_real_output() {
    let md = doc("json.md");
    let example = blocks(&md)
        .into_iter()
        .find(|b| b.info == "json")
        .expect("a ```json block in docs/json.md");
    let example: serde_json::Value = serde_json::from_str(&example.text).unwrap();
    let real = uci_report();
    assert_eq!(keys(&example), keys(&real), "top-level fields");
    for field in ["format_version", "school", "year", "disabled", "data_notes"] {
        assert!(
            same(&example[field], &real[field]),
            "`{field}`: {} in docs/json.md, {} in fact",
            example[field],
            real[field]
        );
    }
    for list in ["findings", "not_run"] {
        let shown = example[list].as_array().unwrap();
        let all = real[list].as_array().unwrap();
        assert!(!shown.is_empty());
        for item in shown {
            assert!(
                all.iter().any(|x| same(x, item)),
                "docs/json.md shows a `{list}` entry the fixture does not produce:\n{item:#}\nthe fixture's:\n{:#}",
                real[list]
            );
        }
    }
    // Every field of a finding, a figure and a rule not run is documented in a table.
    let finding = &real["findings"][0];
    let mut fields = keys(finding);
    fields.extend(keys(&finding["figures"][0]));
    if let Some(n) = real["not_run"].get(0) {
        fields.extend(keys(n));
    }
    fields.extend(keys(&real));
    for f in fields {
        assert!(
            md.contains(&format!("| `{f}` |")),
            "docs/json.md does not describe `{f}`"
        );
    }
}

/// The first column's backticked names of the table after `header` in `md`.
fn first_column(md: &str, header: &str) -> BTreeSet<String> {
    md.lines()
        .skip_while(|l| !l.starts_with(header))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .flat_map(|l| ticked(&cells(l)[0]))
        .map(|n| n.split('(').next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn language_lists_the_standard_packs_cohorts_and_measures() {
    let md = doc("language.md");
    let (mut cohorts, mut measures) = (BTreeSet::new(), BTreeSet::new());
    for f in pack_files() {
        for item in sencheck::lang::parse(&f).unwrap().items {
            match item {
                sencheck::lang::ast::Item::Cohort(c) => {
                    cohorts.insert(c.name.name);
                }
                sencheck::lang::ast::Item::Measure(m) => {
                    measures.insert(m.name.name);
                }
                _ => {}
            }
        }
    }
    assert_eq!(
        first_column(&md, "| Cohort | Pupils |"),
        cohorts,
        "cohorts in docs/language.md"
    );
    assert_eq!(
        first_column(&md, "| Measure | Figure |"),
        measures,
        "measures in docs/language.md"
    );
}

#[test]
fn workspace_value_tables_are_the_defaults() {
    use sencheck::data::schema::CodeSet;
    let md = doc("workspace.md");
    let section = md
        .split("## Values recognised without a map")
        .nth(1)
        .expect("a section `## Values recognised without a map`");
    let mut failures = Vec::new();
    for (title, set) in [
        ("**SEN status**", CodeSet::Sen),
        ("**Primary need**", CodeSet::Need),
        ("**Gender**", CodeSet::Gender),
        ("**Exclusion kind**", CodeSet::ExclusionKind),
    ] {
        let Some(after) = section.split(title).nth(1) else {
            failures.push(format!("no table {title}"));
            continue;
        };
        let documented: BTreeSet<(String, String)> = after
            .lines()
            .skip_while(|l| !l.starts_with("| Value in the file | Code |"))
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .map(cells)
            .flat_map(|r| {
                let code = r[1].clone();
                ticked(&r[0])
                    .into_iter()
                    .map(move |v| (v.to_lowercase(), code.clone()))
            })
            .collect();
        let actual: BTreeSet<(String, String)> = set
            .default_values()
            .iter()
            .map(|(v, c)| (v.to_string(), c.to_string()))
            .collect();
        if documented != actual {
            failures.push(format!(
                "{title}: documented but not built in {:?}; built in but not documented {:?}",
                documented.difference(&actual).collect::<Vec<_>>(),
                actual.difference(&documented).collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
