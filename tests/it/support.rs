//! Shared helpers: locating fixtures, compiling them in-process.

use generator::{Compiled, Options, Project};
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Case directories under `tests/fixtures/<group>`, sorted.
pub fn cases(group: &str) -> Vec<PathBuf> {
    let dir = root().join("tests/fixtures").join(group);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

/// The example projects under `examples/`.
pub fn examples() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("schemac.toml").is_file())
        .collect();
    out.sort();
    out
}

/// What to load for a case: the directory if it is a project, else its
/// `input.schema`.
pub fn input(case: &Path) -> PathBuf {
    if case.join("schemac.toml").is_file() {
        case.to_path_buf()
    } else {
        case.join("input.schema")
    }
}

pub fn compile(path: &Path) -> Result<Compiled, String> {
    let project = Project::load(path).map_err(|e| e.to_string())?;
    generator::compile(&project, &Options::default()).map_err(|failed| {
        failed
            .diagnostics
            .iter()
            .map(|d| format!("{}: {} {:?}", d.code, d.message, d.labels))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

pub fn compile_ok(path: &Path) -> Compiled {
    compile(path).unwrap_or_else(|e| panic!("{} should compile:\n{e}", path.display()))
}

pub fn sql(compiled: &Compiled) -> String {
    generator::emit::postgres::render(&compiled.creation)
}

pub fn case_name(case: &Path) -> String {
    case.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
