//! `types/no-money-type`: the `money` type.

use crate::lint::{LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "types/no-money-type",
    summary: "a `money` column",
    rationale: "The guideline keeps money in `numeric` with a fixed precision. `money` formats and parses by the server's `lc_monetary` setting, so the same dump restores to different amounts on a server with another locale; it holds no currency, and it rounds fractions of a cent. `numeric(12,2)` (with a currency column where there are several) is exact and portable.",
    bad: "entity Invoice {\n  id bigint @pk @identity\n  total money\n}\n",
    good: "entity Invoice {\n  id bigint @pk @identity\n  total numeric(12,2)\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for c in cx.columns() {
        if c.column.ty.builtin_name() != Some("money") {
            continue;
        }
        out.push(
            cx.finding(format!("`{}` is `money`", c.column.name))
                .label(c.type_span(), "locale-dependent")
                .help("use `numeric(p,s)`, e.g. `numeric(12,2)`"),
        );
    }
}
