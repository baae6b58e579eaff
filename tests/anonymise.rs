//! --anonymise never shows a pupil id or any figure about fewer pupils than the minimum,
//! however a local rule is written. Each case is a leak found by trying to break it.
#![allow(clippy::unwrap_used)] // a test that cannot set up its files should stop loudly

use std::process::Command;

/// 20 pupils: 3 with hearing impairment (HI), 9 other SEN, 8 not on the record.
fn school(rules: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut pupils = String::from("UPN,Academic Year,SEN Status,Primary Need,KS2 Average,CLA\n");
    let mut attendance = String::from("UPN,Academic Year,Possible,Present\n");
    let mut clubs = String::from("UPN,Academic Year,Activity\n");
    for i in 0..20 {
        let (sen, need) = match i {
            0..3 => ("K", "HI"),
            3..12 => ("K", "SEMH"),
            _ => ("N", ""),
        };
        pupils.push_str(&format!(
            "Q{i:012},2024/25,{sen},{need},{},{}\n",
            90 + i,
            if i == 5 { "Y" } else { "N" }
        ));
        attendance.push_str(&format!("Q{i:012},2024/25,200,{}\n", 170 + i));
        if i != 4 {
            clubs.push_str(&format!("Q{i:012},2024/25,Choir\n"));
        }
    }
    std::fs::write(d.join("pupils.csv"), pupils).unwrap();
    std::fs::write(d.join("attendance.csv"), attendance).unwrap();
    std::fs::write(d.join("clubs.csv"), clubs).unwrap();
    std::fs::create_dir_all(d.join("rules")).unwrap();
    std::fs::write(d.join("rules/leak.sen"), rules).unwrap();
    std::fs::write(
        d.join("sencheck.toml"),
        "[tables.pupils]\nfile = \"pupils.csv\"\n[tables.attendance]\nfile = \"attendance.csv\"\n[tables.activities]\nfile = \"clubs.csv\"\n",
    )
    .unwrap();
    dir
}

fn anonymised(dir: &tempfile::TempDir, format: &str) -> (String, i32) {
    let o = Command::new(env!("CARGO_BIN_EXE_sencheck"))
        .args([
            "check",
            dir.path().to_str().unwrap(),
            "--anonymise",
            "--format",
            format,
            "--fail-on",
            "never",
            "--colour",
            "never",
        ])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    (out, o.status.code().unwrap_or(-1))
}

const LEAKY: &str = r#"
cohort hi = pupils where need = HI
rule X1 "figures of a tiny group in an explanation" {
  question H3
  min_group 1
  note "HI: mean KS2 {mean(hi.ks2_average)}; attendance {attendance(hi)}; gap {attendance(hi) - attendance(non_sen)}; n {count(hi) + 0.5}; {count(hi) * 1}; {-count(hi)}; looked after {count(sen where cla) / count(sen) * 100%}"
}
rule X2 "a verdict on a tiny group" {
  question H3
  min_group 1
  concern when attendance(hi) < 99% "HI attendance is low"
  note "HI attendance is fine"
}
rule X3 "complement of a share" {
  question K1
  note "{participation(sen)} of SEN pupils take part"
}
"#;

#[test]
fn no_figure_about_a_tiny_group_reaches_an_anonymised_report() {
    let dir = school(LEAKY);
    for format in ["table", "json", "markdown"] {
        let (out, code) = anonymised(&dir, format);
        assert_eq!(code, 0, "{out}");
        // Without --anonymise X1 reads "HI: mean KS2 91; attendance 85.5%; gap -7.3pp; n 3.5;
        // 3; -3; looked after 8.3%", and X3 "91.7% of SEN pupils take part" (1 does not).
        for leak in [
            "KS2 91",
            "85.5%",
            "-7.3pp",
            "3.5",
            "; 3;",
            "-3;",
            "8.3%",
            "91.7%",
            "Q0000000000",
            "(n=3)",
        ] {
            assert!(!out.contains(leak), "{format}: {leak} leaked in\n{out}");
        }
        // The rule's min_group 1 does not make a 3-pupil group judgeable when anonymised.
        assert!(
            !out.contains("HI attendance is low") && !out.contains("HI attendance is fine"),
            "{out}"
        );
    }
}

#[test]
fn for_each_over_pupil_ids_is_refused() {
    let dir = school("rule X1 \"t\" {\n  question H1\n  for each upn in sen\n  note \"{upn}\"\n}\n");
    let (out, code) = anonymised(&dir, "json");
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("one group per pupil"), "{out}");
}

#[test]
fn a_pack_without_min_group_still_hides_groups_under_six() {
    let dir = school(
        "rule X1 \"t\" {\n  question H3\n  min_group 1\n  note \"{attendance(pupils where need = HI)}\"\n}\n",
    );
    std::fs::write(
        dir.path().join("sencheck.toml"),
        "[packs]\nstandard = false\n[tables.pupils]\nfile = \"pupils.csv\"\n[tables.attendance]\nfile = \"attendance.csv\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("rules/leak.sen"),
        "measure attendance(c) = rate(c.attendance.present, c.attendance.possible)\n\
         rule X1 \"t\" {\n  question H3\n  min_group 1\n  note \"{attendance(pupils where need = HI)}\"\n}\n",
    )
    .unwrap();
    let (out, _) = anonymised(&dir, "json");
    assert!(!out.contains("85.5%"), "{out}");
}
