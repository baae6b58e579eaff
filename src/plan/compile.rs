//! The compiler: name resolution, unit checking and lowering to the plan. Every error is
//! collected; one bad rule never hides another.

use std::collections::{BTreeSet, HashMap};

use super::*;
use crate::data::schema::{ColType, Reduce, TABLES, TableId};
use crate::diag::{Diag, Diags, SourceFile, Span, did_you_mean};
use crate::lang::ast::{self, CondKind, Expr, ExprKind, Literal, Module};
use crate::questions;

/// A parameter value the school's sencheck.toml sets.
#[derive(Debug, Clone)]
pub struct ParamOverride {
    pub name: String,
    pub value: Literal,
    /// The value as the school wrote it.
    pub raw: String,
    pub span: Span,
}

pub struct CompileInput<'a> {
    pub modules: Vec<(&'a SourceFile, &'a Module)>,
    pub overrides: Vec<ParamOverride>,
    /// Rule ids switched off, with where they are named.
    pub disabled: Vec<(String, Span)>,
    /// Rule id → severity its concerns are reported at.
    pub concern_as: Vec<(String, Severity, Span)>,
    /// sencheck.toml, for diagnostics about the three lists above.
    pub config: Option<&'a SourceFile>,
}

const BUILTIN_AGGS: &[&str] = &["count", "share", "mean", "median", "min", "max", "sum", "rate"];
/// Built-in figures that are not aggregates of one cohort.
const BUILTIN_FIGURES: &[&str] = &["representation", "national", "window_mean"];
/// A pupil's row last academic year: `last_year.sen`.
const LAST_YEAR: &str = "last_year";
const DEFAULT_MIN_YEARS: f64 = 3.0;
const DEFAULT_CONFIDENCE: f64 = 0.95;
/// The built-in cohort: every pupil on roll in the year judged.
const ALL_PUPILS: &str = "pupils";
const DEFAULT_MIN_GROUP: f64 = 6.0;

/// Type of a pupil-level value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum PTy {
    Num(Unit),
    Bool,
    Code(CodeSet),
    Text,
    Other,
}

struct Def<'a, T> {
    item: &'a T,
    file: &'a SourceFile,
}

struct Env<'a> {
    params: HashMap<String, usize>,
    param_list: Vec<ParamInfo>,
    cohorts: HashMap<String, CohortId>,
    cohort_defs: Vec<Def<'a, ast::CohortDef>>,
    measures: HashMap<String, Def<'a, ast::MeasureDef>>,
}

/// Bindings visible in a rule-level expression.
#[derive(Clone, Default)]
struct Scope {
    /// Measure parameter → the cohort it stands for.
    bound: Vec<(String, CohortRef, BTreeSet<Need>)>,
    /// The `for each` group's name.
    group: Option<String>,
    /// Measures being expanded, to catch recursion.
    stack: Vec<String>,
    /// The rule has `over last N years`, so trends may be used.
    window: bool,
}

struct Cx<'a, 'e> {
    env: &'e Env<'a>,
    file: &'a SourceFile,
    diags: &'e mut Diags,
    needs: BTreeSet<Need>,
    cohort_needs: &'e [BTreeSet<Need>],
    /// Inside a measure body already checked on its own: do not report twice.
    quiet: u32,
    /// The first error met while quiet, to report at the call site that led to it.
    quiet_error: Option<String>,
    /// How deep the expression being compiled is nested, to refuse a pathological one
    /// before the stack runs out.
    depth: u32,
}

impl<'a, 'e> Cx<'a, 'e> {
    /// A diagnostic at `span`, trimmed of trailing spaces and line breaks so a label never
    /// runs onto the next line.
    fn err(&self, code: &'static str, msg: impl Into<String>, span: Span, label: impl Into<String>) -> Diag {
        let text = self.file.text.get(span.start..span.end).unwrap_or("");
        let span = Span::new(span.start, span.start + text.trim_end().len());
        Diag::error(code, msg).in_file(self.file).label(span, label)
    }
    /// Reports `d` and gives up on the construct being compiled.
    fn fail<T>(&mut self, d: Diag) -> Option<T> {
        self.report(d);
        None
    }

    fn report(&mut self, d: Diag) {
        if self.quiet == 0 {
            self.diags.push(d);
        } else if self.quiet_error.is_none() {
            self.quiet_error = Some(d.message);
        }
    }
    fn need_col(&mut self, table: TableId, col: usize) {
        self.needs.insert(Need::Table(table));
        self.needs.insert(Need::Column(table, col));
    }
    /// Runs one level of a recursive compile step, refusing expressions nested so deeply that
    /// compiling or evaluating them could exhaust the stack.
    fn nested<T>(&mut self, span: Span, step: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        const MAX_DEPTH: u32 = 200;
        if self.depth >= MAX_DEPTH {
            return self.fail(
                self.err(
                    "too-complex",
                    format!("this expression is nested more than {MAX_DEPTH} levels deep"),
                    span,
                    "here",
                )
                .help("split it into measures or cohorts"),
            );
        }
        self.depth += 1;
        let out = step(self);
        self.depth -= 1;
        out
    }

    /// A number literal too large for a double would print as `inf`.
    fn finite_literal(&mut self, e: &Expr) -> bool {
        if let ExprKind::Lit(Literal::Number(n) | Literal::Percent(n) | Literal::Points(n)) = &e.kind
            && !n.is_finite()
        {
            let d = self.err(
                "bad-number",
                "this number is too large",
                e.span,
                "not a usable number",
            );
            self.report(d);
            return false;
        }
        true
    }

    fn names_for_help(&self) -> Vec<String> {
        let mut v: Vec<String> = self.env.params.keys().cloned().collect();
        v.extend(self.env.cohorts.keys().cloned());
        v.extend(self.env.measures.keys().cloned());
        v.sort();
        v
    }
}

/// Compiles every module into one plan, or reports every error found.
pub fn compile(input: &CompileInput) -> Result<Plan, Diags> {
    let mut diags = Diags::default();
    let mut env = Env {
        params: HashMap::new(),
        param_list: Vec::new(),
        cohorts: HashMap::new(),
        cohort_defs: Vec::new(),
        measures: HashMap::new(),
    };
    let mut first_seen: HashMap<String, (Span, &SourceFile, &'static str)> = HashMap::new();
    let mut rules: Vec<Def<ast::RuleDef>> = Vec::new();
    let mut rule_ids: HashMap<String, (Span, &SourceFile)> = HashMap::new();

    // The built-in cohort.
    env.cohorts.insert(ALL_PUPILS.to_string(), CohortId(0));

    for (file, module) in &input.modules {
        for item in &module.items {
            let (name, kind) = match item {
                ast::Item::Param(p) => (&p.name, "parameter"),
                ast::Item::Cohort(c) => (&c.name, "cohort"),
                ast::Item::Measure(m) => (&m.name, "measure"),
                ast::Item::Rule(r) => {
                    if let Some((span, f)) = rule_ids.get(&r.id.name) {
                        diags.push(
                            Diag::error("duplicate-rule", format!("rule {} is defined twice", r.id.name))
                                .in_file(file)
                                .label(r.id.span, "defined again here")
                                .with_related(
                                    Diag::error("duplicate-rule", "first defined here")
                                        .in_file(f)
                                        .label(*span, "first definition"),
                                )
                                .help("rule ids are unique across every pack and local file; to change a pack's rule, disable it in sencheck.toml and write your own with a new id"),
                        );
                        continue;
                    }
                    rule_ids.insert(r.id.name.clone(), (r.id.span, file));
                    rules.push(Def { item: r, file });
                    continue;
                }
            };
            if name.name == ALL_PUPILS
                || name.name == LAST_YEAR
                || BUILTIN_AGGS.contains(&name.name.as_str())
                || BUILTIN_FIGURES.contains(&name.name.as_str())
            {
                diags.push(
                    Diag::error("reserved-name", format!("`{}` is a built-in name", name.name))
                        .in_file(file)
                        .label(name.span, "choose another name"),
                );
                continue;
            }
            if let Some((span, f, what)) = first_seen.get(&name.name) {
                diags.push(
                    Diag::error("duplicate-name", format!("`{}` is defined twice", name.name))
                        .in_file(file)
                        .label(name.span, format!("this {kind}"))
                        .with_related(
                            Diag::error("duplicate-name", format!("`{}` was first defined as a {what} here", name.name))
                                .in_file(f)
                                .label(*span, "first definition"),
                        )
                        .help("params, cohorts and measures share one namespace across every rule file; a school changes a pack's parameter in sencheck.toml [params]"),
                );
                continue;
            }
            first_seen.insert(name.name.clone(), (name.span, file, kind));
            match item {
                ast::Item::Param(p) => {
                    if let Literal::Number(n) | Literal::Percent(n) | Literal::Points(n) = &p.value
                        && !n.is_finite()
                    {
                        diags.push(
                            Diag::error(
                                "bad-number",
                                format!("the value of `{}` is too large", p.name.name),
                            )
                            .in_file(file)
                            .label(p.value_span, "not a usable number"),
                        );
                    }
                    let value = match &p.value {
                        Literal::Number(n) => ParamValue::Num(*n, Unit::Number),
                        Literal::Percent(n) => ParamValue::Num(*n, Unit::Percent),
                        Literal::Points(n) => ParamValue::Num(*n, Unit::Points),
                        Literal::Text(t) => ParamValue::Text(t.clone()),
                    };
                    env.params.insert(p.name.name.clone(), env.param_list.len());
                    env.param_list.push(ParamInfo {
                        name: p.name.name.clone(),
                        default: value.clone(),
                        value,
                        doc: p.doc.clone(),
                        file: file.name.clone(),
                    });
                }
                ast::Item::Cohort(c) => {
                    env.cohorts
                        .insert(c.name.name.clone(), CohortId(env.cohort_defs.len() + 1));
                    env.cohort_defs.push(Def { item: c, file });
                }
                ast::Item::Measure(m) => {
                    env.measures.insert(m.name.name.clone(), Def { item: m, file });
                }
                ast::Item::Rule(_) => {}
            }
        }
    }

    apply_overrides(&mut env, input, &mut diags);

    // Cohorts, in dependency order (a cohort may be built on another).
    let n = env.cohort_defs.len() + 1;
    let mut cohorts: Vec<Option<CohortPlan>> = vec![None; n];
    let mut cohort_needs: Vec<BTreeSet<Need>> = vec![BTreeSet::new(); n];
    cohorts[0] = Some(CohortPlan {
        name: ALL_PUPILS.into(),
        base: None,
        filter: None,
    });
    let mut state = vec![0u8; n]; // 0 new, 1 in progress, 2 done
    for i in 1..n {
        compile_cohort(&env, i, &mut cohorts, &mut cohort_needs, &mut state, &mut diags);
    }
    check_membership_cycles(&env, &cohorts, &mut diags);
    let cohorts: Vec<CohortPlan> = cohorts
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            c.unwrap_or(CohortPlan {
                name: format!("#{i}"),
                base: None,
                filter: None,
            })
        })
        .collect();

    // Each measure once on its own, so its errors are reported once, at its definition.
    let mut measure_names: Vec<&String> = env.measures.keys().collect();
    measure_names.sort_by_key(|m| {
        let d = &env.measures[*m];
        (d.file.name.clone(), d.item.span.start)
    });
    for name in measure_names {
        let def = &env.measures[name];
        let mut cx = Cx {
            env: &env,
            file: def.file,
            diags: &mut diags,
            needs: BTreeSet::new(),
            cohort_needs: &cohort_needs,
            quiet: 0,
            quiet_error: None,
            depth: 0,
        };
        let scope = Scope {
            bound: vec![(
                def.item.param.name.clone(),
                CohortRef::Named(CohortId(0)),
                BTreeSet::new(),
            )],
            group: None,
            stack: vec![name.clone()],
            // A measure may be used in a windowed rule; the rule checks its own window.
            window: true,
        };
        cx.mexpr(&def.item.body, &scope);
    }

    let mut rule_plans = Vec::new();
    for r in &rules {
        if let Some(p) = compile_rule(&env, r, &cohort_needs, &mut diags) {
            rule_plans.push(p);
        }
    }

    // The school's switches refer to rules that must exist.
    let config_diag = |code: &'static str, msg: String, span: Span, label: &str| {
        let d = Diag::error(code, msg);
        match input.config {
            Some(f) => d.in_file(f).label(span, label.to_string()),
            None => d,
        }
    };
    let ids: Vec<String> = rule_plans.iter().map(|r| r.meta.id.clone()).collect();
    for (id, span) in &input.disabled {
        match rule_plans.iter_mut().find(|r| &r.meta.id == id) {
            Some(r) => r.disabled = true,
            None => diags.push(unknown_rule(
                config_diag(
                    "unknown-rule",
                    format!("there is no rule {id} to disable"),
                    *span,
                    "no such rule",
                ),
                id,
                &ids,
            )),
        }
    }
    for (id, sev, span) in &input.concern_as {
        match rule_plans.iter_mut().find(|r| &r.meta.id == id) {
            Some(r) => r.concern_as = Some(*sev),
            None => diags.push(unknown_rule(
                config_diag(
                    "unknown-rule",
                    format!("there is no rule {id} to change"),
                    *span,
                    "no such rule",
                ),
                id,
                &ids,
            )),
        }
    }

    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Plan {
        params: env.param_list,
        cohorts,
        cohort_needs,
        rules: rule_plans,
    })
}

fn unknown_rule(d: Diag, id: &str, ids: &[String]) -> Diag {
    match did_you_mean(id, ids.iter().map(String::as_str)) {
        Some(s) => d.help(format!("did you mean {s}? `sencheck rules` lists every rule")),
        None => d.help("`sencheck rules` lists every rule"),
    }
}

fn apply_overrides(env: &mut Env, input: &CompileInput, diags: &mut Diags) {
    for o in &input.overrides {
        let mk = |msg: String, label: String| {
            let d = Diag::error("config-bad-param", msg);
            match input.config {
                Some(f) => d.in_file(f).label(o.span, label),
                None => d,
            }
        };
        let Some(&i) = env.params.get(&o.name) else {
            let names: Vec<&str> = env.param_list.iter().map(|p| p.name.as_str()).collect();
            let d = mk(
                format!("there is no parameter `{}`", o.name),
                "not a parameter of any rule file".into(),
            );
            diags.push(match did_you_mean(&o.name, names.iter().copied()) {
                Some(s) => d.help(format!(
                    "did you mean `{s}`? `sencheck rules --params` lists them"
                )),
                None => d.help("`sencheck rules --params` lists the parameters"),
            });
            continue;
        };
        let p = &mut env.param_list[i];
        let new = match (&p.default, &o.value) {
            (ParamValue::Num(_, u), Literal::Number(n)) if matches!(u, Unit::Number | Unit::Count) => {
                ParamValue::Num(*n, *u)
            }
            (ParamValue::Num(_, Unit::Percent), Literal::Percent(n)) => ParamValue::Num(*n, Unit::Percent),
            (ParamValue::Num(_, Unit::Points), Literal::Points(n)) => ParamValue::Num(*n, Unit::Points),
            (ParamValue::Text(_), Literal::Text(t)) => ParamValue::Text(t.clone()),
            // A text parameter keeps the school's text as written, even "10%".
            (ParamValue::Text(_), _) => ParamValue::Text(o.raw.clone()),
            (default, given) => {
                // Suggest the user's own number in the right unit: "3%" for points is "3pp".
                let number = match given {
                    // 0.96 for a percentage means 96%; 96 means 96%.
                    Literal::Number(n)
                        if *n <= 1.0
                            && matches!(default, ParamValue::Num(_, Unit::Percent | Unit::Points)) =>
                    {
                        Some(*n * 100.0)
                    }
                    Literal::Number(n) => Some(*n),
                    Literal::Percent(n) | Literal::Points(n) => Some(*n * 100.0),
                    Literal::Text(_) => None,
                };
                let shown = |n: f64| crate::finding::format_value(n, Unit::Number);
                let (want, example) = match (default, number) {
                    (ParamValue::Num(_, Unit::Percent), Some(n)) => {
                        ("a percentage", format!("\"{}%\"", shown(n)))
                    }
                    (ParamValue::Num(_, Unit::Percent), None) => ("a percentage", "\"96%\"".to_string()),
                    (ParamValue::Num(_, Unit::Points), Some(n)) => {
                        ("percentage points", format!("\"{}pp\"", shown(n)))
                    }
                    (ParamValue::Num(_, Unit::Points), None) => ("percentage points", "\"5pp\"".to_string()),
                    (ParamValue::Num(..), _) => ("a number", "6".to_string()),
                    (ParamValue::Text(_), _) => ("text", "\"...\"".to_string()),
                };
                diags.push(
                    mk(
                        format!("parameter `{}` takes {want}", o.name),
                        format!("expected {want}"),
                    )
                    .help(format!(
                        "write it like {}: {} = {example}",
                        default_text(default),
                        o.name
                    )),
                );
                continue;
            }
        };
        // A value that would make every verdict meaningless is refused, not applied.
        let invalid = match (&new, o.name.as_str()) {
            (ParamValue::Num(n, _), _) if !n.is_finite() => Some("a finite number"),
            (ParamValue::Num(n, Unit::Percent), _) if !(0.0..=1.0).contains(n) => {
                Some("a percentage from 0% to 100%")
            }
            (ParamValue::Num(n, Unit::Points), _) if !(-1.0..=1.0).contains(n) => {
                Some("percentage points from -100pp to 100pp")
            }
            (ParamValue::Num(n, _), "min_group" | "min_years") if *n < 1.0 || n.fract() != 0.0 => {
                Some("a whole number of at least 1")
            }
            (ParamValue::Num(n, _), "confidence") if !(0.5..=0.999).contains(n) => {
                Some("a percentage from 50% to 99.9%")
            }
            _ => None,
        };
        if let Some(want) = invalid {
            diags.push(mk(
                format!("parameter `{}` must be {want}", o.name),
                format!("expected {want}"),
            ));
            continue;
        }
        p.value = new;
    }
}

fn default_text(v: &ParamValue) -> String {
    match v {
        ParamValue::Num(n, u) => format!("the default {}", crate::finding::format_value(*n, *u)),
        ParamValue::Text(t) => format!("the default \"{t}\""),
    }
}

/// A cohort may test membership of another (`where sen_support`); a loop of such tests would
/// never end when evaluated, so it is an error.
fn check_membership_cycles(env: &Env, cohorts: &[Option<CohortPlan>], diags: &mut Diags) {
    fn refs(f: &Filter, out: &mut Vec<usize>) {
        match f {
            Filter::InCohort(id) => out.push(id.0),
            Filter::And(p) | Filter::Or(p) => p.iter().for_each(|f| refs(f, out)),
            Filter::Not(f) | Filter::Prev(f) => refs(f, out),
            _ => {}
        }
    }
    let edges: Vec<Vec<usize>> = cohorts
        .iter()
        .map(|c| {
            let mut out = Vec::new();
            if let Some(c) = c {
                if let Some(b) = c.base {
                    out.push(b.0);
                }
                if let Some(f) = &c.filter {
                    refs(f, &mut out);
                }
            }
            out
        })
        .collect();
    // Colour-marking depth-first search, iterative so a long chain cannot overflow the stack.
    let mut colour = vec![0u8; cohorts.len()];
    for start in 1..cohorts.len() {
        if colour[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        colour[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&to) = edges[node].get(*next) {
                *next += 1;
                match colour.get(to) {
                    Some(0) => {
                        colour[to] = 1;
                        stack.push((to, 0));
                    }
                    Some(1) if to != 0 => {
                        let def = &env.cohort_defs[to - 1];
                        diags.push(
                            Diag::error(
                                "cohort-cycle",
                                format!("cohort `{}` depends on itself", def.item.name.name),
                            )
                            .in_file(def.file)
                            .label(
                                def.item.span,
                                "this cohort is reached again through its own condition",
                            )
                            .help("a cohort cannot test membership of a cohort built from it"),
                        );
                        colour[to] = 2;
                    }
                    _ => {}
                }
            } else {
                colour[node] = 2;
                stack.pop();
            }
        }
    }
}

fn compile_cohort(
    env: &Env,
    i: usize,
    out: &mut Vec<Option<CohortPlan>>,
    needs: &mut Vec<BTreeSet<Need>>,
    state: &mut Vec<u8>,
    diags: &mut Diags,
) {
    if state[i] == 2 {
        return;
    }
    let def = &env.cohort_defs[i - 1];
    if state[i] == 1 {
        diags.push(
            Diag::error(
                "cohort-cycle",
                format!("cohort `{}` is built on itself", def.item.name.name),
            )
            .in_file(def.file)
            .label(def.item.base.span, "this leads back to the cohort being defined"),
        );
        state[i] = 2;
        return;
    }
    state[i] = 1;
    let base_name = &def.item.base.name;
    let base = match env.cohorts.get(base_name) {
        Some(&CohortId(b)) => {
            if b != 0 {
                compile_cohort(env, b, out, needs, state, diags);
            }
            Some(CohortId(b))
        }
        None => {
            let names: Vec<&str> = env.cohorts.keys().map(String::as_str).collect();
            let mut d = Diag::error("unknown-cohort", format!("there is no cohort `{base_name}`"))
                .in_file(def.file)
                .label(def.item.base.span, "not a cohort");
            d = d.help(match did_you_mean(base_name, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? A cohort starts from `pupils` or another cohort"),
                None => "a cohort starts from `pupils` or another cohort".into(),
            });
            diags.push(d);
            None
        }
    };
    let mut n = base.map(|b| needs[b.0].clone()).unwrap_or_default();
    let filter = def.item.filter.as_ref().and_then(|f| {
        let mut cx = Cx {
            env,
            file: def.file,
            diags,
            needs: BTreeSet::new(),
            cohort_needs: needs,
            quiet: 0,
            quiet_error: None,
            depth: 0,
        };
        let r = cx.filter(f);
        n.extend(cx.needs);
        r
    });
    needs[i] = n;
    out[i] = Some(CohortPlan {
        name: def.item.name.name.clone(),
        base: base.filter(|b| b.0 != 0),
        filter,
    });
    state[i] = 2;
}

fn compile_rule(
    env: &Env,
    def: &Def<ast::RuleDef>,
    cohort_needs: &[BTreeSet<Need>],
    diags: &mut Diags,
) -> Option<RulePlan> {
    let r = def.item;
    let errors_before = diags.errors();
    let mut cx = Cx {
        env,
        file: def.file,
        diags,
        needs: BTreeSet::new(),
        cohort_needs,
        quiet: 0,
        quiet_error: None,
        depth: 0,
    };
    for (what, span) in &r.duplicates {
        let d = cx.err(
            "duplicate-metadata",
            format!("rule {} gives `{what}` twice", r.id.name),
            *span,
            "given again here",
        );
        cx.report(d);
    }
    // The question it answers: stated, or read from the id (`H2`, `H2-trend`).
    let question = match &r.question {
        Some(q) => {
            if questions::question(&q.name).is_none() {
                let ids: Vec<&str> = questions::QUESTIONS.iter().map(|(q, _)| *q).collect();
                let mut d = cx.err(
                    "unknown-question",
                    format!("`{}` is not a question of the guidance", q.name),
                    q.span,
                    "not a question number",
                );
                d = d.help(match did_you_mean(&q.name, ids.iter().copied()) {
                    Some(s) => {
                        format!("did you mean {s}? Questions are numbered A1 … Q6 (see `sencheck explain`)")
                    }
                    None => {
                        "questions are numbered A1 … Q6 as in the guidance; `sencheck explain H2` shows one"
                            .into()
                    }
                });
                cx.report(d);
            }
            q.name.clone()
        }
        None => {
            let head: String = r.id.name.split(['-', '.', '_']).next().unwrap_or("").to_string();
            if questions::question(&head).is_some() {
                head
            } else {
                let d = cx
                    .err(
                        "missing-question",
                        format!("rule {} does not say which question it answers", r.id.name),
                        r.id.span,
                        "add `question X1` to this rule",
                    )
                    .help("every rule answers a numbered question of the guidance, e.g. `question H2`");
                cx.report(d);
                String::new()
            }
        }
    };
    let ask = r
        .ask
        .clone()
        .or_else(|| questions::question(&question).map(str::to_string))
        .unwrap_or_default();
    let (line, _) = def.file.line_col(r.span.start);
    let meta = RuleMeta {
        id: r.id.name.clone(),
        title: r.title.clone(),
        key_question: questions::key_of(&question).to_string(),
        question,
        ask,
        cadence: r.cadence.as_ref().map(|c| c.name.clone()),
        tags: r.tags.iter().map(|t| t.name.clone()).collect(),
        file: def.file.name.clone(),
        line,
        source: def
            .file
            .text
            .get(r.span.start..r.span.end)
            .unwrap_or("")
            .to_string(),
    };
    let window = match r.window {
        Some((n, span)) if !(2..=10).contains(&n) => {
            let d = cx
                .err(
                    "bad-window",
                    format!("`{}` is not a window a trend can use", cx.text(span)),
                    span,
                    "expected a whole number of years from 2 to 10",
                )
                .help("write `over last 3 years`");
            cx.report(d);
            None
        }
        Some((n, _)) => Some(n),
        None => None,
    };
    let param_num = |name: &str| match env.params.get(name).map(|&i| &env.param_list[i].value) {
        Some(ParamValue::Num(n, _)) => Some(*n),
        _ => None,
    };
    let min_years = param_num("min_years").unwrap_or(DEFAULT_MIN_YEARS);
    let confidence = param_num("confidence").unwrap_or(DEFAULT_CONFIDENCE);
    if !(0.5..=0.999).contains(&confidence) {
        let d = cx
            .err(
                "config-bad-param",
                format!(
                    "a confidence level of {} cannot be used",
                    crate::finding::format_value(confidence, Unit::Percent)
                ),
                r.id.span,
                "in this rule's tests",
            )
            .help("set `confidence` from 50% to 99.9%, e.g. 95%");
        cx.report(d);
    }

    let min_group = match &r.min_group {
        Some(e) => cx.const_number(e).unwrap_or(DEFAULT_MIN_GROUP),
        None => match env.params.get("min_group").map(|&i| &env.param_list[i].value) {
            Some(ParamValue::Num(n, _)) => *n,
            _ => DEFAULT_MIN_GROUP,
        },
    };
    if r.clauses.is_empty() {
        let d = cx
            .err(
                "empty-rule",
                format!("rule {} has no findings", r.id.name),
                r.id.span,
                "this rule never says anything",
            )
            .help("add a clause such as: concern when ... \"explanation\"");
        cx.report(d);
    }

    let body = if let Some(list) = &r.list {
        if let Some(fe) = &r.for_each {
            let d = cx.err(
                "list-with-group",
                "a pupil list cannot also use `for each`",
                fe.span,
                "remove this, or make two rules",
            );
            cx.report(d);
        }
        let cohort = cx.cohort_name(&list.cohort, &Scope::default())?;
        let cohort = match &list.filter {
            Some(f) => CohortRef::Where(Box::new(cohort), Box::new(cx.filter(f)?)),
            None => cohort,
        };
        let mut clauses = Vec::new();
        for c in &r.clauses {
            let when = match &c.when {
                Some(w) => Some(cx.filter(w)?),
                None => None,
            };
            let explain = cx.pupil_template(&c.template)?;
            clauses.push(ListClausePlan {
                severity: c.severity,
                when,
                explain,
            });
        }
        Body::List { cohort, clauses }
    } else {
        let mut scope = Scope {
            // An invalid window was reported; trends in the rule are still checked as if it had one.
            window: r.window.is_some(),
            ..Scope::default()
        };
        let group = match &r.for_each {
            Some(fe) => {
                let g = cx.group(fe);
                if let Some(g) = &g {
                    scope.group = Some(g.name.clone());
                }
                g
            }
            None => None,
        };
        let mut clauses = Vec::new();
        for c in &r.clauses {
            let when = match &c.when {
                Some(w) => cx.test(w, &scope),
                None => None,
            };
            let explain = cx.template(&c.template, &scope);
            clauses.push(ClausePlan {
                severity: c.severity,
                when,
                explain: explain.unwrap_or_default(),
            });
        }
        Body::Clauses { group, clauses }
    };
    let needs = std::mem::take(&mut cx.needs);
    if diags.errors() > errors_before {
        return None;
    }
    Some(RulePlan {
        meta,
        needs,
        min_group,
        window,
        min_years,
        confidence,
        body,
        disabled: false,
        concern_as: None,
    })
}

/// Units that combine under `op`, and the unit of the result.
fn combine(op: BinOp, a: Unit, b: Unit) -> Option<Unit> {
    use Unit::*;
    let plain = |u: Unit| matches!(u, Number | Count);
    match op {
        BinOp::Add | BinOp::Sub => match (a, b) {
            (Percent, Percent) if op == BinOp::Sub => Some(Points),
            (Percent, Percent) => Some(Percent),
            (Percent, Points) | (Points, Percent) => Some(Percent),
            (Points, Points) => Some(Points),
            (Count, Count) => Some(Count),
            (x, y) if plain(x) && plain(y) => Some(Number),
            _ => None,
        },
        BinOp::Mul => match (a, b) {
            (x, y) if plain(x) && plain(y) => Some(Number),
            (x, y) if plain(y) => Some(x),
            (x, y) if plain(x) => Some(y),
            _ => None,
        },
        BinOp::Div => match (a, b) {
            (Percent, Percent) | (Points, Points) => Some(Number),
            (x, y) if plain(x) && plain(y) => Some(Number),
            (x, y) if plain(y) => Some(x),
            _ => None,
        },
    }
}

fn comparable(a: Unit, b: Unit) -> bool {
    let plain = |u: Unit| matches!(u, Unit::Number | Unit::Count);
    a == b || (plain(a) && plain(b))
}

fn unit_hint(a: Unit, b: Unit) -> String {
    match (a, b) {
        (Unit::Percent, Unit::Number) | (Unit::Number, Unit::Percent) => {
            "write percentages with a % sign (95%, not 95 or 0.95)".into()
        }
        (Unit::Percent, Unit::Points) | (Unit::Points, Unit::Percent) => {
            "a percentage minus a percentage is in percentage points (pp); compare a difference with pp, a share with %".into()
        }
        (Unit::Points, Unit::Number) | (Unit::Number, Unit::Points) => {
            "write percentage points with pp (5pp)".into()
        }
        _ => "both sides must measure the same kind of thing".into(),
    }
}

fn bin_symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
    }
}

impl<'a, 'e> Cx<'a, 'e> {
    fn text(&self, span: Span) -> String {
        self.file
            .text
            .get(span.start..span.end)
            .unwrap_or("")
            .trim()
            .to_string()
    }

    fn unknown_name(&mut self, name: &ast::Ident, what: &str) {
        let candidates = self.names_for_help();
        let mut d = self.err(
            "unknown-name",
            format!("`{}` is not {what}", name.name),
            name.span,
            "unknown name",
        );
        if let Some(s) = did_you_mean(&name.name, candidates.iter().map(String::as_str)) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        self.report(d);
    }

    fn const_number(&mut self, e: &Expr) -> Option<f64> {
        match &e.kind {
            ExprKind::Lit(Literal::Number(n)) => Some(*n),
            ExprKind::Name(i) => match self
                .env
                .params
                .get(&i.name)
                .map(|&p| &self.env.param_list[p].value)
            {
                Some(ParamValue::Num(n, _)) => Some(*n),
                _ => {
                    let d = self.err(
                        "not-a-number",
                        format!("`{}` is not a numeric parameter", i.name),
                        i.span,
                        "expected a number or a parameter",
                    );
                    self.report(d);
                    None
                }
            },
            _ => {
                let d = self.err("not-a-number", "expected a number or a parameter", e.span, "here");
                self.report(d);
                None
            }
        }
    }

    // ------------------------------------------------------------------ cohorts

    fn cohort_name(&mut self, name: &ast::Ident, scope: &Scope) -> Option<CohortRef> {
        if let Some((_, c, needs)) = scope.bound.iter().rev().find(|(n, _, _)| *n == name.name) {
            self.needs.extend(needs.iter().cloned());
            return Some(c.clone());
        }
        if scope.group.as_deref() == Some(name.name.as_str()) {
            return Some(CohortRef::Group);
        }
        if let Some(&id) = self.env.cohorts.get(&name.name) {
            self.needs
                .extend(self.cohort_needs.get(id.0).cloned().unwrap_or_default());
            return Some(CohortRef::Named(id));
        }
        let names: Vec<&str> = self.env.cohorts.keys().map(String::as_str).collect();
        let mut d = self.err(
            "unknown-cohort",
            format!("`{}` is not a cohort", name.name),
            name.span,
            "expected a cohort",
        );
        if let Some(s) = did_you_mean(&name.name, names.iter().copied()) {
            d = d.help(format!("did you mean `{s}`?"));
        } else {
            d = d.help(format!("the cohorts are: {}", {
                let mut v = names.clone();
                v.sort();
                v.join(", ")
            }));
        }
        self.report(d);
        None
    }

    /// A cohort argument: `sen`, or `sen where fsm`.
    fn cohort_arg(&mut self, arg: &ast::Arg, scope: &Scope) -> Option<CohortRef> {
        let base = match &arg.value.kind {
            ExprKind::Name(n) => self.cohort_name(n, scope)?,
            _ => {
                return self.fail(
                    self.err(
                        "expected-cohort",
                        "expected a cohort here",
                        arg.value.span,
                        "not a cohort",
                    )
                    .help("a measure is applied to a cohort, e.g. attendance(sen)"),
                );
            }
        };
        match &arg.filter {
            Some(f) => Some(CohortRef::Where(Box::new(base), Box::new(self.filter(f)?))),
            None => Some(base),
        }
    }

    // ------------------------------------------------------------------ rule level

    fn mexpr(&mut self, e: &Expr, scope: &Scope) -> Option<MExpr> {
        self.nested(e.span, |cx| cx.mexpr_at(e, scope))
    }

    fn mexpr_at(&mut self, e: &Expr, scope: &Scope) -> Option<MExpr> {
        if !self.finite_literal(e) {
            return None;
        }
        match &e.kind {
            ExprKind::Lit(Literal::Number(n)) => Some(MExpr::Const(*n, Unit::Number)),
            ExprKind::Lit(Literal::Percent(n)) => Some(MExpr::Const(*n, Unit::Percent)),
            ExprKind::Lit(Literal::Points(n)) => Some(MExpr::Const(*n, Unit::Points)),
            ExprKind::Lit(Literal::Text(_)) => {
                let d = self.err(
                    "type-mismatch",
                    "text is not a figure",
                    e.span,
                    "expected a figure",
                );
                self.report(d);
                None
            }
            ExprKind::Name(i) => {
                if let Some(&p) = self.env.params.get(&i.name) {
                    return match &self.env.param_list[p].value {
                        ParamValue::Num(n, u) => Some(MExpr::Const(*n, *u)),
                        ParamValue::Text(_) => {
                            let d = self.err(
                                "type-mismatch",
                                format!("parameter `{}` is text, not a figure", i.name),
                                i.span,
                                "text",
                            );
                            self.report(d);
                            None
                        }
                    };
                }
                let is_cohort = scope.group.as_deref() == Some(i.name.as_str())
                    || self.env.cohorts.contains_key(&i.name)
                    || scope.bound.iter().any(|(n, _, _)| *n == i.name);
                if is_cohort {
                    return self.fail(
                        self.err(
                            "expected-figure",
                            format!("`{}` is a group of pupils, not a figure", i.name),
                            i.span,
                            "a cohort",
                        )
                        .help(format!("measure it, e.g. count({0}) or attendance({0})", i.name)),
                    );
                }
                if self.env.measures.contains_key(&i.name) {
                    return self.fail(
                        self.err(
                            "expected-figure",
                            format!("measure `{}` needs a cohort", i.name),
                            i.span,
                            "apply it to a cohort",
                        )
                        .help(format!("write {}(sen)", i.name)),
                    );
                }
                if TABLES[0].column(&i.name).is_some() {
                    let d = self
                        .err(
                            "expected-figure",
                            format!(
                                "`{}` is a pupil's field; a rule compares figures for groups",
                                i.name
                            ),
                            i.span,
                            "a field of one pupil",
                        )
                        .help(format!(
                            "aggregate it over a cohort, e.g. mean(sen.{0}) or share(sen where {0} ...)",
                            i.name
                        ));
                    self.report(d);
                    return None;
                }
                self.unknown_name(i, "a parameter, cohort or measure");
                None
            }
            ExprKind::Call { name, args } => {
                let inner = self.call(name, args, e.span, scope)?;
                Some(match inner {
                    MExpr::Figure { .. } => inner,
                    other => MExpr::Figure {
                        label: self.text(e.span),
                        inner: Box::new(other),
                    },
                })
            }
            ExprKind::Field(_, f) => {
                let d = self
                    .err(
                        "unexpected-field",
                        format!("`.{}` is only for explanations", f.name),
                        f.span,
                        "not allowed in a condition",
                    )
                    .help("`.n`, `.missing`, `.size` and `.series` show a figure's counts and history in an explanation");
                self.report(d);
                None
            }
            ExprKind::Neg(inner) => {
                let m = self.mexpr(inner, scope)?;
                Some(MExpr::Neg(Box::new(m)))
            }
            ExprKind::Binary(op, l, r) => {
                let (l, r) = (self.mexpr(l, scope), self.mexpr(r, scope));
                let (l, r) = (l?, r?);
                match combine(*op, l.unit(), r.unit()) {
                    Some(u) => Some(MExpr::Binary(*op, Box::new(l), Box::new(r), u)),
                    None => {
                        let d = self
                            .err(
                                "unit-mismatch",
                                format!(
                                    "cannot {} {} and {}",
                                    match op {
                                        BinOp::Add => "add",
                                        BinOp::Sub => "subtract",
                                        BinOp::Mul => "multiply",
                                        BinOp::Div => "divide",
                                    },
                                    l.unit().describe(),
                                    r.unit().describe()
                                ),
                                e.span,
                                format!(
                                    "{} {} {}",
                                    l.unit().describe(),
                                    bin_symbol(*op),
                                    r.unit().describe()
                                ),
                            )
                            .help(unit_hint(l.unit(), r.unit()));
                        self.report(d);
                        None
                    }
                }
            }
        }
    }

    fn call(&mut self, name: &ast::Ident, args: &[ast::Arg], span: Span, scope: &Scope) -> Option<MExpr> {
        if BUILTIN_AGGS.contains(&name.name.as_str()) {
            return self.aggregate(name, args, span, scope);
        }
        if BUILTIN_FIGURES.contains(&name.name.as_str()) {
            return self.builtin_figure(name, args, span, scope);
        }
        let Some(def) = self.env.measures.get(&name.name) else {
            let mut all: Vec<&str> = self.env.measures.keys().map(String::as_str).collect();
            all.extend(BUILTIN_AGGS);
            let mut d = self.err(
                "unknown-measure",
                format!("there is no measure `{}`", name.name),
                name.span,
                "unknown measure",
            );
            if let Some(s) = did_you_mean(&name.name, all.iter().copied()) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            self.report(d);
            return None;
        };
        if scope.stack.contains(&name.name) {
            return self.fail(
                self.err(
                    "measure-cycle",
                    format!("measure `{}` uses itself", name.name),
                    name.span,
                    "this call leads back to the measure being defined",
                )
                .help("measures cannot be recursive"),
            );
        }
        if args.len() != 1 {
            return self.fail(
                self.err(
                    "wrong-arguments",
                    format!("measure `{}` takes one cohort, given {}", name.name, args.len()),
                    span,
                    "expected one cohort",
                )
                .help(format!("write {}(sen)", name.name)),
            );
        }
        let before = self.needs.clone();
        self.needs.clear();
        let cohort = self.cohort_arg(&args[0], scope);
        let arg_needs = std::mem::replace(&mut self.needs, before);
        self.needs.extend(arg_needs.iter().cloned());
        let cohort = cohort?;
        let inner_scope = Scope {
            bound: vec![(def.item.param.name.clone(), cohort, arg_needs)],
            group: None,
            stack: {
                let mut s = scope.stack.clone();
                s.push(name.name.clone());
                s
            },
            window: scope.window,
        };
        // The body was checked on its own; here it is only expanded.
        let file = self.file;
        self.file = def.file;
        self.quiet += 1;
        let outer_error = self.quiet_error.take();
        let body = self.mexpr(&def.item.body, &inner_scope);
        self.quiet -= 1;
        self.file = file;
        let inner_error = std::mem::replace(&mut self.quiet_error, outer_error);
        let Some(body) = body else {
            // The body compiles on its own but not here (a window it needs, a cycle through
            // another measure): say so where it is used, never drop the condition silently.
            let why = inner_error.unwrap_or_else(|| "it cannot be expanded".to_string());
            return self.fail(
                self.err(
                    "measure-unusable",
                    format!("measure `{}` cannot be used here: {why}", name.name),
                    span,
                    "used here",
                )
                .help(format!(
                    "see the definition of `{}` in {}",
                    name.name, def.file.name
                )),
            );
        };
        Some(MExpr::Figure {
            label: self.text(span),
            inner: Box::new(match body {
                MExpr::Figure { inner, .. } => *inner,
                other => other,
            }),
        })
    }

    fn aggregate(
        &mut self,
        name: &ast::Ident,
        args: &[ast::Arg],
        span: Span,
        scope: &Scope,
    ) -> Option<MExpr> {
        let usage = match name.name.as_str() {
            "count" => "count(cohort) or count(cohort where condition)",
            "share" => "share(cohort where condition)",
            "rate" => "rate(cohort.table.numerator, cohort.table.denominator)",
            _ => "mean(cohort.field), e.g. mean(sen.ks2_average)",
        };
        let want = if name.name == "rate" { 2 } else { 1 };
        if args.len() != want {
            return self.fail(self.err(
                "wrong-arguments",
                format!(
                    "`{}` takes {want} argument{}, given {}",
                    name.name,
                    if want == 1 { "" } else { "s" },
                    args.len()
                ),
                span,
                format!("expected {usage}"),
            ));
        }
        match name.name.as_str() {
            "count" => {
                let cohort = self.cohort_arg(&args[0], scope)?;
                Some(MExpr::Agg {
                    agg: Agg::Count,
                    cohort,
                    unit: Unit::Count,
                })
            }
            "share" => {
                let Some(f) = &args[0].filter else {
                    return self.fail(
                        self.err(
                            "wrong-arguments",
                            "`share` needs a condition",
                            args[0].span,
                            "which pupils count?",
                        )
                        .help("write share(sen where attendance.absence_rate >= 10%)"),
                    );
                };
                let ExprKind::Name(n) = &args[0].value.kind else {
                    return self.fail(self.err(
                        "expected-cohort",
                        "expected a cohort here",
                        args[0].value.span,
                        "not a cohort",
                    ));
                };
                let cohort = self.cohort_name(n, scope)?;
                let f = self.filter(f)?;
                Some(MExpr::Agg {
                    agg: Agg::Share(f),
                    cohort,
                    unit: Unit::Percent,
                })
            }
            agg => {
                let mut cohort: Option<CohortRef> = None;
                let mut first_head: Option<String> = None;
                let mut values = Vec::new();
                for a in args {
                    let Some(path) = a.value.as_path().filter(|p| p.len() >= 2) else {
                        return self.fail(self.err(
                            "wrong-arguments",
                            format!("`{agg}` takes a cohort's field"),
                            a.value.span,
                            format!("expected {usage}"),
                        ));
                    };
                    let c = self.cohort_name(path[0], scope)?;
                    let c = match &a.filter {
                        Some(f) => CohortRef::Where(Box::new(c), Box::new(self.filter(f)?)),
                        None => c,
                    };
                    // rate(a.x, b.y) would silently take both over a: one cohort only.
                    if let Some(first) = &first_head {
                        if *first != path[0].name || a.filter.is_some() {
                            return self.fail(
                                self.err("wrong-arguments", format!("both parts of `{agg}` must be of the same cohort"), a.value.span, format!("expected {first}.…"))
                                    .help("a rate is over one cohort: rate(sen.attendance.present, sen.attendance.possible); put any `where` on the cohort before the rate"),
                            );
                        }
                    } else {
                        first_head = Some(path[0].name.clone());
                    }
                    if cohort.is_none() {
                        cohort = Some(c);
                    }
                    let (pe, ty) = self.field_path(&path[1..], a.value.span)?;
                    let unit = match ty {
                        PTy::Num(u) => u,
                        PTy::Bool => Unit::Number,
                        _ => {
                            return self.fail(
                                self.err(
                                    "type-mismatch",
                                    format!("`{agg}` needs numbers, and this field is not one"),
                                    a.value.span,
                                    "not a number",
                                )
                                .help("to count pupils by a code, use share(cohort where field = CODE)"),
                            );
                        }
                    };
                    values.push((pe, unit));
                }
                let cohort = cohort?;
                let (v0, u0) = values.remove(0);
                let (agg, unit) = match agg {
                    // The mean of counts (exclusions per pupil) is no longer a whole count.
                    "mean" => (Agg::Mean(v0), if u0 == Unit::Count { Unit::Number } else { u0 }),
                    "median" => (Agg::Median(v0), if u0 == Unit::Count { Unit::Number } else { u0 }),
                    "min" => (Agg::Min(v0), u0),
                    "max" => (Agg::Max(v0), u0),
                    "sum" => (
                        Agg::Sum(v0),
                        if u0 == Unit::Count {
                            Unit::Count
                        } else {
                            Unit::Number
                        },
                    ),
                    _ => {
                        let (v1, _) = values.remove(0);
                        (Agg::Rate(v0, v1), Unit::Percent)
                    }
                };
                Some(MExpr::Agg { agg, cohort, unit })
            }
        }
    }

    fn test(&mut self, c: &ast::Cond, scope: &Scope) -> Option<Test> {
        self.nested(c.span, |cx| cx.test_at(c, scope))
    }

    fn test_at(&mut self, c: &ast::Cond, scope: &Scope) -> Option<Test> {
        match &c.kind {
            CondKind::Cmp(op, l, r) => {
                let (l, r) = (self.mexpr(l, scope), self.mexpr(r, scope));
                let (l, r) = (l?, r?);
                if !comparable(l.unit(), r.unit()) {
                    return self.fail(
                        self.err(
                            "unit-mismatch",
                            format!(
                                "cannot compare {} with {}",
                                l.unit().describe(),
                                r.unit().describe()
                            ),
                            c.span,
                            format!("{} {} {}", l.unit().describe(), op.symbol(), r.unit().describe()),
                        )
                        .help(unit_hint(l.unit(), r.unit())),
                    );
                }
                if matches!(op, CmpOp::SigBelow | CmpOp::SigAbove) {
                    let label = self.text(c.span);
                    return self.sig_test(*op == CmpOp::SigAbove, l, r, c.span, label);
                }
                Some(Test::Cmp(*op, l, r))
            }
            CondKind::And(parts) => {
                let v: Vec<Option<Test>> = parts.iter().map(|p| self.test(p, scope)).collect();
                Some(Test::And(v.into_iter().collect::<Option<Vec<_>>>()?))
            }
            CondKind::Or(parts) => {
                let v: Vec<Option<Test>> = parts.iter().map(|p| self.test(p, scope)).collect();
                Some(Test::Or(v.into_iter().collect::<Option<Vec<_>>>()?))
            }
            CondKind::Not(inner) => Some(Test::Not(Box::new(self.test(inner, scope)?))),
            CondKind::Trend(e, op) => {
                if !scope.window {
                    return self.fail(
                        self.err(
                            "trend-without-window",
                            "a trend needs a window of years",
                            c.span,
                            "this rule has no `over last N years`",
                        )
                        .help("add `over last 3 years` to the rule"),
                    );
                }
                let m = self.mexpr(e, scope)?;
                let kind = match op {
                    ast::TrendOp::Rising => TrendKind::Rising,
                    ast::TrendOp::Falling => TrendKind::Falling,
                    ast::TrendOp::ChangedBy(by) => {
                        let by_m = self.mexpr(by, scope)?;
                        let want = if m.unit() == Unit::Percent {
                            Unit::Points
                        } else {
                            m.unit()
                        };
                        if !comparable(want, by_m.unit()) {
                            return self.fail(
                                self.err(
                                    "unit-mismatch",
                                    format!(
                                        "a change in {} is measured in {}",
                                        m.unit().describe(),
                                        want.describe()
                                    ),
                                    by.span,
                                    format!("this is {}", by_m.unit().describe()),
                                )
                                .help(unit_hint(want, by_m.unit())),
                            );
                        }
                        let negative = match &by_m {
                            MExpr::Const(v, _) => *v < 0.0,
                            MExpr::Neg(inner) => matches!(**inner, MExpr::Const(v, _) if v > 0.0),
                            _ => false,
                        };
                        if negative {
                            return self.fail(
                                self.err("bad-number", "a change is measured either way: give its size", by.span, "a negative size")
                                    .help("write `changed by at least 5pp`; `rising` and `falling` give a direction"),
                            );
                        }
                        TrendKind::ChangedBy(by_m)
                    }
                };
                Some(Test::Trend(m, kind))
            }
            CondKind::In { .. } | CondKind::Within { .. } | CondKind::Bare(_) | CondKind::Missing { .. } => {
                let d = self
                    .err("expected-comparison", "a rule's condition compares figures", c.span, "expected a comparison of figures")
                    .help("e.g. attendance(sen) < expected_attendance; to pick pupils, define a cohort with `where`");
                self.report(d);
                None
            }
        }
    }

    fn group(&mut self, fe: &ast::ForEach) -> Option<GroupPlan> {
        let within = match self.env.cohorts.get(&fe.cohort.name) {
            Some(&id) => {
                self.needs
                    .extend(self.cohort_needs.get(id.0).cloned().unwrap_or_default());
                id
            }
            None => {
                self.cohort_name(&fe.cohort, &Scope::default());
                return None;
            }
        };
        let refs: Vec<&ast::Ident> = fe.field.iter().collect();
        if refs.len() != 1 {
            let span = refs
                .first()
                .map_or(fe.span, |f| f.span.join(refs[refs.len() - 1].span));
            return self.fail(
                self.err(
                    "unsupported",
                    "`for each` groups by a field of pupils",
                    span,
                    "expected a pupils field such as need",
                )
                .help("group by need, sen, gender, year_group, ..."),
            );
        }
        let (pe, ty) = self.field_path(&refs, fe.span)?;
        let PExpr::Col { col, .. } = pe else {
            return None;
        };
        if TableId::PUPILS
            .schema()
            .columns
            .get(col)
            .is_some_and(|c| c.ty == ColType::Id)
        {
            return self.fail(
                self.err(
                    "type-mismatch",
                    "`for each` over pupil ids makes one group per pupil",
                    fe.span,
                    "one group per pupil",
                )
                .help("for a finding about each pupil, write a pupil list: list sen where ..."),
            );
        }
        let codes = match ty {
            PTy::Code(set) => Some(set),
            PTy::Text | PTy::Bool | PTy::Num(_) => None,
            PTy::Other => {
                return self.fail(self.err(
                    "type-mismatch",
                    "cannot group by this field",
                    fe.span,
                    "not groupable",
                ));
            }
        };
        Some(GroupPlan {
            name: refs[0].name.clone(),
            field: GroupField::Pupil { col, codes },
            within,
        })
    }

    fn template(&mut self, t: &ast::Template, scope: &Scope) -> Option<Vec<Part>> {
        let mut parts = Vec::new();
        let mut ok = true;
        for p in &t.parts {
            match p {
                ast::TemplatePart::Text(s) => parts.push(Part::Text(s.clone())),
                ast::TemplatePart::Expr(e) => match &e.kind {
                    ExprKind::Name(i) if scope.group.as_deref() == Some(i.name.as_str()) => {
                        parts.push(Part::GroupName)
                    }
                    ExprKind::Name(i)
                        if matches!(
                            self.env
                                .params
                                .get(&i.name)
                                .map(|&p| &self.env.param_list[p].value),
                            Some(ParamValue::Text(_))
                        ) =>
                    {
                        parts.push(Part::Param(i.name.clone()))
                    }
                    ExprKind::Field(base, f) if f.name == "series" => {
                        if !scope.window {
                            let d = self
                                .err(
                                    "trend-without-window",
                                    "`.series` needs a window of years",
                                    f.span,
                                    "this rule has no `over last N years`",
                                )
                                .help("add `over last 3 years` to the rule");
                            self.report(d);
                            ok = false;
                            continue;
                        }
                        match self.mexpr(base, scope) {
                            Some(m) => parts.push(Part::FigureSeries(m)),
                            None => ok = false,
                        }
                    }
                    ExprKind::Field(base, f) if matches!(f.name.as_str(), "n" | "missing" | "size") => {
                        let which = match f.name.as_str() {
                            "n" => FigureCount::N,
                            "missing" => FigureCount::Missing,
                            _ => FigureCount::Size,
                        };
                        match self.mexpr(base, scope) {
                            Some(m) => parts.push(Part::FigureCount(m, which)),
                            None => ok = false,
                        }
                    }
                    _ => match self.mexpr(e, scope) {
                        Some(m) => parts.push(Part::Figure(m)),
                        None => ok = false,
                    },
                },
            }
        }
        ok.then_some(parts)
    }

    fn pupil_template(&mut self, t: &ast::Template) -> Option<Vec<Part>> {
        let mut parts = Vec::new();
        let mut ok = true;
        for p in &t.parts {
            match p {
                ast::TemplatePart::Text(s) => parts.push(Part::Text(s.clone())),
                ast::TemplatePart::Expr(e) => {
                    if let ExprKind::Name(i) = &e.kind
                        && let Some(&pi) = self.env.params.get(&i.name)
                    {
                        match &self.env.param_list[pi].value {
                            ParamValue::Text(_) => parts.push(Part::Param(i.name.clone())),
                            ParamValue::Num(n, u) => parts.push(Part::Pupil(PExpr::Num(*n), *u)),
                        }
                        continue;
                    }
                    if let Some(path) = e.as_path() {
                        match self.field_path(&path, e.span) {
                            Some((PExpr::Col { table, col, .. }, PTy::Code(_) | PTy::Text | PTy::Other)) => {
                                parts.push(Part::PupilText { table, col })
                            }
                            Some((pe, PTy::Num(u))) => parts.push(Part::Pupil(pe, u)),
                            Some((pe, PTy::Bool)) => parts.push(Part::PupilBool(pe)),
                            Some(_) => {
                                let d = self.err(
                                    "type-mismatch",
                                    "this field cannot be shown",
                                    e.span,
                                    "not shown",
                                );
                                self.report(d);
                                ok = false;
                            }
                            None => ok = false,
                        }
                        continue;
                    }
                    match self.pexpr(e) {
                        Some((pe, PTy::Num(u))) => parts.push(Part::Pupil(pe, u)),
                        Some(_) => {
                            let d = self.err(
                                "type-mismatch",
                                "only numbers and fields can be shown here",
                                e.span,
                                "not shown",
                            );
                            self.report(d);
                            ok = false;
                        }
                        None => ok = false,
                    }
                }
            }
        }
        ok.then_some(parts)
    }

    fn text_filter(&mut self, lp: PExpr, values: Vec<String>, negated: bool, span: Span) -> Option<Filter> {
        let f = text_filter_of(lp, values, negated);
        if f.is_none() {
            let d = self
                .err(
                    "type-mismatch",
                    "the left of `=` or `in` must be a pupil's field",
                    span,
                    "not a field",
                )
                .help("write the field first: need = ASD");
            self.report(d);
        }
        f
    }

    /// `representation(g in c)`, `national(measure, group)`, `window_mean(figure)`.
    fn builtin_figure(
        &mut self,
        name: &ast::Ident,
        args: &[ast::Arg],
        span: Span,
        scope: &Scope,
    ) -> Option<MExpr> {
        match name.name.as_str() {
            "representation" => {
                let usage =
                    "representation(group in cohort), e.g. representation(sen in persistent_absentees)";
                let [arg] = args else {
                    return self.fail(self.err(
                        "wrong-arguments",
                        "`representation` takes one group and one cohort",
                        span,
                        format!("expected {usage}"),
                    ));
                };
                let (ExprKind::Name(g), Some(c), None) = (&arg.value.kind, &arg.among, &arg.filter) else {
                    return self.fail(self.err(
                        "wrong-arguments",
                        "`representation` takes a group `in` a cohort",
                        arg.span,
                        format!("expected {usage}"),
                    ));
                };
                let group = self.cohort_name(g, scope);
                let outcome = self.cohort_name(c, scope);
                Some(MExpr::Representation {
                    group: group?,
                    outcome: outcome?,
                })
            }
            "national" => {
                let text = |a: &ast::Arg| match (&a.value.kind, &a.among, &a.filter) {
                    (ExprKind::Name(i), None, None) => Some(i.name.clone()),
                    (ExprKind::Lit(Literal::Text(t)), None, None) => Some(t.clone()),
                    _ => None,
                };
                let (Some(measure), Some(group)) = (args.first().and_then(text), args.get(1).and_then(text))
                else {
                    let d = self
                        .err("wrong-arguments", "`national` takes a measure and a group", span, "expected national(measure, group)")
                        .help("e.g. national(persistent_absence_rate, sen_support); docs/language.md lists them");
                    self.report(d);
                    return None;
                };
                if args.len() != 2 {
                    return self.fail(self.err(
                        "wrong-arguments",
                        "`national` takes a measure and a group",
                        span,
                        "expected national(measure, group)",
                    ));
                }
                let measures = crate::data::national::measures();
                if !measures.contains(&measure.as_str()) {
                    let mut d = self.err(
                        "unknown-benchmark",
                        format!("there are no national figures for `{measure}`"),
                        args[0].span,
                        "unknown national measure",
                    );
                    d = d.help(match did_you_mean(&measure, measures.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("national measures are: {}", measures.join(", ")),
                    });
                    self.report(d);
                    return None;
                }
                let Some(unit) = crate::data::national::unit(&measure, &group) else {
                    let groups = crate::data::national::groups(&measure);
                    let mut d = self.err(
                        "unknown-benchmark",
                        format!("there are no national figures of `{measure}` for `{group}`"),
                        args[1].span,
                        "unknown group",
                    );
                    d = d.help(match did_you_mean(&group, groups.iter().copied()) {
                        Some(s) => {
                            format!("did you mean `{s}`? Groups with {measure}: {}", groups.join(", "))
                        }
                        None => format!("groups with {measure}: {}", groups.join(", ")),
                    });
                    self.report(d);
                    return None;
                };
                Some(MExpr::National { measure, group, unit })
            }
            _ => {
                if !scope.window {
                    return self.fail(
                        self.err(
                            "trend-without-window",
                            "`window_mean` needs a window of years",
                            span,
                            "this rule has no `over last N years`",
                        )
                        .help("add `over last 3 years` to the rule"),
                    );
                }
                let [arg] = args else {
                    return self.fail(self.err(
                        "wrong-arguments",
                        "`window_mean` takes one figure",
                        span,
                        "expected window_mean(attendance(sen))",
                    ));
                };
                let m = self.mexpr(&arg.value, scope)?;
                Some(MExpr::WindowMean(Box::new(m)))
            }
        }
    }

    /// `a significantly above/below b`: the test follows from what the figures are.
    fn sig_test(&mut self, above: bool, a: MExpr, b: MExpr, span: Span, label: String) -> Option<Test> {
        let (ka, kb) = (test_kind(&a), test_kind(&b));
        let ok = match (ka, kb) {
            (Some(TestSide::Proportion), Some(TestSide::Proportion | TestSide::Constant)) => true,
            (Some(TestSide::Mean), Some(TestSide::Mean | TestSide::Constant)) => true,
            (Some(TestSide::Representation), Some(TestSide::Constant)) => {
                let one = matches!(&b, MExpr::Const(v, _) if (*v - 1.0).abs() < 1e-12);
                if !one {
                    let d = self
                        .err("bad-significance", "a representation is tested against 1 (fair representation)", span, "compare with 1")
                        .help("write representation(sen in persistent_absentees) significantly above 1; compare the ratio with a threshold using >=");
                    self.report(d);
                    return None;
                }
                true
            }
            (Some(TestSide::Constant), Some(TestSide::Proportion | TestSide::Mean)) => {
                // `95% significantly above x` is `x significantly below 95%`.
                return self.sig_test(!above, b, a, span, label);
            }
            _ => false,
        };
        if !ok {
            return self.fail(self
                .err("bad-significance", "significance compares two groups' shares, rates or means, or one with a fixed value", span, "cannot be tested")
                .help("both sides must be the same kind of measure — share(...), rate(...) or mean(...) of a cohort — or one side a fixed value, a parameter or national(...)"));
        }
        Some(Test::Sig { above, a, b, label })
    }

    // ------------------------------------------------------------------ pupil level

    /// A field of a pupil: `need`, `attendance.absence_rate`, `exclusions.count`.
    fn field_path(&mut self, path: &[&ast::Ident], span: Span) -> Option<(PExpr, PTy)> {
        let pupils = TableId::PUPILS;
        if let [first, rest @ ..] = path
            && first.name == LAST_YEAR
        {
            if rest.is_empty() || rest[0].name == LAST_YEAR {
                return self.fail(
                    self.err(
                        "unknown-field",
                        "`last_year` is followed by a field",
                        span,
                        "which field?",
                    )
                    .help("e.g. last_year.sen"),
                );
            }
            self.needs.insert(Need::PreviousYear);
            let (p, t) = self.field_path(rest, span)?;
            return Some((PExpr::Prev(Box::new(p)), t));
        }
        match path {
            [f] => {
                if let Some(ci) = pupils.schema().column(&f.name) {
                    self.need_col(pupils, ci);
                    let ty = col_ty(pupils.schema().columns[ci].ty);
                    return Some((
                        PExpr::Col {
                            table: pupils,
                            col: ci,
                            reduce: Reduce::Mean,
                        },
                        ty,
                    ));
                }
                let mut cands: Vec<&str> = pupils.schema().columns.iter().map(|c| c.name).collect();
                cands.extend(TABLES.iter().map(|t| t.name));
                let mut d = self.err(
                    "unknown-field",
                    format!("pupils have no field `{}`", f.name),
                    f.span,
                    "unknown field",
                );
                d = d.help(match did_you_mean(&f.name, cands.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "pupil fields are: {}; linked tables are reached as table.field (attendance.rate)",
                        pupils
                            .schema()
                            .columns
                            .iter()
                            .map(|c| c.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
                self.report(d);
                None
            }
            [t, f] => {
                let Some(table) = TableId::by_name(&t.name).filter(|t| t.schema().pupil_keyed) else {
                    let names: Vec<&str> = TABLES.iter().filter(|t| t.pupil_keyed).map(|t| t.name).collect();
                    let mut d = self.err(
                        "unknown-table",
                        format!("there is no table `{}`", t.name),
                        t.span,
                        "unknown table",
                    );
                    d = d.help(match did_you_mean(&t.name, names.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("the tables are: {}", names.join(", ")),
                    });
                    self.report(d);
                    return None;
                };
                if table == pupils {
                    return self.field_path(&path[1..], span);
                }
                let schema = table.schema();
                self.needs.insert(Need::Table(table));
                let derived: &[&str] = if schema.name == "attendance" {
                    &["count", "rate", "absence_rate"]
                } else {
                    &["count"]
                };
                match f.name.as_str() {
                    "count" => return Some((PExpr::RowCount(table), PTy::Num(Unit::Count))),
                    "rate" | "absence_rate" if schema.name == "attendance" => {
                        let poss = schema.column("possible").unwrap_or(0);
                        let num = schema
                            .column(if f.name == "rate" { "present" } else { "absent" })
                            .unwrap_or(0);
                        self.need_col(table, poss);
                        self.need_col(table, num);
                        let col = |c| PExpr::Col {
                            table,
                            col: c,
                            reduce: Reduce::Sum,
                        };
                        return Some((
                            PExpr::Ratio(Box::new(col(num)), Box::new(col(poss))),
                            PTy::Num(Unit::Percent),
                        ));
                    }
                    _ => {}
                }
                match schema.column(&f.name) {
                    Some(ci) if ci >= 2 => {
                        self.need_col(table, ci);
                        let c = &schema.columns[ci];
                        Some((
                            PExpr::Col {
                                table,
                                col: ci,
                                reduce: c.reduce,
                            },
                            col_ty(c.ty),
                        ))
                    }
                    _ => {
                        let mut cands: Vec<&str> = schema.columns.iter().skip(2).map(|c| c.name).collect();
                        cands.extend(derived);
                        let mut d = self.err(
                            "unknown-field",
                            format!("{} has no field `{}`", schema.name, f.name),
                            f.span,
                            "unknown field",
                        );
                        d = d.help(match did_you_mean(&f.name, cands.iter().copied()) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => format!("{} fields are: {}", schema.name, cands.join(", ")),
                        });
                        self.report(d);
                        None
                    }
                }
            }
            _ => {
                let d = self.err(
                    "unknown-field",
                    "a field is `name` or `table.name`",
                    span,
                    "too many parts",
                );
                self.report(d);
                None
            }
        }
    }

    fn pexpr(&mut self, e: &Expr) -> Option<(PExpr, PTy)> {
        self.nested(e.span, |cx| cx.pexpr_at(e))
    }

    fn pexpr_at(&mut self, e: &Expr) -> Option<(PExpr, PTy)> {
        if !self.finite_literal(e) {
            return None;
        }
        match &e.kind {
            ExprKind::Lit(Literal::Number(n)) => Some((PExpr::Num(*n), PTy::Num(Unit::Number))),
            ExprKind::Lit(Literal::Percent(n)) => Some((PExpr::Num(*n), PTy::Num(Unit::Percent))),
            ExprKind::Lit(Literal::Points(n)) => Some((PExpr::Num(*n), PTy::Num(Unit::Points))),
            ExprKind::Lit(Literal::Text(_)) => Some((PExpr::Num(0.0), PTy::Text)),
            ExprKind::Name(i) => {
                if let Some(&p) = self.env.params.get(&i.name) {
                    return match &self.env.param_list[p].value {
                        ParamValue::Num(n, u) => Some((PExpr::Num(*n), PTy::Num(*u))),
                        ParamValue::Text(_) => Some((PExpr::Num(0.0), PTy::Text)),
                    };
                }
                self.field_path(&[i], e.span)
            }
            ExprKind::Field(..) => match e.as_path() {
                Some(p) => self.field_path(&p, e.span),
                None => {
                    let d = self.err("unknown-field", "expected a field", e.span, "not a field");
                    self.report(d);
                    None
                }
            },
            ExprKind::Neg(inner) => {
                let (p, t) = self.pexpr(inner)?;
                Some((PExpr::Neg(Box::new(p)), t))
            }
            ExprKind::Binary(op, l, r) => {
                let (l, r) = (self.pexpr(l), self.pexpr(r));
                let ((lp, lt), (rp, rt)) = (l?, r?);
                match (lt, rt) {
                    (PTy::Num(a), PTy::Num(b)) => match combine(*op, a, b) {
                        Some(u) => Some((PExpr::Binary(*op, Box::new(lp), Box::new(rp)), PTy::Num(u))),
                        None => {
                            let d = self
                                .err(
                                    "unit-mismatch",
                                    format!("cannot combine {} and {}", a.describe(), b.describe()),
                                    e.span,
                                    "here",
                                )
                                .help(unit_hint(a, b));
                            self.report(d);
                            None
                        }
                    },
                    _ => {
                        let d = self.err("type-mismatch", "arithmetic needs numbers", e.span, "not numbers");
                        self.report(d);
                        None
                    }
                }
            }
            ExprKind::Call { name, .. } => {
                let d = self
                    .err(
                        "expected-field",
                        format!(
                            "`{}(...)` is a figure for a group; here a pupil's field is expected",
                            name.name
                        ),
                        e.span,
                        "a figure, not a pupil's field",
                    )
                    .help("inside `where`, test each pupil's own fields, e.g. attendance.rate < 90%");
                self.report(d);
                None
            }
        }
    }

    /// A code or text value on the other side of `=` / `in`.
    fn code_value(&mut self, e: &Expr, ty: PTy) -> Option<Vec<String>> {
        // A code is itself, even where a parameter has the same name: `param N = "E"` must
        // not turn `sen = N` into EHC plans.
        let is_code = |name: &str| match ty {
            PTy::Code(set) => set.codes().iter().any(|c| c.eq_ignore_ascii_case(name)),
            _ => false,
        };
        let raw = match &e.kind {
            ExprKind::Name(i) if is_code(&i.name) => i.name.clone(),
            ExprKind::Name(i) => match self
                .env
                .params
                .get(&i.name)
                .map(|&p| &self.env.param_list[p].value)
            {
                Some(ParamValue::Text(t)) => t.clone(),
                _ => i.name.clone(),
            },
            ExprKind::Lit(Literal::Text(t)) => t.clone(),
            ExprKind::Lit(Literal::Number(n)) => format!("{n}"),
            _ => {
                return self.fail(self.err(
                    "type-mismatch",
                    "expected a code or a quoted text",
                    e.span,
                    "not a code",
                ));
            }
        };
        match ty {
            PTy::Code(set) => {
                let Some(code) = set.codes().iter().find(|c| c.eq_ignore_ascii_case(&raw)) else {
                    let mut d = self.err(
                        "unknown-code",
                        format!("`{raw}` is not {}", set.describe()),
                        e.span,
                        "unknown code",
                    );
                    if let Some(s) = did_you_mean(&raw, set.codes().iter().copied()) {
                        d = d.help(format!("did you mean `{s}`?"));
                    } else {
                        d = d.help(format!("expected {}", set.describe()));
                    }
                    self.report(d);
                    return None;
                };
                let family = set.family(code);
                Some(if family.is_empty() {
                    vec![(*code).to_string()]
                } else {
                    family.iter().map(|s| s.to_string()).collect()
                })
            }
            _ => Some(vec![raw]),
        }
    }

    fn filter(&mut self, c: &ast::Cond) -> Option<Filter> {
        self.nested(c.span, |cx| cx.filter_at(c))
    }

    fn filter_at(&mut self, c: &ast::Cond) -> Option<Filter> {
        match &c.kind {
            CondKind::And(parts) => {
                let v: Vec<Option<Filter>> = parts.iter().map(|p| self.filter(p)).collect();
                Some(Filter::And(v.into_iter().collect::<Option<Vec<_>>>()?))
            }
            CondKind::Or(parts) => {
                let v: Vec<Option<Filter>> = parts.iter().map(|p| self.filter(p)).collect();
                Some(Filter::Or(v.into_iter().collect::<Option<Vec<_>>>()?))
            }
            CondKind::Not(inner) => Some(Filter::Not(Box::new(self.filter(inner)?))),
            CondKind::Bare(e) => {
                if let ExprKind::Name(i) = &e.kind
                    && let Some(&id) = self.env.cohorts.get(&i.name)
                    && TABLES[0].column(&i.name).is_none()
                {
                    self.needs
                        .extend(self.cohort_needs.get(id.0).cloned().unwrap_or_default());
                    return Some(Filter::InCohort(id));
                }
                let (p, t) = self.pexpr(e)?;
                if t != PTy::Bool {
                    return self.fail(
                        self.err(
                            "type-mismatch",
                            "this is not a yes/no field",
                            e.span,
                            "expected yes or no",
                        )
                        .help("compare it: e.g. ks2_average < 95, or sen = K"),
                    );
                }
                Some(Filter::Bool(p))
            }
            CondKind::Cmp(op, l, r) => {
                if matches!(op, CmpOp::SigBelow | CmpOp::SigAbove) {
                    return self.fail(self.err(
                        "type-mismatch",
                        "significance compares groups, not single pupils",
                        c.span,
                        "not allowed in `where`",
                    ));
                }
                let (lp, lt) = self.pexpr(l)?;
                match lt {
                    PTy::Code(_) | PTy::Text => {
                        if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                            return self.fail(self.err(
                                "type-mismatch",
                                "codes and text are compared with `=`, `!=` or `in`",
                                c.span,
                                "not an ordering",
                            ));
                        }
                        let values = self.code_value(r, lt)?;
                        self.text_filter(lp, values, *op == CmpOp::Ne, c.span)
                    }
                    PTy::Bool => {
                        let d = self
                            .err(
                                "type-mismatch",
                                "a yes/no field is tested on its own",
                                c.span,
                                "not compared",
                            )
                            .help("write `fsm` or `not fsm`");
                        self.report(d);
                        None
                    }
                    PTy::Num(a) => {
                        let (rp, rt) = self.pexpr(r)?;
                        let PTy::Num(b) = rt else {
                            return self.fail(
                                self.err(
                                    "type-mismatch",
                                    format!(
                                        "`{}` is a number, so it is compared with a number",
                                        self.text(l.span)
                                    ),
                                    r.span,
                                    "not a number",
                                )
                                .help("write the number without quotes, e.g. ks2_average < 95"),
                            );
                        };
                        if !comparable(a, b) {
                            return self.fail(
                                self.err(
                                    "unit-mismatch",
                                    format!("cannot compare {} with {}", a.describe(), b.describe()),
                                    c.span,
                                    format!("{} {} {}", a.describe(), op.symbol(), b.describe()),
                                )
                                .help(unit_hint(a, b)),
                            );
                        }
                        Some(Filter::Cmp(*op, lp, rp))
                    }
                    PTy::Other => {
                        let d = self
                            .err("type-mismatch", "the academic year cannot be tested in a condition", l.span, "the year")
                            .help("cohorts are pupils in the year judged; choose the year with --year or `year` in sencheck.toml");
                        self.report(d);
                        None
                    }
                }
            }
            CondKind::In {
                value,
                items,
                negated,
            } => {
                let (lp, lt) = self.pexpr(value)?;
                match lt {
                    PTy::Code(_) | PTy::Text => {
                        let mut values = Vec::new();
                        for it in items {
                            values.extend(self.code_value(it, lt)?);
                        }
                        self.text_filter(lp, values, *negated, c.span)
                    }
                    PTy::Num(a) => {
                        let mut alts = Vec::new();
                        for it in items {
                            let (rp, rt) = self.pexpr(it)?;
                            let ok = matches!(rt, PTy::Num(b) if comparable(a, b));
                            if !ok {
                                return self.fail(
                                    self.err(
                                        "unit-mismatch",
                                        format!("this list is compared with {}", a.describe()),
                                        it.span,
                                        "not the same kind of value",
                                    )
                                    .help("every value in the list must be a number in the field's unit"),
                                );
                            }
                            alts.push(Filter::Cmp(CmpOp::Eq, lp.clone(), rp));
                        }
                        let f = Filter::Or(alts);
                        Some(if *negated { Filter::Not(Box::new(f)) } else { f })
                    }
                    _ => {
                        let d = self.err(
                            "type-mismatch",
                            "`in` needs a code, text or number field",
                            value.span,
                            "here",
                        );
                        self.report(d);
                        None
                    }
                }
            }
            CondKind::Within { value, low, high } => {
                let (v, vt) = self.pexpr(value)?;
                let (lo, lt) = self.pexpr(low)?;
                let (hi, ht) = self.pexpr(high)?;
                for (bound, t) in [(low, lt), (high, ht)] {
                    if let (PTy::Num(a), PTy::Num(b)) = (vt, t)
                        && !comparable(a, b)
                    {
                        return self.fail(
                            self.err(
                                "unit-mismatch",
                                format!("a range of {} needs bounds in the same unit", a.describe()),
                                bound.span,
                                format!("this is {}", b.describe()),
                            )
                            .help(unit_hint(a, b)),
                        );
                    }
                }
                if !matches!(vt, PTy::Num(_)) {
                    return self.fail(self.err(
                        "type-mismatch",
                        "a range needs a number field",
                        value.span,
                        "not a number",
                    ));
                }
                Some(Filter::And(vec![
                    Filter::Cmp(CmpOp::Ge, v.clone(), lo),
                    Filter::Cmp(CmpOp::Le, v, hi),
                ]))
            }
            CondKind::Missing { value, negated } => {
                let (p, ty) = self.pexpr(value)?;
                // Text and codes are read as text, numbers and yes/no as numbers.
                let text = match (&p, ty) {
                    (PExpr::Col { table, col, .. }, PTy::Code(_) | PTy::Text | PTy::Other) => {
                        Some((*table, *col))
                    }
                    (PExpr::Prev(_), PTy::Code(_) | PTy::Text | PTy::Other) => {
                        return self.fail(self.err(
                            "type-mismatch",
                            "`is missing` cannot look at last year's text fields",
                            value.span,
                            "last year's text",
                        ));
                    }
                    (PExpr::Col { .. } | PExpr::RowCount(_) | PExpr::Ratio(..) | PExpr::Prev(_), _) => None,
                    _ => {
                        return self.fail(
                            self.err(
                                "type-mismatch",
                                "`is missing` tests a pupil's field",
                                value.span,
                                "not a field",
                            )
                            .help("e.g. need is missing, ks2_average is not missing"),
                        );
                    }
                };
                Some(Filter::Missing {
                    value: p,
                    text,
                    negated: *negated,
                })
            }
            CondKind::Trend(..) => {
                let d = self.err(
                    "type-mismatch",
                    "a trend is a figure over years, not a pupil's field",
                    c.span,
                    "not allowed in `where`",
                );
                self.report(d);
                None
            }
        }
    }
}

fn text_filter_of(lp: PExpr, values: Vec<String>, negated: bool) -> Option<Filter> {
    match lp {
        PExpr::Prev(inner) => text_filter_of(*inner, values, negated).map(|f| Filter::Prev(Box::new(f))),
        PExpr::Col { table, col, .. } if table == TableId::PUPILS => {
            Some(Filter::TextIn { col, values, negated })
        }
        PExpr::Col { table, col, .. } => Some(Filter::LinkedTextIn {
            table,
            col,
            values,
            negated,
        }),
        _ => None,
    }
}

/// In plain English, how each `significantly` comparison of a rule is tested, for `explain`.
pub fn significance_tests(rule: &RulePlan) -> Vec<String> {
    fn walk(t: &Test, out: &mut Vec<(String, &'static str)>) {
        match t {
            Test::Sig { a, b, label, .. } => {
                let how = match (test_kind(a), test_kind(b)) {
                    (Some(TestSide::Proportion), Some(TestSide::Proportion)) => {
                        "two shares of pupils: a two-proportion z-test, or Fisher's exact test when an expected count is under 5"
                    }
                    (Some(TestSide::Proportion), _) => {
                        "a share against a fixed value: a one-proportion z-test, or an exact binomial test when small"
                    }
                    (Some(TestSide::Mean), Some(TestSide::Mean)) => {
                        "two groups' values, one per pupil (a rate is each pupil's own rate): Welch's t-test"
                    }
                    (Some(TestSide::Mean), _) => {
                        "one group's values, one per pupil, against a fixed value: a one-sample t-test"
                    }
                    _ => {
                        "the group against the rest of the school: a two-proportion z-test, or Fisher's exact test when small"
                    }
                };
                out.push((label.clone(), how));
            }
            Test::And(p) | Test::Or(p) => p.iter().for_each(|t| walk(t, out)),
            Test::Not(t) => walk(t, out),
            Test::Cmp(..) | Test::Trend(..) => {}
        }
    }
    let mut found = Vec::new();
    if let Body::Clauses { clauses, .. } = &rule.body {
        for c in clauses {
            if let Some(t) = &c.when {
                walk(t, &mut found);
            }
        }
    }
    let level = crate::finding::format_value(rule.confidence, Unit::Percent).replace(".0%", "%");
    let mut out: Vec<String> = Vec::new();
    for (label, how) in found {
        let line = format!("{label} — {how}; two-sided at {level} confidence");
        if !out.contains(&line) {
            out.push(line);
        }
    }
    out
}

/// What a significance test can be run on.
#[derive(Debug, Clone, Copy, PartialEq)]
enum TestSide {
    /// A share of pupils: proportion tests.
    Proportion,
    /// One value per pupil (means, per-pupil rates): t-tests.
    Mean,
    Representation,
    /// A fixed value: a literal, a parameter, a national figure.
    Constant,
}

fn test_kind(m: &MExpr) -> Option<TestSide> {
    match m {
        MExpr::Figure { inner, .. } => test_kind(inner),
        MExpr::Agg {
            agg: Agg::Share(_), ..
        } => Some(TestSide::Proportion),
        MExpr::Agg {
            agg: Agg::Mean(_) | Agg::Rate(..),
            ..
        } => Some(TestSide::Mean),
        MExpr::Representation { .. } => Some(TestSide::Representation),
        MExpr::Const(..) | MExpr::National { .. } | MExpr::WindowMean(_) => Some(TestSide::Constant),
        // `-5%` and `95% - 5pp` are fixed values too.
        MExpr::Neg(inner) => (test_kind(inner) == Some(TestSide::Constant)).then_some(TestSide::Constant),
        MExpr::Binary(_, a, b, _) => (test_kind(a) == Some(TestSide::Constant)
            && test_kind(b) == Some(TestSide::Constant))
        .then_some(TestSide::Constant),
        _ => None,
    }
}

fn col_ty(t: ColType) -> PTy {
    match t {
        ColType::Number => PTy::Num(Unit::Number),
        ColType::Percent => PTy::Num(Unit::Percent),
        ColType::Bool => PTy::Bool,
        ColType::Code(s) => PTy::Code(s),
        ColType::Text | ColType::Id | ColType::Date => PTy::Text,
        ColType::Year => PTy::Other,
    }
}
