//! Reading a workspace's data files (CSV of any delimiter and the encodings UK school
//! software writes) into typed tables, with every bad cell reported at once.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::config::{TableConfig, Workspace, span_of};
use super::schema::{ColType, TableId, normalise_header};
use super::values::{self, Value, parse_cell};
use super::{ColumnData, Dataset, Table};
use crate::diag::{Diag, Diags, SourceFile, Span, did_you_mean};

/// How many bad cells of one file are shown before the rest are only counted.
const MAX_CELL_ERRORS: usize = 25;

/// Loads every table the workspace names and links them.
pub fn load_workspace(ws: &Workspace) -> Result<Dataset, Diags> {
    let mut diags = Diags::default();
    let mut tables: Vec<Option<Table>> = TableId::all().map(|_| None).collect();
    for (name, cfg) in &ws.config.tables {
        let Some(id) = TableId::by_name(name.get_ref()) else {
            let names: Vec<&str> = TableId::all().map(|t| t.schema().name).collect();
            let mut d = ws.diag_at(
                "unknown-table",
                format!("sencheck has no table called `{}`", name.get_ref()),
                span_of(name),
                "not a table",
            );
            d = d.help(match did_you_mean(name.get_ref(), names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? The tables are: {}", names.join(", ")),
                None => format!("the tables are: {}", names.join(", ")),
            });
            diags.push(d);
            continue;
        };
        match load_table(ws, id, cfg) {
            Ok(mut t) => {
                diags.0.append(&mut t.warnings);
                tables[id.0] = Some(t)
            }
            Err(e) => diags.extend(e),
        }
    }
    let current = match &ws.config.year {
        Some(y) => match values::parse_year(y.get_ref()) {
            Ok(v) => Some(v),
            Err(expected) => {
                diags.push(ws.diag_at(
                    "config-bad-value",
                    format!("`year = \"{}\"` is not an academic year", y.get_ref()),
                    span_of(y),
                    format!("expected {expected}"),
                ));
                None
            }
        },
        None => None,
    };
    if diags.has_errors() {
        return Err(diags);
    }
    let mut ds = Dataset::assemble(tables, current).map_err(|mut e| {
        e.0.splice(0..0, diags.0.drain(..));
        e
    })?;
    ds.warnings.0.splice(0..0, diags.0);
    Ok(ds)
}

/// Decodes a data file's bytes: UTF-8 (with or without BOM), UTF-16 with BOM, or the
/// Windows-1252 that Excel writes for "CSV" on a UK machine.
pub fn decode(bytes: &[u8], encoding: Option<&str>) -> Result<String, String> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Err("this file is a spreadsheet (an .xlsx or .ods workbook), not text: name it with its real extension, .xlsx".into());
    }
    if let Some(name) = encoding {
        let enc = encoding_rs::Encoding::for_label(name.trim().as_bytes()).ok_or_else(|| {
            format!("`{name}` is not an encoding sencheck knows (try utf-8 or windows-1252)")
        })?;
        let (text, _, _) = enc.decode(bytes);
        return Ok(text.into_owned());
    }
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _, _) = enc.decode(bytes);
        return Ok(text.into_owned());
    }
    // UTF-16 without a byte-order mark: half its bytes in the first line are zeros.
    let head = &bytes[..bytes.len().min(200)];
    let zeros_even = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let zeros_odd = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    if head.len() >= 4 && zeros_odd * 2 > head.len() / 2 {
        return Ok(encoding_rs::UTF_16LE.decode(bytes).0.into_owned());
    }
    if head.len() >= 4 && zeros_even * 2 > head.len() / 2 {
        return Ok(encoding_rs::UTF_16BE.decode(bytes).0.into_owned());
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    };
    // Old Mac exports end lines with a lone CR.
    Ok(if text.contains('\r') && !text.contains('\n') {
        text.replace('\r', "\n")
    } else {
        text
    })
}

fn delim_guess(text: &str) -> char {
    sniff_delimiter(text) as char
}

/// The delimiter most used in the header line, outside quotes.
pub fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0), (b'|', 0)];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for c in counts.iter_mut() {
                if c.0 == b {
                    c.1 += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|c| c.1)
        .filter(|c| c.1 > 0)
        .map_or(b',', |c| c.0)
}

/// Byte span of a 1-based line, without its line ending.
pub fn line_span(text: &str, line: usize) -> Span {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return Span::new(text.len(), text.len()),
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let end = if text[..end].ends_with('\r') { end - 1 } else { end };
    Span::new(start, end.max(start))
}

/// Byte span of field `index` of the record starting at `start`.
fn field_span(text: &str, start: usize, index: usize, delim: u8) -> Span {
    let bytes = text.as_bytes();
    let (mut field, mut quoted, mut field_start) = (0, false, start);
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && (b == delim || b == b'\n' || b == b'\r') {
            if field == index {
                return Span::new(field_start, i);
            }
            if b != delim {
                break;
            }
            field += 1;
            field_start = i + 1;
        }
        i += 1;
    }
    if field == index {
        Span::new(field_start, i)
    } else {
        line_span(text, text[..start].matches('\n').count() + 1)
    }
}

fn delimiter_of(ws: &Workspace, cfg: &TableConfig, text: &str) -> Result<u8, Diag> {
    let Some(d) = &cfg.delimiter else {
        return Ok(sniff_delimiter(text));
    };
    match d.get_ref().as_str() {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "\t" | "tab" => Ok(b'\t'),
        "|" | "pipe" => Ok(b'|'),
        other => Err(ws.diag_at(
            "config-bad-value",
            format!("`{other}` is not a delimiter sencheck reads"),
            span_of(d),
            "expected `,` `;` `tab` or `|`",
        )),
    }
}

/// How a canonical column is filled.
enum Source {
    Header(usize),
    Constant(Value),
    RowNumber,
    /// The academic year of the date in another column.
    YearOfDate(usize),
}

/// An academic year written in a file name: "Attendance 2023-24.csv", "pupils_2023_2024.xlsx".
fn year_in_name(file: &str) -> Option<i32> {
    let name = std::path::Path::new(file)
        .file_stem()?
        .to_string_lossy()
        .to_string();
    let b = name.as_bytes();
    (0..b.len()).find_map(|i| {
        let digits = |from: usize, n: usize| {
            b.get(from..from + n)
                .filter(|s| s.iter().all(u8::is_ascii_digit))
                .map(|s| String::from_utf8_lossy(s).into_owned())
        };
        let first = digits(i, 4)?;
        if i > 0 && b[i - 1].is_ascii_digit() {
            return None;
        }
        let sep = *b.get(i + 4)?;
        if !matches!(sep, b'-' | b'_' | b'/' | b' ') {
            return None;
        }
        let second = digits(i + 5, 4).or_else(|| digits(i + 5, 2))?;
        values::parse_year(&format!("{first}/{second}")).ok()
    })
}

/// Loads a table from its file, or from several (one per year, say) read one after another.
pub fn load_table(ws: &Workspace, id: TableId, cfg: &TableConfig) -> Result<Table, Diags> {
    let files = cfg.file.get_ref().names();
    if files.is_empty() {
        return Err(Diags(vec![ws.diag_at(
            "config-bad-value",
            format!("the {} table names no file", id.schema().name),
            span_of(&cfg.file),
            "expected a file name",
        )]));
    }
    let mut parts = Vec::new();
    let mut diags = Diags::default();
    if let Some(twice) = files
        .iter()
        .enumerate()
        .find_map(|(i, f)| files[..i].contains(f).then_some(*f))
    {
        diags.push(ws.diag_at(
            "config-bad-value",
            format!(
                "{twice} is listed twice for the {} table; its rows would count twice",
                id.schema().name
            ),
            span_of(&cfg.file),
            "named twice",
        ));
    }
    if files.len() > 1
        && let Some(key) = &cfg.row_id
    {
        diags.push(
            ws.diag_at(
                "config-bad-value",
                "row_id numbers the rows of one file; across several files row 1 of each would be the same pupil",
                span_of(key),
                "with several files",
            )
            .help("give each pupil an id in the exports, or read one file"),
        );
    }
    if diags.has_errors() {
        return Err(diags);
    }
    for file in files {
        match load_file(ws, id, cfg, file) {
            Ok(t) => parts.push(t),
            Err(e) => diags.extend(e),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Table::concat(parts))
}

fn load_file(ws: &Workspace, id: TableId, cfg: &TableConfig, file: &str) -> Result<Table, Diags> {
    let schema = id.schema();
    let mut diags = Diags::default();
    let mut shown = if ws.embedded.is_some() {
        format!("{}/{}", ws.dir.display(), file)
    } else {
        ws.dir.join(file).display().to_string()
    };
    let bytes = ws.read(file).map_err(|e| {
        Diags(vec![
            ws.diag_at(
                "data-file-unreadable",
                format!("cannot read the {} file {shown}: {e}", schema.name),
                span_of(&cfg.file),
                "named here",
            )
            .help("paths are relative to the folder that holds sencheck.toml"),
        ])
    })?;
    let mut other_sheets: Vec<String> = Vec::new();
    if let Some(sheet) = &cfg.sheet
        && !super::sheet::is_spreadsheet(file)
    {
        diags.push(ws.diag_at(
            "config-bad-value",
            format!("`sheet` is for spreadsheets, and {file} is a text export"),
            span_of(sheet),
            "not a spreadsheet",
        ));
    }
    let text = if super::sheet::is_spreadsheet(file) {
        let (text, sheet, all) =
            super::sheet::to_csv(bytes, cfg.sheet.as_ref().map(|s| s.get_ref().as_str())).map_err(|msg| {
                Diags(vec![ws.diag_at(
                    "data-file-unreadable",
                    format!("the {} file {shown} {msg}", schema.name),
                    cfg.sheet.as_ref().map_or_else(|| span_of(&cfg.file), span_of),
                    "named here",
                )])
            })?;
        shown = format!("{shown} (sheet {sheet})");
        other_sheets = all.into_iter().filter(|n| *n != sheet).collect();
        text
    } else {
        let text = decode(&bytes, cfg.encoding.as_ref().map(|e| e.get_ref().as_str())).map_err(|msg| {
            Diags(vec![ws.diag_at(
                "config-bad-value",
                msg,
                cfg.encoding.as_ref().map_or_else(|| span_of(&cfg.file), span_of),
                "this encoding",
            )])
        })?;
        // A BOM decoded as text would become part of the first header.
        text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text)
    };
    let source = SourceFile::new(shown.clone(), Arc::<str>::from(text.as_str()));
    let delim = if super::sheet::is_spreadsheet(file) {
        b','
    } else {
        delimiter_of(ws, cfg, &text).map_err(|d| Diags(vec![d]))?
    };

    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => {
            return Err(Diags(vec![
                Diag::error(
                    "csv-malformed",
                    format!("cannot read the header line of {shown}: {e}"),
                )
                .in_file(&source),
            ]));
        }
    };
    if headers.iter().all(String::is_empty) {
        return Err(Diags(vec![
            Diag::error(
                "csv-empty",
                if text.trim().is_empty() {
                    format!("{shown} is empty")
                } else {
                    format!("the first line of {shown} names no columns")
                },
            )
            .in_file(&source)
            .label(line_span(&text, 1), "the header line")
            .help("a data file starts with a header line naming its columns; remove any title or blank lines above it"),
        ]));
    }
    let normalised: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();

    // Which source fills each canonical column.
    let mut sources: Vec<Option<Source>> = schema.columns.iter().map(|_| None).collect();
    let mut origins: Vec<Option<String>> = schema.columns.iter().map(|_| None).collect();
    let canonical: Vec<&str> = schema.columns.iter().map(|c| c.name).collect();
    let unknown_column = |key: &toml::Spanned<String>| {
        let mut d = ws.diag_at(
            "unknown-column",
            format!("the {} table has no column `{}`", schema.name, key.get_ref()),
            span_of(key),
            "not a column of this table",
        );
        d = d.help(match did_you_mean(key.get_ref(), canonical.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? Its columns are: {}", canonical.join(", ")),
            None => format!("its columns are: {}", canonical.join(", ")),
        });
        d
    };
    for (key, header) in &cfg.columns {
        let Some(ci) = schema.column(key.get_ref()) else {
            diags.push(unknown_column(key));
            continue;
        };
        let want = header.get_ref().trim();
        match headers.iter().position(|h| h == want).or_else(|| {
            let n = normalise_header(want);
            normalised.iter().position(|h| *h == n)
        }) {
            Some(hi) => {
                sources[ci] = Some(Source::Header(hi));
                origins[ci] = Some(format!("column \"{}\"", headers[hi]));
            }
            None => {
                let mut d = ws.diag_at(
                    "missing-column",
                    format!("{shown} has no column \"{want}\""),
                    span_of(header),
                    "this header is not in the file",
                );
                d = d.help(match did_you_mean(want, headers.iter().map(String::as_str)) {
                    Some(s) => format!(
                        "did you mean \"{s}\"? The file's headers are: {}",
                        headers.join(", ")
                    ),
                    None => format!("the file's headers are: {}", headers.join(", ")),
                });
                diags.push(d);
            }
        }
    }
    for (key, value) in &cfg.constants {
        let Some(ci) = schema.column(key.get_ref()) else {
            diags.push(unknown_column(key));
            continue;
        };
        let text = match value.get_ref() {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            _ => String::new(),
        };
        match parse_cell(schema.columns[ci].ty, text.trim()) {
            Ok(Some(v)) => {
                sources[ci] = Some(Source::Constant(v));
                origins[ci] = Some(format!("constant {text}"));
            }
            Ok(None) | Err(_) => diags.push(ws.diag_at(
                "config-bad-value",
                format!(
                    "the constant for {}.{} is not {}",
                    schema.name,
                    key.get_ref(),
                    schema.columns[ci].ty.describe()
                ),
                span_of(value),
                format!("expected {}", schema.columns[ci].ty.describe()),
            )),
        }
    }
    if let Some(key) = &cfg.row_id {
        match schema.column(key.get_ref()) {
            Some(ci) if schema.columns[ci].ty != ColType::Id => diags.push(
                ws.diag_at(
                    "config-bad-value",
                    format!("row_id numbers pupils; {}.{} is not a pupil id", schema.name, key.get_ref()),
                    span_of(key),
                    "expected row_id = \"upn\"",
                )
                .help("row_id = \"upn\" gives each row its own pupil id, for exports with one row per pupil and no id"),
            ),
            Some(ci) => {
                sources[ci] = Some(Source::RowNumber);
                origins[ci] = Some("row number".to_string());
            }
            None => diags.push(unknown_column(key)),
        }
    }
    let mut warnings: Vec<Diag> = Vec::new();
    // Default aliases for whatever is still unfilled.
    for (ci, col) in schema.columns.iter().enumerate() {
        if sources[ci].is_some() {
            continue;
        }
        // Aliases in order, so "Academic Year" wins over a "Year" column of year groups.
        let taken: Vec<usize> = sources
            .iter()
            .filter_map(|s| match s {
                Some(Source::Header(h)) => Some(*h),
                _ => None,
            })
            .collect();
        let candidates: Vec<usize> = (0..normalised.len())
            .filter(|i| !taken.contains(i) && col.aliases.contains(&normalised[*i].as_str()))
            .collect();
        if let Some(hi) = col.aliases.iter().find_map(|a| {
            normalised
                .iter()
                .enumerate()
                .position(|(i, h)| h == a && !taken.contains(&i))
        }) {
            if candidates.len() > 1 {
                // Name columns by position too: two columns may carry the same header.
                let names: Vec<String> = candidates
                    .iter()
                    .map(|&i| format!("\"{}\" (column {})", headers[i], i + 1))
                    .collect();
                warnings.push(
                    Diag::warning(
                        "ambiguous-column",
                        format!(
                            "{shown}: {} could each be {}.{}; column {} is used",
                            names.join(" and "),
                            schema.name,
                            col.name,
                            hi + 1
                        ),
                    )
                    .in_file(&source)
                    .label(line_span(&text, 1), "headers")
                    .help(format!(
                        "to choose, name it in sencheck.toml: [tables.{}.columns] {} = \"...\"",
                        schema.name, col.name
                    )),
                );
            }
            sources[ci] = Some(Source::Header(hi));
            origins[ci] = Some(format!("column \"{}\"", headers[hi]));
        }
    }
    // Several files with one year constant would all be stamped that year.
    let files = cfg.file.get_ref().names();
    if files.len() > 1
        && let Some((key, _)) = cfg.constants.iter().find(|(k, _)| k.get_ref() == "year")
    {
        diags.push(
            ws.diag_at(
                "config-bad-value",
                format!("one `year` for the {} files of the {} table would stamp them all the same year", files.len(), schema.name),
                span_of(key),
                "the same year for every file",
            )
            .help("remove the constant: sencheck reads each file's year from a year column, from a date column, or from the file name (\"Attendance 2023-24.csv\")"),
        );
    }
    // No year column or constant: from a date column (September to August), else from the
    // file name, so an export per year needs no editing.
    if let Some(yi) = schema.column("year")
        && sources[yi].is_none()
    {
        let date_col = schema
            .columns
            .iter()
            .position(|c| c.ty == ColType::Date)
            .filter(|&d| matches!(sources[d], Some(Source::Header(_))));
        if let Some(d) = date_col {
            sources[yi] = Some(Source::YearOfDate(d));
            origins[yi] = Some(format!("the academic year of {}", schema.columns[d].name));
        } else if let Some(y) = year_in_name(file) {
            sources[yi] = Some(Source::Constant(Value::Year(y)));
            origins[yi] = Some(format!("{} from the file name", values::format_year(y)));
        }
    }
    // When the keys are missing, the usual cause is that the headers are not on the first row
    // (a title above them) or not on this sheet.
    let first_line_cells = text.lines().next().map_or(0, |l| {
        l.split(delim_guess(&text))
            .filter(|c| !c.trim().is_empty())
            .count()
    });
    let layout_hint = if first_line_cells <= 1 && text.lines().nth(1).is_some() {
        Some(format!(
            "the first line looks like a title, not column headers (\"{}\"): remove the lines above the headers. ",
            text.lines()
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches(|c| c == ',' || c == ';' || c == '"')
        ))
    } else if !other_sheets.is_empty() {
        Some(format!(
            "this workbook also has the sheets {}: choose one with sheet = \"...\". ",
            other_sheets.join(", ")
        ))
    } else {
        None
    };
    if schema.pupil_keyed {
        for key in ["upn", "year"] {
            let ci = schema.column(key).unwrap_or(0);
            if sources[ci].is_none() {
                let layout_hint = layout_hint.clone().unwrap_or_default();
                diags.push(
                    Diag::error(
                        "missing-column",
                        format!("{shown} has no `{key}` column, which every {} row needs", schema.name),
                    )
                    .in_file(&source)
                    .label(line_span(&text, 1), "headers")
                    .help(if key == "upn" {
                        format!("{layout_hint}name the pupil id column in sencheck.toml: [tables.{}.columns] upn = \"...\" (or row_id = \"upn\" when every row is a different pupil); the file's headers are: {}", schema.name, headers.join(", "))
                    } else {
                        format!("{layout_hint}name the year column in sencheck.toml: [tables.{}.columns] year = \"...\", or give one for the whole file: [tables.{}.constants] year = \"2024/25\" (an export per year can also carry the year in its file name)", schema.name, schema.name)
                    }),
                );
            }
        }
    }
    // Value maps: canonical column → (lower-cased file value → canonical text).
    let mut maps: Vec<BTreeMap<String, String>> = schema.columns.iter().map(|_| BTreeMap::new()).collect();
    if id.schema().name == "results" {
        // GCSE "U" (ungraded) scores no points; "X" (no result) is missing.
        for c in ["grade", "target", "predicted", "estimate"] {
            if let Some(ci) = schema.column(c) {
                maps[ci].insert("u".into(), "0".into());
                maps[ci].insert("x".into(), String::new());
            }
        }
    }
    for (key, map) in &cfg.values {
        let Some(ci) = schema.column(key.get_ref()) else {
            diags.push(unknown_column(key));
            continue;
        };
        for (from, to) in map {
            let target = to.get_ref().trim();
            if !target.is_empty()
                && let Err(expected) = parse_cell(schema.columns[ci].ty, target)
            {
                {
                    diags.push(ws.diag_at(
                        "config-bad-value",
                        format!("\"{from}\" maps to \"{target}\", which is not {expected}"),
                        span_of(to),
                        format!("expected {expected}"),
                    ));
                }
            }
            maps[ci].insert(from.trim().to_lowercase(), target.to_string());
        }
    }
    // Row filters: header → accepted values.
    let mut keep: Vec<(usize, Vec<String>)> = Vec::new();
    for (header, accepted) in &cfg.keep {
        // As for `columns`: the exact header, else one that differs only in case and punctuation.
        let want = header.get_ref().trim();
        match headers.iter().position(|h| h == want).or_else(|| {
            let n = normalise_header(want);
            normalised.iter().position(|h| *h == n)
        }) {
            Some(hi) => keep.push((hi, accepted.iter().map(|a| a.trim().to_lowercase()).collect())),
            None => diags.push(
                ws.diag_at(
                    "missing-column",
                    format!("{shown} has no column \"{}\" to keep rows by", header.get_ref()),
                    span_of(header),
                    "not a header of the file",
                )
                .help(format!("the file's headers are: {}", headers.join(", "))),
            ),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }

    // Read the rows.
    let mut columns: Vec<Option<ColumnData>> = schema
        .columns
        .iter()
        .zip(&sources)
        .map(|(c, s)| {
            s.as_ref().map(|_| match c.ty {
                ColType::Number | ColType::Percent => ColumnData::Num(Vec::new()),
                ColType::Bool => ColumnData::Bool(Vec::new()),
                ColType::Year => ColumnData::Year(Vec::new()),
                _ => ColumnData::Str(Vec::new()),
            })
        })
        .collect();
    let mut lines = Vec::new();
    let mut cell_errors = 0usize;
    let mut data_row = 0usize;
    let mut record = csv::StringRecord::new();
    let mut lines_before = LineCounter::default();
    let mut bad: Vec<BadValue> = Vec::new();
    // For percentage columns: whether each row's cell carried a % sign.
    let mut percent_signed: std::collections::HashMap<usize, Vec<bool>> = Default::default();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                diags.push(
                    Diag::error(
                        "csv-malformed",
                        format!("{shown} line {line} cannot be read as CSV: {e}"),
                    )
                    .in_file(&source)
                    .label(line_span(&text, line), "this line")
                    .help("look for an unmatched quote or a line break inside a cell"),
                );
                break;
            }
        }
        data_row += 1;
        // The csv crate starts a record after a CRLF's '\r', so its line number is one short
        // for Windows files; count lines from the record's first real byte instead.
        let mut start = record.position().map_or(0, |p| p.byte() as usize);
        while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let line = lines_before.advance(&text, start);
        // Excel leaves rows of bare delimiters at the end of a sheet.
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // A missing closing quote makes one "cell" swallow the rows after it.
        if let Some(hi) = record
            .iter()
            .position(|c| c.contains('\n') && c.contains(delim as char))
        {
            diags.push(
                Diag::error("csv-malformed", format!("{shown} line {line}: a quoted cell runs on over several lines"))
                    .in_file(&source)
                    .label(field_span(&text, start, hi, delim), "this cell starts a quote that ends lines later")
                    .help("a closing quote is probably missing; the rows after it would be read as part of this cell"),
            );
            cell_errors += 1;
            continue;
        }
        if record.len() != headers.len() {
            cell_errors += 1;
            if cell_errors > MAX_CELL_ERRORS {
                continue;
            }
            diags.push(
                Diag::error(
                    "csv-field-count",
                    format!(
                        "{shown} line {line} has {} fields but the header has {}",
                        record.len(),
                        headers.len()
                    ),
                )
                .in_file(&source)
                .label(line_span(&text, line), format!("{} fields", record.len()))
                .help("a cell containing the delimiter must be quoted, or a quote is not closed"),
            );
            continue;
        }
        if !keep
            .iter()
            .all(|(hi, acc)| acc.contains(&record.get(*hi).unwrap_or("").trim().to_lowercase()))
        {
            continue;
        }
        lines.push(line);
        for (ci, src) in sources.iter().enumerate() {
            let Some(src) = src else { continue };
            let col = &schema.columns[ci];
            let parsed = match src {
                Source::Constant(v) => Ok(Some(v.clone())),
                Source::RowNumber => Ok(Some(Value::Str(format!("ROW{data_row:05}")))),
                // The date's own cell reports a bad date; here a blank year follows it.
                Source::YearOfDate(d) => Ok(match &sources[*d] {
                    Some(Source::Header(hi)) => values::parse_date(record.get(*hi).unwrap_or(""))
                        .ok()
                        .and_then(|date| values::academic_year_of(&date))
                        .map(Value::Year),
                    _ => None,
                }),
                Source::Header(hi) => {
                    let raw = record.get(*hi).unwrap_or("").trim();
                    let mapped = maps[ci].get(&raw.to_lowercase()).map_or(raw, String::as_str);
                    parse_cell(col.ty, mapped).map_err(|expected| (*hi, raw.to_string(), expected))
                }
            };
            let value = match parsed {
                Ok(v) => v,
                Err((hi, raw, expected)) => {
                    // One diagnostic per distinct bad value of a column, not per row: an
                    // unmapped "Monitoring" on 200 rows is one thing to fix.
                    match bad.iter_mut().find(|b| b.column == ci && b.raw == raw) {
                        Some(b) => b.rows += 1,
                        None => bad.push(BadValue {
                            column: ci,
                            header: hi,
                            raw,
                            expected,
                            line,
                            span: field_span(&text, start, hi, delim),
                            rows: 1,
                        }),
                    }
                    None
                }
            };
            if matches!(col.name, "upn" | "year")
                && value.is_none()
                && cell_errors <= MAX_CELL_ERRORS
                && let Source::Header(hi) = src
                && record.get(*hi).is_some_and(|c| c.trim().is_empty())
            {
                cell_errors += 1;
                diags.push(
                    Diag::error(
                        "missing-key",
                        format!("{shown} line {line}: the {} cell is blank", col.name),
                    )
                    .in_file(&source)
                    .label(field_span(&text, start, *hi, delim), "blank")
                    .help("every row needs the pupil and the academic year"),
                );
            }
            if col.ty == ColType::Percent {
                let signed = matches!(src, Source::Header(hi) if record.get(*hi).is_some_and(|c| c.trim().ends_with('%')));
                percent_signed.entry(ci).or_default().push(signed);
            }
            push_value(columns[ci].as_mut(), value);
        }
    }
    for (i, b) in bad.iter().enumerate() {
        if i == MAX_CELL_ERRORS {
            diags.push(Diag::error(
                "bad-value",
                format!("{shown}: {} more values not shown", bad.len() - MAX_CELL_ERRORS),
            ));
            break;
        }
        let col = &schema.columns[b.column];
        let rows = if b.rows == 1 {
            String::new()
        } else {
            format!(" ({} rows, the first on line {})", b.rows, b.line)
        };
        // Every bad value of the column in one snippet to paste into sencheck.toml.
        let all: Vec<String> = bad
            .iter()
            .filter(|o| o.column == b.column)
            .map(|o| format!("\"{}\" = \"...\"", o.raw.replace('"', "\\\"")))
            .collect();
        let looks_like_year_group =
            col.name == "year" && values::parse_number(&b.raw).is_ok_and(|n| (1.0..=14.0).contains(&n));
        let help = if looks_like_year_group {
            format!(
                "\"{}\" looks like a year group, not an academic year: map this column as the year group, [tables.{}.columns] year_group = \"{}\", and give the academic year with year = \"...\" in [tables.{}.constants] or another column",
                b.raw, schema.name, headers[b.header], schema.name
            )
        } else {
            format!(
                "fix the cell, or map the value in sencheck.toml:\n[tables.{}.values.{}]\n{}",
                schema.name,
                col.name,
                all.join("\n")
            )
        };
        diags.push(
            Diag::error(
                "bad-value",
                format!(
                    "{shown} line {}, column \"{}\" ({}.{}): \"{}\" is not {}{rows}",
                    b.line, headers[b.header], schema.name, col.name, b.raw, b.expected
                ),
            )
            .in_file(&source)
            .label(b.span, format!("expected {}", b.expected))
            .help(help),
        );
    }
    if cell_errors > MAX_CELL_ERRORS {
        diags.push(Diag::error(
            "bad-value",
            format!(
                "{shown}: {} more bad rows not shown ({cell_errors} in all)",
                cell_errors - MAX_CELL_ERRORS
            ),
        ));
    }
    scale_percentages(
        schema,
        &sources,
        &mut columns,
        &lines,
        &source,
        &mut diags,
        &mut percent_signed,
    );
    if schema.name == "benchmarks" {
        check_benchmarks(
            schema,
            &columns,
            &lines,
            &source,
            &text,
            &mut diags,
            &mut warnings,
        );
    }
    if id.schema().name == "attendance" {
        derive_attendance(schema, &mut columns, &mut origins, lines.len());
        check_sessions(
            schema,
            &columns,
            &origins,
            &lines,
            &source,
            &mut diags,
            &mut warnings,
        );
    }
    if diags.has_errors() {
        return Err(diags);
    }
    if lines.is_empty() && !diags.has_errors() {
        warnings.push(
            Diag::warning("no-rows", format!("{shown} has a header line but no rows"))
                .in_file(&source)
                .label(line_span(&text, 1), "headers only")
                .help("rules that need this table are not run; check the export's date range or filters"),
        );
    }
    let used: Vec<usize> = sources
        .iter()
        .filter_map(|s| match s {
            Some(Source::Header(h)) => Some(*h),
            _ => None,
        })
        .collect();
    let unused_headers = headers
        .iter()
        .enumerate()
        .filter(|(i, h)| !used.contains(i) && !h.is_empty())
        .map(|(_, h)| h.clone())
        .collect();
    Ok(Table {
        id,
        unused_headers,
        parts: vec![(source.clone(), 0)],
        source,
        columns,
        rows: lines.len(),
        lines,
        origins,
        warnings,
    })
}

/// A benchmarks file refines built-in national figures: it needs every key column, names
/// measures and groups sencheck knows, and gives percentages that can be.
fn check_benchmarks(
    schema: &super::schema::TableSchema,
    columns: &[Option<ColumnData>],
    lines: &[usize],
    source: &SourceFile,
    text: &str,
    diags: &mut Diags,
    warnings: &mut Vec<Diag>,
) {
    let col = |n: &str| {
        schema
            .column(n)
            .and_then(|i| columns.get(i))
            .and_then(Option::as_ref)
    };
    let missing: Vec<&str> = ["measure", "year", "group", "value"]
        .into_iter()
        .filter(|n| col(n).is_none())
        .collect();
    if !missing.is_empty() {
        diags.push(
            Diag::error(
                "missing-column",
                format!(
                    "{} has no {} column, which a benchmarks file needs",
                    source.name,
                    missing.join(", ")
                ),
            )
            .in_file(source)
            .label(line_span(text, 1), "headers")
            .help("a benchmarks file has the columns measure, year, group, value and (optionally) source"),
        );
        return;
    }
    let (Some(m), Some(g), Some(v)) = (col("measure"), col("group"), col("value")) else {
        return;
    };
    let mut unknown: Vec<String> = Vec::new();
    for (r, &line) in lines.iter().enumerate() {
        let (Some(measure), Some(group)) = (m.text(r), g.text(r)) else {
            continue;
        };
        match super::national::unit(measure, group) {
            None => {
                let pair = format!("{measure}/{group}");
                if !unknown.contains(&pair) {
                    unknown.push(pair);
                }
            }
            Some(crate::plan::Unit::Percent) if v.num(r).is_some_and(|x| !(0.0..=100.0).contains(&x)) => {
                diags.push(
                    Diag::error(
                        "bad-value",
                        format!(
                            "{} line {}: a percentage of {} is not possible",
                            source.name,
                            line,
                            v.num(r).unwrap_or(0.0)
                        ),
                    )
                    .in_file(source)
                    .label(line_span(text, line), "this row")
                    .help("benchmark percentages are written as in the national figures: 17.84 for 17.84%"),
                );
            }
            _ => {}
        }
    }
    if !unknown.is_empty() {
        warnings.push(
            Diag::warning(
                "unknown-benchmark",
                format!(
                    "{}: no rule can use {} (sencheck's national figures have no such measure and group)",
                    source.name,
                    unknown.join(", ")
                ),
            )
            .help("names are as in national(measure, group); docs/language.md lists them"),
        );
    }
}

/// Percentage columns become fractions: cells with a % sign are already; bare numbers are
/// scaled by the whole column (see `values::percent_scale`), then every value must be 0–100%.
fn scale_percentages(
    schema: &super::schema::TableSchema,
    sources: &[Option<Source>],
    columns: &mut [Option<ColumnData>],
    lines: &[usize],
    source: &SourceFile,
    diags: &mut Diags,
    signed: &mut std::collections::HashMap<usize, Vec<bool>>,
) {
    for (ci, col) in schema.columns.iter().enumerate() {
        if col.ty != ColType::Percent {
            continue;
        }
        let Some(Some(ColumnData::Num(values))) = columns.get_mut(ci) else {
            continue;
        };
        let marks = signed.remove(&ci).unwrap_or_default();
        let constant = matches!(sources.get(ci), Some(Some(Source::Constant(_))));
        let is_signed = |r: usize| marks.get(r).copied().unwrap_or(false);
        let scale = if constant {
            values::percent_scale(values.first().copied().flatten())
        } else {
            values::percent_scale(
                values
                    .iter()
                    .enumerate()
                    .filter(|(r, _)| !is_signed(*r))
                    .filter_map(|(_, v)| *v),
            )
        };
        let mut shown = 0;
        for (r, v) in values.iter_mut().enumerate() {
            let Some(x) = v else { continue };
            if !is_signed(r) {
                *x *= scale;
            }
            if !(0.0..=1.0).contains(x) {
                if shown < MAX_CELL_ERRORS {
                    let line = lines.get(r).copied().unwrap_or(0);
                    diags.push(
                        Diag::error(
                            "bad-value",
                            format!(
                                "{} line {line} ({}.{}): {} is not {}",
                                source.name,
                                schema.name,
                                col.name,
                                format_value_percent(*x),
                                values::PERCENT_EXPECTED
                            ),
                        )
                        .in_file(source)
                        .label(line_span(&source.text, line), "this row")
                        .help("a percentage is at most 100%"),
                    );
                }
                shown += 1;
                *v = None;
            }
        }
    }
}

fn format_value_percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A distinct bad value of a column, with where it first appears and how often.
struct BadValue {
    column: usize,
    header: usize,
    raw: String,
    expected: String,
    line: usize,
    span: Span,
    rows: usize,
}

/// 1-based line numbers of increasing byte offsets, counted once through the text.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: usize,
}

impl LineCounter {
    fn advance(&mut self, text: &str, to: usize) -> usize {
        let to = to.min(text.len());
        if to >= self.offset {
            self.line += text.as_bytes()[self.offset..to]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.offset = to;
        }
        self.line + 1
    }
}

/// Sessions that cannot be: negative, or more attended or missed than were possible. A rate
/// built on them would be wrong, so they are errors, all reported together.
fn check_sessions(
    schema: &super::schema::TableSchema,
    columns: &[Option<ColumnData>],
    origins: &[Option<String>],
    lines: &[usize],
    source: &SourceFile,
    diags: &mut Diags,
    warnings: &mut Vec<Diag>,
) {
    let num = |n: &str| match schema.column(n).and_then(|i| columns.get(i)) {
        Some(Some(ColumnData::Num(v))) => Some(v),
        _ => None,
    };
    let from_file = |n: &str| {
        schema
            .column(n)
            .and_then(|i| origins.get(i))
            .is_some_and(|o| o.as_deref().is_some_and(|o| o.starts_with("column")))
    };
    let (possible, present, absent) = (num("possible"), num("present"), num("absent"));
    let (authorised, unauthorised) = (num("authorised"), num("unauthorised"));
    // With all three in the file they must agree, or attendance and absence rates would
    // be drawn from different numbers.
    let all_three = from_file("possible") && from_file("present") && from_file("absent");
    let mut shown = 0;
    let mut bad = 0;
    let mut mismatched: Option<(usize, f64, f64, f64)> = None;
    let mut mismatches = 0usize;
    for row in 0..lines.len() {
        let p = possible.and_then(|v| v[row]);
        let (pr, ab) = (present.and_then(|v| v[row]), absent.and_then(|v| v[row]));
        let negative_part = [authorised, unauthorised]
            .iter()
            .flatten()
            .find_map(|v| v[row].filter(|x| *x < 0.0));
        let problem = match (p, pr, ab) {
            (Some(p), _, _) if p < 0.0 => Some(format!("{p} possible sessions")),
            _ if negative_part.is_some() => {
                Some(format!("{} sessions of absence", negative_part.unwrap_or(0.0)))
            }
            (Some(p), Some(x), Some(y)) if all_three && (x + y - p).abs() > 1e-6 => {
                // Some registers count other marks (approved activities, late) apart: a
                // warning, since attendance uses attended/possible and absence missed/possible.
                if mismatched.is_none() {
                    mismatched = Some((lines[row], x, y, p));
                }
                mismatches += 1;
                None
            }
            (Some(p), Some(x), _) if x > p + 1e-9 => {
                Some(format!("{x} sessions attended out of {p} possible"))
            }
            (Some(p), _, Some(x)) if x > p + 1e-9 => Some(format!("{x} sessions missed out of {p} possible")),
            (_, Some(x), _) if x < 0.0 => Some(format!("{x} sessions attended")),
            (_, _, Some(x)) if x < 0.0 => Some(format!("{x} sessions missed")),
            _ => None,
        };
        if let Some(problem) = problem {
            bad += 1;
            if shown < MAX_CELL_ERRORS {
                shown += 1;
                let line = lines[row];
                diags.push(
                    Diag::error("bad-sessions", format!("{} line {line}: {problem}", source.name))
                        .in_file(source)
                        .label(line_span(&source.text, line), "these sessions cannot be")
                        .help("sessions are counted from 0, and attended plus missed cannot exceed possible; check the export's columns are mapped to the right fields"),
                );
            }
        }
    }
    if let Some((line, x, y, p)) = mismatched {
        warnings.push(
            Diag::warning(
                "sessions-disagree",
                format!(
                    "{}: on {mismatches} row{} sessions attended and missed do not add up to possible sessions (first on line {line}: {x} + {y} against {p})",
                    source.name,
                    if mismatches == 1 { "" } else { "s" }
                ),
            )
            .in_file(source)
            .label(line_span(&source.text, line), "first such row")
            .help("attendance is read as attended/possible and absence as missed/possible; if the export counts other marks apart, that is expected"),
        );
    }
    if bad > shown {
        diags.push(Diag::error(
            "bad-sessions",
            format!(
                "{}: {} more rows with impossible sessions not shown ({bad} in all)",
                source.name,
                bad - shown
            ),
        ));
    }
}

fn push_value(col: Option<&mut ColumnData>, v: Option<Value>) {
    match (col, v) {
        (Some(ColumnData::Num(c)), Some(Value::Num(n))) => c.push(Some(n)),
        (Some(ColumnData::Bool(c)), Some(Value::Bool(b))) => c.push(Some(b)),
        (Some(ColumnData::Year(c)), Some(Value::Year(y))) => c.push(Some(y)),
        (Some(ColumnData::Str(c)), Some(Value::Str(s))) => c.push(Some(Arc::from(s.as_str()))),
        (Some(ColumnData::Num(c)), _) => c.push(None),
        (Some(ColumnData::Bool(c)), _) => c.push(None),
        (Some(ColumnData::Year(c)), _) => c.push(None),
        (Some(ColumnData::Str(c)), _) => c.push(None),
        (None, _) => {}
    }
}

/// Exports give attendance as present sessions, as absences, or as authorised and
/// unauthorised absences; fill in whichever of present/absent is missing.
fn derive_attendance(
    schema: &super::schema::TableSchema,
    columns: &mut [Option<ColumnData>],
    origins: &mut [Option<String>],
    rows: usize,
) {
    let idx = |n: &str| schema.column(n).unwrap_or(usize::MAX);
    let (possible, present, absent, auth, unauth, percent) = (
        idx("possible"),
        idx("present"),
        idx("absent"),
        idx("authorised"),
        idx("unauthorised"),
        idx("percent"),
    );
    let num = |cols: &[Option<ColumnData>], i: usize| -> Option<Vec<Option<f64>>> {
        match cols.get(i) {
            Some(Some(ColumnData::Num(v))) => Some(v.clone()),
            _ => None,
        }
    };
    // An export with only an attendance percentage: every pupil counts as 100 sessions, so
    // a group's attendance is the mean of its pupils' percentages.
    if num(columns, possible).is_none()
        && num(columns, present).is_none()
        && num(columns, absent).is_none()
        && let Some(pc) = num(columns, percent)
    {
        columns[possible] = Some(ColumnData::Num(pc.iter().map(|v| v.map(|_| 100.0)).collect()));
        columns[present] = Some(ColumnData::Num(pc.iter().map(|v| v.map(|p| p * 100.0)).collect()));
        origins[possible] = Some("100 for each pupil with a percentage".into());
        origins[present] = Some("the attendance percentage".into());
        // Absences in sessions would not be out of these 100: absence follows the percentage.
        columns[absent] = Some(ColumnData::Num(
            pc.iter().map(|v| v.map(|p| 100.0 - p * 100.0)).collect(),
        ));
        origins[absent] = Some("100 − the attendance percentage".into());
    }
    if num(columns, absent).is_none()
        && let (Some(a), Some(u)) = (num(columns, auth), num(columns, unauth))
    {
        let v = (0..rows).map(|r| Some(a[r]? + u[r]?)).collect();
        columns[absent] = Some(ColumnData::Num(v));
        origins[absent] = Some("authorised + unauthorised".into());
    }
    if num(columns, absent).is_none()
        && let (Some(p), Some(pr)) = (num(columns, possible), num(columns, present))
    {
        let v = (0..rows).map(|r| Some(p[r]? - pr[r]?)).collect();
        columns[absent] = Some(ColumnData::Num(v));
        origins[absent] = Some("possible − present".into());
    }
    if num(columns, present).is_none()
        && let (Some(p), Some(ab)) = (num(columns, possible), num(columns, absent))
    {
        let v = (0..rows).map(|r| Some(p[r]? - ab[r]?)).collect();
        columns[present] = Some(ColumnData::Num(v));
        origins[present] = Some("possible − absent".into());
    }
}
