//! `@retain(period, by: column)` on a table not partitioned by time: a
//! generated function deletes the rows whose column is older than the
//! period and returns how many it deleted. (A table partitioned by time
//! drops whole partitions instead: partition.rs.)

use super::made_by;
use crate::model::{Function, Model, QName};
use crate::names;
use crate::quote::{ident, literal, Qualified};
use dsl::{Code, Diagnostic};

const POLICY: &str = "retain";

pub(super) fn lower(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    let mut functions = Vec::new();
    for t in &model.tables {
        let Some(r) = &t.retain else {
            continue;
        };
        let Some(name) = &r.column else {
            continue;
        };
        let at = r.origin.span;
        let Some(c) = t.column(name) else {
            diagnostics.push(
                Diagnostic::error(
                    Code::BadPolicy,
                    format!("`@retain` counts the age of `{name}`, which {} does not have", t.name),
                )
                .label(at, "no such column")
                .help("name the time column with `by:`: `@retain(90 days, by: created_at)` (or add `@timestamps`)"),
            );
            continue;
        };
        if !matches!(
            c.ty.builtin_name(),
            Some("date" | "timestamp" | "timestamptz")
        ) {
            diagnostics.push(
                Diagnostic::error(
                    Code::BadPolicy,
                    format!("`@retain` needs a time column; `{name}` is `{}`", c.ty),
                )
                .label(c.origin.span, "not a date or timestamp")
                .label(at, "counts the age of rows by it")
                .help("name a `date`, `timestamp` or `timestamptz` column with `by:`"),
            );
            continue;
        }
        functions.push(Function {
            sql: QName::new(
                t.sql.schema.clone(),
                names::fit(format!("purge_{}", t.sql.name)),
            ),
            args: String::new(),
            returns: "bigint".into(),
            language: "plpgsql".into(),
            body: format!(
                "declare
  deleted bigint;
begin
  delete from {table} where {col} < now() - interval {period};
  get diagnostics deleted = row_count;
  return deleted;
end;",
                table = Qualified(&t.sql),
                col = ident(&c.name),
                period = literal(&r.interval()),
            ),
            depends_on: vec![t.key()],
            security_definer: false,
            doc: Some(format!(
                "Deletes the rows of {} whose {} is older than {}; returns how many. Run it on a schedule (daily, say).",
                t.sql,
                c.name,
                r.interval()
            )),
            origin: made_by(POLICY, at),
        });
    }
    model.functions.extend(functions);
}
