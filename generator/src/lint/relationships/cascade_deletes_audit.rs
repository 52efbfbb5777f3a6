//! `relationships/cascade-deletes-audit`: deleting a row cascades into a
//! table that records what happened.

use crate::lint::{facts, Knob, KnobDefault, LintContext, Rule, BASE};
use crate::model::{Action, QName, Table};
use dsl::Diagnostic;
use rustc_hash::FxHashMap;

pub const RULE: Rule = Rule {
    id: "relationships/cascade-deletes-audit",
    summary: "an `on delete cascade` chain that deletes audit, history or ledger rows",
    rationale: "Audit logs, history tables and ledgers exist to outlive the rows they describe: the record that a user changed an invoice is needed most after the user is gone. An `on delete cascade` from such a table (or a chain of cascades leading into it) erases the record together with its subject, silently. Keep the row and forget the link (`on delete set null` on a nullable column), or refuse the delete (`restrict`). A table counts as audited when it has `@audit` or a word of its name is in the knob `audit_words`.",
    bad: "entity User {\n  id uuid @pk = gen_random_uuid()\n}\n\nentity AuditLog {\n  id         bigint @pk @identity\n  changed_by -> User on delete cascade\n  action     text\n}\n",
    good: "entity User {\n  id uuid @pk = gen_random_uuid()\n}\n\nentity AuditLog {\n  id         bigint @pk @identity\n  changed_by -> User? on delete set null\n  action     text\n}\n",
    knobs: &[Knob {
        name: "audit_words",
        default: KnobDefault::List(&["audit", "audits", "history", "histories", "ledger", "ledgers", "journal", "journals", "log", "logs"]),
        help: "words of a table name that mark it as a record to keep",
    }],
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let words = cx.knob_list("audit_words");
    let tables: FxHashMap<&QName, &Table> = cx.model.tables.iter().map(|t| (&t.sql, t)).collect();
    for site in cx.entities() {
        let table = site.table;
        let audited = site.attr("audit").is_some()
            || facts::has_word(&table.sql.name, &words);
        if !audited {
            continue;
        }
        for fk in &table.foreign_keys {
            if fk.on_delete != Action::Cascade || fk.target_table == table.sql {
                continue;
            }
            let roots = cascading_into(&tables, &fk.target_table);
            let through = if roots.is_empty() {
                String::new()
            } else {
                let names: Vec<String> = roots.iter().map(|t| format!("`{}`", t.name)).collect();
                format!(", and so does deleting from {}", names.join(", "))
            };
            out.push(
                cx.finding(format!(
                    "deleting a `{}` row deletes the `{}` rows that record it{through}",
                    fk.target_table.name, table.sql.name
                ))
                .label(fk.origin.span, "cascades into an audited table")
                .help("keep the record: `on delete set null` (on a nullable column) or `on delete restrict`"),
            );
        }
    }
}

/// The tables whose deletes cascade, through one or more keys, into
/// deletes from `start`, in name order.
fn cascading_into(tables: &FxHashMap<&QName, &Table>, start: &QName) -> Vec<QName> {
    let mut seen: Vec<QName> = vec![start.clone()];
    let mut queue = vec![start.clone()];
    while let Some(at) = queue.pop() {
        let Some(t) = tables.get(&at) else {
            continue;
        };
        for fk in &t.foreign_keys {
            if fk.on_delete == Action::Cascade && !seen.contains(&fk.target_table) {
                seen.push(fk.target_table.clone());
                queue.push(fk.target_table.clone());
            }
        }
    }
    seen.remove(0);
    seen.sort();
    seen
}
