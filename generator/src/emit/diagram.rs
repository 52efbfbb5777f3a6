//! What an entity-relationship diagram shows: a selection of tables (all,
//! one module, an entity's neighbourhood, a named list) and the foreign keys
//! between them with their cardinalities. The Mermaid, DOT and SVG emitters
//! draw the same `Diagram`.

use crate::model::{ForeignKey, Model, QName, Table, TypeBase};
use dsl::{Code, Diagnostic};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeSet, VecDeque};

/// The module each source file is: `Span::file` → module name. Tables whose
/// file is not here (a model read from `model.json`) are in no module.
pub type Modules = FxHashMap<u32, String>;

/// Which tables a diagram shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    All,
    /// The tables declared in a module, or in the modules below it
    /// (`billing` takes `billing.invoices`).
    Module(String),
    /// An entity and the tables at most `depth` foreign keys away, either way.
    Around {
        entity: String,
        depth: u32,
    },
    /// Named entities (a `[docs.views]` view).
    Entities(Vec<String>),
}

/// One foreign key, drawn as a line from the child (the referencing table)
/// to the parent.
#[derive(Clone, Copy, Debug)]
pub struct Relation<'m> {
    pub child: &'m Table,
    pub parent: &'m Table,
    pub fk: &'m ForeignKey,
    /// At most one child row per parent row: the key's columns are unique.
    pub child_unique: bool,
    /// A child row may have no parent: a key column is nullable.
    pub parent_optional: bool,
    /// The key is part of the child's primary key (a solid line in Mermaid).
    pub identifying: bool,
}

impl Relation<'_> {
    /// What the line says: the relation's name seen from the parent, or
    /// the key's columns.
    pub fn label(&self) -> String {
        match &self.fk.back_name {
            Some(name) => name.clone(),
            None => self.fk.columns.join(", "),
        }
    }
}

#[derive(Debug)]
pub struct Diagram<'m> {
    /// Sorted by SQL name.
    pub tables: Vec<&'m Table>,
    /// In child, then key name order.
    pub relations: Vec<Relation<'m>>,
}

/// Marker letters of a column: primary key, foreign key, unique key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Markers {
    pub pk: bool,
    pub fk: bool,
    pub uk: bool,
}

impl Markers {
    pub fn of(table: &Table, column: &str) -> Markers {
        let has = |cols: &[String]| cols.iter().any(|c| c == column);
        Markers {
            pk: table.primary_key.as_ref().is_some_and(|p| has(&p.columns)),
            fk: table.foreign_keys.iter().any(|f| has(&f.columns)),
            uk: table.uniques.iter().any(|u| has(&u.columns))
                || table.indexes.iter().any(|i| {
                    i.unique
                        && i.predicate.is_none()
                        && i.elements.iter().any(|e| e.column_name() == Some(column))
                }),
        }
    }

    /// `PK, FK`, as Mermaid writes keys.
    pub fn list(self) -> Vec<&'static str> {
        [(self.pk, "PK"), (self.fk, "FK"), (self.uk, "UK")]
            .into_iter()
            .filter_map(|(on, s)| on.then_some(s))
            .collect()
    }
}

/// Whether the key's columns hold at most one row each: some primary or
/// unique key's columns are all among them.
fn unique_columns(table: &Table, columns: &[String]) -> bool {
    let within = |cols: &[String]| !cols.is_empty() && cols.iter().all(|c| columns.contains(c));
    table
        .primary_key
        .as_ref()
        .is_some_and(|p| within(&p.columns))
        || table.uniques.iter().any(|u| within(&u.columns))
        || table.indexes.iter().any(|i| {
            i.unique
                && i.predicate.is_none()
                && i.elements.iter().all(|e| e.column_name().is_some())
                && within(
                    &i.elements
                        .iter()
                        .filter_map(|e| e.column_name().map(str::to_string))
                        .collect::<Vec<_>>(),
                )
        })
}

/// The table an entity name means: its declared name (`Order`), its SQL
/// name (`orders`) or its qualified SQL name (`sales.orders`).
pub fn find<'m>(model: &'m Model, name: &str) -> Option<&'m Table> {
    model
        .tables
        .iter()
        .filter(|t| t.name == name || t.sql.name == name || t.sql.to_string() == name)
        .min_by(|a, b| a.sql.cmp(&b.sql))
}

/// A `[docs.views]` view as a selection, or a diagnostic at each name
/// the model lacks.
pub fn view(model: &Model, view: &crate::config::View) -> Result<Selection, Vec<Diagnostic>> {
    let diags: Vec<Diagnostic> = view
        .entities
        .iter()
        .filter(|(name, _)| find(model, name).is_none())
        .map(|(name, at)| {
            let help =
                match crate::resolve::suggest(name, model.tables.iter().map(|t| t.name.as_str())) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "name an entity by its declared or SQL name".to_string(),
                };
            Diagnostic::error(
                Code::UnknownViewEntity,
                format!(
                    "view `{}` names `{name}`, which is not an entity",
                    view.name
                ),
            )
            .label(*at, "no entity of this name")
            .help(help)
        })
        .collect();
    if diags.is_empty() {
        Ok(Selection::Entities(
            view.entities.iter().map(|(n, _)| n.clone()).collect(),
        ))
    } else {
        Err(diags)
    }
}

/// Whether `module` is `wanted` or below it.
pub fn in_module(module: &str, wanted: &str) -> bool {
    module == wanted
        || module
            .strip_prefix(wanted)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// The tables by name and who references whom, built once for drawing
/// many diagrams of one model (the docs draw one per entity).
pub struct Index<'m> {
    model: &'m Model,
    by_name: FxHashMap<&'m QName, &'m Table>,
    /// Tables one foreign key away, either way.
    next: FxHashMap<&'m QName, Vec<&'m QName>>,
}

impl<'m> Index<'m> {
    pub fn new(model: &'m Model) -> Self {
        let mut next: FxHashMap<&QName, Vec<&QName>> = FxHashMap::default();
        for t in &model.tables {
            for fk in &t.foreign_keys {
                next.entry(&t.sql).or_default().push(&fk.target_table);
                next.entry(&fk.target_table).or_default().push(&t.sql);
            }
        }
        Index {
            model,
            by_name: model.tables.iter().map(|t| (&t.sql, t)).collect(),
            next,
        }
    }
}

/// The diagram of a selection. Entities a selection names but the model
/// does not have are left out: callers check names with [`find`] first.
pub fn select<'m>(model: &'m Model, modules: &Modules, selection: &Selection) -> Diagram<'m> {
    select_in(&Index::new(model), modules, selection)
}

/// [`select`] with a prepared index.
pub fn select_in<'m>(index: &Index<'m>, modules: &Modules, selection: &Selection) -> Diagram<'m> {
    let (model, by_name) = (index.model, &index.by_name);
    let chosen: BTreeSet<&QName> = match selection {
        Selection::All => by_name.keys().copied().collect(),
        Selection::Module(wanted) => model
            .tables
            .iter()
            .filter(|t| {
                modules
                    .get(&t.origin.span.file)
                    .is_some_and(|m| in_module(m, wanted))
            })
            .map(|t| &t.sql)
            .collect(),
        Selection::Entities(names) => names
            .iter()
            .filter_map(|n| find(model, n))
            .map(|t| &t.sql)
            .collect(),
        Selection::Around { entity, depth } => match find(model, entity) {
            None => BTreeSet::new(),
            Some(start) => neighbourhood(index, &start.sql, *depth),
        },
    };
    diagram(index, chosen)
}

/// A table and those at most `depth` foreign keys away.
pub fn around<'m>(index: &Index<'m>, table: &'m Table, depth: u32) -> Diagram<'m> {
    diagram(index, neighbourhood(index, &table.sql, depth))
}

fn diagram<'m>(index: &Index<'m>, chosen: BTreeSet<&'m QName>) -> Diagram<'m> {
    let by_name = &index.by_name;
    let tables: Vec<&Table> = chosen.iter().map(|q| by_name[q]).collect();
    let mut relations = Vec::new();
    for &child in &tables {
        let mut fks: Vec<&ForeignKey> = child.foreign_keys.iter().collect();
        fks.sort_by(|a, b| a.name.cmp(&b.name));
        for fk in fks {
            if !chosen.contains(&fk.target_table) {
                continue;
            }
            let Some(&parent) = by_name.get(&fk.target_table) else {
                continue;
            };
            relations.push(Relation {
                child,
                parent,
                fk,
                child_unique: unique_columns(child, &fk.columns),
                parent_optional: fk
                    .columns
                    .iter()
                    .any(|c| child.column(c).is_some_and(|c| c.nullable)),
                identifying: child
                    .primary_key
                    .as_ref()
                    .is_some_and(|p| fk.columns.iter().all(|c| p.columns.contains(c))),
            });
        }
    }
    Diagram { tables, relations }
}

/// The tables at most `depth` foreign keys from `start`, following keys
/// both ways.
fn neighbourhood<'m>(index: &Index<'m>, start: &'m QName, depth: u32) -> BTreeSet<&'m QName> {
    let next = &index.next;
    let mut seen: FxHashSet<&QName> = FxHashSet::default();
    seen.insert(start);
    let mut queue = VecDeque::from([(start, 0)]);
    while let Some((at, d)) = queue.pop_front() {
        if d == depth {
            continue;
        }
        for &n in next.get(at).into_iter().flatten() {
            if seen.insert(n) {
                queue.push_back((n, d + 1));
            }
        }
    }
    seen.into_iter().collect()
}

/// A column type as diagrams show it: declared types (enums, domains) by
/// their declared name, built-in ones as PostgreSQL spells them.
pub fn type_label(ty: &crate::model::SqlType) -> String {
    match &ty.base {
        TypeBase::Enum { name, .. } | TypeBase::Domain { name, .. } => {
            let mut n = name.clone();
            for _ in 0..ty.array_dims {
                n.push_str("[]");
            }
            n
        }
        _ => ty.to_string(),
    }
}

/// Text in XML (SVG, DOT's HTML labels): markup characters escaped.
pub fn xml(s: &str) -> String {
    // One pass: the docs site escapes every name and type on every page.
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_include_their_submodules_only() {
        assert!(in_module("billing", "billing"));
        assert!(in_module("billing.invoices", "billing"));
        assert!(!in_module("billings", "billing"));
        assert!(!in_module("sales", "billing"));
    }
}
