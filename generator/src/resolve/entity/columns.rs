//! Columns: names, types (relation columns get theirs later), serial
//! lowered to identity.

use super::*;

impl<'a> Resolver<'a> {
    /// Columns with their types; relation columns get their type later.
    pub(super) fn columns(&mut self, w: &mut Work<'a>) {
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
                if let Some(storage) = builtin_types::serial_storage(n) {
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
                name: name.clone(),
                field: c.name.name.clone(),
                ty,
                nullable,
                default: None,
                generated: None,
                identity,
                secret: false,
                doc: p.member.doc.clone(),
                origin: Origin::declared(c.name.span).because(p.why()),
            });
            if let Some(old) = &c.renamed_from {
                self.model.renames.push(crate::model::Rename {
                    what: crate::model::Renamed::Column {
                        table: self.model.tables[ti].sql.clone(),
                        column: name.clone(),
                    },
                    from: old.name.clone(),
                    origin: Origin::declared(old.span),
                });
            }
            let key = Key::member(ObjectKind::Column, self.model.tables[ti].sql.clone(), &name);
            self.resolved.define(key, p.member.span, c.name.span, p.via);
            w.columns.push((c, p.module));
            w.column_why.push(p.why());
            w.column_via.push(p.via);
        }
    }
}
