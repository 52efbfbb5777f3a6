//! Stable identity for model objects. A key is what an object *is* to
//! PostgreSQL: its kind and schema-qualified SQL name (for a column, a
//! constraint, a trigger or a policy: its table's name and its own). Keys do
//! not depend on declaration order or source positions, so two models, or a
//! model and an introspected database, can be matched object by object.

use crate::model::QName;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    Schema,
    Extension,
    Enum,
    Domain,
    Sequence,
    Table,
    Column,
    Constraint,
    Index,
    View,
    MaterializedView,
    Function,
    Trigger,
    Policy,
    /// A raw `sql` block, named by its declaration.
    Raw,
}

impl ObjectKind {
    /// The words PostgreSQL uses for the kind (`materialized view`).
    pub fn sql_word(self) -> &'static str {
        match self {
            ObjectKind::Schema => "schema",
            ObjectKind::Extension => "extension",
            ObjectKind::Enum => "type",
            ObjectKind::Domain => "domain",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Table => "table",
            ObjectKind::Column => "column",
            ObjectKind::Constraint => "constraint",
            ObjectKind::Index => "index",
            ObjectKind::View => "view",
            ObjectKind::MaterializedView => "materialized view",
            ObjectKind::Function => "function",
            ObjectKind::Trigger => "trigger",
            ObjectKind::Policy => "policy",
            ObjectKind::Raw => "sql",
        }
    }

    /// Objects that live inside a table and are named per table.
    pub fn is_table_member(self) -> bool {
        matches!(
            self,
            ObjectKind::Column | ObjectKind::Constraint | ObjectKind::Trigger | ObjectKind::Policy
        )
    }
}

/// The stable key of one object. For schemas and extensions `name.schema`
/// is empty; for table members `name` is the table and `member` the
/// object's own name; for functions `member` is the argument type list.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Key {
    pub kind: ObjectKind,
    pub name: QName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
}

impl Key {
    pub fn new(kind: ObjectKind, name: QName) -> Self {
        Key {
            kind,
            name,
            member: None,
        }
    }

    pub fn schema(name: impl Into<String>) -> Self {
        Key::new(ObjectKind::Schema, QName::new("", name))
    }

    pub fn extension(name: impl Into<String>) -> Self {
        Key::new(ObjectKind::Extension, QName::new("", name))
    }

    /// A column, constraint, trigger or policy of `table`.
    pub fn member(kind: ObjectKind, table: QName, member: impl Into<String>) -> Self {
        Key {
            kind,
            name: table,
            member: Some(member.into()),
        }
    }

    /// The key of the table a member belongs to.
    pub fn table(&self) -> Option<Key> {
        self.kind
            .is_table_member()
            .then(|| Key::new(ObjectKind::Table, self.name.clone()))
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.sql_word())?;
        f.write_str(" ")?;
        if !self.name.schema.is_empty() {
            write!(f, "{}.", self.name.schema)?;
        }
        f.write_str(&self.name.name)?;
        match (&self.member, self.kind) {
            (Some(args), ObjectKind::Function) => write!(f, "({args})"),
            (Some(m), _) => write!(f, ".{m}"),
            (None, _) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_display_as_postgres_names_them() {
        let users = QName::new("public", "users");
        assert_eq!(
            Key::new(ObjectKind::Table, users.clone()).to_string(),
            "table public.users"
        );
        let email = Key::member(ObjectKind::Column, users.clone(), "email");
        assert_eq!(email.to_string(), "column public.users.email");
        assert_eq!(email.table(), Some(Key::new(ObjectKind::Table, users)));
        assert_eq!(Key::extension("citext").to_string(), "extension citext");
        let f = Key::member(
            ObjectKind::Function,
            QName::new("app", "touch"),
            "timestamptz",
        );
        assert_eq!(f.to_string(), "function app.touch(timestamptz)");
        assert_eq!(f.table(), None);
    }

    #[test]
    fn keys_order_by_kind_then_name() {
        let mut keys = [
            Key::new(ObjectKind::View, QName::new("public", "a")),
            Key::new(ObjectKind::Table, QName::new("public", "b")),
            Key::new(ObjectKind::Table, QName::new("public", "a")),
        ];
        keys.sort();
        let names: Vec<String> = keys.iter().map(Key::to_string).collect();
        assert_eq!(names, ["table public.a", "table public.b", "view public.a"]);
    }
}
