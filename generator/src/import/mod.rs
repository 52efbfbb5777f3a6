//! `schemac import`: PostgreSQL DDL (a `pg_dump --schema-only`, hand-written
//! migrations) → `.schema` files. `split` cuts the scripts into statements,
//! `read` turns each into a declaration or keeps it as SQL, `write` prints
//! the declarations as source text, one module per PostgreSQL schema,
//! formatted by the printer. Nothing is dropped silently: every statement is
//! a declaration, a `sql` block listed in the report, or counted in the
//! report (session settings, ownership). Pure: the CLI writes the files.

mod maintained;
mod partitions;
mod read;
pub mod split;
mod write;

use crate::model::QName;
use dsl::Diagnostic;

/// What an import produced.
#[derive(Debug, Default)]
pub struct Import {
    /// `(file name, text)`: one `.schema` file per module.
    pub files: Vec<(String, String)>,
    pub report: Report,
    /// Statements not understood (kept raw), and problems of the output.
    pub diagnostics: Vec<Diagnostic>,
    schemas: Vec<String>,
    items: Vec<Item>,
    tables: Vec<Table>,
    tables_by_name: rustc_hash::FxHashMap<QName, usize>,
    /// Line starts of each input file, for locations.
    lines: Vec<(String, Vec<usize>)>,
    /// Partitioned tables (and their partitions) kept as SQL, found not to
    /// fold into `@partition` by an earlier pass.
    unfolded: rustc_hash::FxHashSet<QName>,
    /// What this pass found could not fold (the next pass keeps it as SQL).
    unfoldable: Vec<QName>,
    /// Items a build makes again: the maintenance functions of tables
    /// imported with `every:`, and the script's calls of them.
    absorbed: Vec<usize>,
}

/// What the import kept as SQL or left out, each with its location.
#[derive(Debug, Default)]
pub struct Report {
    /// `(location, what)`: statements kept as `sql` blocks.
    pub raw: Vec<(String, String)>,
    /// `(location, statement)`: ownership and psql meta-commands, which
    /// describe the session or the server's roles, not the schema.
    pub skipped: Vec<(String, String)>,
    /// `SET` and `set_config` lines (pg_dump's session settings).
    pub settings: usize,
    pub tables: usize,
    pub enums: usize,
    pub domains: usize,
    pub views: usize,
}

impl Report {
    /// The report as text, for the terminal.
    pub fn text(&self) -> String {
        let mut s = format!(
            "imported {} tables, {} enums, {} domains, {} views; {} statements kept as sql blocks; {} session settings and {} other statements left out\n",
            self.tables,
            self.enums,
            self.domains,
            self.views,
            self.raw.len(),
            self.settings,
            self.skipped.len()
        );
        for (at, what) in &self.raw {
            s.push_str(&format!("  sql block   {at}: {what}\n"));
        }
        for (at, what) in &self.skipped {
            s.push_str(&format!("  left out    {at}: {what}\n"));
        }
        s
    }
}

#[derive(Debug)]
struct Item {
    file: u32,
    offset: usize,
    schema: String,
    kind: ItemKind,
    doc: Option<String>,
}

#[derive(Debug)]
enum ItemKind {
    Extension(String),
    Enum(QName, Vec<String>),
    Domain {
        sql: QName,
        ty: read::TypeText,
        default: Option<String>,
        checks: Vec<(String, String)>,
    },
    Table(usize),
    View {
        sql: QName,
        materialized: bool,
        body: String,
    },
    Raw(Raw),
}

#[derive(Debug)]
struct Raw {
    text: String,
    creates: Vec<(&'static str, QName)>,
    /// Other names it creates, which later statements may use.
    provides: Vec<QName>,
    /// Its line in `Report::raw`.
    reported: usize,
}

#[derive(Debug)]
struct Table {
    sql: QName,
    doc: Option<String>,
    cols: Vec<Col>,
    pk: Option<(String, Vec<String>)>,
    uniques: Vec<Unique>,
    checks: Vec<(String, String)>,
    fks: Vec<Fk>,
    indexes: Vec<Idx>,
    /// `PARTITION BY strategy (columns)`.
    part: Option<PartBy>,
    /// A partition: of which table, with which bound.
    attached: Option<Attached>,
    /// A partitioned table printed as an entity: its `@partition` (and
    /// `@subpartition`) lines.
    fold: Option<String>,
}

#[derive(Debug)]
struct PartBy {
    strategy: crate::model::PartitionStrategy,
    columns: Vec<String>,
}

#[derive(Debug)]
struct Attached {
    parent: usize,
    bound: sqlparser::ast::ForValues,
    /// Made by `PARTITION OF`: PostgreSQL copies the parent's columns,
    /// keys and indexes, so the partition has nothing of its own.
    cloned: bool,
}

#[derive(Clone, Debug, PartialEq)]
struct Col {
    name: String,
    ty: read::TypeText,
    nullable: bool,
    default: Option<String>,
    generated: Option<String>,
    /// `Some(true)`: always; `Some(false)`: by default.
    identity: Option<bool>,
    doc: Option<String>,
}

impl Default for Col {
    fn default() -> Self {
        Col {
            name: String::new(),
            ty: read::TypeText::Builtin(String::from("text")),
            nullable: true,
            default: None,
            generated: None,
            identity: None,
            doc: None,
        }
    }
}

#[derive(Debug, PartialEq)]
struct Unique {
    name: String,
    columns: Vec<String>,
    nulls_not_distinct: bool,
    deferrable: Option<String>,
}

#[derive(Debug, PartialEq)]
struct Fk {
    name: String,
    columns: Vec<String>,
    target: QName,
    target_columns: Vec<String>,
    on_delete: &'static str,
    on_update: &'static str,
    deferrable: Option<String>,
}

#[derive(Debug, PartialEq)]
struct Idx {
    name: String,
    unique: bool,
    method: String,
    elements: Vec<String>,
    include: Vec<String>,
    predicate: Option<String>,
}

/// Imports the scripts `(name, text)`, in order (a later script may alter
/// what an earlier one created). Never panics; what it cannot read it keeps.
pub fn from_sql(scripts: &[(String, String)]) -> Import {
    // A partitioned table folds into `@partition` only once all of its
    // partitions are read; one that does not is read again as SQL.
    let mut unfolded = rustc_hash::FxHashSet::default();
    loop {
        let mut im = pass(scripts, unfolded.clone());
        let before = unfolded.len();
        unfolded.extend(std::mem::take(&mut im.unfoldable));
        if unfolded.len() == before {
            im.finish();
            return im;
        }
    }
}

fn pass(scripts: &[(String, String)], unfolded: rustc_hash::FxHashSet<QName>) -> Import {
    let mut im = Import {
        unfolded,
        ..Import::default()
    };
    for (name, text) in scripts {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        im.lines.push((name.clone(), starts));
    }
    for (file, (_, text)) in scripts.iter().enumerate() {
        let file = u32::try_from(file).unwrap_or(u32::MAX);
        for piece in split::statements(text) {
            im.statement(file, &piece);
        }
    }
    im.fold_partitions();
    im
}

impl Import {
    /// `file:line`, 1-based.
    fn at(&self, file: u32, offset: usize) -> String {
        match self.lines.get(file as usize) {
            Some((name, starts)) => {
                let line = starts.partition_point(|&s| s <= offset);
                format!("{name}:{line}")
            }
            None => String::from("?"),
        }
    }

    fn push(&mut self, file: u32, p: &split::Piece, schema: String, kind: ItemKind) {
        self.items.push(Item::new(file, p.start, schema, kind));
    }

    fn table_by_name(&self, q: &QName) -> Option<usize> {
        self.tables_by_name.get(q).copied()
    }

    fn finish(&mut self) {
        // Partitions of a table printed with `@partition` are its: no
        // declarations, and nothing refers to them as such.
        let tables = &self.tables;
        let absorbed: rustc_hash::FxHashSet<usize> = self.absorbed.iter().copied().collect();
        let unreported: rustc_hash::FxHashSet<usize> = self
            .items
            .iter()
            .enumerate()
            .filter(|(i, _)| absorbed.contains(i))
            .filter_map(|(_, it)| match &it.kind {
                ItemKind::Raw(r) => Some(r.reported),
                _ => None,
            })
            .collect();
        let mut at = 0;
        self.items.retain(|it| {
            let gone = absorbed.contains(&at);
            at += 1;
            !gone
                && match it.kind {
                    ItemKind::Table(t) => tables[t].attached.is_none(),
                    _ => true,
                }
        });
        let mut line = 0;
        self.report.raw.retain(|_| {
            line += 1;
            !unreported.contains(&(line - 1))
        });
        for t in &self.tables {
            if t.attached.is_some() {
                self.tables_by_name.remove(&t.sql);
            }
        }
        // `REFERENCES t` without columns references t's primary key.
        let keys: Vec<Option<Vec<String>>> = self
            .tables
            .iter()
            .map(|t| t.pk.as_ref().map(|(_, c)| c.clone()))
            .collect();
        for t in &mut self.tables {
            for fk in &mut t.fks {
                if fk.target_columns.is_empty() {
                    if let Some(Some(cols)) = self.tables_by_name.get(&fk.target).map(|&i| &keys[i])
                    {
                        fk.target_columns = cols.clone();
                    }
                }
            }
        }
        for item in &self.items {
            match &item.kind {
                ItemKind::Table(_) => self.report.tables += 1,
                ItemKind::Enum(..) => self.report.enums += 1,
                ItemKind::Domain { .. } => self.report.domains += 1,
                ItemKind::View { .. } => self.report.views += 1,
                _ => {}
            }
        }
        let files = write::write(self);
        self.files = files;
    }
}
