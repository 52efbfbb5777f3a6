//! `normalization/list-in-text`: a list kept in one text value.

use crate::lint::{facts, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "normalization/list-in-text",
    summary: "a text column whose name says it holds a list (`tags text`, `role_ids text`)",
    rationale: "A comma-separated list in a text column breaks first normal form in its most expensive way: every query parses strings (`',' || tags || ',' like '%,red,%'`), nothing checks the elements, no index finds one of them, and renaming a tag means rewriting every row. Use a `text[]` column (with a GIN index) for a plain list of labels, or a child or join table when the elements are things of their own. The rule reads names (`tags`, `labels`, `keywords`, `categories`, `*_ids`, `*_list`, `*_csv`) on text columns, so it is a hint; suppress it with a reason when the text is opaque.",
    bad: "entity Post {\n  id   bigint @pk @identity\n  tags text?\n}\n",
    good: "entity Post {\n  id   bigint @pk @identity\n  tags text[] = '{}' @index(gin)\n}\n",
    check,
    ..BASE
};

const LIST_NAMES: &[&str] = &["tags", "labels", "keywords", "categories", "emails", "phones", "roles", "ids", "values", "items"];
const LIST_SUFFIXES: &[&str] = &["_ids", "_list", "_csv", "_tags"];

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for c in cx.columns() {
        if c.column.ty.array_dims > 0 || !facts::is_text(cx, &c.column.ty) {
            continue;
        }
        let name = facts::lowercase(&c.column.name);
        let listy = LIST_NAMES.contains(&&*name)
            || LIST_SUFFIXES.iter().any(|s| name.ends_with(s));
        if !listy {
            continue;
        }
        out.push(
            cx.finding(format!(
                "`{}` is text, but its name says it holds a list (judged by its name)",
                c.column.name
            ))
            .label(c.type_span(), "one text value")
            .help("use `text[]` (with `@index(gin)`) for labels, or a child table when the elements are things of their own"),
        );
    }
}
