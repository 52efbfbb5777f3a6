//! `normalization/copied-attribute`: a column of a referenced table
//! copied into the referencing one.

use crate::lint::{facts, Knob, KnobDefault, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "normalization/copied-attribute",
    summary: "a column that repeats a column of the table it references",
    rationale: "When `orders` references `customers` and both have `email`, the order's copy either always equals the customer's (then it is redundant, and updates must change both) or it may differ (then it is a different fact, a snapshot taken at order time, and deserves a name that says so: `billing_email`). Copies that drift apart silently are how a database comes to hold two answers. The rule compares non-key columns of the same name and type family across a foreign key; generic names that every table has (knob `ignore`) are left out. When the copy is deliberate (a snapshot for legal records, denormalized for speed), suppress it with that reason.",
    bad: "entity Customer {\n  id    uuid @pk = gen_random_uuid()\n  email text\n}\n\nentity Order {\n  id          bigint @pk @identity\n  customer_id -> Customer on delete restrict\n  email       text\n}\n",
    good: "entity Customer {\n  id    uuid @pk = gen_random_uuid()\n  email text\n}\n\nentity Order {\n  id            bigint @pk @identity\n  customer_id   -> Customer on delete restrict\n  /// The address the receipt went to, which the customer may change later.\n  receipt_email text\n}\n",
    knobs: &[Knob {
        name: "ignore",
        default: KnobDefault::List(&["id", "name", "title", "description", "status", "type", "kind", "position", "note", "notes", "currency", "is_active", "created_at", "updated_at", "deleted_at", "created_by", "updated_by", "version", "metadata", "data"]),
        help: "column names that many tables have for their own reasons",
    }],
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let ignore = cx.knob_list("ignore");
    for c in cx.columns() {
        let (table, col) = (c.table, c.column);
        if ignore.contains(&col.name) || facts::in_primary_key(table, &col.name) || facts::in_foreign_key(table, &col.name) {
            continue;
        }
        // The family only once a target has a column of the same name.
        let mut family = None;
        let source = table.foreign_keys.iter().find_map(|fk| {
            let target = cx.table(&fk.target_table)?;
            if target.sql == table.sql {
                return None;
            }
            let other = target.column(&col.name)?;
            let keyish = facts::in_primary_key(target, &other.name) || facts::in_foreign_key(target, &other.name);
            let family = family.get_or_insert_with(|| facts::family(cx, &col.ty));
            (!keyish && facts::family(cx, &other.ty) == *family).then_some((fk, target))
        });
        let Some((fk, target)) = source else {
            continue;
        };
        out.push(
            cx.finding(format!(
                "`{}.{}` repeats `{}.{}`, reached through `{}`",
                table.sql.name, col.name, target.sql.name, col.name, fk.name
            ))
            .label(c.name_span(), "copied column")
            .help(format!(
                "read it through the relation; if it is a snapshot that may differ, name it for what it is (not `{}`) or suppress with the reason",
                col.name
            )),
        );
    }
}
