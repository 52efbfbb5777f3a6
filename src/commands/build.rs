//! `schemac build`: compile and write the outputs.

use crate::cli::Emit;
use crate::{output, report, OK, SCHEMA_ERRORS, USAGE_OR_IO};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

pub fn run(
    path: &Path,
    out: Option<PathBuf>,
    emit: &[Emit],
    force: bool,
    templates: Option<&Path>,
    target: Option<generator::Target>,
) -> u8 {
    let loaded = match super::load_for(path, false, target) {
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
    let rust_out = match (&out, &loaded.config.rust.out) {
        (Some(out), _) => out.join("rust"),
        (None, Some(dir)) => loaded.base.join(dir),
        (None, None) => loaded.default_out.join("rust"),
    };
    // `[docs] out` asks for the docs site with every build.
    let docs_out = loaded.config.docs.out.as_ref().map(|_| match &out {
        Some(out) => out.join("docs"),
        None => super::docs::default_out(&loaded),
    });
    let out = out.unwrap_or_else(|| loaded.default_out.clone());
    let compiled = &loaded.compiled;
    let mut written = Vec::new();
    for kind in emit {
        let files = match kind {
            // Written piece by piece, the statements' texts borrowed: the
            // script is never copied.
            Emit::Sql => vec![(
                out.clone(),
                "schema.sql".to_string(),
                generator::emit::postgres::render_pieces(&compiled.creation),
            )],
            Emit::Model => vec![(
                out.clone(),
                "model.json".to_string(),
                vec![Cow::Owned(generator::model_file::to_json(
                    &compiled.model,
                    output::MARK,
                ))],
            )],
            Emit::Rust => match rust(path, &loaded, templates) {
                Ok(files) => files
                    .into_iter()
                    .map(|f| (rust_out.clone(), f.path, vec![Cow::Owned(f.text)]))
                    .collect(),
                Err(e) => {
                    report::fatal(e);
                    return USAGE_OR_IO;
                }
            },
        };
        for (dir, name, pieces) in files {
            if let Err(e) = output::write_pieces(&dir, &name, &pieces, force) {
                report::fatal(e);
                return USAGE_OR_IO;
            }
            written.push(dir.join(name).display().to_string());
        }
    }
    if let Some(dir) = docs_out {
        match super::docs::write(&loaded, &dir, &[], force) {
            Ok(_) => written.push(dir.join("index.html").display().to_string()),
            Err(code) => return code,
        }
    }
    eprintln!("schemac: wrote {}", written.join(", "));
    super::exit_without_freeing(loaded);
    OK
}

/// The Rust files, formatted by rustfmt when it is installed.
fn rust(
    path: &Path,
    loaded: &super::Loaded,
    templates: Option<&Path>,
) -> Result<Vec<generator::emit::rust::File>, String> {
    let overrides = match templates {
        Some(dir) => read_templates(dir)?,
        None => Vec::new(),
    };
    let schema_name = loaded.config.project.name.clone().unwrap_or_else(|| {
        path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    });
    let options = generator::emit::rust::RustOptions {
        time: loaded.config.rust.time,
        layout: loaded.config.rust.layout,
        mode: loaded.config.rust.mode,
        schema_name,
        version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let mut files = generator::emit::rust::render(&loaded.compiled.model, &options, &overrides)?;
    for f in &mut files {
        if let Some(formatted) = rustfmt(&f.text) {
            f.text = formatted;
        }
    }
    Ok(files)
}

/// Every file of `dir`, each replacing the built-in template of its name.
/// A file that names no template is refused: it would silently do nothing.
fn read_templates(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let known: Vec<&str> = generator::emit::rust::TEMPLATES
        .iter()
        .map(|(n, _)| *n)
        .collect();
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !known.contains(&name.as_str()) {
            return Err(format!(
                "{} is not a template; the templates are {}",
                entry.path().display(),
                known.join(", ")
            ));
        }
        let text = std::fs::read_to_string(entry.path())
            .map_err(|e| format!("cannot read {}: {e}", entry.path().display()))?;
        found.push((name, text));
    }
    found.sort();
    Ok(found)
}

/// The text as rustfmt formats it, or `None` when rustfmt is not installed
/// or refuses it (the templates already lay code out as rustfmt does, so
/// the text stays usable either way).
fn rustfmt(text: &str) -> Option<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let input = text.to_string();
    // Written from another thread: rustfmt may fill its output pipe before
    // it has read all of its input.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().ok()?;
    writer.join().ok()?.ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}
