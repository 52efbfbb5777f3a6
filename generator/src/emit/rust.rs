//! Rust model code for the `postgres` crate (and `tokio_postgres`, by
//! `Mode`): a pure function from the model
//! to source files, rendered from tera templates (`templates/rust/`, embedded
//! here; a user directory may replace any of them by name).
//!
//! This file decides names, types and SQL; the templates decide layout. A
//! type without a Rust mapping travels as text (`col::text` when read,
//! `$n::text::type` when written), so every column is usable.

use crate::model::{Column, Model, Table, TypeBase, Why};
use crate::quote::{ident, Qualified};
use serde::Serialize;
use std::collections::BTreeSet;

/// The templates, by the file name a user overrides them with.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "header.rs",
        include_str!("../../../templates/rust/header.rs"),
    ),
    (
        "support.rs",
        include_str!("../../../templates/rust/support.rs"),
    ),
    ("enum.rs", include_str!("../../../templates/rust/enum.rs")),
    (
        "domain.rs",
        include_str!("../../../templates/rust/domain.rs"),
    ),
    (
        "entity.rs",
        include_str!("../../../templates/rust/entity.rs"),
    ),
];

/// Which crate date and time columns use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimeCrate {
    #[default]
    Chrono,
    Time,
}

/// How the generated code is split into files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Layout {
    /// One file, `models.rs`.
    #[default]
    File,
    /// A directory module: `mod.rs` with the enums, domains and support
    /// code, and one file per entity.
    Modules,
}

/// Which clients the typed functions are for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// `postgres::GenericClient`: `EntityQueries`.
    #[default]
    Sync,
    /// `tokio_postgres::GenericClient`: `EntityAsyncQueries`, async
    /// functions; the code needs `tokio_postgres` only.
    Async,
    /// Both, side by side; rows and errors are shared (`postgres`
    /// re-exports `tokio_postgres`' types).
    Both,
}

impl Mode {
    /// The crate the rows, statements, errors and types come from.
    fn crate_name(self) -> &'static str {
        match self {
            Mode::Async => "tokio_postgres",
            Mode::Sync | Mode::Both => "postgres",
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct RustOptions {
    pub time: TimeCrate,
    pub layout: Layout,
    pub mode: Mode,
    /// What the header names as the schema (the project's name, or the file).
    pub schema_name: String,
    /// The schemac version in the header.
    pub version: String,
}

/// One generated file: its path relative to the output directory, and text.
#[derive(Debug, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub text: String,
}

/// Renders the model. `overrides` are user templates (name, text) that
/// replace the embedded ones of the same name; a template that does not
/// parse or render is an error naming it.
pub fn render(
    model: &Model,
    options: &RustOptions,
    overrides: &[(String, String)],
) -> Result<Vec<File>, String> {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(Vec::<&str>::new());
    for (name, text) in TEMPLATES {
        let text = overrides
            .iter()
            .find(|(n, _)| n == name)
            .map_or(*text, |(_, t)| t.as_str());
        tera.add_raw_template(name, text)
            .map_err(|e| format!("template {name}: {}", error_chain(&e)))?;
    }
    let render = |name: &str, context: &tera::Context| {
        tera.render(name, context)
            .map_err(|e| format!("template {name}: {}", error_chain(&e)))
    };
    let types = Types::new(model, options.time);
    let pg = options.mode.crate_name();
    let mut header = tera::Context::new();
    header.insert("schema", &options.schema_name);
    header.insert("version", &options.version);
    let header = render("header.rs", &header)?;
    let mut shared = String::new();
    let mut support = tera::Context::new();
    support.insert("pg", pg);
    shared.push_str(&render("support.rs", &support)?);
    let mut enums: Vec<&crate::model::Enum> = model.enums.iter().collect();
    enums.sort_by(|a, b| a.sql.cmp(&b.sql));
    for e in enums {
        let mut context =
            tera::Context::from_serialize(enum_context(e)).map_err(|e| e.to_string())?;
        context.insert("pg", pg);
        shared.push('\n');
        shared.push_str(&render("enum.rs", &context)?);
    }
    let mut domains: Vec<&crate::model::Domain> = model.domains.iter().collect();
    domains.sort_by(|a, b| a.sql.cmp(&b.sql));
    for d in domains {
        let mut context = tera::Context::new();
        context.insert("pg", pg);
        context.insert("name", &type_name(&d.name));
        context.insert("sql", &d.sql.to_string());
        context.insert("doc", &doc_lines(d.doc.as_deref()));
        // A domain over an array or an unmapped type travels as text.
        let inner = types.rust(&d.ty).filter(|_| d.ty.array_dims == 0);
        let Some(inner) = inner else { continue };
        context.insert("inner", &inner);
        shared.push('\n');
        shared.push_str(&render("domain.rs", &context)?);
    }
    let mut tables: Vec<&Table> = model.tables.iter().collect();
    tables.sort_by(|a, b| a.sql.cmp(&b.sql));
    let in_module = options.layout == Layout::Modules;
    // Entities are rendered on all cores; each is a pure function of the
    // model, and they are joined in table order.
    let entities: Vec<String> = super::map_in_parallel(&tables, |t| {
        render_entity(&render, &types, options.mode, t, in_module)
    })
    .into_iter()
    .collect::<Result<_, _>>()?;
    let mut files = Vec::new();
    match options.layout {
        Layout::File => {
            let size: usize = entities.iter().map(|e| e.len() + 1).sum();
            let mut text = String::with_capacity(header.len() + shared.len() + size);
            text.push_str(&header);
            text.push_str(&shared);
            for e in &entities {
                text.push('\n');
                text.push_str(e);
            }
            files.push(File {
                path: "models.rs".into(),
                text,
            });
        }
        Layout::Modules => {
            let mut text = header.clone();
            let modules: Vec<String> = tables.iter().map(|t| module_name(t)).collect();
            for m in &modules {
                text.push_str(&format!("mod {m};\n"));
            }
            for m in &modules {
                text.push_str(&format!("pub use {m}::*;\n"));
            }
            text.push_str(&shared);
            files.push(File {
                path: "mod.rs".into(),
                text,
            });
            for (e, m) in entities.iter().zip(modules) {
                let mut text = String::with_capacity(header.len() + e.len());
                text.push_str(&header);
                text.push_str(e);
                files.push(File {
                    path: format!("{m}.rs"),
                    text,
                });
            }
        }
    }
    Ok(files)
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}

/// A file name per entity: its table's schema and name (unique, unlike the
/// entity names, which may differ only in case).
fn module_name(t: &Table) -> String {
    let base = if t.sql.schema == "public" {
        t.sql.name.clone()
    } else {
        format!("{}_{}", t.sql.schema, t.sql.name)
    };
    field_name(&heck::AsSnakeCase(base).to_string())
}

fn render_entity(
    render: &impl Fn(&str, &tera::Context) -> Result<String, String>,
    types: &Types,
    mode: Mode,
    t: &Table,
    in_module: bool,
) -> Result<String, String> {
    let context = entity_context(types, mode, t, in_module);
    let context = tera::Context::from_serialize(&context).map_err(|e| e.to_string())?;
    render("entity.rs", &context)
}

/// Rust's keywords: a field of one of these names is a raw identifier.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// A field or function name: snake case, a raw identifier for a keyword,
/// and a trailing `_` for the keywords that cannot be raw (`self`, `crate`).
fn field_name(declared: &str) -> String {
    let mut s = heck::AsSnakeCase(declared).to_string();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if matches!(s.as_str(), "self" | "crate" | "super" | "_") {
        s.push('_');
    } else if KEYWORDS.contains(&s.as_str()) {
        s.insert_str(0, "r#");
    }
    s
}

/// A type name: upper camel case (declared names already are; `Self` is
/// the one that cannot be used).
fn type_name(declared: &str) -> String {
    let s = heck::AsUpperCamelCase(declared).to_string();
    if s == "Self" {
        "Self_".into()
    } else if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("T{s}")
    } else {
        s
    }
}

fn doc_lines(doc: Option<&str>) -> Vec<String> {
    doc.map(|d| d.lines().map(|l| l.trim_end().to_string()).collect())
        .unwrap_or_default()
}

#[derive(Serialize)]
struct EnumContext {
    name: String,
    sql: String,
    sql_name: String,
    doc: Vec<String>,
    variants: Vec<Variant>,
}

#[derive(Serialize)]
struct Variant {
    name: String,
    value: String,
    /// The value as a Rust string literal (with its quotes).
    literal: String,
    doc: Vec<String>,
}

fn enum_context(e: &crate::model::Enum) -> EnumContext {
    let mut seen = BTreeSet::new();
    let variants = e
        .values
        .iter()
        .map(|v| {
            // Values that differ only in case or punctuation still need
            // distinct variants.
            let mut name = type_name(&v.name);
            while !seen.insert(name.clone()) {
                name.push('_');
            }
            Variant {
                name,
                value: v.name.clone(),
                literal: format!("{:?}", v.name),
                doc: doc_lines(v.doc.as_deref()),
            }
        })
        .collect();
    EnumContext {
        name: type_name(&e.name),
        sql: e.sql.to_string(),
        sql_name: format!("{:?}", e.sql.name),
        doc: doc_lines(e.doc.as_deref()),
        variants,
    }
}

/// The Rust type of each SQL type.
struct Types<'m> {
    model: &'m Model,
    time: TimeCrate,
    /// Each entity's struct name, unique though declared names may differ
    /// only in case (`Item`, `ITEM`).
    entities: rustc_hash::FxHashMap<&'m crate::model::QName, String>,
}

impl<'m> Types<'m> {
    fn new(model: &'m Model, time: TimeCrate) -> Self {
        let mut tables: Vec<&Table> = model.tables.iter().collect();
        tables.sort_by(|a, b| a.sql.cmp(&b.sql));
        // In SQL name order, the first keeps its name; a later one takes
        // its table's name instead (`ShoutedItems`), then underscores.
        let mut taken = BTreeSet::new();
        let entities = tables
            .into_iter()
            .map(|t| {
                let mut name = type_name(&t.name);
                if taken.contains(&name) {
                    name = type_name(&t.sql.name);
                }
                while !taken.insert(name.clone()) {
                    name.push('_');
                }
                (&t.sql, name)
            })
            .collect();
        Types {
            model,
            time,
            entities,
        }
    }

    /// The Rust type, or `None` when the value travels as text.
    fn rust(&self, ty: &crate::model::SqlType) -> Option<String> {
        if ty.array_dims > 1 {
            return None;
        }
        let scalar = match &ty.base {
            TypeBase::Enum { name, .. } => type_name(name),
            TypeBase::Domain { name, sql } => {
                // A domain over an array or an unmapped type has no newtype.
                let d = self.model.domains.iter().find(|d| &d.sql == sql)?;
                let inner = crate::model::SqlType {
                    array_dims: 0,
                    ..d.ty.clone()
                };
                if d.ty.array_dims > 0 || self.rust(&inner).is_none() {
                    return None;
                }
                type_name(name)
            }
            TypeBase::Builtin { name } | TypeBase::Extension { name, .. } => {
                self.builtin(name)?.to_string()
            }
        };
        Some(if ty.array_dims == 1 {
            format!("::std::vec::Vec<{scalar}>")
        } else {
            scalar
        })
    }

    fn builtin(&self, name: &str) -> Option<&'static str> {
        let chrono = self.time == TimeCrate::Chrono;
        Some(match name {
            "smallint" | "smallserial" => "i16",
            "integer" | "serial" => "i32",
            "bigint" | "bigserial" => "i64",
            "real" => "f32",
            "double precision" => "f64",
            "oid" => "u32",
            "numeric" => "::rust_decimal::Decimal",
            "text" | "varchar" | "char" | "citext" => "::std::string::String",
            "boolean" => "bool",
            "uuid" => "::uuid::Uuid",
            "jsonb" | "json" => "::serde_json::Value",
            "bytea" => "::std::vec::Vec<u8>",
            "inet" => "::std::net::IpAddr",
            "interval" => "PgInterval",
            "date" if chrono => "::chrono::NaiveDate",
            "time" if chrono => "::chrono::NaiveTime",
            "timestamp" if chrono => "::chrono::NaiveDateTime",
            "timestamptz" if chrono => "::chrono::DateTime<::chrono::Utc>",
            "date" => "::time::Date",
            "time" => "::time::Time",
            "timestamp" => "::time::PrimitiveDateTime",
            "timestamptz" => "::time::OffsetDateTime",
            _ => return None,
        })
    }
}

#[derive(Serialize)]
struct EntityContext {
    name: String,
    table: String,
    in_module: bool,
    doc: Vec<String>,
    fields: Vec<Field>,
    insert_name: String,
    insert_fields: Vec<InsertField>,
    /// The insert fields without a default (the constructor's arguments).
    required: Vec<Field>,
    update_name: String,
    update_fields: Vec<Field>,
    /// The crate of rows, statements and errors (`postgres` or `tokio_postgres`).
    pg: &'static str,
    /// One set of typed functions per client the mode asks for.
    queries: Vec<QueriesContext>,
    /// The SELECT list, each column read as its Rust type expects.
    select: String,
    soft_delete: bool,
    /// `WHERE` of a live row (soft delete), with a leading ` AND `, or empty.
    live: String,
    insert_sql: String,
    insert_params: Vec<String>,
    key: Option<KeyContext>,
    lists: Vec<ListContext>,
    exists: Vec<ExistsContext>,
}

#[derive(Serialize, Clone)]
struct Field {
    name: String,
    column: String,
    ty: String,
    /// The type without `Option`.
    bare: String,
    nullable: bool,
    doc: Vec<String>,
    /// The column name as a Rust string literal.
    literal: String,
    /// The column's name is not the field's (serde renames it).
    renamed: bool,
    /// `table.column` as a Rust string literal.
    qualified: String,
    /// The insert builder's method for the field.
    builder: String,
}

#[derive(Serialize)]
struct InsertField {
    #[serde(flatten)]
    field: Field,
    /// Has a default: the field is an `Option`, `None` taking the default.
    defaulted: bool,
}

#[derive(Serialize)]
struct QueriesContext {
    name: String,
    /// `fn` or `async fn`.
    r#fn: &'static str,
    /// The `client` parameter's type.
    client: &'static str,
    /// What follows a call on the client before its `?`.
    wait: &'static str,
}

impl QueriesContext {
    fn sync(entity: &str) -> Self {
        QueriesContext {
            name: format!("{entity}Queries"),
            r#fn: "fn",
            client: "&mut impl ::postgres::GenericClient",
            wait: "",
        }
    }

    fn asynchronous(entity: &str) -> Self {
        QueriesContext {
            name: format!("{entity}AsyncQueries"),
            r#fn: "async fn",
            client: "&impl ::tokio_postgres::GenericClient",
            wait: ".await",
        }
    }
}

#[derive(Serialize)]
struct KeyContext {
    /// Parameters `name: &Type` of the key's columns.
    params: Vec<Param>,
    get_sql: String,
    update_sql: String,
    update_params: Vec<String>,
    delete_sql: String,
    /// The key parameters as statement arguments.
    args: Vec<String>,
    /// The type of `after`, the key a page starts after.
    after_ty: String,
    /// `after` as statement arguments, one per key column.
    after_args: Vec<String>,
}

#[derive(Serialize, Clone)]
struct Param {
    name: String,
    ty: String,
}

#[derive(Serialize)]
struct ListContext {
    function: String,
    /// What the rows share, for the doc comment.
    what: String,
    params: Vec<Param>,
    args: Vec<String>,
    sql: String,
}

#[derive(Serialize)]
struct ExistsContext {
    function: String,
    params: Vec<Param>,
    args: Vec<String>,
    sql: String,
}

fn entity_context(types: &Types, mode: Mode, t: &Table, in_module: bool) -> EntityContext {
    let name = types.entities[&t.sql].clone();
    let mut taken = BTreeSet::new();
    let fields: Vec<Field> = t
        .columns
        .iter()
        .map(|c| {
            let mut name = field_name(&c.field);
            while !taken.insert(name.clone()) {
                name.push('_');
            }
            field(types, t, c, name)
        })
        .collect();
    let by_column = |col: &str| {
        let i = t.columns.iter().position(|c| c.name == col);
        i.map(|i| (&t.columns[i], &fields[i]))
    };
    let select = t
        .columns
        .iter()
        .map(|c| {
            if types.rust(&c.ty).is_some() {
                ident(&c.name)
            } else {
                format!("{}::text", ident(&c.name))
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let soft_delete = t.declared_policies.soft_delete.is_some();
    let live = if soft_delete {
        " AND \"deleted_at\" IS NULL".to_string()
    } else {
        String::new()
    };
    // What the application writes: not generated, not identity or serial,
    // not maintained by a policy.
    let written = |c: &Column| {
        c.generated.is_none()
            && c.identity.is_none()
            && !matches!(c.origin.why, Why::Policy { .. })
            && !(c.ty.array_dims == 0
                && matches!(&c.ty.base, TypeBase::Builtin { name } if name.ends_with("serial")))
    };
    // `version` of `@versioned` is written back with an update so that
    // the trigger refuses a stale one (SQLSTATE 40001, docs/policies.md).
    let version_check = |c: &Column| {
        c.name == "version"
            && matches!(&c.origin.why, Why::Policy { policy } if policy == "versioned")
    };
    let cast = |c: &Column, n: usize| {
        if types.rust(&c.ty).is_some() {
            format!("${n}")
        } else {
            format!("${n}::text::{}", c.ty)
        }
    };
    let mut insert_fields = Vec::new();
    let mut insert_cols = Vec::new();
    let mut insert_values = Vec::new();
    let mut insert_params = Vec::new();
    for (c, f) in t.columns.iter().zip(&fields) {
        if !written(c) {
            continue;
        }
        insert_cols.push(ident(&c.name));
        let n = insert_params.len() + 1;
        if let Some(default) = &c.default {
            // Typed: the default alone would decide the parameter's type
            // (`'EUR'` is text, not the enum).
            let value = if types.rust(&c.ty).is_some() {
                format!("${}::{}", n + 1, c.ty)
            } else {
                cast(c, n + 1)
            };
            insert_values.push(format!(
                "CASE WHEN ${n} THEN {value} ELSE {} END",
                default.sql
            ));
            insert_params.push(format!("&value.{}.is_some()", f.name));
            insert_params.push(format!("&value.{}", f.name));
        } else {
            insert_values.push(cast(c, n));
            insert_params.push(format!("&value.{}", f.name));
        }
        insert_fields.push(InsertField {
            field: f.clone(),
            defaulted: c.default.is_some(),
        });
    }
    let table = Qualified(&t.sql).to_string();
    let insert_sql = if insert_cols.is_empty() {
        format!("INSERT INTO {table} DEFAULT VALUES RETURNING {select}")
    } else {
        format!(
            "INSERT INTO {table} ({}) VALUES ({}) RETURNING {select}",
            insert_cols.join(", "),
            insert_values.join(", ")
        )
    };
    let key_columns: Vec<(&Column, &Field)> = t
        .primary_key
        .iter()
        .flat_map(|pk| pk.columns.iter())
        .filter_map(|c| by_column(c))
        .collect();
    // Parameters are named after their fields, except where a field's
    // name is one the functions already use.
    let param = |f: &Field| Param {
        name: if ["client", "value", "patch", "after", "limit", "row", "rows"]
            .contains(&f.name.as_str())
        {
            format!("{}_", f.name)
        } else {
            f.name.clone()
        },
        ty: borrowed(&f.bare),
    };
    let condition = |cols: &[(&Column, &Field)], first: usize| {
        cols.iter()
            .enumerate()
            .map(|(i, (c, _))| format!("{} = {}", ident(&c.name), cast(c, first + i)))
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    let update_fields: Vec<Field> = t
        .columns
        .iter()
        .zip(&fields)
        .filter(|(c, _)| {
            (written(c) || version_check(c)) && !key_columns.iter().any(|(k, _)| k.name == c.name)
        })
        .map(|(_, f)| f.clone())
        .collect();
    let key = (!key_columns.is_empty()
        && key_columns.len() == t.primary_key.as_ref().map_or(0, |p| p.columns.len()))
    .then(|| {
        let mut sets = Vec::new();
        let mut update_params = Vec::new();
        for f in &update_fields {
            let (c, _) = by_column(&f.column).expect("a field of the table");
            let n = update_params.len() + 1;
            sets.push(format!(
                "{0} = CASE WHEN ${n} THEN {1} ELSE {0} END",
                ident(&c.name),
                cast(c, n + 1)
            ));
            update_params.push(format!("&patch.{}.is_some()", f.name));
            update_params.push(format!("&patch.{}", f.name));
        }
        let n = update_params.len() + 1;
        let update_sql = if sets.is_empty() {
            String::new()
        } else {
            format!(
                "UPDATE {table} SET {} WHERE {}{live} RETURNING {select}",
                sets.join(", "),
                condition(&key_columns, n)
            )
        };
        let delete_sql = if soft_delete {
            format!(
                "UPDATE {table} SET \"deleted_at\" = now() WHERE {}{live}",
                condition(&key_columns, 1)
            )
        } else {
            format!("DELETE FROM {table} WHERE {}", condition(&key_columns, 1))
        };
        let bare: Vec<String> = key_columns.iter().map(|(_, f)| f.bare.clone()).collect();
        let key_params: Vec<Param> = key_columns.iter().map(|(_, f)| param(f)).collect();
        KeyContext {
            get_sql: raw_literal(&format!(
                "SELECT {select} FROM {table} WHERE {}{live}",
                condition(&key_columns, 1)
            )),
            update_sql: if update_sql.is_empty() {
                update_sql
            } else {
                raw_literal(&update_sql)
            },
            update_params,
            delete_sql: raw_literal(&delete_sql),
            args: key_params.iter().map(|p| format!("&{}", p.name)).collect(),
            after_ty: if bare.len() == 1 {
                format!("::std::option::Option<{}>", borrowed(&bare[0]))
            } else {
                format!("::std::option::Option<&({})>", bare.join(", "))
            },
            after_args: if bare.len() == 1 {
                vec!["&after".into()]
            } else {
                (0..bare.len())
                    .map(|i| format!("&after.map(|k| &k.{i})"))
                    .collect()
            },
            params: key_params,
        }
    });
    let mut lists = Vec::new();
    if key.is_some() {
        let mut fks: Vec<&crate::model::ForeignKey> = t.foreign_keys.iter().collect();
        fks.sort_by(|a, b| a.columns.cmp(&b.columns));
        fks.dedup_by(|a, b| a.columns == b.columns);
        for fk in fks {
            let cols: Vec<(&Column, &Field)> =
                fk.columns.iter().filter_map(|c| by_column(c)).collect();
            let n = cols.len();
            let order = key_columns
                .iter()
                .map(|(c, _)| ident(&c.name))
                .collect::<Vec<_>>()
                .join(", ");
            let after = key_columns
                .iter()
                .enumerate()
                .map(|(i, (c, _))| cast(c, n + 2 + i))
                .collect::<Vec<_>>()
                .join(", ");
            let params: Vec<Param> = cols.iter().map(|(_, f)| param(f)).collect();
            lists.push(ListContext {
                function: format!(
                    "list_by_{}",
                    cols.iter()
                        .map(|(_, f)| f.name.trim_start_matches("r#").trim_end_matches('_'))
                        .collect::<Vec<_>>()
                        .join("_and_")
                ),
                what: format!("`{}`", fk.columns.join("`, `")),
                args: params.iter().map(|p| format!("&{}", p.name)).collect(),
                params,
                sql: raw_literal(&format!(
                        "SELECT {select} FROM {table} WHERE {}{live} AND (NOT ${} OR ({order}) > ({after})) ORDER BY {order} LIMIT ${}",
                        condition(&cols, 1),
                        n + 1,
                        n + 2 + key_columns.len()
                    )
                ),
            });
        }
    }
    let mut unique_sets: Vec<Vec<String>> = t.uniques.iter().map(|u| u.columns.clone()).collect();
    for i in t.indexes.iter().filter(|i| i.unique) {
        let cols: Option<Vec<String>> = i
            .elements
            .iter()
            .map(|e| {
                e.is_plain_column()
                    .then(|| e.column_name().map(str::to_string))?
            })
            .collect();
        unique_sets.extend(cols);
    }
    unique_sets.sort();
    unique_sets.dedup();
    let exists = unique_sets
        .iter()
        .filter_map(|set| {
            let cols: Vec<(&Column, &Field)> = set.iter().filter_map(|c| by_column(c)).collect();
            let params: Vec<Param> = cols.iter().map(|(_, f)| param(f)).collect();
            (cols.len() == set.len()).then(|| ExistsContext {
                function: format!(
                    "exists_by_{}",
                    cols.iter()
                        .map(|(_, f)| f.name.trim_start_matches("r#").trim_end_matches('_'))
                        .collect::<Vec<_>>()
                        .join("_and_")
                ),
                args: params.iter().map(|p| format!("&{}", p.name)).collect(),
                params,
                sql: raw_literal(&format!(
                    "SELECT EXISTS (SELECT FROM {table} WHERE {}{live})",
                    condition(&cols, 1)
                )),
            })
        })
        .collect();
    EntityContext {
        insert_name: format!("New{name}"),
        update_name: format!("{name}Update"),
        pg: mode.crate_name(),
        queries: match mode {
            Mode::Sync => vec![QueriesContext::sync(&name)],
            Mode::Async => vec![QueriesContext::asynchronous(&name)],
            Mode::Both => vec![
                QueriesContext::sync(&name),
                QueriesContext::asynchronous(&name),
            ],
        },
        name,
        table: t.sql.to_string(),
        in_module,
        doc: doc_lines(t.doc.as_deref()),
        fields,
        required: insert_fields
            .iter()
            .filter(|f| !f.defaulted)
            .map(|f| f.field.clone())
            .collect(),
        insert_fields,
        update_fields,
        select,
        soft_delete,
        live,
        insert_sql: raw_literal(&insert_sql),
        insert_params,
        key,
        lists,
        exists,
    }
}

fn field(types: &Types, t: &Table, c: &Column, name: String) -> Field {
    let bare = types
        .rust(&c.ty)
        .unwrap_or_else(|| "::std::string::String".into());
    let ty = if c.nullable {
        format!("::std::option::Option<{bare}>")
    } else {
        bare.clone()
    };
    let mut doc = doc_lines(c.doc.as_deref());
    if types.rust(&c.ty).is_none() {
        doc.push(format!("`{}`, read and written as text.", c.ty));
    }
    if c.secret {
        doc.push("Secret: keep it out of logs.".into());
    }
    Field {
        literal: format!("{:?}", c.name),
        renamed: name.trim_start_matches("r#") != c.name,
        qualified: format!("{:?}", format!("{}.{}", t.sql.name, c.name)),
        builder: format!("with_{}", name.trim_start_matches("r#")),
        name,
        column: c.name.clone(),
        ty,
        bare,
        nullable: c.nullable,
        doc,
    }
}

/// A parameter's type: borrowed, as a slice or `str` where Rust prefers it.
fn borrowed(ty: &str) -> String {
    if ty == "::std::string::String" {
        "&str".into()
    } else if let Some(inner) = ty
        .strip_prefix("::std::vec::Vec<")
        .and_then(|t| t.strip_suffix('>'))
    {
        format!("&[{inner}]")
    } else {
        format!("&{ty}")
    }
}

/// SQL as a raw Rust string literal, readable as written (quoted
/// identifiers need no escapes), with enough `#`s that the text cannot end it.
fn raw_literal(sql: &str) -> String {
    let mut hashes = String::from("#");
    while sql.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{sql}\"{hashes}")
}
