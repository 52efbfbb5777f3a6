//! `indexing/too-many-indexes`: more indexes than writes can afford.

use crate::lint::{facts, Knob, KnobDefault, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "indexing/too-many-indexes",
    summary: "more indexes than the table's writes can afford, stricter for write-heavy tables",
    rationale: "Every index is written on every insert, and on every update that touches its columns or cannot be a HOT update. Tables that mostly receive rows (audit logs, events, metrics) pay that on each write and are read rarely, by few queries: a handful of indexes serves them, and each extra one slows the writes the table exists for. The primary key and unique keys count too. Write-heavy tables are those with `@audit` or a name word in the knob `write_heavy_words`; they may have `max_write_heavy` indexes (4), other tables `max` (12).",
    bad: "entity Event {\n  id         bigint @pk @identity\n  kind       text @index\n  user_id    bigint @index\n  session_id bigint @index\n  path       text @index\n  created_at timestamptz = now() @index\n}\n",
    good: "entity Event {\n  id         bigint @pk @identity\n  kind       text\n  user_id    bigint\n  session_id bigint\n  path       text\n  created_at timestamptz = now() @index(brin)\n\n  index (user_id, created_at)\n}\n",
    knobs: &[
        Knob {
            name: "max",
            default: KnobDefault::Int(12),
            help: "the most indexes on any table",
        },
        Knob {
            name: "max_write_heavy",
            default: KnobDefault::Int(4),
            help: "the most indexes on a write-heavy table",
        },
        Knob {
            name: "write_heavy_words",
            default: KnobDefault::List(&["audit", "audits", "event", "events", "log", "logs", "metric", "metrics", "measurement", "measurements", "history", "histories", "tracking", "clicks", "views", "impressions"]),
            help: "words of a table name that mark it as receiving mostly inserts",
        },
    ],
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let words = cx.knob_list("write_heavy_words");
    let (max, max_heavy) = (cx.knob_int("max"), cx.knob_int("max_write_heavy"));
    for site in cx.entities() {
        let t = site.table;
        let heavy = site.attr("audit").is_some()
            || facts::has_word(&t.sql.name, &words);
        let limit = if heavy { max_heavy.min(max) } else { max };
        let n = cx.keys(t).len() as i64;
        if n > limit {
            let what = if heavy { "a write-heavy table" } else { "a table" };
            out.push(
                cx.finding(format!(
                    "`{}` has {n} indexes; {what} may have {limit}",
                    t.sql.name
                ))
                .label(site.name_span(), format!("{n} indexes, counting its keys"))
                .help("drop indexes no frequent query needs, or merge them into composite ones"),
            );
        }
    }
}
