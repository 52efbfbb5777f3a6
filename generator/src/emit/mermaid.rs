//! Mermaid `erDiagram` text (GitHub renders it). Crow's feet: the parent
//! side is `||` (exactly one) or `|o` (zero or one, a nullable key); the
//! child side `o{` (zero or more) or `o|` (zero or one, a unique key).
//! Lines are solid when the key is part of the child's primary key.
//!
//! Mermaid refuses diagrams over about 500 edges or 50,000 characters, so
//! a large diagram is split into parts below both (with margin); a part
//! draws the tables a relation of another part needs as plain boxes.

use super::diagram::{type_label, Diagram, Markers, Relation};
use crate::model::Table;
use std::fmt::Write;

/// Below Mermaid's own limits (`maxEdges` 500, `maxTextSize` 50,000).
pub const MAX_EDGES: usize = 400;
pub const MAX_CHARS: usize = 40_000;

/// The diagram as one or more Mermaid documents, each within the limits.
pub fn render(diagram: &Diagram<'_>) -> Vec<String> {
    // Each table's relations go with it (it is their child).
    let mut parts: Vec<(Vec<&Table>, Vec<&Relation<'_>>, usize)> =
        vec![(Vec::new(), Vec::new(), 0)];
    let mut relations = diagram.relations.iter().peekable();
    for &table in &diagram.tables {
        let mut own = Vec::new();
        while let Some(r) = relations.next_if(|r| r.child.sql == table.sql) {
            own.push(r);
        }
        // A relation may also need its parent drawn as a plain box.
        let size = entity(table).len()
            + own
                .iter()
                .map(|r| relation(r).len() + stub(r.parent).len())
                .sum::<usize>();
        let (tables, rels, chars) = parts.last_mut().expect("one part");
        if !tables.is_empty() && (*chars + size > MAX_CHARS || rels.len() + own.len() > MAX_EDGES) {
            parts.push((vec![table], own, size));
        } else {
            tables.push(table);
            rels.extend(own);
            *chars += size;
        }
    }
    parts
        .iter()
        .map(|(tables, rels, _)| {
            let mut out = String::from("erDiagram\n");
            for t in tables {
                out.push_str(&entity(t));
            }
            // Parents drawn in another part appear here as plain boxes.
            let mut stubs: Vec<&Table> = rels
                .iter()
                .map(|r| r.parent)
                .filter(|p| !tables.iter().any(|t| t.sql == p.sql))
                .collect();
            stubs.sort_by(|a, b| a.sql.cmp(&b.sql));
            stubs.dedup_by(|a, b| a.sql == b.sql);
            for s in stubs {
                out.push_str(&stub(s));
            }
            for r in rels {
                out.push_str(&relation(r));
            }
            out
        })
        .collect()
}

fn stub(t: &Table) -> String {
    format!("  {}[\"{}\"]\n", id(t), text(&t.name))
}

/// Mermaid's entity names are words: the SQL name with anything else as `_`.
fn id(t: &Table) -> String {
    let name = if t.sql.schema == "public" {
        t.sql.name.clone()
    } else {
        format!("{}__{}", t.sql.schema, t.sql.name)
    };
    word(&name)
}

fn word(s: &str) -> String {
    let w: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        w
    } else {
        format!("_{w}")
    }
}

/// Text inside Mermaid's double quotes, which cannot hold one.
fn text(s: &str) -> String {
    s.replace('"', "'")
}

/// A doc comment's first line, short enough for a diagram.
pub fn summary(doc: Option<&str>) -> Option<String> {
    let first = doc?.lines().next()?.trim();
    if first.is_empty() {
        return None;
    }
    let mut s: String = first.chars().take(80).collect();
    if s.len() < first.len() {
        s.push('…');
    }
    Some(s)
}

/// A type as one word (Mermaid's parser takes `numeric(5,2)` and `text[]`).
fn type_word(ty: &crate::model::SqlType) -> String {
    type_label(ty)
        .replace(", ", ",")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_-[](),".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn entity(t: &Table) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "  {}[\"{}\"] {{", id(t), text(&t.name));
    for c in &t.columns {
        let _ = write!(out, "    {} {}", type_word(&c.ty), word(&c.name));
        let keys = Markers::of(t, &c.name).list();
        if !keys.is_empty() {
            let _ = write!(out, " {}", keys.join(", "));
        }
        if let Some(doc) = summary(c.doc.as_deref()) {
            let _ = write!(out, " \"{}\"", text(&doc));
        }
        out.push('\n');
    }
    out.push_str("  }\n");
    out
}

fn relation(r: &Relation<'_>) -> String {
    let parent = if r.parent_optional { "|o" } else { "||" };
    let child = if r.child_unique { "o|" } else { "o{" };
    let line = if r.identifying { "--" } else { ".." };
    format!(
        "  {} {parent}{line}{child} {} : \"{}\"\n",
        id(r.parent),
        id(r.child),
        text(&r.label())
    )
}
