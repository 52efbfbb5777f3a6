//! Table constraints added to, validated on, renamed on or dropped from an
//! existing table. A foreign key locks both tables in `SHARE ROW
//! EXCLUSIVE`; every other kind takes `ACCESS EXCLUSIVE`. Added `NOT
//! VALID`, a check or foreign key skips the scan of existing rows, which
//! `validate` does later without blocking writes.

use super::{write, Lock, Statement, Verb};
use crate::key::{Key, ObjectKind};
use crate::model::{Check, Exclude, ForeignKey, PrimaryKey, QName, Unique};
use crate::quote::{Ident, Qualified};
use std::fmt::Write;

/// A constraint of any kind, as the model has it.
#[derive(Clone, Copy, Debug)]
pub enum Constraint<'a> {
    PrimaryKey(&'a PrimaryKey),
    Unique(&'a Unique),
    Check(&'a Check),
    ForeignKey(&'a ForeignKey),
    Exclude(&'a Exclude),
}

/// The kinds PostgreSQL can add `NOT VALID`.
#[derive(Clone, Copy, Debug)]
pub enum Validatable<'a> {
    Check(&'a Check),
    ForeignKey(&'a ForeignKey),
}

impl<'a> From<Validatable<'a>> for Constraint<'a> {
    fn from(v: Validatable<'a>) -> Self {
        match v {
            Validatable::Check(c) => Constraint::Check(c),
            Validatable::ForeignKey(f) => Constraint::ForeignKey(f),
        }
    }
}

impl Constraint<'_> {
    pub fn name(&self) -> &str {
        match self {
            Constraint::PrimaryKey(c) => &c.name,
            Constraint::Unique(c) => &c.name,
            Constraint::Check(c) => &c.name,
            Constraint::ForeignKey(c) => &c.name,
            Constraint::Exclude(c) => &c.name,
        }
    }

    /// The lock `ALTER TABLE ... ADD` takes, and the lock-table entries
    /// (its index, or the referenced table).
    fn lock(&self, table: &QName) -> (Lock, u32) {
        match self {
            Constraint::ForeignKey(fk) => (
                Lock::ShareRowExclusive,
                u32::from(fk.target_table != *table),
            ),
            Constraint::Check(_) => (Lock::AccessExclusive, 0),
            _ => (Lock::AccessExclusive, 1),
        }
    }

    /// The clause as it appears in `CREATE TABLE` and `ADD`.
    pub(super) fn write(&self, out: &mut String) {
        match self {
            Constraint::PrimaryKey(pk) => {
                let _ = write!(out, "CONSTRAINT {} PRIMARY KEY (", Ident(&pk.name));
                write::idents(out, &pk.columns);
                out.push(')');
            }
            Constraint::Unique(u) => {
                let nnd = if u.nulls_not_distinct {
                    " NULLS NOT DISTINCT"
                } else {
                    ""
                };
                let _ = write!(out, "CONSTRAINT {} UNIQUE{nnd} (", Ident(&u.name));
                write::idents(out, &u.columns);
                out.push(')');
                if u.deferrable {
                    out.push_str(" DEFERRABLE");
                    if u.initially_deferred {
                        out.push_str(" INITIALLY DEFERRED");
                    }
                }
            }
            Constraint::Check(c) => {
                let _ = write!(out, "CONSTRAINT {} CHECK ({})", Ident(&c.name), c.expr.sql);
            }
            Constraint::ForeignKey(fk) => write::foreign_key(out, fk),
            Constraint::Exclude(x) => exclude(out, x),
        }
    }
}

fn exclude(out: &mut String, x: &Exclude) {
    let _ = write!(
        out,
        "CONSTRAINT {} EXCLUDE USING {} (",
        Ident(&x.name),
        x.method.name()
    );
    for (i, e) in x.elements.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write::element(out, &e.element);
        let _ = write!(out, " WITH {}", e.operator);
    }
    out.push(')');
    if let Some(p) = &x.predicate {
        let _ = write!(out, " WHERE ({})", p.sql);
    }
}

fn key(table: &QName, name: &str) -> Key {
    Key::member(ObjectKind::Constraint, table.clone(), name)
}

pub fn add(table: &QName, c: Constraint) -> Statement {
    let mut sql = format!("ALTER TABLE {} ADD ", Qualified(table));
    c.write(&mut sql);
    let (lock, locks) = c.lock(table);
    Statement::new(sql, key(table, c.name()), Verb::Create, lock, locks)
}

/// Added without checking the rows already there.
pub fn add_not_valid(table: &QName, c: Validatable) -> Statement {
    let mut s = add(table, c.into());
    s.sql.push_str(" NOT VALID");
    s
}

/// Checks the rows of a constraint added `NOT VALID`; a foreign key also
/// takes `ROW SHARE` on the referenced table.
pub fn validate(table: &QName, name: &str) -> Statement {
    Statement::new(
        format!(
            "ALTER TABLE {} VALIDATE CONSTRAINT {}",
            Qualified(table),
            Ident(name)
        ),
        key(table, name),
        Verb::Alter,
        Lock::ShareUpdateExclusive,
        1,
    )
}

pub fn drop(table: &QName, name: &str) -> Statement {
    Statement::new(
        format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            Qualified(table),
            Ident(name)
        ),
        key(table, name),
        Verb::Drop,
        Lock::AccessExclusive,
        1,
    )
}

pub fn rename(table: &QName, from: &str, to: &str) -> Statement {
    Statement::new(
        format!(
            "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
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
    fn constraint_statements() {
        let c = compiled(
            "entity A {\n  id bigint @pk\n}\nentity B {\n  id bigint @pk\n  code text @unique\n  n int @check(n > 0)\n  a_id -> A on delete no action\n  during tstzrange\n  exclude using gist (during with &&)\n}\n",
        );
        let b = c.model.tables.iter().find(|t| t.name == "B").expect("B");
        let q = &b.sql;
        let fk = &b.foreign_keys[0];
        let s = add(q, Constraint::ForeignKey(fk));
        assert_eq!(
            s.sql,
            format!(
                "ALTER TABLE \"public\".\"bs\" ADD CONSTRAINT \"{}\" FOREIGN KEY (\"a_id\") REFERENCES \"public\".\"as\" (\"id\") ON DELETE NO ACTION",
                fk.name
            )
        );
        assert_eq!(
            s.key.to_string(),
            format!("constraint public.bs.{}", fk.name)
        );
        assert_eq!(
            (s.verb, s.lock, s.transactional),
            (Verb::Create, Lock::ShareRowExclusive, true)
        );
        let nv = add_not_valid(q, Validatable::ForeignKey(fk));
        assert_eq!(nv.sql, format!("{} NOT VALID", s.sql));
        assert_eq!(nv.lock, Lock::ShareRowExclusive);

        let check = &b.checks[0];
        let ck = add_not_valid(q, Validatable::Check(check));
        assert_eq!(
            ck.sql,
            format!(
                "ALTER TABLE \"public\".\"bs\" ADD CONSTRAINT \"{}\" CHECK (n > 0) NOT VALID",
                check.name
            )
        );
        assert_eq!(ck.lock, Lock::AccessExclusive);
        let pk = add(
            q,
            Constraint::PrimaryKey(b.primary_key.as_ref().expect("pk")),
        );
        assert!(pk.sql.ends_with("PRIMARY KEY (\"id\")"), "{}", pk.sql);
        assert_eq!(pk.lock, Lock::AccessExclusive);
        let u = add(q, Constraint::Unique(&b.uniques[0]));
        assert!(u.sql.ends_with("UNIQUE (\"code\")"), "{}", u.sql);
        let x = add(q, Constraint::Exclude(&b.excludes[0]));
        assert!(
            x.sql.ends_with("EXCLUDE USING gist (\"during\" WITH &&)"),
            "{}",
            x.sql
        );

        let v = validate(q, &fk.name);
        assert_eq!(
            v.sql,
            format!(
                "ALTER TABLE \"public\".\"bs\" VALIDATE CONSTRAINT \"{}\"",
                fk.name
            )
        );
        assert_eq!(
            (v.key.clone(), v.verb, v.lock),
            (s.key.clone(), Verb::Alter, Lock::ShareUpdateExclusive)
        );
        let d = drop(q, &fk.name);
        assert_eq!(
            d.sql,
            format!(
                "ALTER TABLE \"public\".\"bs\" DROP CONSTRAINT \"{}\"",
                fk.name
            )
        );
        assert_eq!((d.verb, d.lock), (Verb::Drop, Lock::AccessExclusive));
        let r = rename(q, &fk.name, "fk_b_a");
        assert_eq!(
            r.sql,
            format!(
                "ALTER TABLE \"public\".\"bs\" RENAME CONSTRAINT \"{}\" TO \"fk_b_a\"",
                fk.name
            )
        );
        assert_eq!(
            (r.key, r.verb, r.lock),
            (s.key, Verb::Alter, Lock::AccessExclusive)
        );
    }
}
