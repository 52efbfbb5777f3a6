//! Every example and fixture builds to SQL that applies to an empty
//! PostgreSQL database with `psql -v ON_ERROR_STOP=1`, and the catalog then
//! holds exactly what the model declares.

use crate::catalog::assert_catalog_matches;
use crate::pg::test_db;
use crate::support::{self, case_name, compile_ok, input};
use std::collections::BTreeSet;
use std::path::Path;

fn apply_and_check(case: &Path) {
    let compiled = compile_ok(&input(case));
    let sql = support::sql(&compiled);
    let db = test_db(&case_name(case));
    if let Err(e) = db.psql_apply(&sql) {
        panic!("{} does not apply:\n{e}", case.display());
    }
    let mut client = db.connect().expect("connect");
    assert_catalog_matches(&compiled.model, &mut client);
}

#[test]
fn examples_apply_and_match_the_catalog() {
    for case in support::examples() {
        apply_and_check(&case);
    }
}

#[test]
fn fixtures_apply_and_match_the_catalog() {
    for case in support::cases("ok") {
        apply_and_check(&case);
    }
}

/// The output of `schemac build` itself (not just the library) applies.
#[test]
fn cli_build_output_applies() {
    let out = tempfile::tempdir().expect("tempdir");
    let example = support::root().join("examples/seed-template");
    assert_cmd::Command::cargo_bin("schemac")
        .expect("binary")
        .args(["build", "--out"])
        .arg(out.path())
        .arg(&example)
        .assert()
        .success();
    let sql = std::fs::read_to_string(out.path().join("schema.sql")).expect("schema.sql written");
    let db = test_db("cli_build");
    db.psql_apply(&sql).expect("applies");
}

/// The seed template's flaws stay fixed in the database itself.
#[test]
fn seed_flaws_are_fixed_in_the_database() {
    let compiled = compile_ok(&support::root().join("examples/seed-template"));
    let db = test_db("seed_flaws");
    db.psql_apply(&support::sql(&compiled)).expect("applies");
    let mut c = db.connect().expect("connect");
    c.batch_execute(
        "insert into users (email, password_hash) values ('a@example.com', 'x');
         insert into roles (name) values ('admin');",
    )
    .expect("seed rows");
    // The template's audit trigger failed these writes (no
    // `app.current_user_id`); `@audit` records them, without the hash.
    let audited: (i64, i64) = c
        .query_one(
            "select count(*), count(*) filter (where new ? 'password_hash') from audit.entries where table_name = 'public.users'",
            &[],
        )
        .map(|r| (r.get(0), r.get(1)))
        .expect("audit rows");
    assert_eq!(audited, (1, 0));
    let grant = "insert into user_roles (user_id, role_id) select u.id, r.id from users u, roles r";
    c.batch_execute(grant).expect("first grant");
    let dup = c
        .batch_execute(grant)
        .expect_err("a second grant without context must be refused");
    assert!(
        dup.to_string().contains("duplicate key") || format!("{dup:?}").contains("23505"),
        "{dup:?}"
    );
    // No NULL flags, no naive timestamps.
    let err = c
        .batch_execute("update users set is_active = null")
        .expect_err("is_active is not nullable");
    assert!(format!("{err:?}").contains("23502"), "{err:?}");
    let naive: i64 = c
        .query_one("select count(*) from information_schema.columns where table_schema = 'public' and data_type = 'timestamp without time zone'", &[])
        .expect("query")
        .get(0);
    assert_eq!(naive, 0, "no timestamp without time zone");
}

fn public_tables(client: &mut postgres::Client) -> BTreeSet<String> {
    client
        .query(
            "select tablename::text from pg_tables where schemaname = 'public'",
            &[],
        )
        .expect("query")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// A schema far larger than one transaction can create on a server with
/// default settings (`max_locks_per_transaction = 64`: 2,000 tables in one
/// transaction run out of shared memory) applies in several transactions;
/// after a later transaction fails, running the whole script again skips
/// the committed ones and finishes; a third run changes nothing.
#[test]
fn large_schemas_apply_in_transactions_that_can_run_again() {
    let files = crate::projects::lean(5_000, 100);
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let project = generator::Project::from_sources(&refs);
    let compiled = generator::compile(&project, &generator::Options::default())
        .unwrap_or_else(|f| panic!("{:?}", f.diagnostics.first()));
    let sql = support::sql(&compiled);
    let transactions = sql.matches("\\if :schemac_pending").count();
    assert!(transactions > 10, "{transactions} transactions");
    let expected: BTreeSet<String> = compiled
        .model
        .tables
        .iter()
        .map(|t| t.sql.name.clone())
        .collect();
    assert_eq!(expected.len(), 5_000);

    // A table the last transaction creates, other than the one its guard
    // looks for, is in the way: that transaction fails.
    let last = sql.rsplit("-- Transaction ").next().expect("transactions");
    let victim = last
        .split("CREATE TABLE ")
        .nth(2)
        .and_then(|rest| rest.split(' ').next())
        .expect("the last transaction creates two tables");
    let db = test_db("large_schema");
    let mut client = db.connect().expect("connect");
    client
        .batch_execute(&format!("create table {victim} (x int)"))
        .expect("create the obstacle");
    let err = db.psql_apply(&sql).expect_err("the last transaction fails");
    assert!(err.to_string().contains("already exists"), "{err}");
    let partial = public_tables(&mut client);
    assert!(
        partial.len() > 4_000 && partial.len() < 5_000,
        "{}",
        partial.len()
    );

    client
        .batch_execute(&format!("drop table {victim}"))
        .expect("remove the obstacle");
    db.psql_apply(&sql).expect("the second run finishes");
    assert_eq!(public_tables(&mut client), expected);
    db.psql_apply(&sql).expect("a third run skips everything");
    assert_eq!(public_tables(&mut client), expected);
}

/// Sequences, functions and triggers have no syntax yet (policies will
/// make them); as model objects, from a model file, they are emitted in
/// graph order and apply.
#[test]
fn sequences_functions_and_triggers_from_a_model_apply() {
    use generator::key::{Key, ObjectKind};
    use generator::model::{Function, Origin, QName, Sequence, Trigger};
    let project = generator::Project::from_sources(&[(
        "m.schema",
        "entity Note {\n  id bigint @pk @identity\n  updated_at timestamptz = now()\n}\n",
    )]);
    let mut model = generator::compile(&project, &Default::default())
        .expect("compiles")
        .model;
    let origin = Origin::declared(Default::default());
    model.sequences.push(Sequence {
        sql: QName::new("public", "note_numbers"),
        ty: "bigint".into(),
        start: Some(1000),
        increment: Some(10),
        origin: origin.clone(),
    });
    let touch = Function {
        sql: QName::new("public", "touch"),
        args: String::new(),
        returns: "trigger".into(),
        language: "plpgsql".into(),
        body: "begin\n  new.updated_at := now();\n  return new;\nend;".into(),
        depends_on: Vec::new(),
        security_definer: false,
        doc: None,
        origin: origin.clone(),
    };
    let function = touch.key();
    model.functions.push(touch);
    model.triggers.push(Trigger {
        name: "notes_touch".into(),
        table: QName::new("public", "notes"),
        timing: "before".into(),
        events: vec!["update".into()],
        for_each_row: true,
        old_table: None,
        new_table: None,
        function: function.clone(),
        origin,
    });
    let text = generator::model_file::to_json(&model, "Generated by schemac");
    let model = generator::Model::from_json(&text, 0).expect("valid model");
    let plan = generator::graph::Graph::build(&model)
        .plan(&model)
        .expect("plans");
    let trigger = Key::member(
        ObjectKind::Trigger,
        QName::new("public", "notes"),
        "notes_touch",
    );
    let at = |k: &Key| plan.order.iter().position(|x| x == k).expect("planned");
    let notes = Key::new(ObjectKind::Table, QName::new("public", "notes"));
    assert!(at(&function) < at(&trigger) && at(&notes) < at(&trigger));
    let sql = generator::emit::postgres::emit(&model, &plan);
    let db = test_db("model_kinds");
    if let Err(e) = db.psql_apply(&sql) {
        panic!("does not apply:\n{e}\n{sql}");
    }
    let mut client = db.connect().expect("connect");
    let row = client
        .query_one(
            "select (select increment_by from pg_sequences where sequencename = 'note_numbers'),
                    to_regprocedure('public.touch()') is not null,
                    (select count(*) from pg_trigger where tgname = 'notes_touch')",
            &[],
        )
        .expect("catalog");
    assert_eq!(row.get::<_, Option<i64>>(0), Some(10));
    assert!(row.get::<_, bool>(1));
    assert_eq!(row.get::<_, i64>(2), 1);
    // A trigger on a table the model does not have is refused on reading.
    let mut json: serde_json::Value = serde_json::from_str(&text).expect("json");
    json["model"]["triggers"][0]["table"]["name"] = "gone".into();
    let broken = serde_json::to_string(&json).expect("json");
    assert!(generator::Model::from_json(&broken, 0).is_err());
}
