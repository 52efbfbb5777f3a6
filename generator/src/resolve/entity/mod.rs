//! Entities become tables: mixins are merged, columns typed, relations
//! turned into foreign keys, clauses into constraints and indexes. This
//! file drives the phases and makes each table's shell; each concern has
//! its room beside it.

pub(crate) mod bounds;
mod columns;
mod constraints;
mod indexes;
mod mixins;
mod placement;
pub(crate) use placement::parse_period;
mod relations;
mod search;

use super::expr::Names;
use super::{attrs, DeclKind, Resolver};
use crate::builtin_types::{self, Family};
use crate::key::{Key, ObjectKind};
use crate::model::{
    Action, Check, Column, ElementTarget, Exclude, ExcludeElement, Expr, ForeignKey, Identity,
    Index, IndexElement, IndexMethod, Origin, PrimaryKey, QName, SqlType, Table, TypeBase, Unique,
    Why,
};
use crate::names;
use crate::quote;
use crate::sqlparse;
use dsl::ast::{self, ColumnType, Item, Member, MemberKind};
use dsl::Code;
use dsl::{Diagnostic, Span};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// Moves a list into an allocation of its length. (`shrink_to_fit` may
/// leave a block in place when the allocator finds it close enough.)
fn exact<T>(v: &mut Vec<T>) {
    if v.capacity() > v.len() {
        let mut fit = Vec::with_capacity(v.len());
        fit.append(v);
        *v = fit;
    }
}

/// A member with the module whose scope it is read in (a mixin's members
/// resolve where the mixin was written).
#[derive(Clone, Copy)]
struct Placed<'a> {
    member: &'a Member,
    module: usize,
    /// The mixin it comes from (the innermost, for nested mixins).
    mixin: Option<&'a str>,
    /// The entity's `with` that brought it (the outermost).
    via: Option<Span>,
}

impl Placed<'_> {
    fn why(&self) -> Why {
        match self.mixin {
            Some(m) => Why::Mixin {
                mixin: m.to_string(),
            },
            None => Why::Declared,
        }
    }
}

/// One entity on its way to a table.
struct Work<'a> {
    decl: usize,
    module: usize,
    entity: &'a ast::Entity,
    /// Header attributes of the entity and of its mixins.
    attrs: Vec<&'a ast::Attribute>,
    members: Vec<Placed<'a>>,
    /// `ast::Column` behind each model column, with its module.
    columns: Vec<(&'a ast::Column, usize)>,
    /// Why each model column exists (declared or from which mixin).
    column_why: Vec<Why>,
    /// The `with` that brought each model column, for a mixin's.
    column_via: Vec<Option<Span>>,
}

impl<'a> Resolver<'a> {
    pub(super) fn entities(&mut self) {
        let mut work: Vec<Work<'a>> = Vec::new();
        for decl in 0..self.decls.len() {
            let d = &self.decls[decl];
            if let (DeclKind::Entity, Item::Entity(e)) = (d.kind, d.item) {
                let module = d.module;
                let mut attrs = Vec::new();
                let members = self.flatten(e, module, &mut vec![decl], &mut attrs);
                work.push(Work {
                    decl,
                    module,
                    attrs,
                    entity: e,
                    members,
                    columns: Vec::new(),
                    column_why: Vec::new(),
                    column_via: Vec::new(),
                });
            }
        }
        // One allocation for every table: growing by doubling would zero
        // and copy the tables' memory several times over.
        self.model.tables.reserve_exact(work.len());
        for w in &work {
            self.shell(w);
        }
        self.claim_clause_names(&work);
        for w in &mut work {
            self.columns(w);
        }
        // Keys are known before relations and clauses, so either can
        // reference a table declared later.
        for w in &work {
            if let Some(pk) = self.declared_pk(w) {
                self.declared_pks.insert(self.table_index(w), pk);
            }
        }
        self.relations(&work);
        for w in &work {
            self.clauses(w);
        }
        self.check_references();
        for w in &work {
            self.foreign_key_indexes(w);
        }
        for w in &work {
            self.placement(w);
        }
        self.placement_rules();
        // The tables are complete: their lists, grown by pushing, are
        // reallocated at their length (a large model's lists of one or
        // two constraints would keep three quarters of their memory
        // unused), after the work lists are gone so their memory is reused.
        drop(work);
        for t in &mut self.model.tables {
            exact(&mut t.uniques);
            exact(&mut t.checks);
            exact(&mut t.foreign_keys);
            exact(&mut t.excludes);
            exact(&mut t.indexes);
            exact(&mut t.depends_on);
            for i in &mut t.indexes {
                exact(&mut i.elements);
            }
            for f in &mut t.foreign_keys {
                exact(&mut f.columns);
                exact(&mut f.target_columns);
            }
            for u in &mut t.uniques {
                exact(&mut u.columns);
            }
            if let Some(pk) = &mut t.primary_key {
                exact(&mut pk.columns);
            }
        }
    }

    fn entity_attrs<'w>(w: &'w Work<'a>) -> impl Iterator<Item = &'a ast::Attribute> + 'w {
        w.attrs
            .iter()
            .copied()
            .chain(w.members.iter().flat_map(|p| match &p.member.kind {
                MemberKind::Attributes(a) => a.iter(),
                _ => [].iter(),
            }))
    }

    /// The table without columns: its names, so relations can find it.
    fn shell(&mut self, w: &Work<'a>) {
        let e = w.entity;
        let mut table_name = names::table_name(&e.name.name);
        let mut named_table = false;
        let mut depends = Vec::new();
        let mut policies = crate::model::DeclaredPolicies::default();
        let mut grants = Vec::new();
        let mut rls = None;
        if self.options.policy_defaults.timestamps {
            policies.timestamps = Some(Origin::declared(e.name.span));
        }
        if self.options.policy_defaults.audit {
            policies.audit = Some(Origin::declared(e.name.span));
        }
        let attrs: Vec<&ast::Attribute> = Self::entity_attrs(w).collect();
        for a in &attrs {
            if !attrs::check_known(a, attrs::ENTITY, "entity", &mut self.diags) {
                continue;
            }
            match a.name.name.as_str() {
                "table" => {
                    if let Some(n) = attrs::require_name(a, &mut self.diags) {
                        table_name = n;
                        named_table = true;
                    }
                }
                "depends" => depends.push(*a),
                "schema" => {
                    attrs::require_name(a, &mut self.diags);
                }
                "timestamps" => {
                    attrs::no_args(a, &mut self.diags);
                    policies.timestamps = Some(Origin::declared(a.span));
                }
                "soft_delete" => {
                    attrs::no_args(a, &mut self.diags);
                    policies.soft_delete = Some(Origin::declared(a.span));
                }
                "versioned" => {
                    attrs::no_args(a, &mut self.diags);
                    policies.versioned = Some(Origin::declared(a.span));
                }
                "tenant" => {
                    if let Some(column) = attrs::require_name(a, &mut self.diags) {
                        policies.tenant = Some((column, Origin::declared(a.span)));
                    }
                }
                "audit" => {
                    attrs::no_args(a, &mut self.diags);
                    policies.audit = Some(Origin::declared(a.span));
                }
                "notify" => {
                    attrs::no_args(a, &mut self.diags);
                    policies.notify = Some(Origin::declared(a.span));
                }
                "subject" => {
                    attrs::no_args(a, &mut self.diags);
                    policies.subject = Some(Origin::declared(a.span));
                }
                "grant" => grants.extend(super::grants::grants(a, None, &mut self.diags)),
                "rls" => rls = Some(*a),
                _ => {}
            }
        }
        let rls = rls.map_or_else(Vec::new, |a| {
            super::grants::rls(a, &table_name, &mut self.diags)
        });
        let header_attrs: Vec<ast::Attribute> = attrs.iter().map(|a| (*a).clone()).collect();
        let schema = self.schema_of(w.module, &header_attrs);
        let sql = QName::new(schema, table_name);
        self.qname_taken(&sql, e.name.span, "table");
        if let Some(old) = &e.renamed_from {
            // The old name is an entity's, named as this one is; with
            // `@table`, or in quotes, it is the old table's name itself.
            let from = if named_table || old.quoted {
                old.name.clone()
            } else {
                names::table_name(&old.name)
            };
            self.model.renames.push(crate::model::Rename {
                what: crate::model::Renamed::Table { table: sql.clone() },
                from,
                origin: Origin::declared(old.span),
            });
        }
        let index = self.model.tables.len();
        self.decls[w.decl].model_index = Some(index);
        self.model.tables.push(Table {
            name: e.name.name.clone(),
            sql,
            doc: e.doc.clone(),
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            checks: Vec::new(),
            foreign_keys: Vec::new(),
            excludes: Vec::new(),
            indexes: Vec::new(),
            depends_on: Vec::new(),
            partition: None,
            retain: None,
            distribution: None,
            policies: rls,
            grants,
            declared_policies: Box::new(policies),
            origin: Origin::declared(e.name.span),
        });
        let key = self.model.tables[index].key();
        self.resolved.define(key, e.span, e.name.span, None);
        // `@depends` is resolved once all declarations have model indexes.
        self.pending_depends
            .push((crate::resolve::Owner::Table(index), w.module, depends));
    }

    pub(super) fn check_ident_len(&mut self, name: &str, span: Span, what: &str) {
        if name.len() > names::MAX_IDENT {
            self.push(
                Diagnostic::error(
                    Code::NameTooLong,
                    format!("this {what} is {} bytes; PostgreSQL keeps 63", name.len()),
                )
                .label(span, "too long")
                .help("PostgreSQL would silently cut the name; choose a shorter one"),
            );
        }
    }

    /// Records where a constraint or an index of table `ti` is declared,
    /// under its name as far as it is known: `finish` renames the
    /// definitions of generated names that `names::assign` changes.
    fn define_clause(
        &mut self,
        ti: usize,
        kind: ObjectKind,
        name: &str,
        span: Span,
        given: Option<&ast::Ident>,
        via: Option<Span>,
    ) {
        let sql = &self.model.tables[ti].sql;
        let key = crate::resolved::member_key(sql, kind == ObjectKind::Index, name);
        self.resolved
            .define(key, span, given.map_or(span, |g| g.span), via);
    }

    /// Claims every clause name the user wrote, before any is generated,
    /// so a generated name never takes one the user chose.
    fn claim_clause_names(&mut self, work: &[Work<'a>]) {
        for w in work {
            let schema = self.model.tables[self.decls[w.decl].model_index.unwrap_or(0)]
                .sql
                .schema
                .clone();
            for p in &w.members {
                let name = match &p.member.kind {
                    MemberKind::PrimaryKey { name, .. }
                    | MemberKind::Unique { name, .. }
                    | MemberKind::Index { name, .. }
                    | MemberKind::Check { name, .. }
                    | MemberKind::ForeignKey { name, .. }
                    | MemberKind::Exclude { name, .. } => name.as_ref(),
                    MemberKind::Column(ast::Column {
                        ty: ast::ColumnType::Relation(r),
                        ..
                    }) => r.constraint.as_ref(),
                    _ => None,
                };
                if let Some(n) = name {
                    self.check_ident_len(&n.name, n.span, "name");
                    if !self.names.claim(&schema, &n.name) {
                        self.push(
                            Diagnostic::error(Code::DuplicateSqlName, format!("the name `{}` is used twice in schema `{schema}`", n.name))
                                .label(n.span, "second use")
                                .help("constraint and index names share one namespace per schema in schemac"),
                        );
                    }
                }
            }
        }
    }

    fn table_index(&self, w: &Work<'a>) -> usize {
        self.decls[w.decl].model_index.unwrap_or(0)
    }
}

/// The name the user gave a clause (claimed already), or its pattern;
/// generated names are made unique once the model is complete
/// (`names::assign`).
fn clause_name(given: Option<&ast::Ident>, prefix: &str, parts: &[&str]) -> String {
    match given {
        Some(n) => n.name.clone(),
        None => names::pattern(prefix, parts),
    }
}

fn clause_origin(given: Option<&ast::Ident>, span: Span, why: Why) -> Origin {
    match given {
        Some(_) => Origin::declared(span),
        None => Origin::generated(span),
    }
    .because(why)
}
