//! Views (bodies parsed, dependencies read from them) and raw SQL blocks;
//! then every `@depends(...)` once all declarations have model indexes.

use super::{attrs, DeclKind, Owner, Resolver};
use crate::model::{Dependency, Expr, QName, RawSql, View};
use crate::names;
use crate::sqlcheck;
use dsl::ast::{self, Item};
use dsl::{Diagnostic, Span};

impl<'a> Resolver<'a> {
    pub(super) fn views_and_raw(&mut self) {
        let mut bodies = Vec::new();
        for di in 0..self.decls.len() {
            let module = self.decls[di].module;
            match self.decls[di].item {
                Item::View(v) => {
                    let mut name = names::type_name(&v.name.name);
                    let mut depends = Vec::new();
                    for a in &v.attrs {
                        if !attrs::check_known(
                            a,
                            &["table", "schema", "depends"],
                            "view",
                            &mut self.diags,
                        ) {
                            continue;
                        }
                        match a.name.name.as_str() {
                            "table" => {
                                if let Some(n) = attrs::require_name(a, &mut self.diags) {
                                    name = n;
                                }
                            }
                            "depends" => depends.push(a),
                            _ => {}
                        }
                    }
                    let sql = QName::new(self.schema_of(module, &v.attrs), name);
                    self.qname_taken(&sql, v.name.span, "view");
                    let index = self.model.views.len();
                    self.decls[di].model_index = Some(index);
                    self.model.views.push(View {
                        name: v.name.name.clone(),
                        sql,
                        materialized: v.materialized,
                        body: Expr {
                            sql: v.body.text.clone(),
                            span: v.body.span,
                        },
                        depends_on: Vec::new(),
                        doc: v.doc.clone(),
                        span: v.name.span,
                    });
                    self.pending_depends
                        .push((Owner::View(index), module, depends));
                    bodies.push((index, module, v));
                }
                Item::Sql(s) => {
                    let mut depends = Vec::new();
                    for a in &s.attrs {
                        if attrs::check_known(a, &["depends"], "sql block", &mut self.diags) {
                            depends.push(a);
                        }
                    }
                    if s.body.text.trim().is_empty() {
                        self.push(
                            Diagnostic::error("schemac::empty_sql", "this sql block is empty")
                                .label(s.name.span, "no SQL in the braces"),
                        );
                    }
                    let index = self.model.raw.len();
                    self.decls[di].model_index = Some(index);
                    let schema = self.module_schema[module].clone();
                    self.model.raw.push(RawSql {
                        name: s.name.name.clone(),
                        schema,
                        body: Expr {
                            sql: s.body.text.clone(),
                            span: s.body.span,
                        },
                        depends_on: Vec::new(),
                        doc: s.doc.clone(),
                        span: s.name.span,
                    });
                    self.pending_depends
                        .push((Owner::Raw(index), module, depends));
                }
                _ => {}
            }
        }
        for (index, module, v) in bodies {
            self.view_body(index, module, v);
        }
        self.depends();
    }

    /// Parses a view's query and records the tables and views it reads.
    fn view_body(&mut self, index: usize, module: usize, v: &ast::View) {
        let relations = match sqlcheck::parse_query(&v.body.text) {
            Ok(r) => r,
            Err(e) => {
                let span = match e.offset {
                    Some(o) if o < v.body.text.len() => {
                        let start = v.body.span.start as usize + o;
                        Span::new(v.body.span.file, start, start + 1)
                    }
                    _ => v.body.span,
                };
                self.push(
                    Diagnostic::error(
                        "schemac::sql_syntax",
                        format!("the body of view `{}` is not valid SQL", v.name.name),
                    )
                    .label(span, e.message)
                    .help("a view body is one PostgreSQL query: `select ... from ...`"),
                );
                return;
            }
        };
        let schema = self.model.views[index].sql.schema.clone();
        let known_schemas: Vec<String> = self.module_schema.clone();
        for rel in relations {
            let found = self.find_relation(&rel, &schema);
            match found {
                Some(dep) if dep == Dependency::View(index) => {
                    self.push(
                        Diagnostic::error(
                            "schemac::cyclic_view",
                            format!("view `{}` reads itself", v.name.name),
                        )
                        .label(v.name.span, "here"),
                    );
                }
                Some(dep) => {
                    let deps = &mut self.model.views[index].depends_on;
                    if !deps.contains(&dep) {
                        deps.push(dep);
                    }
                }
                // A name qualified with a schema this project does not
                // manage (pg_catalog, an extension's) is outside our graph.
                None if rel
                    .schema
                    .as_ref()
                    .is_some_and(|s| !known_schemas.contains(s)) => {}
                None => {
                    let shown = match &rel.schema {
                        Some(s) => format!("{s}.{}", rel.name),
                        None => rel.name.clone(),
                    };
                    let mut d = Diagnostic::error(
                        "schemac::unknown_relation",
                        format!(
                            "view `{}` reads `{shown}`, which no entity or view creates",
                            v.name.name
                        ),
                    )
                    .label(v.body.span, format!("reads `{shown}`"));
                    let by_entity = self.scopes[module]
                        .iter()
                        .find(|(n, &i)| {
                            n.eq_ignore_ascii_case(&rel.name)
                                && self.decls[i].kind == DeclKind::Entity
                        })
                        .map(|(_, &i)| i);
                    d = match by_entity {
                        Some(i) => {
                            let t = self.decls[i].model_index.map(|t| self.model.tables[t].sql.name.clone()).unwrap_or_default();
                            d.help(format!("SQL uses table names: write `{t}` for entity `{}`", self.decls[i].name.name))
                        }
                        None => d.help("declare it, or qualify it with its schema if it lives outside this project"),
                    };
                    self.push(d);
                }
            }
        }
    }

    /// A table or view by SQL name: exact schema if given, else the view's
    /// own schema first, then `public`.
    fn find_relation(&self, rel: &sqlcheck::RelationRef, schema: &str) -> Option<Dependency> {
        let candidates: Vec<&str> = match &rel.schema {
            Some(s) => vec![s.as_str()],
            None => vec![schema, "public"],
        };
        for s in candidates {
            if let Some(i) = self
                .model
                .tables
                .iter()
                .position(|t| t.sql.schema == s && t.sql.name == rel.name)
            {
                return Some(Dependency::Table(i));
            }
            if let Some(i) = self
                .model
                .views
                .iter()
                .position(|v| v.sql.schema == s && v.sql.name == rel.name)
            {
                return Some(Dependency::View(i));
            }
        }
        None
    }

    /// Resolves `@depends(A, B)` to model objects.
    fn depends(&mut self) {
        let pending = std::mem::take(&mut self.pending_depends);
        for (owner, module, attrs) in pending {
            let mut deps = Vec::new();
            for a in attrs {
                if a.args.is_empty() {
                    self.push(
                        Diagnostic::error("schemac::bad_argument", "`@depends` names declarations")
                            .label(a.span, "for example `@depends(User, touch_updated_at)`"),
                    );
                }
                for arg in attrs::positional(a) {
                    // `Name` or `module.Name`.
                    let parts: Option<Vec<String>> = arg
                        .text
                        .split('.')
                        .map(|p| {
                            attrs::name_of(&ast::Sql {
                                text: p.trim().to_string(),
                                span: arg.span,
                            })
                        })
                        .collect();
                    let Some(parts) = parts else {
                        self.push(
                            Diagnostic::error(
                                "schemac::bad_argument",
                                "expected a declaration name",
                            )
                            .label(arg.span, "not a name"),
                        );
                        continue;
                    };
                    let path = ast::Path {
                        parts: parts
                            .into_iter()
                            .map(|name| ast::Ident {
                                name,
                                quoted: false,
                                span: arg.span,
                            })
                            .collect(),
                        span: arg.span,
                    };
                    let want = [
                        DeclKind::Entity,
                        DeclKind::View,
                        DeclKind::Sql,
                        DeclKind::Enum,
                        DeclKind::Domain,
                    ];
                    if let Some(d) = self.lookup(module, &path, &want, "declaration") {
                        if let Some(dep) = self.dependency(d) {
                            if !deps.contains(&dep) {
                                deps.push(dep);
                            }
                        }
                    }
                }
            }
            let list = match owner {
                Owner::Table(i) => &mut self.model.tables[i].depends_on,
                Owner::View(i) => &mut self.model.views[i].depends_on,
                Owner::Raw(i) => &mut self.model.raw[i].depends_on,
            };
            for d in deps {
                if !list.contains(&d) {
                    list.push(d);
                }
            }
        }
    }
}
