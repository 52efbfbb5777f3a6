//! Enums, domains, and type references.

use super::{attrs, expr::Names, DeclKind, Resolver};
use crate::builtin_types;
use crate::model::{Check, Domain, Enum, EnumValue, Origin, QName, SqlType, TypeBase};
use crate::names;
use dsl::ast::{self, Item};
use dsl::Code;
use dsl::Diagnostic;

impl<'a> Resolver<'a> {
    pub(super) fn enums(&mut self) {
        for di in 0..self.decls.len() {
            let (module, Item::Enum(e)) = (self.decls[di].module, self.decls[di].item) else {
                continue;
            };
            let mut sql_name = names::type_name(&e.name.name);
            for a in &e.attrs {
                if attrs::check_known(a, &["type", "schema"], "enum", &mut self.diags)
                    && a.name.name == "type"
                {
                    if let Some(n) = attrs::require_name(a, &mut self.diags) {
                        sql_name = n;
                    }
                }
            }
            let sql = QName::new(self.schema_of(module, &e.attrs), sql_name);
            self.qname_taken(&sql, e.name.span, "enum");
            if e.values.is_empty() {
                self.push(
                    Diagnostic::error(
                        Code::EmptyEnum,
                        format!("enum `{}` has no values", e.name.name),
                    )
                    .label(e.name.span, "add at least one value"),
                );
            }
            let mut values: Vec<EnumValue> = Vec::new();
            for v in &e.values {
                if values.iter().any(|x| x.name == v.name) {
                    self.push(
                        Diagnostic::error(
                            Code::DuplicateValue,
                            format!("`{}` appears twice in enum `{}`", v.name, e.name.name),
                        )
                        .label(v.span, "duplicate"),
                    );
                    continue;
                }
                if v.name.len() > names::MAX_IDENT {
                    self.push(
                        Diagnostic::error(
                            Code::NameTooLong,
                            "enum values are at most 63 bytes in PostgreSQL",
                        )
                        .label(v.span, format!("{} bytes", v.name.len())),
                    );
                }
                values.push(EnumValue {
                    name: v.name.clone(),
                    doc: v.doc.clone(),
                });
                if let Some(old) = &v.renamed_from {
                    self.model.renames.push(crate::model::Rename {
                        what: crate::model::Renamed::EnumValue {
                            name: sql.clone(),
                            value: v.name.clone(),
                        },
                        from: old.name.clone(),
                        origin: Origin::declared(old.span),
                    });
                }
            }
            self.decls[di].model_index = Some(self.model.enums.len());
            self.model.enums.push(Enum {
                name: e.name.name.clone(),
                sql,
                values,
                doc: e.doc.clone(),
                origin: Origin::declared(e.name.span),
            });
            let key = self.model.enums[self.model.enums.len() - 1].key();
            self.resolved.define(key, e.span, e.name.span, None);
        }
    }

    pub(super) fn domains(&mut self) {
        // Domains may be built on other domains: resolve each base first.
        for di in self.domain_order() {
            let (module, Item::Domain(d)) = (self.decls[di].module, self.decls[di].item) else {
                continue;
            };
            let mut sql_name = names::type_name(&d.name.name);
            let mut check_attrs = Vec::new();
            for a in &d.attrs {
                if !attrs::check_known(a, &["type", "schema", "check"], "domain", &mut self.diags) {
                    continue;
                }
                match a.name.name.as_str() {
                    "type" => {
                        if let Some(n) = attrs::require_name(a, &mut self.diags) {
                            sql_name = n;
                        }
                    }
                    "check" => check_attrs.push(a),
                    _ => {}
                }
            }
            let sql = QName::new(self.schema_of(module, &d.attrs), sql_name);
            self.qname_taken(&sql, d.name.span, "domain");
            if d.ty.nullable {
                self.push(
                    Diagnostic::error(Code::NullableDomain, "a domain cannot be nullable")
                        .label(d.ty.span, "remove `?`")
                        .help("nullability belongs to each column: write `email Email?` where a column may be empty"),
                );
            }
            let ty = self
                .resolve_type(module, &d.ty)
                .unwrap_or_else(|| SqlType::builtin("text"));
            let mut checks = Vec::new();
            for (n, a) in check_attrs.into_iter().enumerate() {
                // `@check(expr, name: chk)`: the constraint's own name, as an
                // existing database spells it (what `schemac import` writes).
                let given = match a.args.as_slice() {
                    [e, named]
                        if e.name.is_none()
                            && named.name.as_ref().is_some_and(|x| x.name == "name") =>
                    {
                        match (&e.value, &named.value) {
                            (ast::ArgValue::Sql(e), ast::ArgValue::Sql(n)) => {
                                Some((e, n.text.trim_matches('"').to_string()))
                            }
                            _ => None,
                        }
                    }
                    _ => None,
                };
                let (sql_text, given) = match given {
                    Some((e, n)) => (e, Some(n)),
                    None => match attrs::require_sql(a, &mut self.diags) {
                        Some(e) => (e, None),
                        None => continue,
                    },
                };
                if let Some((expr, _)) = self.expr(sql_text, Names::DomainValue, "check") {
                    let suffix = if n == 0 {
                        String::new()
                    } else {
                        format!("_{}", n + 1)
                    };
                    let origin = if given.is_some() {
                        Origin::declared(a.span)
                    } else {
                        Origin::generated(a.span)
                    };
                    checks.push(Check {
                        name: given
                            .unwrap_or_else(|| names::fit(format!("chk_{}{suffix}", sql.name))),
                        expr,
                        doc: None,
                        origin,
                    });
                }
            }
            let default = d.default.as_ref().and_then(|s| {
                let (e, parsed) = self.expr(s, Names::Nothing, "default")?;
                self.check_default(s, &parsed, &ty, true);
                Some(e)
            });
            self.decls[di].model_index = Some(self.model.domains.len());
            for c in &checks {
                let span = c.origin.span;
                self.resolved.define(c.key(&sql), span, span, None);
            }
            self.model.domains.push(Domain {
                name: d.name.name.clone(),
                sql,
                ty,
                default,
                checks,
                doc: d.doc.clone(),
                origin: Origin::declared(d.name.span),
            });
            let key = self.model.domains[self.model.domains.len() - 1].key();
            self.resolved.define(key, d.span, d.name.span, None);
        }
    }

    /// Domain declarations, each after the domain it is built on.
    fn domain_order(&self) -> Vec<usize> {
        fn visit(r: &Resolver<'_>, d: usize, seen: &mut Vec<bool>, out: &mut Vec<usize>) {
            if seen[d] {
                return;
            }
            seen[d] = true;
            if let Item::Domain(dom) = r.decls[d].item {
                let base = dom.ty.name.rsplit('.').next().unwrap_or_default();
                if let Some(&b) = r.by_name.get(base) {
                    if r.decls[b].kind == DeclKind::Domain {
                        visit(r, b, seen, out);
                    }
                }
                out.push(d);
            }
        }
        let mut seen = vec![false; self.decls.len()];
        let mut out = Vec::new();
        for d in 0..self.decls.len() {
            if self.decls[d].kind == DeclKind::Domain {
                visit(self, d, &mut seen, &mut out);
            }
        }
        out
    }

    /// Resolves a written type to a built-in, an enum or a domain.
    pub(super) fn resolve_type(&mut self, module: usize, t: &ast::TypeRef) -> Option<SqlType> {
        let user = if t.name.contains('.') {
            let parts: Vec<ast::Ident> = t
                .name
                .split('.')
                .map(|p| ast::Ident {
                    name: p.trim_matches('"').to_string(),
                    quoted: false,
                    span: t.name_span,
                })
                .collect();
            let path = ast::Path {
                parts,
                span: t.name_span,
            };
            Some(self.lookup(module, &path, &[DeclKind::Enum, DeclKind::Domain], "type")?)
        } else {
            match self.scopes[module].get(t.name.trim_matches('"')).copied() {
                Some(i) if matches!(self.decls[i].kind, DeclKind::Enum | DeclKind::Domain) => {
                    self.decl_refs.push((t.name_span, i));
                    Some(i)
                }
                Some(i) => {
                    let kind = self.decls[i].kind;
                    let mut d = Diagnostic::error(
                        Code::WrongKind,
                        format!(
                            "`{}` is {} {}, not a type",
                            t.name,
                            super::article(kind.word()),
                            kind.word()
                        ),
                    )
                    .label(t.name_span, "used as a type");
                    if kind == DeclKind::Entity {
                        d = d.help(format!(
                            "to reference the entity, write a relation: `{} -> {} on delete ...`",
                            "column_id", t.name
                        ));
                    }
                    self.push(d);
                    return None;
                }
                None => None,
            }
        };
        let base = match user {
            Some(i) => {
                let idx = match self.decls[i].model_index {
                    Some(x) => x,
                    None => {
                        // Domains resolve base first, so only a cycle gets here.
                        self.push(
                            Diagnostic::error(
                                Code::CyclicDomain,
                                format!("domain `{}` is built on itself", t.name),
                            )
                            .label(t.name_span, "this base type leads back to the domain")
                            .help("build each domain on a PostgreSQL type or on a domain that does not come back here"),
                        );
                        return None;
                    }
                };
                if !t.args.is_empty() {
                    self.push(
                        Diagnostic::error(
                            Code::BadTypeArgs,
                            format!("`{}` takes no modifiers", t.name),
                        )
                        .label(t.span, "remove the parentheses"),
                    );
                }
                match self.decls[i].kind {
                    DeclKind::Enum => TypeBase::Enum {
                        name: self.model.enums[idx].name.clone(),
                        sql: self.model.enums[idx].sql.clone(),
                    },
                    _ => TypeBase::Domain {
                        name: self.model.domains[idx].name.clone(),
                        sql: self.model.domains[idx].sql.clone(),
                    },
                }
            }
            None if !t.name.contains('.')
                && self.extension_types.contains_key(t.name.trim_matches('"')) =>
            {
                let x = &self.declared_extensions[self.extension_types[t.name.trim_matches('"')]];
                self.resolved
                    .refer(t.name_span, crate::key::Key::extension(&x.name));
                TypeBase::Extension {
                    name: t.name.trim_matches('"').to_string(),
                    extension: x.name.clone(),
                    schema: x.schema.clone(),
                }
            }
            None => {
                let Some(b) = builtin_types::builtin(&t.name) else {
                    let visible: Vec<String> = self.scopes[module]
                        .iter()
                        .filter(|(_, &i)| {
                            matches!(self.decls[i].kind, DeclKind::Enum | DeclKind::Domain)
                        })
                        .map(|(n, _)| n.to_string())
                        .collect();
                    let mut d =
                        Diagnostic::error(Code::UnknownType, format!("unknown type `{}`", t.name))
                            .label(
                                t.name_span,
                                "not a PostgreSQL type, enum or domain in scope",
                            );
                    if let Some(&g) = self.by_name.get(t.name.as_str()) {
                        let m = &self.modules[self.decls[g].module].name;
                        d = d.help(format!(
                            "`{}` is declared in module `{m}`: add `import {m}`",
                            t.name
                        ));
                    } else if let Some(s) = super::suggest(&t.name, candidates(&visible)) {
                        d = d.help(format!("did you mean `{s}`?"));
                    }
                    self.push(d);
                    return None;
                };
                if t.args.len() > b.max_args {
                    self.push(
                        Diagnostic::error(
                            Code::BadTypeArgs,
                            format!("`{}` takes at most {} modifier(s)", b.name, b.max_args),
                        )
                        .label(t.span, format!("{} given", t.args.len())),
                    );
                } else if let Some(problem) = arg_problem(b.name, &t.args) {
                    self.push(
                        Diagnostic::error(
                            Code::BadTypeArgs,
                            format!("bad modifiers for `{}`", b.name),
                        )
                        .label(t.span, problem),
                    );
                }
                match builtin_types::extension_for(b.name) {
                    Some(ext) => {
                        self.need_extension(ext, t.name_span);
                        self.resolved
                            .refer(t.name_span, crate::key::Key::extension(ext));
                        TypeBase::Extension {
                            name: b.name.to_string(),
                            extension: ext.to_string(),
                            schema: self.extension_schema(ext),
                        }
                    }
                    None => TypeBase::Builtin {
                        name: b.name.to_string(),
                    },
                }
            }
        };
        Some(SqlType {
            base,
            args: t.args.clone(),
            array_dims: t.array_dims,
        })
    }
}

fn arg_problem(name: &str, args: &[u32]) -> Option<String> {
    match (name, args) {
        ("numeric", [p, ..]) if *p == 0 || *p > 1000 => {
            Some("precision must be between 1 and 1000".into())
        }
        ("numeric", [p, s]) if s > p => Some(format!("scale {s} is larger than precision {p}")),
        ("varchar" | "char" | "bit" | "varbit", [n]) if *n == 0 || *n > 10_485_760 => {
            Some("length must be between 1 and 10485760".into())
        }
        ("time" | "timetz" | "timestamp" | "timestamptz" | "interval", [p]) if *p > 6 => {
            Some("precision must be between 0 and 6".into())
        }
        _ => None,
    }
}

fn candidates(visible: &[String]) -> Vec<&str> {
    let mut all: Vec<&str> = builtin_types::all_names().collect();
    all.extend(visible.iter().map(String::as_str));
    all
}
