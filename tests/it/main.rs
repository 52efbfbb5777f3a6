//! The one integration-test binary: modules per concern, so linking is paid
//! once.

mod apply;
mod catalog;
mod cli;
mod docs;
mod fixtures;
mod format;
mod pg;
#[path = "../../benches/projects/mod.rs"]
mod projects;
mod robustness;
mod support;
