//! Lint benchmark: every rule turned on, over the generated projects of
//! `benches/projects` (synthetic in modules of 100, and realistic), from
//! 1,000 to 10,000 entities. Times `check` (parse, resolve with
//! definitions recorded, lower, validate) and lint on top of it, and the
//! time per entity, which stays flat when lint is linear.
//!
//!     cargo bench -p schemac-generator --bench lint
//!
//! Figures are recorded in docs/performance.md; the target is lint under
//! 0.2 s on top of `check` at 10,000 entities.

#[path = "../../benches/projects/mod.rs"]
mod projects;

use generator::lint::{self, Level, LintConfig, RULES};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The allocator of the `schemac` binary, so that the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn main() {
    // `cargo test --benches` runs this without `--bench`: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let sizes: &[usize] = if quick {
        &[100]
    } else {
        &[1_000, 2_000, 5_000, 10_000]
    };
    // Every rule on, those off by default included.
    let mut config = LintConfig::default();
    for r in RULES {
        config.levels.insert(r.id.to_string(), Level::Warning);
    }
    println!("| tier | entities | check ms | lint ms | lint µs per entity | findings |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (tier, make) in [
        (
            "synthetic, modules of 100",
            (|n| projects::synthetic(n, 100.min(n))) as fn(usize) -> Vec<(String, String)>,
        ),
        ("realistic", projects::realistic),
    ] {
        for &n in sizes {
            let files = make(n);
            let refs: Vec<(&str, &str)> = files
                .iter()
                .map(|(p, t)| (p.as_str(), t.as_str()))
                .collect();
            let options = generator::Options {
                resolved: true,
                ..generator::Options::default()
            };
            let runs = if n >= 10_000 { 3 } else { 5 };
            let (check, (project, compiled)) = best(runs, || {
                let project = generator::Project::from_sources(black_box(&refs));
                let compiled = generator::compile(&project, &options).expect("compiles");
                (project, compiled)
            });
            let (lint, found) = best(runs, || {
                lint::lint(
                    black_box(&project),
                    &compiled.model,
                    &compiled.resolved,
                    &config,
                    Level::Info,
                )
            });
            println!(
                "| {tier} | {n} | {} | {} | {:.1} | {} |",
                ms(check),
                ms(lint),
                lint.as_secs_f64() * 1e6 / n as f64,
                found.len()
            );
        }
    }
}
