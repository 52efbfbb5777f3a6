//! `relationships/missing-foreign-key`: a column named after a table's
//! key that is no foreign key.

use crate::lint::{facts, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "relationships/missing-foreign-key",
    summary: "a `<table>_id` column with the key's type that references nothing",
    rationale: "The guideline says: always use foreign key constraints. A column named `customer_id`, of the type of `customers.id`, almost surely holds a customer's key; without a foreign key nothing stops it from naming a customer that never existed or was deleted, and nothing says what happens to the row when the customer goes. This rule reads names, so it can be wrong: a column that only happens to share the name (an external system's id) is suppressed with a reason, or renamed (`crm_customer_id`).",
    bad: "entity Customer {\n  id uuid @pk = gen_random_uuid()\n}\n\nentity Order {\n  id          bigint @pk @identity\n  customer_id uuid\n}\n",
    good: "entity Customer {\n  id uuid @pk = gen_random_uuid()\n}\n\nentity Order {\n  id          bigint @pk @identity\n  customer_id -> Customer on delete restrict\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let by_name = cx.tables_by_name();
    for c in cx.columns() {
        let (table, name) = (c.table, &c.column.name);
        if facts::in_foreign_key(table, name) {
            continue;
        }
        let Some(target) = facts::implied_target(by_name, table, name) else {
            continue;
        };
        let Some(pk) = target.primary_key.as_ref().filter(|p| p.columns.len() == 1) else {
            continue;
        };
        // A different type is `relationships/fk-type-mismatch`'s finding.
        if target.column(&pk.columns[0]).is_none_or(|k| k.ty != c.column.ty) {
            continue;
        }
        out.push(
            cx.finding(format!(
                "`{name}` looks like a reference to `{}` but has no foreign key (judged by its name)",
                target.sql.name
            ))
            .label(c.name_span(), "no foreign key")
            .help(format!(
                "write it as a relation: `{} -> {} on delete ...`",
                c.column.field, target.name
            )),
        );
    }
}
