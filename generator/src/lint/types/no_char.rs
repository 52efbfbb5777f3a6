//! `types/no-char`: `char(n)` columns.

use crate::lint::{LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "types/no-char",
    summary: "a `char(n)` column",
    rationale: "`char(n)` pads every value with spaces to `n` characters and ignores trailing spaces when comparing, so `'ab'` and `'ab  '` are equal but print differently, and it is no faster than `varchar(n)` or `text` in PostgreSQL. For a fixed-length code, use `text` (or `varchar(n)`) with a check on the length.",
    bad: "entity Country {\n  id bigint @pk @identity\n  code char(2)\n}\n",
    good: "entity Country {\n  id bigint @pk @identity\n  code varchar(2) @check(length(code) = 2)\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for c in cx.columns() {
        if c.column.ty.builtin_name() != Some("char") {
            continue;
        }
        out.push(
            cx.finding(format!("`{}` is `{}`", c.column.name, c.column.ty))
                .label(c.type_span(), "blank-padded")
                .help("use `varchar(n)` or `text`, with a check on the length if it is fixed"),
        );
    }
}
