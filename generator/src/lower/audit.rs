//! `@audit`: every insert, update, delete and truncate of the table is
//! written to one audit log, `audit.log`, by statement-level `AFTER`
//! triggers that read the statement's rows from transition tables.
//!
//! The log is a model table range-partitioned by month on `at`, with a
//! default partition: `partition.rs` keeps its partitions like any
//! `@partition` table's (the generated `audit.maintain_partitions(now)` or
//! pg_partman, as `[partitions] maintenance` says), dropping whole months
//! past `[policies] audit_retain`.

use super::made_by;
use crate::key::{Key, ObjectKind};
use crate::model::{
    Check, Expr, Function, Identity, Index, IndexElement, IndexMethod, Maintenance, Model, Origin,
    Partition, PartitionBound, PartitionChild, PartitionStrategy, PrimaryKey, QName, Retain, Table,
    TimeUnit, Trigger, Window,
};
use crate::names;
use crate::quote::{ident, literal, Qualified};
use dsl::{Code, Diagnostic, Span};

const POLICY: &str = "audit";
/// The schema of the audit log and its functions.
pub(super) const SCHEMA: &str = "audit";
/// The audit log's table.
pub(super) const LOG: &str = "log";
/// The session settings a trigger reads (unset: NULL, never an error).
const ACTOR: &str = "app.current_user_id";
const CLIENT: &str = "app.client_addr";
/// The transition tables the triggers read a statement's rows from.
const OLD_ROWS: &str = "audit_old";
const NEW_ROWS: &str = "audit_new";
/// Months of partitions kept ahead of the current one.
const AHEAD: u32 = 3;

pub(super) fn lower(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    let log = QName::new(SCHEMA, LOG);
    let log_key = Key::new(ObjectKind::Table, log.clone());
    let mut first: Option<(QName, Span)> = None;
    let mut functions = Vec::new();
    let mut triggers = Vec::new();
    for t in &model.tables {
        let Some(origin) = &t.declared_policies.audit else {
            continue;
        };
        let at = origin.span;
        if t.sql == log {
            diagnostics.push(
                Diagnostic::error(
                    Code::BadPolicy,
                    format!("{} is named {log}, the audit log's name", t.name),
                )
                .label(t.origin.span, "takes the audit log's name")
                .label(at, "needs the audit log")
                .help("rename the table (`@table(...)` or `@schema(...)`)"),
            );
            continue;
        }
        let Some(pk) = &t.primary_key else {
            diagnostics.push(
                Diagnostic::error(
                    Code::BadPolicy,
                    format!("`@audit` on {}, which has no primary key", t.name),
                )
                .label(at, "needs a primary key")
                .help("an audit row says which row changed by its key: declare one with `@pk` or `primary key (...)`"),
            );
            continue;
        };
        if let Some(c) = pk
            .columns
            .iter()
            .filter_map(|name| t.column(name))
            .find(|c| c.secret)
        {
            diagnostics.push(
                Diagnostic::error(
                    Code::BadPolicy,
                    format!("`{}` is `@secret` and part of the primary key of {}", c.name, t.name),
                )
                .label(c.origin.span, "secret, and a key column")
                .label(at, "writes the key to every audit row")
                .help("a key identifies the row in the audit log, so it cannot be secret: key the table by another column"),
            );
            continue;
        }
        if first.as_ref().is_none_or(|(q, _)| t.sql < *q) {
            first = Some((t.sql.clone(), at));
        }
        let origin = made_by(POLICY, at);
        let secret: Vec<&str> = t
            .columns
            .iter()
            .filter(|c| c.secret)
            .map(|c| c.name.as_str())
            .collect();
        let function = Function {
            sql: QName::new(
                t.sql.schema.clone(),
                names::fit(format!("audit_{}", t.sql.name)),
            ),
            args: String::new(),
            returns: "trigger".into(),
            language: "plpgsql".into(),
            body: trigger_body(t, &pk.columns, &secret, &log),
            depends_on: vec![log_key.clone()],
            security_definer: true,
            doc: Some(format!(
                "Writes each change of {} to the audit log{}.",
                t.sql,
                if secret.is_empty() {
                    String::new()
                } else {
                    format!(", without {}", secret.join(", "))
                }
            )),
            origin: origin.clone(),
        };
        let key = function.key();
        // One trigger per event: PostgreSQL allows transition tables only
        // on a trigger of one event.
        for (event, old_table, new_table) in [
            ("insert", None, Some(NEW_ROWS)),
            ("update", Some(OLD_ROWS), Some(NEW_ROWS)),
            ("delete", Some(OLD_ROWS), None),
            ("truncate", None, None),
        ] {
            triggers.push(Trigger {
                name: names::fit(format!("trg_{}_audit_{event}", t.sql.name)),
                table: t.sql.clone(),
                timing: "after".into(),
                events: vec![event.into()],
                for_each_row: false,
                old_table: old_table.map(String::from),
                new_table: new_table.map(String::from),
                function: key.clone(),
                origin: origin.clone(),
            });
        }
        functions.push(function);
    }
    let Some((_, at)) = first else {
        return;
    };
    if !model.schemas.iter().any(|s| s == SCHEMA) {
        model.schemas.push(SCHEMA.to_string());
        model.schemas.sort();
    }
    model.tables.push(log_table(&log, &made_by(POLICY, at)));
    model.functions.extend(functions);
    model.triggers.extend(triggers);
}

/// The trigger function of one table, run once per statement: one
/// `INSERT ... SELECT` into the log from the statement's transition
/// tables. The key as JSON, the whole row on insert and delete, only the
/// changed columns on update, secret columns never; actor and client
/// address from session settings that may be unset.
fn trigger_body(t: &Table, key: &[String], secret: &[&str], log: &QName) -> String {
    let name = literal(&t.sql.to_string());
    let key_of = |row: &str| {
        let pairs: Vec<String> = key
            .iter()
            .map(|c| format!("{}, {row} -> {}", literal(c), literal(c)))
            .collect();
        format!("jsonb_build_object({})", pairs.join(", "))
    };
    let strip = if secret.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = secret.iter().map(|s| ident(s)).collect();
        format!(
            " - {}::text[]",
            literal(&format!("{{{}}}", names.join(",")))
        )
    };
    // The columns an update left as they were, removed from both images;
    // listed at build time, so no per-row walk over the JSON.
    let mut visible: Vec<&str> = t
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|c| !secret.contains(c))
        .collect();
    visible.sort_unstable();
    let same: Vec<String> = visible
        .iter()
        .map(|c| {
            let c = literal(c);
            format!("case when o.j -> {c} is not distinct from n.j -> {c} then {c} end")
        })
        .collect();
    let settings = format!(
        "select current_setting({}, true) as actor, current_setting({}, true) as client_addr",
        literal(ACTOR),
        literal(CLIENT)
    );
    let log = Qualified(log);
    let columns =
        "(\"table_name\", \"action\", \"key\", \"old\", \"new\", \"actor\", \"client_addr\")";
    // `to_jsonb(r.*)`: the whole row, even when the table has a column `r`.
    format!(
        "begin
  if tg_op = 'TRUNCATE' then
    insert into {log} {columns}
    select {name}, 'truncate', '{{}}', null, null, s.actor, s.client_addr from ({settings}) s;
  elsif tg_op = 'INSERT' then
    insert into {log} {columns}
    select {name}, 'insert', {new_key}, null, n.j, s.actor, s.client_addr
      from ({settings}) s, (select to_jsonb(r.*){strip} as j from {NEW_ROWS} r) n;
  elsif tg_op = 'DELETE' then
    insert into {log} {columns}
    select {name}, 'delete', {old_key}, o.j, null, s.actor, s.client_addr
      from ({settings}) s, (select to_jsonb(r.*){strip} as j from {OLD_ROWS} r) o;
  else
    -- PostgreSQL writes an updated row's old and new versions to the two
    -- transition tables in step, so the nth rows of each are one row's
    -- (pairing by key would mismatch an update that changes keys).
    insert into {log} {columns}
    select {name}, 'update', {new_key}, o.j - p.same, n.j - p.same, s.actor, s.client_addr
      from ({settings}) s,
           (select row_number() over () as i, to_jsonb(r.*){strip} as j from {OLD_ROWS} r) o
      join (select row_number() over () as i, to_jsonb(r.*){strip} as j from {NEW_ROWS} r) n using (i)
      cross join lateral (select array_remove(array[{same}], null) as same) p
     order by o.i;
  end if;
  return null;
end;",
        old_key = key_of("o.j"),
        new_key = key_of("n.j"),
        same = same.join(",\n        "),
    )
}

/// Gives the audit log the project's maintenance back-end and retention.
pub(super) fn settle(model: &mut Model, options: &crate::Options) {
    let log = QName::new(SCHEMA, LOG);
    let Some(t) = model
        .tables
        .iter_mut()
        .find(|t| t.sql == log && matches!(t.origin.why, crate::model::Why::Policy { .. }))
    else {
        return;
    };
    if let Some(w) = t.partition.as_mut().and_then(|p| p.window.as_mut()) {
        w.maintenance = options.maintenance;
    }
    t.retain = options
        .policy_defaults
        .audit_retain
        .map(|(amount, unit)| Retain {
            amount,
            unit,
            column: None,
            origin: t.origin.clone(),
        });
}

/// The log: partitioned by month on `at`, with a default partition for
/// rows of a month maintenance has not made.
fn log_table(log: &QName, origin: &Origin) -> Table {
    let column = |name: &str, ty: &str, nullable: bool, doc: &str| {
        super::policy_column(name, ty, nullable, doc, origin.clone())
    };
    let mut id = column(
        "id",
        "bigint",
        false,
        "The row's number, in the order of writing.",
    );
    id.identity = Some(Identity::Always);
    let mut at = column(
        "at",
        "timestamptz",
        false,
        "When: the writing transaction's time; the partition key.",
    );
    at.default = Some(Expr::verbatim("now()".into(), origin.span));
    let action = "\"action\" IN ('insert', 'update', 'delete', 'truncate')".to_string();
    Table {
        name: "AuditEntry".into(),
        sql: log.clone(),
        doc: Some(
            "Every change to an @audit table: written by triggers, partitioned by month.".into(),
        ),
        columns: vec![
            id,
            at,
            column("table_name", "text", false, "The schema-qualified table written."),
            column("action", "text", false, "insert, update, delete or truncate."),
            column("key", "jsonb", false, "The written row's primary key as JSON ({} for a truncate)."),
            column("old", "jsonb", true, "The row before: all of it for a delete, the changed columns for an update; never a secret or encrypted column."),
            column("new", "jsonb", true, "The row after: all of it for an insert, the changed columns for an update; never a secret or encrypted column."),
            column("actor", "text", true, "The setting app.current_user_id, NULL when unset."),
            column("client_addr", "text", true, "The setting app.client_addr, NULL when unset."),
        ],
        primary_key: Some(PrimaryKey {
            name: format!("pk_{LOG}"),
            columns: vec!["id".into(), "at".into()],
            doc: None,
            origin: origin.clone(),
        }),
        uniques: Vec::new(),
        checks: vec![Check {
            name: format!("chk_{LOG}_action"),
            expr: Expr {
                canonical: crate::sqlparse::canonical_expr(&action),
                sql: action,
                span: origin.span,
            },
            doc: None,
            origin: origin.clone(),
        }],
        foreign_keys: Vec::new(),
        excludes: Vec::new(),
        indexes: vec![Index {
            name: format!("idx_{LOG}_table_name_at"),
            method: IndexMethod::Btree,
            unique: false,
            nulls_not_distinct: false,
            elements: vec![
                IndexElement::column("table_name"),
                IndexElement::column("at"),
            ],
            include: Vec::new(),
            predicate: None,
            doc: None,
            origin: origin.clone(),
        }],
        depends_on: Vec::new(),
        partition: Some(Partition {
            strategy: PartitionStrategy::Range,
            columns: vec!["at".into()],
            window: Some(Window {
                every: TimeUnit::Month,
                ahead: AHEAD,
                before: 0,
                maintenance: Maintenance::default(),
            }),
            partitions: vec![PartitionChild {
                sql: QName::new(SCHEMA, format!("{LOG}_default")),
                bound: PartitionBound::Default,
                sub: None,
            }],
            origin: origin.clone(),
        }),
        retain: None,
        distribution: None,
        policies: Vec::new(),
        grants: Vec::new(),
        declared_policies: Default::default(),
        origin: origin.clone(),
    }
}
