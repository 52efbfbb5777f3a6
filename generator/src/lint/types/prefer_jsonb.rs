//! `types/prefer-jsonb`: `json` columns.

use crate::lint::{FixKind, LintContext, Rule, BASE};
use dsl::{Diagnostic, Edit};

pub const RULE: Rule = Rule {
    id: "types/prefer-jsonb",
    summary: "a `json` column, where `jsonb` is meant",
    rationale: "The guideline stores JSON as `jsonb`. `json` keeps the text as written and re-parses it for every operation; it has no equality operator (so no `DISTINCT`, `GROUP BY` or unique index) and no GIN indexing. `jsonb` is parsed once and indexable. Keep `json` only when the exact text (key order, duplicate keys, whitespace) must survive.",
    bad: "entity Event {\n  id bigint @pk @identity\n  payload json\n}\n",
    good: "entity Event {\n  id bigint @pk @identity\n  payload jsonb\n}\n",
    fix: FixKind::Unsafe,
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for c in cx.columns() {
        if c.column.ty.builtin_name() != Some("json") {
            continue;
        }
        let mut d = cx
            .finding(format!("`{}` is `json`", c.column.name))
            .label(c.type_span(), "json")
            .help("use `jsonb`: parsed once, comparable and indexable");
        if let Some(t) = c.type_ref() {
            d = d.fix(
                "change the type to `jsonb`",
                vec![Edit {
                    span: t.name_span,
                    replacement: "jsonb".into(),
                }],
            );
        }
        out.push(d);
    }
}
