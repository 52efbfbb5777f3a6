//! `types/money-as-float`: amounts of money in floating point.

use crate::lint::{Knob, KnobDefault, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "types/money-as-float",
    summary: "an amount of money (by its name) in `real` or `double precision`",
    rationale: "Binary floating point cannot hold most decimal fractions: `0.1 + 0.2` is not `0.3`, and sums of prices drift by fractions of a cent that invoices and ledgers must not have. The guideline keeps money in `numeric` with a fixed precision. The rule knows money by the column's name (the `words` knob), so it can be wrong: suppress it with a reason when a column is not money.",
    bad: "entity Product {\n  id bigint @pk @identity\n  price double precision\n}\n",
    good: "entity Product {\n  id bigint @pk @identity\n  price numeric(12,2)\n}\n",
    knobs: &[Knob {
        name: "words",
        default: KnobDefault::List(&[
            "price", "amount", "cost", "total", "balance", "fee", "salary", "tax", "discount",
            "subtotal", "revenue", "payment", "refund", "wage",
        ]),
        help: "words of a column name (between `_`) that mean money",
    }],
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let words = cx.knob_list("words");
    for c in cx.columns() {
        if !matches!(
            c.column.ty.builtin_name(),
            Some("real" | "double precision")
        ) {
            continue;
        }
        let name = &c.column.name;
        let Some(word) = name.split('_').find(|w| words.iter().any(|x| x == w)) else {
            continue;
        };
        out.push(
            cx.finding(format!(
                "`{name}` looks like money (`{word}`) but is `{}`",
                c.column.ty
            ))
            .label(c.type_span(), "floating point")
            .help("use `numeric(p,s)`, e.g. `numeric(12,2)`: exact decimal arithmetic"),
        );
    }
}
