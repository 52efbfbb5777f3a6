//! Columns of an existing table. Every form takes an `ACCESS EXCLUSIVE`
//! lock on the table; a type change may rewrite it.

use super::{write, Lock, Statement, Verb};
use crate::key::{Key, ObjectKind};
use crate::model::{Column, Expr, QName, SqlType};
use crate::quote::{Ident, Qualified};

fn key(table: &QName, column: &str) -> Key {
    Key::member(ObjectKind::Column, table.clone(), column)
}

fn alter(table: &QName, column: &str, action: std::fmt::Arguments) -> Statement {
    Statement::new(
        format!(
            "ALTER TABLE {} ALTER COLUMN {} {action}",
            Qualified(table),
            Ident(column)
        ),
        key(table, column),
        Verb::Alter,
        Lock::AccessExclusive,
        1,
    )
}

pub fn add(table: &QName, c: &Column) -> Statement {
    let mut sql = format!("ALTER TABLE {} ADD COLUMN ", Qualified(table));
    write::column(&mut sql, c);
    let locks = 1 + u32::from(c.identity.is_some());
    Statement::new(
        sql,
        key(table, &c.name),
        Verb::Create,
        Lock::AccessExclusive,
        locks,
    )
}

pub fn drop(table: &QName, column: &str) -> Statement {
    Statement::new(
        format!(
            "ALTER TABLE {} DROP COLUMN {}",
            Qualified(table),
            Ident(column)
        ),
        key(table, column),
        Verb::Drop,
        Lock::AccessExclusive,
        1,
    )
}

/// `using`: how to convert the old values, when PostgreSQL has no cast.
pub fn alter_type(table: &QName, column: &str, ty: &SqlType, using: Option<&str>) -> Statement {
    let mut text = String::new();
    write::sql_type(&mut text, ty);
    if let Some(u) = using {
        text.push_str(" USING ");
        text.push_str(u);
    }
    alter(table, column, format_args!("TYPE {text}"))
}

pub fn set_default(table: &QName, column: &str, default: &Expr) -> Statement {
    alter(table, column, format_args!("SET DEFAULT {}", default.sql))
}

pub fn drop_default(table: &QName, column: &str) -> Statement {
    alter(table, column, format_args!("DROP DEFAULT"))
}

/// Scans the table to prove no row is null.
pub fn set_not_null(table: &QName, column: &str) -> Statement {
    alter(table, column, format_args!("SET NOT NULL"))
}

pub fn drop_not_null(table: &QName, column: &str) -> Statement {
    alter(table, column, format_args!("DROP NOT NULL"))
}

pub fn rename(table: &QName, from: &str, to: &str) -> Statement {
    Statement::new(
        format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            Qualified(table),
            Ident(from),
            Ident(to)
        ),
        key(table, from),
        Verb::Alter,
        Lock::AccessExclusive,
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::tests::compiled;

    #[test]
    fn column_statements() {
        let c = compiled("entity User {\n  id bigint @pk\n  name varchar(80) = 'anon'\n}\n");
        let t = &c.model.tables[0];
        let name = t.column("name").expect("name");
        let q = &t.sql;
        let add = add(q, name);
        assert_eq!(
            add.sql,
            "ALTER TABLE \"public\".\"users\" ADD COLUMN \"name\" varchar(80) DEFAULT 'anon' NOT NULL"
        );
        assert_eq!(add.key.to_string(), "column public.users.name");
        assert_eq!(
            (add.verb, add.lock, add.transactional),
            (Verb::Create, Lock::AccessExclusive, true)
        );
        let d = drop(q, "name");
        assert_eq!(
            d.sql,
            "ALTER TABLE \"public\".\"users\" DROP COLUMN \"name\""
        );
        assert_eq!(
            (d.verb, d.lock, d.key.clone()),
            (Verb::Drop, Lock::AccessExclusive, add.key.clone())
        );
        let ty = alter_type(q, "name", &crate::model::SqlType::builtin("text"), None);
        assert_eq!(
            ty.sql,
            "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"name\" TYPE text"
        );
        assert_eq!((ty.verb, ty.lock), (Verb::Alter, Lock::AccessExclusive));
        let int = alter_type(
            q,
            "name",
            &crate::model::SqlType::builtin("integer"),
            Some("length(name)"),
        );
        assert_eq!(
            int.sql,
            "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"name\" TYPE integer USING length(name)"
        );
        let def = name.default.as_ref().expect("default");
        let sd = set_default(q, "name", def);
        assert_eq!(
            sd.sql,
            "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"name\" SET DEFAULT 'anon'"
        );
        assert_eq!(
            (sd.key.clone(), sd.lock),
            (add.key.clone(), Lock::AccessExclusive)
        );
        assert_eq!(
            drop_default(q, "name").sql,
            "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"name\" DROP DEFAULT"
        );
        let nn = set_not_null(q, "name");
        assert_eq!(
            nn.sql,
            "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"name\" SET NOT NULL"
        );
        assert!(nn.transactional);
        assert_eq!(
            drop_not_null(q, "name").sql,
            "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"name\" DROP NOT NULL"
        );
        let r = rename(q, "name", "full name");
        assert_eq!(
            r.sql,
            "ALTER TABLE \"public\".\"users\" RENAME COLUMN \"name\" TO \"full name\""
        );
        assert_eq!(
            (r.key, r.verb, r.lock),
            (add.key, Verb::Alter, Lock::AccessExclusive)
        );
    }
}
