//! `@pii(class)` and `@subject`: the personal data a project holds, and
//! for the data subject (`entity User @subject`) two functions,
//! `export_subject(key) returns jsonb` and `erase_subject(key)`, over every
//! table that reaches the subject through foreign keys (the graph's
//! reachability query: a new table is covered without naming it). Erasing
//! also reaches the subject's rows in `@versioned` history tables and in
//! the audit log. `pii_fake`, the fake values erasing and masking write, is
//! made whenever a column is classified; `mask.rs` uses it too.

use super::made_by;
use crate::graph::Graph;
use crate::key::{Key, ObjectKind};
use crate::model::{Erase, Function, Model, Pii, PiiClass, QName, SqlType, Table, TypeBase};
use crate::names;
use crate::quote::{ident, literal, Qualified};
use dsl::{Code, Diagnostic, Span};
use rustc_hash::FxHashMap as HashMap;

const POLICY: &str = "pii";

/// What a column's type is, as far as the classes care (a domain counts as
/// its base type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Text,
    Inet,
    Date,
    Json,
    Uuid,
    Other,
}

pub(super) fn kind(model: &Model, ty: &SqlType) -> Kind {
    let mut ty = ty;
    // Domains over domains, a bounded walk (a cycle is refused earlier).
    for _ in 0..16 {
        if ty.array_dims > 0 {
            return Kind::Other;
        }
        match &ty.base {
            TypeBase::Builtin { name } | TypeBase::Extension { name, .. } => {
                return match name.as_str() {
                    "text" | "varchar" | "char" | "citext" => Kind::Text,
                    "inet" | "cidr" => Kind::Inet,
                    "date" | "timestamp" | "timestamptz" => Kind::Date,
                    "jsonb" => Kind::Json,
                    "uuid" => Kind::Uuid,
                    _ => Kind::Other,
                }
            }
            TypeBase::Domain { sql, .. } => match model.domains.iter().find(|d| d.sql == *sql) {
                Some(d) => ty = &d.ty,
                None => return Kind::Other,
            },
            TypeBase::Enum { .. } => return Kind::Other,
        }
    }
    Kind::Other
}

/// The kinds of column each class may classify.
pub(super) fn fits(class: PiiClass) -> (&'static [Kind], &'static str) {
    match class {
        PiiClass::Email | PiiClass::Name | PiiClass::Phone | PiiClass::GovernmentId => {
            (&[Kind::Text], "text")
        }
        PiiClass::Address | PiiClass::FreeText => (&[Kind::Text, Kind::Json], "text or jsonb"),
        PiiClass::Ip => (&[Kind::Inet, Kind::Text], "inet, cidr or text"),
        PiiClass::BirthDate => (&[Kind::Date], "date or a timestamp"),
        PiiClass::Identifier => (&[Kind::Text, Kind::Uuid], "text or uuid"),
    }
}

/// A column's type as SQL that resolves under an empty `search_path`.
pub(super) fn type_sql(ty: &SqlType) -> String {
    match &ty.base {
        TypeBase::Extension { name, schema, .. } => {
            let mut t = ty.clone();
            t.base = TypeBase::Builtin {
                name: format!("{}.{}", ident(schema), ident(name)),
            };
            t.to_string()
        }
        _ => ty.to_string(),
    }
}

/// Whether `column` alone is unique in `table` (a fake must then be too).
pub(super) fn unique_alone(table: &Table, column: &str) -> bool {
    let one = |cols: &[String]| cols.len() == 1 && cols[0] == column;
    table.primary_key.as_ref().is_some_and(|p| one(&p.columns))
        || table.uniques.iter().any(|u| one(&u.columns))
        || table.indexes.iter().any(|i| {
            i.unique && i.elements.len() == 1 && i.elements[0].column_name() == Some(column)
        })
}

/// `pii_fake(class, key, value, unique)`: a realistic value of the class
/// derived from a keyed hash of `value`; with `unique`, one that keeps
/// distinct values distinct.
pub(super) fn fake_function(schema: &str, at: Span) -> Function {
    Function {
        sql: QName::new(schema, "pii_fake"),
        args: "text, text, text, boolean".into(),
        returns: "text".into(),
        language: "plpgsql".into(),
        body: FAKE_BODY.into(),
        depends_on: Vec::new(),
        security_definer: false,
        doc: Some("A realistic fake of a personal-data value of a class (the first argument): the same class, key (second) and value (third) always give the same fake; with the fourth argument true, distinct values give distinct fakes. NULL stays NULL. Used by erase_subject and mask_data.".into()),
        origin: made_by(POLICY, at),
    }
}

/// Deterministic by construction: everything comes from one md5 of the
/// key and the value. The `unique` tail adds 48 bits of the hash.
const FAKE_BODY: &str = "declare
  h text := md5($2 || ':' || $3);
  b bytea := decode(h, 'hex');
  firsts text[] := array['Alex', 'Robin', 'Sam', 'Kim', 'Noa', 'Jo', 'Eli', 'Ari', 'Lou', 'Max', 'Ida', 'Tom', 'Ada', 'Leo', 'Mia', 'Ben'];
  lasts text[] := array['Smith', 'Garcia', 'Muller', 'Rossi', 'Dubois', 'Novak', 'Silva', 'Jensen', 'Kowalski', 'Moreau', 'Berg', 'Costa', 'Weber', 'Nagy', 'Ortiz', 'Lund'];
  streets text[] := array['Oak Street', 'Mill Lane', 'Station Road', 'High Street', 'Park Avenue', 'Church Road', 'Lake View', 'Elm Close', 'River Walk', 'Hill Road', 'Main Street', 'Green Lane', 'Bridge Street', 'North Road', 'Castle Way', 'Orchard Row'];
  tail text := case when $4 then ' ' || substr(h, 21, 12) else '' end;
begin
  case $1
  when 'email' then
    return 'user.' || substr(h, 1, 16) || '@example.com';
  when 'name' then
    return firsts[1 + get_byte(b, 0) % 16] || ' ' || lasts[1 + get_byte(b, 1) % 16] || tail;
  when 'phone' then
    return '+1 555 ' || lpad(((get_byte(b, 0)::bigint << 32 | get_byte(b, 1)::bigint << 24 | get_byte(b, 2) << 16 | get_byte(b, 3) << 8 | get_byte(b, 4)) % 10000000000)::text, 10, '0');
  when 'address' then
    return (1 + (get_byte(b, 0) * 256 + get_byte(b, 1)) % 999)::text || ' ' || streets[1 + get_byte(b, 2) % 16] || tail;
  when 'ip' then
    if $4 then
      return 'fd00::' || substr(h, 1, 4) || ':' || substr(h, 5, 4) || ':' || substr(h, 9, 4) || ':' || substr(h, 13, 4);
    end if;
    return '10.' || get_byte(b, 0) || '.' || get_byte(b, 1) || '.' || get_byte(b, 2);
  when 'birth_date' then
    return (date '1940-01-01' + (get_byte(b, 0) * 256 + get_byte(b, 1)) % 21915)::text;
  when 'free_text' then
    return 'Lorem ipsum dolor sit amet ' || substr(h, 1, 12);
  when 'government_id' then
    return upper(substr(h, 1, 12));
  when 'identifier' then
    return h;
  else
    raise exception 'unknown personal-data class %', $1;
  end case;
end;";

/// The SQL that writes fake `value` (text) into a column of `kind` and
/// type `ty`.
pub(super) fn as_column(kind: Kind, ty: &SqlType, text: &str) -> String {
    match kind {
        Kind::Json => format!("to_jsonb({text})"),
        _ => format!("({text})::{}", type_sql(ty)),
    }
}

/// An `@encrypted` column: ciphertext of a text value, and whether it has
/// a blind index.
pub(super) fn encrypted(t: &Table, column: &str) -> Option<bool> {
    t.declared_policies
        .encrypted
        .iter()
        .find(|e| e.column == column)
        .map(|e| e.blind_index)
}

/// `encryption.<name>`: the functions of `@encrypted`.
pub(super) fn encryption(name: &str) -> String {
    format!("{}.{}", ident(super::encrypted::SCHEMA), ident(name))
}

/// The SQL that writes fake `text` into column `c` of `t`: encrypted when
/// the column is (its blind index follows by its trigger, or by `blind`).
pub(super) fn write_value(
    model: &Model,
    t: &Table,
    c: &crate::model::Column,
    text: &str,
) -> String {
    match encrypted(t, &c.name) {
        Some(_) => format!("{}({text})", encryption("encrypt")),
        None => as_column(kind(model, &c.ty), &c.ty, text),
    }
}

/// Checks every classification; returns the subject table's index.
fn check(model: &Model, diagnostics: &mut Vec<Diagnostic>) -> Result<Option<usize>, ()> {
    let mut ok = true;
    let subjects: Vec<usize> = (0..model.tables.len())
        .filter(|&i| model.tables[i].declared_policies.subject.is_some())
        .collect();
    for &i in subjects.iter().skip(1) {
        let (t, first) = (&model.tables[i], &model.tables[subjects[0]]);
        ok = false;
        diagnostics.push(
            Diagnostic::error(
                Code::BadPolicy,
                format!(
                    "{} and {} are both `@subject`; a project has one data subject",
                    first.name, t.name
                ),
            )
            .label(subject_span(t), "a second subject")
            .label(subject_span(first), "the first")
            .help("declare the entity of the people the data is about `@subject`; their other records reach it through foreign keys"),
        );
    }
    if let Some(&s) = subjects.first() {
        let t = &model.tables[s];
        if t.primary_key.as_ref().is_none_or(|p| p.columns.len() != 1) {
            ok = false;
            diagnostics.push(
                Diagnostic::error(
                    Code::BadPolicy,
                    format!("`@subject` on {}, which has no one-column primary key", t.name),
                )
                .label(subject_span(t), "needs a one-column key")
                .help("export_subject and erase_subject take the subject's key: declare one column `@pk`"),
            );
        }
    }
    for t in &model.tables {
        let mut seen: HashMap<&str, Span> = HashMap::default();
        for p in &t.declared_policies.pii {
            let at = p.origin.span;
            let Some(c) = t.column(&p.column) else {
                continue;
            };
            if let Some(first) = seen.insert(&p.column, at) {
                ok = false;
                diagnostics.push(
                    Diagnostic::error(Code::BadPolicy, format!("`{}` is classified twice", c.name))
                        .label(at, "a second `@pii`")
                        .label(first, "the first")
                        .help("a column holds one kind of personal data: keep one `@pii`"),
                );
                continue;
            }
            let (kinds, wanted) = fits(p.class);
            // Ciphertext of text: `@encrypted` takes text-like types only.
            let k = if encrypted(t, &c.name).is_some() {
                Kind::Text
            } else {
                kind(model, &c.ty)
            };
            if !kinds.contains(&k) {
                ok = false;
                diagnostics.push(
                    Diagnostic::error(
                        Code::PiiType,
                        format!(
                            "`@pii({})` on `{}`, {} `{}` column",
                            p.class.name(),
                            c.name,
                            crate::resolve::article(&c.ty.to_string()),
                            c.ty
                        ),
                    )
                    .label(at, format!("{} is held in {wanted}", p.class.name()))
                    .label(c.origin.span, "this column's type")
                    .help("choose the class that describes the column, or give the column the type of its data"),
                );
            }
            let in_pk = t
                .primary_key
                .as_ref()
                .is_some_and(|k| k.columns.contains(&c.name));
            let in_fk = t.foreign_keys.iter().any(|f| f.columns.contains(&c.name));
            if in_pk || in_fk {
                ok = false;
                diagnostics.push(
                    Diagnostic::error(
                        Code::BadPolicy,
                        format!(
                            "`{}` is personal data and part of a {}",
                            c.name,
                            if in_pk { "primary key" } else { "foreign key" }
                        ),
                    )
                    .label(at, "classified here")
                    .label(c.origin.span, "a key column")
                    .help("a key is copied into other rows and the audit log, where erasing cannot reach it: key the table by another column and keep the personal data in a plain one"),
                );
            }
            if c.generated.is_some() && p.erase() == Erase::Anonymise {
                ok = false;
                diagnostics.push(
                    Diagnostic::error(
                        Code::BadPolicy,
                        format!("`{}` is generated and cannot be anonymised", c.name),
                    )
                    .label(at, "anonymised by erase_subject")
                    .label(c.origin.span, "a generated column")
                    .help("classify the columns it is computed from, or erase the row: `erase: delete`"),
                );
            }
            if p.erase.is_some() && subjects.is_empty() {
                ok = false;
                diagnostics.push(
                    Diagnostic::error(
                        Code::NoSubject,
                        format!("`erase:` on `{}`, but no entity is the data subject", c.name),
                    )
                    .label(at, "says what erase_subject does")
                    .help("declare the subject (`@subject` on the entity of the people the data is about), or remove `erase:`"),
                );
            }
        }
    }
    if ok {
        Ok(subjects.first().copied())
    } else {
        Err(())
    }
}

fn subject_span(t: &Table) -> Span {
    t.declared_policies
        .subject
        .as_ref()
        .map_or(t.origin.span, |o| o.span)
}

/// The schema the privacy functions live in: the subject's, else the
/// first classified (or masked) table's.
pub(super) fn home(model: &Model) -> Option<(String, Span)> {
    let subject = model
        .tables
        .iter()
        .find_map(|t| Some((t, t.declared_policies.subject.as_ref()?.span)));
    // A table with personal data, or only `@mask` columns.
    let first = || {
        model
            .tables
            .iter()
            .filter_map(|t| {
                let p = &t.declared_policies;
                let at = p.pii.first().map(|p| p.origin.span);
                Some((t, at.or_else(|| p.mask.first().map(|m| m.origin.span))?))
            })
            .min_by(|a, b| a.0.sql.cmp(&b.0.sql))
    };
    subject
        .or_else(first)
        .map(|(t, at)| (t.sql.schema.clone(), at))
}

pub(super) fn lower(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    let Ok(subject) = check(model, diagnostics) else {
        return;
    };
    let Some((schema, at)) = home(model) else {
        return;
    };
    let fake = fake_function(&schema, at);
    if let Some(s) = subject {
        let owned = owned_tables(model, s);
        let origin = made_by("subject", subject_span(&model.tables[s]));
        let export = export_function(model, &owned, &schema, origin.clone());
        let erase = erase_function(model, &owned, &schema, &fake, origin);
        model.functions.push(export);
        model.functions.push(erase);
    }
    model.functions.push(fake);
}

/// A table holding some of the subject's rows, and how its rows are found:
/// the subject's own row by key; another table's rows by its foreign keys
/// into tables earlier in the list.
struct Owned {
    table: usize,
    /// `(columns, index of the earlier `Owned`, its columns)`.
    via: Vec<(Vec<String>, usize, Vec<String>)>,
}

/// The subject's table, then every table that reaches it through foreign
/// keys, parents before children (ties and cycles by name: a key back into
/// a table not listed yet is not followed).
fn owned_tables(model: &Model, subject: usize) -> Vec<Owned> {
    let graph = Graph::build(model);
    let by_key: HashMap<Key, usize> = model
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| (t.key(), i))
        .collect();
    let subject_key = model.tables[subject].key();
    let mut rest: Vec<usize> = graph
        .referencing(&subject_key)
        .iter()
        .filter(|k| **k != subject_key)
        .filter_map(|k| by_key.get(k).copied())
        .collect();
    rest.sort_by(|&a, &b| model.tables[a].sql.cmp(&model.tables[b].sql));
    let mut order = vec![subject];
    while !rest.is_empty() {
        let listed = |q: &QName, order: &[usize]| order.iter().any(|&o| model.tables[o].sql == *q);
        let pending = |q: &QName| rest.iter().any(|&r| model.tables[r].sql == *q);
        let ready = rest.iter().position(|&r| {
            model.tables[r].foreign_keys.iter().all(|f| {
                f.target_table == model.tables[r].sql
                    || !pending(&f.target_table)
                    || listed(&f.target_table, &order)
            })
        });
        order.push(rest.remove(ready.unwrap_or(0)));
    }
    let position: HashMap<&QName, usize> = order
        .iter()
        .enumerate()
        .map(|(n, &i)| (&model.tables[i].sql, n))
        .collect();
    order
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            let t = &model.tables[i];
            let mut via: Vec<(Vec<String>, usize, Vec<String>)> = t
                .foreign_keys
                .iter()
                .filter_map(|f| {
                    let p = *position.get(&f.target_table)?;
                    (p < n).then(|| (f.columns.clone(), p, f.target_columns.clone()))
                })
                .collect();
            via.sort();
            Owned { table: i, via }
        })
        .collect()
}

fn pk(t: &Table) -> &[String] {
    t.primary_key.as_ref().map_or(&[], |p| &p.columns[..])
}

/// `with o0 as (...), o1 as (...)`: each owned table's rows of the subject
/// (`$1`), as CTEs numbered like `owned`.
fn owned_ctes(model: &Model, owned: &[Owned]) -> String {
    let subject = &model.tables[owned[0].table];
    let ctes: Vec<String> = owned
        .iter()
        .enumerate()
        .map(|(n, o)| {
            let t = &model.tables[o.table];
            let condition = if n == 0 {
                format!("t.{} = $1", ident(&pk(subject)[0]))
            } else {
                let parts: Vec<String> = o
                    .via
                    .iter()
                    .map(|(cols, p, refs)| {
                        format!(
                            "({}) in (select {} from o{p} p)",
                            list("t", cols),
                            list("p", refs)
                        )
                    })
                    .collect();
                parts.join("\n       or ")
            };
            format!(
                "o{n} as (select t.* from {} t where {condition})",
                Qualified(&t.sql)
            )
        })
        .collect();
    format!("with {}", ctes.join(",\n     "))
}

/// `alias."a", alias."b"`.
fn list(alias: &str, columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| format!("{alias}.{}", ident(c)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `jsonb_build_object('a', alias."a", ...)`: a row's key as the audit log
/// writes it.
fn key_json(alias: &str, columns: &[String]) -> String {
    let pairs: Vec<String> = columns
        .iter()
        .map(|c| format!("{}, {alias}.{}", literal(c), ident(c)))
        .collect();
    format!("jsonb_build_object({})", pairs.join(", "))
}

fn secret_strip(t: &Table) -> String {
    let secret: Vec<String> = t
        .columns
        .iter()
        .filter(|c| c.secret)
        .map(|c| ident(&c.name))
        .collect();
    if secret.is_empty() {
        String::new()
    } else {
        format!(
            " - {}::text[]",
            literal(&format!("{{{}}}", secret.join(",")))
        )
    }
}

fn export_function(
    model: &Model,
    owned: &[Owned],
    schema: &str,
    origin: crate::model::Origin,
) -> Function {
    let subject = &model.tables[owned[0].table];
    let key_type = subject
        .column(&pk(subject)[0])
        .map_or_else(|| "bigint".to_string(), |c| type_sql(&c.ty));
    let parts: Vec<String> = owned
        .iter()
        .enumerate()
        .map(|(n, o)| {
            let t = &model.tables[o.table];
            let order = if pk(t).is_empty() {
                String::new()
            } else {
                format!(" order by {}", list("x", pk(t)))
            };
            format!(
                "jsonb_build_object({}, (select coalesce(jsonb_agg(to_jsonb(x){}{order}), '[]') from o{n} x))",
                literal(&t.sql.to_string()),
                secret_strip(t)
            )
        })
        .collect();
    let tables: Vec<String> = owned
        .iter()
        .map(|o| model.tables[o.table].sql.to_string())
        .collect();
    Function {
        sql: QName::new(schema, "export_subject"),
        args: key_type,
        returns: "jsonb".into(),
        language: "sql".into(),
        body: format!(
            "{}\nselect {};",
            owned_ctes(model, owned),
            parts.join("\n    || ")
        ),
        depends_on: owned.iter().map(|o| model.tables[o.table].key()).collect(),
        security_definer: true,
        doc: Some(format!(
            "Everything held about one data subject of {}, by its key: an object with, for each table that reaches it through foreign keys, the array of its rows ({}), `@secret` columns left out.",
            subject.sql,
            tables.join(", ")
        )),
        origin,
    }
}

fn erase_function(
    model: &Model,
    owned: &[Owned],
    schema: &str,
    fake: &Function,
    origin: crate::model::Origin,
) -> Function {
    let subject = &model.tables[owned[0].table];
    let key_type = subject
        .column(&pk(subject)[0])
        .map_or_else(|| "bigint".to_string(), |c| type_sql(&c.ty));
    let log = QName::new(super::audit::SCHEMA, super::audit::LOG);
    let log_key = Key::new(ObjectKind::Table, log.clone());
    let log_exists = model.tables.iter().any(|t| t.sql == log);
    // The keys of the tables with something to erase; the others are in
    // the chain only as paths to them.
    let holding: Vec<usize> = (0..owned.len())
        .filter(|&n| {
            !model.tables[owned[n].table]
                .declared_policies
                .pii
                .is_empty()
        })
        .collect();
    let keys: Vec<String> = holding
        .iter()
        .map(|&n| {
            let t = &model.tables[owned[n].table];
            format!(
                "(select coalesce(jsonb_agg({}), '[]') from o{n} x)",
                key_json("x", pk(t))
            )
        })
        .collect();
    let vars: Vec<String> = holding.iter().map(|n| format!("pii_k{n}")).collect();
    let mut steps = Vec::new();
    let mut history_steps = Vec::new();
    let mut audit_steps = Vec::new();
    let mut depends = Vec::new();
    let mut touched = Vec::new();
    // Children first: a deleted parent's children are already handled.
    for (n, o) in owned.iter().enumerate().rev() {
        let t = &model.tables[o.table];
        depends.push(t.key());
        let pii: Vec<&Pii> = t.declared_policies.pii.iter().collect();
        if pii.is_empty() {
            continue;
        }
        touched.push(t.sql.to_string());
        let key_cols = pk(t);
        let record: Vec<String> = key_cols
            .iter()
            .filter_map(|c| Some(format!("{} {}", ident(c), type_sql(&t.column(c)?.ty))))
            .collect();
        let matches = |alias: &str| {
            format!(
                "({}) in (select {} from jsonb_to_recordset(pii_k{n}) as r({}))",
                list(alias, key_cols),
                list("r", key_cols),
                record.join(", ")
            )
        };
        let delete = pii.iter().any(|p| p.erase() == Erase::Delete);
        let history = QName::new(
            t.sql.schema.clone(),
            names::fit(format!("{}_history", t.sql.name)),
        );
        let versioned = t.declared_policies.versioned.is_some()
            && model.tables.iter().any(|h| h.sql == history);
        let mut targets = vec![(t.sql.clone(), "t")];
        if versioned {
            depends.push(Key::new(ObjectKind::Table, history.clone()));
            targets.push((history.clone(), "h"));
        }
        for (q, alias) in targets {
            let text = if delete {
                format!(
                    "delete from {} {alias} where {};",
                    Qualified(&q),
                    matches(alias)
                )
            } else {
                let sets: Vec<String> = pii
                    .iter()
                    .filter_map(|p| {
                        let c = t.column(&p.column)?;
                        let value = if c.nullable {
                            "null".to_string()
                        } else {
                            write_value(
                                model,
                                t,
                                c,
                                &format!(
                                    "{}({}, 'erased', {}::text, {})",
                                    Qualified(&fake.sql),
                                    literal(p.class.name()),
                                    key_json(alias, key_cols),
                                    unique_alone(t, &c.name) && alias == "t"
                                ),
                            )
                        };
                        Some(format!("{} = {value}", ident(&c.name)))
                    })
                    .collect();
                format!(
                    "update {} {alias} set {} where {};",
                    Qualified(&q),
                    sets.join(", "),
                    matches(alias)
                )
            };
            let step = format!(
                "{text}\n  get diagnostics pii_n = row_count;\n  pii_total := pii_total + pii_n;"
            );
            if alias == "t" {
                steps.push(step);
            } else {
                history_steps.push(step);
            }
        }
        if log_exists && t.declared_policies.audit.is_some() {
            let mut cols: Vec<String> = pii.iter().map(|p| ident(&p.column)).collect();
            cols.sort();
            let strip = literal(&format!("{{{}}}", cols.join(",")));
            let table = literal(&t.sql.to_string());
            // Rows of one written row each (earlier releases).
            audit_steps.push(format!(
                "update {} set old = old - {strip}::text[], new = new - {strip}::text[]\n   where table_name = {table} and key in (select jsonb_array_elements(pii_k{n}));",
                Qualified(&log),
            ));
            // Rows of a statement: only the subject's entries are
            // rewritten, the others are kept as they are. An insert's or
            // delete's entry holds its key in its row.
            let entry_key = format!(
                "coalesce(e.key::jsonb, jsonb_build_object({}))",
                key_cols
                    .iter()
                    .map(|c| format!(
                        "{}, coalesce(e.new, e.old)::jsonb -> {}",
                        literal(c),
                        literal(c)
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let side = |s: &str| {
                format!("json_agg(case when x.hit then (x.{s}::jsonb - {strip}::text[])::json else x.{s} end order by x.n)")
            };
            audit_steps.push(format!(
                "update {log} l set old_rows = case when l.old_rows is not null then x.old_rows end,
                     new_rows = case when l.new_rows is not null then x.new_rows end
    from (select x.id, x.at, {old} as old_rows, {new} as new_rows
            from (select l.id, l.at, e.n, e.old, e.new, {entry_key} in (select jsonb_array_elements(pii_k{n})) as hit
                    from {log} l
                    cross join lateral rows from (json_array_elements(l.keys), json_array_elements(l.old_rows), json_array_elements(l.new_rows)) with ordinality as e(key, old, new, n)
                   where l.table_name = {table} and l.key is null) x
           group by x.id, x.at
          having bool_or(x.hit)) x
   where l.id = x.id and l.at = x.at;",
                log = Qualified(&log),
                old = side("old"),
                new = side("new"),
            ));
        }
    }
    if !audit_steps.is_empty() {
        depends.push(log_key);
    }
    depends.push(fake.key());
    depends.sort();
    depends.dedup();
    let declare: Vec<String> = vars.iter().map(|v| format!("  {v} jsonb;\n")).collect();
    let mut rest = Vec::new();
    if !steps.is_empty() {
        rest.push(format!(
            "-- Every table's rows of the subject, found before anything changes.\n  {}\n  select {}\n    into {};",
            owned_ctes(model, owned).replace('\n', "\n  "),
            keys.join(",\n         "),
            vars.join(", "),
        ));
        rest.push("-- The rows: children before their parents.".to_string());
        rest.extend(steps);
    }
    if rest.is_empty() {
        rest.push("-- No table of the subject holds classified data.".to_string());
    }
    if !history_steps.is_empty() {
        rest.push("-- The history of versioned rows, including what this erasure wrote.".into());
        rest.extend(history_steps);
    }
    if !audit_steps.is_empty() {
        rest.push(
            "-- The audit log: the classified values leave every row about the subject.".into(),
        );
        rest.extend(audit_steps);
    }
    let body = format!(
        "#variable_conflict use_column
declare
{}  pii_n bigint;
  pii_total bigint := 0;
begin
  {}
  return pii_total;
end;",
        declare.concat(),
        rest.join("\n  "),
    );
    Function {
        sql: QName::new(schema, "erase_subject"),
        args: key_type,
        returns: "bigint".into(),
        language: "plpgsql".into(),
        body,
        depends_on: depends,
        security_definer: true,
        doc: Some(format!(
            "Erases one data subject of {} by its key: in {}, each row of the subject is deleted or its classified columns anonymised (as each `@pii` says), in the history of versioned tables too, and the classified values are removed from the audit log's rows about them. Returns the number of rows changed.",
            subject.sql,
            if touched.is_empty() { "no table".to_string() } else { touched.join(", ") }
        )),
        origin,
    }
}
