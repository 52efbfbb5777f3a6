//! Graphviz DOT: each table an HTML-label box (name, then one row per
//! column with its type and keys), each foreign key an edge from child to
//! parent with crow's-foot arrow ends, as the Mermaid diagram draws them.

use super::diagram::{type_label, xml as html, Diagram, Markers};
use super::mermaid::summary;
use std::fmt::Write;

pub fn render(diagram: &Diagram<'_>) -> String {
    let mut out = String::from(
        "digraph schema {\n  graph [rankdir=BT, fontname=\"Helvetica\", nodesep=0.4, ranksep=0.8];\n  node [shape=plain, fontname=\"Helvetica\", fontsize=10];\n  edge [dir=both, fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n",
    );
    for t in &diagram.tables {
        let _ = writeln!(
            out,
            "  {} [label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\">",
            id(&t.sql.to_string())
        );
        let _ = writeln!(
            out,
            "    <tr><td colspan=\"3\" bgcolor=\"#dbe7f3\"><b>{}</b></td></tr>",
            html(&t.name)
        );
        for c in &t.columns {
            let keys = Markers::of(t, &c.name).list().join(" ");
            let ty = if c.nullable {
                format!("{}?", type_label(&c.ty))
            } else {
                type_label(&c.ty)
            };
            let title = summary(c.doc.as_deref())
                .map(|d| format!(" title=\"{}\"", html(&d)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    <tr><td align=\"left\"{title}>{}</td><td align=\"left\">{}</td><td>{}</td></tr>",
                html(&c.name),
                html(&ty),
                keys
            );
        }
        out.push_str("  </table>>];\n");
    }
    for r in &diagram.relations {
        // The child end (tail) says how many children; the parent end
        // (head) whether there must be one.
        let tail = if r.child_unique {
            "teeodot"
        } else {
            "crowodot"
        };
        let head = if r.parent_optional {
            "teeodot"
        } else {
            "teetee"
        };
        let style = if r.identifying { "" } else { ", style=dashed" };
        let _ = writeln!(
            out,
            "  {} -> {} [arrowtail={tail}, arrowhead={head}, label={}{style}];",
            id(&r.child.sql.to_string()),
            id(&r.parent.sql.to_string()),
            id(&r.label()),
        );
    }
    out.push_str("}\n");
    out
}

/// A DOT quoted identifier.
fn id(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
