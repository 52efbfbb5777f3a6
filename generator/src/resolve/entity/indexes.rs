//! Indexes: index methods and elements (with their options), and the index
//! schemac adds for every foreign key not already covered.

use super::*;

impl<'a> Resolver<'a> {
    /// An index method by name; an unknown one is reported (and btree
    /// stands in for it).
    pub(super) fn method(&mut self, method: &str, span: Span) -> IndexMethod {
        IndexMethod::parse(method).unwrap_or_else(|| {
            self.push(
                Diagnostic::error(
                    Code::UnknownIndexMethod,
                    format!("unknown index method `{}`", method.to_ascii_lowercase()),
                )
                .label(span, "not a PostgreSQL index method")
                .help("methods: btree, hash, gin, gist, spgist, brin"),
            );
            IndexMethod::Btree
        })
    }

    pub(super) fn note_extensions(&mut self, elements: &[IndexElement], span: Span) {
        let trigram = elements
            .iter()
            .any(|e| e.opclass.as_deref().is_some_and(|o| o.contains("trgm_ops")));
        if trigram {
            self.need_extension("pg_trgm", span);
        }
    }

    /// Index or unique elements: a column, or an expression, each with
    /// trailing options (`desc`, `nulls last`, an operator class).
    pub(super) fn elements(
        &mut self,
        table: &QName,
        elements: &[ast::Sql],
        columns: &[String],
    ) -> Vec<IndexElement> {
        let mut out = Vec::new();
        for e in elements {
            let (core, options) = split_options(&e.text);
            let core = core.trim_end();
            let core_sql = ast::Sql {
                text: core.to_string(),
                span: Span::new(
                    e.span.file,
                    e.span.start as usize,
                    e.span.start as usize + core.len(),
                ),
            };
            if let Some(name) = plain_name(core) {
                let ident = ast::Ident {
                    name: name.clone(),
                    quoted: core.starts_with('"'),
                    span: core_sql.span,
                };
                if self
                    .column_refs(table, std::slice::from_ref(&ident), columns)
                    .is_empty()
                {
                    continue;
                }
                out.push(options.apply(IndexElement::column(name)));
            } else if let Some((expr, _)) = self.expr(
                &core_sql,
                Names::Columns(table, columns),
                "index expression",
            ) {
                out.push(options.apply(IndexElement::expr(expr)));
            }
        }
        out
    }

    /// Indexes every foreign key whose columns do not already lead an
    /// index, a unique key or the primary key (unless `@no_index`).
    pub(super) fn foreign_key_indexes(&mut self, w: &Work<'a>) {
        let ti = self.table_index(w);
        let no_index: HashSet<String> = w
            .columns
            .iter()
            .zip(&self.model.tables[ti].columns)
            .filter(|((c, _), _)| c.attrs.iter().any(|a| a.name.name == "no_index"))
            .map(|(_, col)| col.name.clone())
            .collect();
        let table = &self.model.tables[ti];
        let mut add = Vec::new();
        for fk in &table.foreign_keys {
            if fk.columns.iter().all(|c| no_index.contains(c)) {
                continue;
            }
            let leads = |els: Vec<Option<&str>>| -> bool {
                els.len() >= fk.columns.len()
                    && els
                        .iter()
                        .zip(&fk.columns)
                        .all(|(e, c)| *e == Some(c.as_str()))
            };
            let covered = table
                .primary_key
                .as_ref()
                .is_some_and(|pk| leads(pk.columns.iter().map(|c| Some(c.as_str())).collect()))
                || table
                    .uniques
                    .iter()
                    .any(|u| leads(u.columns.iter().map(|c| Some(c.as_str())).collect()))
                || table.indexes.iter().any(|i| {
                    i.predicate.is_none()
                        && i.method == IndexMethod::Btree
                        && leads(i.elements.iter().map(IndexElement::column_name).collect())
                });
            if !covered {
                add.push((fk.columns.clone(), fk.origin.span));
            }
        }
        let tname = table.sql.name.clone();
        for (cols, span) in add {
            let parts: Vec<&str> = std::iter::once(tname.as_str())
                .chain(cols.iter().map(String::as_str))
                .collect();
            let name = names::pattern("idx", &parts);
            // Declared by its foreign key: the member that holds it.
            let via = w
                .members
                .iter()
                .find(|p| {
                    let m = p.member.span;
                    m.file == span.file && m.start <= span.start && span.end <= m.end
                })
                .and_then(|p| p.via);
            self.define_clause(ti, ObjectKind::Index, &name, span, None, via);
            self.model.tables[ti].indexes.push(Index {
                name,
                method: IndexMethod::Btree,
                unique: false,
                nulls_not_distinct: false,
                elements: cols.into_iter().map(IndexElement::column).collect(),
                include: Vec::new(),
                predicate: None,
                doc: None,
                origin: Origin::generated(span).because(Why::ForeignKeyIndex),
            });
        }
    }
}

/// Name parts for a generated index/unique name: the table, then each
/// column (an expression contributes the last name it mentions: the
/// column in `lower(email)`).
pub(super) fn name_parts<'s>(table: &'s str, els: &'s [IndexElement]) -> Vec<&'s str> {
    let mut parts = vec![table];
    for e in els {
        match &e.target {
            ElementTarget::Column { name } => parts.push(name),
            ElementTarget::Expr { expr } => {
                let word = expr
                    .sql
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .rfind(|w| {
                        !w.is_empty() && !w.chars().next().is_some_and(|c| c.is_ascii_digit())
                    });
                if let Some(w) = word {
                    parts.push(w);
                }
            }
        }
    }
    parts
}

/// A bare or quoted identifier, as a column name.
fn plain_name(text: &str) -> Option<String> {
    if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        let unescaped = inner.replace("\"\"", "\"");
        return (!inner.replace("\"\"", "").contains('"')).then_some(unescaped);
    }
    attrs::is_bare_name(text).then(|| text.to_string())
}

/// Options after an index element's column or expression.
#[derive(Debug, Default, PartialEq)]
struct ElementOptions {
    collation: Option<String>,
    opclass: Option<String>,
    descending: bool,
    nulls_first: Option<bool>,
}

impl ElementOptions {
    fn apply(self, mut e: IndexElement) -> IndexElement {
        e.collation = self.collation;
        e.opclass = self.opclass;
        e.descending = self.descending;
        if let Some(first) = self.nulls_first {
            e.set_nulls_first(first);
        }
        e
    }
}

/// Splits trailing options off an element: `lower(name) desc nulls last` →
/// (`lower(name)`, descending, nulls last); `name collate "C"
/// text_pattern_ops` → (`name`, collation C, operator class). Words that
/// do not form `[collate c] [opclass] [asc|desc] [nulls first|last]` stay
/// in the text (which then fails to parse and is reported).
fn split_options(text: &str) -> (&str, ElementOptions) {
    let mut core = text.trim();
    let mut words: Vec<&str> = Vec::new();
    while let Some((head, last)) = core.rsplit_once(char::is_whitespace) {
        let lower = last.to_ascii_lowercase();
        let is_option = matches!(lower.as_str(), "asc" | "desc" | "first" | "last" | "nulls")
            || (lower.ends_with("_ops")
                && last
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.'));
        if !is_option
            || head.trim().is_empty()
            || head.matches('"').count() % 2 == 1
            || head.matches('\'').count() % 2 == 1
        {
            break;
        }
        words.insert(0, last);
        core = head.trim_end();
    }
    let mut options = ElementOptions::default();
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let mut rest: &[String] = &lower;
    if let Some(first) = rest.first().filter(|w| w.ends_with("_ops")) {
        options.opclass = Some(first.clone());
        rest = &rest[1..];
    }
    if let Some(first) = rest.first().filter(|w| *w == "asc" || *w == "desc") {
        options.descending = first == "desc";
        rest = &rest[1..];
    }
    match rest {
        [] => {}
        [n, w] if n == "nulls" && (w == "first" || w == "last") => {
            options.nulls_first = Some(w == "first");
        }
        _ => return (text.trim(), ElementOptions::default()),
    }
    // `collate name` before the options.
    if let Some((head, name)) = core.rsplit_once(char::is_whitespace) {
        if let Some((head, word)) = head.trim_end().rsplit_once(char::is_whitespace) {
            if word.eq_ignore_ascii_case("collate") && !head.trim().is_empty() {
                if let Some(c) = plain_name(name) {
                    options.collation = Some(c);
                    core = head.trim_end();
                }
            }
        }
    }
    (core, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_split() {
        let (core, o) = split_options("lower(name) desc nulls last");
        assert_eq!(core, "lower(name)");
        assert!(o.descending);
        assert_eq!(o.nulls_first, Some(false));
        let (core, o) = split_options("name gin_trgm_ops");
        assert_eq!((core, o.opclass.as_deref()), ("name", Some("gin_trgm_ops")));
        let (core, o) = split_options("name collate \"C\" text_pattern_ops ASC");
        assert_eq!(core, "name");
        assert_eq!(o.collation.as_deref(), Some("C"));
        assert_eq!(o.opclass.as_deref(), Some("text_pattern_ops"));
        assert!(!o.descending);
        assert_eq!(
            split_options("\"first name\""),
            ("\"first name\"", ElementOptions::default())
        );
        assert_eq!(
            split_options("created_at"),
            ("created_at", ElementOptions::default())
        );
        // Not a valid option sequence: left for the parser to refuse.
        assert_eq!(split_options("a nulls").0, "a nulls");
        assert_eq!(split_options("a desc asc").0, "a desc asc");
    }

    #[test]
    fn one_spelling_for_null_order() {
        let desc = |nulls: Option<&str>| {
            let text = match nulls {
                Some(n) => format!("a desc nulls {n}"),
                None => "a desc".to_string(),
            };
            split_options(&text).1.apply(IndexElement::column("a"))
        };
        assert_eq!(desc(None), desc(Some("first")));
        assert_ne!(desc(None), desc(Some("last")));
        assert!(desc(Some("first")).nulls_first() && !desc(Some("first")).nulls_written());
    }
}
