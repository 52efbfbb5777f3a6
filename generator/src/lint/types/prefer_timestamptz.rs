//! `types/prefer-timestamptz`: `timestamp` without time zone.

use crate::lint::{FixKind, LintContext, Rule, BASE};
use dsl::{Diagnostic, Edit};

pub const RULE: Rule = Rule {
    id: "types/prefer-timestamptz",
    summary: "a `timestamp` (without time zone) column",
    rationale: "`timestamp` stores a wall-clock reading without saying where: the same value means different instants to clients in different time zones, and daylight-saving changes make some values ambiguous. `timestamptz` stores an instant (in UTC) and converts on the way in and out; it costs the same eight bytes.",
    bad: "entity Event {\n  id bigint @pk @identity\n  happened_at timestamp\n}\n",
    good: "entity Event {\n  id bigint @pk @identity\n  happened_at timestamptz\n}\n",
    fix: FixKind::Unsafe,
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for c in cx.columns() {
        if c.column.ty.builtin_name() != Some("timestamp") {
            continue;
        }
        let mut d = cx
            .finding(format!("`{}` is a timestamp without time zone", c.column.name))
            .label(c.type_span(), "timestamp without time zone")
            .help("use `timestamptz`: an instant, the same for every client");
        if let Some(t) = c.type_ref() {
            d = d.fix(
                "change the type to `timestamptz`",
                vec![Edit {
                    span: t.name_span,
                    replacement: "timestamptz".into(),
                }],
            );
        }
        out.push(d);
    }
}
