//! `relationships/fk-type-mismatch`: a reference whose type is not the
//! referenced key's.

use crate::lint::{facts, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "relationships/fk-type-mismatch",
    summary: "a reference whose type differs from the key it references",
    rationale: "A column that holds another table's key must have that key's type. PostgreSQL accepts some mismatches in a foreign key (an `integer` referencing a `bigint` key) and then casts on every check and join, and the smaller side overflows first; a column that only names its target (`user_id integer` beside `users.id uuid`) cannot become a foreign key at all. Relations written `-> Target` always take the key's type, so in `.schema` files this rule finds columns named `<table>_id` whose type differs from that table's key, and, in models read from a database or a model file, foreign keys whose types differ.",
    bad: "entity User {\n  id uuid @pk = gen_random_uuid()\n}\n\nentity Post {\n  id      bigint @pk @identity\n  user_id bigint\n}\n",
    good: "entity User {\n  id uuid @pk = gen_random_uuid()\n}\n\nentity Post {\n  id      bigint @pk @identity\n  user_id -> User on delete cascade\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let by_name = cx.tables_by_name();
    for site in cx.entities() {
        let table = site.table;
        for fk in &table.foreign_keys {
            let Some(target) = cx.table(&fk.target_table) else {
                continue;
            };
            for (c, tc) in fk.columns.iter().zip(&fk.target_columns) {
                let (Some(a), Some(b)) = (table.column(c), target.column(tc)) else {
                    continue;
                };
                if a.ty != b.ty {
                    out.push(
                        cx.finding(format!(
                            "`{c}` is {} but the key it references, `{}.{tc}`, is {}",
                            a.ty, target.sql.name, b.ty
                        ))
                        .label(fk.origin.span, "types differ")
                        .help(format!("make `{c}` {}", b.ty)),
                    );
                }
            }
        }
        for c in cx.columns_of(table) {
            let name = &c.column.name;
            if facts::in_foreign_key(table, name) {
                continue;
            }
            let Some(target) = facts::implied_target(by_name, table, name) else {
                continue;
            };
            let Some(pk) = target.primary_key.as_ref().filter(|p| p.columns.len() == 1) else {
                continue;
            };
            let Some(key) = target.column(&pk.columns[0]) else {
                continue;
            };
            if c.column.ty != key.ty {
                out.push(
                    cx.finding(format!(
                        "`{name}` names `{}` but is {} where `{}.{}` is {}",
                        target.sql.name, c.column.ty, target.sql.name, key.name, key.ty
                    ))
                    .label(c.type_span(), "not the key's type")
                    .help(format!(
                        "if it references `{}`, write it as a relation (`{} -> {} on delete ...`), which takes the key's type; otherwise rename it",
                        target.sql.name, c.column.field, target.name
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::{lint, Level, LintConfig};
    use crate::model::SqlType;

    /// A model read from a database or a model file can hold a foreign key
    /// whose types differ, which a `.schema` file cannot express.
    #[test]
    fn foreign_keys_of_other_types_are_found() {
        let text = "entity User {\n  id bigint @pk @identity\n}\n\nentity Post {\n  id      bigint @pk @identity\n  user_id -> User on delete cascade\n}\n";
        let project = crate::Project::from_sources(&[("t.schema", text)]);
        let compiled = crate::compile(&project, &crate::Options::default())
            .expect("compiles");
        let mut model = compiled.model;
        let find = |model: &crate::Model| {
            lint(&project, model, &compiled.resolved, &LintConfig::default(), Level::Info)
                .into_iter()
                .filter(|d| d.rule == Some(super::RULE.id))
                .map(|d| d.message)
                .collect::<Vec<_>>()
        };
        assert!(find(&model).is_empty());
        let posts = model.tables.iter_mut().find(|t| t.sql.name == "posts").expect("posts");
        let col = posts.columns.iter_mut().find(|c| c.name == "user_id").expect("user_id");
        col.ty = SqlType::builtin("integer");
        assert_eq!(
            find(&model),
            ["`user_id` is integer but the key it references, `users.id`, is bigint"]
        );
    }
}
