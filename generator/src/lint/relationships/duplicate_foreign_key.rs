//! `relationships/duplicate-foreign-key`: two foreign keys that say the
//! same thing.

use crate::lint::{LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "relationships/duplicate-foreign-key",
    summary: "two foreign keys over the same columns to the same table",
    rationale: "A second foreign key over the same columns and target checks every write twice and, when the two disagree on `on delete`, makes the outcome of a delete depend on which one fires first. It is usually left over from a refactoring: a relation column and a `foreign key` clause written for the same link.",
    bad: "entity Customer {\n  id uuid @pk = gen_random_uuid()\n}\n\nentity Order {\n  id          bigint @pk @identity\n  customer_id -> Customer on delete restrict\n\n  foreign key (customer_id) -> Customer on delete cascade\n}\n",
    good: "entity Customer {\n  id uuid @pk = gen_random_uuid()\n}\n\nentity Order {\n  id          bigint @pk @identity\n  customer_id -> Customer on delete restrict\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for site in cx.entities() {
        let fks = &site.table.foreign_keys;
        for (i, fk) in fks.iter().enumerate() {
            let mut cols = fk.columns.clone();
            cols.sort();
            let first = fks[..i].iter().find(|o| {
                let mut oc = o.columns.clone();
                oc.sort();
                o.target_table == fk.target_table && oc == cols
            });
            if let Some(other) = first {
                // The one written later in the text is the repeat.
                let (fk, first) = if (other.origin.span.file, other.origin.span.start)
                    > (fk.origin.span.file, fk.origin.span.start)
                {
                    (other, fk)
                } else {
                    (fk, other)
                };
                out.push(
                    cx.finding(format!(
                        "`{}` repeats `{}`: same columns, same target",
                        fk.name, first.name
                    ))
                    .label(fk.origin.span, "second foreign key")
                    .label(first.origin.span, "first")
                    .help("keep one of them, with the `on delete` you mean"),
                );
            }
        }
    }
}
