//! `indexing/email-unique-case-sensitive`: e-mail addresses unique only
//! as written.

use crate::lint::{LintContext, Rule, BASE};
use crate::model::{ElementTarget, TypeBase};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "indexing/email-unique-case-sensitive",
    summary: "a unique e-mail column of a case-sensitive type, with no unique key on `lower(email)`",
    rationale: "`Ann@Example.com` and `ann@example.com` reach the same mailbox, but a unique key on a `varchar` or `text` column lets both sign up, and a lookup by the address as typed misses the other. Make the uniqueness case-insensitive: a `citext` column (or a domain on it) with `@unique`, or a unique key on `lower(email)` and lookups through the same expression. The design template's `VARCHAR(255) UNIQUE` e-mails have this flaw.",
    bad: "entity User {\n  id    uuid @pk = gen_random_uuid()\n  email varchar(255) @unique\n}\n",
    good: "entity User {\n  id    uuid @pk = gen_random_uuid()\n  email varchar(255)\n\n  unique (lower(email))\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for site in cx.entities() {
        let t = site.table;
        for c in cx.columns_of(t) {
            let name = c.column.name.to_lowercase();
            if !(name == "email" || name.ends_with("_email")) || !case_sensitive(cx, &c.column.ty) {
                continue;
            }
            let plain_unique = t.uniques.iter().find(|u| u.columns == [c.column.name.clone()]);
            let plain_index = t.indexes.iter().find(|i| {
                i.unique && i.elements.len() == 1 && i.elements[0].column_name() == Some(c.column.name.as_str())
            });
            let span = match (plain_unique, plain_index) {
                (Some(u), _) => u.origin.span,
                (None, Some(i)) => i.origin.span,
                (None, None) => continue,
            };
            let folded = t.indexes.iter().any(|i| {
                i.unique
                    && i.elements.iter().any(|e| match &e.target {
                        ElementTarget::Expr { expr } => {
                            let s = expr.canonical.to_lowercase();
                            (s.contains("lower(") || s.contains("upper(")) && s.contains(&name)
                        }
                        ElementTarget::Column { .. } => false,
                    })
            });
            if folded {
                continue;
            }
            out.push(
                cx.finding(format!(
                    "`{}` is unique only as written: `Ann@Example.com` and `ann@example.com` can both be stored",
                    c.column.name
                ))
                .label(span, "case-sensitive unique key")
                .help(format!(
                    "make it `citext` (or a domain on it), or write `unique (lower({}))` instead",
                    c.column.name
                )),
            );
        }
    }
}

/// Text compared with case (not `citext`, directly or through domains).
fn case_sensitive(cx: &LintContext<'_>, ty: &crate::model::SqlType) -> bool {
    let mut ty = ty;
    for _ in 0..=cx.model.domains.len() {
        match &ty.base {
            TypeBase::Domain { sql, .. } => match cx.model.domains.iter().find(|d| &d.sql == sql) {
                Some(d) => ty = &d.ty,
                None => return false,
            },
            TypeBase::Builtin { name } => return matches!(name.as_str(), "text" | "varchar" | "char"),
            _ => return false,
        }
    }
    false
}
