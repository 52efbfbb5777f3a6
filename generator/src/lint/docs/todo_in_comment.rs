//! `docs/todo-in-comment`: a work note in a doc comment.

use crate::lint::{LintContext, Rule, BASE};
use dsl::{Diagnostic, Span};

pub const RULE: Rule = Rule {
    id: "docs/todo-in-comment",
    summary: "a doc comment with `TODO`, `FIXME`, `XXX` or `HACK`",
    rationale: "Doc comments are published: they become `COMMENT ON` in the database and the text of the generated docs, where a stakeholder reads \"TODO: figure out what this means\" as the definition of the column. Work notes belong in a plain `//` comment, which stays in the source, or in the issue tracker.",
    bad: "entity Invoice {\n  id     bigint @pk @identity\n  /// TODO: which currency?\n  amount numeric(12,2)\n}\n",
    good: "entity Invoice {\n  id     bigint @pk @identity\n  // TODO: which currency?\n  amount numeric(12,2)\n}\n",
    check,
    ..BASE
};

const MARKERS: &[&str] = &["TODO", "FIXME", "XXX", "HACK"];

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut docs: Vec<(Option<&str>, Span)> = Vec::new();
    for site in cx.entities() {
        docs.push((site.table.doc.as_deref(), site.ast.and_then(|e| e.doc_span).unwrap_or(site.name_span())));
    }
    for c in cx.columns() {
        docs.push((c.column.doc.as_deref(), c.member.and_then(|m| m.doc_span).unwrap_or(c.name_span())));
    }
    for e in &cx.model.enums {
        docs.push((e.doc.as_deref(), e.origin.span));
    }
    for v in &cx.model.views {
        docs.push((v.doc.as_deref(), v.origin.span));
    }
    for (doc, span) in docs {
        let Some(doc) = doc else {
            continue;
        };
        let marker = MARKERS.iter().find(|m| {
            doc.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == **m)
        });
        if let Some(marker) = marker {
            out.push(
                cx.finding(format!("a doc comment holds a work note (`{marker}`), and doc comments are published"))
                    .label(span, "becomes COMMENT ON and the docs")
                    .help("make it a plain `//` comment, or resolve it"),
            );
        }
    }
}

