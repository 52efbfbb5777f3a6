//! Compares a model with what PostgreSQL's catalog says after the DDL ran:
//! every table, column (name, type, nullability, comment), constraint,
//! index, enum, domain and view must exist as declared.

use generator::model::{Action, Model, SqlType, TypeBase};
use postgres::Client;
use std::collections::BTreeSet;

/// How `format_type` prints a type, with `search_path` empty.
fn expected_type(ty: &SqlType) -> String {
    let mut s = match &ty.base {
        TypeBase::Builtin { name } => {
            let args = || {
                ty.args
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let with_args = |base: &str| {
                if ty.args.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}({})", args())
                }
            };
            match name.as_str() {
                "varchar" => with_args("character varying"),
                "char" if ty.args.is_empty() => "character(1)".into(),
                "char" => with_args("character"),
                "varbit" => with_args("bit varying"),
                "bit" if ty.args.is_empty() => "bit(1)".into(),
                "timestamptz" => format!("{} with time zone", with_args("timestamp")),
                "timestamp" => format!("{} without time zone", with_args("timestamp")),
                "timetz" => format!("{} with time zone", with_args("time")),
                "time" => format!("{} without time zone", with_args("time")),
                other => with_args(other),
            }
        }
        TypeBase::Extension { name, schema, .. } => {
            format!("{}.{}", pg_quote(schema), pg_quote(name))
        }
        TypeBase::Enum { sql, .. } | TypeBase::Domain { sql, .. } => {
            format!("{}.{}", pg_quote(&sql.schema), pg_quote(&sql.name))
        }
    };
    if ty.array_dims > 0 {
        s.push_str("[]");
    }
    s
}

/// PostgreSQL's own quoting: only when needed.
fn pg_quote(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
        && !["user", "order", "select", "group", "check", "table"].contains(&name);
    if plain {
        name.to_string()
    } else {
        generator::sql::ident(name)
    }
}

fn fk_action(a: Action) -> i8 {
    (match a {
        Action::NoAction => b'a',
        Action::Restrict => b'r',
        Action::Cascade => b'c',
        Action::SetNull => b'n',
        Action::SetDefault => b'd',
    }) as i8
}

pub fn assert_catalog_matches(model: &Model, client: &mut Client) {
    client
        .batch_execute("set search_path = ''")
        .expect("search_path");
    for e in &model.enums {
        let qualified = format!(
            "{}.{}",
            generator::sql::ident(&e.sql.schema),
            generator::sql::ident(&e.sql.name)
        );
        let rows = client
            .query("select e.enumlabel from pg_enum e where e.enumtypid = to_regtype($1) order by e.enumsortorder", &[&qualified])
            .expect("enum query");
        let labels: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        let want: Vec<String> = e.values.iter().map(|v| v.name.clone()).collect();
        assert_eq!(labels, want, "enum {}", e.name);
    }
    for d in &model.domains {
        let qualified = format!(
            "{}.{}",
            generator::sql::ident(&d.sql.schema),
            generator::sql::ident(&d.sql.name)
        );
        let row = client
            .query_one("select format_type(t.typbasetype, t.typtypmod), (select count(*) from pg_constraint c where c.contypid = t.oid) from pg_type t where t.oid = to_regtype($1)", &[&qualified])
            .unwrap_or_else(|e| panic!("domain {}: {e}", d.name));
        assert_eq!(
            row.get::<_, String>(0),
            expected_type(&d.ty),
            "domain {} base type",
            d.name
        );
        assert_eq!(
            row.get::<_, i64>(1) as usize,
            d.checks.len(),
            "domain {} checks",
            d.name
        );
    }
    for t in &model.tables {
        let qualified = format!(
            "{}.{}",
            generator::sql::ident(&t.sql.schema),
            generator::sql::ident(&t.sql.name)
        );
        let oid_row = client
            .query_one(
                "select to_regclass($1)::oid, obj_description(to_regclass($1)::oid, 'pg_class')",
                &[&qualified],
            )
            .expect("table lookup");
        let oid: Option<u32> = oid_row.get(0);
        let oid = oid.unwrap_or_else(|| panic!("table {qualified} does not exist"));
        assert_eq!(
            oid_row.get::<_, Option<String>>(1),
            t.doc,
            "comment on {qualified}"
        );

        let cols = client
            .query(
                "select a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull, col_description(a.attrelid, a.attnum), a.attidentity::text, a.attgenerated::text
                 from pg_attribute a where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped order by a.attnum",
                &[&oid],
            )
            .expect("columns");
        let got: Vec<(String, String, bool, Option<String>, String, String)> = cols
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
            .collect();
        let want: Vec<(String, String, bool, Option<String>, String, String)> = t
            .columns
            .iter()
            .map(|c| {
                let identity = match c.identity {
                    Some(generator::model::Identity::Always) => "a",
                    Some(generator::model::Identity::ByDefault) => "d",
                    None => "",
                };
                let generated = if c.generated.is_some() { "s" } else { "" };
                // Primary key columns are NOT NULL whatever was declared.
                let in_pk = t
                    .primary_key
                    .as_ref()
                    .is_some_and(|pk| pk.columns.contains(&c.name));
                (
                    c.name.clone(),
                    expected_type(&c.ty),
                    !c.nullable || in_pk,
                    c.doc.clone(),
                    identity.to_string(),
                    generated.to_string(),
                )
            })
            .collect();
        assert_eq!(got, want, "columns of {qualified}");

        let constraints = client
            .query(
                "select conname::text, contype::text, obj_description(oid, 'pg_constraint') from pg_constraint where conrelid = $1",
                &[&oid],
            )
            .expect("constraints");
        let got: BTreeSet<(String, String, Option<String>)> = constraints
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        let mut want = BTreeSet::new();
        if let Some(pk) = &t.primary_key {
            want.insert((pk.name.clone(), "p".to_string(), pk.doc.clone()));
        }
        for u in &t.uniques {
            want.insert((u.name.clone(), "u".into(), u.doc.clone()));
        }
        for c in &t.checks {
            want.insert((c.name.clone(), "c".into(), c.doc.clone()));
        }
        for f in &t.foreign_keys {
            want.insert((f.name.clone(), "f".into(), f.doc.clone()));
        }
        for x in &t.excludes {
            want.insert((x.name.clone(), "x".into(), x.doc.clone()));
        }
        assert_eq!(got, want, "constraints of {qualified}");

        for f in &t.foreign_keys {
            let row = client
                .query_one(
                    "select confdeltype::\"char\", confupdtype::\"char\", condeferrable, condeferred, confrelid::regclass::text from pg_constraint where conrelid = $1 and conname = $2",
                    &[&oid, &f.name],
                )
                .expect("foreign key");
            assert_eq!(
                row.get::<_, i8>(0),
                fk_action(f.on_delete),
                "on delete of {}",
                f.name
            );
            assert_eq!(
                row.get::<_, i8>(1),
                fk_action(f.on_update),
                "on update of {}",
                f.name
            );
            assert_eq!(
                (row.get::<_, bool>(2), row.get::<_, bool>(3)),
                (f.deferrable, f.initially_deferred),
                "deferrability of {}",
                f.name
            );
        }

        let indexes = client
            .query(
                "select c.relname::text, i.indisunique, obj_description(c.oid, 'pg_class') from pg_index i join pg_class c on c.oid = i.indexrelid where i.indrelid = $1",
                &[&oid],
            )
            .expect("indexes");
        let got: BTreeSet<(String, bool, Option<String>)> = indexes
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        let mut want = BTreeSet::new();
        if let Some(pk) = &t.primary_key {
            want.insert((pk.name.clone(), true, None));
        }
        for u in &t.uniques {
            want.insert((u.name.clone(), true, None));
        }
        for x in &t.excludes {
            want.insert((x.name.clone(), false, None));
        }
        for i in &t.indexes {
            want.insert((i.name.clone(), i.unique, i.doc.clone()));
        }
        assert_eq!(got, want, "indexes of {qualified}");
    }
    for v in &model.views {
        let qualified = format!(
            "{}.{}",
            generator::sql::ident(&v.sql.schema),
            generator::sql::ident(&v.sql.name)
        );
        let row = client
            .query_one("select c.relkind::\"char\", obj_description(c.oid, 'pg_class') from pg_class c where c.oid = to_regclass($1)", &[&qualified])
            .unwrap_or_else(|e| panic!("view {qualified}: {e}"));
        let kind = if v.materialized { b'm' } else { b'v' } as i8;
        assert_eq!(row.get::<_, i8>(0), kind, "kind of {qualified}");
        assert_eq!(
            row.get::<_, Option<String>>(1),
            v.doc,
            "comment on {qualified}"
        );
    }
}
