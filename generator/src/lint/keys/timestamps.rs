//! `keys/timestamps`: the bookkeeping columns the guideline wants.

use crate::lint::{Level, Knob, KnobDefault, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "keys/timestamps",
    summary: "a table without `created_at` / `updated_at`",
    rationale: "The guideline: always include `created_at` and `updated_at`. They answer the first questions of every incident and every data fix (when did this row appear, when did it last change) and make incremental exports possible; adding them later leaves the existing rows without history. A mixin (`mixin Timestamps { created_at timestamptz = now() ... }`) adds them everywhere. The columns are a knob. At level info by default: append-only tables (events, logs) rightly have no `updated_at`.",
    bad: "entity Order {\n  id bigint @pk @identity\n}\n",
    good: "entity Order {\n  id bigint @pk @identity\n  created_at timestamptz = now()\n  updated_at timestamptz = now()\n}\n",
    knobs: &[Knob {
        name: "columns",
        default: KnobDefault::List(&["created_at", "updated_at"]),
        help: "the columns every table has",
    }],
    level: Level::Info,
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let wanted = cx.knob_list("columns");
    for e in cx.entities() {
        let missing: Vec<&str> = wanted
            .iter()
            .filter(|w| e.table.column(w).is_none())
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            continue;
        }
        let list = missing
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        out.push(
            cx.finding(format!("table `{}` has no {list}", e.table.sql.name))
                .label(e.name_span(), format!("no {list}"))
                .help(format!(
                    "add {list} (`timestamptz = now()`), e.g. through a mixin used by every entity"
                )),
        );
    }
}
