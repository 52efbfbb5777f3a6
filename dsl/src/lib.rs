//! The schemac language: the pest grammar, the syntax tree with spans, and
//! parse diagnostics. This crate knows syntax only; names, types and meaning
//! belong to `generator::resolve`.

pub mod ast;
pub mod diagnostic;
mod parser;
pub mod span;

pub use diagnostic::{Diagnostic, Severity};
pub use parser::{parse, Parsed, MAX_NESTING};
pub use span::{SourceFile, SourceMap, Span};
