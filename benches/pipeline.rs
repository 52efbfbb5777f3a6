//! Pipeline benchmark: synthetic schemas of 100, 1,000 and 10,000 entities
//! (with enums, relations, indexes, checks), timing parse, resolve, graph
//! and emit separately, and the whole compile end to end.
//!
//!     cargo bench --bench pipeline
//!
//! Prints a table (best of several runs per stage) and the process's peak
//! resident memory. Figures are recorded in docs/performance.md.

use std::fmt::Write;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// A schema of `n` entities in one module: an enum per 10 entities; every
/// entity has a uuid key, eight columns, a relation to an earlier entity
/// (two for every third), a unique key, an index and a check.
fn synthetic(n: usize) -> String {
    let mut s = String::with_capacity(n * 700);
    s.push_str("schemac 1\n\n");
    for e in 0..n.div_ceil(10) {
        let _ = writeln!(s, "enum State{e} {{ draft active archived 'on hold' }}\n");
    }
    for i in 0..n {
        let _ = writeln!(s, "/// Entity number {i}.");
        let _ = writeln!(s, "entity Thing{i} {{");
        let _ = writeln!(s, "  id         uuid @pk = gen_random_uuid()");
        let _ = writeln!(s, "  name       varchar(200)");
        let _ = writeln!(s, "  /// The code, unique per thing.");
        let _ = writeln!(s, "  code       text @unique");
        let _ = writeln!(s, "  state      State{} = 'active'", i / 10);
        let _ = writeln!(s, "  amount     numeric(12,2) = 0 @check(amount >= 0)");
        let _ = writeln!(s, "  tags       text[] = '{{}}'");
        let _ = writeln!(s, "  meta       jsonb?");
        let _ = writeln!(s, "  created_at timestamptz = now()");
        if i > 0 {
            let _ = writeln!(s, "  parent_id  -> Thing{}? on delete set null", i / 2);
        }
        if i > 2 && i % 3 == 0 {
            let _ = writeln!(s, "  owner_id   -> Thing{} on delete cascade", i - 3);
        }
        let _ = writeln!(s, "  index (state, created_at desc) where meta is not null");
        let _ = writeln!(s, "}}\n");
    }
    s
}

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let out = f();
        best = best.min(start.elapsed());
        last = Some(out);
    }
    (best, last.expect("at least one run"))
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn main() {
    // `cargo test --benches` runs bench targets with `--bench`-less args;
    // keep that quick by only doing the small size.
    let quick = !std::env::args().any(|a| a == "--bench");
    let sizes: &[usize] = if quick { &[100] } else { &[100, 1_000, 10_000] };
    println!("| entities | input KiB | parse ms | resolve ms | graph ms | emit ms | end to end ms | SQL KiB | peak RSS MiB |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &n in sizes {
        let text = synthetic(n);
        let runs = if n >= 10_000 { 5 } else { 10 };
        let files = [("synthetic.schema", text.as_str())];
        let (parse, project) = best(runs, || generator::Project::from_sources(black_box(&files)));
        assert!(
            project.diagnostics.is_empty(),
            "synthetic schema must parse"
        );
        let options = generator::Options::default();
        let (resolve, (model, diags)) =
            best(runs, || generator::resolve(black_box(&project), &options));
        assert!(
            diags.is_empty(),
            "synthetic schema must resolve: {:?}",
            diags.first()
        );
        let (graph, plan) = best(runs, || {
            generator::graph::Graph::build(black_box(&model))
                .plan(&model)
                .expect("acyclic")
        });
        let (emit, sql) = best(runs, || {
            generator::emit::postgres::emit(black_box(&model), &plan)
        });
        let (total, sql2) = best(runs, || {
            let project = generator::Project::from_sources(black_box(&files));
            let compiled = generator::compile(&project, &options).expect("compiles");
            generator::emit::postgres::emit(&compiled.model, &compiled.plan)
        });
        assert_eq!(sql, sql2);
        println!(
            "| {n} | {} | {} | {} | {} | {} | {} | {} | {} |",
            text.len() / 1024,
            ms(parse),
            ms(resolve),
            ms(graph),
            ms(emit),
            ms(total),
            sql.len() / 1024,
            peak_rss_mb().map_or("?".into(), |m| format!("{m:.0}")),
        );
    }
}
