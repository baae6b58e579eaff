//! Rule packs: the standard pack built into the binary, further pack folders (a local
//! authority's), and a school's own rule files. A pack is a folder of `.sen` files with a
//! `pack.toml` manifest.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::{Diag, SourceFile};

/// The standard pack, compiled in so a fresh install needs no paths. `tests/pack.rs` checks
/// that this list and the `rules/` folder agree.
pub static STANDARD: &[(&str, &str)] = &[
    ("pack.toml", include_str!("../rules/pack.toml")),
    ("common.sen", include_str!("../rules/common.sen")),
    ("A.sen", include_str!("../rules/A.sen")),
    ("B.sen", include_str!("../rules/B.sen")),
    ("C.sen", include_str!("../rules/C.sen")),
    ("D.sen", include_str!("../rules/D.sen")),
    ("H.sen", include_str!("../rules/H.sen")),
    ("I.sen", include_str!("../rules/I.sen")),
    ("J.sen", include_str!("../rules/J.sen")),
    ("K.sen", include_str!("../rules/K.sen")),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub description: String,
    /// Tables the pack's rules read; rules whose tables a school lacks are listed as not run.
    #[serde(default)]
    pub needs: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Pack {
    pub manifest: Manifest,
    /// Where it came from: `built-in` or a folder.
    pub origin: String,
    pub files: Vec<SourceFile>,
}

pub fn standard() -> Result<Pack, Diag> {
    let mut files = Vec::new();
    let mut manifest = None;
    for (name, text) in STANDARD {
        let shown = format!("standard/{name}");
        if *name == "pack.toml" {
            manifest = Some(parse_manifest(&SourceFile::new(shown, *text))?);
        } else {
            files.push(SourceFile::new(shown, *text));
        }
    }
    let manifest =
        manifest.ok_or_else(|| Diag::error("pack-invalid", "the standard pack has no manifest"))?;
    Ok(Pack {
        manifest,
        origin: "built-in".into(),
        files,
    })
}

fn parse_manifest(file: &SourceFile) -> Result<Manifest, Diag> {
    toml::from_str(&file.text).map_err(|e| {
        let d = Diag::error(
            "pack-invalid",
            format!("{} is not a valid pack manifest", file.name),
        )
        .in_file(file)
        .help("a pack.toml has name, version, and optionally description and needs");
        match e.span() {
            Some(r) => d.label(
                crate::diag::Span::new(r.start, r.end),
                e.message().trim().to_string(),
            ),
            None => d,
        }
    })
}

/// A pack folder on disk.
pub fn folder(dir: &Path) -> Result<Pack, Diag> {
    let manifest_path = dir.join("pack.toml");
    let text = std::fs::read_to_string(&manifest_path).map_err(|e| {
        Diag::error(
            "pack-invalid",
            format!("cannot read {}: {e}", manifest_path.display()),
        )
        .help("a pack is a folder with a pack.toml and .sen rule files")
    })?;
    let manifest = parse_manifest(&SourceFile::new(manifest_path.display().to_string(), text))?;
    Ok(Pack {
        manifest,
        origin: dir.display().to_string(),
        files: rule_files(dir)?,
    })
}

/// `.sen` files of a folder (sorted, so the order never depends on the file system), or a
/// single file.
pub fn rule_files(path: &Path) -> Result<Vec<SourceFile>, Diag> {
    let mut paths: Vec<PathBuf> = if path.is_dir() {
        std::fs::read_dir(path)
            .map_err(|e| Diag::error("rules-unreadable", format!("cannot read {}: {e}", path.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "sen"))
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            std::fs::read_to_string(&p)
                // Notepad saves UTF-8 with a byte-order mark.
                .map(|t| {
                    SourceFile::new(
                        p.display().to_string(),
                        t.strip_prefix('\u{feff}').unwrap_or(&t).to_string(),
                    )
                })
                .map_err(|e| {
                    Diag::error(
                        "rules-unreadable",
                        format!("cannot read the rule file {}: {e}", p.display()),
                    )
                    .help("rule files are UTF-8 text")
                })
        })
        .collect()
}
