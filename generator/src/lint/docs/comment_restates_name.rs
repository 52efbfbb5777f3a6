//! `docs/comment-restates-name`: a doc comment that only repeats the name.

use crate::lint::{facts, Level, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "docs/comment-restates-name",
    level: Level::Info,
    summary: "a doc comment that says no more than the name (`/// The user id.` on `user_id`)",
    rationale: "A comment that restates the name counts as documentation (coverage goes up) while telling the reader nothing: what unit the amount is in, which time zone, who sets it, what null means. Say what the name cannot, or leave the comment out.",
    bad: "entity Invoice {\n  id       bigint @pk @identity\n  /// The due date.\n  due_date date\n}\n",
    good: "entity Invoice {\n  id       bigint @pk @identity\n  /// Thirty days after issue unless the contract says otherwise.\n  due_date date\n}\n",
    check,
    ..BASE
};

const FILLER: &[&str] = &["the", "a", "an", "of", "this", "its", "for", "is", "it", "s", "column", "field", "value", "entity", "table", "record", "row"];

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let say_nothing = |doc: &str, name: &str| {
        let names = facts::words(name);
        // `a` is `b` with an `s` added.
        let plural = |a: &str, b: &str| a.len() == b.len() + 1 && a.ends_with('s') && a.starts_with(b);
        let mut words = doc
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(facts::lowercase)
            .filter(|w| !FILLER.contains(&&**w))
            .peekable();
        words.peek().is_some() && words.all(|w| names.iter().any(|n| *n == w || plural(&w, n) || plural(n, &w)))
    };
    for site in cx.entities() {
        let Some(doc) = &site.table.doc else {
            continue;
        };
        if say_nothing(doc, &site.table.sql.name) || say_nothing(doc, &crate::names::type_name(&site.table.name)) {
            out.push(finding(cx, &site.table.name).label(site.name_span(), "documented by its name only"));
        }
    }
    for c in cx.columns() {
        let Some(doc) = &c.column.doc else {
            continue;
        };
        if say_nothing(doc, &c.column.name) {
            out.push(finding(cx, &c.column.name).label(c.name_span(), "documented by its name only"));
        }
    }
}

fn finding(cx: &LintContext<'_>, name: &str) -> Diagnostic {
    cx.finding(format!("the doc comment of `{name}` only repeats its name"))
        .help("say what the name cannot: unit, time zone, who sets it, what null means")
}
