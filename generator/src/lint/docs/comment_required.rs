//! `docs/comment-required`: entities and columns without a doc comment.

use crate::lint::{Knob, KnobDefault, Level, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "docs/comment-required",
    level: Level::Off,
    summary: "an entity or column (or, by the knob `what`, enum or view) without a doc comment",
    rationale: "Doc comments become `COMMENT ON` in the database and the text of the generated docs, so they reach everyone who reads the schema, from the SQL console to the stakeholders' site. Teams that want every table and column explained turn this rule on (it is off by default: many columns explain themselves) and choose what it covers with `what` (`entities`, `columns`, `enums`, `views`). `schemac lint --coverage` shows the documented share per module.",
    bad: "entity Invoice {\n  id     bigint @pk @identity\n  amount numeric(12,2)\n}\n",
    good: "/// A bill sent to a customer.\nentity Invoice {\n  /// The invoice number printed on it.\n  id     bigint @pk @identity\n  /// The total, tax included, in the invoice's currency.\n  amount numeric(12,2)\n}\n",
    knobs: &[Knob {
        name: "what",
        default: KnobDefault::List(&["entities", "columns"]),
        help: "what must be documented: `entities`, `columns`, `enums`, `views`",
    }],
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let what = cx.knob_list("what");
    let wants = |w: &str| what.iter().any(|x| x == w);
    let missing = |kind: &str, name: &str| {
        cx.finding(format!("{kind} `{name}` has no doc comment"))
            .help("add a `///` line above it: what it holds, and why")
    };
    if wants("entities") {
        for site in cx.entities().filter(|s| s.table.doc.is_none()) {
            out.push(missing("entity", &site.table.name).label(site.name_span(), "undocumented"));
        }
    }
    if wants("columns") {
        for c in cx.columns().filter(|c| c.column.doc.is_none()) {
            let name = format!("{}.{}", c.table.sql.name, c.column.name);
            out.push(missing("column", &name).label(c.name_span(), "undocumented"));
        }
    }
    if wants("enums") {
        for e in cx.model.enums.iter().filter(|e| e.doc.is_none()) {
            out.push(missing("enum", &e.name).label(e.origin.span, "undocumented"));
        }
    }
    if wants("views") {
        for v in cx.model.views.iter().filter(|v| v.doc.is_none()) {
            out.push(missing("view", &v.name).label(v.origin.span, "undocumented"));
        }
    }
}
