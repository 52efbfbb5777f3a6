//! `relationships/natural-key-without-on-update`: a reference to a key
//! that can change, with no `on update`.

use crate::lint::{LintContext, Rule, BASE};
use dsl::ast::{self, RefEvent};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "relationships/natural-key-without-on-update",
    summary: "a relation to a unique column other than the primary key, without `on update`",
    rationale: "A surrogate primary key never changes, so what happens on update does not matter. A relation to another unique column (a SKU, a handle, an e-mail address) references a value people correct: without `on update`, correcting it fails while any row references it (`NO ACTION`), which is rarely what was meant. The guideline asks to be explicit about ON DELETE and ON UPDATE; say `on update cascade` to follow the change, or `on update restrict` to refuse it.",
    bad: "entity Product {\n  id  uuid @pk = gen_random_uuid()\n  sku text @unique\n}\n\nentity OrderLine {\n  id  bigint @pk @identity\n  sku -> Product(sku) on delete restrict\n}\n",
    good: "entity Product {\n  id  uuid @pk = gen_random_uuid()\n  sku text @unique\n}\n\nentity OrderLine {\n  id  bigint @pk @identity\n  sku -> Product(sku) on delete restrict on update cascade\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for c in cx.columns() {
        let Some(ast::ColumnType::Relation(r)) = c.ast.map(|a| &a.ty) else {
            continue;
        };
        if r.target_columns.is_empty() || r.actions.iter().any(|a| a.event == RefEvent::Update) {
            continue;
        }
        let Some(fk) = c
            .table
            .foreign_keys
            .iter()
            .find(|f| f.columns.len() == 1 && f.columns[0] == c.column.name)
        else {
            continue;
        };
        let target_pk = cx
            .table(&fk.target_table)
            .and_then(|t| t.primary_key.as_ref());
        if target_pk.is_some_and(|p| p.columns == fk.target_columns) {
            continue;
        }
        out.push(
            cx.finding(format!(
                "`{}` references `{}.{}`, a key that can change, and says nothing about updates",
                c.column.name,
                fk.target_table.name,
                fk.target_columns.join(", ")
            ))
            .label(r.span, "no `on update`")
            .help("add `on update cascade` (follow the change) or `on update restrict` (refuse it)"),
        );
    }
}
