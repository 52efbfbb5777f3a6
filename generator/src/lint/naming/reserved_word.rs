//! `naming/reserved-word`: table and column names that are SQL keywords.

use crate::lint::{LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "naming/reserved-word",
    summary: "a table or column named with a reserved SQL keyword (`user`, `order`, `group`)",
    rationale: "PostgreSQL accepts a reserved keyword as a name only in double quotes. schemac always quotes, but every hand-written query, report and tool must then quote it too, and forgetting gives a syntax error far from the cause (`select user from ...` even returns the session user). A plural or a qualified name avoids it.",
    bad: "entity Order @table(order) {\n  id bigint @pk @identity\n  group text\n}\n",
    good: "entity Order {\n  id bigint @pk @identity\n  group_name text\n}\n",
    check,
    ..BASE
};

/// PostgreSQL's reserved key words (SQL Key Words appendix: "reserved" and
/// "reserved (can be function or type)").
const RESERVED: &[&str] = &[
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
    "authorization", "binary", "both", "case", "cast", "check", "collate", "collation",
    "column", "concurrently", "constraint", "create", "cross", "current_catalog",
    "current_date", "current_role", "current_schema", "current_time", "current_timestamp",
    "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end",
    "except", "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant",
    "group", "having", "ilike", "in", "initially", "inner", "intersect", "into", "is",
    "isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime",
    "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or",
    "order", "outer", "overlaps", "placing", "primary", "references", "returning",
    "right", "select", "session_user", "similar", "some", "symmetric", "system_user",
    "table", "tablesample", "then", "to", "trailing", "true", "union", "unique", "user",
    "using", "variadic", "verbose", "when", "where", "window", "with",
];

pub(crate) fn is_reserved(name: &str) -> bool {
    RESERVED.binary_search(&name).is_ok()
}

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for e in cx.entities() {
        let name = &e.table.sql.name;
        if is_reserved(name) {
            let span = e
                .attr("table")
                .and_then(|a| a.args.first())
                .map_or(e.name_span(), |a| a.span);
            out.push(
                cx.finding(format!("table name `{name}` is a reserved SQL keyword"))
                    .label(span, "reserved")
                    .help("every query must quote it; use a plural or a more specific name"),
            );
        }
    }
    for c in cx.columns() {
        let name = &c.column.name;
        if is_reserved(name) {
            out.push(
                cx.finding(format!("column name `{name}` is a reserved SQL keyword"))
                    .label(c.name_span(), "reserved")
                    .help(format!(
                        "every query must quote it; name what it holds, e.g. `{name}_name` or `{name}_id`"
                    )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_list_is_sorted_for_binary_search() {
        assert!(super::RESERVED.windows(2).all(|w| w[0] < w[1]));
    }
}
