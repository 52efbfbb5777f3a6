//! SVG drawn in Rust, no Graphviz needed: a layered layout. Parents sit
//! above their children (a table's layer is one below its deepest parent;
//! a foreign-key cycle is cut where the walk meets itself), a layer wider
//! than `MAX_ROW` boxes wraps onto further rows so large diagrams grow
//! down rather than sideways, and boxes within a row are ordered by the
//! mean position of the tables they connect to (two sweeps), which keeps
//! lines short and few crossing. Lines are curves from a child's top to
//! its parent's bottom with crow's-foot ends.
//!
//! Text is monospaced so box widths can be computed without font metrics.

use super::diagram::{type_label, xml, Diagram, Markers, Relation};
use super::mermaid::summary;
use crate::model::Table;
use rustc_hash::FxHashMap;
use std::fmt::Write;

/// At most this many boxes side by side.
pub const MAX_ROW: usize = 6;
const CHAR_W: f64 = 7.2;
const ROW_H: f64 = 18.0;
const HEAD_H: f64 = 24.0;
const PAD: f64 = 8.0;
const GAP_X: f64 = 48.0;
const GAP_Y: f64 = 72.0;
const MARGIN: f64 = 24.0;

struct Node<'m> {
    table: &'m Table,
    w: f64,
    h: f64,
    x: f64,
    y: f64,
}

/// The diagram as an SVG document. `href` gives a table's link, if any
/// (the docs site links each box to its page).
pub fn render(diagram: &Diagram<'_>, href: &dyn Fn(&Table) -> Option<String>) -> String {
    let mut nodes: Vec<Node<'_>> = diagram
        .tables
        .iter()
        .map(|&t| {
            let name_w = t
                .columns
                .iter()
                .map(|c| c.name.chars().count())
                .max()
                .unwrap_or(0);
            let type_w = t
                .columns
                .iter()
                .map(|c| type_text(c).chars().count())
                .max()
                .unwrap_or(0);
            let chars = (t.name.chars().count() + 2).max(4 + name_w + 2 + type_w);
            Node {
                table: t,
                w: (chars as f64 * CHAR_W + 2.0 * PAD).ceil(),
                h: HEAD_H + ROW_H * t.columns.len() as f64 + PAD / 2.0,
                x: 0.0,
                y: 0.0,
            }
        })
        .collect();
    let index: FxHashMap<&crate::model::QName, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (&n.table.sql, i))
        .collect();
    let edges: Vec<(usize, usize)> = diagram
        .relations
        .iter()
        .map(|r| (index[&r.child.sql], index[&r.parent.sql]))
        .collect();
    let rows = rows(nodes.len(), &edges);
    place(&mut nodes, &rows);
    let width = nodes.iter().map(|n| n.x + n.w).fold(0.0, f64::max) + MARGIN;
    let height = nodes.iter().map(|n| n.y + n.h).fold(0.0, f64::max) + MARGIN;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"erd\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace\" font-size=\"12\">",
        w = width.max(2.0 * MARGIN),
        h = height.max(2.0 * MARGIN),
    );
    out.push_str(MARKERS);
    let _ = writeln!(
        out,
        "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
    );
    out.push_str("<g class=\"relations\" fill=\"none\" stroke=\"#6b7785\" stroke-width=\"1.2\">\n");
    let ports = ports(&nodes, &edges);
    for ((r, &(c, p)), &(cx, px)) in diagram.relations.iter().zip(&edges).zip(&ports) {
        line(&mut out, r, (&nodes[c], cx), (&nodes[p], px));
    }
    out.push_str("</g>\n");
    for n in &nodes {
        node(&mut out, n, href(n.table));
    }
    out.push_str("</svg>\n");
    out
}

fn type_text(c: &crate::model::Column) -> String {
    if c.nullable {
        format!("{}?", type_label(&c.ty))
    } else {
        type_label(&c.ty)
    }
}

/// Rows of node indices, top to bottom.
fn rows(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut parents = vec![Vec::new(); n];
    let mut children = vec![Vec::new(); n];
    for &(c, p) in edges {
        if c != p {
            parents[c].push(p);
            children[p].push(c);
        }
    }
    // Depth: one below the deepest parent; a cycle is cut where the walk
    // meets a table it is still inside.
    let mut depth: Vec<Option<usize>> = vec![None; n];
    let mut inside = vec![false; n];
    fn walk(
        i: usize,
        parents: &[Vec<usize>],
        depth: &mut [Option<usize>],
        inside: &mut [bool],
    ) -> usize {
        if let Some(d) = depth[i] {
            return d;
        }
        inside[i] = true;
        let mut d = 0;
        for &p in &parents[i] {
            if !inside[p] {
                d = d.max(walk(p, parents, depth, inside) + 1);
            }
        }
        inside[i] = false;
        depth[i] = Some(d);
        d
    }
    let mut layers: Vec<Vec<usize>> = Vec::new();
    for i in 0..n {
        let d = walk(i, &parents, &mut depth, &mut inside);
        if layers.len() <= d {
            layers.resize(d + 1, Vec::new());
        }
        layers[d].push(i);
    }
    // Order within a layer by the mean position of the connected tables
    // already placed: down from the parents, then up from the children.
    let mut pos = vec![0.0f64; n];
    let set = |layer: &mut Vec<usize>, pos: &mut Vec<f64>, by: &[Vec<usize>]| {
        let key = |i: usize, pos: &[f64]| {
            let placed = &by[i];
            if placed.is_empty() {
                pos[i]
            } else {
                placed.iter().map(|&j| pos[j]).sum::<f64>() / placed.len() as f64
            }
        };
        let mut keyed: Vec<(f64, usize)> = layer.iter().map(|&i| (key(i, pos), i)).collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        *layer = keyed.into_iter().map(|(_, i)| i).collect();
        let len = layer.len().max(1) as f64;
        for (k, &i) in layer.iter().enumerate() {
            pos[i] = k as f64 / len;
        }
    };
    for layer in layers.iter_mut() {
        set(layer, &mut pos, &parents);
    }
    for layer in layers.iter_mut().rev().skip(1) {
        set(layer, &mut pos, &children);
    }
    layers
        .into_iter()
        .flat_map(|layer| {
            layer
                .chunks(MAX_ROW)
                .map(<[usize]>::to_vec)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Positions: rows stacked, each centred on the widest.
fn place(nodes: &mut [Node<'_>], rows: &[Vec<usize>]) {
    let row_w = |row: &[usize], nodes: &[Node<'_>]| {
        row.iter().map(|&i| nodes[i].w).sum::<f64>() + GAP_X * (row.len().max(1) - 1) as f64
    };
    let widest = rows.iter().map(|r| row_w(r, nodes)).fold(0.0, f64::max);
    let mut y = MARGIN;
    for row in rows {
        let mut x = MARGIN + (widest - row_w(row, nodes)) / 2.0;
        let mut tallest: f64 = 0.0;
        for &i in row {
            nodes[i].x = x.round();
            nodes[i].y = y;
            x += nodes[i].w + GAP_X;
            tallest = tallest.max(nodes[i].h);
        }
        y += (tallest + GAP_Y).round();
    }
}

/// A box's top (false) or bottom (true).
type Side = (usize, bool);
/// A line at a side: where its other end is, the edge, whether this is
/// the child's end.
type Port = (f64, usize, bool);

/// Where each edge meets its boxes (x of the child's end, of the parent's):
/// the lines on one side of a box are spread along it in the order of
/// where they go, so they neither overlap nor cross at the box.
fn ports(nodes: &[Node<'_>], edges: &[(usize, usize)]) -> Vec<(f64, f64)> {
    let centre = |i: usize| nodes[i].x + nodes[i].w / 2.0;
    let mut sides: FxHashMap<Side, Vec<Port>> = FxHashMap::default();
    for (e, &(c, p)) in edges.iter().enumerate() {
        if c == p || nodes[c].y == nodes[p].y {
            continue;
        }
        let child_below = nodes[c].y > nodes[p].y;
        sides
            .entry((c, !child_below))
            .or_default()
            .push((centre(p), e, true));
        sides
            .entry((p, child_below))
            .or_default()
            .push((centre(c), e, false));
    }
    let mut at: Vec<(f64, f64)> = edges.iter().map(|&(c, p)| (centre(c), centre(p))).collect();
    let mut keys: Vec<&(usize, bool)> = sides.keys().collect();
    keys.sort();
    for key in keys {
        let mut list = sides[key].clone();
        list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let n = &nodes[key.0];
        let step = n.w * 0.7 / list.len() as f64;
        for (k, &(_, e, child_end)) in list.iter().enumerate() {
            let x = (n.x + n.w * 0.15 + step * (k as f64 + 0.5)).round();
            if child_end {
                at[e].0 = x;
            } else {
                at[e].1 = x;
            }
        }
    }
    at
}

/// Crow's-foot ends, drawn pointing into the box at the line's end
/// (`auto-start-reverse` turns the start marker round).
const MARKERS: &str = r##"<defs>
<marker id="one" viewBox="0 0 24 16" refX="24" refY="8" markerWidth="24" markerHeight="16" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M18 2V14M13 2V14" stroke="#6b7785" stroke-width="1.4" fill="none"/></marker>
<marker id="zero-one" viewBox="0 0 24 16" refX="24" refY="8" markerWidth="24" markerHeight="16" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M18 2V14" stroke="#6b7785" stroke-width="1.4" fill="none"/><circle cx="9" cy="8" r="4" fill="#ffffff" stroke="#6b7785" stroke-width="1.4"/></marker>
<marker id="zero-many" viewBox="0 0 24 16" refX="24" refY="8" markerWidth="24" markerHeight="16" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M24 2L14 8L24 14M14 8H24" stroke="#6b7785" stroke-width="1.4" fill="none"/><circle cx="8" cy="8" r="4" fill="#ffffff" stroke="#6b7785" stroke-width="1.4"/></marker>
</defs>
"##;

fn line(out: &mut String, r: &Relation<'_>, child: (&Node<'_>, f64), parent: (&Node<'_>, f64)) {
    let ((child, cx), (parent, px)) = (child, parent);
    let child_end = if r.child_unique {
        "zero-one"
    } else {
        "zero-many"
    };
    let parent_end = if r.parent_optional { "zero-one" } else { "one" };
    let dash = if r.identifying {
        ""
    } else {
        " stroke-dasharray=\"5 3\""
    };
    let d = if std::ptr::eq(child, parent) {
        // A table that references itself: a loop on its right side.
        let (x, y) = (child.x + child.w, child.y + HEAD_H / 2.0);
        format!(
            "M{x} {y}C{} {y} {} {} {x} {}",
            x + 40.0,
            x + 40.0,
            y + 30.0,
            y + 30.0
        )
    } else {
        if child.y > parent.y {
            let (cy, py) = (child.y, parent.y + parent.h);
            let mid = (cy + py) / 2.0;
            format!("M{cx} {cy}C{cx} {mid} {px} {mid} {px} {py}")
        } else if child.y < parent.y {
            let (cy, py) = (child.y + child.h, parent.y);
            let mid = (cy + py) / 2.0;
            format!("M{cx} {cy}C{cx} {mid} {px} {mid} {px} {py}")
        } else {
            // Side by side (a wrapped row or a cycle): facing sides.
            let (cx, px) = if child.x < parent.x {
                (child.x + child.w, parent.x)
            } else {
                (child.x, parent.x + parent.w)
            };
            let (cy, py) = (child.y + HEAD_H / 2.0, parent.y + HEAD_H / 2.0);
            let mid = (cx + px) / 2.0;
            format!("M{cx} {cy}C{mid} {cy} {mid} {py} {px} {py}")
        }
    };
    let _ = writeln!(
        out,
        "<path d=\"{d}\" marker-start=\"url(#{child_end})\" marker-end=\"url(#{parent_end})\"{dash}><title>{} → {}: {}</title></path>",
        xml(&r.child.name),
        xml(&r.parent.name),
        xml(&r.label())
    );
}

fn node(out: &mut String, n: &Node<'_>, href: Option<String>) {
    let t = n.table;
    if let Some(h) = &href {
        let _ = writeln!(out, "<a href=\"{}\">", xml(h));
    }
    let _ = writeln!(
        out,
        "<g class=\"entity\" data-entity=\"{}\" transform=\"translate({} {})\">",
        xml(&t.name),
        n.x,
        n.y
    );
    if let Some(doc) = summary(t.doc.as_deref()) {
        let _ = writeln!(out, "<title>{}</title>", xml(&doc));
    }
    let _ = writeln!(
        out,
        "<rect width=\"{w}\" height=\"{h}\" rx=\"4\" fill=\"#ffffff\" stroke=\"#3b5b7a\" stroke-width=\"1.2\"/>\n<path d=\"M0 4a4 4 0 0 1 4 -4H{r}a4 4 0 0 1 4 4V{HEAD_H}H0Z\" fill=\"#dbe7f3\" stroke=\"#3b5b7a\" stroke-width=\"1.2\"/>\n<text x=\"{PAD}\" y=\"16\" font-weight=\"bold\" fill=\"#1d3348\">{}</text>",
        xml(&t.name),
        w = n.w,
        h = n.h,
        r = n.w - 4.0,
    );
    for (i, c) in t.columns.iter().enumerate() {
        let y = HEAD_H + ROW_H * (i as f64 + 1.0) - 5.0;
        let m = Markers::of(t, &c.name);
        let mark = if m.pk {
            "PK"
        } else if m.fk {
            "FK"
        } else if m.uk {
            "UK"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<text x=\"{PAD}\" y=\"{y}\" font-size=\"10\" fill=\"#9a6b00\">{mark}</text><text x=\"{}\" y=\"{y}\" fill=\"#1f2328\">{}</text><text x=\"{}\" y=\"{y}\" text-anchor=\"end\" fill=\"#57606a\">{}</text>",
            PAD + 4.0 * CHAR_W,
            xml(&c.name),
            n.w - PAD,
            xml(&type_text(c))
        );
    }
    out.push_str("</g>\n");
    if href.is_some() {
        out.push_str("</a>\n");
    }
}
