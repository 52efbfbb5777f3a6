//! Full-text search columns: `@search(...)` on a tsvector column.

use super::*;

impl<'a> Resolver<'a> {
    /// `@search(title: A, body: B, language: english)` on a tsvector column:
    /// a stored generated column over the weighted sources, and its GIN index.
    pub(super) fn search_column(
        &mut self,
        a: &ast::Attribute,
        ti: usize,
        ci: usize,
        columns: &[String],
        tname: &str,
        via: Option<Span>,
    ) -> Option<Expr> {
        let col = self.model.tables[ti].columns[ci].clone();
        if col.ty.builtin_name() != Some("tsvector") {
            self.push(
                Diagnostic::error(Code::BadSearch, "`@search` makes a tsvector column")
                    .label(a.span, format!("this column is `{}`", col.ty))
                    .help(format!(
                        "declare it as `{} tsvector @search(...)`",
                        col.field
                    )),
            );
            return None;
        }
        // A configuration name, or a `regconfig` column of the row (for
        // content whose language varies by row).
        let mut language = quote::literal("english") + "::regconfig";
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
                                let table = &self.model.tables[ti].sql;
                                self.resolved.refer_column(value.span, table, &l);
                                language = quote::ident(&l).to_string();
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
                        Some(l) => language = quote::literal(&l) + "::regconfig",
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
                .and_then(builtin_types::builtin)
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
            let written = arg.name.as_ref().map_or(value.span, |n| n.span);
            let table = &self.model.tables[ti].sql;
            self.resolved.refer_column(written, table, &source);
            sources.push((source, weight));
        }
        // The language applies to every source, wherever it is written.
        let parts: Vec<String> = sources
            .iter()
            .map(|(source, weight)| {
                let vector = format!(
                    "to_tsvector({language}, coalesce({}, ''))",
                    quote::ident(source)
                );
                match weight {
                    Some(w) => format!("setweight({vector}, {})", quote::literal(w)),
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
        self.define_clause(ti, ObjectKind::Index, &name, a.span, None, via);
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
        Some({
            let canonical = sqlparse::canonical_expr(&sql);
            Expr::new(sql, canonical, a.span)
        })
    }
}
