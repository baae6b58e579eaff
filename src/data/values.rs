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
    match ty {
        ColType::Id | ColType::Text => Ok(Some(Value::Str(cell.to_string()))),
        ColType::Number => parse_number(cell).map(|n| Some(Value::Num(n))),
        ColType::Bool => parse_bool(cell).map(|b| Some(Value::Bool(b))),
        ColType::Year => parse_year(cell).map(|y| Some(Value::Year(y))),
        ColType::Code(set) => parse_code(set, cell).map(|c| Some(Value::Str(c))),
        ColType::Date => parse_date(cell).map(|d| Some(Value::Str(d))),
    }
}

pub fn parse_number(cell: &str) -> Result<f64, String> {
    let mut s = cell.trim();
    // Year groups often come as "Y10", "Year 10" or "Yr 10".
    for prefix in ["year", "yr", "y"] {
        if s.len() > prefix.len()
            && s[..prefix.len()].eq_ignore_ascii_case(prefix)
            && s[prefix.len()..]
                .trim_start()
                .starts_with(|c: char| c.is_ascii_digit())
        {
            s = s[prefix.len()..].trim_start();
            break;
        }
    }
    let s = s.replace(',', "");
    match s.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(n),
        _ => Err("a number".to_string()),
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
        2 => 2000 + a.parse::<i32>().map_err(|_| expected())?,
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

/// Dates as `YYYY-MM-DD` text; UK exports write `DD/MM/YYYY`.
pub fn parse_date(cell: &str) -> Result<String, String> {
    let expected = || "a date such as 2024-09-05 or 05/09/2024".to_string();
    let s = cell.trim();
    let s = s.split_whitespace().next().unwrap_or(s); // "05/09/2024 00:00" from Excel
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
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
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
    fn dates_uk_and_iso() {
        assert_eq!(parse_date("05/09/2024"), Ok("2024-09-05".into()));
        assert_eq!(parse_date("2024-09-05"), Ok("2024-09-05".into()));
        assert!(parse_date("5th Sept").is_err());
    }
}
