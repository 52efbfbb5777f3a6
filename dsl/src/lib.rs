//! The schemac language: the pest grammar, the syntax tree with spans, and
//! parse diagnostics. This crate knows syntax only; names, types and meaning
//! belong to `generator::resolve`.

// pest_derive without its `std` feature (which would add a stack probe to
// every rule call, see docs/performance.md) expects `alloc` at the root.
extern crate alloc;

pub mod ast;
pub mod code;
mod comments;
pub mod diagnostic;
mod parser;
pub mod printer;
pub mod span;

pub use code::Code;
pub use diagnostic::{Diagnostic, Edit, Fix, Severity};
pub use parser::{parse, Parsed, MAX_NESTING};
pub use printer::format;
pub use span::{LineCol, LineIndex, SourceFile, SourceMap, Span};
