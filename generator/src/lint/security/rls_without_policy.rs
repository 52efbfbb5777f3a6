//! `security/rls-without-policy`: row-level security on, and no policy.

use crate::lint::{facts, LintContext, Rule, BASE};
use crate::sqlparse::RawKind;
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "security/rls-without-policy",
    summary: "a table with row-level security enabled and no policy",
    rationale: "With row-level security enabled and no policy, PostgreSQL denies every row to every role except the owner and superusers: the application sees an empty table and inserts fail, while the owner (often the role migrations and jobs run as) still sees everything, so tests pass and production breaks. Either the policy was forgotten or RLS was enabled by mistake. The rule reads `alter table ... enable row level security` and `create policy` in `sql` blocks, and the policies of the model.",
    bad: "entity Document {\n  id        bigint @pk @identity\n  tenant_id bigint\n}\n\nsql document_rls @depends(Document) {\n  alter table documents enable row level security\n}\n",
    good: "entity Document {\n  id        bigint @pk @identity\n  tenant_id bigint\n}\n\nsql document_rls @depends(Document) {\n  alter table documents enable row level security;\n  create policy tenant_isolation on documents\n    using (tenant_id = current_setting('app.tenant_id', true)::bigint)\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let raw = facts::raw_statements(cx);
    let with_policy = |table: &str| {
        raw.iter().any(|(k, _)| matches!(k, RawKind::Policy { table: t, .. } if t == table))
            || cx
                .model
                .tables
                .iter()
                .any(|t| t.sql.name == table && !t.policies.is_empty())
    };
    for (kind, span) in &raw {
        let RawKind::EnableRls { table } = kind else {
            continue;
        };
        if with_policy(table.as_str()) {
            continue;
        }
        out.push(
            cx.finding(format!(
                "row-level security is enabled on `{table}`, which has no policy: every role but the owner sees no rows"
            ))
            .label(*span, "no policy on this table")
            .help(format!("add `create policy ... on {table} using (...)`, or do not enable row-level security")),
        );
    }
}
