//! `naming/column-snake-case`: column names are snake_case.

use super::table_plural_snake_case::is_snake_case;
use crate::lint::{LintContext, Rule, BASE};
use dsl::Diagnostic;
use heck::ToSnakeCase;

pub const RULE: Rule = Rule {
    id: "naming/column-snake-case",
    summary: "a column name that is not snake_case",
    rationale: "The guideline names columns in snake_case (`first_name`, `created_at`). PostgreSQL folds unquoted names to lower case, so a column named `firstName` or `First Name` must be quoted in every query by every client, forever; snake_case never needs quotes.",
    bad: "entity User {\n  id bigint @pk @identity\n  firstName text\n}\n",
    good: "entity User {\n  id bigint @pk @identity\n  first_name text\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for c in cx.columns() {
        let name = &c.column.name;
        if is_snake_case(name) {
            continue;
        }
        let span = c
            .attr("column")
            .and_then(|a| a.args.first())
            .map_or(c.name_span(), |a| a.span);
        let fixed = name.to_snake_case();
        out.push(
            cx.finding(format!("column name `{name}` is not snake_case"))
                .label(span, format!("expected `{fixed}`"))
                .help(format!(
                    "name it `{fixed}`: lower-case words joined by `_` never need quotes in SQL"
                )),
        );
    }
}
