//! Pipeline benchmark: generated schemas of 100 to 100,000 entities, in
//! two tiers (`benches/projects`): synthetic (enums, relations, indexes,
//! checks; in one file, and in modules of 100 that import each other) and
//! realistic (the shop example's shapes). Times parse, resolve, graph,
//! statements and render separately, and the whole compile end to end.
//!
//!     cargo bench --bench pipeline
//!
//! Prints a table (best of several runs per stage) and the process's peak
//! resident memory. Figures are recorded in docs/performance.md.

mod projects;

use projects::{realistic, synthetic};
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

/// The value after `flag` on the command line.
fn arg<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    let i = args.iter().position(|a| a == flag)?;
    args.get(i + 1).map(String::as_str)
}

/// A tier's project of `n` entities.
fn project(tier: &str, n: usize) -> Vec<(String, String)> {
    match tier {
        "synthetic" => synthetic(n, 100),
        "realistic" => realistic(n),
        "lean" => projects::lean(n, 100),
        other => panic!("unknown tier {other}: synthetic, realistic or lean"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `-- --write DIR [--tier T] [--entities N]`: write a project (default:
    // the synthetic tier, 10,000 entities) for timing the CLI.
    if let Some(dir) = arg(&args, "--write") {
        let tier = arg(&args, "--tier").unwrap_or("synthetic");
        let n = arg(&args, "--entities").map_or(10_000, |n| n.parse().expect("a number"));
        let dir = std::path::Path::new(dir);
        std::fs::create_dir_all(dir).expect("create the directory");
        std::fs::write(
            dir.join("schemac.toml"),
            format!("[project]\nname = \"{tier}\"\n"),
        )
        .expect("write");
        for (name, text) in project(tier, n) {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("create the directory");
            }
            std::fs::write(path, text).expect("write");
        }
        println!("wrote {}", dir.display());
        return;
    }
    // `cargo test --benches` runs this without `--bench`: keep that quick.
    let quick = !args.iter().any(|a| a == "--bench");
    let sizes: &[usize] = if quick { &[100] } else { &[100, 1_000, 10_000] };
    println!("| tier | entities | files | input KiB | parse ms | resolve ms | graph ms | statements ms | render ms | end to end ms | SQL KiB |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &n in sizes {
        run("synthetic, one file", &synthetic(n, n));
    }
    let project_sizes: &[usize] = if quick {
        &[100]
    } else {
        &[100, 1_000, 10_000, 100_000]
    };
    for &n in project_sizes {
        run("synthetic, modules of 100", &synthetic(n, 100.min(n)));
    }
    for &n in sizes {
        run("realistic", &realistic(n));
    }
    // Peak memory is the process's high-water mark: everything above,
    // with up to two copies of the largest case alive at once.
    if let Some(mb) = peak_rss_mb() {
        println!("\npeak RSS of this benchmark process: {mb:.0} MiB");
    }
}

fn run(tier: &str, files: &[(String, String)]) {
    let n = files
        .iter()
        .map(|(_, t)| t.matches("\nentity ").count())
        .sum::<usize>();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let runs = match n {
        0..10_000 => 10,
        10_000..100_000 => 5,
        _ => 2,
    };
    let (parse, project) = best(runs, || generator::Project::from_sources(black_box(&refs)));
    assert!(
        project.diagnostics.is_empty(),
        "generated schema must parse"
    );
    let options = generator::Options::default();
    let (resolve, (model, _, diags)) =
        best(runs, || generator::resolve(black_box(&project), &options));
    assert!(
        diags.is_empty(),
        "generated schema must resolve: {:?}",
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
        "| {tier} | {n} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
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
