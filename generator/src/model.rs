//! The model: one resolved, serialisable description of a database. Every
//! reader (the `.schema` resolver, later SQL import and introspection)
//! produces it; every writer (emitters, diff, lint) consumes it.
//!
//! Names here are final: SQL names as PostgreSQL will see them, and the
//! declared names that generated code uses. Every object has a stable
//! [`Key`]; references between objects are keys, never list positions.
//! Each object's [`Origin`] points back at the source and says why the
//! object exists; equality ignores it, so two models that describe the same
//! database are equal wherever their text was written.
//!
//! Equality is also blind to the order of lists whose order PostgreSQL does
//! not keep (tables, constraints, indexes, ...); column order and enum value
//! order are part of the database and compared as lists.

use crate::key::{Key, ObjectKind};
use dsl::Span;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Model {
    /// Schemas other than `public` that objects live in, sorted.
    pub schemas: Vec<String>,
    /// Extensions the schema needs (`citext`, `pg_trgm`, ...), sorted by name.
    pub extensions: Vec<Extension>,
    pub enums: Vec<Enum>,
    pub domains: Vec<Domain>,
    pub tables: Vec<Table>,
    pub views: Vec<View>,
    pub raw: Vec<RawSql>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sequences: Vec<Sequence>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<Function>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
    /// Renames the schema declares (`renamed from`); not in the database,
    /// and not compared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renames: Vec<Rename>,
    /// Tables of a database whose row-level security is not what their
    /// policies imply (on and forced with policies, off without): a schema
    /// always implies it, so only introspection fills this.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub row_security_drift: Vec<QName>,
}

/// `renamed from old`: what an object was called before, so a migration
/// renames it in place rather than dropping it and making another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rename {
    pub what: Renamed,
    /// The old SQL name (a table's, in the same schema).
    pub from: String,
    pub origin: Origin,
}

/// The object of a [`Rename`], under its new name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Renamed {
    Table { table: QName },
    Column { table: QName, column: String },
    EnumValue { name: QName, value: String },
}

impl PartialEq for Model {
    fn eq(&self, other: &Self) -> bool {
        self.schemas == other.schemas
            && same_set(&self.extensions, &other.extensions, Extension::key)
            && same_set(&self.enums, &other.enums, Enum::key)
            && same_set(&self.domains, &other.domains, Domain::key)
            && same_set(&self.tables, &other.tables, Table::key)
            && same_set(&self.views, &other.views, View::key)
            && same_set(&self.raw, &other.raw, RawSql::key)
            && same_set(&self.sequences, &other.sequences, Sequence::key)
            && same_set(&self.functions, &other.functions, Function::key)
            && same_set(&self.triggers, &other.triggers, Trigger::key)
            && self.row_security_drift == other.row_security_drift
    }
}

/// Two lists hold equal objects under the same keys, in any order.
fn same_set<T: PartialEq, K: Ord>(a: &[T], b: &[T], key: impl Fn(&T) -> K) -> bool {
    if a.len() != b.len() {
        return false;
    }
    fn sorted<'l, T, K: Ord>(l: &'l [T], key: &impl Fn(&T) -> K) -> Vec<(K, &'l T)> {
        let mut v: Vec<(K, &T)> = l.iter().map(|x| (key(x), x)).collect();
        v.sort_by(|x, y| x.0.cmp(&y.0));
        v
    }
    sorted(a, &key)
        .iter()
        .zip(sorted(b, &key).iter())
        .all(|(x, y)| x.0 == y.0 && x.1 == y.1)
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

/// Where an object comes from. Not part of what the object *is*: see the
/// `PartialEq` impl.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Origin {
    pub span: Span,
    #[serde(default)]
    pub why: Why,
    #[serde(default)]
    pub name: NameSource,
}

/// Always equal. The same database can be written in many places and many
/// ways (another file, another line, a mixin instead of a column): a model
/// diff, the reordering tests and a future introspected model must see the
/// objects, not where their text stood.
impl PartialEq for Origin {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Origin {
    /// A declared object whose name the user gave (or that is named by its
    /// declaration, like a table).
    pub fn declared(span: Span) -> Self {
        Origin {
            span,
            why: Why::Declared,
            name: NameSource::Given,
        }
    }

    /// A declared object whose SQL name schemac generated.
    pub fn generated(span: Span) -> Self {
        Origin {
            name: NameSource::Generated,
            ..Origin::declared(span)
        }
    }

    pub fn because(mut self, why: Why) -> Self {
        self.why = why;
        self
    }

    pub fn is_generated(&self) -> bool {
        self.name == NameSource::Generated
    }
}

/// Why an object is in the model.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Why {
    /// Written by the user.
    #[default]
    Declared,
    /// Copied from a mixin (named by its declaration).
    Mixin { mixin: String },
    /// The index schemac adds so a foreign key's columns are indexed.
    ForeignKeyIndex,
    /// The GIN index of a full-text search column.
    SearchIndex,
    /// Needed by something in the model (an extension for a type or an
    /// operator class).
    Required,
    /// Added by a policy (`@timestamps`, `@soft_delete`, ...) in the lower
    /// pass; `policy` is the attribute's name.
    Policy { policy: String },
}

/// Whether an object's SQL name was written by the user or generated from
/// a pattern (`idx_<table>_<columns>`, ...).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameSource {
    #[default]
    Given,
    Generated,
}

/// `CREATE EXTENSION`: a name, and the schema its objects go to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Extension {
    pub name: String,
    pub schema: String,
    /// From a declaration's doc comment: for the docs, not the database
    /// (an extension may be shared, and its comment is its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    pub origin: Origin,
}

impl Extension {
    pub fn key(&self) -> Key {
        Key::extension(self.name.clone())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Enum {
    /// The declared name (the Rust type name).
    pub name: String,
    pub sql: QName,
    pub values: Vec<EnumValue>,
    pub doc: Option<String>,
    pub origin: Origin,
}

impl Enum {
    pub fn key(&self) -> Key {
        Key::new(ObjectKind::Enum, self.sql.clone())
    }
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
    pub origin: Origin,
}

impl Domain {
    pub fn key(&self) -> Key {
        Key::new(ObjectKind::Domain, self.sql.clone())
    }
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
    Builtin {
        name: String,
    },
    /// A type an extension provides (`citext`), created in `schema`.
    Extension {
        name: String,
        extension: String,
        schema: String,
    },
    Enum {
        name: String,
        sql: QName,
    },
    Domain {
        name: String,
        sql: QName,
    },
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

    /// The type name, if this is a scalar built-in or extension type (not a
    /// type declared in the schema).
    pub fn builtin_name(&self) -> Option<&str> {
        match &self.base {
            TypeBase::Builtin { name } | TypeBase::Extension { name, .. }
                if self.array_dims == 0 =>
            {
                Some(name)
            }
            _ => None,
        }
    }

    /// The key of the model object this type needs, if any.
    pub fn dependency(&self) -> Option<Key> {
        match &self.base {
            TypeBase::Builtin { .. } => None,
            TypeBase::Extension { extension, .. } => Some(Key::extension(extension.clone())),
            TypeBase::Enum { sql, .. } => Some(Key::new(ObjectKind::Enum, sql.clone())),
            TypeBase::Domain { sql, .. } => Some(Key::new(ObjectKind::Domain, sql.clone())),
        }
    }
}

/// The one type printer: the type as PostgreSQL spells it, user types
/// schema-qualified, as the DDL writes it and diagnostics show it.
impl std::fmt::Display for SqlType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::quote::{Ident, Qualified};
        match &self.base {
            // Extension types in `public` are on the search path; elsewhere
            // they are qualified.
            TypeBase::Extension { name, schema, .. } if schema != "public" => {
                write!(f, "{}.{}", Ident(schema), Ident(name))?
            }
            TypeBase::Builtin { name } | TypeBase::Extension { name, .. } => f.write_str(name)?,
            TypeBase::Enum { sql, .. } | TypeBase::Domain { sql, .. } => {
                write!(f, "{}", Qualified(sql))?
            }
        }
        if !self.args.is_empty() {
            f.write_str("(")?;
            for (i, a) in self.args.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{a}")?;
            }
            f.write_str(")")?;
        }
        for _ in 0..self.array_dims {
            f.write_str("[]")?;
        }
        Ok(())
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
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
    pub depends_on: Vec<Key>,
    /// `PARTITION BY ...` and the partitions (`@partition`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<Partition>,
    /// How long rows are kept (`@retain(13 months)`): read by whatever
    /// removes them (whole partitions for a partitioned table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retain: Option<Retain>,
    /// How Citus spreads the table over nodes (`@distribute`, `@reference`);
    /// used only when building for the Citus target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<Distribution>,
    /// Row-level security policies (`@tenant` makes them). A table with
    /// any has row-level security enabled and forced.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<Policy>,
    /// Privileges granted on the table (`@grant`, on it or its columns).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<Grant>,
    /// The policies declared on the entity (or by a project default), which
    /// the lower pass has expanded into the objects above. Boxed: most
    /// tables declare none, and tables are moved whole (a diff's changes
    /// carry them).
    #[serde(default, skip_serializing_if = "DeclaredPolicies::is_empty")]
    pub declared_policies: Box<DeclaredPolicies>,
    pub origin: Origin,
}

/// The policies an entity asks for, each with where it was asked for.
/// Kept after lowering, so the model says which objects a policy owns.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DeclaredPolicies {
    /// `@timestamps`: `created_at`, `updated_at` and its trigger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamps: Option<Origin>,
    /// `@soft_delete`: `deleted_at`, partial unique keys, a view of live rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft_delete: Option<Origin>,
    /// `@versioned`: a version counter and a history table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versioned: Option<Origin>,
    /// `@tenant(column)`: the column, and where it was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<(String, Origin)>,
    /// `@audit`: triggers that write every change to the audit log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit: Option<Origin>,
    /// `@notify`: a notification with the key of each changed row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<Origin>,
    /// `@encrypted` columns, in declaration order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub encrypted: Vec<Encrypted>,
    /// `@subject`: the entity whose rows are the data subjects that
    /// `export_subject` and `erase_subject` take by key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Origin>,
    /// `@pii(class)` on columns: the personal data the table holds, by
    /// column name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pii: Vec<Pii>,
    /// `@mask(...)` on columns: what `mask_data` writes there, by column
    /// name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mask: Vec<Mask>,
}

/// `@mask(strategy)` on a column: how `mask_data` rewrites it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mask {
    pub column: String,
    pub strategy: MaskStrategy,
    /// Where `@mask` was written.
    pub origin: Origin,
}

/// What `mask_data` writes into a masked column (NULL stays NULL in each).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaskStrategy {
    /// The value stays: a classified column left out of masking.
    Keep,
    /// NULL.
    Null,
    /// A keyed hash of the value (hex digits, or a uuid for a uuid column).
    Hash,
    /// A fake of a personal-data class, as for a classified column.
    Fake(PiiClass),
    /// One value for every row: the SQL literal as written.
    Fixed(String),
}

/// A column classified as personal data (`@pii(email, erase: delete)`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pii {
    pub column: String,
    pub class: PiiClass,
    /// `erase: ...` as written; `None` takes the default, `anonymise`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erase: Option<Erase>,
    /// Where `@pii` was written.
    pub origin: Origin,
}

impl Pii {
    pub fn erase(&self) -> Erase {
        self.erase.unwrap_or_default()
    }
}

/// What kind of personal data a column holds: it decides which types fit,
/// the anonymised value `erase_subject` writes and the fake `mask_data`
/// makes (docs/policies.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiClass {
    Email,
    Name,
    Phone,
    Address,
    Ip,
    BirthDate,
    FreeText,
    GovernmentId,
    Identifier,
}

impl PiiClass {
    pub const ALL: [PiiClass; 9] = [
        PiiClass::Email,
        PiiClass::Name,
        PiiClass::Phone,
        PiiClass::Address,
        PiiClass::Ip,
        PiiClass::BirthDate,
        PiiClass::FreeText,
        PiiClass::GovernmentId,
        PiiClass::Identifier,
    ];

    /// The name written in `@pii(...)`.
    pub fn name(self) -> &'static str {
        match self {
            PiiClass::Email => "email",
            PiiClass::Name => "name",
            PiiClass::Phone => "phone",
            PiiClass::Address => "address",
            PiiClass::Ip => "ip",
            PiiClass::BirthDate => "birth_date",
            PiiClass::FreeText => "free_text",
            PiiClass::GovernmentId => "government_id",
            PiiClass::Identifier => "identifier",
        }
    }

    pub fn from_name(name: &str) -> Option<PiiClass> {
        PiiClass::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// What `erase_subject` does with a subject's value of a column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Erase {
    /// The value is replaced (NULL when the column allows it); the row stays.
    #[default]
    Anonymise,
    /// The whole row is deleted.
    Delete,
}

/// `@encrypted` (or `@encrypted(blind_index)`) on a column: stored as
/// pgcrypto ciphertext, keys in `encryption.keys`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Encrypted {
    pub column: String,
    /// A keyed-hash column beside it, indexed, for equality lookups.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub blind_index: bool,
    pub origin: Origin,
}

impl DeclaredPolicies {
    pub fn is_empty(&self) -> bool {
        *self == DeclaredPolicies::default()
    }
}

/// A model object found by its key.
#[derive(Clone, Copy, Debug)]
pub enum Object<'m> {
    Extension(&'m Extension),
    Enum(&'m Enum),
    Domain(&'m Domain),
    Sequence(&'m Sequence),
    Function(&'m Function),
    Raw(&'m RawSql),
    Table(&'m Table),
    View(&'m View),
    Trigger(&'m Trigger),
}

impl Model {
    /// Every top-level object by key, for lookups by key (the plan, the
    /// graph, validation). Table members are found through their table.
    pub fn objects(&self) -> rustc_hash::FxHashMap<Key, Object<'_>> {
        let mut map = rustc_hash::FxHashMap::default();
        map.reserve(self.tables.len() + self.views.len() + self.enums.len() + self.domains.len());
        for x in &self.extensions {
            map.insert(x.key(), Object::Extension(x));
        }
        for x in &self.enums {
            map.insert(x.key(), Object::Enum(x));
        }
        for x in &self.domains {
            map.insert(x.key(), Object::Domain(x));
        }
        for x in &self.sequences {
            map.insert(x.key(), Object::Sequence(x));
        }
        for x in &self.functions {
            map.insert(x.key(), Object::Function(x));
        }
        for x in &self.raw {
            map.insert(x.key(), Object::Raw(x));
        }
        for x in &self.tables {
            map.insert(x.key(), Object::Table(x));
        }
        for x in &self.views {
            map.insert(x.key(), Object::View(x));
        }
        for x in &self.triggers {
            map.insert(x.key(), Object::Trigger(x));
        }
        map
    }
}

impl<'m> Object<'m> {
    pub fn origin(&self) -> &'m Origin {
        match *self {
            Object::Extension(x) => &x.origin,
            Object::Enum(x) => &x.origin,
            Object::Domain(x) => &x.origin,
            Object::Sequence(x) => &x.origin,
            Object::Function(x) => &x.origin,
            Object::Raw(x) => &x.origin,
            Object::Table(x) => &x.origin,
            Object::View(x) => &x.origin,
            Object::Trigger(x) => &x.origin,
        }
    }
}

impl PartialEq for Table {
    fn eq(&self, o: &Self) -> bool {
        let t = &self.sql;
        self.name == o.name
            && self.sql == o.sql
            && self.doc == o.doc
            && self.columns == o.columns
            && self.primary_key == o.primary_key
            && same_set(&self.uniques, &o.uniques, |u| u.key(t))
            && same_set(&self.checks, &o.checks, |c| c.key(t))
            && same_set(&self.foreign_keys, &o.foreign_keys, |f| f.key(t))
            && same_set(&self.excludes, &o.excludes, |x| x.key(t))
            && same_set(&self.indexes, &o.indexes, |i| i.key(t))
            && same_set(&self.depends_on, &o.depends_on, Key::clone)
            && self.partition == o.partition
            && self.retain == o.retain
            && self.distribution == o.distribution
            && same_set(&self.policies, &o.policies, |p| p.name.clone())
            && same_set(&self.grants, &o.grants, |g| {
                (g.role.clone(), g.columns.clone())
            })
            && self.declared_policies == o.declared_policies
    }
}

impl Table {
    pub fn key(&self) -> Key {
        Key::new(ObjectKind::Table, self.sql.clone())
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The names of the constraints the table owns.
    pub fn constraint_names(&self) -> impl Iterator<Item = &str> {
        self.primary_key
            .iter()
            .map(|p| p.name.as_str())
            .chain(self.uniques.iter().map(|u| u.name.as_str()))
            .chain(self.checks.iter().map(|c| c.name.as_str()))
            .chain(self.foreign_keys.iter().map(|f| f.name.as_str()))
            .chain(self.excludes.iter().map(|x| x.name.as_str()))
    }
}

/// How a table is partitioned: `PARTITION BY strategy (columns)`, the
/// partitions the script creates, and for time ranges the window that
/// maintenance keeps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Partition {
    pub strategy: PartitionStrategy,
    pub columns: Vec<String>,
    /// Range partitions by time: created (and dropped) by maintenance, since
    /// which ones exist depends on the date the database is at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    /// The partitions the script creates (list values, hash remainders, the
    /// default partition), in declaration order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partitions: Vec<PartitionChild>,
    pub origin: Origin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionStrategy {
    Range,
    List,
    Hash,
}

impl PartitionStrategy {
    pub fn sql(self) -> &'static str {
        match self {
            PartitionStrategy::Range => "RANGE",
            PartitionStrategy::List => "LIST",
            PartitionStrategy::Hash => "HASH",
        }
    }
}

/// The partitions of a time range: one per `every`, `ahead` of the current
/// one and `before` it, kept by `maintenance`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Window {
    pub every: TimeUnit,
    pub ahead: u32,
    pub before: u32,
    pub maintenance: Maintenance,
}

/// What creates and drops time partitions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Maintenance {
    /// The generated `maintain_partitions(now)` function: no extension.
    #[default]
    Function,
    /// pg_partman's `create_parent` and `run_maintenance` (scheduled with
    /// pg_cron when it is installed).
    PgPartman,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    Day,
    Week,
    Month,
    Year,
}

impl TimeUnit {
    pub const ALL: [TimeUnit; 4] = [
        TimeUnit::Day,
        TimeUnit::Week,
        TimeUnit::Month,
        TimeUnit::Year,
    ];

    /// `day`, `week`, ...: as `date_trunc` and intervals spell it.
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Day => "day",
            TimeUnit::Week => "week",
            TimeUnit::Month => "month",
            TimeUnit::Year => "year",
        }
    }

    /// `day`, `days`, `daily`, ...: the unit, case-insensitively.
    pub fn parse(word: &str) -> Option<TimeUnit> {
        Some(match word.to_ascii_lowercase().as_str() {
            "day" | "days" | "daily" => TimeUnit::Day,
            "week" | "weeks" | "weekly" => TimeUnit::Week,
            "month" | "months" | "monthly" => TimeUnit::Month,
            "year" | "years" | "yearly" => TimeUnit::Year,
            _ => return None,
        })
    }
}

/// A partition the script creates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartitionChild {
    pub sql: QName,
    pub bound: PartitionBound,
    /// Sub-partitioning: the partition is itself partitioned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<Box<Partition>>,
}

impl PartitionChild {
    pub fn key(&self) -> Key {
        Key::new(ObjectKind::Table, self.sql.clone())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PartitionBound {
    Default,
    /// `FOR VALUES IN (...)`: SQL literals as written.
    List {
        values: Vec<Expr>,
    },
    /// `FOR VALUES WITH (MODULUS m, REMAINDER r)`.
    Hash {
        modulus: u32,
        remainder: u32,
    },
    /// `FOR VALUES FROM (from) TO (to)`, fixed bounds of one column
    /// (`from` included, `to` not); `None` is `MINVALUE` or `MAXVALUE`.
    Range {
        from: Option<Expr>,
        to: Option<Expr>,
    },
}

/// `@retain(13 months)`: rows older than this go.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Retain {
    pub amount: u32,
    pub unit: TimeUnit,
    /// The time column whose age counts, on a table not partitioned by
    /// time (`by:`, `created_at` when left out); `None` when partitioned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub origin: Origin,
}

impl Retain {
    /// The period as a PostgreSQL interval's text, `13 months`.
    pub fn interval(&self) -> String {
        let s = if self.amount == 1 { "" } else { "s" };
        format!("{} {}{s}", self.amount, self.unit.name())
    }
}

/// How Citus places a table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Distribution {
    /// `create_distributed_table(table, column, colocate_with => ...)`.
    Distributed {
        column: String,
        /// The table whose shards this one's follow, when declared.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        colocate_with: Option<QName>,
        origin: Origin,
    },
    /// `create_reference_table(table)`: a copy on every node.
    Reference { origin: Origin },
}

/// `CREATE POLICY name ON table ...`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    pub name: String,
    /// `all`, `select`, `insert`, `update` or `delete`.
    pub command: String,
    pub roles: Vec<String>,
    pub using: Option<Expr>,
    pub with_check: Option<Expr>,
    pub origin: Origin,
}

/// `GRANT privileges ON table TO role`, or `GRANT privilege (columns) ...`
/// when `columns` is not empty (`@grant` on a column).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Grant {
    pub role: String,
    /// Lower case: `select`, `insert`, ...
    pub privileges: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    pub origin: Origin,
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
    /// Boxed: rare, and a large model has a hundred thousand columns.
    pub generated: Option<Box<Expr>>,
    pub identity: Option<Identity>,
    /// `@secret`: the value never leaves the table through what schemac
    /// generates (audit rows leave it out). Set on `@encrypted` columns too.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
    pub doc: Option<String>,
    pub origin: Origin,
}

impl Column {
    pub fn key(&self, table: &QName) -> Key {
        Key::member(ObjectKind::Column, table.clone(), self.name.clone())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    Always,
    ByDefault,
}

/// An SQL expression: the text as the user wrote it (what is printed) and a
/// canonical text (what is compared), checked by sqlparser. The canonical
/// text is stored only when it differs from the written one (most
/// defaults and checks are written canonically); `model.json` has both.
#[derive(Clone, Debug, Deserialize)]
#[serde(from = "ExprFile")]
pub struct Expr {
    /// Changed through [`Expr::set_sql`], which keeps the canonical text.
    pub sql: String,
    /// sqlparser's rendering of the parsed text: spacing, keyword case and
    /// redundant parentheses do not matter. The written text when sqlparser
    /// cannot parse it. `None`: the same as `sql`.
    canonical: Option<Box<str>>,
    pub span: Span,
}

/// [`Expr`] as `model.json` has it.
#[derive(Deserialize)]
struct ExprFile {
    sql: String,
    canonical: String,
    span: Span,
}

impl From<ExprFile> for Expr {
    fn from(e: ExprFile) -> Self {
        Expr::new(e.sql, e.canonical, e.span)
    }
}

impl Serialize for Expr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Expr", 3)?;
        st.serialize_field("sql", &self.sql)?;
        st.serialize_field("canonical", self.canonical())?;
        st.serialize_field("span", &self.span)?;
        st.end()
    }
}

/// Compares canonical texts: `price>=0` and `price >= 0` are the same check.
impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.canonical() == other.canonical()
    }
}

impl Eq for Expr {}

impl Expr {
    pub fn new(sql: String, canonical: String, span: Span) -> Self {
        let canonical = (canonical != sql).then(|| canonical.into_boxed_str());
        Expr {
            sql,
            canonical,
            span,
        }
    }

    /// An expression whose canonical text is its written text (generated
    /// SQL, raw bodies).
    pub fn verbatim(sql: String, span: Span) -> Self {
        Expr {
            sql,
            canonical: None,
            span,
        }
    }

    /// The text compared.
    pub fn canonical(&self) -> &str {
        self.canonical.as_deref().unwrap_or(&self.sql)
    }

    /// Another written text, the canonical one unchanged.
    pub fn set_sql(&mut self, sql: String) {
        let canonical = self.canonical().to_string();
        *self = Expr::new(sql, canonical, self.span);
    }

    pub fn set_canonical(&mut self, canonical: String) {
        self.canonical = (canonical != self.sql).then(|| canonical.into_boxed_str());
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PrimaryKey {
    pub name: String,
    pub columns: Vec<String>,
    pub doc: Option<String>,
    pub origin: Origin,
}

impl PrimaryKey {
    pub fn key(&self, table: &QName) -> Key {
        Key::member(ObjectKind::Constraint, table.clone(), self.name.clone())
    }
}

/// What an index element indexes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ElementTarget {
    Column { name: String },
    Expr { expr: Expr },
}

/// One element of an index, a unique key or an exclusion constraint:
/// `target [COLLATE c] [opclass] [DESC] [NULLS FIRST|LAST]`, canonical:
/// ascending and PostgreSQL's default null placement are not stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexElement {
    pub target: ElementTarget,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub descending: bool,
    /// Nulls sort first. PostgreSQL's default is last for ascending, first
    /// for descending order; [`IndexElement::nulls_first`] resolves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nulls_first: Option<bool>,
}

impl IndexElement {
    pub fn column(name: impl Into<String>) -> Self {
        IndexElement {
            target: ElementTarget::Column { name: name.into() },
            collation: None,
            opclass: None,
            descending: false,
            nulls_first: None,
        }
    }

    pub fn expr(expr: Expr) -> Self {
        IndexElement {
            target: ElementTarget::Expr { expr },
            ..IndexElement::column("")
        }
    }

    pub fn column_name(&self) -> Option<&str> {
        match &self.target {
            ElementTarget::Column { name } => Some(name),
            ElementTarget::Expr { .. } => None,
        }
    }

    /// A plain column: no expression and no options.
    pub fn is_plain_column(&self) -> bool {
        self.column_name().is_some()
            && self.collation.is_none()
            && self.opclass.is_none()
            && !self.descending
            && self.nulls_first.is_none()
    }

    /// Where nulls sort.
    pub fn nulls_first(&self) -> bool {
        self.nulls_first.unwrap_or(self.descending)
    }

    /// Sets where nulls sort, storing nothing when it is the default, so
    /// `desc` and `desc nulls first` are one element.
    pub fn set_nulls_first(&mut self, first: bool) {
        self.nulls_first = (first != self.descending).then_some(first);
    }

    /// Whether the element says where nulls sort (not the default).
    pub fn nulls_written(&self) -> bool {
        self.nulls_first.is_some()
    }
}

/// The access method of an index or an exclusion constraint.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum IndexMethod {
    #[default]
    Btree,
    Hash,
    Gin,
    Gist,
    Spgist,
    Brin,
}

impl IndexMethod {
    pub const ALL: [IndexMethod; 6] = [
        IndexMethod::Btree,
        IndexMethod::Hash,
        IndexMethod::Gin,
        IndexMethod::Gist,
        IndexMethod::Spgist,
        IndexMethod::Brin,
    ];

    pub fn name(self) -> &'static str {
        match self {
            IndexMethod::Btree => "btree",
            IndexMethod::Hash => "hash",
            IndexMethod::Gin => "gin",
            IndexMethod::Gist => "gist",
            IndexMethod::Spgist => "spgist",
            IndexMethod::Brin => "brin",
        }
    }

    /// The method by name, case-insensitively.
    pub fn parse(name: &str) -> Option<IndexMethod> {
        Self::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(name))
    }
}

fn is_btree(m: &IndexMethod) -> bool {
    *m == IndexMethod::Btree
}

/// A unique constraint over plain columns. A unique key over expressions,
/// with options or a predicate is a unique [`Index`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unique {
    pub name: String,
    pub columns: Vec<String>,
    pub nulls_not_distinct: bool,
    /// `deferrable [initially deferred]`: checked at commit if so set.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deferrable: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub initially_deferred: bool,
    pub doc: Option<String>,
    pub origin: Origin,
}

impl Unique {
    pub fn key(&self, table: &QName) -> Key {
        Key::member(ObjectKind::Constraint, table.clone(), self.name.clone())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    pub expr: Expr,
    pub doc: Option<String>,
    pub origin: Origin,
}

impl Check {
    pub fn key(&self, table: &QName) -> Key {
        Key::member(ObjectKind::Constraint, table.clone(), self.name.clone())
    }
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
    pub origin: Origin,
}

impl ForeignKey {
    pub fn key(&self, table: &QName) -> Key {
        Key::member(ObjectKind::Constraint, table.clone(), self.name.clone())
    }

    pub fn target_key(&self) -> Key {
        Key::new(ObjectKind::Table, self.target_table.clone())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Exclude {
    pub name: String,
    pub method: IndexMethod,
    pub elements: Vec<ExcludeElement>,
    pub predicate: Option<Expr>,
    pub doc: Option<String>,
    pub origin: Origin,
}

impl Exclude {
    pub fn key(&self, table: &QName) -> Key {
        Key::member(ObjectKind::Constraint, table.clone(), self.name.clone())
    }
}

/// `element with operator`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExcludeElement {
    pub element: IndexElement,
    pub operator: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    #[serde(default, skip_serializing_if = "is_btree")]
    pub method: IndexMethod,
    pub unique: bool,
    /// Unique indexes only: nulls count as equal.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nulls_not_distinct: bool,
    pub elements: Vec<IndexElement>,
    pub include: Vec<String>,
    pub predicate: Option<Expr>,
    pub doc: Option<String>,
    pub origin: Origin,
}

impl Index {
    /// Indexes are named in their table's schema, beside the relations.
    pub fn key(&self, table: &QName) -> Key {
        Key::new(
            ObjectKind::Index,
            QName::new(table.schema.clone(), self.name.clone()),
        )
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct View {
    pub name: String,
    pub sql: QName,
    pub materialized: bool,
    pub body: Expr,
    /// The tables and views its body reads.
    pub reads: Vec<Key>,
    /// Declared `@depends(...)`.
    pub depends_on: Vec<Key>,
    pub doc: Option<String>,
    pub origin: Origin,
}

impl View {
    pub fn key(&self) -> Key {
        let kind = if self.materialized {
            ObjectKind::MaterializedView
        } else {
            ObjectKind::View
        };
        Key::new(kind, self.sql.clone())
    }
}

/// Raw SQL, placed in the creation order by its declared dependencies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RawSql {
    pub name: String,
    /// The schema of its module: unqualified names in the body resolve
    /// there first, then in `public`.
    pub schema: String,
    pub body: Expr,
    pub depends_on: Vec<Key>,
    /// What the block creates (`@creates(...)`): other objects may depend
    /// on these, and they belong to the model although schemac does not
    /// write their DDL.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub creates: Vec<Key>,
    pub doc: Option<String>,
    pub origin: Origin,
}

impl RawSql {
    pub fn key(&self) -> Key {
        Key::new(
            ObjectKind::Raw,
            QName::new(self.schema.clone(), self.name.clone()),
        )
    }
}

/// `CREATE SEQUENCE`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sequence {
    pub sql: QName,
    /// `smallint`, `integer` or `bigint`.
    pub ty: String,
    pub start: Option<i64>,
    pub increment: Option<i64>,
    pub origin: Origin,
}

impl Sequence {
    pub fn key(&self) -> Key {
        Key::new(ObjectKind::Sequence, self.sql.clone())
    }
}

/// `CREATE FUNCTION name(args) RETURNS returns LANGUAGE language AS body`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Function {
    pub sql: QName,
    /// Argument types, comma-separated as PostgreSQL identifies the
    /// function (`integer, text`; empty for none).
    pub args: String,
    pub returns: String,
    pub language: String,
    pub body: String,
    pub depends_on: Vec<Key>,
    /// `SECURITY DEFINER SET search_path = ''`: runs with its owner's
    /// rights (to write what its callers may not), on a fixed search path
    /// so a caller's objects cannot stand in for the ones it names.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub security_definer: bool,
    /// `COMMENT ON FUNCTION`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    pub origin: Origin,
}

impl Function {
    pub fn key(&self) -> Key {
        Key::member(ObjectKind::Function, self.sql.clone(), self.args.clone())
    }
}

/// `CREATE TRIGGER name {BEFORE|AFTER} events ON table [REFERENCING ...] FOR EACH {ROW|STATEMENT} EXECUTE FUNCTION f()`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trigger {
    pub name: String,
    pub table: QName,
    /// `before`, `after` or `instead of`.
    pub timing: String,
    /// `insert`, `update`, `delete`, `truncate`.
    pub events: Vec<String>,
    pub for_each_row: bool,
    /// `REFERENCING OLD TABLE AS ...`: the name a statement-level trigger
    /// reads the statement's old rows by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_table: Option<String>,
    /// `REFERENCING NEW TABLE AS ...`: the same for the new rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_table: Option<String>,
    /// The key of the function it executes.
    pub function: Key,
    pub origin: Origin,
}

impl Trigger {
    pub fn key(&self) -> Key {
        Key::member(ObjectKind::Trigger, self.table.clone(), self.name.clone())
    }
}
