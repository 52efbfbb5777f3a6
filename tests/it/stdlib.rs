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
