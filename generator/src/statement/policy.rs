//! Row-level security: turning it on (and forcing it on the table's owner
//! too) and `CREATE POLICY`. Each takes `ACCESS EXCLUSIVE` on its table.

use super::{Lock, Statement, Verb};
use crate::key::{Key, ObjectKind};
use crate::model::{Policy, QName};
use crate::quote::{Ident, Qualified};
use std::fmt::Write;

/// `ENABLE` and `FORCE ROW LEVEL SECURITY`: with both, the table's owner
/// is held to the policies as well (superusers and `BYPASSRLS` roles are
/// not).
pub fn enable(table: &QName) -> [Statement; 2] {
    let key = Key::new(ObjectKind::Table, table.clone());
    ["ENABLE", "FORCE"].map(|word| {
        Statement::new(
            format!("ALTER TABLE {} {word} ROW LEVEL SECURITY", Qualified(table)),
            key.clone(),
            Verb::Alter,
            Lock::AccessExclusive,
            1,
        )
    })
}

/// `NO FORCE` and `DISABLE ROW LEVEL SECURITY`: the reverse of [`enable`],
/// for a table whose last policy goes.
pub fn disable(table: &QName) -> [Statement; 2] {
    let key = Key::new(ObjectKind::Table, table.clone());
    ["NO FORCE", "DISABLE"].map(|word| {
        Statement::new(
            format!("ALTER TABLE {} {word} ROW LEVEL SECURITY", Qualified(table)),
            key.clone(),
            Verb::Alter,
            Lock::AccessExclusive,
            1,
        )
    })
}

pub fn drop(table: &QName, name: &str) -> Statement {
    Statement::new(
        format!("DROP POLICY {} ON {}", Ident(name), Qualified(table)),
        Key::member(ObjectKind::Policy, table.clone(), name.to_string()),
        Verb::Drop,
        Lock::AccessExclusive,
        1,
    )
}

pub fn create(table: &QName, p: &Policy) -> Statement {
    let mut sql = format!(
        "CREATE POLICY {} ON {} FOR {}",
        Ident(&p.name),
        Qualified(table),
        p.command.to_ascii_uppercase()
    );
    if p.roles.is_empty() {
        sql.push_str(" TO PUBLIC");
    } else {
        let roles: Vec<String> = p.roles.iter().map(|r| Ident(r).to_string()).collect();
        let _ = write!(sql, " TO {}", roles.join(", "));
    }
    if let Some(u) = &p.using {
        let _ = write!(sql, " USING ({})", u.sql.trim());
    }
    if let Some(c) = &p.with_check {
        let _ = write!(sql, " WITH CHECK ({})", c.sql.trim());
    }
    Statement::new(
        sql,
        Key::member(ObjectKind::Policy, table.clone(), p.name.clone()),
        Verb::Create,
        Lock::AccessExclusive,
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Expr, Origin};

    #[test]
    fn policy_statements() {
        let t = QName::new("app", "notes");
        let [on, force] = enable(&t);
        assert_eq!(
            on.sql,
            "ALTER TABLE \"app\".\"notes\" ENABLE ROW LEVEL SECURITY"
        );
        assert_eq!(
            force.sql,
            "ALTER TABLE \"app\".\"notes\" FORCE ROW LEVEL SECURITY"
        );
        let expr = |s: &str| Some(Expr::verbatim(s.into(), Default::default()));
        let p = Policy {
            name: "pol_notes_update".into(),
            command: "update".into(),
            roles: vec!["app".into()],
            using: expr("org = 1"),
            with_check: expr("org = 1"),
            origin: Origin::declared(Default::default()),
        };
        let s = create(&t, &p);
        assert_eq!(
            s.sql,
            "CREATE POLICY \"pol_notes_update\" ON \"app\".\"notes\" FOR UPDATE TO \"app\" USING (org = 1) WITH CHECK (org = 1)"
        );
        assert_eq!(s.key.to_string(), "policy app.notes.pol_notes_update");
        assert_eq!(
            drop(&t, "pol_notes_update").sql,
            "DROP POLICY \"pol_notes_update\" ON \"app\".\"notes\""
        );
        let [no_force, off] = disable(&t);
        assert_eq!(
            no_force.sql,
            "ALTER TABLE \"app\".\"notes\" NO FORCE ROW LEVEL SECURITY"
        );
        assert_eq!(
            off.sql,
            "ALTER TABLE \"app\".\"notes\" DISABLE ROW LEVEL SECURITY"
        );
    }
}
