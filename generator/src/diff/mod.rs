//! Diff: what changes between two models, as typed changes, compared on
//! what the database holds. Declared names (entity, field and relation
//! names), origins, enum value docs and what a view reads are not in the
//! database and are not compared; a primary key's columns are NOT NULL
//! whatever was declared; `char` is `char(1)`, `numeric(p)` is
//! `numeric(p, 0)`. Expressions compare by canonical text: two models from
//! files by sqlparser's printing, a model and a database by the server's
//! (`live::introspect::printed`).
//!
//! Pure: no server, no files. [`plan`] turns the changes into statements.

pub mod plan;
pub mod safety;

use crate::key::{Key, ObjectKind};
use crate::model::{
    Check, Column, Domain, Enum, Exclude, Extension, ForeignKey, Function, Grant, Index, Model,
    Policy, PrimaryKey, QName, RawSql, Sequence, SqlType, Table, Trigger, TypeBase, Unique, View,
    Why,
};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// How to read the old side.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The old side is a live database: objects it has and the new model
    /// does not describe (a hand-made index, a table, a view, a type or a
    /// function) are not the model's, and are kept and reported, never
    /// dropped; `sql` blocks, which leave no trace of their own, count as
    /// applied. Columns and constraints of the model's tables are the
    /// model's.
    pub old_is_database: bool,
    /// Objects the new model's `sql` blocks create: compared in neither
    /// direction.
    pub raw_products: BTreeSet<Key>,
}

/// A key constraint of a table, any kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Constraint {
    PrimaryKey(PrimaryKey),
    Unique(Unique),
    Check(Check),
    ForeignKey(ForeignKey),
    Exclude(Exclude),
}

impl Constraint {
    pub fn name(&self) -> &str {
        match self {
            Constraint::PrimaryKey(c) => &c.name,
            Constraint::Unique(c) => &c.name,
            Constraint::Check(c) => &c.name,
            Constraint::ForeignKey(c) => &c.name,
            Constraint::Exclude(c) => &c.name,
        }
    }

    pub fn as_statement(&self) -> crate::statement::constraint::Constraint<'_> {
        use crate::statement::constraint::Constraint as S;
        match self {
            Constraint::PrimaryKey(c) => S::PrimaryKey(c),
            Constraint::Unique(c) => S::Unique(c),
            Constraint::Check(c) => S::Check(c),
            Constraint::ForeignKey(c) => S::ForeignKey(c),
            Constraint::Exclude(c) => S::Exclude(c),
        }
    }
}

/// One change from the old model to the new.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    CreateSchema(String),
    DropSchema(String),
    CreateExtension(Extension),
    DropExtension(String),
    CreateEnum(Enum),
    DropEnum(QName),
    /// A value added in place: before the next old value, or last.
    AddEnumValue {
        name: QName,
        value: String,
        before: Option<String>,
    },
    CreateDomain(Domain),
    DropDomain(QName),
    SetDomainDefault(QName, Option<crate::model::Expr>),
    AddDomainCheck(QName, Check),
    DropDomainCheck(QName, String),
    CreateSequence(Sequence),
    DropSequence(QName),
    /// Created, or replaced with a new body or result.
    CreateFunction(Function),
    DropFunction(QName, String),
    /// Boxed: a table is large, and most changes are small.
    CreateTable(Box<Table>),
    DropTable(QName),
    AddColumn(QName, Column),
    DropColumn(QName, String),
    AlterColumnType {
        table: QName,
        column: String,
        from: SqlType,
        to: SqlType,
    },
    SetColumnDefault(QName, String, Option<crate::model::Expr>),
    SetNotNull(QName, String),
    DropNotNull(QName, String),
    AddConstraint(QName, Constraint),
    DropConstraint(QName, String),
    CreateIndex(QName, Index),
    DropIndex(QName, String),
    CreateView(View),
    DropView(QName, bool),
    CreateTrigger(Trigger),
    DropTrigger(QName, String),
    RunRaw(RawSql),
    /// A policy's generated block that creates objects of its own (the
    /// audit log) is gone: what it created is dropped.
    DropRawProducts(RawSql),
    /// Row-level security turned on (and forced) for a table's first
    /// policy, or off once its last policy is gone.
    EnableRowSecurity(QName),
    DisableRowSecurity(QName),
    /// A new policy, or one whose command, roles or conditions changed
    /// (`replace`: dropped and created again in one transaction).
    CreatePolicy {
        table: QName,
        policy: Policy,
        replace: bool,
    },
    DropPolicy(QName, String),
    /// Privileges granted or revoked: one role, one set of columns (none:
    /// the whole table).
    Grant(QName, Grant),
    Revoke(QName, Grant),
    /// `COMMENT ON`: set or (with `None`) removed.
    Comment(Key, Option<String>),
    /// A list or hash partition (or the default one) added to an existing
    /// partitioned table.
    CreatePartition(QName, crate::model::PartitionChild),
    /// `renamed from`: the old table's name, and its new one (same schema).
    RenameTable(QName, String),
    /// A column of a table (under the table's new name): from, to.
    RenameColumn(QName, String, String),
    RenameEnumValue {
        name: QName,
        from: String,
        to: String,
    },
    /// A constraint or index of a renamed table (or one whose columns were
    /// renamed) that is the same but for its generated name: from, to.
    RenameConstraint(QName, String, String),
    RenameIndex(QName, String, String),
    /// In the old database, not described by the new model: kept.
    Kept(Key),
    /// A change no statement can make in place (removing or reordering
    /// enum values, a domain's type, a changed `sql` block).
    Unsupported(Key, String),
}

impl Change {
    /// Whether the change alters the database (what kept objects do not).
    pub fn is_difference(&self) -> bool {
        !matches!(self, Change::Kept(_))
    }
}

/// The changes that turn `old` into `new`, grouped by kind; [`plan`] orders
/// them.
pub fn diff(old: &Model, new: &Model, options: &Options) -> Vec<Change> {
    let mut d = Differ {
        out: Vec::new(),
        options,
        renamed_tables: BTreeSet::new(),
        managed_roles: managed_roles(new),
        row_security_drift: BTreeSet::new(),
    };
    // Going back from a model that declares renames (a rollback) undoes
    // them: renamed back, never dropped and created again.
    let inverse;
    let renames = if new.renames.is_empty() {
        inverse = invert(&old.renames);
        &inverse
    } else {
        &new.renames
    };
    if renames.is_empty() {
        d.run(old, new);
    } else {
        // The old model as it is once the renames have run: the rest of
        // the diff compares objects under their new names.
        let renamed = d.renames(old, new, renames);
        d.run(&renamed, new);
    }
    d.out
}

/// The renames that take a model declaring `renames` back to the names
/// before them.
fn invert(renames: &[crate::model::Rename]) -> Vec<crate::model::Rename> {
    use crate::model::{Rename, Renamed};
    // A column of a renamed table goes back under the table's old name.
    let old_table = |q: &QName| {
        renames
            .iter()
            .find_map(|r| match &r.what {
                Renamed::Table { table } if table == q => {
                    Some(QName::new(q.schema.clone(), r.from.clone()))
                }
                _ => None,
            })
            .unwrap_or_else(|| q.clone())
    };
    renames
        .iter()
        .map(|r| {
            let (what, from) = match &r.what {
                Renamed::Table { table } => (
                    Renamed::Table {
                        table: QName::new(table.schema.clone(), r.from.clone()),
                    },
                    table.name.clone(),
                ),
                Renamed::Column { table, column } => (
                    Renamed::Column {
                        table: old_table(table),
                        column: r.from.clone(),
                    },
                    column.clone(),
                ),
                Renamed::EnumValue { name, value } => (
                    Renamed::EnumValue {
                        name: name.clone(),
                        value: r.from.clone(),
                    },
                    value.clone(),
                ),
            };
            Rename {
                what,
                from,
                origin: r.origin.clone(),
            }
        })
        .collect()
}

struct Differ<'o> {
    out: Vec<Change>,
    options: &'o Options,
    /// Tables renamed or with renamed columns: their constraints and
    /// indexes that differ only by name are renamed too.
    renamed_tables: BTreeSet<QName>,
    /// The roles the new model grants to or names in a policy, and
    /// `public`: a database's privileges of other roles (default
    /// privileges a DBA set, grants of their own) are not the model's.
    managed_roles: BTreeSet<String>,
    /// The old side's tables whose row-level security is not what their
    /// policies imply.
    row_security_drift: BTreeSet<QName>,
}

fn managed_roles(m: &Model) -> BTreeSet<String> {
    let mut out = BTreeSet::from(["public".to_string()]);
    for t in &m.tables {
        out.extend(t.grants.iter().map(|g| g.role.clone()));
        out.extend(t.policies.iter().flat_map(|p| p.roles.iter().cloned()));
    }
    out
}

fn by_key<'a, T, K: Ord>(items: &'a [T], key: impl Fn(&'a T) -> K) -> BTreeMap<K, &'a T> {
    items.iter().map(|x| (key(x), x)).collect()
}

/// The type as the database holds it: modifiers PostgreSQL fills in are
/// written out, declared names of user types left out. Borrowed where it
/// can be: a diff compares every column's.
fn stored_type(t: &SqlType) -> (Cow<'_, str>, Cow<'_, [u32]>, u8) {
    let (name, default_args): (Cow<str>, &[u32]) = match &t.base {
        TypeBase::Builtin { name } => match name.as_str() {
            "char" | "bit" => (Cow::Borrowed(name), &[1]),
            _ => (Cow::Borrowed(name), &[]),
        },
        TypeBase::Extension { name, schema, .. } => (format!("{schema}.{name}").into(), &[]),
        TypeBase::Enum { sql, .. } | TypeBase::Domain { sql, .. } => (sql.to_string().into(), &[]),
    };
    let args: Cow<[u32]> = match t.args.as_slice() {
        [] => Cow::Borrowed(default_args),
        [p] if name == "numeric" => Cow::Owned(vec![*p, 0]),
        all => Cow::Borrowed(all),
    };
    (name, args, t.array_dims)
}

pub fn same_type(a: &SqlType, b: &SqlType) -> bool {
    stored_type(a) == stored_type(b)
}

fn not_null(t: &Table, c: &Column) -> bool {
    !c.nullable
        || c.identity.is_some()
        || t.primary_key
            .as_ref()
            .is_some_and(|p| p.columns.contains(&c.name))
}

fn same_unique(a: &Unique, b: &Unique) -> bool {
    a.columns == b.columns
        && a.nulls_not_distinct == b.nulls_not_distinct
        && a.deferrable == b.deferrable
        && a.initially_deferred == b.initially_deferred
}

fn same_fk(a: &ForeignKey, b: &ForeignKey) -> bool {
    a.columns == b.columns
        && a.target_table == b.target_table
        && a.target_columns == b.target_columns
        && a.on_delete == b.on_delete
        && a.on_update == b.on_update
        && a.deferrable == b.deferrable
        && a.initially_deferred == b.initially_deferred
}

fn same_index(a: &Index, b: &Index) -> bool {
    a.method == b.method
        && a.unique == b.unique
        && a.nulls_not_distinct == b.nulls_not_distinct
        && a.elements == b.elements
        && a.include == b.include
        && a.predicate == b.predicate
}

fn same_policy(a: &Policy, b: &Policy) -> bool {
    fn roles(p: &Policy) -> BTreeSet<&String> {
        p.roles.iter().collect()
    }
    a.command == b.command
        && roles(a) == roles(b)
        && a.using == b.using
        && a.with_check == b.with_check
}

fn same_exclude(a: &Exclude, b: &Exclude) -> bool {
    a.method == b.method && a.elements == b.elements && a.predicate == b.predicate
}

impl Differ<'_> {
    /// Applies the new model's renames to a copy of the old one, recording
    /// each as a change. A rename whose new name the old side already has
    /// has run before; one whose old name it lacks makes nothing to rename
    /// (the object is created).
    fn renames(&mut self, old: &Model, new: &Model, renames: &[crate::model::Rename]) -> Model {
        use crate::model::Renamed;
        let mut m = old.clone();
        let mut renames: Vec<&crate::model::Rename> = renames.iter().collect();
        // Tables first, so their columns are found under the new name.
        renames.sort_by_key(|r| match r.what {
            Renamed::Table { .. } => 0,
            Renamed::Column { .. } => 1,
            Renamed::EnumValue { .. } => 2,
        });
        for r in renames {
            match &r.what {
                Renamed::Table { table } => {
                    let from = QName::new(table.schema.clone(), r.from.clone());
                    let has = |q: &QName| m.tables.iter().any(|t| &t.sql == q);
                    let wanted = new.tables.iter().any(|t| &t.sql == table);
                    if !wanted || has(table) || !has(&from) {
                        if has(table) && has(&from) {
                            self.out.push(Change::Unsupported(
                                Key::new(ObjectKind::Table, table.clone()),
                                format!("renamed from {from}, but both tables exist"),
                            ));
                        }
                        continue;
                    }
                    self.out
                        .push(Change::RenameTable(from.clone(), table.name.clone()));
                    self.renamed_tables.insert(table.clone());
                    rename_table(&mut m, &from, table);
                }
                Renamed::Column { table, column } => {
                    let Some(t) = m.tables.iter_mut().find(|t| &t.sql == table) else {
                        continue;
                    };
                    let has = |n: &str| t.columns.iter().any(|c| c.name == n);
                    let wanted = new
                        .tables
                        .iter()
                        .any(|t| &t.sql == table && t.columns.iter().any(|c| &c.name == column));
                    if !wanted || has(column) || !has(&r.from) {
                        continue;
                    }
                    self.out.push(Change::RenameColumn(
                        table.clone(),
                        r.from.clone(),
                        column.clone(),
                    ));
                    self.renamed_tables.insert(table.clone());
                    rename_column(&mut m, table, &r.from, column);
                }
                Renamed::EnumValue { name, value } => {
                    let Some(e) = m.enums.iter_mut().find(|e| &e.sql == name) else {
                        continue;
                    };
                    let has = |n: &str| e.values.iter().any(|v| v.name == n);
                    let wanted = new
                        .enums
                        .iter()
                        .any(|e| &e.sql == name && e.values.iter().any(|v| &v.name == value));
                    if !wanted || has(value) || !has(&r.from) {
                        continue;
                    }
                    for v in &mut e.values {
                        if v.name == r.from {
                            v.name = value.clone();
                        }
                    }
                    self.out.push(Change::RenameEnumValue {
                        name: name.clone(),
                        from: r.from.clone(),
                        to: value.clone(),
                    });
                }
            }
        }
        m
    }

    fn skip(&self, k: &Key) -> bool {
        self.options.raw_products.contains(k)
    }

    /// An object only in the old side: dropped, or kept when the old side
    /// is a database that the model does not describe.
    fn gone(&mut self, key: Key, drop: Change) {
        if self.skip(&key) {
            return;
        }
        self.out.push(if self.options.old_is_database {
            Change::Kept(key)
        } else {
            drop
        });
    }

    /// A comment set or removed; the key is made only then (most
    /// comments are unchanged, and a diff visits every column).
    fn comment(&mut self, key: impl FnOnce() -> Key, old: &Option<String>, new: &Option<String>) {
        if old != new {
            self.out.push(Change::Comment(key(), new.clone()));
        }
    }

    fn run(&mut self, old: &Model, new: &Model) {
        self.row_security_drift = old.row_security_drift.iter().cloned().collect();
        let (os, ns): (BTreeSet<&String>, BTreeSet<&String>) =
            (old.schemas.iter().collect(), new.schemas.iter().collect());
        for s in ns.difference(&os) {
            self.out.push(Change::CreateSchema((*s).clone()));
        }
        for s in os.difference(&ns) {
            let key = Key::new(ObjectKind::Schema, QName::new("", (*s).clone()));
            self.gone(key, Change::DropSchema((*s).clone()));
        }
        let (oe, ne) = (
            by_key(&old.extensions, |e| e.name.clone()),
            by_key(&new.extensions, |e| e.name.clone()),
        );
        for (name, e) in &ne {
            match oe.get(name) {
                None => self.out.push(Change::CreateExtension((*e).clone())),
                Some(o) if o.schema != e.schema => self.out.push(Change::Unsupported(
                    e.key(),
                    format!("moved from schema {} to {}", o.schema, e.schema),
                )),
                Some(_) => {}
            }
        }
        for (name, e) in &oe {
            if !ne.contains_key(name) {
                self.gone(e.key(), Change::DropExtension(name.clone()));
            }
        }
        self.enums(old, new);
        self.domains(old, new);
        let (oq, nq) = (
            by_key(&old.sequences, Sequence::key),
            by_key(&new.sequences, Sequence::key),
        );
        for (k, s) in &nq {
            match oq.get(k) {
                _ if self.skip(k) => {}
                None => self.out.push(Change::CreateSequence((*s).clone())),
                Some(o) if *o != *s => self.out.push(Change::Unsupported(
                    k.clone(),
                    "sequence options changed".into(),
                )),
                Some(_) => {}
            }
        }
        for (k, s) in &oq {
            if !nq.contains_key(k) {
                self.gone(k.clone(), Change::DropSequence(s.sql.clone()));
            }
        }
        let (of, nf) = (
            by_key(&old.functions, Function::key),
            by_key(&new.functions, Function::key),
        );
        for (k, f) in &nf {
            match of.get(k) {
                _ if self.skip(k) => {}
                Some(o)
                    if unquoted(&o.returns) == unquoted(&f.returns)
                        && o.language == f.language
                        && o.body.trim() == f.body.trim() =>
                {
                    self.comment(|| k.clone(), &o.doc, &f.doc)
                }
                // Replacing a function keeps its comment: a new one is set
                // with it, a removed one removed.
                Some(o) => {
                    self.out.push(Change::CreateFunction((*f).clone()));
                    if o.doc.is_some() && f.doc.is_none() {
                        self.out.push(Change::Comment(k.clone(), None));
                    }
                }
                None => self.out.push(Change::CreateFunction((*f).clone())),
            }
        }
        for (k, f) in &of {
            if !nf.contains_key(k) {
                self.gone(
                    k.clone(),
                    Change::DropFunction(f.sql.clone(), f.args.clone()),
                );
            }
        }
        self.tables(old, new);
        let (ov, nv) = (by_key(&old.views, View::key), by_key(&new.views, View::key));
        for (k, v) in &nv {
            match ov.get(k) {
                _ if self.skip(k) => {}
                None => self.out.push(Change::CreateView((*v).clone())),
                Some(o) if o.body != v.body => {
                    self.out
                        .push(Change::DropView(o.sql.clone(), o.materialized));
                    self.out.push(Change::CreateView((*v).clone()));
                }
                Some(o) => self.comment(|| k.clone(), &o.doc, &v.doc),
            }
        }
        for (k, v) in &ov {
            if !nv.contains_key(k) {
                self.gone(k.clone(), Change::DropView(v.sql.clone(), v.materialized));
            }
        }
        let (ot, nt) = (
            by_key(&old.triggers, Trigger::key),
            by_key(&new.triggers, Trigger::key),
        );
        for (k, t) in &nt {
            match ot.get(k) {
                _ if self.skip(k) => {}
                None => self.out.push(Change::CreateTrigger((*t).clone())),
                Some(o) if *o != *t => {
                    self.out
                        .push(Change::DropTrigger(o.table.clone(), o.name.clone()));
                    self.out.push(Change::CreateTrigger((*t).clone()));
                }
                Some(_) => {}
            }
        }
        let functions: BTreeSet<Key> = new.functions.iter().map(Function::key).collect();
        for (k, t) in &ot {
            if !nt.contains_key(k) {
                let drop = Change::DropTrigger(t.table.clone(), t.name.clone());
                // A trigger that runs one of the model's functions is the
                // model's, live database or not: one an earlier release
                // generated (a policy's trigger since renamed) goes.
                if functions.contains(&t.function) && !self.skip(k) {
                    self.out.push(drop);
                } else {
                    self.gone(k.clone(), drop);
                }
            }
        }
        if !self.options.old_is_database {
            let (or, nr) = (by_key(&old.raw, RawSql::key), by_key(&new.raw, RawSql::key));
            for (k, r) in &nr {
                match or.get(k) {
                    None => self.out.push(Change::RunRaw((*r).clone())),
                    // Partition maintenance's blocks follow their table's
                    // settings, diffed with the table.
                    Some(o) if o.body != r.body && made_by_partitioning(r) => {}
                    // A policy's block that creates nothing of its own (the
                    // roles) is written to run again.
                    Some(o) if o.body != r.body && generated(r) && r.creates.is_empty() => {
                        self.out.push(Change::RunRaw((*r).clone()))
                    }
                    Some(o) if o.body != r.body => self.out.push(Change::Unsupported(
                        k.clone(),
                        "the sql block changed: write the migration by hand".into(),
                    )),
                    Some(_) => {}
                }
            }
            for (k, r) in &or {
                if nr.contains_key(k) {
                    continue;
                }
                if generated(r) {
                    // Roles are the cluster's, shared by its databases:
                    // they stay. What else the block made goes.
                    if !r.creates.is_empty() {
                        self.out.push(Change::DropRawProducts((*r).clone()));
                    }
                } else {
                    self.out.push(Change::Unsupported(
                        k.clone(),
                        "the sql block was removed: undo what it created by hand".into(),
                    ));
                }
            }
        }
    }

    fn enums(&mut self, old: &Model, new: &Model) {
        let (o, n) = (by_key(&old.enums, Enum::key), by_key(&new.enums, Enum::key));
        for (k, e) in &n {
            let Some(oe) = o.get(k) else {
                if !self.skip(k) {
                    self.out.push(Change::CreateEnum((*e).clone()));
                }
                continue;
            };
            let was: Vec<&str> = oe.values.iter().map(|v| v.name.as_str()).collect();
            let now: Vec<&str> = e.values.iter().map(|v| v.name.as_str()).collect();
            // The old values, in order, must all still be there.
            let kept: Vec<&str> = now.iter().copied().filter(|v| was.contains(v)).collect();
            if kept != was {
                self.out.push(Change::Unsupported(
                    k.clone(),
                    "enum values removed or reordered (PostgreSQL cannot drop a value)".into(),
                ));
            } else {
                for (i, v) in now.iter().enumerate() {
                    if was.contains(v) {
                        continue;
                    }
                    let before = now[i + 1..].iter().find(|x| was.contains(x));
                    self.out.push(Change::AddEnumValue {
                        name: e.sql.clone(),
                        value: (*v).to_string(),
                        before: before.map(|b| (*b).to_string()),
                    });
                }
            }
            self.comment(|| k.clone(), &oe.doc, &e.doc);
        }
        for (k, e) in &o {
            if !n.contains_key(k) {
                self.gone(k.clone(), Change::DropEnum(e.sql.clone()));
            }
        }
    }

    fn domains(&mut self, old: &Model, new: &Model) {
        let (o, n) = (
            by_key(&old.domains, Domain::key),
            by_key(&new.domains, Domain::key),
        );
        for (k, d) in &n {
            let Some(od) = o.get(k) else {
                if !self.skip(k) {
                    self.out.push(Change::CreateDomain((*d).clone()));
                }
                continue;
            };
            if !same_type(&od.ty, &d.ty) {
                self.out.push(Change::Unsupported(
                    k.clone(),
                    format!("domain type changed from {} to {}", od.ty, d.ty),
                ));
                continue;
            }
            if od.default != d.default {
                self.out
                    .push(Change::SetDomainDefault(d.sql.clone(), d.default.clone()));
            }
            let (oc, nc) = (
                by_key(&od.checks, |c| c.name.clone()),
                by_key(&d.checks, |c| c.name.clone()),
            );
            for (name, c) in &oc {
                if nc.get(name).is_none_or(|x| x.expr != c.expr) {
                    self.out
                        .push(Change::DropDomainCheck(d.sql.clone(), name.clone()));
                }
            }
            for (name, c) in &nc {
                if oc.get(name).is_none_or(|x| x.expr != c.expr) {
                    self.out
                        .push(Change::AddDomainCheck(d.sql.clone(), (*c).clone()));
                }
            }
            self.comment(|| k.clone(), &od.doc, &d.doc);
        }
        for (k, d) in &o {
            if !n.contains_key(k) {
                self.gone(k.clone(), Change::DropDomain(d.sql.clone()));
            }
        }
    }

    fn tables(&mut self, old: &Model, new: &Model) {
        let (o, n) = (
            by_key(&old.tables, Table::key),
            by_key(&new.tables, Table::key),
        );
        for (k, t) in &n {
            match o.get(k) {
                _ if self.skip(k) => {}
                None => self.out.push(Change::CreateTable(Box::new((*t).clone()))),
                Some(ot) => self.table(ot, t),
            }
        }
        for (k, t) in &o {
            if !n.contains_key(k) {
                self.gone(k.clone(), Change::DropTable(t.sql.clone()));
            }
        }
    }

    fn table(&mut self, old: &Table, new: &Table) {
        let q = &new.sql;
        self.comment(|| new.key(), &old.doc, &new.doc);
        // The strategy and key: the partitions themselves (and those
        // maintenance makes) are not diffed yet.
        let key = |t: &Table| {
            t.partition
                .as_ref()
                .map(|p| (p.strategy, p.columns.clone()))
        };
        if key(old) != key(new) {
            self.out.push(Change::Unsupported(
                new.key(),
                "partitioning changed: the table must be rebuilt".into(),
            ));
        } else {
            // The partitions a schema declares; time partitions belong to
            // maintenance, never to the diff.
            self.partitions(old, new);
            if !self.options.old_is_database {
                self.maintenance(old, new);
            }
        }
        // Constraints first leave, so a column they use can change.
        let constraints = |t: &Table| -> BTreeMap<String, Constraint> {
            let mut m = BTreeMap::new();
            if let Some(p) = &t.primary_key {
                m.insert(p.name.clone(), Constraint::PrimaryKey(p.clone()));
            }
            for u in &t.uniques {
                m.insert(u.name.clone(), Constraint::Unique(u.clone()));
            }
            for c in &t.checks {
                m.insert(c.name.clone(), Constraint::Check(c.clone()));
            }
            for f in &t.foreign_keys {
                m.insert(f.name.clone(), Constraint::ForeignKey(f.clone()));
            }
            for x in &t.excludes {
                m.insert(x.name.clone(), Constraint::Exclude(x.clone()));
            }
            m
        };
        let (oc, nc) = (constraints(old), constraints(new));
        let same = |a: &Constraint, b: &Constraint| match (a, b) {
            (Constraint::PrimaryKey(a), Constraint::PrimaryKey(b)) => a.columns == b.columns,
            (Constraint::Unique(a), Constraint::Unique(b)) => same_unique(a, b),
            (Constraint::Check(a), Constraint::Check(b)) => a.expr == b.expr,
            (Constraint::ForeignKey(a), Constraint::ForeignKey(b)) => same_fk(a, b),
            (Constraint::Exclude(a), Constraint::Exclude(b)) => same_exclude(a, b),
            _ => false,
        };
        let doc = |c: &Constraint| -> Option<String> {
            match c {
                Constraint::PrimaryKey(c) => c.doc.clone(),
                Constraint::Unique(c) => c.doc.clone(),
                Constraint::Check(c) => c.doc.clone(),
                Constraint::ForeignKey(c) => c.doc.clone(),
                Constraint::Exclude(c) => c.doc.clone(),
            }
        };
        let mut added = Vec::new();
        let paired = self.renamed_tables.contains(q);
        let mut renamed_to: BTreeMap<&String, &String> = BTreeMap::new();
        if paired {
            for (name, c) in &oc {
                if nc.contains_key(name) {
                    continue;
                }
                let twin = nc.iter().find(|(n, x)| {
                    !oc.contains_key(*n) && !renamed_to.values().any(|t| t == n) && same(c, x)
                });
                if let Some((n, _)) = twin {
                    renamed_to.insert(name, n);
                }
            }
        }
        for (from, to) in &renamed_to {
            self.out.push(Change::RenameConstraint(
                q.clone(),
                (*from).clone(),
                (*to).clone(),
            ));
        }
        for (name, c) in &oc {
            if renamed_to.contains_key(name) {
                continue;
            }
            match nc.get(name) {
                Some(n) if same(c, n) => self.comment(
                    || Key::member(ObjectKind::Constraint, q.clone(), name.to_string()),
                    &doc(c),
                    &doc(n),
                ),
                _ => self
                    .out
                    .push(Change::DropConstraint(q.clone(), name.clone())),
            }
        }
        for (name, c) in &nc {
            if renamed_to.values().any(|t| *t == name) {
                continue;
            }
            if oc.get(name).is_none_or(|o| !same(o, c)) {
                added.push(c.clone());
            }
        }
        let (oi, ni) = (
            by_key(&old.indexes, |i| i.name.clone()),
            by_key(&new.indexes, |i| i.name.clone()),
        );
        let mut new_indexes = Vec::new();
        let mut index_to: BTreeMap<&String, &String> = BTreeMap::new();
        if paired {
            for (name, i) in &oi {
                if ni.contains_key(name) {
                    continue;
                }
                let twin = ni.iter().find(|(n, x)| {
                    !oi.contains_key(*n) && !index_to.values().any(|t| t == n) && same_index(i, x)
                });
                if let Some((n, _)) = twin {
                    index_to.insert(name, n);
                }
            }
        }
        for (from, to) in &index_to {
            self.out.push(Change::RenameIndex(
                q.clone(),
                (*from).clone(),
                (*to).clone(),
            ));
        }
        for (name, i) in &oi {
            if index_to.contains_key(name) {
                continue;
            }
            match ni.get(name) {
                Some(n) if same_index(i, n) => self.comment(|| i.key(q), &i.doc, &n.doc),
                Some(_) => self
                    .out
                    .push(Change::DropIndex(q.clone(), name.to_string())),
                None => self.gone(i.key(q), Change::DropIndex(q.clone(), name.to_string())),
            }
        }
        for (name, i) in &ni {
            if index_to.values().any(|t| *t == name) {
                continue;
            }
            if oi.get(name).is_none_or(|o| !same_index(o, i)) {
                new_indexes.push((*i).clone());
            }
        }
        let (ocol, ncol) = (
            by_key(&old.columns, |c| c.name.as_str()),
            by_key(&new.columns, |c| c.name.as_str()),
        );
        for (name, c) in &ocol {
            match ncol.get(name) {
                // Identity and generation cannot change in place here: the
                // column is made again.
                Some(n) if n.identity != c.identity || n.generated != c.generated => {
                    self.out
                        .push(Change::DropColumn(q.clone(), name.to_string()));
                    self.out.push(Change::AddColumn(q.clone(), (*n).clone()));
                }
                Some(n) => self.column(old, new, c, n),
                None => self
                    .out
                    .push(Change::DropColumn(q.clone(), name.to_string())),
            }
        }
        for c in &new.columns {
            if !ocol.contains_key(c.name.as_str()) {
                self.out.push(Change::AddColumn(q.clone(), c.clone()));
            }
        }
        for c in added {
            self.out.push(Change::AddConstraint(q.clone(), c));
        }
        for i in new_indexes {
            self.out.push(Change::CreateIndex(q.clone(), i));
        }
        self.access(old, new);
    }

    /// Row-level security, its policies and the table's grants.
    fn access(&mut self, old: &Table, new: &Table) {
        let q = &new.sql;
        let drift = self.row_security_drift.contains(&old.sql);
        // Policies the new model's `sql` blocks make are theirs.
        let (mut op, np) = (
            by_key(&old.policies, |p| p.name.clone()),
            by_key(&new.policies, |p| p.name.clone()),
        );
        op.retain(|name, _| {
            np.contains_key(name)
                || !self.skip(&Key::member(ObjectKind::Policy, q.clone(), name.clone()))
        });
        for name in op.keys() {
            if !np.contains_key(name) {
                self.out.push(Change::DropPolicy(q.clone(), name.clone()));
            }
        }
        if (op.is_empty() || drift) && !np.is_empty() {
            self.out.push(Change::EnableRowSecurity(q.clone()));
        }
        for (name, p) in &np {
            let replace = match op.get(name) {
                Some(o) if same_policy(o, p) => continue,
                Some(_) => true,
                None => false,
            };
            self.out.push(Change::CreatePolicy {
                table: q.clone(),
                policy: (*p).clone(),
                replace,
            });
        }
        if (!op.is_empty() || drift) && np.is_empty() {
            self.out.push(Change::DisableRowSecurity(q.clone()));
        }
        let (mut og, ng) = (privileges(&old.grants), privileges(&new.grants));
        if self.options.old_is_database {
            og.retain(|(role, ..)| self.managed_roles.contains(*role));
        }
        if let Some(like) = old.grants.first() {
            for g in regroup(og.difference(&ng).collect(), like) {
                self.out.push(Change::Revoke(q.clone(), g));
            }
        }
        if let Some(like) = new.grants.first() {
            for g in regroup(ng.difference(&og).collect(), like) {
                self.out.push(Change::Grant(q.clone(), g));
            }
        }
    }

    /// A time-partitioned table's window and retention: the maintenance
    /// function's new body is a change of its own (the function is
    /// replaced); pg_partman's settings are updated. Another period or
    /// back-end would make partitions that overlap the existing ones.
    fn maintenance(&mut self, old: &Table, new: &Table) {
        let window = |t: &Table| t.partition.as_ref().and_then(|p| p.window.clone());
        let (Some(ow), Some(nw)) = (window(old), window(new)) else {
            return;
        };
        if ow.every != nw.every || ow.maintenance != nw.maintenance {
            self.out.push(Change::Unsupported(
                new.key(),
                "the partition period or maintenance changed: the table must be rebuilt".into(),
            ));
        } else if ow.ahead != nw.ahead || old.retain != new.retain {
            if let Some(r) = crate::partition::partman_settings(new) {
                self.out.push(Change::RunRaw(r));
            }
        }
    }

    /// Partitions added (created in place), removed (dropped with their
    /// rows) or with other bounds (not planned: rows would have to move).
    fn partitions(&mut self, old: &Table, new: &Table) {
        let children = |t: &Table| -> Vec<crate::model::PartitionChild> {
            t.partition
                .iter()
                .flat_map(|p| p.partitions.iter().cloned())
                .collect()
        };
        let (oc, nc) = (children(old), children(new));
        for c in &nc {
            match oc.iter().find(|o| o.sql == c.sql) {
                None => self
                    .out
                    .push(Change::CreatePartition(new.sql.clone(), c.clone())),
                Some(o) if o != c => self.out.push(Change::Unsupported(
                    c.key(),
                    "the partition's bounds changed: detach it, move its rows and attach it again by hand".into(),
                )),
                Some(_) => {}
            }
        }
        for o in &oc {
            if !nc.iter().any(|c| c.sql == o.sql) {
                self.gone(o.key(), Change::DropTable(o.sql.clone()));
            }
        }
    }

    fn column(&mut self, ot: &Table, nt: &Table, old: &Column, new: &Column) {
        let q = &nt.sql;
        let name = &new.name;
        if !same_type(&old.ty, &new.ty) {
            self.out.push(Change::AlterColumnType {
                table: q.clone(),
                column: name.clone(),
                from: old.ty.clone(),
                to: new.ty.clone(),
            });
        }
        if old.default != new.default {
            self.out.push(Change::SetColumnDefault(
                q.clone(),
                name.clone(),
                new.default.clone(),
            ));
        }
        match (not_null(ot, old), not_null(nt, new)) {
            (false, true) => self.out.push(Change::SetNotNull(q.clone(), name.clone())),
            (true, false) => self.out.push(Change::DropNotNull(q.clone(), name.clone())),
            _ => {}
        }
        self.comment(|| new.key(q), &old.doc, &new.doc);
    }
}

fn made_by_partitioning(r: &RawSql) -> bool {
    matches!(&r.origin.why, crate::model::Why::Policy { policy } if policy == "partition")
}

/// A block a policy generated (not one the user wrote).
fn generated(r: &RawSql) -> bool {
    matches!(r.origin.why, Why::Policy { .. })
}

/// A grant as (role, columns) → privileges, one privilege per column: what
/// the table's access list holds, however the grants were written.
fn privileges(grants: &[Grant]) -> BTreeSet<(&str, Option<&str>, &str)> {
    let mut out = BTreeSet::new();
    for g in grants {
        for p in &g.privileges {
            if g.columns.is_empty() {
                out.insert((g.role.as_str(), None, p.as_str()));
            }
            for c in &g.columns {
                out.insert((g.role.as_str(), Some(c.as_str()), p.as_str()));
            }
        }
    }
    out
}

/// Privileges regrouped as grants: one per role and column (or table).
fn regroup(items: Vec<&(&str, Option<&str>, &str)>, like: &Grant) -> Vec<Grant> {
    let mut by: BTreeMap<(&str, Option<&str>), Vec<String>> = BTreeMap::new();
    for (role, column, privilege) in items {
        by.entry((role, *column))
            .or_default()
            .push((*privilege).to_string());
    }
    by.into_iter()
        .map(|((role, column), privileges)| Grant {
            role: role.to_string(),
            privileges,
            columns: column.map(str::to_string).into_iter().collect(),
            origin: like.origin.clone(),
        })
        .collect()
}

/// The old model with table `from` called `to`, and what refers to it.
fn rename_table(m: &mut Model, from: &QName, to: &QName) {
    let from_key = Key::new(ObjectKind::Table, from.clone());
    let to_key = Key::new(ObjectKind::Table, to.clone());
    for q in &mut m.row_security_drift {
        if q == from {
            *q = to.clone();
        }
    }
    for t in &mut m.tables {
        if &t.sql == from {
            t.sql = to.clone();
        }
        for f in &mut t.foreign_keys {
            if &f.target_table == from {
                f.target_table = to.clone();
            }
        }
    }
    for v in &mut m.views {
        for k in v.reads.iter_mut().chain(v.depends_on.iter_mut()) {
            if *k == from_key {
                *k = to_key.clone();
            }
        }
    }
    for t in &mut m.triggers {
        if &t.table == from {
            t.table = to.clone();
        }
    }
}

/// The old model with column `from` of `table` called `to`, in the keys,
/// indexes and foreign keys that list it, and in the expressions of the
/// table that name it (checks, predicates, index expressions, generated
/// columns, policies), as PostgreSQL rewrites them: a check that names the
/// column is the same check afterwards, renamed with it, never dropped and
/// validated again.
fn rename_column(m: &mut Model, table: &QName, from: &str, to: &str) {
    let swap = |n: &mut String| {
        if n == from {
            *n = to.to_string();
        }
    };
    let expr = |e: &mut crate::model::Expr| {
        // Both texts: `canonical` may be sqlparser's or the server's.
        let canonical = crate::sqlparse::rename_column(e.canonical(), from, to);
        if let Some(sql) = crate::sqlparse::rename_column(&e.sql, from, to) {
            e.set_sql(sql);
        }
        if let Some(canonical) = canonical {
            e.set_canonical(canonical);
        }
    };
    let element = |e: &mut crate::model::IndexElement| match &mut e.target {
        crate::model::ElementTarget::Column { name } => {
            if name == from {
                *name = to.to_string();
            }
        }
        crate::model::ElementTarget::Expr { expr: x } => expr(x),
    };
    for t in &mut m.tables {
        for f in &mut t.foreign_keys {
            if &f.target_table == table {
                f.target_columns.iter_mut().for_each(swap);
            }
        }
        if &t.sql != table {
            continue;
        }
        for c in &mut t.columns {
            swap(&mut c.name);
            c.generated.as_deref_mut().into_iter().for_each(expr);
        }
        if let Some(p) = &mut t.primary_key {
            p.columns.iter_mut().for_each(swap);
        }
        for u in &mut t.uniques {
            u.columns.iter_mut().for_each(swap);
        }
        for c in &mut t.checks {
            expr(&mut c.expr);
        }
        for f in &mut t.foreign_keys {
            f.columns.iter_mut().for_each(swap);
        }
        for i in &mut t.indexes {
            i.elements.iter_mut().for_each(element);
            i.include.iter_mut().for_each(swap);
            i.predicate.iter_mut().for_each(expr);
        }
        for x in &mut t.excludes {
            x.elements.iter_mut().for_each(|e| element(&mut e.element));
            x.predicate.iter_mut().for_each(expr);
        }
        for p in &mut t.policies {
            p.using
                .iter_mut()
                .chain(p.with_check.iter_mut())
                .for_each(expr);
        }
        if let Some(p) = &mut t.partition {
            p.columns.iter_mut().for_each(swap);
        }
    }
}

/// A type's text without the quotes PostgreSQL leaves off when it prints
/// one (`SETOF "public"."prices"` is `SETOF public.prices` read back).
fn unquoted(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('"') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('"') else {
            out.push_str(&rest[open..]);
            return out.into();
        };
        let name = &after[..close];
        let plain = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !after[close + 1..].starts_with('"');
        if plain {
            out.push_str(name);
        } else {
            out.push('"');
            out.push_str(name);
            out.push('"');
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out.into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn quotes_postgresql_leaves_off_do_not_matter() {
        assert_eq!(
            unquoted("SETOF \"public\".\"prices\""),
            "SETOF public.prices"
        );
        assert_eq!(unquoted("\"Odd Name\""), "\"Odd Name\"");
        assert_eq!(unquoted("text"), "text");
    }

    use super::*;
    use crate::statement::tests::compiled;

    fn changes(old: &str, new: &str) -> Vec<Change> {
        diff(
            &compiled(old).model,
            &compiled(new).model,
            &Options::default(),
        )
    }

    #[test]
    fn a_model_has_no_changes_against_itself() {
        let text = "enum Mood {\n  happy\n  sad\n}\nentity User {\n  id bigint @pk\n  mood Mood = 'happy'\n  name text?\n  index (name)\n}\n";
        assert_eq!(changes(text, text), vec![]);
    }

    #[test]
    fn columns_are_added_dropped_and_altered() {
        let got = changes(
            "entity User {\n  id bigint @pk\n  a integer\n  b text\n}\n",
            "entity User {\n  id bigint @pk\n  a bigint?\n  c text = 'x'\n}\n",
        );
        let t = QName::new("public", "users");
        assert!(
            got.contains(&Change::DropColumn(t.clone(), "b".into())),
            "{got:#?}"
        );
        assert!(got
            .iter()
            .any(|c| matches!(c, Change::AddColumn(_, c) if c.name == "c")));
        assert!(got
            .iter()
            .any(|c| matches!(c, Change::AlterColumnType { column, .. } if column == "a")));
        assert!(got.contains(&Change::DropNotNull(t, "a".into())));
    }

    #[test]
    fn enum_values_are_added_in_place_and_removals_refused() {
        let got = changes(
            "enum Mood {\n  happy\n  sad\n}\n",
            "enum Mood {\n  happy\n  calm\n  sad\n  angry\n}\n",
        );
        let m = QName::new("public", "mood");
        assert_eq!(
            got,
            vec![
                Change::AddEnumValue {
                    name: m.clone(),
                    value: "calm".into(),
                    before: Some("sad".into())
                },
                Change::AddEnumValue {
                    name: m,
                    value: "angry".into(),
                    before: None
                },
            ]
        );
        let got = changes(
            "enum Mood {\n  happy\n  sad\n}\n",
            "enum Mood {\n  happy\n}\n",
        );
        assert!(matches!(got[..], [Change::Unsupported(..)]), "{got:?}");
    }

    #[test]
    fn renames_are_renames_never_a_drop_and_an_add() {
        let old = "enum Mood {\n  glad\n}\nentity Post {\n  id bigint @pk\n  title text\n  index (title)\n}\n";
        let new = "enum Mood {\n  happy renamed from glad\n}\nentity Article renamed from Post {\n  id bigint @pk\n  headline text renamed from title\n  index (headline)\n}\n";
        let got = changes(old, new);
        let t = QName::new("public", "articles");
        assert_eq!(
            got,
            vec![
                Change::RenameTable(QName::new("public", "posts"), "articles".into()),
                Change::RenameColumn(t.clone(), "title".into(), "headline".into()),
                Change::RenameEnumValue {
                    name: QName::new("public", "mood"),
                    from: "glad".into(),
                    to: "happy".into()
                },
                Change::RenameConstraint(t.clone(), "pk_posts".into(), "pk_articles".into()),
                Change::RenameIndex(
                    t.clone(),
                    "idx_posts_title".into(),
                    "idx_articles_headline".into()
                ),
            ]
        );
        // Once applied, the rename has nothing left to do.
        assert_eq!(changes(new, new), vec![]);
        // Going back (a rollback) renames back.
        let back = changes(new, old);
        let p = QName::new("public", "posts");
        assert_eq!(
            back[..3],
            [
                Change::RenameTable(t.clone(), "posts".into()),
                Change::RenameColumn(p.clone(), "headline".into(), "title".into()),
                Change::RenameEnumValue {
                    name: QName::new("public", "mood"),
                    from: "happy".into(),
                    to: "glad".into()
                },
            ],
            "{back:#?}"
        );
        assert!(
            !back
                .iter()
                .any(|c| matches!(c, Change::DropTable(_) | Change::DropColumn(..))),
            "{back:#?}"
        );
        // A later version that no longer says `renamed from` keeps the names.
        let later = new
            .replace(" renamed from glad", "")
            .replace(" renamed from Post", "")
            .replace(" renamed from title", "");
        assert_eq!(changes(new, &later), vec![]);
        // Without an old name to rename, the table is created.
        let created = changes("", new);
        assert!(created
            .iter()
            .any(|c| matches!(c, Change::CreateTable(t) if t.sql.name == "articles")));
    }

    #[test]
    fn a_partition_period_change_is_not_planned() {
        let v1 = "entity Event {\n  id bigint @identity\n  at timestamptz\n  primary key (id, at)\n  @partition(range: at, every: month)\n}\n";
        let got = changes(v1, &v1.replace("every: month", "every: week"));
        assert!(
            got.iter()
                .any(|c| matches!(c, Change::Unsupported(k, _) if k.name.name == "events")),
            "{got:#?}"
        );
        let got = changes(v1, &v1.replace("every: month", "every: month, ahead: 5"));
        assert!(
            got.iter().all(|c| matches!(c, Change::CreateFunction(_))),
            "{got:#?}"
        );
    }

    #[test]
    fn policies_and_grants_are_diffed_by_privilege() {
        let old = "entity Doc @grant(app: [select, insert]) {\n  id bigint @pk\n  owner text @grant(support: select)\n}\n";
        let new = "entity Doc @grant(app: select, reporting: select) @rls(select: owner = current_user, to: app) {\n  id bigint @pk\n  owner text\n}\n";
        let got = changes(old, new);
        let t = QName::new("public", "docs");
        let grants: Vec<(bool, String, Vec<String>, Vec<String>)> = got
            .iter()
            .filter_map(|c| match c {
                Change::Grant(_, g) => Some((
                    true,
                    g.role.clone(),
                    g.privileges.clone(),
                    g.columns.clone(),
                )),
                Change::Revoke(_, g) => Some((
                    false,
                    g.role.clone(),
                    g.privileges.clone(),
                    g.columns.clone(),
                )),
                _ => None,
            })
            .collect();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            grants,
            vec![
                (false, "app".into(), s(&["insert"]), vec![]),
                (false, "support".into(), s(&["select"]), s(&["owner"])),
                (true, "reporting".into(), s(&["select"]), vec![]),
            ],
            "{got:#?}"
        );
        assert!(got.contains(&Change::EnableRowSecurity(t.clone())));
        assert!(got
            .iter()
            .any(|c| matches!(c, Change::CreatePolicy { replace: false, .. })));
        // A changed condition replaces the policy; the last one gone turns
        // row-level security off.
        let changed = changes(new, &new.replace("owner = current_user", "owner <> ''"));
        assert!(
            matches!(changed[..], [Change::CreatePolicy { replace: true, .. }]),
            "{changed:#?}"
        );
        let back = changes(new, old);
        assert!(back.contains(&Change::DropPolicy(t.clone(), "pol_docs_select".into())));
        assert!(back.contains(&Change::DisableRowSecurity(t)));
    }

    #[test]
    fn a_database_keeps_what_the_model_does_not_describe() {
        let old = compiled("entity User {\n  id bigint @pk\n  a text\n  index (a)\n}\nentity Extra {\n  id bigint @pk\n}\n").model;
        let new = compiled("entity User {\n  id bigint @pk\n}\n").model;
        let options = Options {
            old_is_database: true,
            ..Options::default()
        };
        let got = diff(&old, &new, &options);
        assert!(
            got.iter()
                .any(|c| matches!(c, Change::Kept(k) if k.kind == ObjectKind::Table)),
            "{got:#?}"
        );
        assert!(got
            .iter()
            .any(|c| matches!(c, Change::Kept(k) if k.kind == ObjectKind::Index)));
        assert!(got
            .iter()
            .any(|c| matches!(c, Change::DropColumn(_, n) if n == "a")));
        assert!(!got.iter().any(|c| matches!(c, Change::DropTable(_))));
    }
}
