//! `relationships/nullable-join-key`: a nullable foreign key column in a
//! join table.

use crate::lint::{LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "relationships/nullable-join-key",
    summary: "a join table whose foreign key columns may be null",
    rationale: "A join table links two (or more) tables: each row says that this user has that role. A row with a null on one side links nothing, and because NULLs are distinct in a unique key, the same link can also be stored any number of times. The design template's `user_roles` had both flaws. A table counts as a join table when its primary key or one of its unique keys covers the columns of at least two foreign keys. An exclusive arc is not a finding: nullable foreign keys, one per target table, with a check that exactly one is set (`check (num_nonnulls(post_id, photo_id) = 1)`, what a polymorphic reference `target -> Post | Photo` generates) always link one side. An arc that may be empty (`<= 1`, an optional polymorphic reference) still is.",
    bad: "entity User {\n  id uuid @pk = gen_random_uuid()\n}\n\nentity Role {\n  id uuid @pk = gen_random_uuid()\n}\n\nentity UserRole {\n  id      uuid @pk = gen_random_uuid()\n  user_id -> User? on delete cascade\n  role_id -> Role? on delete cascade\n\n  unique (user_id, role_id)\n}\n",
    good: "entity User {\n  id uuid @pk = gen_random_uuid()\n}\n\nentity Role {\n  id uuid @pk = gen_random_uuid()\n}\n\nentity UserRole {\n  id      uuid @pk = gen_random_uuid()\n  user_id -> User on delete cascade\n  role_id -> Role on delete cascade\n\n  unique (user_id, role_id)\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for site in cx.entities() {
        let table = site.table;
        let keys: Vec<Vec<&str>> = cx
            .keys(table)
            .iter()
            .filter(|k| k.unique)
            .map(|k| k.columns.iter().copied().flatten().collect())
            .collect();
        let mut linked: Vec<&str> = Vec::new();
        for key in &keys {
            let fks: Vec<_> = table
                .foreign_keys
                .iter()
                .filter(|f| f.columns.iter().all(|c| key.contains(&c.as_str())))
                .collect();
            if fks.len() >= 2 {
                for f in fks {
                    linked.extend(f.columns.iter().map(String::as_str));
                }
            }
        }
        if linked.is_empty() {
            continue;
        }
        // Exclusive arcs: exactly one of these foreign key columns is set.
        let fk_columns: Vec<&str> = table
            .foreign_keys
            .iter()
            .flat_map(|f| f.columns.iter().map(String::as_str))
            .collect();
        let arcs: Vec<String> = table
            .checks
            .iter()
            .filter_map(|c| crate::sqlparse::exactly_one_of(&c.expr.sql))
            .filter(|arc| arc.iter().all(|c| fk_columns.contains(&c.as_str())))
            .flatten()
            .collect();
        for c in cx.columns_of(table) {
            if c.column.nullable
                && linked.contains(&c.column.name.as_str())
                && !arcs.contains(&c.column.name)
            {
                out.push(
                    cx.finding(format!(
                        "`{}` links the join table `{}` but may be null",
                        c.column.name, table.sql.name
                    ))
                    .label(c.type_span(), "nullable")
                    .help("drop the `?`: a link with a missing side links nothing, and NULLs never clash in a unique key"),
                );
            }
        }
    }
}
