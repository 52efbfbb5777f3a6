//! Pipeline benchmark: synthetic schemas of 100, 1,000 and 10,000 entities
//! (with enums, relations, indexes, checks), timing parse, resolve, graph
//! and emit separately, and the whole compile end to end.
//!
//!     cargo bench --bench pipeline
//!
//! Prints a table (best of several runs per stage) and the process's peak
//! resident memory. Figures are recorded in docs/performance.md.

mod projects;

use projects::synthetic;
use std::hint::black_box;
use std::time::{Duration, Instant};

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
    // `-- --write DIR`: write the 10,000-entity project for timing the CLI.
    let args: Vec<String> = std::env::args().collect();
    if let Some(dir) = args
        .iter()
        .position(|a| a == "--write")
        .and_then(|i| args.get(i + 1))
    {
        let dir = std::path::Path::new(dir);
        std::fs::create_dir_all(dir).expect("create the directory");
        std::fs::write(
            dir.join("schemac.toml"),
            "[project]\nname = \"synthetic\"\n",
        )
        .expect("write");
        for (name, text) in synthetic(10_000, 100) {
            std::fs::write(dir.join(name), text).expect("write");
        }
        println!("wrote {}", dir.display());
        return;
    }
    // `cargo test --benches` runs this without `--bench`: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let sizes: &[usize] = if quick { &[100] } else { &[100, 1_000, 10_000] };
    println!("| entities | files | input KiB | parse ms | resolve ms | graph ms | statements ms | render ms | end to end ms | SQL KiB |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &per_file in &[usize::MAX, 100] {
        for &n in sizes {
            run(n, per_file.min(n));
        }
    }
    // Peak memory is the process's high-water mark: everything above,
    // with up to two copies of the largest case alive at once.
    if let Some(mb) = peak_rss_mb() {
        println!("\npeak RSS of this benchmark process: {mb:.0} MiB");
    }
}

fn run(n: usize, per_file: usize) {
    let files = synthetic(n, per_file);
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let runs = if n >= 10_000 { 5 } else { 10 };
    let (parse, project) = best(runs, || generator::Project::from_sources(black_box(&refs)));
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
    let (statements, creation) = best(runs, || {
        generator::statement::creation(black_box(&model), &plan)
    });
    let (render, sql) = best(runs, || {
        generator::emit::postgres::render(black_box(&creation))
    });
    drop((project, model, plan, creation));
    let (total, sql2) = best(runs, || {
        let project = generator::Project::from_sources(black_box(&refs));
        let compiled = generator::compile(&project, &options).expect("compiles");
        generator::emit::postgres::render(&compiled.creation)
    });
    assert_eq!(sql, sql2);
    println!(
        "| {n} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
        files.len(),
        bytes / 1024,
        ms(parse),
        ms(resolve),
        ms(graph),
        ms(statements),
        ms(render),
        ms(total),
        sql.len() / 1024,
    );
}
