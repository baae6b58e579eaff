//! Spreadsheets (.xlsx, .xlsm, .xls, .ods) read with calamine and turned into CSV text, so
//! every later step — header mapping, typed cells, diagnostics with row and column — is the
//! same as for a CSV export. Row N of the text is row N of the sheet.

use std::io::Cursor;

use std::collections::BTreeMap;

use calamine::{Data, DataRef, Reader, Sheets, open_workbook_auto_from_rs};

/// Whether a file name is a spreadsheet sencheck reads through calamine.
pub fn is_spreadsheet(file: &str) -> bool {
    let lower = file.to_ascii_lowercase();
    [".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// The named sheet (or the first) as CSV text, its name, and the names of all the sheets.
pub fn to_csv(bytes: Vec<u8>, sheet: Option<&str>) -> Result<(String, String, Vec<String>), String> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("cannot be read as a spreadsheet: {e}"))?;
    let names = book.sheet_names().to_vec();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s || n.eq_ignore_ascii_case(s))
            .cloned()
            .ok_or_else(|| {
                let hint = crate::diag::did_you_mean(s, names.iter().map(String::as_str))
                    .map_or(String::new(), |m| format!(" (did you mean \"{m}\"?)"));
                format!("has no sheet \"{s}\"{hint}; its sheets are: {}", names.join(", "))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| "has no sheets".to_string())?,
    };
    // An .xlsx sheet is read cell by cell: its stated extent can be the whole grid (one stray
    // value in the last cell), which a dense range would try to allocate at once.
    if let Sheets::Xlsx(xlsx) = &mut book {
        let cannot = |e: calamine::XlsxError| format!("sheet \"{name}\" cannot be read: {e}");
        let mut reader = xlsx.worksheet_cells_reader(&name).map_err(cannot)?;
        let mut rows: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
        while let Some(cell) = reader.next_cell().map_err(cannot)? {
            let text = cell_ref_text(cell.get_value());
            if !text.is_empty() {
                let (r, c) = cell.get_position();
                rows.entry(r).or_default().push((c, text));
            }
        }
        drop(reader);
        let mut out = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
        let last = rows.keys().next_back().copied().unwrap_or(0);
        // Every row is as wide as the header row (blank cells at a row's end are not stored);
        // a wider row is left wider, and is then reported.
        let width = rows.values().next().map_or(0, |cells| {
            cells.iter().map(|(c, _)| *c as usize + 1).max().unwrap_or(0)
        });
        for r in 0..=last {
            let mut cells: Vec<String> = Vec::new();
            for (c, text) in rows.remove(&r).unwrap_or_default() {
                let c = c as usize;
                if cells.len() <= c {
                    cells.resize(c + 1, String::new());
                }
                cells[c] = text;
            }
            if cells.is_empty() {
                // A blank row stays one empty field (skipped when read), not a row of commas.
                cells.push(String::new());
            } else if cells.len() < width {
                cells.resize(width, String::new());
            }
            out.write_record(&cells).map_err(|e| e.to_string())?;
        }
        let bytes = out.into_inner().map_err(|e| e.to_string())?;
        return Ok((String::from_utf8_lossy(&bytes).into_owned(), name, names));
    }
    let range = book
        .worksheet_range(&name)
        .map_err(|e| format!("sheet \"{name}\" cannot be read: {e}"))?;
    let mut out = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    // Rows above the used range are blank in the sheet; keep them so row numbers match.
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    for _ in 0..first_row {
        out.write_record([""]).map_err(|e| e.to_string())?;
    }
    for row in range.rows() {
        let mut cells: Vec<String> = vec![String::new(); first_col as usize];
        cells.extend(row.iter().map(cell_text));
        out.write_record(&cells).map_err(|e| e.to_string())?;
    }
    let bytes = out.into_inner().map_err(|e| e.to_string())?;
    Ok((String::from_utf8_lossy(&bytes).into_owned(), name, names))
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) if d.is_datetime() => serial_date(d.as_f64()),
        Data::DateTime(d) => d.as_f64().to_string(),
        // #N/A, #DIV/0! and the like are shown as written, so the cell is reported as bad.
        Data::Error(e) => format!("{e}"),
    }
}

fn cell_ref_text(c: &DataRef) -> String {
    match c {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(d) if d.is_datetime() => serial_date(d.as_f64()),
        DataRef::DateTime(d) => d.as_f64().to_string(),
        DataRef::Error(e) => format!("{e}"),
    }
}

/// An Excel serial date (days since 1899-12-30) as YYYY-MM-DD.
pub fn serial_date(serial: f64) -> String {
    let days = serial.floor() as i64 - 25569; // to days since 1970-01-01
    // Civil-from-days (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn excel_serial_dates() {
        assert_eq!(super::serial_date(45540.0), "2024-09-05");
        assert_eq!(super::serial_date(25569.0), "1970-01-01");
        assert_eq!(super::serial_date(45351.5), "2024-02-29");
    }
}
