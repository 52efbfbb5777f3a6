//! `naming/primary-key-name`: a primary key names the user gave follow the configured pattern.

use crate::lint::patterns::{self, Named};
use crate::lint::{Level, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "naming/primary-key-name",
    summary: "a primary key name that breaks the naming pattern (`pk_{table}`)",
    rationale: "The guideline names every constraint and index by a pattern (`idx_users_email`, `fk_orders_users`), so that an error message from the database, a migration or a query plan names its table at a glance. schemac generates names that follow the patterns; this rule checks the ones written by hand, against the `pattern` knob. At level info by default: the guideline fixes the index and foreign-key patterns only; this one is schemac's.",
    bad: "entity PostTag {\n  post_id bigint\n  tag_id bigint\n\n  primary key post_tag_key (post_id, tag_id)\n}\n",
    good: "entity PostTag {\n  post_id bigint\n  tag_id bigint\n\n  primary key pk_post_tags (post_id, tag_id)\n}\n",
    knobs: &[patterns::knob("pk_{table}")],
    level: Level::Info,
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    patterns::check(cx, out, |t| {
        t.primary_key.iter().map(|p| Named { what: "primary key", name: &p.name, source: p.origin.name, span: p.origin.span, referenced: "" }).collect()
    });
}
