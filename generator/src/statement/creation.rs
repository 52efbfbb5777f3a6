//! The statements pass: everything that creates a model, in the order of
//! its plan, grouped by plan node.

use super::constraint::Constraint;
use super::{
    comment, domain, enums, function, grant, index, partition, policy, raw, schema, sequence,
    table, view, Concurrency, Statement,
};
use crate::graph::Plan;
use crate::key::{Key, ObjectKind};
use crate::model::{Model, Object, Table};
use rustc_hash::FxHashMap as HashMap;

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
        .chain(model.extensions.iter().map(schema::create_extension))
        .collect();
    if !first.is_empty() {
        groups.push(first);
    }
    let objects = model.objects();
    let chunk = plan.order.len().div_ceil(threads.max(1)).max(1);
    let parts: Vec<Vec<Group>> = std::thread::scope(|scope| {
        let handles: Vec<_> = plan
            .order
            .chunks(chunk)
            .map(|keys| {
                let objects = &objects;
                scope.spawn(move || {
                    keys.iter()
                        .map(|k| node(objects, plan, k))
                        .filter(|g| !g.is_empty())
                        .collect()
                })
            })
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

fn node(objects: &HashMap<Key, Object<'_>>, plan: &Plan, key: &Key) -> Group {
    let mut out = Vec::with_capacity(4);
    match objects.get(key) {
        Some(Object::Enum(e)) => {
            out.push(enums::create(e));
            commented(&mut out, e.key(), &e.doc);
        }
        Some(Object::Domain(d)) => {
            out.push(domain::create(d));
            commented(&mut out, d.key(), &d.doc);
        }
        Some(Object::Raw(r)) => out.push(raw::run(r)),
        Some(Object::Table(t)) => table_group(&mut out, t, plan),
        Some(Object::View(v)) => {
            out.push(view::create(v));
            commented(&mut out, v.key(), &v.doc);
        }
        Some(Object::Sequence(q)) => out.push(sequence::create(q)),
        Some(Object::Function(f)) => {
            out.push(function::create(f));
            commented(&mut out, f.key(), &f.doc);
        }
        Some(Object::Trigger(t)) => out.push(function::create_trigger(t)),
        // Created before everything else, in the first group.
        Some(Object::Extension(_)) => {}
        // A deferred foreign key: its table is a top-level object.
        None if key.kind == ObjectKind::Constraint => {
            let table = key.table().and_then(|t| match objects.get(&t) {
                Some(Object::Table(t)) => Some(*t),
                _ => None,
            });
            let fk = table.and_then(|t| {
                let fk = t
                    .foreign_keys
                    .iter()
                    .find(|f| key.member.as_deref() == Some(f.name.as_str()))?;
                Some((t, fk))
            });
            if let Some((table, fk)) = fk {
                out.push(super::constraint::add(
                    &table.sql,
                    Constraint::ForeignKey(fk),
                ));
                commented(&mut out, fk.key(&table.sql), &fk.doc);
            }
        }
        None => {}
    }
    out
}

fn table_group(out: &mut Group, t: &Table, plan: &Plan) {
    let inline = |fk: &crate::model::ForeignKey| {
        plan.deferred.is_empty() || !plan.deferred.contains(&fk.key(&t.sql))
    };
    out.push(table::create(t, |_, fk| inline(fk)));
    for child in t.partition.iter().flat_map(|p| &p.partitions) {
        partition::create(&t.sql, child, out);
    }
    for i in &t.indexes {
        out.push(index::create(&t.sql, i, Concurrency::Blocking));
    }
    commented(out, t.key(), &t.doc);
    for c in t.columns.iter().filter(|c| c.doc.is_some()) {
        commented(out, c.key(&t.sql), &c.doc);
    }
    let constraints = t
        .primary_key
        .iter()
        .map(|pk| (pk.key(&t.sql), &pk.doc))
        .chain(t.checks.iter().map(|c| (c.key(&t.sql), &c.doc)))
        .chain(t.excludes.iter().map(|x| (x.key(&t.sql), &x.doc)))
        .chain(
            t.foreign_keys
                .iter()
                .filter(|f| inline(f))
                .map(|f| (f.key(&t.sql), &f.doc)),
        )
        .chain(t.uniques.iter().map(|u| (u.key(&t.sql), &u.doc)));
    for (key, doc) in constraints {
        if doc.is_some() {
            commented(out, key, doc);
        }
    }
    for i in t.indexes.iter().filter(|i| i.doc.is_some()) {
        commented(out, i.key(&t.sql), &i.doc);
    }
    if !t.policies.is_empty() {
        out.extend(policy::enable(&t.sql));
        out.extend(t.policies.iter().map(|p| policy::create(&t.sql, p)));
    }
    out.extend(t.grants.iter().map(|g| grant::create(&t.sql, g)));
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
