//! `sencheck.toml`: which file feeds which table, how its headers and values map onto the
//! canonical model, which packs and local rules run, and the school's parameter overrides.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diag, SourceFile, Span};

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The school's name, shown in reports.
    pub name: Option<String>,
    /// The current academic year; by default the latest year in `pupils`.
    pub year: Option<Spanned<String>>,
    #[serde(default)]
    pub packs: PacksConfig,
    #[serde(default)]
    pub params: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    pub rules: RulesConfig,
    #[serde(default)]
    pub tables: BTreeMap<Spanned<String>, TableConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PacksConfig {
    /// Use the standard pack built into sencheck.
    #[serde(default = "yes")]
    pub standard: bool,
    /// Further pack folders (each with a `pack.toml`), e.g. the local authority's.
    #[serde(default)]
    pub extra: Vec<Spanned<String>>,
    /// The school's own rule files or folders of them; by default the workspace's `rules/`.
    pub local: Option<Vec<Spanned<String>>>,
}

fn yes() -> bool {
    true
}

impl Default for PacksConfig {
    fn default() -> Self {
        PacksConfig {
            standard: true,
            extra: Vec::new(),
            local: None,
        }
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// Rule ids switched off for this school.
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
    /// Rule id → the severity its concerns are reported at (`concern`, `note`).
    #[serde(default)]
    pub severity: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct TableConfig {
    /// The data file, relative to the workspace, or a list of files read one after another
    /// (an export per year).
    pub file: Spanned<Files>,
    /// Field separator: `,` `;` `tab` or `|`; detected from the header line when absent.
    pub delimiter: Option<Spanned<String>>,
    /// `utf-8` or `windows-1252`; detected when absent.
    pub encoding: Option<Spanned<String>>,
    /// For a spreadsheet (.xlsx, .xls, .ods): the sheet to read; by default the first.
    pub sheet: Option<Spanned<String>>,
    /// Canonical column → header in the file, where the default aliases do not find it.
    #[serde(default)]
    pub columns: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Canonical column → (value in the file → canonical value).
    #[serde(default)]
    pub values: BTreeMap<Spanned<String>, BTreeMap<String, Spanned<String>>>,
    /// Canonical column → a value that holds for every row (e.g. `year`, `possible`).
    #[serde(default)]
    pub constants: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    /// A canonical column filled from the row number, where the export has no pupil id.
    pub row_id: Option<Spanned<String>>,
    /// Header → the values a row must have there to be loaded (others are counted, not read).
    #[serde(default)]
    pub keep: BTreeMap<Spanned<String>, Vec<String>>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(untagged, expecting = "a file name, or a list of file names")]
pub enum Files {
    One(String),
    Many(Vec<String>),
}

impl Files {
    pub fn names(&self) -> Vec<&str> {
        match self {
            Files::One(f) => vec![f.as_str()],
            Files::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// The parsed config with the file it came from, for diagnostics.
#[derive(Debug)]
pub struct Workspace {
    pub dir: PathBuf,
    pub config: Config,
    pub source: Option<SourceFile>,
    /// Files built into the binary (the demo school), read instead of the disk.
    pub embedded: Option<&'static [(&'static str, &'static str)]>,
}

pub const CONFIG_FILE: &str = "sencheck.toml";

pub fn span_of<T>(s: &Spanned<T>) -> Span {
    let r = s.span();
    Span::new(r.start, r.end)
}

impl Workspace {
    /// Reads `sencheck.toml` in `dir`. A folder without one is an error: a user who points
    /// sencheck at a folder expects it to be read as a workspace.
    pub fn open(dir: &Path) -> Result<Workspace, Diag> {
        let path = dir.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            if !dir.exists() {
                Diag::error("workspace-missing", format!("`{}` does not exist", dir.display())).help(
                    "give the folder that holds sencheck.toml, or no folder at all to see the demo school",
                )
            } else if !dir.is_dir() {
                Diag::error(
                    "workspace-missing",
                    format!("`{}` is not a folder", dir.display()),
                )
                .help("give the folder that holds sencheck.toml, or no folder at all to see the demo school")
            } else {
                Diag::error(
                    "config-unreadable",
                    format!("cannot read {}: {e}", path.display()),
                )
                .help("a workspace is a folder with a sencheck.toml; see docs/workspace.md")
            }
        })?;
        Workspace::from_text(dir, &path.display().to_string(), &text)
    }

    pub fn from_text(dir: &Path, name: &str, text: &str) -> Result<Workspace, Diag> {
        let source = SourceFile::new(name, text);
        let config: Config = toml::from_str(text).map_err(|e| {
            let mut d = Diag::error("config-invalid", format!("{name} is not a valid sencheck.toml"))
                .in_file(&source)
                .help("see docs/workspace.md for every key sencheck.toml takes");
            let msg = e.message().trim().to_string();
            match e.span() {
                Some(r) => d = d.label(Span::new(r.start, r.end), msg),
                None => d.message = format!("{}: {msg}", d.message),
            }
            d
        })?;
        Ok(Workspace {
            dir: dir.to_path_buf(),
            config,
            source: Some(source),
            embedded: None,
        })
    }

    /// Reads a file of the workspace (only ever reads: input files are never written).
    pub fn read(&self, rel: &str) -> std::io::Result<Vec<u8>> {
        if let Some(files) = self.embedded {
            return files
                .iter()
                .find(|(name, _)| *name == rel)
                .map(|(_, text)| text.as_bytes().to_vec())
                .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not in the demo school"));
        }
        let path = self.dir.join(rel);
        // A device or a pipe (/dev/stdin) would block or never end: only regular files.
        let meta = std::fs::metadata(&path)?;
        if !meta.is_file() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                if meta.is_dir() {
                    "it is a folder, not a file"
                } else {
                    "it is not a regular file"
                },
            ));
        }
        std::fs::read(path)
    }

    /// A diagnostic pointing into sencheck.toml at `span`.
    pub fn diag_at(
        &self,
        code: &'static str,
        msg: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Diag {
        let d = Diag::error(code, msg);
        match &self.source {
            Some(src) => d.in_file(src).label(span, label),
            None => d,
        }
    }
}
