//! `relationships/partial-composite-fk`: a composite foreign key with a
//! nullable column.

use crate::lint::{LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "relationships/partial-composite-fk",
    summary: "a foreign key over several columns, some of them nullable",
    rationale: "PostgreSQL checks a foreign key over several columns only when all of them are set (`MATCH SIMPLE`, the default). A row with a null in one column and any values in the others passes, so `(invoice_id, line_no) = (42, null)` references no line and is accepted even when invoice 42 does not exist. Make every column of the key required, or check that they are null together.",
    bad: "entity InvoiceLine {\n  invoice_id bigint\n  line_no    smallint\n\n  primary key (invoice_id, line_no)\n}\n\nentity CreditNote {\n  id         bigint @pk @identity\n  invoice_id bigint\n  line_no    smallint?\n\n  foreign key (invoice_id, line_no) -> InvoiceLine on delete restrict\n}\n",
    good: "entity InvoiceLine {\n  invoice_id bigint\n  line_no    smallint\n\n  primary key (invoice_id, line_no)\n}\n\nentity CreditNote {\n  id         bigint @pk @identity\n  invoice_id bigint\n  line_no    smallint\n\n  foreign key (invoice_id, line_no) -> InvoiceLine on delete restrict\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for site in cx.entities() {
        let table = site.table;
        for fk in table.foreign_keys.iter().filter(|f| f.columns.len() > 1) {
            let nullable: Vec<&str> = fk
                .columns
                .iter()
                .filter(|c| table.column(c).is_some_and(|c| c.nullable))
                .map(String::as_str)
                .collect();
            if nullable.is_empty() {
                continue;
            }
            let both = format!("({})", fk.columns.join(", "));
            out.push(
                cx.finding(format!(
                    "`{}` is not checked when {} is null",
                    fk.name,
                    nullable.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(" or ")
                ))
                .label(fk.origin.span, "composite key with a nullable column")
                .help(format!(
                    "make the columns of {both} required, or add `check (num_nulls({}) in (0, {}))`",
                    fk.columns.join(", "),
                    fk.columns.len()
                )),
            );
        }
    }
}
