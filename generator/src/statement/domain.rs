//! Domains. Adding a check makes PostgreSQL verify every column of the
//! domain's type, under a `SHARE` lock on their tables, unless it is added
//! `NOT VALID` and validated later.

use super::{write, Lock, Statement, Verb};
use crate::key::{Key, ObjectKind};
use crate::model::{Check, Domain, Expr, QName};
use crate::quote::{Ident, Qualified};
use std::fmt::Write;

fn key(name: &QName) -> Key {
    Key::new(ObjectKind::Domain, name.clone())
}

fn alter(name: &QName, action: std::fmt::Arguments, lock: Lock) -> Statement {
    Statement::new(
        format!("ALTER DOMAIN {} {action}", Qualified(name)),
        key(name),
        Verb::Alter,
        lock,
        1,
    )
}

pub fn create(d: &Domain) -> Statement {
    let mut sql = format!("CREATE DOMAIN {} AS ", Qualified(&d.sql));
    write::sql_type(&mut sql, &d.ty);
    if let Some(def) = &d.default {
        let _ = write!(sql, " DEFAULT {}", def.sql);
    }
    for c in &d.checks {
        let _ = write!(
            sql,
            "\n    CONSTRAINT {} CHECK ({})",
            Ident(&c.name),
            c.expr.sql
        );
    }
    Statement::new(sql, key(&d.sql), Verb::Create, Lock::None, 1)
}

pub fn set_default(name: &QName, default: &Expr) -> Statement {
    alter(
        name,
        format_args!("SET DEFAULT {}", default.sql),
        Lock::None,
    )
}

pub fn drop_default(name: &QName) -> Statement {
    alter(name, format_args!("DROP DEFAULT"), Lock::None)
}

/// `not_valid`: existing values are not checked now (see [`validate_constraint`]).
pub fn add_constraint(name: &QName, check: &Check, not_valid: bool) -> Statement {
    let (suffix, lock) = if not_valid {
        (" NOT VALID", Lock::None)
    } else {
        ("", Lock::Share)
    };
    alter(
        name,
        format_args!(
            "ADD CONSTRAINT {} CHECK ({}){suffix}",
            Ident(&check.name),
            check.expr.sql
        ),
        lock,
    )
}

/// Checks existing values against a constraint added `NOT VALID`, without
/// blocking writes.
pub fn validate_constraint(name: &QName, constraint: &str) -> Statement {
    alter(
        name,
        format_args!("VALIDATE CONSTRAINT {}", Ident(constraint)),
        Lock::ShareUpdateExclusive,
    )
}

pub fn drop_constraint(name: &QName, constraint: &str) -> Statement {
    alter(
        name,
        format_args!("DROP CONSTRAINT {}", Ident(constraint)),
        Lock::None,
    )
}

pub fn drop(name: &QName) -> Statement {
    Statement::new(
        format!("DROP DOMAIN {}", Qualified(name)),
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
    fn domain_statements() {
        let c = compiled("domain Email text = 'x' @check(value like '%@%')\n");
        let d = &c.model.domains[0];
        let s = create(d);
        assert_eq!(
            s.sql,
            format!(
                "CREATE DOMAIN \"public\".\"email\" AS text DEFAULT 'x'\n    CONSTRAINT \"{}\" CHECK (value like '%@%')",
                d.checks[0].name
            )
        );
        assert_eq!(s.key.to_string(), "domain public.email");
        assert_eq!(
            (s.verb, s.lock, s.transactional),
            (Verb::Create, Lock::None, true)
        );
        let q = &d.sql;
        let def = d.default.as_ref().expect("a default");
        let sd = set_default(q, def);
        assert_eq!(sd.sql, "ALTER DOMAIN \"public\".\"email\" SET DEFAULT 'x'");
        assert_eq!(
            (sd.verb, sd.lock, sd.key.clone()),
            (Verb::Alter, Lock::None, s.key.clone())
        );
        assert_eq!(
            drop_default(q).sql,
            "ALTER DOMAIN \"public\".\"email\" DROP DEFAULT"
        );
        let check = &d.checks[0];
        let add = add_constraint(q, check, false);
        assert_eq!(
            add.sql,
            format!(
                "ALTER DOMAIN \"public\".\"email\" ADD CONSTRAINT \"{}\" CHECK (value like '%@%')",
                check.name
            )
        );
        assert_eq!((add.verb, add.lock), (Verb::Alter, Lock::Share));
        let nv = add_constraint(q, check, true);
        assert!(nv.sql.ends_with(") NOT VALID"), "{}", nv.sql);
        assert_eq!(nv.lock, Lock::None);
        let v = validate_constraint(q, "c");
        assert_eq!(
            v.sql,
            "ALTER DOMAIN \"public\".\"email\" VALIDATE CONSTRAINT \"c\""
        );
        assert_eq!(
            (v.lock, v.transactional),
            (Lock::ShareUpdateExclusive, true)
        );
        let dc = drop_constraint(q, "c");
        assert_eq!(
            dc.sql,
            "ALTER DOMAIN \"public\".\"email\" DROP CONSTRAINT \"c\""
        );
        assert_eq!(dc.verb, Verb::Alter);
        let dr = drop(q);
        assert_eq!(dr.sql, "DROP DOMAIN \"public\".\"email\"");
        assert_eq!((dr.verb, dr.key), (Verb::Drop, s.key));
    }
}
