//! Stage 3 — compile: the AST of every rule file, checked against the canonical schema,
//! becomes a typed evaluation plan. Names are resolved to ids, units are checked, and each
//! rule records the tables and columns it needs, so a rule whose data a school lacks is
//! reported as *not run* rather than failing. Nothing here needs spans to run.

mod compile;

pub use compile::{CompileInput, ParamOverride, compile, significance_tests};

use std::collections::BTreeSet;

use crate::data::schema::{CodeSet, Reduce, TableId};
use crate::lang::ast::{BinOp, CmpOp, Severity};

/// What a number means, which decides how it is compared and printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A plain number (grades, scores, sessions).
    Number,
    /// A count of pupils.
    Count,
    /// A share or rate, as a fraction (0.931 prints as 93.1%).
    Percent,
    /// A difference of percentages, as a fraction (−0.024 prints as −2.4pp).
    Points,
}

impl Unit {
    pub fn describe(self) -> &'static str {
        match self {
            Unit::Number => "a number",
            Unit::Count => "a count of pupils",
            Unit::Percent => "a percentage",
            Unit::Points => "a difference in percentage points",
        }
    }
}

/// A parameter's value after the school's overrides.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    Num(f64, Unit),
    Text(String),
}

#[derive(Debug, Clone)]
pub struct ParamInfo {
    pub name: String,
    pub value: ParamValue,
    pub default: ParamValue,
    pub doc: Option<String>,
    /// The rule file that defines it.
    pub file: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CohortId(pub usize);

/// A named cohort: pupils on roll (in the year being judged) who pass the filter.
#[derive(Debug, Clone)]
pub struct CohortPlan {
    pub name: String,
    pub base: Option<CohortId>,
    pub filter: Option<Filter>,
}

/// Data a rule cannot run without.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Need {
    Table(TableId),
    Column(TableId, usize),
    /// Pupils on roll the year before the year judged (`last_year.…`).
    PreviousYear,
}

impl Need {
    pub fn describe(&self) -> String {
        match self {
            Need::Table(t) => format!("table {}", t.schema().name),
            Need::Column(t, c) => format!("column {}.{}", t.schema().name, t.schema().columns[*c].name),
            Need::PreviousYear => "pupils for the year before".to_string(),
        }
    }
}

/// A value for one pupil (one pupils row), possibly drawn from linked tables.
#[derive(Debug, Clone)]
pub enum PExpr {
    Num(f64),
    /// A numeric or boolean column; linked tables reduce the pupil's rows.
    Col {
        table: TableId,
        col: usize,
        reduce: Reduce,
    },
    /// How many rows a pupil has in a linked table (0 when none).
    RowCount(TableId),
    /// `a / b` where both are sums over the pupil's rows (attendance rates).
    Ratio(Box<PExpr>, Box<PExpr>),
    Binary(BinOp, Box<PExpr>, Box<PExpr>),
    Neg(Box<PExpr>),
    /// The same pupil's value last academic year (`last_year.sen`).
    Prev(Box<PExpr>),
}

/// A test on one pupil. Unknown (a missing value) is neither true nor false.
#[derive(Debug, Clone)]
pub enum Filter {
    Cmp(CmpOp, PExpr, PExpr),
    /// A text or code column of `pupils` is one of `values`.
    TextIn {
        col: usize,
        values: Vec<String>,
        negated: bool,
    },
    /// Some linked row has a text or code value among `values`.
    LinkedTextIn {
        table: TableId,
        col: usize,
        values: Vec<String>,
        negated: bool,
    },
    Bool(PExpr),
    InCohort(CohortId),
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    /// The test applied to the same pupil's row last academic year.
    Prev(Box<Filter>),
    /// The pupil's value is blank (`negated`: is not).
    Missing {
        value: PExpr,
        text: Option<(TableId, usize)>,
        negated: bool,
    },
}

/// Which pupils an aggregate runs over.
#[derive(Debug, Clone)]
pub enum CohortRef {
    Named(CohortId),
    /// The group of the current `for each`.
    Group,
    Where(Box<CohortRef>, Box<Filter>),
}

#[derive(Debug, Clone)]
pub enum Agg {
    Count,
    Share(Filter),
    Mean(PExpr),
    Median(PExpr),
    Min(PExpr),
    Max(PExpr),
    Sum(PExpr),
    /// Σ numerator / Σ denominator over pupils with both (attendance).
    Rate(PExpr, PExpr),
}

/// A figure about a cohort (what a measure computes).
#[derive(Debug, Clone)]
pub enum MExpr {
    Const(f64, Unit),
    Agg {
        agg: Agg,
        cohort: CohortRef,
        unit: Unit,
    },
    /// A named figure: a measure call as written in the rule (`attendance(sen)`), shown
    /// among the finding's figures.
    Figure {
        label: String,
        inner: Box<MExpr>,
    },
    Binary(BinOp, Box<MExpr>, Box<MExpr>, Unit),
    Neg(Box<MExpr>),
    /// The share of `group` among `outcome` against its share of the school (a ratio, with
    /// a test of the group against the rest of the school).
    Representation {
        group: CohortRef,
        outcome: CohortRef,
    },
    /// A national figure for England (built in, from DfE statistics) for the year judged.
    National {
        measure: String,
        group: String,
        unit: Unit,
    },
    /// The mean of a figure over the rule's window of years.
    WindowMean(Box<MExpr>),
}

impl MExpr {
    pub fn unit(&self) -> Unit {
        match self {
            MExpr::Const(_, u) | MExpr::Agg { unit: u, .. } | MExpr::Binary(_, _, _, u) => *u,
            MExpr::National { unit, .. } => *unit,
            MExpr::Representation { .. } => Unit::Number,
            MExpr::Figure { inner, .. } | MExpr::Neg(inner) | MExpr::WindowMean(inner) => inner.unit(),
        }
    }
}

#[derive(Debug, Clone)]
pub enum TrendKind {
    /// Every year's value above the year before.
    Rising,
    /// Every year's value below the year before.
    Falling,
    /// The last year differs from the first by at least this much (either way).
    ChangedBy(MExpr),
}

/// A condition on figures (rule level).
#[derive(Debug, Clone)]
pub enum Test {
    Cmp(CmpOp, MExpr, MExpr),
    /// `a significantly above/below b`: a two-sided test chosen by the figures' kind.
    Sig {
        above: bool,
        a: MExpr,
        b: MExpr,
        label: String,
    },
    /// A figure over the rule's window of years.
    Trend(MExpr, TrendKind),
    And(Vec<Test>),
    Or(Vec<Test>),
    Not(Box<Test>),
}

/// A piece of an explanation.
#[derive(Debug, Clone)]
pub enum Part {
    Text(String),
    Figure(MExpr),
    /// `.n` / `.missing` / `.size` of a figure.
    FigureCount(MExpr, FigureCount),
    /// `.series`: the figure for each year of the window.
    FigureSeries(MExpr),
    GroupName,
    Param(String),
    /// For pupil lists: a pupil's value.
    Pupil(PExpr, Unit),
    /// For pupil lists: a yes/no field, shown as yes or no.
    PupilBool(PExpr),
    PupilText {
        table: TableId,
        col: usize,
    },
}

#[derive(Debug, Clone, Copy)]
pub enum FigureCount {
    /// Pupils whose value counted.
    N,
    /// Pupils left out because a value was missing.
    Missing,
    /// Pupils in the cohort.
    Size,
}

#[derive(Debug, Clone)]
pub struct ClausePlan {
    pub severity: Severity,
    pub when: Option<Test>,
    pub explain: Vec<Part>,
}

#[derive(Debug, Clone)]
pub struct ListClausePlan {
    pub severity: Severity,
    pub when: Option<Filter>,
    pub explain: Vec<Part>,
}

#[derive(Debug, Clone)]
pub enum GroupField {
    Pupil { col: usize, codes: Option<CodeSet> },
}

#[derive(Debug, Clone)]
pub struct GroupPlan {
    pub name: String,
    pub field: GroupField,
    pub within: CohortId,
}

#[derive(Debug, Clone)]
pub enum Body {
    Clauses {
        group: Option<GroupPlan>,
        clauses: Vec<ClausePlan>,
    },
    List {
        cohort: CohortRef,
        clauses: Vec<ListClausePlan>,
    },
}

/// Everything `explain` and the reports say about a rule.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    pub question: String,
    pub key_question: String,
    pub ask: String,
    pub cadence: Option<String>,
    pub tags: Vec<String>,
    /// The file the rule came from and its line.
    pub file: String,
    pub line: usize,
    /// The rule's text as written.
    #[serde(skip)]
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct RulePlan {
    pub meta: RuleMeta,
    pub needs: BTreeSet<Need>,
    pub min_group: f64,
    /// `over last N years`.
    pub window: Option<u32>,
    /// Fewest years with a value a trend needs.
    pub min_years: f64,
    /// Confidence level of significance tests (0.95).
    pub confidence: f64,
    pub body: Body,
    /// Switched off by the school's sencheck.toml.
    pub disabled: bool,
    /// The severity the school's sencheck.toml reports this rule's concerns at.
    pub concern_as: Option<Severity>,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub params: Vec<ParamInfo>,
    pub cohorts: Vec<CohortPlan>,
    /// Data each cohort needs, by cohort id.
    pub cohort_needs: Vec<BTreeSet<Need>>,
    pub rules: Vec<RulePlan>,
}
