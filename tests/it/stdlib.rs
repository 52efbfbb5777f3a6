//! Polymorphic references and the standard library on a real database:
//! the arc's foreign keys are real and exactly one target is set; each
//! standard-library module does what docs/stdlib.md says.

use crate::pg::test_db;
use crate::support;
use live::pgcluster::TestDb;
use std::path::Path;

/// Compiles the project or file at `path` and applies it to a fresh database.
fn apply_path(prefix: &str, path: &Path) -> TestDb {
    let compiled = support::compile_ok(path);
    let sql = generator::emit::postgres::render(&compiled.creation);
    let db = test_db(prefix);
    if let Err(e) = db.psql_apply(&sql) {
        panic!("{} does not apply:\n{e}", path.display());
    }
    db
}

/// The code of a failed statement (`23514` for a check violation).
fn sqlstate(e: &postgres::Error) -> String {
    e.code().map(|c| c.code().to_string()).unwrap_or_default()
}

#[test]
fn a_polymorphic_reference_holds_exactly_one_real_foreign_key() {
    let case = support::root().join("tests/fixtures/ok/polymorphic");
    let db = apply_path("poly_arc", &support::input(&case));
    let mut c = db.connect().expect("connect");
    c.batch_execute(
        "insert into products (name) values ('mug');
         insert into articles (title) values ('news');",
    )
    .expect("targets");
    c.execute(
        "insert into taggings (target_product_id, label) values (1, 'sale')",
        &[],
    )
    .expect("one target is fine");
    let none = c
        .execute("insert into taggings (label) values ('orphan')", &[])
        .expect_err("no target is refused");
    assert_eq!(sqlstate(&none), "23514", "{none}");
    let two = c
        .execute(
            "insert into taggings (target_product_id, target_article_id, label) values (1, 1, 'both')",
            &[],
        )
        .expect_err("two targets are refused");
    assert_eq!(sqlstate(&two), "23514", "{two}");
    let dangling = c
        .execute(
            "insert into taggings (target_upload_id, label) values (42, 'ghost')",
            &[],
        )
        .expect_err("a missing target is refused");
    assert_eq!(sqlstate(&dangling), "23503", "{dangling}");
    // The optional arc takes none, and `set null` clears it.
    c.batch_execute(
        "insert into notes (body) values ('loose');
         insert into notes (subject_article_id, body) values (1, 'pinned');
         delete from articles;",
    )
    .expect("optional arc");
    let pinned: i64 = c
        .query_one(
            "select count(*) from notes where subject_article_id is not null",
            &[],
        )
        .expect("count")
        .get(0);
    assert_eq!(pinned, 0);
    c.execute("delete from products", &[]).expect("cascade");
    let left: i64 = c
        .query_one("select count(*) from taggings", &[])
        .expect("count")
        .get(0);
    assert_eq!(left, 0, "the tagging went with its product");
}

/// A project directory importing `modules`, with `settings` appended to
/// its `schemac.toml`.
fn project(modules: &[&str], settings: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("schemac.toml"),
        format!("[project]\nname = \"app\"\n{settings}"),
    )
    .expect("write");
    let imports: String = modules
        .iter()
        .map(|m| format!("import std.{m}\n"))
        .collect();
    std::fs::write(
        dir.path().join("app.schema"),
        format!("schemac 1\n\n{imports}"),
    )
    .expect("write");
    dir
}

fn lints_clean(dir: &Path) {
    assert_cmd::Command::cargo_bin("schemac")
        .expect("binary")
        .args(["lint", "--deny", "warnings"])
        .arg(dir)
        .assert()
        .success();
}

fn all_modules() -> Vec<&'static str> {
    generator::stdlib::MODULES.iter().map(|(n, _)| *n).collect()
}

#[test]
fn every_module_alone_builds_lints_clean_and_applies() {
    for module in all_modules() {
        let dir = project(&[module], "");
        lints_clean(dir.path());
        apply_path(&format!("std_{module}"), dir.path());
    }
}

#[test]
fn all_modules_together_build_lint_clean_and_apply_with_each_id_and_schema() {
    for (prefix, settings) in [
        ("std_all", ""),
        (
            "std_all_uuid",
            "[stdlib]\nid = \"uuid\"\nschema = \"lib\"\n",
        ),
    ] {
        let dir = project(&all_modules(), settings);
        lints_clean(dir.path());
        apply_path(prefix, dir.path());
    }
}

/// Every module applied with bigint keys, for the behaviour tests.
fn all_applied(prefix: &str) -> (TestDb, postgres::Client) {
    let dir = project(&all_modules(), "");
    let db = apply_path(prefix, dir.path());
    let mut c = db.connect().expect("connect");
    c.batch_execute("insert into users (email) values ('ann@example.com'), ('bob@example.com')")
        .expect("users");
    (db, c)
}

#[test]
fn effective_permissions_follow_a_three_level_role_hierarchy() {
    let (_db, mut c) = all_applied("std_rbac");
    c.batch_execute(
        "insert into roles (name) values ('viewer');
         insert into roles (name, parent_id) values ('editor', 1);
         insert into roles (name, parent_id) values ('admin', 2);
         insert into permissions (resource, action) values
           ('doc', 'read'), ('doc', 'write'), ('user', 'delete'), ('doc', 'archive');
         insert into role_permissions values (1, 1), (2, 2), (3, 3);
         insert into role_grants (user_id, role_id, scope) values (1, 3, null);
         insert into role_grants (user_id, role_id, expires_at) values (2, 3, now() - interval '1 day');",
    )
    .expect("roles");
    let rows = c
        .query(
            "select resource || ':' || action from effective_permissions(1) order by 1",
            &[],
        )
        .expect("effective_permissions");
    let got: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    assert_eq!(got, ["doc:read", "doc:write", "user:delete"]);
    let expired: i64 = c
        .query_one("select count(*) from effective_permissions(2)", &[])
        .expect("expired grant")
        .get(0);
    assert_eq!(expired, 0, "an expired grant gives nothing");
}

#[test]
fn a_duplicate_grant_is_refused_with_or_without_a_scope() {
    let (_db, mut c) = all_applied("std_grant");
    c.batch_execute(
        "insert into roles (name) values ('viewer');
         insert into role_grants (user_id, role_id) values (1, 1);
         insert into role_grants (user_id, role_id, scope) values (1, 1, 'project-7');",
    )
    .expect("grants");
    for again in [
        "insert into role_grants (user_id, role_id) values (1, 1)",
        "insert into role_grants (user_id, role_id, scope) values (1, 1, 'project-7')",
    ] {
        let e = c.execute(again, &[]).expect_err(again);
        assert_eq!(sqlstate(&e), "23505", "{again}: {e}");
    }
}

#[test]
fn an_expired_or_revoked_session_is_not_valid() {
    let (_db, mut c) = all_applied("std_session");
    c.batch_execute(
        "insert into sessions (user_id, token_hash, created_at, expires_at) values
           (1, sha256('a'), now() - interval '2 days', now() + interval '1 day'),
           (1, sha256('b'), now() - interval '2 days', now() - interval '1 day');
         insert into sessions (user_id, token_hash, expires_at, revoked_at) values
           (1, sha256('c'), now() + interval '1 day', now());",
    )
    .expect("sessions");
    let valid: Vec<Vec<u8>> = c
        .query("select token_hash from valid_sessions", &[])
        .expect("valid_sessions")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let a: Vec<u8> = c.query_one("select sha256('a')", &[]).expect("hash").get(0);
    assert_eq!(valid, [a], "only the unexpired, unrevoked session");
    let clear = c
        .execute(
            "insert into sessions (user_id, token_hash, expires_at) values (1, 'plain token', now() + interval '1 day')",
            &[],
        )
        .expect_err("a token in clear is refused");
    assert_eq!(sqlstate(&clear), "23514", "{clear}");
}

#[test]
fn an_api_token_is_never_stored_in_clear() {
    let (_db, mut c) = all_applied("std_token");
    let token: String = c
        .query_one("select issue_api_token(1, 'ci')", &[])
        .expect("issue")
        .get(0);
    assert!(token.len() >= 48, "{token}");
    let found: i64 = c
        .query_one(
            "select count(*) from api_tokens t where position($1 in t::text) > 0 \
             or position(convert_to($1, 'UTF8') in t.token_hash) > 0",
            &[&token],
        )
        .expect("search")
        .get(0);
    assert_eq!(found, 0, "the token appears in no column");
    let user: i64 = c
        .query_one("select api_token_user($1)", &[&token])
        .expect("lookup")
        .get(0);
    assert_eq!(user, 1);
    let wrong: Option<i64> = c
        .query_one("select api_token_user('nope')", &[])
        .expect("lookup")
        .get(0);
    assert_eq!(wrong, None);
}

#[test]
fn a_category_cannot_be_its_own_ancestor() {
    let (_db, mut c) = all_applied("std_category");
    c.batch_execute(
        "insert into categories (slug) values ('a');
         insert into categories (slug, parent_id) values ('b', 1);
         insert into categories (slug, parent_id) values ('c', 2);",
    )
    .expect("a tree");
    for cycle in [
        "update categories set parent_id = 3 where id = 1",
        "update categories set parent_id = 1 where id = 1",
    ] {
        let e = c.execute(cycle, &[]).expect_err(cycle);
        assert_eq!(sqlstate(&e), "23514", "{cycle}: {e}");
    }
    c.execute("update categories set parent_id = 1 where id = 3", &[])
        .expect("moving within the tree is fine");
}

#[test]
fn stdlib_doc_is_current() {
    let path = support::root().join("docs/stdlib.md");
    let want = generator::stdlib::reference();
    if std::env::var_os("SCHEMAC_BLESS").is_some() {
        std::fs::write(&path, &want).expect("write docs/stdlib.md");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/stdlib.md is stale: regenerate it with `SCHEMAC_BLESS=1 cargo test --test it stdlib_doc`"
    );
}

#[test]
fn init_writes_projects_that_lint_clean_and_apply_and_never_overwrites() {
    for template in ["minimal", "saas", "seed"] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join(template);
        let init = || {
            let mut cmd = assert_cmd::Command::cargo_bin("schemac").expect("binary");
            cmd.arg("init").arg(&dir).args(["--template", template]);
            cmd
        };
        init().assert().success();
        for file in ["schemac.toml", "app.schema", ".gitignore", "README.md"] {
            assert!(dir.join(file).is_file(), "{template}: {file}");
        }
        lints_clean(&dir);
        assert_cmd::Command::cargo_bin("schemac")
            .expect("binary")
            .arg("build")
            .arg(&dir)
            .assert()
            .success();
        assert!(dir.join("build/schema.sql").is_file(), "{template}: built");
        apply_path(&format!("init_{template}"), &dir);
        // A second init refuses and leaves every file as it was.
        std::fs::write(dir.join("README.md"), "mine\n").expect("edit");
        init().assert().code(2);
        let readme = std::fs::read_to_string(dir.join("README.md")).expect("read");
        assert_eq!(readme, "mine\n", "{template}: README kept");
    }
}

#[test]
fn the_modules_can_reference_the_projects_own_user_entity() {
    let modules: Vec<&str> = all_modules().into_iter().filter(|m| *m != "auth").collect();
    let dir = project(&modules, "[stdlib]\nuser = \"accounts.Account\"\n");
    std::fs::write(
        dir.path().join("accounts.schema"),
        "schemac 1\n\n/// Someone with a login to the application.\nentity Account {\n  /// The account's key.\n  id     uuid @pk = gen_random_uuid()\n  /// Shown to others.\n  handle text @unique\n}\n",
    )
    .expect("write");
    let sql = support::sql(&support::compile_ok(dir.path()));
    assert!(
        !sql.contains("\"public\".\"users\""),
        "std.auth is not used"
    );
    assert!(
        sql.contains("REFERENCES \"public\".\"accounts\" (\"id\")"),
        "the modules reference accounts"
    );
    let db = apply_path("std_user", dir.path());
    let mut c = db.connect().expect("connect");
    c.batch_execute(
        "insert into accounts (id, handle) values ('00000000-0000-0000-0000-000000000001', 'ann');
         insert into roles (name) values ('viewer');
         insert into permissions (resource, action) values ('doc', 'read');
         insert into role_permissions values (1, 1);
         insert into role_grants (user_id, role_id) values ('00000000-0000-0000-0000-000000000001', 1);",
    )
    .expect("a grant to an account");
    let n: i64 = c
        .query_one(
            "select count(*) from effective_permissions('00000000-0000-0000-0000-000000000001')",
            &[],
        )
        .expect("effective_permissions")
        .get(0);
    assert_eq!(n, 1);
}
