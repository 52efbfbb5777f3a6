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

/// The options a project's `schemac.toml` asks for, as the CLI reads them.
pub fn options(project: &Project) -> Options {
    project
        .config
        .as_ref()
        .map_or_else(Options::default, |c| c.options())
}

pub fn compile(path: &Path) -> Result<Compiled, String> {
    let project = Project::load(path).map_err(|e| e.to_string())?;
    generator::compile(&project, &options(&project)).map_err(|failed| {
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

/// Every `.schema` file of a case (one for a single-file fixture), with its
/// path relative to the case, sorted.
pub fn sources(case: &Path) -> Vec<(String, String)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("case directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            let hidden = p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.') || n == "build");
            if p.is_dir() && !hidden {
                walk(&p, root, out);
            } else if p.extension().is_some_and(|e| e == "schema") {
                let rel = p.strip_prefix(root).expect("inside the case");
                let text = std::fs::read_to_string(&p).expect("schema file");
                out.push((rel.to_string_lossy().into_owned(), text));
            }
        }
    }
    let mut out = Vec::new();
    if case.join("schemac.toml").is_file() {
        walk(case, case, &mut out);
    } else {
        let text = std::fs::read_to_string(case.join("input.schema")).expect("fixture");
        out.push(("input.schema".to_string(), text));
    }
    out
}

/// Whether we run in CI (`CI` set to anything but `0` or `false`), where a
/// missing tool a test needs is a failure rather than a reason to skip.
pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| {
        let v = v.trim();
        !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false")
    })
}

/// Where `.ci/run` installs the npm packages the tests run under Node
/// (`SCHEMAC_MERMAID_DIR`, else `~/.cache/schemac-mermaid`), if Node is
/// there and `package` is installed.
pub fn node_packages(package: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("SCHEMAC_MERMAID_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/schemac-mermaid"))
        })?;
    let node = std::process::Command::new("node").arg("--version").output();
    (node.is_ok_and(|o| o.status.success()) && dir.join("node_modules").join(package).is_dir())
        .then_some(dir)
}
