//! `normalization/all-columns-nullable`: a table whose every attribute
//! is optional.

use crate::lint::{facts, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "normalization/all-columns-nullable",
    summary: "a table where every column outside the key may be null",
    rationale: "When nothing but the key is required, a row may say nothing at all, and the table usually merges several kinds of thing whose columns are each filled for some rows only (a sparse table, a mix of subtypes). Decide what a row must hold and make those columns required, or split the kinds into tables of their own.",
    bad: "entity Contact {\n  id    bigint @pk @identity\n  email text?\n  phone text?\n}\n",
    good: "entity Contact {\n  id    bigint @pk @identity\n  email text\n  phone text?\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for site in cx.entities() {
        let t = site.table;
        let attrs: Vec<_> = t
            .columns
            .iter()
            .filter(|c| !facts::in_primary_key(t, &c.name))
            .collect();
        if attrs.len() >= 2 && attrs.iter().all(|c| c.nullable) {
            out.push(
                cx.finding(format!(
                    "every column of `{}` outside its key may be null",
                    t.sql.name
                ))
                .label(site.name_span(), "no required attribute")
                .help("make the columns every row must have required (drop their `?`), or split the table by kind"),
            );
        }
    }
}
