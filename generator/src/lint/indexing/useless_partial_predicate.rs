//! `indexing/useless-partial-predicate`: `where col is not null` on a
//! column that is never null.

use crate::lint::{LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "indexing/useless-partial-predicate",
    summary: "a partial index whose `where ... is not null` names a required column",
    rationale: "A partial index `where x is not null` is smaller than a full one only when `x` can be null. On a required column the predicate excludes nothing; it only makes the index usable by fewer queries (a query must repeat the predicate for the planner to choose it). Drop the `where`.",
    bad: "entity Order {\n  id          bigint @pk @identity\n  customer_id bigint\n\n  index (customer_id) where customer_id is not null\n}\n",
    good: "entity Order {\n  id          bigint @pk @identity\n  customer_id bigint\n\n  index (customer_id)\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for site in cx.entities() {
        let t = site.table;
        for i in &t.indexes {
            let Some(p) = &i.predicate else {
                continue;
            };
            let text = p.canonical().to_lowercase();
            let parts: Vec<&str> = text.split(" and ").map(str::trim).collect();
            let required = parts.iter().find_map(|part| {
                let col = part.strip_suffix(" is not null")?.trim().trim_matches('"');
                t.columns
                    .iter()
                    .find(|c| c.name.to_lowercase() == col && !c.nullable)
            });
            if let Some(col) = required {
                out.push(
                    cx.finding(format!(
                        "`{}` is never null, so `{} is not null` excludes no row from `{}`",
                        col.name, col.name, i.name
                    ))
                    .label(p.span, "always true")
                    .help("drop this condition from the `where`"),
                );
            }
        }
    }
}
