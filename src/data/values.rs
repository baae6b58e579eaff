//! Reading one cell into a typed value. Every parser says what it expected, so a bad cell
//! becomes a precise diagnostic.

use super::schema::{CodeSet, ColType};

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Num(f64),
    Bool(bool),
    Str(String),
    Year(i32),
}

/// Parses a cell (already trimmed, already passed through the value map). `Ok(None)` is a
/// missing value: a blank cell.
pub fn parse_cell(ty: ColType, cell: &str) -> Result<Option<Value>, String> {
    if cell.is_empty() {
        return Ok(None);
    }
    // A spreadsheet's error cell is never a value, not even a pupil id.
    if ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"].contains(&cell) {
        return Err(format!("{}, not the spreadsheet error {cell}", ty.describe()));
    }
    match ty {
        ColType::Id | ColType::Text => Ok(Some(Value::Str(cell.to_string()))),
        ColType::Number => parse_number(cell).map(|n| Some(Value::Num(n))),
        // Scaled to a fraction once the whole column is read: see `percent_scale`.
        ColType::Percent => parse_percent_raw(cell).map(|(n, _)| Some(Value::Num(n))),
        ColType::Bool => parse_bool(cell).map(|b| Some(Value::Bool(b))),
        ColType::Year => parse_year(cell).map(|y| Some(Value::Year(y))),
        ColType::Code(set) => parse_code(set, cell).map(|c| Some(Value::Str(c))),
        ColType::Date => parse_date(cell).map(|d| Some(Value::Str(d))),
    }
}

pub fn parse_number(cell: &str) -> Result<f64, String> {
    let expected = || "a number".to_string();
    let mut s = cell.trim();
    // Year groups often come as "Y10", "Year 10" or "Yr 10".
    for prefix in ["year", "yr", "y"] {
        if let (Some(head), Some(rest)) = (s.get(..prefix.len()), s.get(prefix.len()..))
            && head.eq_ignore_ascii_case(prefix)
            && rest.trim_start().starts_with(|c: char| c.is_ascii_digit())
        {
            s = rest.trim_start();
            break;
        }
    }
    // Excel users paste the typographic minus and the en dash.
    let s = s.replace(['\u{2212}', '\u{2013}'], "-");
    let s = if s.contains(',') {
        let digits = s.trim_start_matches('-');
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let groups: Vec<&str> = int.split(',').collect();
        let thousands = groups.len() > 1
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
            && frac.chars().all(|c| c.is_ascii_digit());
        if thousands {
            s.replace(',', "")
        } else if groups.len() == 2 && frac.is_empty() {
            // A decimal comma, as a European-locale Excel writes it: "104,5".
            s.replace(',', ".")
        } else {
            return Err(expected());
        }
    } else {
        s
    };
    match s.parse::<f64>() {
        // Nothing a school records is this large; such a value would overflow sums.
        Ok(n) if n.is_finite() && n.abs() < 1e12 => Ok(n),
        _ => Err(expected()),
    }
}

/// A percentage cell as written: `94.5%` is 0.945 already (true); `94.5` or `0.945` is the bare
/// number (false), scaled by the column it is in.
pub fn parse_percent_raw(cell: &str) -> Result<(f64, bool), String> {
    let s = cell.trim();
    match s.strip_suffix('%') {
        Some(n) => parse_number(n.trim()).map(|n| (n / 100.0, true)),
        None => parse_number(s).map(|n| (n, false)),
    }
    .map_err(|_| PERCENT_EXPECTED.to_string())
}

pub const PERCENT_EXPECTED: &str = "a percentage from 0% to 100% (94.5%, 94.5 or 0.945)";

/// How a column's bare numbers are read: if any is above 1 the column is in percent (94.5),
/// and 0.8 in it is 0.8%, not 80%; if none is, it holds fractions as Excel stores them.
pub fn percent_scale(bare: impl IntoIterator<Item = f64>) -> f64 {
    if bare.into_iter().any(|n| n > 1.0) {
        0.01
    } else {
        1.0
    }
}

/// One cell on its own: `94.5%` and `94.5` are 94.5%; a value of at most 1 with no % sign
/// is read as a fraction (`0.945`).
pub fn parse_percent(cell: &str) -> Result<f64, String> {
    let expected = || "a percentage from 0% to 100% (94.5%, 94.5 or 0.945)".to_string();
    let s = cell.trim();
    let (number, sign) = match s.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (s, false),
    };
    let n = parse_number(number).map_err(|_| expected())?;
    let fraction = if sign || n > 1.0 { n / 100.0 } else { n };
    if (0.0..=1.0).contains(&fraction) {
        Ok(fraction)
    } else {
        Err(expected())
    }
}

pub fn parse_bool(cell: &str) -> Result<bool, String> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" | "true" | "t" | "1" => Ok(true),
        "n" | "no" | "false" | "f" | "0" => Ok(false),
        _ => Err("yes or no (Y, N, Yes, No, True, False, 1, 0)".to_string()),
    }
}

/// An academic year, returned as the calendar year it starts in: `2024/25`, `2024-25`,
/// `2024/2025`, `24/25` are all 2024.
pub fn parse_year(cell: &str) -> Result<i32, String> {
    let expected = || "an academic year such as 2024/25 (or 2024-25, 2024/2025, 24/25)".to_string();
    let s = cell.trim();
    let (a, b) = s.split_once(['/', '-']).ok_or_else(expected)?;
    let (a, b) = (a.trim(), b.trim());
    if !a.chars().all(|c| c.is_ascii_digit()) || !b.chars().all(|c| c.is_ascii_digit()) {
        return Err(expected());
    }
    let start: i32 = match a.len() {
        4 => a.parse().map_err(|_| expected())?,
        // Two-digit years: 99/00 is 1999, 24/25 is 2024.
        2 => match a.parse::<i32>().map_err(|_| expected())? {
            y if y >= 70 => 1900 + y,
            y => 2000 + y,
        },
        _ => return Err(expected()),
    };
    let end: i32 = match b.len() {
        4 => b.parse().map_err(|_| expected())?,
        2 => (start / 100) * 100 + b.parse::<i32>().map_err(|_| expected())?,
        _ => return Err(expected()),
    };
    // 1999/00 wraps the century.
    if end == start + 1 || (b.len() == 2 && end + 100 == start + 1) {
        Ok(start)
    } else {
        Err(format!("{} (the second year must follow the first)", expected()))
    }
}

/// The academic year (September to August) a `YYYY-MM-DD` date falls in.
pub fn academic_year_of(date: &str) -> Option<i32> {
    let y: i32 = date.get(0..4)?.parse().ok()?;
    let m: u32 = date.get(5..7)?.parse().ok()?;
    Some(if m >= 9 { y } else { y - 1 })
}

pub fn format_year(start: i32) -> String {
    format!("{start}/{:02}", (start + 1).rem_euclid(100))
}

pub fn parse_code(set: CodeSet, cell: &str) -> Result<String, String> {
    let s = cell.trim();
    let lower = s.to_lowercase();
    if let Some(code) = set.codes().iter().find(|c| c.eq_ignore_ascii_case(s)) {
        return Ok((*code).to_string());
    }
    if let Some((_, code)) = set.default_values().iter().find(|(k, _)| *k == lower) {
        return Ok((*code).to_string());
    }
    // MIS exports often write "K - SEN Support" or "SEMH - Social, emotional ...".
    if let Some((head, _)) = s.split_once(" - ")
        && let Some(code) = set.codes().iter().find(|c| c.eq_ignore_ascii_case(head.trim()))
    {
        return Ok((*code).to_string());
    }
    if set == CodeSet::Gender {
        // Census gender is M/F, but a school may record more; keep other values as given.
        return Ok(s.to_uppercase());
    }
    Err(set.describe().to_string())
}

fn parse_named_month(s: &str) -> Option<Result<String, String>> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let parts: Vec<&str> = s.split([' ', '-', '/']).filter(|p| !p.is_empty()).collect();
    let [d, m, y] = parts.as_slice() else { return None };
    let lower = m.to_ascii_lowercase();
    let month = MONTHS
        .iter()
        .position(|name| lower.starts_with(name) && lower.len() >= 3)?
        + 1;
    let day: u32 = d.parse().ok()?;
    let year: u32 = match y.len() {
        4 => y.parse().ok()?,
        2 => 2000 + y.parse::<u32>().ok()?,
        _ => return None,
    };
    Some(parse_date(&format!("{year:04}-{month:02}-{day:02}")))
}

/// Dates as `YYYY-MM-DD` text; UK exports write `DD/MM/YYYY`.
pub fn parse_date(cell: &str) -> Result<String, String> {
    let expected = || "a date such as 2024-09-05 or 05/09/2024".to_string();
    let s = cell.trim();
    // "24 Oct 2022", "24-Oct-22", "24 October 2022" as MIS reports print them.
    if let Some(d) = parse_named_month(s) {
        return d;
    }
    // "05/09/2024 00:00" from Excel, "2024-09-05T00:00:00" from OpenDocument.
    let s = s.split_whitespace().next().unwrap_or(s);
    let s = s.split('T').next().unwrap_or(s);
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(expected());
    }
    let nums: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    if nums.len() != 3 {
        return Err(expected());
    }
    let (y, m, d) = if parts[0].len() == 4 {
        (nums[0], nums[1], nums[2])
    } else if parts[2].len() == 4 {
        (nums[2], nums[1], nums[0])
    } else {
        return Err(expected());
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=12).contains(&m) || !(1..=days).contains(&d) {
        return Err(expected());
    }
    Ok(format!("{y:04}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_in_every_written_form() {
        for s in ["2024/25", "2024-25", "2024/2025", "24/25", " 2024 / 25 "] {
            assert_eq!(parse_year(s), Ok(2024), "{s}");
        }
        assert_eq!(parse_year("1999/00"), Ok(1999));
        assert_eq!(parse_year("99/00"), Ok(1999));
        assert!(parse_year("2024/26").is_err());
        assert!(parse_year("2024").is_err());
        assert_eq!(format_year(2024), "2024/25");
        assert_eq!(format_year(1999), "1999/00");
    }

    #[test]
    fn numbers_and_year_groups() {
        assert_eq!(parse_number("Y10"), Ok(10.0));
        assert_eq!(parse_number("Year 11"), Ok(11.0));
        assert_eq!(parse_number("-0.45"), Ok(-0.45));
        assert_eq!(parse_number("1,234"), Ok(1234.0));
        assert!(parse_number("ten").is_err());
        // Regression: a non-ASCII character where a prefix was looked for panicked.
        assert!(parse_number("£5").is_err());
        assert!(parse_number("é").is_err());
        assert_eq!(parse_number("\u{2212}0.5"), Ok(-0.5));
        assert_eq!(parse_number("104,5"), Ok(104.5));
        assert_eq!(parse_number("12,345.5"), Ok(12345.5));
        assert!(parse_number("1,2,3").is_err());
        assert!(parse_number("1e308").is_err());
        assert!(parse_number("NaN").is_err());
    }

    #[test]
    fn codes_from_mis_text() {
        assert_eq!(parse_code(CodeSet::Sen, "SEN Support"), Ok("K".into()));
        assert_eq!(parse_code(CodeSet::Sen, "e"), Ok("E".into()));
        assert_eq!(
            parse_code(CodeSet::Need, "Autistic Spectrum Disorder"),
            Ok("ASD".into())
        );
        assert_eq!(parse_code(CodeSet::Sen, "K - SEN Support"), Ok("K".into()));
        assert_eq!(
            parse_code(CodeSet::Need, "SEMH - Social, emotional and mental health"),
            Ok("SEMH".into())
        );
        // Arbor's "Monitoring" is reported to the census as N.
        assert_eq!(parse_code(CodeSet::Sen, "Monitoring"), Ok("N".into()));
        assert!(parse_code(CodeSet::Sen, "Watch list").is_err());
    }

    #[test]
    fn percentages_in_every_written_form() {
        assert_eq!(parse_percent("94.5%"), Ok(0.945));
        assert_eq!(parse_percent("94.5"), Ok(0.945));
        assert_eq!(parse_percent("0.945"), Ok(0.945));
        assert_eq!(parse_percent("100 %"), Ok(1.0));
        assert!(parse_percent("120%").is_err());
        assert!(parse_percent("-3").is_err());
    }

    #[test]
    fn dates_uk_and_iso() {
        assert_eq!(parse_date("05/09/2024"), Ok("2024-09-05".into()));
        assert_eq!(parse_date("2024-09-05"), Ok("2024-09-05".into()));
        assert!(parse_date("5th Sept").is_err());
        assert!(parse_date("31/02/2024").is_err());
        assert_eq!(parse_date("24 Oct 2022"), Ok("2022-10-24".into()));
        assert_eq!(parse_date("24-Oct-22"), Ok("2022-10-24".into()));
        assert_eq!(parse_date("3 September 2024"), Ok("2024-09-03".into()));
        assert!(parse_date("31 Feb 2024").is_err());
        assert_eq!(parse_date("29/02/2024"), Ok("2024-02-29".into()));
    }
}
