//! Keys and constraints: column attributes and clauses become the primary
//! key, unique constraints, checks and exclusion constraints.

use super::indexes::name_parts;
use super::*;

/// A `primary key (...)` clause: its name, columns, span, doc, why it
/// exists and the `with` that brought it.
type PkClause<'m> = (
    Option<&'m ast::Ident>,
    &'m Vec<ast::Ident>,
    Span,
    &'m Option<String>,
    Why,
    Option<Span>,
);

impl<'a> Resolver<'a> {
    /// Primary key column names as declared (`@pk` or `primary key (...)`).
    pub(super) fn declared_pk(&self, w: &Work<'a>) -> Option<Vec<String>> {
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

    /// The check of an exclusive arc (a polymorphic reference, expanded
    /// by `polymorphic::expand`): exactly one of its columns is set, or at
    /// most one when the reference is optional.
    fn arc_check(
        &mut self,
        ti: usize,
        tname: &str,
        arc: &ast::ExclusiveArc,
        why: Why,
        via: Option<Span>,
    ) {
        let columns: Vec<String> = arc.columns.iter().map(|c| quote::ident(c)).collect();
        let op = if arc.optional { "<=" } else { "=" };
        let sql = format!("num_nonnulls({}) {op} 1", columns.join(", "));
        let name = names::pattern("chk", &[tname, &arc.name.name]);
        let span = arc.name.span;
        self.define_clause(ti, ObjectKind::Constraint, &name, span, None, via);
        self.model.tables[ti].checks.push(Check {
            name,
            expr: Expr::verbatim(sql, span),
            doc: None,
            origin: Origin::generated(span).because(why),
        });
    }

    pub(super) fn clauses(&mut self, w: &Work<'a>) {
        let ti = self.table_index(w);
        let column_names: Vec<String> = self.model.tables[ti]
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect();
        let tname = self.model.tables[ti].sql.name.clone();
        let tq = self.model.tables[ti].sql.clone();
        let mut pk_columns: Vec<(String, Span)> = Vec::new();

        for (ci, (c, module)) in w.columns.iter().enumerate() {
            let col_name = column_names.get(ci).cloned().unwrap_or_default();
            let ty = self.model.tables[ti].columns[ci].ty.clone();
            let nullable = self.model.tables[ti].columns[ci].nullable;
            let is_relation = matches!(c.ty, ColumnType::Relation(_));
            // A serial column is an identity column already.
            let mut identity = self.model.tables[ti].columns[ci].identity;
            let why = w.column_why.get(ci).cloned().unwrap_or_default();
            let via = w.column_via.get(ci).copied().flatten();
            let mut generated = None;
            if let ColumnType::Relation(r) = &c.ty {
                if let Some(arc) = &r.arc {
                    self.arc_check(ti, &tname, arc, why.clone(), via);
                }
            }
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
                        self.define_clause(ti, ObjectKind::Constraint, &name, a.span, None, via);
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
                        self.define_clause(ti, ObjectKind::Index, &name, a.span, None, via);
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
                                self.expr(s, Names::Columns(&tq, &column_names), "check")
                            {
                                let name = names::pattern("chk", &[&tname, &col_name]);
                                self.define_clause(
                                    ti,
                                    ObjectKind::Constraint,
                                    &name,
                                    a.span,
                                    None,
                                    via,
                                );
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
                                Diagnostic::error(Code::BadIdentity, format!("identity columns are smallint, integer or bigint, not `{}`", ty))
                                    .label(a.span, "here"),
                            );
                        }
                    }
                    "generated" => {
                        if let Some(s) = attrs::require_sql(a, &mut self.diags) {
                            generated = self
                                .expr(s, Names::Columns(&tq, &column_names), "generated column")
                                .map(|(e, _)| e);
                        }
                    }
                    "search" => {
                        generated = self.search_column(a, ti, ci, &column_names, &tname, via)
                    }
                    "secret" => {
                        attrs::no_args(a, &mut self.diags);
                        self.model.tables[ti].columns[ci].secret = true;
                    }
                    "encrypted" => self.encrypted(a, ti, &col_name, &ty),
                    "pii" => {
                        if let Some(pii) = crate::resolve::pii::read(a, &col_name, &mut self.diags)
                        {
                            // By column: the model does not depend on member order.
                            let pii_list = &mut self.model.tables[ti].declared_policies.pii;
                            pii_list.push(pii);
                            pii_list.sort_by(|a, b| a.column.cmp(&b.column));
                        }
                    }
                    "mask" => {
                        if let Some(mask) =
                            crate::resolve::mask::read(a, &col_name, &mut self.diags)
                        {
                            let masks = &mut self.model.tables[ti].declared_policies.mask;
                            masks.push(mask);
                            masks.sort_by(|a, b| a.column.cmp(&b.column));
                        }
                    }
                    "grant" => {
                        let grants =
                            crate::resolve::grants::grants(a, Some(&col_name), &mut self.diags);
                        self.model.tables[ti].grants.extend(grants);
                    }
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
            col.generated = generated.map(Box::new);
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
                    pk_clause = Some((name.as_ref(), columns, span, &p.member.doc, why, p.via));
                }
                MemberKind::Unique {
                    name,
                    elements,
                    nulls_not_distinct,
                    deferrable,
                    predicate,
                } => {
                    let els = self.elements(&tq, elements, &column_names);
                    let predicate = self.predicate(&tq, predicate.as_ref(), &column_names);
                    let origin = clause_origin(name.as_ref(), span, why);
                    let given = name.as_ref();
                    let name = clause_name(given, "uq", &name_parts(&tname, &els));
                    let constraint =
                        predicate.is_none() && els.iter().all(IndexElement::is_plain_column);
                    let kind = if constraint {
                        ObjectKind::Constraint
                    } else {
                        ObjectKind::Index
                    };
                    self.define_clause(ti, kind, &name, span, given, p.via);
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
                    let els = self.elements(&tq, elements, &column_names);
                    let include = self.column_refs(&tq, include, &column_names);
                    let predicate = self.predicate(&tq, predicate.as_ref(), &column_names);
                    let origin = clause_origin(name.as_ref(), span, why);
                    let given = name.as_ref();
                    let name = clause_name(given, "idx", &name_parts(&tname, &els));
                    self.define_clause(ti, ObjectKind::Index, &name, span, given, p.via);
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
                        self.expr(expr, Names::Columns(&tq, &column_names), "check")
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
                        let given = name.as_ref();
                        let name = clause_name(given, "chk", &parts);
                        self.define_clause(ti, ObjectKind::Constraint, &name, span, given, p.via);
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
                        (span, p.member.doc.as_ref(), why, p.via),
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
                    let elements = self.exclude_elements(&tq, elements, &column_names, span);
                    let predicate = self.predicate(&tq, predicate.as_ref(), &column_names);
                    let origin = clause_origin(name.as_ref(), span, why);
                    let given = name.as_ref();
                    let name = clause_name(given, "excl", &[&tname]);
                    self.define_clause(ti, ObjectKind::Constraint, &name, span, given, p.via);
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
            (Some((_, _, span, _, _, _)), false) => {
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
            (Some((given, cols, span, doc, why, via)), true) => {
                let columns = self.column_refs(&tq, cols, &column_names);
                let origin = clause_origin(given, span, why);
                let name = clause_name(given, "pk", &[&tname]);
                self.define_clause(ti, ObjectKind::Constraint, &name, span, given, via);
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
                let at = column_names.iter().position(|c| *c == column);
                let why = at
                    .and_then(|i| w.column_why.get(i).cloned())
                    .unwrap_or_default();
                let via = at.and_then(|i| w.column_via.get(i).copied().flatten());
                let name = names::pattern("pk", &[&tname]);
                self.define_clause(ti, ObjectKind::Constraint, &name, span, None, via);
                Some(PrimaryKey {
                    name,
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
        table: &QName,
        sql: Option<&ast::Sql>,
        columns: &[String],
    ) -> Option<crate::model::Expr> {
        let sql = sql?;
        self.expr(sql, Names::Columns(table, columns), "where clause")
            .map(|(e, _)| e)
    }

    /// `column with operator` elements of an exclusion constraint.
    fn exclude_elements(
        &mut self,
        table: &QName,
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
            if let Some(element) = self
                .elements(table, std::slice::from_ref(&core), columns)
                .pop()
            {
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

    /// Resolves column names of a clause; reports unknown ones.
    pub(super) fn column_refs(
        &mut self,
        table: &QName,
        idents: &[ast::Ident],
        columns: &[String],
    ) -> Vec<String> {
        let mut out = Vec::new();
        for i in idents {
            if columns.contains(&i.name) {
                self.resolved.refer_column(i.span, table, &i.name);
                out.push(i.name.clone());
            } else {
                let mut d =
                    Diagnostic::error(Code::UnknownColumn, format!("unknown column `{}`", i.name))
                        .label(i.span, "not a column of this entity");
                if let Some(s) =
                    crate::resolve::suggest(&i.name, columns.iter().map(String::as_str))
                {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                self.push(d);
            }
        }
        out
    }

    /// `@encrypted` or `@encrypted(blind_index)`: recorded for the
    /// `encrypted` policy; only text-like values can be encrypted, since
    /// what decrypts is text.
    fn encrypted(&mut self, a: &ast::Attribute, ti: usize, column: &str, ty: &SqlType) {
        let mut blind_index = false;
        for arg in &a.args {
            let word = match &arg.value {
                ast::ArgValue::Sql(s) if arg.name.is_none() => attrs::name_of(s),
                _ => None,
            };
            if word.as_deref() == Some("blind_index") && !blind_index {
                blind_index = true;
            } else {
                self.push(
                    Diagnostic::error(Code::BadArgument, "`@encrypted` takes only `blind_index`")
                        .label(a.span, "unknown argument")
                        .help(
                            "write `@encrypted`, or `@encrypted(blind_index)` for equality lookups",
                        ),
                );
            }
        }
        if !matches!(
            ty.builtin_name(),
            Some("text" | "varchar" | "char" | "citext" | "json" | "jsonb")
        ) {
            self.push(
                Diagnostic::error(
                    Code::EncryptedType,
                    format!("`{column}` is `{ty}`, which `@encrypted` cannot store"),
                )
                .label(a.span, "encrypts text only")
                .help("the ciphertext decrypts to text: declare the column `text` (or `varchar`, `jsonb`) and convert in the application"),
            );
            return;
        }
        self.model.tables[ti]
            .declared_policies
            .encrypted
            .push(crate::model::Encrypted {
                column: column.to_string(),
                blind_index,
                origin: Origin::declared(a.span),
            });
    }
}
