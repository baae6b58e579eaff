#![allow(clippy::unwrap_used)] // a test that cannot set up its files should stop loudly
//! Regression tests, each named after the bad input that once broke sencheck.

use std::path::Path;
use std::process::{Command, Output};

/// A workspace of four pupils (two SEN) with attendance, and optional local rules.
fn workspace(dir: &Path, rules: &str, toml_extra: &str, attendance: &str) {
    std::fs::write(
        dir.join("pupils.csv"),
        "UPN,Academic Year,Year Group,SEN Status,Primary Need\nP1,2024/25,10,K,MLD\nP2,2024/25,10,N,\nP3,2024/25,11,E,ASD\nP4,2024/25,11,N,\n",
    )
    .unwrap();
    std::fs::write(dir.join("attendance.csv"), attendance).unwrap();
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::write(dir.join("rules/t.sen"), rules).unwrap();
    std::fs::write(
        dir.join("sencheck.toml"),
        format!("{toml_extra}\n[tables.pupils]\nfile = \"pupils.csv\"\n[tables.attendance]\nfile = \"attendance.csv\"\n"),
    )
    .unwrap();
}

const ATTENDANCE: &str = "UPN,Academic Year,Possible Sessions,Present\nP1,2024/25,300,250\nP2,2024/25,300,290\nP3,2024/25,300,280\nP4,2024/25,300,299\n";

fn run(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["check", dir.to_str().unwrap(), "--colour", "never"];
    args.extend(extra);
    Command::new(env!("CARGO_BIN_EXE_sencheck"))
        .args(args)
        .output()
        .unwrap()
}

/// The JSON finding of a rule in a check's output.
fn finding(o: &Output, rule: &str) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap()
        .clone()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn pound_sign_in_a_number_cell_is_a_bad_value_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), "", "", &ATTENDANCE.replace("300,250", "£5,250"));
    let o = run(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("\"£5\"") && stderr(&o).contains("bad-value"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_measure_that_needs_a_window_used_without_one_is_an_error_not_always_true() {
    let dir = tempfile::tempdir().unwrap();
    let rules = "measure wm(c) = window_mean(attendance(c))\n\
                 rule X1 \"t\" {\n  question H1\n  concern when wm(sen) > 200% \"fires\"\n}\n";
    workspace(dir.path(), rules, "", ATTENDANCE);
    let o = run(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("measure `wm` cannot be used here"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn measures_calling_each_other_are_an_error_not_always_true() {
    let dir = tempfile::tempdir().unwrap();
    let rules = "measure m(c) = n(c)\nmeasure n(c) = m(c)\n\
                 rule X1 \"t\" {\n  question H1\n  note when m(sen) > 1 \"x\"\n}\n";
    workspace(dir.path(), rules, "", ATTENDANCE);
    let o = run(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("measure-cycle") || stderr(&o).contains("measure-unusable"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn cohorts_testing_each_others_membership_are_an_error_not_a_stack_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let rules = "cohort a = pupils where b\ncohort b = pupils where a\n\
                 rule X1 \"t\" {\n  question H1\n  min_group 1\n  note when count(a) > 0 \"n\"\n}\n";
    workspace(dir.path(), rules, "", ATTENDANCE);
    let o = run(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("cohort-cycle"), "{}", stderr(&o));
}

#[test]
fn deeply_nested_expressions_are_refused_not_a_stack_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("{}95%{}", "(".repeat(3000), ")".repeat(3000));
    let long = vec!["1%"; 5000].join(" + ");
    for expr in [deep, long] {
        let rules =
            format!("rule X1 \"t\" {{\n  question H1\n  note when attendance(sen) < {expr} \"x\"\n}}\n");
        workspace(dir.path(), &rules, "", ATTENDANCE);
        let o = run(dir.path(), &[]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("too-complex"), "{}", stderr(&o));
    }
}

#[test]
fn a_nan_min_group_is_refused_not_a_switched_off_gate() {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), "", "[params]\nmin_group = nan", ATTENDANCE);
    let o = run(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("parameter `min_group` must be a finite number"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_term_with_no_possible_sessions_does_not_push_attendance_over_100_percent() {
    let dir = tempfile::tempdir().unwrap();
    let attendance = "UPN,Academic Year,Term,Possible Sessions,Present\n\
                      P1,2024/25,Autumn,140,130\nP1,2024/25,Spring,,110\n\
                      P3,2024/25,Autumn,140,126\nP2,2024/25,Autumn,140,139\nP4,2024/25,Autumn,140,140\n";
    let rules = "rule X1 \"t\" {\n  question H1\n  min_group 1\n  note \"{attendance(sen)}\"\n}\n";
    workspace(dir.path(), rules, "", attendance);
    let o = run(dir.path(), &["--format", "json", "--fail-on", "never"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let x1 = finding(&o, "X1");
    // (130 + 126) / (140 + 140): the spring row has no possible sessions, so it is left out.
    assert_eq!(x1["text"], "91.4%");
}

#[test]
fn a_parameter_named_like_a_code_does_not_change_what_the_code_means() {
    let dir = tempfile::tempdir().unwrap();
    let rules =
        "param N = \"E\"\nrule X1 \"t\" {\n  question H1\n  min_group 1\n  note \"{count(non_sen)}\"\n}\n";
    workspace(dir.path(), rules, "", ATTENDANCE);
    let o = run(dir.path(), &["--format", "json", "--fail-on", "never"]);
    let x1 = finding(&o, "X1");
    assert_eq!(x1["text"], "2");
}

#[test]
fn a_missing_closing_quote_in_a_csv_cell_is_an_error_not_lost_rows() {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), "", "", ATTENDANCE);
    std::fs::write(
        dir.path().join("pupils.csv"),
        "UPN,Academic Year,SEN Status,Ethnicity\nP1,2024/25,K,\"WBRI\nP2,2024/25,N,WBRI\nP3,2024/25,E,WBRI\nP4,2024/25,N,WBRI\"\n",
    )
    .unwrap();
    let o = run(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("a quoted cell runs on over several lines"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_data_file_that_is_not_a_regular_file_is_refused_not_read_forever() {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), "", "", ATTENDANCE);
    std::fs::write(
        dir.path().join("sencheck.toml"),
        "[tables.pupils]\nfile = \"pupils.csv\"\n[tables.attendance]\nfile = \"/dev/zero\"\n",
    )
    .unwrap();
    let o = run(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
}

#[test]
fn a_table_can_be_read_from_one_export_per_year() {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path(), "", "", ATTENDANCE);
    std::fs::write(
        dir.path().join("pupils-2023.csv"),
        "UPN,Academic Year,SEN Status\nP1,2023/24,K\nP9,2023/24,N\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("pupils-2024.csv"),
        "UPN,Academic Year,SEN Status,Primary Need\nP1,2024/25,K,MLD\nP2,2024/25,N,\nP3,2024/25,E,ASD\nP4,2024/25,Watch,\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("sencheck.toml"),
        "[tables.pupils]\nfile = [\"pupils-2023.csv\", \"pupils-2024.csv\"]\n[tables.attendance]\nfile = \"attendance.csv\"\n",
    )
    .unwrap();
    // The bad value is reported in the second file, on its own line.
    let o = run(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("pupils-2024.csv:5:"), "{}", stderr(&o));
    let fixed = std::fs::read_to_string(dir.path().join("pupils-2024.csv"))
        .unwrap()
        .replace("Watch", "N");
    std::fs::write(dir.path().join("pupils-2024.csv"), fixed).unwrap();
    let o = run(dir.path(), &["--format", "json", "--fail-on", "never"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["year"], "2024/25");
    // Last year's rows from the first file are there: pupil P1 was on the record last year.
    let a3 = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "A3")
        .unwrap();
    assert_eq!(a3["figures"][0]["label"], "count(was_sen)");
    assert_eq!(a3["figures"][0]["value"], 1.0);
}

#[test]
fn an_export_with_only_an_attendance_percentage_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let attendance = "UPN,Academic Year,Attendance %\nP1,2024/25,88.5%\nP2,2024/25,97\nP3,2024/25,90.5\nP4,2024/25,95.0%\n";
    let rules = "rule X1 \"t\" {\n  question H1\n  min_group 1\n  note \"{attendance(sen)} {persistent_absence(sen)}\"\n}\n";
    workspace(dir.path(), rules, "", attendance);
    let o = run(dir.path(), &["--format", "json", "--fail-on", "never"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let x1 = finding(&o, "X1");
    // SEN pupils P1 (88.5%) and P3 (90.5%) weigh the same: 89.5%; one of them misses 10% or more.
    assert_eq!(x1["text"], "89.5% 50.0%");
}

#[test]
fn is_missing_finds_sen_pupils_with_no_primary_need() {
    let dir = tempfile::tempdir().unwrap();
    let rules = "rule X1 \"SEN pupils with no primary need\" {\n  question H3\n  \
                 list pupils where sen in (K, E) and need is missing\n  note \"{upn}\"\n}\n\
                 rule X2 \"t\" {\n  question H3\n  min_group 1\n  note \"{count(pupils where need is not missing)}\"\n}\n";
    workspace(dir.path(), rules, "", ATTENDANCE);
    std::fs::write(
        dir.path().join("pupils.csv"),
        "UPN,Academic Year,SEN Status,Primary Need\nP1,2024/25,K,\nP2,2024/25,N,\nP3,2024/25,E,ASD\nP4,2024/25,N,\n",
    )
    .unwrap();
    let o = run(dir.path(), &["--format", "json", "--fail-on", "never"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let fs = v["findings"].as_array().unwrap();
    let x1: Vec<_> = fs
        .iter()
        .filter(|f| f["rule"] == "X1")
        .map(|f| f["text"].as_str().unwrap())
        .collect();
    assert_eq!(x1, ["P1"]);
    let x2 = fs.iter().find(|f| f["rule"] == "X2").unwrap();
    assert_eq!(x2["text"], "1");
}

#[test]
fn a_small_bare_percentage_in_a_column_of_percentages_is_not_read_as_a_fraction() {
    let dir = tempfile::tempdir().unwrap();
    // 0.8 among 90s is 0.8%, not 80%: a child missing almost all of their education.
    let attendance =
        "UPN,Academic Year,Attendance %\nP1,2024/25,0.8\nP2,2024/25,97\nP3,2024/25,90\nP4,2024/25,95\n";
    let rules = "rule X1 \"t\" {\n  question H1\n  min_group 1\n  note \"{attendance(sen)}\"\n}\n";
    workspace(dir.path(), rules, "", attendance);
    let o = run(dir.path(), &["--format", "json", "--fail-on", "never"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let x1 = finding(&o, "X1");
    assert_eq!(x1["text"], "45.4%");
    // A column of fractions, as Excel stores percentage cells, is read as fractions.
    let attendance =
        "UPN,Academic Year,Attendance %\nP1,2024/25,0.8\nP2,2024/25,0.97\nP3,2024/25,0.9\nP4,2024/25,0.95\n";
    workspace(dir.path(), rules, "", attendance);
    let o = run(dir.path(), &["--format", "json", "--fail-on", "never"]);
    let x1 = finding(&o, "X1");
    assert_eq!(x1["text"], "85.0%");
}

#[test]
fn one_export_per_year_takes_each_file_s_year_from_its_name_or_its_dates() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    workspace(d, "", "", ATTENDANCE);
    std::fs::write(
        d.join("pupils.csv"),
        "UPN,Academic Year,SEN Status\nP1,2023/24,K\nP2,2023/24,N\nP1,2024/25,K\nP2,2024/25,N\n",
    )
    .unwrap();
    std::fs::write(
        d.join("Attendance 2023-24.csv"),
        "UPN,Possible,Present\nP1,300,240\nP2,300,290\n",
    )
    .unwrap();
    std::fs::write(
        d.join("Attendance 2024-25.csv"),
        "UPN,Possible,Present\nP1,300,270\nP2,300,295\n",
    )
    .unwrap();
    std::fs::write(
        d.join("exclusions.csv"),
        "UPN,Start Date,Type\nP1,05/10/2023,Suspension\nP1,20/01/2025,Suspension\nP1,03/03/2025,Suspension\n",
    )
    .unwrap();
    let rules = "rule X1 \"t\" {\n  question H1\n  min_group 1\n  note \"{attendance(sen)} {sum(sen.exclusions.count)}\"\n}\n";
    std::fs::write(d.join("rules/t.sen"), rules).unwrap();
    std::fs::write(
        d.join("sencheck.toml"),
        "[tables.pupils]\nfile = \"pupils.csv\"\n\
         [tables.attendance]\nfile = [\"Attendance 2023-24.csv\", \"Attendance 2024-25.csv\"]\n\
         [tables.exclusions]\nfile = \"exclusions.csv\"\n",
    )
    .unwrap();
    let o = run(d, &["--format", "json", "--fail-on", "never"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let x1 = finding(&o, "X1");
    // 2024/25 only: 270 of 300 sessions; the two suspensions dated in 2024/25.
    assert_eq!(x1["text"], "90.0% 2");

    // One year constant for several files is refused: it would stamp them all the same year.
    std::fs::write(
        d.join("sencheck.toml"),
        "[tables.pupils]\nfile = \"pupils.csv\"\n\
         [tables.attendance]\nfile = [\"Attendance 2023-24.csv\", \"Attendance 2024-25.csv\"]\nconstants = { year = \"2024/25\" }\n",
    )
    .unwrap();
    let o = run(d, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("would stamp them all the same year"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_year_the_clubs_export_does_not_cover_is_not_judged_as_no_participation() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    workspace(d, "", "", ATTENDANCE);
    let mut pupils = String::from("UPN,Academic Year,SEN Status\n");
    let mut clubs = String::from("UPN,Academic Year,Activity\n");
    for year in ["2023/24", "2024/25"] {
        for i in 0..20 {
            pupils.push_str(&format!("P{i},{year},{}\n", if i < 8 { "K" } else { "N" }));
            if year == "2024/25" && i % 2 == 0 {
                clubs.push_str(&format!("P{i},{year},Choir\n"));
            }
        }
    }
    std::fs::write(d.join("pupils.csv"), pupils).unwrap();
    std::fs::write(d.join("clubs.csv"), clubs).unwrap();
    std::fs::write(
        d.join("sencheck.toml"),
        "[tables.pupils]\nfile = \"pupils.csv\"\n[tables.activities]\nfile = \"clubs.csv\"\n",
    )
    .unwrap();
    let o = run(
        d,
        &["--format", "json", "--fail-on", "never", "--year", "2023/24"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "K1")
    );
    let k1 = v["not_run"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["rule"] == "K1")
        .unwrap();
    assert_eq!(k1["needs"][0], "table activities for 2023/24");
}

#[test]
fn an_empty_cohort_for_each_and_a_header_only_file_are_said_not_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    let rules = "rule X1 \"t\" {\n  question H3\n  for each need in ehc\n  concern when attendance(need) < 90% \"{need}\"\n}\n";
    workspace(dir.path(), rules, "", ATTENDANCE);
    std::fs::write(dir.path().join("exclusions.csv"), "UPN,Academic Year,Type\n").unwrap();
    std::fs::write(
        dir.path().join("sencheck.toml"),
        "[tables.pupils]\nfile = \"pupils.csv\"\n[tables.attendance]\nfile = \"attendance.csv\"\n[tables.exclusions]\nfile = \"exclusions.csv\"\n",
    )
    .unwrap();
    // The workspace's pupils include one EHC plan; remove it so the cohort is empty.
    let pupils = std::fs::read_to_string(dir.path().join("pupils.csv"))
        .unwrap()
        .replace(",E,ASD", ",K,ASD");
    std::fs::write(dir.path().join("pupils.csv"), pupils).unwrap();
    let o = run(dir.path(), &["--format", "json", "--fail-on", "never"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let notes: Vec<&str> = v["data_notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.ends_with("exclusions.csv has a header line but no rows")),
        "{notes:?}"
    );
    assert!(
        notes.contains(&"rule X1: no groups to judge: cohort `ehc` has no pupils in 2024/25"),
        "{notes:?}"
    );
}
