//! `schemac check`: parse, resolve and order; write nothing.

use crate::OK;
use std::path::Path;

pub fn run(path: &Path) -> u8 {
    match super::load(path) {
        Ok(loaded) => {
            let m = &loaded.compiled.model;
            let name = loaded
                .config
                .project
                .name
                .as_deref()
                .map_or(String::new(), |n| format!("{n}: "));
            eprintln!(
                "schemac: ok: {name}{} tables, {} enums, {} domains, {} views, {} sql blocks in {} files",
                m.tables.len(),
                m.enums.len(),
                m.domains.len(),
                m.views.len(),
                m.raw.len(),
                loaded.project.modules.len()
            );
            super::exit_without_freeing(loaded);
            OK
        }
        Err(code) => code,
    }
}
