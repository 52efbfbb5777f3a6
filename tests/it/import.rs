//! `schemac import`: DDL → `.schema` files. The hand-written store script's
//! import is snapshotted; on a live server, a database built from it (plus
//! sixty generated tables) is dumped with `pg_dump`, the dump imported,
//! built and applied to a fresh database, and both databases dump the same;
//! the same 70 tables from the database itself (`--database-url`,
//! partitions and functions with named arguments included); partitioned
//! tables of every kind come back as entities with `@partition`, from a
//! dump and from the database, and build the same tables; and no input
//! makes the importer panic.

use crate::migrate::{dump, raw_dump};
use crate::pg::test_db;
use crate::support::{self, compile_ok};
use generator::import::{from_sql, Import};
use live::pgcluster::TestDb;
use proptest::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

fn store() -> String {
    std::fs::read_to_string(support::root().join("tests/fixtures/import/store.sql"))
        .expect("store.sql")
}

fn partitioned() -> String {
    std::fs::read_to_string(support::root().join("tests/fixtures/import/partitions.sql"))
        .expect("partitions.sql")
}

/// Sixty more tables, as a large application has them: a chain of foreign
/// keys (some composite), partial and expression indexes, enums, a domain,
/// serial keys, views.
fn generated(n: usize) -> String {
    let mut s = String::from("CREATE TYPE priority AS ENUM ('low', 'high');\nCREATE DOMAIN code AS text CHECK (VALUE ~ '^[A-Z]+$');\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "CREATE TABLE item_{i} (\n  id serial PRIMARY KEY,\n  part smallint NOT NULL DEFAULT 1,\n  label code NOT NULL,\n  level priority,\n  score double precision,\n  note varchar(200),\n  UNIQUE (id, part)\n);"
        );
        if i > 0 {
            let p = i - 1;
            let _ = writeln!(
                s,
                "ALTER TABLE item_{i} ADD COLUMN parent_id integer REFERENCES item_{p} ON DELETE SET NULL;\n\
                 ALTER TABLE item_{i} ADD COLUMN parent_part smallint;\n\
                 ALTER TABLE item_{i} ADD CONSTRAINT item_{i}_parent_fk FOREIGN KEY (parent_id, parent_part) REFERENCES item_{p} (id, part);\n\
                 CREATE INDEX item_{i}_parent_idx ON item_{i} (parent_id, parent_part);"
            );
        }
        let _ = writeln!(
            s,
            "CREATE INDEX item_{i}_label_idx ON item_{i} (lower(label::text)) WHERE level = 'high';"
        );
        if i % 10 == 0 {
            let _ = writeln!(
                s,
                "CREATE VIEW item_{i}_high AS SELECT id, label FROM item_{i} WHERE level = 'high';"
            );
        }
    }
    s
}

fn all_files(im: &Import) -> String {
    im.files
        .iter()
        .map(|(name, text)| format!("// ===== {name}\n{text}"))
        .collect()
}

/// Writes the files and builds them: `schemac check` finds no errors.
fn build(im: &Import, dir: &Path) -> String {
    for (name, text) in &im.files {
        std::fs::write(dir.join(name), text).expect("write");
    }
    let compiled = compile_ok(dir);
    support::sql(&compiled)
}

#[test]
fn a_hand_written_script_imports() {
    let im = from_sql(&[("store.sql".to_string(), store())]);
    assert!(im.diagnostics.is_empty(), "{:?}", im.diagnostics);
    insta::assert_snapshot!(
        "import_store",
        format!("{}\n{}", all_files(&im), im.report.text())
    );
    let dir = tempfile::tempdir().expect("tempdir");
    build(&im, dir.path());
}

#[test]
fn a_dump_round_trips_through_import() {
    let original = test_db("import_src");
    original
        .psql_apply(&format!("{}\n{}", store(), generated(60)))
        .expect("the original schema applies");
    let dumped = raw_dump(&original, &[]);
    let im = from_sql(&[("dump.sql".to_string(), dumped)]);
    assert!(
        im.diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        im.diagnostics
    );
    assert!(im.report.tables > 50, "{}", im.report.text());
    let dir = tempfile::tempdir().expect("tempdir");
    let sql = build(&im, dir.path());
    let copy = test_db("import_dst");
    copy.psql_apply(&sql)
        .unwrap_or_else(|e| panic!("{e}\n{}", all_files(&im)));
    same_dump(&original, &copy);
}

fn same_dump(original: &TestDb, copy: &TestDb) {
    let (a, b) = (dump(original), dump(copy));
    if a != b {
        let diff = similar::TextDiff::from_lines(&a, &b);
        panic!(
            "the dumps differ:\n{}",
            diff.unified_diff().context_radius(3)
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any text, and any cut of a real script: no panic, and every
    /// statement is accounted for.
    #[test]
    fn the_importer_never_panics(text in "(?s).{0,300}", cut in 0usize..4000) {
        let _ = from_sql(&[("any.sql".to_string(), text)]);
        let s = store();
        let mut end = cut.min(s.len());
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        let _ = from_sql(&[("cut.sql".to_string(), s[..end].to_string())]);
    }
}

fn schemac() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_schemac"))
}

#[test]
fn the_command_imports_a_dump_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = support::root().join("tests/fixtures/import/store.sql");
    let out = dir.path().join("schema");
    let run = |force: bool| {
        let mut c = schemac();
        c.arg("import")
            .arg("--from-sql")
            .arg(&script)
            .arg("--out")
            .arg(&out);
        if force {
            c.arg("--force");
        }
        c.output().expect("schemac runs")
    };
    let first = run(false);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "{stderr}");
    assert!(stderr.contains("imported 7 tables"), "{stderr}");
    assert!(stderr.contains("sql block   "), "{stderr}");
    let check = schemac()
        .arg("check")
        .arg(&out)
        .output()
        .expect("schemac runs");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let again = run(false);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("refusing to overwrite"));
    assert!(run(true).status.success());
}

#[test]
fn a_statement_sqlparser_cannot_read_is_kept_and_reported() {
    let script = "CREATE TABLE a (id integer PRIMARY KEY);\nCREATE STATISTICS a_stats ON id, id FROM a WITH NONSENSE;\n";
    let im = from_sql(&[("odd.sql".to_string(), script.to_string())]);
    assert_eq!(im.diagnostics.len(), 1, "{:?}", im.diagnostics);
    assert_eq!(im.diagnostics[0].code, "schemac::import_unparsed");
    assert!(
        im.report.raw.iter().any(|(at, _)| at == "odd.sql:2"),
        "{:?}",
        im.report.raw
    );
    assert!(all_files(&im).contains("WITH NONSENSE"));
}

#[test]
fn a_database_round_trips_through_import() {
    // The same 70 tables as the dump, read from the catalog.
    let original = test_db("import_db_src");
    original
        .psql_apply(&format!("{}\n{}", store(), generated(60)))
        .expect("the original schema applies");
    let dir = tempfile::tempdir().expect("tempdir");
    let run = schemac()
        .args(["import", "--database-url", original.url(), "--out"])
        .arg(dir.path())
        .output()
        .expect("schemac runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let compiled = compile_ok(dir.path());
    let copy = test_db("import_db_dst");
    copy.psql_apply(&support::sql(&compiled))
        .unwrap_or_else(|e| panic!("{e}\n{stderr}"));
    same_dump(&original, &copy);
}

#[test]
fn partitioned_tables_import_as_entities_and_round_trip() {
    let original = test_db("import_part_src");
    original
        .psql_apply(&partitioned())
        .expect("the partitioned schema applies");
    let im = from_sql(&[("dump.sql".to_string(), raw_dump(&original, &[]))]);
    assert!(
        im.diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        im.diagnostics
    );
    let files = all_files(&im);
    for attr in [
        "@partition(list: region, eu: ['de', 'fr'], us: ['us', 'ca'])",
        "@partition(hash: user_id, modulus: 3)",
        "@partition(list: region, eu: ['de', 'fr'])\n  @subpartition(hash: shop, modulus: 2)",
        "@partition(range: taken, old: from minvalue to '2024-01-01', y2024: from '2024-01-01' to '2025-01-01', y2025: from '2025-01-01' to '2026-01-01')",
        "@partition(range: at, h1: from '2026-01-01 00:00:00+00' to '2026-07-01 00:00:00+00', h2: from '2026-07-01 00:00:00+00' to '2027-01-01 00:00:00+00', default: false)",
        "@partition(range: id, high: from 1000000 to maxvalue, low: from 1 to 1000000, default: false)",
    ] {
        assert!(files.contains(attr), "{attr} not in\n{files}");
    }
    // Partitions named otherwise (`events_rest`) keep their table SQL.
    let raw: Vec<&str> = im.report.raw.iter().map(|(_, w)| w.as_str()).collect();
    assert!(raw.iter().all(|w| w.contains("events")), "{raw:?}");
    assert!(raw.contains(&"table public.events"), "{raw:?}");
    let dir = tempfile::tempdir().expect("tempdir");
    let sql = build(&im, dir.path());
    let copy = test_db("import_part_dst");
    copy.psql_apply(&sql)
        .unwrap_or_else(|e| panic!("{e}\n{files}"));
    same_dump(&original, &copy);

    // The same from the database itself.
    let dir = tempfile::tempdir().expect("tempdir");
    let run = schemac()
        .args(["import", "--database-url", original.url(), "--out"])
        .arg(dir.path())
        .output()
        .expect("schemac runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let text = std::fs::read_to_string(dir.path().join("public.schema")).expect("public.schema");
    assert!(
        text.contains("@partition(range: taken, old: from minvalue to '2024-01-01'"),
        "{text}"
    );
    let compiled = compile_ok(dir.path());
    let copy = test_db("import_part_db_dst");
    copy.psql_apply(&support::sql(&compiled))
        .unwrap_or_else(|e| panic!("{e}\n{stderr}"));
    same_dump(&original, &copy);
}

/// Tables of every period schemac's maintenance keeps, in two schemas:
/// a retention, a window other than the default, `default: false`, and
/// each key type.
const MAINTAINED: &str = "entity Event {
  id          bigint @identity
  kind        text
  occurred_at timestamptz = now()
  primary key (id, occurred_at)
  index (kind)
  @partition(range: occurred_at, every: month, ahead: 2, before: 1)
  @retain(3 months)
}

entity Reading {
  id    bigint @identity
  taken date
  value numeric
  primary key (id, taken)
  @partition(range: taken, every: week, ahead: 1, before: 0, default: false)
}

entity Visit {
  id bigint @identity
  at timestamp
  primary key (id, at)
  @partition(range: at, every: day)
}

entity Ledger @schema(archive) {
  id     bigint @identity
  booked date
  primary key (id, booked)
  @partition(range: booked, every: year, before: 2)
}
";

/// Today in UTC, as maintenance cuts periods.
fn today(db: &TestDb) -> String {
    db.connect()
        .expect("connect")
        .query_one("select (now() at time zone 'UTC')::date::text", &[])
        .expect("today")
        .get(0)
}

/// A directory with `schemac.toml` and the `.schema` files of `im`.
fn written(im: &Import) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("schemac.toml"), "").expect("toml");
    for (name, text) in &im.files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

/// A project of time-partitioned tables, built and applied (its script
/// runs the maintenance once), imports back from `pg_dump` and from the
/// database as the same `every:` declarations, without the maintenance
/// functions or the partitions; both imports build and apply to databases
/// that dump the same. The partitions present depend on the day the
/// maintenance ran: all databases are made on the same UTC day (a run
/// that crosses midnight is made again).
#[test]
fn maintained_time_partitions_import_as_every_and_round_trip() {
    let project = tempfile::tempdir().expect("tempdir");
    std::fs::write(project.path().join("schemac.toml"), "").expect("toml");
    std::fs::write(project.path().join("app.schema"), MAINTAINED).expect("schema");
    let script = support::sql(&compile_ok(project.path()));
    let attrs = [
        "@partition(range: occurred_at, every: month, ahead: 2)\n  @retain(3 months)",
        "@partition(range: taken, every: week, ahead: 1, before: 0, default: false)",
        "@partition(range: at, every: day)\n",
        "@partition(range: booked, every: year, before: 2)",
    ];
    let mut attempts = 0;
    let (original, dumped, copies) = loop {
        attempts += 1;
        let original = test_db("import_every_src");
        let day = today(&original);
        original.psql_apply(&script).expect("the project applies");

        let dumped = raw_dump(&original, &[]);
        let im = from_sql(&[("dump.sql".to_string(), dumped.clone())]);
        assert!(im.diagnostics.is_empty(), "{:?}", im.diagnostics);
        let files = all_files(&im);
        for a in attrs {
            assert!(files.contains(a), "{a} not in\n{files}");
        }
        assert!(!files.contains("maintain_partitions"), "{files}");
        assert!(!files.contains("_p20"), "{files}");
        assert!(im.report.raw.is_empty(), "{:?}\n{files}", im.report.raw);
        let from_dump = written(&im);
        let copy = test_db("import_every_dump");
        copy.psql_apply(&support::sql(&compile_ok(from_dump.path())))
            .unwrap_or_else(|e| panic!("{e}\n{files}"));

        let from_db = tempfile::tempdir().expect("tempdir");
        let run = schemac()
            .args(["import", "--database-url", original.url(), "--out"])
            .arg(from_db.path())
            .output()
            .expect("schemac runs");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{stderr}");
        let mut text = String::new();
        for name in ["public.schema", "archive.schema"] {
            text.push_str(
                &std::fs::read_to_string(from_db.path().join(name))
                    .unwrap_or_else(|e| panic!("{name}: {e}\n{stderr}")),
            );
        }
        for a in attrs {
            assert!(text.contains(a), "{a} not in\n{text}\n{stderr}");
        }
        assert!(!text.contains("maintain_partitions"), "{text}");
        let copy_db = test_db("import_every_db");
        copy_db
            .psql_apply(&support::sql(&compile_ok(from_db.path())))
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        if today(&copy_db) == day {
            break (original, dumped, [copy, copy_db]);
        }
        assert!(attempts < 3, "the UTC day keeps changing");
    };
    for copy in &copies {
        same_dump(&original, copy);
    }

    // The build's own script (no partitions yet, the call that makes
    // them) imports the same way.
    let im = from_sql(&[("schema.sql".to_string(), script.clone())]);
    assert!(im.diagnostics.is_empty(), "{:?}", im.diagnostics);
    let files = all_files(&im);
    for a in attrs {
        assert!(files.contains(a), "{a} not in\n{files}");
    }
    assert!(!files.contains("maintain_partitions"), "{files}");

    // A function edited by hand is not schemac's: fixed ranges, and why.
    let edited = dumped.replacen("rows outside the partitions", "rows left over", 1);
    let im = from_sql(&[("dump.sql".to_string(), edited)]);
    assert!(
        im.diagnostics
            .iter()
            .all(|d| d.code == "schemac::import_fixed_time_partitions"
                && d.message.contains("is not the one schemac writes")),
        "{:?}",
        im.diagnostics
    );
    assert!(!im.diagnostics.is_empty());
    assert!(all_files(&im).contains("maintain_partitions"));

    // A partition missing in the middle: not what maintenance leaves, so
    // the monthly table stays fixed ranges, exactly, and says why; the
    // tables of the other schema are still `every:`.
    let middle: String = original
        .connect()
        .expect("connect")
        .query(
            "select c.relname::text from pg_inherits i join pg_class c on c.oid = i.inhrelid
             where i.inhparent = 'public.events'::regclass and c.relname <> 'events_default' order by 1",
            &[],
        )
        .expect("partitions")[1]
        .get(0);
    original
        .psql_apply(&format!("DROP TABLE public.{middle};"))
        .expect("drop");
    let im = from_sql(&[("dump.sql".to_string(), raw_dump(&original, &[]))]);
    let notes: Vec<&str> = im.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        notes, ["schemac::import_fixed_time_partitions"; 3],
        "{:?}",
        im.diagnostics
    );
    assert!(
        im.diagnostics[0]
            .message
            .contains("not one run of consecutive months"),
        "{:?}",
        im.diagnostics
    );
    let files = all_files(&im);
    assert!(
        files.contains("// fixed ranges, not `every:`: public.events's partitions are not one run of consecutive months"),
        "{files}"
    );
    assert!(
        files.contains("@partition(range: occurred_at, p20"),
        "{files}"
    );
    assert!(files.contains(attrs[3]), "{files}");
    let dir = written(&im);
    let copy = test_db("import_every_gap");
    copy.psql_apply(&support::sql(&compile_ok(dir.path())))
        .unwrap_or_else(|e| panic!("{e}\n{files}"));
    same_dump(&original, &copy);
}
