//! Stage 2 — parse rules: rule files become a spanned AST. The pest grammar lives in
//! `grammar/sencheck.pest`; its parse pairs never leave this module.

pub mod ast;
pub mod parse;

pub use parse::parse;
