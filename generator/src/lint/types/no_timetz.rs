//! `types/no-timetz`: `time with time zone`.

use crate::lint::{LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "types/no-timetz",
    summary: "a `timetz` (time with time zone) column",
    rationale: "A time of day with a UTC offset but no date cannot follow daylight-saving rules: `09:00+01` is not 9 o'clock in Paris in summer. PostgreSQL's documentation itself advises against the type. Store a `timestamptz` for an instant, or a `time` with a separate time-zone name for a recurring local time.",
    bad: "entity Shop {\n  id bigint @pk @identity\n  opens timetz\n}\n",
    good: "entity Shop {\n  id bigint @pk @identity\n  opens time\n  time_zone text\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for c in cx.columns() {
        if c.column.ty.builtin_name() != Some("timetz") {
            continue;
        }
        out.push(
            cx.finding(format!("`{}` is a time with time zone", c.column.name))
                .label(c.type_span(), "timetz")
                .help("use `time` and a time-zone name column, or `timestamptz`"),
        );
    }
}
