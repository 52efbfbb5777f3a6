//! Views (bodies parsed, dependencies read from them) and raw SQL blocks;
//! then every `@depends(...)` once all declarations have model indexes.

use super::{attrs, DeclKind, Owner, Resolver};
use crate::key::{Key, ObjectKind};
use crate::model::{Expr, Origin, QName, RawSql, View};
use crate::names;
use crate::sqlparse;
use dsl::ast::{self, Item};
use dsl::Code;
use dsl::{Diagnostic, Span};
use rustc_hash::FxHashMap as HashMap;

/// Tables and views by SQL name, including those `sql` blocks create.
type Relations = HashMap<(String, String), Key>;

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
                        if !attrs::check_known(a, attrs::VIEW, "view", &mut self.diags) {
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
                        body: Expr::new(
                            v.body.text.clone(),
                            sqlparse::canonical_query(&v.body.text),
                            v.body.span,
                        ),
                        reads: Vec::new(),
                        depends_on: Vec::new(),
                        doc: v.doc.clone(),
                        origin: Origin::declared(v.name.span),
                    });
                    let key = self.model.views[index].key();
                    self.resolved.define(key, v.span, v.name.span, None);
                    self.pending_depends
                        .push((Owner::View(index), module, depends));
                    bodies.push((index, module, v));
                }
                Item::Sql(s) => {
                    let mut depends = Vec::new();
                    let mut creates = Vec::new();
                    let schema = self.module_schema[module].clone();
                    for a in &s.attrs {
                        if !attrs::check_known(a, attrs::SQL_BLOCK, "sql block", &mut self.diags) {
                            continue;
                        }
                        if a.name.name == "creates" {
                            creates.extend(self.creates(a, &schema));
                        } else {
                            depends.push(a);
                        }
                    }
                    if s.body.text.trim().is_empty() {
                        self.push(
                            Diagnostic::error(Code::EmptySql, "this sql block is empty")
                                .label(s.name.span, "no SQL in the braces"),
                        );
                    }
                    let index = self.model.raw.len();
                    self.decls[di].model_index = Some(index);
                    self.model.raw.push(RawSql {
                        name: s.name.name.clone(),
                        schema,
                        body: Expr::verbatim(s.body.text.clone(), s.body.span),
                        depends_on: Vec::new(),
                        creates,
                        doc: s.doc.clone(),
                        origin: Origin::declared(s.name.span),
                    });
                    let key = self.model.raw[index].key();
                    self.resolved.define(key, s.span, s.name.span, None);
                    self.pending_depends
                        .push((Owner::Raw(index), module, depends));
                }
                _ => {}
            }
        }
        let relations = self.relations_by_name();
        for (index, module, v) in bodies {
            self.view_body(index, module, v, &relations);
        }
        self.depends();
    }

    /// `@creates(table events, function touch(), ...)`: the keys of what a
    /// block creates. Unqualified names are in the block's schema.
    fn creates(&mut self, a: &ast::Attribute, schema: &str) -> Vec<Key> {
        let mut out = Vec::new();
        if a.args.is_empty() {
            self.push(
                Diagnostic::error(Code::BadArgument, "`@creates` names what the block creates")
                    .label(
                        a.span,
                        "for example `@creates(table events, function touch())`",
                    ),
            );
        }
        for arg in attrs::positional(a) {
            match parse_created(&arg.text, schema) {
                Some(key) => {
                    if matches!(
                        key.kind,
                        ObjectKind::Table
                            | ObjectKind::View
                            | ObjectKind::MaterializedView
                            | ObjectKind::Sequence
                            | ObjectKind::Enum
                            | ObjectKind::Domain
                    ) {
                        self.qname_taken(&key.name, arg.span, key.kind.sql_word());
                    }
                    if !out.contains(&key) {
                        self.resolved.define(key.clone(), arg.span, arg.span, None);
                        out.push(key);
                    }
                }
                None => self.push(
                    Diagnostic::error(Code::BadArgument, "expected a kind and a name")
                        .label(arg.span, "not `kind name`")
                        .help("kinds: table, view, materialized view, sequence, type, domain, function (with its argument types: `function touch()`), trigger (`trigger name on table`)"),
                ),
            }
        }
        out
    }

    /// Every table and view by SQL name, and what sql blocks create.
    fn relations_by_name(&self) -> Relations {
        let mut map = Relations::default();
        let created = self
            .model
            .raw
            .iter()
            .flat_map(|r| r.creates.iter().cloned());
        let keys = self
            .model
            .tables
            .iter()
            .map(|t| t.key())
            .chain(self.model.views.iter().map(|v| v.key()))
            .chain(created.filter(|k| {
                matches!(
                    k.kind,
                    ObjectKind::Table | ObjectKind::View | ObjectKind::MaterializedView
                )
            }));
        for k in keys {
            map.entry((k.name.schema.clone(), k.name.name.clone()))
                .or_insert(k);
        }
        map
    }

    /// Parses a view's query and records the tables and views it reads.
    fn view_body(&mut self, index: usize, module: usize, v: &ast::View, relations: &Relations) {
        let read = match sqlparse::parse_query(&v.body.text) {
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
                        Code::SqlSyntax,
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
        let own = self.model.views[index].key();
        for rel in read {
            let found = find_relation(relations, &rel, &schema);
            match found {
                Some(dep) if dep == own => {
                    self.push(
                        Diagnostic::error(
                            Code::CyclicView,
                            format!("view `{}` reads itself", v.name.name),
                        )
                        .label(v.name.span, "here"),
                    );
                }
                Some(dep) => {
                    let reads = &mut self.model.views[index].reads;
                    if !reads.contains(&dep) {
                        reads.push(dep);
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
                        Code::UnknownRelation,
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
                        None => d.help("declare it; if a `sql` block creates it, say so with `@creates(table name)` on the block; if it lives outside this project, qualify it with its schema"),
                    };
                    self.push(d);
                }
            }
        }
    }

    /// Resolves `@depends(A, B)` to model objects.
    fn depends(&mut self) {
        let pending = std::mem::take(&mut self.pending_depends);
        for (owner, module, attrs) in pending {
            let mut deps = Vec::new();
            for a in attrs {
                if a.args.is_empty() {
                    self.push(
                        Diagnostic::error(Code::BadArgument, "`@depends` names declarations")
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
                            Diagnostic::error(Code::BadArgument, "expected a declaration name")
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

/// A table or view by SQL name: exact schema if given, else the view's own
/// schema first, then `public`.
fn find_relation(relations: &Relations, rel: &sqlparse::RelationRef, schema: &str) -> Option<Key> {
    let candidates: Vec<&str> = match &rel.schema {
        Some(s) => vec![s.as_str()],
        None => vec![schema, "public"],
    };
    candidates
        .iter()
        .find_map(|s| relations.get(&(s.to_string(), rel.name.clone())))
        .cloned()
}

/// `table events`, `view app.recent`, `function touch(integer)`, `trigger t on
/// events`: the key of what a `sql` block creates.
fn parse_created(text: &str, schema: &str) -> Option<Key> {
    let text = text.trim();
    let (kind, rest) = text.split_once(char::is_whitespace)?;
    let rest = rest.trim();
    let (kind, rest) = match kind.to_ascii_lowercase().as_str() {
        "table" => (ObjectKind::Table, rest),
        "view" => (ObjectKind::View, rest),
        "materialized" => {
            let rest = rest.strip_prefix("view")?.trim_start();
            (ObjectKind::MaterializedView, rest)
        }
        "sequence" => (ObjectKind::Sequence, rest),
        "type" => (ObjectKind::Enum, rest),
        "domain" => (ObjectKind::Domain, rest),
        "function" => (ObjectKind::Function, rest),
        "trigger" => (ObjectKind::Trigger, rest),
        _ => return None,
    };
    let qname = |name: &str| -> Option<QName> {
        let parts: Option<Vec<String>> = name
            .split('.')
            .map(|p| {
                attrs::name_of(&ast::Sql {
                    text: p.trim().to_string(),
                    span: Span::default(),
                })
            })
            .collect();
        match parts?.as_slice() {
            [n] => Some(QName::new(schema, n.clone())),
            [s, n] => Some(QName::new(s.clone(), n.clone())),
            _ => None,
        }
    };
    match kind {
        ObjectKind::Function => {
            let (name, args) = rest.split_once('(')?;
            let args = args.trim_end().strip_suffix(')')?;
            let args: Vec<String> = args
                .split(',')
                .map(|a| {
                    a.split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .to_ascii_lowercase()
                })
                .filter(|a| !a.is_empty())
                .collect();
            Some(Key::member(kind, qname(name.trim())?, args.join(", ")))
        }
        ObjectKind::Trigger => {
            let lower = rest.to_ascii_lowercase();
            let at = lower.find(" on ")?;
            let name = attrs::name_of(&ast::Sql {
                text: rest[..at].trim().to_string(),
                span: Span::default(),
            })?;
            Some(Key::member(kind, qname(rest[at + 4..].trim())?, name))
        }
        _ => Some(Key::new(kind, qname(rest)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_objects() {
        let key = |t| parse_created(t, "app").map(|k| k.to_string());
        assert_eq!(key("table events").as_deref(), Some("table app.events"));
        assert_eq!(
            key("view public.recent").as_deref(),
            Some("view public.recent")
        );
        assert_eq!(
            key("materialized view totals").as_deref(),
            Some("materialized view app.totals")
        );
        assert_eq!(
            key("function touch_updated_at()").as_deref(),
            Some("function app.touch_updated_at()")
        );
        assert_eq!(
            key("function f(Integer,  text)").as_deref(),
            Some("function app.f(integer, text)")
        );
        assert_eq!(
            key("trigger t_touch on public.events").as_deref(),
            Some("trigger public.events.t_touch")
        );
        assert_eq!(key("table"), None);
        assert_eq!(key("widget w"), None);
        assert_eq!(key("function f"), None);
    }
}
