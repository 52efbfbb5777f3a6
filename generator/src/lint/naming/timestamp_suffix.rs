//! `naming/timestamp-suffix`: points in time are named `*_at`.

use crate::lint::{Knob, KnobDefault, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "naming/timestamp-suffix",
    summary: "a timestamp column not named `*_at`",
    rationale: "The guideline's timestamps are `created_at`, `updated_at`, `expires_at`: a name ending in `_at` says the column is a point in time, and keeps it apart from a date (`birth_date`), a duration or a flag (`is_deleted` vs `deleted_at`). The accepted suffixes are a knob.",
    bad: "entity Session {\n  id bigint @pk @identity\n  expiry timestamptz\n}\n",
    good: "entity Session {\n  id bigint @pk @identity\n  expires_at timestamptz\n}\n",
    knobs: &[Knob {
        name: "suffixes",
        default: KnobDefault::List(&["_at"]),
        help: "the suffixes a `timestamp`/`timestamptz` column name may end with",
    }],
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let suffixes = cx.knob_list("suffixes");
    for c in cx.columns() {
        if !matches!(
            c.column.ty.builtin_name(),
            Some("timestamptz" | "timestamp")
        ) {
            continue;
        }
        let name = &c.column.name;
        if suffixes.iter().any(|s| name.ends_with(s.as_str())) {
            continue;
        }
        let first = suffixes.first().map_or("_at", String::as_str);
        out.push(
            cx.finding(format!("timestamp column `{name}` does not end in {}", suffixes.join(", ")))
                .label(c.name_span(), "a point in time")
                .help(format!("name it after the event, e.g. `{name}{first}`")),
        );
    }
}
