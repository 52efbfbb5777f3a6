//! What a rule's check sees: the model, the resolved layer, the syntax
//! trees, the configuration, and helpers that pair each table and column
//! with the text that declared it.

use super::facts::KeyIndex;
use super::{KnobValue, LintConfig, Rule};
use crate::model::{Column, Domain, Model, Origin, QName, Table, Why};
use crate::{Project, Resolved};
use dsl::ast::{self, MemberKind};
use dsl::{Code, Diagnostic, Span};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

/// What every rule asks of the model and the text, built once per lint
/// run and shared by the rules (which run on several threads): the syntax
/// behind each table and column (found by the span of its name: a table's
/// origin is its entity's name, a column's its name), the declared tables
/// and columns with it, and lookups of tables, domains and keys. The costly
/// parts are built when a rule first asks for them, so a run of a few rules
/// (`schemac build`'s error-level ones) does not pay for the rest.
pub(super) struct Shared<'a> {
    project: &'a Project,
    model: &'a Model,
    sites: OnceLock<Sites<'a>>,
    tables: OnceLock<FxHashMap<&'a QName, &'a Table>>,
    by_name: OnceLock<FxHashMap<&'a str, Vec<&'a Table>>>,
    domains: OnceLock<FxHashMap<&'a QName, &'a Domain>>,
    /// Each model table's keys (`facts::keys`), by its index.
    keys: OnceLock<Vec<OnceLock<Vec<KeyIndex<'a>>>>>,
}

/// The declared tables and their declared columns, table by table.
struct Sites<'a> {
    entities: Vec<EntitySite<'a>>,
    columns: Vec<ColumnSite<'a>>,
    /// Each model table's range in `columns` (`None`: made by a policy).
    of: Vec<Option<Range<usize>>>,
}

impl<'a> Shared<'a> {
    pub(super) fn new(project: &'a Project, model: &'a Model) -> Self {
        Shared {
            project,
            model,
            sites: OnceLock::new(),
            tables: OnceLock::new(),
            by_name: OnceLock::new(),
            domains: OnceLock::new(),
            keys: OnceLock::new(),
        }
    }

    fn sites(&self) -> &Sites<'a> {
        self.sites.get_or_init(|| {
            let mut entities_by_span: FxHashMap<(u32, u32), &'a ast::Entity> = FxHashMap::default();
            let mut members: FxHashMap<(u32, u32), (&'a ast::Member, &'a ast::Column)> =
                FxHashMap::default();
            for m in &self.project.modules {
                for item in &m.ast.items {
                    let (ast::Item::Entity(e) | ast::Item::Mixin(e)) = item else {
                        continue;
                    };
                    entities_by_span.insert(key(e.name.span), e);
                    for member in &e.members {
                        if let MemberKind::Column(c) = &member.kind {
                            members.insert(key(c.name.span), (member, c));
                        }
                    }
                }
            }
            let mut sites = Sites {
                entities: Vec::new(),
                columns: Vec::new(),
                of: vec![None; self.model.tables.len()],
            };
            for (i, table) in self.model.tables.iter().enumerate() {
                if by_policy(&table.origin) {
                    continue;
                }
                let start = sites.columns.len();
                for column in table.columns.iter().filter(|c| !by_policy(&c.origin)) {
                    let found = members.get(&key(column.origin.span)).copied();
                    sites.columns.push(ColumnSite {
                        table,
                        column,
                        member: found.map(|(m, _)| m),
                        ast: found.map(|(_, c)| c),
                    });
                }
                sites.of[i] = Some(start..sites.columns.len());
                sites.entities.push(EntitySite {
                    table,
                    ast: entities_by_span.get(&key(table.origin.span)).copied(),
                });
            }
            sites
        })
    }

    /// The index of a table of the model in `model.tables`, found by its
    /// address (rules hold references into the model).
    fn index(&self, table: &Table) -> Option<usize> {
        let size = std::mem::size_of::<Table>().max(1);
        let base = self.model.tables.as_ptr() as usize;
        let offset = (std::ptr::from_ref(table) as usize).checked_sub(base)?;
        let i = offset / size;
        (offset % size == 0 && i < self.model.tables.len()).then_some(i)
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
    pub(super) shared: &'a Shared<'a>,
    pub(super) rule: &'static Rule,
    /// The rule's configured severity.
    pub(super) severity: dsl::Severity,
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
        Diagnostic {
            rule: Some(self.rule.id),
            ..Diagnostic::new(Code::Lint, self.severity, message)
        }
    }

    /// Every table the user declared, with its entity.
    pub fn entities(&self) -> impl Iterator<Item = EntitySite<'a>> + 'a {
        self.shared.sites().entities.iter().copied()
    }

    /// The columns the user declared in one table, with their members.
    pub fn columns_of(&self, table: &'a Table) -> impl Iterator<Item = ColumnSite<'a>> + 'a {
        let sites = self.shared.sites();
        let known = self
            .shared
            .index(table)
            .and_then(|i| sites.of[i].clone())
            .map(|r| &sites.columns[r]);
        // A table the user did not declare has no sites: its columns, without
        // their syntax.
        let rest = table
            .columns
            .iter()
            .filter(move |c| known.is_none() && !by_policy(&c.origin))
            .map(move |column| ColumnSite {
                table,
                column,
                member: None,
                ast: None,
            });
        known.unwrap_or(&[]).iter().copied().chain(rest)
    }

    /// Every column the user declared, in every table the user declared.
    pub fn columns(&self) -> impl Iterator<Item = ColumnSite<'a>> + 'a {
        self.shared.sites().columns.iter().copied()
    }

    /// The table of this name.
    pub fn table(&self, name: &QName) -> Option<&'a Table> {
        let shared = self.shared;
        let model = shared.model;
        shared
            .tables
            .get_or_init(|| model.tables.iter().map(|t| (&t.sql, t)).collect())
            .get(name)
            .copied()
    }

    /// Tables by SQL name (a name in several schemas maps to each).
    pub fn tables_by_name(&self) -> &'a FxHashMap<&'a str, Vec<&'a Table>> {
        let shared = self.shared;
        shared
            .by_name
            .get_or_init(|| super::facts::tables_by_name(shared.model))
    }

    /// The domain of this name.
    pub fn domain(&self, name: &QName) -> Option<&'a Domain> {
        let shared = self.shared;
        let model = shared.model;
        shared
            .domains
            .get_or_init(|| model.domains.iter().map(|d| (&d.sql, d)).collect())
            .get(name)
            .copied()
    }

    /// Every key of a table that PostgreSQL backs with an index
    /// (`facts::keys`), computed once per table and lint run.
    pub(crate) fn keys(&self, table: &'a Table) -> Cow<'a, [KeyIndex<'a>]> {
        let shared = self.shared;
        let Some(i) = shared.index(table) else {
            return Cow::Owned(super::facts::keys(table));
        };
        let all = shared.keys.get_or_init(|| {
            std::iter::repeat_with(OnceLock::new)
                .take(shared.model.tables.len())
                .collect()
        });
        Cow::Borrowed(all[i].get_or_init(|| super::facts::keys(table)))
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
