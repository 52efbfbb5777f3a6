//! The migration runner, end to end through `schemac migrate`: a
//! directory written by `migrate new` over the versions of
//! `tests/fixtures/migrations/basic`, applied and rolled back step by step
//! (each state's `pg_dump` equal to a fresh build of its version, the rows
//! of the first version kept throughout); two runners at once; a failure
//! halfway, refused until resolved; an edited migration and a merged
//! directory refused before anything runs; pre-checks naming the
//! offending keys; an INVALID index left by a concurrent build; `verify`
//! catching an edited `up.sql` and a `down.sql` that undoes nothing.

use crate::pg::test_db;
use crate::support::{self, compile_ok};
use live::pgcluster::TestDb;
use std::path::{Path, PathBuf};
use std::process::Output;

const ALL_HAZARDS: &str = "data-loss,rewrite,long-lock,index-build,irreversible,authorization";

fn schemac(project: &Path, args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("schemac")
        .expect("binary")
        .args(["migrate", "--project"])
        .arg(project)
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("schemac runs")
}

fn ok(out: &Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    text
}

fn refused(out: &Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "should have failed:\n{text}");
    text
}

/// A project whose one schema file is `text`.
fn project(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("schemac.toml"), "").expect("toml");
    set_schema(dir.path(), text);
    dir
}

fn set_schema(project: &Path, text: &str) {
    std::fs::write(project.join("schema.schema"), text).expect("schema");
}

fn versions() -> Vec<PathBuf> {
    let dir = support::root().join("tests/fixtures/migrations/basic");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("versions")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "schema"))
        .collect();
    v.sort();
    v
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

/// A project with one migration per fixture version.
fn sequence() -> (tempfile::TempDir, Vec<PathBuf>) {
    let versions = versions();
    assert!(versions.len() >= 10);
    let p = project("");
    for v in &versions {
        set_schema(p.path(), &std::fs::read_to_string(v).expect("version"));
        ok(&schemac(p.path(), &["new", &stem(v)]));
    }
    (p, versions)
}

/// The schema as `pg_dump` writes it, without the ledger and comments.
fn dump(db: &TestDb) -> String {
    crate::migrate::dump_with(db, &["--exclude-schema=schemac"])
}

/// A dump with each table's columns sorted: a column a rollback adds
/// back comes last, and PostgreSQL cannot move it.
fn columns_sorted(dump: &str) -> String {
    let mut out = Vec::new();
    let mut columns: Option<Vec<String>> = None;
    for line in dump.lines() {
        match &mut columns {
            Some(cols) if line == ");" => {
                cols.sort();
                out.append(cols);
                out.push(line.to_string());
                columns = None;
            }
            Some(cols) => cols.push(line.trim_end_matches(',').to_string()),
            None => {
                out.push(line.to_string());
                if line.starts_with("CREATE TABLE") && line.ends_with('(') {
                    columns = Some(Vec::new());
                }
            }
        }
    }
    out.join("\n")
}

fn fresh(version: &Path) -> String {
    let db = test_db("runner_fresh");
    db.psql_apply(&support::sql(&compile_ok(version)))
        .expect("fresh build applies");
    dump(&db)
}

fn users(db: &TestDb) -> Vec<i64> {
    let mut c = db.connect().expect("connect");
    c.query("select id from public.users order by id", &[])
        .expect("users")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn ledger(db: &TestDb) -> Vec<(String, String)> {
    let mut c = db.connect().expect("connect");
    let exists: bool = c
        .query_one("select to_regclass('schemac.migrations') is not null", &[])
        .expect("query")
        .get(0);
    if !exists {
        return Vec::new();
    }
    c.query(
        "select version, status from schemac.migrations order by version",
        &[],
    )
    .expect("ledger")
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect()
}

fn id_of(project: &Path, index: usize) -> String {
    let mut ids: Vec<String> = std::fs::read_dir(project.join("migrations"))
        .expect("migrations")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    ids[index].clone()
}

#[test]
fn migrations_apply_and_roll_back_like_fresh_builds() {
    let (p, versions) = sequence();
    let p = p.path();
    let n = versions.len();
    // Nothing changed: nothing is written.
    let again = ok(&schemac(p, &["new", "again"]));
    assert!(again.contains("no migration written"), "{again}");
    let db = test_db("runner_seq");
    let url = db.url().to_string();
    let run = |args: &[&str]| {
        let mut all = vec!["--database-url", &url, "--allow-hazards", ALL_HAZARDS];
        all.extend_from_slice(args);
        schemac(p, &all)
    };
    let dumps: Vec<String> = versions.iter().map(|v| fresh(v)).collect();
    // Up to the second to last, one version at a time.
    for (i, v) in versions[..n - 1].iter().enumerate() {
        let version = id_of(p, i);
        ok(&run(&["apply", "--to", &version]));
        if i == 0 {
            let mut c = db.connect().expect("connect");
            c.batch_execute(
                "insert into public.users (id, email, name) values (1, 'a@example.com', 'A'), (2, 'b@example.com', 'B');
                 insert into public.posts (id, user_id, title) values (1, 1, 'hello');",
            )
            .expect("rows");
        }
        assert_eq!(dump(&db), dumps[i], "after {}", stem(v));
        assert_eq!(users(&db), [1, 2], "after {}", stem(v));
    }
    let status = run(&["status"]);
    assert_eq!(status.status.code(), Some(1), "one pending");
    // Back down, one at a time, until a version that added an enum value
    // (no rollback removes one: it is refused, and the walk stops there).
    let irreversible = |v: &Path| {
        std::fs::read_to_string(v)
            .expect("version")
            .starts_with("// hazards: irreversible")
    };
    let mut refusals = 0;
    for i in (2..n - 1).rev() {
        if irreversible(&versions[i]) {
            let refusal = refused(&schemac(p, &["--database-url", &url, "rollback"]));
            assert!(refusal.contains("cannot be rolled back"), "{refusal}");
            assert!(refusal.contains("schemac::irreversible"), "{refusal}");
            refusals += 1;
            break;
        }
        ok(&run(&["rollback"]));
        assert_eq!(
            columns_sorted(&dump(&db)),
            columns_sorted(&dumps[i - 1]),
            "rolled back {}",
            stem(&versions[i])
        );
        assert_eq!(users(&db), [1, 2]);
    }
    assert_eq!(
        refusals, 1,
        "the sequence has an irreversible version to stop at"
    );
    // And up to the last in one go.
    let all = ok(&run(&["apply"]));
    assert!(all.contains("applied"), "{all}");
    assert_eq!(columns_sorted(&dump(&db)), columns_sorted(&dumps[n - 1]));
    assert_eq!(users(&db), [1, 2]);
    assert_eq!(ledger(&db).len(), n);
    assert!(ledger(&db).iter().all(|(_, s)| s == "applied"));
    assert_eq!(run(&["status"]).status.code(), Some(0));
    // Without the hazards allowed, a migration is refused before it runs.
    let db2 = test_db("runner_hazards");
    let denied = refused(&schemac(p, &["--database-url", db2.url(), "apply"]));
    assert!(
        denied.contains("hazards this environment does not allow")
            && denied.contains("schemac::hazard_not_allowed"),
        "{denied}"
    );
    assert!(ledger(&db2).is_empty());
}

#[test]
fn two_runners_at_once_apply_each_migration_once() {
    let (p, versions) = sequence();
    let db = test_db("runner_race");
    let spawn = || {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("schemac"))
            .args(["migrate", "--project"])
            .arg(p.path())
            .args([
                "--database-url",
                db.url(),
                "--allow-hazards",
                ALL_HAZARDS,
                "apply",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn")
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (
        a.wait_with_output().expect("a"),
        b.wait_with_output().expect("b"),
    );
    let (ta, tb) = (ok(&a), ok(&b));
    // One applied everything (concurrent index builds included), the
    // other waited for the lock and found nothing to do.
    assert!(
        ta.contains("nothing to do") != tb.contains("nothing to do"),
        "{ta}\n---\n{tb}"
    );
    let entries = ledger(&db);
    assert_eq!(entries.len(), versions.len());
    assert!(entries.iter().all(|(_, s)| s == "applied"));
    // From empty to the last version: the same as a fresh build.
    assert_eq!(dump(&db), fresh(&versions[versions.len() - 1]));
}

#[test]
fn a_failed_migration_stops_the_runner_until_resolved() {
    let p = project("entity User {\n  id bigint @pk\n  email text?\n}\n");
    let p = p.path();
    ok(&schemac(p, &["new", "init"]));
    ok(&schemac(p, &["new", "backfill", "--empty"]));
    let up = p.join("migrations").join(id_of(p, 1)).join("up.sql");
    let written = std::fs::read_to_string(&up).expect("up");
    std::fs::write(
        &up,
        format!("{written}insert into public.users (id) values (1);\nselect 1 / 0;\n"),
    )
    .expect("edit");
    // Edited after it was summed: refused before connecting.
    let db = test_db("runner_fail");
    let unsummed = refused(&schemac(p, &["--database-url", db.url(), "apply"]));
    assert!(
        unsummed.contains("edited after it was summed")
            && unsummed.contains("schemac::directory_edited"),
        "{unsummed}"
    );
    ok(&schemac(p, &["hash"]));
    let failed = refused(&schemac(p, &["--database-url", db.url(), "apply"]));
    assert!(failed.contains("division by zero"), "{failed}");
    assert!(failed.contains("schemac::migration_failed"), "{failed}");
    assert_eq!(ledger(&db)[1].1, "failed");
    assert!(users(&db).is_empty(), "the failed step left nothing");
    let stuck = refused(&schemac(p, &["--database-url", db.url(), "apply"]));
    assert!(stuck.contains("schemac migrate resolve"), "{stuck}");
    assert!(stuck.contains("schemac::migration_unresolved"), "{stuck}");
    assert_eq!(
        schemac(p, &["--database-url", db.url(), "status"])
            .status
            .code(),
        Some(3)
    );
    std::fs::write(
        &up,
        format!("{written}insert into public.users (id) values (1);\n"),
    )
    .expect("fix");
    ok(&schemac(p, &["hash"]));
    ok(&schemac(
        p,
        &[
            "--database-url",
            db.url(),
            "resolve",
            "--rolled-back",
            &id_of(p, 1)[..4],
        ],
    ));
    ok(&schemac(p, &["--database-url", db.url(), "apply"]));
    assert_eq!(users(&db), [1]);
    // Edited after it was applied, and summed again: the ledger's checksum
    // still tells.
    std::fs::write(
        &up,
        format!("{written}insert into public.users (id) values (2);\n"),
    )
    .expect("edit");
    ok(&schemac(p, &["hash"]));
    let edited = refused(&schemac(p, &["--database-url", db.url(), "apply"]));
    assert!(edited.contains("edited after it was applied"), "{edited}");
    assert!(edited.contains("schemac::migration_edited"), "{edited}");
    assert_eq!(users(&db), [1]);
}

#[test]
fn two_branches_after_the_same_parent_are_refused_then_rebased() {
    let p = project("entity User {\n  id bigint @pk\n}\n");
    let p = p.path();
    ok(&schemac(p, &["new", "init"]));
    set_schema(p, "entity User {\n  id bigint @pk\n  a text?\n}\n");
    ok(&schemac(p, &["new", "add_a"]));
    let a = p.join("migrations").join(id_of(p, 1));
    let kept = p.join("kept_a");
    std::fs::rename(&a, &kept).expect("move a away");
    ok(&schemac(p, &["hash"]));
    set_schema(p, "entity User {\n  id bigint @pk\n  b text?\n}\n");
    ok(&schemac(p, &["new", "add_b"]));
    // The merge: both directories, the sum resolved by hand.
    std::fs::rename(&kept, &a).expect("merge");
    ok(&schemac(p, &["hash"]));
    let db = test_db("runner_merge");
    let conflict = refused(&schemac(p, &["--database-url", db.url(), "apply"]));
    assert!(conflict.contains("were each made after"), "{conflict}");
    assert!(
        conflict.contains("schemac::directory_conflict"),
        "{conflict}"
    );
    assert!(conflict.contains("schemac migrate rebase"), "{conflict}");
    assert!(ledger(&db).is_empty(), "refused before connecting");
    set_schema(
        p,
        "entity User {\n  id bigint @pk\n  a text?\n  b text?\n}\n",
    );
    let b = id_of(p, 2);
    ok(&schemac(p, &["rebase", &b]));
    ok(&schemac(p, &["--database-url", db.url(), "apply"]));
    assert_eq!(ledger(&db).len(), 3);
    ok(&schemac(p, &["--database-url", db.url(), "verify"]));
}

#[test]
fn pre_checks_name_the_rows_that_would_break_a_new_constraint() {
    let p = project("entity User {\n  id bigint @pk\n  email text?\n}\n");
    let p = p.path();
    ok(&schemac(p, &["new", "init"]));
    set_schema(
        p,
        "entity User {\n  id bigint @pk\n  email text @unique\n}\n",
    );
    ok(&schemac(p, &["new", "email_required"]));
    let db = test_db("runner_precheck");
    let url = db.url().to_string();
    ok(&schemac(
        p,
        &["--database-url", &url, "apply", "--to", &id_of(p, 0)],
    ));
    db.connect()
        .expect("connect")
        .batch_execute(
            "insert into public.users (id) select g from generate_series(1, 7) g;
             insert into public.users (id, email) values (8, 'x'), (9, 'x'), (10, 'y');",
        )
        .expect("rows");
    let out = refused(&schemac(
        p,
        &[
            "--database-url",
            &url,
            "--allow-hazards",
            "index-build",
            "apply",
        ],
    ));
    assert!(out.contains("7 rows would break it"), "{out}");
    assert!(out.contains("schemac::data_check"), "{out}");
    assert!(out.contains("s.\"id\" = 1, 2, 3, 4, 5\n"), "{out}");
    assert!(
        out.contains("2 rows would break it, e.g. s.\"id\" = 8, 9"),
        "{out}"
    );
    assert_eq!(ledger(&db).len(), 1, "nothing ran");
}

#[test]
fn an_invalid_index_left_by_a_concurrent_build_is_dropped_and_reported() {
    let p = project("entity User {\n  id bigint @pk\n  email text?\n}\n");
    let p = p.path();
    ok(&schemac(p, &["new", "init"]));
    ok(&schemac(p, &["new", "unique_email", "--empty"]));
    let up = p.join("migrations").join(id_of(p, 1)).join("up.sql");
    let written = std::fs::read_to_string(&up).expect("up");
    std::fs::write(
        &up,
        format!("{written}\n-- step 1: outside a transaction\nCREATE UNIQUE INDEX CONCURRENTLY \"ix_email\" ON \"public\".\"users\" (\"email\");\n"),
    )
    .expect("edit");
    ok(&schemac(p, &["hash"]));
    let db = test_db("runner_invalid");
    ok(&schemac(
        p,
        &["--database-url", db.url(), "apply", "--to", &id_of(p, 0)],
    ));
    db.connect()
        .expect("connect")
        .batch_execute("insert into public.users (id, email) values (1, 'x'), (2, 'x');")
        .expect("rows");
    let out = refused(&schemac(p, &["--database-url", db.url(), "apply"]));
    assert!(out.contains("INVALID"), "{out}");
    assert!(out.contains("schemac::invalid_index"), "{out}");
    let left: i64 = db
        .connect()
        .expect("connect")
        .query_one(
            "select count(*) from pg_class where relname = 'ix_email'",
            &[],
        )
        .expect("query")
        .get(0);
    assert_eq!(left, 0, "the invalid index was dropped");
    assert_eq!(ledger(&db)[1].1, "failed");
}

#[test]
fn verify_catches_an_edited_up_and_a_down_that_undoes_nothing() {
    let p = project("entity User {\n  id bigint @pk\n}\n");
    let p = p.path();
    ok(&schemac(p, &["new", "init"]));
    set_schema(p, "entity User {\n  id bigint @pk\n  name text?\n}\n");
    ok(&schemac(p, &["new", "add_name"]));
    let db = test_db("runner_verify");
    let url = db.url().to_string();
    ok(&schemac(p, &["--database-url", &url, "verify"]));
    let dir = p.join("migrations").join(id_of(p, 1));
    let up = std::fs::read_to_string(dir.join("up.sql")).expect("up");
    let down = std::fs::read_to_string(dir.join("down.sql")).expect("down");
    std::fs::write(
        dir.join("up.sql"),
        up.replace(
            "ADD COLUMN \"name\" text",
            "ADD COLUMN \"name\" varchar(10)",
        ),
    )
    .expect("edit up");
    ok(&schemac(p, &["hash"]));
    let edited = refused(&schemac(p, &["--database-url", &url, "verify"]));
    assert!(
        edited.contains("up.sql does not give its model.json")
            && edited.contains("schemac::verify_mismatch"),
        "{edited}"
    );
    std::fs::write(dir.join("up.sql"), &up).expect("restore up");
    let undoes_nothing: String = down
        .lines()
        .filter(|l| !l.contains("DROP COLUMN"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.join("down.sql"), undoes_nothing).expect("edit down");
    ok(&schemac(p, &["hash"]));
    let bad_down = refused(&schemac(p, &["--database-url", &url, "verify"]));
    assert!(
        bad_down.contains("down.sql does not undo up.sql"),
        "{bad_down}"
    );
    // The schema moved on without a migration.
    std::fs::write(dir.join("down.sql"), &down).expect("restore down");
    ok(&schemac(p, &["hash"]));
    set_schema(
        p,
        "entity User {\n  id bigint @pk\n  name text?\n  age integer?\n}\n",
    );
    let behind = refused(&schemac(p, &["--database-url", &url, "verify"]));
    assert!(
        behind.contains("do not give the current schema"),
        "{behind}"
    );
}

#[test]
fn json_events_and_redacted_passwords() {
    let p = project("entity User {\n  id bigint @pk\n}\n");
    let p = p.path();
    ok(&schemac(p, &["new", "init"]));
    let db = test_db("runner_json");
    let out = ok(&schemac(
        p,
        &["--database-url", db.url(), "--format", "json", "apply"],
    ));
    let events: Vec<serde_json::Value> = out
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("json event"))
        .collect();
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
    assert_eq!(kinds.first(), Some(&"locked"), "{out}");
    assert!(
        kinds.contains(&"migration") && kinds.contains(&"step") && kinds.contains(&"done"),
        "{out}"
    );
    assert_eq!(kinds.last(), Some(&"finished"), "{out}");
    // A password never shows, not even when the connection fails.
    let bad = refused(&schemac(
        p,
        &[
            "--database-url",
            "postgresql://app:hunter2@127.0.0.1:1/nope",
            "status",
        ],
    ));
    assert!(!bad.contains("hunter2"), "{bad}");
    assert!(bad.contains("app@127.0.0.1:1/nope"), "{bad}");
    assert!(bad.contains("schemac::connection_failed"), "{bad}");
    // With --format json the error is an event with its code.
    let bad = refused(&schemac(
        p,
        &[
            "--database-url",
            "postgresql://app:hunter2@127.0.0.1:1/nope",
            "--format",
            "json",
            "apply",
        ],
    ));
    let error = bad
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json event"))
        .find(|e| e["event"] == "error")
        .unwrap_or_else(|| panic!("no error event: {bad}"));
    assert_eq!(error["code"], "schemac::connection_failed", "{bad}");
    assert!(
        error["help"].as_str().is_some_and(|h| !h.is_empty()),
        "{bad}"
    );
    assert!(!bad.contains("hunter2"), "{bad}");
    let unreadable = refused(&schemac(
        p,
        &[
            "--database-url",
            "postgresql://app:hunter2@127.0.0.1/nope?sslmode=always",
            "status",
        ],
    ));
    assert!(
        unreadable.contains("schemac::bad_database_url"),
        "{unreadable}"
    );
    assert!(unreadable.contains("verify-full"), "{unreadable}");
    assert!(!unreadable.contains("hunter2"), "{unreadable}");
}

/// The README's walkthrough: the example's migrations are summed, verify
/// (each down.sql undoes its up.sql; 0003's drops the column before its
/// enum) and apply.
#[test]
fn the_blog_example_migrations_apply_and_verify() {
    let schema = support::root().join("examples/blog/blog.schema");
    let db = test_db("runner_blog");
    let url = db.url().to_string();
    let pending = schemac(&schema, &["--database-url", &url, "status"]);
    assert_eq!(pending.status.code(), Some(1), "{pending:?}");
    ok(&schemac(&schema, &["--database-url", &url, "verify"]));
    ok(&schemac(
        &schema,
        &[
            "--database-url",
            &url,
            "--allow-hazards",
            "index-build,irreversible",
            "apply",
        ],
    ));
    assert_eq!(
        schemac(&schema, &["--database-url", &url, "status"])
            .status
            .code(),
        Some(0)
    );
    let rollback = refused(&schemac(&schema, &["--database-url", &url, "rollback"]));
    assert!(rollback.contains("cannot be rolled back"), "{rollback}");
}

/// A long `CREATE INDEX CONCURRENTLY` in one runner while another waits
/// for the advisory lock: the build waits for no transaction of the
/// waiting runner (it polls on a session that holds none), so both finish
/// and the ledger has each migration once.
#[test]
fn a_long_concurrent_index_build_and_a_waiting_runner_do_not_deadlock() {
    let p = project("entity User {\n  id bigint @pk\n  email text?\n}\n");
    let p = p.path();
    ok(&schemac(p, &["new", "init"]));
    ok(&schemac(p, &["new", "slow_index", "--empty"]));
    let up = p.join("migrations").join(id_of(p, 1)).join("up.sql");
    let written = std::fs::read_to_string(&up).expect("up");
    // Each row costs the build a tenth of a second, twice (build and
    // validation): a couple of seconds with the rows below.
    std::fs::write(
        &up,
        format!(
            "{written}-- step 1\n\
             CREATE FUNCTION public.slow(v bigint) RETURNS bigint IMMUTABLE LANGUAGE plpgsql AS $$ begin perform pg_sleep(0.1); return v; end $$;\n\
             INSERT INTO public.users (id) SELECT g FROM generate_series(1, 12) g;\n\
             -- step 2: outside a transaction\n\
             CREATE INDEX CONCURRENTLY \"ix_slow\" ON \"public\".\"users\" (public.slow(\"id\"));\n"
        ),
    )
    .expect("edit");
    ok(&schemac(p, &["hash"]));
    let db = test_db("runner_slow_index");
    let spawn = || {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("schemac"))
            .args(["migrate", "--project"])
            .arg(p)
            .args(["--database-url", db.url(), "apply"])
            .env_remove("DATABASE_URL")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn")
    };
    let first = spawn();
    // The second starts once the first is building the index.
    let mut watch = db.connect().expect("connect");
    let started = std::time::Instant::now();
    loop {
        let building: i64 = watch
            .query_one(
                "select count(*) from pg_stat_activity where query like 'CREATE INDEX CONCURRENTLY%'",
                &[],
            )
            .expect("activity")
            .get(0);
        if building > 0 {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the index build never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let second = spawn();
    let (a, b) = (
        first.wait_with_output().expect("first"),
        second.wait_with_output().expect("second"),
    );
    let (ta, tb) = (ok(&a), ok(&b));
    assert!(!ta.contains("nothing to do"), "{ta}");
    assert!(tb.contains("nothing to do"), "{tb}");
    let entries = ledger(&db);
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(entries.iter().all(|(_, s)| s == "applied"), "{entries:?}");
    let valid: bool = watch
        .query_one(
            "select indisvalid from pg_index where indexrelid = 'public.ix_slow'::regclass",
            &[],
        )
        .expect("index")
        .get(0);
    assert!(valid);
}

/// `[migrate] allow_hazards` is what every database allows; an
/// environment's list adds to it.
#[test]
fn the_project_s_allowed_hazards_are_the_base_of_every_environment() {
    let p = project("enum Mood {\n  happy\n}\nentity User {\n  id bigint @pk\n  email text?\n}\n");
    let p = p.path();
    ok(&schemac(p, &["new", "init"]));
    // An enum value (irreversible) and an index on an existing table.
    set_schema(
        p,
        "enum Mood {\n  happy\n  sad\n}\nentity User {\n  id bigint @pk\n  email text?\n  index (email)\n}\n",
    );
    ok(&schemac(p, &["new", "more"]));
    let db = test_db("runner_base_hazards");
    let config = |text: &str| {
        std::fs::write(
            p.join("schemac.toml"),
            format!(
                "{text}\n[env.here]\nurl = \"{}\"\nallow_hazards = [\"index-build\"]\n",
                db.url()
            ),
        )
        .expect("toml")
    };
    config("");
    let out = refused(&schemac(p, &["--env", "here", "apply"]));
    assert!(out.contains("irreversible"), "{out}");
    config("[migrate]\nallow_hazards = [\"irreversible\"]\n");
    // Without the environment, its index-build is not allowed.
    let out = refused(&schemac(p, &["--database-url", db.url(), "apply"]));
    assert!(out.contains("index-build"), "{out}");
    ok(&schemac(p, &["--env", "here", "apply"]));
    assert_eq!(ledger(&db).len(), 2);
}

/// The refusals no other test here meets, each with its code: the lock
/// held too long, a role that cannot make the shadow database, a version
/// that is not there, drift, a ledger naming a migration the directory
/// lacks, and a pending migration before an applied one.
#[test]
fn runner_refusals_carry_their_codes() {
    let p = project("entity User {\n  id bigint @pk\n}\n");
    let p = p.path();
    ok(&schemac(p, &["new", "init"]));
    let db = test_db("runner_codes");
    let url = db.url().to_string();
    ok(&schemac(p, &["--database-url", &url, "apply"]));
    let mut c = db.connect().expect("connect");

    // The runner's lock key: "schemac" in ASCII.
    c.execute(
        "select pg_advisory_lock($1)",
        &[&0x73_63_68_65_6d_61_63_i64],
    )
    .expect("lock");
    let locked = refused(&schemac(
        p,
        &["--database-url", &url, "--lock-wait", "1", "apply"],
    ));
    assert!(locked.contains("schemac::migration_locked"), "{locked}");
    c.execute(
        "select pg_advisory_unlock($1)",
        &[&0x73_63_68_65_6d_61_63_i64],
    )
    .expect("unlock");

    let role = format!("runner_nocreatedb_{}", std::process::id());
    c.batch_execute(&format!(
        "create role {role} login; grant usage on schema schemac to {role}; \
         grant select on schemac.migrations to {role}"
    ))
    .expect("role");
    let as_role = url.replacen("postgres@", &format!("{role}@"), 1);
    let denied = refused(&schemac(p, &["--database-url", &as_role, "status"]));
    assert!(denied.contains("schemac::database_error"), "{denied}");
    assert!(denied.contains("CREATEDB"), "{denied}");
    c.batch_execute(&format!("drop owned by {role}; drop role {role}"))
        .expect("drop role");

    let missing = refused(&schemac(
        p,
        &["--database-url", &url, "apply", "--to", "9999"],
    ));
    assert!(missing.contains("schemac::unknown_migration"), "{missing}");
    let nothing = refused(&schemac(
        p,
        &["--database-url", &url, "resolve", "--applied", "0001"],
    ));
    assert!(nothing.contains("schemac::unknown_migration"), "{nothing}");

    c.batch_execute("alter table public.users add column nickname text")
        .expect("drift");
    set_schema(
        p,
        "entity User {\n  id bigint @pk\n}\n\nentity Tag {\n  id bigint @pk\n}\n",
    );
    ok(&schemac(p, &["new", "tags"]));
    let drifted = refused(&schemac(p, &["--database-url", &url, "apply"]));
    assert!(drifted.contains("schemac::drift"), "{drifted}");
    assert!(drifted.contains("nickname"), "{drifted}");
    c.batch_execute("alter table public.users drop column nickname")
        .expect("undrift");
    ok(&schemac(p, &["--database-url", &url, "apply"]));

    c.batch_execute(
        "insert into schemac.migrations (version, name, checksum, status, applied_by) \
         values ('0099', 'ghost', 'x', 'applied', 'test')",
    )
    .expect("ghost");
    let ghost = refused(&schemac(p, &["--database-url", &url, "apply"]));
    assert!(ghost.contains("schemac::migration_missing"), "{ghost}");
    assert!(ghost.contains("0099_ghost"), "{ghost}");
    c.batch_execute("delete from schemac.migrations where version in ('0099', '0001')")
        .expect("ledger");
    let early = refused(&schemac(p, &["--database-url", &url, "apply"]));
    assert!(early.contains("schemac::migration_out_of_order"), "{early}");
}

/// `verify --with-data` fills every table before each migration and reads
/// the rows back after it: the blog example's migrations keep them all; a
/// hand-written migration that deletes rows, or drops a column and adds
/// it again (the same schema, its values gone), is caught, with the keys.
#[test]
fn verify_with_data_catches_lost_and_changed_rows() {
    let schema = support::root().join("examples/blog/blog.schema");
    let db = test_db("runner_with_data");
    let out = ok(&schemac(
        &schema,
        &["--database-url", db.url(), "verify", "--with-data"],
    ));
    assert!(
        out.contains("every row generated before each survives it"),
        "{out}"
    );
    assert!(!out.contains("were refused"), "{out}");
    // So do the versions of the basic sequence: enums, domains, keys,
    // renames, types widened, columns dropped.
    let (seq, _) = sequence();
    let out = ok(&schemac(
        seq.path(),
        &["--database-url", db.url(), "verify", "--with-data"],
    ));
    assert!(!out.contains("were refused"), "{out}");

    let p = project("entity User {\n  id bigint @pk\n  name text\n}\n");
    let p = p.path();
    ok(&schemac(p, &["new", "init"]));
    ok(&schemac(p, &["new", "purge", "--empty"]));
    let dir = p.join("migrations").join(id_of(p, 1));
    let up = std::fs::read_to_string(dir.join("up.sql")).expect("up");
    let edit = |body: &str| {
        std::fs::write(dir.join("up.sql"), format!("{up}{body}\n")).expect("edit up");
        ok(&schemac(p, &["hash"]));
    };
    edit("delete from public.users where id > 11;");
    ok(&schemac(p, &["--database-url", db.url(), "verify"]));
    let lost = refused(&schemac(
        p,
        &["--database-url", db.url(), "verify", "--with-data"],
    ));
    assert!(lost.contains("schemac::data_lost"), "{lost}");
    assert!(
        lost.contains(
            "0002_purge lost rows of public.users: 2 of 3 rows are gone, e.g. \"id\" = 12, 13"
        ),
        "{lost}"
    );
    edit(
        "alter table public.users drop column name;\n\
         alter table public.users add column name text not null default 'x';\n\
         alter table public.users alter column name drop default;",
    );
    ok(&schemac(p, &["--database-url", db.url(), "verify"]));
    let changed = refused(&schemac(
        p,
        &["--database-url", db.url(), "verify", "--with-data"],
    ));
    assert!(changed.contains("schemac::data_lost"), "{changed}");
    assert!(
        changed.contains(
            "changed column name of public.users in 3 of 3 rows, e.g. \"id\" = 11, 12, 13"
        ),
        "{changed}"
    );
}
