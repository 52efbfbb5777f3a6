//! Lint benchmark: every rule turned on, over the generated projects of
//! `benches/projects` (synthetic in modules of 100, and realistic), from
//! 1,000 to 10,000 entities. Times `check` (parse, resolve with
//! definitions recorded, lower, validate) and lint on top of it, and the
//! time per entity, which stays flat when lint is linear.
//!
//!     cargo bench -p schemac-generator --bench lint
//!
//! To look at one size (under a profiler, or per rule), run the built
//! binary with `--bench [--tier synthetic|realistic] [--entities N]
//! [--runs N] [--per-rule]`: `--per-rule` times each rule alone (the shared
//! part, lint with every rule off, subtracted), costliest first.
//!
//! Figures are recorded in docs/performance.md; the target is lint under
//! 0.2 s on top of `check` at 10,000 entities.

#[path = "../../benches/projects/mod.rs"]
mod projects;
mod timing;

use generator::lint::{self, Level, LintConfig, RULES};
use std::hint::black_box;
use std::time::Duration;
use timing::best;

/// The allocator of the `schemac` binary, so that the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// The value after `flag` on the command line.
fn arg<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    let i = args.iter().position(|a| a == flag)?;
    args.get(i + 1).map(String::as_str)
}

/// A configuration with these rules on (at warning level) and every other
/// off.
fn only(rules: &[&lint::Rule]) -> LintConfig {
    let mut config = LintConfig::default();
    for r in RULES {
        let on = rules.iter().any(|x| x.id == r.id);
        let level = if on { Level::Warning } else { Level::Off };
        config.levels.insert(r.id.to_string(), level);
    }
    config
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --benches` runs this without `--bench`: keep that quick.
    let quick = !args.iter().any(|a| a == "--bench");
    let sizes: Vec<usize> = match arg(&args, "--entities") {
        Some(n) => vec![n.parse().expect("a number of entities")],
        None if quick => vec![100],
        None => vec![1_000, 2_000, 5_000, 10_000],
    };
    let tier = arg(&args, "--tier");
    let per_rule = args.iter().any(|a| a == "--per-rule");
    // Every rule on, those off by default included.
    let config = only(RULES);
    println!(
        "| tier | entities | check ms | lint ms | lint CPU ms | lint µs per entity | findings |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let tiers = [
        (
            "synthetic",
            "synthetic, modules of 100",
            (|n| projects::synthetic(n, 100.min(n))) as fn(usize) -> Vec<(String, String)>,
        ),
        ("realistic", "realistic", projects::realistic),
    ];
    for (key, label, make) in tiers {
        if tier.is_some_and(|t| t != key) {
            continue;
        }
        for &n in &sizes {
            let files = make(n);
            let refs: Vec<(&str, &str)> = files
                .iter()
                .map(|(p, t)| (p.as_str(), t.as_str()))
                .collect();
            let options = generator::Options {
                resolved: true,
                ..generator::Options::default()
            };
            let runs = arg(&args, "--runs").map_or(if n >= 10_000 { 3 } else { 5 }, |r| {
                r.parse().expect("a number of runs")
            });
            let (check, _, (project, compiled)) = best(runs, || {
                let project = generator::Project::from_sources(black_box(&refs));
                let compiled = generator::compile(&project, &options).expect("compiles");
                (project, compiled)
            });
            let run = |config: &LintConfig| {
                best(runs, || {
                    lint::lint(
                        black_box(&project),
                        &compiled.model,
                        &compiled.resolved,
                        config,
                        Level::Info,
                    )
                })
            };
            let (lint, lint_cpu, found) = run(&config);
            println!(
                "| {label} | {n} | {} | {} | {} | {:.1} | {} |",
                ms(check),
                ms(lint),
                ms(lint_cpu),
                lint.as_secs_f64() * 1e6 / n as f64,
                found.len()
            );
            if per_rule {
                // One rule at a time runs on one thread: its CPU time is
                // its own, less the shared part every run has.
                let (_, shared, _) = run(&only(&[]));
                let mut rows: Vec<(Duration, &str, usize)> = RULES
                    .iter()
                    .map(|r| {
                        let (_, cpu, found) = run(&only(&[r]));
                        (cpu.saturating_sub(shared), r.id, found.len())
                    })
                    .collect();
                rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
                println!("\nshared part (every rule off): {} CPU ms\n", ms(shared));
                println!("| rule | CPU ms | findings |");
                println!("|---|---:|---:|");
                for (cpu, id, found) in rows {
                    println!("| {id} | {} | {found} |", ms(cpu));
                }
                println!();
            }
        }
    }
}
