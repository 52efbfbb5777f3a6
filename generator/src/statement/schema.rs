//! Schemas and extensions. Creating either is idempotent (`IF NOT
//! EXISTS`): both may already be there, made by hand or by another project.

use super::{Lock, Statement, Verb};
use crate::key::Key;
use crate::model::Extension;
use crate::quote::Ident;
use std::fmt::Write;

pub fn create(name: &str) -> Statement {
    Statement::new(
        format!("CREATE SCHEMA IF NOT EXISTS {}", Ident(name)),
        Key::schema(name),
        Verb::Create,
        Lock::None,
        1,
    )
}

/// Refused by PostgreSQL while the schema holds objects.
pub fn drop(name: &str) -> Statement {
    Statement::new(
        format!("DROP SCHEMA {}", Ident(name)),
        Key::schema(name),
        Verb::Drop,
        Lock::None,
        1,
    )
}

/// In its schema when that is not `public`.
pub fn create_extension(e: &Extension) -> Statement {
    let mut sql = format!("CREATE EXTENSION IF NOT EXISTS {}", Ident(&e.name));
    if e.schema != "public" {
        let _ = write!(sql, " WITH SCHEMA {}", Ident(&e.schema));
    }
    Statement::new(sql, Key::extension(&e.name), Verb::Create, Lock::None, 1)
}

pub fn drop_extension(name: &str) -> Statement {
    Statement::new(
        format!("DROP EXTENSION {}", Ident(name)),
        Key::extension(name),
        Verb::Drop,
        Lock::None,
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_and_extension_statements() {
        let s = create("app");
        assert_eq!(s.sql, "CREATE SCHEMA IF NOT EXISTS \"app\"");
        assert_eq!((s.key.clone(), s.verb), (Key::schema("app"), Verb::Create));
        assert!(s.transactional);
        assert_eq!(s.lock, Lock::None);
        let d = drop("app");
        assert_eq!(d.sql, "DROP SCHEMA \"app\"");
        assert_eq!(
            (d.key, d.verb, d.lock),
            (Key::schema("app"), Verb::Drop, Lock::None)
        );
        let c = crate::statement::tests::compiled("domain Email citext\n");
        let citext = c
            .model
            .extensions
            .iter()
            .find(|e| e.name == "citext")
            .expect("citext");
        let e = create_extension(citext);
        assert_eq!(e.sql, "CREATE EXTENSION IF NOT EXISTS \"citext\"");
        let mut elsewhere = citext.clone();
        elsewhere.schema = "ext".into();
        assert_eq!(
            create_extension(&elsewhere).sql,
            "CREATE EXTENSION IF NOT EXISTS \"citext\" WITH SCHEMA \"ext\""
        );
        assert_eq!(e.key, Key::extension("citext"));
        assert!(e.transactional);
        let x = drop_extension("citext");
        assert_eq!(x.sql, "DROP EXTENSION \"citext\"");
        assert_eq!((x.verb, x.lock), (Verb::Drop, Lock::None));
    }
}
