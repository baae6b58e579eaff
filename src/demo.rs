//! The bundled demo school (synthetic; made by `examples/gen_demo.rs`), compiled into the
//! binary so `sencheck check` shows real output on a fresh install with no files at all.

use std::path::Path;

use crate::data::config::Workspace;
use crate::diag::Diag;

pub static FILES: &[(&str, &str)] = &[
    ("pupils.csv", include_str!("../fixtures/demo-school/pupils.csv")),
    (
        "attendance.csv",
        include_str!("../fixtures/demo-school/attendance.csv"),
    ),
    ("results.csv", include_str!("../fixtures/demo-school/results.csv")),
    (
        "exclusions.csv",
        include_str!("../fixtures/demo-school/exclusions.csv"),
    ),
    (
        "activities.csv",
        include_str!("../fixtures/demo-school/activities.csv"),
    ),
];

pub const CONFIG: &str = include_str!("../fixtures/demo-school/sencheck.toml");

/// The demo school as a workspace whose files are read from the binary.
pub fn workspace() -> Result<Workspace, Diag> {
    let mut ws = Workspace::from_text(Path::new("demo-school"), "demo-school/sencheck.toml", CONFIG)?;
    ws.embedded = Some(FILES);
    Ok(ws)
}
