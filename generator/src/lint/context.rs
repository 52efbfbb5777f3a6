//! What a rule's check sees: the model, the resolved layer, the syntax
//! trees, the configuration, and helpers that pair each table and column
//! with the text that declared it.

use super::{KnobValue, LintConfig, Rule};
use crate::model::{Column, Model, Origin, Table, Why};
use crate::{Project, Resolved};
use dsl::ast::{self, MemberKind};
use dsl::{Code, Diagnostic, Span};
use rustc_hash::FxHashMap;

/// The syntax behind model objects, found by the span of their name
/// (a table's origin is its entity's name, a column's its name).
#[derive(Default)]
pub(super) struct Syntax<'a> {
    entities: FxHashMap<(u32, u32), &'a ast::Entity>,
    members: FxHashMap<(u32, u32), (&'a ast::Member, &'a ast::Column)>,
}

impl<'a> Syntax<'a> {
    pub(super) fn new(project: &'a Project) -> Self {
        let mut s = Syntax::default();
        for m in &project.modules {
            for item in &m.ast.items {
                let (ast::Item::Entity(e) | ast::Item::Mixin(e)) = item else {
                    continue;
                };
                s.entities.insert(key(e.name.span), e);
                for member in &e.members {
                    if let MemberKind::Column(c) = &member.kind {
                        s.members.insert(key(c.name.span), (member, c));
                    }
                }
            }
        }
        s
    }
}

/// Whether a policy (`@audit`, `@versioned`, ...) made the object: the
/// user cannot change it, so lint does not report it (rules still see it in
/// `model`, e.g. to know a column exists).
fn by_policy(origin: &Origin) -> bool {
    matches!(origin.why, Why::Policy { .. })
}

fn key(span: Span) -> (u32, u32) {
    (span.file, span.start)
}

/// Everything a check may look at. One per rule run: `finding` and the
/// knobs are the current rule's.
pub struct LintContext<'a> {
    pub model: &'a Model,
    /// Definitions and references (empty when the caller compiled without
    /// recording them; the syntax and the model are always there).
    pub resolved: &'a Resolved,
    /// The files: syntax trees (`modules[i].ast`, with comments and
    /// suppressions) and their text (`sources`).
    pub project: &'a Project,
    pub config: &'a LintConfig,
    pub(super) syntax: &'a Syntax<'a>,
    pub(super) rule: &'static Rule,
}

/// A table and the entity that declared it.
#[derive(Clone, Copy)]
pub struct EntitySite<'a> {
    pub table: &'a Table,
    /// `None` for a table with no entity in the text (added by a pass).
    pub ast: Option<&'a ast::Entity>,
}

impl<'a> EntitySite<'a> {
    /// The entity's name in the text.
    pub fn name_span(&self) -> Span {
        self.ast.map_or(self.table.origin.span, |e| e.name.span)
    }

    /// The entity's attribute `@name`, on its header or in its body.
    pub fn attr(&self, name: &str) -> Option<&'a ast::Attribute> {
        let e = self.ast?;
        e.attrs.iter().find(|a| a.name.name == name).or_else(|| {
            e.members.iter().find_map(|m| match &m.kind {
                MemberKind::Attributes(attrs) => attrs.iter().find(|a| a.name.name == name),
                _ => None,
            })
        })
    }
}

/// A column, its table, and the member that declared it (in the entity, or
/// in a mixin the entity uses).
#[derive(Clone, Copy)]
pub struct ColumnSite<'a> {
    pub table: &'a Table,
    pub column: &'a Column,
    pub member: Option<&'a ast::Member>,
    pub ast: Option<&'a ast::Column>,
}

impl<'a> ColumnSite<'a> {
    /// The column's name in the text.
    pub fn name_span(&self) -> Span {
        self.ast.map_or(self.column.origin.span, |c| c.name.span)
    }

    /// The type as written (for a relation: its target), else the name.
    pub fn type_span(&self) -> Span {
        match self.ast.map(|c| &c.ty) {
            Some(ast::ColumnType::Type(t)) => t.span,
            Some(ast::ColumnType::Relation(r)) => r.span,
            None => self.name_span(),
        }
    }

    /// The type as written, when it is a type (not a relation).
    pub fn type_ref(&self) -> Option<&'a ast::TypeRef> {
        match self.ast.map(|c| &c.ty) {
            Some(ast::ColumnType::Type(t)) => Some(t),
            _ => None,
        }
    }

    /// The column's attribute `@name`.
    pub fn attr(&self, name: &str) -> Option<&'a ast::Attribute> {
        self.ast?.attrs.iter().find(|a| a.name.name == name)
    }

    /// Whether the column is a relation (`-> Target`).
    pub fn is_relation(&self) -> bool {
        matches!(self.ast.map(|c| &c.ty), Some(ast::ColumnType::Relation(_)))
    }
}

impl<'a> LintContext<'a> {
    /// The rule being run.
    pub fn rule(&self) -> &'static Rule {
        self.rule
    }

    /// A finding of the current rule, at its configured level. Add a
    /// label (its first is the primary one, where suppressions apply), a
    /// help and, for mechanical corrections, a fix.
    pub fn finding(&self, message: impl Into<String>) -> Diagnostic {
        let severity = self
            .config
            .level(self.rule)
            .severity()
            .unwrap_or(dsl::Severity::Info);
        Diagnostic {
            rule: Some(self.rule.id),
            ..Diagnostic::new(Code::Lint, severity, message)
        }
    }

    /// Every table the user declared, with its entity.
    pub fn entities(&self) -> impl Iterator<Item = EntitySite<'a>> + '_ {
        self.model
            .tables
            .iter()
            .filter(|t| !by_policy(&t.origin))
            .map(|t| EntitySite {
                table: t,
                ast: self.syntax.entities.get(&key(t.origin.span)).copied(),
            })
    }

    /// The columns the user declared in one table, with their members.
    pub fn columns_of(&self, table: &'a Table) -> impl Iterator<Item = ColumnSite<'a>> + '_ {
        table
            .columns
            .iter()
            .filter(|c| !by_policy(&c.origin))
            .map(move |c| {
                let found = self.syntax.members.get(&key(c.origin.span)).copied();
                ColumnSite {
                    table,
                    column: c,
                    member: found.map(|(m, _)| m),
                    ast: found.map(|(_, c)| c),
                }
            })
    }

    /// Every column the user declared, in every table the user declared.
    pub fn columns(&self) -> impl Iterator<Item = ColumnSite<'a>> + '_ {
        self.model
            .tables
            .iter()
            .filter(|t| !by_policy(&t.origin))
            .flat_map(move |t| self.columns_of(t))
    }

    /// The text of a span.
    pub fn text(&self, span: Span) -> &'a str {
        let file = self.project.sources.get(span.file);
        file.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// A declaration's span without its leading `///` and `//` lines: where a
    /// finding about it points, so a suppression above it applies.
    pub fn without_doc(&self, span: Span) -> Span {
        let text = self.text(span);
        let mut at = 0;
        loop {
            let rest = &text[at..];
            let trimmed = rest.trim_start();
            if !trimmed.starts_with("//") {
                at += rest.len() - trimmed.len();
                break;
            }
            match rest.find('\n') {
                Some(nl) => at += nl + 1,
                None => break,
            }
        }
        Span {
            start: span.start + at.min(text.len()) as u32,
            ..span
        }
    }

    /// The configured PostgreSQL major version, if any.
    pub fn pg_version(&self) -> Option<u32> {
        self.config.pg_version
    }

    fn knob(&self, name: &str) -> Option<KnobValue> {
        if let Some(v) = self.config.knob(self.rule.id, name) {
            return Some(v.clone());
        }
        let knob = self.rule.knob(name);
        debug_assert!(knob.is_some(), "{} has no knob `{name}`", self.rule.id);
        knob.map(|k| k.default.value())
    }

    /// A boolean knob of the current rule (false if it has no such knob).
    pub fn knob_bool(&self, name: &str) -> bool {
        matches!(self.knob(name), Some(KnobValue::Bool(true)))
    }

    /// An integer knob of the current rule (0 if it has no such knob).
    pub fn knob_int(&self, name: &str) -> i64 {
        match self.knob(name) {
            Some(KnobValue::Int(i)) => i,
            _ => 0,
        }
    }

    /// A string knob of the current rule ("" if it has no such knob).
    pub fn knob_str(&self, name: &str) -> String {
        match self.knob(name) {
            Some(KnobValue::Str(s)) => s,
            _ => String::new(),
        }
    }

    /// A list knob of the current rule (empty if it has no such knob).
    pub fn knob_list(&self, name: &str) -> Vec<String> {
        match self.knob(name) {
            Some(KnobValue::List(l)) => l,
            _ => Vec::new(),
        }
    }
}
