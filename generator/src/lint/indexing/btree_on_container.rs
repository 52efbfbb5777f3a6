//! `indexing/btree-on-container`: a btree index on an array, `jsonb` or
//! `tsvector` column.

use crate::lint::{facts, LintContext, Rule, BASE};
use crate::model::IndexMethod;
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "indexing/btree-on-container",
    summary: "a btree index on an array, `jsonb`, `hstore` or `tsvector` column",
    rationale: "Queries on arrays and documents ask what they contain (`tags @> '{red}'`, `attributes ? 'size'`, `document @@ query`); a btree index only answers equality of whole values and ordering, which nobody asks of them, and large values can exceed its row size limit. Use `using gin`. (A unique key over such a column is about equality and is not reported.)",
    bad: "entity Product {\n  id   bigint @pk @identity\n  tags text[] = '{}' @index\n}\n",
    good: "entity Product {\n  id   bigint @pk @identity\n  tags text[] = '{}' @index(gin)\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for site in cx.entities() {
        let t = site.table;
        for i in t.indexes.iter().filter(|i| i.method == IndexMethod::Btree && !i.unique) {
            let container = i.elements.iter().filter_map(|e| e.column_name()).find(|name| {
                t.column(name).is_some_and(|c| {
                    let f = facts::family(cx, &c.ty);
                    f.ends_with("[]") || matches!(&*f, "jsonb" | "json" | "hstore" | "tsvector")
                })
            });
            if let Some(col) = container {
                out.push(
                    cx.finding(format!(
                        "index `{}` is a btree over `{col}`, whose values are searched by what they contain",
                        i.name
                    ))
                    .label(i.origin.span, "btree on a container")
                    .help("use `using gin` (or `@index(gin)` on the column)"),
                );
            }
        }
    }
}
