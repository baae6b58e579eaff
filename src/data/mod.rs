//! Stage 1 — load data: the workspace's files become typed, columnar tables keyed by pupil and
//! academic year, linked to `pupils`. Nothing here knows about rules.

pub mod config;
pub mod load;
pub mod national;
pub mod schema;
pub mod sheet;
pub mod values;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::diag::{Diag, Diags, SourceFile};
pub use schema::{ColType, TableId};

/// One column's cells; `None` is a missing value (a blank cell), never zero.
#[derive(Debug, Clone)]
pub enum ColumnData {
    Num(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    Str(Vec<Option<Arc<str>>>),
    Year(Vec<Option<i32>>),
}

impl ColumnData {
    fn append(&mut self, other: ColumnData) {
        match (self, other) {
            (ColumnData::Num(a), ColumnData::Num(b)) => a.extend(b),
            (ColumnData::Bool(a), ColumnData::Bool(b)) => a.extend(b),
            (ColumnData::Str(a), ColumnData::Str(b)) => a.extend(b),
            (ColumnData::Year(a), ColumnData::Year(b)) => a.extend(b),
            // A column has one type in the schema, so parts always agree.
            _ => {}
        }
    }
    fn pad(&mut self, n: usize) {
        match self {
            ColumnData::Num(a) => a.extend(std::iter::repeat_n(None, n)),
            ColumnData::Bool(a) => a.extend(std::iter::repeat_n(None, n)),
            ColumnData::Str(a) => a.extend(std::iter::repeat_n(None, n)),
            ColumnData::Year(a) => a.extend(std::iter::repeat_n(None, n)),
        }
    }
    fn empty_like(&self) -> ColumnData {
        match self {
            ColumnData::Num(_) => ColumnData::Num(Vec::new()),
            ColumnData::Bool(_) => ColumnData::Bool(Vec::new()),
            ColumnData::Str(_) => ColumnData::Str(Vec::new()),
            ColumnData::Year(_) => ColumnData::Year(Vec::new()),
        }
    }

    pub fn is_missing(&self, row: usize) -> bool {
        match self {
            ColumnData::Num(v) => v[row].is_none(),
            ColumnData::Bool(v) => v[row].is_none(),
            ColumnData::Str(v) => v[row].is_none(),
            ColumnData::Year(v) => v[row].is_none(),
        }
    }
    pub fn num(&self, row: usize) -> Option<f64> {
        match self {
            ColumnData::Num(v) => v[row],
            ColumnData::Bool(v) => v[row].map(|b| if b { 1.0 } else { 0.0 }),
            _ => None,
        }
    }
    pub fn text(&self, row: usize) -> Option<&str> {
        match self {
            ColumnData::Str(v) => v[row].as_deref(),
            _ => None,
        }
    }
    pub fn boolean(&self, row: usize) -> Option<bool> {
        match self {
            ColumnData::Bool(v) => v[row],
            _ => None,
        }
    }
}

/// A loaded table: the columns of its schema that the file provides.
#[derive(Debug, Clone)]
pub struct Table {
    pub id: TableId,
    /// The file (or, for a table read from several, a source naming them all).
    pub source: SourceFile,
    /// Each file the table was read from, with the index of its first row.
    pub parts: Vec<(SourceFile, usize)>,
    /// Indexed like the schema's columns; `None` where the file lacks the column.
    pub columns: Vec<Option<ColumnData>>,
    /// The 1-based line in the file of each row, for diagnostics.
    pub lines: Vec<usize>,
    pub rows: usize,
    /// Where each provided column came from (a header, a constant, the row number).
    pub origins: Vec<Option<String>>,
    /// Things worth knowing about the file that do not stop a run.
    pub warnings: Vec<Diag>,
    /// Headers of the file that no canonical column was read from.
    pub unused_headers: Vec<String>,
}

impl Table {
    /// The file a row came from.
    pub fn source_of(&self, row: usize) -> &SourceFile {
        self.parts
            .iter()
            .rev()
            .find(|(_, start)| *start <= row)
            .map_or(&self.source, |(s, _)| s)
    }

    /// One table from several files of the same table, in order. A column one file lacks
    /// is missing for its rows.
    pub fn concat(mut parts: Vec<Table>) -> Table {
        if parts.len() == 1 {
            return parts.remove(0);
        }
        let first = parts.remove(0);
        let mut out = Table {
            source: SourceFile::new(
                std::iter::once(&first)
                    .chain(&parts)
                    .map(|t| t.source.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                "",
            ),
            ..first
        };
        // A column some files have and others lack is blank for the others' rows: say so.
        let all: Vec<&Table> = std::iter::once(&out).chain(&parts).collect();
        let mut notes = Vec::new();
        for (ci, col) in out.id.schema().columns.iter().enumerate() {
            let (with, without): (Vec<&&Table>, Vec<&&Table>) = all.iter().partition(|t| t.has(ci));
            if !with.is_empty() && !without.is_empty() {
                notes.push(Diag::warning(
                    "column-in-some-files",
                    format!(
                        "{}.{} is read from {} but {} has no such column: its rows have it blank",
                        out.id.schema().name,
                        col.name,
                        with.iter()
                            .map(|t| t.source.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                        without
                            .iter()
                            .map(|t| t.source.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        out.warnings.extend(notes);
        for t in parts {
            let offset = out.rows;
            for (ci, col) in out.columns.iter_mut().enumerate() {
                let theirs = t.columns.get(ci).cloned().flatten();
                match (col.as_mut(), theirs) {
                    (Some(mine), Some(theirs)) => mine.append(theirs),
                    (Some(mine), None) => mine.pad(t.rows),
                    (None, Some(mut theirs)) => {
                        let mut filled = theirs.empty_like();
                        filled.pad(offset);
                        filled.append(std::mem::replace(&mut theirs, filled.empty_like()));
                        *col = Some(filled);
                    }
                    (None, None) => {}
                }
            }
            for (ci, o) in t.origins.into_iter().enumerate() {
                if out.origins[ci].is_none() {
                    out.origins[ci] = o;
                }
            }
            out.parts
                .extend(t.parts.into_iter().map(|(s, start)| (s, start + offset)));
            out.lines.extend(t.lines);
            out.warnings.extend(t.warnings);
            for h in t.unused_headers {
                if !out.unused_headers.contains(&h) {
                    out.unused_headers.push(h);
                }
            }
            out.rows += t.rows;
        }
        out
    }

    pub fn column(&self, name: &str) -> Option<&ColumnData> {
        self.id
            .schema()
            .column(name)
            .and_then(|i| self.columns[i].as_ref())
    }
    pub fn has(&self, col: usize) -> bool {
        self.columns.get(col).is_some_and(Option::is_some)
    }
}

/// Rows of a linked table that belong to each pupils row (same pupil, same year), stored
/// compactly: the rows of pupil-row `i` are `rows[offsets[i]..offsets[i + 1]]`.
#[derive(Debug, Clone)]
pub struct Link {
    offsets: Vec<u32>,
    rows: Vec<u32>,
}

impl Link {
    pub fn rows_of(&self, pupil_row: usize) -> &[u32] {
        let (a, b) = (
            self.offsets[pupil_row] as usize,
            self.offsets[pupil_row + 1] as usize,
        );
        &self.rows[a..b]
    }
}

/// Every table of a workspace, linked, with its academic years.
#[derive(Debug)]
pub struct Dataset {
    pub tables: Vec<Option<Table>>,
    pub links: Vec<Option<Link>>,
    /// Academic years (start years) present in `pupils`, ascending.
    pub years: Vec<i32>,
    /// pupils rows of each year.
    pub rows_by_year: BTreeMap<i32, Vec<u32>>,
    pub current_year: i32,
    /// For each pupils row, the same pupil's row the academic year before, if any.
    pub prev_row: Vec<Option<u32>>,
    /// Academic years each linked table has rows for.
    pub table_years: Vec<std::collections::BTreeSet<i32>>,
    /// Problems that do not stop a run (e.g. rows that name no pupil on roll).
    pub warnings: Diags,
}

impl Dataset {
    pub fn table(&self, id: TableId) -> Option<&Table> {
        self.tables.get(id.0).and_then(Option::as_ref)
    }
    pub fn pupils(&self) -> Option<&Table> {
        self.table(TableId::PUPILS)
    }
    pub fn link(&self, id: TableId) -> Option<&Link> {
        self.links.get(id.0).and_then(Option::as_ref)
    }
    /// Whether a linked table has any row for the year: a clubs export for one year says
    /// nothing about participation in another.
    pub fn covers(&self, table: TableId, year: i32) -> bool {
        !self
            .table(table)
            .is_some_and(|t| t.id.schema().pupil_keyed && table != TableId::PUPILS)
            || self.table_years.get(table.0).is_some_and(|y| y.contains(&year))
    }

    pub fn has_column(&self, table: TableId, col: usize) -> bool {
        self.table(table).is_some_and(|t| t.has(col))
    }

    /// Links the loaded tables and settles the academic years. `current` is the configured
    /// current year, if any.
    pub fn assemble(tables: Vec<Option<Table>>, current: Option<i32>) -> Result<Dataset, Diags> {
        let mut diags = Diags::default();
        let Some(pupils) = tables.get(TableId::PUPILS.0).and_then(Option::as_ref) else {
            diags.push(
                Diag::error("no-pupils-table", "the workspace has no `pupils` table")
                    .help("name the pupils file in sencheck.toml: [tables.pupils] file = \"pupils.csv\""),
            );
            return Err(diags);
        };
        let (upn, year) = (key_column(pupils, "upn"), year_column(pupils));
        let mut index: HashMap<(&str, i32), usize> = HashMap::new();
        let mut rows_by_year: BTreeMap<i32, Vec<u32>> = BTreeMap::new();
        let mut duplicates = 0usize;
        let mut warnings_early: Vec<Diag> = Vec::new();
        for row in 0..pupils.rows {
            let (Some(u), Some(y)) = (upn.and_then(|c| c.text(row)), year.and_then(|c| c[row])) else {
                continue; // load already reported blank keys as errors
            };
            if let Some(&first) = index.get(&(u, y)) {
                duplicates += 1;
                // A file listed twice would give one error per row: a few, then a count.
                if duplicates <= 25 {
                    let first_file = pupils.source_of(first).name.clone();
                    diags.push(row_diag(
                        pupils,
                        row,
                        "duplicate-pupil",
                        format!("pupil {u} appears twice for {}", values::format_year(y)),
                        format!("first on line {} of {first_file}", pupils.lines[first]),
                    ));
                }
                continue;
            }
            index.insert((u, y), row);
            rows_by_year.entry(y).or_default().push(row as u32);
        }
        if duplicates > 25 {
            diags.push(
                Diag::error(
                    "duplicate-pupil",
                    format!(
                        "{} more pupils appear twice for a year (not shown)",
                        duplicates - 25
                    ),
                )
                .help("is a file listed twice, or are two exports of the same year both named?"),
            );
        }
        let years: Vec<i32> = rows_by_year.keys().copied().collect();
        let current_year = match current {
            Some(y) => {
                if !rows_by_year.contains_key(&y) {
                    diags.push(
                        Diag::error(
                            "year-not-in-data",
                            format!(
                                "the current year {} has no pupils in {}",
                                values::format_year(y),
                                pupils.source.name
                            ),
                        )
                        .help(format!(
                            "the pupils file holds {}",
                            if years.is_empty() {
                                "no years".to_string()
                            } else {
                                years
                                    .iter()
                                    .map(|y| values::format_year(*y))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            }
                        )),
                    );
                }
                y
            }
            None => match years.last() {
                Some(y) => {
                    // One mistyped year (2042/43) would otherwise become the year judged.
                    if years.len() >= 2 {
                        let (last, before) =
                            (rows_by_year[y].len(), rows_by_year[&years[years.len() - 2]].len());
                        if last * 10 < before {
                            warnings_early.push(
                                Diag::warning(
                                    "few-pupils-in-year",
                                    format!(
                                        "the latest year, {}, has {last} pupil row{} against {before} in {}: it is the year judged; is a year mistyped?",
                                        values::format_year(*y),
                                        if last == 1 { "" } else { "s" },
                                        values::format_year(years[years.len() - 2])
                                    ),
                                )
                                .help("to judge another year, set year = \"2024/25\" in sencheck.toml or use --year"),
                            );
                        }
                    }
                    *y
                }
                None => {
                    diags.push(Diag::error(
                        "no-pupils",
                        format!("{} has no pupil rows", pupils.source.name),
                    ));
                    0
                }
            },
        };

        let mut links = vec![None; tables.len()];
        let mut table_years = vec![std::collections::BTreeSet::new(); tables.len()];
        let mut warnings = Diags(warnings_early);
        for (i, t) in tables.iter().enumerate() {
            let Some(t) = t else { continue };
            if i == TableId::PUPILS.0 || !t.id.schema().pupil_keyed {
                continue;
            }
            let (tu, ty) = (key_column(t, "upn"), year_column(t));
            let mut per_pupil: Vec<Vec<u32>> = vec![Vec::new(); pupils.rows];
            let mut orphans: Vec<usize> = Vec::new();
            for row in 0..t.rows {
                let (Some(u), Some(y)) = (tu.and_then(|c| c.text(row)), ty.and_then(|c| c[row])) else {
                    continue;
                };
                match index.get(&(u, y)) {
                    Some(&p) => per_pupil[p].push(row as u32),
                    None => orphans.push(row),
                }
            }
            let example = |table: &Table, row: usize| {
                let u = key_column(table, "upn").and_then(|c| c.text(row)).unwrap_or("?");
                let y = year_column(table)
                    .and_then(|c| c[row])
                    .map_or("?".to_string(), values::format_year);
                format!("\"{u}\" in {y}")
            };
            if let Some(&first) = orphans.first() {
                let all = orphans.len() == t.rows;
                let msg = if all {
                    format!(
                        "none of the {} rows of {} names a pupil in {} for the same year",
                        t.rows, t.source.name, pupils.source.name
                    )
                } else {
                    format!(
                        "{} of {} rows in {} name a pupil who is not in {} for that year; they are not counted",
                        orphans.len(),
                        t.rows,
                        t.source.name,
                        pupils.source.name
                    )
                };
                let pupil_example = if pupils.rows > 0 {
                    example(pupils, 0)
                } else {
                    String::new()
                };
                let d = row_diag(t, first, "row-without-pupil", msg, "first such row").help(format!(
                    "this row has {}, the pupils file has for example {pupil_example}: check the pupil ids are written the same way (Excel drops leading zeros) and the academic years match",
                    example(t, first)
                ));
                // With no row linked, every figure from this table would silently be empty.
                if all {
                    diags.push(d)
                } else {
                    warnings.push(d.warn())
                }
            }
            let mut offsets = Vec::with_capacity(pupils.rows + 1);
            let mut rows = Vec::new();
            offsets.push(0u32);
            for r in per_pupil {
                rows.extend(r);
                offsets.push(rows.len() as u32);
            }
            links[i] = Some(Link { offsets, rows });
            table_years[i] = ty
                .map(|c| c.iter().flatten().copied().collect())
                .unwrap_or_default();
        }
        let mut prev_row = vec![None; pupils.rows];
        for (&(u, y), &row) in &index {
            if let Some(&p) = index.get(&(u, y - 1)) {
                prev_row[row] = Some(p as u32);
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Dataset {
            tables,
            links,
            years,
            rows_by_year,
            current_year,
            prev_row,
            table_years,
            warnings,
        })
    }
}

fn key_column<'a>(t: &'a Table, name: &str) -> Option<&'a ColumnData> {
    t.column(name)
}

fn year_column(t: &Table) -> Option<&Vec<Option<i32>>> {
    match t.column("year") {
        Some(ColumnData::Year(v)) => Some(v),
        _ => None,
    }
}

/// A diagnostic pointing at a whole row of a data file.
pub fn row_diag(t: &Table, row: usize, code: &'static str, msg: String, label: impl Into<String>) -> Diag {
    let line = t.lines.get(row).copied().unwrap_or(0);
    let source = t.source_of(row);
    let span = load::line_span(&source.text, line);
    Diag::error(code, msg).in_file(source).label(span, label)
}

impl Diag {
    fn warn(mut self) -> Self {
        self.level = crate::diag::Level::Warning;
        self
    }
}
