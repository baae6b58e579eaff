//! pest parser and lowering: one `lower_*` function per grammar rule, from parse pairs to the
//! spanned AST. pest stops at the first syntax error; that error is reported with the rule
//! names a user reads ("expected `)`"), never the grammar's internal ones.

use pest::Parser;
use pest::iterators::Pair;

use super::ast::*;
use crate::diag::{Diag, SourceFile, Span, did_you_mean};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/sencheck.pest"]
struct Grammar;

type P<'a> = Pair<'a, Rule>;

/// Parses one rule file.
pub fn parse(file: &SourceFile) -> Result<Module, Diag> {
    check_nesting(file)?;
    let mut pairs = Grammar::parse(Rule::file, &file.text).map_err(|e| syntax_error(file, e))?;
    let mut items = Vec::new();
    if let Some(top) = pairs.next() {
        for p in top.into_inner() {
            match p.as_rule() {
                Rule::param_def => items.push(Item::Param(lower_param_def(p))),
                Rule::cohort_def => items.push(Item::Cohort(lower_cohort_def(p))),
                Rule::measure_def => items.push(Item::Measure(lower_measure_def(p))),
                Rule::rule_def => items.push(Item::Rule(lower_rule_def(p))),
                _ => {}
            }
        }
    }
    Ok(Module { items })
}

/// Brackets nested deeper than any rule needs are refused before parsing, so lowering (which
/// recurses on them) cannot exhaust the stack.
fn check_nesting(file: &SourceFile) -> Result<(), Diag> {
    const MAX: usize = 64;
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    for (i, c) in file.text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '\n' => quoted = false,
            '(' if !quoted => {
                depth += 1;
                if depth > MAX {
                    return Err(Diag::error(
                        "too-complex",
                        format!("brackets are nested more than {MAX} deep"),
                    )
                    .in_file(file)
                    .label(Span::new(i, i + 1), "too deep")
                    .help("split the expression into measures or cohorts"));
                }
            }
            ')' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn describe(rule: &Rule) -> String {
    match rule {
        Rule::EOI => "end of file".into(),
        Rule::file => "a definition".into(),
        Rule::param_def => "`param`".into(),
        Rule::cohort_def => "`cohort`".into(),
        Rule::measure_def => "`measure`".into(),
        Rule::rule_def => "`rule`".into(),
        Rule::kw_where => "`where`".into(),
        Rule::kw_when => "`when`".into(),
        Rule::kw_and => "`and`".into(),
        Rule::kw_or => "`or`".into(),
        Rule::kw_in => "`in`".into(),
        Rule::kw_is => "`is`".into(),
        Rule::kw_missing => "`missing`".into(),
        Rule::tag => "a tag".into(),
        Rule::close_paren => "`)`".into(),
        Rule::comma => "`,`".into(),
        Rule::open_brace => "`{`".into(),
        Rule::close_brace => "`}`".into(),
        Rule::close_quote => "a closing `\"`".into(),
        Rule::name => "a name".into(),
        Rule::rule_id => "a rule id such as H1".into(),
        Rule::string | Rule::template => "a quoted text".into(),
        Rule::template_text => "text".into(),
        Rule::interpolation => "`{`".into(),
        Rule::literal | Rule::number => "a number".into(),
        Rule::percent => "a percentage such as 95%".into(),
        Rule::points => "percentage points such as 5pp".into(),
        Rule::question_meta => "`question`".into(),
        Rule::cadence_meta => "`cadence`".into(),
        Rule::tags_meta => "`tags`".into(),
        Rule::ask_meta => "`ask`".into(),
        Rule::min_group_meta => "`min_group`".into(),
        Rule::for_each => "`for each`".into(),
        Rule::over_years => "`over last N years`".into(),
        Rule::list_clause => "`list`".into(),
        Rule::clause | Rule::severity => "a finding (`concern`, `celebrate` or `note`)".into(),
        Rule::condition | Rule::or_cond | Rule::and_cond | Rule::not_cond => "a condition".into(),
        Rule::comparison | Rule::cmp_op => "a comparison (`<`, `>=`, `=`, ...)".into(),
        Rule::sig_below => "`significantly below`".into(),
        Rule::sig_above => "`significantly above`".into(),
        Rule::trend_op | Rule::kw_rising | Rule::kw_falling | Rule::changed_by => {
            "`rising`, `falling` or `changed by at least`".into()
        }
        Rule::expr | Rule::term | Rule::factor | Rule::postfix | Rule::bare | Rule::arg => "a value".into(),
        Rule::add_op | Rule::mul_op => "an operator (+ - * /)".into(),
        Rule::call => "a measure or function call".into(),
        Rule::path => "a field".into(),
        Rule::kw_not | Rule::not_in => "`not`".into(),
        other => format!("{other:?}"),
    }
}

fn syntax_error(file: &SourceFile, e: pest::error::Error<Rule>) -> Diag {
    let span = match e.location {
        pest::error::InputLocation::Pos(p) => {
            // Point at the whole next token, so the label sits under what was found.
            let rest = &file.text[p.min(file.text.len())..];
            let len = rest
                .char_indices()
                .find(|(_, c)| c.is_whitespace())
                .map_or(rest.len(), |(i, _)| i)
                .max(rest.chars().next().map_or(0, char::len_utf8));
            if p >= file.text.len() {
                // At the end of the file: point at its last character, so there is a pointer.
                let end = file.text.trim_end().len();
                let last = file.text[..end].chars().next_back().map_or(0, char::len_utf8);
                Span::new(end - last, end)
            } else {
                Span::new(p, p + len)
            }
        }
        pest::error::InputLocation::Span((a, b)) => Span::new(a, b),
    };
    let at_end = span.end >= file.text.trim_end().len()
        && matches!(e.location, pest::error::InputLocation::Pos(p) if p >= file.text.len());
    let found = if at_end {
        ""
    } else {
        file.text.get(span.start..span.end).unwrap_or("").trim()
    };
    let expected = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut seen: Vec<String> = Vec::new();
            // What a user most often forgets (a closing bracket) reads first.
            let mut positives = positives.clone();
            positives.sort_by_key(|r| !is_keyword(*r));
            for r in &positives {
                let d = describe(r);
                if !seen.contains(&d) {
                    seen.push(d);
                }
            }
            match seen.len() {
                0 => "something else".to_string(),
                1 => seen.remove(0),
                _ => {
                    let last = seen.pop().unwrap_or_default();
                    format!("{} or {last}", seen.join(", "))
                }
            }
        }
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    let at_line_end = matches!(file.text.as_bytes().get(span.start), Some(b'\n' | b'\r'));
    let label = if found.is_empty() && at_line_end {
        format!("expected {expected}, found the end of the line")
    } else if found.is_empty() {
        format!("expected {expected}, found the end of the file")
    } else {
        format!("expected {expected}, found `{found}`")
    };
    let word: String = found
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let help = match did_you_mean(&word, KEYWORDS.iter().copied()).filter(|k| *k != word && word.len() > 2) {
        Some(k) => format!("did you mean `{k}`? See docs/language.md for the rule language"),
        None if found.starts_with('#') || found.starts_with("--") => {
            "comments start with // in rule files".to_string()
        }
        None if expected.contains("a closing `\"`") => {
            "close the text with a \" on the same line: texts cannot run over several lines".to_string()
        }
        None if found.is_empty() && !at_line_end => {
            "the file ends in the middle of a definition: is a closing } or ) missing?".to_string()
        }
        None if found.starts_with('}') || found.starts_with('{') => {
            "in an explanation, {figure} shows a figure; write {{ and }} for the braces themselves"
                .to_string()
        }
        None => "see docs/language.md for the rule language".to_string(),
    };
    Diag::error("syntax", "the rule file does not parse")
        .in_file(file)
        .label(span, label)
        .help(help)
}

/// The words of the language, for "did you mean" on a syntax error.
const KEYWORDS: &[&str] = &[
    "param",
    "cohort",
    "measure",
    "rule",
    "question",
    "cadence",
    "tags",
    "ask",
    "min_group",
    "for",
    "each",
    "over",
    "last",
    "years",
    "list",
    "concern",
    "celebrate",
    "note",
    "when",
    "where",
    "and",
    "or",
    "not",
    "in",
    "rising",
    "falling",
    "changed",
    "significantly",
    "below",
    "above",
    "is",
    "missing",
];

fn is_keyword(r: Rule) -> bool {
    matches!(
        r,
        Rule::kw_where
            | Rule::kw_when
            | Rule::kw_and
            | Rule::kw_or
            | Rule::kw_in
            | Rule::close_paren
            | Rule::comma
            | Rule::open_brace
            | Rule::close_brace
            | Rule::close_quote
    )
}

/// The children of a pair that carry meaning (keyword pairs dropped).
fn children(p: P) -> impl Iterator<Item = P> {
    p.into_inner().filter(|c| !is_keyword(c.as_rule()))
}

fn span(p: &P) -> Span {
    let s = p.as_span();
    Span::new(s.start(), s.end())
}

fn ident(p: P) -> Ident {
    Ident {
        span: span(&p),
        name: p.as_str().to_string(),
    }
}

fn lower_string(p: P) -> String {
    // string = "\"" string_body "\""
    let body = children(p).next().map_or("", |b| b.as_str());
    unescape(body)
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn lower_literal(p: P) -> Literal {
    let text = p.as_str();
    let num = |s: &str| s.parse::<f64>().unwrap_or(0.0); // ok: the grammar admits only decimals
    match p.as_rule() {
        Rule::percent => Literal::Percent(num(text.trim_end_matches('%')) / 100.0),
        Rule::points => Literal::Points(num(text.trim_end_matches("pp")) / 100.0),
        Rule::number => Literal::Number(num(text)),
        _ => Literal::Text(lower_string(p)),
    }
}

fn lower_param_def(p: P) -> ParamDef {
    let mut it = children(p);
    let name = it.next().map(ident);
    let value = it.next();
    let value_span = value.as_ref().map(span).unwrap_or_default();
    let value = value.map_or(Literal::Number(0.0), lower_literal);
    let doc = it.next().map(lower_string);
    ParamDef {
        name: name.unwrap_or_else(missing_ident),
        value,
        value_span,
        doc,
    }
}

fn missing_ident() -> Ident {
    Ident {
        name: String::new(),
        span: Span::default(),
    }
}

fn lower_cohort_def(p: P) -> CohortDef {
    let sp = span(&p);
    let mut it = children(p);
    let name = it.next().map_or_else(missing_ident, ident);
    let base = it.next().map_or_else(missing_ident, ident);
    let filter = it.next().map(lower_condition);
    CohortDef {
        name,
        base,
        filter,
        span: sp,
    }
}

fn lower_measure_def(p: P) -> MeasureDef {
    let sp = span(&p);
    let mut it = children(p);
    let name = it.next().map_or_else(missing_ident, ident);
    let param = it.next().map_or_else(missing_ident, ident);
    let body = it.next().map_or_else(|| missing_expr(sp), lower_expr);
    MeasureDef {
        name,
        param,
        body,
        span: sp,
    }
}

fn missing_expr(span: Span) -> Expr {
    Expr {
        kind: ExprKind::Lit(Literal::Number(0.0)),
        span,
    }
}

fn lower_rule_def(p: P) -> RuleDef {
    let sp = span(&p);
    let mut it = children(p);
    let id = it.next().map_or_else(missing_ident, ident);
    let title = it.next().map(lower_string).unwrap_or_default();
    let mut rule = RuleDef {
        id,
        title,
        question: None,
        cadence: None,
        tags: Vec::new(),
        ask: None,
        min_group: None,
        for_each: None,
        window: None,
        list: None,
        clauses: Vec::new(),
        span: sp,
        duplicates: Vec::new(),
    };
    for item in it {
        let item_span = span(&item);
        let dup = |name: &str, taken: bool, rule: &mut RuleDef| {
            if taken {
                rule.duplicates.push((name.to_string(), item_span));
            }
        };
        match item.as_rule() {
            Rule::question_meta => {
                dup("question", rule.question.is_some(), &mut rule);
                rule.question = children(item).next().map(ident);
            }
            Rule::cadence_meta => {
                dup("cadence", rule.cadence.is_some(), &mut rule);
                rule.cadence = children(item).next().map(ident);
            }
            Rule::tags_meta => rule.tags.extend(children(item).map(ident)),
            Rule::ask_meta => {
                dup("ask", rule.ask.is_some(), &mut rule);
                rule.ask = children(item).next().map(lower_string);
            }
            Rule::min_group_meta => {
                dup("min_group", rule.min_group.is_some(), &mut rule);
                rule.min_group = children(item).next().map(lower_expr);
            }
            Rule::for_each => {
                dup("for each", rule.for_each.is_some(), &mut rule);
                rule.for_each = Some(lower_for_each(item));
            }
            Rule::over_years => {
                dup("over last", rule.window.is_some(), &mut rule);
                let n = item
                    .into_inner()
                    .next()
                    .and_then(|n| n.as_str().parse::<f64>().ok())
                    .unwrap_or(0.0);
                // Anything but a small whole number is kept as 0, which the compiler reports.
                let n = if (0.0..=1000.0).contains(&n) && n.fract() == 0.0 {
                    n as u32
                } else {
                    0
                };
                rule.window = Some((n, item_span));
            }
            Rule::list_clause => {
                dup("list", rule.list.is_some(), &mut rule);
                rule.list = Some(lower_list_clause(item));
            }
            Rule::clause => rule.clauses.push(lower_clause(item)),
            _ => {}
        }
    }
    rule
}

fn lower_for_each(p: P) -> ForEach {
    let sp = span(&p);
    let mut it = children(p);
    let field = it
        .next()
        .map(|path| children(path).map(ident).collect())
        .unwrap_or_default();
    let cohort = it.next().map_or_else(missing_ident, ident);
    ForEach {
        field,
        cohort,
        span: sp,
    }
}

fn lower_list_clause(p: P) -> ListClause {
    let sp = span(&p);
    let mut it = children(p);
    let cohort = it.next().map_or_else(missing_ident, ident);
    let filter = it.next().map(lower_condition);
    ListClause {
        cohort,
        filter,
        span: sp,
    }
}

fn lower_clause(p: P) -> Clause {
    let mut severity = Severity::Note;
    let mut severity_span = Span::default();
    let mut when = None;
    let mut template = Template {
        parts: Vec::new(),
        span: span(&p),
    };
    for part in children(p) {
        match part.as_rule() {
            Rule::severity => {
                severity_span = span(&part);
                severity = Severity::parse(part.as_str()).unwrap_or(Severity::Note);
            }
            Rule::condition => when = Some(lower_condition(part)),
            Rule::template => template = lower_template(part),
            _ => {}
        }
    }
    Clause {
        severity,
        severity_span,
        when,
        template,
    }
}

fn lower_template(p: P) -> Template {
    let sp = span(&p);
    let mut parts = Vec::new();
    for part in children(p) {
        match part.as_rule() {
            Rule::template_text => {
                let t = unescape(&part.as_str().replace("{{", "{").replace("}}", "}"));
                parts.push(TemplatePart::Text(t));
            }
            Rule::interpolation => {
                if let Some(e) = children(part).next() {
                    parts.push(TemplatePart::Expr(lower_expr(e)));
                }
            }
            _ => {}
        }
    }
    Template { parts, span: sp }
}

fn lower_condition(p: P) -> Cond {
    // condition = { or_cond }
    match p.as_rule() {
        Rule::condition => match children(p).next() {
            Some(inner) => lower_condition(inner),
            None => Cond {
                kind: CondKind::And(Vec::new()),
                span: Span::default(),
            },
        },
        Rule::or_cond => lower_or_cond(p),
        Rule::and_cond => lower_and_cond(p),
        Rule::not_cond => lower_not_cond(p),
        Rule::comparison => lower_comparison(p),
        Rule::membership => lower_membership(p),
        Rule::within => lower_within(p),
        Rule::trend => lower_trend(p),
        Rule::blank_test => lower_blank_test(p),
        _ => lower_bare(p),
    }
}

fn lower_or_cond(p: P) -> Cond {
    let sp = span(&p);
    let mut parts: Vec<Cond> = children(p).map(lower_condition).collect();
    if parts.len() == 1 {
        return parts.remove(0);
    }
    Cond {
        kind: CondKind::Or(parts),
        span: sp,
    }
}

fn lower_and_cond(p: P) -> Cond {
    let sp = span(&p);
    let mut parts: Vec<Cond> = children(p).map(lower_condition).collect();
    if parts.len() == 1 {
        return parts.remove(0);
    }
    Cond {
        kind: CondKind::And(parts),
        span: sp,
    }
}

fn lower_not_cond(p: P) -> Cond {
    let sp = span(&p);
    let mut nots = 0;
    let mut inner = None;
    for part in children(p) {
        if part.as_rule() == Rule::kw_not {
            nots += 1;
        } else {
            inner = Some(lower_condition(part));
        }
    }
    let mut c = inner.unwrap_or(Cond {
        kind: CondKind::And(Vec::new()),
        span: sp,
    });
    for _ in 0..nots {
        c = Cond {
            kind: CondKind::Not(Box::new(c)),
            span: sp,
        };
    }
    c
}

fn lower_comparison(p: P) -> Cond {
    let sp = span(&p);
    let mut it = children(p);
    let l = it.next().map_or_else(|| missing_expr(sp), lower_expr);
    let op = it.next().map_or(CmpOp::Eq, lower_cmp_op);
    let r = it.next().map_or_else(|| missing_expr(sp), lower_expr);
    Cond {
        kind: CondKind::Cmp(op, l, r),
        span: sp,
    }
}

fn lower_cmp_op(p: P) -> CmpOp {
    match p.clone().into_inner().next().map(|i| i.as_rule()) {
        Some(Rule::sig_below) => return CmpOp::SigBelow,
        Some(Rule::sig_above) => return CmpOp::SigAbove,
        _ => {}
    }
    match p.as_str() {
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        ">=" => CmpOp::Ge,
        "!=" => CmpOp::Ne,
        _ => CmpOp::Eq,
    }
}

fn lower_membership(p: P) -> Cond {
    let sp = span(&p);
    let mut negated = false;
    let mut exprs = Vec::new();
    for part in children(p) {
        match part.as_rule() {
            Rule::not_in => negated = true,
            _ => exprs.push(lower_expr(part)),
        }
    }
    let value = if exprs.is_empty() {
        missing_expr(sp)
    } else {
        exprs.remove(0)
    };
    Cond {
        kind: CondKind::In {
            value,
            items: exprs,
            negated,
        },
        span: sp,
    }
}

fn lower_within(p: P) -> Cond {
    let sp = span(&p);
    let mut it = children(p).map(lower_expr);
    let value = it.next().unwrap_or_else(|| missing_expr(sp));
    let low = it.next().unwrap_or_else(|| missing_expr(sp));
    let high = it.next().unwrap_or_else(|| missing_expr(sp));
    Cond {
        kind: CondKind::Within { value, low, high },
        span: sp,
    }
}

fn lower_trend(p: P) -> Cond {
    let sp = span(&p);
    let mut it = children(p);
    let value = it.next().map_or_else(|| missing_expr(sp), lower_expr);
    let op = match it.next().and_then(|op| children(op).next()) {
        Some(o) if o.as_rule() == Rule::kw_rising => TrendOp::Rising,
        Some(o) if o.as_rule() == Rule::kw_falling => TrendOp::Falling,
        Some(o) => TrendOp::ChangedBy(Box::new(
            children(o).next().map_or_else(|| missing_expr(sp), lower_expr),
        )),
        None => TrendOp::Rising,
    };
    Cond {
        kind: CondKind::Trend(value, op),
        span: sp,
    }
}

fn lower_blank_test(p: P) -> Cond {
    let sp = span(&p);
    let mut value = None;
    let mut negated = false;
    for part in children(p) {
        match part.as_rule() {
            Rule::kw_not => negated = true,
            Rule::kw_is | Rule::kw_missing => {}
            _ => value = Some(lower_expr(part)),
        }
    }
    Cond {
        kind: CondKind::Missing {
            value: value.unwrap_or_else(|| missing_expr(sp)),
            negated,
        },
        span: sp,
    }
}

fn lower_bare(p: P) -> Cond {
    let sp = span(&p);
    let e = match p.as_rule() {
        Rule::bare => children(p).next().map_or_else(|| missing_expr(sp), lower_expr),
        _ => lower_expr(p),
    };
    Cond {
        kind: CondKind::Bare(e),
        span: sp,
    }
}

fn lower_expr(p: P) -> Expr {
    match p.as_rule() {
        Rule::expr | Rule::term => lower_binary(p),
        Rule::factor => lower_factor(p),
        Rule::postfix => lower_postfix(p),
        Rule::call => lower_call(p),
        Rule::name => {
            let i = ident(p);
            Expr {
                span: i.span,
                kind: ExprKind::Name(i),
            }
        }
        Rule::percent | Rule::points | Rule::number | Rule::string => Expr {
            span: span(&p),
            kind: ExprKind::Lit(lower_literal(p)),
        },
        _ => {
            let sp = span(&p);
            match children(p).next() {
                Some(inner) => lower_expr(inner),
                None => missing_expr(sp),
            }
        }
    }
}

/// `expr = term (add_op term)*`, `term = factor (mul_op factor)*`: left-associative.
fn lower_binary(p: P) -> Expr {
    let sp = span(&p);
    let mut it = children(p);
    let mut acc = it.next().map_or_else(|| missing_expr(sp), lower_expr);
    while let (Some(op), Some(rhs)) = (it.next(), it.next()) {
        let op = match op.as_str() {
            "+" => BinOp::Add,
            "-" => BinOp::Sub,
            "*" => BinOp::Mul,
            _ => BinOp::Div,
        };
        let rhs = lower_expr(rhs);
        let s = acc.span.join(rhs.span);
        acc = Expr {
            kind: ExprKind::Binary(op, Box::new(acc), Box::new(rhs)),
            span: s,
        };
    }
    acc
}

fn lower_factor(p: P) -> Expr {
    let sp = span(&p);
    let mut negate = false;
    let mut inner = None;
    for part in children(p) {
        if part.as_rule() == Rule::negate {
            negate = true;
        } else {
            inner = Some(lower_expr(part));
        }
    }
    let e = inner.unwrap_or_else(|| missing_expr(sp));
    if negate {
        Expr {
            kind: ExprKind::Neg(Box::new(e)),
            span: sp,
        }
    } else {
        e
    }
}

fn lower_postfix(p: P) -> Expr {
    let sp = span(&p);
    let mut it = children(p);
    let mut acc = it.next().map_or_else(|| missing_expr(sp), lower_expr);
    for field in it {
        let f = ident(field);
        let s = acc.span.join(f.span);
        acc = Expr {
            kind: ExprKind::Field(Box::new(acc), f),
            span: s,
        };
    }
    acc
}

fn lower_call(p: P) -> Expr {
    let sp = span(&p);
    let mut it = children(p);
    let name = it.next().map_or_else(missing_ident, ident);
    let args = it.map(lower_arg).collect();
    Expr {
        kind: ExprKind::Call { name, args },
        span: sp,
    }
}

fn lower_arg(p: P) -> Arg {
    let sp = span(&p);
    let mut value = None;
    let mut among = None;
    let mut filter = None;
    for part in children(p) {
        match part.as_rule() {
            Rule::among => among = children(part).next().map(ident),
            Rule::condition => filter = Some(lower_condition(part)),
            _ => value = Some(lower_expr(part)),
        }
    }
    Arg {
        value: value.unwrap_or_else(|| missing_expr(sp)),
        among,
        filter,
        span: sp,
    }
}
