//! `@tenant(column)`: tenant isolation by row-level security. The table's
//! rows are visible and writable only where `column` equals the session
//! setting `app.tenant_id`; with the setting unset (or empty) no row is,
//! never every row. Row-level security is forced, so the table's owner is
//! held to it too.

use super::made_by;
use crate::model::{Expr, Model, Policy};
use crate::names;
use crate::quote::{ident, literal};
use crate::sqlparse::canonical_expr;
use dsl::{Code, Diagnostic};

const POLICY: &str = "tenant";
/// The session setting that names the tenant.
const SETTING: &str = "app.tenant_id";

pub(super) fn lower(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    for t in &mut model.tables {
        let Some((column, origin)) = t.declared_policies.tenant.clone() else {
            continue;
        };
        let at = origin.span;
        let Some(c) = t.column(&column) else {
            let known: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
            let help = match crate::resolve::suggest(&column, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the tenant is a column of {}: {}", t.name, known.join(", ")),
            };
            diagnostics.push(
                Diagnostic::error(
                    Code::BadPolicy,
                    format!("`@tenant({column})`: {} has no column `{column}`", t.name),
                )
                .label(at, "no such column")
                .help(help),
            );
            continue;
        };
        if !t.policies.is_empty() {
            diagnostics.push(
                Diagnostic::error(
                    Code::BadPolicy,
                    format!("{} has row-level security policies already", t.name),
                )
                .label(at, "would add tenant policies")
                .help("one entity has one set of row-level security policies"),
            );
            continue;
        }
        // NULL when unset, and '' after a `reset`: both match no row.
        let check = format!(
            "{} = nullif(current_setting({}, true), '')::{}",
            ident(&c.name),
            literal(SETTING),
            c.ty
        );
        let expr = || Some(Expr::new(check.clone(), canonical_expr(&check), at));
        for (command, using, with_check) in [
            ("select", true, false),
            ("insert", false, true),
            ("update", true, true),
            ("delete", true, false),
        ] {
            t.policies.push(Policy {
                name: names::fit(format!("pol_{}_tenant_{command}", t.sql.name)),
                command: command.into(),
                roles: Vec::new(),
                using: if using { expr() } else { None },
                with_check: if with_check { expr() } else { None },
                origin: made_by(POLICY, at),
            });
        }
    }
}
