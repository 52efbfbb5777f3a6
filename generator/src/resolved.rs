//! The resolved layer: what resolution learned about the text, kept beside
//! the model. Every model object's key is tied to the syntax that declared
//! it, and every name in the text that refers to something to what it
//! resolves to, so lint rules can see the exact text behind the model and
//! an editor can answer go-to-definition and find-references.
//!
//! The resolver fills it as it resolves (`resolve::resolve`); nothing here
//! is recomputed from the model. Both lists are sorted, so the same input
//! gives the same layer.

use crate::key::{Key, ObjectKind};
use crate::model::{Model, QName};
use dsl::Span;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::fmt;
use std::sync::OnceLock;

/// What a name can stand for: a model object, or a mixin or a module,
/// which exist in the text only (a mixin's members are copied into
/// entities; a module is a file).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Symbol {
    Object(Key),
    /// A mixin, by its declared name (declared names are unique).
    Mixin(String),
    /// A module, by its dotted name.
    Module(String),
}

impl From<Key> for Symbol {
    fn from(key: Key) -> Self {
        Symbol::Object(key)
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Symbol::Object(key) => key.fmt(f),
            Symbol::Mixin(name) => write!(f, "mixin {name}"),
            Symbol::Module(name) => write!(f, "module {name}"),
        }
    }
}

/// Where a symbol is declared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Definition {
    pub symbol: Symbol,
    /// The whole declaration: an item, a member or an attribute (a module:
    /// the start of its file).
    pub span: Span,
    /// Its name; the whole declaration when the name is generated (a
    /// clause without a name, `@unique`, the index of a foreign key).
    pub name_span: Span,
    /// For an object a mixin brings into an entity: the entity's `with`
    /// that brought it. `span` and `name_span` are then the mixin's member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<Span>,
}

/// A name in the text and what it resolves to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reference {
    pub span: Span,
    pub target: Symbol,
}

/// What is under a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit<'r> {
    Reference(&'r Reference),
    /// The name of a declaration (or, for a generated name, the
    /// declaration).
    Definition(&'r Definition),
}

impl<'r> Hit<'r> {
    /// The span under the position.
    pub fn span(&self) -> Span {
        match self {
            Hit::Reference(r) => r.span,
            Hit::Definition(d) => d.name_span,
        }
    }

    /// The symbol a reference resolves to, or that a definition declares.
    pub fn symbol(&self) -> &'r Symbol {
        match self {
            Hit::Reference(r) => &r.target,
            Hit::Definition(d) => &d.symbol,
        }
    }
}

/// Every definition and reference of a compilation.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Resolved {
    /// Sorted by position, then symbol.
    definitions: Vec<Definition>,
    /// Sorted by position, then target.
    references: Vec<Reference>,
    /// Built by the first lookup: a compilation that never asks (`schemac
    /// build`) does not pay for it.
    #[serde(skip)]
    index: OnceLock<Index>,
}

/// Lookups into a [`Resolved`].
#[derive(Clone, Debug, Default)]
struct Index {
    /// The first definition of each symbol.
    definitions: FxHashMap<Symbol, u32>,
    /// The references to each symbol, in position order.
    references: FxHashMap<Symbol, Vec<u32>>,
    /// Names under positions, sorted by position: references, then the
    /// name spans of definitions.
    positions: Vec<(Span, Entry)>,
    /// The longest span in `positions`: how far back a position lookup
    /// has to look.
    widest: u32,
}

#[derive(Clone, Copy, Debug)]
enum Entry {
    Reference(u32),
    Definition(u32),
}

/// A span as a sort key: file, start, end.
type Position = (u32, u32, u32);

fn position(span: &Span) -> Position {
    (span.file, span.start, span.end)
}

impl Resolved {
    /// Follows the lower pass: an object a policy added is defined by the
    /// policy's attribute (its origin); an object a policy replaced under
    /// another key (a unique constraint that became a partial unique
    /// index) keeps its origin, and its definition moves to the new key.
    pub(crate) fn follow_lowering(&mut self, model: &Model) {
        if self.definitions.is_empty() {
            // The layer is off (or the model empty): nothing to follow.
            return;
        }
        let objects = lowered_objects(model);
        let present: rustc_hash::FxHashSet<&Key> = objects.iter().map(|(k, _)| k).collect();
        let mut defined: rustc_hash::FxHashSet<Key> = rustc_hash::FxHashSet::default();
        let mut stale: FxHashMap<Position, usize> = FxHashMap::default();
        for (i, d) in self.definitions.iter().enumerate() {
            if let Symbol::Object(k) = &d.symbol {
                if present.contains(k) {
                    defined.insert(k.clone());
                } else {
                    stale.insert(position(&d.span), i);
                }
            }
        }
        let mut changed = false;
        for (key, origin) in objects {
            if defined.contains(&key) {
                continue;
            }
            match stale.remove(&position(&origin.span)) {
                Some(i) => self.definitions[i].symbol = Symbol::Object(key),
                None if matches!(origin.why, crate::model::Why::Policy { .. }) => {
                    self.definitions.push(Definition {
                        symbol: Symbol::Object(key),
                        span: origin.span,
                        name_span: origin.span,
                        via: None,
                    })
                }
                None => continue,
            }
            changed = true;
        }
        if changed {
            self.definitions.sort_by(|a, b| {
                (position(&a.span), &a.symbol).cmp(&(position(&b.span), &b.symbol))
            });
            self.index = OnceLock::new();
        }
    }

    pub fn definitions(&self) -> &[Definition] {
        &self.definitions
    }

    pub fn references(&self) -> &[Reference] {
        &self.references
    }

    /// Where `symbol` is declared (the first declaration, if a faulty
    /// project declared it twice).
    pub fn definition(&self, symbol: &Symbol) -> Option<&Definition> {
        let i = *self.index().definitions.get(symbol)?;
        self.definitions.get(i as usize)
    }

    /// Every reference to `symbol`, in position order.
    pub fn references_to<'r>(&'r self, symbol: &Symbol) -> impl Iterator<Item = &'r Reference> {
        let found = self.index().references.get(symbol);
        found
            .into_iter()
            .flatten()
            .map(|&i| &self.references[i as usize])
    }

    /// The innermost names under byte `offset` of `file`: every reference
    /// and definition name with the smallest span that contains it
    /// (several when one text stands for several objects, such as a mixin's
    /// column in each entity with the mixin). Empty when no name is there.
    pub fn at(&self, file: u32, offset: u32) -> Vec<Hit<'_>> {
        let index = self.index();
        let end = index
            .positions
            .partition_point(|(s, _)| (s.file, s.start) <= (file, offset));
        let mut best: Option<u32> = None;
        let mut hits = Vec::new();
        for (span, entry) in index.positions[..end].iter().rev() {
            if span.file != file || span.start.saturating_add(index.widest) < offset {
                break;
            }
            if offset >= span.end {
                continue;
            }
            let len = span.end - span.start;
            if best.is_some_and(|b| len > b) {
                continue;
            }
            if best.is_some_and(|b| len < b) {
                hits.clear();
            }
            best = Some(len);
            hits.push((span, *entry));
        }
        // In position order, references before definitions.
        hits.sort_by_key(|(s, e)| (position(s), matches!(e, Entry::Definition(_))));
        hits.into_iter()
            .map(|(_, e)| match e {
                Entry::Reference(i) => Hit::Reference(&self.references[i as usize]),
                Entry::Definition(i) => Hit::Definition(&self.definitions[i as usize]),
            })
            .collect()
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let mut index = Index::default();
            for (i, d) in self.definitions.iter().enumerate() {
                index
                    .definitions
                    .entry(d.symbol.clone())
                    .or_insert(i as u32);
            }
            for (i, r) in self.references.iter().enumerate() {
                index
                    .references
                    .entry(r.target.clone())
                    .or_default()
                    .push(i as u32);
            }
            let refs = self.references.iter().map(|r| r.span);
            let names = self.definitions.iter().map(|d| d.name_span);
            let mut positions: Vec<(Span, Entry)> = refs
                .enumerate()
                .map(|(i, s)| (s, Entry::Reference(i as u32)))
                .chain(
                    names
                        .enumerate()
                        .map(|(i, s)| (s, Entry::Definition(i as u32))),
                )
                .filter(|(s, _)| s.end > s.start)
                .collect();
            // Stable: references stay before definitions at one position.
            positions.sort_by_key(|(s, _)| position(s));
            index.widest = positions
                .iter()
                .map(|(s, _)| s.end - s.start)
                .max()
                .unwrap_or(0);
            index.positions = positions;
            index
        })
    }
}

/// The objects lowering may add or replace, with their origins: table
/// members, views, functions and triggers.
fn lowered_objects(model: &Model) -> Vec<(Key, &crate::model::Origin)> {
    let mut out = Vec::new();
    for t in &model.tables {
        let q = &t.sql;
        out.extend(t.columns.iter().map(|c| (c.key(q), &c.origin)));
        out.extend(t.primary_key.iter().map(|x| (x.key(q), &x.origin)));
        out.extend(t.uniques.iter().map(|x| (x.key(q), &x.origin)));
        out.extend(t.checks.iter().map(|x| (x.key(q), &x.origin)));
        out.extend(t.foreign_keys.iter().map(|x| (x.key(q), &x.origin)));
        out.extend(t.excludes.iter().map(|x| (x.key(q), &x.origin)));
        out.extend(t.indexes.iter().map(|x| (x.key(q), &x.origin)));
        out.push((t.key(), &t.origin));
    }
    out.extend(model.views.iter().map(|x| (x.key(), &x.origin)));
    out.extend(model.functions.iter().map(|x| (x.key(), &x.origin)));
    out.extend(model.triggers.iter().map(|x| (x.key(), &x.origin)));
    for d in &model.domains {
        out.push((d.key(), &d.origin));
        out.extend(d.checks.iter().map(|c| (c.key(&d.sql), &c.origin)));
    }
    out.extend(model.enums.iter().map(|x| (x.key(), &x.origin)));
    out.extend(model.extensions.iter().map(|x| (x.key(), &x.origin)));
    for r in &model.raw {
        out.push((r.key(), &r.origin));
        out.extend(r.creates.iter().map(|k| (k.clone(), &r.origin)));
    }
    out
}

/// What the resolver records as it goes; [`Builder::build`] sorts and
/// indexes it.
#[derive(Default)]
pub(crate) struct Builder {
    /// Off, nothing is recorded (`Options::resolved`).
    on: bool,
    definitions: Vec<Definition>,
    references: Vec<Reference>,
}

impl Builder {
    pub fn new(on: bool) -> Self {
        Builder {
            on,
            ..Builder::default()
        }
    }

    pub fn define(
        &mut self,
        symbol: impl Into<Symbol>,
        span: Span,
        name_span: Span,
        via: Option<Span>,
    ) {
        if !self.on {
            return;
        }
        self.definitions.push(Definition {
            symbol: symbol.into(),
            span,
            name_span,
            via,
        });
    }

    pub fn refer(&mut self, span: Span, target: impl Into<Symbol>) {
        if !self.on {
            return;
        }
        self.references.push(Reference {
            span,
            target: target.into(),
        });
    }

    /// A column of a table, referred to by name.
    pub fn refer_column(&mut self, span: Span, table: &QName, column: &str) {
        self.refer(span, Key::member(ObjectKind::Column, table.clone(), column));
    }

    /// Generated names are made unique once the model is complete: each
    /// definition recorded under a pattern `old` at `span` takes its final
    /// key `new`. One pass, however many names changed.
    pub fn rename(&mut self, renames: Vec<(Key, Span, Key)>) {
        if renames.is_empty() {
            return;
        }
        let mut by_old: FxHashMap<(Symbol, Position), Vec<Key>> = FxHashMap::default();
        for (old, span, new) in renames.into_iter().rev() {
            by_old
                .entry((Symbol::Object(old), position(&span)))
                .or_default()
                .push(new);
        }
        for d in &mut self.definitions {
            let slot = by_old.get_mut(&(d.symbol.clone(), position(&d.span)));
            if let Some(new) = slot.and_then(Vec::pop) {
                d.symbol = Symbol::Object(new);
            }
        }
    }

    pub fn build(mut self) -> Resolved {
        // Positions are integers: sorting by them first is cheap, and
        // symbols are compared only where one text declares several objects
        // (a mixin's member in each entity).
        self.definitions
            .sort_by(|a, b| (position(&a.span), &a.symbol).cmp(&(position(&b.span), &b.symbol)));
        self.definitions.dedup();
        self.references
            .sort_by(|a, b| (position(&a.span), &a.target).cmp(&(position(&b.span), &b.target)));
        // A mixin's member read in several entities is recorded once per
        // entity; the same name resolving to the same object is one
        // reference.
        self.references.dedup();
        Resolved {
            definitions: self.definitions,
            references: self.references,
            index: OnceLock::new(),
        }
    }
}

/// The key of a table's constraint (or, with `index`, of its index; as
/// `Index::key`, indexes are named in the table's schema).
pub(crate) fn member_key(table: &QName, index: bool, name: &str) -> Key {
    if index {
        Key::new(ObjectKind::Index, QName::new(table.schema.clone(), name))
    } else {
        Key::member(ObjectKind::Constraint, table.clone(), name)
    }
}

/// Every table constraint and index whose name was generated, in a fixed
/// order, so names before and after `names::assign` can be paired: its
/// table, whether it is an index, its name and its declaration span.
pub(crate) fn generated_names(model: &Model) -> impl Iterator<Item = (&QName, bool, &str, Span)> {
    model.tables.iter().flat_map(|t| {
        let constraints = t
            .primary_key
            .iter()
            .map(|x| (&x.name, &x.origin))
            .chain(t.uniques.iter().map(|x| (&x.name, &x.origin)))
            .chain(t.checks.iter().map(|x| (&x.name, &x.origin)))
            .chain(t.foreign_keys.iter().map(|x| (&x.name, &x.origin)))
            .chain(t.excludes.iter().map(|x| (&x.name, &x.origin)))
            .map(|(n, o)| (false, n, o));
        let indexes = t.indexes.iter().map(|x| (true, &x.name, &x.origin));
        constraints
            .chain(indexes)
            .filter(|(_, _, o)| o.is_generated())
            .map(move |(index, n, o)| (&t.sql, index, n.as_str(), o.span))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str) -> Key {
        Key::member(ObjectKind::Column, QName::new("public", "t"), name)
    }

    #[test]
    fn lookups_by_symbol_and_position() {
        let mut b = Builder::new(true);
        // `entity T {` ... `a int` ... `index (a)`
        b.define(
            column("a"),
            Span::new(0, 10, 15),
            Span::new(0, 10, 11),
            None,
        );
        b.define(
            Key::new(ObjectKind::Index, QName::new("public", "idx_t_a")),
            Span::new(0, 20, 29),
            Span::new(0, 20, 29),
            None,
        );
        b.refer(Span::new(0, 27, 28), column("a"));
        b.refer(Span::new(0, 27, 28), column("a"));
        let r = b.build();
        assert_eq!(r.references().len(), 1, "duplicates are one reference");
        let a = Symbol::from(column("a"));
        assert_eq!(r.definition(&a).map(|d| d.name_span.start), Some(10));
        assert_eq!(r.references_to(&a).count(), 1);
        // The column name inside the index clause is the innermost name.
        let hits = r.at(0, 27);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].symbol(), &a);
        assert!(matches!(hits[0], Hit::Reference(_)));
        // Elsewhere in the clause: the index.
        let hits = r.at(0, 22);
        assert!(matches!(hits[..], [Hit::Definition(d)] if d.span.start == 20));
        assert!(r.at(0, 16).is_empty());
        assert!(r.at(1, 27).is_empty());
        assert!(r.at(0, u32::MAX).is_empty());
        assert!(r.definition(&Symbol::Mixin("M".into())).is_none());
    }
}
