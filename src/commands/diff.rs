//! `schemac diff`, `schemac plan` and `schemac push`: two states (schema
//! files, a `model.json` or a live database), the changes between them,
//! and their plan. A model compared with a database is first built in a
//! shadow database on that server, so both sides' expressions are in the
//! server's printing.

use crate::cli::{PlanFormat, Sides};
use crate::{report, OK, SCHEMA_ERRORS, USAGE_OR_IO};
use generator::diff::plan::{fingerprint, plan as make_plan, Hazard, MigrationPlan};
use generator::diff::{diff as changes, Options};
use generator::Model;
use std::collections::BTreeSet;
use std::path::Path;

/// One side, read.
enum State {
    Model(Model),
    Database { model: Model, url: String },
}

fn read_model(path: &Path) -> Result<Model, u8> {
    let loaded = super::load(path, false)?;
    Ok(loaded.compiled.model)
}

fn read_database(url: &str) -> Result<State, u8> {
    let mut client = connect(url)?;
    match live::introspect::introspect(&mut client) {
        Ok(i) => {
            for u in &i.unmodelled {
                eprintln!("schemac: note: not in the model, kept as it is: {u}");
            }
            Ok(State::Database {
                model: i.model,
                url: url.to_string(),
            })
        }
        Err(e) => {
            report::fatal(format!("cannot read the database: {e}"));
            Err(USAGE_OR_IO)
        }
    }
}

fn connect(url: &str) -> Result<postgres::Client, u8> {
    // Never echo the URL: it may hold a password.
    postgres::Client::connect(url, postgres::NoTls).map_err(|e| {
        report::fatal(format!("cannot connect to the database: {e}"));
        USAGE_OR_IO
    })
}

fn side(path: &Option<std::path::PathBuf>, url: &Option<String>) -> Result<State, u8> {
    match (path, url) {
        (Some(p), _) => read_model(p).map(State::Model),
        (None, Some(u)) => read_database(u),
        (None, None) => {
            report::fatal("give a path or a database URL for each side");
            Err(USAGE_OR_IO)
        }
    }
}

/// A model in the printing of the server at `url`, and what its `sql`
/// blocks create there.
fn printed(model: &Model, url: &str) -> Result<(Model, BTreeSet<generator::key::Key>), u8> {
    let mut shadow = live::shadow::Shadow::create(url).map_err(|e| {
        report::fatal(format!(
            "cannot create a shadow database (the role needs CREATEDB): {e}"
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

/// The plan from one side to the other, and the source's fingerprint.
fn planned(sides: &Sides) -> Result<(MigrationPlan, String), u8> {
    let from = side(&sides.from, &sides.from_database_url)?;
    let to = side(&sides.to, &sides.to_database_url)?;
    let mut options = Options::default();
    let (old, new) = match (from, to) {
        (State::Model(a), State::Model(b)) => (a, b),
        (State::Database { model: a, url }, State::Model(b)) => {
            let (b, raw) = printed(&b, &url)?;
            options.old_is_database = true;
            options.raw_products = raw;
            (a, b)
        }
        (State::Model(a), State::Database { model: b, url }) => {
            let (a, raw) = printed(&a, &url)?;
            options.raw_products = raw;
            (a, b)
        }
        (State::Database { model: a, .. }, State::Database { model: b, .. }) => {
            options.old_is_database = true;
            (a, b)
        }
    };
    let changes = changes(&old, &new, &options);
    Ok((make_plan(&old, &new, &changes), fingerprint(&old)))
}

pub fn diff(sides: &Sides) -> u8 {
    match planned(sides) {
        Ok((plan, _)) => {
            print!("{}", plan.to_sql());
            if plan.is_empty() {
                OK
            } else {
                SCHEMA_ERRORS
            }
        }
        Err(code) => code,
    }
}

pub fn plan(sides: &Sides, format: PlanFormat) -> u8 {
    match planned(sides) {
        Ok((plan, source)) => {
            match format {
                PlanFormat::Sql => {
                    println!("-- source fingerprint: {source}");
                    print!("{}", plan.to_sql());
                }
                PlanFormat::Json => {
                    let doc = serde_json::json!({
                        "source_fingerprint": source,
                        "hazards": plan.hazards(),
                        "plan": plan,
                    });
                    println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
                }
            }
            OK
        }
        Err(code) => code,
    }
}

pub fn push(path: &Path, url: &str, allow: &[String]) -> u8 {
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
                return USAGE_OR_IO;
            }
        }
    }
    let sides = Sides {
        from: None,
        from_database_url: Some(url.to_string()),
        to: Some(path.to_path_buf()),
        to_database_url: None,
    };
    let (plan, _) = match planned(&sides) {
        Ok(p) => p,
        Err(code) => return code,
    };
    for k in &plan.kept {
        eprintln!("schemac: kept, not in the model: {k}");
    }
    if !plan.unsupported.is_empty() {
        for u in &plan.unsupported {
            report::fatal(format!("cannot plan: {u}"));
        }
        return SCHEMA_ERRORS;
    }
    let refused = plan.refused(&allowed);
    if !refused.is_empty() {
        for (h, p) in &refused {
            report::fatal(format!(
                "refused: hazard {} (allow it with --allow-hazards {}): {}",
                h.name(),
                h.name(),
                p.sql.lines().next().unwrap_or_default()
            ));
        }
        return SCHEMA_ERRORS;
    }
    let mut client = match connect(url) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Err(e) = client.batch_execute(&plan.settings()) {
        report::fatal(format!("cannot set the timeouts: {e}"));
        return USAGE_OR_IO;
    }
    for step in &plan.steps {
        if let Err(e) = client.batch_execute(&step.to_sql()) {
            report::fatal(format!(
                "the database refused a step:\n{}\n{e}",
                step.to_sql()
            ));
            return SCHEMA_ERRORS;
        }
    }
    eprintln!(
        "schemac: pushed: {} statements in {} steps",
        plan.statements().count(),
        plan.steps.len()
    );
    OK
}
