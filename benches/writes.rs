//! Write throughput with and without the write-time policies, on the same
//! table in the same run: 100,000 inserts through `COPY`, then 100,000
//! updates in batched statements (1,000 rows each), on the test
//! PostgreSQL (the `live` crate's throwaway cluster, or
//! `SCHEMAC_TEST_DATABASE_URL`). Each variant has a database of its own.
//!
//!     cargo bench --bench writes
//!
//! Figures are recorded in docs/performance.md; the ratios to the plain
//! table within one run are what counts.

use std::io::Write as _;
use std::time::{Duration, Instant};

const ROWS: i64 = 100_000;
const BATCH: i64 = 1_000;

const VARIANTS: &[(&str, &str)] = &[
    ("plain", ""),
    ("@timestamps", "@timestamps"),
    ("@audit", "@audit"),
    ("@versioned", "@versioned"),
    ("all three", "@timestamps @audit @versioned"),
];

fn schema(policies: &str) -> String {
    format!(
        "entity Item {policies} {{\n  id     bigint @pk @identity\n  name   text\n  amount integer\n  note   text?\n}}\n"
    )
}

fn script(policies: &str) -> String {
    let text = schema(policies);
    let project = generator::Project::from_sources(&[("bench.schema", text.as_str())]);
    let compiled = generator::compile(&project, &generator::Options::default())
        .unwrap_or_else(|f| panic!("compiles: {:?}", f.diagnostics));
    generator::emit::postgres::render(&compiled.creation)
}

/// Inserts by `COPY`, then updates in batches; the two durations.
fn run(name: &str, policies: &str) -> (Duration, Duration) {
    let cluster = live::pgcluster::available().expect("PostgreSQL for the write benchmark");
    let db = cluster.create_database("bench_writes").expect("a database");
    db.psql_apply(&script(policies))
        .expect("the schema applies");
    let mut c = db.connect().expect("connect");
    let mut rows = Vec::with_capacity(ROWS as usize * 24);
    for i in 0..ROWS {
        let _ = writeln!(rows, "item {i}\t{i}\t\\N");
    }
    let start = Instant::now();
    let mut copy = c
        .copy_in("COPY items (name, amount, note) FROM STDIN")
        .expect("copy");
    copy.write_all(&rows).expect("rows");
    copy.finish().expect("copy finishes");
    let inserts = start.elapsed();
    let update = c
        .prepare(
            "UPDATE items SET amount = amount + 1, note = 'changed' WHERE id > $1 AND id <= $2",
        )
        .expect("prepare");
    let start = Instant::now();
    let mut done = 0;
    let mut from = 0i64;
    while from < ROWS {
        done += c
            .execute(&update, &[&from, &(from + BATCH)])
            .expect("update");
        from += BATCH;
    }
    let updates = start.elapsed();
    assert_eq!(done, ROWS as u64, "{name}: every row updated");
    (inserts, updates)
}

fn rate(d: Duration) -> f64 {
    ROWS as f64 / d.as_secs_f64()
}

fn main() {
    println!("{ROWS} inserts (COPY) and {ROWS} updates (batches of {BATCH}) per variant\n");
    println!(
        "{:<12} {:>10} {:>12} {:>8} {:>10} {:>12} {:>8}",
        "variant", "inserts s", "rows/s", "ratio", "updates s", "rows/s", "ratio"
    );
    let mut base: Option<(f64, f64)> = None;
    for (name, policies) in VARIANTS {
        let (i, u) = run(name, policies);
        let (ri, ru) = (rate(i), rate(u));
        let (bi, bu) = *base.get_or_insert((ri, ru));
        println!(
            "{:<12} {:>10.2} {:>12.0} {:>7.0}% {:>10.2} {:>12.0} {:>7.0}%",
            name,
            i.as_secs_f64(),
            ri,
            100.0 * ri / bi,
            u.as_secs_f64(),
            ru,
            100.0 * ru / bu
        );
    }
}
