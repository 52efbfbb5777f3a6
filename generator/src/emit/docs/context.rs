//! What the templates see: plain, serialisable page data built from the
//! model, the lint findings and the migrations. Columns classified with
//! `@pii` show their class; the others that look personal by their names
//! are flagged as guesses.

use super::Input;
use crate::emit::diagram::{self, type_label, Index, Markers, Selection};
use crate::emit::{mermaid, svg};
use crate::model::{Action, ElementTarget, ForeignKey, QName, Table};
use rustc_hash::FxHashMap;
use serde::Serialize;

/// A whole-schema diagram is drawn up to this many tables; past it, one
/// per module, each up to the same size (a picture of hundreds of boxes
/// is unreadable at any zoom: the entity pages draw neighbourhoods).
pub const MAX_DIAGRAM: usize = 60;

pub struct Site<'m> {
    index: Index<'m>,
    /// Each table's module.
    module_of: FxHashMap<&'m QName, &'m str>,
    /// The foreign keys that reference each table.
    incoming: FxHashMap<&'m QName, Vec<(&'m Table, &'m ForeignKey)>>,
    /// The statements of each table (and its members), in creation order.
    ddl: FxHashMap<&'m QName, Vec<&'m str>>,
    project: Option<&'m str>,
    modules: &'m diagram::Modules,
    model: &'m crate::Model,
    /// Every lint finding, with the table it is about, if any.
    findings: Vec<(Option<&'m QName>, Finding)>,
    /// Each table's findings (indexes into `findings`, in its order).
    findings_of: FxHashMap<&'m QName, Vec<usize>>,
    migrations: &'m [super::Migration],
}

/// A lint finding as a page shows it.
#[derive(Clone, Serialize)]
struct Finding {
    rule: String,
    severity: &'static str,
    message: String,
    help: Option<String>,
    /// `path:line` of the schema text it points at.
    location: String,
    /// The entity it is about: its name and page.
    entity: Option<String>,
    slug: Option<String>,
}

/// The findings of one rule, for the anomalies page.
#[derive(Serialize)]
struct RuleFindings {
    rule: String,
    severity: &'static str,
    findings: Vec<Finding>,
}

#[derive(Serialize)]
struct EntityLink {
    name: String,
    sql: String,
    slug: String,
    summary: Option<String>,
}

#[derive(Serialize)]
struct ModuleEntry {
    name: String,
    entities: Vec<EntityLink>,
    /// Its diagram, when the whole schema is too large for one and the
    /// module is not.
    diagram: Option<String>,
}

#[derive(Serialize)]
pub struct Entity {
    pub slug: String,
    name: String,
    sql: String,
    module: String,
    doc: Option<String>,
    columns: Vec<Column>,
    primary_key: Option<String>,
    uniques: Vec<Named>,
    checks: Vec<Named>,
    excludes: Vec<Named>,
    indexes: Vec<IndexRow>,
    references: Vec<Reference>,
    referenced_by: Vec<Reference>,
    read_by: Vec<String>,
    findings: Vec<Finding>,
    partition: Option<String>,
    policies: Vec<Named>,
    grants: Vec<Named>,
    diagram: String,
    mermaid: Option<String>,
    ddl: String,
}

#[derive(Serialize)]
struct Column {
    name: String,
    ty: String,
    nullable: bool,
    default: Option<String>,
    generated: Option<String>,
    identity: Option<&'static str>,
    keys: Vec<&'static str>,
    references: Option<String>,
    doc: Option<String>,
    personal: Option<&'static str>,
    /// The `@pii` class.
    class: Option<&'static str>,
}

#[derive(Serialize)]
struct Named {
    name: String,
    text: String,
    doc: Option<String>,
}

#[derive(Serialize)]
struct IndexRow {
    name: String,
    method: &'static str,
    unique: bool,
    elements: String,
    include: String,
    predicate: Option<String>,
    why: Option<&'static str>,
}

#[derive(Serialize)]
struct Reference {
    /// The other table.
    name: String,
    slug: String,
    columns: String,
    target_columns: String,
    label: String,
    cardinality: String,
    on_delete: &'static str,
}

#[derive(Serialize)]
struct InventoryRow {
    entity: String,
    slug: String,
    column: String,
    ty: String,
    nullable: bool,
    doc: Option<String>,
    /// What the name suggests, for a column not classified.
    personal: Option<&'static str>,
    /// The `@pii` class, and what the privacy functions do with the column.
    class: Option<&'static str>,
    /// The subject it belongs to (the subject's entity), when it reaches one.
    subject: Option<String>,
    /// `anonymise`, `delete`, or empty when `erase_subject` cannot reach it.
    erased: Option<&'static str>,
    audited: bool,
    encrypted: bool,
    retained: Option<String>,
}

#[derive(Serialize)]
struct SearchEntry<'a> {
    e: &'a str,
    s: String,
    u: String,
    c: Vec<&'a str>,
}

/// A page's file name: the qualified SQL name, file-name safe.
pub fn slug(q: &QName) -> String {
    format!("{}.{}", q.schema, q.name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_-.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn action(a: Action) -> &'static str {
    match a {
        Action::NoAction => "no action",
        Action::Restrict => "restrict",
        Action::Cascade => "cascade",
        Action::SetNull => "set null",
        Action::SetDefault => "set default",
    }
}

/// Words in column names that usually mean personal data. A hint for the
/// inventory until columns are classified with `@pii`: it says "looks
/// personal", never that a column is not.
const PERSONAL: &[(&str, &str)] = &[
    ("email", "contact"),
    ("phone", "contact"),
    ("mobile", "contact"),
    ("address", "location"),
    ("street", "location"),
    ("line1", "location"),
    ("line2", "location"),
    ("city", "location"),
    ("postal", "location"),
    ("zip", "location"),
    ("ip", "online identifier"),
    ("agent", "online identifier"),
    ("birth", "identity"),
    ("birthday", "identity"),
    ("dob", "identity"),
    ("ssn", "identity"),
    ("passport", "identity"),
    ("gender", "identity"),
    ("iban", "financial"),
    ("card", "financial"),
    ("first", "name"),
    ("last", "name"),
    ("family", "name"),
    ("full", "name"),
    ("surname", "name"),
];

fn personal(column: &str, ty: &str) -> Option<&'static str> {
    let lower = column.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
    if ty == "inet" || ty == "cidr" {
        return Some("online identifier");
    }
    if ty.to_lowercase().contains("email") {
        return Some("contact");
    }
    let named = words.contains(&"name")
        && words
            .iter()
            .any(|w| ["first", "last", "full", "family", "given", "middle"].contains(w));
    if named {
        return Some("name");
    }
    PERSONAL
        .iter()
        .find(|(w, class)| *class != "name" && words.contains(w))
        .map(|(_, class)| *class)
}

impl<'m> Site<'m> {
    pub fn new(input: &Input<'m>) -> Self {
        let model = input.model;
        let module_of = model
            .tables
            .iter()
            .map(|t| {
                let m = input
                    .modules
                    .get(&t.origin.span.file)
                    .map_or("", String::as_str);
                (&t.sql, m)
            })
            .collect();
        let mut incoming: FxHashMap<&QName, Vec<(&Table, &ForeignKey)>> = FxHashMap::default();
        for t in &model.tables {
            for fk in &t.foreign_keys {
                incoming.entry(&fk.target_table).or_default().push((t, fk));
            }
        }
        // Index keys name the index in its schema: map them to their table.
        let mut index_table: FxHashMap<crate::key::Key, &QName> = FxHashMap::default();
        for t in &model.tables {
            for i in &t.indexes {
                index_table.insert(i.key(&t.sql), &t.sql);
            }
        }
        let tables: rustc_hash::FxHashSet<&QName> = model.tables.iter().map(|t| &t.sql).collect();
        let mut ddl: FxHashMap<&QName, Vec<&str>> = FxHashMap::default();
        for s in input.creation.statements() {
            let table = match tables.get(&s.key.name) {
                Some(&t) => Some(t),
                None => index_table.get(&s.key).copied(),
            };
            if let Some(t) = table {
                ddl.entry(t).or_default().push(&s.sql);
            }
        }
        let findings = findings(input);
        let mut findings_of: FxHashMap<&QName, Vec<usize>> = FxHashMap::default();
        for (i, (table, _)) in findings.iter().enumerate() {
            if let Some(t) = table {
                findings_of.entry(t).or_default().push(i);
            }
        }
        Site {
            index: Index::new(model),
            module_of,
            incoming,
            ddl,
            project: input.project,
            modules: input.modules,
            model,
            findings,
            findings_of,
            migrations: input.migrations,
        }
    }

    fn link(t: &Table) -> EntityLink {
        EntityLink {
            name: t.name.clone(),
            sql: t.sql.to_string(),
            slug: slug(&t.sql),
            summary: mermaid::summary(t.doc.as_deref()),
        }
    }

    /// What every page sees.
    pub fn common(&self, mark: &str) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("mark", mark);
        ctx.insert("project", &self.project.unwrap_or("schema"));
        ctx.insert("has_migrations", &!self.migrations.is_empty());
        ctx
    }

    /// What the index and the inventory see.
    pub fn overview(&self, mark: &str) -> tera::Context {
        let mut ctx = self.common(mark);
        let model = self.model;
        let mut tables: Vec<&Table> = model.tables.iter().collect();
        tables.sort_by(|a, b| {
            (self.module_of[&a.sql], &a.name).cmp(&(self.module_of[&b.sql], &b.name))
        });
        let href = |t: &Table| Some(format!("entities/{}.html", slug(&t.sql)));
        let whole = tables.len() <= MAX_DIAGRAM;
        let mut modules: Vec<ModuleEntry> = Vec::new();
        for t in &tables {
            let m = self.module_of[&t.sql];
            if modules.last().is_none_or(|e| e.name != m) {
                modules.push(ModuleEntry {
                    name: m.to_string(),
                    entities: Vec::new(),
                    diagram: None,
                });
            }
            modules
                .last_mut()
                .expect("pushed")
                .entities
                .push(Self::link(t));
        }
        if !whole {
            for m in &mut modules {
                if m.entities.len() <= MAX_DIAGRAM && !m.name.is_empty() {
                    let d = diagram::select_in(
                        &self.index,
                        self.modules,
                        &Selection::Module(m.name.clone()),
                    );
                    // Only the module itself: submodules have their own.
                    let own = diagram::Diagram {
                        tables: d
                            .tables
                            .iter()
                            .copied()
                            .filter(|t| self.module_of[&t.sql] == m.name)
                            .collect(),
                        relations: d
                            .relations
                            .iter()
                            .copied()
                            .filter(|r| {
                                self.module_of[&r.child.sql] == m.name
                                    && self.module_of[&r.parent.sql] == m.name
                            })
                            .collect(),
                    };
                    m.diagram = Some(svg::render(&own, &href));
                }
            }
        }
        let all = diagram::select_in(&self.index, self.modules, &Selection::All);
        ctx.insert("diagram", &whole.then(|| svg::render(&all, &href)));
        let parts = if whole {
            mermaid::render(&all)
        } else {
            Vec::new()
        };
        ctx.insert("mermaid", &(parts.len() == 1).then(|| parts.concat()));
        ctx.insert("max_diagram", &MAX_DIAGRAM);
        ctx.insert("anomalies", &self.by_rule());
        ctx.insert("findings", &self.findings.len());
        ctx.insert("migrations", self.migrations);
        ctx.insert("modules", &modules);
        ctx.insert("tables", &model.tables.len());
        ctx.insert(
            "columns",
            &model.tables.iter().map(|t| t.columns.len()).sum::<usize>(),
        );
        ctx.insert(
            "views",
            &model
                .views
                .iter()
                .map(|v| (v.name.clone(), mermaid::summary(v.doc.as_deref())))
                .collect::<Vec<_>>(),
        );
        ctx.insert(
            "enums",
            &model
                .enums
                .iter()
                .map(|e| {
                    (
                        e.name.clone(),
                        e.values
                            .iter()
                            .map(|v| v.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    )
                })
                .collect::<Vec<_>>(),
        );
        let subject = model
            .tables
            .iter()
            .find(|t| t.declared_policies.subject.is_some());
        let reached = subject.map_or_else(Vec::new, |s| {
            crate::graph::Graph::build(model).referencing(&s.key())
        });
        let mut inventory = Vec::new();
        let mut unflagged = 0;
        for t in &tables {
            let subject = subject
                .filter(|s| s.sql == t.sql || reached.contains(&t.key()))
                .map(|s| s.name.clone());
            for c in &t.columns {
                let ty = type_label(&c.ty);
                let pii = t.declared_policies.pii.iter().find(|p| p.column == c.name);
                let guess = personal(&c.name, &ty);
                if pii.is_none() && guess.is_none() {
                    unflagged += 1;
                    continue;
                }
                inventory.push(InventoryRow {
                    entity: t.name.clone(),
                    slug: slug(&t.sql),
                    column: c.name.clone(),
                    ty,
                    nullable: c.nullable,
                    doc: mermaid::summary(c.doc.as_deref()),
                    personal: guess,
                    class: pii.map(|p| p.class.name()),
                    erased: pii.filter(|_| subject.is_some()).map(|p| match p.erase() {
                        crate::model::Erase::Anonymise => "anonymised",
                        crate::model::Erase::Delete => "row deleted",
                    }),
                    subject: subject.clone(),
                    audited: t.declared_policies.audit.is_some(),
                    encrypted: t
                        .declared_policies
                        .encrypted
                        .iter()
                        .any(|e| e.column == c.name),
                    retained: t.retain.as_ref().map(|r| {
                        let s = if r.amount == 1 { "" } else { "s" };
                        format!("{} {}{s}", r.amount, r.unit.name())
                    }),
                });
            }
        }
        // Classified columns first, by class; then the guesses.
        inventory.sort_by(|a, b| {
            (a.class.is_none(), a.class, &a.entity, &a.column).cmp(&(
                b.class.is_none(),
                b.class,
                &b.entity,
                &b.column,
            ))
        });
        ctx.insert("inventory", &inventory);
        ctx.insert("unflagged", &unflagged);
        ctx.insert("subject", &subject.map(|s| s.name.clone()));
        ctx.insert(
            "classified",
            &inventory.iter().filter(|r| r.class.is_some()).count(),
        );
        ctx
    }

    /// The search index: every entity with its columns, as a script that
    /// sets a global (scripts load from `file://`, `fetch` does not).
    pub fn search_index(&self, mark: &str) -> String {
        let entries: Vec<SearchEntry<'_>> = self
            .model
            .tables
            .iter()
            .map(|t| SearchEntry {
                e: &t.name,
                s: t.sql.to_string(),
                u: format!("entities/{}.html", slug(&t.sql)),
                c: t.columns.iter().map(|c| c.name.as_str()).collect(),
            })
            .collect();
        format!(
            "// {mark}\nwindow.SCHEMAC_SEARCH = {};\n",
            serde_json::to_string(&entries).expect("plain data serialises")
        )
    }

    /// The findings grouped by rule: errors first, then warnings, then
    /// remarks; rules by name, findings in source order.
    fn by_rule(&self) -> Vec<RuleFindings> {
        let mut groups: Vec<RuleFindings> = Vec::new();
        for (_, f) in &self.findings {
            match groups.iter_mut().find(|g| g.rule == f.rule) {
                Some(g) => g.findings.push(f.clone()),
                None => groups.push(RuleFindings {
                    rule: f.rule.clone(),
                    severity: f.severity,
                    findings: vec![f.clone()],
                }),
            }
        }
        let rank = |s: &str| ["error", "warning", "info"].iter().position(|x| *x == s);
        groups.sort_by(|a, b| (rank(a.severity), &a.rule).cmp(&(rank(b.severity), &b.rule)));
        groups
    }

    /// The tables with an entity page, in SQL name order.
    pub fn entity_tables(&self) -> Vec<&'m Table> {
        let mut tables: Vec<&Table> = self.model.tables.iter().collect();
        tables.sort_by(|a, b| a.sql.cmp(&b.sql));
        tables
    }

    /// An entity page's data.
    pub fn entity(&self, t: &'m Table) -> Entity {
        let cols = |c: &[String]| c.join(", ");
        let nearby = diagram::around(&self.index, t, 1);
        let href = |x: &Table| Some(format!("{}.html", slug(&x.sql)));
        let parts = mermaid::render(&nearby);
        let columns = t
            .columns
            .iter()
            .map(|c| {
                let ty = type_label(&c.ty);
                let class = t
                    .declared_policies
                    .pii
                    .iter()
                    .find(|p| p.column == c.name)
                    .map(|p| p.class.name());
                Column {
                    personal: personal(&c.name, &ty).filter(|_| class.is_none()),
                    class,
                    name: c.name.clone(),
                    ty,
                    nullable: c.nullable,
                    default: c.default.as_ref().map(|e| e.sql.clone()),
                    generated: c.generated.as_ref().map(|e| e.sql.clone()),
                    identity: c.identity.map(|i| match i {
                        crate::model::Identity::Always => "always",
                        crate::model::Identity::ByDefault => "by default",
                    }),
                    keys: Markers::of(t, &c.name).list(),
                    references: t
                        .foreign_keys
                        .iter()
                        .find(|f| f.columns.len() == 1 && f.columns[0] == c.name)
                        .map(|f| f.target.clone()),
                    doc: c.doc.clone(),
                }
            })
            .collect();
        let relation = |child: &Table, fk: &ForeignKey, other: &Table| {
            let r = nearby
                .relations
                .iter()
                .find(|r| r.child.sql == child.sql && r.fk.name == fk.name);
            Reference {
                name: other.name.clone(),
                slug: slug(&other.sql),
                columns: cols(&fk.columns),
                target_columns: cols(&fk.target_columns),
                label: fk.back_name.clone().unwrap_or_default(),
                cardinality: r.map_or(String::new(), |r| {
                    format!(
                        "{} {} per {} {}",
                        if r.child_unique {
                            "at most one"
                        } else {
                            "any number of"
                        },
                        child.name,
                        if r.parent_optional {
                            "at most one"
                        } else {
                            "exactly one"
                        },
                        r.parent.name
                    )
                }),
                on_delete: action(fk.on_delete),
            }
        };
        let by_name = |q: &QName| self.model.tables.iter().find(|x| &x.sql == q);
        let mut references: Vec<Reference> = t
            .foreign_keys
            .iter()
            .filter_map(|fk| {
                let target = nearby
                    .tables
                    .iter()
                    .find(|x| x.sql == fk.target_table)
                    .copied()
                    .or_else(|| by_name(&fk.target_table))?;
                Some(relation(t, fk, target))
            })
            .collect();
        references.sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
        let mut referenced_by: Vec<Reference> = self
            .incoming
            .get(&t.sql)
            .into_iter()
            .flatten()
            .map(|&(child, fk)| relation(child, fk, child))
            .collect();
        referenced_by.sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
        let table_key = t.key();
        let mut read_by: Vec<String> = self
            .model
            .views
            .iter()
            .filter(|v| v.reads.contains(&table_key))
            .map(|v| v.name.clone())
            .collect();
        read_by.sort();
        let elements = |i: &crate::model::Index| {
            i.elements
                .iter()
                .map(|e| {
                    let mut s = match &e.target {
                        ElementTarget::Column { name } => name.clone(),
                        ElementTarget::Expr { expr } => format!("({})", expr.sql),
                    };
                    if e.descending {
                        s.push_str(" desc");
                    }
                    s
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        Entity {
            slug: slug(&t.sql),
            name: t.name.clone(),
            sql: t.sql.to_string(),
            module: self.module_of[&t.sql].to_string(),
            doc: t.doc.clone(),
            columns,
            primary_key: t.primary_key.as_ref().map(|p| cols(&p.columns)),
            uniques: t
                .uniques
                .iter()
                .map(|u| Named {
                    name: u.name.clone(),
                    text: format!(
                        "{}{}",
                        cols(&u.columns),
                        if u.nulls_not_distinct {
                            " (nulls not distinct)"
                        } else {
                            ""
                        }
                    ),
                    doc: u.doc.clone(),
                })
                .collect(),
            checks: t
                .checks
                .iter()
                .map(|c| Named {
                    name: c.name.clone(),
                    text: c.expr.sql.clone(),
                    doc: c.doc.clone(),
                })
                .collect(),
            excludes: t
                .excludes
                .iter()
                .map(|x| Named {
                    name: x.name.clone(),
                    text: x
                        .elements
                        .iter()
                        .map(|e| {
                            format!(
                                "{} with {}",
                                e.element.column_name().unwrap_or("(expression)"),
                                e.operator
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    doc: x.doc.clone(),
                })
                .collect(),
            indexes: t
                .indexes
                .iter()
                .map(|i| IndexRow {
                    name: i.name.clone(),
                    method: i.method.name(),
                    unique: i.unique,
                    elements: elements(i),
                    include: i.include.join(", "),
                    predicate: i.predicate.as_ref().map(|p| p.sql.clone()),
                    why: match i.origin.why {
                        crate::model::Why::ForeignKeyIndex => Some("for a foreign key"),
                        crate::model::Why::SearchIndex => Some("for full-text search"),
                        _ => None,
                    },
                })
                .collect(),
            references,
            referenced_by,
            read_by,
            partition: t
                .partition
                .as_ref()
                .map(|p| format!("{:?} on {}", p.strategy, cols(&p.columns)).to_lowercase()),
            policies: t
                .policies
                .iter()
                .map(|p| Named {
                    name: p.name.clone(),
                    text: format!(
                        "{} to {}{}{}",
                        p.command,
                        if p.roles.is_empty() {
                            "public".to_string()
                        } else {
                            p.roles.join(", ")
                        },
                        p.using
                            .as_ref()
                            .map_or(String::new(), |e| format!(" using ({})", e.sql)),
                        p.with_check
                            .as_ref()
                            .map_or(String::new(), |e| format!(" with check ({})", e.sql)),
                    ),
                    doc: None,
                })
                .collect(),
            grants: t
                .grants
                .iter()
                .map(|g| Named {
                    name: g.role.clone(),
                    text: g.privileges.join(", "),
                    doc: None,
                })
                .collect(),
            findings: self
                .findings_of
                .get(&t.sql)
                .into_iter()
                .flatten()
                .map(|&i| self.findings[i].1.clone())
                .collect(),
            diagram: svg::render(&nearby, &href),
            mermaid: (parts.len() == 1).then(|| parts.concat()),
            ddl: self
                .ddl
                .get(&t.sql)
                .map(|s| s.iter().map(|s| format!("{s};\n")).collect::<String>())
                .unwrap_or_default(),
        }
    }
}

/// The findings placed: each on the table whose name or column holds its
/// primary span (a finding about a column is about its table), in source
/// order.
fn findings<'m>(input: &Input<'m>) -> Vec<(Option<&'m QName>, Finding)> {
    let mut lines: FxHashMap<u32, dsl::LineIndex> = FxHashMap::default();
    // Each file's spans of a table's name and columns, by start, for a
    // binary search per finding.
    let mut declared: FxHashMap<u32, Vec<(dsl::Span, &Table)>> = FxHashMap::default();
    for t in &input.model.tables {
        let spans = std::iter::once(t.origin.span).chain(t.columns.iter().map(|c| c.origin.span));
        for span in spans.filter(|s| s.end > s.start) {
            declared.entry(span.file).or_default().push((span, t));
        }
    }
    for spans in declared.values_mut() {
        spans.sort_by_key(|(s, _)| (s.start, std::cmp::Reverse(s.end)));
    }
    let mut out: Vec<(Option<&QName>, Finding, Option<dsl::Span>)> = input
        .findings
        .iter()
        .map(|d| {
            let span = d.primary_span();
            let table = span.and_then(|s| {
                let spans = declared.get(&s.file)?;
                let i = spans.partition_point(|(d, _)| d.start <= s.start);
                let &(d, t) = spans.get(i.checked_sub(1)?)?;
                (s.end <= d.end).then_some(t)
            });
            let location = span.map_or_else(String::new, |s| {
                let file = input.sources.get(s.file);
                let index = lines
                    .entry(s.file)
                    .or_insert_with(|| dsl::LineIndex::new(&file.text));
                let path = std::path::Path::new(&file.path);
                format!(
                    "{}:{}",
                    path.strip_prefix(input.root).unwrap_or(path).display(),
                    index.line_col(&file.text, s.start).line + 1
                )
            });
            let finding = Finding {
                rule: d.rule.unwrap_or_else(|| d.code.as_str()).to_string(),
                severity: match d.severity {
                    dsl::Severity::Error => "error",
                    dsl::Severity::Warning => "warning",
                    dsl::Severity::Info => "info",
                },
                message: d.message.clone(),
                help: d.help.clone(),
                location,
                entity: table.map(|t| t.name.clone()),
                slug: table.map(|t| slug(&t.sql)),
            };
            (table.map(|t| &t.sql), finding, span)
        })
        .collect();
    out.sort_by_key(|(_, _, span)| span.map(|s| (s.file, s.start)));
    out.into_iter().map(|(t, f, _)| (t, f)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_columns_are_guessed_by_name_and_type() {
        assert_eq!(personal("email", "text"), Some("contact"));
        assert_eq!(personal("contact", "Email"), Some("contact"));
        assert_eq!(personal("first_name", "text"), Some("name"));
        assert_eq!(personal("last_seen_ip", "inet"), Some("online identifier"));
        assert_eq!(personal("postal_code", "text"), Some("location"));
        assert_eq!(personal("name", "text"), None);
        assert_eq!(personal("shipping", "text"), None);
    }
}
