//! pest → AST, in one walk. Recovered regions (`bad_*` rules) become
//! diagnostics; parsing never stops at the first mistake.

use crate::ast::*;
use crate::comments;
use crate::diagnostic::{Diagnostic, Edit};
use crate::span::Span;
use crate::Code;
use pest::iterators::Pair;
use pest::Parser as _;

#[derive(pest_derive::Parser)]
#[grammar = "schemac.pest"]
struct Grammar;

/// Deeper bracket nesting than this is refused before pest sees it: the
/// grammar recurses per bracket, and no real schema nests this far.
pub const MAX_NESTING: usize = 128;

/// The result of parsing one file: the tree, and what went wrong.
pub struct Parsed {
    pub file: File,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses one file. Never panics; every problem is a diagnostic.
pub fn parse(text: &str, file: u32) -> Parsed {
    let mut p = Walker {
        file,
        diagnostics: Vec::new(),
    };
    let mut ast = File {
        file,
        ..File::default()
    };
    if let Some(at) = too_deep(text) {
        p.diagnostics.push(
            Diagnostic::error(Code::TooDeep, "brackets nested too deeply")
                .label(
                    Span::new(file, at, at + 1),
                    format!("more than {MAX_NESTING} levels deep here"),
                )
                .help("split the expression; schemac refuses deeper nesting to stay fast and safe"),
        );
        return Parsed {
            file: ast,
            diagnostics: p.diagnostics,
        };
    }
    match Grammar::parse(Rule::file, text) {
        Ok(mut pairs) => {
            if let Some(root) = pairs.next() {
                ast.comments = root
                    .clone()
                    .into_inner()
                    .flatten()
                    .filter(|c| c.as_rule() == Rule::COMMENT)
                    .map(|c| comments::comment(text, p.span(&c)))
                    .collect();
                p.file_items(root, &mut ast);
                ast.suppressions = comments::suppressions(text, &ast.comments, &mut p.diagnostics);
            }
        }
        Err(e) => p.diagnostics.push(pest_error(&e, file, 0)),
    }
    Parsed {
        file: ast,
        diagnostics: p.diagnostics,
    }
}

fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn pest_error(e: &pest::error::Error<Rule>, file: u32, offset: usize) -> Diagnostic {
    let (start, end) = match e.location {
        pest::error::InputLocation::Pos(p) => (p, p),
        pest::error::InputLocation::Span((s, e)) => (s, e),
    };
    let what = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = positives.iter().filter_map(|r| rule_name(*r)).collect();
            names.sort_unstable();
            names.dedup();
            match names.len() {
                0 => "unexpected text".to_string(),
                1 => format!("expected {}", names[0]),
                _ => {
                    let last = names.pop().unwrap_or_default();
                    format!("expected {} or {}", names.join(", "), last)
                }
            }
        }
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    Diagnostic::error(Code::Syntax, format!("syntax error: {what}")).label(
        Span::new(file, offset + start, offset + end.max(start + 1)),
        what,
    )
}

/// Words for the rules a user may see in an "expected ..." list.
fn rule_name(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::bare_ident | Rule::quoted_ident | Rule::path | Rule::clause_name => "a name",
        Rule::type_ref | Rule::type_name => "a type",
        Rule::relation => "`->` and a target entity",
        Rule::attribute => "an attribute (`@...`)",
        Rule::with_clause | Rule::kw_with => "`with`",
        Rule::default => "`=` and a default",
        Rule::int => "a number",
        Rule::string => "a string",
        Rule::column_list | Rule::elements | Rule::sql_group => "`(`",
        Rule::ref_action => "`on delete` or `on update`",
        Rule::action => "an action (cascade, restrict, no action, set null, set default)",
        Rule::ref_event => "`delete` or `update`",
        Rule::deferrable => "`deferrable`",
        Rule::back_name => "`as` and a name",
        Rule::fk_name | Rule::kw_constraint => "`constraint` and a name",
        Rule::nullable => "`?`",
        Rule::where_clause => "`where`",
        Rule::using => "`using`",
        Rule::include => "`include`",
        Rule::nulls_not_distinct => "`nulls not distinct`",
        Rule::sql_body => "`{`",
        Rule::sql_run | Rule::sql_item | Rule::sql_inner => "an SQL expression",
        Rule::import_list => "`.{`",
        Rule::kw_key => "`key`",
        Rule::kw_view => "`view`",
        Rule::kw_initially => "`initially`",
        Rule::initially => "`deferred` or `immediate`",
        Rule::kw_distinct => "`distinct`",
        Rule::kw_not => "`not`",
        Rule::EOI => "the end of the line",
        Rule::type_args => "`(`",
        Rule::array_dim => "`[]`",
        Rule::top_alone
        | Rule::declaration
        | Rule::import
        | Rule::schema_decl
        | Rule::kw_entity
        | Rule::kw_mixin
        | Rule::kw_enum
        | Rule::kw_domain
        | Rule::kw_sql
        | Rule::kw_extension
        | Rule::kw_materialized
        | Rule::kw_import
        | Rule::kw_schema => {
            "a declaration (entity, mixin, enum, domain, view, sql, extension, import, schema)"
        }
        Rule::member_alone
        | Rule::member
        | Rule::column
        | Rule::attr_line
        | Rule::kw_primary
        | Rule::kw_unique
        | Rule::kw_index
        | Rule::kw_check
        | Rule::kw_foreign
        | Rule::kw_exclude => "a column or a clause",
        _ => return None,
    })
}

struct Walker {
    file: u32,
    diagnostics: Vec<Diagnostic>,
}

impl Walker {
    /// The pair's span without trailing blanks and comments (pest counts
    /// the implicit whitespace and comments before a repetition that
    /// matched nothing into the pair).
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let start = pair.as_span().start();
        let text = pair.as_str().trim_end();
        let last_line = text.rfind('\n').map_or(text, |i| &text[i..]);
        let mut len = text.len();
        if last_line.contains("//") {
            if let Some(c) = pair
                .clone()
                .into_inner()
                .flatten()
                .find(|c| c.as_rule() == Rule::COMMENT && c.as_span().end() >= start + len)
            {
                len = text[..c.as_span().start() - start].trim_end().len();
            }
        }
        Span::new(self.file, start, start + len)
    }

    /// The span of a catch-all pair's whole text up to the end of its line.
    /// A `///` line is all comment to [`Walker::span`], which would keep
    /// only its first character.
    fn text_span(&self, pair: &Pair<'_, Rule>) -> Span {
        let start = pair.as_span().start();
        Span::new(self.file, start, start + pair.as_str().trim_end().len())
    }

    fn file_items(&mut self, root: Pair<'_, Rule>, ast: &mut File) {
        for pair in root.into_inner() {
            let span = self.span(&pair);
            match pair.as_rule() {
                Rule::version => {
                    let n = pair
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::int)
                        .and_then(|p| p.as_str().parse().ok())
                        .unwrap_or(0);
                    ast.version = Some((n, span));
                }
                Rule::import => ast.items.push(Item::Import(self.import(pair))),
                Rule::schema_decl => {
                    if let Some(name) = pair.into_inner().find(is_ident) {
                        ast.items.push(Item::Schema(self.ident(name)));
                    }
                }
                Rule::declaration => {
                    if let Some(item) = self.declaration(pair) {
                        ast.items.push(item);
                    }
                }
                Rule::bad_block | Rule::bad_line => self.bad_top(pair),
                _ => {}
            }
        }
    }

    fn bad_top(&mut self, pair: Pair<'_, Rule>) {
        let text = pair.as_str();
        let start = pair.as_span().start();
        let span = self.span(&pair);
        if text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with("///"))
        {
            self.diagnostics.push(
                Diagnostic::error(Code::DanglingDoc, "doc comment documents nothing")
                    .label(self.text_span(&pair), "no declaration follows this `///`")
                    .help("put the doc comment right above a declaration, or use `//` for a plain comment"),
            );
            return;
        }
        let diag = match Grammar::parse(Rule::top_alone, text) {
            Err(e) => pest_error(&e, self.file, start),
            Ok(_) => Diagnostic::error(Code::Syntax, "syntax error").label(span, "here"),
        };
        self.diagnostics.push(
            diag.help("a file holds `import`, `schema`, and `entity`, `mixin`, `enum`, `domain`, `view`, `materialized view`, `sql` or `extension` declarations"),
        );
    }

    fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        let span = self.span(&pair);
        let text = pair.as_str();
        if pair.as_rule() == Rule::quoted_ident {
            Ident {
                name: text[1..text.len() - 1].replace("\"\"", "\""),
                quoted: true,
                span,
            }
        } else {
            Ident {
                name: text.to_string(),
                quoted: false,
                span,
            }
        }
    }

    /// `renamed from Old` or `renamed from 'old value'`: the old name,
    /// its span covering it as written.
    fn renamed(&self, pair: Pair<'_, Rule>) -> Option<Ident> {
        let p = pair
            .into_inner()
            .find(|p| is_ident(p) || p.as_rule() == Rule::string)?;
        if p.as_rule() == Rule::string {
            let s = p.as_str();
            return Some(Ident {
                name: s[1..s.len() - 1].replace("''", "'"),
                quoted: true,
                span: self.span(&p),
            });
        }
        Some(self.ident(p))
    }

    fn first_ident(&self, pair: Pair<'_, Rule>) -> Option<Ident> {
        pair.into_inner().find(is_ident).map(|p| self.ident(p))
    }

    fn path(&self, pair: Pair<'_, Rule>) -> Path {
        let span = self.span(&pair);
        Path {
            parts: pair
                .into_inner()
                .filter(is_ident)
                .map(|p| self.ident(p))
                .collect(),
            span,
        }
    }

    fn sql(&self, pair: Pair<'_, Rule>) -> Sql {
        let raw = pair.as_str();
        let lead = raw.len() - raw.trim_start().len();
        let text = raw.trim();
        let start = pair.as_span().start() + lead;
        Sql {
            text: text.to_string(),
            span: Span::new(self.file, start, start + text.len()),
        }
    }

    /// The text inside a `sql_group`/`sql_body` pair (its only inner pair),
    /// from the start of its first non-blank line, so the first line keeps
    /// its indentation like the others; text on the opening line starts at
    /// its first non-blank character (`check ( x )` is `x`).
    fn inner_sql(&self, pair: Pair<'_, Rule>) -> Sql {
        let span = pair.as_span();
        match pair.into_inner().next() {
            Some(inner) => {
                let raw = inner.as_str();
                let first = raw.len() - raw.trim_start().len();
                let line_start = raw[..first].rfind('\n').map_or(first, |i| i + 1);
                let text = raw[line_start..].trim_end();
                let start = inner.as_span().start() + line_start;
                Sql {
                    text: text.to_string(),
                    span: Span::new(self.file, start, start + text.len()),
                }
            }
            None => Sql {
                text: String::new(),
                span: Span::new(self.file, span.start(), span.end()),
            },
        }
    }

    fn import(&mut self, pair: Pair<'_, Rule>) -> Import {
        let span = self.span(&pair);
        let mut path = None;
        let mut names = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::path => path = Some(self.path(p)),
                Rule::import_list => {
                    names = Some(
                        p.into_inner()
                            .filter(is_ident)
                            .map(|i| self.ident(i))
                            .collect(),
                    )
                }
                _ => {}
            }
        }
        Import {
            path: path.unwrap_or(Path {
                parts: Vec::new(),
                span,
            }),
            names,
            span,
        }
    }

    /// The `///` lines leading a declaration or member: their text, and
    /// the span from the first to the last.
    fn docs(&self, pair: &Pair<'_, Rule>) -> (Option<String>, Option<Span>) {
        let mut lines = Vec::new();
        let mut span: Option<Span> = None;
        for d in pair
            .clone()
            .into_inner()
            .filter(|p| p.as_rule() == Rule::doc)
        {
            let s = self.span(&d);
            span = Some(span.map_or(s, |first| Span {
                end: s.end,
                ..first
            }));
            let t = d.into_inner().next().map_or("", |t| t.as_str());
            lines.push(t.strip_prefix(' ').unwrap_or(t).trim_end());
        }
        ((!lines.is_empty()).then(|| lines.join("\n")), span)
    }

    fn declaration(&mut self, pair: Pair<'_, Rule>) -> Option<Item> {
        let doc = self.docs(&pair);
        let decl = pair.into_inner().find(is_significant)?;
        Some(match decl.as_rule() {
            Rule::entity => Item::Entity(self.entity(decl, doc)),
            Rule::mixin => Item::Mixin(self.entity(decl, doc)),
            Rule::enum_decl => Item::Enum(self.enum_decl(decl, doc)),
            Rule::domain => Item::Domain(self.domain(decl, doc)?),
            Rule::view => Item::View(self.view(decl, doc)?),
            Rule::raw_sql => Item::Sql(self.raw_sql(decl, doc)?),
            Rule::extension => Item::Extension(self.extension(decl, doc)?),
            _ => return None,
        })
    }

    fn entity(&mut self, pair: Pair<'_, Rule>, (doc, doc_span): Docs) -> Entity {
        let span = self.span(&pair);
        let mut entity = Entity {
            doc,
            doc_span,
            name: Ident {
                name: String::new(),
                quoted: false,
                span,
            },
            attrs: Vec::new(),
            with: Vec::new(),
            renamed_from: None,
            members: Vec::new(),
            span,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                r if is_ident_rule(r) => entity.name = self.ident(p),
                Rule::attribute => entity.attrs.push(self.attribute(p)),
                Rule::renamed => entity.renamed_from = self.renamed(p),
                Rule::with_clause => entity.with.extend(
                    p.into_inner()
                        .filter(|p| p.as_rule() == Rule::path)
                        .map(|p| self.path(p)),
                ),
                Rule::member => {
                    if let Some(m) = self.member(p) {
                        entity.members.push(m);
                    }
                }
                _ => {}
            }
        }
        // Lists grow by doubling; a large project keeps thousands of them
        // until it is resolved, so their slack is a large part of its memory.
        entity.members.shrink_to_fit();
        entity
    }

    fn member(&mut self, pair: Pair<'_, Rule>) -> Option<Member> {
        let (doc, doc_span) = self.docs(&pair);
        let span = self.span(&pair);
        let inner = pair.into_inner().find(is_significant)?;
        let kind = match inner.as_rule() {
            Rule::attr_line => MemberKind::Attributes(
                inner
                    .into_inner()
                    .filter(|a| a.as_rule() == Rule::attribute)
                    .map(|a| self.attribute(a))
                    .collect(),
            ),
            Rule::column => MemberKind::Column(self.column(inner)),
            Rule::primary_key => {
                let mut name = None;
                let mut columns = Vec::new();
                for p in inner.into_inner() {
                    match p.as_rule() {
                        Rule::clause_name => name = self.first_ident(p),
                        Rule::column_list => columns = self.idents(p),
                        _ => {}
                    }
                }
                MemberKind::PrimaryKey { name, columns }
            }
            Rule::unique => {
                let (mut name, mut elements, mut nnd, mut deferrable, mut predicate) =
                    (None, Vec::new(), false, None, None);
                for p in inner.into_inner() {
                    match p.as_rule() {
                        Rule::clause_name => name = self.first_ident(p),
                        Rule::elements => elements = self.elements(p),
                        Rule::nulls_not_distinct => nnd = true,
                        Rule::deferrable => deferrable = Some(self.deferrable(p)),
                        Rule::where_clause => predicate = self.where_clause(p),
                        _ => {}
                    }
                }
                MemberKind::Unique {
                    name,
                    elements,
                    nulls_not_distinct: nnd,
                    deferrable,
                    predicate,
                }
            }
            Rule::index | Rule::exclude => {
                let is_index = inner.as_rule() == Rule::index;
                let (mut name, mut using, mut elements, mut include, mut predicate) =
                    (None, None, Vec::new(), Vec::new(), None);
                for p in inner.into_inner() {
                    match p.as_rule() {
                        Rule::clause_name => name = self.first_ident(p),
                        Rule::using => using = p.into_inner().find(is_ident).map(|i| self.ident(i)),
                        Rule::elements => elements = self.elements(p),
                        Rule::include => {
                            include = p
                                .into_inner()
                                .find(|c| c.as_rule() == Rule::column_list)
                                .map(|c| self.idents(c))
                                .unwrap_or_default()
                        }
                        Rule::where_clause => predicate = self.where_clause(p),
                        _ => {}
                    }
                }
                if is_index {
                    MemberKind::Index {
                        name,
                        using,
                        elements,
                        include,
                        predicate,
                    }
                } else {
                    MemberKind::Exclude {
                        name,
                        using,
                        elements,
                        predicate,
                    }
                }
            }
            Rule::check => {
                let mut name = None;
                let mut expr = None;
                for p in inner.into_inner() {
                    match p.as_rule() {
                        Rule::clause_name => name = self.first_ident(p),
                        Rule::sql_group => expr = Some(self.inner_sql(p)),
                        _ => {}
                    }
                }
                MemberKind::Check { name, expr: expr? }
            }
            Rule::foreign_key => {
                let (
                    mut name,
                    mut columns,
                    mut target,
                    mut target_columns,
                    mut actions,
                    mut deferrable,
                ) = (None, Vec::new(), None, Vec::new(), Vec::new(), None);
                for p in inner.into_inner() {
                    match p.as_rule() {
                        Rule::clause_name => name = self.first_ident(p),
                        Rule::column_list => columns = self.idents(p),
                        Rule::path => target = Some(self.path(p)),
                        Rule::ref_columns => target_columns = self.idents(p),
                        Rule::ref_action => actions.push(self.ref_action(p)),
                        Rule::deferrable => deferrable = Some(self.deferrable(p)),
                        _ => {}
                    }
                }
                MemberKind::ForeignKey {
                    name,
                    columns,
                    target: target?,
                    target_columns,
                    actions,
                    deferrable,
                }
            }
            Rule::bad_member => {
                self.bad_member(inner);
                return None;
            }
            Rule::dangling_docs => {
                self.diagnostics.push(
                    Diagnostic::error(Code::DanglingDoc, "doc comment documents nothing")
                        .label(self.text_span(&inner), "no member follows this `///`")
                        .help("put the doc comment right above a column or clause, or use `//`"),
                );
                return None;
            }
            _ => return None,
        };
        Some(Member {
            doc,
            doc_span,
            kind,
            span,
        })
    }

    fn bad_member(&mut self, pair: Pair<'_, Rule>) {
        let text = pair.as_str();
        let start = pair.as_span().start();
        let span = self.span(&pair);
        let trimmed = text.trim();
        if trimmed.starts_with("///") {
            self.diagnostics.push(
                Diagnostic::error(Code::DanglingDoc, "doc comment documents nothing")
                    .label(self.text_span(&pair), "no member follows this `///`")
                    .help("put the doc comment right above a column or clause, or use `//`"),
            );
            return;
        }
        // Known mistakes get their own words (lessons from Prisma's LEGACY_COLON).
        let help = if trimmed.ends_with(';') {
            "members end at the end of the line; remove the `;`"
        } else if trimmed
            .split_whitespace()
            .nth(0)
            .is_some_and(|w| w.ends_with(':'))
        {
            "write `name type`, without a colon: `email text`"
        } else if trimmed.to_ascii_lowercase().contains("not null") {
            "columns are NOT NULL unless their type ends in `?`: drop `not null`"
        } else {
            "a member is a column (`name type`), a relation (`name -> Entity on delete ...`), an attribute line (`@...`) or a clause: `primary key`, `unique`, `index`, `check`, `foreign key`, `exclude`"
        };
        let mut diag = match Grammar::parse(Rule::member_alone, text) {
            Err(e) => pest_error(&e, self.file, start),
            Ok(_) => Diagnostic::error(Code::Syntax, "syntax error").label(span, "here"),
        }
        .help(help);
        if trimmed.ends_with(';') {
            let body = text.trim_end();
            let kept = body.trim_end_matches(';').trim_end().len();
            diag = diag.fix(
                "remove the `;`",
                vec![Edit {
                    span: Span::new(self.file, start + kept, start + body.len()),
                    replacement: String::new(),
                }],
            );
        }
        self.diagnostics.push(diag);
    }

    fn idents(&self, pair: Pair<'_, Rule>) -> Vec<Ident> {
        pair.into_inner()
            .filter(is_ident)
            .map(|p| self.ident(p))
            .collect()
    }

    fn elements(&self, pair: Pair<'_, Rule>) -> Vec<Sql> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::sql_item)
            .map(|p| self.sql(p))
            .collect()
    }

    fn where_clause(&self, pair: Pair<'_, Rule>) -> Option<Sql> {
        pair.into_inner()
            .find(|p| p.as_rule() == Rule::sql_run)
            .map(|p| self.sql(p))
    }

    fn column(&mut self, pair: Pair<'_, Rule>) -> Column {
        let span = self.span(&pair);
        let mut late = Vec::new();
        let mut column = Column {
            is_override: false,
            name: Ident {
                name: String::new(),
                quoted: false,
                span,
            },
            ty: ColumnType::Type(TypeRef {
                name: String::new(),
                name_span: span,
                args: Vec::new(),
                array_dims: 0,
                nullable: false,
                span,
            }),
            default: None,
            attrs: Vec::new(),
            renamed_from: None,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::override_kw => column.is_override = true,
                Rule::renamed => column.renamed_from = self.renamed(p).map(Box::new),
                r if is_ident_rule(r) => column.name = self.ident(p),
                Rule::type_ref => column.ty = ColumnType::Type(self.type_ref(p)),
                Rule::relation => column.ty = ColumnType::Relation(Box::new(self.relation(p))),
                Rule::default => column.default = p.into_inner().next().map(|s| self.sql(s)),
                Rule::attribute => column.attrs.push(self.attribute(p)),
                Rule::back_name | Rule::ref_action | Rule::deferrable | Rule::fk_name => {
                    late.push(p)
                }
                _ => {}
            }
        }
        // Relation parts written after attributes belong to the relation.
        for p in late {
            let span = self.span(&p);
            let ColumnType::Relation(rel) = &mut column.ty else {
                self.diagnostics.push(
                    Diagnostic::error(Code::NotARelation, "only a relation (`-> Entity`) takes this")
                        .label(span, "this column has a type, not a relation")
                        .help("`on delete`, `on update`, `deferrable` and `as` describe a foreign key: write `name -> Entity on delete ...`"),
                );
                continue;
            };
            match p.as_rule() {
                Rule::back_name => rel.back_name = self.first_ident(p),
                Rule::fk_name => rel.constraint = self.first_ident(p),
                Rule::ref_action => rel.actions.push(self.ref_action(p)),
                _ => rel.deferrable = Some(self.deferrable(p)),
            }
        }
        column.attrs.shrink_to_fit();
        column
    }

    fn type_ref(&self, pair: Pair<'_, Rule>) -> TypeRef {
        let span = self.span(&pair);
        let mut ty = TypeRef {
            name: String::new(),
            name_span: span,
            args: Vec::new(),
            array_dims: 0,
            nullable: false,
            span,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::type_name => {
                    ty.name_span = self.span(&p);
                    ty.name = p.as_str().split_whitespace().collect::<Vec<_>>().join(" ");
                }
                Rule::type_args => {
                    ty.args = p
                        .into_inner()
                        .filter(|n| n.as_rule() == Rule::int)
                        .map(|n| n.as_str().parse().unwrap_or(u32::MAX))
                        .collect()
                }
                Rule::tz_suffix => {
                    ty.name.push(' ');
                    ty.name
                        .push_str(&p.as_str().split_whitespace().collect::<Vec<_>>().join(" "));
                }
                Rule::array_dim => ty.array_dims = ty.array_dims.saturating_add(1),
                Rule::nullable => ty.nullable = true,
                _ => {}
            }
        }
        ty
    }

    fn relation(&self, pair: Pair<'_, Rule>) -> Relation {
        let span = self.span(&pair);
        let mut rel = Relation {
            target: Path {
                parts: Vec::new(),
                span,
            },
            alternatives: Vec::new(),
            arc: None,
            target_columns: Vec::new(),
            nullable: false,
            actions: Vec::new(),
            deferrable: None,
            constraint: None,
            back_name: None,
            span,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::path if rel.target.parts.is_empty() => rel.target = self.path(p),
                Rule::path => rel.alternatives.push(self.path(p)),
                Rule::fk_name => rel.constraint = self.first_ident(p),
                Rule::ref_columns => rel.target_columns = self.idents(p),
                Rule::nullable => rel.nullable = true,
                Rule::ref_action => rel.actions.push(self.ref_action(p)),
                Rule::deferrable => rel.deferrable = Some(self.deferrable(p)),
                Rule::back_name => rel.back_name = self.first_ident(p),
                _ => {}
            }
        }
        rel
    }

    fn ref_action(&self, pair: Pair<'_, Rule>) -> RefAction {
        let span = self.span(&pair);
        let mut event = RefEvent::Delete;
        let mut action = Action::NoAction;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ref_event => {
                    event = if p.as_str() == "update" {
                        RefEvent::Update
                    } else {
                        RefEvent::Delete
                    }
                }
                Rule::action => {
                    let words: Vec<&str> = p.as_str().split_whitespace().collect();
                    action = match words.as_slice() {
                        ["cascade"] => Action::Cascade,
                        ["restrict"] => Action::Restrict,
                        ["set", "null"] => Action::SetNull,
                        ["set", "default"] => Action::SetDefault,
                        _ => Action::NoAction,
                    }
                }
                _ => {}
            }
        }
        RefAction {
            event,
            action,
            span,
        }
    }

    fn deferrable(&self, pair: Pair<'_, Rule>) -> Deferrable {
        let span = self.span(&pair);
        let mut d = Deferrable {
            deferrable: true,
            initially_deferred: false,
            span,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::kw_not => d.deferrable = false,
                Rule::initially => d.initially_deferred = p.as_str() == "deferred",
                _ => {}
            }
        }
        d
    }

    fn attribute(&self, pair: Pair<'_, Rule>) -> Attribute {
        let span = self.span(&pair);
        let mut attr = Attribute {
            name: Ident {
                name: String::new(),
                quoted: false,
                span,
            },
            args: Vec::new(),
            span,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::bare_ident => attr.name = self.ident(p),
                Rule::attr_args => {
                    for arg in p.into_inner().filter(|a| a.as_rule() == Rule::attr_arg) {
                        attr.args.push(self.attr_arg(arg));
                    }
                }
                _ => {}
            }
        }
        attr.args.shrink_to_fit();
        attr
    }

    fn attr_arg(&self, pair: Pair<'_, Rule>) -> AttrArg {
        let span = self.span(&pair);
        let mut name = None;
        let mut value = ArgValue::Sql(Sql {
            text: String::new(),
            span,
        });
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::arg_name => name = Some(self.ident(p)),
                Rule::sql_item => value = ArgValue::Sql(self.sql(p)),
                Rule::arg_list => {
                    value = ArgValue::List(
                        p.into_inner()
                            .filter(|i| i.as_rule() == Rule::list_item)
                            .map(|i| self.sql(i))
                            .collect(),
                    )
                }
                _ => {}
            }
        }
        AttrArg { name, value, span }
    }

    fn enum_decl(&mut self, pair: Pair<'_, Rule>, (doc, doc_span): Docs) -> EnumDecl {
        let span = self.span(&pair);
        let mut decl = EnumDecl {
            doc,
            doc_span,
            name: Ident {
                name: String::new(),
                quoted: false,
                span,
            },
            attrs: Vec::new(),
            values: Vec::new(),
            span,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                r if is_ident_rule(r) => decl.name = self.ident(p),
                Rule::attribute => decl.attrs.push(self.attribute(p)),
                Rule::enum_value => {
                    let (doc, doc_span) = self.docs(&p);
                    let mut inner = p.into_inner().filter(is_significant);
                    let value = inner.next();
                    let renamed_from = inner.next().and_then(|r| self.renamed(r));
                    if let Some(v) = value {
                        let name = if v.as_rule() == Rule::string {
                            let s = v.as_str();
                            s[1..s.len() - 1].replace("''", "'")
                        } else {
                            self.ident(v.clone()).name
                        };
                        decl.values.push(EnumValue {
                            doc,
                            doc_span,
                            name,
                            span: Span::from_pest(self.file, v.as_span()),
                            renamed_from,
                        });
                    }
                }
                Rule::bad_enum_value => self.diagnostics.push(
                    Diagnostic::error(Code::Syntax, "not an enum value")
                        .label(self.span(&p), "expected a value name or a 'string'")
                        .help("enum values are names or 'quoted strings', separated by spaces, commas or newlines"),
                ),
                _ => {}
            }
        }
        decl
    }

    fn domain(&mut self, pair: Pair<'_, Rule>, (doc, doc_span): Docs) -> Option<Domain> {
        let span = self.span(&pair);
        let mut name = None;
        let mut ty = None;
        let mut default = None;
        let mut attrs = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                r if is_ident_rule(r) => name = Some(self.ident(p)),
                Rule::type_ref => ty = Some(self.type_ref(p)),
                Rule::default => default = p.into_inner().next().map(|s| self.sql(s)),
                Rule::attribute => attrs.push(self.attribute(p)),
                _ => {}
            }
        }
        Some(Domain {
            doc,
            doc_span,
            name: name?,
            ty: ty?,
            default,
            attrs,
            span,
        })
    }

    fn view(&mut self, pair: Pair<'_, Rule>, (doc, doc_span): Docs) -> Option<View> {
        let span = self.span(&pair);
        let (mut materialized, mut name, mut attrs, mut body) = (false, None, Vec::new(), None);
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::materialized => materialized = true,
                r if is_ident_rule(r) => name = Some(self.ident(p)),
                Rule::attribute => attrs.push(self.attribute(p)),
                Rule::sql_body => body = Some(self.inner_sql(p)),
                _ => {}
            }
        }
        Some(View {
            doc,
            doc_span,
            materialized,
            name: name?,
            attrs,
            body: body?,
            span,
        })
    }

    fn extension(&mut self, pair: Pair<'_, Rule>, (doc, doc_span): Docs) -> Option<Extension> {
        let span = self.span(&pair);
        let (mut name, mut attrs) = (None, Vec::new());
        for p in pair.into_inner() {
            match p.as_rule() {
                r if is_ident_rule(r) => name = Some(self.ident(p)),
                Rule::attribute => attrs.push(self.attribute(p)),
                _ => {}
            }
        }
        Some(Extension {
            doc,
            doc_span,
            name: name?,
            attrs,
            span,
        })
    }

    fn raw_sql(&mut self, pair: Pair<'_, Rule>, (doc, doc_span): Docs) -> Option<RawSql> {
        let span = self.span(&pair);
        let (mut name, mut attrs, mut body) = (None, Vec::new(), None);
        for p in pair.into_inner() {
            match p.as_rule() {
                r if is_ident_rule(r) => name = Some(self.ident(p)),
                Rule::attribute => attrs.push(self.attribute(p)),
                Rule::sql_body => body = Some(self.inner_sql(p)),
                _ => {}
            }
        }
        Some(RawSql {
            doc,
            doc_span,
            name: name?,
            attrs,
            body: body?,
            span,
        })
    }
}

type Docs = (Option<String>, Option<Span>);

/// Neither a doc line nor a comment: the node a `declaration`, `member` or
/// `enum_value` pair is about.
fn is_significant(pair: &Pair<'_, Rule>) -> bool {
    !matches!(pair.as_rule(), Rule::doc | Rule::COMMENT)
}

fn is_ident_rule(rule: Rule) -> bool {
    matches!(rule, Rule::bare_ident | Rule::quoted_ident)
}

fn is_ident(pair: &Pair<'_, Rule>) -> bool {
    is_ident_rule(pair.as_rule())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(text: &str) -> Vec<(String, String)> {
        let parsed = parse(text, 0);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let Some(Item::Entity(e)) = parsed.file.items.first() else {
            panic!("no entity")
        };
        e.members
            .iter()
            .filter_map(|m| match &m.kind {
                MemberKind::Column(c) => Some((
                    c.name.name.clone(),
                    match &c.ty {
                        ColumnType::Type(t) => t.name.clone(),
                        ColumnType::Relation(r) => format!("-> {}", r.target.dotted()),
                    },
                )),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn keywords_are_contextual() {
        let cols = columns("entity A {\n  index int\n  check boolean\n  \"order\" text\n  key -> B on delete cascade\n  index (check)\n}\n");
        let names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["index", "check", "order", "key"]);
    }

    #[test]
    fn multi_word_types() {
        let cols = columns("entity A {\n  a double precision\n  b timestamp(3) with time zone\n  c time without time zone?\n}\n");
        let types: Vec<&str> = cols.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(
            types,
            [
                "double precision",
                "timestamp with time zone",
                "time without time zone"
            ]
        );
    }

    #[test]
    fn a_bad_line_does_not_hide_the_rest() {
        let parsed = parse(
            "entity A {\n  id uuid;\n  ok text\n}\n\nnonsense here\n\nenum E { a b }\n",
            0,
        );
        assert_eq!(parsed.diagnostics.len(), 2, "{:?}", parsed.diagnostics);
        assert_eq!(
            parsed.file.items.len(),
            2,
            "the entity and the enum survive"
        );
        assert!(parsed
            .diagnostics
            .iter()
            .all(|d| d.primary_span().is_some()));
    }

    #[test]
    fn a_trailing_semicolon_comes_with_a_fix() {
        let text = "entity A {\n  id uuid ;\n  ok text;\n}\n";
        let parsed = parse(text, 0);
        assert_eq!(parsed.diagnostics.len(), 2, "{:?}", parsed.diagnostics);
        let mut fixed = text.to_string();
        for d in parsed.diagnostics.iter().rev() {
            let fix = d.fix.as_ref().expect("a fix");
            fixed = fix.apply(0, &fixed).expect("applies");
        }
        assert_eq!(fixed, "entity A {\n  id uuid\n  ok text\n}\n");
        assert!(parse(&fixed, 0).diagnostics.is_empty());
    }

    #[test]
    fn a_dangling_doc_comment_is_labelled_whole() {
        for text in [
            "entity User {\n  id bigint @pk\n}\n\n/// Users who can sign in.\n",
            "entity User {\n  id bigint @pk\n  /// Users who can sign in.",
            // Right before the closing brace: the only mistake, reported as such.
            "entity User {\n  id bigint @pk\n  /// Users who can sign in.\n}\n",
        ] {
            let parsed = parse(text, 0);
            let dangling: Vec<_> = parsed
                .diagnostics
                .iter()
                .filter(|d| d.code == crate::Code::DanglingDoc)
                .collect();
            assert_eq!(dangling.len(), 1, "{text:?}: {:?}", parsed.diagnostics);
            if text.ends_with("}\n") {
                assert_eq!(parsed.diagnostics.len(), 1, "{:?}", parsed.diagnostics);
            }
            let span = dangling[0].primary_span().expect("labelled");
            assert_eq!(
                &text[span.start as usize..span.end as usize],
                "/// Users who can sign in."
            );
        }
    }

    #[test]
    fn deep_nesting_is_refused_before_pest() {
        let text = format!(
            "entity A {{\n  a int @check({}a{})\n}}\n",
            "(".repeat(500),
            ")".repeat(500)
        );
        let parsed = parse(&text, 0);
        assert_eq!(parsed.diagnostics[0].code, crate::Code::TooDeep);
    }

    #[test]
    fn sql_bodies_keep_strings_and_dollar_quotes_whole() {
        let parsed = parse("sql f {\n  select '}' , $x$ } $x$, \"}\" -- }\n}\n", 0);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let Some(Item::Sql(s)) = parsed.file.items.first() else {
            panic!("no sql block")
        };
        assert!(s.body.text.contains("$x$ } $x$"));
    }
}
