//! `@grant(role: privileges, ...)` on an entity or a column, and
//! `@rls(command: condition, ..., to: roles)` on an entity: the rights
//! written down next to what they are rights on.

use super::attrs;
use crate::model::{Expr, Grant, Origin, Policy};
use crate::names;
use crate::sqlparse::canonical_expr;
use dsl::ast::{ArgValue, Attribute, Sql};
use dsl::{Code, Diagnostic};

/// What a table can be granted. `all` is left out on purpose: least
/// privilege is a list of what the role needs.
const TABLE: &[&str] = &[
    "select",
    "insert",
    "update",
    "delete",
    "truncate",
    "references",
    "trigger",
];
/// What PostgreSQL grants per column.
const COLUMN: &[&str] = &["select", "insert", "update", "references"];

/// The grants of one `@grant`: one per role. `column` is the column the
/// attribute is on, if any.
pub fn grants(a: &Attribute, column: Option<&str>, diags: &mut Vec<Diagnostic>) -> Vec<Grant> {
    let known = if column.is_some() { COLUMN } else { TABLE };
    let mut out = Vec::new();
    if a.args.is_empty() {
        diags.push(example(a, "`@grant` names roles and their privileges"));
    }
    for arg in &a.args {
        let Some(role) = &arg.name else {
            diags.push(example(a, "each argument is `role: privileges`"));
            continue;
        };
        let words: Vec<&Sql> = match &arg.value {
            ArgValue::Sql(s) => vec![s],
            ArgValue::List(l) => l.iter().collect(),
        };
        let mut privileges = Vec::new();
        for w in words {
            let p = w.text.trim().to_ascii_lowercase();
            if !known.contains(&p.as_str()) {
                let what = if column.is_some() {
                    "a column"
                } else {
                    "a table"
                };
                diags.push(
                    Diagnostic::error(
                        Code::BadArgument,
                        format!("`{}` is not a privilege on {what}", w.text.trim()),
                    )
                    .label(w.span, "not a privilege here")
                    .help(format!("privileges on {what}: {}", known.join(", "))),
                );
            } else if !privileges.contains(&p) {
                privileges.push(p);
            }
        }
        if privileges.is_empty() {
            continue;
        }
        out.push(Grant {
            role: role.name.clone(),
            privileges,
            columns: column.map(|c| vec![c.to_string()]).unwrap_or_default(),
            origin: Origin::declared(arg.span),
        });
    }
    out
}

fn example(a: &Attribute, message: &str) -> Diagnostic {
    Diagnostic::error(Code::BadArgument, message.to_string())
        .label(
            a.span,
            "expected `(role: privilege)` or `(role: [privileges])`",
        )
        .help("for example `@grant(app: [select, insert, update], reporting: select)`")
}

/// The policies of `@rls(...)` on `table`: `select:`, `insert:`,
/// `update:`, `delete:` or `all:` with a condition each, and `to:` the
/// roles they apply to (every role when left out).
pub fn rls(a: &Attribute, table: &str, diags: &mut Vec<Diagnostic>) -> Vec<Policy> {
    const COMMANDS: &[&str] = &["all", "select", "insert", "update", "delete"];
    let mut roles = Vec::new();
    let mut conditions: Vec<(String, &Sql)> = Vec::new();
    let mut bad = false;
    for arg in &a.args {
        let name = arg.name.as_ref().map(|n| n.name.as_str());
        match (name, &arg.value) {
            (Some("to"), ArgValue::Sql(s)) => roles.extend(attrs::name_of(s)),
            (Some("to"), ArgValue::List(l)) => roles.extend(l.iter().filter_map(attrs::name_of)),
            (Some(c), ArgValue::Sql(s)) if COMMANDS.contains(&c) => {
                conditions.push((c.to_string(), s))
            }
            _ => {
                bad = true;
                diags.push(
                Diagnostic::error(
                    Code::BadArgument,
                    "`@rls` takes a condition per command and `to:` roles",
                )
                .label(arg.span, "not a command with its condition")
                .help("for example `@rls(select: owner = current_user, update: owner = current_user, to: app)`; commands: all, select, insert, update, delete"),
                )
            }
        }
    }
    if conditions.is_empty() && !bad {
        diags.push(
            Diagnostic::error(Code::BadPolicy, "`@rls` without a policy denies every row")
                .label(a.span, "no command with a condition")
                .help("give each command the rows it may see or write, for example `@rls(all: owner = current_user)`"),
        );
    }
    conditions
        .into_iter()
        .map(|(command, s)| {
            let expr = Some(Expr::new(
                s.text.trim().to_string(),
                canonical_expr(s.text.trim()),
                s.span,
            ));
            // Reads check the rows there are, writes the rows there will be.
            let using = command != "insert";
            let check = matches!(command.as_str(), "all" | "insert" | "update");
            Policy {
                name: names::fit(format!("pol_{table}_{command}")),
                command,
                roles: roles.clone(),
                using: if using { expr.clone() } else { None },
                with_check: if check { expr } else { None },
                origin: Origin::generated(a.span),
            }
        })
        .collect()
}
