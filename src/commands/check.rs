//! `schemac check`: parse, resolve and order; write nothing.

use crate::OK;
use std::path::Path;

pub fn run(path: &Path) -> u8 {
    match super::load(path, false) {
        Ok(loaded) => {
            let m = &loaded.compiled.model;
            let name = loaded
                .config
                .project
                .name
                .as_deref()
                .map_or(String::new(), |n| format!("{n}: "));
            // A model file has no modules: it is the one file read.
            let from = if loaded.project.modules.is_empty() {
                format!("from {}", path.display())
            } else {
                format!("in {} files", loaded.project.modules.len())
            };
            eprintln!(
                "schemac: ok: {name}{} tables, {} enums, {} domains, {} views, {} sql blocks {from}",
                m.tables.len(),
                m.enums.len(),
                m.domains.len(),
                m.views.len(),
                m.raw.len(),
            );
            super::exit_without_freeing(loaded);
            OK
        }
        Err(code) => code,
    }
}
