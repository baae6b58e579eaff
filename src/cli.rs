//! Command-line arguments → validated settings.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::render::Format;

#[derive(Debug, Parser)]
#[command(
    name = "sencheck",
    version,
    about = "Checks a school's SEN data against the questions of \"Good to Great for SEN\""
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to use colour: auto (a terminal, and NO_COLOR unset), always or never.
    #[arg(long, value_enum, default_value_t = ColourChoice::Auto, global = true)]
    pub colour: ColourChoice,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate the rules over a workspace and print findings grouped by key question.
    ///
    /// With no DIR: the current folder if it has a sencheck.toml, otherwise the bundled demo school.
    Check {
        /// The workspace: a folder with sencheck.toml.
        dir: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Exit with 1 when a finding at this level (or worse) exists.
        #[arg(long, value_enum, default_value_t = FailOn::Concern)]
        fail_on: FailOn,
        /// Judge this academic year instead of the current one (e.g. 2023/24).
        #[arg(long)]
        year: Option<String>,
        /// Table width in characters (default: the terminal's, or 120).
        #[arg(long)]
        width: Option<u16>,
        /// For governors: no pupil names or UPNs, and no figures for groups under the
        /// minimum size.
        #[arg(long, visible_alias = "anonymize")]
        anonymise: bool,
    },
    /// List the rules a workspace runs, with their state.
    Rules {
        dir: Option<PathBuf>,
        /// List the parameters instead, with their values.
        #[arg(long)]
        params: bool,
    },
    /// Show a rule: its question, what it asks, where it is defined and its text.
    Explain {
        /// A rule id (H2) or a question number.
        id: String,
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Concern,
    Note,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColourChoice {
    Auto,
    Always,
    Never,
}
