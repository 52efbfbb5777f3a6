//! `renamed from`: each declared rename names an old name that nothing
//! declared now claims, on an object that has a table or a type of its own.

use super::{DeclKind, Resolver};
use crate::model::Renamed;
use dsl::ast::Item;
use dsl::{Code, Diagnostic};

impl Resolver<'_> {
    pub(super) fn renames(&mut self) {
        let mut found = Vec::new();
        for d in &self.decls {
            if let (DeclKind::Mixin, Item::Mixin(e)) = (d.kind, d.item) {
                if let Some(old) = &e.renamed_from {
                    found.push(
                        Diagnostic::error(Code::BadRename, "a mixin has no table to rename")
                            .label(old.span, "on a mixin")
                            .help("write `renamed from` on the entities (or on the columns of the mixin)"),
                    );
                }
            }
        }
        for r in &self.model.renames {
            let (now, taken) = match &r.what {
                Renamed::Table { table } => (
                    table.name.as_str(),
                    self.model
                        .tables
                        .iter()
                        .any(|t| t.sql.schema == table.schema && t.sql.name == r.from),
                ),
                Renamed::Column { table, column } => (
                    column.as_str(),
                    self.model
                        .tables
                        .iter()
                        .filter(|t| &t.sql == table)
                        .any(|t| t.columns.iter().any(|c| c.name == r.from)),
                ),
                Renamed::EnumValue { name, value } => (
                    value.as_str(),
                    self.model
                        .enums
                        .iter()
                        .filter(|e| &e.sql == name)
                        .any(|e| e.values.iter().any(|v| v.name == r.from)),
                ),
            };
            if now == r.from {
                found.push(
                    Diagnostic::error(Code::BadRename, format!("`{now}` is renamed from itself"))
                        .label(r.origin.span, "the same name")
                        .help("name what it was called before, or remove `renamed from`"),
                );
            } else if taken {
                found.push(
                    Diagnostic::error(
                        Code::BadRename,
                        format!("`{}` is renamed to `{now}`, but is still declared", r.from),
                    )
                    .label(r.origin.span, "this old name is declared too")
                    .help("an object cannot be renamed and kept: rename or remove the other declaration"),
                );
            }
        }
        for d in found {
            self.push(d);
        }
    }
}
