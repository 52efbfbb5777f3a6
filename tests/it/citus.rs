//! The Citus target: the analytics example built for Citus distributes its
//! tables after they exist, co-located with their accounts, and every
//! statement of the script parses.

use crate::support;
use generator::{Options, Project, Target};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

fn citus_build() -> generator::Compiled {
    let project = Project::load(&support::root().join("examples/analytics")).expect("loads");
    let options = Options {
        target: Target::Citus,
        ..project.config.clone().unwrap_or_default().options()
    };
    match generator::compile(&project, &options) {
        Ok(c) => c,
        Err(f) => panic!("{:?}", f.diagnostics),
    }
}

#[test]
fn the_citus_variant_distributes_after_the_tables() {
    let compiled = citus_build();
    let sql = support::sql(&compiled);
    insta::with_settings!({
        snapshot_path => support::root().join("examples/analytics/snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("citus.sql", sql);
    });
    let at = |needle: &str| {
        sql.find(needle)
            .unwrap_or_else(|| panic!("{needle} is missing"))
    };
    // Each table exists before it is distributed, and what it is
    // co-located with or references is distributed before it.
    for table in ["events", "orders", "page_views"] {
        let call = at(&format!(
            "SELECT create_distributed_table('\"public\".\"{table}\"', 'account_id', colocate_with => '\"public\".\"accounts\"')"
        ));
        assert!(at(&format!("CREATE TABLE \"public\".\"{table}\" (")) < call);
        assert!(at("SELECT create_distributed_table('\"public\".\"accounts\"', 'id')") < call);
    }
    assert!(
        at("SELECT create_reference_table('\"public\".\"countries\"')")
            < at("SELECT create_distributed_table('\"public\".\"orders\"'")
    );
    // The PostgreSQL build of the same files has none of it.
    let plain = support::sql(&support::compile_ok(
        &support::root().join("examples/analytics"),
    ));
    assert!(!plain.contains("create_distributed_table") && !plain.contains("citus"));
}

#[test]
fn every_statement_of_the_citus_build_parses() {
    let compiled = citus_build();
    let mut failed = Vec::new();
    for s in compiled.creation.statements() {
        if let Err(e) = Parser::parse_sql(&PostgreSqlDialect {}, &s.sql) {
            failed.push(format!("{e}\n{}", s.sql));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}
