//! End-to-end: the binary on real folders — exit codes, output formats, and every kind of
//! diagnostic a user can cause, snapshotted as plain text (no colour, fixed width).

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn sencheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sencheck"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env("COLUMNS", "120")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).replace("\r\n", "\n")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).replace("\r\n", "\n")
}

/// Runs `check` on a case folder that must fail with exit code 2, returning its diagnostics.
fn diagnostics(case: &str) -> String {
    let dir = format!("tests/cases/{case}");
    let o = sencheck(&["check", &dir, "--colour", "never"]);
    assert_eq!(o.status.code(), Some(2), "{case}: {}", stderr(&o));
    assert!(
        o.stdout.is_empty(),
        "{case}: nothing is printed on stdout when the input is in error"
    );
    stderr(&o)
}

#[test]
fn diagnostic_misspelt_field() {
    insta::assert_snapshot!(diagnostics("misspelt-field"));
}

#[test]
fn diagnostic_type_error() {
    insta::assert_snapshot!(diagnostics("type-error"));
}

#[test]
fn diagnostic_syntax_error() {
    insta::assert_snapshot!(diagnostics("syntax-error"));
}

#[test]
fn diagnostic_misspelt_names() {
    insta::assert_snapshot!(diagnostics("misspelt-names"));
}

#[test]
fn diagnostic_missing_column() {
    insta::assert_snapshot!(diagnostics("missing-column"));
}

#[test]
fn diagnostic_bad_values_in_csv_rows() {
    insta::assert_snapshot!(diagnostics("bad-value"));
}

#[test]
fn diagnostic_bad_config() {
    insta::assert_snapshot!(diagnostics("bad-config"));
}

#[test]
fn no_workspace_anywhere_shows_the_demo_school() {
    let empty = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_sencheck"))
        .args(["check", "--colour", "never"])
        .current_dir(empty.path())
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(
        stderr(&o).starts_with("No sencheck.toml here: showing the bundled demo school"),
        "{}",
        stderr(&o)
    );
    assert!(
        out.contains("Hollins Park Academy (synthetic demo) · SEN check for 2024/25"),
        "{out}"
    );
    // The demo has concerns, so the default --fail-on concern exits 1.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn a_folder_without_sencheck_toml_is_an_error() {
    let empty = tempfile::tempdir().unwrap();
    let o = sencheck(&["check", empty.path().to_str().unwrap(), "--colour", "never"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("config-unreadable"), "{}", stderr(&o));
}

/// The real data set: 649 pupils of the UCI Student Performance (Portuguese) export.
#[test]
fn real_data_json_findings_and_figures() {
    let o = sencheck(&[
        "check",
        "fixtures/uci-student-performance",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["year"], "2005/06");
    let findings = v["findings"].as_array().unwrap();
    let find = |rule: &str| {
        findings
            .iter()
            .find(|f| f["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule}"))
    };

    // schoolsup = yes: 68 pupils, mean G3 11.28; no: 581 pupils, mean G3 11.98.
    let d1 = find("D1-grades");
    assert_eq!(d1["severity"], "note");
    assert_eq!(d1["figures"][0]["n"], 68);
    assert!((d1["figures"][0]["value"].as_f64().unwrap() - 767.0 / 68.0).abs() < 1e-12);
    assert_eq!(d1["figures"][1]["n"], 581);
    assert_eq!(d1["figures"][1]["display"], "11.98");

    // Absences: 194 days over 68 × 190 possible for the supported pupils.
    let h1 = find("H1");
    assert_eq!(h1["severity"], "celebrate");
    assert!((h1["figures"][0]["value"].as_f64().unwrap() - (1.0 - 194.0 / (68.0 * 190.0))).abs() < 1e-12);

    let not_run: Vec<&str> = v["not_run"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["rule"].as_str().unwrap())
        .collect();
    assert!(
        not_run.contains(&"C1") && not_run.contains(&"J1") && not_run.contains(&"H3"),
        "{not_run:?}"
    );
    let j1 = v["not_run"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["rule"] == "J1")
        .unwrap();
    assert_eq!(j1["needs"][0], "table exclusions");
}

#[test]
fn fail_on_levels_set_the_exit_code() {
    let real = "fixtures/uci-student-performance";
    // The real data set has a note and no concern.
    assert_eq!(
        sencheck(&["check", real, "--format", "json"]).status.code(),
        Some(0)
    );
    assert_eq!(
        sencheck(&["check", real, "--format", "json", "--fail-on", "note"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        sencheck(&["check", real, "--format", "json", "--fail-on", "never"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn table_output_groups_by_key_question_and_ends_with_the_summary() {
    let o = sencheck(&[
        "check",
        "fixtures/uci-student-performance",
        "--colour",
        "never",
        "--width",
        "120",
    ]);
    let out = stdout(&o);
    let h = out
        .find("H — Is the attendance of SEN pupils at least at expected levels?")
        .unwrap();
    let d = out.find("D — How does the attainment").unwrap();
    assert!(d < h, "key questions in the guidance's order");
    assert!(out.contains("Not run — the workspace lacks their data:"));
    assert!(out.contains("  J1 Exclusions of SEN pupils against other pupils — needs table exclusions"));
    let last = out.lines().last().unwrap();
    assert_eq!(
        last,
        "0 concerns · 5 celebrations · 1 note · 0 too small to judge · 1 without data · 21 not run"
    );
}

#[test]
fn markdown_output() {
    let o = sencheck(&[
        "check",
        "fixtures/uci-student-performance",
        "--format",
        "markdown",
    ]);
    let out = stdout(&o);
    assert!(
        out.starts_with(
            "# UCI Student Performance: Portuguese course (real, anonymised): SEN check, 2005/06\n"
        ),
        "{out}"
    );
    assert!(out.contains("| celebration | H1 Attendance of SEN pupils against the expected level | Pupils on the SEN record attended 98.5% of possible sessions, meeting the 95.0% expected. | attendance(sen) 98.5% (n=68) | 68 |"), "{out}");
}

#[test]
fn rules_explain_and_unknown_rule() {
    let o = sencheck(&["rules", "fixtures/uci-student-performance"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o)
            .lines()
            .any(|l| l.starts_with("H2") && l.contains("Attendance of SEN pupils against other pupils"))
    );
    let o = sencheck(&["explain", "H2", "fixtures/uci-student-performance"]);
    let out = stdout(&o);
    assert!(
        out.starts_with("H2 — Attendance of SEN pupils against other pupils\n"),
        "{out}"
    );
    assert!(
        out.contains("Question H2: Are there significant differences between SEN and non-SEN attendance?")
    );
    assert!(out.contains("Defined in standard/H.sen line"));
    assert!(out.contains("Significance: attendance(sen) significantly below attendance(non_sen) — two groups' values, one per pupil (a rate is each pupil's own rate): Welch's t-test; two-sided at 95% confidence"), "{out}");
    let o = sencheck(&[
        "explain",
        "H22",
        "fixtures/uci-student-performance",
        "--colour",
        "never",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean H2?"), "{}", stderr(&o));
}

#[test]
fn params_listing_shows_overrides() {
    let o = sencheck(&["rules", "--params", "fixtures/uci-student-performance"]);
    let out = stdout(&o);
    assert!(
        out.lines()
            .any(|l| l.starts_with("grade_gap") && l.contains("2 (default 1.5)")),
        "{out}"
    );
}

#[test]
fn input_files_are_never_written() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/uci-student-performance");
    let before: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.path(), e.metadata().unwrap().modified().unwrap())
        })
        .collect();
    sencheck(&["check", "fixtures/uci-student-performance", "--format", "json"]);
    for (p, m) in before {
        assert_eq!(
            std::fs::metadata(&p).unwrap().modified().unwrap(),
            m,
            "{} was touched",
            p.display()
        );
    }
}

#[test]
fn broken_pipe_is_a_quiet_exit() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sencheck"))
        .args([
            "check",
            "fixtures/uci-student-performance",
            "--format",
            "markdown",
            "--fail-on",
            "never",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

#[test]
fn anonymised_output_has_no_pupil_ids_and_no_small_groups() {
    let o = sencheck(&["check", "--anonymise", "--format", "json", "--fail-on", "never"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    // Demo UPNs are a check letter and 12 digits starting with the LA number 938.
    assert!(!text.contains("938499"), "a UPN leaked");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for f in v["findings"].as_array().unwrap() {
        assert!(f["pupil"].is_null(), "{f}");
        for fig in f["figures"].as_array().unwrap() {
            let n = fig["n"].as_u64().unwrap();
            assert!(n == 0 || n >= 6, "a figure of {n} pupils is shown: {f}");
        }
        if let Some(size) = f["size"].as_u64() {
            assert!(size >= 6, "{f}");
        }
    }
    let c1: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "C1")
        .collect();
    assert_eq!(c1.len(), 1);
    assert_eq!(
        c1[0]["text"],
        "10 pupils listed (notes); names and UPNs are withheld in anonymised output (run without --anonymise to see them)."
    );
    let hi = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "H3" && f["group"] == "HI")
        .unwrap();
    assert_eq!(
        hi["text"],
        "HI: too small to judge (fewer than 6 pupils with a value)."
    );
    assert!(hi["figures"].as_array().unwrap().is_empty());
}

#[test]
fn diagnostic_impossible_sessions() {
    insta::assert_snapshot!(diagnostics("bad-sessions"));
}

#[test]
fn spreadsheets_are_read_sheet_by_sheet() {
    let o = sencheck(&[
        "check",
        "tests/cases/xlsx",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // X1 attended 170 of 200 and X3 160 of 200; "Y9" is read as year group 9.
    assert_eq!(
        v["findings"][0]["text"],
        "SEN attendance 82.5% (2 pupils); year groups 10.5 on average."
    );
}

#[test]
fn a_missing_sheet_is_named_with_the_sheets_there_are() {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/xlsx");
    std::fs::copy(src.join("pupils.xlsx"), dir.path().join("pupils.xlsx")).unwrap();
    std::fs::write(
        dir.path().join("sencheck.toml"),
        "[tables.pupils]\nfile = \"pupils.xlsx\"\nsheet = \"Pupil\"\n",
    )
    .unwrap();
    let o = sencheck(&["check", dir.path().to_str().unwrap(), "--colour", "never"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o).replace("\n  │ ", " ");
    assert!(
        err.contains("has no sheet \"Pupil\" (did you mean \"Pupils\"?); its sheets are: Notes,"),
        "{err}"
    );
}

/// Regression: in CRLF files (every Excel and MIS export) data errors pointed one line early,
/// at the previous row.
#[test]
fn regression_crlf_line_numbers_point_at_the_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pupils.csv"),
        "UPN,Year,SEN Status\r\nA,2024/25,K\r\nB,2024/25,Watch list\r\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("sencheck.toml"),
        "[tables.pupils]\nfile = \"pupils.csv\"\n",
    )
    .unwrap();
    let o = sencheck(&["check", dir.path().to_str().unwrap(), "--colour", "never"]);
    let err = stderr(&o);
    assert!(err.contains("pupils.csv line 3, column \"SEN Status\""), "{err}");
    assert!(err.contains("pupils.csv:3:11]"), "{err}");
}

#[test]
fn diagnostic_misspelt_keyword() {
    insta::assert_snapshot!(diagnostics("syntax-keyword"));
}

#[test]
fn diagnostic_unclosed_quote() {
    insta::assert_snapshot!(diagnostics("syntax-quote"));
}

/// Regression: one stray value in a sheet's last cell made the spreadsheet reader try to
/// allocate the whole grid and abort.
#[test]
fn a_stray_value_in_a_sheets_last_cell_is_reported_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/xlsx");
    std::fs::copy(src.join("stray.xlsx"), dir.path().join("stray.xlsx")).unwrap();
    std::fs::write(
        dir.path().join("sencheck.toml"),
        "[tables.pupils]\nfile = \"stray.xlsx\"\nsheet = \"Pupils\"\n",
    )
    .unwrap();
    let o = sencheck(&["check", dir.path().to_str().unwrap(), "--colour", "never"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("line 1048576 has 16384 fields but the header has 7"),
        "{}",
        stderr(&o)
    );
}
