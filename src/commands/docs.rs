//! `schemac docs`: the static docs site (HTML and Markdown).

use crate::{output, report, OK, USAGE_OR_IO};
use generator::emit::docs::{self, TEMPLATES};
use std::path::{Path, PathBuf};

pub fn run(path: &Path, out: Option<PathBuf>, templates: Option<PathBuf>, force: bool) -> u8 {
    let overrides = match templates.as_deref().map(read_templates).transpose() {
        Ok(t) => t.unwrap_or_default(),
        Err(e) => {
            report::fatal(e);
            return USAGE_OR_IO;
        }
    };
    let loaded = match super::load(path, false) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let out = out.unwrap_or_else(|| loaded.default_out.join("docs"));
    let modules = super::erd::modules(&loaded.project);
    let input = docs::Input {
        model: &loaded.compiled.model,
        modules: &modules,
        creation: &loaded.compiled.creation,
        project: loaded.config.project.name.as_deref(),
    };
    let files = match docs::site(&input, &overrides, output::MARK) {
        Ok(f) => f,
        Err(e) => {
            report::fatal(format!("a template does not render: {e}"));
            return USAGE_OR_IO;
        }
    };
    for (name, text) in &files {
        let (dir, file) = match name.rsplit_once('/') {
            Some((d, f)) => (out.join(d), f),
            None => (out.clone(), name.as_str()),
        };
        if let Err(e) = output::write(&dir, file, text, force) {
            report::fatal(e);
            return USAGE_OR_IO;
        }
    }
    eprintln!(
        "schemac: wrote {} files to {} (open {})",
        files.len(),
        out.display(),
        out.join("index.html").display()
    );
    super::exit_without_freeing(loaded);
    OK
}

/// The replacement templates in `dir`: files named as the embedded ones.
/// A file there with another name is refused, so a misspelt template is
/// not silently ignored.
fn read_templates(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !TEMPLATES.iter().any(|(n, _)| *n == name) {
            let known: Vec<&str> = TEMPLATES.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "{} is not a docs template; the templates are: {}",
                path.display(),
                known.join(", ")
            ));
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        out.push((name, text));
    }
    Ok(out)
}
