//! Compares a model with what PostgreSQL's catalog says after the DDL ran:
//! every table, column (name, type, nullability, comment), constraint,
//! index, enum, domain and view must exist as declared, and every default,
//! generated column, check and view body must be the model's expression.
//!
//! Expressions are compared as PostgreSQL prints them: the model's text is
//! given to PostgreSQL on a scratch copy of the object (in a transaction
//! that is rolled back) and printed back with `pg_get_expr` and friends, so
//! the casts and parentheses PostgreSQL adds do not matter, and nothing in
//! the test re-implements them.

use generator::key::ObjectKind;
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
        generator::quote::ident(name)
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

/// What PostgreSQL prints for an expression: `setup` creates a scratch
/// object from the model's text with the `search_path` the DDL ran with
/// (the object's schema, then `public`), `query` prints it with an empty
/// one; rolled back after.
fn printed(client: &mut Client, schema: &str, setup: &str, query: &str) -> String {
    let mut tx = client.transaction().expect("transaction");
    let setup = format!(
        "set local search_path = {}, public; {setup}; set local search_path = ''",
        generator::quote::ident(schema)
    );
    tx.batch_execute(&setup)
        .unwrap_or_else(|e| panic!("{setup}: {e}"));
    let row = tx
        .query_one(query, &[])
        .unwrap_or_else(|e| panic!("{query}: {e}"));
    let text: Option<String> = row.get(0);
    tx.rollback().expect("rollback");
    text.unwrap_or_default()
}

fn qualified(q: &generator::model::QName) -> String {
    generator::quote::qname(q).to_string()
}

/// Defaults, generated columns and checks of one table, and its
/// constraints' definitions, against the model's expressions.
fn assert_expressions_match(t: &generator::model::Table, oid: u32, client: &mut Client) {
    let name = qualified(&t.sql);
    for c in &t.columns {
        let col = generator::quote::ident(&c.name);
        let actual: Option<String> = client
            .query_one(
                "select pg_get_expr(d.adbin, d.adrelid) from pg_attrdef d join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum where d.adrelid = $1 and a.attname = $2",
                &[&oid, &c.name],
            )
            .ok()
            .and_then(|r| r.get(0));
        let ty = expected_type(&c.ty);
        let expected = match (&c.default, &c.generated) {
            (Some(d), _) => Some(printed(
                client,
                &t.sql.schema,
                &format!("create temp table probe (like {name}); alter table probe alter column {col} set default {}", d.sql),
                &format!("select pg_get_expr(d.adbin, d.adrelid) from pg_attrdef d where d.adrelid = 'probe'::regclass and d.adnum = (select attnum from pg_attribute where attrelid = 'probe'::regclass and attname = {})", generator::quote::literal(&c.name)),
            )),
            (None, Some(g)) => Some(printed(
                client,
                &t.sql.schema,
                &format!("create temp table probe (like {name}); alter table probe drop column {col}; alter table probe add column {col} {ty} generated always as ({}) stored", g.sql),
                &format!("select pg_get_expr(d.adbin, d.adrelid) from pg_attrdef d where d.adrelid = 'probe'::regclass and d.adnum = (select attnum from pg_attribute where attrelid = 'probe'::regclass and attname = {})", generator::quote::literal(&c.name)),
            )),
            // Identity columns have no default expression of their own
            // (`attidentity` is compared with the columns).
            (None, None) if c.identity.is_some() => None,
            // A serial column reads its own sequence.
            (None, None) if matches!(c.ty.builtin_name(), Some("serial" | "bigserial" | "smallserial")) => {
                let seq: Option<String> = client
                    .query_one("select pg_get_serial_sequence($1, $2)", &[&name, &c.name])
                    .expect("serial sequence")
                    .get(0);
                seq.map(|s| format!("nextval({}::regclass)", generator::quote::literal(&s)))
            }
            (None, None) => None,
        };
        assert_eq!(actual, expected, "default of {name}.{col}");
    }
    for check in &t.checks {
        let actual: String = client
            .query_one(
                "select pg_get_constraintdef(oid) from pg_constraint where conrelid = $1 and conname = $2",
                &[&oid, &check.name],
            )
            .unwrap_or_else(|e| panic!("check {}: {e}", check.name))
            .get(0);
        let expected = printed(
            client,
            &t.sql.schema,
            &format!(
                "create temp table probe (like {name}); alter table probe add constraint probe_check check ({})",
                check.expr.sql
            ),
            "select pg_get_constraintdef(oid) from pg_constraint where conrelid = 'probe'::regclass and conname = 'probe_check'",
        );
        assert_eq!(actual, expected, "check {} of {name}", check.name);
    }
}

/// An index element as the model describes it, in PostgreSQL's syntax;
/// order and null placement only where the method has an order (btree).
fn element_sql(e: &generator::model::IndexElement, ordered: bool) -> String {
    let mut out = match &e.target {
        generator::model::ElementTarget::Column { name } => {
            generator::quote::ident(name).to_string()
        }
        generator::model::ElementTarget::Expr { expr } => format!("({})", expr.sql),
    };
    if let Some(c) = &e.collation {
        out.push_str(&format!(" collate {}", generator::quote::ident(c)));
    }
    if let Some(o) = &e.opclass {
        out.push_str(&format!(" {o}"));
    }
    if ordered {
        out.push_str(if e.descending { " desc" } else { " asc" });
        out.push_str(if e.nulls_first() {
            " nulls first"
        } else {
            " nulls last"
        });
    }
    out
}

/// Index and exclusion-constraint definitions against the model's
/// methods, elements, `include` lists and predicates.
fn assert_index_definitions_match(t: &generator::model::Table, oid: u32, client: &mut Client) {
    let name = qualified(&t.sql);
    // The definition from `USING` on: the index and table names differ.
    let tail = "substring(d from position(' USING ' in d))";
    for i in &t.indexes {
        let index = qualified(&generator::model::QName::new(
            t.sql.schema.clone(),
            i.name.clone(),
        ));
        let actual: String = client
            .query_one(
                &format!("select {tail} from (select pg_get_indexdef(to_regclass($1)) as d) x"),
                &[&index],
            )
            .unwrap_or_else(|e| panic!("index {index}: {e}"))
            .get(0);
        let ordered = i.method == generator::model::IndexMethod::Btree;
        let elements: Vec<String> = i.elements.iter().map(|e| element_sql(e, ordered)).collect();
        let mut create = format!(
            "create temp table probe (like {name}); create {}index probe_index on probe using {} ({})",
            if i.unique { "unique " } else { "" },
            i.method.name(),
            elements.join(", ")
        );
        if !i.include.is_empty() {
            let cols: Vec<String> = i
                .include
                .iter()
                .map(|c| generator::quote::ident(c).to_string())
                .collect();
            create.push_str(&format!(" include ({})", cols.join(", ")));
        }
        if i.nulls_not_distinct {
            create.push_str(" nulls not distinct");
        }
        if let Some(p) = &i.predicate {
            create.push_str(&format!(" where ({})", p.sql));
        }
        let expected = printed(
            client,
            &t.sql.schema,
            &create,
            &format!("select {tail} from (select pg_get_indexdef('pg_temp.probe_index'::regclass) as d) x"),
        );
        assert_eq!(actual, expected, "definition of index {index}");
    }
    for x in &t.excludes {
        let actual: String = client
            .query_one(
                "select pg_get_constraintdef(oid) from pg_constraint where conrelid = $1 and conname = $2",
                &[&oid, &x.name],
            )
            .unwrap_or_else(|e| panic!("exclusion {}: {e}", x.name))
            .get(0);
        let elements: Vec<String> = x
            .elements
            .iter()
            .map(|e| format!("{} with {}", element_sql(&e.element, false), e.operator))
            .collect();
        let mut add = format!(
            "create temp table probe (like {name}); alter table probe add constraint probe_exclude exclude using {} ({})",
            x.method.name(),
            elements.join(", ")
        );
        if let Some(p) = &x.predicate {
            add.push_str(&format!(" where ({})", p.sql));
        }
        let expected = printed(
            client,
            &t.sql.schema,
            &add,
            "select pg_get_constraintdef(oid) from pg_constraint where conrelid = 'probe'::regclass and conname = 'probe_exclude'",
        );
        assert_eq!(
            actual, expected,
            "definition of exclusion {} of {name}",
            x.name
        );
    }
    for u in &t.uniques {
        let actual: String = client
            .query_one(
                "select pg_get_constraintdef(oid) from pg_constraint where conrelid = $1 and conname = $2",
                &[&oid, &u.name],
            )
            .unwrap_or_else(|e| panic!("unique {}: {e}", u.name))
            .get(0);
        // Column names quoted as PostgreSQL prints them.
        let cols: String = client
            .query_one(
                "select string_agg(quote_ident(c), ', ' order by n) from unnest($1::text[]) with ordinality as x(c, n)",
                &[&u.columns],
            )
            .expect("quote_ident")
            .get(0);
        let nnd = if u.nulls_not_distinct {
            " NULLS NOT DISTINCT"
        } else {
            ""
        };
        let deferrable = match (u.deferrable, u.initially_deferred) {
            (true, true) => " DEFERRABLE INITIALLY DEFERRED",
            (true, false) => " DEFERRABLE",
            _ => "",
        };
        assert_eq!(
            actual,
            format!("UNIQUE{nnd} ({cols}){deferrable}"),
            "unique {} of {name}",
            u.name
        );
    }
}

pub fn assert_catalog_matches(model: &Model, client: &mut Client) {
    client
        .batch_execute("set search_path = ''")
        .expect("search_path");
    for e in &model.enums {
        let qualified = format!(
            "{}.{}",
            generator::quote::ident(&e.sql.schema),
            generator::quote::ident(&e.sql.name)
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
            generator::quote::ident(&d.sql.schema),
            generator::quote::ident(&d.sql.name)
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
        for check in &d.checks {
            let actual: String = client
                .query_one(
                    "select pg_get_constraintdef(c.oid) from pg_constraint c where c.contypid = to_regtype($1) and c.conname = $2",
                    &[&qualified, &check.name],
                )
                .unwrap_or_else(|e| panic!("domain check {}: {e}", check.name))
                .get(0);
            let expected = printed(
                client,
                &d.sql.schema,
                &format!(
                    "create domain pg_temp.probe as {}; alter domain pg_temp.probe add constraint probe_check check ({})",
                    expected_type(&d.ty),
                    check.expr.sql
                ),
                "select pg_get_constraintdef(c.oid) from pg_constraint c where c.contypid = 'pg_temp.probe'::regtype and c.conname = 'probe_check'",
            );
            assert_eq!(
                actual, expected,
                "check {} of domain {}",
                check.name, d.name
            );
        }
    }
    for t in &model.tables {
        let qualified = format!(
            "{}.{}",
            generator::quote::ident(&t.sql.schema),
            generator::quote::ident(&t.sql.name)
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
        assert_expressions_match(t, oid, client);
        assert_index_definitions_match(t, oid, client);

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
            generator::quote::ident(&v.sql.schema),
            generator::quote::ident(&v.sql.name)
        );
        let row = client
            .query_one("select c.relkind::\"char\", obj_description(c.oid, 'pg_class') from pg_class c where c.oid = to_regclass($1)", &[&qualified])
            .unwrap_or_else(|e| panic!("view {qualified}: {e}"));
        // The body as PostgreSQL stores it, against the model's body
        // stored the same way, resolved with the view's search_path.
        let actual: String = client
            .query_one("select pg_get_viewdef(to_regclass($1))", &[&qualified])
            .expect("view body")
            .get(0);
        let kind_word = if v.materialized {
            "materialized view"
        } else {
            "view"
        };
        let probe = if v.materialized {
            "public.schemac_probe"
        } else {
            "pg_temp.schemac_probe"
        };
        let expected = printed(
            client,
            &v.sql.schema,
            &format!(
                "create {kind_word} {probe} as {}",
                v.body.sql.trim_end().trim_end_matches(';')
            ),
            &format!("select pg_get_viewdef('{probe}'::regclass)"),
        );
        assert_eq!(actual, expected, "body of {qualified}");
        let kind = if v.materialized { b'm' } else { b'v' } as i8;
        assert_eq!(row.get::<_, i8>(0), kind, "kind of {qualified}");
        assert_eq!(
            row.get::<_, Option<String>>(1),
            v.doc,
            "comment on {qualified}"
        );
    }
    // What sql blocks say they create exists: the model owns it.
    for r in &model.raw {
        for k in &r.creates {
            let q = qualified(&k.name);
            let found: bool = match k.kind {
                ObjectKind::Function => client
                    .query_one(
                        "select to_regprocedure($1) is not null",
                        &[&format!("{q}({})", k.member.clone().unwrap_or_default())],
                    )
                    .expect("function lookup")
                    .get(0),
                ObjectKind::Trigger => client
                    .query_one(
                        "select exists (select 1 from pg_trigger where tgrelid = to_regclass($1) and tgname = $2)",
                        &[&q, &k.member.clone().unwrap_or_default()],
                    )
                    .expect("trigger lookup")
                    .get(0),
                ObjectKind::Enum | ObjectKind::Domain => client
                    .query_one("select to_regtype($1) is not null", &[&q])
                    .expect("type lookup")
                    .get(0),
                _ => client
                    .query_one("select to_regclass($1) is not null", &[&q])
                    .expect("relation lookup")
                    .get(0),
            };
            assert!(found, "sql block `{}` creates {k}", r.name);
        }
    }
}
