//! `@audit`: every insert, update, delete and truncate of the table is
//! written to one audit log, `audit.log`, by statement-level `AFTER`
//! triggers that read the statement's rows from transition tables. One log
//! row holds all the rows of one statement (JSON arrays: building `json`
//! is far cheaper than `jsonb`, and one log row costs far less to write
//! than one per changed row); the view `audit.entries` presents one entry
//! per changed row, as the log held them before.
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
    TimeUnit, Trigger, View, Window,
};
use crate::names;
use crate::quote::{ident, literal, Qualified};
use dsl::{Code, Diagnostic, Span};

const POLICY: &str = "audit";
/// The schema of the audit log and its functions.
pub(super) const SCHEMA: &str = "audit";
/// The audit log's table.
pub(super) const LOG: &str = "log";
/// The view of the log with one entry per written row.
pub(super) const ENTRIES: &str = "entries";
/// The function that reads one log row's entries.
const ENTRIES_OF: &str = "entries_of";
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
    let entries = entries_function(&made_by(POLICY, at));
    model
        .views
        .push(entries_view(&log, &entries, &made_by(POLICY, at)));
    model.functions.push(entries);
    model.functions.extend(functions);
    model.triggers.extend(triggers);
}

/// The trigger function of one table, run once per statement: one
/// `INSERT ... SELECT` of one log row from the statement's transition
/// tables. Inserts and deletes: the rows as a JSON array (their keys are in
/// them); updates: the keys, and of each row only the changed columns;
/// secret columns never; actor and client address from session settings
/// that may be unset.
fn trigger_body(t: &Table, key: &[String], secret: &[&str], log: &QName) -> String {
    let name = literal(&t.sql.to_string());
    // The columns written, listed at build time (so no secret is ever
    // made JSON, and no per-row walk over the JSON).
    let mut visible: Vec<&str> = t
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|c| !secret.contains(c))
        .collect();
    visible.sort_unstable();
    let row: Vec<String> = visible.iter().map(|c| format!("r.{}", ident(c))).collect();
    let row = row.join(", ");
    let key_columns = format!(
        "array[{}]::text[]",
        key.iter()
            .map(|c| literal(c))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let keys: Vec<String> = key
        .iter()
        .map(|c| format!("{}, n.{}", literal(c), ident(c)))
        .collect();
    // The row number of an update's two images, named apart from the
    // table's columns (`r.*` sits beside it).
    let mut number = String::from("i");
    while t.columns.iter().any(|c| c.name == number) {
        number.push('_');
    }
    let i = ident(&number);
    // An update's image of the changed columns, written as JSON text: a
    // column counts as changed when its text form did.
    let image = |side: &str| {
        let parts: Vec<String> = visible
            .iter()
            .map(|c| {
                let col = ident(c);
                let member = serde_json::to_string(c).unwrap_or_default();
                format!(
                    "case when o.{col}::text is distinct from n.{col}::text then {} || coalesce(to_json({side}.{col})::text, 'null') end",
                    literal(&format!("{member}:"))
                )
            })
            .collect();
        format!(
            "('[' || string_agg('{{' || concat_ws(',',\n          {}) || '}}', ',' order by o.{i}) || ']')::json",
            parts.join(",\n          ")
        )
    };
    let settings = format!(
        "current_setting({}, true), current_setting({}, true)",
        literal(ACTOR),
        literal(CLIENT)
    );
    let log = Qualified(log);
    let columns = "(\"table_name\", \"action\", \"key_columns\", \"keys\", \"old_rows\", \"new_rows\", \"actor\", \"client_addr\")";
    // `json_agg(r.*)`: the whole row, even when the table has a column `r`.
    format!(
        "declare
  audit_compression text := current_setting('default_toast_compression');
begin
  -- lz4 compresses the log's large arrays several times faster than the
  -- default pglz; a server built without it keeps pglz.
  begin
    perform set_config('default_toast_compression', 'lz4', true);
  exception when invalid_parameter_value then
    null;
  end;
  if tg_op = 'TRUNCATE' then
    insert into {log} {columns}
    values ({name}, 'truncate', {key_columns}, '[{{}}]', null, null, {settings});
  elsif tg_op = 'INSERT' then
    insert into {log} {columns}
    select {name}, 'insert', {key_columns}, null, null, json_agg(r.*), {settings}
      from (select {row} from {NEW_ROWS} r) r
    having count(*) > 0;
  elsif tg_op = 'DELETE' then
    insert into {log} {columns}
    select {name}, 'delete', {key_columns}, null, json_agg(r.*), null, {settings}
      from (select {row} from {OLD_ROWS} r) r
    having count(*) > 0;
  else
    -- PostgreSQL writes an updated row's old and new versions to the two
    -- transition tables in step, so the nth rows of each are one row's
    -- (pairing by key would mismatch an update that changes keys).
    insert into {log} {columns}
    select {name}, 'update', {key_columns}, json_agg(json_build_object({keys}) order by o.{i}),
           {old_image},
           {new_image},
           {settings}
      from (select row_number() over () as {i}, r.* from {OLD_ROWS} r) o
      join (select row_number() over () as {i}, r.* from {NEW_ROWS} r) n using ({i})
    having count(*) > 0;
  end if;
  perform set_config('default_toast_compression', audit_compression, true);
  return null;
end;",
        keys = keys.join(", "),
        old_image = image("o"),
        new_image = image("n"),
    )
}

/// `audit.entries_of(keys, old_rows, new_rows)`: the arrays of one log
/// row side by side, one row per entry with its place.
fn entries_function(origin: &Origin) -> Function {
    Function {
        sql: QName::new(SCHEMA, ENTRIES_OF),
        args: "json, json, json".into(),
        returns: "TABLE(n bigint, key json, old json, new json)".into(),
        language: "sql".into(),
        body: "SELECT e.n, e.key, e.old, e.new
  FROM ROWS FROM (json_array_elements($1), json_array_elements($2), json_array_elements($3)) WITH ORDINALITY AS e(key, old, new, n)"
            .into(),
        depends_on: Vec::new(),
        security_definer: false,
        doc: Some("The entries of one audit log row: its keys, old_rows and new_rows side by side, one row per written row with its place n.".into()),
        origin: origin.clone(),
    }
}

/// `audit.entries`: one entry per written row, as `(id, n)`, the nth row
/// of log row `id`, with its key, old and new images as `jsonb`. Rows
/// written one per changed row by earlier releases (`key` set) are
/// entries of their own.
fn entries_view(log: &QName, entries: &Function, origin: &Origin) -> View {
    let log_sql = Qualified(log);
    let entries_of = Qualified(&entries.sql);
    let body = format!(
        "SELECT l.id, e.n, l.at, l.table_name, l.action,
       coalesce(e.key::jsonb, (SELECT jsonb_object_agg(c.name, i.image -> c.name) FROM unnest(l.key_columns) AS c(name))) AS key,
       e.old::jsonb AS old, e.new::jsonb AS new, l.actor, l.client_addr
  FROM {log_sql} l
  CROSS JOIN LATERAL {entries_of}(l.keys, l.old_rows, l.new_rows) e
  CROSS JOIN LATERAL (SELECT coalesce(e.new, e.old)::jsonb AS image) i
 WHERE l.key IS NULL
UNION ALL
SELECT l.id, 1::bigint, l.at, l.table_name, l.action, l.key, l.old, l.new, l.actor, l.client_addr
  FROM {log_sql} l
 WHERE l.key IS NOT NULL"
    );
    View {
        name: "AuditEntries".into(),
        sql: QName::new(SCHEMA, ENTRIES),
        materialized: false,
        body: {
            let canonical = crate::sqlparse::canonical_query(&body);
            Expr::new(body, canonical, origin.span)
        },
        reads: vec![Key::new(ObjectKind::Table, log.clone())],
        depends_on: vec![entries.key()],
        doc: Some("The audit log with one entry per written row: (id, n) is the nth row of log row id; key, old and new as jsonb.".into()),
        origin: origin.clone(),
    }
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
    let mut key_columns = column(
        "key_columns",
        "text",
        true,
        "The written table's primary key columns, in order.",
    );
    key_columns.ty.array_dims = 1;
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
            column("key", "jsonb", true, "Rows of one written row each (earlier releases): its primary key as JSON ({} for a truncate); NULL in rows of a statement."),
            column("old", "jsonb", true, "Rows of one written row each (earlier releases): the row before, all of it for a delete, the changed columns for an update."),
            column("new", "jsonb", true, "Rows of one written row each (earlier releases): the row after, all of it for an insert, the changed columns for an update."),
            column("actor", "text", true, "The setting app.current_user_id, NULL when unset."),
            column("client_addr", "text", true, "The setting app.client_addr, NULL when unset."),
            key_columns,
            column("keys", "json", true, "An update's rows' primary keys, an array of JSON objects ([{}] for a truncate); NULL for an insert or delete, whose rows hold their keys."),
            column("old_rows", "json", true, "The rows before, an array: all of each row for a delete, the changed columns for an update; never a secret or encrypted column."),
            column("new_rows", "json", true, "The rows after, an array: all of each row for an insert, the changed columns for an update; never a secret or encrypted column."),
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
            expr: { let canonical = crate::sqlparse::canonical_expr(&action); Expr::new(action, canonical, origin.span) },
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
