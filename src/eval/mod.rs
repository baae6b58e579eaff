//! Stage 4 — evaluate: the plan runs over the dataset for the year judged. Cohorts become
//! sets of pupils, measures become figures (with how many pupils counted and how many were
//! missing), and each rule's first clause that holds becomes a finding.

mod aggregate;

use std::collections::BTreeSet;

use crate::data::national;
use crate::data::schema::{CodeSet, Reduce, TableId};
use crate::data::values::format_year;
use crate::data::{ColumnData, Dataset};
use crate::finding::{
    Figure, Finding, NotRun, Outcome, Report, TestReport, YearValue, format_opt, format_value,
};
use crate::lang::ast::{BinOp, CmpOp, Severity};
use crate::plan::*;
use crate::stats;

pub use aggregate::{Fig, Sample};

/// How a report is to be made.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// For governors and anyone outside the SEN team: no pupil ids, and no figure for a
    /// group smaller than the rule's minimum group size.
    pub anonymise: bool,
}

/// Evaluates every rule of the plan for the dataset's current year.
pub fn evaluate(plan: &Plan, ds: &Dataset, school: Option<String>, options: Options) -> Report {
    let mut ev = Evaluator::new(plan, ds, ds.current_year);
    ev.anonymise = options.anonymise;
    ev.anonymise_floor = match plan
        .params
        .iter()
        .find(|p| p.name == "min_group")
        .map(|p| &p.value)
    {
        Some(ParamValue::Num(n, _)) => *n,
        // A pack without the parameter still never shows a group of fewer than 6.
        _ => 6.0,
    };
    let mut findings = Vec::new();
    let mut not_run = Vec::new();
    let mut disabled = Vec::new();
    let mut quiet = Vec::new();
    // Tables some rule needed a column of that the file did not give.
    let mut short_tables: Vec<TableId> = Vec::new();
    for rule in &plan.rules {
        if rule.disabled {
            disabled.push(rule.meta.id.clone());
            continue;
        }
        let missing: Vec<String> = rule
            .needs
            .iter()
            .filter_map(|n| match n {
                Need::Table(t) if ds.table(*t).is_none() => Some(n.describe()),
                Need::Table(t) if !ds.covers(*t, ds.current_year) => {
                    Some(format!("{} for {}", n.describe(), format_year(ds.current_year)))
                }
                Need::Column(t, c) if ds.table(*t).is_some() && !ds.has_column(*t, *c) => Some(n.describe()),
                Need::PreviousYear if !ds.rows_by_year.contains_key(&(ds.current_year - 1)) => {
                    Some(n.describe())
                }
                _ => None,
            })
            .collect();
        if !missing.is_empty() {
            for n in &rule.needs {
                if let Need::Column(t, _) = n
                    && ds.table(*t).is_some()
                    && !ds.has_column(*t, *n_col(n))
                    && !short_tables.contains(t)
                {
                    short_tables.push(*t);
                }
            }
            not_run.push(NotRun {
                rule: rule.meta.id.clone(),
                title: rule.meta.title.clone(),
                question: rule.meta.question.clone(),
                key_question: rule.meta.key_question.clone(),
                needs: missing,
            });
            continue;
        }
        let mut found = ev.rule(rule);
        if options.anonymise {
            found = anonymise(rule.min_group.max(ev.anonymise_floor), found);
        }
        if found.is_empty() {
            quiet.push(rule.meta.id.clone());
        }
        findings.extend(found);
    }
    let order = |k: &str| {
        crate::questions::KEY_QUESTIONS
            .iter()
            .position(|q| q.id == k)
            .unwrap_or(usize::MAX)
    };
    // Stable: within a key question, rules keep their pack order.
    findings.sort_by_key(|f| order(&f.key_question));
    not_run.sort_by_key(|n| order(&n.key_question));
    let mut data_notes = ev.data_notes();
    for t in short_tables {
        if let Some(table) = ds.table(t)
            && !table.unused_headers.is_empty()
        {
            const SHOWN: usize = 6;
            let h = &table.unused_headers;
            let more = if h.len() > SHOWN {
                format!(" and {} more", h.len() - SHOWN)
            } else {
                String::new()
            };
            data_notes.push(format!(
                "{} has columns sencheck did not read: {}{more}. If one holds what a rule that did not run needs, name it in sencheck.toml: [tables.{}.columns]",
                table.source.name,
                h[..h.len().min(SHOWN)].join(", "),
                t.schema().name
            ));
        }
    }
    Report {
        format_version: crate::finding::FORMAT_VERSION,
        school,
        year: format_year(ds.current_year),
        findings,
        not_run,
        disabled,
        quiet,
        data_notes,
    }
}

/// A set of pupils rows (ascending).
pub type Members = Vec<u32>;

pub struct Evaluator<'a> {
    plan: &'a Plan,
    ds: &'a Dataset,
    year: i32,
    /// Named cohorts of the year, computed once: members and how many could not be placed.
    cohorts: Vec<Option<(Members, usize)>>,
    /// Membership bitmaps for `InCohort`, over all pupils rows.
    bitmaps: Vec<Option<Vec<bool>>>,
    /// Pupils a rule could not place: (rule id, how many, why).
    list_unknown: Vec<(String, usize, String)>,
    /// The window of the rule being judged.
    window: Option<u32>,
    /// The `for each` group being judged: its plan and value, to find it in other years.
    group: Option<(GroupPlan, String)>,
    /// Counts of pupils under `min_group` are not printed.
    anonymise: bool,
    /// Anonymised output never shows a group under the pack's `min_group`, whatever a rule says.
    anonymise_floor: f64,
    /// The minimum group size of the rule being judged.
    min_group: f64,
    /// The linked tables the rule being judged reads.
    tables: Vec<TableId>,
    /// The rule's own minimum group size (`min_group` is raised to the floor when anonymising).
    rule_min_group: f64,
}

impl<'a> Evaluator<'a> {
    pub fn new(plan: &'a Plan, ds: &'a Dataset, year: i32) -> Self {
        let n = plan.cohorts.len();
        Evaluator {
            plan,
            ds,
            year,
            cohorts: vec![None; n],
            bitmaps: vec![None; n],
            list_unknown: Vec::new(),
            window: None,
            group: None,
            anonymise: false,
            anonymise_floor: 0.0,
            min_group: 0.0,
            tables: Vec::new(),
            rule_min_group: 0.0,
        }
    }

    fn year_rows(&self) -> Members {
        self.ds.rows_by_year.get(&self.year).cloned().unwrap_or_default()
    }

    pub fn named(&mut self, id: CohortId) -> Members {
        if let Some((m, _)) = &self.cohorts[id.0] {
            return m.clone();
        }
        let plan = &self.plan.cohorts[id.0];
        let base = match plan.base {
            Some(b) => self.named(b),
            None => self.year_rows(),
        };
        let (members, unknown) = match &plan.filter {
            Some(f) => self.select(&base, f),
            None => (base, 0),
        };
        self.cohorts[id.0] = Some((members.clone(), unknown));
        members
    }

    fn select(&mut self, base: &[u32], f: &Filter) -> (Members, usize) {
        let mut out = Vec::with_capacity(base.len());
        let mut unknown = 0;
        for &r in base {
            match self.filter(f, r as usize) {
                Some(true) => out.push(r),
                Some(false) => {}
                None => unknown += 1,
            }
        }
        (out, unknown)
    }

    pub fn cohort(&mut self, c: &CohortRef, group: Option<&Members>) -> Members {
        match c {
            CohortRef::Named(id) => self.named(*id),
            CohortRef::Group => group.cloned().unwrap_or_default(),
            CohortRef::Where(base, f) => {
                let base = self.cohort(base, group);
                self.select(&base, f).0
            }
        }
    }

    fn in_cohort(&mut self, id: CohortId, row: usize) -> bool {
        if self.bitmaps[id.0].is_none() {
            let members = self.named(id);
            let rows = self.ds.pupils().map_or(0, |p| p.rows);
            let mut bm = vec![false; rows];
            for m in members {
                bm[m as usize] = true;
            }
            self.bitmaps[id.0] = Some(bm);
        }
        self.bitmaps[id.0]
            .as_ref()
            .and_then(|b| b.get(row).copied())
            .unwrap_or(false)
    }

    // ------------------------------------------------------------------ one pupil

    fn column(&self, table: TableId, col: usize) -> Option<&'a ColumnData> {
        self.ds
            .table(table)
            .and_then(|t| t.columns.get(col))
            .and_then(Option::as_ref)
    }

    /// A pupil's value; `None` when missing.
    pub fn pvalue(&self, e: &PExpr, row: usize) -> Option<f64> {
        match e {
            PExpr::Num(n) => Some(*n),
            PExpr::Col { table, col, reduce } => {
                let c = self.column(*table, *col)?;
                if *table == TableId::PUPILS {
                    return c.num(row);
                }
                let rows = self.ds.link(*table)?.rows_of(row);
                let vals: Vec<f64> = rows.iter().filter_map(|&r| c.num(r as usize)).collect();
                if vals.is_empty() {
                    return None;
                }
                let sum: f64 = vals.iter().sum();
                Some(match reduce {
                    Reduce::Sum => sum,
                    Reduce::Mean => sum / vals.len() as f64,
                })
            }
            PExpr::RowCount(table) => Some(self.ds.link(*table).map_or(0, |l| l.rows_of(row).len()) as f64),
            PExpr::Ratio(a, b) => {
                let (a, b) = self.joint(a, b, row)?;
                (b > 0.0).then(|| a / b)
            }
            PExpr::Binary(op, a, b) => arith(*op, self.pvalue(a, row)?, self.pvalue(b, row)?),
            PExpr::Neg(a) => self.pvalue(a, row).map(|v| -v),
            PExpr::Prev(a) => {
                let prev = self.ds.prev_row.get(row).copied().flatten()?;
                self.pvalue(a, prev as usize)
            }
        }
    }

    /// A pupil's numerator and denominator. Two sums over the same linked table add up only
    /// the rows that have both, so a term with sessions attended but no possible sessions
    /// cannot push attendance over 100%.
    pub fn joint(&self, a: &PExpr, b: &PExpr, row: usize) -> Option<(f64, f64)> {
        if let (
            PExpr::Col {
                table: ta,
                col: ca,
                reduce: Reduce::Sum,
            },
            PExpr::Col {
                table: tb,
                col: cb,
                reduce: Reduce::Sum,
            },
        ) = (a, b)
            && ta == tb
            && *ta != TableId::PUPILS
        {
            let (x, y) = (self.column(*ta, *ca)?, self.column(*tb, *cb)?);
            let rows = self.ds.link(*ta)?.rows_of(row);
            let (mut sa, mut sb, mut any) = (0.0, 0.0, false);
            for &r in rows {
                if let (Some(p), Some(q)) = (x.num(r as usize), y.num(r as usize)) {
                    sa += p;
                    sb += q;
                    any = true;
                }
            }
            return any.then_some((sa, sb));
        }
        Some((self.pvalue(a, row)?, self.pvalue(b, row)?))
    }

    fn pupil_text(&self, table: TableId, col: usize, row: usize) -> Option<String> {
        let c = self.column(table, col)?;
        if table == TableId::PUPILS {
            return c.text(row).map(str::to_string);
        }
        let rows = self.ds.link(table)?.rows_of(row);
        let vals: BTreeSet<&str> = rows.iter().filter_map(|&r| c.text(r as usize)).collect();
        (!vals.is_empty()).then(|| vals.into_iter().collect::<Vec<_>>().join(", "))
    }

    /// Kleene logic: `None` is unknown (a value was missing).
    pub fn filter(&mut self, f: &Filter, row: usize) -> Option<bool> {
        match f {
            Filter::Cmp(op, a, b) => Some(compare(*op, self.pvalue(a, row)?, self.pvalue(b, row)?)),
            Filter::TextIn { col, values, negated } => {
                let v = self.column(TableId::PUPILS, *col)?.text(row)?;
                Some(values.iter().any(|x| x == v) != *negated)
            }
            Filter::LinkedTextIn {
                table,
                col,
                values,
                negated,
            } => {
                let c = self.column(*table, *col)?;
                let rows = self.ds.link(*table)?.rows_of(row);
                let hit = rows
                    .iter()
                    .any(|&r| c.text(r as usize).is_some_and(|v| values.iter().any(|x| x == v)));
                Some(hit != *negated)
            }
            Filter::Bool(e) => self.pvalue(e, row).map(|v| v != 0.0),
            Filter::InCohort(id) => Some(self.in_cohort(*id, row)),
            Filter::And(parts) => all3(parts.iter().map(|p| self.filter(p, row))),
            Filter::Or(parts) => any3(parts.iter().map(|p| self.filter(p, row))),
            Filter::Not(p) => self.filter(p, row).map(|b| !b),
            // Never unknown: whether a value is there is always known.
            Filter::Missing { value, text, negated } => {
                let blank = match text {
                    Some((t, c)) => self.pupil_text(*t, *c, row).is_none(),
                    None => self.pvalue(value, row).is_none(),
                };
                Some(blank != *negated)
            }
            // A pupil not on roll last year was in none of last year's groups.
            Filter::Prev(p) => match self.ds.prev_row.get(row).copied().flatten() {
                Some(prev) => self.filter(p, prev as usize),
                None => Some(false),
            },
        }
    }

    // ------------------------------------------------------------------ figures

    pub fn mvalue(&mut self, e: &MExpr, group: Option<&Members>) -> Fig {
        match e {
            MExpr::Const(v, u) => Fig::constant(*v, *u),
            MExpr::Agg { agg, cohort, unit } => {
                let members = self.cohort(cohort, group);
                self.aggregate(agg, &members, *unit)
            }
            MExpr::Figure { inner, .. } => self.mvalue(inner, group),
            MExpr::Neg(inner) => {
                let mut f = self.mvalue(inner, group);
                f.value = f.value.map(|v| -v);
                f.sample = Sample::None;
                f
            }
            MExpr::Binary(op, a, b, unit) => {
                let (fa, fb) = (self.mvalue(a, group), self.mvalue(b, group));
                let value = match (fa.value, fb.value) {
                    (Some(x), Some(y)) => arith(*op, x, y),
                    _ => None,
                };
                // A figure made of constants only (95% - 2pp) stays a constant.
                let base = if fa.constant { &fb } else { &fa };
                Fig {
                    value,
                    unit: *unit,
                    constant: fa.constant && fb.constant,
                    ..base.counts_only()
                }
            }
            MExpr::Representation { group: g, outcome } => {
                let members = self.cohort(g, group);
                let outcome = self.cohort(outcome, group);
                let school = self.year_rows();
                let in_outcome: BTreeSet<u32> = outcome.iter().copied().collect();
                let x_group = members.iter().filter(|r| in_outcome.contains(r)).count();
                let rep = stats::representation(
                    x_group as u64,
                    members.len() as u64,
                    outcome.len() as u64,
                    school.len() as u64,
                    stats::Alternative::TwoSided,
                    0.95,
                );
                Fig {
                    value: rep.index,
                    unit: Unit::Number,
                    n: members.len(),
                    missing: 0,
                    size: members.len(),
                    constant: false,
                    source: None,
                    sample: Sample::Representation {
                        x_group,
                        n_group: members.len(),
                        x_school: outcome.len(),
                        n_school: school.len(),
                    },
                }
            }
            MExpr::National {
                measure,
                group: g,
                unit,
            } => match self.benchmark(measure, g).or_else(|| {
                national::latest(measure, g, self.year).map(|f| {
                    (
                        f.value,
                        f.year,
                        format!("national figure for {}, DfE: {}", format_year(f.year), f.source),
                    )
                })
            }) {
                Some((value, _, source)) => Fig {
                    source: Some(source),
                    ..Fig::constant(value, *unit)
                },
                None => Fig {
                    value: None,
                    source: Some(format!(
                        "no national figure published for {} or before",
                        format_year(self.year)
                    )),
                    ..Fig::constant(0.0, *unit)
                },
            },
            MExpr::WindowMean(inner) => {
                let series = self.series(inner, group);
                let vals: Vec<f64> = series.iter().filter_map(|(_, f)| f.value).collect();
                let value = (!vals.is_empty()).then(|| vals.iter().sum::<f64>() / vals.len() as f64);
                Fig {
                    value,
                    ..Fig::constant(0.0, inner.unit())
                }
            }
        }
    }

    /// A figure from the workspace's benchmarks table, when it has one for the measure and group
    /// no older than the built-in national figure: a school or local authority adds newer
    /// figures, or corrects one, without waiting for a new sencheck.
    fn benchmark(&self, measure: &str, group: &str) -> Option<(f64, i32, String)> {
        let t = self.ds.table(TableId::by_name("benchmarks")?)?;
        let col = |n: &str| t.column(n);
        let (m, g, y, v, s) = (
            col("measure")?,
            col("group")?,
            col("year")?,
            col("value")?,
            col("source"),
        );
        let years = match y {
            ColumnData::Year(v) => v,
            _ => return None,
        };
        let best = (0..t.rows)
            .filter(|&r| m.text(r) == Some(measure) && g.text(r) == Some(group))
            .filter_map(|r| Some((r, years[r]?, v.num(r)?)))
            .filter(|(_, yr, _)| *yr <= self.year)
            .max_by_key(|(_, yr, _)| *yr)?;
        let (row, year, value) = best;
        let built_in = national::latest(measure, group, self.year);
        if built_in.is_some_and(|f| f.year > year) {
            return None;
        }
        let scaled = match built_in
            .map(|f| f.unit)
            .or_else(|| national::unit(measure, group))
        {
            Some(Unit::Percent) => value / 100.0,
            _ => value,
        };
        let from = s
            .and_then(|c| c.text(row))
            .unwrap_or("the workspace's benchmarks file");
        Some((scaled, year, format!("figure for {}, {from}", format_year(year))))
    }

    /// The years of the rule's window, oldest first, ending with the year judged.
    fn window_years(&self) -> Vec<i32> {
        let n = self.window.unwrap_or(1) as i32;
        (self.year - n + 1..=self.year).collect()
    }

    /// A figure for each year of the window. In a `for each` rule the group is the pupils
    /// with the group's value in that year.
    fn series(&mut self, e: &MExpr, group: Option<&Members>) -> Vec<(i32, Fig)> {
        let mut out = Vec::new();
        for y in self.window_years() {
            if y == self.year {
                let f = self.mvalue(e, group);
                out.push((y, self.judgeable(f)));
                continue;
            }
            let mut other = Evaluator::new(self.plan, self.ds, y);
            other.window = self.window;
            let members = match &self.group {
                Some((g, label)) => {
                    let within = other.named(g.within);
                    other
                        .groups(g, &within)
                        .0
                        .into_iter()
                        .find(|(l, _)| l == label)
                        .map(|(_, m)| m)
                        .or(Some(Vec::new()))
                }
                None => None,
            };
            let covered = self.tables.iter().all(|t| self.ds.covers(*t, y));
            let fig = if self.ds.rows_by_year.contains_key(&y) && covered {
                self.judgeable(other.mvalue(e, members.as_ref()))
            } else {
                Fig {
                    value: None,
                    ..Fig::constant(0.0, e.unit())
                }
            };
            out.push((y, fig));
        }
        out
    }

    /// A year of a trend whose figure rests on fewer pupils than the minimum has no value: a
    /// trend must not be judged on a handful of pupils in one of its years.
    fn judgeable(&self, mut f: Fig) -> Fig {
        let min = if self.anonymise {
            self.min_group
        } else {
            self.rule_min_group
        };
        if !f.constant && (f.n as f64) < min {
            f.value = None;
        }
        f
    }

    /// A significance test between two figures, by what they are.
    fn sig(
        &mut self,
        above: bool,
        a: &MExpr,
        b: &MExpr,
        group: Option<&Members>,
        confidence: f64,
    ) -> stats::TestResult {
        let (fa, fb) = (self.mvalue(a, group), self.mvalue(b, group));
        let alt = stats::Alternative::TwoSided;
        let _ = above;
        let invalid = || stats::representation(1, 0, 0, 0, alt, confidence).test;
        match (&fa.sample, &fb.sample, fb.value) {
            (Sample::Proportion { k, n }, Sample::Proportion { k: k2, n: n2 }, _) => {
                stats::compare_proportions(*k as u64, *n as u64, *k2 as u64, *n2 as u64, alt, confidence)
            }
            (Sample::Values(x), Sample::Values(y), _) => stats::welch_t(x, y, alt, confidence),
            (Sample::Proportion { k, n }, Sample::None, Some(p0)) if fb.constant => {
                stats::proportion_vs_value(*k as u64, *n as u64, p0, alt, confidence)
            }
            (Sample::Values(x), Sample::None, Some(mu)) if fb.constant => {
                stats::one_sample_t(x, mu, alt, confidence)
            }
            (
                Sample::Representation {
                    x_group,
                    n_group,
                    x_school,
                    n_school,
                },
                _,
                _,
            ) => {
                stats::representation(
                    *x_group as u64,
                    *n_group as u64,
                    *x_school as u64,
                    *n_school as u64,
                    alt,
                    confidence,
                )
                .test
            }
            _ => invalid(),
        }
    }

    fn test(&mut self, t: &Test, group: Option<&Members>, rule: &RulePlan) -> Option<bool> {
        match t {
            Test::Cmp(op, a, b) => {
                let (x, y) = (self.mvalue(a, group).value?, self.mvalue(b, group).value?);
                Some(compare(*op, x, y))
            }
            Test::Sig { above, a, b, .. } => {
                let r = self.sig(*above, a, b, group, rule.confidence);
                match stats::judge(&r, 1, 0, 1.0 - rule.confidence) {
                    stats::Verdict::SignificantlyAbove => Some(*above),
                    stats::Verdict::SignificantlyBelow => Some(!*above),
                    stats::Verdict::NoSignificantDifference => Some(false),
                    stats::Verdict::TooSmallToJudge | stats::Verdict::NotTestable(_) => None,
                }
            }
            Test::Trend(e, kind) => {
                let series = self.series(e, group);
                let vals: Vec<f64> = series.iter().filter_map(|(_, f)| f.value).collect();
                if (vals.len() as f64) < min_years(rule) || vals.len() < 2 {
                    return None;
                }
                let pairs = || vals.windows(2);
                Some(match kind {
                    TrendKind::Rising => pairs().all(|w| compare(CmpOp::Gt, w[1], w[0])),
                    TrendKind::Falling => pairs().all(|w| compare(CmpOp::Lt, w[1], w[0])),
                    TrendKind::ChangedBy(by) => {
                        let by = self.mvalue(by, group).value?;
                        let change = vals[vals.len() - 1] - vals[0];
                        compare(CmpOp::Ge, change.abs(), by.abs())
                    }
                })
            }
            Test::And(parts) => all3(parts.iter().map(|p| self.test(p, group, rule))),
            Test::Or(parts) => any3(parts.iter().map(|p| self.test(p, group, rule))),
            Test::Not(p) => self.test(p, group, rule).map(|b| !b),
        }
    }

    // ------------------------------------------------------------------ rules

    pub fn rule(&mut self, rule: &RulePlan) -> Vec<Finding> {
        self.window = rule.window;
        self.min_group = rule.min_group.max(self.anonymise_floor);
        self.rule_min_group = rule.min_group;
        self.tables = rule
            .needs
            .iter()
            .filter_map(|n| match n {
                Need::Table(t) => Some(*t),
                _ => None,
            })
            .collect();
        match &rule.body {
            Body::List { cohort, clauses } => self.list(rule, cohort, clauses),
            Body::Clauses { group: None, clauses } => {
                self.group = None;
                self.judge(rule, clauses, None).into_iter().collect()
            }
            Body::Clauses {
                group: Some(g),
                clauses,
            } => {
                let within = self.named(g.within);
                if within.is_empty() {
                    // No pupils, no groups: "nothing to report" would hide that nothing was judged.
                    self.list_unknown.push((
                        rule.meta.id.clone(),
                        0,
                        format!(
                            "groups to judge: cohort `{}` has no pupils in {}",
                            self.plan.cohorts[g.within.0].name,
                            format_year(self.year)
                        ),
                    ));
                }
                let (groups, ungrouped) = self.groups(g, &within);
                if ungrouped > 0 {
                    // Pupils with no value for the field are in no group: say so, never drop them.
                    let field = TableId::PUPILS.schema().columns.get(match &g.field {
                        GroupField::Pupil { col, .. } => *col,
                    });
                    self.list_unknown.push((
                        rule.meta.id.clone(),
                        ungrouped,
                        format!(
                            "have no {} recorded and are in no group",
                            field.map_or("value", |c| c.name)
                        ),
                    ));
                }
                let mut out = Vec::new();
                for (label, members) in groups {
                    self.group = Some((g.clone(), label.clone()));
                    out.extend(self.judge(rule, clauses, Some((label, members))));
                }
                self.group = None;
                out
            }
        }
    }

    /// Splits a cohort by a field's value; pupils with no value are counted, not grouped.
    fn groups(&self, g: &GroupPlan, within: &Members) -> (Vec<(String, Members)>, usize) {
        let GroupField::Pupil { col, codes } = &g.field;
        let Some(c) = self.column(TableId::PUPILS, *col) else {
            return (Vec::new(), within.len());
        };
        let mut by_text: std::collections::BTreeMap<String, Members> = Default::default();
        let mut by_num: std::collections::BTreeMap<i64, (String, Members)> = Default::default();
        let mut ungrouped = 0;
        for &r in within {
            let row = r as usize;
            match c {
                ColumnData::Str(_) => match c.text(row) {
                    Some(v) => {
                        let v = codes.map_or(v, |set: CodeSet| set.current(v));
                        by_text.entry(v.to_string()).or_default().push(r);
                    }
                    None => ungrouped += 1,
                },
                ColumnData::Bool(_) => match c.boolean(row) {
                    Some(b) => by_text
                        .entry(if b { "yes" } else { "no" }.into())
                        .or_default()
                        .push(r),
                    None => ungrouped += 1,
                },
                _ => match c.num(row) {
                    // Grouping numbers (year groups) by their value to 1e-6.
                    Some(v) => by_num
                        .entry((v * 1e6).round() as i64)
                        .or_insert_with(|| (format_value(v, Unit::Number), Vec::new()))
                        .1
                        .push(r),
                    None => ungrouped += 1,
                },
            }
        }
        let mut out: Vec<(String, Members)> = by_text.into_iter().collect();
        out.extend(by_num.into_values());
        (out, ungrouped)
    }

    fn figures_of(e: &MExpr, out: &mut Vec<(String, MExpr)>) {
        match e {
            MExpr::Figure { label, inner } => {
                if !out.iter().any(|(l, _)| l == label) {
                    out.push((label.clone(), (**inner).clone()));
                }
            }
            MExpr::Binary(_, a, b, _) => {
                Self::figures_of(a, out);
                Self::figures_of(b, out);
            }
            MExpr::Neg(a) | MExpr::WindowMean(a) => Self::figures_of(a, out),
            MExpr::Const(..) | MExpr::Agg { .. } | MExpr::Representation { .. } | MExpr::National { .. } => {}
        }
    }

    fn test_parts<'t>(
        t: &'t Test,
        figures: &mut Vec<(String, MExpr)>,
        sigs: &mut Vec<&'t Test>,
        trends: &mut Vec<&'t MExpr>,
    ) {
        match t {
            Test::Cmp(_, a, b) => {
                Self::figures_of(a, figures);
                Self::figures_of(b, figures);
            }
            Test::Sig { a, b, .. } => {
                Self::figures_of(a, figures);
                Self::figures_of(b, figures);
                sigs.push(t);
            }
            Test::Trend(e, kind) => {
                Self::figures_of(e, figures);
                if let TrendKind::ChangedBy(by) = kind {
                    Self::figures_of(by, figures);
                }
                trends.push(e);
            }
            Test::And(p) | Test::Or(p) => p.iter().for_each(|t| Self::test_parts(t, figures, sigs, trends)),
            Test::Not(p) => Self::test_parts(p, figures, sigs, trends),
        }
    }

    fn figure(&mut self, label: &str, e: &MExpr, members: Option<&Members>) -> Figure {
        let f = self.mvalue(e, members);
        let series = self.window.map(|_| {
            self.series(e, members)
                .into_iter()
                .map(|(y, f)| YearValue {
                    year: format_year(y),
                    value: f.value,
                    display: format_opt(f.value, f.unit),
                    n: f.n,
                    count: f.sample.count(),
                })
                .collect()
        });
        Figure {
            label: label.to_string(),
            value: f.value,
            unit: f.unit,
            display: format_opt(f.value, f.unit),
            n: f.n,
            missing: f.missing,
            size: f.size,
            count: f.sample.count(),
            source: f.source,
            series,
        }
    }

    fn test_report(&mut self, t: &Test, members: Option<&Members>, rule: &RulePlan) -> Option<TestReport> {
        let Test::Sig { above, a, b, label } = t else {
            return None;
        };
        let r = self.sig(*above, a, b, members, rule.confidence);
        let unit = match a.unit() {
            Unit::Percent => Unit::Points,
            u => u,
        };
        let one_sample = matches!(
            r.test,
            stats::TestKind::BinomialExact | stats::TestKind::OneProportionZ | stats::TestKind::OneSampleT
        );
        let est_unit = if one_sample { a.unit() } else { unit };
        let result = match stats::judge(&r, 1, 0, 1.0 - rule.confidence) {
            stats::Verdict::SignificantlyAbove => "significantly above".to_string(),
            stats::Verdict::SignificantlyBelow => "significantly below".to_string(),
            stats::Verdict::NoSignificantDifference => "no significant difference".to_string(),
            stats::Verdict::TooSmallToJudge => "too small to judge".to_string(),
            stats::Verdict::NotTestable(why) => format!("not testable: {}", why.describe()),
        };
        let is_repr =
            matches!(a, MExpr::Figure { inner, .. } if matches!(**inner, MExpr::Representation { .. }));
        let est_unit = if is_repr { Unit::Points } else { est_unit };
        let display = if r.is_testable() {
            format!(
                "{} ({} CI {} to {}), {}, {}",
                format_value(r.estimate, est_unit),
                format_value(rule.confidence, Unit::Percent).replace(".0%", "%"),
                format_value(r.ci_low, est_unit),
                format_value(r.ci_high, est_unit),
                format_p(r.p_value),
                r.test.name()
            )
        } else {
            result.clone()
        };
        Some(TestReport {
            comparison: label.clone(),
            test: r.test.name().to_string(),
            p_value: r.p_value,
            estimate: r.estimate,
            ci_low: r.ci_low,
            ci_high: r.ci_high,
            confidence: rule.confidence,
            result,
            display,
        })
    }

    fn judge(
        &mut self,
        rule: &RulePlan,
        clauses: &[ClausePlan],
        group: Option<(String, Members)>,
    ) -> Option<Finding> {
        let members = group.as_ref().map(|(_, m)| m);
        let mut exprs = Vec::new();
        let mut sigs = Vec::new();
        let mut trends = Vec::new();
        for c in clauses {
            if let Some(t) = &c.when {
                Self::test_parts(t, &mut exprs, &mut sigs, &mut trends);
            }
        }
        let figures: Vec<Figure> = exprs
            .iter()
            .map(|(label, e)| self.figure(label, e, members))
            .collect();
        let mut tests: Vec<TestReport> = Vec::new();
        for t in &sigs {
            // `above` and `below` clauses on the same two figures are one test.
            if let Some(r) = self.test_report(t, members, rule)
                && !tests.iter().any(|x| x.display == r.display)
            {
                tests.push(r);
            }
        }
        let size = members.map(Vec::len).or_else(|| {
            figures
                .iter()
                .find(|f| f.source.is_none() && f.size > 0)
                .map(|f| f.size)
        });
        let label = group.as_ref().map(|(l, _)| l.clone());
        let finding = |severity, text: String, figures: Vec<Figure>, tests: Vec<TestReport>| Finding {
            rule: rule.meta.id.clone(),
            title: rule.meta.title.clone(),
            question: rule.meta.question.clone(),
            key_question: rule.meta.key_question.clone(),
            severity,
            group: label.clone(),
            pupil: None,
            text,
            figures,
            tests,
            size,
        };
        let subject = label.as_deref().map_or(String::new(), |l| format!("{l}: "));
        // A verdict on a handful of pupils sends a school after the wrong problem.
        let small: Vec<&Figure> = figures
            .iter()
            .zip(&exprs)
            .filter(|(f, (_, e))| !is_fixed(e) && (f.n as f64) < self.judging_min(rule))
            .map(|(f, _)| f)
            .collect();
        // A figure whose pupils all lack the value is missing data, not a small group.
        let empty: Vec<&Figure> = small.iter().copied().filter(|f| f.n == 0 && f.size > 0).collect();
        if !empty.is_empty() {
            let who = empty
                .iter()
                .map(|f| match f.size {
                    1 => format!("{}: its one pupil is missing the value", f.label),
                    n => format!("{}: all {n} pupils are missing the value", f.label),
                })
                .collect::<Vec<_>>()
                .join("; ");
            let text = format!("{subject}no data to judge — {who}.");
            return Some(finding(Outcome::NoData, text, figures, Vec::new()));
        }
        if !small.is_empty() {
            let who = small
                .iter()
                .map(|f| {
                    format!(
                        "{} has {} pupil{} with a value",
                        f.label,
                        f.n,
                        if f.n == 1 { "" } else { "s" }
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            let text = format!(
                "{subject}too small to judge — {who} (minimum {}).",
                rule.min_group
            );
            // No test is shown: a group this small is never judged.
            return Some(finding(Outcome::TooSmall, text, figures, Vec::new()));
        }
        // A trend needs enough years with data.
        for e in trends {
            let series = self.series(e, members);
            let with_data = series.iter().filter(|(_, f)| f.value.is_some()).count();
            if (with_data as f64) < min_years(rule) {
                let shown = render_series(&series);
                let text = format!(
                    "{subject}not enough years to judge a trend — {shown} (needs {} years with data).",
                    min_years(rule)
                );
                return Some(finding(Outcome::NoData, text, figures, tests));
            }
        }
        for c in clauses {
            let holds = match &c.when {
                None => Some(true),
                Some(t) => self.test(t, members, rule),
            };
            if holds == Some(true) {
                let text = self.explain(&c.explain, members, label.as_deref(), None);
                let sev = match (c.severity, rule.concern_as) {
                    (Severity::Concern, Some(s)) => s,
                    (s, _) => s,
                };
                return Some(finding(outcome(sev), text, figures, tests));
            }
        }
        None
    }

    fn list(&mut self, rule: &RulePlan, cohort: &CohortRef, clauses: &[ListClausePlan]) -> Vec<Finding> {
        let members = match cohort {
            CohortRef::Where(base, f) => {
                let base = self.cohort(base, None);
                let (m, unknown) = self.select(&base, f);
                if unknown > 0 {
                    self.list_unknown.push((
                        rule.meta.id.clone(),
                        unknown,
                        "could not be placed because a value it tests is missing".into(),
                    ));
                }
                m
            }
            other => self.cohort(other, None),
        };
        let upn = TableId::PUPILS.schema().column("upn").unwrap_or(0);
        let mut out = Vec::new();
        for &r in &members {
            let row = r as usize;
            for c in clauses {
                let holds = match &c.when {
                    None => Some(true),
                    Some(f) => self.filter(f, row),
                };
                if holds == Some(true) {
                    let sev = match (c.severity, rule.concern_as) {
                        (Severity::Concern, Some(s)) => s,
                        (s, _) => s,
                    };
                    out.push(Finding {
                        rule: rule.meta.id.clone(),
                        title: rule.meta.title.clone(),
                        question: rule.meta.question.clone(),
                        key_question: rule.meta.key_question.clone(),
                        severity: outcome(sev),
                        group: None,
                        pupil: self.pupil_text(TableId::PUPILS, upn, row),
                        text: self.explain(&c.explain, None, None, Some(row)),
                        figures: Vec::new(),
                        tests: Vec::new(),
                        size: None,
                    });
                    break;
                }
            }
        }
        out.sort_by(|a, b| a.pupil.cmp(&b.pupil));
        out
    }

    fn explain(
        &mut self,
        parts: &[Part],
        group: Option<&Members>,
        label: Option<&str>,
        pupil: Option<usize>,
    ) -> String {
        let mut s = String::new();
        for p in parts {
            match p {
                Part::Text(t) => s.push_str(t),
                Part::Figure(e) => {
                    let f = self.mvalue(e, group);
                    // A plain count says "fewer than 6"; anything worked out from a hidden
                    // figure (a negated or scaled count, a gap) is suppressed.
                    let plain_count = matches!(e, MExpr::Figure { inner, .. } if matches!(**inner, MExpr::Agg { agg: Agg::Count, .. }));
                    match f.value {
                        Some(v) if f.unit == Unit::Count && plain_count => s.push_str(&self.count_text(v)),
                        // A threshold (a parameter, a literal) is a size, not a change: no sign.
                        Some(v) if matches!(e, MExpr::Const(_, Unit::Points)) => {
                            s.push_str(format_value(v, Unit::Points).trim_start_matches('+'))
                        }
                        _ if self.expr_hidden(e, group) => s.push_str("[suppressed]"),
                        Some(v) if matches!(e, MExpr::Figure { inner, .. } if matches!(**inner, MExpr::National { .. })) =>
                        {
                            // A national figure says which year it is: they lag the school's.
                            let year = f
                                .source
                                .as_deref()
                                .and_then(|src| src.split(", ").next())
                                .and_then(|s| s.rsplit(' ').next());
                            s.push_str(&format_value(v, f.unit));
                            if let Some(y) = year {
                                s.push_str(&format!(" ({y})"));
                            }
                        }
                        _ => s.push_str(&format_opt(f.value, f.unit)),
                    }
                }
                Part::FigureCount(e, which) => {
                    let f = self.mvalue(e, group);
                    let n = match which {
                        FigureCount::N => f.n,
                        FigureCount::Missing => f.missing,
                        FigureCount::Size => f.size,
                    };
                    s.push_str(&self.count_text(n as f64));
                }
                Part::FigureSeries(e) => {
                    let mut series = self.series(e, group);
                    // Anonymised, a year whose figure counts too few pupils is not shown.
                    for (_, f) in &mut series {
                        if self.fig_hidden(f) {
                            f.value = None;
                        }
                    }
                    s.push_str(&render_series(&series));
                }
                Part::GroupName => s.push_str(label.unwrap_or("")),
                Part::Param(name) => {
                    if let Some(ParamValue::Text(t)) = self
                        .plan
                        .params
                        .iter()
                        .find(|p| &p.name == name)
                        .map(|p| &p.value)
                    {
                        s.push_str(t);
                    }
                }
                Part::Pupil(e, unit) => {
                    let v = pupil.and_then(|r| self.pvalue(e, r));
                    s.push_str(&v.map_or_else(|| "missing".into(), |v| format_value(v, *unit)));
                }
                Part::PupilBool(e) => {
                    let v = pupil.and_then(|r| self.pvalue(e, r));
                    s.push_str(match v {
                        Some(x) if x != 0.0 => "yes",
                        Some(_) => "no",
                        None => "missing",
                    });
                }
                Part::PupilText { table, col } => {
                    let v = pupil.and_then(|r| self.pupil_text(*table, *col, r));
                    s.push_str(v.as_deref().unwrap_or("missing"));
                }
            }
        }
        s
    }

    /// Whether anonymised output must hide a figure counting this many pupils.
    fn hides(&self, count: Option<usize>) -> bool {
        self.anonymise && count.is_some_and(|k| k > 0 && (k as f64) < self.min_group)
    }

    /// Anonymised, a figure about fewer pupils than the minimum (or counting fewer) is hidden.
    fn fig_hidden(&self, f: &Fig) -> bool {
        // The complement counts too: 12 of 15 taking part tells that 3 do not.
        let rest = match f.sample {
            Sample::Proportion { k, n } => Some(n - k),
            Sample::Representation { x_group, n_group, .. } => Some(n_group - x_group),
            _ => None,
        };
        !f.constant && (self.hides(Some(f.n)) || self.hides(f.sample.count()) || self.hides(rest))
    }

    /// The minimum group size a verdict needs: anonymised, never below the pack's.
    fn judging_min(&self, rule: &RulePlan) -> f64 {
        if self.anonymise {
            rule.min_group.max(self.anonymise_floor)
        } else {
            rule.min_group
        }
    }

    /// Whether an expression shows, or lets a reader work out, a hidden figure: a gap between
    /// a hidden figure and a shown one gives the hidden one away.
    fn expr_hidden(&mut self, e: &MExpr, group: Option<&Members>) -> bool {
        if !self.anonymise {
            return false;
        }
        match e {
            MExpr::Figure { inner, .. } | MExpr::Neg(inner) | MExpr::WindowMean(inner) => {
                self.expr_hidden(inner, group)
            }
            MExpr::Binary(_, a, b, _) => self.expr_hidden(a, group) || self.expr_hidden(b, group),
            MExpr::Agg { .. } | MExpr::Representation { .. } => {
                let f = self.mvalue(e, group);
                self.fig_hidden(&f)
            }
            MExpr::Const(..) | MExpr::National { .. } => false,
        }
    }

    /// A count of pupils as an explanation shows it: anonymised, a count under the minimum
    /// group size could single pupils out, so it is not printed.
    fn count_text(&self, n: f64) -> String {
        if self.anonymise && n > 0.0 && n < self.min_group {
            format!("fewer than {}", format_value(self.min_group, Unit::Count))
        } else {
            format_value(n, Unit::Count)
        }
    }

    /// Cohorts that could not place some pupils because a value was missing.
    pub fn data_notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        for (i, c) in self.cohorts.iter().enumerate() {
            if let Some((_, unknown)) = c
                && *unknown > 0
            {
                let n = if self.anonymise && (*unknown as f64) < self.anonymise_floor {
                    format!("fewer than {}", format_value(self.anonymise_floor, Unit::Count))
                } else {
                    unknown.to_string()
                };
                notes.push(format!(
                    "cohort `{}`: {n} pupil{} could not be placed because a value it tests is missing",
                    self.plan.cohorts[i].name,
                    if *unknown == 1 { "" } else { "s" }
                ));
            }
        }
        for (rule, unknown, why) in &self.list_unknown {
            if *unknown == 0 {
                notes.push(format!("rule {rule}: no {why}"));
                continue;
            }
            let n = if self.anonymise && (*unknown as f64) < self.anonymise_floor {
                format!("fewer than {}", format_value(self.anonymise_floor, Unit::Count))
            } else {
                unknown.to_string()
            };
            notes.push(format!(
                "rule {rule}: {n} pupil{} {why}",
                if *unknown == 1 { "" } else { "s" }
            ));
        }
        notes
    }
}

/// Removes from a rule's findings what anonymised output must never show: pupil ids (a pupil
/// list becomes a count), and the figures of any group under the minimum size.
fn anonymise(min: f64, findings: Vec<Finding>) -> Vec<Finding> {
    let few = format!("fewer than {}", format_value(min, Unit::Count));
    let (listed, mut out): (Vec<Finding>, Vec<Finding>) =
        findings.into_iter().partition(|f| f.pupil.is_some());
    // One finding per severity, so a list's concerns stay concerns.
    let mut severities: Vec<Outcome> = listed.iter().map(|f| f.severity).collect();
    severities.sort();
    severities.dedup();
    for severity in severities {
        let same: Vec<&Finding> = listed.iter().filter(|f| f.severity == severity).collect();
        let n = same.len();
        let count = if (n as f64) < min {
            few.clone()
        } else {
            n.to_string()
        };
        out.push(Finding {
            pupil: None,
            text: format!(
                "{count} pupil{} listed ({}); names and UPNs are withheld in anonymised output (run without --anonymise to see them).",
                if n == 1 { "" } else { "s" },
                match severity {
                    Outcome::Concern => "concerns",
                    Outcome::Celebrate => "celebrations",
                    _ => "notes",
                }
            ),
            ..same[0].clone()
        });
    }
    for f in &mut out {
        let subject = f.group.as_deref().map_or(String::new(), |g| format!("{g}: "));
        // "No data" texts give exact counts and series: say only what kind of gap it is.
        if f.severity == Outcome::NoData {
            f.text = if f.text.contains("not enough years") {
                format!("{subject}not enough years with data to judge a trend.")
            } else {
                format!("{subject}no data to judge: the pupils lack the value.")
            };
            f.figures.clear();
            f.tests.clear();
            f.size = f.size.filter(|&s| (s as f64) >= min);
            continue;
        }
        if f.severity == Outcome::TooSmall {
            f.text = format!("{subject}too small to judge ({few} pupils with a value).");
            f.figures.clear();
            f.tests.clear();
            f.size = None;
            continue;
        }
        let small = |k: usize| k > 0 && (k as f64) < min;
        let mut suppressed = false;
        for fig in &mut f.figures {
            // A handful of pupils missing a value is a small group too.
            if small(fig.missing) {
                fig.missing = 0;
            }
            let rest = fig.count.map(|k| fig.n.saturating_sub(k));
            if small(fig.n) || fig.count.is_some_and(small) || rest.is_some_and(small) {
                suppressed = true;
                fig.value = None;
                fig.display = "suppressed".into();
                (fig.n, fig.missing, fig.size, fig.count) = (0, 0, 0, None);
            }
            for y in fig.series.iter_mut().flatten() {
                if small(y.n) || y.count.is_some_and(small) {
                    y.value = None;
                    y.display = "suppressed".into();
                    (y.n, y.count) = (0, None);
                }
            }
        }
        if f.size.is_some_and(|s| s > 0 && (s as f64) < min) {
            f.size = None;
        }
        // A test's estimate and interval would let a reader work the hidden figure back out.
        if suppressed {
            f.tests.clear();
        }
    }
    out
}

fn n_col(n: &Need) -> &usize {
    match n {
        Need::Column(_, c) => c,
        _ => &0,
    }
}

/// Years with data a trend needs: min_years, but never more than the rule's window has.
fn min_years(rule: &RulePlan) -> f64 {
    rule.min_years.min(f64::from(rule.window.unwrap_or(u32::MAX)))
}

/// Kleene's three-valued AND: any false makes it false (and stops), else any unknown makes it
/// unknown. A missing value must not decide a condition it cannot decide.
fn all3(items: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    let mut unknown = false;
    for v in items {
        match v {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown { None } else { Some(true) }
}

/// Kleene's three-valued OR: any true makes it true (and stops), else any unknown makes it unknown.
fn any3(items: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    all3(items.map(|v| v.map(|b| !b))).map(|b| !b)
}

/// A figure that is not measured on pupils (a constant, a parameter, a national figure).
fn is_fixed(e: &MExpr) -> bool {
    match e {
        MExpr::Const(..) | MExpr::National { .. } | MExpr::WindowMean(_) => true,
        MExpr::Figure { inner, .. } | MExpr::Neg(inner) => is_fixed(inner),
        MExpr::Binary(_, a, b, _) => is_fixed(a) && is_fixed(b),
        MExpr::Agg { .. } | MExpr::Representation { .. } => false,
    }
}

/// `2022/23 31.0% → 2023/24 28.4% → 2024/25 24.9%`
fn render_series(series: &[(i32, Fig)]) -> String {
    series
        .iter()
        .map(|(y, f)| format!("{} {}", format_year(*y), format_opt(f.value, f.unit)))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// p-values as a report prints them: `p < 0.001` for tiny ones.
fn format_p(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".to_string()
    } else {
        format!("p = {p:.3}")
    }
}

fn outcome(s: Severity) -> Outcome {
    match s {
        Severity::Concern => Outcome::Concern,
        Severity::Celebrate => Outcome::Celebrate,
        Severity::Note => Outcome::Note,
    }
}

fn arith(op: BinOp, a: f64, b: f64) -> Option<f64> {
    let v = match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => {
            if b == 0.0 {
                return None;
            }
            a / b
        }
    };
    v.is_finite().then_some(v)
}

/// Figures are compared as printed to 1e-9, so `95.0%` is not "below" 95%.
fn compare(op: CmpOp, a: f64, b: f64) -> bool {
    const EPS: f64 = 1e-9;
    match op {
        CmpOp::Lt => a < b - EPS,
        CmpOp::Le => a <= b + EPS,
        CmpOp::Gt => a > b + EPS,
        CmpOp::Ge => a >= b - EPS,
        CmpOp::Eq => (a - b).abs() <= EPS,
        CmpOp::Ne => (a - b).abs() > EPS,
        CmpOp::SigBelow | CmpOp::SigAbove => false,
    }
}
