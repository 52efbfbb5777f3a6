//! `indexing/duplicate-index`: two indexes with the same definition.

use crate::lint::{LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "indexing/duplicate-index",
    summary: "two indexes (a primary key and unique keys included) with the same definition",
    rationale: "PostgreSQL keeps an index for the primary key and for every unique constraint. A second index with the same method, elements, predicate and included columns answers no query the first cannot, yet every insert and update maintains both and both take memory. The usual case is `@unique` and `@index` on the same column, or an index written for a column the primary key already leads.",
    bad: "entity User {\n  id    bigint @pk @identity\n  email text @unique @index\n}\n",
    good: "entity User {\n  id    bigint @pk @identity\n  email text @unique\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for site in cx.entities() {
        let keys = cx.keys(site.table);
        for (i, k) in keys.iter().enumerate() {
            let same = keys[..i].iter().find(|o| {
                o.method == k.method
                    && o.elements == k.elements
                    && o.include == k.include
                    && o.predicate.map(|p| p.canonical()) == k.predicate.map(|p| p.canonical())
            });
            let Some(first) = same else {
                continue;
            };
            // Keep the one that enforces something: report the other.
            let (dup, kept) = if k.unique && !first.unique { (first, k) } else { (k, first) };
            out.push(
                cx.finding(format!(
                    "{} `{}` duplicates {} `{}`",
                    dup.what, dup.name, kept.what, kept.name
                ))
                .label(dup.span, "same definition")
                .label(kept.span, "already indexed here")
                .help(format!("drop `{}`: `{}` serves the same queries", dup.name, kept.name)),
            );
        }
    }
}
