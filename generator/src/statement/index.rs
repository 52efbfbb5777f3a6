//! Indexes. A plain `CREATE INDEX` takes `SHARE` on its table (reads go on,
//! writes wait); `CONCURRENTLY` takes `SHARE UPDATE EXCLUSIVE` and lets
//! writes go on, but cannot run inside a transaction block.

use super::{write, Concurrency, Lock, Statement, Verb};
use crate::key::{Key, ObjectKind};
use crate::model::{Index, IndexMethod, QName};
use crate::quote::{Ident, Qualified};
use std::fmt::Write;

/// Indexes live in their table's schema.
fn key(table: &QName, name: &str) -> Key {
    Key::new(
        ObjectKind::Index,
        QName::new(table.schema.clone(), name.to_string()),
    )
}

fn head(unique: bool, how: Concurrency) -> &'static str {
    match (unique, how) {
        (false, Concurrency::Blocking) => "CREATE INDEX ",
        (true, Concurrency::Blocking) => "CREATE UNIQUE INDEX ",
        (false, Concurrency::Concurrently) => "CREATE INDEX CONCURRENTLY ",
        (true, Concurrency::Concurrently) => "CREATE UNIQUE INDEX CONCURRENTLY ",
    }
}

fn built(sql: String, key: Key, how: Concurrency) -> Statement {
    let (lock, transactional) = match how {
        Concurrency::Blocking => (Lock::Share, true),
        Concurrency::Concurrently => (Lock::ShareUpdateExclusive, false),
    };
    Statement {
        transactional,
        ..Statement::new(sql, key, Verb::Create, lock, 1)
    }
}

pub fn create(table: &QName, i: &Index, how: Concurrency) -> Statement {
    let mut sql = String::with_capacity(128);
    sql.push_str(head(i.unique, how));
    let _ = write!(sql, "{} ON {}", Ident(&i.name), Qualified(table));
    if i.method != IndexMethod::Btree {
        let _ = write!(sql, " USING {}", i.method.name());
    }
    sql.push_str(" (");
    write::elements(&mut sql, &i.elements);
    sql.push(')');
    if !i.include.is_empty() {
        sql.push_str(" INCLUDE (");
        write::idents(&mut sql, &i.include);
        sql.push(')');
    }
    if i.nulls_not_distinct {
        sql.push_str(" NULLS NOT DISTINCT");
    }
    if let Some(p) = &i.predicate {
        let _ = write!(sql, " WHERE {}", p.sql);
    }
    built(sql, i.key(table), how)
}

/// Renaming takes `SHARE UPDATE EXCLUSIVE` on the index (PostgreSQL 12+).
pub fn rename(table: &QName, from: &str, to: &str) -> Statement {
    let key = key(table, from);
    Statement::new(
        format!(
            "ALTER INDEX {} RENAME TO {}",
            Qualified(&key.name),
            Ident(to)
        ),
        key,
        Verb::Alter,
        Lock::ShareUpdateExclusive,
        1,
    )
}

/// Blocking, it takes `ACCESS EXCLUSIVE` on the table.
pub fn drop(table: &QName, name: &str, how: Concurrency) -> Statement {
    let key = key(table, name);
    let (word, lock, transactional) = match how {
        Concurrency::Blocking => ("", Lock::AccessExclusive, true),
        Concurrency::Concurrently => ("CONCURRENTLY ", Lock::ShareUpdateExclusive, false),
    };
    Statement {
        transactional,
        ..Statement::new(
            format!("DROP INDEX {word}{}", Qualified(&key.name)),
            key,
            Verb::Drop,
            lock,
            2,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::tests::compiled;

    #[test]
    fn index_statements() {
        let c = compiled(
            "schema app\nentity Post {\n  id bigint @pk\n  title text\n  views int\n  index using gin (title gin_trgm_ops)\n  index (lower(title)) include (views) where views > 0\n  unique (lower(title))\n}\n",
        );
        let t = &c.model.tables[0];
        let q = &t.sql;
        let gin = t
            .indexes
            .iter()
            .find(|i| i.method == IndexMethod::Gin)
            .expect("gin");
        let s = create(q, gin, Concurrency::Blocking);
        assert_eq!(
            s.sql,
            format!(
                "CREATE INDEX \"{}\" ON \"app\".\"posts\" USING gin (\"title\" gin_trgm_ops)",
                gin.name
            )
        );
        assert_eq!(s.key.to_string(), format!("index app.{}", gin.name));
        assert_eq!(
            (s.verb, s.lock, s.transactional),
            (Verb::Create, Lock::Share, true)
        );
        let cc = create(q, gin, Concurrency::Concurrently);
        assert!(
            cc.sql.starts_with("CREATE INDEX CONCURRENTLY \""),
            "{}",
            cc.sql
        );
        assert_eq!(
            (cc.lock, cc.transactional),
            (Lock::ShareUpdateExclusive, false)
        );

        let partial = t
            .indexes
            .iter()
            .find(|i| i.predicate.is_some())
            .expect("partial");
        let p = create(q, partial, Concurrency::Blocking);
        assert!(
            p.sql.ends_with(
                "ON \"app\".\"posts\" ((lower(title))) INCLUDE (\"views\") WHERE views > 0"
            ),
            "{}",
            p.sql
        );

        let u = t.indexes.iter().find(|i| i.unique).expect("a unique index");
        let ui = create(q, u, Concurrency::Blocking);
        assert_eq!(
            ui.sql,
            format!(
                "CREATE UNIQUE INDEX \"{}\" ON \"app\".\"posts\" ((lower(title)))",
                u.name
            )
        );
        assert_eq!((ui.lock, ui.transactional), (Lock::Share, true));
        let uc = create(q, u, Concurrency::Concurrently);
        assert!(
            uc.sql.starts_with("CREATE UNIQUE INDEX CONCURRENTLY "),
            "{}",
            uc.sql
        );
        assert!(!uc.transactional);

        let d = drop(q, &gin.name, Concurrency::Blocking);
        assert_eq!(d.sql, format!("DROP INDEX \"app\".\"{}\"", gin.name));
        assert_eq!(
            (d.key.clone(), d.verb, d.lock, d.transactional),
            (s.key.clone(), Verb::Drop, Lock::AccessExclusive, true)
        );
        let dc = drop(q, &gin.name, Concurrency::Concurrently);
        assert_eq!(
            dc.sql,
            format!("DROP INDEX CONCURRENTLY \"app\".\"{}\"", gin.name)
        );
        assert_eq!(
            (dc.lock, dc.transactional),
            (Lock::ShareUpdateExclusive, false)
        );
    }
}
