//! The migration runner: applies a migrations directory to a database,
//! recorded in a ledger (`schemac.migrations`), under an advisory lock.
//!
//! - The lock is taken by polling `pg_try_advisory_lock` with backoff, on
//!   a session of its own that holds no transaction: a session blocked in
//!   `pg_advisory_lock()` would hold a snapshot that another runner's
//!   `CREATE INDEX CONCURRENTLY` waits for, a deadlock.
//! - Each step runs in a transaction of its own (the planner's steps are
//!   its transaction boundaries) with the ledger's progress in the same
//!   transaction; a step PostgreSQL refuses in a transaction runs alone
//!   and its progress is recorded after it. A failure marks the migration
//!   `failed`, and nothing runs past it until `resolve`.
//! - After a concurrent index build the index must be valid (a failed
//!   build leaves an INVALID one behind): an invalid one is dropped and
//!   reported.
//! - A step that fails on `lock_timeout` (55P03) is retried a few times
//!   with backoff.
//! - Before anything runs: checksums of applied migrations, drift of the
//!   database from the last applied snapshot, hazards, and the rows a new
//!   NOT NULL, unique, check or foreign key would refuse.

use crate::connect::{redact, Target};
pub use crate::error::Error;
use crate::error::{db, pg_message};
use crate::migrations::{Directory, Migration, Step};
use dsl::Code;
use generator::diff::plan::{plan as make_plan, Hazard};
use generator::diff::{diff, Change, Constraint, Options as DiffOptions};
use generator::model::{Model, QName, Renamed, Table};
use generator::quote::ident;
use postgres::error::SqlState;
use postgres::Client;
use serde::Serialize;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// The ledger's schema: the runner's own, never the model's.
pub const LEDGER_SCHEMA: &str = "schemac";
/// The advisory lock's key: "schemac" in ASCII, as a bigint.
const LOCK_KEY: i64 = 0x73_63_68_65_6d_61_63;

/// What the runner reports as it goes, to a terminal, as lines or as JSON.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    Waiting {
        seconds: f64,
    },
    Locked,
    Migration {
        version: String,
        name: String,
        steps: usize,
        direction: &'static str,
    },
    Step {
        version: String,
        step: usize,
        of: usize,
        sql: String,
    },
    Retry {
        version: String,
        step: usize,
        attempt: u32,
    },
    Done {
        version: String,
        milliseconds: u128,
    },
    Note {
        message: String,
    },
}

/// What the runner may do.
#[derive(Clone, Debug)]
pub struct Options {
    pub allowed: BTreeSet<Hazard>,
    /// How long to wait for another runner's lock.
    pub lock_wait: Duration,
    pub role: Option<String>,
    pub dry_run: bool,
    /// Attempts of a step that fails on `lock_timeout`.
    pub lock_retries: u32,
    /// Who runs it, for the ledger (the login role is added).
    pub applied_by: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            allowed: BTreeSet::new(),
            lock_wait: Duration::from_secs(60),
            role: None,
            dry_run: false,
            lock_retries: 3,
            applied_by: std::env::var("USER").unwrap_or_default(),
        }
    }
}

/// A ledger row.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub version: String,
    pub name: String,
    pub checksum: String,
    /// `running`, `applied`, `failed`, `rolled_back` or `baseline`.
    pub status: String,
    pub applied_at: Option<String>,
    pub duration_ms: Option<i64>,
    pub applied_by: String,
    pub steps_applied: i32,
    pub statements_applied: i32,
    pub error: Option<String>,
}

impl Entry {
    fn is_applied(&self) -> bool {
        self.status == "applied" || self.status == "baseline"
    }
}

/// Reads the ledger (none yet: empty).
pub fn ledger(client: &mut Client) -> Result<Vec<Entry>, Error> {
    let exists: bool = client
        .query_one("select to_regclass('schemac.migrations') is not null", &[])
        .map_err(db)?
        .get(0);
    if !exists {
        return Ok(Vec::new());
    }
    let rows = client
        .query(
            "select version, name, checksum, status, to_char(applied_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                    duration_ms, applied_by, steps_applied, statements_applied, error
               from schemac.migrations order by length(version), version",
            &[],
        )
        .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| Entry {
            version: r.get(0),
            name: r.get(1),
            checksum: r.get(2),
            status: r.get(3),
            applied_at: r.get(4),
            duration_ms: r.get(5),
            applied_by: r.get(6),
            steps_applied: r.get(7),
            statements_applied: r.get(8),
            error: r.get(9),
        })
        .collect())
}

fn ensure_ledger(client: &mut Client) -> Result<(), Error> {
    client
        .batch_execute(
            "create schema if not exists schemac;
             create table if not exists schemac.migrations (
               version text primary key,
               name text not null,
               checksum text not null,
               status text not null check (status in ('running', 'applied', 'failed', 'rolled_back', 'baseline')),
               applied_at timestamptz,
               duration_ms bigint,
               applied_by text not null,
               steps_applied integer not null default 0,
               statements_applied integer not null default 0,
               error text
             );",
        )
        .map_err(db)
}

/// The sessions of a run: one that holds the advisory lock and nothing
/// else, one that works.
pub struct Session {
    lock: Client,
    pub work: Client,
}

impl Session {
    /// Connects twice and takes the lock, polling with backoff until
    /// `options.lock_wait` has passed.
    pub fn open(
        target: &Target,
        options: &Options,
        events: &mut dyn FnMut(Event),
    ) -> Result<Session, Error> {
        let mut lock = target.connect()?;
        let started = Instant::now();
        let mut pause = Duration::from_millis(50);
        let mut said = false;
        loop {
            let got: bool = lock
                .query_one("select pg_try_advisory_lock($1)", &[&LOCK_KEY])
                .map_err(db)?
                .get(0);
            if got {
                break;
            }
            if started.elapsed() >= options.lock_wait {
                return Err(Error::refused(Code::MigrationLocked, format!(
                    "another schemac runner holds the migration lock of {}; gave up after {:.0} s (see pg_locks where locktype = 'advisory')",
                    target.display,
                    options.lock_wait.as_secs_f64()
                )));
            }
            if !said {
                events(Event::Waiting {
                    seconds: options.lock_wait.as_secs_f64(),
                });
                said = true;
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_secs(1));
        }
        events(Event::Locked);
        let mut work = target.connect()?;
        if let Some(role) = &options.role {
            work.batch_execute(&format!("set role {}", ident(role)))
                .map_err(db)?;
        }
        Ok(Session { lock, work })
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self
            .lock
            .execute("select pg_advisory_unlock($1)", &[&LOCK_KEY]);
    }
}

/// A snapshot, read.
pub fn snapshot(m: Option<&Migration>) -> Result<Model, Error> {
    match m {
        None => Ok(Model::default()),
        Some(m) => Model::from_json(&m.snapshot, 0).map_err(|d| {
            Error::refused(
                Code::ModelInvalid,
                format!(
                    "{}: model.json does not read: {}",
                    m.id(),
                    d.first().map(|d| d.message.clone()).unwrap_or_default()
                ),
            )
        }),
    }
}

/// The database's difference from `expected`, as the SQL that would
/// undo it (None: no drift). Built in a shadow database beside it, so
/// both sides are in the server's printing; the ledger is left out.
pub fn drift(
    target: &Target,
    client: &mut Client,
    expected: &Model,
) -> Result<Option<String>, Error> {
    let found = read_model(client)?;
    let mut shadow = crate::shadow::Shadow::create_on(target).map_err(|e| {
        Error::database(
            Code::DatabaseError,
            format!(
                "cannot create a shadow database to compare with (the role needs CREATEDB): {}",
                pg_message(&e)
            ),
        )
    })?;
    let printed = crate::introspect::printed(expected, shadow.client())
        .map_err(|e| Error::database(Code::DatabaseError, e.to_string()))?;
    let options = DiffOptions {
        old_is_database: true,
        raw_products: printed.raw_products,
    };
    let changes = diff(&found, &printed.model, &options);
    let p = make_plan(&found, &printed.model, &changes);
    Ok((!p.is_empty()).then(|| p.to_sql()))
}

/// The database as a model, without the ledger.
fn read_model(client: &mut Client) -> Result<Model, Error> {
    let mut found = crate::introspect::introspect(client).map_err(db)?;
    let model = &mut found.model;
    model.schemas.retain(|s| s != LEDGER_SCHEMA);
    model.tables.retain(|t| t.sql.schema != LEDGER_SCHEMA);
    Ok(found.model)
}

/// Applies every migration to a throwaway database beside `target`:
/// after each `up.sql` the database must equal that migration's snapshot,
/// its `down.sql` must give back the database before it, and after the
/// last the database must equal `current`. With `with_data`, every table
/// is filled with generated rows before each migration, and each row
/// must survive it. The migrations checked.
pub fn verify(
    dir: &Directory,
    target: &Target,
    current: &Model,
    with_data: bool,
    events: &mut dyn FnMut(Event),
) -> Result<usize, Error> {
    let shadow = crate::shadow::Shadow::create_on(target).map_err(|e| {
        Error::database(
            Code::DatabaseError,
            format!(
                "cannot create a throwaway database (the role needs CREATEDB): {}",
                pg_message(&e)
            ),
        )
    })?;
    let mut config = target.config.clone();
    config.dbname(shadow.name());
    let throwaway = Target {
        config,
        display: format!("throwaway database {}", shadow.name()),
        ..target.clone()
    };
    let options = Options {
        allowed: Hazard::ALL.into_iter().collect(),
        ..Options::default()
    };
    let mut client = throwaway.connect()?;
    let mut before = read_model(&mut client)?;
    let mut previous = None;
    for (round, m) in dir.migrations.iter().enumerate() {
        let kept = if with_data {
            let model = snapshot(previous)?;
            for note in crate::rows::fill(&mut client, &model, round) {
                events(Event::Note {
                    message: format!("{}: {note}", m.id()),
                });
            }
            Some(crate::rows::read(&mut client, &model)?)
        } else {
            None
        };
        run(&mut client, m, &m.up_steps(), "up", &options, events)?;
        if let Some(kept) = &kept {
            crate::rows::check(&mut client, kept, &snapshot(Some(m))?, &m.id())?;
        }
        if let Some(d) = drift(&throwaway, &mut client, &snapshot(Some(m))?)? {
            return Err(Error::refused(
                Code::VerifyMismatch,
                format!(
                    "{}: up.sql does not give its model.json (edited by hand?); what differs:\n{d}",
                    m.id()
                ),
            ));
        }
        let after = read_model(&mut client)?;
        if m.irreversible().is_empty() {
            run(&mut client, m, &m.down_steps(), "down", &options, events)?;
            let undone = read_model(&mut client)?;
            let left = make_plan(
                &undone,
                &before,
                &diff(&undone, &before, &DiffOptions::default()),
            );
            if !left.is_empty() {
                return Err(Error::refused(
                    Code::VerifyMismatch,
                    format!(
                        "{}: down.sql does not undo up.sql; what would still have to change:\n{}",
                        m.id(),
                        left.to_sql()
                    ),
                ));
            }
            run(&mut client, m, &m.up_steps(), "up", &options, events)?;
        } else {
            events(Event::Note {
                message: format!(
                    "{}: down.sql is not checked: {}",
                    m.id(),
                    m.irreversible().join("; ")
                ),
            });
        }
        before = after;
        previous = Some(m);
    }
    if let Some(d) = drift(&throwaway, &mut client, current)? {
        return Err(Error::refused(Code::VerifyMismatch, format!(
            "the migrations do not give the current schema; write the next one with `schemac migrate new NAME`. What differs:\n{d}"
        )));
    }
    drop(client);
    drop(shadow);
    Ok(dir.migrations.len())
}

/// Where the database stands against the directory.
#[derive(Debug, Serialize)]
pub struct Status {
    pub applied: Vec<Entry>,
    pub pending: Vec<String>,
    /// Failed or interrupted migrations.
    pub failed: Vec<Entry>,
    /// Applied migrations whose files changed, or are gone.
    pub mismatched: Vec<String>,
    /// The drift from the last applied snapshot, as SQL.
    pub drift: Option<String>,
}

/// Applied migrations must be the directory's, unchanged, and none failed.
fn check_ledger(dir: &Directory, entries: &[Entry], for_resolve: bool) -> Result<(), Error> {
    for e in entries.iter().filter(|e| e.status != "rolled_back") {
        if !e.is_applied() {
            // A failed migration may be fixed before it runs again: its
            // checksum is not held against it.
            if for_resolve {
                continue;
            }
            return Err(Error::refused(Code::MigrationUnresolved, format!(
                "migration {}_{} is {} (after {} of its steps){}; make the database right by hand, then run \
                 `schemac migrate resolve --applied {}` or `schemac migrate resolve --rolled-back {}`",
                e.version,
                e.name,
                e.status,
                e.steps_applied,
                e.error
                    .as_ref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default(),
                e.version,
                e.version
            )));
        }
        match dir.find(&e.version) {
            None => {
                return Err(Error::refused(Code::MigrationMissing, format!(
                    "migration {}_{} is recorded in the ledger but is not in the migrations directory",
                    e.version, e.name
                )))
            }
            Some(m) if m.checksum() != e.checksum => {
                return Err(Error::refused(Code::MigrationEdited, format!(
                    "migration {} was edited after it was applied (its checksum is {}, the ledger's {}); \
                     restore it, and make a new migration for the change",
                    m.id(),
                    short(&m.checksum()),
                    short(&e.checksum)
                )))
            }
            _ => {}
        }
    }
    Ok(())
}

fn short(h: &str) -> &str {
    &h[..h.len().min(12)]
}

/// The last applied migration of the directory.
fn last_applied<'d>(dir: &'d Directory, entries: &[Entry]) -> Option<&'d Migration> {
    let applied: BTreeSet<&str> = entries
        .iter()
        .filter(|e| e.is_applied())
        .map(|e| e.version.as_str())
        .collect();
    dir.migrations
        .iter()
        .rev()
        .find(|m| applied.contains(m.version.as_str()))
}

pub fn status(dir: &Directory, target: &Target, check_drift: bool) -> Result<Status, Error> {
    let mut client = target.connect()?;
    let entries = ledger(&mut client)?;
    let applied: Vec<Entry> = entries.iter().filter(|e| e.is_applied()).cloned().collect();
    let failed: Vec<Entry> = entries
        .iter()
        .filter(|e| e.status == "failed" || e.status == "running")
        .cloned()
        .collect();
    let done: BTreeSet<&str> = entries
        .iter()
        .filter(|e| e.status != "rolled_back")
        .map(|e| e.version.as_str())
        .collect();
    let pending = dir
        .migrations
        .iter()
        .filter(|m| !done.contains(m.version.as_str()))
        .map(Migration::id)
        .collect();
    let mismatched = entries
        .iter()
        .filter(|e| e.status != "rolled_back")
        .filter(|e| {
            dir.find(&e.version)
                .is_none_or(|m| m.checksum() != e.checksum)
        })
        .map(|e| format!("{}_{}", e.version, e.name))
        .collect();
    let drift = if check_drift && failed.is_empty() {
        let expected = snapshot(last_applied(dir, &entries))?;
        drift(target, &mut client, &expected)?
    } else {
        None
    };
    Ok(Status {
        applied,
        pending,
        failed,
        mismatched,
        drift,
    })
}

/// What a run did.
#[derive(Debug, Default, Serialize)]
pub struct Outcome {
    pub migrations: Vec<String>,
    pub statements: usize,
}

/// Applies the pending migrations up to `to` (every one without).
pub fn apply(
    dir: &Directory,
    target: &Target,
    to: Option<&str>,
    options: &Options,
    events: &mut dyn FnMut(Event),
) -> Result<Outcome, Error> {
    if let Some(v) = to {
        if dir.find(v).is_none() {
            return Err(Error::refused(
                Code::UnknownMigration,
                format!("no migration {v} in the directory"),
            ));
        }
    }
    let mut s = Session::open(target, options, events)?;
    let entries = ledger(&mut s.work)?;
    check_ledger(dir, &entries, false)?;
    let done: BTreeSet<&str> = entries
        .iter()
        .filter(|e| e.is_applied())
        .map(|e| e.version.as_str())
        .collect();
    let last = last_applied(dir, &entries);
    let mut pending: Vec<&Migration> = Vec::new();
    for m in &dir.migrations {
        if !done.contains(m.version.as_str()) {
            pending.push(m);
        }
        if to.is_some_and(|v| m.version == v || m.id() == v) {
            break;
        }
    }
    if let (Some(first), Some(last)) = (pending.first(), last) {
        if dir
            .migrations
            .iter()
            .position(|m| m.version == first.version)
            < dir
                .migrations
                .iter()
                .position(|m| m.version == last.version)
        {
            return Err(Error::refused(
                Code::MigrationOutOfOrder,
                format!(
                    "migration {} comes before {}, which is applied already; \
                 move it after the last with `schemac migrate rebase {}`",
                    first.id(),
                    last.id(),
                    first.version
                ),
            ));
        }
    }
    if pending.is_empty() {
        return Ok(Outcome::default());
    }
    let mut expected = snapshot(last)?;
    if let Some(d) = drift(target, &mut s.work, &expected)? {
        return Err(Error::refused(Code::Drift, format!(
            "the database has drifted from the last applied migration ({}); what would make it match:\n{d}",
            last.map_or("none".to_string(), Migration::id)
        )));
    }
    for m in &pending {
        let refused: Vec<String> = m
            .up_steps()
            .iter()
            .flat_map(|st| st.hazards.iter().copied())
            .filter(|h| !options.allowed.contains(h))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|h| h.name().to_string())
            .collect();
        if !refused.is_empty() {
            return Err(Error::refused(Code::HazardNotAllowed, format!(
                "migration {} has hazards this environment does not allow: {} \
                 (allow them with --allow-hazards or the environment's allow_hazards in schemac.toml)",
                m.id(),
                refused.join(", ")
            )));
        }
    }
    let mut outcome = Outcome::default();
    for m in pending {
        let next = snapshot(Some(m))?;
        data_checks(&mut s.work, &expected, &next, &m.id())?;
        if options.dry_run {
            events(Event::Note {
                message: format!("would apply {}:\n{}", m.id(), m.up),
            });
        } else {
            outcome.statements += run(&mut s.work, m, &m.up_steps(), "up", options, events)?;
        }
        outcome.migrations.push(m.id());
        expected = next;
    }
    Ok(outcome)
}

/// Rolls back the applied migrations after `to` (the last one without),
/// newest first, with their `down.sql`.
pub fn rollback(
    dir: &Directory,
    target: &Target,
    to: Option<&str>,
    options: &Options,
    events: &mut dyn FnMut(Event),
) -> Result<Outcome, Error> {
    let mut s = Session::open(target, options, events)?;
    let entries = ledger(&mut s.work)?;
    check_ledger(dir, &entries, false)?;
    let done: BTreeSet<&str> = entries
        .iter()
        .filter(|e| e.status == "applied")
        .map(|e| e.version.as_str())
        .collect();
    let applied: Vec<&Migration> = dir
        .migrations
        .iter()
        .filter(|m| done.contains(m.version.as_str()))
        .collect();
    let undo: Vec<&Migration> = match to {
        None => applied.last().copied().into_iter().collect(),
        Some(v) => {
            let Some(at) = applied.iter().position(|m| m.version == v || m.id() == v) else {
                return Err(Error::refused(
                    Code::UnknownMigration,
                    format!("migration {v} is not applied; `schemac migrate status` lists what is"),
                ));
            };
            applied[at + 1..].iter().rev().copied().collect()
        }
    };
    let Some(newest) = undo.first() else {
        return Ok(Outcome::default());
    };
    let expected = snapshot(Some(newest))?;
    if let Some(d) = drift(target, &mut s.work, &expected)? {
        return Err(Error::refused(Code::Drift, format!(
            "the database has drifted from the last applied migration ({}); what would make it match:\n{d}",
            newest.id()
        )));
    }
    for m in &undo {
        let lost = m.irreversible();
        if !lost.is_empty() && !options.allowed.contains(&Hazard::Irreversible) {
            return Err(Error::refused(Code::Irreversible, format!(
                "migration {} cannot be rolled back: {} (allow it with --allow-hazards irreversible to run the rest of its down.sql)",
                m.id(),
                lost.join("; ")
            )));
        }
        let refused: BTreeSet<&str> = m
            .down_steps()
            .iter()
            .flat_map(|st| st.hazards.iter().copied())
            .filter(|h| !options.allowed.contains(h))
            .map(|h| h.name())
            .collect();
        if !refused.is_empty() {
            return Err(Error::refused(Code::HazardNotAllowed, format!(
                "rolling back {} has hazards that are not allowed: {} (allow them with --allow-hazards)",
                m.id(),
                refused.into_iter().collect::<Vec<_>>().join(", ")
            )));
        }
    }
    let mut outcome = Outcome::default();
    for m in undo {
        let parent = dir
            .migrations
            .iter()
            .take_while(|x| x.version != m.version)
            .last();
        data_checks(
            &mut s.work,
            &snapshot(Some(m))?,
            &snapshot(parent)?,
            &m.id(),
        )?;
        if options.dry_run {
            events(Event::Note {
                message: format!("would roll back {}:\n{}", m.id(), m.down),
            });
        } else {
            outcome.statements += run(&mut s.work, m, &m.down_steps(), "down", options, events)?;
        }
        outcome.migrations.push(m.id());
    }
    Ok(outcome)
}

/// Marks a failed migration applied (finished by hand) or rolled back
/// (undone by hand).
pub fn resolve(
    dir: &Directory,
    target: &Target,
    version: &str,
    applied: bool,
    options: &Options,
    events: &mut dyn FnMut(Event),
) -> Result<(), Error> {
    let mut s = Session::open(target, options, events)?;
    let entries = ledger(&mut s.work)?;
    check_ledger(dir, &entries, true)?;
    let Some(e) = entries
        .iter()
        .find(|e| e.version == version || format!("{}_{}", e.version, e.name) == version)
    else {
        return Err(Error::refused(
            Code::UnknownMigration,
            format!("migration {version} is not in the ledger"),
        ));
    };
    if e.is_applied() || e.status == "rolled_back" {
        return Err(Error::refused(
            Code::UnknownMigration,
            format!(
                "migration {}_{} is {}, not failed: nothing to resolve",
                e.version, e.name, e.status
            ),
        ));
    }
    let status = if applied { "applied" } else { "rolled_back" };
    s.work
        .execute(
            "update schemac.migrations set status = $2, applied_at = now() where version = $1",
            &[&e.version, &status],
        )
        .map_err(db)?;
    Ok(())
}

/// Records that the database, made before schemac, is at `version`:
/// refused unless it matches that migration's snapshot.
pub fn baseline(
    dir: &Directory,
    target: &Target,
    version: &str,
    options: &Options,
    events: &mut dyn FnMut(Event),
) -> Result<Vec<String>, Error> {
    let Some(at) = dir
        .migrations
        .iter()
        .position(|m| m.version == version || m.id() == version)
    else {
        return Err(Error::refused(
            Code::UnknownMigration,
            format!("no migration {version} in the directory"),
        ));
    };
    let mut s = Session::open(target, options, events)?;
    if !ledger(&mut s.work)?.is_empty() {
        return Err(Error::refused(Code::UnknownMigration,
            "the database has a ledger already: baseline adopts a database schemac has never migrated",
        ));
    }
    let m = &dir.migrations[at];
    if let Some(d) = drift(target, &mut s.work, &snapshot(Some(m))?)? {
        return Err(Error::refused(
            Code::Drift,
            format!(
                "the database does not match migration {}; what would make it match:\n{d}",
                m.id()
            ),
        ));
    }
    ensure_ledger(&mut s.work)?;
    let by = applied_by(&mut s.work, options)?;
    let mut out = Vec::new();
    for m in &dir.migrations[..=at] {
        s.work
            .execute(
                "insert into schemac.migrations (version, name, checksum, status, applied_at, duration_ms, applied_by)
                 values ($1, $2, $3, 'baseline', now(), 0, $4)",
                &[&m.version, &m.name, &m.checksum(), &by],
            )
            .map_err(db)?;
        out.push(m.id());
    }
    Ok(out)
}

fn applied_by(client: &mut Client, options: &Options) -> Result<String, Error> {
    let login: String = client
        .query_one("select session_user::text", &[])
        .map_err(db)?
        .get(0);
    Ok(if options.applied_by.is_empty() {
        login
    } else {
        format!("{} as {login}", options.applied_by)
    })
}

/// Runs one migration's steps, recording them; the statements run.
fn run(
    client: &mut Client,
    m: &Migration,
    steps: &[Step],
    direction: &'static str,
    options: &Options,
    events: &mut dyn FnMut(Event),
) -> Result<usize, Error> {
    ensure_ledger(client)?;
    let by = applied_by(client, options)?;
    let started = Instant::now();
    client
        .execute(
            "insert into schemac.migrations (version, name, checksum, status, applied_by)
             values ($1, $2, $3, 'running', $4)
             on conflict (version) do update set name = excluded.name, checksum = excluded.checksum,
               status = 'running', applied_by = excluded.applied_by, steps_applied = 0,
               statements_applied = 0, error = null, applied_at = null, duration_ms = null",
            &[&m.version, &m.name, &m.checksum(), &by],
        )
        .map_err(db)?;
    events(Event::Migration {
        version: m.version.clone(),
        name: m.name.clone(),
        steps: steps.len(),
        direction,
    });
    let mut statements = 0usize;
    for (i, step) in steps.iter().enumerate() {
        events(Event::Step {
            version: m.version.clone(),
            step: i + 1,
            of: steps.len(),
            sql: first_statement(&step.sql),
        });
        let count = step.statement_count();
        let mut attempt = 0;
        let result = loop {
            attempt += 1;
            let r = run_step(client, step, &m.version, i, statements + count);
            match &r {
                Err(e)
                    if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE)
                        && attempt < options.lock_retries =>
                {
                    if let Some(ix) = step.concurrent_index() {
                        drop_invalid(client, &ix)?;
                    }
                    events(Event::Retry {
                        version: m.version.clone(),
                        step: i + 1,
                        attempt,
                    });
                    std::thread::sleep(Duration::from_millis(200 * (1 << attempt)));
                }
                _ => break r,
            }
        };
        let mut code = Code::MigrationFailed;
        let failure = match result {
            Err(e) => Some(format!("step {} failed: {}", i + 1, pg_message(&e))),
            Ok(()) => match step.concurrent_index() {
                Some(ix) if drop_invalid(client, &ix)? => {
                    code = Code::InvalidIndex;
                    Some(format!(
                        "step {}: the concurrent build left index {ix} INVALID; it was dropped",
                        i + 1
                    ))
                }
                _ => None,
            },
        };
        if let Some(mut message) = failure {
            if let Some(ix) = step.concurrent_index() {
                if drop_invalid(client, &ix)? {
                    code = Code::InvalidIndex;
                    message.push_str(&format!(
                        "; the failed build left index {ix} INVALID (IF NOT EXISTS would skip it): dropped"
                    ));
                }
            }
            let message = redact(&message);
            client
                .execute(
                    "update schemac.migrations set status = 'failed', error = $2 where version = $1",
                    &[&m.version, &message],
                )
                .map_err(db)?;
            let committed = match i {
                0 => "no step of it was committed".to_string(),
                1 => "step 1 was committed".to_string(),
                n => format!("steps 1 to {n} were committed"),
            };
            return Err(Error::failed(
                code,
                format!(
                    "migration {} ({direction}) {message}; the ledger says failed, {committed}, \
                     and nothing runs past it until `schemac migrate resolve`",
                    m.id(),
                ),
            ));
        }
        statements += count;
    }
    let ms = started.elapsed().as_millis();
    let status = if direction == "up" {
        "applied"
    } else {
        "rolled_back"
    };
    client
        .execute(
            "update schemac.migrations set status = $2, applied_at = now(), duration_ms = $3 where version = $1",
            &[&m.version, &status, &(ms as i64)],
        )
        .map_err(db)?;
    events(Event::Done {
        version: m.version.clone(),
        milliseconds: ms,
    });
    Ok(statements)
}

fn run_step(
    client: &mut Client,
    step: &Step,
    version: &str,
    index: usize,
    statements: usize,
) -> Result<(), postgres::Error> {
    let progress = (index as i32 + 1, statements as i32);
    let record = "update schemac.migrations set steps_applied = $2, statements_applied = $3 where version = $1";
    if !step.settings.is_empty() {
        client.batch_execute(&step.settings)?;
    }
    if step.transactional {
        let mut tx = client.transaction()?;
        tx.batch_execute(&step.sql)?;
        tx.execute(record, &[&version, &progress.0, &progress.1])?;
        tx.commit()
    } else {
        client.batch_execute(&step.sql)?;
        client.execute(record, &[&version, &progress.0, &progress.1])?;
        Ok(())
    }
}

/// Drops index `name` if a concurrent build left it INVALID; whether it
/// did.
fn drop_invalid(client: &mut Client, name: &str) -> Result<bool, Error> {
    let rows = client
        .query(
            "select n.nspname::text from pg_index i join pg_class c on c.oid = i.indexrelid
               join pg_namespace n on n.oid = c.relnamespace
              where c.relname = $1 and not i.indisvalid",
            &[&name],
        )
        .map_err(db)?;
    for r in &rows {
        let schema: String = r.get(0);
        client
            .batch_execute(&format!(
                "drop index concurrently if exists {}.{}",
                ident(&schema),
                ident(name)
            ))
            .map_err(db)?;
    }
    Ok(!rows.is_empty())
}

fn first_statement(sql: &str) -> String {
    sql.lines()
        .find(|l| {
            !l.starts_with("--")
                && !l.trim().is_empty()
                && !l.to_ascii_uppercase().starts_with("SET ")
        })
        .unwrap_or_default()
        .chars()
        .take(100)
        .collect()
}

/// Refuses a migration from `old` to `new` when rows of existing tables
/// would break a NOT NULL, unique, check or foreign key it adds, listing
/// up to 5 of their primary keys.
fn data_checks(client: &mut Client, old: &Model, new: &Model, id: &str) -> Result<(), Error> {
    let changes = diff(old, new, &DiffOptions::default());
    let existing = |q: &QName| old.tables.iter().find(|t| &t.sql == q);
    let renamed = |q: &QName| {
        // Either way: a rollback undoes the renames the newer model declares.
        old.renames
            .iter()
            .chain(&new.renames)
            .any(|r| match &r.what {
                Renamed::Table { table } | Renamed::Column { table, .. } => table == q,
                Renamed::EnumValue { .. } => false,
            })
    };
    let mut problems = Vec::new();
    for c in &changes {
        let (table, what, condition) = match c {
            Change::SetNotNull(t, col) => (
                t,
                format!("NOT NULL on {col}"),
                format!("{} is null", ident(col)),
            ),
            Change::AddColumn(t, col)
                if !col.nullable
                    && col.default.is_none()
                    && col.generated.is_none()
                    && col.identity.is_none()
                    && !matches!(&col.ty.base, generator::model::TypeBase::Builtin { name } if name.ends_with("serial")) =>
            {
                (
                    t,
                    format!("new NOT NULL column {} without a default", col.name),
                    "true".to_string(),
                )
            }
            Change::AddConstraint(t, Constraint::Check(ch)) => (
                t,
                format!("check {}", ch.name),
                format!("not coalesce(({}), true)", ch.expr.sql),
            ),
            Change::AddConstraint(t, Constraint::Unique(u)) => {
                let cols: Vec<String> = u.columns.iter().map(|c| ident(c)).collect();
                let cols = cols.join(", ");
                (
                    t,
                    format!("unique {}", u.name),
                    format!(
                        "({cols}) in (select {cols} from {} group by {cols} having count(*) > 1)",
                        qualified(t)
                    ),
                )
            }
            Change::CreateIndex(t, ix)
                if ix.unique
                    && ix.predicate.is_none()
                    && ix.elements.iter().all(|e| {
                        matches!(e.target, generator::model::ElementTarget::Column { .. })
                    }) =>
            {
                let cols: Vec<String> = ix
                    .elements
                    .iter()
                    .filter_map(|e| match &e.target {
                        generator::model::ElementTarget::Column { name } => Some(ident(name)),
                        _ => None,
                    })
                    .collect();
                let cols = cols.join(", ");
                (
                    t,
                    format!("unique index {}", ix.name),
                    format!(
                        "({cols}) in (select {cols} from {} group by {cols} having count(*) > 1)",
                        qualified(t)
                    ),
                )
            }
            Change::AddConstraint(t, Constraint::ForeignKey(fk)) => {
                let pairs: Vec<String> = fk
                    .columns
                    .iter()
                    .zip(&fk.target_columns)
                    .map(|(a, b)| format!("r.{} = s.{}", ident(b), ident(a)))
                    .collect();
                let not_null: Vec<String> = fk
                    .columns
                    .iter()
                    .map(|c| format!("s.{} is not null", ident(c)))
                    .collect();
                (
                    t,
                    format!("foreign key {}", fk.name),
                    format!(
                        "{} and not exists (select 1 from {} r where {})",
                        not_null.join(" and "),
                        qualified(&fk.target_table),
                        pairs.join(" and ")
                    ),
                )
            }
            _ => continue,
        };
        // The rows are read before the migration's renames run: a check
        // naming a renamed column cannot be asked yet, and the migration's
        // own transaction still refuses the rows that break it.
        if renamed(table) {
            continue;
        }
        let Some(t) = existing(table) else { continue };
        let keys = primary_key(t);
        let select = format!(
            "select count(*) over (), ({})::text from {} s where {condition} order by {} limit 5",
            keys,
            qualified(table),
            keys
        );
        let rows = client.query(select.as_str(), &[]).map_err(|e| {
            Error::database(
                Code::DatabaseError,
                format!(
                    "{id}: the data check for {what} on {table} failed: {}",
                    pg_message(&e)
                ),
            )
        })?;
        if let Some(first) = rows.first() {
            let count: i64 = first.get(0);
            let examples: Vec<String> = rows
                .iter()
                .map(|r| r.get::<_, Option<String>>(1).unwrap_or_default())
                .collect();
            problems.push(format!(
                "{what} on {table}: {count} row{} would break it, e.g. {} = {}",
                if count == 1 { "" } else { "s" },
                keys,
                examples.join(", ")
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::refused(Code::DataCheck, format!(
            "migration {id} would fail on existing rows; fix them first (a data migration: `schemac migrate new NAME --empty`):\n  {}",
            problems.join("\n  ")
        )))
    }
}

fn qualified(q: &QName) -> String {
    format!("{}.{}", ident(&q.schema), ident(&q.name))
}

/// The row's primary key as an expression (`ctid` without one).
fn primary_key(t: &Table) -> String {
    match &t.primary_key {
        Some(pk) if pk.columns.len() == 1 => format!("s.{}", ident(&pk.columns[0])),
        Some(pk) => format!(
            "row({})",
            pk.columns
                .iter()
                .map(|c| format!("s.{}", ident(c)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => "s.ctid".into(),
    }
}
