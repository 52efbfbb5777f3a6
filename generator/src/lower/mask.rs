//! Masking, for non-production copies: `mask_data(key text)` replaces every
//! `@pii` value, in the tables, the history of `@versioned` tables and the
//! audit log, by `pii_fake` of a keyed hash of the value. The same key and
//! data give the same fakes; distinct values of a column unique on its own
//! stay distinct, and classes keep their shape (an email stays an email),
//! so keys and most checks still hold. Run after the privacy functions
//! exist (`pii.rs`), so the fake function is in the model.

use super::made_by;
use super::pii::{encrypted, encryption, home, unique_alone, write_value};
use crate::key::{Key, ObjectKind};
use crate::model::{Expr, Function, Model, QName, RawSql};
use crate::names;
use crate::quote::{ident, literal, Qualified};
use dsl::Diagnostic;

const POLICY: &str = "pii";

pub(super) fn lower(model: &mut Model, _: &mut Vec<Diagnostic>) {
    let Some((schema, at)) = home(model) else {
        return;
    };
    let fake = QName::new(schema.as_str(), "pii_fake");
    let fake_key = Key::member(
        ObjectKind::Function,
        fake.clone(),
        "text, text, text, boolean",
    );
    // `pii.rs` refused the classifications: nothing to mask with.
    if !model.functions.iter().any(|f| f.key() == fake_key) {
        return;
    }
    let log = QName::new(super::audit::SCHEMA, super::audit::LOG);
    let log_key = Key::new(ObjectKind::Table, log.clone());
    let log_exists = model.tables.iter().any(|t| t.sql == log);
    let mut tables: Vec<&crate::model::Table> = model
        .tables
        .iter()
        .filter(|t| !t.declared_policies.pii.is_empty())
        .collect();
    tables.sort_by(|a, b| a.sql.cmp(&b.sql));
    let origin = made_by(POLICY, at);
    if tables.is_empty() {
        revoke_from_public(model, &schema, origin);
        return;
    }
    let mut steps = Vec::new();
    let mut audit_steps = Vec::new();
    let mut depends = vec![fake_key];
    for t in tables {
        let mut pii: Vec<_> = t.declared_policies.pii.iter().collect();
        pii.sort_by(|a, b| a.column.cmp(&b.column));
        let history = QName::new(
            t.sql.schema.clone(),
            names::fit(format!("{}_history", t.sql.name)),
        );
        let mut targets = vec![(t.sql.clone(), true)];
        if t.declared_policies.versioned.is_some() && model.tables.iter().any(|h| h.sql == history)
        {
            targets.push((history, false));
        }
        for (q, own) in targets {
            depends.push(Key::new(ObjectKind::Table, q.clone()));
            let columns = model.tables.iter().find(|h| h.sql == q);
            let mut sets: Vec<String> = Vec::new();
            for p in &pii {
                let Some(c) = t.column(&p.column) else {
                    continue;
                };
                let blind = encrypted(t, &c.name);
                // A ciphertext is faked from its plaintext.
                let original = match blind {
                    Some(_) => format!("{}({})", encryption("decrypt"), ident(&c.name)),
                    None => format!("{}::text", ident(&c.name)),
                };
                let value = format!(
                    "{}({}, $1, {original}, {})",
                    Qualified(&fake),
                    literal(p.class.name()),
                    own && unique_alone(t, &c.name)
                );
                sets.push(format!(
                    "{} = {}",
                    ident(&c.name),
                    write_value(model, t, c, &value)
                ));
                // Triggers are off: the blind index is set here.
                let blind_column = crate::names::fit(format!("{}_blind", c.name));
                if blind == Some(true) && columns.is_some_and(|h| h.column(&blind_column).is_some())
                {
                    sets.push(format!(
                        "{} = {}({value})",
                        ident(&blind_column),
                        encryption("blind_index")
                    ));
                }
            }
            let table = Qualified(&q);
            // Triggers off: masking is not a change to audit, version or
            // notify, and `@timestamps` would move `updated_at`.
            steps.push(format!(
                "alter table {table} disable trigger user;\n  update {table} set {};\n  get diagnostics pii_n = row_count;\n  pii_total := pii_total + pii_n;\n  alter table {table} enable trigger user;",
                sets.join(", ")
            ));
        }
        if log_exists && t.declared_policies.audit.is_some() {
            // `||` an object of the fakes: a value absent from an image, or
            // JSON null, gives NULL and is stripped, so it stays as it was.
            let image = |side: &str| {
                let pairs: Vec<String> = pii
                    .iter()
                    .map(|p| {
                        format!(
                            "{name}, to_jsonb({}({}, $1, {side} ->> {name}, false))",
                            Qualified(&fake),
                            literal(p.class.name()),
                            name = literal(&p.column),
                        )
                    })
                    .collect();
                format!(
                    "{side} || jsonb_strip_nulls(jsonb_build_object({}))",
                    pairs.join(", ")
                )
            };
            audit_steps.push(format!(
                "update {} set old = {}, new = {}\n   where table_name = {};",
                Qualified(&log),
                image("old"),
                image("new"),
                literal(&t.sql.to_string())
            ));
        }
    }
    if !audit_steps.is_empty() {
        depends.push(log_key);
        steps.push("-- The audit log: each classified value in the old and new images.".into());
        steps.extend(audit_steps);
    }
    depends.sort();
    depends.dedup();
    let function = Function {
        sql: QName::new(schema.as_str(), "mask_data"),
        args: "text".into(),
        returns: "bigint".into(),
        language: "plpgsql".into(),
        body: format!(
            "#variable_conflict use_column
declare
  pii_n bigint;
  pii_total bigint := 0;
begin
  if $1 is null or $1 = '' then
    raise exception 'mask_data needs a key' using hint = 'the same key gives the same fakes; keep it out of the copy';
  end if;
  {}
  return pii_total;
end;",
            steps.join("\n  ")
        ),
        depends_on: depends,
        security_definer: true,
        doc: Some("For non-production copies only: replaces every value of a column classified `@pii`, in its table, the history of versioned tables and the audit log, by a realistic fake derived from a keyed hash of the value (the argument is the key). The same key and data give the same fakes; a column unique on its own stays unique. Returns the number of table rows rewritten.".into()),
        origin: origin.clone(),
    };
    model.functions.push(function);
    revoke_from_public(model, &schema, origin);
}

/// Security-definer functions a caller could misuse (export or erase
/// anyone, mask a production database) are not executable by every role,
/// which is PostgreSQL's default for a new function.
fn revoke_from_public(model: &mut Model, schema: &str, origin: crate::model::Origin) {
    let mut functions: Vec<&Function> = model
        .functions
        .iter()
        .filter(|f| {
            f.sql.schema == schema
                && ["export_subject", "erase_subject", "mask_data"].contains(&f.sql.name.as_str())
        })
        .collect();
    functions.sort_by_key(|f| f.key());
    let text: Vec<String> = functions
        .iter()
        .map(|f| {
            format!(
                "REVOKE EXECUTE ON FUNCTION {}({}) FROM PUBLIC;",
                Qualified(&f.sql),
                f.args
            )
        })
        .collect();
    let depends_on = functions.iter().map(|f| f.key()).collect();
    model.raw.push(RawSql {
        name: "privacy_functions".into(),
        schema: schema.to_string(),
        body: Expr::verbatim(text.join("\n"), origin.span),
        depends_on,
        creates: Vec::new(),
        doc: Some("The privacy functions run only for the roles they are granted to.".into()),
        origin,
    });
}
