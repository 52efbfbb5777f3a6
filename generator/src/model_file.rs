//! `model.json`: the model written as a document other tools read, and
//! read back. Reading validates what it loads (the format version, every
//! referenced key exists, names are unique), so a truncated, hand-edited or
//! stale file is a diagnostic, never a panic and never wrong SQL.

use crate::key::{Key, ObjectKind};
use crate::model::{ElementTarget, IndexElement, Model, QName, Table, TypeBase};
use dsl::Code;
use dsl::{Diagnostic, Span};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::Deserialize;

/// The version of the document's shape. Bumped whenever a change to the
/// model would make an older file read wrongly.
pub const FORMAT: u32 = 1;

/// The document: `{"format": 1, "generator": mark, "model": {...}}`.
pub fn to_json(model: &Model, mark: &str) -> String {
    let json = serde_json::json!({
        "generator": mark,
        "format": FORMAT,
        "model": model,
    });
    let mut s = serde_json::to_string_pretty(&json).unwrap_or_default();
    s.push('\n');
    s
}

#[derive(Deserialize)]
struct Header {
    format: Option<u32>,
}

#[derive(Deserialize)]
struct Document {
    model: Model,
}

const HELP_REBUILD: &str =
    "build the model again from the .schema files: `schemac build PATH --emit model`";

impl Model {
    /// Reads a `model.json` document (`file` is its id in the caller's
    /// source map, for labels). Everything wrong with it is reported.
    pub fn from_json(text: &str, file: u32) -> Result<Model, Vec<Diagnostic>> {
        let header: Header =
            serde_json::from_str(text).map_err(|e| vec![syntax(&e, text, file)])?;
        match header.format {
            Some(FORMAT) => {}
            found => {
                let found = found.map_or("none".to_string(), |f| f.to_string());
                return Err(vec![Diagnostic::error(
                    Code::ModelFormat,
                    format!(
                        "this model file has format {found}; this schemac reads format {FORMAT}"
                    ),
                )
                .label(
                    Span::new(file, 0, text.len().min(1)),
                    "written by another version",
                )
                .help(HELP_REBUILD)]);
            }
        }
        let doc: Document = serde_json::from_str(text).map_err(|e| vec![syntax(&e, text, file)])?;
        let diags = validate(&doc.model);
        if diags.is_empty() {
            Ok(doc.model)
        } else {
            Err(diags)
        }
    }
}

/// A JSON error at its line and column.
fn syntax(e: &serde_json::Error, text: &str, file: u32) -> Diagnostic {
    let offset: usize = text
        .split_inclusive('\n')
        .take(e.line().saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        + e.column().saturating_sub(1);
    let start = offset.min(text.len());
    let mut end = (start + 1).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let start = if text.is_char_boundary(start) {
        start
    } else {
        end
    };
    let what = if e.is_eof() {
        "the model file ends too early"
    } else if e.is_data() {
        "the model file does not describe a model"
    } else {
        "the model file is not valid JSON"
    };
    let message = e.to_string();
    let label = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_string();
    Diagnostic::error(Code::ModelSyntax, what)
        .label(Span::new(file, start, end), label)
        .help(format!(
            "the file may be truncated or edited by hand; {HELP_REBUILD}"
        ))
}

/// Checks that a model is whole: keys unique, every reference resolves,
/// columns named by constraints and indexes exist.
pub fn validate(model: &Model) -> Vec<Diagnostic> {
    let mut v = Validator::default();
    v.run(model);
    v.diags
}

#[derive(Default)]
struct Validator {
    diags: Vec<Diagnostic>,
}

impl Validator {
    fn problem(&mut self, message: String) {
        self.diags.push(
            Diagnostic::error(Code::ModelInvalid, message).help(format!(
                "the model file is inconsistent (edited by hand, or from another version); {HELP_REBUILD}"
            )),
        );
    }

    fn run(&mut self, m: &Model) {
        // Keys, and names that share PostgreSQL's relation namespace.
        let mut keys: HashSet<Key> = HashSet::default();
        // Relations and types share one namespace per schema in PostgreSQL
        // (a table is a type too).
        let mut relations: HashSet<QName> = HashSet::default();
        let mut add = |v: &mut Validator, key: Key| {
            let relation = matches!(
                key.kind,
                ObjectKind::Table
                    | ObjectKind::View
                    | ObjectKind::MaterializedView
                    | ObjectKind::Sequence
                    | ObjectKind::Index
                    | ObjectKind::Enum
                    | ObjectKind::Domain
            );
            if relation && !relations.insert(key.name.clone()) {
                v.problem(format!("two objects are named `{}`", key.name));
                return;
            }
            if !keys.insert(key.clone()) {
                v.problem(format!("{key} appears twice"));
            }
        };
        for x in &m.extensions {
            add(self, x.key());
        }
        for x in &m.enums {
            add(self, x.key());
            let mut seen = HashSet::default();
            for value in &x.values {
                if !seen.insert(value.name.as_str()) {
                    self.problem(format!(
                        "enum {} has the value `{}` twice",
                        x.sql, value.name
                    ));
                }
            }
        }
        for x in &m.domains {
            add(self, x.key());
        }
        for x in &m.sequences {
            add(self, x.key());
            if !matches!(x.ty.as_str(), "smallint" | "integer" | "bigint") {
                self.problem(format!("sequence {} has type `{}`", x.sql, x.ty));
            }
        }
        for x in &m.functions {
            add(self, x.key());
        }
        for x in &m.raw {
            add(self, x.key());
        }
        for t in &m.tables {
            add(self, t.key());
            for c in &t.columns {
                add(self, c.key(&t.sql));
            }
            for name in t.constraint_names() {
                add(
                    self,
                    Key::member(ObjectKind::Constraint, t.sql.clone(), name),
                );
            }
            for i in &t.indexes {
                add(self, i.key(&t.sql));
            }
        }
        for x in &m.views {
            add(self, x.key());
        }
        for x in &m.triggers {
            add(self, x.key());
            if !matches!(x.timing.as_str(), "before" | "after" | "instead of") {
                self.problem(format!("trigger {} has timing `{}`", x.key(), x.timing));
            }
            let events = ["insert", "update", "delete", "truncate"];
            if x.events.is_empty() || x.events.iter().any(|e| !events.contains(&e.as_str())) {
                self.problem(format!("trigger {} has events {:?}", x.key(), x.events));
            }
        }
        // What sql blocks create can be referenced like anything else.
        for r in &m.raw {
            for c in &r.creates {
                if keys.contains(c) && !matches!(c.kind, ObjectKind::Function | ObjectKind::Trigger)
                {
                    self.problem(format!(
                        "{c} is created by sql block `{}` and declared too",
                        r.name
                    ));
                }
                keys.insert(c.clone());
            }
        }
        let mut missing = Vec::new();
        let need = |missing: &mut Vec<String>, k: &Key, by: &dyn std::fmt::Display| {
            if !keys.contains(k) {
                missing.push(format!("{by} refers to {k}, which the model does not have"));
            }
        };
        let type_key = |base: &TypeBase| match base {
            TypeBase::Builtin { .. } => None,
            TypeBase::Extension { extension, .. } => Some(Key::extension(extension.clone())),
            TypeBase::Enum { sql, .. } => Some(Key::new(ObjectKind::Enum, sql.clone())),
            TypeBase::Domain { sql, .. } => Some(Key::new(ObjectKind::Domain, sql.clone())),
        };
        for d in &m.domains {
            if let Some(k) = type_key(&d.ty.base) {
                need(&mut missing, &k, &d.key());
            }
        }
        for f in &m.functions {
            for k in &f.depends_on {
                need(&mut missing, k, &f.key());
            }
        }
        for r in &m.raw {
            for k in &r.depends_on {
                need(&mut missing, k, &r.key());
            }
        }
        for v in &m.views {
            for k in v.reads.iter().chain(&v.depends_on) {
                need(&mut missing, k, &v.key());
            }
        }
        for t in &m.triggers {
            need(
                &mut missing,
                &Key::new(ObjectKind::Table, t.table.clone()),
                &t.key(),
            );
            need(&mut missing, &t.function, &t.key());
        }
        let tables: HashMap<&QName, &Table> = m.tables.iter().map(|t| (&t.sql, t)).collect();
        for t in &m.tables {
            let by = t.key();
            for c in &t.columns {
                if let Some(k) = type_key(&c.ty.base) {
                    need(&mut missing, &k, &c.key(&t.sql));
                }
            }
            for k in &t.depends_on {
                need(&mut missing, k, &by);
            }
            let columns: HashSet<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
            let named = |missing: &mut Vec<String>,
                         what: &str,
                         names: &mut dyn Iterator<Item = &String>| {
                for n in names {
                    if !columns.contains(n.as_str()) {
                        missing.push(format!(
                            "{what} of {by} names column `{n}`, which it does not have"
                        ));
                    }
                }
            };
            if let Some(pk) = &t.primary_key {
                named(
                    &mut missing,
                    &format!("primary key {}", pk.name),
                    &mut pk.columns.iter(),
                );
            }
            for u in &t.uniques {
                named(
                    &mut missing,
                    &format!("unique {}", u.name),
                    &mut u.columns.iter(),
                );
            }
            for i in &t.indexes {
                named(
                    &mut missing,
                    &format!("index {}", i.name),
                    &mut element_columns(&i.elements),
                );
                named(
                    &mut missing,
                    &format!("index {}", i.name),
                    &mut i.include.iter(),
                );
            }
            for x in &t.excludes {
                let els: Vec<IndexElement> = x.elements.iter().map(|e| e.element.clone()).collect();
                named(
                    &mut missing,
                    &format!("exclusion {}", x.name),
                    &mut element_columns(&els),
                );
            }
            for f in &t.foreign_keys {
                named(
                    &mut missing,
                    &format!("foreign key {}", f.name),
                    &mut f.columns.iter(),
                );
                match tables.get(&f.target_table) {
                    None => missing.push(format!(
                        "foreign key {} of {by} references table {}, which the model does not have",
                        f.name, f.target_table
                    )),
                    Some(target) => {
                        if f.columns.len() != f.target_columns.len() {
                            missing.push(format!(
                                "foreign key {} of {by} has {} columns for {} target columns",
                                f.name,
                                f.columns.len(),
                                f.target_columns.len()
                            ));
                        }
                        for c in &f.target_columns {
                            if target.column(c).is_none() {
                                missing.push(format!(
                                    "foreign key {} of {by} references column `{c}` of {}, which it does not have",
                                    f.name, f.target_table
                                ));
                            }
                        }
                    }
                }
            }
        }
        for problem in missing {
            self.problem(problem);
        }
        for t in &m.tables {
            self.placement(t, &tables, &mut relations);
        }
    }

    /// What builds a table's partitions, places it on Citus nodes and
    /// applies its policies: every column, table and bound they name must
    /// be there and fit, or the SQL would be wrong while the build passed.
    fn placement(
        &mut self,
        t: &Table,
        tables: &HashMap<&QName, &Table>,
        relations: &mut HashSet<QName>,
    ) {
        let by = t.key();
        let has = |c: &String| t.column(c).is_some();
        if let Some(p) = &t.partition {
            self.partition(t, p, &mut Vec::new(), relations);
            // PostgreSQL refuses a unique key that leaves out a partition
            // column of any level.
            let mut all: Vec<&String> = Vec::new();
            let mut level = Some(p);
            while let Some(p) = level {
                all.extend(&p.columns);
                level = p.partitions.iter().find_map(|c| c.sub.as_deref());
            }
            let keys = t.primary_key.iter().map(|k| (&k.name, &k.columns));
            let uniques = t.uniques.iter().map(|u| (&u.name, &u.columns));
            for (name, columns) in keys.chain(uniques) {
                if let Some(c) = all.iter().find(|c| !columns.contains(c)) {
                    self.problem(format!(
                        "key {name} of partitioned {by} leaves out the partition column `{c}`"
                    ));
                }
            }
        }
        if let Some(crate::model::Distribution::Distributed {
            column,
            colocate_with,
            ..
        }) = &t.distribution
        {
            if !has(column) {
                self.problem(format!(
                    "{by} is distributed by column `{column}`, which it does not have"
                ));
            }
            if let Some(with) = colocate_with.as_ref().filter(|w| !tables.contains_key(w)) {
                self.problem(format!(
                    "{by} is colocated with table {with}, which the model does not have"
                ));
            }
        }
        if let Some((column, _)) = &t.declared_policies.tenant {
            if !has(column) {
                self.problem(format!(
                    "the tenant of {by} is column `{column}`, which it does not have"
                ));
            }
        }
        let mut policies = HashSet::default();
        for p in &t.policies {
            if !policies.insert(p.name.as_str()) {
                self.problem(format!("{by} has the policy `{}` twice", p.name));
            }
            if !matches!(
                p.command.as_str(),
                "all" | "select" | "insert" | "update" | "delete"
            ) {
                self.problem(format!(
                    "policy {} of {by} is for command `{}`",
                    p.name, p.command
                ));
            }
        }
        if t.retain.as_ref().is_some_and(|r| r.amount == 0) {
            self.problem(format!("{by} keeps rows for no time (`@retain` of 0)"));
        }
    }

    /// One level of partitioning (and, through its children, the levels
    /// below): its columns exist and are new, its bounds fit its strategy,
    /// its partitions' names are free. `above` is the columns of the levels
    /// above, which this one adds to.
    fn partition<'m>(
        &mut self,
        t: &'m Table,
        p: &'m crate::model::Partition,
        above: &mut Vec<&'m String>,
        relations: &mut HashSet<QName>,
    ) {
        use crate::model::{PartitionBound, PartitionStrategy};
        let by = t.key();
        if p.columns.is_empty() {
            self.problem(format!("{by} is partitioned by no column"));
        }
        for c in &p.columns {
            if t.column(c).is_none() {
                self.problem(format!(
                    "{by} is partitioned by column `{c}`, which it does not have"
                ));
            } else if above.contains(&c) {
                self.problem(format!("{by} is partitioned by column `{c}` at two levels"));
            }
        }
        above.extend(&p.columns);
        if p.window.is_some() && (p.strategy != PartitionStrategy::Range || p.columns.len() != 1) {
            self.problem(format!(
                "{by} has time partitions but is not partitioned by range of one column"
            ));
        }
        let mut defaults = 0;
        for child in &p.partitions {
            if !relations.insert(child.sql.clone()) {
                self.problem(format!("two objects are named `{}`", child.sql));
            }
            let fits = match &child.bound {
                PartitionBound::Default => {
                    defaults += 1;
                    p.strategy != PartitionStrategy::Hash
                }
                PartitionBound::List { values } => {
                    p.strategy == PartitionStrategy::List && !values.is_empty()
                }
                PartitionBound::Hash { modulus, remainder } => {
                    p.strategy == PartitionStrategy::Hash && remainder < modulus
                }
                // Fixed bounds of one column, beside no window.
                PartitionBound::Range { .. } => {
                    p.strategy == PartitionStrategy::Range
                        && p.window.is_none()
                        && p.columns.len() == 1
                }
            };
            if !fits {
                self.problem(format!(
                    "partition {} of {by} has a bound that {} partitioning cannot have",
                    child.sql,
                    p.strategy.sql().to_ascii_lowercase()
                ));
            }
            if let Some(sub) = &child.sub {
                self.partition(t, sub, &mut above.clone(), relations);
            }
        }
        if defaults > 1 {
            self.problem(format!("{by} has {defaults} default partitions"));
        }
    }
}

fn element_columns(els: &[IndexElement]) -> impl Iterator<Item = &String> {
    els.iter().filter_map(|e| match &e.target {
        ElementTarget::Column { name } => Some(name),
        ElementTarget::Expr { .. } => None,
    })
}
