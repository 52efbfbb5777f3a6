//! `types/prefer-bigint-key`: 32-bit (and smaller) surrogate keys.

use crate::lint::{LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "types/prefer-bigint-key",
    summary: "an identity or single-column primary key of `integer` or `smallint`",
    rationale: "A surrogate key only grows. `integer` ends at 2,147,483,647: an events or audit table reaches that in a few years of modest traffic, and sequences also skip values on rollbacks. Widening a key later rewrites the table and every table that references it, under lock. `bigint` costs four more bytes per row; the guideline plans for ten times today's volume.",
    bad: "entity Event {\n  id integer @pk @identity\n}\n",
    good: "entity Event {\n  id bigint @pk @identity\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for c in cx.columns() {
        let Some(ty) = c.column.ty.builtin_name() else {
            continue;
        };
        if !matches!(ty, "integer" | "smallint") {
            continue;
        }
        let single_pk = c
            .table
            .primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns.len() == 1 && pk.columns[0] == c.column.name);
        let surrogate = c.column.identity.is_some() || (single_pk && !c.is_relation());
        if !surrogate {
            continue;
        }
        out.push(
            cx.finding(format!("key `{}` is `{ty}` and will run out of values", c.column.name))
                .label(c.type_span(), ty.to_string())
                .help("use `bigint`: widening a key later rewrites every table that references it"),
        );
    }
}
