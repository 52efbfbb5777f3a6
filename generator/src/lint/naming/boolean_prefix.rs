//! `naming/boolean-prefix`: boolean columns read as questions.

use crate::lint::{Knob, KnobDefault, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "naming/boolean-prefix",
    summary: "a boolean column not named as a yes/no question (`is_`, `has_`, ...)",
    rationale: "A boolean named `active` or `email_verified` could be a date, a status or a count to a reader of a query; `is_active` and `has_verified_email` can only be true or false, and read well in `WHERE is_active`. The accepted prefixes are a knob.",
    bad: "entity User {\n  id bigint @pk @identity\n  active boolean = true\n}\n",
    good: "entity User {\n  id bigint @pk @identity\n  is_active boolean = true\n}\n",
    knobs: &[Knob {
        name: "prefixes",
        default: KnobDefault::List(&["is_", "has_", "can_", "should_", "was_", "allow_", "allows_"]),
        help: "the prefixes a boolean column name may start with",
    }],
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let prefixes = cx.knob_list("prefixes");
    for c in cx.columns() {
        if c.column.ty.builtin_name() != Some("boolean") {
            continue;
        }
        let name = &c.column.name;
        if prefixes.iter().any(|p| name.starts_with(p.as_str())) {
            continue;
        }
        let first = prefixes.first().map_or("is_", String::as_str);
        out.push(
            cx.finding(format!("boolean column `{name}` does not say what is true"))
                .label(c.name_span(), "a boolean")
                .help(format!(
                    "start its name with one of {}: e.g. `{first}{name}`",
                    prefixes.join(", ")
                )),
        );
    }
}
