//! `schemac import`: `.schema` files from PostgreSQL DDL (`--from-sql`) or
//! from a live database (`--database-url`, read through introspection and
//! written as DDL first), with a report of what stayed SQL.

use crate::{output, report, OK, USAGE_OR_IO};
use dsl::SourceMap;
use std::path::{Path, PathBuf};

pub fn run(from_sql: &[PathBuf], database_url: Option<&str>, out: &Path, force: bool) -> u8 {
    let mut scripts = Vec::new();
    for path in from_sql {
        match std::fs::read_to_string(path) {
            Ok(text) => scripts.push((path.display().to_string(), text)),
            Err(e) => {
                report::fatal(format!("cannot read {}: {e}", path.display()));
                return USAGE_OR_IO;
            }
        }
    }
    if let Some(url) = database_url {
        match database_ddl(url) {
            Ok(script) => scripts.push(script),
            Err(code) => return code,
        }
    }
    let imported = generator::import::from_sql(&scripts);
    let mut sources = SourceMap::new();
    for (name, text) in &scripts {
        sources.add(name.clone(), text.as_str());
    }
    report::print(&imported.diagnostics, &sources);
    for (name, text) in &imported.files {
        if let Err(e) = output::write(out, name, text, force) {
            report::fatal(e);
            return USAGE_OR_IO;
        }
    }
    // A directory of modules is a project once it has a `schemac.toml`.
    if !out.join("schemac.toml").exists() {
        if let Err(e) = output::write(
            out,
            "schemac.toml",
            "# Imported by `schemac import`.\n",
            false,
        ) {
            report::fatal(e);
            return USAGE_OR_IO;
        }
    }
    eprint!("schemac: {}", imported.report.text());
    eprintln!(
        "schemac: wrote {} files to {}",
        imported.files.len(),
        out.display()
    );
    OK
}

/// The database as DDL: its model, read from the catalog, in creation
/// order, and what the model has no room for, listed.
fn database_ddl(url: &str) -> Result<(String, String), u8> {
    let (_, mut client) = super::connect(url)?;
    let read = live::introspect::introspect(&mut client).map_err(|e| {
        report::fatal(format!("cannot read the database: {e}"));
        USAGE_OR_IO
    })?;
    for u in &read.unmodelled {
        eprintln!("schemac: warning: not imported (the model has no room for it): {u}");
    }
    let plan = generator::graph::Graph::build(&read.model)
        .plan(&read.model)
        .map_err(|_| {
            report::fatal("the database's objects have no creation order");
            USAGE_OR_IO
        })?;
    let creation = generator::statement::creation(&read.model, &plan);
    let mut ddl = String::new();
    for s in creation.statements() {
        ddl.push_str(&s.sql);
        ddl.push_str(";\n");
    }
    // The partitions maintenance made are no part of the model, but they
    // are evidence of what keeps them, as in a dump.
    for p in &read.time_partitions {
        ddl.push_str(&format!(
            "CREATE TABLE {} PARTITION OF {} {};\n",
            generator::quote::qname(&p.sql),
            generator::quote::qname(&p.parent),
            p.bound
        ));
    }
    Ok((String::from("database"), ddl))
}
