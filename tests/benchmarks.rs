//! national(measure, group): built-in DfE figures, refined by a workspace's benchmarks table.
#![allow(clippy::unwrap_used)] // a test that cannot set up its files should stop loudly

use std::process::Command;

fn j1_national(benchmarks: Option<&str>) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut pupils = String::from("UPN,Academic Year,SEN Status\n");
    let mut exclusions = String::from("UPN,Academic Year,Type\n");
    for i in 0..10 {
        pupils.push_str(&format!("P{i},2024/25,K\n"));
        if i < 2 {
            exclusions.push_str(&format!("P{i},2024/25,Suspension\n"));
        }
    }
    std::fs::write(d.join("pupils.csv"), pupils).unwrap();
    std::fs::write(d.join("exclusions.csv"), exclusions).unwrap();
    let mut toml = String::from(
        "[tables.pupils]\nfile = \"pupils.csv\"\n[tables.exclusions]\nfile = \"exclusions.csv\"\n",
    );
    if let Some(b) = benchmarks {
        std::fs::write(d.join("benchmarks.csv"), b).unwrap();
        toml.push_str("[tables.benchmarks]\nfile = \"benchmarks.csv\"\n");
    }
    std::fs::write(d.join("sencheck.toml"), toml).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_sencheck"))
        .args([
            "check",
            d.to_str().unwrap(),
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "J1-national")
        .unwrap()
        .clone()
}

#[test]
fn built_in_national_figure_is_the_latest_published() {
    // 2 suspensions among 10 pupils with SEN support: 20 per 100, above 2021/22's 18.59.
    let f = j1_national(None);
    assert_eq!(f["severity"], "concern");
    assert_eq!(f["figures"][1]["value"], 0.1859);
    assert!(
        f["figures"][1]["source"]
            .as_str()
            .unwrap()
            .starts_with("national figure for 2021/22, DfE")
    );
}

#[test]
fn a_newer_figure_in_the_workspace_benchmarks_table_is_used() {
    let f = j1_national(Some(
        "Measure,Year,Group,Value,Source\nsuspension_rate,2023/24,sen_support,24.5,Local authority report 2023/24\n",
    ));
    assert_eq!(f["severity"], "celebrate");
    assert_eq!(f["figures"][1]["display"], "24.5%");
    assert_eq!(
        f["figures"][1]["source"],
        "figure for 2023/24, Local authority report 2023/24"
    );
}

#[test]
fn an_older_workspace_figure_does_not_replace_a_newer_built_in_one() {
    let f = j1_national(Some(
        "Measure,Year,Group,Value\nsuspension_rate,2019/20,sen_support,5\n",
    ));
    assert_eq!(f["figures"][1]["value"], 0.1859);
}

#[test]
fn every_built_in_national_row_is_read_and_cites_its_source() {
    let csv = include_str!("../benchmarks/national-england.csv");
    let rows = csv.lines().skip(1).filter(|l| !l.trim().is_empty()).count();
    let figures = sencheck::data::national::figures();
    assert_eq!(figures.len(), rows, "a row of national-england.csv did not parse");
    for f in figures {
        assert!(
            f.url.starts_with("http"),
            "{} {} has no source address",
            f.measure,
            f.group
        );
        assert!(!f.source.is_empty());
        assert!(f.value.is_finite());
    }
    // Spot checks against the publication: persistent absence, SEN support, 2018/19: 17.87%.
    let pa = sencheck::data::national::latest("persistent_absence_rate", "sen_support", 2018).unwrap();
    assert_eq!((pa.year, pa.value), (2018, 0.1787));
}
