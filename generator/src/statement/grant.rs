//! `GRANT` on a table or on some of its columns (`@grant`). A grant
//! changes the table's access list in the catalog and takes no lock a
//! query waits for.

use super::{Lock, Statement, Verb};
use crate::key::{Key, ObjectKind};
use crate::model::{Grant, QName};
use crate::quote::{Ident, Qualified};

pub fn create(table: &QName, g: &Grant) -> Statement {
    let (privileges, role) = parts(g);
    Statement::new(
        format!("GRANT {privileges} ON {} TO {role}", Qualified(table)),
        Key::new(ObjectKind::Table, table.clone()),
        Verb::Alter,
        Lock::None,
        1,
    )
}

/// `REVOKE`, the reverse of [`create`]: column privileges are revoked by
/// naming the columns, as they were granted.
pub fn revoke(table: &QName, g: &Grant) -> Statement {
    let (privileges, role) = parts(g);
    Statement::new(
        format!("REVOKE {privileges} ON {} FROM {role}", Qualified(table)),
        Key::new(ObjectKind::Table, table.clone()),
        Verb::Alter,
        Lock::None,
        1,
    )
}

/// The privilege list (with its columns) and the role, as SQL.
fn parts(g: &Grant) -> (String, String) {
    let columns = if g.columns.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = g.columns.iter().map(|c| Ident(c).to_string()).collect();
        format!(" ({})", names.join(", "))
    };
    let privileges: Vec<String> = g
        .privileges
        .iter()
        .map(|p| format!("{}{columns}", p.to_ascii_uppercase()))
        .collect();
    // PUBLIC is a key word, not a role: quoted, it would name a role.
    let role = if g.role.eq_ignore_ascii_case("public") {
        "PUBLIC".to_string()
    } else {
        Ident(&g.role).to_string()
    };
    (privileges.join(", "), role)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;

    #[test]
    fn table_and_column_grants() {
        let t = QName::new("app", "users");
        let mut g = Grant {
            role: "reporting".into(),
            privileges: vec!["select".into(), "update".into()],
            columns: Vec::new(),
            origin: Origin::declared(Default::default()),
        };
        assert_eq!(
            create(&t, &g).sql,
            "GRANT SELECT, UPDATE ON \"app\".\"users\" TO \"reporting\""
        );
        g.columns = vec!["email".into(), "name".into()];
        assert_eq!(
            create(&t, &g).sql,
            "GRANT SELECT (\"email\", \"name\"), UPDATE (\"email\", \"name\") ON \"app\".\"users\" TO \"reporting\""
        );
        g.role = "public".into();
        assert_eq!(
            revoke(&t, &g).sql,
            "REVOKE SELECT (\"email\", \"name\"), UPDATE (\"email\", \"name\") ON \"app\".\"users\" FROM PUBLIC"
        );
    }
}
