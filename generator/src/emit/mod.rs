//! Emitters: pure functions from a model (and its plan) to text. They never
//! touch the file system; the CLI writes what they return.

pub mod diagram;
pub mod docs;
pub mod dot;
pub mod mermaid;
pub mod postgres;
pub mod rust;
pub mod svg;
