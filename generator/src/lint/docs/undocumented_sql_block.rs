//! `docs/undocumented-sql-block`: raw SQL with no word on why.

use crate::lint::{LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "docs/undocumented-sql-block",
    summary: "a `sql` block without a doc comment",
    rationale: "A `sql` block is the escape hatch: schemac copies it as written and checks little of it, and the reader of the schema sees code without the model around it. A doc comment saying what it does and why the language could not say it tells a reviewer what to check, and tells the next maintainer whether a later release of the language makes the block unnecessary.",
    bad: "sql order_number_seq {\n  create sequence order_number_seq start 1000\n}\n",
    good: "/// Order numbers are printed on invoices and must never repeat.\nsql order_number_seq {\n  create sequence order_number_seq start 1000\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for m in &cx.project.modules {
        for item in &m.ast.items {
            let dsl::ast::Item::Sql(block) = item else {
                continue;
            };
            if block.doc.is_none() {
                out.push(
                    cx.finding(format!("`sql {}` has no doc comment", block.name.name))
                        .label(block.name.span, "undocumented raw SQL")
                        .help("add a `///` line above it: what the SQL does, and why the language cannot say it"),
                );
            }
        }
    }
}
