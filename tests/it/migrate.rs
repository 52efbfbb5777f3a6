//! Migrations over a sequence of schema versions
//! (`tests/fixtures/migrations/<case>/vNN.schema`): each version's plan,
//! from the previous version, applied to the database built so far, gives
//! the same `pg_dump --schema-only` as a fresh build of the version; the
//! rows written at the start are all still there; the hazards of each step
//! are exactly those its file declares (`// hazards: ...`), refused
//! without, applied with; the planned SQL parses with sqlparser and sets
//! `lock_timeout` before anything else; renames (`renamed from`) keep
//! their rows. `push` keeps a hand-made index and a foreign table, and
//! applies a saved plan only to the database it was planned from.

use crate::pg::test_db;
use crate::support::{self, compile_ok};
use generator::diff::plan::{plan, Hazard, MigrationPlan};
use generator::diff::{diff, Change, Options};
use live::introspect::{introspect, printed};
use live::pgcluster::TestDb;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub(crate) fn pg_dump() -> PathBuf {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut all: Vec<PathBuf> = candidates.into_iter().map(|d| d.join("pg_dump")).collect();
    if let Ok(dirs) = std::fs::read_dir("/usr/lib/postgresql") {
        for d in dirs.flatten() {
            all.push(d.path().join("bin/pg_dump"));
        }
    }
    all.into_iter()
        .find(|p| p.is_file())
        .expect("pg_dump is installed with PostgreSQL")
}

/// `pg_dump --schema-only` of a database as written, with `extra` options.
pub(crate) fn raw_dump(db: &TestDb, extra: &[&str]) -> String {
    let out = std::process::Command::new(pg_dump())
        .args(["--schema-only", "--no-owner", "--no-privileges"])
        .args(extra)
        .arg("-d")
        .arg(db.conninfo())
        .output()
        .expect("pg_dump runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The schema as `pg_dump` writes it, without its header comments.
pub(crate) fn dump(db: &TestDb) -> String {
    dump_with(db, &[])
}

/// [`dump`] with `extra` options for `pg_dump`.
pub(crate) fn dump_with(db: &TestDb, extra: &[&str]) -> String {
    raw_dump(db, extra)
        .lines()
        .filter(|l| {
            !l.starts_with("--") && !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn declared_hazards(path: &Path) -> BTreeSet<Hazard> {
    let text = std::fs::read_to_string(path).expect("version file");
    text.lines()
        .next()
        .and_then(|l| l.strip_prefix("// hazards:"))
        .map(|h| {
            h.split(',')
                .map(|n| Hazard::parse(n.trim()).unwrap_or_else(|| panic!("hazard {n}")))
                .collect()
        })
        .unwrap_or_default()
}

fn apply(plan: &MigrationPlan, client: &mut postgres::Client) {
    client.batch_execute(&plan.settings()).expect("settings");
    for step in &plan.steps {
        client
            .batch_execute(&step.to_sql())
            .unwrap_or_else(|e| panic!("{}\n{e:?}", step.to_sql()));
    }
}

fn check_sql(plan: &MigrationPlan) {
    let sql = plan.to_sql();
    let first_statement = sql
        .lines()
        .find(|l| !l.starts_with("--"))
        .unwrap_or_default();
    assert_eq!(first_statement, "SET lock_timeout = '5s';", "{sql}");
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    // `sql` blocks (the user's, or a policy's `DO` blocks) run as written:
    // their text is not the planner's. sqlparser reads `COMMENT ON` for few
    // kinds of object (no function, constraint or trigger).
    use generator::statement::Verb;
    for p in plan
        .statements()
        .filter(|p| !matches!(p.statement.verb, Verb::Run | Verb::Comment))
    {
        // sqlparser has no `DROP INDEX CONCURRENTLY`: the rest is checked.
        let sql = p.sql.replacen("DROP INDEX CONCURRENTLY ", "DROP INDEX ", 1);
        if let Err(e) = sqlparser::parser::Parser::parse_sql(&dialect, &sql) {
            panic!("planned SQL does not parse: {}\n{e}", p.sql);
        }
    }
}

/// The users, then the ids of the posts under the table's name of the
/// version (a rename keeps them).
fn rows(client: &mut postgres::Client) -> Vec<(i64, String)> {
    let mut out: Vec<(i64, String)> = client
        .query("select id, email::text from public.users order by id", &[])
        .expect("users")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let table: String = client
        .query_one(
            "select relname::text from pg_class where relnamespace = 'public'::regnamespace and relname in ('posts', 'articles')",
            &[],
        )
        .expect("the posts' table")
        .get(0);
    let posts = client
        .query(&format!("select id from public.{table} order by id"), &[])
        .expect("posts");
    out.extend(posts.iter().map(|r| (r.get(0), "post".to_string())));
    out
}

/// Who may do what on each table and column, which `pg_dump
/// --no-privileges` leaves out: the access lists, where the owner's
/// privileges alone (what is left once every grant is revoked) are the
/// default they stand for.
fn access(client: &mut postgres::Client) -> Vec<String> {
    client
        .query(
            "select n.nspname || '.' || c.relname || ' ' ||
                coalesce(nullif(c.relacl, acldefault('r', c.relowner))::text, '-') || ' ' ||
                coalesce((select string_agg(a.attname || '=' || a.attacl::text, ' ' order by a.attname)
                          from pg_attribute a where a.attrelid = c.oid and a.attacl <> '{}'), '')
             from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
             order by 1",
            &[],
        )
        .expect("access lists")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// Walks the versions of `tests/fixtures/migrations/<case>`: `setup` writes
/// rows into the first, `rows` reads what must still be there after each
/// step.
fn walk(case: &str, setup: &str, rows: fn(&mut postgres::Client) -> Vec<(i64, String)>) {
    let dir = support::root().join("tests/fixtures/migrations").join(case);
    let mut versions: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("versions")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "schema"))
        .collect();
    versions.sort();
    let first = compile_ok(&versions[0]);
    let db = test_db(&format!("migrate_{case}"));
    db.psql_apply(&support::sql(&first)).expect("v01 applies");
    let mut client = db.connect().expect("connect");
    client.batch_execute(setup).expect("rows");
    let before = rows(&mut client);
    let mut old = first.model;
    for version in &versions[1..] {
        let new = compile_ok(version).model;
        let changes = diff(&old, &new, &Options::default());
        let p = plan(&old, &new, &changes);
        assert!(
            p.unsupported.is_empty(),
            "{}: {:?}",
            version.display(),
            p.unsupported
        );
        check_sql(&p);
        let declared = declared_hazards(version);
        assert_eq!(
            p.hazards(),
            declared,
            "{}:\n{}",
            version.display(),
            p.to_sql()
        );
        let refused: BTreeSet<Hazard> = p
            .refused(&BTreeSet::new())
            .into_iter()
            .map(|(h, _)| h)
            .collect();
        assert_eq!(refused, declared, "refused without being allowed");
        assert!(p.refused(&declared).is_empty());
        apply(&p, &mut client);
        let fresh = test_db(&format!("migrate_{case}_fresh"));
        fresh
            .psql_apply(&support::sql(&compile_ok(version)))
            .expect("fresh build applies");
        assert_eq!(
            dump(&db),
            dump(&fresh),
            "{}:\n{}",
            version.display(),
            p.to_sql()
        );
        let mut fresh_client = fresh.connect().expect("connect");
        assert_eq!(
            access(&mut client),
            access(&mut fresh_client),
            "{}:\n{}",
            version.display(),
            p.to_sql()
        );
        assert_eq!(rows(&mut client), before, "{}", version.display());
        // The migrated database reads back as the version: introspection
        // agrees with the plan (a check renamed with its column included).
        let shadow = test_db(&format!("migrate_{case}_shadow"));
        let want = printed(&new, &mut shadow.connect().expect("connect shadow"))
            .expect("builds in the shadow");
        let got = introspect(&mut client).expect("introspects");
        let options = Options {
            old_is_database: true,
            raw_products: want.raw_products.clone(),
        };
        let left: Vec<Change> = diff(&got.model, &want.model, &options)
            .into_iter()
            .filter(Change::is_difference)
            .collect();
        assert_eq!(left, vec![], "{}", version.display());
        old = new;
    }
}

#[test]
fn a_sequence_of_versions_migrates_like_a_fresh_build() {
    walk(
        "basic",
        "insert into public.users (id, email, name) values (1, 'a@example.com', 'A'), (2, 'b@example.com', null);
         insert into public.posts (id, user_id, title) values (1, 1, 'hello');",
        rows,
    );
}

/// Every policy's generated objects, grants and row-level security, each
/// added, changed and removed again.
#[test]
fn policies_and_grants_migrate_like_a_fresh_build() {
    walk(
        "policies",
        "insert into public.accounts (id, email, org_id) values (1, 'a@example.com', 7), (2, 'b@example.com', 8);
         insert into public.notes (id, account_id, body) values (1, 1, 'hello'), (2, 2, 'hidden');",
        |client| {
            let mut out = Vec::new();
            for table in ["accounts", "notes"] {
                let ids = client
                    .query(&format!("select id from public.{table} order by id"), &[])
                    .expect("rows");
                out.extend(ids.iter().map(|r| (r.get(0), table.to_string())));
            }
            out
        },
    );
}

/// `schemac push` plans from the database itself: a hand-made index and a
/// foreign table are kept, the hazards it is not allowed are refused.
#[test]
fn push_keeps_what_the_model_does_not_describe() {
    let dir = support::root().join("tests/fixtures/migrations/basic");
    let db = test_db("migrate_push");
    db.psql_apply(&support::sql(&compile_ok(&dir.join("v01.schema"))))
        .expect("v01 applies");
    db.psql_apply(
        "create index hand_made on public.users (name);
         create extension postgres_fdw;
         create server elsewhere foreign data wrapper postgres_fdw;
         create foreign table public.remote (id int) server elsewhere;",
    )
    .expect("hand-made objects");
    let schemac = || assert_cmd::Command::cargo_bin("schemac").expect("binary");
    // v02 adds an enum value: irreversible.
    let refused = schemac()
        .args(["push", "--database-url", db.url()])
        .arg(dir.join("v02.schema"))
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).to_string();
    assert!(stderr.contains("hazard irreversible"), "{stderr}");
    assert!(stderr.contains("[migrate] allow_hazards"), "{stderr}");
    // Allowed by the project's schemac.toml rather than a flag.
    let project = tempfile::tempdir().expect("tempdir");
    std::fs::copy(dir.join("v02.schema"), project.path().join("app.schema")).expect("copy");
    std::fs::write(
        project.path().join("schemac.toml"),
        "[migrate]\nallow_hazards = [\"irreversible\"]\n",
    )
    .expect("config");
    schemac()
        .args(["push", "--database-url", db.url()])
        .arg(project.path())
        .assert()
        .success();
    let mut client = db.connect().expect("connect");
    let kept: i64 = client
        .query_one(
            "select count(*) from pg_class where relname in ('hand_made', 'remote')",
            &[],
        )
        .expect("query")
        .get(0);
    assert_eq!(kept, 2);
    let age: i64 = client
        .query_one("select count(*) from pg_attribute where attname = 'age' and attrelid = 'public.users'::regclass", &[])
        .expect("query")
        .get(0);
    assert_eq!(age, 1);
    // Now the database matches v02 (and keeps its own objects): no drift.
    schemac()
        .args(["diff", "--from-database-url", db.url(), "--to"])
        .arg(dir.join("v02.schema"))
        .assert()
        .success();
    schemac()
        .args(["diff", "--from-database-url", db.url(), "--to"])
        .arg(dir.join("v03.schema"))
        .assert()
        .code(1);

    // A saved plan applies only to the database it was planned from.
    let plan_file = project.path().join("plan.json");
    let make_plan = || {
        schemac()
            .args(["plan", "--from-database-url", db.url(), "--to"])
            .arg(dir.join("v03.schema"))
            .arg("--out")
            .arg(&plan_file)
            .assert()
            .success();
    };
    make_plan();
    db.psql_apply("create table public.meanwhile (id int);")
        .expect("a change after planning");
    let stale = schemac()
        .args(["push", "--database-url", db.url(), "--plan"])
        .arg(&plan_file)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&stale.get_output().stderr).to_string();
    assert!(stderr.contains("the database changed since"), "{stderr}");
    make_plan();
    schemac()
        .args(["push", "--database-url", db.url(), "--plan"])
        .arg(&plan_file)
        .assert()
        .success();
    schemac()
        .args(["diff", "--from-database-url", db.url(), "--to"])
        .arg(dir.join("v03.schema"))
        .assert()
        .success();
}

/// Policies, row-level security and grants are read from the database:
/// changed by hand, they are drift, and `push` sets them back. The owner's
/// own privileges, and default privileges of a role the schema does not
/// name, are not drift.
#[test]
fn push_sets_back_policies_and_grants_changed_by_hand() {
    let version = support::root().join("tests/fixtures/migrations/policies/v07.schema");
    let db = test_db("migrate_access");
    db.psql_apply(
        "do $$ begin
           if not exists (select from pg_roles where rolname = 'intro_dba') then create role intro_dba nologin; end if;
         end $$;
         alter default privileges in schema public grant select on tables to intro_dba;",
    )
    .expect("a role of the DBA's");
    db.psql_apply(&support::sql(&compile_ok(&version)))
        .expect("v07 applies");
    let schemac = || assert_cmd::Command::cargo_bin("schemac").expect("binary");
    let diff = || {
        schemac()
            .args(["diff", "--from-database-url", db.url(), "--to"])
            .arg(&version)
            .assert()
    };
    diff().success();
    db.psql_apply(
        "grant delete on public.accounts to app;
         revoke select on public.notes from app;
         revoke update (email) on public.accounts from support;
         alter policy pol_notes_select on public.notes using (true);
         drop policy pol_accounts_tenant_delete on public.accounts;
         create policy by_hand on public.notes for all using (true);
         alter table public.notes no force row level security;",
    )
    .expect("changes by hand");
    let drift = diff().code(1);
    let sql = String::from_utf8_lossy(&drift.get_output().stdout).to_string();
    for expected in [
        "REVOKE DELETE ON \"public\".\"accounts\" FROM \"app\"",
        "GRANT SELECT ON \"public\".\"notes\" TO \"app\"",
        "GRANT UPDATE (\"email\") ON \"public\".\"accounts\" TO \"support\"",
        "CREATE POLICY \"pol_notes_select\" ON \"public\".\"notes\"",
        "CREATE POLICY \"pol_accounts_tenant_delete\" ON \"public\".\"accounts\"",
        "DROP POLICY \"by_hand\" ON \"public\".\"notes\"",
        "ALTER TABLE \"public\".\"notes\" FORCE ROW LEVEL SECURITY",
    ] {
        assert!(sql.contains(expected), "{expected} not in:\n{sql}");
    }
    assert!(!sql.contains("intro_dba"), "{sql}");
    schemac()
        .args([
            "push",
            "--database-url",
            db.url(),
            "--allow-hazards",
            "authorization",
        ])
        .arg(&version)
        .assert()
        .success();
    diff().success();
    let mut client = db.connect().expect("connect");
    let dba: bool = client
        .query_one(
            "select has_table_privilege('intro_dba', 'public.accounts', 'select')",
            &[],
        )
        .expect("query")
        .get(0);
    assert!(dba, "the DBA's default privileges are kept");
}

/// The migration-safety lint runs on `plan`, `diff` and `migrate new`: its
/// warnings are printed, and fail with `--deny warnings`; its errors fail,
/// for the `[lint] pg_version` the project targets.
#[test]
fn the_migration_safety_lint_warns_and_refuses() {
    let dir = support::root().join("tests/fixtures/migrations/basic");
    let schemac = || assert_cmd::Command::cargo_bin("schemac").expect("binary");
    let stderr = |a: &assert_cmd::assert::Assert| {
        String::from_utf8_lossy(&a.get_output().stderr).to_string()
    };
    // v13 renames a table and columns.
    let warned = schemac()
        .args(["plan", "--from"])
        .arg(dir.join("v12.schema"))
        .arg("--to")
        .arg(dir.join("v13.schema"))
        .assert()
        .success();
    let text = stderr(&warned);
    assert!(
        text.contains("warning[migration/rename-breaks-application]"),
        "{text}"
    );
    let denied = schemac()
        .args(["plan", "--deny", "warnings", "--from"])
        .arg(dir.join("v12.schema"))
        .arg("--to")
        .arg(dir.join("v13.schema"))
        .assert()
        .code(1);
    assert!(
        stderr(&denied).contains("refused it"),
        "{}",
        stderr(&denied)
    );
    assert!(denied.get_output().stdout.is_empty());
    // v02 adds an enum value: refused for a PostgreSQL 11 target.
    let project = tempfile::tempdir().expect("tempdir");
    std::fs::copy(dir.join("v02.schema"), project.path().join("app.schema")).expect("copy");
    std::fs::write(
        project.path().join("schemac.toml"),
        "[lint]\npg_version = 11\n",
    )
    .expect("config");
    let old = schemac()
        .args(["diff", "--from"])
        .arg(dir.join("v01.schema"))
        .arg("--to")
        .arg(project.path())
        .assert()
        .code(1);
    assert!(
        stderr(&old).contains("error[migration/enum-value-in-transaction]"),
        "{}",
        stderr(&old)
    );
    // `migrate new` writes nothing the lint refuses.
    let migrations = project.path().join("migrations");
    std::fs::copy(dir.join("v01.schema"), project.path().join("app.schema")).expect("copy");
    schemac()
        .args(["migrate", "--project"])
        .arg(project.path())
        .args(["new", "first"])
        .assert()
        .success();
    std::fs::copy(dir.join("v02.schema"), project.path().join("app.schema")).expect("copy");
    let refused = schemac()
        .args(["migrate", "--project"])
        .arg(project.path())
        .args(["new", "second"])
        .assert()
        .code(1);
    assert!(
        stderr(&refused).contains("no migration written"),
        "{}",
        stderr(&refused)
    );
    let written = std::fs::read_dir(&migrations)
        .expect("migrations")
        .flatten()
        .filter(|e| e.path().is_dir())
        .count();
    assert_eq!(written, 1);
}
