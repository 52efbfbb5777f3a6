//! `normalization/id-array`: an array of keys used as a relation.

use crate::lint::{facts, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "normalization/id-array",
    summary: "an array of ids (`tag_ids bigint[]`) standing in for a relation",
    rationale: "An array of keys is a many-to-many relation without its join table: no foreign key checks the elements, deleting a referenced row leaves its id behind in every array, and finding the rows that mention one id needs a GIN index and array operators instead of a join. A join entity keeps the integrity and can carry data of its own (when the link was made, by whom). The rule fires on arrays named `*_ids` and on arrays of `uuid`; an array of ids that are not keys of this database (an external system's) is suppressed with that reason.",
    bad: "entity Tag {\n  id bigint @pk @identity\n}\n\nentity Post {\n  id      bigint @pk @identity\n  tag_ids bigint[] = '{}'\n}\n",
    good: "entity Tag {\n  id bigint @pk @identity\n}\n\nentity Post {\n  id bigint @pk @identity\n}\n\nentity PostTag {\n  post_id -> Post on delete cascade as tags\n  tag_id  -> Tag on delete cascade as posts\n\n  primary key (post_id, tag_id)\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for c in cx.columns() {
        let family = facts::family(cx, &c.column.ty);
        let Some(element) = family.strip_suffix("[]") else {
            continue;
        };
        let named = c.column.name.ends_with("_ids") || c.column.name == "ids";
        let ids = matches!(element, "uuid" | "bigint" | "integer" | "smallint");
        if !((ids && named) || element == "uuid") {
            continue;
        }
        out.push(
            cx.finding(format!(
                "`{}` is an array of ids: a relation that no foreign key checks",
                c.column.name
            ))
            .label(c.type_span(), "array of keys")
            .help("replace it with a join entity holding one relation to each side"),
        );
    }
}
