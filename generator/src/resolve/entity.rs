//! Entities become tables: mixins are merged, columns typed, relations
//! turned into foreign keys, clauses into constraints and indexes.

use super::expr::{type_text, Names};
use super::{attrs, DeclKind, Resolver};
use crate::model::{
    Action, Check, Column, Exclude, ExcludeElement, ForeignKey, Identity, Index, IndexElement,
    IndexOrigin, PrimaryKey, QName, SqlType, Table, TypeBase, Unique,
};
use crate::names;
use crate::sql;
use crate::types::{self, Family};
use dsl::ast::{self, ColumnType, Item, Member, MemberKind};
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
);

/// A member with the module whose scope it is read in (a mixin's members
/// resolve where the mixin was written).
#[derive(Clone, Copy)]
struct Placed<'a> {
    member: &'a Member,
    module: usize,
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
            .map(|member| Placed { member, module })
            .collect();
        let mut inherited: Vec<Placed<'a>> = Vec::new();
        for path in &e.with {
            let Some(mi) = self.lookup(module, path, &[DeclKind::Mixin], "mixin") else {
                continue;
            };
            if stack.contains(&mi) {
                self.push(
                    Diagnostic::error(
                        "schemac::cyclic_mixin",
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
            for p in members {
                if let Some((name, span)) = column_name(p.member) {
                    if let Some(prev) = inherited
                        .iter()
                        .find(|q| column_name(q.member).is_some_and(|(n, _)| n == name))
                    {
                        let prev_span = column_name(prev.member).map_or(span, |(_, s)| s);
                        self.push(
                            Diagnostic::error(
                                "schemac::mixin_clash",
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
                            "schemac::mixin_clash",
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
                            "schemac::nothing_to_override",
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
            span: e.name.span,
        });
        // `@depends` is resolved once all declarations have model indexes.
        self.pending_depends
            .push((super::Owner::Table(index), w.module, depends));
    }

    fn check_ident_len(&mut self, name: &str, span: Span, what: &str) {
        if name.len() > names::MAX_IDENT {
            self.push(
                Diagnostic::error(
                    "schemac::name_too_long",
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
                    _ => None,
                };
                if let Some(n) = name {
                    self.check_ident_len(&n.name, n.span, "name");
                    if !self.names.claim(&schema, &n.name) {
                        self.push(
                            Diagnostic::error("schemac::duplicate_sql_name", format!("the name `{}` is used twice in schema `{schema}`", n.name))
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
                let prev_span = prev.span;
                self.push(
                    Diagnostic::error(
                        "schemac::duplicate_column",
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
            let ty = ty.unwrap_or_else(|| SqlType::builtin("text"));
            let mut ty = ty;
            // serial is a shorthand for integer + sequence; keep it as typed.
            if let TypeBase::Builtin { name: n } = &ty.base {
                if ty.array_dims > 0 && types::serial_storage(n).is_some() {
                    self.push(
                        Diagnostic::error("schemac::bad_type", "arrays of serial do not exist")
                            .label(c.name.span, "use integer[]"),
                    );
                    ty = SqlType::builtin("integer");
                }
            }
            self.model.tables[ti].columns.push(Column {
                name,
                field: c.name.name.clone(),
                ty,
                nullable,
                default: None,
                generated: None,
                identity: None,
                doc: p.member.doc.clone(),
                span: c.name.span,
            });
            w.columns.push((c, p.module));
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
                                Diagnostic::error("schemac::composite_target", format!("`{}` has a composite primary key", r.target.dotted()))
                                    .label(r.target.span, format!("its key is ({})", pk.join(", ")))
                                    .help("reference it with a `foreign key (a, b) -> Target(x, y) on delete ...` clause"),
                            );
                            continue;
                        }
                        _ => {
                            self.push(
                                Diagnostic::error(
                                    "schemac::no_primary_key",
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
                        Diagnostic::error("schemac::composite_relation", "a relation column references one column")
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
                            "schemac::unknown_column",
                            format!("`{target}` has no column `{}`", tcols[0]),
                        )
                        .label(span, "not a column of the target"),
                    );
                    continue;
                };
                let mut ty = target_col.ty.clone();
                if let Some(storage) = ty.builtin_name().and_then(types::serial_storage) {
                    ty = SqlType::builtin(storage);
                }
                self.model.tables[*ti].columns[*ci].ty = ty;
            }
            if !progress {
                break;
            }
        }
        for (k, (ti, ci, r, ..)) in pending.iter().enumerate() {
            if !resolved[k] {
                self.push(
                    Diagnostic::error(
                        "schemac::cyclic_key",
                        "this relation's type depends on itself",
                    )
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
                column.default = Some(crate::model::Expr {
                    sql: String::new(),
                    span: column.span,
                });
            }
            let Some((on_delete, on_update, deferrable, initially_deferred)) =
                self.actions(&r.actions, r.deferrable.as_ref(), r.span, &[&column])
            else {
                continue;
            };
            let table = &self.model.tables[ti];
            let name = self.names.generate(
                &table.sql.schema.clone(),
                "fk",
                &[&table.sql.name.clone(), &column.name],
            );
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
                span: r.span,
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
                    Diagnostic::error("schemac::duplicate_action", "this action is given twice")
                        .label(a.span, "second one"),
                );
            }
            *slot = Some((map_action(a.action), a.span));
        }
        let Some((on_delete, del_span)) = on_delete else {
            self.push(
                Diagnostic::error("schemac::missing_on_delete", "say what happens when the referenced row is deleted")
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
                            "schemac::set_null_not_nullable",
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
                            "schemac::set_default_without_default",
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
                        "schemac::bad_deferrable",
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
        let schema = self.model.tables[ti].sql.schema.clone();
        let tname = self.model.tables[ti].sql.name.clone();
        let mut pk_columns: Vec<(String, Span)> = Vec::new();

        for (ci, (c, module)) in w.columns.iter().enumerate() {
            let col_name = column_names.get(ci).cloned().unwrap_or_default();
            let ty = self.model.tables[ti].columns[ci].ty.clone();
            let nullable = self.model.tables[ti].columns[ci].nullable;
            let is_relation = matches!(c.ty, ColumnType::Relation(_));
            let mut identity = None;
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
                        let name = self.names.generate(&schema, "uq", &[&tname, &col_name]);
                        self.model.tables[ti].uniques.push(Unique {
                            name,
                            elements: vec![IndexElement::Column {
                                name: col_name.clone(),
                                options: String::new(),
                            }],
                            nulls_not_distinct: false,
                            predicate: None,
                            doc: None,
                            span: a.span,
                        });
                    }
                    "index" => {
                        let method = match attrs::positional(a).next() {
                            Some(s) => attrs::name_of(s).map(|m| m.to_ascii_lowercase()),
                            None => None,
                        };
                        if let Some(m) = &method {
                            self.check_method(m, a.span);
                        }
                        let name = self.names.generate(&schema, "idx", &[&tname, &col_name]);
                        self.model.tables[ti].indexes.push(Index {
                            name,
                            method,
                            unique: false,
                            elements: vec![IndexElement::Column {
                                name: col_name.clone(),
                                options: String::new(),
                            }],
                            include: Vec::new(),
                            predicate: None,
                            origin: IndexOrigin::Declared,
                            doc: None,
                            span: a.span,
                        });
                    }
                    "check" => {
                        if let Some(s) = attrs::require_sql(a, &mut self.diags) {
                            if let Some((expr, _)) =
                                self.expr(s, Names::Columns(&column_names), "check")
                            {
                                let name =
                                    self.names.generate(&schema, "chk", &[&tname, &col_name]);
                                self.model.tables[ti].checks.push(Check {
                                    name,
                                    expr,
                                    doc: None,
                                    span: a.span,
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
                                        "schemac::bad_argument",
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
                                Diagnostic::error("schemac::bad_identity", format!("identity columns are smallint, integer or bigint, not `{}`", type_text(&ty)))
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
                    "search" => {
                        generated = self.search_column(a, ti, ci, &column_names, &schema, &tname)
                    }
                    "no_index" => {
                        attrs::no_args(a, &mut self.diags);
                        if !is_relation {
                            self.push(
                                Diagnostic::error(
                                    "schemac::bad_attribute",
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
                        "schemac::default_conflict",
                        "an identity or generated column cannot have a default",
                    )
                    .label(span, "remove the `= ...`"),
                );
            }
            if identity.is_some() && generated.is_some() {
                self.push(
                    Diagnostic::error(
                        "schemac::default_conflict",
                        "a column cannot be both identity and generated",
                    )
                    .label(span, "choose one"),
                );
            }
            let _ = module;
            let col = &mut self.model.tables[ti].columns[ci];
            col.default = default;
            col.identity = identity;
            col.generated = generated;
        }

        let mut pk_clause: Option<PkClause<'_>> = None;
        for p in &w.members {
            let span = p.member.span;
            match &p.member.kind {
                MemberKind::PrimaryKey { name, columns } => {
                    if pk_clause.is_some() {
                        self.push(
                            Diagnostic::error(
                                "schemac::duplicate_primary_key",
                                "a table has one primary key",
                            )
                            .label(span, "second primary key"),
                        );
                    }
                    pk_clause = Some((name.as_ref(), columns, span, &p.member.doc));
                }
                MemberKind::Unique {
                    name,
                    elements,
                    nulls_not_distinct,
                    predicate,
                } => {
                    let els = self.elements(elements, &column_names);
                    let predicate = self.predicate(predicate.as_ref(), &column_names);
                    let name =
                        self.clause_name(name.as_ref(), &schema, "uq", &name_parts(&tname, &els));
                    self.model.tables[ti].uniques.push(Unique {
                        name,
                        elements: els,
                        nulls_not_distinct: *nulls_not_distinct,
                        predicate,
                        doc: p.member.doc.clone(),
                        span,
                    });
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
                    let name =
                        self.clause_name(name.as_ref(), &schema, "idx", &name_parts(&tname, &els));
                    let method = using.as_ref().map(|u| u.name.to_ascii_lowercase());
                    if let (Some(m), Some(u)) = (&method, using) {
                        self.check_method(m, u.span);
                    }
                    self.note_extensions(&els);
                    self.model.tables[ti].indexes.push(Index {
                        name,
                        method,
                        unique: false,
                        elements: els,
                        include,
                        predicate,
                        origin: IndexOrigin::Declared,
                        doc: p.member.doc.clone(),
                        span,
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
                        let name = self.clause_name(name.as_ref(), &schema, "chk", &parts);
                        self.model.tables[ti].checks.push(Check {
                            name,
                            expr: e,
                            doc: p.member.doc.clone(),
                            span,
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
                        (span, p.member.doc.as_ref()),
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
                        .map_or("gist".to_string(), |u| u.name.to_ascii_lowercase());
                    self.check_method(&method, using.as_ref().map_or(span, |u| u.span));
                    let elements = self.exclude_elements(elements, &column_names, span);
                    let predicate = self.predicate(predicate.as_ref(), &column_names);
                    let name = self.clause_name(name.as_ref(), &schema, "excl", &[&tname]);
                    if method == "gist" && elements.iter().any(|e| e.operator == "=") {
                        // Equality on scalar columns in a GiST index needs btree_gist.
                        self.model.extensions.push("btree_gist".into());
                    }
                    self.model.tables[ti].excludes.push(Exclude {
                        name,
                        method,
                        elements,
                        predicate,
                        doc: p.member.doc.clone(),
                        span,
                    });
                }
                MemberKind::Attributes(_) | MemberKind::Column(_) => {}
            }
        }

        let pk = match (pk_clause, pk_columns.is_empty()) {
            (Some((_, _, span, _)), false) => {
                self.push(
                    Diagnostic::error(
                        "schemac::duplicate_primary_key",
                        "both `@pk` and `primary key (...)` are given",
                    )
                    .label(span, "primary key clause")
                    .label(pk_columns[0].1, "`@pk`")
                    .help("keep one: `@pk` for a single column, the clause for a composite key"),
                );
                None
            }
            (Some((name, cols, span, doc)), true) => {
                let columns = self.column_refs(cols, &column_names);
                let name = self.clause_name(name, &schema, "pk", &[&tname]);
                Some(PrimaryKey {
                    name,
                    columns,
                    doc: doc.clone(),
                    span,
                })
            }
            (None, false) => {
                if pk_columns.len() > 1 {
                    self.push(
                        Diagnostic::error("schemac::several_pk", "`@pk` on several columns")
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
                let name = self.names.generate(&schema, "pk", &[&tname]);
                Some(PrimaryKey {
                    name,
                    columns: vec![pk_columns[0].0.clone()],
                    doc: None,
                    span: pk_columns[0].1,
                })
            }
            (None, true) => None,
        };
        if let Some(pk) = &pk {
            for c in &pk.columns {
                if let Some(col) = self.model.tables[ti].columns.iter().find(|x| &x.name == c) {
                    if col.nullable {
                        let span = col.span;
                        self.push(
                            Diagnostic::error(
                                "schemac::nullable_key",
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

    /// The name the user gave a clause (claimed already), or a generated one.
    fn clause_name(
        &mut self,
        given: Option<&ast::Ident>,
        schema: &str,
        prefix: &str,
        parts: &[&str],
    ) -> String {
        match given {
            Some(n) => n.name.clone(),
            None => self.names.generate(schema, prefix, parts),
        }
    }

    fn check_method(&mut self, method: &str, span: Span) {
        if !["btree", "hash", "gin", "gist", "spgist", "brin"].contains(&method) {
            self.push(
                Diagnostic::error(
                    "schemac::unknown_index_method",
                    format!("unknown index method `{method}`"),
                )
                .label(span, "not a PostgreSQL index method")
                .help("methods: btree, hash, gin, gist, spgist, brin"),
            );
        }
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
                        "schemac::bad_exclude",
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
                    Diagnostic::error(
                        "schemac::bad_exclude",
                        format!("`{operator}` is not an operator"),
                    )
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
                Diagnostic::error(
                    "schemac::bad_exclude",
                    "an exclusion constraint needs elements",
                )
                .label(span, "empty"),
            );
        }
        out
    }

    fn note_extensions(&mut self, elements: &[IndexElement]) {
        let trigram = elements.iter().any(|e| match e {
            IndexElement::Column { options, .. } | IndexElement::Expr { options, .. } => {
                options.contains("trgm_ops")
            }
        });
        if trigram {
            self.model.extensions.push("pg_trgm".into());
        }
    }

    /// Resolves column names of a clause; reports unknown ones.
    fn column_refs(&mut self, idents: &[ast::Ident], columns: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for i in idents {
            if columns.contains(&i.name) {
                out.push(i.name.clone());
            } else {
                let mut d = Diagnostic::error(
                    "schemac::unknown_column",
                    format!("unknown column `{}`", i.name),
                )
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
                out.push(IndexElement::Column { name, options });
            } else if self
                .expr(&core_sql, Names::Columns(columns), "index expression")
                .is_some()
            {
                out.push(IndexElement::Expr {
                    sql: core.to_string(),
                    options,
                });
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
        (span, doc): (Span, Option<&String>),
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
                    "schemac::fk_arity",
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
                (Some(a), Some(b)) => {
                    let b_store = b
                        .builtin_name()
                        .and_then(types::serial_storage)
                        .map(SqlType::builtin)
                        .unwrap_or(b);
                    if a != b_store {
                        self.push(
                            Diagnostic::error(
                                "schemac::fk_type_mismatch",
                                format!(
                                    "`{c}` is {} but `{tc}` is {}",
                                    type_text(&a),
                                    type_text(&b_store)
                                ),
                            )
                            .label(span, "types differ"),
                        );
                    }
                }
                (_, None) => {
                    let tname = self.model.tables[tt].name.clone();
                    self.push(
                        Diagnostic::error(
                            "schemac::unknown_column",
                            format!("`{tname}` has no column `{tc}`"),
                        )
                        .label(target.span, "target"),
                    );
                }
                _ => {}
            }
        }
        let table = &self.model.tables[ti];
        let (schema, tname) = (table.sql.schema.clone(), table.sql.name.clone());
        let parts: Vec<&str> = std::iter::once(tname.as_str())
            .chain(cols.iter().map(String::as_str))
            .collect();
        let name = self.clause_name(name, &schema, "fk", &parts);
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
            span,
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
                let by_unique = target.uniques.iter().any(|u| {
                    u.predicate.is_none()
                        && u.elements.iter().all(|e| e.column_name().is_some())
                        && u.elements
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
                    problems.push((fk.span, target.name.clone(), fk.target_columns.join(", ")));
                }
            }
        }
        for (span, target, cols) in problems {
            self.push(
                Diagnostic::error(
                    "schemac::reference_not_unique",
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
                || table.uniques.iter().any(|u| {
                    u.predicate.is_none()
                        && leads(u.elements.iter().map(IndexElement::column_name).collect())
                })
                || table.indexes.iter().any(|i| {
                    i.predicate.is_none()
                        && i.method.as_deref().is_none_or(|m| m == "btree")
                        && leads(i.elements.iter().map(IndexElement::column_name).collect())
                });
            if !covered {
                add.push((fk.columns.clone(), fk.span));
            }
        }
        let (schema, tname) = (table.sql.schema.clone(), table.sql.name.clone());
        for (cols, span) in add {
            let parts: Vec<&str> = std::iter::once(tname.as_str())
                .chain(cols.iter().map(String::as_str))
                .collect();
            let name = self.names.generate(&schema, "idx", &parts);
            self.model.tables[ti].indexes.push(Index {
                name,
                method: None,
                unique: false,
                elements: cols
                    .into_iter()
                    .map(|name| IndexElement::Column {
                        name,
                        options: String::new(),
                    })
                    .collect(),
                include: Vec::new(),
                predicate: None,
                origin: IndexOrigin::ForeignKey,
                doc: None,
                span,
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
        schema: &str,
        tname: &str,
    ) -> Option<crate::model::Expr> {
        let col = self.model.tables[ti].columns[ci].clone();
        if col.ty.builtin_name() != Some("tsvector") {
            self.push(
                Diagnostic::error("schemac::bad_search", "`@search` makes a tsvector column")
                    .label(a.span, format!("this column is `{}`", type_text(&col.ty)))
                    .help(format!(
                        "declare it as `{} tsvector @search(...)`",
                        col.field
                    )),
            );
            return None;
        }
        let mut language = "english".to_string();
        let mut sources: Vec<(String, Option<String>)> = Vec::new();
        for arg in &a.args {
            let ast::ArgValue::Sql(value) = &arg.value else {
                self.push(
                    Diagnostic::error(
                        "schemac::bad_argument",
                        "`@search` takes columns and weights",
                    )
                    .label(arg.span, "unexpected list"),
                );
                continue;
            };
            let key = arg.name.as_ref().map(|n| n.name.clone());
            let (source, weight) = match key {
                Some(k) if k == "language" => {
                    match attrs::name_of(value) {
                        Some(l) => language = l,
                        None => self.push(
                            Diagnostic::error(
                                "schemac::bad_argument",
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
                        "schemac::unknown_column",
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
                    Diagnostic::error(
                        "schemac::bad_search",
                        format!("`{source}` is not a text column"),
                    )
                    .label(arg.span, "search sources are text, varchar or char"),
                );
                continue;
            }
            if let Some(w) = &weight {
                if !["A", "B", "C", "D"].contains(&w.as_str()) {
                    self.push(
                        Diagnostic::error(
                            "schemac::bad_search",
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
                    "to_tsvector({}::regconfig, coalesce({}, ''))",
                    sql::literal(&language),
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
                    "schemac::bad_search",
                    "`@search` needs at least one source column",
                )
                .label(a.span, "no columns")
                .help("for example `@search(title: A, body: B, language: english)`"),
            );
            return None;
        }
        let name = self.names.generate(schema, "idx", &[tname, &col.name]);
        self.model.tables[ti].indexes.push(Index {
            name,
            method: Some("gin".into()),
            unique: false,
            elements: vec![IndexElement::Column {
                name: col.name.clone(),
                options: String::new(),
            }],
            include: Vec::new(),
            predicate: None,
            origin: IndexOrigin::Search,
            doc: None,
            span: a.span,
        });
        Some(crate::model::Expr {
            sql: parts.join(" || "),
            span: a.span,
        })
    }
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
        match e {
            IndexElement::Column { name, .. } => parts.push(name),
            IndexElement::Expr { sql, .. } => {
                let word = sql
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

/// Splits trailing index options off an element: `lower(name) desc nulls
/// last` → (`lower(name)`, `desc nulls last`); an operator class (`..._ops`)
/// counts as an option.
fn split_options(text: &str) -> (&str, String) {
    let mut core = text.trim();
    let mut options: Vec<&str> = Vec::new();
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
        options.insert(0, last);
        core = head.trim_end();
    }
    (core, options.join(" ").to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_split() {
        assert_eq!(
            split_options("lower(name) desc nulls last"),
            ("lower(name)", "desc nulls last".to_string())
        );
        assert_eq!(
            split_options("name gin_trgm_ops"),
            ("name", "gin_trgm_ops".to_string())
        );
        assert_eq!(
            split_options("\"first name\""),
            ("\"first name\"", String::new())
        );
        assert_eq!(split_options("created_at"), ("created_at", String::new()));
    }
}
