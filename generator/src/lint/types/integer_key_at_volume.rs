//! `types/integer-key-at-volume`: 32-bit identities on tables declared to
//! hold many rows.

use crate::lint::{FixKind, Knob, KnobDefault, LintContext, Rule, BASE, Level};
use crate::model::{Distribution, Table};
use dsl::{Diagnostic, Edit};

pub const RULE: Rule = Rule {
    id: "types/integer-key-at-volume",
    summary: "an `integer` or `smallint` identity on a table declared high-volume (partitioned, `@retain`, distributed)",
    rationale: "A table is partitioned, given a retention period or distributed over nodes because it is expected to hold more rows than one table comfortably does. An `integer` identity ends at 2,147,483,647 (a `smallint` at 32,767) and its sequence never goes back: rows dropped with old partitions still used their values, so a table that keeps only 13 months runs out as fast as one that keeps everything. Past the end every insert fails, and widening the column rewrites every partition under lock. Unlike `types/prefer-bigint-key`, a matter of policy, this is an error: the schema itself says the volume is there. The knob `tables` names more high-volume tables.",
    bad: "entity Event @partition(range: created_at, every: month) @retain(13 months) {\n  id integer @identity\n  created_at timestamptz = now()\n\n  primary key (id, created_at)\n}\n",
    good: "entity Event @partition(range: created_at, every: month) @retain(13 months) {\n  id bigint @identity\n  created_at timestamptz = now()\n\n  primary key (id, created_at)\n}\n",
    level: Level::Error,
    knobs: &[Knob {
        name: "tables",
        default: KnobDefault::List(&[]),
        help: "more tables (SQL names) expected to hold many rows",
    }],
    fix: FixKind::Unsafe,
    check,
    ..BASE
};

/// Why the schema says `table` holds many rows, if it does.
fn high_volume(table: &Table, listed: &[String]) -> Option<&'static str> {
    if table.partition.is_some() {
        Some("partitioned")
    } else if table.retain.is_some() {
        Some("kept for a period (`@retain`)")
    } else if matches!(table.distribution, Some(Distribution::Distributed { .. })) {
        Some("distributed")
    } else if listed.contains(&table.sql.name) {
        Some("listed as high-volume")
    } else {
        None
    }
}

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let listed = cx.knob_list("tables");
    for c in cx.columns() {
        if c.column.identity.is_none() {
            continue;
        }
        let Some(ty @ ("integer" | "smallint")) = c.column.ty.builtin_name() else {
            continue;
        };
        let Some(why) = high_volume(c.table, &listed) else {
            continue;
        };
        let mut d = cx
            .finding(format!(
                "`{}.{}` is {} `{ty}` identity on a table that is {why}",
                c.table.sql.name,
                c.column.name,
                if ty == "integer" { "an" } else { "a" }
            ))
            .label(c.type_span(), format!("ends at {}", if ty == "integer" { "2,147,483,647" } else { "32,767" }))
            .help("use `bigint`: the schema says this table holds many rows, and its sequence never reuses values");
        if let Some(t) = c.type_ref() {
            let wide = if t.name.to_ascii_lowercase().contains("serial") {
                "bigserial"
            } else {
                "bigint"
            };
            d = d.fix(
                format!("change the type to `{wide}`"),
                vec![Edit {
                    span: t.name_span,
                    replacement: wide.into(),
                }],
            );
        }
        out.push(d);
    }
}
