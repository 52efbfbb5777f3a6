//! SQL fragments: parsed with sqlparser, their column references resolved
//! against the table, and defaults checked against the column's type.

use super::Resolver;
use crate::builtin_types::{self, Family};
use crate::model::{Expr, QName, SqlType, TypeBase};
use crate::sqlparse::{self, NameRef};
use dsl::ast::Sql;
use dsl::Code;
use dsl::{Diagnostic, Span};
use sqlparser::ast::Value;

/// What names an expression may mention.
pub enum Names<'t> {
    /// Columns of the table, by SQL name.
    Columns(&'t QName, &'t [String]),
    /// `value`, in a domain's check.
    DomainValue,
    /// Nothing: defaults cannot read columns.
    Nothing,
}

impl Resolver<'_> {
    /// Parses and checks an expression. `None` after reporting an error.
    pub(super) fn expr(
        &mut self,
        sql: &Sql,
        names: Names<'_>,
        what: &str,
    ) -> Option<(Expr, sqlparse::Checked)> {
        let parsed = match sqlparse::check_expr(&sql.text) {
            Ok(e) => e,
            Err(e) => {
                let span = at(sql, e.offset);
                let help = if sql.text.trim_end().ends_with(';') {
                    "remove the trailing `;`: a line ends a member"
                } else {
                    "the text is PostgreSQL expression syntax; quote identifiers with \"...\" and strings with '...'"
                };
                self.push(
                    Diagnostic::error(Code::SqlSyntax, format!("this {what} is not valid SQL"))
                        .label(span, e.message)
                        .help(help),
                );
                return None;
            }
        };
        let mut ok = true;
        for r in &parsed.names {
            if !self.name_ok(r, &names, sql, what) {
                ok = false;
            }
        }
        ok.then(|| {
            (
                Expr::new(sql.text.clone(), parsed.canonical.clone(), sql.span),
                parsed,
            )
        })
    }

    fn name_ok(&mut self, r: &NameRef, names: &Names<'_>, sql: &Sql, what: &str) -> bool {
        let span = Span::new(
            sql.span.file,
            sql.span.start as usize + r.offset,
            sql.span.start as usize + r.offset + r.name.len(),
        );
        let (table, columns): (&QName, &[String]) = match names {
            Names::Columns(t, c) => (t, c),
            Names::DomainValue => {
                if r.name == "value" || sqlparse::is_sql_value_word(&r.name) {
                    return true;
                }
                self.push(
                    Diagnostic::error(
                        Code::UnknownColumn,
                        format!("a domain check can only read `value`, not `{}`", r.name),
                    )
                    .label(span, "unknown here"),
                );
                return false;
            }
            Names::Nothing => {
                if sqlparse::is_sql_value_word(&r.name) {
                    return true;
                }
                self.push(
                    Diagnostic::error(Code::ColumnInDefault, format!("a {what} cannot read columns (`{}`)", r.name))
                        .label(span, "column reference")
                        .help("PostgreSQL evaluates defaults without the row; use `@generated(...)` for a value computed from other columns"),
                );
                return false;
            }
        };
        if columns.contains(&r.name) {
            self.resolved.refer_column(span, table, &r.name);
            return true;
        }
        if !r.quoted && sqlparse::is_sql_value_word(&r.name) {
            return true;
        }
        let mut d = Diagnostic::error(
            Code::UnknownColumn,
            format!("unknown column `{}` in {what}", r.name),
        )
        .label(span, "no such column");
        if let Some(c) = columns.iter().find(|c| c.eq_ignore_ascii_case(&r.name)) {
            d = d.help(format!(
                "the column is `{c}`; unquoted SQL names are folded to lower case, so write it quoted: {}",
                crate::quote::ident(c)
            ));
        } else if let Some(s) = super::suggest(&r.name, columns.iter().map(String::as_str)) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        self.push(d);
        false
    }

    /// Checks that a literal default fits the column's type.
    pub(super) fn check_default(
        &mut self,
        sql: &Sql,
        parsed: &sqlparse::Checked,
        ty: &SqlType,
        nullable: bool,
    ) {
        let Some(value) = &parsed.literal else { return };
        let problem = match (value, &ty.base) {
            (Value::Null, _) if !nullable => Some("the column is not nullable, so a `null` default would fail every insert that relies on it".to_string()),
            (Value::Null, _) => None,
            (_, _) if ty.array_dims > 0 => None,
            (Value::SingleQuotedString(s), TypeBase::Enum { name, .. }) => {
                let values = self
                    .by_name
                    .get(name.as_str())
                    .and_then(|&d| self.decls[d].model_index)
                    .and_then(|i| self.model.enums.get(i))
                    .map(|e| e.values.iter().map(|v| v.name.clone()).collect::<Vec<_>>())
                    .unwrap_or_default();
                (!values.is_empty() && !values.contains(s)).then(|| {
                    format!("`{s}` is not a value of enum `{name}` ({})", values.join(", "))
                })
            }
            (Value::Number(..) | Value::Boolean(_), TypeBase::Enum { name, .. }) => Some(format!("enum `{name}` takes a value in quotes, like 'value'")),
            (value, TypeBase::Builtin { name } | TypeBase::Extension { name, .. }) => builtin_types::builtin(name).and_then(|b| literal_problem(value, b.family, name, &ty.args)),
            _ => None,
        };
        if let Some(p) = problem {
            self.push(
                Diagnostic::error(
                    Code::BadDefault,
                    format!("this default does not fit the column's type `{}`", ty),
                )
                .label(sql.span, p),
            );
        }
    }
}

fn literal_problem(value: &Value, family: Family, name: &str, args: &[u32]) -> Option<String> {
    match (family, value) {
        (Family::Integer, Value::Number(n, _)) => (n.contains(['.', 'e', 'E'])).then(|| format!("`{n}` is not an integer")),
        (Family::Integer, Value::SingleQuotedString(s)) => s.trim().parse::<i64>().is_err().then(|| format!("'{s}' is not an integer")),
        (Family::Numeric | Family::Float, Value::SingleQuotedString(s)) => {
            s.trim().parse::<f64>().is_err().then(|| format!("'{s}' is not a number"))
        }
        (Family::Integer | Family::Numeric | Family::Float, Value::Boolean(b)) => Some(format!("`{b}` is a boolean, not a number")),
        (Family::Boolean, Value::Number(n, _)) => Some(format!("`{n}` is a number; write `true` or `false`")),
        (Family::Boolean, Value::SingleQuotedString(s)) => {
            let ok = ["true", "false", "t", "f", "yes", "no", "y", "n", "on", "off", "1", "0"].contains(&s.trim().to_ascii_lowercase().as_str());
            (!ok).then(|| format!("'{s}' is not a boolean; write `true` or `false`"))
        }
        (Family::Uuid, Value::SingleQuotedString(s)) => (!is_uuid(s)).then(|| format!("'{s}' is not a UUID")),
        (Family::Uuid, Value::Number(..) | Value::Boolean(_)) => Some("a UUID default is a string like '00000000-0000-0000-0000-000000000000' or an expression like gen_random_uuid()".into()),
        (Family::Json, Value::SingleQuotedString(s)) => serde_json::from_str::<serde_json::Value>(s)
            .err()
            .map(|e| format!("'{s}' is not valid JSON: {e}")),
        (Family::Text, Value::SingleQuotedString(s)) if (name == "varchar" || name == "char") && !args.is_empty() => {
            let n = args[0] as usize;
            (s.chars().count() > n).then(|| format!("'{s}' is longer than {name}({n})"))
        }
        (Family::Temporal, Value::Number(n, _)) => Some(format!("`{n}` is a number, not a {name}")),
        _ => None,
    }
}

fn is_uuid(s: &str) -> bool {
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    let groups: Vec<usize> = s.split('-').map(str::len).collect();
    hex.len() == 32
        && hex.chars().all(|c| c.is_ascii_hexdigit())
        && (groups == [8, 4, 4, 4, 12] || groups == [32])
}

/// The span of a position inside a fragment, or the whole fragment.
fn at(sql: &Sql, offset: Option<usize>) -> Span {
    match offset {
        Some(o) if o < sql.text.len() => {
            let start = sql.span.start as usize + o;
            let len = sql.text[o..]
                .split(char::is_whitespace)
                .next()
                .map_or(1, |w| w.len().max(1));
            Span::new(sql.span.file, start, start + len)
        }
        _ => sql.span,
    }
}
