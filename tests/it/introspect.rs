//! Introspection: every example and fixture (and two schemas of over fifty
//! tables), built and applied, reads back
//! as its own model: `diff(introspect(apply(build(m))), m)` is empty, with
//! the model's expressions printed by the same server (`printed`) and what
//! its `sql` blocks create owned by it. Anything the database holds that
//! the model cannot express would be reported, so none may be left over.

use crate::pg::test_db;
use crate::support::{self, case_name, compile_ok, input};
use generator::diff::{diff, Change, Options};
use generator::model::{Model, PartitionBound};
use live::introspect::{introspect, printed, Introspected};
use std::path::Path;

fn roundtrip(case: &Path) {
    roundtrip_compiled(case, &compile_ok(&input(case)));
}

fn roundtrip_compiled(case: &Path, compiled: &generator::Compiled) {
    let name = case_name(case);
    let db = test_db(&format!("intro_{name}"));
    db.psql_apply(&support::sql(compiled)).expect("applies");
    let shadow = test_db(&format!("shadow_{name}"));
    let mut shadow_client = shadow.connect().expect("connect shadow");
    let want = printed(&compiled.model, &mut shadow_client).expect("builds in the shadow");
    let mut client = db.connect().expect("connect");
    let got = introspect(&mut client).expect("introspects");
    assert!(got.queries <= 12, "{} queries", got.queries);
    let options = Options {
        old_is_database: true,
        raw_products: want.raw_products.clone(),
    };
    let changes: Vec<Change> = diff(&got.model, &want.model, &options);
    assert_eq!(
        changes,
        vec![],
        "{}: introspected database differs",
        case.display()
    );
    let unexplained: Vec<String> = got
        .unmodelled
        .iter()
        .filter(|u| !want.raw_products.contains(&u.key))
        .map(|u| u.to_string())
        .chain(
            // What introspection kept as SQL (functions it cannot describe,
            // range partitions), made by the model's own `sql` blocks.
            got.model
                .raw
                .iter()
                .flat_map(|r| &r.creates)
                .filter(|k| !want.raw_products.contains(k))
                .map(|k| format!("{k}: in a sql block")),
        )
        .collect();
    assert_eq!(unexplained, Vec::<String>::new(), "{}", case.display());
    check_maintained(&got, &want.model, case);
}

/// Every time partition (or pg_partman template) recognised as
/// maintenance's belongs to a table the model partitions by time.
fn check_maintained(got: &Introspected, model: &Model, case: &Path) {
    for p in &got.maintained {
        let parent = model.tables.iter().find(|t| {
            t.partition.as_ref().is_some_and(|x| x.window.is_some())
                && (p.schema == t.sql.schema && p.name.starts_with(&format!("{}_p", t.sql.name))
                    || p.name == format!("template_{}_{}", t.sql.schema, t.sql.name)
                    || p.schema == t.sql.schema && p.name == format!("{}_default", t.sql.name))
        });
        assert!(
            parent.is_some(),
            "{}: {p} is no time partition",
            case.display()
        );
    }
}

#[test]
fn examples_read_back_as_their_model() {
    for case in support::examples() {
        roundtrip(&case);
    }
}

#[test]
fn fixtures_read_back_as_their_model() {
    for case in support::cases("ok") {
        roundtrip(&case);
    }
}

/// What the model has no room for is reported (a restrictive policy, a
/// grant option among them), and a hand-made object is kept by a diff
/// from the database, never dropped.
#[test]
fn unmodelled_objects_are_reported_and_kept() {
    let db = test_db("intro_unmodelled");
    db.psql_apply(
        "create table t (id bigint primary key, a text collate \"C\", b int);
         create index hand_made on t (b);
         create table p (id int, at date) partition by range (at, id);
         create table p1 partition of p for values from ('2020-01-01', 0) to ('2021-01-01', 0);
         create type pair as (a int, b int);
         alter table t add constraint b_positive check (b > 0) not valid;
         create rule nothing as on delete to t do instead nothing;
         do $$ begin
           if not exists (select from pg_roles where rolname = 'intro_grantee') then create role intro_grantee nologin; end if;
         end $$;
         grant select on t to intro_grantee with grant option;
         create policy strict on t as restrictive using (b > 0);",
    )
    .expect("applies");
    let mut client = db.connect().expect("connect");
    let got = introspect(&mut client).expect("introspects");
    let what: Vec<String> = got.unmodelled.iter().map(|u| u.to_string()).collect();
    for expected in [
        "column public.t.a: column collation \"C\"",
        "type public.pair: composite type",
        "constraint public.t.b_positive: NOT VALID constraint",
        "table public.t: rule nothing",
        "table public.t: select WITH GRANT OPTION to intro_grantee",
        "policy public.t.strict: restrictive policy",
    ] {
        assert!(
            what.iter().any(|w| w == expected),
            "{expected} not in {what:#?}"
        );
    }
    let p = got
        .model
        .tables
        .iter()
        .find(|t| t.sql.name == "p")
        .expect("p");
    assert!(p.partition.is_some());
    // A range partition the language does not declare (over two columns)
    // stays SQL.
    let p1 = got
        .model
        .raw
        .iter()
        .find(|r| r.name == "partition_p1")
        .expect("p1 as a sql block");
    assert!(
        p1.body.sql.contains(
            "PARTITION OF \"public\".\"p\" FOR VALUES FROM ('2020-01-01', 0) TO ('2021-01-01', 0)"
        ),
        "{}",
        p1.body.sql
    );
    let model = compile_ok(&support::root().join("tests/fixtures/ok/names")).model;
    let changes = diff(
        &got.model,
        &model,
        &Options {
            old_is_database: true,
            ..Options::default()
        },
    );
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, Change::Kept(k) if k.name.name == "t")),
        "{changes:#?}"
    );
    assert!(!changes
        .iter()
        .any(|c| matches!(c, Change::DropTable(_) | Change::DropIndex(..))));
}

/// Partitions read back with their bounds, at every level; functions the
/// model's `Function` cannot describe (argument names, defaults, modes,
/// volatility) come back as the server's definition, in a block that
/// creates them.
#[test]
fn partitions_and_function_arguments_are_read() {
    let db = test_db("intro_partitions");
    db.psql_apply(
        "create table s (id int, region text, shop int) partition by list (region);
         create table s_eu partition of s for values in ('de', 'fr') partition by hash (shop);
         create table s_eu_p0 partition of s_eu for values with (modulus 2, remainder 0);
         create table s_eu_p1 partition of s_eu for values with (modulus 2, remainder 1);
         create table s_default partition of s default;
         create index s_shop on s (shop);
         create table e (at date not null) partition by range (at);
         create table e_p202601 partition of e for values from ('2026-01-01') to ('2026-02-01');
         create function f(a int, b text default 'x', out c int) language sql stable as 'select a';
         comment on function f(int, text) is 'Adds.';
         create function g() returns int language sql as $$
select 1
$$;
         create function h() returns int language sql as 'select 1';",
    )
    .expect("applies");
    let mut client = db.connect().expect("connect");
    let got = introspect(&mut client).expect("introspects");
    let s = got
        .model
        .tables
        .iter()
        .find(|t| t.sql.name == "s")
        .expect("s");
    let p = s.partition.as_ref().expect("partitioned");
    let names: Vec<&str> = p.partitions.iter().map(|c| c.sql.name.as_str()).collect();
    assert_eq!(names, ["s_default", "s_eu"]);
    assert_eq!(p.partitions[0].bound, PartitionBound::Default);
    let PartitionBound::List { values } = &p.partitions[1].bound else {
        panic!("{:?}", p.partitions[1].bound)
    };
    let values: Vec<&str> = values.iter().map(|v| v.sql.as_str()).collect();
    assert_eq!(values, ["'de'", "'fr'"]);
    let sub = p.partitions[1].sub.as_ref().expect("sub-partitioned");
    assert_eq!(
        sub.partitions.iter().map(|c| &c.bound).collect::<Vec<_>>(),
        [
            &PartitionBound::Hash {
                modulus: 2,
                remainder: 0
            },
            &PartitionBound::Hash {
                modulus: 2,
                remainder: 1
            }
        ]
    );
    // The partitions' copies of `s_shop` are the parent's index.
    assert!(got.unmodelled.is_empty(), "{:#?}", got.unmodelled);
    assert_eq!(got.model.tables.len(), 2, "partitions are not tables");
    // Named like a monthly partition, but nothing maintains `e`: a fixed
    // range.
    assert!(got.maintained.is_empty(), "{:?}", got.maintained);
    let e = got
        .model
        .tables
        .iter()
        .find(|t| t.sql.name == "e")
        .expect("e");
    let e = &e.partition.as_ref().expect("partitioned").partitions;
    assert_eq!(e.len(), 1);
    let PartitionBound::Range {
        from: Some(from),
        to: Some(to),
    } = &e[0].bound
    else {
        panic!("{:?}", e[0].bound)
    };
    assert_eq!(
        (from.sql.as_str(), to.sql.as_str()),
        ("'2026-01-01'", "'2026-02-01'")
    );
    let f = got
        .model
        .raw
        .iter()
        .find(|r| r.name == "function_f")
        .expect("f as a block");
    assert!(
        f.body
            .sql
            .contains("FUNCTION public.f(a integer, b text DEFAULT 'x'::text, OUT c integer)")
            && f.body.sql.contains("STABLE")
            && f.body
                .sql
                .contains("COMMENT ON FUNCTION \"public\".\"f\"(integer, text) IS 'Adds.'"),
        "{}",
        f.body.sql
    );
    assert_eq!(f.creates[0].to_string(), "function public.f(integer, text)");
    assert!(got.model.functions.iter().any(|x| x.sql.name == "g"));
    // Its body is on lines of its own, as the model writes it back; `h`'s
    // is not, so it stays the server's definition.
    assert!(got.model.raw.iter().any(|r| r.name == "function_h"));
    // Built from what was read, the database is the same again.
    let plan = generator::graph::Graph::build(&got.model)
        .plan(&got.model)
        .expect("ordered");
    let creation = generator::statement::creation(&got.model, &plan);
    let copy = test_db("intro_partitions_copy");
    copy.psql_apply(&generator::emit::postgres::render(&creation))
        .expect("what was read builds");
    assert_eq!(crate::migrate::dump(&db), crate::migrate::dump(&copy));
}

/// Maintenance makes the partitions of later months; the database, read
/// back, still equals the model, and a plan from it drops nothing.
#[test]
fn partitions_made_by_maintenance_are_never_dropped() {
    let case = support::root().join("tests/fixtures/ok/partitions");
    let compiled = compile_ok(&input(&case));
    let db = test_db("intro_maintained");
    db.psql_apply(&support::sql(&compiled)).expect("applies");
    let mut client = db.connect().expect("connect");
    client
        .batch_execute("select * from maintain_partitions(now() + interval '14 months')")
        .expect("maintenance runs");
    let got = introspect(&mut client).expect("introspects");
    assert!(got.maintained.len() > 6, "{:?}", got.maintained);
    let shadow = test_db("intro_maintained_shadow");
    let want = printed(&compiled.model, &mut shadow.connect().expect("shadow"))
        .expect("builds in the shadow");
    let options = Options {
        old_is_database: true,
        raw_products: want.raw_products.clone(),
    };
    let changes = diff(&got.model, &want.model, &options);
    assert_eq!(changes, vec![]);
    check_maintained(&got, &want.model, &case);
}

/// The partitions fixture kept by pg_partman: its partitions and template
/// tables are pg_partman's.
#[test]
fn pg_partman_partitions_read_back_as_their_model() {
    let case = support::root().join("tests/fixtures/ok/partitions");
    let project = generator::Project::load(&input(&case)).expect("loads");
    let options = generator::Options {
        maintenance: generator::model::Maintenance::PgPartman,
        ..support::options(&project)
    };
    let compiled =
        generator::compile(&project, &options).unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    roundtrip_compiled(&case.with_file_name("partitions_partman"), &compiled);
}

/// Real schemas of over fifty tables: a marketplace on the whole standard
/// library (uuid keys, the library in a schema of its own), with enums,
/// domains, partial and expression indexes, composite foreign keys, views
/// and functions; and the standard library alone with its defaults.
#[test]
fn fifty_table_schemas_read_back_as_their_model() {
    let marketplace = support::root().join("tests/fixtures/introspect/marketplace");
    let tables = compile_ok(&marketplace).model.tables.len();
    assert!(tables >= 50, "{tables} tables");
    roundtrip(&marketplace);
    let dir = tempfile::tempdir().expect("tempdir");
    let stdlib = dir.path().join("stdlib");
    std::fs::create_dir(&stdlib).expect("dir");
    std::fs::write(stdlib.join("schemac.toml"), "[project]\nname = \"all\"\n").expect("write");
    let imports: String = generator::stdlib::MODULES
        .iter()
        .map(|(m, _)| format!("import std.{m}\n"))
        .collect();
    std::fs::write(stdlib.join("all.schema"), format!("schemac 1\n\n{imports}")).expect("write");
    roundtrip(&stdlib);
}
