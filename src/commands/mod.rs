//! One file per command; `run` is the registry.

mod build;
mod check;
mod fmt;

use crate::cli::{Cli, Command};
use crate::{config, report, SCHEMA_ERRORS, USAGE_OR_IO};
use generator::{Compiled, Options, Project};
use std::path::{Path, PathBuf};

pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Build {
            path,
            out,
            emit,
            force,
        } => build::run(&path, out, &emit, force),
        Command::Check { path } => check::run(&path),
        Command::Fmt { paths, check, diff } => fmt::run(&paths, check, diff),
    }
}

/// A loaded and compiled project, or the exit code to stop with.
pub struct Loaded {
    pub project: Project,
    pub compiled: Compiled,
    pub config: config::Config,
    /// Where outputs go when `--out` is not given.
    pub default_out: PathBuf,
}

/// Loads, compiles and reports. Diagnostics are printed here.
pub fn load(path: &Path) -> Result<Loaded, u8> {
    let config = match config::load(path) {
        Ok(c) => c,
        Err(e) => {
            report::fatal(e);
            return Err(USAGE_OR_IO);
        }
    };
    if path.is_dir() && config.is_none() {
        report::fatal(format!(
            "{} is a directory without {}; give a .schema file, or add a {} (it may be empty)",
            path.display(),
            generator::project::CONFIG_FILE,
            generator::project::CONFIG_FILE
        ));
        return Err(USAGE_OR_IO);
    }
    let config = config.unwrap_or_default();
    let timings = std::env::var_os("SCHEMAC_TIMINGS").is_some();
    let started = std::time::Instant::now();
    let project = match Project::load(path) {
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
    let mut options = Options::default();
    if let Some(s) = &config.project.default_schema {
        options.default_schema = s.clone();
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
    let compiled = generator::compile(&project, &options);
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
