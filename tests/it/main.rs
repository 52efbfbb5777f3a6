//! The one integration-test binary: modules per concern, so linking is paid
//! once.

mod apply;
mod audit_log;
mod catalog;
mod citus;
mod cli;
mod cron;
mod docs;
mod encrypted;
mod erd;
mod errors;
mod fixtures;
mod format;
mod import;
mod introspect;
mod lint;
mod migrate;
mod model;
mod partition;
mod pg;
mod policies;
mod privacy;
#[path = "../../benches/projects/mod.rs"]
mod projects;
mod resolved;
mod robustness;
mod runner;
mod rust;
mod site;
mod stdlib;
mod support;
mod tls;
