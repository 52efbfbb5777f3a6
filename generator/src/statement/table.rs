//! Tables: `CREATE TABLE` with every column and constraint inline (except
//! foreign keys the plan adds later), renames and drops.

use super::constraint::Constraint;
use super::{write, Lock, Statement, Verb};
use crate::key::{Key, ObjectKind};
use crate::model::{ForeignKey, QName, Table};
use crate::quote::{Ident, Qualified};
use std::fmt::Write;

pub(super) fn key(name: &QName) -> Key {
    Key::new(ObjectKind::Table, name.clone())
}

/// Starts the next line of a CREATE TABLE body.
fn next_line(out: &mut String, first: &mut bool) {
    out.push_str(if *first { "\n    " } else { ",\n    " });
    *first = false;
}

/// `CREATE TABLE`, with the foreign keys for which `inline` says yes (the
/// others wait for `ALTER TABLE`, inside a foreign-key cycle). Unique keys
/// on expressions or with a predicate are indexes (`index::create`).
pub fn create(t: &Table, inline: impl Fn(usize, &ForeignKey) -> bool) -> Statement {
    let mut out = String::with_capacity(200 + t.columns.len() * 48);
    let _ = write!(out, "CREATE TABLE {} (", Qualified(&t.sql));
    // The table, its toast table and toast index, then one per key index,
    // identity sequence and referenced table.
    let mut locks = 3;
    let mut first = true;
    for c in &t.columns {
        next_line(&mut out, &mut first);
        write::column(&mut out, c);
        locks += u32::from(c.identity.is_some());
    }
    let constraints = t
        .primary_key
        .iter()
        .map(Constraint::PrimaryKey)
        .chain(t.uniques.iter().map(Constraint::Unique))
        .chain(t.checks.iter().map(Constraint::Check))
        .chain(t.excludes.iter().map(Constraint::Exclude));
    for c in constraints {
        next_line(&mut out, &mut first);
        c.write(&mut out);
        locks += u32::from(!matches!(c, Constraint::Check(_)));
    }
    let mut lock = Lock::None;
    for (f, fk) in t.foreign_keys.iter().enumerate() {
        if inline(f, fk) {
            next_line(&mut out, &mut first);
            write::foreign_key(&mut out, fk);
            if fk.target_table != t.sql {
                lock = Lock::ShareRowExclusive;
                locks += 1;
            }
        }
    }
    out.push_str("\n)");
    if let Some(p) = &t.partition {
        super::partition::by(&mut out, p);
    }
    Statement::new(out, key(&t.sql), Verb::Create, lock, locks)
}

pub fn rename(name: &QName, to: &str) -> Statement {
    Statement::new(
        format!("ALTER TABLE {} RENAME TO {}", Qualified(name), Ident(to)),
        key(name),
        Verb::Alter,
        Lock::AccessExclusive,
        1,
    )
}

pub fn drop(name: &QName) -> Statement {
    Statement::new(
        format!("DROP TABLE {}", Qualified(name)),
        key(name),
        Verb::Drop,
        Lock::AccessExclusive,
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::tests::compiled;

    #[test]
    fn table_statements() {
        let c = compiled(
            "entity User {\n  id bigint @pk @identity\n  email text @unique\n  boss_id -> User? on delete set null\n}\n",
        );
        let t = &c.model.tables[0];
        let s = create(t, |_, _| true);
        assert!(
            s.sql.starts_with(
                "CREATE TABLE \"public\".\"users\" (\n    \"id\" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,\n"
            ),
            "{}",
            s.sql
        );
        assert!(s
            .sql
            .contains("FOREIGN KEY (\"boss_id\") REFERENCES \"public\".\"users\" (\"id\")"));
        assert!(s.sql.ends_with("\n)"), "{}", s.sql);
        assert_eq!(s.key.to_string(), "table public.users");
        assert_eq!((s.verb, s.transactional), (Verb::Create, true));
        // A reference to itself locks nothing that exists.
        assert_eq!(s.lock, Lock::None);
        assert_eq!(s.locks, 3 + 1 + 1 + 1);
        let without = create(t, |_, _| false);
        assert!(!without.sql.contains("FOREIGN KEY"), "{}", without.sql);

        let r = rename(&t.sql, "people");
        assert_eq!(
            r.sql,
            "ALTER TABLE \"public\".\"users\" RENAME TO \"people\""
        );
        assert_eq!(
            (r.key.clone(), r.verb, r.lock),
            (s.key.clone(), Verb::Alter, Lock::AccessExclusive)
        );
        let d = drop(&t.sql);
        assert_eq!(d.sql, "DROP TABLE \"public\".\"users\"");
        assert_eq!(
            (d.key, d.verb, d.lock),
            (s.key, Verb::Drop, Lock::AccessExclusive)
        );
    }

    #[test]
    fn a_key_to_another_table_locks_it() {
        let c = compiled("entity A {\n  id bigint @pk\n}\nentity B {\n  id bigint @pk\n  a_id -> A on delete cascade\n}\n");
        let b = c.model.tables.iter().find(|t| t.name == "B").expect("B");
        let s = create(b, |_, _| true);
        assert_eq!(s.lock, Lock::ShareRowExclusive);
        assert_eq!(create(b, |_, _| false).lock, Lock::None);
    }
}
