//! `security/grant-to-public`: privileges for every role.

use crate::lint::{facts, LintContext, Rule, BASE};
use crate::sqlparse::RawKind;
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "security/grant-to-public",
    summary: "a `grant ... to public`: privileges for every role, present and future",
    rationale: "`PUBLIC` is every role of the cluster, including roles created later for other applications, reporting tools or a compromised service. Grants belong to the roles that need them (a group role per application or duty), so that who can read or change what is a decision written down. The rule reads `grant` statements in `sql` blocks and the model's grants.",
    bad: "entity Report {\n  id bigint @pk @identity\n}\n\nsql report_grants @depends(Report) {\n  grant select on reports to public\n}\n",
    good: "entity Report {\n  id bigint @pk @identity\n}\n\nsql report_grants @depends(Report) {\n  do $$ begin\n    if not exists (select from pg_roles where rolname = 'reporting') then\n      create role reporting nologin;\n    end if;\n  end $$;\n  grant select on reports to reporting\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for (kind, span) in facts::raw_statements(cx) {
        if kind == RawKind::GrantToPublic {
            out.push(finding(cx).label(span, "granted to every role"));
        }
    }
    for site in cx.entities() {
        if site.table.grants.iter().any(|g| g.role.eq_ignore_ascii_case("public")) {
            out.push(finding(cx).label(site.name_span(), "granted to every role"));
        }
    }
}

fn finding(cx: &LintContext<'_>) -> Diagnostic {
    cx.finding("privileges granted to `public`, which is every role")
        .help("grant to the role that needs them (a group role per application or duty)")
}
