//! JSON output: the report as documented in docs/json.md, with a format version.

use std::io::{self, Write};

use crate::finding::Report;

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    // io::Error::from keeps the kind of a write error, so a closed pipe stays a BrokenPipe.
    serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::from)?;
    writeln!(out)
}
