//! `schemac build`: compile and write the outputs.

use crate::cli::Emit;
use crate::{output, report, OK, SCHEMA_ERRORS, USAGE_OR_IO};
use std::path::{Path, PathBuf};

pub fn run(path: &Path, out: Option<PathBuf>, emit: &[Emit], force: bool) -> u8 {
    let loaded = match super::load(path, false) {
        Ok(l) => l,
        Err(code) => return code,
    };
    // Error-level lint rules are part of the build (a rule set to a lower
    // level, or off, is not). The resolved layer is not recorded for a
    // build: rules read the model and the syntax.
    let lint_errors = generator::lint::lint(
        &loaded.project,
        &loaded.compiled.model,
        &loaded.compiled.resolved,
        &loaded.config.lint,
        generator::lint::Level::Error,
    );
    if !lint_errors.is_empty() {
        report::print(&lint_errors, &loaded.project.sources);
        return SCHEMA_ERRORS;
    }
    let out = out.unwrap_or_else(|| loaded.default_out.clone());
    let compiled = &loaded.compiled;
    let mut written = Vec::new();
    for kind in emit {
        let (name, text) = match kind {
            Emit::Sql => (
                "schema.sql",
                generator::emit::postgres::render(&compiled.creation),
            ),
            Emit::Model => (
                "model.json",
                generator::model_file::to_json(&compiled.model, output::MARK),
            ),
        };
        if let Err(e) = output::write(&out, name, &text, force) {
            report::fatal(e);
            return USAGE_OR_IO;
        }
        written.push(out.join(name).display().to_string());
    }
    eprintln!("schemac: wrote {}", written.join(", "));
    super::exit_without_freeing(loaded);
    OK
}
