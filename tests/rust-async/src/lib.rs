//! Generated async models that must compile without edits: `models.rs` is
//! what `schemac build tests/rust-async --emit rust` writes from
//! `tasks.schema` (`mode = "async"`: functions for
//! `tokio_postgres::GenericClient`, and no dependency on `postgres`).

pub mod models;
