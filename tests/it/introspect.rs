//! Introspection: every example and fixture, built and applied, reads back
//! as its own model: `diff(introspect(apply(build(m))), m)` is empty, with
//! the model's expressions printed by the same server (`printed`) and what
//! its `sql` blocks create owned by it. Anything the database holds that
//! the model cannot express would be reported, so none may be left over.

use crate::pg::test_db;
use crate::support::{self, case_name, compile_ok, input};
use generator::diff::{diff, Change, Options};
use live::introspect::{introspect, printed};
use std::path::Path;

fn roundtrip(case: &Path) {
    let compiled = compile_ok(&input(case));
    let name = case_name(case);
    let db = test_db(&format!("intro_{name}"));
    db.psql_apply(&support::sql(&compiled)).expect("applies");
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
        .collect();
    assert_eq!(unexplained, Vec::<String>::new(), "{}", case.display());
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

/// What the model has no room for is reported, and a hand-made object is
/// kept by a diff from the database, never dropped.
#[test]
fn unmodelled_objects_are_reported_and_kept() {
    let db = test_db("intro_unmodelled");
    db.psql_apply(
        "create table t (id bigint primary key, a text collate \"C\", b int);
         create index hand_made on t (b);
         create table p (id int, at date) partition by range (at);
         create table p1 partition of p for values from ('2020-01-01') to ('2021-01-01');
         create type pair as (a int, b int);
         alter table t add constraint b_positive check (b > 0) not valid;
         create rule nothing as on delete to t do instead nothing;",
    )
    .expect("applies");
    let mut client = db.connect().expect("connect");
    let got = introspect(&mut client).expect("introspects");
    let what: Vec<String> = got.unmodelled.iter().map(|u| u.to_string()).collect();
    for expected in [
        "column public.t.a: column collation \"C\"",
        "table public.p1: partition",
        "type public.pair: composite type",
        "constraint public.t.b_positive: NOT VALID constraint",
        "table public.t: rule nothing",
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
