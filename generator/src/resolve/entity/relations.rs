//! Relations and foreign keys: relation columns take their target's key
//! type, and relations and `foreign key` clauses become foreign keys with
//! checked actions; references must hit a primary or unique key.

use super::*;

/// A relation column waiting for its type: (table, column, relation,
/// module, target table, target columns, has a default, the `with` that
/// brought it).
type PendingRelation<'a> = (
    usize,
    usize,
    &'a ast::Relation,
    usize,
    usize,
    Vec<String>,
    bool,
    Option<Span>,
);

impl<'a> Resolver<'a> {
    /// Gives relation columns their target's key type, and makes their
    /// foreign keys. Keys can chain (a key that is itself a relation), so
    /// this repeats until nothing changes.
    pub(super) fn relations(&mut self, work: &[Work<'a>]) {
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
                let via = w.column_via.get(ci).copied().flatten();
                pending.push((
                    ti,
                    ci,
                    r,
                    *module,
                    tt,
                    target_columns,
                    c.default.is_some(),
                    via,
                ));
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
            for (k, (ti, ci, r, _, tt, tcols, _, _)) in pending.iter().enumerate() {
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
                let target = self.model.tables[*tt].sql.clone();
                if let Some(c) = r.target_columns.first() {
                    self.resolved.refer_column(c.span, &target, &tcols[0]);
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
                    Diagnostic::error(Code::CyclicKey, "this relation's type depends on itself")
                        .label(r.span, "the referenced key is a relation back to here")
                        .help(format!(
                            "give `{}` an explicit key type",
                            self.model.tables[*ti].columns[*ci].name
                        )),
                );
            }
        }
        for (ti, ci, r, _module, tt, tcols, has_default, via) in pending {
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
            let (name, given) = (fk.name.clone(), r.constraint.as_ref());
            self.define_clause(ti, ObjectKind::Constraint, &name, r.span, given, via);
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

    #[allow(clippy::too_many_arguments)]
    pub(super) fn fk_clause(
        &mut self,
        ti: usize,
        module: usize,
        name: Option<&ast::Ident>,
        columns: &[ast::Ident],
        target: &ast::Path,
        target_columns: &[ast::Ident],
        actions: &[ast::RefAction],
        deferrable: Option<&ast::Deferrable>,
        (span, doc, why, via): (Span, Option<&String>, Why, Option<Span>),
        column_names: &[String],
    ) {
        let table = self.model.tables[ti].sql.clone();
        let cols = self.column_refs(&table, columns, column_names);
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
        let target_sql = self.model.tables[tt].sql.clone();
        for c in target_columns {
            if self.model.tables[tt].column(&c.name).is_some() {
                self.resolved.refer_column(c.span, &target_sql, &c.name);
            }
        }
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
                            format!("`{c}` is {} but `{tc}` is {}", a, b),
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
        let given = name;
        let name = clause_name(given, "fk", &parts);
        self.define_clause(ti, ObjectKind::Constraint, &name, span, given, via);
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
    pub(super) fn check_references(&mut self) {
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
