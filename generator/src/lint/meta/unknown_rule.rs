//! `lint/unknown-rule`: a suppression names no rule or group.

use crate::lint::{groups, LintContext, Level, Rule, BASE, RULES};
use crate::resolve::suggest;
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "lint/unknown-rule",
    level: Level::Error,
    summary: "a suppression names a rule or group that does not exist",
    rationale: "A suppression that names a misspelt or removed rule suppresses nothing, and the comment then claims a decision nobody can see in the output. Every name in `allow(...)` must be a rule id (`naming/table-plural-snake-case`) or a group (`naming`).",
    bad: "entity User {\n  id bigint @pk @identity\n  // schemac: allow(naming/no-such-rule) reason: kept from the old schema\n  login text\n}\n",
    good: "entity User {\n  id bigint @pk @identity\n  login text\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let groups = groups();
    for m in &cx.project.modules {
        for s in &m.ast.suppressions {
            for r in &s.rules {
                let known = RULES.iter().any(|rule| rule.id == r.id) || groups.contains(&r.id.as_str());
                if known {
                    continue;
                }
                let candidates = RULES.iter().map(|rule| rule.id).chain(groups.iter().copied());
                let help = match suggest(&r.id, candidates) {
                    Some(s) => format!("did you mean `{s}`? `schemac lint --list-rules` lists every rule"),
                    None => "`schemac lint --list-rules` lists every rule and group".to_string(),
                };
                out.push(
                    cx.finding(format!("no lint rule or group is called `{}`", r.id))
                        .label(r.span, "not a rule or group")
                        .help(help),
                );
            }
        }
    }
}
