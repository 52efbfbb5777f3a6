//! `migrate verify --with-data`: rows generated for every table of a
//! model, and read back after a migration to check that each survived.
//!
//! Generation is deterministic (the values depend on the column and the
//! row's number only) and follows the model: tables in the graph's
//! creation order, a foreign key taking a row of its target, enums their
//! values, domains their base type, NOT NULL columns a value, unique
//! columns a different one per row. Identity, serial and generated
//! columns take their defaults. A row the database still refuses (a
//! check the generator cannot know) is left out, and said so.

use crate::error::{db, pg_message, Error};
use dsl::Code;
use generator::model::{Column, Model, QName, Renamed, Table, TypeBase};
use generator::quote::{ident, literal};
use std::collections::BTreeMap;

/// Rows per table and round.
const ROWS: usize = 3;

/// Keys shown in a report of lost rows.
const EXAMPLES: usize = 5;

/// The rows of every table with a primary key, by key: each a JSON object
/// of its columns.
#[derive(Debug, Default)]
pub struct Rows {
    tables: BTreeMap<QName, Kept>,
}

#[derive(Debug)]
struct Kept {
    key: Vec<String>,
    rows: BTreeMap<String, serde_json::Map<String, serde_json::Value>>,
}

/// Inserts rows into every table of `model` (round `round`: another
/// round makes other values). What could not be generated, as notes.
pub fn fill(client: &mut postgres::Client, model: &Model, round: usize) -> Vec<String> {
    let mut notes = Vec::new();
    for t in creation_order(model) {
        let mut refused = None;
        let mut made = 0;
        for i in 1..=ROWS {
            let n = round * 10 + i;
            let mut names = Vec::new();
            let mut values = Vec::new();
            for c in &t.columns {
                if let Some(v) = value(model, t, c, n, i) {
                    names.push(ident(&c.name));
                    values.push(v);
                }
            }
            let sql = if names.is_empty() {
                format!("insert into {} default values", qualified(&t.sql))
            } else {
                format!(
                    "insert into {} ({}) values ({})",
                    qualified(&t.sql),
                    names.join(", "),
                    values.join(", ")
                )
            };
            match client.batch_execute(&sql) {
                Ok(()) => made += 1,
                Err(e) => refused = refused.or(Some(pg_message(&e))),
            }
        }
        if let Some(why) = refused {
            notes.push(format!(
                "{} of {ROWS} generated rows of {} were refused: {why}",
                ROWS - made,
                t.sql
            ));
        }
    }
    notes
}

/// Reads the rows of every table of `model` that has a primary key.
pub fn read(client: &mut postgres::Client, model: &Model) -> Result<Rows, Error> {
    let mut out = Rows::default();
    for t in &model.tables {
        let Some(pk) = &t.primary_key else { continue };
        let rows = read_table(client, &t.sql, &pk.columns)?;
        out.tables.insert(
            t.sql.clone(),
            Kept {
                key: pk.columns.clone(),
                rows,
            },
        );
    }
    Ok(out)
}

fn read_table(
    client: &mut postgres::Client,
    table: &QName,
    key: &[String],
) -> Result<BTreeMap<String, serde_json::Map<String, serde_json::Value>>, Error> {
    let sql = format!(
        "select ({})::text, to_jsonb(s)::text from {} s",
        key_expr(key),
        qualified(table)
    );
    let mut out = BTreeMap::new();
    for r in client.query(sql.as_str(), &[]).map_err(db)? {
        let k: Option<String> = r.get(0);
        let row: String = r.get(1);
        if let Ok(serde_json::Value::Object(o)) = serde_json::from_str(&row) {
            out.insert(k.unwrap_or_default(), o);
        }
    }
    Ok(out)
}

/// Checks that every row of `before` is still there after migration `id`
/// (whose model is `after`): by primary key, with the same value in every
/// column that still exists. Tables and columns the migration drops are
/// its declared data loss, not checked; renamed ones (and renamed enum
/// values) are followed.
pub fn check(
    client: &mut postgres::Client,
    before: &Rows,
    after: &Model,
    id: &str,
) -> Result<(), Error> {
    let mut problems = Vec::new();
    for (old, kept) in &before.tables {
        if kept.rows.is_empty() {
            continue;
        }
        let renamed = after.renames.iter().find_map(|r| match &r.what {
            Renamed::Table { table } if table.schema == old.schema && r.from == old.name => {
                Some(table.clone())
            }
            _ => None,
        });
        let name = renamed.unwrap_or_else(|| old.clone());
        let Some(table) = after.tables.iter().find(|t| t.sql == name) else {
            continue;
        };
        // The column names of the table after, by their names before.
        let column_after = |c: &str| -> Option<String> {
            let to = after.renames.iter().find_map(|r| match &r.what {
                Renamed::Column { table, column } if *table == name && r.from == c => {
                    Some(column.clone())
                }
                _ => None,
            });
            let c = to.unwrap_or_else(|| c.to_string());
            table.columns.iter().any(|x| x.name == c).then_some(c)
        };
        let Some(key) = kept
            .key
            .iter()
            .map(|k| column_after(k))
            .collect::<Option<Vec<String>>>()
        else {
            continue;
        };
        let now = read_table(client, &name, &key)?;
        let mut lost = Vec::new();
        let mut changed: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, row) in &kept.rows {
            let Some(found) = now.get(k) else {
                lost.push(k.clone());
                continue;
            };
            for (c, v) in row {
                let Some(c2) = column_after(c) else { continue };
                // A renamed enum value is the same value.
                let enum_type = table
                    .columns
                    .iter()
                    .find(|x| x.name == c2)
                    .and_then(|x| match &x.ty.base {
                        TypeBase::Enum { sql, .. } if x.ty.array_dims == 0 => Some(sql),
                        _ => None,
                    });
                let mut want = text(v);
                if let Some(r) = after.renames.iter().find(|r| {
                    matches!(&r.what, Renamed::EnumValue { name, .. }
                        if Some(name) == enum_type && r.from == want)
                }) {
                    if let Renamed::EnumValue { value, .. } = &r.what {
                        want = value.clone();
                    }
                }
                if found.get(&c2).map(text) != Some(want) {
                    changed.entry(c.clone()).or_default().push(k.clone());
                }
            }
        }
        let shown = key_expr(&kept.key).replace("s.", "");
        if !lost.is_empty() {
            problems.push(format!(
                "{id} lost rows of {name}: {} of {} rows are gone, e.g. {shown} = {}",
                lost.len(),
                kept.rows.len(),
                examples(&lost)
            ));
        }
        for (c, keys) in changed {
            problems.push(format!(
                "{id} changed column {c} of {name} in {} of {} rows, e.g. {shown} = {}",
                keys.len(),
                kept.rows.len(),
                examples(&keys)
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::refused(Code::DataLost, problems.join("\n")))
    }
}

fn examples(keys: &[String]) -> String {
    let shown: Vec<&str> = keys.iter().take(EXAMPLES).map(String::as_str).collect();
    shown.join(", ")
}

/// A JSON value as text, so that a column whose type widened (`int` to
/// `bigint`, `varchar` to `text`) compares equal.
fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn qualified(q: &QName) -> String {
    format!("{}.{}", ident(&q.schema), ident(&q.name))
}

fn key_expr(key: &[String]) -> String {
    match key {
        [one] => format!("s.{}", ident(one)),
        many => format!(
            "row({})",
            many.iter()
                .map(|c| format!("s.{}", ident(c)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The tables in the graph's creation order, each after the tables its
/// foreign keys name (in a cycle, a key to a table not filled yet stays
/// null, or its row is refused).
fn creation_order(model: &Model) -> Vec<&Table> {
    let Ok(plan) = generator::graph::Graph::build(model).plan(model) else {
        return model.tables.iter().collect();
    };
    let tables: BTreeMap<&QName, &Table> = model.tables.iter().map(|t| (&t.sql, t)).collect();
    plan.order
        .iter()
        .filter(|k| k.kind == generator::key::ObjectKind::Table)
        .filter_map(|k| tables.get(&k.name).copied())
        .collect()
}

/// The SQL of column `c`'s value in row `i` (`n` across rounds); None:
/// its default.
fn value(model: &Model, t: &Table, c: &Column, n: usize, i: usize) -> Option<String> {
    let serial = matches!(&c.ty.base, TypeBase::Builtin { name } if name.ends_with("serial"));
    if c.generated.is_some() || c.identity.is_some() || serial {
        return None;
    }
    if let Some(fk) = t
        .foreign_keys
        .iter()
        .find(|fk| fk.columns.contains(&c.name))
    {
        let at = fk.columns.iter().position(|x| *x == c.name).unwrap_or(0);
        let target = &fk.target_columns[at.min(fk.target_columns.len() - 1)];
        let order: Vec<String> = fk.target_columns.iter().map(|x| ident(x)).collect();
        let pick = |offset: usize| {
            format!(
                "(select {} from {} order by {} limit 1 offset {offset})",
                ident(target),
                qualified(&fk.target_table),
                order.join(", ")
            )
        };
        // A self-reference points at the table's first row, if any.
        return Some(format!("coalesce({}, {})", pick(i - 1), pick(0)));
    }
    let v = scalar(model, &c.ty, &c.name, n);
    match v {
        Some(v) if c.ty.array_dims > 0 => Some(format!("array[{v}]::{}", c.ty)),
        Some(v) => Some(format!("{v}::{}", c.ty)),
        None if c.nullable => Some("null".into()),
        None => None,
    }
}

/// A literal for a value of `ty` (its element type for an array).
fn scalar(model: &Model, ty: &generator::model::SqlType, column: &str, n: usize) -> Option<String> {
    match &ty.base {
        TypeBase::Enum { sql, .. } => {
            let e = model.enums.iter().find(|e| &e.sql == sql)?;
            let v = e.values.get(n % e.values.len().max(1))?;
            Some(literal(&v.name))
        }
        TypeBase::Domain { sql, .. } => {
            let d = model.domains.iter().find(|d| &d.sql == sql)?;
            let v = scalar(model, &d.ty, column, n)?;
            Some(format!("{v}::{}", d.ty))
        }
        TypeBase::Builtin { name } | TypeBase::Extension { name, .. } => {
            builtin(name, ty.args.first().copied(), column, n)
        }
    }
}

fn builtin(name: &str, length: Option<u32>, column: &str, n: usize) -> Option<String> {
    let name = name.to_ascii_lowercase();
    let v = match name.as_str() {
        "smallint" | "int2" | "integer" | "int" | "int4" | "bigint" | "int8" | "numeric"
        | "decimal" | "real" | "float4" | "double precision" | "float8" | "money" | "oid" => {
            n.to_string()
        }
        "text" | "varchar" | "character varying" | "char" | "character" | "bpchar" | "citext"
        | "name" => {
            let text = if column.contains("email") {
                format!("{column}{n}@example.com")
            } else {
                format!("{column} {n}")
            };
            let max = length.map_or(usize::MAX, |l| l as usize);
            let text: String = if text.len() > max {
                // Keep the number, which makes the value unique.
                let digits = n.to_string();
                let head: String = column
                    .chars()
                    .take(max.saturating_sub(digits.len()))
                    .collect();
                format!("{head}{digits}").chars().take(max).collect()
            } else {
                text
            };
            literal(&text)
        }
        "boolean" | "bool" => (n % 2 == 1).to_string(),
        "uuid" => format!("md5({})::uuid", literal(&format!("{column}.{n}"))),
        "date" => format!("(date '2024-01-01' + {n})"),
        "timestamp" | "timestamp without time zone" => {
            format!("(timestamp '2024-01-01 00:00:00' + interval '{n} hours')")
        }
        "timestamptz" | "timestamp with time zone" => {
            format!("(timestamptz '2024-01-01 00:00:00+00' + interval '{n} hours')")
        }
        "time" | "time without time zone" => format!("(time '00:00' + interval '{n} minutes')"),
        "interval" => format!("interval '{n} minutes'"),
        "json" | "jsonb" => literal(&format!("{{\"n\": {n}}}")),
        "bytea" => format!("decode('{:02x}', 'hex')", n % 256),
        "inet" | "cidr" => literal(&format!(
            "10.{}.{}.{}/32",
            n / 65536 % 256,
            n / 256 % 256,
            n % 256
        )),
        _ => return None,
    };
    Some(v)
}
