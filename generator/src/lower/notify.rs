//! `@notify`: after each insert, update and delete of a row, a
//! notification on the table's channel that says which row changed and
//! how: the table, the action and the primary key, never the row (a
//! payload is limited to 8,000 bytes, and a row may hold what listeners
//! must not see). PostgreSQL delivers it when the transaction commits, and
//! not at all when it rolls back.

use super::made_by;
use crate::model::{Function, Model, QName, Trigger};
use crate::names;
use crate::quote::{ident, literal};
use dsl::{Code, Diagnostic};

const POLICY: &str = "notify";

pub(super) fn lower(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    let mut functions = Vec::new();
    let mut triggers = Vec::new();
    for t in &model.tables {
        let Some(origin) = &t.declared_policies.notify else {
            continue;
        };
        let at = origin.span;
        let Some(pk) = &t.primary_key else {
            diagnostics.push(
                Diagnostic::error(
                    Code::BadPolicy,
                    format!("`@notify` on {}, which has no primary key", t.name),
                )
                .label(at, "needs a primary key")
                .help("a notification names the row that changed by its key: declare one with `@pk` or `primary key (...)`"),
            );
            continue;
        };
        let origin = made_by(POLICY, at);
        let function = Function {
            sql: QName::new(
                t.sql.schema.clone(),
                names::fit(format!("notify_{}", t.sql.name)),
            ),
            args: String::new(),
            returns: "trigger".into(),
            language: "plpgsql".into(),
            body: body(&t.sql, &pk.columns),
            depends_on: Vec::new(),
            security_definer: false,
            doc: Some(format!(
                "Notifies listeners of channel {} of each change of {}: table, action and key.",
                t.sql.name, t.sql
            )),
            origin: origin.clone(),
        };
        triggers.push(Trigger {
            name: names::fit(format!("trg_{}_notify", t.sql.name)),
            table: t.sql.clone(),
            timing: "after".into(),
            events: ["insert", "update", "delete"].map(String::from).to_vec(),
            for_each_row: true,
            old_table: None,
            new_table: None,
            function: function.key(),
            origin,
        });
        functions.push(function);
    }
    model.functions.extend(functions);
    model.triggers.extend(triggers);
}

/// The trigger function: the key of the row (the old row for a delete)
/// as JSON, on the channel named after the table.
fn body(table: &QName, key: &[String]) -> String {
    let pairs = |row: &str| -> String {
        key.iter()
            .map(|c| format!("{}, {row}.{}", literal(c), ident(c)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "declare
  payload text;
begin
  payload := jsonb_build_object(
    'table', {name},
    'action', lower(tg_op),
    'key', case when tg_op = 'DELETE' then jsonb_build_object({old}) else jsonb_build_object({new}) end
  )::text;
  -- A key too long for a notification still says that the table changed.
  if octet_length(payload) > 7999 then
    payload := jsonb_build_object('table', {name}, 'action', lower(tg_op), 'key', null)::text;
  end if;
  perform pg_notify({channel}, payload);
  return null;
end;",
        name = literal(&table.to_string()),
        channel = literal(&table.name),
        old = pairs("old"),
        new = pairs("new"),
    )
}
