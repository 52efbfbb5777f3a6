//! What several rules ask of a model: the words of a name, a type's
//! family, every index-like key of a table, the table a `<x>_id` name
//! points at, and the facts a `sql` block states (through `sqlparse`).

use crate::lint::LintContext;
use crate::model::{ElementTarget, Expr, IndexMethod, Model, SqlType, Table, TypeBase};
use crate::sqlparse::RawKind;
use dsl::Span;
use rustc_hash::FxHashMap;
use std::borrow::Cow;

/// The words of a snake_case name, lower-cased.
pub(crate) fn words(name: &str) -> Vec<String> {
    name.split(['_', ' ', '-'])
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The last of the words of `name` (as `words` splits it, not
/// lower-cased).
pub(crate) fn last_word(name: &str) -> Option<&str> {
    name.rsplit(['_', ' ', '-']).find(|w| !w.is_empty())
}

/// Whether the last words of `name`, whose last word is `end`
/// (`last_word`), are `last`: for the per-column checks, which must not
/// allocate for every column.
pub(crate) fn ends_with_words(name: &str, end: Option<&str>, last: &[String]) -> bool {
    // The last word first: it rules out nearly every pattern.
    if !last.is_empty() && last.last().map(String::as_str) != end {
        return false;
    }
    let mut words = name.split(['_', ' ', '-']).filter(|w| !w.is_empty()).rev();
    last.iter().rev().all(|w| words.next() == Some(w.as_str()))
}

/// Whether one of the words of `name` (lower-cased) is in `list`.
pub(crate) fn has_word(name: &str, list: &[String]) -> bool {
    lowercase(name)
        .split(['_', ' ', '-'])
        .any(|w| !w.is_empty() && list.iter().any(|x| x == w))
}

/// `name` lower-cased, borrowed when it already is (as nearly every
/// column name is: ASCII without capitals).
pub(crate) fn lowercase(name: &str) -> Cow<'_, str> {
    if name
        .bytes()
        .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
    {
        Cow::Owned(name.to_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// A type reduced to what makes two columns hold the same kind of value:
/// domains stand for their base, lengths and precisions are dropped, and
/// the text types (`text`, `varchar`, `char`, `citext`) are one family;
/// every enum is `enum`. Borrowed but for arrays.
pub(crate) fn family<'a: 't, 't>(cx: &LintContext<'a>, ty: &'t SqlType) -> Cow<'t, str> {
    let mut ty = ty;
    let mut dims = ty.array_dims;
    // Domains on domains: bounded by the number of domains, so a cycle
    // (refused by the resolver, possible in a model file) cannot loop.
    for _ in 0..=cx.model.domains.len() {
        let TypeBase::Domain { sql, .. } = &ty.base else {
            break;
        };
        match cx.domain(sql) {
            Some(d) => {
                ty = &d.ty;
                dims += ty.array_dims;
            }
            None => break,
        }
    }
    let base: &'t str = match &ty.base {
        TypeBase::Builtin { name } | TypeBase::Extension { name, .. } => match name.as_str() {
            "text" | "varchar" | "char" | "citext" => "text",
            other => other,
        },
        TypeBase::Enum { .. } => "enum",
        TypeBase::Domain { name, .. } => name,
    };
    if dims == 0 {
        Cow::Borrowed(base)
    } else {
        Cow::Owned(base.to_string() + &"[]".repeat(dims as usize))
    }
}

/// Whether a column of this type holds text (a domain over text included).
pub(crate) fn is_text<'a: 't, 't>(cx: &LintContext<'a>, ty: &'t SqlType) -> bool {
    family(cx, ty) == "text"
}

/// One index-like key of a table: its primary key, a unique constraint or
/// an index, as the planner sees it.
#[derive(Clone)]
pub(crate) struct KeyIndex<'t> {
    /// `primary key`, `unique constraint` or `index`.
    pub what: &'static str,
    pub name: &'t str,
    pub method: IndexMethod,
    pub unique: bool,
    /// Each element's column, `None` for an expression.
    pub columns: Vec<Option<&'t str>>,
    /// Each element's canonical text (column name, or expression), with
    /// its options: what makes two keys the same.
    pub elements: Vec<String>,
    pub include: &'t [String],
    pub predicate: Option<&'t Expr>,
    pub span: Span,
}

impl KeyIndex<'_> {
    /// Whether `columns` are this key's leading columns, in any order.
    pub fn leads_with(&self, columns: &[String]) -> bool {
        columns.len() <= self.columns.len()
            && self.columns[..columns.len()]
                .iter()
                .all(|c| c.is_some_and(|c| columns.iter().any(|x| x == c)))
            && columns
                .iter()
                .all(|c| self.columns[..columns.len()].contains(&Some(c.as_str())))
    }
}

/// Every key of `table` that PostgreSQL backs with an index.
pub(crate) fn keys(table: &Table) -> Vec<KeyIndex<'_>> {
    let mut out = Vec::new();
    if let Some(pk) = &table.primary_key {
        out.push(KeyIndex {
            what: "primary key",
            name: &pk.name,
            method: IndexMethod::Btree,
            unique: true,
            columns: pk.columns.iter().map(|c| Some(c.as_str())).collect(),
            elements: pk.columns.clone(),
            include: &[],
            predicate: None,
            span: pk.origin.span,
        });
    }
    for u in &table.uniques {
        out.push(KeyIndex {
            what: "unique constraint",
            name: &u.name,
            method: IndexMethod::Btree,
            unique: true,
            columns: u.columns.iter().map(|c| Some(c.as_str())).collect(),
            elements: u.columns.clone(),
            include: &[],
            predicate: None,
            span: u.origin.span,
        });
    }
    for i in &table.indexes {
        out.push(KeyIndex {
            what: "index",
            name: &i.name,
            method: i.method,
            unique: i.unique,
            columns: i.elements.iter().map(|e| e.column_name()).collect(),
            elements: i
                .elements
                .iter()
                .map(|e| {
                    // A plain column reads as the constraints' elements do,
                    // so an index can be compared with a key.
                    let target = match &e.target {
                        ElementTarget::Column { name } if e.is_plain_column() => {
                            return name.clone()
                        }
                        ElementTarget::Column { name } => name.clone(),
                        ElementTarget::Expr { expr } => format!("({})", expr.canonical()),
                    };
                    format!(
                        "{target} {} {} {} {}",
                        e.collation.as_deref().unwrap_or(""),
                        e.opclass.as_deref().unwrap_or(""),
                        e.descending,
                        e.nulls_first()
                    )
                })
                .collect(),
            include: &i.include,
            predicate: i.predicate.as_ref(),
            span: i.origin.span,
        });
    }
    out
}

/// Tables by SQL name (a name in several schemas maps to each).
pub(crate) fn tables_by_name(model: &Model) -> FxHashMap<&str, Vec<&Table>> {
    let mut map: FxHashMap<&str, Vec<&Table>> = FxHashMap::default();
    for t in &model.tables {
        map.entry(t.sql.name.as_str()).or_default().push(t);
    }
    map
}

/// The table a column named `<x>_id` points at by its name: a table
/// called `<x>` or its plural, in the column's schema or, failing that,
/// the only one anywhere. Never the column's own table for `id`.
pub(crate) fn implied_target<'m>(
    by_name: &FxHashMap<&str, Vec<&'m Table>>,
    table: &Table,
    column: &str,
) -> Option<&'m Table> {
    let stem = column.strip_suffix("_id")?;
    if stem.is_empty() {
        return None;
    }
    let plural = crate::names::table_name(stem);
    for name in [plural.as_str(), stem] {
        let Some(found) = by_name.get(name) else {
            continue;
        };
        if let Some(t) = found.iter().find(|t| t.sql.schema == table.sql.schema) {
            return Some(t);
        }
        if let [only] = found.as_slice() {
            return Some(only);
        }
    }
    None
}

/// Whether a column is one of a foreign key's columns.
pub(crate) fn in_foreign_key(table: &Table, column: &str) -> bool {
    table
        .foreign_keys
        .iter()
        .any(|f| f.columns.iter().any(|c| c == column))
}

/// Whether a column belongs to the primary key.
pub(crate) fn in_primary_key(table: &Table, column: &str) -> bool {
    table
        .primary_key
        .as_ref()
        .is_some_and(|p| p.columns.iter().any(|c| c == column))
}

/// Whether `predicate` only says that `columns` are not null
/// (`a is not null and b is not null`, in any order and case).
pub(crate) fn only_not_null(predicate: &Expr, columns: &[String]) -> bool {
    let text = predicate.canonical().to_lowercase();
    let mut seen = Vec::new();
    for part in text.split(" and ") {
        let part = part
            .trim()
            .trim_start_matches('(')
            .trim_end_matches(')')
            .trim();
        let Some(col) = part.strip_suffix(" is not null") else {
            return false;
        };
        seen.push(col.trim().trim_matches('"').to_string());
    }
    !seen.is_empty()
        && seen
            .iter()
            .all(|c| columns.iter().any(|x| x.to_lowercase() == *c))
}

/// The statements of every `sql` block that lint checks, each with its
/// span in the text.
pub(crate) fn raw_statements(cx: &LintContext<'_>) -> Vec<(RawKind, Span)> {
    let mut out = Vec::new();
    for m in &cx.project.modules {
        for item in &m.ast.items {
            let dsl::ast::Item::Sql(block) = item else {
                continue;
            };
            let body = block.body.span;
            let text = cx.text(body);
            for fact in crate::sqlparse::raw_facts(text) {
                let at = Span::new(
                    body.file,
                    body.start as usize + fact.start,
                    body.start as usize + fact.end,
                );
                out.push((fact.kind, at));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        let project = crate::Project::from_sources(&[("t.schema", text)]);
        let compiled = crate::compile(&project, &crate::Options::default()).expect("compiles");
        compiled.model.tables.into_iter().next().expect("a table")
    }

    #[test]
    fn keys_lead_with_columns_in_any_order() {
        let t =
            table("entity T {\n  a bigint\n  b bigint\n  c bigint\n\n  primary key (b, a, c)\n}\n");
        let keys = keys(&t);
        let pk = &keys[0];
        let cols = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(pk.leads_with(&cols(&["a", "b"])));
        assert!(pk.leads_with(&cols(&["b"])));
        assert!(!pk.leads_with(&cols(&["a"])));
        assert!(!pk.leads_with(&cols(&["a", "c"])));
        assert!(!pk.leads_with(&cols(&["a", "b", "c", "d"])));
    }

    #[test]
    fn not_null_predicates() {
        let t = table("entity T {\n  id bigint @pk\n  a bigint?\n  b bigint?\n\n  index (a, b) where a is not null and b IS NOT NULL\n  index (a) where a > 0\n}\n");
        let cols = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let p = t.indexes[0].predicate.as_ref().expect("where");
        assert!(only_not_null(p, &cols(&["a", "b"])));
        assert!(!only_not_null(p, &cols(&["a"])));
        let q = t.indexes[1].predicate.as_ref().expect("where");
        assert!(!only_not_null(q, &cols(&["a"])));
    }

    #[test]
    fn families_see_through_domains_and_lengths() {
        let project = crate::Project::from_sources(&[(
            "t.schema",
            "domain Code varchar(10)\nenum E { a }\nentity T {\n  id bigint @pk\n  a Code\n  b text\n  c E\n  d varchar(3)[]\n}\n",
        )]);
        let model = crate::compile(&project, &crate::Options::default())
            .expect("compiles")
            .model;
        let shared = crate::lint::context::Shared::new(&project, &model);
        let config = crate::lint::LintConfig::default();
        let resolved = crate::Resolved::default();
        let cx = LintContext {
            model: &model,
            resolved: &resolved,
            project: &project,
            config: &config,
            shared: &shared,
            rule: crate::lint::RULES[0],
            severity: dsl::Severity::Warning,
        };
        let f: Vec<Cow<'_, str>> = model.tables[0]
            .columns
            .iter()
            .map(|c| family(&cx, &c.ty))
            .collect();
        assert_eq!(f, ["bigint", "text", "text", "enum", "text[]"]);
    }
}
