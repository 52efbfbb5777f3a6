//! Entities become tables: mixins are merged, columns typed, relations
//! turned into foreign keys, clauses into constraints and indexes.

use super::expr::{type_text, Names};
use super::{attrs, DeclKind, Resolver};
use crate::model::{
    Action, Check, Column, ElementTarget, Exclude, ExcludeElement, Expr, ForeignKey, Identity,
    Index, IndexElement, IndexMethod, Origin, PrimaryKey, QName, SqlType, Table, TypeBase, Unique,
    Why,
};
use crate::names;
use crate::sql;
use crate::sqlcheck;
use crate::types::{self, Family};
use dsl::ast::{self, ColumnType, Item, Member, MemberKind};
use dsl::Code;
use dsl::{Diagnostic, Span};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// A relation column waiting for its type: (table, column, relation,
/// module, target table, target columns, has a default).
type PendingRelation<'a> = (
    usize,
    usize,
    &'a ast::Relation,
    usize,
    usize,
    Vec<String>,
    bool,
);

/// A `primary key (...)` clause: its name, columns, span and doc.
type PkClause<'m> = (
    Option<&'m ast::Ident>,
    &'m Vec<ast::Ident>,
    Span,
    &'m Option<String>,
    Why,
);

/// A member with the module whose scope it is read in (a mixin's members
/// resolve where the mixin was written).
#[derive(Clone, Copy)]
struct Placed<'a> {
    member: &'a Member,
    module: usize,
    /// The mixin it comes from (the innermost, for nested mixins).
    mixin: Option<&'a str>,
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
                });
            }
        }
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
    }

    /// An entity's members followed by those of its mixins, with `override`
    /// replacing a mixin's column and any other clash reported.
    fn flatten(
        &mut self,
        e: &'a ast::Entity,
        module: usize,
        stack: &mut Vec<usize>,
        attrs: &mut Vec<&'a ast::Attribute>,
    ) -> Vec<Placed<'a>> {
        attrs.extend(e.attrs.iter());
        let own: Vec<Placed<'a>> = e
            .members
            .iter()
            .map(|member| Placed {
                member,
                module,
                mixin: None,
            })
            .collect();
        let mut inherited: Vec<Placed<'a>> = Vec::new();
        for path in &e.with {
            let Some(mi) = self.lookup(module, path, &[DeclKind::Mixin], "mixin") else {
                continue;
            };
            if stack.contains(&mi) {
                self.push(
                    Diagnostic::error(
                        Code::CyclicMixin,
                        format!("mixin `{}` includes itself", path.dotted()),
                    )
                    .label(path.span, "cycle through here"),
                );
                continue;
            }
            let (Item::Mixin(m), m_module) = (self.decls[mi].item, self.decls[mi].module) else {
                continue;
            };
            stack.push(mi);
            let members = self.flatten(m, m_module, stack, attrs);
            stack.pop();
            for mut p in members {
                p.mixin.get_or_insert(m.name.name.as_str());
                if let Some((name, span)) = column_name(p.member) {
                    if let Some(prev) = inherited
                        .iter()
                        .find(|q| column_name(q.member).is_some_and(|(n, _)| n == name))
                    {
                        let prev_span = column_name(prev.member).map_or(span, |(_, s)| s);
                        self.push(
                            Diagnostic::error(
                                Code::MixinClash,
                                format!("two mixins define column `{name}`"),
                            )
                            .label(span, "here")
                            .label(prev_span, "and here"),
                        );
                        continue;
                    }
                }
                inherited.push(p);
            }
        }
        let mut out = Vec::new();
        let mut overridden = HashSet::default();
        for p in &own {
            let MemberKind::Column(c) = &p.member.kind else {
                continue;
            };
            let clash = inherited
                .iter()
                .find(|q| column_name(q.member).is_some_and(|(n, _)| n == c.name.name));
            match (clash, c.is_override) {
                (Some(_), true) => {
                    overridden.insert(c.name.name.as_str());
                }
                (Some(q), false) => {
                    let span = column_name(q.member).map_or(c.name.span, |(_, s)| s);
                    self.push(
                        Diagnostic::error(
                            Code::MixinClash,
                            format!("column `{}` is also defined by a mixin", c.name.name),
                        )
                        .label(c.name.span, "defined here")
                        .label(span, "and in the mixin")
                        .help(format!(
                            "write `override {} ...` to replace the mixin's column",
                            c.name.name
                        )),
                    );
                }
                (None, true) => {
                    self.push(
                        Diagnostic::error(
                            Code::NothingToOverride,
                            format!("no mixin defines `{}`", c.name.name),
                        )
                        .label(c.name.span, "`override` replaces a mixin's column")
                        .help("remove `override`"),
                    );
                }
                (None, false) => {}
            }
        }
        out.extend(own);
        out.extend(
            inherited
                .into_iter()
                .filter(|q| !column_name(q.member).is_some_and(|(n, _)| overridden.contains(n))),
        );
        out
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
        let mut depends = Vec::new();
        let attrs: Vec<&ast::Attribute> = Self::entity_attrs(w).collect();
        for a in &attrs {
            if !attrs::check_known(a, attrs::ENTITY, "entity", &mut self.diags) {
                continue;
            }
            match a.name.name.as_str() {
                "table" => {
                    if let Some(n) = attrs::require_name(a, &mut self.diags) {
                        table_name = n;
                    }
                }
                "depends" => depends.push(*a),
                "schema" => {
                    attrs::require_name(a, &mut self.diags);
                }
                _ => {}
            }
        }
        let header_attrs: Vec<ast::Attribute> = attrs.iter().map(|a| (*a).clone()).collect();
        let schema = self.schema_of(w.module, &header_attrs);
        let sql = QName::new(schema, table_name);
        self.qname_taken(&sql, e.name.span, "table");
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
            policies: Vec::new(),
            grants: Vec::new(),
            origin: Origin::declared(e.name.span),
        });
        // `@depends` is resolved once all declarations have model indexes.
        self.pending_depends
            .push((super::Owner::Table(index), w.module, depends));
    }

    fn check_ident_len(&mut self, name: &str, span: Span, what: &str) {
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

    /// Columns with their types; relation columns get their type later.
    fn columns(&mut self, w: &mut Work<'a>) {
        let ti = self.table_index(w);
        let members = w.members.clone();
        // Exactly as many as declared: growing by doubling leaves a third
        // of a large model's column lists unused.
        let declared = members
            .iter()
            .filter(|p| matches!(p.member.kind, MemberKind::Column(_)))
            .count();
        self.model.tables[ti].columns.reserve_exact(declared);
        for p in members {
            let MemberKind::Column(c) = &p.member.kind else {
                continue;
            };
            let mut name = c.name.name.clone();
            for a in &c.attrs {
                if a.name.name == "column" {
                    if let Some(n) = attrs::require_name(a, &mut self.diags) {
                        name = n;
                    }
                }
            }
            self.check_ident_len(&name, c.name.span, "column name");
            if let Some(prev) = self.model.tables[ti]
                .columns
                .iter()
                .find(|x| x.name == name)
            {
                let prev_span = prev.origin.span;
                self.push(
                    Diagnostic::error(
                        Code::DuplicateColumn,
                        format!("column `{name}` is declared twice"),
                    )
                    .label(c.name.span, "second declaration")
                    .label(prev_span, "first declaration"),
                );
                continue;
            }
            let (ty, nullable) = match &c.ty {
                ColumnType::Type(t) => (self.resolve_type(p.module, t), t.nullable),
                // Placeholder until `relations` copies the target's type.
                ColumnType::Relation(r) => (None, r.nullable),
            };
            let mut ty = ty.unwrap_or_else(|| SqlType::builtin("text"));
            // serial is a shorthand for an integer filled from a sequence:
            // lowered to the identity column that says the same thing
            // (`by default`, as serial lets an insert give the value).
            let mut identity = None;
            if let TypeBase::Builtin { name: n } = &ty.base {
                if let Some(storage) = types::serial_storage(n) {
                    if ty.array_dims > 0 {
                        self.push(
                            Diagnostic::error(Code::BadType, "arrays of serial do not exist")
                                .label(c.name.span, "use integer[]"),
                        );
                    } else {
                        identity = Some(Identity::ByDefault);
                    }
                    ty = SqlType {
                        array_dims: ty.array_dims,
                        ..SqlType::builtin(storage)
                    };
                }
            }
            self.model.tables[ti].columns.push(Column {
                name,
                field: c.name.name.clone(),
                ty,
                nullable,
                default: None,
                generated: None,
                identity,
                doc: p.member.doc.clone(),
                origin: Origin::declared(c.name.span).because(p.why()),
            });
            w.columns.push((c, p.module));
            w.column_why.push(p.why());
        }
    }

    /// Gives relation columns their target's key type, and makes their
    /// foreign keys. Keys can chain (a key that is itself a relation), so
    /// this repeats until nothing changes.
    fn relations(&mut self, work: &[Work<'a>]) {
        // (table, column, relation, module, target table, target columns)
        let mut pending: Vec<PendingRelation<'a>> = Vec::new();
        for w in work {
            let ti = self.table_index(w);
            for (ci, (c, module)) in w.columns.iter().enumerate() {
                let ColumnType::Relation(r) = &c.ty else {
                    continue;
                };
                let Some(target_decl) =
                    self.lookup(*module, &r.target, &[DeclKind::Entity], "entity")
                else {
                    continue;
                };
                let Some(tt) = self.decls[target_decl].model_index else {
                    continue;
                };
                let target_columns: Vec<String> = if r.target_columns.is_empty() {
                    match self.declared_pks.get(&tt).cloned() {
                        Some(pk) if pk.len() == 1 => pk,
                        Some(pk) if !pk.is_empty() => {
                            self.push(
                                Diagnostic::error(Code::CompositeTarget, format!("`{}` has a composite primary key", r.target.dotted()))
                                    .label(r.target.span, format!("its key is ({})", pk.join(", ")))
                                    .help("reference it with a `foreign key (a, b) -> Target(x, y) on delete ...` clause"),
                            );
                            continue;
                        }
                        _ => {
                            self.push(
                                Diagnostic::error(
                                    Code::NoPrimaryKey,
                                    format!(
                                        "`{}` has no primary key to reference",
                                        r.target.dotted()
                                    ),
                                )
                                .label(
                                    r.target.span,
                                    "name the referenced column: `-> Target(column)`",
                                ),
                            );
                            continue;
                        }
                    }
                } else if r.target_columns.len() == 1 {
                    vec![r.target_columns[0].name.clone()]
                } else {
                    self.push(
                        Diagnostic::error(Code::CompositeRelation, "a relation column references one column")
                            .label(r.span, "several target columns")
                            .help("use a `foreign key (a, b) -> Target(x, y)` clause for a composite reference"),
                    );
                    continue;
                };
                pending.push((ti, ci, r, *module, tt, target_columns, c.default.is_some()));
            }
        }
        let mut resolved = vec![false; pending.len()];
        let by_column: HashMap<(usize, &str), usize> = pending
            .iter()
            .enumerate()
            .map(|(k, (ti, ci, ..))| ((*ti, self.model.tables[*ti].columns[*ci].name.as_str()), k))
            .collect();
        let by_column: HashMap<(usize, String), usize> = by_column
            .into_iter()
            .map(|((t, c), k)| ((t, c.to_string()), k))
            .collect();
        loop {
            let mut progress = false;
            for (k, (ti, ci, r, _, tt, tcols, _)) in pending.iter().enumerate() {
                if resolved[k] {
                    continue;
                }
                // The target column's type is known unless it is itself a
                // relation column still pending.
                let waiting = by_column
                    .get(&(*tt, tcols[0].clone()))
                    .is_some_and(|&j| !resolved[j] && j != k);
                if waiting {
                    continue;
                }
                resolved[k] = true;
                progress = true;
                let Some(target_col) = self.model.tables[*tt].column(&tcols[0]) else {
                    let span = r.target_columns.first().map_or(r.target.span, |i| i.span);
                    let target = self.model.tables[*tt].name.clone();
                    self.push(
                        Diagnostic::error(
                            Code::UnknownColumn,
                            format!("`{target}` has no column `{}`", tcols[0]),
                        )
                        .label(span, "not a column of the target"),
                    );
                    continue;
                };
                let ty = target_col.ty.clone();
                self.model.tables[*ti].columns[*ci].ty = ty;
            }
            if !progress {
                break;
            }
        }
        for (k, (ti, ci, r, ..)) in pending.iter().enumerate() {
            if !resolved[k] {
                self.push(
                    Diagnostic::error(Code::CyclicKey, "this relation's type depends on itself")
                        .label(r.span, "the referenced key is a relation back to here")
                        .help(format!(
                            "give `{}` an explicit key type",
                            self.model.tables[*ti].columns[*ci].name
                        )),
                );
            }
        }
        for (ti, ci, r, _module, tt, tcols, has_default) in pending {
            let mut column = self.model.tables[ti].columns[ci].clone();
            // Defaults are checked later; `set default` only needs to know
            // that one was written.
            if has_default {
                column.default = Some(Expr::verbatim(String::new(), column.origin.span));
            }
            let Some((on_delete, on_update, deferrable, initially_deferred)) =
                self.actions(&r.actions, r.deferrable.as_ref(), r.span, &[&column])
            else {
                continue;
            };
            let table = &self.model.tables[ti];
            let name = match &r.constraint {
                Some(given) => given.name.clone(),
                None => names::pattern("fk", &[&table.sql.name, &column.name]),
            };
            let target = &self.model.tables[tt];
            let fk = ForeignKey {
                name,
                columns: vec![column.name.clone()],
                target: target.name.clone(),
                target_table: target.sql.clone(),
                target_columns: tcols,
                on_delete,
                on_update,
                deferrable,
                initially_deferred,
                back_name: r.back_name.as_ref().map(|b| b.name.clone()),
                doc: None,
                origin: clause_origin(r.constraint.as_ref(), r.span, column.origin.why.clone()),
            };
            self.model.tables[ti].foreign_keys.push(fk);
        }
    }

    /// Checks referential actions: `on delete` is required, `set null`
    /// needs nullable columns, `set default` needs defaults.
    fn actions(
        &mut self,
        actions: &[ast::RefAction],
        deferrable: Option<&ast::Deferrable>,
        span: Span,
        columns: &[&Column],
    ) -> Option<(Action, Action, bool, bool)> {
        let mut on_delete = None;
        let mut on_update = None;
        for a in actions {
            let slot = match a.event {
                ast::RefEvent::Delete => &mut on_delete,
                ast::RefEvent::Update => &mut on_update,
            };
            if slot.is_some() {
                self.push(
                    Diagnostic::error(Code::DuplicateAction, "this action is given twice")
                        .label(a.span, "second one"),
                );
            }
            *slot = Some((map_action(a.action), a.span));
        }
        let Some((on_delete, del_span)) = on_delete else {
            self.push(
                Diagnostic::error(Code::MissingOnDelete, "say what happens when the referenced row is deleted")
                    .label(span, "no `on delete`")
                    .help("add `on delete cascade`, `on delete restrict`, `on delete set null` (nullable columns) or `on delete no action`"),
            );
            return None;
        };
        for (action, aspan) in [(on_delete, del_span)].into_iter().chain(on_update) {
            if action == Action::SetNull {
                if let Some(c) = columns.iter().find(|c| !c.nullable) {
                    self.push(
                        Diagnostic::error(
                            Code::SetNullNotNullable,
                            format!("`set null` on column `{}`, which is not nullable", c.name),
                        )
                        .label(aspan, "would fail at run time")
                        .help("make the column nullable with `?`, or choose another action"),
                    );
                }
            }
            if action == Action::SetDefault {
                if let Some(c) = columns.iter().find(|c| c.default.is_none()) {
                    self.push(
                        Diagnostic::error(
                            Code::SetDefaultWithoutDefault,
                            format!("`set default` on column `{}`, which has no default", c.name),
                        )
                        .label(aspan, "no default to set"),
                    );
                }
            }
        }
        let (d, i) = deferrable.map_or((false, false), |d| (d.deferrable, d.initially_deferred));
        if !d && i {
            if let Some(def) = deferrable {
                self.push(
                    Diagnostic::error(
                        Code::BadDeferrable,
                        "`not deferrable` cannot be `initially deferred`",
                    )
                    .label(def.span, "contradiction"),
                );
            }
        }
        Some((
            on_delete,
            on_update.map_or(Action::NoAction, |(a, _)| a),
            d,
            i,
        ))
    }

    /// Primary key column names as declared (`@pk` or `primary key (...)`).
    fn declared_pk(&self, w: &Work<'a>) -> Option<Vec<String>> {
        for p in &w.members {
            if let MemberKind::PrimaryKey { columns, .. } = &p.member.kind {
                return Some(columns.iter().map(|c| c.name.clone()).collect());
            }
        }
        let ti = self.decls[w.decl].model_index?;
        let table = &self.model.tables[ti];
        let pk: Vec<String> = w
            .columns
            .iter()
            .zip(&table.columns)
            .filter(|((c, _), _)| c.attrs.iter().any(|a| a.name.name == "pk"))
            .map(|(_, col)| col.name.clone())
            .collect();
        (!pk.is_empty()).then_some(pk)
    }

    fn clauses(&mut self, w: &Work<'a>) {
        let ti = self.table_index(w);
        let column_names: Vec<String> = self.model.tables[ti]
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect();
        let tname = self.model.tables[ti].sql.name.clone();
        let mut pk_columns: Vec<(String, Span)> = Vec::new();

        for (ci, (c, module)) in w.columns.iter().enumerate() {
            let col_name = column_names.get(ci).cloned().unwrap_or_default();
            let ty = self.model.tables[ti].columns[ci].ty.clone();
            let nullable = self.model.tables[ti].columns[ci].nullable;
            let is_relation = matches!(c.ty, ColumnType::Relation(_));
            // A serial column is an identity column already.
            let mut identity = self.model.tables[ti].columns[ci].identity;
            let why = w.column_why.get(ci).cloned().unwrap_or_default();
            let mut generated = None;
            for a in &c.attrs {
                if !attrs::check_known(a, attrs::COLUMN, "column", &mut self.diags) {
                    continue;
                }
                match a.name.name.as_str() {
                    "pk" => {
                        attrs::no_args(a, &mut self.diags);
                        pk_columns.push((col_name.clone(), a.span));
                    }
                    "unique" => {
                        attrs::no_args(a, &mut self.diags);
                        let name = names::pattern("uq", &[&tname, &col_name]);
                        self.model.tables[ti].uniques.push(Unique {
                            name,
                            columns: vec![col_name.clone()],
                            nulls_not_distinct: false,
                            deferrable: false,
                            initially_deferred: false,
                            doc: None,
                            origin: Origin::generated(a.span).because(why.clone()),
                        });
                    }
                    "index" => {
                        let method = match attrs::positional(a).next() {
                            Some(s) => attrs::name_of(s)
                                .map_or(IndexMethod::Btree, |m| self.method(&m, a.span)),
                            None => IndexMethod::Btree,
                        };
                        let name = names::pattern("idx", &[&tname, &col_name]);
                        self.model.tables[ti].indexes.push(Index {
                            name,
                            method,
                            unique: false,
                            nulls_not_distinct: false,
                            elements: vec![IndexElement::column(col_name.clone())],
                            include: Vec::new(),
                            predicate: None,
                            doc: None,
                            origin: Origin::generated(a.span).because(why.clone()),
                        });
                    }
                    "check" => {
                        if let Some(s) = attrs::require_sql(a, &mut self.diags) {
                            if let Some((expr, _)) =
                                self.expr(s, Names::Columns(&column_names), "check")
                            {
                                let name = names::pattern("chk", &[&tname, &col_name]);
                                self.model.tables[ti].checks.push(Check {
                                    name,
                                    expr,
                                    doc: None,
                                    origin: Origin::generated(a.span).because(why.clone()),
                                });
                            }
                        }
                    }
                    "identity" => {
                        let kind = attrs::positional(a).next().and_then(attrs::name_of);
                        identity = match kind.as_deref() {
                            None | Some("always") => Some(Identity::Always),
                            Some("by_default") => Some(Identity::ByDefault),
                            Some(other) => {
                                self.push(
                                    Diagnostic::error(
                                        Code::BadArgument,
                                        format!("unknown identity kind `{other}`"),
                                    )
                                    .label(a.span, "expected `always` or `by_default`"),
                                );
                                None
                            }
                        };
                        let integer =
                            matches!(ty.builtin_name(), Some("smallint" | "integer" | "bigint"));
                        if !integer {
                            self.push(
                                Diagnostic::error(Code::BadIdentity, format!("identity columns are smallint, integer or bigint, not `{}`", type_text(&ty)))
                                    .label(a.span, "here"),
                            );
                        }
                    }
                    "generated" => {
                        if let Some(s) = attrs::require_sql(a, &mut self.diags) {
                            generated = self
                                .expr(s, Names::Columns(&column_names), "generated column")
                                .map(|(e, _)| e);
                        }
                    }
                    "search" => generated = self.search_column(a, ti, ci, &column_names, &tname),
                    "no_index" => {
                        attrs::no_args(a, &mut self.diags);
                        if !is_relation {
                            self.push(
                                Diagnostic::error(
                                    Code::BadAttribute,
                                    "`@no_index` is for relation columns",
                                )
                                .label(a.span, "no foreign key here"),
                            );
                        }
                    }
                    _ => {}
                }
            }
            let default = c.default.as_ref().and_then(|s| {
                let (e, parsed) = self.expr(s, Names::Nothing, "default")?;
                self.check_default(s, &parsed, &ty, nullable);
                Some(e)
            });
            let span = c.name.span;
            if default.is_some() && (identity.is_some() || generated.is_some()) {
                self.push(
                    Diagnostic::error(
                        Code::DefaultConflict,
                        "an identity or generated column cannot have a default",
                    )
                    .label(span, "remove the `= ...`"),
                );
            }
            if identity.is_some() && generated.is_some() {
                self.push(
                    Diagnostic::error(
                        Code::DefaultConflict,
                        "a column cannot be both identity and generated",
                    )
                    .label(span, "choose one"),
                );
            }
            let _ = module;
            if identity.is_some() && self.model.tables[ti].columns[ci].identity.is_some() {
                if let ColumnType::Type(t) = &c.ty {
                    if c.attrs.iter().any(|a| a.name.name == "identity") {
                        self.push(
                            Diagnostic::error(
                                Code::BadIdentity,
                                format!("`{}` is already an identity column", t.name),
                            )
                            .label(span, "remove `@identity`, or use an integer type with it")
                            .help("serial types are identity columns: `bigint @identity(by_default)` says the same"),
                        );
                    }
                }
            }
            let col = &mut self.model.tables[ti].columns[ci];
            col.default = default;
            col.identity = identity;
            col.generated = generated;
        }

        let mut pk_clause: Option<PkClause<'_>> = None;
        for p in &w.members {
            let span = p.member.span;
            let why = p.why();
            match &p.member.kind {
                MemberKind::PrimaryKey { name, columns } => {
                    if pk_clause.is_some() {
                        self.push(
                            Diagnostic::error(
                                Code::DuplicatePrimaryKey,
                                "a table has one primary key",
                            )
                            .label(span, "second primary key"),
                        );
                    }
                    pk_clause = Some((name.as_ref(), columns, span, &p.member.doc, why));
                }
                MemberKind::Unique {
                    name,
                    elements,
                    nulls_not_distinct,
                    deferrable,
                    predicate,
                } => {
                    let els = self.elements(elements, &column_names);
                    let predicate = self.predicate(predicate.as_ref(), &column_names);
                    let origin = clause_origin(name.as_ref(), span, why);
                    let name = clause_name(name.as_ref(), "uq", &name_parts(&tname, &els));
                    let constraint =
                        predicate.is_none() && els.iter().all(IndexElement::is_plain_column);
                    if let (Some(d), false) = (deferrable, constraint) {
                        self.push(
                            Diagnostic::error(
                                Code::BadDeferrable,
                                "only a unique constraint over plain columns can be deferrable",
                            )
                            .label(d.span, "PostgreSQL cannot defer a unique index")
                            .help(
                                "drop `deferrable`, or make the key plain columns without `where`",
                            ),
                        );
                    }
                    let table = &mut self.model.tables[ti];
                    if constraint {
                        table.uniques.push(Unique {
                            name,
                            columns: els
                                .iter()
                                .filter_map(|e| e.column_name().map(str::to_string))
                                .collect(),
                            nulls_not_distinct: *nulls_not_distinct,
                            deferrable: deferrable.as_ref().is_some_and(|d| d.deferrable),
                            initially_deferred: deferrable
                                .as_ref()
                                .is_some_and(|d| d.deferrable && d.initially_deferred),
                            doc: p.member.doc.clone(),
                            origin,
                        });
                    } else {
                        // Only an index can be unique over expressions, with
                        // options or for some rows: one spelling, a unique
                        // index (created before the table's other indexes).
                        let at = table.indexes.iter().take_while(|i| i.unique).count();
                        table.indexes.insert(
                            at,
                            Index {
                                name,
                                method: IndexMethod::Btree,
                                unique: true,
                                nulls_not_distinct: *nulls_not_distinct,
                                elements: els,
                                include: Vec::new(),
                                predicate,
                                doc: p.member.doc.clone(),
                                origin,
                            },
                        );
                    }
                }
                MemberKind::Index {
                    name,
                    using,
                    elements,
                    include,
                    predicate,
                } => {
                    let els = self.elements(elements, &column_names);
                    let include = self.column_refs(include, &column_names);
                    let predicate = self.predicate(predicate.as_ref(), &column_names);
                    let origin = clause_origin(name.as_ref(), span, why);
                    let name = clause_name(name.as_ref(), "idx", &name_parts(&tname, &els));
                    let method = using
                        .as_ref()
                        .map_or(IndexMethod::Btree, |u| self.method(&u.name, u.span));
                    self.note_extensions(&els, span);
                    self.model.tables[ti].indexes.push(Index {
                        name,
                        method,
                        unique: false,
                        nulls_not_distinct: false,
                        elements: els,
                        include,
                        predicate,
                        doc: p.member.doc.clone(),
                        origin,
                    });
                }
                MemberKind::Check { name, expr } => {
                    if let Some((e, parsed)) =
                        self.expr(expr, Names::Columns(&column_names), "check")
                    {
                        let mut cols: Vec<String> = Vec::new();
                        for r in parsed.names {
                            if !cols.contains(&r.name) && column_names.contains(&r.name) {
                                cols.push(r.name);
                            }
                        }
                        let parts: Vec<&str> = std::iter::once(tname.as_str())
                            .chain(cols.iter().map(String::as_str))
                            .collect();
                        let origin = clause_origin(name.as_ref(), span, why);
                        let name = clause_name(name.as_ref(), "chk", &parts);
                        self.model.tables[ti].checks.push(Check {
                            name,
                            expr: e,
                            doc: p.member.doc.clone(),
                            origin,
                        });
                    }
                }
                MemberKind::ForeignKey {
                    name,
                    columns,
                    target,
                    target_columns,
                    actions,
                    deferrable,
                } => {
                    self.fk_clause(
                        ti,
                        p.module,
                        name.as_ref(),
                        columns,
                        target,
                        target_columns,
                        actions,
                        deferrable.as_ref(),
                        (span, p.member.doc.as_ref(), why),
                        &column_names,
                    );
                }
                MemberKind::Exclude {
                    name,
                    using,
                    elements,
                    predicate,
                } => {
                    let method = using
                        .as_ref()
                        .map_or(IndexMethod::Gist, |u| self.method(&u.name, u.span));
                    let elements = self.exclude_elements(elements, &column_names, span);
                    let predicate = self.predicate(predicate.as_ref(), &column_names);
                    let origin = clause_origin(name.as_ref(), span, why);
                    let name = clause_name(name.as_ref(), "excl", &[&tname]);
                    if method == IndexMethod::Gist && elements.iter().any(|e| e.operator == "=") {
                        // Equality on scalar columns in a GiST index needs btree_gist.
                        self.need_extension("btree_gist", span);
                    }
                    self.model.tables[ti].excludes.push(Exclude {
                        name,
                        method,
                        elements,
                        predicate,
                        doc: p.member.doc.clone(),
                        origin,
                    });
                }
                MemberKind::Attributes(_) | MemberKind::Column(_) => {}
            }
        }

        let pk = match (pk_clause, pk_columns.is_empty()) {
            (Some((_, _, span, _, _)), false) => {
                self.push(
                    Diagnostic::error(
                        Code::DuplicatePrimaryKey,
                        "both `@pk` and `primary key (...)` are given",
                    )
                    .label(span, "primary key clause")
                    .label(pk_columns[0].1, "`@pk`")
                    .help("keep one: `@pk` for a single column, the clause for a composite key"),
                );
                None
            }
            (Some((name, cols, span, doc, why)), true) => {
                let columns = self.column_refs(cols, &column_names);
                let origin = clause_origin(name, span, why);
                let name = clause_name(name, "pk", &[&tname]);
                Some(PrimaryKey {
                    name,
                    columns,
                    doc: doc.clone(),
                    origin,
                })
            }
            (None, false) => {
                if pk_columns.len() > 1 {
                    self.push(
                        Diagnostic::error(Code::SeveralPk, "`@pk` on several columns")
                            .label(pk_columns[1].1, "second `@pk`")
                            .help(format!(
                                "for a composite key write `primary key ({})`",
                                pk_columns
                                    .iter()
                                    .map(|(c, _)| c.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                    );
                }
                let (column, span) = pk_columns[0].clone();
                let why = column_names
                    .iter()
                    .position(|c| *c == column)
                    .and_then(|i| w.column_why.get(i).cloned())
                    .unwrap_or_default();
                Some(PrimaryKey {
                    name: names::pattern("pk", &[&tname]),
                    columns: vec![column],
                    doc: None,
                    origin: Origin::generated(span).because(why),
                })
            }
            (None, true) => None,
        };
        if let Some(pk) = &pk {
            for c in &pk.columns {
                if let Some(col) = self.model.tables[ti].columns.iter().find(|x| &x.name == c) {
                    if col.nullable {
                        let span = col.origin.span;
                        self.push(
                            Diagnostic::error(
                                Code::NullableKey,
                                format!("primary key column `{c}` is nullable"),
                            )
                            .label(span, "remove `?`: key columns are never null"),
                        );
                    }
                }
            }
        }
        self.model.tables[ti].primary_key = pk;
    }

    /// A `where` predicate over the table's columns.
    fn predicate(
        &mut self,
        sql: Option<&ast::Sql>,
        columns: &[String],
    ) -> Option<crate::model::Expr> {
        let sql = sql?;
        self.expr(sql, Names::Columns(columns), "where clause")
            .map(|(e, _)| e)
    }

    /// An index method by name; an unknown one is reported (and btree
    /// stands in for it).
    fn method(&mut self, method: &str, span: Span) -> IndexMethod {
        IndexMethod::parse(method).unwrap_or_else(|| {
            self.push(
                Diagnostic::error(
                    Code::UnknownIndexMethod,
                    format!("unknown index method `{}`", method.to_ascii_lowercase()),
                )
                .label(span, "not a PostgreSQL index method")
                .help("methods: btree, hash, gin, gist, spgist, brin"),
            );
            IndexMethod::Btree
        })
    }

    /// `column with operator` elements of an exclusion constraint.
    fn exclude_elements(
        &mut self,
        elements: &[ast::Sql],
        columns: &[String],
        span: Span,
    ) -> Vec<ExcludeElement> {
        let mut out = Vec::new();
        for e in elements {
            let lower = e.text.to_ascii_lowercase();
            let Some(at) = lower.rfind(" with ") else {
                self.push(
                    Diagnostic::error(
                        Code::BadExclude,
                        "an exclusion element is `column with operator`",
                    )
                    .label(e.span, "no `with`")
                    .help("for example `exclude using gist (room_id with =, during with &&)`"),
                );
                continue;
            };
            let operator = e.text[at + 6..].trim().to_string();
            let operator_ok =
                !operator.is_empty() && operator.chars().all(|c| "=<>&|!~@#%^*+-/?".contains(c));
            if !operator_ok {
                self.push(
                    Diagnostic::error(Code::BadExclude, format!("`{operator}` is not an operator"))
                        .label(e.span, "expected an operator such as `=` or `&&`"),
                );
                continue;
            }
            let core = ast::Sql {
                text: e.text[..at].trim_end().to_string(),
                span: Span::new(
                    e.span.file,
                    e.span.start as usize,
                    e.span.start as usize + at,
                ),
            };
            if let Some(element) = self.elements(std::slice::from_ref(&core), columns).pop() {
                out.push(ExcludeElement { element, operator });
            }
        }
        if out.is_empty() && elements.is_empty() {
            self.push(
                Diagnostic::error(Code::BadExclude, "an exclusion constraint needs elements")
                    .label(span, "empty"),
            );
        }
        out
    }

    fn note_extensions(&mut self, elements: &[IndexElement], span: Span) {
        let trigram = elements
            .iter()
            .any(|e| e.opclass.as_deref().is_some_and(|o| o.contains("trgm_ops")));
        if trigram {
            self.need_extension("pg_trgm", span);
        }
    }

    /// Resolves column names of a clause; reports unknown ones.
    fn column_refs(&mut self, idents: &[ast::Ident], columns: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for i in idents {
            if columns.contains(&i.name) {
                out.push(i.name.clone());
            } else {
                let mut d =
                    Diagnostic::error(Code::UnknownColumn, format!("unknown column `{}`", i.name))
                        .label(i.span, "not a column of this entity");
                if let Some(s) = super::suggest(&i.name, columns.iter().map(String::as_str)) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                self.push(d);
            }
        }
        out
    }

    /// Index or unique elements: a column, or an expression, each with
    /// trailing options (`desc`, `nulls last`, an operator class).
    fn elements(&mut self, elements: &[ast::Sql], columns: &[String]) -> Vec<IndexElement> {
        let mut out = Vec::new();
        for e in elements {
            let (core, options) = split_options(&e.text);
            let core = core.trim_end();
            let core_sql = ast::Sql {
                text: core.to_string(),
                span: Span::new(
                    e.span.file,
                    e.span.start as usize,
                    e.span.start as usize + core.len(),
                ),
            };
            if let Some(name) = plain_name(core) {
                let ident = ast::Ident {
                    name: name.clone(),
                    quoted: core.starts_with('"'),
                    span: core_sql.span,
                };
                if self
                    .column_refs(std::slice::from_ref(&ident), columns)
                    .is_empty()
                {
                    continue;
                }
                out.push(options.apply(IndexElement::column(name)));
            } else if let Some((expr, _)) =
                self.expr(&core_sql, Names::Columns(columns), "index expression")
            {
                out.push(options.apply(IndexElement::expr(expr)));
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn fk_clause(
        &mut self,
        ti: usize,
        module: usize,
        name: Option<&ast::Ident>,
        columns: &[ast::Ident],
        target: &ast::Path,
        target_columns: &[ast::Ident],
        actions: &[ast::RefAction],
        deferrable: Option<&ast::Deferrable>,
        (span, doc, why): (Span, Option<&String>, Why),
        column_names: &[String],
    ) {
        let cols = self.column_refs(columns, column_names);
        if cols.len() != columns.len() {
            return;
        }
        let Some(td) = self.lookup(module, target, &[DeclKind::Entity], "entity") else {
            return;
        };
        let Some(tt) = self.decls[td].model_index else {
            return;
        };
        let tcols: Vec<String> = if target_columns.is_empty() {
            self.declared_pks.get(&tt).cloned().unwrap_or_default()
        } else {
            target_columns.iter().map(|c| c.name.clone()).collect()
        };
        if tcols.len() != cols.len() {
            self.push(
                Diagnostic::error(
                    Code::FkArity,
                    format!(
                        "{} column(s) reference {} column(s)",
                        cols.len(),
                        tcols.len()
                    ),
                )
                .label(span, "counts differ")
                .help("name the target columns: `-> Target(x, y)`"),
            );
            return;
        }
        let col_refs: Vec<Column> = cols
            .iter()
            .filter_map(|c| self.model.tables[ti].column(c).cloned())
            .collect();
        let col_refs: Vec<&Column> = col_refs.iter().collect();
        let Some((on_delete, on_update, d, i)) = self.actions(actions, deferrable, span, &col_refs)
        else {
            return;
        };
        for (c, tc) in cols.iter().zip(&tcols) {
            let a = self.model.tables[ti].column(c).map(|c| c.ty.clone());
            let b = self.model.tables[tt].column(tc).map(|c| c.ty.clone());
            match (a, b) {
                (Some(a), Some(b)) if a != b => {
                    self.push(
                        Diagnostic::error(
                            Code::FkTypeMismatch,
                            format!("`{c}` is {} but `{tc}` is {}", type_text(&a), type_text(&b)),
                        )
                        .label(span, "types differ"),
                    );
                }
                (_, None) => {
                    let tname = self.model.tables[tt].name.clone();
                    self.push(
                        Diagnostic::error(
                            Code::UnknownColumn,
                            format!("`{tname}` has no column `{tc}`"),
                        )
                        .label(target.span, "target"),
                    );
                }
                _ => {}
            }
        }
        let table = &self.model.tables[ti];
        let tname = table.sql.name.clone();
        let parts: Vec<&str> = std::iter::once(tname.as_str())
            .chain(cols.iter().map(String::as_str))
            .collect();
        let origin = clause_origin(name, span, why);
        let name = clause_name(name, "fk", &parts);
        let target_table = &self.model.tables[tt];
        let fk = ForeignKey {
            name,
            columns: cols,
            target: target_table.name.clone(),
            target_table: target_table.sql.clone(),
            target_columns: tcols,
            on_delete,
            on_update,
            deferrable: d,
            initially_deferred: i,
            back_name: None,
            doc: doc.cloned(),
            origin,
        };
        self.model.tables[ti].foreign_keys.push(fk);
    }

    /// A foreign key must reference the target's primary key or a unique
    /// constraint over exactly those columns.
    fn check_references(&mut self) {
        let by_name: HashMap<&QName, usize> = self
            .model
            .tables
            .iter()
            .enumerate()
            .map(|(i, t)| (&t.sql, i))
            .collect();
        let mut problems = Vec::new();
        for t in &self.model.tables {
            for fk in &t.foreign_keys {
                let Some(target) = by_name
                    .get(&fk.target_table)
                    .map(|&i| &self.model.tables[i])
                else {
                    continue;
                };
                let want: HashSet<&str> = fk.target_columns.iter().map(String::as_str).collect();
                let by_pk = target.primary_key.as_ref().is_some_and(|pk| {
                    pk.columns
                        .iter()
                        .map(String::as_str)
                        .collect::<HashSet<_>>()
                        == want
                });
                let by_unique =
                    target.uniques.iter().any(|u| {
                        u.columns.iter().map(String::as_str).collect::<HashSet<_>>() == want
                    }) || target.indexes.iter().any(|i| {
                        i.unique
                            && i.predicate.is_none()
                            && i.elements.iter().all(|e| e.column_name().is_some())
                            && i.elements
                                .iter()
                                .filter_map(IndexElement::column_name)
                                .collect::<HashSet<_>>()
                                == want
                    });
                if !by_pk
                    && !by_unique
                    && target
                        .columns
                        .iter()
                        .any(|c| want.contains(c.name.as_str()))
                {
                    problems.push((
                        fk.origin.span,
                        target.name.clone(),
                        fk.target_columns.join(", "),
                    ));
                }
            }
        }
        for (span, target, cols) in problems {
            self.push(
                Diagnostic::error(
                    Code::ReferenceNotUnique,
                    format!("`{target}({cols})` is neither its primary key nor unique"),
                )
                .label(span, "PostgreSQL needs a unique key to reference")
                .help(format!(
                    "add `@unique` to the column, or `unique ({cols})` to `{target}`"
                )),
            );
        }
    }

    /// Indexes every foreign key whose columns do not already lead an
    /// index, a unique key or the primary key (unless `@no_index`).
    fn foreign_key_indexes(&mut self, w: &Work<'a>) {
        let ti = self.table_index(w);
        let no_index: HashSet<String> = w
            .columns
            .iter()
            .zip(&self.model.tables[ti].columns)
            .filter(|((c, _), _)| c.attrs.iter().any(|a| a.name.name == "no_index"))
            .map(|(_, col)| col.name.clone())
            .collect();
        let table = &self.model.tables[ti];
        let mut add = Vec::new();
        for fk in &table.foreign_keys {
            if fk.columns.iter().all(|c| no_index.contains(c)) {
                continue;
            }
            let leads = |els: Vec<Option<&str>>| -> bool {
                els.len() >= fk.columns.len()
                    && els
                        .iter()
                        .zip(&fk.columns)
                        .all(|(e, c)| *e == Some(c.as_str()))
            };
            let covered = table
                .primary_key
                .as_ref()
                .is_some_and(|pk| leads(pk.columns.iter().map(|c| Some(c.as_str())).collect()))
                || table
                    .uniques
                    .iter()
                    .any(|u| leads(u.columns.iter().map(|c| Some(c.as_str())).collect()))
                || table.indexes.iter().any(|i| {
                    i.predicate.is_none()
                        && i.method == IndexMethod::Btree
                        && leads(i.elements.iter().map(IndexElement::column_name).collect())
                });
            if !covered {
                add.push((fk.columns.clone(), fk.origin.span));
            }
        }
        let tname = table.sql.name.clone();
        for (cols, span) in add {
            let parts: Vec<&str> = std::iter::once(tname.as_str())
                .chain(cols.iter().map(String::as_str))
                .collect();
            let name = names::pattern("idx", &parts);
            self.model.tables[ti].indexes.push(Index {
                name,
                method: IndexMethod::Btree,
                unique: false,
                nulls_not_distinct: false,
                elements: cols.into_iter().map(IndexElement::column).collect(),
                include: Vec::new(),
                predicate: None,
                doc: None,
                origin: Origin::generated(span).because(Why::ForeignKeyIndex),
            });
        }
    }

    /// `@search(title: A, body: B, language: english)` on a tsvector column:
    /// a stored generated column over the weighted sources, and its GIN index.
    fn search_column(
        &mut self,
        a: &ast::Attribute,
        ti: usize,
        ci: usize,
        columns: &[String],
        tname: &str,
    ) -> Option<Expr> {
        let col = self.model.tables[ti].columns[ci].clone();
        if col.ty.builtin_name() != Some("tsvector") {
            self.push(
                Diagnostic::error(Code::BadSearch, "`@search` makes a tsvector column")
                    .label(a.span, format!("this column is `{}`", type_text(&col.ty)))
                    .help(format!(
                        "declare it as `{} tsvector @search(...)`",
                        col.field
                    )),
            );
            return None;
        }
        // A configuration name, or a `regconfig` column of the row (for
        // content whose language varies by row).
        let mut language = sql::literal("english") + "::regconfig";
        let mut sources: Vec<(String, Option<String>)> = Vec::new();
        for arg in &a.args {
            let ast::ArgValue::Sql(value) = &arg.value else {
                self.push(
                    Diagnostic::error(Code::BadArgument, "`@search` takes columns and weights")
                        .label(arg.span, "unexpected list"),
                );
                continue;
            };
            let key = arg.name.as_ref().map(|n| n.name.clone());
            let (source, weight) = match key {
                Some(k) if k == "language" => {
                    match attrs::name_of(value) {
                        Some(l) if columns.contains(&l) => {
                            let ty = self.model.tables[ti].column(&l).map(|c| c.ty.clone());
                            if ty.as_ref().and_then(|t| t.builtin_name()) == Some("regconfig") {
                                language = sql::ident(&l).to_string();
                            } else {
                                self.push(
                                    Diagnostic::error(
                                        Code::BadSearch,
                                        format!("`{l}` is not a regconfig column"),
                                    )
                                    .label(value.span, "the language column must be `regconfig`")
                                    .help(format!("declare it `{l} regconfig`, or name a configuration such as english")),
                                );
                            }
                        }
                        Some(l) => language = sql::literal(&l) + "::regconfig",
                        None => self.push(
                            Diagnostic::error(
                                Code::BadArgument,
                                "a language is a text search configuration name",
                            )
                            .label(value.span, "like english or simple"),
                        ),
                    }
                    continue;
                }
                Some(k) => (k, Some(value.text.trim().to_ascii_uppercase())),
                None => (attrs::name_of(value).unwrap_or_default(), None),
            };
            if !columns.contains(&source) {
                self.push(
                    Diagnostic::error(
                        Code::UnknownColumn,
                        format!("unknown column `{source}` in `@search`"),
                    )
                    .label(arg.span, "not a column of this entity"),
                );
                continue;
            }
            let src = self.model.tables[ti].column(&source).map(|c| c.ty.clone());
            let texty = src
                .as_ref()
                .and_then(|t| t.builtin_name())
                .and_then(types::builtin)
                .is_some_and(|b| b.family == Family::Text);
            if !texty {
                self.push(
                    Diagnostic::error(Code::BadSearch, format!("`{source}` is not a text column"))
                        .label(arg.span, "search sources are text, varchar or char"),
                );
                continue;
            }
            if let Some(w) = &weight {
                if !["A", "B", "C", "D"].contains(&w.as_str()) {
                    self.push(
                        Diagnostic::error(
                            Code::BadSearch,
                            format!("weight `{w}` is not A, B, C or D"),
                        )
                        .label(arg.span, "bad weight"),
                    );
                    continue;
                }
            }
            sources.push((source, weight));
        }
        // The language applies to every source, wherever it is written.
        let parts: Vec<String> = sources
            .iter()
            .map(|(source, weight)| {
                let vector = format!(
                    "to_tsvector({language}, coalesce({}, ''))",
                    sql::ident(source)
                );
                match weight {
                    Some(w) => format!("setweight({vector}, {})", sql::literal(w)),
                    None => vector,
                }
            })
            .collect();
        if parts.is_empty() {
            self.push(
                Diagnostic::error(
                    Code::BadSearch,
                    "`@search` needs at least one source column",
                )
                .label(a.span, "no columns")
                .help("for example `@search(title: A, body: B, language: english)`"),
            );
            return None;
        }
        let name = names::pattern("idx", &[tname, &col.name]);
        self.model.tables[ti].indexes.push(Index {
            name,
            method: IndexMethod::Gin,
            unique: false,
            nulls_not_distinct: false,
            elements: vec![IndexElement::column(col.name.clone())],
            include: Vec::new(),
            predicate: None,
            doc: None,
            origin: Origin::generated(a.span).because(Why::SearchIndex),
        });
        let sql = parts.join(" || ");
        Some(Expr {
            canonical: sqlcheck::canonical_expr(&sql),
            sql,
            span: a.span,
        })
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

fn column_name(m: &Member) -> Option<(&str, Span)> {
    match &m.kind {
        MemberKind::Column(c) => Some((c.name.name.as_str(), c.name.span)),
        _ => None,
    }
}

fn map_action(a: ast::Action) -> Action {
    match a {
        ast::Action::Cascade => Action::Cascade,
        ast::Action::Restrict => Action::Restrict,
        ast::Action::NoAction => Action::NoAction,
        ast::Action::SetNull => Action::SetNull,
        ast::Action::SetDefault => Action::SetDefault,
    }
}

/// Name parts for a generated index/unique name: the table, then each
/// column (an expression contributes the last name it mentions: the
/// column in `lower(email)`).
fn name_parts<'s>(table: &'s str, els: &'s [IndexElement]) -> Vec<&'s str> {
    let mut parts = vec![table];
    for e in els {
        match &e.target {
            ElementTarget::Column { name } => parts.push(name),
            ElementTarget::Expr { expr } => {
                let word = expr
                    .sql
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .rfind(|w| {
                        !w.is_empty() && !w.chars().next().is_some_and(|c| c.is_ascii_digit())
                    });
                if let Some(w) = word {
                    parts.push(w);
                }
            }
        }
    }
    parts
}

/// A bare or quoted identifier, as a column name.
fn plain_name(text: &str) -> Option<String> {
    if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        let unescaped = inner.replace("\"\"", "\"");
        return (!inner.replace("\"\"", "").contains('"')).then_some(unescaped);
    }
    attrs::is_bare_name(text).then(|| text.to_string())
}

/// Options after an index element's column or expression.
#[derive(Debug, Default, PartialEq)]
struct ElementOptions {
    collation: Option<String>,
    opclass: Option<String>,
    descending: bool,
    nulls_first: Option<bool>,
}

impl ElementOptions {
    fn apply(self, mut e: IndexElement) -> IndexElement {
        e.collation = self.collation;
        e.opclass = self.opclass;
        e.descending = self.descending;
        if let Some(first) = self.nulls_first {
            e.set_nulls_first(first);
        }
        e
    }
}

/// Splits trailing options off an element: `lower(name) desc nulls last` →
/// (`lower(name)`, descending, nulls last); `name collate "C"
/// text_pattern_ops` → (`name`, collation C, operator class). Words that
/// do not form `[collate c] [opclass] [asc|desc] [nulls first|last]` stay
/// in the text (which then fails to parse and is reported).
fn split_options(text: &str) -> (&str, ElementOptions) {
    let mut core = text.trim();
    let mut words: Vec<&str> = Vec::new();
    while let Some((head, last)) = core.rsplit_once(char::is_whitespace) {
        let lower = last.to_ascii_lowercase();
        let is_option = matches!(lower.as_str(), "asc" | "desc" | "first" | "last" | "nulls")
            || (lower.ends_with("_ops")
                && last
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.'));
        if !is_option
            || head.trim().is_empty()
            || head.matches('"').count() % 2 == 1
            || head.matches('\'').count() % 2 == 1
        {
            break;
        }
        words.insert(0, last);
        core = head.trim_end();
    }
    let mut options = ElementOptions::default();
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let mut rest: &[String] = &lower;
    if let Some(first) = rest.first().filter(|w| w.ends_with("_ops")) {
        options.opclass = Some(first.clone());
        rest = &rest[1..];
    }
    if let Some(first) = rest.first().filter(|w| *w == "asc" || *w == "desc") {
        options.descending = first == "desc";
        rest = &rest[1..];
    }
    match rest {
        [] => {}
        [n, w] if n == "nulls" && (w == "first" || w == "last") => {
            options.nulls_first = Some(w == "first");
        }
        _ => return (text.trim(), ElementOptions::default()),
    }
    // `collate name` before the options.
    if let Some((head, name)) = core.rsplit_once(char::is_whitespace) {
        if let Some((head, word)) = head.trim_end().rsplit_once(char::is_whitespace) {
            if word.eq_ignore_ascii_case("collate") && !head.trim().is_empty() {
                if let Some(c) = plain_name(name) {
                    options.collation = Some(c);
                    core = head.trim_end();
                }
            }
        }
    }
    (core, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_split() {
        let (core, o) = split_options("lower(name) desc nulls last");
        assert_eq!(core, "lower(name)");
        assert!(o.descending);
        assert_eq!(o.nulls_first, Some(false));
        let (core, o) = split_options("name gin_trgm_ops");
        assert_eq!((core, o.opclass.as_deref()), ("name", Some("gin_trgm_ops")));
        let (core, o) = split_options("name collate \"C\" text_pattern_ops ASC");
        assert_eq!(core, "name");
        assert_eq!(o.collation.as_deref(), Some("C"));
        assert_eq!(o.opclass.as_deref(), Some("text_pattern_ops"));
        assert!(!o.descending);
        assert_eq!(
            split_options("\"first name\""),
            ("\"first name\"", ElementOptions::default())
        );
        assert_eq!(
            split_options("created_at"),
            ("created_at", ElementOptions::default())
        );
        // Not a valid option sequence: left for the parser to refuse.
        assert_eq!(split_options("a nulls").0, "a nulls");
        assert_eq!(split_options("a desc asc").0, "a desc asc");
    }

    #[test]
    fn one_spelling_for_null_order() {
        let desc = |nulls: Option<&str>| {
            let text = match nulls {
                Some(n) => format!("a desc nulls {n}"),
                None => "a desc".to_string(),
            };
            split_options(&text).1.apply(IndexElement::column("a"))
        };
        assert_eq!(desc(None), desc(Some("first")));
        assert_ne!(desc(None), desc(Some("last")));
        assert!(desc(Some("first")).nulls_first() && !desc(Some("first")).nulls_written());
    }
}
