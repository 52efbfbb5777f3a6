//! `schemac init`: a new project that builds, lints clean and applies at
//! once. Every file is created atomically, and none over an existing one.

use crate::cli::InitTemplate;
use crate::{output, USAGE_OR_IO};
use std::path::Path;

pub fn run(dir: &Path, template: InitTemplate) -> u8 {
    let name = std::fs::canonicalize(dir)
        .ok()
        .or_else(|| Some(dir.to_path_buf()))
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "app".to_string());
    let files = files(&name, template);
    let existing: Vec<String> = files
        .iter()
        .filter(|(f, _)| dir.join(f).exists())
        .map(|(f, _)| dir.join(f).display().to_string())
        .collect();
    if !existing.is_empty() {
        eprintln!(
            "schemac: not overwriting {}; nothing written",
            existing.join(", ")
        );
        return USAGE_OR_IO;
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("schemac: cannot create {}: {e}", dir.display());
        return USAGE_OR_IO;
    }
    for (file, text) in &files {
        if let Err(e) = output::create(&dir.join(file), text) {
            eprintln!("schemac: {e}");
            return USAGE_OR_IO;
        }
    }
    eprintln!(
        "schemac: created {} in {}; run `schemac build {}`",
        files.iter().map(|(f, _)| *f).collect::<Vec<_>>().join(", "),
        dir.display(),
        dir.display()
    );
    0
}

/// The project's files: (path in the project, text).
fn files(name: &str, template: InitTemplate) -> Vec<(&'static str, String)> {
    let (schema, stdlib, what) = match template {
        InitTemplate::Minimal => (
            include_str!("../../templates/init/minimal.schema"),
            "",
            "users from the standard library and one entity of its own",
        ),
        InitTemplate::Saas => (
            include_str!("../../templates/init/saas.schema"),
            "\n[stdlib]\nid = \"uuid\"\n",
            "organisations and memberships over the standard library's users, roles, files, notifications and audit log",
        ),
        InitTemplate::Seed => (
            include_str!("../../templates/init/seed.schema"),
            "",
            "every module of the standard library",
        ),
    };
    let toml_name = name.replace('\\', "\\\\").replace('"', "\\\"");
    vec![
        (
            "schemac.toml",
            format!("[project]\nname = \"{toml_name}\"\n\n[build]\nout = \"build\"\n{stdlib}"),
        ),
        ("app.schema", schema.to_string()),
        (".gitignore", "# schemac's outputs\n/build/\n".to_string()),
        (
            "README.md",
            format!(
                "# {name}\n\nA schemac project: {what}.\n\n\
                 - `schemac build` writes `build/schema.sql`, which applies to an empty database.\n\
                 - `schemac lint` reviews the design; `schemac fmt` formats the files.\n\
                 - The standard library's modules (`import std.auth`, ...) are described in schemac's docs/stdlib.md.\n"
            ),
        ),
    ]
}
