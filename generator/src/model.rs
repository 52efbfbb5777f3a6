//! The model: one resolved, serialisable description of a database. Every
//! reader (the `.schema` resolver, later SQL import and introspection)
//! produces it; every writer (emitters, diff, lint) consumes it.
//!
//! Names here are final: SQL names as PostgreSQL will see them, and the
//! declared names that generated code uses. Spans point back at the source.

use dsl::Span;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// Schemas other than `public` that objects live in, sorted.
    pub schemas: Vec<String>,
    /// Extensions the schema needs (`citext`, `pg_trgm`, ...), sorted.
    pub extensions: Vec<String>,
    pub enums: Vec<Enum>,
    pub domains: Vec<Domain>,
    pub tables: Vec<Table>,
    pub views: Vec<View>,
    pub raw: Vec<RawSql>,
}

/// A schema-qualified SQL name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct QName {
    pub schema: String,
    pub name: String,
}

impl QName {
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        QName {
            schema: schema.into(),
            name: name.into(),
        }
    }
}

impl std::fmt::Display for QName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Enum {
    /// The declared name (the Rust type name).
    pub name: String,
    pub sql: QName,
    pub values: Vec<EnumValue>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnumValue {
    pub name: String,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Domain {
    pub name: String,
    pub sql: QName,
    /// Domains never carry NOT NULL: nullability belongs to each column.
    pub ty: SqlType,
    pub default: Option<Expr>,
    pub checks: Vec<Check>,
    pub doc: Option<String>,
    pub span: Span,
}

/// A column type. `base` is the canonical PostgreSQL spelling for built-in
/// types, or the user type it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqlType {
    pub base: TypeBase,
    pub args: Vec<u32>,
    pub array_dims: u8,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeBase {
    Builtin { name: String },
    Enum { name: String, sql: QName },
    Domain { name: String, sql: QName },
}

impl SqlType {
    pub fn builtin(name: &str) -> Self {
        SqlType {
            base: TypeBase::Builtin {
                name: name.to_string(),
            },
            args: Vec::new(),
            array_dims: 0,
        }
    }

    /// The built-in type name, if this is a scalar built-in type.
    pub fn builtin_name(&self) -> Option<&str> {
        match &self.base {
            TypeBase::Builtin { name } if self.array_dims == 0 => Some(name),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// The declared entity name (the Rust type name).
    pub name: String,
    pub sql: QName,
    pub doc: Option<String>,
    pub columns: Vec<Column>,
    pub primary_key: Option<PrimaryKey>,
    pub uniques: Vec<Unique>,
    pub checks: Vec<Check>,
    pub foreign_keys: Vec<ForeignKey>,
    pub excludes: Vec<Exclude>,
    pub indexes: Vec<Index>,
    /// Declared `@depends(...)` on objects the graph cannot see otherwise.
    pub depends_on: Vec<Dependency>,
    pub span: Span,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// The SQL column name.
    pub name: String,
    /// The name as declared in the schema (the Rust field name's source).
    pub field: String,
    pub ty: SqlType,
    pub nullable: bool,
    pub default: Option<Expr>,
    pub generated: Option<Expr>,
    pub identity: Option<Identity>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    Always,
    ByDefault,
}

/// An SQL expression as the user wrote it, checked by sqlparser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expr {
    pub sql: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PrimaryKey {
    pub name: String,
    pub columns: Vec<String>,
    pub doc: Option<String>,
    pub span: Span,
}

/// One element of an index or unique key: a column or an expression, with
/// trailing options such as `desc`, `nulls last` or an operator class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IndexElement {
    Column { name: String, options: String },
    Expr { sql: String, options: String },
}

impl IndexElement {
    pub fn column_name(&self) -> Option<&str> {
        match self {
            IndexElement::Column { name, .. } => Some(name),
            IndexElement::Expr { .. } => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unique {
    pub name: String,
    pub elements: Vec<IndexElement>,
    pub nulls_not_distinct: bool,
    pub predicate: Option<Expr>,
    pub doc: Option<String>,
    pub span: Span,
}

impl Unique {
    /// Plain columns and no predicate: a table constraint. Otherwise
    /// PostgreSQL needs a unique index.
    pub fn is_constraint(&self) -> bool {
        self.predicate.is_none()
            && self
                .elements
                .iter()
                .all(|e| matches!(e, IndexElement::Column { options, .. } if options.is_empty()))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    pub expr: Expr,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    /// The referenced entity's declared name and table.
    pub target: String,
    pub target_table: QName,
    pub target_columns: Vec<String>,
    pub on_delete: Action,
    pub on_update: Action,
    pub deferrable: bool,
    pub initially_deferred: bool,
    /// The name of the relation seen from the target (`as ...`).
    pub back_name: Option<String>,
    /// From a `foreign key` clause's doc comment (a relation column's
    /// doc documents the column).
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Exclude {
    pub name: String,
    pub method: String,
    pub elements: Vec<ExcludeElement>,
    pub predicate: Option<Expr>,
    pub doc: Option<String>,
    pub span: Span,
}

/// `element with operator`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExcludeElement {
    pub element: IndexElement,
    pub operator: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexOrigin {
    /// Written by the user.
    Declared,
    /// Added so a foreign key's columns are indexed.
    ForeignKey,
    /// The GIN index of a full-text search column.
    Search,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    pub method: Option<String>,
    pub unique: bool,
    pub elements: Vec<IndexElement>,
    pub include: Vec<String>,
    pub predicate: Option<Expr>,
    pub origin: IndexOrigin,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct View {
    pub name: String,
    pub sql: QName,
    pub materialized: bool,
    pub body: Expr,
    pub depends_on: Vec<Dependency>,
    pub doc: Option<String>,
    pub span: Span,
}

/// Raw SQL, placed in the creation order by its declared dependencies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RawSql {
    pub name: String,
    /// The schema of its module: unqualified names in the body resolve
    /// there first, then in `public`.
    pub schema: String,
    pub body: Expr,
    pub depends_on: Vec<Dependency>,
    pub doc: Option<String>,
    pub span: Span,
}

/// A reference from one object to another, by kind and index into the
/// model's lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "index", rename_all = "snake_case")]
pub enum Dependency {
    Enum(usize),
    Domain(usize),
    Table(usize),
    View(usize),
    Raw(usize),
}
