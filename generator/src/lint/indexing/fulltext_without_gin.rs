//! `indexing/fulltext-without-gin`: a full-text document without an
//! index that can search it.

use crate::lint::{LintContext, Rule, BASE};
use crate::model::{ElementTarget, IndexMethod};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "indexing/fulltext-without-gin",
    summary: "a `tsvector` column, or a `to_tsvector` expression, without a GIN (or GiST) index",
    rationale: "Full-text queries (`document @@ query`) can only use a GIN or GiST index; a btree index on a `tsvector` serves equality, which nobody asks, and without any index every search reads every row and parses every document. `@search` adds its GIN index itself; a `tsvector` column written by hand needs `@index(gin)`.",
    bad: "entity Article {\n  id       bigint @pk @identity\n  body     text\n  document tsvector @generated(to_tsvector('english', body))\n}\n",
    good: "entity Article {\n  id       bigint @pk @identity\n  body     text\n  document tsvector @generated(to_tsvector('english', body)) @index(gin)\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for site in cx.entities() {
        let table = site.table;
        let keys = cx.keys(table);
        for c in cx.columns_of(table) {
            if c.column.ty.builtin_name() != Some("tsvector") {
                continue;
            }
            let searchable = keys.iter().any(|k| {
                matches!(k.method, IndexMethod::Gin | IndexMethod::Gist)
                    && k.columns.contains(&Some(c.column.name.as_str()))
            });
            if !searchable {
                out.push(
                    cx.finding(format!(
                        "`{}` is a full-text document that no GIN or GiST index covers",
                        c.column.name
                    ))
                    .label(c.type_span(), "tsvector without a search index")
                    .help("add `@index(gin)` to the column (or use `@search`, which adds it)"),
                );
            }
        }
        for i in &table.indexes {
            if matches!(i.method, IndexMethod::Gin | IndexMethod::Gist) {
                continue;
            }
            let fulltext = i.elements.iter().any(|e| match &e.target {
                ElementTarget::Expr { expr } => expr.canonical().to_lowercase().contains("to_tsvector("),
                ElementTarget::Column { .. } => false,
            });
            if fulltext {
                out.push(
                    cx.finding(format!(
                        "index `{}` is a {} index over a full-text document; `@@` cannot use it",
                        i.name,
                        i.method.name()
                    ))
                    .label(i.origin.span, "not a search index")
                    .help("write `index using gin (...)`"),
                );
            }
        }
    }
}
