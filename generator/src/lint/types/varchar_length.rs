//! `types/varchar-length`: the string type the project chose.

use crate::lint::{Knob, KnobDefault, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "types/varchar-length",
    summary: "a string column against the project's choice: `varchar` without a length (or, with `prefer = \"text\"`, any `varchar`)",
    rationale: "The guideline wants `varchar` with an appropriate length limit, so a bad input is refused by the database rather than stored; `varchar` without a length is `text` under another name and limits nothing. Many teams prefer `text` with checks instead (in PostgreSQL they perform the same, and changing a length later rewrites nothing only when it grows): set the `prefer` knob to `\"text\"` and the rule flags `varchar(n)` instead.",
    bad: "entity User {\n  id bigint @pk @identity\n  email varchar\n}\n",
    good: "entity User {\n  id bigint @pk @identity\n  email varchar(320)\n}\n",
    knobs: &[Knob {
        name: "prefer",
        default: KnobDefault::Str("varchar"),
        help: "`\"varchar\"`: strings have a length limit; `\"text\"`: strings are `text`",
    }],
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let prefer_text = cx.knob_str("prefer") == "text";
    for c in cx.columns() {
        if c.column.ty.builtin_name() != Some("varchar") {
            continue;
        }
        let name = &c.column.name;
        if prefer_text {
            out.push(
                cx.finding(format!("`{name}` is `{}`; this project uses `text`", c.column.ty))
                    .label(c.type_span(), "varchar")
                    .help("use `text`, with a check on `length(...)` if there is a limit"),
            );
        } else if c.column.ty.args.is_empty() {
            out.push(
                cx.finding(format!("`{name}` is `varchar` without a length"))
                    .label(c.type_span(), "no limit")
                    .help("give the longest value it may hold, e.g. `varchar(255)`, or use `text`"),
            );
        }
    }
}
