//! `naming/table-plural-snake-case`: table names are plural snake_case.

use crate::lint::{FixKind, Knob, KnobDefault, LintContext, Rule, BASE};
use crate::names;
use dsl::ast::ArgValue;
use dsl::{Diagnostic, Edit};
use heck::ToSnakeCase;

pub const RULE: Rule = Rule {
    id: "naming/table-plural-snake-case",
    summary: "a table name that is not plural snake_case",
    rationale: "The guideline names tables as plural nouns in snake_case (`users`, `order_items`): a table holds many rows, and one convention lets everyone guess a name without looking it up. Names schemac generates from entity names always follow it; this rule checks the names given with `@table`. English plurals are irregular, so names the inflection gets wrong for your domain go in the `allow` knob.",
    bad: "entity Person @table(Person) {\n  id bigint @pk @identity\n}\n",
    good: "entity Person @table(people) {\n  id bigint @pk @identity\n}\n",
    knobs: &[Knob {
        name: "allow",
        default: KnobDefault::List(&[]),
        help: "table names accepted as they are (e.g. `[\"analysis\"]`)",
    }],
    fix: FixKind::Unsafe,
    check,
    ..BASE
};

/// Lower-case words of letters and digits joined by single `_`.
pub(crate) fn is_snake_case(name: &str) -> bool {
    !name.is_empty()
        && name.split('_').all(|w| {
            !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && name.starts_with(|c: char| c.is_ascii_lowercase())
}

/// The name in snake_case with its last word plural.
fn suggestion(name: &str) -> String {
    let snake = name.to_snake_case();
    match snake.rsplit_once('_') {
        Some((head, last)) => format!("{head}_{}", names::plural(last)),
        None => names::plural(&snake),
    }
}

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let allow = cx.knob_list("allow");
    for e in cx.entities() {
        let name = &e.table.sql.name;
        if allow.iter().any(|a| a == name) {
            continue;
        }
        let last = name.rsplit('_').next().unwrap_or(name);
        let plural = names::is_plural(last);
        if is_snake_case(name) && plural {
            continue;
        }
        let fixed = suggestion(name);
        let arg = e.attr("table").and_then(|a| a.args.first());
        let span = arg.map_or(e.name_span(), |a| a.span);
        let what = if is_snake_case(name) {
            "is not plural"
        } else {
            "is not snake_case"
        };
        let mut d = cx
            .finding(format!("table name `{name}` {what}"))
            .label(span, format!("expected `{fixed}`"))
            .help(format!(
                "name tables with plural snake_case nouns, here `{fixed}`; if `{name}` is right, add it to the rule's `allow` knob"
            ));
        if let Some(a) = arg {
            if let ArgValue::Sql(sql) = &a.value {
                d = d.fix(
                    format!("rename the table to `{fixed}`"),
                    vec![Edit {
                        span: sql.span,
                        replacement: fixed.clone(),
                    }],
                );
            }
        }
        out.push(d);
    }
}
