//! `COMMENT ON`, for any object a key names. A comment on a relation or
//! one of its members takes `SHARE UPDATE EXCLUSIVE` on it.

use super::{Lock, Statement, Verb};
use crate::key::{Key, ObjectKind};
use crate::quote::{literal, Ident, Qualified};
use std::fmt::Write;

/// `COMMENT ON <object> IS '<text>'`; `None` for a raw `sql` block, which
/// is not a database object.
pub fn set(key: &Key, text: &str) -> Option<Statement> {
    build(key, &literal(text))
}

/// `COMMENT ON <object> IS NULL`.
pub fn remove(key: &Key) -> Option<Statement> {
    build(key, "NULL")
}

fn build(key: &Key, value: &str) -> Option<Statement> {
    let q = Qualified(&key.name);
    let member = key.member.as_deref().unwrap_or_default();
    let mut sql = String::with_capacity(48 + value.len());
    let _ = match key.kind {
        ObjectKind::Schema | ObjectKind::Extension => write!(
            sql,
            "COMMENT ON {} {}",
            key.kind.sql_word().to_uppercase(),
            Ident(&key.name.name)
        ),
        ObjectKind::Column => write!(sql, "COMMENT ON COLUMN {q}.{}", Ident(member)),
        ObjectKind::Function => write!(sql, "COMMENT ON FUNCTION {q}({member})"),
        ObjectKind::Constraint | ObjectKind::Trigger | ObjectKind::Policy => write!(
            sql,
            "COMMENT ON {} {} ON {q}",
            key.kind.sql_word().to_uppercase(),
            Ident(member)
        ),
        ObjectKind::Enum
        | ObjectKind::Domain
        | ObjectKind::Sequence
        | ObjectKind::Table
        | ObjectKind::Index
        | ObjectKind::View
        | ObjectKind::MaterializedView => {
            write!(sql, "COMMENT ON {} {q}", key.kind.sql_word().to_uppercase())
        }
        ObjectKind::Raw => return None,
    };
    sql.push_str(" IS ");
    sql.push_str(value);
    let lock = match key.kind {
        ObjectKind::Schema
        | ObjectKind::Extension
        | ObjectKind::Enum
        | ObjectKind::Domain
        | ObjectKind::Function => Lock::None,
        _ => Lock::ShareUpdateExclusive,
    };
    Some(Statement::new(sql, key.clone(), Verb::Comment, lock, 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::QName;

    #[test]
    fn comments_name_every_kind() {
        let t = QName::new("app", "users");
        let cases = [
            (Key::schema("app"), "COMMENT ON SCHEMA \"app\"", Lock::None),
            (
                Key::extension("citext"),
                "COMMENT ON EXTENSION \"citext\"",
                Lock::None,
            ),
            (
                Key::new(ObjectKind::Enum, t.clone()),
                "COMMENT ON TYPE \"app\".\"users\"",
                Lock::None,
            ),
            (
                Key::new(ObjectKind::Domain, t.clone()),
                "COMMENT ON DOMAIN \"app\".\"users\"",
                Lock::None,
            ),
            (
                Key::new(ObjectKind::Table, t.clone()),
                "COMMENT ON TABLE \"app\".\"users\"",
                Lock::ShareUpdateExclusive,
            ),
            (
                Key::new(ObjectKind::Index, t.clone()),
                "COMMENT ON INDEX \"app\".\"users\"",
                Lock::ShareUpdateExclusive,
            ),
            (
                Key::new(ObjectKind::Sequence, t.clone()),
                "COMMENT ON SEQUENCE \"app\".\"users\"",
                Lock::ShareUpdateExclusive,
            ),
            (
                Key::new(ObjectKind::View, t.clone()),
                "COMMENT ON VIEW \"app\".\"users\"",
                Lock::ShareUpdateExclusive,
            ),
            (
                Key::new(ObjectKind::MaterializedView, t.clone()),
                "COMMENT ON MATERIALIZED VIEW \"app\".\"users\"",
                Lock::ShareUpdateExclusive,
            ),
            (
                Key::member(ObjectKind::Column, t.clone(), "e\"mail"),
                "COMMENT ON COLUMN \"app\".\"users\".\"e\"\"mail\"",
                Lock::ShareUpdateExclusive,
            ),
            (
                Key::member(ObjectKind::Constraint, t.clone(), "pk_users"),
                "COMMENT ON CONSTRAINT \"pk_users\" ON \"app\".\"users\"",
                Lock::ShareUpdateExclusive,
            ),
            (
                Key::member(ObjectKind::Trigger, t.clone(), "touch"),
                "COMMENT ON TRIGGER \"touch\" ON \"app\".\"users\"",
                Lock::ShareUpdateExclusive,
            ),
            (
                Key::member(ObjectKind::Policy, t.clone(), "own"),
                "COMMENT ON POLICY \"own\" ON \"app\".\"users\"",
                Lock::ShareUpdateExclusive,
            ),
            (
                Key::member(ObjectKind::Function, t.clone(), "integer, text"),
                "COMMENT ON FUNCTION \"app\".\"users\"(integer, text)",
                Lock::None,
            ),
        ];
        for (key, target, lock) in cases {
            let s = set(&key, "it's").expect("commentable");
            assert_eq!(s.sql, format!("{target} IS 'it''s'"));
            assert_eq!(
                (&s.key, s.verb, s.lock, s.transactional),
                (&key, Verb::Comment, lock, true)
            );
            let r = remove(&key).expect("commentable");
            assert_eq!(r.sql, format!("{target} IS NULL"));
        }
        assert!(set(&Key::new(ObjectKind::Raw, t), "x").is_none());
    }
}
