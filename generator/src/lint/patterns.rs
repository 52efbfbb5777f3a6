//! The naming patterns of constraints and indexes (`idx_{table}_{columns}`),
//! shared by the `naming/*-name` rules.

use super::{Knob, KnobDefault, LintContext};
use crate::model::NameSource;
use dsl::{Diagnostic, Span};

/// The `pattern` knob of a naming rule with this default.
pub const fn knob(default: &'static str) -> Knob {
    Knob {
        name: "pattern",
        default: KnobDefault::Str(default),
        help: "the name's pattern: `{table}` is the table's name, `{referenced_table}` a foreign key's target table, `{columns}` any words",
    }
}

/// Whether `name` matches `pattern` for this table (and referenced table).
pub fn matches(pattern: &str, name: &str, table: &str, referenced: &str) -> bool {
    let expanded = pattern
        .replace("{table}", table)
        .replace("{referenced_table}", referenced);
    glob(expanded.as_bytes(), name.as_bytes())
}

/// `{columns}` matches one or more characters.
fn glob(p: &[u8], s: &[u8]) -> bool {
    const ANY: &[u8] = b"{columns}";
    if p.is_empty() {
        return s.is_empty();
    }
    if p.starts_with(ANY) {
        let rest = &p[ANY.len()..];
        return (1..=s.len()).any(|i| glob(rest, &s[i..]));
    }
    !s.is_empty() && p[0] == s[0] && glob(&p[1..], &s[1..])
}

/// One named object the user named: what it is, its name, where, and the
/// referenced table for a foreign key.
pub struct Named<'a> {
    pub what: &'static str,
    pub name: &'a str,
    pub source: NameSource,
    pub span: Span,
    pub referenced: &'a str,
}

/// Reports every object the user named that breaks the rule's pattern.
pub fn check<'a>(
    cx: &LintContext<'a>,
    out: &mut Vec<Diagnostic>,
    objects: impl Fn(&'a crate::model::Table) -> Vec<Named<'a>>,
) {
    let pattern = cx.knob_str("pattern");
    for e in cx.entities() {
        let table = &e.table.sql.name;
        for n in objects(e.table) {
            if n.source != NameSource::Given || matches(&pattern, n.name, table, n.referenced) {
                continue;
            }
            out.push(
                cx.finding(format!(
                    "{} name `{}` does not follow `{pattern}`",
                    n.what, n.name
                ))
                .label(cx.without_doc(n.span), "named here")
                .help(format!(
                    "name it by the pattern (`{table}` for `{{table}}`), or leave the name out: schemac then generates one that follows it"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn patterns_match_table_and_any_columns() {
        use super::matches;
        assert!(matches(
            "idx_{table}_{columns}",
            "idx_users_email",
            "users",
            ""
        ));
        assert!(matches(
            "idx_{table}_{columns}",
            "idx_orders_status_created",
            "orders",
            ""
        ));
        assert!(!matches("idx_{table}_{columns}", "idx_users_", "users", ""));
        assert!(!matches(
            "idx_{table}_{columns}",
            "users_email_idx",
            "users",
            ""
        ));
        assert!(matches(
            "fk_{table}_{referenced_table}",
            "fk_orders_users",
            "orders",
            "users"
        ));
        assert!(!matches(
            "fk_{table}_{referenced_table}",
            "fk_orders_user",
            "orders",
            "users"
        ));
    }
}
