//! Loading a project: one `.schema` file and the modules it imports, or a
//! directory (with `schemac.toml`) and every `.schema` file under it. Each
//! file is a module named by its path: `billing/invoices.schema` is
//! `billing.invoices`. This module reads files; nothing in `generator`
//! writes them.

use crate::config::{self, Config};
use dsl::ast::{File, Item};
use dsl::Code;
use dsl::{Diagnostic, SourceMap};
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
    /// The settings of `schemac.toml`, when the project has one.
    pub config: Option<Config>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Project {
    /// Frees the syntax trees, keeping the sources (for reports) and the
    /// diagnostics: after `resolve`, a build needs nothing else.
    pub fn release_syntax(&mut self) {
        for m in &mut self.modules {
            m.ast = File::default();
        }
    }
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
    fn empty() -> Project {
        Project {
            root: PathBuf::new(),
            sources: SourceMap::new(),
            modules: Vec::new(),
            config: None,
            diagnostics: Vec::new(),
        }
    }

    /// Parses in-memory files: `(module path like "auth/users.schema", text)`.
    /// A file named `schemac.toml` is the project's settings.
    pub fn from_sources<P: AsRef<str>, T: AsRef<str>>(files: &[(P, T)]) -> Project {
        let mut project = Project::empty();
        let (settings, schemas): (Vec<_>, Vec<_>) = files
            .iter()
            .partition(|(path, _)| path.as_ref() == CONFIG_FILE);
        let batch = schemas
            .iter()
            .map(|(path, text)| Pending {
                display: path.as_ref().to_string(),
                name: module_name(Path::new(path.as_ref())),
                text: text.as_ref().to_string(),
            })
            .collect();
        project.parse_batch(batch);
        for (path, text) in settings {
            project.add_config(path.as_ref().to_string(), text.as_ref().to_string());
        }
        project.add_stdlib();
        project
    }

    /// Adds the standard-library modules (`std.*`) the modules import, and
    /// those they import in turn, instantiated with `[stdlib]`'s settings.
    /// They come after every file of the project, so its file ids do not
    /// depend on them. An unknown `std.*` name is left for the resolver to
    /// report at the import.
    fn add_stdlib(&mut self) {
        let config = self.config.clone().unwrap_or_default();
        let params = crate::stdlib::Params {
            effective_schema: config
                .stdlib
                .schema
                .clone()
                .or(config.project.default_schema.clone())
                .unwrap_or_else(|| "public".to_string()),
            schema: config.stdlib.schema.clone(),
            id: config.stdlib.id,
            user: config.stdlib.user.clone(),
        };
        let mut next = 0;
        while next < self.modules.len() {
            let mut batch: Vec<Pending> = Vec::new();
            for m in &self.modules[next..] {
                for name in imports(&m.ast) {
                    let known = self.modules.iter().any(|m| m.name == name)
                        || batch.iter().any(|p| p.name == name);
                    if known || !name.starts_with(crate::stdlib::PREFIX) {
                        continue;
                    }
                    if let Some(text) = crate::stdlib::source(&name, &params) {
                        batch.push(Pending {
                            display: crate::stdlib::display(&name),
                            name,
                            text,
                        });
                    }
                }
            }
            next = self.modules.len();
            self.parse_batch(batch);
        }
    }

    /// Adds `schemac.toml` to the sources, after the modules so that their
    /// file ids do not depend on it, and reads it.
    fn add_config(&mut self, display: String, text: String) {
        let file = self.sources.add(display, text);
        let (config, diags) = config::parse(&self.sources.get(file).text, file);
        self.config = Some(config);
        self.diagnostics.extend(diags);
    }

    /// Loads a `.schema` file with its imports, or a project directory.
    pub fn load(path: &Path) -> Result<Project, LoadError> {
        let meta = std::fs::metadata(path).map_err(|e| io(path, e))?;
        let mut project = Project::empty();
        if meta.is_dir() {
            project.root = path.to_path_buf();
            let settings = path.join(CONFIG_FILE);
            let settings = match settings.is_file() {
                true => Some(read_config(&settings)?),
                false => None,
            };
            let mut batch = Vec::new();
            for f in schema_files(path)? {
                batch.extend(project.read(&f)?);
            }
            project.parse_batch(batch);
            if let Some((display, text)) = settings {
                project.add_config(display, text);
            }
            project.add_stdlib();
        } else {
            project.root = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let batch = project.read(path)?.into_iter().collect();
            project.parse_batch(batch);
            // Follow imports a level at a time; a missing module is reported
            // by the resolver at the import that names it.
            let mut next = 0;
            while next < project.modules.len() {
                let mut wanted: Vec<String> = Vec::new();
                for m in &project.modules[next..] {
                    for name in imports(&m.ast) {
                        if !wanted.contains(&name)
                            && !project.modules.iter().any(|m| m.name == name)
                        {
                            wanted.push(name);
                        }
                    }
                }
                next = project.modules.len();
                let mut batch = Vec::new();
                for name in wanted {
                    let file = project.root.join(module_path(&name));
                    if file.is_file() {
                        batch.extend(project.read(&file)?);
                    }
                }
                project.parse_batch(batch);
            }
            project.add_stdlib();
        }
        Ok(project)
    }

    /// Parses files on all cores (files are independent until resolution)
    /// and adds them in the given order, so results never depend on timing.
    fn parse_batch(&mut self, batch: Vec<Pending>) {
        if batch.is_empty() {
            return;
        }
        let first = self.sources.files().count();
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(batch.len());
        let chunk = batch.len().div_ceil(threads);
        let parsed: Vec<dsl::Parsed> = std::thread::scope(|scope| {
            let handles: Vec<_> = batch
                .chunks(chunk)
                .enumerate()
                .map(|(c, files)| {
                    scope.spawn(move || {
                        files
                            .iter()
                            .enumerate()
                            .map(|(i, f)| dsl::parse(&f.text, (first + c * chunk + i) as u32))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        for (f, mut parsed) in batch.into_iter().zip(parsed) {
            let file = self.sources.add(f.display, f.text);
            self.diagnostics.extend(parsed.diagnostics);
            crate::polymorphic::expand(&mut parsed.file, &mut self.diagnostics);
            self.modules.push(Module {
                name: f.name,
                file,
                ast: parsed.file,
            });
        }
    }

    /// Reads a file to parse. A file that is not UTF-8 becomes a
    /// diagnostic instead, with its text kept for the report.
    fn read(&mut self, path: &Path) -> Result<Option<Pending>, LoadError> {
        let bytes = std::fs::read(path).map_err(|e| io(path, e))?;
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        let display = path.display().to_string();
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Some(Pending {
                display,
                name: module_name(rel),
                text,
            })),
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let file = self.sources.add(display, text);
                self.diagnostics.push(
                    Diagnostic::error(Code::Encoding, "this file is not valid UTF-8")
                        .label(dsl::Span::new(file, valid, valid + 1), "invalid byte here")
                        .help("save the file as UTF-8"),
                );
                Ok(None)
            }
        }
    }
}

/// A file read and waiting to be parsed.
struct Pending {
    display: String,
    name: String,
    text: String,
}

/// `schemac.toml`'s display path and text. One that cannot be read, or is
/// not UTF-8, stops the load (exit code 2), as it always has.
fn read_config(path: &Path) -> Result<(String, String), LoadError> {
    let text = std::fs::read_to_string(path).map_err(|e| io(path, e))?;
    Ok((path.display().to_string(), text))
}

fn io(path: &Path, e: std::io::Error) -> LoadError {
    LoadError {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Every `.schema` file under `dir`, skipping hidden directories and
/// build output.
/// Every `.schema` file under `dir`, sorted; hidden directories and
/// `build` and `target` are skipped.
pub fn schema_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    files.sort();
    Ok(files)
}

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
