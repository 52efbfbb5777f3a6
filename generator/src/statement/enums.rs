//! Enum types. Values can be added (anywhere) and renamed, never removed:
//! PostgreSQL has no `DROP VALUE`.

use super::{Lock, Statement, Verb};
use crate::key::{Key, ObjectKind};
use crate::model::{Enum, QName};
use crate::quote::{literal, Qualified};
use std::fmt::Write;

fn key(name: &QName) -> Key {
    Key::new(ObjectKind::Enum, name.clone())
}

pub fn create(e: &Enum) -> Statement {
    let mut sql = format!("CREATE TYPE {} AS ENUM (", Qualified(&e.sql));
    for (i, v) in e.values.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&literal(&v.name));
    }
    sql.push(')');
    Statement::new(sql, key(&e.sql), Verb::Create, Lock::None, 1)
}

/// Where `ADD VALUE` puts the new value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position<'a> {
    Last,
    Before(&'a str),
    After(&'a str),
}

/// A new value is usable only once the transaction that added it has
/// committed.
pub fn add_value(name: &QName, value: &str, at: Position) -> Statement {
    let mut sql = format!(
        "ALTER TYPE {} ADD VALUE {}",
        Qualified(name),
        literal(value)
    );
    match at {
        Position::Last => {}
        Position::Before(v) => {
            let _ = write!(sql, " BEFORE {}", literal(v));
        }
        Position::After(v) => {
            let _ = write!(sql, " AFTER {}", literal(v));
        }
    }
    Statement::new(sql, key(name), Verb::Alter, Lock::None, 1)
}

pub fn rename_value(name: &QName, from: &str, to: &str) -> Statement {
    Statement::new(
        format!(
            "ALTER TYPE {} RENAME VALUE {} TO {}",
            Qualified(name),
            literal(from),
            literal(to)
        ),
        key(name),
        Verb::Alter,
        Lock::None,
        1,
    )
}

pub fn drop(name: &QName) -> Statement {
    Statement::new(
        format!("DROP TYPE {}", Qualified(name)),
        key(name),
        Verb::Drop,
        Lock::None,
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::tests::compiled;

    #[test]
    fn enum_statements() {
        let c = compiled("schema app\nenum Mood { happy 'so so' }\n");
        let e = &c.model.enums[0];
        let s = create(e);
        assert_eq!(
            s.sql,
            "CREATE TYPE \"app\".\"mood\" AS ENUM ('happy', 'so so')"
        );
        assert_eq!(s.key.to_string(), "type app.mood");
        assert_eq!(
            (s.verb, s.lock, s.transactional),
            (Verb::Create, Lock::None, true)
        );
        let q = &e.sql;
        let last = add_value(q, "sad", Position::Last);
        assert_eq!(last.sql, "ALTER TYPE \"app\".\"mood\" ADD VALUE 'sad'");
        assert_eq!((last.verb, last.lock), (Verb::Alter, Lock::None));
        assert!(last.transactional);
        assert_eq!(
            add_value(q, "meh", Position::Before("happy")).sql,
            "ALTER TYPE \"app\".\"mood\" ADD VALUE 'meh' BEFORE 'happy'"
        );
        assert_eq!(
            add_value(q, "meh", Position::After("so so")).sql,
            "ALTER TYPE \"app\".\"mood\" ADD VALUE 'meh' AFTER 'so so'"
        );
        let r = rename_value(q, "so so", "okay");
        assert_eq!(
            r.sql,
            "ALTER TYPE \"app\".\"mood\" RENAME VALUE 'so so' TO 'okay'"
        );
        assert_eq!(r.key, s.key);
        let d = drop(q);
        assert_eq!(d.sql, "DROP TYPE \"app\".\"mood\"");
        assert_eq!((d.verb, d.key), (Verb::Drop, s.key));
    }
}
