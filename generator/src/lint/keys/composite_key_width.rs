//! `keys/composite-key-width`: primary keys of many columns.

use crate::lint::{Knob, KnobDefault, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "keys/composite-key-width",
    summary: "a primary key of more columns than the `max` knob (4)",
    rationale: "Every table that references a row copies its whole key, and every index on the referencing side carries it: a five-column key makes each foreign key five columns wide, and a change to any of them cascades everywhere. Past a few columns, a surrogate key with a unique constraint over the natural columns is easier to reference and to change.",
    bad: "entity Reading {\n  site text\n  sensor text\n  channel text\n  unit text\n  taken_at timestamptz\n\n  primary key (site, sensor, channel, unit, taken_at)\n}\n",
    good: "entity Reading {\n  id bigint @pk @identity\n  site text\n  sensor text\n  channel text\n  unit text\n  taken_at timestamptz\n\n  unique (site, sensor, channel, unit, taken_at)\n}\n",
    knobs: &[Knob {
        name: "max",
        default: KnobDefault::Int(4),
        help: "the most columns a primary key may have",
    }],
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let max = cx.knob_int("max").max(1) as usize;
    for e in cx.entities() {
        let Some(pk) = &e.table.primary_key else {
            continue;
        };
        if pk.columns.len() <= max {
            continue;
        }
        out.push(
            cx.finding(format!(
                "the primary key of `{}` has {} columns",
                e.table.sql.name,
                pk.columns.len()
            ))
            .label(cx.without_doc(pk.origin.span), format!("more than {max}"))
            .help("use a surrogate `id` key and keep the natural columns unique"),
        );
    }
}
