//! Tests of the PostgreSQL harness (`live::pgcluster`), plus the helper other test modules
//! use to get a database of their own.

use live::pgcluster::{self, ErrorKind, TestDb};

/// A fresh, empty database for one test, dropped again when the value is dropped.
///
/// Panics with the harness's explanation when no PostgreSQL can be used: database tests are
/// part of the suite, so a missing server must be visible rather than silently skipped. Set
/// `SCHEMAC_TEST_DATABASE_URL` to use an existing server, or install PostgreSQL (or set
/// `PG_BINDIR`) to let the harness start a throwaway one.
pub fn test_db(prefix: &str) -> TestDb {
    let cluster = match pgcluster::available() {
        Ok(cluster) => cluster,
        Err(e) => panic!("PostgreSQL is needed for this test but cannot be used:\n{e}"),
    };
    match cluster.create_database(prefix) {
        Ok(db) => db,
        Err(e) => panic!("could not create a test database: {e}"),
    }
}

fn current_database(db: &TestDb) -> String {
    let mut client = db.connect().expect("connect");
    client
        .query_one("select current_database()", &[])
        .expect("select current_database()")
        .get(0)
}

#[test]
fn each_test_gets_its_own_database_a() {
    let db = test_db("pg_own_a");
    assert!(db.name().starts_with("pg_own_a_"), "{}", db.name());
    assert_eq!(current_database(&db), db.name());
}

#[test]
fn each_test_gets_its_own_database_b() {
    let db = test_db("pg_own_b");
    assert!(db.name().starts_with("pg_own_b_"), "{}", db.name());
    assert_eq!(current_database(&db), db.name());
}

#[test]
fn databases_are_isolated_from_each_other() {
    let one = test_db("pg_iso");
    let two = test_db("pg_iso");
    assert_ne!(one.name(), two.name());
    assert_ne!(current_database(&one), current_database(&two));

    one.psql_apply("create table only_in_one(x int);").unwrap();
    let mut client = two.connect().unwrap();
    let found: i64 = client
        .query_one(
            "select count(*) from pg_tables where tablename = 'only_in_one'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(found, 0);
}

#[test]
fn psql_apply_runs_valid_sql_visible_through_connect() {
    let db = test_db("pg_apply");
    db.psql_apply(
        "create table t(id int primary key, label text not null);\n\
         insert into t values (1, 'one'), (2, 'two');\n\
         create function f() returns int language plpgsql as $$ begin return 1; end; $$;\n",
    )
    .unwrap();

    let mut client = db.connect().unwrap();
    let rows = client
        .query("select id, label from t order by id", &[])
        .unwrap();
    let rows: Vec<(i32, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(rows, [(1, "one".to_owned()), (2, "two".to_owned())]);
    let f: i32 = client.query_one("select f()", &[]).unwrap().get(0);
    assert_eq!(f, 1);
}

#[test]
fn psql_apply_reports_postgres_errors_and_stops() {
    let db = test_db("pg_bad_sql");
    let err = db
        .psql_apply("create table t(x nosuchtype);\ncreate table after_error(x int);\n")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Psql);
    let message = err.to_string();
    assert!(
        message.contains("type \"nosuchtype\" does not exist"),
        "unexpected error: {message}"
    );
    assert!(message.contains(db.name()), "{message}");

    // ON_ERROR_STOP: nothing after the failing statement ran.
    let mut client = db.connect().unwrap();
    let n: i64 = client
        .query_one(
            "select count(*) from pg_tables where schemaname = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
}

#[test]
fn url_and_conninfo_both_connect() {
    let db = test_db("pg_url");
    let mut client = postgres::Client::connect(db.url(), postgres::NoTls).unwrap();
    let name: String = client
        .query_one("select current_database()", &[])
        .unwrap()
        .get(0);
    assert_eq!(name, db.name());
    let mut client = postgres::Client::connect(db.conninfo(), postgres::NoTls).unwrap();
    let name: String = client
        .query_one("select current_database()", &[])
        .unwrap()
        .get(0);
    assert_eq!(name, db.name());
}

#[test]
fn odd_prefixes_become_valid_names() {
    let db = test_db("Odd-Prefix \"quoted\" 9");
    assert!(
        db.name()
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
        "{}",
        db.name()
    );
    assert_eq!(current_database(&db), db.name());
}

#[test]
fn dropping_test_db_drops_the_database() {
    let keep = test_db("pg_drop_observer");
    let db = test_db("pg_drop");
    let name = db.name().to_owned();
    // A connection that is still open must not prevent the drop (WITH (FORCE)).
    let _lingering = db.connect().unwrap();
    let mut client = keep.connect().unwrap();
    let count = |client: &mut postgres::Client| -> i64 {
        client
            .query_one(
                "select count(*) from pg_database where datname = $1",
                &[&name],
            )
            .unwrap()
            .get(0)
    };
    assert_eq!(count(&mut client), 1);
    drop(db);
    assert_eq!(count(&mut client), 0);
}
