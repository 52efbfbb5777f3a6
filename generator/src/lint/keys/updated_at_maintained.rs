//! `keys/updated-at-maintained`: an `updated_at` that nothing updates.

use crate::lint::{Knob, KnobDefault, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "keys/updated-at-maintained",
    summary: "an `updated_at` column with no trigger on its table to maintain it",
    rationale: "`updated_at timestamptz = now()` is set once, on insert; an `UPDATE` leaves it alone unless every writer remembers to set it, and one that forgets makes the column lie. A `before update` trigger keeps it true whoever writes (the design template declares the column but never maintains it). The rule counts a trigger on the table in the model, in a `sql` block's `@creates`, or written in a `sql` block as `create trigger ... update ... on table`.",
    bad: "entity Post {\n  id bigint @pk @identity\n  updated_at timestamptz = now()\n}\n",
    good: "entity Post {\n  id bigint @pk @identity\n  updated_at timestamptz = now()\n}\n\nsql touch_posts @creates(function touch_updated_at(), trigger trg_posts_touch on posts) @depends(Post) {\n  create function touch_updated_at() returns trigger language plpgsql as $$\n  begin new.updated_at := now(); return new; end $$;\n  create trigger trg_posts_touch before update on posts\n    for each row execute function touch_updated_at();\n}\n",
    knobs: &[Knob {
        name: "column",
        default: KnobDefault::Str("updated_at"),
        help: "the column that records the last change",
    }],
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let name = cx.knob_str("column");
    for c in cx.columns() {
        if c.column.name != name {
            continue;
        }
        let table = &c.table.sql;
        let raw_trigger = cx
            .model
            .raw
            .iter()
            .any(|r| {
                r.creates
                    .iter()
                    .any(|k| k.kind == crate::key::ObjectKind::Trigger && &k.name == table)
            });
        let written = cx
            .model
            .raw
            .iter()
            .any(|r| creates_update_trigger(&r.body.sql, &table.name));
        if raw_trigger || written || cx.model.triggers.iter().any(|t| &t.table == table) {
            continue;
        }
        out.push(
            cx.finding(format!("nothing keeps `{}.{name}` current", table.name))
                .label(c.name_span(), "set on insert only")
                .help("add a `before update` trigger that sets it (in a `sql` block that `@creates` it), or drop the column"),
        );
    }
}

/// Whether SQL text has `create trigger ... update ... on <table>` (the
/// table's name bare, quoted or schema-qualified).
fn creates_update_trigger(sql: &str, table: &str) -> bool {
    let lower = sql.to_lowercase();
    lower.split("create trigger").skip(1).any(|stmt| {
        let head = stmt.split("execute").next().unwrap_or("");
        let words: Vec<&str> = head.split_whitespace().collect();
        words.contains(&"update")
            && words.windows(2).any(|w| {
                w[0] == "on" && {
                    let name = w[1].rsplit('.').next().unwrap_or("");
                    name.trim_matches('"') == table
                }
            })
    })
}
