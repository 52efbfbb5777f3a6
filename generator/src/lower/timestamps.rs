//! `@timestamps`: `created_at` and `updated_at`, both `now()` by default,
//! and a `BEFORE UPDATE` trigger that sets `updated_at`. One trigger
//! function per schema serves every table in it.

use super::{columns_free, made_by, timestamp_column};
use crate::key::{Key, ObjectKind};
use crate::model::{Function, Model, QName, Trigger};
use crate::names;
use dsl::Diagnostic;
use std::collections::BTreeMap;

const POLICY: &str = "timestamps";
/// The shared trigger function, in each schema that needs it.
pub(super) const FUNCTION: &str = "set_updated_at";

pub(super) fn lower(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    // Schema → the first declaration (by table name) that needs the
    // function there: its origin must not depend on declaration order.
    let mut functions: BTreeMap<String, (QName, dsl::Span)> = BTreeMap::new();
    let mut triggers = Vec::new();
    for t in &mut model.tables {
        let Some(origin) = t.declared_policies.timestamps.clone() else {
            continue;
        };
        let at = origin.span;
        if !columns_free(t, &["created_at", "updated_at"], POLICY, at, diagnostics) {
            continue;
        }
        let origin = made_by(POLICY, at);
        t.columns.push(timestamp_column(
            "created_at",
            false,
            Some("now()"),
            "When the row was inserted.",
            origin.clone(),
        ));
        t.columns.push(timestamp_column(
            "updated_at",
            false,
            Some("now()"),
            "When the row was last updated: set by a trigger on every update.",
            origin.clone(),
        ));
        let function = QName::new(t.sql.schema.clone(), FUNCTION);
        triggers.push(Trigger {
            name: names::fit(format!("trg_{}_updated_at", t.sql.name)),
            table: t.sql.clone(),
            timing: "before".into(),
            events: vec!["update".into()],
            for_each_row: true,
            old_table: None,
            new_table: None,
            function: Key::member(ObjectKind::Function, function, ""),
            origin,
        });
        let first = functions
            .entry(t.sql.schema.clone())
            .or_insert_with(|| (t.sql.clone(), at));
        if t.sql < first.0 {
            *first = (t.sql.clone(), at);
        }
    }
    model.triggers.extend(triggers);
    for (schema, (_, at)) in functions {
        let f = Function {
            sql: QName::new(schema, FUNCTION),
            args: String::new(),
            returns: "trigger".into(),
            language: "plpgsql".into(),
            body: "begin\n  new.updated_at := now();\n  return new;\nend;".into(),
            depends_on: Vec::new(),
            security_definer: false,
            doc: Some(
                "Sets updated_at to the transaction's time: the trigger of every @timestamps table."
                    .into(),
            ),
            origin: made_by(POLICY, at),
        };
        if !model.functions.iter().any(|g| g.key() == f.key()) {
            model.functions.push(f);
        }
    }
}
