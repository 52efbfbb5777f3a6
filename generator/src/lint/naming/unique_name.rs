//! `naming/unique-name`: a unique constraint names the user gave follow the configured pattern.

use crate::lint::patterns::{self, Named};
use crate::lint::{Level, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "naming/unique-name",
    summary: "a unique constraint name that breaks the naming pattern (`uq_{table}_{columns}`)",
    rationale: "The guideline names every constraint and index by a pattern (`idx_users_email`, `fk_orders_users`), so that an error message from the database, a migration or a query plan names its table at a glance. schemac generates names that follow the patterns; this rule checks the ones written by hand, against the `pattern` knob. At level info by default: the guideline fixes the index and foreign-key patterns only; this one is schemac's.",
    bad: "entity User {\n  id bigint @pk @identity\n  email text\n\n  unique email_unique (email)\n}\n",
    good: "entity User {\n  id bigint @pk @identity\n  email text\n\n  unique uq_users_email (email)\n}\n",
    knobs: &[patterns::knob("uq_{table}_{columns}")],
    level: Level::Info,
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    patterns::check(cx, out, |t| {
        t.uniques.iter().map(|u| Named { what: "unique constraint", name: &u.name, source: u.origin.name, span: u.origin.span, referenced: "" }).collect()
    });
}
