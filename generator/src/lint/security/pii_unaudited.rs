//! `security/pii-unaudited`: a table holding classified personal data
//! whose changes are not audited.

use crate::lint::{Level, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "security/pii-unaudited",
    level: Level::Info,
    summary: "a table with `@pii` columns and no `@audit`",
    rationale: "Who changed personal data, and when, is what a data-protection review asks first, and what an erasure must be able to show it reached. `@audit` records every change with its actor; `erase_subject` then removes the classified values from those records while keeping that the change happened. A table holding classified data without it leaves no trail. The rule reports at level info: raise it to warning in `schemac.toml` where every table with personal data must be audited.",
    bad: "entity Customer {\n  id    bigint @pk @identity\n  email text @pii(email)\n}\n",
    good: "entity Customer @audit {\n  id    bigint @pk @identity\n  email text @pii(email)\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for e in cx.entities() {
        let t = e.table;
        if t.declared_policies.pii.is_empty() || t.declared_policies.audit.is_some() {
            continue;
        }
        let columns: Vec<&str> = t
            .declared_policies
            .pii
            .iter()
            .map(|p| p.column.as_str())
            .collect();
        out.push(
            cx.finding(format!(
                "{} holds personal data ({}) and its changes are not audited",
                t.name,
                columns.join(", ")
            ))
            .label(e.name_span(), "no `@audit`")
            .help("add `@audit` to the entity (or `audit = true` under `[policies]` in schemac.toml)"),
        );
    }
}
