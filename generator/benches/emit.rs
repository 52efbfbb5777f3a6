//! The docs site and the Rust models of generated schemas of 100 to
//! 10,000 entities (the synthetic tier in modules of 100, as the pipeline
//! benchmark): the compile they start from, the lint findings the site
//! shows, the site rendered (every page, diagram, finding and the search
//! index) and written to a directory, and the Rust
//! code rendered (in one file and as modules; rustfmt, which the CLI runs
//! when installed, is not included).
//!
//!     cargo bench -p schemac-generator --bench emit [-- --entities N] [--runs N]
//!
//! Prints a table, best of several runs (`--entities` measures one size,
//! `--runs` sets how many: a profiler wants one). Figures are in
//! docs/performance.md.

#[path = "../../benches/projects/mod.rs"]
mod projects;
mod timing;

use generator::emit::{diagram::Modules, docs, rust};
use std::hint::black_box;
use std::time::Duration;
use timing::best;

/// The allocator of the `schemac` binary, so that the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn ms(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1000.0)
}

/// The value after `name` on the command line.
fn arg(name: &str) -> Option<usize> {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|a| a == name)?;
    Some(args.get(at + 1)?.parse().expect("a number"))
}

fn main() {
    // `cargo test --benches` runs this without `--bench`: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let sizes = match arg("--entities") {
        Some(n) => vec![n],
        None if quick => vec![100],
        None => vec![100, 1_000, 10_000],
    };
    println!("| entities | compile ms | lint ms | docs render ms (CPU ms) | docs write ms | docs files | docs MiB | rust render ms (one file; CPU ms) | rust render ms (modules) | rust KiB |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for n in sizes {
        let files = projects::synthetic(n, 100.min(n));
        let runs = arg("--runs").unwrap_or(if n >= 10_000 { 3 } else { 5 });
        let (compile, _, (project, compiled)) = best(runs, || {
            let project = generator::Project::from_sources(black_box(&files));
            let compiled = generator::compile(&project, &Default::default()).expect("compiles");
            (project, compiled)
        });
        let modules: Modules = project
            .modules
            .iter()
            .map(|m| (m.file, m.name.clone()))
            .collect();
        let (lint, _, findings) = best(runs, || {
            generator::lint::lint(
                black_box(&project),
                &compiled.model,
                &compiled.resolved,
                &Default::default(),
                generator::lint::Level::Info,
            )
        });
        let input = docs::Input {
            model: &compiled.model,
            modules: &modules,
            creation: &compiled.creation,
            project: Some("bench"),
            findings: &findings,
            sources: &project.sources,
            root: std::path::Path::new(""),
            migrations: &[],
        };
        let (render, render_cpu, site) = best(runs, || {
            docs::site(black_box(&input), &[], "mark").expect("renders")
        });
        let out = tempfile::tempdir().expect("tempdir");
        let (write, _, ()) = best(runs, || {
            std::fs::create_dir_all(out.path().join("entities")).expect("mkdir");
            for (name, text) in &site {
                std::fs::write(out.path().join(name), text).expect("write");
            }
        });
        let bytes: usize = site.iter().map(|(_, t)| t.len()).sum();
        let rust_in = |layout| rust::RustOptions {
            layout,
            schema_name: "bench".to_string(),
            version: "0".to_string(),
            ..Default::default()
        };
        let (one, one_cpu, code) = best(runs, || {
            rust::render(
                black_box(&compiled.model),
                &rust_in(rust::Layout::File),
                &[],
            )
            .expect("renders")
        });
        let (split, _, _) = best(runs, || {
            rust::render(
                black_box(&compiled.model),
                &rust_in(rust::Layout::Modules),
                &[],
            )
            .expect("renders")
        });
        let code: usize = code.iter().map(|f| f.text.len()).sum();
        println!(
            "| {n} | {} | {} | {} ({}) | {} | {} | {:.1} | {} ({}) | {} | {} |",
            ms(compile),
            ms(lint),
            ms(render),
            ms(render_cpu),
            ms(write),
            site.len(),
            bytes as f64 / (1024.0 * 1024.0),
            ms(one),
            ms(one_cpu),
            ms(split),
            code / 1024,
        );
    }
}
