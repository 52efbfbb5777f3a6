//! `schemac lint`: compile, run the lint rules, report the findings.

use crate::{report, OK, SCHEMA_ERRORS};
use generator::lint::Level;
use std::path::Path;

pub fn run(path: &Path) -> u8 {
    let loaded = match super::load(path, true) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let findings = generator::lint::lint(
        &loaded.project,
        &loaded.compiled.model,
        &loaded.compiled.resolved,
        &loaded.config.lint,
        Level::Info,
    );
    let errors = report::print(&findings, &loaded.project.sources);
    super::exit_without_freeing(loaded);
    if errors > 0 {
        SCHEMA_ERRORS
    } else {
        OK
    }
}
