//! `naming/foreign-key-name`: a foreign key names the user gave follow the configured pattern.

use crate::lint::patterns::{self, Named};
use crate::lint::{LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "naming/foreign-key-name",
    summary: "a foreign key name that breaks the naming pattern (`fk_{table}_{referenced_table}`)",
    rationale: "The guideline names every constraint and index by a pattern (`idx_users_email`, `fk_orders_users`), so that an error message from the database, a migration or a query plan names its table at a glance. schemac generates names that follow the patterns; this rule checks the ones written by hand, against the `pattern` knob.",
    bad: "entity User {\n  id bigint @pk @identity\n}\n\nentity Order {\n  id bigint @pk @identity\n  user_id -> User on delete cascade constraint order_user\n}\n",
    good: "entity User {\n  id bigint @pk @identity\n}\n\nentity Order {\n  id bigint @pk @identity\n  user_id -> User on delete cascade constraint fk_orders_users\n}\n",
    knobs: &[patterns::knob("fk_{table}_{referenced_table}")],
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    patterns::check(cx, out, |t| {
        t.foreign_keys.iter().map(|f| Named { what: "foreign key", name: &f.name, source: f.origin.name, span: f.origin.span, referenced: &f.target_table.name }).collect()
    });
}
