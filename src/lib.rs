//! sencheck: the questions of "Good to Great for SEN" as rules, checked against a school's data.
//!
//! The pipeline, one module a stage, none reaching back up:
//! [`data`] (load) → [`lang`] (parse) → [`plan`] (compile, type-check) → [`eval`] (evaluate)
//! → [`finding`] (findings) → [`render`] (table, JSON, Markdown). [`pack`] finds rule files,
//! [`run`] wires the stages together for the command line.

pub mod cli;
pub mod data;
pub mod demo;
pub mod diag;
pub mod eval;
pub mod finding;
pub mod lang;
pub mod pack;
pub mod plan;
pub mod questions;
pub mod render;
pub mod run;
pub mod stats;
