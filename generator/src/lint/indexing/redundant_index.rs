//! `indexing/redundant-index`: an index whose keys lead another index.

use crate::lint::{LintContext, Rule, BASE};
use crate::model::IndexMethod;
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "indexing/redundant-index",
    summary: "a btree index whose elements are the leading elements of another",
    rationale: "A btree index on `(a, b)` serves every lookup and ordering on `a` alone, so a second index on `(a)` with the same predicate only costs: writes maintain it, and it takes memory the cache needs. Drop the shorter one. A unique index is kept (it enforces something), and so is an index with other included columns or another predicate.",
    bad: "entity Order {\n  id          bigint @pk @identity\n  customer_id bigint\n  placed_at   timestamptz\n\n  index (customer_id)\n  index (customer_id, placed_at)\n}\n",
    good: "entity Order {\n  id          bigint @pk @identity\n  customer_id bigint\n  placed_at   timestamptz\n\n  index (customer_id, placed_at)\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for site in cx.entities() {
        let keys = cx.keys(site.table);
        for k in keys.iter() {
            if k.unique || k.method != IndexMethod::Btree || !k.include.is_empty() {
                continue;
            }
            let longer = keys.iter().find(|o| {
                o.method == IndexMethod::Btree
                    && o.elements.len() > k.elements.len()
                    && o.elements[..k.elements.len()] == k.elements[..]
                    && o.predicate.map(|p| p.canonical()) == k.predicate.map(|p| p.canonical())
            });
            let Some(longer) = longer else {
                continue;
            };
            out.push(
                cx.finding(format!(
                    "index `{}` is redundant: {} `{}` starts with the same elements",
                    k.name, longer.what, longer.name
                ))
                .label(k.span, "its elements lead the other index")
                .label(longer.span, "serves the same lookups")
                .help(format!("drop `{}`", k.name)),
            );
        }
    }
}
