//! The spanned syntax tree of a rule file. Parser types never leave `lang`; everything after
//! works on these.

use crate::diag::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Module {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone)]
pub enum Item {
    Param(ParamDef),
    Cohort(CohortDef),
    Measure(MeasureDef),
    Rule(RuleDef),
}

#[derive(Debug, Clone)]
pub struct ParamDef {
    pub name: Ident,
    pub value: Literal,
    pub value_span: Span,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Number(f64),
    /// `95%`, stored as a fraction (0.95).
    Percent(f64),
    /// `5pp`, stored as a fraction (0.05).
    Points(f64),
    Text(String),
}

#[derive(Debug, Clone)]
pub struct CohortDef {
    pub name: Ident,
    pub base: Ident,
    pub filter: Option<Cond>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct MeasureDef {
    pub name: Ident,
    pub param: Ident,
    pub body: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Concern,
    Celebrate,
    Note,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "concern" => Some(Severity::Concern),
            "celebrate" | "celebration" => Some(Severity::Celebrate),
            "note" => Some(Severity::Note),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Concern => "concern",
            Severity::Celebrate => "celebrate",
            Severity::Note => "note",
        }
    }
}

#[derive(Debug, Clone)]
pub struct RuleDef {
    pub id: Ident,
    pub title: String,
    pub question: Option<Ident>,
    pub cadence: Option<Ident>,
    pub tags: Vec<Ident>,
    pub ask: Option<String>,
    pub min_group: Option<Expr>,
    pub for_each: Option<ForEach>,
    pub window: Option<(u32, Span)>,
    pub list: Option<ListClause>,
    pub clauses: Vec<Clause>,
    pub span: Span,
    /// Metadata given twice, kept for a diagnostic.
    pub duplicates: Vec<(String, Span)>,
}

#[derive(Debug, Clone)]
pub struct ForEach {
    pub field: Vec<Ident>,
    pub cohort: Ident,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ListClause {
    pub cohort: Ident,
    pub filter: Option<Cond>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Clause {
    pub severity: Severity,
    pub severity_span: Span,
    pub when: Option<Cond>,
    pub template: Template,
}

#[derive(Debug, Clone)]
pub struct Template {
    pub parts: Vec<TemplatePart>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum TemplatePart {
    Text(String),
    Expr(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    SigBelow,
    SigAbove,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::SigBelow => "significantly below",
            CmpOp::SigAbove => "significantly above",
        }
    }
}

#[derive(Debug, Clone)]
pub enum TrendOp {
    Rising,
    Falling,
    ChangedBy(Box<Expr>),
}

#[derive(Debug, Clone)]
pub struct Cond {
    pub kind: CondKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum CondKind {
    Cmp(CmpOp, Expr, Expr),
    In {
        value: Expr,
        items: Vec<Expr>,
        negated: bool,
    },
    Within {
        value: Expr,
        low: Expr,
        high: Expr,
    },
    Trend(Expr, TrendOp),
    /// `field is missing` (or `is not missing`).
    Missing {
        value: Expr,
        negated: bool,
    },
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Bare(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Lit(Literal),
    Name(Ident),
    /// `base.field` — a field of a pupil, a linked table, or a figure (`.n`).
    Field(Box<Expr>, Ident),
    Call {
        name: Ident,
        args: Vec<Arg>,
    },
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone)]
pub struct Arg {
    pub value: Expr,
    /// `group in cohort`: the cohort after `in`.
    pub among: Option<Ident>,
    pub filter: Option<Cond>,
    pub span: Span,
}

impl Expr {
    /// `a.b.c` as its names, if the expression is a plain path.
    pub fn as_path(&self) -> Option<Vec<&Ident>> {
        match &self.kind {
            ExprKind::Name(i) => Some(vec![i]),
            ExprKind::Field(base, f) => {
                let mut p = base.as_path()?;
                p.push(f);
                Some(p)
            }
            _ => None,
        }
    }
}
