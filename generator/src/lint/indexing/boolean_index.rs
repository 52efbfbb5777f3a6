//! `indexing/boolean-index`: a btree index led by a boolean.

use crate::lint::{LintContext, Rule, BASE};
use crate::model::IndexMethod;
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "indexing/boolean-index",
    summary: "a btree index whose first element is a boolean column",
    rationale: "A boolean has two values, so an index led by one splits the table in two halves at best: for the common value the planner reads the table instead, and for the rare one a partial index is smaller and faster. Index the rows you look for with `where`: `index (created_at) where not is_processed`.",
    bad: "entity Job {\n  id         bigint @pk @identity\n  is_done    boolean = false\n  created_at timestamptz = now()\n\n  index (is_done, created_at)\n}\n",
    good: "entity Job {\n  id         bigint @pk @identity\n  is_done    boolean = false\n  created_at timestamptz = now()\n\n  index (created_at) where not is_done\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for site in cx.entities() {
        let t = site.table;
        for i in t.indexes.iter().filter(|i| i.method == IndexMethod::Btree && !i.unique) {
            let Some(first) = i.elements.first().and_then(|e| e.column_name()) else {
                continue;
            };
            let boolean = t
                .column(first)
                .is_some_and(|c| c.ty.builtin_name() == Some("boolean"));
            if boolean {
                out.push(
                    cx.finding(format!(
                        "index `{}` starts with the boolean `{first}`",
                        i.name
                    ))
                    .label(i.origin.span, "led by a two-valued column")
                    .help(format!(
                        "make it a partial index on the rows you look for: `where {first}` or `where not {first}`"
                    )),
                );
            }
        }
    }
}
