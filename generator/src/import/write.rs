//! Printing imported objects as `.schema` text: declared names chosen so
//! that schemac's names are the database's (or given with `@table`,
//! `@type`, `@column` and explicit constraint names), the order the script
//! relied on kept with `@depends`, and each file formatted by the printer.

use super::read::{words, TypeText};
use super::{Import, ItemKind, Table};
use crate::model::QName;
use crate::names;
use crate::quote;
use heck::ToUpperCamelCase;
use petgraph::graphmap::DiGraphMap;
use rustc_hash::{FxHashMap, FxHashSet};
use sqlparser::tokenizer::Token;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// A name the language reads bare, or the name in double quotes.
fn name(n: &str) -> String {
    let mut chars = n.chars();
    let bare = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if bare {
        n.to_string()
    } else {
        format!("\"{}\"", n.replace('"', "\"\""))
    }
}

/// A declared name (an identifier) for an SQL name.
fn pascal(n: &str) -> String {
    let p: String = n
        .to_upper_camel_case()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    if p.is_empty() || p.starts_with(|c: char| c.is_ascii_digit()) {
        format!("T{p}")
    } else {
        p
    }
}

/// The entity name whose table name is `table`, when there is one.
fn entity_for(table: &str) -> Option<String> {
    let mut candidates = vec![table.to_string()];
    for (suffix, repl) in [
        ("ies", "y"),
        ("es", ""),
        ("s", ""),
        ("people", "person"),
        ("children", "child"),
    ] {
        if let Some(stem) = table.strip_suffix(suffix) {
            candidates.push(format!("{stem}{repl}"));
        }
    }
    candidates
        .into_iter()
        .rev()
        .map(|c| pascal(&c))
        .find(|e| names::table_name(e) == table)
}

/// The names a fragment of SQL mentions, with their schema when
/// qualified, including in quoted strings:
/// `nextval('public.orders_id_seq'::regclass)` mentions the sequence.
fn mentions(text: &str) -> FxHashSet<(Option<String>, String)> {
    let mut out = FxHashSet::default();
    let fold = |w: &sqlparser::tokenizer::Word| {
        if w.quote_style.is_none() {
            w.value.to_lowercase()
        } else {
            w.value.clone()
        }
    };
    let tokens = words(text);
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Word(w) => match (tokens.get(i + 1), tokens.get(i + 2)) {
                (Some(Token::Period), Some(Token::Word(n))) => {
                    out.insert((Some(fold(w)), fold(n)));
                    i += 3;
                    continue;
                }
                _ => {
                    out.insert((None, fold(w)));
                }
            },
            // A function body: the names it uses.
            Token::DollarQuotedString(d) => out.extend(mentions(&d.value)),
            Token::SingleQuotedString(s) if s.contains(char::is_whitespace) => {
                out.extend(mentions(s))
            }
            Token::SingleQuotedString(s) => {
                let parts: Vec<&str> = s.split('.').map(|p| p.trim_matches('"')).collect();
                match parts.as_slice() {
                    [schema, n] => {
                        out.insert((Some(schema.to_string()), n.to_string()));
                    }
                    [n] => {
                        out.insert((None, n.to_string()));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The names an item creates in the database (functions without their
/// arguments).
fn created(im: &Import, i: usize) -> Vec<QName> {
    match &im.items[i].kind {
        ItemKind::Table(t) => {
            let t = &im.tables[*t];
            std::iter::once(t.sql.clone())
                .chain(
                    t.indexes
                        .iter()
                        .map(|x| QName::new(t.sql.schema.clone(), x.name.clone())),
                )
                .collect()
        }
        ItemKind::Enum(q, _) | ItemKind::Domain { sql: q, .. } | ItemKind::View { sql: q, .. } => {
            vec![q.clone()]
        }
        ItemKind::Raw(r) => r
            .creates
            .iter()
            .map(|(_, q)| {
                let n = q.name.split(['(', ' ']).next().unwrap_or_default();
                QName::new(q.schema.clone(), n)
            })
            .chain(r.provides.iter().cloned())
            .collect(),
        ItemKind::Extension(_) => Vec::new(),
    }
}

/// Whether item `i` mentions, as `w`, a name it creates itself, outside
/// a function body: `CREATE FUNCTION f(x)` names itself, which needs no
/// other statement creating an `f` (an overload; the names here carry no
/// arguments), while `f()` whose body calls `f(now())` does.
fn self_named(im: &Import, i: usize, w: &(Option<String>, String), mine: &[QName]) -> bool {
    if !mine.iter().any(|q| names_it(w, q)) {
        return false;
    }
    let ItemKind::Raw(r) = &im.items[i].kind else {
        return true;
    };
    !words(&r.text).iter().any(|t| match t {
        Token::DollarQuotedString(d) => mentions(&d.value).contains(w),
        _ => false,
    })
}

/// What item `j`'s SQL mentions (for a table: its expressions).
fn mentioned_by(
    im: &Import,
    j: usize,
    raw: &FxHashMap<usize, FxHashSet<(Option<String>, String)>>,
) -> FxHashSet<(Option<String>, String)> {
    match &im.items[j].kind {
        ItemKind::Raw(_) => raw[&j].clone(),
        ItemKind::Table(t) => mentions(&expressions(&im.tables[*t])),
        ItemKind::View { body, .. } => mentions(body),
        _ => FxHashSet::default(),
    }
}

/// A table's SQL fragments, one per line.
fn expressions(t: &Table) -> String {
    let mut text = String::new();
    for c in &t.cols {
        for e in [&c.default, &c.generated].into_iter().flatten() {
            text.push_str(e);
            text.push('\n');
        }
    }
    for (_, e) in &t.checks {
        text.push_str(e);
        text.push('\n');
    }
    for x in &t.indexes {
        text.push_str(&x.elements.join(", "));
        text.push('\n');
        if let Some(p) = &x.predicate {
            text.push_str(p);
            text.push('\n');
        }
    }
    text
}

/// Whether a mention names `q`: qualified, or unqualified for an object
/// in `public` (the default search path).
fn names_it(m: &(Option<String>, String), q: &QName) -> bool {
    m.1 == q.name && m.0.as_deref().unwrap_or("public") == q.schema
}

/// A foreign key the language declares as a clause: its target is a
/// declared table, by its primary key or a unique key, with columns of the
/// same types, and an index already leads with its columns (so schemac
/// adds none). Others stay `ALTER TABLE` statements.
fn clause_fk(im: &Import, t: &Table, fk: &super::Fk) -> bool {
    let Some(target) = im.table_by_name(&fk.target) else {
        return false;
    };
    let target = &im.tables[target];
    if fk.target_columns.is_empty() {
        return false;
    }
    let keyed = target
        .pk
        .as_ref()
        .is_some_and(|(_, c)| *c == fk.target_columns)
        || target
            .uniques
            .iter()
            .any(|u| u.columns == fk.target_columns);
    let type_of = |t: &Table, c: &str| -> Option<String> {
        t.cols.iter().find(|x| x.name == c).map(|x| match &x.ty {
            TypeText::Builtin(s) => s.clone(),
            TypeText::User(q, d) => format!("{}.{}{d}", q.schema, q.name),
        })
    };
    let same_types = fk.columns.len() == fk.target_columns.len()
        && fk
            .columns
            .iter()
            .zip(&fk.target_columns)
            .all(|(a, b)| type_of(t, a).is_some() && type_of(t, a) == type_of(target, b));
    let leads = |cols: &[String]| {
        cols.len() >= fk.columns.len() && cols[..fk.columns.len()] == fk.columns[..]
    };
    let covered = t.pk.as_ref().is_some_and(|(_, c)| leads(c))
        || t.uniques.iter().any(|u| leads(&u.columns))
        || t.indexes.iter().any(|i| {
            !i.unique && i.predicate.is_none() && i.method == "btree" && leads(&i.elements)
        });
    keyed && same_types && covered && !fk.columns.is_empty()
}

struct Decl {
    name: String,
    module: String,
}

pub(super) fn write(im: &mut Import) -> Vec<(String, String)> {
    // Foreign keys that stay SQL become statements after both tables.
    let mut late_fks: Vec<(usize, String, String, QName)> = Vec::new();
    for (ti, t) in im.tables.iter().enumerate() {
        for fk in &t.fks {
            if !clause_fk(im, t, fk) {
                let cols: Vec<String> = fk
                    .columns
                    .iter()
                    .map(|c| quote::ident(c).to_string())
                    .collect();
                let tcols: Vec<String> = fk
                    .target_columns
                    .iter()
                    .map(|c| quote::ident(c).to_string())
                    .collect();
                // A partitioned table's key is made on every partition.
                let only = if t.part.is_some() { "" } else { "ONLY " };
                let mut sql = format!(
                    "ALTER TABLE {only}{} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {}",
                    quote::qname(&t.sql),
                    quote::ident(&fk.name),
                    cols.join(", "),
                    quote::qname(&fk.target),
                );
                if !tcols.is_empty() {
                    let _ = write!(sql, "({})", tcols.join(", "));
                }
                for (event, a) in [("UPDATE", fk.on_update), ("DELETE", fk.on_delete)] {
                    if a != "no action" {
                        let _ = write!(sql, " ON {event} {}", a.to_uppercase());
                    }
                }
                if let Some(d) = &fk.deferrable {
                    let _ = write!(sql, " {}", d.to_uppercase());
                }
                sql.push(';');
                late_fks.push((ti, fk.name.clone(), sql, fk.target.clone()));
            }
        }
    }
    let clause_fks: Vec<Vec<bool>> = im
        .tables
        .iter()
        .map(|t| t.fks.iter().map(|fk| clause_fk(im, t, fk)).collect())
        .collect();

    // Declared names, unique in the project.
    let mut taken: FxHashSet<String> = FxHashSet::default();
    let mut unique = |base: String| -> String {
        let mut n = base.clone();
        let mut k = 2;
        while !taken.insert(n.clone()) {
            n = format!("{base}{k}");
            k += 1;
        }
        n
    };
    let table_item: FxHashMap<usize, usize> = im
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, it)| match it.kind {
            ItemKind::Table(t) => Some((t, i)),
            _ => None,
        })
        .collect();
    let mut decls: Vec<Decl> = Vec::with_capacity(im.items.len());
    for it in &im.items {
        let base = match &it.kind {
            ItemKind::Table(t) => {
                let sql = &im.tables[*t].sql.name;
                entity_for(sql).unwrap_or_else(|| pascal(sql))
            }
            ItemKind::Enum(q, _)
            | ItemKind::Domain { sql: q, .. }
            | ItemKind::View { sql: q, .. } => pascal(&q.name),
            ItemKind::Raw(r) => match r.creates.first() {
                Some((kind, q)) => {
                    let n = q.name.split(['(', ' ']).next().unwrap_or_default();
                    format!("{}_{}", kind.replace(' ', "_"), n)
                        .chars()
                        .map(|c| {
                            if c.is_ascii_alphanumeric() {
                                c.to_ascii_lowercase()
                            } else {
                                '_'
                            }
                        })
                        .collect()
                }
                // Named after its first words: `create_index_events_at_idx`.
                None => {
                    let mut n = String::new();
                    for w in words(&r.text).iter().take(4) {
                        if let Token::Word(w) = w {
                            if !n.is_empty() {
                                n.push('_');
                            }
                            n.push_str(&w.value.to_lowercase());
                        }
                    }
                    let n: String = n
                        .chars()
                        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                        .take(50)
                        .collect();
                    if n.starts_with(|c: char| c.is_ascii_alphabetic()) {
                        n
                    } else {
                        format!("statement_{n}")
                    }
                }
            },
            ItemKind::Extension(e) => e.clone(),
        };
        decls.push(Decl {
            name: if matches!(it.kind, ItemKind::Extension(_)) {
                base
            } else {
                unique(base)
            },
            module: it.schema.clone(),
        });
    }
    let mut late_decls: Vec<String> = late_fks
        .iter()
        .map(|(_, n, _, _)| {
            unique(format!(
                "fk_{}",
                n.chars()
                    .map(|c| if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    })
                    .collect::<String>()
            ))
        })
        .collect();
    late_decls.shrink_to_fit();

    // What each item's SQL mentions, and so what it waits for.
    let by_created: FxHashMap<String, Vec<(usize, QName)>> = {
        let mut m: FxHashMap<String, Vec<(usize, QName)>> = FxHashMap::default();
        for i in 0..im.items.len() {
            for q in created(im, i) {
                m.entry(q.name.clone()).or_default().push((i, q));
            }
        }
        m
    };
    let mut depends: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); im.items.len()];
    let raw_mentions: FxHashMap<usize, FxHashSet<(Option<String>, String)>> = im
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, it)| match &it.kind {
            ItemKind::Raw(r) => Some((i, mentions(&r.text))),
            _ => None,
        })
        .collect();
    for (i, it) in im.items.iter().enumerate() {
        let m = match &it.kind {
            ItemKind::Raw(_) => raw_mentions[&i].clone(),
            ItemKind::Table(t) => mentions(&expressions(&im.tables[*t])),
            ItemKind::View { body, .. } => mentions(body),
            _ => continue,
        };
        let mine = created(im, i);
        for word in &m {
            if self_named(im, i, word, &mine) {
                continue;
            }
            for (j, q) in by_created.get(&word.1).into_iter().flatten() {
                let j = *j;
                if j == i || !names_it(word, q) {
                    continue;
                }
                let j_raw = matches!(im.items[j].kind, ItemKind::Raw(_));
                let earlier = j < i;
                let ok = match &it.kind {
                    // A block runs after what the script created before it,
                    // and after what it names that comes later (a function
                    // body pg_dump writes before the tables it reads), unless
                    // that names the block in turn.
                    ItemKind::Raw(_) => {
                        let theirs = created(im, j);
                        earlier
                            || !mentioned_by(im, j, &raw_mentions).iter().any(|w| {
                                mine.iter().any(|q| names_it(w, q))
                                    && !self_named(im, j, w, &theirs)
                            })
                    }
                    // A table or view waits for the blocks it uses, unless
                    // such a block is about the table itself.
                    _ => {
                        j_raw
                            && !raw_mentions[&j]
                                .iter()
                                .any(|w| mine.iter().any(|q| names_it(w, q)))
                    }
                };
                if ok {
                    depends[i].insert(j);
                }
            }
        }
    }

    // Statements that change what came before them (attaching partitions
    // and their indexes, triggers, comments, grants) also keep their order
    // among themselves, which the dump relied on. Blocks that only create
    // a standalone object, or look ahead, stay out of the chain.
    let mut previous: Option<usize> = None;
    for (i, it) in im.items.iter().enumerate() {
        let ItemKind::Raw(r) = &it.kind else { continue };
        let standalone = r
            .creates
            .iter()
            .any(|(k, _)| matches!(*k, "sequence" | "function" | "type" | "domain" | "table"));
        let ahead = depends[i].iter().any(|&j| j > i);
        if standalone || ahead {
            continue;
        }
        if let Some(p) = previous {
            depends[i].insert(p);
        }
        previous = Some(i);
    }

    // Modules and their imports; a cycle between schemas puts everything
    // in one module (an import cycle is an error).
    let module_of = |i: usize| decls[i].module.clone();
    let mut graph: DiGraphMap<&str, ()> = DiGraphMap::new();
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let edge = |from: &str, to: &str, uses: &mut BTreeMap<String, BTreeSet<String>>| {
        if from != to {
            uses.entry(from.to_string())
                .or_default()
                .insert(to.to_string());
        }
    };
    for (i, d) in depends.iter().enumerate() {
        for &j in d {
            edge(&module_of(i), &module_of(j), &mut uses);
        }
    }
    let user_type_module = |q: &QName| -> Option<usize> {
        im.items.iter().position(|it| match &it.kind {
            ItemKind::Enum(s, _) | ItemKind::Domain { sql: s, .. } => s == q,
            _ => false,
        })
    };
    for (ti, t) in im.tables.iter().enumerate() {
        // Partitions printed as their table's `@partition` have no item.
        let Some(&i) = table_item.get(&ti) else {
            continue;
        };
        for c in &t.cols {
            if let TypeText::User(q, _) = &c.ty {
                if let Some(j) = user_type_module(q) {
                    edge(&module_of(i), &module_of(j), &mut uses);
                }
            }
        }
        for (k, fk) in t.fks.iter().enumerate() {
            if clause_fks[ti][k] {
                if let Some(tt) = im.table_by_name(&fk.target) {
                    edge(&module_of(i), &module_of(table_item[&tt]), &mut uses);
                }
            }
        }
    }
    for (ti, _, _, target) in &late_fks {
        let i = table_item[ti];
        if let Some(tt) = im.table_by_name(target) {
            edge(&module_of(i), &module_of(table_item[&tt]), &mut uses);
        }
    }
    for it in &im.items {
        if let ItemKind::Domain {
            ty: TypeText::User(q, _),
            ..
        } = &it.kind
        {
            if let Some(j) = user_type_module(q) {
                edge(&it.schema, &module_of(j), &mut uses);
            }
        }
    }
    for (from, tos) in &uses {
        for to in tos {
            graph.add_edge(from.as_str(), to.as_str(), ());
        }
    }
    let single = petgraph::algo::is_cyclic_directed(&graph);

    let type_name = |q: &QName, dims: &str| -> String {
        match user_type_module(q) {
            Some(j) => format!("{}{dims}", decls[j].name),
            None => format!("{}{dims}", name(&q.name)),
        }
    };
    let decl_of_table = |q: &QName| {
        im.table_by_name(q)
            .map(|t| decls[table_item[&t]].name.clone())
    };

    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    let module_key = |schema: &str| {
        if single {
            String::from("schema")
        } else {
            schema.to_string()
        }
    };
    for s in &im.schemas {
        modules.entry(module_key(s)).or_default();
    }
    let schema_attr = |schema: &str| -> String {
        if single && schema != "public" {
            format!(" @schema({})", name(schema))
        } else {
            String::new()
        }
    };
    let depends_attr = |i: usize, extra: &[String]| -> String {
        let mut names: Vec<String> = depends[i].iter().map(|&j| decls[j].name.clone()).collect();
        names.extend(extra.iter().cloned());
        if names.is_empty() {
            String::new()
        } else {
            format!(" @depends({})", names.join(", "))
        }
    };
    let doc = |out: &mut String, d: &Option<String>, indent: &str| {
        if let Some(d) = d {
            for l in d.lines() {
                let _ = writeln!(out, "{indent}/// {l}");
            }
        }
    };
    for (i, it) in im.items.iter().enumerate() {
        let out = modules.entry(module_key(&it.schema)).or_default();
        let decl = &decls[i].name;
        match &it.kind {
            ItemKind::Extension(e) => {
                let _ = writeln!(
                    out,
                    "extension {}{}\n",
                    name(e),
                    if it.schema == "public" {
                        String::new()
                    } else {
                        format!(" @schema({})", name(&it.schema))
                    }
                );
            }
            ItemKind::Enum(q, values) => {
                doc(out, &it.doc, "");
                let ty = if names::type_name(decl) == q.name {
                    String::new()
                } else {
                    format!(" @type({})", name(&q.name))
                };
                let vals: Vec<String> = values
                    .iter()
                    .map(|v| format!("'{}'", v.replace('\'', "''")))
                    .collect();
                let _ = writeln!(
                    out,
                    "enum {decl}{ty}{} {{ {} }}\n",
                    schema_attr(&it.schema),
                    vals.join(", ")
                );
            }
            ItemKind::Domain {
                sql,
                ty,
                default,
                checks,
            } => {
                doc(out, &it.doc, "");
                let tyattr = if names::type_name(decl) == sql.name {
                    String::new()
                } else {
                    format!(" @type({})", name(&sql.name))
                };
                let base = match ty {
                    TypeText::Builtin(b) => b.clone(),
                    TypeText::User(q, d) => type_name(q, d),
                };
                let mut line = format!("domain {decl} {base}");
                if let Some(d) = default {
                    let _ = write!(line, " = {d}");
                }
                line.push_str(&tyattr);
                line.push_str(&schema_attr(&it.schema));
                for (n, (cname, expr)) in checks.iter().enumerate() {
                    let default_name = if n == 0 {
                        format!("chk_{}", sql.name)
                    } else {
                        format!("chk_{}_{}", sql.name, n + 1)
                    };
                    if *cname == default_name {
                        let _ = write!(line, " @check({expr})");
                    } else {
                        let _ = write!(line, " @check({expr}, name: {})", name(cname));
                    }
                }
                let _ = writeln!(out, "{line}\n");
            }
            ItemKind::View {
                sql,
                materialized,
                body,
                ..
            } => {
                doc(out, &it.doc, "");
                let table = if names::type_name(decl) == sql.name {
                    String::new()
                } else {
                    format!(" @table({})", name(&sql.name))
                };
                let _ = writeln!(
                    out,
                    "{}view {decl}{table}{}{} {{\n{body}\n}}\n",
                    if *materialized { "materialized " } else { "" },
                    schema_attr(&it.schema),
                    depends_attr(i, &[]),
                );
            }
            ItemKind::Raw(r) => {
                let creates: Vec<String> = r
                    .creates
                    .iter()
                    .map(|(k, q)| {
                        if *k == "trigger" {
                            format!("{k} {}", q.name)
                        } else {
                            format!("{k} {}.{}", name(&q.schema), q.name)
                        }
                    })
                    .collect();
                let creates = if creates.is_empty() {
                    String::new()
                } else {
                    format!(" @creates({})", creates.join(", "))
                };
                let _ = writeln!(
                    out,
                    "sql {decl}{}{creates} {{\n{};\n}}\n",
                    depends_attr(i, &[]),
                    r.text.trim_end_matches(';')
                );
            }
            ItemKind::Table(ti) => {
                let t = &im.tables[*ti];
                doc(out, &t.doc, "");
                let table = if names::table_name(decl) == t.sql.name {
                    String::new()
                } else {
                    format!(" @table({})", name(&t.sql.name))
                };
                let _ = writeln!(
                    out,
                    "entity {decl}{table}{}{} {{",
                    schema_attr(&it.schema),
                    depends_attr(i, &[])
                );
                for c in &t.cols {
                    doc(out, &c.doc, "  ");
                    let mut field = c.name.clone();
                    let mut col_attr = String::new();
                    if name(&c.name) != c.name {
                        field = format!(
                            "c_{}",
                            c.name
                                .chars()
                                .map(|x| if x.is_ascii_alphanumeric() {
                                    x.to_ascii_lowercase()
                                } else {
                                    '_'
                                })
                                .collect::<String>()
                        );
                        col_attr = format!(" @column({})", name(&c.name));
                    }
                    let ty = match &c.ty {
                        TypeText::Builtin(b) => b.clone(),
                        TypeText::User(q, d) => type_name(q, d),
                    };
                    let mut line = format!("  {field} {ty}{}", if c.nullable { "?" } else { "" });
                    if let Some(d) = &c.default {
                        let _ = write!(line, " = {d}");
                    }
                    match c.identity {
                        Some(true) => line.push_str(" @identity"),
                        Some(false) => line.push_str(" @identity(by_default)"),
                        None => {}
                    }
                    if let Some(g) = &c.generated {
                        let _ = write!(line, " @generated({g})");
                    }
                    line.push_str(&col_attr);
                    let _ = writeln!(out, "{line}");
                }
                out.push('\n');
                let cols = |c: &[String]| c.iter().map(|x| name(x)).collect::<Vec<_>>().join(", ");
                if let Some((n, c)) = &t.pk {
                    let _ = writeln!(out, "  primary key {} ({})", name(n), cols(c));
                }
                for u in &t.uniques {
                    let _ = writeln!(
                        out,
                        "  unique {} ({}){}{}",
                        name(&u.name),
                        cols(&u.columns),
                        if u.nulls_not_distinct {
                            " nulls not distinct"
                        } else {
                            ""
                        },
                        u.deferrable
                            .as_ref()
                            .map(|d| format!(" {d}"))
                            .unwrap_or_default()
                    );
                }
                for (n, e) in &t.checks {
                    let _ = writeln!(out, "  check {} ({e})", name(n));
                }
                for (k, fk) in t.fks.iter().enumerate() {
                    if !clause_fks[*ti][k] {
                        continue;
                    }
                    let target = decl_of_table(&fk.target).unwrap_or_default();
                    let mut line = format!(
                        "  foreign key {} ({}) -> {target}({}) on delete {}",
                        name(&fk.name),
                        cols(&fk.columns),
                        cols(&fk.target_columns),
                        fk.on_delete
                    );
                    if fk.on_update != "no action" {
                        let _ = write!(line, " on update {}", fk.on_update);
                    }
                    if let Some(d) = &fk.deferrable {
                        let _ = write!(line, " {d}");
                    }
                    let _ = writeln!(out, "{line}");
                }
                for x in &t.indexes {
                    let kw = if x.unique { "unique" } else { "index" };
                    let using = if x.method == "btree" || x.unique {
                        String::new()
                    } else {
                        format!(" using {}", x.method)
                    };
                    let include = if x.include.is_empty() {
                        String::new()
                    } else {
                        format!(" include ({})", cols(&x.include))
                    };
                    let pred = x
                        .predicate
                        .as_ref()
                        .map(|p| format!(" where {p}"))
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "  {kw} {}{using} ({}){include}{pred}",
                        name(&x.name),
                        x.elements.join(", ")
                    );
                }
                for line in t.fold.iter().flat_map(|f| f.lines()) {
                    let _ = writeln!(out, "  {line}");
                }
                out.push_str("}\n\n");
            }
        }
    }
    let mut late_report = Vec::new();
    for (k, (ti, _, sql, target)) in late_fks.iter().enumerate() {
        let i = table_item[ti];
        let out = modules.entry(module_key(&im.items[i].schema)).or_default();
        let mut deps = vec![decls[i].name.clone()];
        if let Some(t) = decl_of_table(target) {
            if t != decls[i].name {
                deps.push(t);
            }
        }
        let _ = writeln!(
            out,
            "sql {} @depends({}) {{\n{sql}\n}}\n",
            late_decls[k],
            deps.join(", ")
        );
        late_report.push((
            im.at(im.items[i].file, im.items[i].offset),
            format!("foreign key {}", late_fks[k].1),
        ));
    }
    im.report.raw.extend(late_report);

    let mut files = Vec::new();
    for (module, body) in modules {
        let mut text = String::new();
        if !single && module != "public" {
            let _ = writeln!(text, "schema {}\n", name(&module));
        }
        if !single {
            for used in uses.get(&module).into_iter().flatten() {
                let _ = writeln!(text, "import {}", name(used));
            }
            if uses.get(&module).is_some_and(|u| !u.is_empty()) {
                text.push('\n');
            }
        }
        text.push_str(&body);
        let parsed = dsl::parse(&text, 0);
        let formatted = if parsed.diagnostics.is_empty() {
            dsl::printer::format(&text, &parsed.file)
        } else {
            text
        };
        files.push((format!("{module}.schema"), formatted));
    }
    files
}
