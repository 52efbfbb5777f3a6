//! `naming/index-name`: an index names the user gave follow the configured pattern.

use crate::lint::patterns::{self, Named};
use crate::lint::{LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "naming/index-name",
    summary: "an index name that breaks the naming pattern (`idx_{table}_{columns}`)",
    rationale: "The guideline names every constraint and index by a pattern (`idx_users_email`, `fk_orders_users`), so that an error message from the database, a migration or a query plan names its table at a glance. schemac generates names that follow the patterns; this rule checks the ones written by hand, against the `pattern` knob (a unique index may also follow `uq_{table}_{columns}`).",
    bad: "entity User {\n  id bigint @pk @identity\n  email text\n\n  index users_by_email (email)\n}\n",
    good: "entity User {\n  id bigint @pk @identity\n  email text\n\n  index idx_users_email (email)\n}\n",
    knobs: &[patterns::knob("idx_{table}_{columns}")],
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    patterns::check(cx, out, |t| {
        t.indexes
            .iter()
            // A unique index may be named as the unique key it is.
            .filter(|i| !(i.unique && patterns::matches("uq_{table}_{columns}", &i.name, &t.sql.name, "")))
            .map(|i| Named { what: "index", name: &i.name, source: i.origin.name, span: i.origin.span, referenced: "" }).collect()
    });
}
