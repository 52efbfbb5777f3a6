//! `relationships/polymorphic-reference`: a `<x>_type` and `<x>_id` pair
//! that points at rows of several tables, unchecked.

use crate::lint::{facts, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "relationships/polymorphic-reference",
    summary: "a `<x>_type` + `<x>_id` pair: a reference no foreign key can check",
    rationale: "A polymorphic reference (`taggable_type = 'post'`, `taggable_id = 42`) names a row of one of several tables. No foreign key can check it: the id may name nothing, and deleting the post leaves the tag behind. Where the set of targets is known, one nullable relation per target with a check that exactly one is set keeps the integrity (`check (num_nonnulls(post_id, photo_id) = 1)`); otherwise the pair is a decision to record with a suppression and its reason. The rule reads names: a `_type` (or `_table`, `_kind`) column beside an `_id` column with the same stem, neither in a foreign key.",
    bad: "entity Tag {\n  id            bigint @pk @identity\n  taggable_type text\n  taggable_id   bigint\n}\n",
    good: "entity Post {\n  id bigint @pk @identity\n}\n\nentity Photo {\n  id bigint @pk @identity\n}\n\nentity Tag {\n  id       bigint @pk @identity\n  post_id  -> Post? on delete cascade\n  photo_id -> Photo? on delete cascade\n\n  check one_target (num_nonnulls(post_id, photo_id) = 1)\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for site in cx.entities() {
        let table = site.table;
        for c in cx.columns_of(table) {
            let name = &c.column.name;
            let Some(stem) = ["_type", "_table", "_kind"]
                .iter()
                .find_map(|s| name.strip_suffix(s))
                .filter(|s| !s.is_empty())
            else {
                continue;
            };
            let id = format!("{stem}_id");
            if table.column(&id).is_none() || facts::in_foreign_key(table, &id) {
                continue;
            }
            out.push(
                cx.finding(format!(
                    "`{name}` and `{id}` form a polymorphic reference that no foreign key checks (judged by names)"
                ))
                .label(c.name_span(), "names the target table")
                .help("use one nullable relation per target table and `check (num_nonnulls(...) = 1)`, or suppress with the reason the pair is needed"),
            );
        }
    }
}
