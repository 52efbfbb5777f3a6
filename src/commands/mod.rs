//! One file per command; `run` is the registry.

mod build;
mod check;
mod diff;
mod docs;
mod erd;
mod fmt;
mod import;
mod init;
mod lint;
mod migrate;
mod r#where;

use crate::cli::{Cli, Command};
use crate::{report, SCHEMA_ERRORS, USAGE_OR_IO};
use generator::project::CONFIG_FILE;
use generator::{Compiled, Config, Project};
use std::path::{Path, PathBuf};

pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Build {
            path,
            out,
            emit,
            force,
            templates,
            target,
        } => build::run(
            &path,
            out,
            &emit,
            force,
            templates.as_deref(),
            target.map(Into::into),
        ),
        Command::Check { path } => check::run(&path),
        Command::Diff { sides, deny } => diff::diff(&sides, deny.is_some()),
        Command::Plan {
            sides,
            format,
            out,
            force,
            deny,
        } => diff::plan(&sides, format, out.as_deref(), force, deny.is_some()),
        Command::Push {
            path,
            database_url,
            allow_hazards,
            plan: None,
        } => diff::push(&path, &database_url, &allow_hazards),
        Command::Push {
            path,
            database_url,
            allow_hazards,
            plan: Some(plan),
        } => diff::push_plan(&plan, &path, &database_url, &allow_hazards),
        Command::Fmt { paths, check, diff } => fmt::run(&paths, check, diff),
        Command::Import {
            from_sql,
            database_url,
            out,
            force,
        } => import::run(&from_sql, database_url.as_deref(), &out, force),
        Command::Lint {
            path,
            format,
            deny,
            fix,
            unsafe_fixes,
            list_rules,
            coverage,
        } => {
            if list_rules {
                lint::list(format)
            } else if coverage {
                lint::coverage(&path, format)
            } else {
                lint::run(&path, format, deny.is_some(), fix, unsafe_fixes)
            }
        }
        Command::Explain { rule } => lint::explain(&rule),
        Command::Migrate { common, action } => migrate::run(&common, action),
        Command::Where {
            position,
            project,
            references,
        } => r#where::run(&position, project.as_deref(), references),
        Command::Docs {
            path,
            out,
            templates,
            force,
        } => docs::run(&path, out, templates, force),
        Command::Erd {
            path,
            format,
            module,
            entity,
            depth,
            view,
        } => erd::run(&path, format, module, entity.map(|e| (e, depth)), view),
        Command::Init { dir, template } => init::run(&dir, template),
    }
}

/// A loaded and compiled project, or the exit code to stop with.
pub struct Loaded {
    pub project: Project,
    pub compiled: Compiled,
    pub config: Config,
    /// Where outputs go when `--out` is not given.
    pub default_out: PathBuf,
    /// What paths in `schemac.toml` are relative to.
    pub base: PathBuf,
}

/// Loads, compiles and reports. Diagnostics are printed here. A `.json`
/// path is a `model.json` written by `--emit model`: the model is read
/// back instead of compiled.
/// `resolved`: also record the resolved layer (definitions and references).
pub fn load(path: &Path, resolved: bool) -> Result<Loaded, u8> {
    load_for(path, resolved, None)
}

/// `load`, for `target` instead of the one `schemac.toml` names.
pub fn load_for(
    path: &Path,
    resolved: bool,
    target: Option<generator::Target>,
) -> Result<Loaded, u8> {
    if path.extension().is_some_and(|e| e == "json") && !path.is_dir() {
        return load_model(path);
    }
    if path.is_dir() && !path.join(CONFIG_FILE).is_file() {
        report::fatal(format!(
            "{} is a directory without {CONFIG_FILE}; give a .schema file, or add a {CONFIG_FILE} (it may be empty)",
            path.display(),
        ));
        return Err(USAGE_OR_IO);
    }
    let timings = std::env::var_os("SCHEMAC_TIMINGS").is_some();
    let started = std::time::Instant::now();
    let mut project = match Project::load(path) {
        Ok(p) => p,
        Err(e) => {
            report::fatal(e);
            return Err(USAGE_OR_IO);
        }
    };
    if project.modules.is_empty() && project.diagnostics.is_empty() {
        report::fatal(format!("no .schema files in {}", path.display()));
        return Err(USAGE_OR_IO);
    }
    let config = project.config.clone().unwrap_or_default();
    let mut options = generator::Options {
        resolved,
        ..config.options()
    };
    if let Some(t) = target {
        options.target = t;
    }
    let base = if path.is_dir() {
        path.to_path_buf()
    } else {
        project.root.clone()
    };
    let default_out = base.join(
        config
            .build
            .out
            .clone()
            .unwrap_or_else(|| PathBuf::from("build")),
    );
    let loaded = started.elapsed();
    let (model, resolved_layer, mut diagnostics) = generator::resolve(&project, &options);
    diagnostics.extend(project.diagnostics.iter().cloned());
    // Without the resolved layer nothing reads the trees again.
    if !resolved {
        project.release_syntax();
    }
    let compiled = generator::complete(model, resolved_layer, diagnostics, &options);
    if timings {
        eprintln!(
            "schemac: timings: read and parse {:.1} ms, resolve and order {:.1} ms",
            loaded.as_secs_f64() * 1e3,
            (started.elapsed() - loaded).as_secs_f64() * 1e3
        );
    }
    match compiled {
        Ok(compiled) => {
            report::print(&compiled.warnings, &project.sources);
            Ok(Loaded {
                project,
                compiled,
                config,
                default_out,
                base,
            })
        }
        Err(failed) => {
            report::print(&failed.diagnostics, &project.sources);
            Err(SCHEMA_ERRORS)
        }
    }
}

/// The process ends right after a command: freeing a large project and
/// model piece by piece would only cost time (a measurable part of a run
/// on big schemas), so the memory goes back to the system at exit instead.
pub fn exit_without_freeing(loaded: Loaded) {
    std::mem::forget(loaded);
}

/// Reads a `model.json` and orders it. Outputs go beside it by default.
fn load_model(path: &Path) -> Result<Loaded, u8> {
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => {
            report::fatal(format!("cannot read {}: {e}", path.display()));
            return Err(USAGE_OR_IO);
        }
    };
    let mut project = Project::from_sources::<&str, &str>(&[]);
    let file = project.sources.add(path.display().to_string(), text);
    let model = generator::Model::from_json(&project.sources.get(file).text, file);
    let planned = model.and_then(|model| {
        match generator::graph::Graph::build(&model).plan(&model) {
            Ok(plan) => Ok(Compiled {
                creation: generator::statement::creation(&model, &plan),
                model,
                plan,
                // A model file has no text behind it to resolve.
                resolved: Default::default(),
                warnings: Vec::new(),
            }),
            // Its spans point into .schema files that are not loaded here.
            Err(mut d) => {
                d.labels.clear();
                Err(vec![d])
            }
        }
    });
    match planned {
        Ok(compiled) => Ok(Loaded {
            default_out: match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            },
            base: PathBuf::from("."),
            project,
            compiled,
            config: Config::default(),
        }),
        Err(diags) => {
            report::print(&diags, &project.sources);
            Err(SCHEMA_ERRORS)
        }
    }
}

/// A connection to the database a `--database-url` (or
/// `--from-database-url`, `--to-database-url`) names, made as `schemac
/// migrate` makes it: what the URL leaves out from the environment, TLS as
/// `sslmode` says, a failure as a coded diagnostic. The target is returned
/// too, for the shadow database beside it.
pub fn connect(url: &str) -> Result<(live::connect::Target, postgres::Client), u8> {
    let refused = |e: live::error::Error| {
        report::diagnostic(&e.diagnostic());
        USAGE_OR_IO
    };
    let target = live::connect::target(Some(url)).map_err(refused)?;
    let client = target.connect().map_err(refused)?;
    Ok((target, client))
}
