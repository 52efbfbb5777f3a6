//! `schemac migrate ...`: versioned migrations. Writing them (`new`,
//! `hash`, `rebase`) is here; everything that talks to a database is the
//! runner's (`live::runner`). Every subcommand refuses a directory that
//! does not match its `schemac.sum` before it connects.

use crate::cli::{MigrateAction, MigrateArgs, RunFormat};
use crate::{output, report, OK, SCHEMA_ERRORS, USAGE_OR_IO};
use generator::diff::plan::{plan, Hazard};
use generator::diff::{diff, Options};
use generator::project::CONFIG_FILE;
use generator::Model;
use live::connect::{redact, Target};
use live::error::{Error, Kind};
use live::migrations::{self, Directory, Migration, SUM_FILE};
use live::runner::{self, Event};
use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `status`: migrations are pending.
const PENDING: u8 = 1;
/// `status`: a migration failed, was edited after it was applied, or the
/// database drifted.
const BROKEN: u8 = 3;

pub fn run(args: &MigrateArgs, action: MigrateAction) -> u8 {
    let root = migrations_dir(args);
    let dir = match Directory::read(&root) {
        Ok(d) => d,
        Err(e) => {
            failure(args.format, &e.into());
            return USAGE_OR_IO;
        }
    };
    match &action {
        MigrateAction::Hash => return hash(&dir),
        MigrateAction::Rebase { version } => return rebase(args, &dir, version),
        _ => {}
    }
    if let Err(e) = dir.check() {
        failure(args.format, &e.into());
        return SCHEMA_ERRORS;
    }
    match action {
        MigrateAction::New { name, empty, deny } => new(args, &dir, &name, empty, deny.is_some()),
        MigrateAction::Hash | MigrateAction::Rebase { .. } => OK,
        MigrateAction::Apply { to, dry_run } => apply(args, &dir, to.as_deref(), dry_run),
        MigrateAction::Rollback { to, dry_run } => rollback(args, &dir, to.as_deref(), dry_run),
        MigrateAction::Status => status(args, &dir),
        MigrateAction::Resolve {
            applied,
            rolled_back,
        } => {
            let (version, applied) = match (applied, rolled_back) {
                (Some(v), _) => (v, true),
                (None, Some(v)) => (v, false),
                (None, None) => return USAGE_OR_IO,
            };
            with_runner(args, false, |target, options, events| {
                runner::resolve(&dir, target, &version, applied, options, events)?;
                Ok(format!(
                    "{version} marked {}",
                    if applied { "applied" } else { "rolled back" }
                ))
            })
        }
        MigrateAction::Baseline { version } => {
            with_runner(args, false, |target, options, events| {
                let adopted = runner::baseline(&dir, target, &version, options, events)?;
                Ok(format!(
                    "baseline: the database is at {version}; recorded {}",
                    adopted.join(", ")
                ))
            })
        }
        MigrateAction::Verify {
            shadow_database_url,
            with_data,
        } => verify(args, &dir, shadow_database_url.as_deref(), with_data),
    }
}

fn migrations_dir(args: &MigrateArgs) -> PathBuf {
    match &args.dir {
        Some(d) => d.clone(),
        None => project_dir(args).join("migrations"),
    }
}

fn project_dir(args: &MigrateArgs) -> PathBuf {
    if args.project.is_dir() {
        args.project.clone()
    } else {
        match args.project.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }
}

/// The current schema's model.
fn current(args: &MigrateArgs) -> Result<Model, u8> {
    current_with_version(args).map(|(m, _)| m)
}

/// The schema, and the `[lint] pg_version` the migration-safety lint
/// reads.
fn current_with_version(args: &MigrateArgs) -> Result<(Model, Option<u32>), u8> {
    let loaded = super::load(&args.project, false)?;
    Ok((loaded.compiled.model, loaded.config.lint.pg_version))
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn new(args: &MigrateArgs, dir: &Directory, name: &str, empty: bool, deny: bool) -> u8 {
    if !valid_name(name) {
        report::fatal(format!(
            "a migration's name is lowercase letters, digits and underscores, not `{name}`"
        ));
        return USAGE_OR_IO;
    }
    let previous = match runner::snapshot(dir.last()) {
        Ok(m) => m,
        Err(e) => {
            failure(args.format, &e);
            return SCHEMA_ERRORS;
        }
    };
    let parent = dir.last().map(Migration::id);
    let (up, down, snapshot) = if empty {
        let text = match dir.last() {
            Some(m) => m.snapshot.clone(),
            None => generator::model_file::to_json(&Model::default(), output::MARK),
        };
        (
            migrations::empty_script(parent.as_deref(), &format!("{name}: written by hand")),
            migrations::empty_script(parent.as_deref(), &format!("undoes {name}")),
            text,
        )
    } else {
        let (model, pg_version) = match current_with_version(args) {
            Ok(m) => m,
            Err(code) => return code,
        };
        let changes = diff(&previous, &model, &Options::default());
        let up = plan(&previous, &model, &changes);
        if super::diff::safety_lint(&previous, &model, &up, pg_version, deny) {
            report::fatal("no migration written: the migration-safety lint refused the plan");
            return SCHEMA_ERRORS;
        }
        if up.is_empty() {
            eprintln!(
                "schemac: the schema is what {} leaves: no migration written",
                parent.as_deref().unwrap_or("an empty database")
            );
            return OK;
        }
        if !up.unsupported.is_empty() {
            for u in &up.unsupported {
                report::fatal(format!("cannot plan: {u}"));
            }
            report::fatal("write this migration by hand: `schemac migrate new NAME --empty`");
            return SCHEMA_ERRORS;
        }
        let back = diff(&model, &previous, &Options::default());
        let down = plan(&model, &previous, &back);
        (
            migrations::script(&up, parent.as_deref()),
            migrations::script(&down, parent.as_deref()),
            generator::model_file::to_json(&model, output::MARK),
        )
    };
    let id = format!("{}_{name}", dir.next_version());
    let path = dir.root.join(&id);
    if path.exists() {
        report::fatal(format!(
            "{} exists; a migration is never overwritten",
            path.display()
        ));
        return USAGE_OR_IO;
    }
    for (file, text) in [
        (migrations::UP, &up),
        (migrations::DOWN, &down),
        (migrations::SNAPSHOT, &snapshot),
    ] {
        if let Err(e) = output::write(&path, file, text, false) {
            report::fatal(e);
            return USAGE_OR_IO;
        }
    }
    let code = hash_quietly(&dir.root);
    if code == OK {
        eprintln!("schemac: wrote {}", path.display());
    }
    code
}

fn hash_quietly(root: &Path) -> u8 {
    let dir = match Directory::read(root) {
        Ok(d) => d,
        Err(e) => {
            report::fatal(e);
            return USAGE_OR_IO;
        }
    };
    match output::write(root, SUM_FILE, &dir.sum(), true) {
        Ok(()) => OK,
        Err(e) => {
            report::fatal(e);
            USAGE_OR_IO
        }
    }
}

fn hash(dir: &Directory) -> u8 {
    let code = hash_quietly(&dir.root);
    if code == OK {
        eprintln!(
            "schemac: wrote {} ({} migrations)",
            dir.root.join(SUM_FILE).display(),
            dir.migrations.len()
        );
    }
    code
}

/// Moves `version` after the last migration: its up and down planned
/// again from the new parent's snapshot to the current schema (a
/// hand-written one keeps its text), the directory summed again.
fn rebase(args: &MigrateArgs, dir: &Directory, version: &str) -> u8 {
    let Some(m) = dir.find(version) else {
        report::fatal(format!("no migration {version} in {}", dir.root.display()));
        return USAGE_OR_IO;
    };
    if dir
        .migrations
        .iter()
        .any(|c| c.parent.as_deref() == Some(&m.id()))
    {
        report::fatal(format!(
            "{} has migrations after it; rebase the last of them first",
            m.id()
        ));
        return USAGE_OR_IO;
    }
    let others: Vec<&Migration> = dir.migrations.iter().filter(|x| x.id() != m.id()).collect();
    let Some(parent) = others.last() else {
        report::fatal(format!(
            "{} is the only migration: nothing to rebase on",
            m.id()
        ));
        return USAGE_OR_IO;
    };
    let rest = Directory {
        root: dir.root.clone(),
        migrations: others.iter().map(|x| (*x).clone()).collect(),
    };
    let hand_written = m.snapshot
        == dir
            .migrations
            .iter()
            .find(|x| Some(x.id()) == m.parent)
            .map(|x| x.snapshot.clone())
            .unwrap_or_default()
        || !m.up.contains("\n-- step ");
    let (up, down, snapshot) = if hand_written {
        let reparent = |s: &str| {
            s.replacen(
                &format!(
                    "-- schemac: parent {}",
                    m.parent.as_deref().unwrap_or("none")
                ),
                &format!("-- schemac: parent {}", parent.id()),
                1,
            )
        };
        (reparent(&m.up), reparent(&m.down), parent.snapshot.clone())
    } else {
        let from = match runner::snapshot(Some(parent)) {
            Ok(x) => x,
            Err(e) => {
                failure(args.format, &e);
                return SCHEMA_ERRORS;
            }
        };
        let model = match current(args) {
            Ok(x) => x,
            Err(code) => return code,
        };
        let up = plan(&from, &model, &diff(&from, &model, &Options::default()));
        let down = plan(&model, &from, &diff(&model, &from, &Options::default()));
        (
            migrations::script(&up, Some(&parent.id())),
            migrations::script(&down, Some(&parent.id())),
            generator::model_file::to_json(&model, output::MARK),
        )
    };
    let id = format!("{}_{}", rest.next_version(), m.name);
    let path = dir.root.join(&id);
    for (file, text) in [
        (migrations::UP, &up),
        (migrations::DOWN, &down),
        (migrations::SNAPSHOT, &snapshot),
    ] {
        if let Err(e) = output::write(&path, file, text, false) {
            report::fatal(e);
            return USAGE_OR_IO;
        }
    }
    if let Err(e) = std::fs::remove_dir_all(&m.dir) {
        report::fatal(format!("cannot remove {}: {e}", m.dir.display()));
        return USAGE_OR_IO;
    }
    let code = hash_quietly(&dir.root);
    if code == OK {
        eprintln!("schemac: {} is now {id}, after {}", m.id(), parent.id());
    }
    code
}

/// The database and the hazards allowed, from the options, the
/// environment and `schemac.toml`: `[migrate] allow_hazards` for every
/// database, what `[env.NAME]` and `--allow-hazards` add to it.
fn target(args: &MigrateArgs) -> Result<(Target, BTreeSet<Hazard>), u8> {
    let mut allowed = BTreeSet::new();
    let mut names: Vec<String> = args.allow_hazards.clone();
    let mut url = args
        .database_url
        .clone()
        .or_else(|| std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()));
    let path = project_dir(args).join(CONFIG_FILE);
    if path.is_file() || args.env.is_some() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let (config, diags) = generator::config::parse(&text, 0);
        if let Some(d) = diags.first() {
            report::fatal(format!("{}: {}", path.display(), d.message));
            return Err(USAGE_OR_IO);
        }
        allowed.extend(config.migrate.allow_hazards.iter().copied());
        if let Some(env) = &args.env {
            let Some(section) = config.env.iter().find(|e| &e.name == env) else {
                let known: Vec<&str> = config.env.iter().map(|e| e.name.as_str()).collect();
                report::fatal(format!(
                    "{} has no [env.{env}] (environments: {})",
                    path.display(),
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ));
                return Err(USAGE_OR_IO);
            };
            names.extend(section.allow_hazards.iter().cloned());
            if args.database_url.is_none() {
                url = section.url.clone().or(url);
            }
        }
    }
    for name in &names {
        match Hazard::parse(name) {
            Some(h) => {
                allowed.insert(h);
            }
            None => {
                let all: Vec<&str> = Hazard::ALL.iter().map(|h| h.name()).collect();
                report::fatal(format!(
                    "unknown hazard `{name}`; hazards are {}",
                    all.join(", ")
                ));
                return Err(USAGE_OR_IO);
            }
        }
    }
    match live::connect::target(url.as_deref()) {
        Ok(t) => Ok((t, allowed)),
        Err(e) => {
            failure(args.format, &e);
            Err(USAGE_OR_IO)
        }
    }
}

/// Progress: a spinner on a terminal, plain lines otherwise, JSON events
/// with `--format json`.
struct Progress {
    format: RunFormat,
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(format: RunFormat) -> Progress {
        let bar = (format == RunFormat::Text && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} [{elapsed}] {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress { format, bar }
    }

    fn event(&mut self, e: Event) {
        if self.format == RunFormat::Json {
            println!("{}", serde_json::to_string(&e).unwrap_or_default());
            return;
        }
        let line = match &e {
            Event::Waiting { seconds } => {
                format!("waiting for another runner's lock (at most {seconds:.0} s)")
            }
            Event::Locked => return,
            Event::Migration {
                version,
                name,
                steps,
                direction,
            } => format!(
                "{} {version}_{name} ({steps} steps)",
                if *direction == "up" {
                    "applying"
                } else {
                    "rolling back"
                }
            ),
            Event::Step {
                version,
                step,
                of,
                sql,
            } => format!("{version}: step {step}/{of}: {sql}"),
            Event::Retry {
                version,
                step,
                attempt,
            } => format!("{version}: step {step} hit lock_timeout, retrying (attempt {attempt})"),
            Event::Done {
                version,
                milliseconds,
            } => format!("{version}: done in {milliseconds} ms"),
            Event::Note { message } => message.clone(),
        };
        let line = redact(&line);
        match &self.bar {
            Some(bar) if matches!(e, Event::Step { .. }) => bar.set_message(line),
            Some(bar) => bar.println(format!("schemac: {line}")),
            None => eprintln!("schemac: {line}"),
        }
    }

    fn finish(&mut self, result: Result<String, runner::Error>) -> u8 {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        match result {
            Ok(message) => {
                if self.format == RunFormat::Json {
                    println!(
                        "{}",
                        serde_json::json!({"event": "finished", "message": message})
                    );
                } else {
                    eprintln!("schemac: {message}");
                }
                OK
            }
            Err(e) => {
                failure(self.format, &e);
                match e.kind {
                    Kind::Database => USAGE_OR_IO,
                    Kind::Refused | Kind::Failed => SCHEMA_ERRORS,
                }
            }
        }
    }
}

/// A runner's error: its diagnostic on standard error, and with
/// `--format json` an `error` event with its code.
fn failure(format: RunFormat, e: &Error) {
    let d = e.diagnostic();
    if format == RunFormat::Json {
        println!(
            "{}",
            serde_json::json!({"event": "error", "code": d.code, "message": d.message, "help": d.help})
        );
    }
    report::diagnostic(&d);
}

fn with_runner(
    args: &MigrateArgs,
    dry_run: bool,
    work: impl FnOnce(&Target, &runner::Options, &mut dyn FnMut(Event)) -> Result<String, runner::Error>,
) -> u8 {
    let (target, allowed) = match target(args) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let options = runner::Options {
        allowed,
        lock_wait: Duration::from_secs(args.lock_wait),
        role: args.role.clone(),
        dry_run,
        ..runner::Options::default()
    };
    let mut progress = Progress::new(args.format);
    let result = {
        let mut events = |e: Event| progress.event(e);
        work(&target, &options, &mut events)
    };
    progress.finish(result)
}

fn apply(args: &MigrateArgs, dir: &Directory, to: Option<&str>, dry_run: bool) -> u8 {
    with_runner(args, dry_run, |target, options, events| {
        let done = runner::apply(dir, target, to, options, events)?;
        Ok(summary(
            &done,
            if dry_run { "would apply" } else { "applied" },
            &target.display,
        ))
    })
}

fn rollback(args: &MigrateArgs, dir: &Directory, to: Option<&str>, dry_run: bool) -> u8 {
    with_runner(args, dry_run, |target, options, events| {
        let done = runner::rollback(dir, target, to, options, events)?;
        Ok(summary(
            &done,
            if dry_run {
                "would roll back"
            } else {
                "rolled back"
            },
            &target.display,
        ))
    })
}

fn summary(done: &runner::Outcome, verb: &str, at: &str) -> String {
    if done.migrations.is_empty() {
        format!("{at} is up to date: nothing to do")
    } else {
        format!(
            "{verb} {} ({} statements) on {at}",
            done.migrations.join(", "),
            done.statements
        )
    }
}

fn status(args: &MigrateArgs, dir: &Directory) -> u8 {
    let (target, _) = match target(args) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let s = match runner::status(dir, &target, true) {
        Ok(s) => s,
        Err(e) => {
            failure(args.format, &e);
            return USAGE_OR_IO;
        }
    };
    let code = if !s.failed.is_empty() || !s.mismatched.is_empty() || s.drift.is_some() {
        BROKEN
    } else if !s.pending.is_empty() {
        PENDING
    } else {
        OK
    };
    if args.format == RunFormat::Json {
        println!("{}", serde_json::to_string_pretty(&s).unwrap_or_default());
        return code;
    }
    println!("database: {}", target.display);
    for e in &s.applied {
        println!(
            "  {:<8} {}_{} ({}, {} ms, by {})",
            e.status,
            e.version,
            e.name,
            e.applied_at.as_deref().unwrap_or("-"),
            e.duration_ms.unwrap_or(0),
            e.applied_by
        );
    }
    for e in &s.failed {
        println!(
            "  {:<8} {}_{} after {} steps: {}",
            e.status,
            e.version,
            e.name,
            e.steps_applied,
            e.error.as_deref().unwrap_or("interrupted")
        );
    }
    for p in &s.pending {
        println!("  pending  {p}");
    }
    for m in &s.mismatched {
        println!("  edited   {m} (changed after it was applied)");
    }
    if let Some(d) = &s.drift {
        println!("drift: the database differs from the last applied migration:\n{d}");
    }
    code
}

fn verify(args: &MigrateArgs, dir: &Directory, shadow: Option<&str>, with_data: bool) -> u8 {
    let model = match current(args) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let mut args_for_target = MigrateArgs {
        database_url: shadow.map(str::to_string).or(args.database_url.clone()),
        allow_hazards: Vec::new(),
        ..args.clone()
    };
    args_for_target.env = if shadow.is_some() {
        None
    } else {
        args.env.clone()
    };
    let (target, _) = match target(&args_for_target) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let mut progress = Progress::new(args.format);
    let result = {
        let mut events = |e: Event| progress.event(e);
        runner::verify(dir, &target, &model, with_data, &mut events).map(|checked| {
            format!(
                "verified {checked} migrations: each gives its snapshot, each down.sql undoes its up.sql, the last is the current schema{}",
                if with_data {
                    ", and every row generated before each survives it"
                } else {
                    ""
                }
            )
        })
    };
    progress.finish(result)
}
