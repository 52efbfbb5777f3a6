//! `security/pii-unreachable`: personal data that `erase_subject` and
//! `export_subject` cannot find, because its table does not reach the
//! data subject through foreign keys.

use crate::graph::Graph;
use crate::lint::{LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "security/pii-unreachable",
    summary: "a `@pii` column in a table that does not reach the `@subject` through foreign keys",
    rationale: "`export_subject` and `erase_subject` find a subject's rows by following foreign keys from every table to the subject's. Personal data in a table with no such path (a contact list keyed by an email, a log that copies a user's name without a relation) is never exported and never erased, so a request to erase is answered while the data stays. Give the table a relation to the subject (or to a table that has one), or keep the data where one leads.",
    bad: "entity User @subject {\n  id bigint @pk @identity\n}\n\nentity Invitation {\n  id    bigint @pk @identity\n  email text @pii(email)\n}\n",
    good: "entity User @subject {\n  id bigint @pk @identity\n}\n\nentity Invitation {\n  id         bigint @pk @identity\n  invited_by -> User on delete cascade\n  email      text @pii(email)\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(subject) = cx
        .model
        .tables
        .iter()
        .find(|t| t.declared_policies.subject.is_some())
    else {
        return;
    };
    let key = subject.key();
    let reached = Graph::build(cx.model).referencing(&key);
    for e in cx.entities() {
        let t = e.table;
        if t.sql == subject.sql || reached.contains(&t.key()) {
            continue;
        }
        for p in &t.declared_policies.pii {
            out.push(
                cx.finding(format!(
                    "`{}.{}` is personal data that erase_subject cannot find: {} does not reach {} through foreign keys",
                    t.sql.name, p.column, t.name, subject.name
                ))
                .label(p.origin.span, "not reached from the subject")
                .help(format!(
                    "give {} a relation to {} (or to a table that has one), so its rows belong to a subject",
                    t.name, subject.name
                )),
            );
        }
    }
}
