//! `naming/check-name`: a check constraint names the user gave follow the configured pattern.

use crate::lint::patterns::{self, Named};
use crate::lint::{Level, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "naming/check-name",
    summary: "a check constraint name that breaks the naming pattern (`chk_{table}_{columns}`)",
    rationale: "The guideline names every constraint and index by a pattern (`idx_users_email`, `fk_orders_users`), so that an error message from the database, a migration or a query plan names its table at a glance. schemac generates names that follow the patterns; this rule checks the ones written by hand, against the `pattern` knob. At level info by default: the guideline fixes the index and foreign-key patterns only; this one is schemac's.",
    bad: "entity Product {\n  id bigint @pk @identity\n  price numeric(12,2)\n\n  check positive_price (price >= 0)\n}\n",
    good: "entity Product {\n  id bigint @pk @identity\n  price numeric(12,2)\n\n  check chk_products_price (price >= 0)\n}\n",
    knobs: &[patterns::knob("chk_{table}_{columns}")],
    level: Level::Info,
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    patterns::check(cx, out, |t| {
        t.checks.iter().map(|c| Named { what: "check constraint", name: &c.name, source: c.origin.name, span: c.origin.span, referenced: "" }).collect()
    });
}
