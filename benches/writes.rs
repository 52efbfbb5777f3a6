//! Write throughput with and without the write-time policies, on the same
//! table in the same run: 100,000 inserts through `COPY`, then 100,000
//! updates in batched statements (1,000 rows each), on the test
//! PostgreSQL (the `live` crate's throwaway cluster, or
//! `SCHEMAC_TEST_DATABASE_URL`). Each variant has a database of its own.
//!
//!     cargo bench --bench writes
//!
//! The variants run in turn, `ROUNDS` times, and each figure is the median
//! of its rounds: on a loaded machine one run says little. Beside the wall
//! time, the CPU time of the server process that did the writes (from
//! `/proc`, when the server runs on this machine), which the load stretches
//! far less. Figures are recorded in docs/performance.md; the ratios to the
//! plain table within one run are what counts.

use std::io::Write as _;
use std::time::{Duration, Instant};

const ROWS: i64 = 100_000;
const BATCH: i64 = 1_000;
const ROUNDS: usize = 3;

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

/// The CPU time of the server process `pid` so far, when it runs on this
/// machine (a remote server's pid names nothing here, or another program).
fn server_cpu(pid: i32) -> Option<Duration> {
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    if comm.trim() != "postgres" {
        return None;
    }
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command name in parentheses: state is field 3, utime and
    // stime fields 14 and 15, in clock ticks (100 a second on Linux).
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// One variant's figures: inserts and updates, wall and server CPU time.
#[derive(Clone, Copy)]
struct Times {
    inserts: Duration,
    inserts_cpu: Option<Duration>,
    updates: Duration,
    updates_cpu: Option<Duration>,
}

/// Inserts by `COPY`, then updates in batches.
fn run(name: &str, policies: &str) -> Times {
    let cluster = live::pgcluster::available().expect("PostgreSQL for the write benchmark");
    let db = cluster.create_database("bench_writes").expect("a database");
    db.psql_apply(&script(policies))
        .expect("the schema applies");
    let mut c = db.connect().expect("connect");
    let pid: i32 = c
        .query_one("select pg_backend_pid()", &[])
        .expect("the server process")
        .get(0);
    let mut rows = Vec::with_capacity(ROWS as usize * 24);
    for i in 0..ROWS {
        let _ = writeln!(rows, "item {i}\t{i}\t\\N");
    }
    let cpu0 = server_cpu(pid);
    let start = Instant::now();
    let mut copy = c
        .copy_in("COPY items (name, amount, note) FROM STDIN")
        .expect("copy");
    copy.write_all(&rows).expect("rows");
    copy.finish().expect("copy finishes");
    let inserts = start.elapsed();
    let cpu1 = server_cpu(pid);
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
    let cpu2 = server_cpu(pid);
    assert_eq!(done, ROWS as u64, "{name}: every row updated");
    let spent = |a: Option<Duration>, b: Option<Duration>| Some(b? - a?);
    Times {
        inserts,
        inserts_cpu: spent(cpu0, cpu1),
        updates,
        updates_cpu: spent(cpu1, cpu2),
    }
}

/// The median of the rounds' figures.
fn median<T: Ord + Copy>(mut v: Vec<T>) -> T {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    println!(
        "{ROWS} inserts (COPY) and {ROWS} updates (batches of {BATCH}) per variant, median of {ROUNDS} rounds\n"
    );
    let mut runs: Vec<Vec<Times>> = vec![Vec::new(); VARIANTS.len()];
    for _ in 0..ROUNDS {
        for (n, (name, policies)) in VARIANTS.iter().enumerate() {
            runs[n].push(run(name, policies));
        }
    }
    println!(
        "{:<12} {:>10} {:>12} {:>8} {:>8} {:>8} {:>10} {:>12} {:>8} {:>8} {:>8}",
        "variant",
        "inserts s",
        "rows/s",
        "ratio",
        "cpu s",
        "ratio",
        "updates s",
        "rows/s",
        "ratio",
        "cpu s",
        "ratio"
    );
    let figures: Vec<[Option<f64>; 4]> = runs
        .iter()
        .map(|r| {
            let secs = |f: fn(&Times) -> Option<Duration>| {
                median(r.iter().map(f).collect::<Option<Vec<_>>>()?)
                    .as_secs_f64()
                    .into()
            };
            [
                secs(|t| Some(t.inserts)),
                secs(|t| t.inserts_cpu),
                secs(|t| Some(t.updates)),
                secs(|t| t.updates_cpu),
            ]
        })
        .collect();
    let show = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.2}"));
    let ratio = |v: Option<f64>, base: Option<f64>| match (v, base) {
        (Some(v), Some(b)) => format!("{:.0}%", 100.0 * b / v),
        _ => "-".to_string(),
    };
    for ((name, _), f) in VARIANTS.iter().zip(&figures) {
        let base = &figures[0];
        println!(
            "{:<12} {:>10} {:>12.0} {:>8} {:>8} {:>8} {:>10} {:>12.0} {:>8} {:>8} {:>8}",
            name,
            show(f[0]),
            f[0].map_or(0.0, |s| ROWS as f64 / s),
            ratio(f[0], base[0]),
            show(f[1]),
            ratio(f[1], base[1]),
            show(f[2]),
            f[2].map_or(0.0, |s| ROWS as f64 / s),
            ratio(f[2], base[2]),
            show(f[3]),
            ratio(f[3], base[3]),
        );
    }
}
