//! The syntax tree: what the user wrote, with a span on every node. Names are
//! kept as written (quotes removed); meaning is given by the resolver.

use crate::span::Span;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ident {
    pub name: String,
    /// Written in double quotes: taken verbatim, never case-converted.
    pub quoted: bool,
    pub span: Span,
}

/// A dotted name: `billing.Invoice`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Path {
    pub parts: Vec<Ident>,
    pub span: Span,
}

impl Path {
    pub fn last(&self) -> &Ident {
        // A path is never empty: the grammar needs one identifier.
        &self.parts[self.parts.len() - 1]
    }

    pub fn dotted(&self) -> String {
        let names: Vec<&str> = self.parts.iter().map(|p| p.name.as_str()).collect();
        names.join(".")
    }
}

/// A fragment of SQL, as written (trimmed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Sql {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct File {
    pub file: u32,
    pub version: Option<(u32, Span)>,
    pub items: Vec<Item>,
    /// Every `//` comment, in source order. Comments are kept beside the
    /// tree, not in it: the printer attaches each to the node it leads or
    /// trails (see `printer`), and lint reads suppressions from them.
    pub comments: Vec<Comment>,
    /// `// schemac: allow(rule) reason: ...` comments, parsed.
    pub suppressions: Vec<Suppression>,
}

/// A `//` comment. `text` is the whole comment from `//`, trailing blanks
/// removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub text: String,
    pub span: Span,
    /// Alone on its line (else it trails code on the same line).
    pub own_line: bool,
}

/// A lint rule or group named in a suppression.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    pub id: String,
    pub span: Span,
}

/// An inline lint suppression: `// schemac: allow(naming/plural-table)
/// reason: the table name is fixed by a vendor`. On a line of its own it
/// applies to the next line with code; trailing, to its own line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// Rule ids or groups, as written.
    pub rules: Vec<RuleRef>,
    pub reason: Option<String>,
    pub span: Span,
    /// The 0-based line the suppression applies to.
    pub line: u32,
}

#[derive(Clone, Debug, Serialize)]
pub enum Item {
    Import(Import),
    Schema(Ident),
    Entity(Entity),
    Mixin(Entity),
    Enum(EnumDecl),
    Domain(Domain),
    View(View),
    Sql(RawSql),
    Extension(Extension),
}

/// `extension pgcrypto @schema(extensions)`.
#[derive(Clone, Debug, Serialize)]
pub struct Extension {
    pub doc: Option<String>,
    /// The `///` lines, when there are any.
    pub doc_span: Option<Span>,
    pub name: Ident,
    pub attrs: Vec<Attribute>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct Import {
    pub path: Path,
    /// `None` imports every declaration of the module.
    pub names: Option<Vec<Ident>>,
    pub span: Span,
}

/// An entity or a mixin (the same shape: a mixin is an entity's parts).
#[derive(Clone, Debug, Serialize)]
pub struct Entity {
    pub doc: Option<String>,
    /// The `///` lines, when there are any.
    pub doc_span: Option<Span>,
    pub name: Ident,
    pub attrs: Vec<Attribute>,
    pub with: Vec<Path>,
    /// `renamed from Old`: the entity's name before.
    pub renamed_from: Option<Ident>,
    pub members: Vec<Member>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct Member {
    pub doc: Option<String>,
    /// The `///` lines, when there are any.
    pub doc_span: Option<Span>,
    pub kind: MemberKind,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum MemberKind {
    Attributes(Vec<Attribute>),
    Column(Column),
    PrimaryKey {
        name: Option<Ident>,
        columns: Vec<Ident>,
    },
    Unique {
        name: Option<Ident>,
        elements: Vec<Sql>,
        nulls_not_distinct: bool,
        deferrable: Option<Deferrable>,
        predicate: Option<Sql>,
    },
    Index {
        name: Option<Ident>,
        using: Option<Ident>,
        elements: Vec<Sql>,
        include: Vec<Ident>,
        predicate: Option<Sql>,
    },
    Check {
        name: Option<Ident>,
        expr: Sql,
    },
    ForeignKey {
        name: Option<Ident>,
        columns: Vec<Ident>,
        target: Path,
        target_columns: Vec<Ident>,
        actions: Vec<RefAction>,
        deferrable: Option<Deferrable>,
    },
    Exclude {
        name: Option<Ident>,
        using: Option<Ident>,
        elements: Vec<Sql>,
        predicate: Option<Sql>,
    },
}

#[derive(Clone, Debug, Serialize)]
pub struct Column {
    pub is_override: bool,
    pub name: Ident,
    pub ty: ColumnType,
    pub default: Option<Sql>,
    pub attrs: Vec<Attribute>,
    /// `renamed from old`: the column's name before (boxed: rare, and a
    /// column is the most common node).
    pub renamed_from: Option<Box<Ident>>,
}

#[derive(Clone, Debug, Serialize)]
pub enum ColumnType {
    Type(TypeRef),
    /// Boxed: a relation is three times a type's size, and most columns
    /// have a type (every column pays for the largest variant).
    Relation(Box<Relation>),
}

/// `numeric(12,2)`, `text[]`, `Status?`, `double precision`.
#[derive(Clone, Debug, Serialize)]
pub struct TypeRef {
    /// The name as written, with inner whitespace collapsed to one space.
    pub name: String,
    pub name_span: Span,
    pub args: Vec<u32>,
    pub array_dims: u8,
    pub nullable: bool,
    pub span: Span,
}

/// `-> User(id)? on delete cascade deferrable as members`
#[derive(Clone, Debug, Serialize)]
pub struct Relation {
    pub target: Path,
    /// The further targets of a polymorphic reference (`-> A | B | C`):
    /// `B` and `C`. Loading a project expands such a column into one
    /// relation column per target (`generator::polymorphic`).
    pub alternatives: Vec<Path>,
    /// Set by that expansion on the first column of an arc: the names of
    /// all its columns, and whether none may be set (the `?`), for the
    /// check that exactly (or at most) one is.
    pub arc: Option<Box<ExclusiveArc>>,
    pub target_columns: Vec<Ident>,
    pub nullable: bool,
    pub actions: Vec<RefAction>,
    pub deferrable: Option<Deferrable>,
    /// `constraint fk_orders_customers`: the foreign key's own name.
    pub constraint: Option<Ident>,
    pub back_name: Option<Ident>,
    pub span: Span,
}

/// The columns of one exclusive arc (a polymorphic reference expanded).
#[derive(Clone, Debug, Serialize)]
pub struct ExclusiveArc {
    /// The polymorphic column's name as written (`target`).
    pub name: Ident,
    pub columns: Vec<String>,
    pub optional: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum RefEvent {
    Delete,
    Update,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Action {
    Cascade,
    Restrict,
    NoAction,
    SetNull,
    SetDefault,
}

#[derive(Clone, Debug, Serialize)]
pub struct RefAction {
    pub event: RefEvent,
    pub action: Action,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct Deferrable {
    pub deferrable: bool,
    pub initially_deferred: bool,
    pub span: Span,
}

/// `@name` or `@name(args)`.
#[derive(Clone, Debug, Serialize)]
pub struct Attribute {
    pub name: Ident,
    pub args: Vec<AttrArg>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct AttrArg {
    pub name: Option<Ident>,
    pub value: ArgValue,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum ArgValue {
    Sql(Sql),
    List(Vec<Sql>),
}

#[derive(Clone, Debug, Serialize)]
pub struct EnumDecl {
    pub doc: Option<String>,
    /// The `///` lines, when there are any.
    pub doc_span: Option<Span>,
    pub name: Ident,
    pub attrs: Vec<Attribute>,
    pub values: Vec<EnumValue>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct EnumValue {
    pub doc: Option<String>,
    /// The `///` lines, when there are any.
    pub doc_span: Option<Span>,
    pub name: String,
    pub span: Span,
    /// `renamed from 'old'`: the value before (its span covers the name
    /// as written, quotes included).
    pub renamed_from: Option<Ident>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Domain {
    pub doc: Option<String>,
    /// The `///` lines, when there are any.
    pub doc_span: Option<Span>,
    pub name: Ident,
    pub ty: TypeRef,
    pub default: Option<Sql>,
    pub attrs: Vec<Attribute>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct View {
    pub doc: Option<String>,
    /// The `///` lines, when there are any.
    pub doc_span: Option<Span>,
    pub materialized: bool,
    pub name: Ident,
    pub attrs: Vec<Attribute>,
    pub body: Sql,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct RawSql {
    pub doc: Option<String>,
    /// The `///` lines, when there are any.
    pub doc_span: Option<Span>,
    pub name: Ident,
    pub attrs: Vec<Attribute>,
    pub body: Sql,
    pub span: Span,
}
