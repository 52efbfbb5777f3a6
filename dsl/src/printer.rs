//! The printer: a parsed file → its canonical `.schema` text, which
//! `schemac fmt` writes.
//!
//! The canonical form: two-space indentation; one member per line, with the
//! names of adjacent columns aligned (a blank line or a clause ends an
//! aligned run); one blank line between declarations; blank lines inside a
//! body kept, several collapsed into one; single spaces between tokens; SQL
//! fragments, bodies and enum values exactly as written.
//!
//! Comments sit beside the tree (`File::comments`); the printer attaches
//! each as it goes, in source order: a comment before a node (or inside
//! one, e.g. within a list that is printed on one line) is printed on its
//! own line before it; a comment after a node's end on the same line
//! trails it. Every comment is printed exactly once, in its original order.

use crate::ast::*;
use crate::span::Span;

/// The canonical text of `file`, parsed from `text` without errors.
pub fn format(text: &str, file: &File) -> String {
    let mut p = Printer {
        text,
        comments: &file.comments,
        next: 0,
        out: String::with_capacity(text.len() + text.len() / 8),
        prev_end: 0,
    };
    p.file(file);
    p.out
}

/// Whether two trees say the same thing: equal but for positions, and with
/// the same comments in the same order. `schemac fmt` checks its output
/// with this before writing it.
pub fn same_meaning(a: &File, b: &File) -> bool {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for key in ["span", "name_span", "doc_span", "own_line", "line"] {
                    map.remove(key);
                }
                // `version` is `(number, span)`.
                if let Some(serde_json::Value::Array(v)) = map.get_mut("version") {
                    v.truncate(1);
                }
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let tree = |f: &File| {
        let mut v = serde_json::to_value(f).unwrap_or_default();
        strip(&mut v);
        v
    };
    tree(a) == tree(b)
}

/// How a group (its leading comments, then its node) is set apart from
/// what precedes it.
#[derive(Clone, Copy, PartialEq)]
enum Sep {
    /// Nothing: the first group of a file or a body.
    None,
    /// Always one blank line: between declarations.
    Blank,
    /// A blank line if the source had one (or several) there.
    Preserve,
}

struct Printer<'a> {
    text: &'a str,
    comments: &'a [Comment],
    /// The first comment not printed yet.
    next: usize,
    out: String,
    /// Where the last printed element ended in the source.
    prev_end: usize,
}

const INDENT: usize = 2;

impl<'a> Printer<'a> {
    fn file(&mut self, file: &File) {
        let mut sep = Sep::None;
        if let Some((_, span)) = &file.version {
            let words: Vec<&'a str> = self.slice(*span).split_whitespace().collect();
            self.open(0, start(*span), end(*span), sep);
            self.out.push_str(&words.join(" "));
            self.finish(end(*span));
            sep = Sep::Blank;
        }
        let mut prev: Option<&Item> = None;
        for item in &file.items {
            let (s, e) = item_range(item);
            let together = matches!(
                (prev, item),
                (Some(Item::Import(_)), Item::Import(_)) | (Some(Item::Schema(_)), Item::Schema(_))
            );
            if prev.is_some() {
                sep = if together { Sep::Preserve } else { Sep::Blank };
            }
            self.item(item, s, e, sep);
            prev = Some(item);
        }
        self.dangling(0, usize::MAX, Sep::Blank);
    }

    fn item(&mut self, item: &Item, s: usize, e: usize, sep: Sep) {
        match item {
            Item::Import(i) => {
                self.open(0, s, e, sep);
                let mut line = format!("import {}", path(&i.path));
                if let Some(names) = &i.names {
                    let names: Vec<String> = names.iter().map(ident).collect();
                    line.push_str(&format!(".{{{}}}", names.join(", ")));
                }
                self.out.push_str(&line);
                self.finish(e);
            }
            Item::Schema(name) => {
                self.open(0, s, e, sep);
                self.out.push_str("schema ");
                self.out.push_str(&ident(name));
                self.finish(e);
            }
            Item::Entity(ent) => self.entity("entity", ent, s, sep),
            Item::Mixin(ent) => self.entity("mixin", ent, s, sep),
            Item::Enum(en) => self.enum_decl(en, s, sep),
            Item::Domain(d) => {
                self.lead(s, e, sep, &d.doc);
                let mut line = format!("domain {} {}", ident(&d.name), self.type_ref(&d.ty));
                if let Some(default) = &d.default {
                    line.push_str(" = ");
                    line.push_str(&default.text);
                }
                attrs(&mut line, &d.attrs);
                self.out.push_str(&line);
                self.finish(e);
            }
            Item::View(v) => {
                self.lead(s, e, sep, &v.doc);
                let kw = if v.materialized {
                    "materialized view"
                } else {
                    "view"
                };
                let mut line = format!("{kw} {}", ident(&v.name));
                attrs(&mut line, &v.attrs);
                self.body(line, &v.body.text, e);
            }
            Item::Extension(x) => {
                self.lead(s, e, sep, &x.doc);
                let mut line = format!("extension {}", ident(&x.name));
                attrs(&mut line, &x.attrs);
                self.out.push_str(&line);
                self.finish(e);
            }
            Item::Sql(r) => {
                self.lead(s, e, sep, &r.doc);
                let mut line = format!("sql {}", ident(&r.name));
                attrs(&mut line, &r.attrs);
                self.body(line, &r.body.text, e);
            }
        }
    }

    /// `header {`, the SQL as written, `}`.
    fn body(&mut self, mut header: String, sql: &str, e: usize) {
        header.push_str(" {\n");
        self.out.push_str(&header);
        if !sql.is_empty() {
            self.out.push_str(sql);
            self.out.push('\n');
        }
        self.out.push('}');
        self.finish(e);
    }

    fn entity(&mut self, kw: &str, ent: &Entity, s: usize, sep: Sep) {
        self.lead(s, s, sep, &ent.doc);
        let mut line = format!("{kw} {}", ident(&ent.name));
        attrs(&mut line, &ent.attrs);
        if !ent.with.is_empty() {
            let with: Vec<String> = ent.with.iter().map(path).collect();
            line.push_str(" with ");
            line.push_str(&with.join(", "));
        }
        line.push_str(" {");
        self.out.push_str(&line);
        let header_end = ent
            .attrs
            .iter()
            .map(|a| end(a.span))
            .chain(ent.with.iter().map(|w| end(w.span)))
            .fold(end(ent.name.span), usize::max);
        let brace = self.text[header_end..]
            .find('{')
            .map_or(header_end, |i| header_end + i + 1);
        self.finish(brace);

        let widths = self.column_widths(&ent.members);
        let mut sep = Sep::None;
        for (m, width) in ent.members.iter().zip(widths) {
            self.open(INDENT, start(m.span), end(m.span), sep);
            self.doc(INDENT, &m.doc);
            self.indent(INDENT);
            let line = self.member(m, width);
            self.out.push_str(&line);
            self.finish(end(m.span));
            sep = Sep::Preserve;
        }
        self.close(end(ent.span));
    }

    /// Comments left before a body's `}`, then the `}` line.
    fn close(&mut self, e: usize) {
        let brace = e.saturating_sub(1);
        self.dangling(INDENT, brace, Sep::Preserve);
        self.out.push('}');
        self.finish(e);
    }

    /// The padded width of each member's name: columns in a run (no blank
    /// line and no other member between them) share the widest name.
    fn column_widths(&self, members: &[Member]) -> Vec<usize> {
        let mut widths = vec![0; members.len()];
        let mut run_start = 0;
        for i in 0..=members.len() {
            let breaks = match members.get(i) {
                None => true,
                Some(m) => {
                    !matches!(m.kind, MemberKind::Column(_))
                        || (i > 0 && self.blank_between(end(members[i - 1].span), start(m.span)))
                }
            };
            if breaks {
                let run = &members[run_start..i];
                let width = run
                    .iter()
                    .filter_map(|m| match &m.kind {
                        MemberKind::Column(c) => Some(column_name(c).chars().count()),
                        _ => None,
                    })
                    .max()
                    .unwrap_or(0);
                widths[run_start..i].fill(width);
                run_start =
                    if matches!(members.get(i).map(|m| &m.kind), Some(MemberKind::Column(_))) {
                        i
                    } else {
                        i + 1
                    };
            }
        }
        widths
    }

    fn member(&self, m: &Member, width: usize) -> String {
        match &m.kind {
            MemberKind::Attributes(list) => {
                let list: Vec<String> = list.iter().map(attribute).collect();
                list.join(" ")
            }
            MemberKind::Column(c) => {
                let name = column_name(c);
                let pad = width.saturating_sub(name.chars().count());
                let mut line = format!("{name}{} ", " ".repeat(pad));
                match &c.ty {
                    ColumnType::Type(t) => line.push_str(&self.type_ref(t)),
                    ColumnType::Relation(r) => line.push_str(&relation(r)),
                }
                // Attributes and the default keep their written order:
                // `@pk = gen_random_uuid()` and `= 0 @check(...)` both read well.
                let at = c.default.as_ref().map_or(usize::MAX, |d| start(d.span));
                let (before, after): (Vec<_>, Vec<_>) =
                    c.attrs.iter().cloned().partition(|a| start(a.span) < at);
                attrs(&mut line, &before);
                if let Some(d) = &c.default {
                    line.push_str(" = ");
                    line.push_str(&d.text);
                }
                attrs(&mut line, &after);
                line
            }
            MemberKind::PrimaryKey { name, columns } => {
                format!("primary key {}{}", named(name), idents(columns))
            }
            MemberKind::Unique {
                name,
                elements,
                nulls_not_distinct,
                deferrable,
                predicate,
            } => {
                let mut line = format!("unique {}{}", named(name), sqls(elements));
                if *nulls_not_distinct {
                    line.push_str(" nulls not distinct");
                }
                ref_tail(&mut line, &[], deferrable);
                where_(&mut line, predicate);
                line
            }
            MemberKind::Index {
                name,
                using,
                elements,
                include,
                predicate,
            } => {
                let mut line = format!("index {}{}{}", named(name), using_(using), sqls(elements));
                if !include.is_empty() {
                    line.push_str(" include ");
                    line.push_str(&idents(include));
                }
                where_(&mut line, predicate);
                line
            }
            MemberKind::Check { name, expr } => {
                format!("check {}({})", named(name), expr.text)
            }
            MemberKind::ForeignKey {
                name,
                columns,
                target,
                target_columns,
                actions,
                deferrable,
            } => {
                let mut line = format!(
                    "foreign key {}{} -> {}",
                    named(name),
                    idents(columns),
                    path(target)
                );
                if !target_columns.is_empty() {
                    line.push_str(&idents(target_columns));
                }
                ref_tail(&mut line, actions, deferrable);
                line
            }
            MemberKind::Exclude {
                name,
                using,
                elements,
                predicate,
            } => {
                let mut line =
                    format!("exclude {}{}{}", named(name), using_(using), sqls(elements));
                where_(&mut line, predicate);
                line
            }
        }
    }

    fn enum_decl(&mut self, en: &EnumDecl, s: usize, sep: Sep) {
        self.lead(s, s, sep, &en.doc);
        let mut line = format!("enum {}", ident(&en.name));
        attrs(&mut line, &en.attrs);
        line.push_str(" {");
        let header_end = en
            .attrs
            .iter()
            .map(|a| end(a.span))
            .fold(end(en.name.span), usize::max);
        let brace = self.text[header_end..]
            .find('{')
            .map_or(header_end, |i| header_end + i + 1);
        let e = end(en.span);
        let inside = self.text.get(brace..e.saturating_sub(1)).unwrap_or("");
        let has_comment = self
            .comments
            .get(self.next)
            .is_some_and(|c| (c.span.start as usize) < e);
        let one_line =
            !inside.contains('\n') && !has_comment && en.values.iter().all(|v| v.doc.is_none());
        if one_line {
            let values: Vec<&str> = en.values.iter().map(|v| self.slice(v.span)).collect();
            if values.is_empty() {
                line.push('}');
            } else {
                line.push_str(&format!(" {} }}", values.join(", ")));
            }
            self.out.push_str(&line);
            self.finish(e);
            return;
        }
        self.out.push_str(&line);
        self.finish(brace);
        let mut sep = Sep::None;
        for v in &en.values {
            let vs = v.doc_span.map_or(start(v.span), start);
            self.open(INDENT, vs, end(v.span), sep);
            self.doc(INDENT, &v.doc);
            self.indent(INDENT);
            self.out.push_str(self.slice(v.span));
            self.finish(end(v.span));
            sep = Sep::Preserve;
        }
        self.close(e);
    }

    fn type_ref(&self, t: &TypeRef) -> String {
        // An argument too large for the tree is printed as written, so the
        // resolver still reports it.
        if t.args.contains(&u32::MAX) {
            return self
                .slice(t.span)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
        }
        let mut out = String::new();
        let args = if t.args.is_empty() {
            String::new()
        } else {
            let args: Vec<String> = t.args.iter().map(u32::to_string).collect();
            format!("({})", args.join(","))
        };
        // `timestamp(3) with time zone`: the precision goes mid-name.
        let zone = [" with time zone", " without time zone"]
            .into_iter()
            .find(|z| t.name.ends_with(z) && !args.is_empty());
        match zone {
            Some(z) => {
                out.push_str(&t.name[..t.name.len() - z.len()]);
                out.push_str(&args);
                out.push_str(z);
            }
            None => {
                out.push_str(&t.name);
                out.push_str(&args);
            }
        }
        for _ in 0..t.array_dims {
            out.push_str("[]");
        }
        if t.nullable {
            out.push('?');
        }
        out
    }

    fn doc(&mut self, indent: usize, doc: &Option<String>) {
        let Some(doc) = doc else { return };
        for line in doc.split('\n') {
            self.indent(indent);
            if line.is_empty() {
                self.out.push_str("///\n");
            } else {
                self.out.push_str("/// ");
                self.out.push_str(line);
                self.out.push('\n');
            }
        }
    }

    /// Starts a top-level declaration's group: its leading comments, the
    /// separation, its doc comment.
    fn lead(&mut self, s: usize, limit: usize, sep: Sep, doc: &Option<String>) {
        self.open(0, s, limit, sep);
        self.doc(0, doc);
    }

    /// Starts a group: the comments before `limit` (those before the node
    /// at `s`, and, for a node printed on one line, those inside it), each
    /// on its own line, then the separation before the node itself.
    fn open(&mut self, indent: usize, s: usize, limit: usize, sep: Sep) {
        let mut first = true;
        while let Some(c) = self.comments.get(self.next) {
            let cs = c.span.start as usize;
            if cs >= limit.max(s) {
                break;
            }
            self.separate(first, sep, cs);
            first = false;
            self.own_line_comment(indent);
        }
        self.separate(first, sep, s);
    }

    /// Prints the next comment on a line of its own.
    fn own_line_comment(&mut self, indent: usize) {
        let c = &self.comments[self.next];
        self.indent(indent);
        self.out.push_str(&c.text);
        self.out.push('\n');
        self.prev_end = c.span.end as usize;
        self.next += 1;
    }

    /// Comments left before `limit` that no node follows.
    fn dangling(&mut self, indent: usize, limit: usize, sep: Sep) {
        let mut first = true;
        while let Some(c) = self.comments.get(self.next) {
            if c.span.start as usize >= limit {
                break;
            }
            let sep = if self.out.is_empty() { Sep::None } else { sep };
            self.separate(first, sep, c.span.start as usize);
            first = false;
            self.own_line_comment(indent);
        }
    }

    fn separate(&mut self, first: bool, sep: Sep, at: usize) {
        let blank = match (first, sep) {
            (true, Sep::None) => false,
            (true, Sep::Blank) => true,
            _ => self.blank_between(self.prev_end, at),
        };
        if blank && !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// Ends the line of a node that ends at `e`: a comment after it on the
    /// same source line trails it here.
    fn finish(&mut self, e: usize) {
        self.prev_end = e;
        if let Some(c) = self.comments.get(self.next) {
            let cs = c.span.start as usize;
            if cs >= e && !self.text[e..cs].contains('\n') {
                self.out.push(' ');
                self.out.push_str(&c.text);
                self.prev_end = c.span.end as usize;
                self.next += 1;
            }
        }
        self.out.push('\n');
    }

    /// Whether a whole blank line lies between offsets `a` and `b`.
    fn blank_between(&self, a: usize, b: usize) -> bool {
        if a >= b || b > self.text.len() {
            return false;
        }
        let mut lines = self.text[a..b].split('\n');
        lines.next();
        let mut middle: Vec<&str> = lines.collect();
        middle.pop();
        middle.iter().any(|l| l.trim().is_empty())
    }

    fn indent(&mut self, n: usize) {
        for _ in 0..n {
            self.out.push(' ');
        }
    }

    fn slice(&self, span: Span) -> &'a str {
        self.text.get(start(span)..end(span)).unwrap_or("")
    }
}

fn start(span: Span) -> usize {
    span.start as usize
}

fn end(span: Span) -> usize {
    span.end as usize
}

/// Where an item starts (its doc comment included) and ends.
fn item_range(item: &Item) -> (usize, usize) {
    let (doc, span) = match item {
        Item::Import(i) => (None, i.span),
        Item::Schema(name) => (None, name.span),
        Item::Entity(e) | Item::Mixin(e) => (e.doc_span, e.span),
        Item::Enum(e) => (e.doc_span, e.span),
        Item::Domain(d) => (d.doc_span, d.span),
        Item::View(v) => (v.doc_span, v.span),
        Item::Sql(r) => (r.doc_span, r.span),
        Item::Extension(x) => (x.doc_span, x.span),
    };
    (doc.map_or(start(span), start), end(span))
}

fn ident(i: &Ident) -> String {
    if i.quoted {
        format!("\"{}\"", i.name.replace('"', "\"\""))
    } else {
        i.name.clone()
    }
}

fn path(p: &Path) -> String {
    let parts: Vec<String> = p.parts.iter().map(ident).collect();
    parts.join(".")
}

fn column_name(c: &Column) -> String {
    if c.is_override {
        format!("override {}", ident(&c.name))
    } else {
        ident(&c.name)
    }
}

/// A clause's optional name, with the space that follows it.
fn named(name: &Option<Ident>) -> String {
    name.as_ref()
        .map_or(String::new(), |n| format!("{} ", ident(n)))
}

fn using_(using: &Option<Ident>) -> String {
    using
        .as_ref()
        .map_or(String::new(), |u| format!("using {} ", ident(u)))
}

fn idents(list: &[Ident]) -> String {
    let list: Vec<String> = list.iter().map(ident).collect();
    format!("({})", list.join(", "))
}

fn sqls(list: &[Sql]) -> String {
    let list: Vec<&str> = list.iter().map(|s| s.text.as_str()).collect();
    format!("({})", list.join(", "))
}

fn where_(line: &mut String, predicate: &Option<Sql>) {
    if let Some(p) = predicate {
        line.push_str(" where ");
        line.push_str(&p.text);
    }
}

fn relation(r: &Relation) -> String {
    let mut out = format!("-> {}", path(&r.target));
    for alt in &r.alternatives {
        out.push_str(" | ");
        out.push_str(&path(alt));
    }
    if !r.target_columns.is_empty() {
        out.push_str(&idents(&r.target_columns));
    }
    if r.nullable {
        out.push('?');
    }
    ref_tail(&mut out, &r.actions, &r.deferrable);
    if let Some(name) = &r.constraint {
        out.push_str(" constraint ");
        out.push_str(&ident(name));
    }
    if let Some(back) = &r.back_name {
        out.push_str(" as ");
        out.push_str(&ident(back));
    }
    out
}

fn ref_tail(out: &mut String, actions: &[RefAction], deferrable: &Option<Deferrable>) {
    for a in actions {
        out.push_str(match a.event {
            RefEvent::Delete => " on delete ",
            RefEvent::Update => " on update ",
        });
        out.push_str(match a.action {
            Action::Cascade => "cascade",
            Action::Restrict => "restrict",
            Action::NoAction => "no action",
            Action::SetNull => "set null",
            Action::SetDefault => "set default",
        });
    }
    if let Some(d) = deferrable {
        out.push_str(match (d.deferrable, d.initially_deferred) {
            (false, false) => " not deferrable",
            // A contradiction the resolver reports; printed as written.
            (false, true) => " not deferrable initially deferred",
            (true, true) => " deferrable initially deferred",
            (true, false) => " deferrable",
        });
    }
}

fn attrs(line: &mut String, attrs: &[Attribute]) {
    for a in attrs {
        line.push(' ');
        line.push_str(&attribute(a));
    }
}

fn attribute(a: &Attribute) -> String {
    let mut out = format!("@{}", a.name.name);
    if a.args.is_empty() {
        return out;
    }
    let args: Vec<String> = a
        .args
        .iter()
        .map(|arg| {
            let value = match &arg.value {
                ArgValue::Sql(s) => s.text.clone(),
                ArgValue::List(items) => {
                    let items: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
                    format!("[{}]", items.join(", "))
                }
            };
            match &arg.name {
                Some(n) => format!("{}: {value}", n.name),
                None => value,
            }
        })
        .collect();
    out.push('(');
    out.push_str(&args.join(", "));
    out.push(')');
    out
}
