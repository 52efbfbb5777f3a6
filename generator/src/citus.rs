//! The Citus target, lowered into model objects: the `citus` extension,
//! and per table with `@distribute` or `@reference` a block calling
//! `create_distributed_table` or `create_reference_table`. Each block
//! depends on its table and on the blocks of the tables it is co-located
//! with or references, so the graph orders them: Citus needs a referenced
//! table distributed (or made a reference table) before the tables that
//! reference it. The rules Citus would refuse are checked on every build
//! (`resolve::entity::placement`); this pass only writes the calls.

use crate::key::{Key, ObjectKind};
use crate::model::{Distribution, Expr, Extension, Model, Origin, QName, RawSql, Why};
use crate::quote::literal;
use dsl::{Diagnostic, Span};

/// The block of `table`.
fn block_key(table: &QName) -> Key {
    Key::new(
        ObjectKind::Raw,
        QName::new(table.schema.clone(), block_name(table)),
    )
}

fn block_name(table: &QName) -> String {
    format!("citus_{}", table.name)
}

/// `schema.table` as Citus' functions take it (a `regclass` literal).
fn regclass(q: &QName) -> String {
    literal(&crate::quote::qname(q))
}

pub fn lower(model: &mut Model, _: &mut Vec<Diagnostic>) {
    let placed: Vec<(QName, Distribution, Vec<QName>)> = model
        .tables
        .iter()
        .filter_map(|t| {
            let d = t.distribution.clone()?;
            let targets = t
                .foreign_keys
                .iter()
                .map(|f| f.target_table.clone())
                .filter(|q| *q != t.sql)
                .collect();
            Some((t.sql.clone(), d, targets))
        })
        .collect();
    if placed.is_empty() {
        return;
    }
    if !model.extensions.iter().any(|e| e.name == "citus") {
        model.extensions.push(Extension {
            name: "citus".into(),
            schema: "pg_catalog".into(),
            doc: None,
            origin: made_by(&placed[0].1),
        });
        model.extensions.sort_by(|a, b| a.name.cmp(&b.name));
    }
    let has_block = |q: &QName| placed.iter().any(|(t, _, _)| t == q);
    for (table, d, targets) in &placed {
        let mut depends = vec![Key::new(ObjectKind::Table, table.clone())];
        let body = match d {
            Distribution::Distributed {
                column,
                colocate_with,
                ..
            } => {
                let colocate = match colocate_with {
                    Some(q) if q != table => {
                        depends.push(block_key(q));
                        format!(", colocate_with => {}", regclass(q))
                    }
                    _ => String::new(),
                };
                format!(
                    "SELECT create_distributed_table({}, {}{colocate})",
                    regclass(table),
                    literal(column)
                )
            }
            Distribution::Reference { .. } => {
                format!("SELECT create_reference_table({})", regclass(table))
            }
        };
        for t in targets.iter().filter(|q| has_block(q)) {
            depends.push(block_key(t));
        }
        depends.sort();
        depends.dedup();
        model.raw.push(RawSql {
            name: block_name(table),
            schema: table.schema.clone(),
            body: Expr::verbatim(body, Span::default()),
            depends_on: depends,
            creates: Vec::new(),
            doc: None,
            origin: made_by(d),
        });
    }
}

/// What the pass adds is defined at the attribute that asks for it.
fn made_by(d: &Distribution) -> Origin {
    let (policy, origin) = match d {
        Distribution::Distributed { origin, .. } => ("distribute", origin),
        Distribution::Reference { origin } => ("reference", origin),
    };
    Origin::generated(origin.span).because(Why::Policy {
        policy: policy.into(),
    })
}
