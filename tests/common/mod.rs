//! Test schools built from a few lines: each helper writes a real workspace (CSV files and a
//! sencheck.toml) into a temporary folder, so tests go through the same loader as a school.
#![allow(dead_code)]
// A test that cannot set up its school should stop loudly.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::path::Path;

use sencheck::finding::{Finding, Outcome, Report};

/// One kind of pupil, repeated `count` times.
#[derive(Clone)]
pub struct Kind {
    pub count: usize,
    pub sen: &'static str,
    pub need: &'static str,
    pub gender: &'static str,
    pub fsm: bool,
    pub cla: bool,
    pub eal: bool,
    pub year_group: u32,
    pub ks2: Option<f64>,
    /// (possible, absent) sessions; `None` for no attendance row.
    pub sessions: Option<(u32, u32)>,
    /// Mean grade and Attainment 8; `None` for no results.
    pub results: Option<(f64, f64)>,
    pub activities: usize,
    pub exclusions: usize,
    pub year: &'static str,
    /// First pupil number (UPN T000000000001 is pupil 1); `None` continues the count.
    pub first_id: Option<usize>,
    /// Progress 8 and target grade for results.
    pub progress8: Option<f64>,
    pub target: Option<f64>,
}

pub fn kind(count: usize, sen: &'static str) -> Kind {
    Kind {
        count,
        sen,
        need: if sen == "N" { "" } else { "SEMH" },
        gender: "F",
        fsm: false,
        cla: false,
        eal: false,
        year_group: 9,
        ks2: Some(105.0),
        sessions: Some((200, 10)),
        results: None,
        activities: 0,
        exclusions: 0,
        year: "2024/25",
        first_id: None,
        progress8: None,
        target: None,
    }
}

impl Kind {
    pub fn need(mut self, n: &'static str) -> Self {
        self.need = n;
        self
    }
    pub fn absent(mut self, possible: u32, absent: u32) -> Self {
        self.sessions = Some((possible, absent));
        self
    }
    pub fn results(mut self, grade: f64, a8: f64) -> Self {
        self.results = Some((grade, a8));
        self
    }
    pub fn activities(mut self, n: usize) -> Self {
        self.activities = n;
        self
    }
    pub fn exclusions(mut self, n: usize) -> Self {
        self.exclusions = n;
        self
    }
    pub fn ks2(mut self, k: Option<f64>) -> Self {
        self.ks2 = k;
        self
    }
    pub fn fsm(mut self) -> Self {
        self.fsm = true;
        self
    }
    pub fn cla(mut self) -> Self {
        self.cla = true;
        self
    }
    pub fn eal(mut self) -> Self {
        self.eal = true;
        self
    }
    pub fn boy(mut self) -> Self {
        self.gender = "M";
        self
    }
    pub fn year_group(mut self, y: u32) -> Self {
        self.year_group = y;
        self
    }
    pub fn year(mut self, y: &'static str) -> Self {
        self.year = y;
        self
    }
    /// The same pupils as an earlier kind that started at `id`.
    pub fn ids_from(mut self, id: usize) -> Self {
        self.first_id = Some(id);
        self
    }
    pub fn progress8(mut self, p8: f64) -> Self {
        self.progress8 = Some(p8);
        self
    }
    pub fn target(mut self, t: f64) -> Self {
        self.target = Some(t);
        self
    }
}

fn yn(b: bool) -> &'static str {
    if b { "Y" } else { "N" }
}

/// Writes a workspace into `dir` (the current year is the latest year of the kinds).
pub fn write_school(dir: &Path, kinds: &[Kind], extra_toml: &str) {
    let mut pupils =
        String::from("UPN,Year,Year Group,Gender,SEN Status,Primary Need,FSM,EAL,CLA,KS2 Average\n");
    let mut attendance = String::from("UPN,Year,Possible Sessions,Absences\n");
    let mut results = String::from("UPN,Year,Subject,Grade,Target,Attainment 8,Progress 8\n");
    let mut activities = String::from("UPN,Year,Activity\n");
    let mut exclusions = String::from("UPN,Year,Type,Sessions\n");
    let mut next = 0;
    for k in kinds {
        let mut n = k.first_id.map_or(next, |f| f - 1);
        for _ in 0..k.count {
            n += 1;
            next = next.max(n);
            let upn = format!("T{n:012}");
            let year = k.year;
            let ks2 = k.ks2.map_or(String::new(), |v| v.to_string());
            let _ = writeln!(
                pupils,
                "{upn},{year},{},{},{},{},{},{},{},{ks2}",
                k.year_group,
                k.gender,
                k.sen,
                k.need,
                yn(k.fsm),
                yn(k.eal),
                yn(k.cla)
            );
            if let Some((p, a)) = k.sessions {
                let _ = writeln!(attendance, "{upn},{year},{p},{a}");
            }
            if let Some((g, a8)) = k.results {
                let p8 = k.progress8.map_or(String::new(), |p| p.to_string());
                let t = k.target.map_or(String::new(), |t| t.to_string());
                // NaN stands for a blank cell.
                let a8 = if a8.is_nan() {
                    String::new()
                } else {
                    a8.to_string()
                };
                let _ = writeln!(results, "{upn},{year},English,{g},{t},{a8},{p8}");
                let _ = writeln!(results, "{upn},{year},Maths,{g},{t},{a8},{p8}");
            }
            for i in 0..k.activities {
                let _ = writeln!(activities, "{upn},{year},Club {i}");
            }
            for _ in 0..k.exclusions {
                let _ = writeln!(exclusions, "{upn},{year},Suspension,2");
            }
        }
    }
    std::fs::write(dir.join("pupils.csv"), pupils).unwrap();
    std::fs::write(dir.join("attendance.csv"), attendance).unwrap();
    std::fs::write(dir.join("results.csv"), results).unwrap();
    std::fs::write(dir.join("activities.csv"), activities).unwrap();
    std::fs::write(dir.join("exclusions.csv"), exclusions).unwrap();
    let toml = format!(
        "name = \"Test School\"\n{extra_toml}\n\
         [tables.pupils]\nfile = \"pupils.csv\"\n\
         [tables.attendance]\nfile = \"attendance.csv\"\n\
         [tables.results]\nfile = \"results.csv\"\n\
         [tables.activities]\nfile = \"activities.csv\"\n\
         [tables.exclusions]\nfile = \"exclusions.csv\"\n"
    );
    std::fs::write(dir.join("sencheck.toml"), toml).unwrap();
}

/// Builds the school and runs the whole pipeline on it.
pub fn check(kinds: &[Kind], extra_toml: &str) -> Report {
    let dir = tempfile::tempdir().unwrap();
    write_school(dir.path(), kinds, extra_toml);
    let ws = sencheck::data::config::Workspace::open(dir.path()).unwrap();
    match sencheck::run::check(&ws, None, sencheck::eval::Options::default()) {
        Ok(c) => c.report,
        Err(d) => panic!(
            "check failed: {:#?}",
            d.0.iter().map(|d| d.message.clone()).collect::<Vec<_>>()
        ),
    }
}

/// The findings of one rule.
pub fn of<'a>(r: &'a Report, rule: &str) -> Vec<&'a Finding> {
    r.findings.iter().filter(|f| f.rule == rule).collect()
}

/// The single finding of a rule (panics if there is not exactly one).
pub fn one<'a>(r: &'a Report, rule: &str) -> &'a Finding {
    let f = of(r, rule);
    assert_eq!(f.len(), 1, "expected one finding of {rule}, got {:#?}", f);
    f[0]
}

pub fn none(r: &Report, rule: &str) {
    assert!(
        of(r, rule).is_empty(),
        "expected no finding of {rule}, got {:#?}",
        of(r, rule)
    );
    assert!(!r.not_run.iter().any(|n| n.rule == rule), "{rule} did not run");
}

/// A figure's display value by label.
pub fn fig(f: &Finding, label: &str) -> (String, usize) {
    let x = f
        .figures
        .iter()
        .find(|x| x.label == label)
        .unwrap_or_else(|| panic!("no figure {label} in {:#?}", f.figures));
    (x.display.clone(), x.n)
}

pub fn sev(f: &Finding) -> Outcome {
    f.severity
}
