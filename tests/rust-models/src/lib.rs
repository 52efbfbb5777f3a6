//! Generated models that must compile without edits: `models.rs` is what
//! `schemac build tests/rust-models --emit rust` writes, from
//! `clash.schema` (keywords as columns, entities named `Option`, `Result`
//! and `Row`, two entities differing only in case, a column named like a
//! back-name) with the `time` crate for dates and times.

pub mod models;

/// For the tests that build values of the models' date and time types.
pub use time;
