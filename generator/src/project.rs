//! Loading a project: one `.schema` file and the modules it imports, or a
//! directory (with `schemac.toml`) and every `.schema` file under it. Each
//! file is a module named by its path: `billing/invoices.schema` is
//! `billing.invoices`. This module reads files; nothing in `generator`
//! writes them.

use dsl::ast::{File, Item};
use dsl::{Diagnostic, SourceMap};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One parsed file.
pub struct Module {
    /// Dotted module name, relative to the project root.
    pub name: String,
    pub file: u32,
    pub ast: File,
}

/// Everything read and parsed, ready for `resolve`.
pub struct Project {
    pub root: PathBuf,
    pub sources: SourceMap,
    pub modules: Vec<Module>,
    pub diagnostics: Vec<Diagnostic>,
}

/// An I/O failure (exit code 2), as opposed to a schema error (exit code 1).
#[derive(Debug)]
pub struct LoadError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for LoadError {}

pub const EXTENSION: &str = "schema";
pub const CONFIG_FILE: &str = "schemac.toml";

impl Project {
    /// Parses in-memory files: `(module path like "auth/users.schema", text)`.
    pub fn from_sources<S: AsRef<str>>(files: &[(S, S)]) -> Project {
        let mut project = Project {
            root: PathBuf::new(),
            sources: SourceMap::new(),
            modules: Vec::new(),
            diagnostics: Vec::new(),
        };
        for (path, text) in files {
            project.add(
                path.as_ref(),
                module_name(Path::new(path.as_ref())),
                text.as_ref(),
            );
        }
        project
    }

    fn add(&mut self, display: &str, name: String, text: &str) {
        let file = self.sources.add(display, text);
        let parsed = dsl::parse(text, file);
        self.diagnostics.extend(parsed.diagnostics);
        self.modules.push(Module {
            name,
            file,
            ast: parsed.file,
        });
    }

    /// Loads a `.schema` file with its imports, or a project directory.
    pub fn load(path: &Path) -> Result<Project, LoadError> {
        let meta = std::fs::metadata(path).map_err(|e| io(path, e))?;
        let mut project = Project {
            root: PathBuf::new(),
            sources: SourceMap::new(),
            modules: Vec::new(),
            diagnostics: Vec::new(),
        };
        if meta.is_dir() {
            project.root = path.to_path_buf();
            let mut files = Vec::new();
            collect(path, &mut files)?;
            files.sort();
            for f in files {
                project.read(&f)?;
            }
        } else {
            project.root = path.parent().map(Path::to_path_buf).unwrap_or_default();
            project.read(path)?;
            // Follow imports, breadth first; a missing module is reported by
            // the resolver at the import that names it.
            let mut next = 0;
            while next < project.modules.len() {
                let wanted: Vec<String> = imports(&project.modules[next].ast).collect();
                next += 1;
                for name in wanted {
                    if project.modules.iter().any(|m| m.name == name) {
                        continue;
                    }
                    let file = project.root.join(module_path(&name));
                    if file.is_file() {
                        project.read(&file)?;
                    }
                }
            }
        }
        Ok(project)
    }

    fn read(&mut self, path: &Path) -> Result<(), LoadError> {
        let bytes = std::fs::read(path).map_err(|e| io(path, e))?;
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        let display = path.display().to_string();
        match String::from_utf8(bytes) {
            Ok(text) => self.add(&display, module_name(rel), &text),
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let file = self.sources.add(display, text);
                self.diagnostics.push(
                    Diagnostic::error("schemac::encoding", "this file is not valid UTF-8")
                        .label(dsl::Span::new(file, valid, valid + 1), "invalid byte here")
                        .help("save the file as UTF-8"),
                );
            }
        }
        Ok(())
    }
}

fn io(path: &Path, e: std::io::Error) -> LoadError {
    LoadError {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Every `.schema` file under `dir`, skipping hidden directories and
/// build output.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let entry = entry.map_err(|e| io(dir, e))?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "build" || name == "target" {
            continue;
        }
        let kind = entry.file_type().map_err(|e| io(&path, e))?;
        if kind.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == EXTENSION) {
            out.push(path);
        }
    }
    Ok(())
}

fn imports(ast: &File) -> impl Iterator<Item = String> + '_ {
    ast.items.iter().filter_map(|i| match i {
        Item::Import(imp) => Some(imp.path.dotted()),
        _ => None,
    })
}

/// `billing/invoices.schema` → `billing.invoices`.
pub fn module_name(path: &Path) -> String {
    let stem = path.with_extension("");
    let parts: Vec<String> = stem
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts.join(".")
}

/// `billing.invoices` → `billing/invoices.schema`.
pub fn module_path(name: &str) -> PathBuf {
    let mut p: PathBuf = name.split('.').collect();
    p.set_extension(EXTENSION);
    p
}

/// Module names in a stable order, for messages.
pub fn names(modules: &[Module]) -> BTreeMap<&str, usize> {
    modules
        .iter()
        .enumerate()
        .map(|(i, m)| (m.name.as_str(), i))
        .collect()
}
