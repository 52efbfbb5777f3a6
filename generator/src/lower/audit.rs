//! `@audit`: every insert, update, delete and truncate of the table is
//! written to one audit log, `audit.log`, by an `AFTER` trigger per table.
//!
//! The log is range-partitioned by month. Until the model can say
//! `PARTITION BY`, the log and its default partition are one generated
//! `sql` block that `@creates` the table, and a generated function makes
//! the monthly partitions (run once at creation for this month and the next
//! three, then by the operator's schedule). Switching to a partitioned
//! model table changes only this file.

use super::made_by;
use crate::key::{Key, ObjectKind};
use crate::model::{Expr, Function, Model, QName, RawSql, Trigger};
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
/// Months of partitions made ahead when the log is created.
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
            body: trigger_body(&t.sql, &pk.columns, &secret, &log),
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
        for (suffix, events, row) in [
            ("audit", vec!["insert", "update", "delete"], true),
            ("audit_truncate", vec!["truncate"], false),
        ] {
            triggers.push(Trigger {
                name: names::fit(format!("trg_{}_{suffix}", t.sql.name)),
                table: t.sql.clone(),
                timing: "after".into(),
                events: events.into_iter().map(String::from).collect(),
                for_each_row: row,
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
    let origin = made_by(POLICY, at);
    let partitions = Function {
        sql: QName::new(SCHEMA, "create_log_partitions"),
        args: "timestamp with time zone, integer".into(),
        returns: "integer".into(),
        language: "plpgsql".into(),
        body: partitions_body(&log),
        depends_on: Vec::new(),
        security_definer: false,
        doc: Some("Creates the audit log's monthly partitions that are missing, from the month of the first argument to as many months after it as the second says; returns how many it created. Run it ahead of time (monthly, say): rows of a month without a partition go to the default partition, which must then be emptied before that month's partition can be created.".into()),
        origin: origin.clone(),
    };
    let create = format!(
        "CREATE TABLE {log_q} (\n    \"id\" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,\n    \"at\" timestamptz DEFAULT now() NOT NULL,\n    \"table_name\" text NOT NULL,\n    \"action\" text NOT NULL,\n    \"key\" jsonb NOT NULL,\n    \"old\" jsonb,\n    \"new\" jsonb,\n    \"actor\" text,\n    \"client_addr\" text,\n    CONSTRAINT {pk} PRIMARY KEY (\"id\", \"at\"),\n    CONSTRAINT {chk} CHECK (\"action\" IN ('insert', 'update', 'delete', 'truncate'))\n) PARTITION BY RANGE (\"at\");\nCREATE TABLE {default_q} PARTITION OF {log_q} DEFAULT;\nCREATE INDEX {idx} ON {log_q} (\"table_name\", \"at\");\nCOMMENT ON TABLE {log_q} IS {doc};\nSELECT {partitions_q}(now(), {AHEAD});",
        log_q = Qualified(&log),
        pk = ident(&format!("pk_{LOG}")),
        chk = ident(&format!("chk_{LOG}_action")),
        default_q = Qualified(&QName::new(SCHEMA, format!("{LOG}_default"))),
        idx = ident(&format!("idx_{LOG}_table_name_at")),
        partitions_q = Qualified(&partitions.sql),
        doc = literal("Every change to an @audit table: written by triggers, partitioned by month."),
    );
    let block = RawSql {
        name: "audit_log".into(),
        schema: SCHEMA.into(),
        body: Expr::verbatim(create, at),
        depends_on: vec![partitions.key()],
        creates: vec![log_key],
        doc: None,
        origin,
    };
    model.functions.push(partitions);
    model.raw.push(block);
    model.functions.extend(functions);
    model.triggers.extend(triggers);
}

/// The trigger function of one table: the key as JSON, the whole row on
/// insert and delete, only the changed columns on update, secret columns
/// never; actor and client address from session settings that may be
/// unset.
fn trigger_body(table: &QName, key: &[String], secret: &[&str], log: &QName) -> String {
    let name = literal(&table.to_string());
    let key_of = |row: &str| {
        let pairs: Vec<String> = key
            .iter()
            .map(|c| format!("{}, {row}.{}", literal(c), ident(c)))
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
    let settings = format!(
        "current_setting({}, true), current_setting({}, true)",
        literal(ACTOR),
        literal(CLIENT)
    );
    let log = Qualified(log);
    format!(
        "declare
  old_row jsonb;
  new_row jsonb;
begin
  if tg_op = 'TRUNCATE' then
    insert into {log} (\"table_name\", \"action\", \"key\", \"actor\", \"client_addr\")
    values ({name}, 'truncate', '{{}}', {settings});
    return null;
  end if;
  if tg_op <> 'INSERT' then
    old_row := to_jsonb(old){strip};
  end if;
  if tg_op <> 'DELETE' then
    new_row := to_jsonb(new){strip};
  end if;
  if tg_op = 'UPDATE' then
    -- Only what changed: the old and new values of each changed column.
    select coalesce(jsonb_object_agg(o.key, o.value), '{{}}'), coalesce(jsonb_object_agg(o.key, n.value), '{{}}')
      into old_row, new_row
      from jsonb_each(old_row) o join jsonb_each(new_row) n on n.key = o.key
     where n.value is distinct from o.value;
  end if;
  insert into {log} (\"table_name\", \"action\", \"key\", \"old\", \"new\", \"actor\", \"client_addr\")
  values ({name}, lower(tg_op),
          case when tg_op = 'DELETE' then {old_key} else {new_key} end,
          old_row, new_row, {settings});
  return null;
end;",
        old_key = key_of("old"),
        new_key = key_of("new"),
    )
}

/// The function that creates the log's monthly partitions (UTC months).
fn partitions_body(log: &QName) -> String {
    format!(
        "declare
  month timestamp := date_trunc('month', $1 at time zone 'UTC');
  made integer := 0;
  part text;
begin
  for i in 0 .. $2 loop
    part := {prefix} || to_char(month, 'YYYY_MM');
    if to_regclass(format('%I.%I', {schema}, part)) is null then
      execute format('CREATE TABLE %I.%I PARTITION OF %I.%I FOR VALUES FROM (%L) TO (%L)',
                     {schema}, part, {schema}, {table},
                     month at time zone 'UTC', (month + interval '1 month') at time zone 'UTC');
      made := made + 1;
    end if;
    month := month + interval '1 month';
  end loop;
  return made;
end;",
        prefix = literal(&format!("{}_", log.name)),
        schema = literal(&log.schema),
        table = literal(&log.name),
    )
}
