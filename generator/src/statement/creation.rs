//! The statements pass: everything that creates a model, in the order of
//! its plan, grouped by plan node.

use super::constraint::Constraint;
use super::{comment, domain, enums, index, raw, schema, table, view, Concurrency, Statement};
use crate::graph::{Node, Plan};
use crate::key::{Key, ObjectKind};
use crate::model::{Model, QName, Table};

/// The statements of one plan node (a table: its `CREATE TABLE`, indexes
/// and comments), kept together; schemas and extensions come first, as
/// one group.
pub type Group = Vec<Statement>;

/// What creates a whole model, in creation order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Creation {
    pub groups: Vec<Group>,
}

impl Creation {
    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.groups.iter().flatten()
    }
}

/// Builds the creation statements. Large plans are built in chunks on all
/// cores, joined in order: the result is the same whatever the number.
pub fn creation(model: &Model, plan: &Plan) -> Creation {
    let threads = if plan.order.len() < 2_000 {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };
    creation_in(model, plan, threads)
}

fn creation_in(model: &Model, plan: &Plan, threads: usize) -> Creation {
    let mut groups = Vec::with_capacity(plan.order.len() + 1);
    let first: Group = model
        .schemas
        .iter()
        .map(|s| schema::create(s))
        .chain(model.extensions.iter().map(|e| schema::create_extension(e)))
        .collect();
    if !first.is_empty() {
        groups.push(first);
    }
    let chunk = plan.order.len().div_ceil(threads.max(1)).max(1);
    let parts: Vec<Vec<Group>> = std::thread::scope(|scope| {
        let handles: Vec<_> = plan
            .order
            .chunks(chunk)
            .map(|nodes| scope.spawn(move || nodes.iter().map(|n| node(model, plan, *n)).collect()))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    for part in parts {
        groups.extend(part);
    }
    Creation { groups }
}

fn commented(out: &mut Group, key: Key, doc: &Option<String>) {
    if let Some(s) = doc.as_deref().and_then(|d| comment::set(&key, d)) {
        out.push(s);
    }
}

fn node(model: &Model, plan: &Plan, node: Node) -> Group {
    let mut out = Vec::with_capacity(4);
    match node {
        Node::Enum(i) => {
            let e = &model.enums[i];
            out.push(enums::create(e));
            commented(&mut out, Key::new(ObjectKind::Enum, e.sql.clone()), &e.doc);
        }
        Node::Domain(i) => {
            let d = &model.domains[i];
            out.push(domain::create(d));
            commented(
                &mut out,
                Key::new(ObjectKind::Domain, d.sql.clone()),
                &d.doc,
            );
        }
        Node::Raw(i) => out.push(raw::run(&model.raw[i])),
        Node::Table(i) => table_group(&mut out, &model.tables[i], i, plan),
        Node::ForeignKey(t, f) => {
            let table = &model.tables[t];
            let fk = &table.foreign_keys[f];
            out.push(super::constraint::add(
                &table.sql,
                Constraint::ForeignKey(fk),
            ));
            let key = Key::member(ObjectKind::Constraint, table.sql.clone(), fk.name.clone());
            commented(&mut out, key, &fk.doc);
        }
        Node::View(i) => {
            let v = &model.views[i];
            out.push(view::create(v));
            commented(&mut out, view::key(&v.sql, v.materialized), &v.doc);
        }
    }
    out
}

fn table_group(out: &mut Group, t: &Table, ti: usize, plan: &Plan) {
    let inline = |f: usize| !plan.deferred.contains(&(ti, f));
    out.push(table::create(t, |f, _| inline(f)));
    for u in t.uniques.iter().filter(|u| !u.is_constraint()) {
        out.push(index::create_unique(&t.sql, u, Concurrency::Blocking));
    }
    for i in &t.indexes {
        out.push(index::create(&t.sql, i, Concurrency::Blocking));
    }
    commented(out, table::key(&t.sql), &t.doc);
    for c in t.columns.iter().filter(|c| c.doc.is_some()) {
        let key = Key::member(ObjectKind::Column, t.sql.clone(), c.name.clone());
        commented(out, key, &c.doc);
    }
    let constraint = |name: &str| Key::member(ObjectKind::Constraint, t.sql.clone(), name);
    let constraints = t
        .primary_key
        .iter()
        .map(|pk| (&pk.name, &pk.doc))
        .chain(t.checks.iter().map(|c| (&c.name, &c.doc)))
        .chain(t.excludes.iter().map(|x| (&x.name, &x.doc)))
        .chain(
            t.foreign_keys
                .iter()
                .enumerate()
                .filter(|(f, _)| inline(*f))
                .map(|(_, f)| (&f.name, &f.doc)),
        );
    for (name, doc) in constraints.filter(|(_, d)| d.is_some()) {
        commented(out, constraint(name), doc);
    }
    let index_key = |name: &str| {
        Key::new(
            ObjectKind::Index,
            QName::new(t.sql.schema.clone(), name.to_string()),
        )
    };
    for u in t.uniques.iter().filter(|u| u.doc.is_some()) {
        let key = if u.is_constraint() {
            constraint(&u.name)
        } else {
            index_key(&u.name)
        };
        commented(out, key, &u.doc);
    }
    for i in t.indexes.iter().filter(|i| i.doc.is_some()) {
        commented(out, index_key(&i.name), &i.doc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::tests::compiled;
    use crate::statement::Verb;

    const TEXT: &str = "schema app\nenum E { a b }\n/// Alphas.\nentity Alpha {\n  id bigint @pk @identity\n  /// To beta.\n  b_id -> Beta? on delete set null\n}\n\
                        entity Beta {\n  id bigint @pk @identity\n  a_id -> Alpha on delete cascade\n}\n\
                        view V { select id from alphas }\nsql s @depends(Beta) { select 1 }\n";

    #[test]
    fn chunked_statements_are_the_same() {
        let c = compiled(TEXT);
        let one = creation_in(&c.model, &c.plan, 1);
        for threads in 2..=c.plan.order.len() + 1 {
            assert_eq!(
                creation_in(&c.model, &c.plan, threads),
                one,
                "{threads} chunks"
            );
        }
    }

    #[test]
    fn every_object_has_its_create_statement_in_plan_order() {
        let c = compiled(TEXT);
        let created: Vec<String> = creation(&c.model, &c.plan)
            .statements()
            .filter(|s| s.verb != Verb::Comment)
            .map(|s| s.key.to_string())
            .collect();
        let alpha_fk = &c.model.tables[0].foreign_keys[0].name;
        assert_eq!(
            created,
            [
                "schema app".to_string(),
                "type app.e".into(),
                "table app.alphas".into(),
                format!("index app.{}", c.model.tables[0].indexes[0].name),
                "table app.betas".into(),
                format!("index app.{}", c.model.tables[1].indexes[0].name),
                "sql app.s".into(),
                format!("constraint app.alphas.{alpha_fk}"),
                "view app.v".into(),
            ]
        );
    }
}
