//! `indexing/missing-operator-class`: a GIN or GiST index on a type that
//! has no default operator class for it.

use crate::lint::{facts, Level, LintContext, Rule, BASE};
use crate::model::IndexMethod;
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "indexing/missing-operator-class",
    level: Level::Error,
    summary: "a GIN or GiST index element whose type has no default operator class for the method",
    rationale: "GIN and GiST indexes work through an operator class for the element's type. Arrays, `jsonb`, `tsvector` and ranges have a default one; plain scalars (`text`, `integer`, `uuid`, timestamps) have none unless the `btree_gin` or `btree_gist` extension is installed, so PostgreSQL refuses the index when the script runs (`data type text has no default operator class for access method \"gin\"`). Name an operator class (`gin_trgm_ops` for fuzzy text search), use a btree index, or index a document instead.",
    bad: "entity Product {\n  id   bigint @pk @identity\n  name text\n\n  index using gin (name)\n}\n",
    good: "entity Product {\n  id   bigint @pk @identity\n  name text\n\n  index using gin (name gin_trgm_ops)\n}\n",
    check,
    ..BASE
};

/// Scalar types with no GIN/GiST operator class of their own.
const SCALARS: &[&str] = &[
    "text", "smallint", "integer", "bigint", "numeric", "real", "double precision", "uuid",
    "boolean", "date", "time", "timetz", "timestamp", "timestamptz", "interval", "bytea", "money",
];

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let has = |ext: &str| cx.model.extensions.iter().any(|e| e.name == ext);
    for site in cx.entities() {
        let t = site.table;
        for i in &t.indexes {
            let helper = match i.method {
                IndexMethod::Gin => "btree_gin",
                IndexMethod::Gist => "btree_gist",
                _ => continue,
            };
            if has(helper) {
                continue;
            }
            for e in i.elements.iter().filter(|e| e.opclass.is_none()) {
                let Some(col) = e.column_name().and_then(|n| t.column(n)) else {
                    continue;
                };
                let family = facts::family(cx, &col.ty);
                if !SCALARS.contains(&&*family) {
                    continue;
                }
                out.push(
                    cx.finding(format!(
                        "`{}` is {}, which has no default {} operator class: PostgreSQL refuses `{}`",
                        col.name,
                        col.ty,
                        i.method.name(),
                        i.name
                    ))
                    .label(i.origin.span, "the script fails here")
                    .help(format!(
                        "name an operator class (`{} gin_trgm_ops` for text search), use a btree index, or declare `extension {helper}`",
                        col.name
                    )),
                );
            }
        }
    }
}
