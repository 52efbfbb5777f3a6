//! Roles: every role a `@grant` or an `@rls(to: ...)` names is created,
//! once, as a group role without login or password (people and services
//! log in as their own roles, made members of these outside the schema),
//! and given `USAGE` on the schemas of the tables it is granted. Each table
//! with grants or role policies is created after the roles.

use super::made_by;
use crate::model::{Expr, Model, RawSql};
use crate::quote::{ident, literal};
use std::collections::{BTreeMap, BTreeSet};

const POLICY: &str = "grant";
/// The generated block's name.
const BLOCK: &str = "roles";

pub(super) fn lower(model: &mut Model, _: &mut Vec<dsl::Diagnostic>) {
    // Role -> the schemas it needs, sorted: the same schema, the same bytes.
    let mut roles: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut at = None;
    for t in &model.tables {
        let named = t
            .grants
            .iter()
            .map(|g| (g.role.as_str(), g.origin.span))
            .chain(
                t.policies
                    .iter()
                    .flat_map(|p| p.roles.iter().map(|r| (r.as_str(), p.origin.span))),
            );
        for (role, span) in named {
            // PUBLIC is every role, not one to create.
            if role.eq_ignore_ascii_case("public") {
                continue;
            }
            at.get_or_insert(span);
            roles.entry(role).or_default().insert(&t.sql.schema);
        }
    }
    let Some(at) = at else {
        return;
    };
    let mut body = String::from("DO $roles$\nBEGIN\n");
    for role in roles.keys() {
        body.push_str(&format!(
            "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {}) THEN\n    CREATE ROLE {} NOLOGIN;\n  END IF;\n",
            literal(role),
            ident(role)
        ));
    }
    body.push_str("END\n$roles$;");
    for (role, schemas) in &roles {
        for schema in schemas {
            body.push_str(&format!(
                "\nGRANT USAGE ON SCHEMA {} TO {};",
                ident(schema),
                ident(role)
            ));
        }
    }
    let block = RawSql {
        name: BLOCK.into(),
        schema: "public".into(),
        body: Expr::verbatim(body, at),
        depends_on: Vec::new(),
        creates: Vec::new(),
        doc: None,
        origin: made_by(POLICY, at),
    };
    let key = block.key();
    for t in &mut model.tables {
        let names_a_role = t
            .grants
            .iter()
            .any(|g| !g.role.eq_ignore_ascii_case("public"))
            || t.policies.iter().any(|p| !p.roles.is_empty());
        if names_a_role {
            t.depends_on.push(key.clone());
        }
    }
    model.raw.push(block);
}
