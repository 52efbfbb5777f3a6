//! `normalization/derivable-column`: a stored value that other columns
//! of the row already determine.

use crate::lint::{LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "normalization/derivable-column",
    summary: "a stored value other columns determine (`age` beside `birth_date`, `full_name` beside its parts)",
    rationale: "A column computed from other columns of the same row is a functional dependency inside the row: when the parts change and the copy is not updated, the row contradicts itself, and an age is wrong a year after it was written whatever the application does. Compute it when reading, or let PostgreSQL keep it with `@generated(...)` (which cannot go stale). The rule knows a few such pairs by name: `age` with a birth date, `full_name`/`display_name` with first and last names.",
    bad: "entity Person {\n  id         bigint @pk @identity\n  first_name text\n  last_name  text\n  full_name  text\n}\n",
    good: "entity Person {\n  id         bigint @pk @identity\n  first_name text\n  last_name  text\n  full_name  text @generated(first_name || ' ' || last_name)\n}\n",
    check,
    ..BASE
};

/// A derived column and the sets of columns, any of which determines it.
const DERIVED: &[(&str, &[&[&str]])] = &[
    ("age", &[&["birth_date"], &["date_of_birth"], &["birthday"], &["dob"]]),
    ("full_name", &[&["first_name", "last_name"], &["given_name", "family_name"]]),
    ("display_name", &[&["first_name", "last_name"], &["given_name", "family_name"]]),
];

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for c in cx.columns() {
        if c.column.generated.is_some() {
            continue;
        }
        let Some((_, sources)) = DERIVED.iter().find(|(d, _)| *d == c.column.name) else {
            continue;
        };
        let Some(parts) = sources
            .iter()
            .find(|set| set.iter().all(|p| c.table.column(p).is_some()))
        else {
            continue;
        };
        let list = parts.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(" and ");
        out.push(
            cx.finding(format!(
                "`{}` is determined by {list} and can go stale (judged by names)",
                c.column.name
            ))
            .label(c.name_span(), "stored copy of a computed value")
            .help("compute it when reading, or make it `@generated(...)` so PostgreSQL keeps it"),
        );
    }
}
