//! Partition maintenance, lowered into model objects: time partitions
//! exist for a window around the current date, so which ones exist is
//! decided when the database runs, not when the script is written. Per
//! schema with time-partitioned tables this adds
//!
//! - `maintain_partitions(now timestamptz)` (and `maintain_partitions()`,
//!   which passes `now()`): creates the window's missing partitions, moving
//!   the rows the default partition caught for them; drops whole partitions
//!   past `@retain`; reports rows left in the default partition. It returns
//!   one row per thing it did. Schedule it from anything (cron, pg_cron, the
//!   application); the clock is an argument, so tests control it.
//! - a `first_partitions` block that runs it once at the end of the script.
//!
//! With the pg_partman back-end, pg_partman's `create_parent` takes over
//! instead (and pg_cron, when present, schedules its maintenance).

use crate::key::Key;
use crate::model::{
    Column, Expr, Extension, Function, Identity, Maintenance, Model, Origin, Partition, QName,
    RawSql, Retain, Table, TimeUnit, Why, Window,
};
use crate::quote::{ident, literal, qname};
use dsl::{Diagnostic, Span};
use std::collections::BTreeMap;
use std::fmt::Write;

/// What both maintenance functions return.
pub const RETURNS: &str = "TABLE(action text, partition_name text, detail text)";
pub const FUNCTION: &str = "maintain_partitions";
/// The schema pg_partman's objects are created in.
pub const PARTMAN_SCHEMA: &str = "partman";

/// The lowering pass.
pub fn lower(model: &mut Model, _: &mut Vec<Diagnostic>) {
    let mut by_schema: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut partman = Vec::new();
    for (i, t) in model.tables.iter().enumerate() {
        match t.partition.as_ref().and_then(|p| p.window.as_ref()) {
            Some(w) if w.maintenance == Maintenance::PgPartman => partman.push(i),
            Some(_) => by_schema.entry(t.sql.schema.clone()).or_default().push(i),
            None => {}
        }
    }
    for (schema, tables) in by_schema {
        let mut tables: Vec<&Table> = tables.iter().map(|&i| &model.tables[i]).collect();
        tables.sort_by(|a, b| a.sql.cmp(&b.sql));
        let (main, wrapper) = functions(&schema, &tables);
        let origin = made_by(tables[0]);
        let first = RawSql {
            name: "first_partitions".into(),
            schema: schema.clone(),
            body: Expr::verbatim(
                format!(
                    "SELECT * FROM {}()",
                    qname(&QName::new(schema.clone(), FUNCTION))
                ),
                Span::default(),
            ),
            depends_on: vec![wrapper.key()],
            creates: Vec::new(),
            doc: None,
            origin,
        };
        model.functions.push(main);
        model.functions.push(wrapper);
        model.raw.push(first);
    }
    if !partman.is_empty() {
        if !model.extensions.iter().any(|e| e.name == "pg_partman") {
            model.extensions.push(Extension {
                name: "pg_partman".into(),
                schema: PARTMAN_SCHEMA.into(),
                doc: None,
                origin: made_by(&model.tables[partman[0]]),
            });
            model.extensions.sort_by(|a, b| a.name.cmp(&b.name));
        }
        if !model.schemas.iter().any(|s| s == PARTMAN_SCHEMA) {
            model.schemas.push(PARTMAN_SCHEMA.into());
            model.schemas.sort();
        }
        partman.sort_by(|a, b| model.tables[*a].sql.cmp(&model.tables[*b].sql));
        for i in partman {
            let r = partman_parent(&model.tables[i]);
            model.raw.push(r);
        }
    }
}

/// What the pass adds is defined at the `@partition` it comes from.
fn made_by(t: &Table) -> Origin {
    let span = t
        .partition
        .as_ref()
        .map_or(Span::default(), |p| p.origin.span);
    Origin::generated(span).because(Why::Policy {
        policy: "partition".into(),
    })
}

/// A time-partitioned table's partitioning, window and key column (the
/// resolver accepts `every:` only with a resolved key column).
fn window(t: &Table) -> (&Partition, &Window, &Column) {
    let p = t.partition.as_ref().expect("time-partitioned");
    let w = p.window.as_ref().expect("time-partitioned");
    let c = t.column(&p.columns[0]).expect("resolved key column");
    (p, w, c)
}

/// What the maintenance function knows of one table it keeps: enough to
/// write the table's part of its body, from a model's table or from one an
/// import read (which compares it with a database's function).
#[derive(Clone, Debug)]
pub struct Kept<'a> {
    pub table: &'a QName,
    /// The partition key.
    pub column: &'a str,
    /// Its type's canonical name: `date`, `timestamp` or `timestamptz`.
    pub key_type: &'a str,
    /// The columns an `INSERT ... SELECT` can copy (not generated ones).
    pub copied: Vec<&'a str>,
    /// A column is `GENERATED ALWAYS AS IDENTITY`: rows moved out of the
    /// default partition keep their values with `OVERRIDING SYSTEM VALUE`.
    pub identity_always: bool,
    pub default: Option<&'a QName>,
    pub window: &'a Window,
    /// `@retain`'s period, as an interval's text (`13 months`).
    pub retain: Option<String>,
}

impl<'a> Kept<'a> {
    fn of(t: &'a Table) -> Kept<'a> {
        let (p, window, c) = window(t);
        Kept {
            table: &t.sql,
            column: &c.name,
            key_type: c.ty.builtin_name().unwrap_or_default(),
            copied: t
                .columns
                .iter()
                .filter(|c| c.generated.is_none())
                .map(|c| c.name.as_str())
                .collect(),
            identity_always: t
                .columns
                .iter()
                .any(|c| c.identity == Some(Identity::Always)),
            default: p
                .partitions
                .iter()
                .find(|c| c.bound == crate::model::PartitionBound::Default)
                .map(|d| &d.sql),
            window,
            retain: t.retain.as_ref().map(Retain::interval),
        }
    }
}

/// The name suffix pattern of a unit's partitions (`to_char`).
fn name_format(unit: TimeUnit) -> &'static str {
    match unit {
        TimeUnit::Day | TimeUnit::Week => "YYYYMMDD",
        TimeUnit::Month => "YYYYMM",
        TimeUnit::Year => "YYYY",
    }
}

/// A UTC wall-clock `timestamp` variable as a value of the key column's
/// type.
fn as_key(var: &str, key_type: &str) -> String {
    match key_type {
        "timestamptz" => format!("({var} AT TIME ZONE 'UTC')"),
        "date" => format!("{var}::date"),
        _ => var.to_string(),
    }
}

/// A partition bound's text (as `pg_get_expr` prints it) as a UTC
/// wall-clock `timestamp`.
fn bound_as_utc(var: &str, key_type: &str) -> String {
    match key_type {
        "timestamptz" => format!("({var}::timestamptz AT TIME ZONE 'UTC')"),
        _ => format!("{var}::timestamp"),
    }
}

/// The columns an `INSERT ... SELECT` can copy, quoted. Sorted by name:
/// the text does not depend on the order of declarations.
fn copied(t: &Kept) -> String {
    let mut names = t.copied.clone();
    names.sort_unstable();
    names.into_iter().map(ident).collect::<Vec<_>>().join(", ")
}

/// The body of a schema's `maintain_partitions(now timestamptz)`, which
/// keeps `tables` (in any order).
pub fn body(tables: &[Kept]) -> String {
    let mut tables: Vec<&Kept> = tables.iter().collect();
    tables.sort_by(|a, b| a.table.cmp(b.table));
    let mut body = String::from(
        "-- Keeps the time partitions of this schema's tables: creates the missing\n-- ones of each window around $1 (moving rows the default partition caught\n-- for them), drops whole partitions past their retention, and reports rows\n-- left in default partitions. Returns one row per thing done.\nDECLARE\n  _now timestamp := $1 AT TIME ZONE 'UTC';\n  _lo timestamp;\n  _hi timestamp;\n  _part text;\n  _bound text;\n  _n bigint;\nBEGIN\n",
    );
    for t in tables {
        table_steps(&mut body, t);
    }
    body.push_str("END;");
    body
}

/// The body of `maintain_partitions()`, which passes `now()` to the
/// function of `schema`.
pub fn wrapper_body(schema: &str) -> String {
    format!(
        "SELECT * FROM {}(now())",
        qname(&QName::new(schema, FUNCTION))
    )
}

fn functions(schema: &str, tables: &[&Table]) -> (Function, Function) {
    let kept: Vec<Kept> = tables.iter().map(|t| Kept::of(t)).collect();
    let body = body(&kept);
    let sql = QName::new(schema, FUNCTION);
    let mut depends: Vec<Key> = tables.iter().map(|t| t.key()).collect();
    depends.sort();
    let main = Function {
        sql: sql.clone(),
        // As PostgreSQL names the type, so the key is the catalog's.
        args: "timestamp with time zone".into(),
        returns: RETURNS.into(),
        language: "plpgsql".into(),
        body,
        depends_on: depends,
        security_definer: false,
        // Documented in its body: sqlparser cannot read `COMMENT ON
        // FUNCTION f(args)`, and the Citus script must parse whole.
        doc: None,
        origin: made_by(tables[0]),
    };
    let wrapper = Function {
        sql: sql.clone(),
        args: String::new(),
        returns: RETURNS.into(),
        language: "sql".into(),
        body: wrapper_body(schema),
        depends_on: vec![main.key()],
        security_definer: false,
        doc: None,
        origin: made_by(tables[0]),
    };
    (main, wrapper)
}

/// The part of the function that keeps one table.
fn table_steps(out: &mut String, t: &Kept) {
    let w = t.window;
    let key = t.key_type;
    let unit = w.every.name();
    let parent = qname(t.table);
    let schema = literal(&t.table.schema);
    let col = ident(t.column);
    let default = t.default;
    let cut = t
        .retain
        .as_ref()
        .map(|r| format!("_now - interval {}", literal(r)));
    let _ = writeln!(
        out,
        "  -- {parent}: one partition per {unit}, {} ahead, {} before{}.",
        w.ahead,
        w.before,
        t.retain
            .as_ref()
            .map(|r| format!(", kept {r}"))
            .unwrap_or_default()
    );
    let _ = writeln!(out, "  FOR _step IN -{}..{} LOOP", w.before, w.ahead);
    let _ = writeln!(
        out,
        "    _lo := date_trunc('{unit}', _now) + _step * interval '1 {unit}';\n    _hi := _lo + interval '1 {unit}';\n    _part := {} || to_char(_lo, '{}');",
        literal(&format!("{}_p", t.table.name)),
        name_format(w.every)
    );
    let _ = writeln!(
        out,
        "    CONTINUE WHEN to_regclass(format('%I.%I', {schema}, _part)) IS NOT NULL;"
    );
    if let Some(cut) = &cut {
        let _ = writeln!(out, "    CONTINUE WHEN _hi <= {cut};");
    }
    let create = format!(
        "EXECUTE format('CREATE TABLE %I.%I PARTITION OF {} FOR VALUES FROM (%L) TO (%L)', {schema}, _part, {}, {});",
        parent.replace('\'', "''"),
        as_key("_lo", key),
        as_key("_hi", key)
    );
    match default {
        Some(d) => {
            let d = qname(d);
            let overriding = if t.identity_always {
                " OVERRIDING SYSTEM VALUE"
            } else {
                ""
            };
            let cols = copied(t);
            let range = format!("{col} >= $1 AND {col} < $2");
            let _ = writeln!(
                out,
                "    EXECUTE {} INTO _n USING {}, {};",
                literal(&format!("SELECT count(*) FROM {d} WHERE {range}")),
                as_key("_lo", key),
                as_key("_hi", key)
            );
            // PostgreSQL refuses a partition whose range the default
            // partition holds rows of: detach the default, create the
            // partition, move the rows through the parent, attach again.
            let _ = writeln!(out, "    IF _n > 0 THEN");
            let _ = writeln!(out, "      ALTER TABLE {parent} DETACH PARTITION {d};");
            let _ = writeln!(out, "      {create}");
            let _ = writeln!(
                out,
                "      EXECUTE {} USING {}, {};",
                literal(&format!(
                    "WITH moved AS (DELETE FROM {d} WHERE {range} RETURNING *) INSERT INTO {parent} ({cols}){overriding} SELECT {cols} FROM moved"
                )),
                as_key("_lo", key),
                as_key("_hi", key)
            );
            let _ = writeln!(
                out,
                "      ALTER TABLE {parent} ATTACH PARTITION {d} DEFAULT;"
            );
            let _ = writeln!(
                out,
                "      action := 'created'; partition_name := _part; detail := _n || ' rows moved from the default partition'; RETURN NEXT;"
            );
            let _ = writeln!(out, "    ELSE");
            let _ = writeln!(out, "      {create}");
            let _ = writeln!(
                out,
                "      action := 'created'; partition_name := _part; detail := format('%s to %s', _lo, _hi); RETURN NEXT;"
            );
            let _ = writeln!(out, "    END IF;");
        }
        None => {
            let _ = writeln!(out, "    {create}");
            let _ = writeln!(
                out,
                "    action := 'created'; partition_name := _part; detail := format('%s to %s', _lo, _hi); RETURN NEXT;"
            );
        }
    }
    let _ = writeln!(out, "  END LOOP;");
    if let Some(cut) = &cut {
        // Whole partitions whose upper bound is past the retention: never
        // row by row.
        let _ = writeln!(
            out,
            "  FOR _part, _bound IN\n    SELECT rel.relname::text, (regexp_match(pg_get_expr(rel.relpartbound, rel.oid), 'TO \\(''([^'']+)''\\)'))[1]\n    FROM pg_inherits inh JOIN pg_class rel ON rel.oid = inh.inhrelid\n    WHERE inh.inhparent = {}::regclass\n    ORDER BY 1\n  LOOP",
            literal(&parent)
        );
        let _ = writeln!(
            out,
            "    CONTINUE WHEN _bound IS NULL OR {} > {cut};",
            bound_as_utc("_bound", key)
        );
        let _ = writeln!(
            out,
            "    EXECUTE format('ALTER TABLE {} DETACH PARTITION %I.%I', {schema}, _part);\n    EXECUTE format('DROP TABLE %I.%I', {schema}, _part);",
            parent.replace('\'', "''")
        );
        let _ = writeln!(
            out,
            "    action := 'dropped'; partition_name := _part; detail := 'older than ' || {}; RETURN NEXT;",
            literal(t.retain.as_deref().unwrap_or_default())
        );
        let _ = writeln!(out, "  END LOOP;");
    }
    if let Some(d) = default {
        let _ = writeln!(
            out,
            "  EXECUTE {} INTO _n;\n  IF _n > 0 THEN\n    action := 'default'; partition_name := {}; detail := _n || ' rows outside the partitions'; RETURN NEXT;\n  END IF;",
            literal(&format!("SELECT count(*) FROM {}", qname(d))),
            literal(&d.name)
        );
    }
}

/// The name of the block that hands `table` to pg_partman.
fn partman_block(table: &QName) -> String {
    format!("partman_{}", table.name)
}

/// A changed window (`ahead`) or retention of a table pg_partman keeps:
/// its `part_config` row updated, under the key of the table's block.
/// Nothing is dropped here; pg_partman's next run applies the retention.
pub fn partman_settings(t: &Table) -> Option<RawSql> {
    let w = t.partition.as_ref()?.window.as_ref()?;
    if w.maintenance != Maintenance::PgPartman {
        return None;
    }
    let parent = format!("{}.{}", t.sql.schema, t.sql.name);
    let retention = match &t.retain {
        Some(r) => format!(
            "retention = {}, retention_keep_table = false",
            literal(&r.interval())
        ),
        None => "retention = NULL".into(),
    };
    Some(RawSql {
        name: partman_block(&t.sql),
        schema: t.sql.schema.clone(),
        body: Expr::verbatim(
            format!(
                "UPDATE {PARTMAN_SCHEMA}.part_config SET premake = {}, {retention} WHERE parent_table = {}",
                w.ahead,
                literal(&parent)
            ),
            Span::default(),
        ),
        depends_on: vec![t.key(), Key::extension("pg_partman".to_string())],
        creates: Vec::new(),
        doc: None,
        origin: made_by(t),
    })
}

/// pg_partman takes over a time-partitioned table: `create_parent` makes
/// the window and the default partition, `part_config` holds the
/// retention, and pg_cron (when installed) runs its maintenance hourly.
fn partman_parent(t: &Table) -> RawSql {
    let (_, w, c) = window(t);
    let parent = format!("{}.{}", t.sql.schema, t.sql.name);
    let interval = format!("1 {}", w.every.name());
    let mut body = format!(
        "SELECT {PARTMAN_SCHEMA}.create_parent(p_parent_table => {}, p_control => {}, p_type => 'native', p_interval => {}, p_premake => {}, p_start_partition => (date_trunc({}, now() AT TIME ZONE 'UTC') - {} * interval {})::text);\n",
        literal(&parent),
        literal(&c.name),
        literal(&interval),
        w.ahead,
        literal(w.every.name()),
        w.before,
        literal(&interval),
    );
    if let Some(r) = &t.retain {
        let _ = writeln!(
            body,
            "UPDATE {PARTMAN_SCHEMA}.part_config SET retention = {}, retention_keep_table = false, infinite_time_partitions = true WHERE parent_table = {};",
            literal(&r.interval()),
            literal(&parent)
        );
    } else {
        let _ = writeln!(
            body,
            "UPDATE {PARTMAN_SCHEMA}.part_config SET infinite_time_partitions = true WHERE parent_table = {};",
            literal(&parent)
        );
    }
    // pg_cron schedules maintenance when the database has it (pg_cron
    // lives in one database of a server, `cron.database_name`); otherwise
    // `partman.run_maintenance()` is the caller's to schedule.
    let _ = write!(
        body,
        "DO $schedule$\nBEGIN\n  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN\n    PERFORM cron.schedule('partman-maintenance', '@hourly', 'CALL {PARTMAN_SCHEMA}.run_maintenance_proc()');\n  END IF;\nEND\n$schedule$"
    );
    RawSql {
        name: partman_block(&t.sql),
        schema: t.sql.schema.clone(),
        body: Expr::verbatim(body, Span::default()),
        depends_on: vec![t.key(), Key::extension("pg_partman".to_string())],
        creates: Vec::new(),
        doc: None,
        origin: made_by(t),
    }
}
