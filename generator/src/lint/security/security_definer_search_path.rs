//! `security/security-definer-search-path`: a `security definer`
//! function that resolves names through the caller's search path.

use crate::lint::{facts, LintContext, Rule, BASE};
use crate::sqlparse::RawKind;
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "security/security-definer-search-path",
    summary: "a `security definer` function without a fixed `search_path`",
    rationale: "A `security definer` function runs with its owner's rights, but looks up unqualified names (tables, functions, operators) through the search path of whoever calls it. A caller who can create objects in a schema on that path can put their own `lower()` or `users` there and have the function run it with the owner's rights, which is how privilege escalations through such functions work. Fix the path in the definition: `set search_path = pg_catalog, public` (or the schemas it needs, with `pg_temp` last). The rule reads `create function` statements in `sql` blocks.",
    bad: "sql whoami {\n  create function whoami() returns text\n  language sql security definer\n  as $$ select current_user::text $$\n}\n",
    good: "sql whoami {\n  create function whoami() returns text\n  language sql security definer\n  set search_path = pg_catalog, pg_temp\n  as $$ select current_user::text $$\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for (kind, span) in facts::raw_statements(cx) {
        let RawKind::DefinerFunction { name, fixed_search_path: false } = kind else {
            continue;
        };
        out.push(
            cx.finding(format!(
                "`{name}` runs with its owner's rights but resolves names through the caller's search path"
            ))
            .label(span, "security definer, no `set search_path`")
            .help("add `set search_path = pg_catalog, public, pg_temp` (the schemas it needs) to the definition"),
        );
    }
}
