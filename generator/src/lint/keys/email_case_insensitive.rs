//! `keys/email-case-insensitive`: unique e-mail addresses compared by case.

use crate::lint::{Knob, KnobDefault, LintContext, Rule, BASE};
use crate::model::ElementTarget;
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "keys/email-case-insensitive",
    summary: "a unique e-mail column that compares case-sensitively",
    rationale: "`Ann@Example.com` and `ann@example.com` reach the same mailbox, but a unique key on a `text` or `varchar` column accepts both, so one person gets two accounts and a login lookup by the other spelling finds nothing (the design template's `users.email VARCHAR(255) UNIQUE` has this flaw). Make the column `citext`, or make the unique key `unique (lower(email))` and look up by `lower(...)`.",
    bad: "entity User {\n  id bigint @pk @identity\n  email varchar(320) @unique\n}\n",
    good: "extension citext\n\nentity User {\n  id bigint @pk @identity\n  email citext @unique\n}\n",
    knobs: &[Knob {
        name: "columns",
        default: KnobDefault::List(&["email", "email_address"]),
        help: "names of e-mail columns (a name ending in `_email` counts too)",
    }],
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let names = cx.knob_list("columns");
    for c in cx.columns() {
        let name = &c.column.name;
        if !(names.iter().any(|n| n == name) || name.ends_with("_email")) {
            continue;
        }
        if !matches!(c.column.ty.builtin_name(), Some("text" | "varchar")) {
            continue;
        }
        let t = c.table;
        let alone = |cols: &[String]| cols.len() == 1 && &cols[0] == name;
        let unique = t.uniques.iter().any(|u| alone(&u.columns))
            || t.primary_key.as_ref().is_some_and(|p| alone(&p.columns))
            || t.indexes.iter().any(|i| {
                i.unique
                    && i.predicate.is_none()
                    && i.elements.len() == 1
                    && i.elements[0].column_name() == Some(name.as_str())
            });
        let lowered = t.indexes.iter().any(|i| {
            i.unique
                && i.elements.iter().any(|e| match &e.target {
                    ElementTarget::Expr { expr } => {
                        let s = expr.canonical().to_ascii_lowercase();
                        s.contains("lower(") && s.contains(name.as_str())
                    }
                    ElementTarget::Column { .. } => false,
                })
        });
        if !unique || lowered {
            continue;
        }
        out.push(
            cx.finding(format!(
                "`{}.{name}` is unique but compared case-sensitively",
                t.sql.name
            ))
            .label(c.type_span(), "case-sensitive")
            .help("use `citext` (extension citext), or a unique key on `lower(email)`"),
        );
    }
}
