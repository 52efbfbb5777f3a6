//! `schemac diff`, `schemac plan` and `schemac push`: two states (schema
//! files, a `model.json` or a live database), the changes between them,
//! and their plan. A model compared with a database is first built in a
//! shadow database on that server, so both sides' expressions are in the
//! server's printing.

use crate::cli::{PlanFormat, Sides};
use crate::{report, OK, SCHEMA_ERRORS, USAGE_OR_IO};
use generator::diff::plan::{fingerprint, plan as make_plan, Hazard, MigrationPlan, SavedPlan};
use generator::diff::{diff as changes, Options};
use generator::Model;
use std::collections::BTreeSet;
use std::path::Path;

/// One side, read.
enum State {
    /// With the hazards its `schemac.toml` allows, and its `[lint]
    /// pg_version`.
    Model(Model, Vec<Hazard>, Option<u32>),
    Database {
        model: Model,
        /// Boxed: a connection's settings are large beside a model.
        target: Box<live::connect::Target>,
    },
}

fn read_model(path: &Path) -> Result<State, u8> {
    let loaded = super::load(path, false)?;
    Ok(State::Model(
        loaded.compiled.model,
        loaded.config.migrate.allow_hazards,
        loaded.config.lint.pg_version,
    ))
}

/// The hazards `--allow-hazards` names, or a usage error.
fn parse_hazards(allow: &[String]) -> Result<BTreeSet<Hazard>, u8> {
    let mut allowed = BTreeSet::new();
    for name in allow {
        match Hazard::parse(name) {
            Some(h) => {
                allowed.insert(h);
            }
            None => {
                let names: Vec<&str> = Hazard::ALL.iter().map(|h| h.name()).collect();
                report::fatal(format!(
                    "unknown hazard `{name}`; hazards are {}",
                    names.join(", ")
                ));
                return Err(USAGE_OR_IO);
            }
        }
    }
    Ok(allowed)
}

/// Reports each refused hazard; true when there was one.
fn refuse<'p>(refused: impl IntoIterator<Item = (Hazard, &'p str)>) -> bool {
    let mut any = false;
    for (h, sql) in refused {
        report::fatal(format!(
            "refused: hazard {} (allow it with --allow-hazards {} or in [migrate] allow_hazards): {}",
            h.name(),
            h.name(),
            sql.lines().next().unwrap_or_default()
        ));
        any = true;
    }
    any
}

/// Runs the settings, then each step, on the database.
fn apply(url: &str, settings: &str, steps: &[String]) -> u8 {
    let mut client = match super::connect(url) {
        Ok((_, c)) => c,
        Err(code) => return code,
    };
    if let Err(e) = client.batch_execute(settings) {
        report::fatal(format!("cannot set the timeouts: {e}"));
        return USAGE_OR_IO;
    }
    for step in steps {
        if let Err(e) = client.batch_execute(step) {
            report::fatal(format!("the database refused a step:\n{step}\n{e}"));
            return SCHEMA_ERRORS;
        }
    }
    OK
}

fn read_database(url: &str) -> Result<State, u8> {
    let (target, mut client) = super::connect(url)?;
    match live::introspect::introspect(&mut client) {
        Ok(i) => {
            for u in &i.unmodelled {
                eprintln!("schemac: note: not in the model, kept as it is: {u}");
            }
            Ok(State::Database {
                model: i.model,
                target: Box::new(target),
            })
        }
        Err(e) => {
            report::fatal(format!("cannot read the database: {e}"));
            Err(USAGE_OR_IO)
        }
    }
}

fn side(path: &Option<std::path::PathBuf>, url: &Option<String>) -> Result<State, u8> {
    match (path, url) {
        (Some(p), _) => read_model(p),
        (None, Some(u)) => read_database(u),
        (None, None) => {
            report::fatal("give a path or a database URL for each side");
            Err(USAGE_OR_IO)
        }
    }
}

/// A model in the printing of the server `target` is on, and what its
/// `sql` blocks create there.
fn printed(
    model: &Model,
    target: &live::connect::Target,
) -> Result<(Model, BTreeSet<generator::key::Key>), u8> {
    let mut shadow = live::shadow::Shadow::create_on(target).map_err(|e| {
        report::fatal(format!(
            "cannot create a shadow database (the role needs CREATEDB): {}",
            live::connect::redact(&live::error::pg_message(&e))
        ));
        USAGE_OR_IO
    })?;
    match live::introspect::printed(model, shadow.client()) {
        Ok(p) => Ok((p.model, p.raw_products)),
        Err(e) => {
            report::fatal(e);
            Err(SCHEMA_ERRORS)
        }
    }
}

/// A plan, the fingerprint of its source, the hazards the target's
/// `schemac.toml` allows, and the migration-safety lint's verdict.
struct Planned {
    plan: MigrationPlan,
    source: String,
    allowed: Vec<Hazard>,
    /// The lint found an error (or, denied, a warning).
    refused: bool,
}

/// The plan from one side to the other; the migration-safety lint's
/// findings are printed.
fn planned(sides: &Sides, deny: bool) -> Result<Planned, u8> {
    let from = side(&sides.from, &sides.from_database_url)?;
    let to = side(&sides.to, &sides.to_database_url)?;
    let mut options = Options::default();
    let mut allowed = Vec::new();
    let mut pg_version = None;
    let (old, new) = match (from, to) {
        (State::Model(a, ..), State::Model(b, h, v)) => {
            allowed = h;
            pg_version = v;
            (a, b)
        }
        (State::Database { model: a, target }, State::Model(b, h, v)) => {
            allowed = h;
            pg_version = v;
            let (b, raw) = printed(&b, &target)?;
            options.old_is_database = true;
            options.raw_products = raw;
            (a, b)
        }
        (State::Model(a, ..), State::Database { model: b, target }) => {
            let (a, raw) = printed(&a, &target)?;
            options.raw_products = raw;
            (a, b)
        }
        (State::Database { model: a, .. }, State::Database { model: b, .. }) => {
            options.old_is_database = true;
            (a, b)
        }
    };
    let changes = changes(&old, &new, &options);
    let plan = make_plan(&old, &new, &changes);
    let refused = safety_lint(&old, &new, &plan, pg_version, deny);
    Ok(Planned {
        source: fingerprint(&old),
        plan,
        allowed,
        refused,
    })
}

/// Prints the migration-safety lint's findings on a plan; true when they
/// fail the command (an error, or a warning with `--deny warnings`).
pub fn safety_lint(
    old: &Model,
    new: &Model,
    plan: &MigrationPlan,
    pg_version: Option<u32>,
    deny: bool,
) -> bool {
    use generator::diff::safety;
    use generator::lint::Level;
    let cx = safety::Context {
        old,
        new,
        plan,
        pg_version,
    };
    let mut refused = false;
    for f in safety::check(&cx) {
        eprintln!("{f}");
        refused |= f.level == Level::Error || deny;
    }
    refused
}

pub fn diff(sides: &Sides, deny: bool) -> u8 {
    match planned(sides, deny) {
        Ok(p) => {
            print!("{}", p.plan.to_sql());
            if p.plan.is_empty() && !p.refused {
                OK
            } else {
                SCHEMA_ERRORS
            }
        }
        Err(code) => code,
    }
}

pub fn plan(sides: &Sides, format: PlanFormat, out: Option<&Path>, force: bool, deny: bool) -> u8 {
    let (plan, source) = match planned(sides, deny) {
        Ok(p) if p.refused => {
            report::fatal("no plan: the migration-safety lint refused it");
            return SCHEMA_ERRORS;
        }
        Ok(p) => (p.plan, p.source),
        Err(code) => return code,
    };
    if let Some(path) = out {
        // A plan file is the JSON `push --plan` reads back.
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let Some(name) = name else {
            report::fatal(format!("{} is not a file name", path.display()));
            return USAGE_OR_IO;
        };
        let text = plan.to_json(&source, crate::output::MARK);
        return match crate::output::write(dir, &name, &text, force) {
            Ok(()) => OK,
            Err(e) => {
                report::fatal(e);
                USAGE_OR_IO
            }
        };
    }
    match format {
        PlanFormat::Sql => {
            println!("-- source fingerprint: {source}");
            print!("{}", plan.to_sql());
        }
        PlanFormat::Json => print!("{}", plan.to_json(&source, crate::output::MARK)),
    }
    OK
}

pub fn push(path: &Path, url: &str, allow: &[String]) -> u8 {
    let mut allowed = match parse_hazards(allow) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let sides = Sides {
        from: None,
        from_database_url: Some(url.to_string()),
        to: Some(path.to_path_buf()),
        to_database_url: None,
    };
    // `push` is for development databases: the lint's findings are
    // printed, its hazards decide.
    let (plan, configured) = match planned(&sides, false) {
        Ok(p) => (p.plan, p.allowed),
        Err(code) => return code,
    };
    allowed.extend(configured);
    for k in &plan.kept {
        eprintln!("schemac: kept, not in the model: {k}");
    }
    if !plan.unsupported.is_empty() {
        for u in &plan.unsupported {
            report::fatal(format!("cannot plan: {u}"));
        }
        return SCHEMA_ERRORS;
    }
    if refuse(
        plan.refused(&allowed)
            .into_iter()
            .map(|(h, p)| (h, p.sql.as_str())),
    ) {
        return SCHEMA_ERRORS;
    }
    let steps: Vec<String> = plan.steps.iter().map(|s| s.to_sql()).collect();
    let code = apply(url, &plan.settings(), &steps);
    if code == OK {
        eprintln!(
            "schemac: pushed: {} statements in {} steps",
            plan.statements().count(),
            plan.steps.len()
        );
    }
    code
}

/// `push --plan FILE`: the reviewed plan, applied only to the database it
/// was planned from (same fingerprint), with the hazards allowed by the
/// flags and the project's `schemac.toml`.
pub fn push_plan(file: &Path, project: &Path, url: &str, allow: &[String]) -> u8 {
    let mut allowed = match parse_hazards(allow) {
        Ok(a) => a,
        Err(code) => return code,
    };
    if !project.is_dir() || project.join(generator::project::CONFIG_FILE).is_file() {
        match super::load(project, false) {
            Ok(loaded) => allowed.extend(loaded.config.migrate.allow_hazards),
            Err(code) => return code,
        }
    }
    let saved = match std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))
        .and_then(|t| SavedPlan::from_json(&t).map_err(|e| format!("{}: {e}", file.display())))
    {
        Ok(s) => s,
        Err(e) => {
            report::fatal(e);
            return USAGE_OR_IO;
        }
    };
    if !saved.plan.unsupported.is_empty() {
        for u in &saved.plan.unsupported {
            report::fatal(format!("cannot plan: {u}"));
        }
        return SCHEMA_ERRORS;
    }
    let current = match read_database(url) {
        Ok(State::Database { model, .. }) => fingerprint(&model),
        Ok(State::Model(..)) => return USAGE_OR_IO,
        Err(code) => return code,
    };
    if current != saved.source_fingerprint {
        report::fatal(format!(
            "the database changed since {} was planned (planned from {}, now {}): plan again",
            file.display(),
            short(&saved.source_fingerprint),
            short(&current)
        ));
        return SCHEMA_ERRORS;
    }
    let refused: Vec<(Hazard, &str)> = saved
        .plan
        .steps
        .iter()
        .flat_map(|s| s.statements.iter())
        .flat_map(|p| p.hazards.iter().map(move |h| (*h, p.sql.as_str())))
        .filter(|(h, _)| !allowed.contains(h))
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_iter()
        .collect();
    if refuse(refused) {
        return SCHEMA_ERRORS;
    }
    let steps: Vec<String> = saved.plan.steps.iter().map(|s| s.to_sql()).collect();
    let code = apply(url, &saved.settings(), &steps);
    if code == OK {
        eprintln!("schemac: applied {}: {} steps", file.display(), steps.len());
    }
    code
}

fn short(fingerprint: &str) -> &str {
    fingerprint.get(..12).unwrap_or(fingerprint)
}
