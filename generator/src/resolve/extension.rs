//! `extension` declarations: extensions the schema needs, the schema each
//! is installed into, and the types an extension schemac does not know
//! provides (`extension postgis @types(geometry, geography)`).

use super::{attrs, Resolver};
use crate::builtin_types;
use dsl::ast::Item;
use dsl::Code;
use dsl::{Diagnostic, Span};

/// An extension a file declares.
pub(super) struct Declared {
    pub name: String,
    pub schema: String,
    pub doc: Option<String>,
    pub span: Span,
}

impl Resolver<'_> {
    /// Reads every `extension` declaration, before any type is resolved.
    pub(super) fn extensions(&mut self) {
        for m in self.modules {
            for item in &m.ast.items {
                let Item::Extension(x) = item else { continue };
                let mut schema = "public".to_string();
                let mut provided = Vec::new();
                for a in &x.attrs {
                    if !attrs::check_known(a, attrs::EXTENSION, "extension", &mut self.diags) {
                        continue;
                    }
                    match a.name.name.as_str() {
                        "schema" => {
                            if let Some(s) = attrs::require_name(a, &mut self.diags) {
                                schema = s;
                            }
                        }
                        _ => {
                            let names: Vec<_> = attrs::positional(a).collect();
                            if names.is_empty() {
                                self.push(
                                    Diagnostic::error(
                                        Code::BadArgument,
                                        "`@types` lists the types the extension provides",
                                    )
                                    .label(a.span, "no types")
                                    .help("for example `extension postgis @types(geometry, geography)`"),
                                );
                            }
                            for sql in names {
                                match attrs::name_of(sql) {
                                    Some(t) if builtin_types::builtin(&t).is_some() => self.push(
                                        Diagnostic::error(
                                            Code::BadArgument,
                                            format!("`{t}` is a built-in type"),
                                        )
                                        .label(sql.span, "PostgreSQL has it already")
                                        .help("list only the types the extension adds"),
                                    ),
                                    Some(t) => provided.push(t),
                                    None => self.push(
                                        Diagnostic::error(Code::BadArgument, "not a type name")
                                            .label(sql.span, "expected a name"),
                                    ),
                                }
                            }
                        }
                    }
                }
                let name = x.name.name.clone();
                if let Some(prev) = self.declared_extensions.iter().find(|d| d.name == name) {
                    if prev.schema != schema {
                        let d = Diagnostic::error(
                            Code::DuplicateName,
                            format!("extension `{name}` is declared in two schemas"),
                        )
                        .label(x.name.span, format!("installed into `{schema}` here"))
                        .label(prev.span, format!("and into `{}` here", prev.schema))
                        .help("an extension is installed once: declare it in one schema");
                        self.push(d);
                    }
                    continue;
                }
                self.resolved
                    .define(crate::key::Key::extension(&name), x.span, x.name.span, None);
                let index = self.declared_extensions.len();
                for t in provided {
                    self.extension_types.insert(t, index);
                }
                self.declared_extensions.push(Declared {
                    name,
                    schema,
                    doc: x.doc.clone(),
                    span: x.name.span,
                });
            }
        }
    }

    /// The schema an extension's objects live in: its declaration's, or
    /// `public` (where `CREATE EXTENSION` puts them by default).
    pub(super) fn extension_schema(&self, name: &str) -> String {
        self.declared_extensions
            .iter()
            .find(|d| d.name == name)
            .map_or_else(|| "public".to_string(), |d| d.schema.clone())
    }
}
