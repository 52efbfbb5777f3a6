//! Policies on a real database: each policy's generated SQL does what
//! docs/policies.md says, proven by writing to it.

use crate::pg::test_db;
use generator::Project;
use live::pgcluster::TestDb;

/// Compiles `schema` (with `schemac.toml` text `config`, which may be
/// empty) and applies it to a fresh database.
fn apply(prefix: &str, config: &str, schema: &str) -> TestDb {
    let project = Project::from_sources(&[("schemac.toml", config), ("m.schema", schema)]);
    let compiled = generator::compile(&project, &crate::support::options(&project))
        .unwrap_or_else(|f| panic!("compiles: {:?}", f.diagnostics));
    let sql = generator::emit::postgres::render(&compiled.creation);
    let db = test_db(prefix);
    if let Err(e) = db.psql_apply(&sql) {
        panic!("does not apply:\n{e}\n{sql}");
    }
    db
}

/// The code of a failed statement (`23505` for a unique violation).
fn sqlstate(e: &postgres::Error) -> String {
    e.code().map(|c| c.code().to_string()).unwrap_or_default()
}

#[test]
fn timestamps_keep_updated_at_and_leave_created_at() {
    let db = apply(
        "pol_timestamps",
        "",
        "entity Note @timestamps {\n  id bigint @pk @identity\n  body text\n}\n",
    );
    let mut c = db.connect().expect("connect");
    // Inserts take the defaults: both columns are the transaction's time.
    let row = c
        .query_one(
            "insert into notes (body) values ('a') returning id, created_at = updated_at, created_at = now()",
            &[],
        )
        .expect("insert");
    let id: i64 = row.get(0);
    assert!(row.get::<_, bool>(1) && row.get::<_, bool>(2));
    // An update (its own transaction, so a later now()) moves updated_at
    // and leaves created_at.
    let row = c
        .query_one(
            "update notes set body = 'b' where id = $1 returning updated_at > created_at, updated_at = now()",
            &[&id],
        )
        .expect("update");
    assert!(row.get::<_, bool>(0) && row.get::<_, bool>(1));
    // Setting updated_at by hand is overridden: it always says when.
    let row = c
        .query_one(
            "update notes set updated_at = '2000-01-01' where id = $1 returning updated_at = now()",
            &[&id],
        )
        .expect("update");
    assert!(row.get::<_, bool>(0));
    // An insert may give its own timestamps (an import keeps them).
    let row = c
        .query_one(
            "insert into notes (body, created_at, updated_at) values ('c', '2000-01-01', '2000-01-02') returning updated_at::date::text",
            &[],
        )
        .expect("insert");
    assert_eq!(row.get::<_, String>(0), "2000-01-02");
}

#[test]
fn timestamps_as_a_project_default_cover_every_entity() {
    let db = apply(
        "pol_timestamps_default",
        "[policies]\ntimestamps = true\n",
        "entity A {\n  id bigint @pk @identity\n}\n\nentity B {\n  id bigint @pk @identity\n}\n",
    );
    let mut c = db.connect().expect("connect");
    let row = c
        .query_one(
            "select (select count(*) from information_schema.columns where column_name in ('created_at', 'updated_at')),
                    (select count(*) from pg_trigger where not tgisinternal),
                    (select count(*) from pg_proc where proname = 'set_updated_at')",
            &[],
        )
        .expect("catalog");
    assert_eq!(
        (
            row.get::<_, i64>(0),
            row.get::<_, i64>(1),
            row.get::<_, i64>(2)
        ),
        (4, 2, 1)
    );
}

#[test]
fn soft_deleted_emails_can_be_reused_and_the_live_view_hides_them() {
    let db = apply(
        "pol_soft_delete",
        "",
        "entity User @soft_delete {\n  id    bigint @pk @identity\n  email text @unique\n}\n",
    );
    let mut c = db.connect().expect("connect");
    let first: i64 = c
        .query_one(
            "insert into users (email) values ('ann@example.com') returning id",
            &[],
        )
        .expect("insert")
        .get(0);
    // Two live rows cannot share an email.
    let dup = c
        .execute("insert into users (email) values ('ann@example.com')", &[])
        .expect_err("a live duplicate is refused");
    assert_eq!(sqlstate(&dup), "23505");
    c.execute(
        "update users set deleted_at = now() where id = $1",
        &[&first],
    )
    .expect("soft delete");
    // Once deleted, the email is free again.
    let second: i64 = c
        .query_one(
            "insert into users (email) values ('ann@example.com') returning id",
            &[],
        )
        .expect("the email is reused")
        .get(0);
    let live: Vec<i64> = c
        .query("select id from live_users", &[])
        .expect("view")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(live, [second]);
    let all: i64 = c
        .query_one("select count(*) from users", &[])
        .expect("count")
        .get(0);
    assert_eq!(all, 2);
}
