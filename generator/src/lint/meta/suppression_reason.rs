//! `lint/suppression-reason`: a suppression without `reason:`.

use crate::lint::{LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "lint/suppression-reason",
    summary: "a suppression without a reason",
    rationale: "A suppression is a decision that a rule does not apply here. Without the reason, a reviewer cannot tell a considered exception from a silenced warning, and nobody can revisit it when the reason stops being true. The suppression still applies; this finding asks for the reason.",
    bad: "entity Datum @table(data) {\n  id bigint @pk @identity\n  // schemac: allow(naming)\n  Value text\n}\n",
    good: "entity Datum @table(data) {\n  id bigint @pk @identity\n  // schemac: allow(naming) reason: the column name is fixed by the reporting tool\n  Value text\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for m in &cx.project.modules {
        for s in m.ast.suppressions.iter().filter(|s| s.reason.is_none()) {
            out.push(
                cx.finding("this suppression gives no reason")
                    .label(s.span, "no `reason:`")
                    .help("add why the rule does not apply here: `// schemac: allow(rule) reason: ...`"),
            );
        }
    }
}
