//! `security/policy-always-true`: a policy that lets every row through.

use crate::lint::{facts, LintContext, Rule, BASE};
use crate::sqlparse::RawKind;
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "security/policy-always-true",
    summary: "a row-level security policy whose `using` or `with check` is `true`",
    rationale: "A policy `using (true)` admits every row for the roles and commands it names: policies are permissive by default, so it also overrides every stricter policy on the same table. It is the usual way row-level security gets switched off without anyone noticing. Write the condition that limits the rows (the tenant, the owner), or drop the policy if the table needs none.",
    bad: "entity Document {\n  id        bigint @pk @identity\n  tenant_id bigint\n}\n\nsql document_rls @depends(Document) {\n  alter table documents enable row level security;\n  create policy everyone on documents using (true)\n}\n",
    good: "entity Document {\n  id        bigint @pk @identity\n  tenant_id bigint\n}\n\nsql document_rls @depends(Document) {\n  alter table documents enable row level security;\n  create policy tenant_isolation on documents\n    using (tenant_id = current_setting('app.tenant_id', true)::bigint)\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for (kind, span) in facts::raw_statements(cx) {
        let RawKind::Policy { name, table, always_true: true } = kind else {
            continue;
        };
        out.push(finding(cx, &name, &table).label(span, "admits every row"));
    }
    for t in &cx.model.tables {
        for p in &t.policies {
            let open = [&p.using, &p.with_check]
                .into_iter()
                .flatten()
                .find(|e| e.canonical().eq_ignore_ascii_case("true"));
            if let Some(e) = open {
                out.push(finding(cx, &p.name, &t.sql.name).label(e.span, "admits every row"));
            }
        }
    }
}

fn finding(cx: &LintContext<'_>, name: &str, table: &str) -> Diagnostic {
    cx.finding(format!(
        "policy `{name}` on `{table}` is always true: row-level security filters nothing for it"
    ))
    .help("write the condition that limits the rows (tenant, owner), or drop the policy")
}
