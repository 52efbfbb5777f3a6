//! `normalization/transitive-dependency`: `customer_id` beside
//! `customer_name`.

use crate::lint::{facts, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "normalization/transitive-dependency",
    summary: "a column that describes a referenced row (`customer_id` with `customer_name`)",
    rationale: "`orders.customer_name` depends on `customer_id`, not on the order: it is a fact about the customer stored once per order, a transitive dependency that third normal form removes. It goes stale when the customer is renamed, and the order now has two sources for the name. The rule reads names: beside a reference `<x>_id` (or a relation column `<x>`), a column `<x>_<attribute>` where the referenced table has that attribute (surer) or the attribute is one that describes any row (`name`, `email`, `title`, `phone`, `address`, `label`). A deliberate snapshot (the name as printed on an invoice) is suppressed with that reason.",
    bad: "entity Customer {\n  id   uuid @pk = gen_random_uuid()\n  name text\n}\n\nentity Order {\n  id            bigint @pk @identity\n  customer_id   -> Customer on delete restrict\n  customer_name text\n}\n",
    good: "entity Customer {\n  id   uuid @pk = gen_random_uuid()\n  name text\n}\n\nentity Order {\n  id          bigint @pk @identity\n  customer_id -> Customer on delete restrict\n}\n",
    check,
    ..BASE
};

/// Attributes that describe a row, whatever the table.
const DESCRIPTIVE: &[&str] = &["name", "full_name", "email", "title", "phone", "address", "label"];

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let by_name = cx.tables_by_name();
    for site in cx.entities() {
        let table = site.table;
        // Each reference: its stem (`customer`) and the table it reaches.
        let mut refs = Vec::new();
        for c in &table.columns {
            let stem = c.name.strip_suffix("_id").unwrap_or(&c.name);
            let fk = table
                .foreign_keys
                .iter()
                .find(|f| f.columns.len() == 1 && f.columns[0] == c.name);
            let target = match fk {
                Some(fk) => cx.table(&fk.target_table),
                None if c.name.ends_with("_id") => facts::implied_target(by_name, table, &c.name),
                None => None,
            };
            if let Some(target) = target {
                if !stem.is_empty() && target.sql != table.sql {
                    refs.push((stem, c.name.as_str(), target));
                }
            }
        }
        for c in cx.columns_of(table) {
            let name = &c.column.name;
            for (stem, via, target) in &refs {
                let Some(attr) = name.strip_prefix(stem).and_then(|a| a.strip_prefix('_')) else {
                    continue;
                };
                if attr == "id" || facts::in_foreign_key(table, name) || name == *via {
                    continue;
                }
                // Names alone are weak (`user_agent` beside `user_id` is the
                // client's, not the user's): the referenced table must have
                // the attribute, or it must be one that describes a row.
                let sure = if target.column(attr).is_some() {
                    format!("`{}` has `{attr}`", target.sql.name)
                } else if DESCRIPTIVE.contains(&attr) {
                    "judged by its name".to_string()
                } else {
                    continue;
                };
                out.push(
                    cx.finding(format!(
                        "`{name}` describes the row `{via}` references, not this one ({sure})"
                    ))
                    .label(c.name_span(), "depends on the reference")
                    .help(format!(
                        "read `{attr}` from `{}` through `{via}`; if it is a snapshot that must not change, suppress with that reason",
                        target.sql.name
                    )),
                );
                break;
            }
        }
    }
}
