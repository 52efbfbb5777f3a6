//! Migration benchmark: the diff and plan of two 10,000-entity models (the
//! synthetic tier, and the same project with a column added to every tenth
//! entity), and introspection of a database with 1,000 tables (the
//! synthetic tier applied to a throwaway PostgreSQL), with the number of
//! catalog queries it took.
//!
//!     cargo bench --bench migrate
//!
//! Figures are recorded in docs/performance.md.

mod projects;

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

fn compile(files: &[(String, String)]) -> generator::Compiled {
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let project = generator::Project::from_sources(&refs);
    generator::compile(&project, &generator::Options::default())
        .unwrap_or_else(|f| panic!("{:?}", f.diagnostics.first()))
}

fn main() {
    let old = compile(&projects::synthetic(10_000, 100)).model;
    let mut new = old.clone();
    for t in new.tables.iter_mut().step_by(10) {
        let mut c = t.columns[t.columns.len() - 1].clone();
        c.name = "added_by_bench".into();
        c.nullable = true;
        c.default = None;
        t.columns.push(c);
    }
    let options = generator::diff::Options::default();
    let (took, changes) = best(5, || generator::diff::diff(&old, &new, &options));
    let (planned, plan) = best(5, || generator::diff::plan::plan(&old, &new, &changes));
    println!(
        "diff of two {}-table models: {:.1} ms ({} changes); plan: {:.1} ms ({} statements)",
        old.tables.len(),
        took.as_secs_f64() * 1e3,
        changes.len(),
        planned.as_secs_f64() * 1e3,
        plan.statements().count()
    );

    let cluster = live::pgcluster::available().expect("PostgreSQL for the introspection benchmark");
    let db = cluster
        .create_database("bench_introspect")
        .expect("database");
    let compiled = compile(&projects::synthetic(1_000, 100));
    db.psql_apply(&generator::emit::postgres::render(&compiled.creation))
        .expect("applies");
    let mut client = db.connect().expect("connect");
    let (took, read) = best(5, || {
        live::introspect::introspect(&mut client).expect("introspects")
    });
    println!(
        "introspection of {} tables: {:.1} ms, {} catalog queries",
        read.model.tables.len(),
        took.as_secs_f64() * 1e3,
        read.queries
    );
}
