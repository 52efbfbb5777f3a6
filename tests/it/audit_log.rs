//! The audit log is partitioned through `partition.rs`: monthly
//! partitions kept by the generated maintenance (or pg_partman), with the
//! project's retention (`[policies] audit_retain`).

use crate::policies::apply;

const SCHEMA: &str = "entity Note @audit {\n  id   bigint @pk @identity\n  body text\n}\n";

/// The partitions of `audit.log`, by name.
fn partitions(c: &mut postgres::Client) -> Vec<String> {
    c.query(
        "select c.relname::text from pg_inherits i join pg_class c on c.oid = i.inhrelid
         where i.inhparent = 'audit.log'::regclass order by 1",
        &[],
    )
    .expect("partitions")
    .iter()
    .map(|r| r.get(0))
    .collect()
}

/// `log_pYYYYMM` of the month `months` from now (UTC).
fn month(c: &mut postgres::Client, months: i32) -> String {
    c.query_one(
        "select 'log_p' || to_char(date_trunc('month', now() at time zone 'UTC') + make_interval(months => $1), 'YYYYMM')",
        &[&months],
    )
    .expect("name")
    .get(0)
}

#[test]
fn audit_rows_land_in_the_month_and_maintenance_keeps_the_window() {
    let db = apply(
        "audit_log_months",
        "[policies]\naudit_retain = \"2 months\"\n",
        SCHEMA,
    );
    let mut c = db.connect().expect("connect");
    // The script made this month, the next three and the default partition.
    let mut expected: Vec<String> = (0..4).map(|m| month(&mut c, m)).collect();
    expected.push("log_default".into());
    expected.sort();
    assert_eq!(partitions(&mut c), expected);
    c.batch_execute("insert into notes (body) values ('a'); update notes set body = 'b'")
        .expect("writes");
    let homes: Vec<String> = c
        .query(
            "select distinct tableoid::regclass::text from audit.log",
            &[],
        )
        .expect("rows")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(homes, [format!("audit.{}", month(&mut c, 0))]);
    // Five months on: the next months are made, those past the retention
    // dropped whole (with their rows), and the default partition stays.
    let done: Vec<(String, String)> = c
        .query(
            "select action, partition_name from audit.maintain_partitions(now() + interval '5 months') order by 1, 2",
            &[],
        )
        .expect("maintenance")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let created: Vec<String> = (5..9).map(|m| month(&mut c, m)).collect();
    let dropped: Vec<String> = (0..3).map(|m| month(&mut c, m)).collect();
    let mut want: Vec<(String, String)> = created
        .iter()
        .map(|p| ("created".to_string(), p.clone()))
        .chain(dropped.iter().map(|p| ("dropped".to_string(), p.clone())))
        .collect();
    want.sort();
    assert_eq!(done, want);
    let left = partitions(&mut c);
    assert!(
        left.contains(&month(&mut c, 3)) && left.contains(&"log_default".to_string()),
        "{left:?}"
    );
    assert!(!left.contains(&month(&mut c, 0)), "{left:?}");
    let rows: i64 = c
        .query_one("select count(*) from audit.log", &[])
        .expect("count")
        .get(0);
    assert_eq!(rows, 0, "this month's rows went with their partition");
}
