//! A migration plan: the changes of a diff as statements of the statement
//! layer, in an order the database accepts, lock-safe, each with its
//! hazards.
//!
//! Order: drops first, in reverse creation order (triggers, views,
//! constraints, indexes, columns, tables, functions, types), then creates
//! in the new model's creation order (schemas, extensions, types, tables
//! without their foreign keys, columns, keys, indexes, views, triggers,
//! comments). Lock-safe: new keys on existing tables are added `NOT VALID`
//! and validated in a later transaction; `SET NOT NULL` goes through a
//! validated check; a unique key is built as a concurrent unique index and
//! then attached; indexes on existing tables are built and dropped
//! concurrently, each in a step of its own outside any transaction; added
//! enum values commit before anything may use them.

use super::{Change, Constraint};
use crate::key::{Key, ObjectKind};
use crate::model::{Check, Expr, Index, IndexElement, Model, QName, SqlType, TypeBase};
use crate::statement::{
    column, comment, constraint, domain, enums, function, grant, index, partition, policy, raw,
    schema, sequence, table, view, Concurrency, Lock, Statement,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What can go wrong when a statement runs on a live database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Hazard {
    /// Rows, columns or values are deleted, or a narrower type may refuse
    /// or cut values.
    DataLoss,
    /// The table is rewritten under an `ACCESS EXCLUSIVE` lock.
    Rewrite,
    /// An `ACCESS EXCLUSIVE` lock is held while rows are read.
    LongLock,
    /// An index is built on an existing table (concurrently: slow, and
    /// left invalid if it fails).
    IndexBuild,
    /// Cannot be undone by another migration (an enum value stays).
    Irreversible,
    /// Changes who may do what.
    Authorization,
}

impl Hazard {
    pub const ALL: [Hazard; 6] = [
        Hazard::DataLoss,
        Hazard::Rewrite,
        Hazard::LongLock,
        Hazard::IndexBuild,
        Hazard::Irreversible,
        Hazard::Authorization,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Hazard::DataLoss => "data-loss",
            Hazard::Rewrite => "rewrite",
            Hazard::LongLock => "long-lock",
            Hazard::IndexBuild => "index-build",
            Hazard::Irreversible => "irreversible",
            Hazard::Authorization => "authorization",
        }
    }

    pub fn parse(name: &str) -> Option<Hazard> {
        Self::ALL.into_iter().find(|h| h.name() == name)
    }
}

/// One planned statement.
#[derive(Clone, Debug, Serialize)]
pub struct Planned {
    pub sql: String,
    #[serde(skip)]
    pub statement: Statement,
    pub hazards: Vec<Hazard>,
    /// The lock it takes, as PostgreSQL names it.
    pub lock: &'static str,
    /// The schema its unqualified names resolve in (see
    /// [`Statement::search_path`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_path: Option<String>,
}

/// Statements that run together: in one transaction, or one statement
/// that PostgreSQL refuses inside a transaction.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    pub transactional: bool,
    pub statements: Vec<Planned>,
}

/// The whole plan.
#[derive(Clone, Debug, Serialize)]
pub struct MigrationPlan {
    /// Set first, for every statement: a statement waits at most this long
    /// for a lock (and everything queued behind it with it).
    pub lock_timeout: String,
    pub statement_timeout: String,
    pub steps: Vec<Step>,
    /// Changes that no statement makes (see [`Change::Unsupported`]), and
    /// objects of the database kept because the model does not describe
    /// them.
    pub unsupported: Vec<String>,
    pub kept: Vec<String>,
}

impl MigrationPlan {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty() && self.unsupported.is_empty()
    }

    pub fn hazards(&self) -> BTreeSet<Hazard> {
        self.statements()
            .flat_map(|p| p.hazards.iter().copied())
            .collect()
    }

    pub fn statements(&self) -> impl Iterator<Item = &Planned> {
        self.steps.iter().flat_map(|s| s.statements.iter())
    }

    /// Hazards of the plan not in `allowed`, each with the first statement
    /// that has it.
    pub fn refused(&self, allowed: &BTreeSet<Hazard>) -> Vec<(Hazard, &Planned)> {
        let mut seen = BTreeMap::new();
        for p in self.statements() {
            for h in &p.hazards {
                if !allowed.contains(h) {
                    seen.entry(*h).or_insert(p);
                }
            }
        }
        seen.into_iter().collect()
    }

    /// The plan as a psql script: the timeouts, then each step, a
    /// transactional one between `BEGIN` and `COMMIT`.
    pub fn to_sql(&self) -> String {
        let mut out = String::new();
        for k in &self.kept {
            out.push_str(&format!("-- kept, not in the model: {k}\n"));
        }
        for u in &self.unsupported {
            out.push_str(&format!("-- NOT PLANNED: {u}\n"));
        }
        out.push_str(&self.settings());
        for s in &self.steps {
            out.push('\n');
            out.push_str(&s.to_sql());
        }
        out
    }

    /// The session settings that come first.
    pub fn settings(&self) -> String {
        format!(
            "SET lock_timeout = {};\nSET statement_timeout = {};\n",
            crate::quote::literal(&self.lock_timeout),
            crate::quote::literal(&self.statement_timeout)
        )
    }
}

impl Step {
    /// The step's text, to run as one batch.
    pub fn to_sql(&self) -> String {
        let mut out = String::new();
        if self.transactional {
            out.push_str("BEGIN;\n");
        }
        for p in &self.statements {
            write_statement(&mut out, &p.sql, p.search_path.as_deref(), &p.hazards);
        }
        if self.transactional {
            out.push_str("COMMIT;\n");
        }
        out
    }
}

fn write_statement(out: &mut String, sql: &str, search_path: Option<&str>, hazards: &[Hazard]) {
    if !hazards.is_empty() {
        let names: Vec<&str> = hazards.iter().map(|h| h.name()).collect();
        out.push_str(&format!("-- hazards: {}\n", names.join(", ")));
    }
    if let Some(path) = search_path {
        out.push_str(&format!(
            "SET LOCAL search_path TO {}, \"public\";\n",
            crate::quote::ident(path)
        ));
    }
    out.push_str(sql);
    out.push_str(";\n");
}

impl MigrationPlan {
    /// The reviewable plan file (`schemac plan --format json`): the plan,
    /// its hazards, and the fingerprint of the state it was planned from,
    /// which applying it checks ([`SavedPlan`]).
    pub fn to_json(&self, source_fingerprint: &str, mark: &str) -> String {
        let doc = serde_json::json!({
            "generated_by": mark,
            "source_fingerprint": source_fingerprint,
            "hazards": self.hazards(),
            "plan": self,
        });
        serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
    }
}

/// A plan file read back: what applying it needs.
#[derive(Clone, Debug, Deserialize)]
pub struct SavedPlan {
    pub source_fingerprint: String,
    pub plan: SavedSteps,
}

#[derive(Clone, Debug, Deserialize)]
pub struct SavedSteps {
    pub lock_timeout: String,
    pub statement_timeout: String,
    pub steps: Vec<SavedStep>,
    #[serde(default)]
    pub unsupported: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct SavedStep {
    pub transactional: bool,
    pub statements: Vec<SavedStatement>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct SavedStatement {
    pub sql: String,
    #[serde(default)]
    pub hazards: Vec<Hazard>,
    #[serde(default)]
    pub search_path: Option<String>,
}

impl SavedPlan {
    pub fn from_json(text: &str) -> Result<SavedPlan, String> {
        serde_json::from_str(text).map_err(|e| format!("not a plan file: {e}"))
    }

    pub fn hazards(&self) -> BTreeSet<Hazard> {
        self.plan
            .steps
            .iter()
            .flat_map(|s| s.statements.iter())
            .flat_map(|p| p.hazards.iter().copied())
            .collect()
    }

    /// The session settings that come first, as [`MigrationPlan::settings`].
    pub fn settings(&self) -> String {
        format!(
            "SET lock_timeout = {};\nSET statement_timeout = {};\n",
            crate::quote::literal(&self.plan.lock_timeout),
            crate::quote::literal(&self.plan.statement_timeout)
        )
    }
}

impl SavedStep {
    /// The step's text, as [`Step::to_sql`].
    pub fn to_sql(&self) -> String {
        let mut out = String::new();
        if self.transactional {
            out.push_str("BEGIN;\n");
        }
        for p in &self.statements {
            write_statement(&mut out, &p.sql, p.search_path.as_deref(), &p.hazards);
        }
        if self.transactional {
            out.push_str("COMMIT;\n");
        }
        out
    }
}

/// Phases, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    /// Enum values first, each committed before its use.
    EnumValues,
    /// `renamed from`: what follows names objects by their new names.
    Rename,
    Drop,
    Create,
    AlterColumns,
    Constrain,
    /// Indexes built concurrently, then keys attached to them.
    Concurrent,
    /// `VALIDATE CONSTRAINT`, then `SET NOT NULL` through the checks.
    Validate,
    Views,
    Late,
}

struct Item {
    phase: Phase,
    /// Position in creation order (reversed for drops).
    rank: i64,
    statement: Statement,
    hazards: Vec<Hazard>,
    /// Must not share its transaction with what follows (an enum value).
    commit_after: bool,
}

/// Plans the changes from `old` to `new` (the models the diff was made
/// from).
pub fn plan(old: &Model, new: &Model, changes: &[Change]) -> MigrationPlan {
    let order = |m: &Model| -> BTreeMap<Key, i64> {
        match crate::graph::Graph::build(m).plan(m) {
            Ok(p) => p
                .order
                .into_iter()
                .enumerate()
                .map(|(i, k)| (k, i as i64))
                .collect(),
            Err(_) => BTreeMap::new(),
        }
    };
    let (old_order, new_order) = (order(old), order(new));
    let table_rank = |o: &BTreeMap<Key, i64>, q: &QName| {
        o.get(&Key::new(ObjectKind::Table, q.clone()))
            .copied()
            .unwrap_or(0)
    };
    let new_tables: BTreeSet<&QName> = changes
        .iter()
        .filter_map(|c| match c {
            Change::CreateTable(t) => Some(&t.sql),
            _ => None,
        })
        .collect();
    let mut p = Planner {
        items: Vec::new(),
        unsupported: Vec::new(),
        kept: Vec::new(),
    };
    // Views that read a table whose columns change are dropped before and
    // made again after (PostgreSQL refuses to change a column a view uses).
    let touched: BTreeSet<Key> = changes
        .iter()
        .filter_map(|c| match c {
            Change::AlterColumnType { table, .. } | Change::DropColumn(table, _) => {
                Some(Key::new(ObjectKind::Table, table.clone()))
            }
            _ => None,
        })
        .collect();
    let replanned = dependent_views(old, new, &touched, changes);
    for v in &replanned {
        let rank = -old_order.get(&v.key()).copied().unwrap_or(0);
        p.push(
            Phase::Drop,
            rank,
            view::drop(&v.sql, v.materialized),
            vec![],
        );
        let rank = new_order.get(&v.key()).copied().unwrap_or(0);
        p.push(Phase::Views, rank, view::create(v), vec![]);
        if let Some(doc) = &v.doc {
            p.extend(Phase::Late, rank, comment::set(&v.key(), doc), vec![]);
        }
    }

    for c in changes {
        match c {
            Change::CreateSchema(s) => p.push(Phase::Create, -2, schema::create(s), vec![]),
            Change::DropSchema(s) => p.push(
                Phase::Drop,
                i64::MAX,
                schema::drop(s),
                vec![Hazard::DataLoss],
            ),
            Change::CreateExtension(e) => {
                p.push(Phase::Create, -1, schema::create_extension(e), vec![])
            }
            Change::DropExtension(e) => p.push(
                Phase::Drop,
                i64::MAX - 1,
                schema::drop_extension(e),
                vec![Hazard::DataLoss],
            ),
            Change::CreateEnum(e) => p.push(
                Phase::Create,
                rank(&new_order, &e.key()),
                enums::create(e),
                vec![],
            ),
            Change::DropEnum(q) => {
                let k = Key::new(ObjectKind::Enum, q.clone());
                p.push(
                    Phase::Drop,
                    TYPE_DROPS - rank(&old_order, &k),
                    enums::drop(q),
                    vec![Hazard::DataLoss],
                )
            }
            Change::AddEnumValue {
                name,
                value,
                before,
            } => {
                let at = match before {
                    Some(b) => enums::Position::Before(b),
                    None => enums::Position::Last,
                };
                p.items.push(Item {
                    phase: Phase::EnumValues,
                    rank: 0,
                    statement: enums::add_value(name, value, at),
                    hazards: vec![Hazard::Irreversible],
                    commit_after: true,
                });
            }
            Change::CreateDomain(d) => p.push(
                Phase::Create,
                rank(&new_order, &d.key()),
                domain::create(d),
                vec![],
            ),
            Change::DropDomain(q) => {
                let k = Key::new(ObjectKind::Domain, q.clone());
                p.push(
                    Phase::Drop,
                    TYPE_DROPS - rank(&old_order, &k),
                    domain::drop(q),
                    vec![Hazard::DataLoss],
                )
            }
            Change::SetDomainDefault(q, Some(e)) => {
                p.push(Phase::AlterColumns, 0, domain::set_default(q, e), vec![])
            }
            Change::SetDomainDefault(q, None) => {
                p.push(Phase::AlterColumns, 0, domain::drop_default(q), vec![])
            }
            Change::AddDomainCheck(q, check) => {
                p.push(
                    Phase::Constrain,
                    0,
                    domain::add_constraint(q, check, true),
                    vec![],
                );
                p.push(
                    Phase::Validate,
                    0,
                    domain::validate_constraint(q, &check.name),
                    vec![],
                );
            }
            Change::DropDomainCheck(q, name) => {
                p.push(Phase::Drop, 0, domain::drop_constraint(q, name), vec![])
            }
            Change::CreateSequence(s) => p.push(
                Phase::Create,
                rank(&new_order, &s.key()),
                sequence::create(s),
                vec![],
            ),
            Change::DropSequence(q) => {
                p.push(Phase::Drop, 0, sequence::drop(q), vec![Hazard::DataLoss])
            }
            Change::CreateFunction(f) => {
                let mut s = function::create(f);
                if old.functions.iter().any(|o| o.key() == f.key()) {
                    s.sql = s
                        .sql
                        .replacen("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1);
                }
                let r = rank(&new_order, &f.key());
                p.push(Phase::Create, r, s, vec![]);
                if let Some(doc) = &f.doc {
                    p.extend(Phase::Late, r, comment::set(&f.key(), doc), vec![]);
                }
            }
            Change::DropFunction(q, args) => {
                p.push(Phase::Drop, i64::MAX - 2, function::drop(q, args), vec![])
            }
            Change::CreateTable(t) => {
                let r = table_rank(&new_order, &t.sql);
                // Foreign keys after every table exists: new tables may
                // reference each other in any order.
                p.push(Phase::Create, r, table::create(t, |_, _| false), vec![]);
                let mut children = Vec::new();
                for child in t.partition.iter().flat_map(|x| &x.partitions) {
                    partition::create(&t.sql, child, &mut children);
                }
                for s in children {
                    p.push(Phase::Create, r, s, vec![]);
                }
                for fk in &t.foreign_keys {
                    p.push(
                        Phase::Constrain,
                        r,
                        constraint::add(&t.sql, constraint::Constraint::ForeignKey(fk)),
                        vec![],
                    );
                }
                for i in &t.indexes {
                    p.push(
                        Phase::Create,
                        r,
                        index::create(&t.sql, i, Concurrency::Blocking),
                        vec![],
                    );
                }
                comments_of_table(&mut p, t, r);
                // Late, as grants and policies of an existing table: the
                // roles they name are made by a block that runs with the
                // views. Access to a new table changes nobody's access.
                if !t.policies.is_empty() {
                    for s in policy::enable(&t.sql) {
                        p.push(Phase::Late, r, s, vec![]);
                    }
                }
                for x in &t.policies {
                    p.push(Phase::Late, r, policy::create(&t.sql, x), vec![]);
                }
                for g in &t.grants {
                    p.push(Phase::Late, r, grant::create(&t.sql, g), vec![]);
                }
            }
            Change::DropTable(q) => p.push(
                Phase::Drop,
                -table_rank(&old_order, q),
                table::drop(q),
                vec![Hazard::DataLoss],
            ),
            Change::AddColumn(q, col) => {
                let mut hazards = Vec::new();
                if col.default.as_ref().is_some_and(volatile)
                    || col.generated.is_some()
                    || col.identity.is_some()
                {
                    hazards.push(Hazard::Rewrite);
                }
                let r = table_rank(&new_order, q);
                // A NOT NULL column without a default cannot be added to
                // rows already there: that is the user's data to give.
                p.push(Phase::AlterColumns, r, column::add(q, col), hazards);
                if let Some(doc) = &col.doc {
                    p.extend(Phase::Late, r, comment::set(&col.key(q), doc), vec![]);
                }
            }
            Change::DropColumn(q, name) => p.push(
                Phase::Drop,
                0,
                column::drop(q, name),
                vec![Hazard::DataLoss],
            ),
            Change::AlterColumnType {
                table,
                column: name,
                from,
                to,
            } => {
                let mut hazards = Vec::new();
                match widening(from, to) {
                    Some(true) => {}
                    Some(false) => hazards.push(Hazard::Rewrite),
                    None => hazards.extend([Hazard::DataLoss, Hazard::Rewrite]),
                }
                p.push(
                    Phase::AlterColumns,
                    0,
                    column::alter_type(table, name, to, None),
                    hazards,
                )
            }
            Change::SetColumnDefault(q, name, Some(e)) => p.push(
                Phase::AlterColumns,
                0,
                column::set_default(q, name, e),
                vec![],
            ),
            Change::SetColumnDefault(q, name, None) => p.push(
                Phase::AlterColumns,
                0,
                column::drop_default(q, name),
                vec![],
            ),
            Change::SetNotNull(q, name) => set_not_null(&mut p, q, name),
            Change::DropNotNull(q, name) => p.push(
                Phase::AlterColumns,
                0,
                column::drop_not_null(q, name),
                vec![],
            ),
            Change::AddConstraint(q, con) => add_constraint(
                &mut p,
                q,
                con,
                new_tables.contains(q),
                table_rank(&new_order, q),
            ),
            Change::DropConstraint(q, name) => {
                // Foreign keys go before the keys they reference.
                let fk = old
                    .tables
                    .iter()
                    .find(|t| &t.sql == q)
                    .is_some_and(|t| t.foreign_keys.iter().any(|f| &f.name == name));
                p.push(
                    Phase::Drop,
                    if fk { i64::MIN } else { i64::MIN + 1 },
                    constraint::drop(q, name),
                    vec![],
                )
            }
            Change::CreateIndex(q, i) => {
                if new_tables.contains(q) {
                    p.push(
                        Phase::Create,
                        table_rank(&new_order, q),
                        index::create(q, i, Concurrency::Blocking),
                        vec![],
                    );
                } else {
                    p.push(
                        Phase::Concurrent,
                        0,
                        index::create(q, i, Concurrency::Concurrently),
                        vec![Hazard::IndexBuild],
                    );
                }
                if let Some(doc) = &i.doc {
                    p.extend(Phase::Late, 0, comment::set(&i.key(q), doc), vec![]);
                }
            }
            Change::DropIndex(q, name) => p.push(
                Phase::Drop,
                i64::MIN + 2,
                index::drop(q, name, Concurrency::Concurrently),
                vec![],
            ),
            Change::CreateView(v) => {
                let r = rank(&new_order, &v.key());
                p.push(Phase::Views, r, view::create(v), vec![]);
                if let Some(doc) = &v.doc {
                    p.extend(Phase::Late, r, comment::set(&v.key(), doc), vec![]);
                }
            }
            Change::DropView(q, m) => {
                let k = Key::new(
                    if *m {
                        ObjectKind::MaterializedView
                    } else {
                        ObjectKind::View
                    },
                    q.clone(),
                );
                if !replanned.iter().any(|v| v.key() == k) {
                    p.push(
                        Phase::Drop,
                        i64::MIN - (-rank(&old_order, &k)).min(0),
                        view::drop(q, *m),
                        if *m { vec![Hazard::DataLoss] } else { vec![] },
                    )
                }
            }
            Change::CreateTrigger(t) => p.push(
                Phase::Late,
                rank(&new_order, &t.key()),
                function::create_trigger(t),
                vec![],
            ),
            Change::DropTrigger(q, name) => p.push(
                Phase::Drop,
                i64::MIN,
                function::drop_trigger(q, name),
                vec![],
            ),
            Change::RunRaw(r) => p.push(
                Phase::Views,
                rank(&new_order, &r.key()),
                raw::run(r),
                vec![],
            ),
            Change::DropRawProducts(r) => {
                for k in &r.creates {
                    // Only tables are dropped for now; other kinds the
                    // block made are the user's to undo.
                    if k.kind == ObjectKind::Table {
                        p.push(Phase::Drop, 0, table::drop(&k.name), vec![Hazard::DataLoss]);
                    } else {
                        p.unsupported.push(format!(
                            "{k}: made by the removed block {}: drop it by hand",
                            r.key()
                        ));
                    }
                }
            }
            // Policies go before the columns they read, and row-level
            // security after its last policy.
            Change::DropPolicy(q, name) => p.push(
                Phase::Drop,
                i64::MIN,
                policy::drop(q, name),
                vec![Hazard::Authorization],
            ),
            Change::DisableRowSecurity(q) => {
                for s in policy::disable(q) {
                    p.push(Phase::Drop, i64::MIN + 3, s, vec![Hazard::Authorization]);
                }
            }
            Change::EnableRowSecurity(q) => {
                for s in policy::enable(q) {
                    p.push(
                        Phase::Late,
                        table_rank(&new_order, q),
                        s,
                        vec![Hazard::Authorization],
                    );
                }
            }
            Change::CreatePolicy {
                table: q,
                policy: x,
                replace,
            } => {
                let r = table_rank(&new_order, q);
                // Replaced in the transaction that creates it again, so no
                // query sees the table without it.
                if *replace {
                    p.push(
                        Phase::Late,
                        r,
                        policy::drop(q, &x.name),
                        vec![Hazard::Authorization],
                    );
                }
                p.push(
                    Phase::Late,
                    r,
                    policy::create(q, x),
                    vec![Hazard::Authorization],
                );
            }
            // Revoked before a column they name is dropped.
            Change::Revoke(q, g) => p.push(
                Phase::Drop,
                i64::MIN,
                grant::revoke(q, g),
                vec![Hazard::Authorization],
            ),
            Change::Grant(q, g) => p.push(
                Phase::Late,
                table_rank(&new_order, q),
                grant::create(q, g),
                vec![Hazard::Authorization],
            ),
            Change::Comment(k, Some(text)) => {
                p.extend(Phase::Late, 0, comment::set(k, text), vec![])
            }
            Change::Comment(k, None) => p.extend(Phase::Late, 0, comment::remove(k), vec![]),
            Change::CreatePartition(parent, child) => {
                let mut made = Vec::new();
                partition::create(parent, child, &mut made);
                let r = table_rank(&new_order, parent);
                // Attaching locks the parent, and scans its default
                // partition (if it has one) for rows the new one would hold.
                let scans = new
                    .tables
                    .iter()
                    .filter(|t| &t.sql == parent)
                    .flat_map(|t| t.partition.iter().flat_map(|x| &x.partitions))
                    .any(|c| c.bound == crate::model::PartitionBound::Default);
                let hazards = if scans {
                    vec![Hazard::LongLock]
                } else {
                    vec![]
                };
                for s in made {
                    p.push(Phase::Create, r, s, hazards.clone());
                }
            }
            Change::RenameTable(q, to) => p.push(Phase::Rename, 0, table::rename(q, to), vec![]),
            Change::RenameColumn(q, from, to) => {
                p.push(Phase::Rename, 1, column::rename(q, from, to), vec![])
            }
            Change::RenameConstraint(q, from, to) => {
                p.push(Phase::Rename, 2, constraint::rename(q, from, to), vec![])
            }
            Change::RenameIndex(q, from, to) => {
                p.push(Phase::Rename, 3, index::rename(q, from, to), vec![])
            }
            Change::RenameEnumValue { name, from, to } => p.push(
                Phase::Rename,
                4,
                enums::rename_value(name, from, to),
                vec![],
            ),
            Change::Kept(k) => p.kept.push(k.to_string()),
            Change::Unsupported(k, why) => p.unsupported.push(format!("{k}: {why}")),
        }
    }
    p.finish()
}

/// Types are dropped after the tables and columns that use them (those
/// rank at or below 0), and among themselves in reverse creation order.
const TYPE_DROPS: i64 = 1 << 40;

fn rank(order: &BTreeMap<Key, i64>, k: &Key) -> i64 {
    order.get(k).copied().unwrap_or(0)
}

struct Planner {
    items: Vec<Item>,
    unsupported: Vec<String>,
    kept: Vec<String>,
}

impl Planner {
    fn push(&mut self, phase: Phase, rank: i64, statement: Statement, hazards: Vec<Hazard>) {
        self.items.push(Item {
            phase,
            rank,
            statement,
            hazards,
            commit_after: false,
        });
    }

    fn extend(&mut self, phase: Phase, rank: i64, s: Option<Statement>, hazards: Vec<Hazard>) {
        if let Some(s) = s {
            self.push(phase, rank, s, hazards);
        }
    }

    fn finish(mut self) -> MigrationPlan {
        // Stable: statements of one change keep their order.
        self.items.sort_by_key(|i| (i.phase, i.rank));
        let mut steps: Vec<Step> = Vec::new();
        let mut open = false;
        let mut last_phase = None;
        for i in self.items {
            let mut hazards = i.hazards;
            if i.statement.lock == Lock::AccessExclusive
                && matches!(i.statement.verb, crate::statement::Verb::Alter)
                && hazards.contains(&Hazard::Rewrite)
                && !hazards.contains(&Hazard::LongLock)
            {
                hazards.push(Hazard::LongLock);
            }
            hazards.sort();
            hazards.dedup();
            let planned = Planned {
                sql: i.statement.sql.clone(),
                lock: i.statement.lock.sql_name(),
                search_path: i.statement.search_path.clone(),
                statement: i.statement,
                hazards,
            };
            // Validation runs in transactions of its own, after the keys
            // it checks have committed.
            let new_phase = last_phase != Some(i.phase) && i.phase == Phase::Validate;
            last_phase = Some(i.phase);
            if !planned.statement.transactional {
                steps.push(Step {
                    transactional: false,
                    statements: vec![planned],
                });
                open = false;
                continue;
            }
            if !open || new_phase {
                steps.push(Step {
                    transactional: true,
                    statements: Vec::new(),
                });
                open = true;
            }
            if let Some(s) = steps.last_mut() {
                s.statements.push(planned);
            }
            if i.commit_after {
                open = false;
            }
        }
        MigrationPlan {
            lock_timeout: "5s".into(),
            statement_timeout: "1h".into(),
            steps,
            unsupported: self.unsupported,
            kept: self.kept,
        }
    }
}

fn comments_of_table(p: &mut Planner, t: &crate::model::Table, r: i64) {
    let q = &t.sql;
    let mut docs: Vec<(Key, &String)> = Vec::new();
    if let Some(d) = &t.doc {
        docs.push((t.key(), d));
    }
    for c in &t.columns {
        if let Some(d) = &c.doc {
            docs.push((c.key(q), d));
        }
    }
    if let Some(c) = &t.primary_key {
        if let Some(d) = &c.doc {
            docs.push((c.key(q), d));
        }
    }
    for c in &t.uniques {
        if let Some(d) = &c.doc {
            docs.push((c.key(q), d));
        }
    }
    for c in &t.checks {
        if let Some(d) = &c.doc {
            docs.push((c.key(q), d));
        }
    }
    for c in &t.foreign_keys {
        if let Some(d) = &c.doc {
            docs.push((c.key(q), d));
        }
    }
    for c in &t.excludes {
        if let Some(d) = &c.doc {
            docs.push((c.key(q), d));
        }
    }
    for c in &t.indexes {
        if let Some(d) = &c.doc {
            docs.push((c.key(q), d));
        }
    }
    for (k, d) in docs {
        p.extend(Phase::Late, r, comment::set(&k, d), vec![]);
    }
}

/// Defaults evaluated per row: adding a column with one rewrites the table.
pub(crate) fn volatile(e: &Expr) -> bool {
    let t = e.canonical().to_ascii_lowercase();
    [
        "gen_random_uuid(",
        "uuid_generate_v",
        "random(",
        "clock_timestamp(",
        "nextval(",
        "timeofday(",
    ]
    .iter()
    .any(|f| t.contains(f))
}

/// `Some(true)`: a widening PostgreSQL makes without touching rows;
/// `Some(false)`: a widening that rewrites the table; `None`: anything
/// else, which may refuse or change values.
fn widening(from: &SqlType, to: &SqlType) -> Option<bool> {
    let (TypeBase::Builtin { name: a }, TypeBase::Builtin { name: b }) = (&from.base, &to.base)
    else {
        return None;
    };
    if from.array_dims != to.array_dims {
        return None;
    }
    let (fa, ta) = (&from.args, &to.args);
    match (a.as_str(), b.as_str()) {
        ("varchar", "varchar") if ta.is_empty() || (!fa.is_empty() && ta[0] >= fa[0]) => Some(true),
        ("varchar" | "char", "text") => Some(a == "varchar"),
        ("numeric", "numeric") if ta.is_empty() => Some(true),
        ("numeric", "numeric")
            if fa.len() == 2 && ta.len() == 2 && ta[1] == fa[1] && ta[0] >= fa[0] =>
        {
            Some(true)
        }
        ("smallint", "integer" | "bigint" | "numeric")
        | ("integer", "bigint" | "numeric")
        | ("bigint", "numeric")
        | ("real", "double precision") => Some(false),
        ("timestamp" | "timestamptz" | "time", x)
            if x == a && (ta.is_empty() || (!fa.is_empty() && ta[0] >= fa[0])) =>
        {
            Some(true)
        }
        _ => None,
    }
}

/// A name PostgreSQL accepts for a helper constraint of `column`.
fn helper_name(column: &str) -> String {
    let mut n = format!("schemac_nn_{column}");
    n.truncate(crate::MAX_IDENT);
    n
}

/// `SET NOT NULL` without a long scan under `ACCESS EXCLUSIVE`: a check
/// added `NOT VALID`, validated (which blocks no writes), lets PostgreSQL
/// skip the scan; then the check goes.
fn set_not_null(p: &mut Planner, q: &QName, name: &str) {
    let check = Check {
        name: helper_name(name),
        expr: Expr::verbatim(
            format!("{} IS NOT NULL", crate::quote::ident(name)),
            dsl::Span::default(),
        ),
        doc: None,
        origin: crate::model::Origin::declared(dsl::Span::default()),
    };
    p.push(
        Phase::Constrain,
        0,
        constraint::add_not_valid(q, constraint::Validatable::Check(&check)),
        vec![],
    );
    p.push(
        Phase::Validate,
        0,
        constraint::validate(q, &check.name),
        vec![],
    );
    p.push(Phase::Validate, 1, column::set_not_null(q, name), vec![]);
    p.push(Phase::Validate, 2, constraint::drop(q, &check.name), vec![]);
}

fn add_constraint(p: &mut Planner, q: &QName, con: &Constraint, new_table: bool, r: i64) {
    use constraint::{Constraint as S, Validatable as V};
    if new_table {
        p.push(
            Phase::Constrain,
            r,
            constraint::add(q, con.as_statement()),
            vec![],
        );
        return;
    }
    match con {
        Constraint::Check(c) => {
            p.push(
                Phase::Constrain,
                r,
                constraint::add_not_valid(q, V::Check(c)),
                vec![],
            );
            p.push(Phase::Validate, r, constraint::validate(q, &c.name), vec![]);
        }
        Constraint::ForeignKey(f) => {
            p.push(
                Phase::Constrain,
                r,
                constraint::add_not_valid(q, V::ForeignKey(f)),
                vec![],
            );
            p.push(Phase::Validate, r, constraint::validate(q, &f.name), vec![]);
        }
        Constraint::Unique(u) => {
            let i = Index {
                name: u.name.clone(),
                method: crate::model::IndexMethod::Btree,
                unique: true,
                nulls_not_distinct: u.nulls_not_distinct,
                elements: u.columns.iter().map(IndexElement::column).collect(),
                include: Vec::new(),
                predicate: None,
                doc: None,
                origin: u.origin.clone(),
            };
            p.push(
                Phase::Concurrent,
                r,
                index::create(q, &i, Concurrency::Concurrently),
                vec![Hazard::IndexBuild],
            );
            let mut s = constraint::add(q, S::Unique(u));
            s.sql = using_index(q, &u.name, "UNIQUE", u.deferrable, u.initially_deferred);
            p.push(Phase::Validate, r, s, vec![]);
        }
        Constraint::PrimaryKey(k) => {
            let i = Index {
                name: k.name.clone(),
                method: crate::model::IndexMethod::Btree,
                unique: true,
                nulls_not_distinct: false,
                elements: k.columns.iter().map(IndexElement::column).collect(),
                include: Vec::new(),
                predicate: None,
                doc: None,
                origin: k.origin.clone(),
            };
            p.push(
                Phase::Concurrent,
                r,
                index::create(q, &i, Concurrency::Concurrently),
                vec![Hazard::IndexBuild],
            );
            let mut s = constraint::add(q, S::PrimaryKey(k));
            s.sql = using_index(q, &k.name, "PRIMARY KEY", false, false);
            p.push(Phase::Validate, r, s, vec![Hazard::LongLock]);
        }
        // An exclusion constraint has no concurrent form: its build holds
        // the lock.
        Constraint::Exclude(_) => p.push(
            Phase::Constrain,
            r,
            constraint::add(q, con.as_statement()),
            vec![Hazard::LongLock],
        ),
    }
}

fn using_index(q: &QName, name: &str, kind: &str, deferrable: bool, deferred: bool) -> String {
    let mut s = format!(
        "ALTER TABLE {} ADD CONSTRAINT {} {kind} USING INDEX {}",
        crate::quote::qname(q),
        crate::quote::ident(name),
        crate::quote::ident(name)
    );
    if deferrable {
        s.push_str(" DEFERRABLE");
        if deferred {
            s.push_str(" INITIALLY DEFERRED");
        }
    }
    s
}

/// Views of both models that read (directly or through other views) a
/// table in `touched` and are not already dropped or created by the diff.
fn dependent_views<'m>(
    old: &Model,
    new: &'m Model,
    touched: &BTreeSet<Key>,
    changes: &[Change],
) -> Vec<&'m crate::model::View> {
    let mut reached: BTreeSet<Key> = touched.clone();
    loop {
        let before = reached.len();
        for v in &old.views {
            if v.reads
                .iter()
                .chain(&v.depends_on)
                .any(|k| reached.contains(k))
            {
                reached.insert(v.key());
            }
        }
        if reached.len() == before {
            break;
        }
    }
    let changed: BTreeSet<Key> = changes
        .iter()
        .filter_map(|c| match c {
            Change::CreateView(v) => Some(v.key()),
            Change::DropView(q, m) => Some(Key::new(
                if *m {
                    ObjectKind::MaterializedView
                } else {
                    ObjectKind::View
                },
                q.clone(),
            )),
            _ => None,
        })
        .collect();
    new.views
        .iter()
        .filter(|v| reached.contains(&v.key()) && !changed.contains(&v.key()))
        .filter(|v| old.views.iter().any(|o| o.key() == v.key()))
        .collect()
}

/// A fingerprint of a source state: SHA-256 of the model's JSON with
/// origins left out, so the same database gives the same fingerprint.
pub fn fingerprint(model: &Model) -> String {
    use sha2::{Digest, Sha256};
    let mut value = serde_json::to_value(model).unwrap_or_default();
    strip_origins(&mut value);
    let text = value.to_string();
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn strip_origins(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            map.remove("origin");
            map.remove("span");
            for x in map.values_mut() {
                strip_origins(x);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_origins),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{diff, Options};
    use crate::statement::tests::compiled;

    fn planned(old: &str, new: &str) -> MigrationPlan {
        let (o, n) = (compiled(old).model, compiled(new).model);
        plan(&o, &n, &diff(&o, &n, &Options::default()))
    }

    #[test]
    fn keys_on_existing_tables_are_added_without_long_locks() {
        let p = planned(
            "entity User {\n  id bigint @pk\n  email text?\n  age integer\n}\n",
            "entity User {\n  id bigint @pk\n  email text @unique\n  age integer\n  check (age >= 0)\n}\n",
        );
        let sql = p.to_sql();
        assert!(
            sql.starts_with("SET lock_timeout = '5s';\nSET statement_timeout = '1h';\n"),
            "{sql}"
        );
        assert!(sql.contains("CHECK (age >= 0) NOT VALID"), "{sql}");
        assert!(
            sql.contains("VALIDATE CONSTRAINT \"chk_users_age\""),
            "{sql}"
        );
        assert!(
            sql.contains("CREATE UNIQUE INDEX CONCURRENTLY \"uq_users_email\""),
            "{sql}"
        );
        assert!(
            sql.contains("UNIQUE USING INDEX \"uq_users_email\""),
            "{sql}"
        );
        assert!(
            sql.contains("CHECK (\"email\" IS NOT NULL) NOT VALID"),
            "{sql}"
        );
        assert!(sql.contains("ALTER COLUMN \"email\" SET NOT NULL"), "{sql}");
        let concurrent = p
            .steps
            .iter()
            .find(|s| !s.transactional)
            .expect("a concurrent step");
        assert_eq!(concurrent.statements.len(), 1);
        assert_eq!(p.hazards(), BTreeSet::from([Hazard::IndexBuild]));
    }

    #[test]
    fn a_range_partition_added_is_planned_and_one_removed_is_data_loss() {
        let v1 = "entity Reading {\n  id bigint @identity\n  taken date\n  primary key (id, taken)\n  @partition(range: taken, y2024: from '2024-01-01' to '2025-01-01')\n}\n";
        let v2 = v1.replace(
            "'2025-01-01')",
            "'2025-01-01', y2025: from '2025-01-01' to '2026-01-01')",
        );
        let added = planned(v1, &v2);
        assert!(
            added.to_sql().contains("CREATE TABLE \"public\".\"readings_y2025\" PARTITION OF \"public\".\"readings\" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"),
            "{}",
            added.to_sql()
        );
        // The default partition is scanned for rows the new one would hold.
        assert_eq!(added.hazards(), BTreeSet::from([Hazard::LongLock]));
        let removed = planned(&v2, v1);
        assert!(
            removed
                .to_sql()
                .contains("DROP TABLE \"public\".\"readings_y2025\""),
            "{}",
            removed.to_sql()
        );
        assert!(removed.hazards().contains(&Hazard::DataLoss));
        let moved = planned(v1, &v1.replace("'2025-01-01')", "'2025-06-01')"));
        assert_eq!(moved.unsupported.len(), 1, "{moved:#?}");
    }

    #[test]
    fn narrowing_and_drops_are_data_loss() {
        let p = planned(
            "entity User {\n  id bigint @pk\n  n bigint\n  gone text\n}\n",
            "entity User {\n  id bigint @pk\n  n integer\n}\n",
        );
        assert!(p.hazards().contains(&Hazard::DataLoss));
        assert!(p.hazards().contains(&Hazard::Rewrite));
        let widened = planned(
            "entity User {\n  id bigint @pk\n  s varchar(10)\n}\n",
            "entity User {\n  id bigint @pk\n  s varchar(20)\n}\n",
        );
        assert!(widened.hazards().is_empty(), "{:?}", widened.hazards());
    }

    #[test]
    fn enum_values_commit_before_use() {
        let p = planned(
            "enum Mood {\n  happy\n}\nentity User {\n  id bigint @pk\n}\n",
            "enum Mood {\n  happy\n  sad\n}\nentity User {\n  id bigint @pk\n  mood Mood = 'sad'\n}\n",
        );
        assert_eq!(p.steps[0].statements.len(), 1, "{}", p.to_sql());
        assert!(p.steps[0].statements[0].sql.contains("ADD VALUE 'sad'"));
        assert!(p.steps[1].statements[0].sql.contains("ADD COLUMN"));
    }

    #[test]
    fn types_are_dropped_after_the_columns_and_tables_that_use_them() {
        let p = planned(
            "enum Mood {\n  happy\n}\ndomain Name text\nentity User {\n  id bigint @pk\n  mood Mood\n}\nentity Pet {\n  id bigint @pk\n  name Name\n}\n",
            "entity User {\n  id bigint @pk\n}\n",
        );
        let sql = p.to_sql();
        let at = |needle: &str| {
            sql.find(needle)
                .unwrap_or_else(|| panic!("{needle} in {sql}"))
        };
        assert!(at("DROP COLUMN \"mood\"") < at("DROP TYPE"), "{sql}");
        assert!(at("DROP TABLE") < at("DROP DOMAIN"), "{sql}");
    }
}
