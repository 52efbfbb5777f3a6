//! `keys/require-primary-key`: every table has a primary key.

use crate::lint::{LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "keys/require-primary-key",
    summary: "a table without a primary key",
    rationale: "Without a primary key a row cannot be addressed: duplicates creep in, other tables can reference it only through some unique column, logical replication cannot replicate its updates and deletes, and most tools (ORMs, admin consoles, CDC) refuse or misbehave. Give every table a key, a surrogate `id` or the natural columns that identify a row.",
    bad: "entity Setting {\n  name text\n  value text\n}\n",
    good: "entity Setting {\n  name text @pk\n  value text\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for e in cx.entities() {
        if e.table.primary_key.is_some() {
            continue;
        }
        out.push(
            cx.finding(format!("table `{}` has no primary key", e.table.sql.name))
                .label(e.name_span(), "no primary key")
                .help("add `id bigint @pk @identity` (or `uuid @pk = gen_random_uuid()`), or mark the identifying columns `@pk`"),
        );
    }
}
