//! Polymorphic references: `target -> Product | Content on delete cascade`
//! is an exclusive arc. Loading a project expands the column, in the syntax
//! tree, into one nullable relation column per target (`target_product_id`,
//! `target_content_id`), so each is an ordinary foreign key with its index,
//! and marks the first with the arc, for the check that exactly one is set
//! (at most one with `?`). Everything after the expansion (resolution,
//! lint, the resolved layer) sees plain relations; `fmt` parses the text
//! again and prints the arc as written.

use dsl::ast::{
    Action, Column, ColumnType, ExclusiveArc, File, Ident, Item, Member, MemberKind, RefEvent,
    Relation,
};
use dsl::{Code, Diagnostic};
use heck::ToSnakeCase;

/// Expands every polymorphic relation column of `file`'s entities and
/// mixins.
pub fn expand(file: &mut File, diagnostics: &mut Vec<Diagnostic>) {
    for item in &mut file.items {
        let (Item::Entity(e) | Item::Mixin(e)) = item else {
            continue;
        };
        if !e.members.iter().any(is_polymorphic) {
            continue;
        }
        let members = std::mem::take(&mut e.members);
        for m in members {
            if is_polymorphic(&m) {
                e.members.extend(arc(m, diagnostics));
            } else {
                e.members.push(m);
            }
        }
    }
}

fn is_polymorphic(m: &Member) -> bool {
    matches!(&m.kind, MemberKind::Column(Column { ty: ColumnType::Relation(r), .. }) if !r.alternatives.is_empty())
}

/// The arc's columns, after reporting what cannot be part of one (and
/// leaving it out, so resolution goes on without follow-up errors).
fn arc(m: Member, diagnostics: &mut Vec<Diagnostic>) -> Vec<Member> {
    let MemberKind::Column(column) = m.kind else {
        return Vec::new();
    };
    let ColumnType::Relation(rel) = column.ty else {
        return Vec::new();
    };
    let bad = |span, label: &str, help: &str| {
        Diagnostic::error(
            Code::BadPolymorphic,
            format!(
                "the polymorphic reference `{}` cannot have this",
                column.name.name
            ),
        )
        .label(span, label.to_string())
        .help(help.to_string())
    };
    let mut targets: Vec<dsl::ast::Path> = Vec::new();
    for t in std::iter::once(rel.target.clone()).chain(rel.alternatives.iter().cloned()) {
        if targets.iter().any(|seen| seen.dotted() == t.dotted()) {
            diagnostics.push(bad(
                t.span,
                "this target is named twice",
                "name each target once",
            ));
        } else {
            targets.push(t);
        }
    }
    if let Some(c) = rel.target_columns.first() {
        diagnostics.push(bad(
            c.span,
            "a target column",
            "each target is referenced by its primary key: remove `(...)`",
        ));
    }
    if let Some(c) = &rel.constraint {
        diagnostics.push(bad(
            c.span,
            "a foreign-key name",
            "an arc has one foreign key per target, named `fk_<table>_<column>`: remove `constraint ...`",
        ));
    }
    if let Some(d) = &column.default {
        diagnostics.push(bad(
            d.span,
            "a default",
            "a default would pick one target for every row: remove it",
        ));
    }
    let set_null = rel
        .actions
        .iter()
        .find(|a| a.event == RefEvent::Delete && a.action == Action::SetNull);
    if let (Some(a), false) = (set_null, rel.nullable) {
        diagnostics.push(bad(
            a.span,
            "`set null` clears the row's only reference",
            "write `?` after the last target (the reference is then optional), or use `cascade` or `restrict`",
        ));
    }
    let names: Vec<String> = targets
        .iter()
        .map(|t| format!("{}_{}_id", column.name.name, t.last().name.to_snake_case()))
        .collect();
    let mut out = Vec::with_capacity(targets.len());
    for (i, (target, name)) in targets.into_iter().zip(&names).enumerate() {
        let arc = (i == 0).then(|| {
            Box::new(ExclusiveArc {
                name: column.name.clone(),
                columns: names.clone(),
                optional: rel.nullable,
            })
        });
        let relation = Relation {
            target,
            alternatives: Vec::new(),
            arc,
            target_columns: Vec::new(),
            nullable: true,
            actions: rel.actions.clone(),
            deferrable: rel.deferrable.clone(),
            constraint: None,
            back_name: rel.back_name.clone(),
            span: rel.span,
        };
        out.push(Member {
            doc: m.doc.clone(),
            doc_span: m.doc_span,
            kind: MemberKind::Column(Column {
                is_override: column.is_override,
                name: Ident {
                    name: name.clone(),
                    quoted: column.name.quoted,
                    span: column.name.span,
                },
                ty: ColumnType::Relation(Box::new(relation)),
                default: None,
                attrs: column.attrs.clone(),
                // Each target's column is new: the polymorphic one had no
                // column of its own to have been renamed from.
                renamed_from: None,
            }),
            span: m.span,
        });
    }
    out
}
