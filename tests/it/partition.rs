//! Partitions on a live database: rows land in the right partition,
//! maintenance follows a clock given as its argument, retention drops whole
//! partitions, the default partition's rows are moved or reported, and
//! queries by the partition key are pruned.

use crate::pg::test_db;
use crate::support::{self, compile_ok};
use live::pgcluster::TestDb;
use postgres::Client;

fn applied(prefix: &str) -> (TestDb, Client) {
    let compiled = compile_ok(&support::root().join("tests/fixtures/ok/partitions/input.schema"));
    let db = test_db(prefix);
    db.psql_apply(&support::sql(&compiled)).expect("applies");
    let client = db.connect().expect("connect");
    (db, client)
}

/// The partition a row of `table` with this `where` clause is stored in.
fn home(c: &mut Client, table: &str, filter: &str) -> Vec<String> {
    c.query(
        &format!("select tableoid::regclass::text from {table} where {filter} order by 1"),
        &[],
    )
    .expect("tableoid")
    .iter()
    .map(|r| r.get(0))
    .collect()
}

fn partitions(c: &mut Client, parent: &str) -> Vec<String> {
    c.query(
        "select c.relname::text from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = $1::text::regclass order by 1",
        &[&parent],
    )
    .expect("partitions")
    .iter()
    .map(|r| r.get(0))
    .collect()
}

/// The partition name maintenance gives the month of `at` (SQL).
fn month_of(c: &mut Client, at: &str) -> String {
    c.query_one(
        &format!("select 'events_p' || to_char(({at}) at time zone 'UTC', 'YYYYMM')"),
        &[],
    )
    .expect("name")
    .get(0)
}

#[test]
fn time_partitions_follow_the_clock_and_retention_drops_whole_partitions() {
    let (_db, mut c) = applied("part_time");
    // The script ran maintenance once: the month before, this one and two ahead.
    let now = month_of(&mut c, "now()");
    let made = partitions(&mut c, "events");
    assert_eq!(made.len(), 5, "{made:?}");
    assert!(made.contains(&now) && made.contains(&"events_default".to_string()));
    c.batch_execute(
        "insert into events (kind, occurred_at) values
           ('today', now()),
           ('next year, a month early', now() + interval '11 months'),
           ('next year', now() + interval '1 year'),
           ('far future', now() + interval '5 years')",
    )
    .expect("rows");
    assert_eq!(home(&mut c, "events", "kind = 'today'"), [now.as_str()]);
    // Out of the window: caught by the default partition.
    assert_eq!(
        home(
            &mut c,
            "events",
            "kind like 'next year%' or kind = 'far future'"
        ),
        ["events_default"; 3]
    );

    // A year later: the window moves, the rows the default partition
    // caught move into their new partitions, partitions older than the
    // retention (3 months) go whole, and what is still out of range is
    // reported.
    let steps: Vec<(String, String, String)> = c
        .query(
            "select action, partition_name, detail from maintain_partitions(now() + interval '1 year')",
            &[],
        )
        .expect("maintenance")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let later = month_of(&mut c, "now() + interval '1 year'");
    let early = month_of(&mut c, "now() + interval '11 months'");
    assert!(
        steps.contains(&(
            "created".into(),
            later.clone(),
            "1 rows moved from the default partition".into()
        )),
        "{steps:?}"
    );
    assert!(
        steps.iter().any(|s| s.0 == "dropped" && s.1 == now),
        "{steps:?}"
    );
    assert!(
        steps.contains(&(
            "default".into(),
            "events_default".into(),
            "1 rows outside the partitions".into()
        )),
        "{steps:?}"
    );
    assert_eq!(
        home(&mut c, "events", "kind = 'next year'"),
        [later.as_str()]
    );
    assert_eq!(
        home(&mut c, "events", "kind = 'next year, a month early'"),
        [early]
    );
    assert_eq!(
        home(&mut c, "events", "kind = 'far future'"),
        ["events_default"]
    );
    // Retention removed the old row with its partition, and nothing newer.
    let kinds: Vec<String> = c
        .query("select kind from events order by occurred_at", &[])
        .expect("rows")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        kinds,
        ["next year, a month early", "next year", "far future"]
    );
    assert!(!partitions(&mut c, "events").contains(&now));

    // Running it again at the same time does nothing new.
    let again: Vec<String> = c
        .query(
            "select action from maintain_partitions(now() + interval '1 year') where action <> 'default'",
            &[],
        )
        .expect("maintenance")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(again.is_empty(), "{again:?}");

    // A query by the partition key reads one partition.
    let plan: Vec<String> = c
        .query(
            "explain (costs off) select * from events where occurred_at >= date_trunc('month', now() + interval '1 year', 'UTC') and occurred_at < date_trunc('month', now() + interval '1 year', 'UTC') + interval '1 day'",
            &[],
        )
        .expect("explain")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let plan = plan.join("\n");
    assert!(plan.contains(&later), "{plan}");
    assert!(!plan.contains("events_default"), "{plan}");
    // Partitions the plan reads, or their indexes (`events_p202701_kind_idx`).
    let mut read: Vec<String> = plan
        .split_whitespace()
        .filter(|w| w.starts_with("events_p"))
        .map(|w| w.splitn(3, '_').take(2).collect::<Vec<_>>().join("_"))
        .collect();
    read.dedup();
    assert_eq!(read, [later.as_str()], "{plan}");
}

#[test]
fn fixed_range_partitions_route_rows_by_their_bounds() {
    let compiled =
        compile_ok(&support::root().join("tests/fixtures/ok/range_partitions/input.schema"));
    let db = test_db("part_fixed");
    db.psql_apply(&support::sql(&compiled)).expect("applies");
    let mut c = db.connect().expect("connect");
    c.batch_execute(
        "insert into readings (taken, value) values
           ('2023-12-31', 1), ('2024-01-01', 2), ('2024-12-31', 3), ('2025-01-01', 4), ('2030-01-01', 5);
         insert into invoices (id, total) values (1, 1), (999999, 1), (1000000, 1), (9000000000, 1);
         insert into visits (at, shop_id) values ('2026-06-30 23:59:59+00', 1), ('2026-07-01 00:00:00+00', 2);",
    )
    .expect("rows");
    let by_value = |c: &mut Client, v: &str| home(c, "readings", &format!("value = {v}"));
    assert_eq!(by_value(&mut c, "1"), ["readings_old"]);
    assert_eq!(by_value(&mut c, "2"), ["readings_y2024"]);
    assert_eq!(by_value(&mut c, "3"), ["readings_y2024"]);
    assert_eq!(by_value(&mut c, "4"), ["readings_y2025"]);
    assert_eq!(by_value(&mut c, "5"), ["readings_default"]);
    assert_eq!(
        home(&mut c, "invoices", "id < 1000000"),
        ["invoices_low", "invoices_low"]
    );
    assert_eq!(
        home(&mut c, "invoices", "id >= 1000000"),
        ["invoices_high", "invoices_high"]
    );
    // No default partition: a value below every range is refused.
    let err = c
        .batch_execute("insert into invoices (id, total) values (0, 1)")
        .expect_err("no partition holds 0");
    assert!(format!("{err:?}").contains("23514"), "{err:?}");
    // The half-year first, then the shop's hash.
    let h1 = home(&mut c, "visits", "shop_id = 1");
    let h2 = home(&mut c, "visits", "shop_id = 2");
    assert!(h1.len() == 1 && h1[0].starts_with("visits_h1_p"), "{h1:?}");
    assert!(h2.len() == 1 && h2[0].starts_with("visits_h2_p"), "{h2:?}");
}

#[test]
fn date_partitions_without_a_default_refuse_rows_out_of_range() {
    let (_db, mut c) = applied("part_week");
    // `before: 0, ahead: 1`: this week and the next.
    assert_eq!(partitions(&mut c, "readings").len(), 2);
    c.batch_execute("insert into readings (taken, value) values (current_date, 1)")
        .expect("this week");
    let monday: String = c
        .query_one(
            "select 'readings_p' || to_char(date_trunc('week', now() at time zone 'UTC'), 'YYYYMMDD')",
            &[],
        )
        .expect("name")
        .get(0);
    assert_eq!(home(&mut c, "readings", "true"), [monday]);
    let err = c
        .batch_execute("insert into readings (taken, value) values (current_date + 365, 1)")
        .expect_err("no partition, no default");
    assert!(format!("{err:?}").contains("23514"), "{err:?}");
}

#[test]
fn list_partitions_route_each_value_and_the_default_takes_the_rest() {
    let (_db, mut c) = applied("part_list");
    c.batch_execute(
        "insert into sales (region) values ('de'), ('fr'), ('us'), ('ca'), ('jp'), ('br')",
    )
    .expect("rows");
    for (region, part) in [
        ("de", "sales_eu"),
        ("fr", "sales_eu"),
        ("us", "sales_us"),
        ("ca", "sales_us"),
        ("jp", "sales_default"),
        ("br", "sales_default"),
    ] {
        assert_eq!(
            home(&mut c, "sales", &format!("region = '{region}'")),
            [part]
        );
    }
    // Sub-partitions: each region is split again by shop.
    c.batch_execute(
        "insert into orders (region, shop_id) select 'de', s from generate_series(1, 100) s",
    )
    .expect("orders");
    let homes = home(&mut c, "orders", "true");
    assert!(
        homes
            .iter()
            .all(|h| h == "orders_eu_p0" || h == "orders_eu_p1"),
        "{homes:?}"
    );
    assert!(
        homes.contains(&"orders_eu_p0".to_string()) && homes.contains(&"orders_eu_p1".to_string())
    );
}

#[test]
fn hash_partitions_spread_keys_evenly() {
    let (_db, mut c) = applied("part_hash");
    c.batch_execute("insert into visits (user_id) select g from generate_series(1, 10000) g")
        .expect("rows");
    let counts: Vec<(String, i64)> = c
        .query(
            "select tableoid::regclass::text, count(*) from visits group by 1 order by 1",
            &[],
        )
        .expect("counts")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(counts.len(), 4, "{counts:?}");
    for (part, n) in &counts {
        assert!(
            (2250..=2750).contains(n),
            "{part} has {n} of 10,000: {counts:?}"
        );
    }
}

/// The pg_partman back-end: `create_parent` makes the window and the
/// default partition, retention is pg_partman's, rows land in the month's
/// partition, and its maintenance runs.
#[test]
fn pg_partman_keeps_the_same_table() {
    let text = "entity Event {\n  id          bigint @identity\n  occurred_at timestamptz = now()\n  primary key (id, occurred_at)\n  @partition(range: occurred_at, every: month, ahead: 2, before: 1)\n  @retain(13 months)\n}\n";
    let project = generator::Project::from_sources(&[("input.schema", text)]);
    let options = generator::Options {
        maintenance: generator::model::Maintenance::PgPartman,
        ..Default::default()
    };
    let compiled =
        generator::compile(&project, &options).unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    let sql = support::sql(&compiled);
    assert!(!sql.contains("maintain_partitions"), "{sql}");
    let db = test_db("part_partman");
    db.psql_apply(&sql).expect("applies");
    let mut c = db.connect().expect("connect");
    let (retention, premake): (String, i32) = c
        .query_one(
            "select retention, premake from partman.part_config where parent_table = 'public.events'",
            &[],
        )
        .map(|r| (r.get(0), r.get(1)))
        .expect("part_config");
    assert_eq!((retention.as_str(), premake), ("13 months", 2));
    let made = partitions(&mut c, "events");
    assert!(made.contains(&"events_default".to_string()), "{made:?}");
    // The month before, this one and two ahead, at least.
    assert!(made.len() >= 5, "{made:?}");
    c.batch_execute("insert into events (occurred_at) values (now())")
        .expect("row");
    let month: String = c
        .query_one("select 'events_p' || to_char(now(), 'YYYY_MM')", &[])
        .expect("name")
        .get(0);
    assert_eq!(home(&mut c, "events", "true"), [month.as_str()]);
    c.batch_execute("select partman.run_maintenance('public.events')")
        .expect("maintenance runs");
}

/// A changed window and retention are a plan step: the maintenance
/// function replaced (the function back-end) or pg_partman's settings
/// updated. Nothing is dropped; the next maintenance keeps the new window.
#[test]
fn window_and_retention_changes_are_planned() {
    use generator::diff::{diff, plan::plan, Options};
    use generator::model::Maintenance;
    let v1 = "entity Event {\n  id          bigint @identity\n  occurred_at timestamptz = now()\n  primary key (id, occurred_at)\n  @partition(range: occurred_at, every: month, ahead: 2, before: 1)\n  @retain(13 months)\n}\n";
    let v2 = v1
        .replace("ahead: 2", "ahead: 4")
        .replace("13 months", "6 months");
    for (maintenance, name) in [
        (Maintenance::Function, "part_window_fn"),
        (Maintenance::PgPartman, "part_window_partman"),
    ] {
        let build = |text: &str| {
            let project = generator::Project::from_sources(&[("input.schema", text)]);
            let options = generator::Options {
                maintenance,
                ..Default::default()
            };
            generator::compile(&project, &options).unwrap_or_else(|f| panic!("{:?}", f.diagnostics))
        };
        let (old, new) = (build(v1), build(&v2));
        let db = test_db(name);
        db.psql_apply(&support::sql(&old)).expect("applies");
        let changes = diff(&old.model, &new.model, &Options::default());
        let planned = plan(&old.model, &new.model, &changes);
        assert!(planned.unsupported.is_empty(), "{planned:#?}");
        assert!(planned.hazards().is_empty(), "{planned:#?}");
        let sql = planned.to_sql();
        assert!(
            planned
                .statements()
                .all(|p| !p.sql.starts_with("DROP") && !p.sql.starts_with("ALTER TABLE")),
            "{sql}"
        );
        let mut c = db.connect().expect("connect");
        c.batch_execute(&planned.settings()).expect("settings");
        for step in &planned.steps {
            c.batch_execute(&step.to_sql())
                .unwrap_or_else(|e| panic!("{}\n{e}", step.to_sql()));
        }
        // Nothing was dropped by the plan.
        assert_eq!(partitions(&mut c, "events").len(), 5);
        match maintenance {
            Maintenance::Function => {
                assert!(sql.contains("CREATE OR REPLACE FUNCTION"), "{sql}");
                c.batch_execute("select * from maintain_partitions()")
                    .expect("maintenance runs");
                // The month before, this one, four ahead and the default.
                assert_eq!(partitions(&mut c, "events").len(), 7);
            }
            Maintenance::PgPartman => {
                let (retention, premake): (String, i32) = c
                    .query_one(
                        "select retention, premake from partman.part_config where parent_table = 'public.events'",
                        &[],
                    )
                    .map(|r| (r.get(0), r.get(1)))
                    .expect("part_config");
                assert_eq!((retention.as_str(), premake), ("6 months", 4));
            }
        }
    }
}
