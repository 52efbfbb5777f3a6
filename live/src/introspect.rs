//! Introspection: a live database, read from `pg_catalog` into the same
//! [`Model`] the language produces, with a fixed number of catalog queries
//! for the whole database (never one per table) and `search_path` empty, so
//! every name PostgreSQL prints comes back schema-qualified.
//!
//! What PostgreSQL rewrites is undone here where the model has one
//! spelling: `int4` is `integer`, a serial column is the serial type again
//! (its sequence and `nextval` default are not listed separately), identity
//! sequences belong to their columns. Expressions are kept as PostgreSQL
//! prints them; [`printed`] gives a model's expressions the same form, by
//! building the model in an empty (shadow) database and reading it back.
//!
//! Partitions are not tables of the model but what their parents are
//! partitioned into; time partitions that maintenance made (for a table
//! that `maintain_partitions` or pg_partman keeps) are listed apart
//! ([`Introspected::maintained`]). What the model has no declaration
//! for but SQL can say (range partitions over several columns, functions with
//! argument names or defaults) comes back as `sql` blocks holding the
//! server's definition, declaring what they create. Row-level security,
//! policies and access lists are read as `@rls`, `@tenant` and `@grant`
//! make them (the owner's own privileges left out). What the model cannot
//! express (foreign tables, composite and range types, rules, restrictive
//! policies, grant options, column collations, `NOT VALID` constraints,
//! ...) is listed in [`Introspected::unmodelled`], never dropped silently.

use generator::key::{Key, ObjectKind};
use generator::model::{
    Action, Check, Column, Domain, ElementTarget, Enum, EnumValue, Exclude, ExcludeElement, Expr,
    Extension, ForeignKey, Function, Grant, Identity, Index, IndexElement, IndexMethod, Model,
    Origin, Partition, PartitionBound, PartitionChild, PartitionStrategy, Policy, PrimaryKey,
    QName, RawSql, Sequence, SqlType, Table, Trigger, TypeBase, Unique, View,
};
use postgres::{Client, Row};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A database read into a model.
#[derive(Debug)]
pub struct Introspected {
    pub model: Model,
    /// Objects and properties the model cannot express, sorted by key.
    pub unmodelled: Vec<Unmodelled>,
    /// Time partitions maintenance made (`maintain_partitions`,
    /// pg_partman): the database's to keep, never a model's to create or
    /// drop.
    pub maintained: Vec<QName>,
    /// The time partitions among them, with their bounds (`schemac import`
    /// reads them as a dump's, to tell what keeps them).
    pub time_partitions: Vec<TimePartition>,
    /// How many catalog queries were run (a constant).
    pub queries: usize,
}

/// A time partition maintenance made.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimePartition {
    pub parent: QName,
    pub sql: QName,
    /// `FOR VALUES FROM (...) TO (...)`, as the server prints it.
    pub bound: String,
}

/// Something in the database the model has no room for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unmodelled {
    /// The object it is, or belongs to.
    pub key: Key,
    /// What it is, in a few words (`foreign table`, `column collation "C"`).
    pub what: String,
}

impl std::fmt::Display for Unmodelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.key, self.what)
    }
}

/// Schemas of the system, never read.
const USER_SCHEMA: &str = "n.nspname !~ '^pg_' and n.nspname <> 'information_schema'";

/// Not a member of an extension (its objects belong to the extension).
fn not_extension_member(class: &str, oid: &str) -> String {
    format!(
        "not exists (select 1 from pg_depend x where x.classid = '{class}'::regclass and x.objid = {oid} and x.deptype = 'e')"
    )
}

fn expr(text: String) -> Expr {
    Expr::verbatim(text, dsl::Span::default())
}

fn origin() -> Origin {
    Origin::declared(dsl::Span::default())
}

struct Reader<'c> {
    client: &'c mut Client,
    queries: usize,
}

impl Reader<'_> {
    fn query(&mut self, sql: &str) -> Result<Vec<Row>, postgres::Error> {
        self.queries += 1;
        self.client.query(sql, &[])
    }
}

/// Reads the whole database the client is connected to. The session's
/// `search_path` is empty (and `jit` off) while it reads, and as it was afterwards: the
/// caller may go on to run statements (a plan's `CREATE EXTENSION`) that
/// need it.
pub fn introspect(client: &mut Client) -> Result<Introspected, postgres::Error> {
    let saved = client.query_one(
        "select current_setting('search_path'), current_setting('jit')",
        &[],
    )?;
    let (path, jit): (String, String) = (saved.get(0), saved.get(1));
    // The JIT compiler, which the catalog queries' large estimated costs
    // turn on, spent more time compiling them than running them.
    client.batch_execute("set search_path = ''; set jit = off")?;
    let read = read_all(client);
    client.execute(
        "select set_config('search_path', $1, false), set_config('jit', $2, false)",
        &[&path, &jit],
    )?;
    read
}

fn read_all(client: &mut Client) -> Result<Introspected, postgres::Error> {
    let mut r = Reader { client, queries: 0 };
    let mut model = Model::default();
    let mut unmodelled = BTreeSet::new();

    for row in r.query(&format!(
        "select n.nspname::text from pg_namespace n where {USER_SCHEMA} and n.nspname <> 'public' and {} order by 1",
        not_extension_member("pg_namespace", "n.oid")
    ))? {
        model.schemas.push(row.get(0));
    }
    for row in r.query(
        "select e.extname::text, n.nspname::text from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname <> 'plpgsql' order by 1",
    )? {
        model.extensions.push(Extension {
            name: row.get(0),
            schema: row.get(1),
            doc: None,
            origin: origin().because(generator::model::Why::Declared),
        });
    }

    let types = read_types(&mut r, &mut model, &mut unmodelled)?;
    let mut relations = read_relations(&mut r, &mut model, &mut unmodelled)?;
    let mut maintained = Vec::new();
    place_partitions(&mut model, &relations, &mut maintained);
    read_columns(&mut r, &mut model, &mut relations, &types, &mut unmodelled)?;
    let indexes = read_indexes(&mut r, &relations)?;
    read_constraints(&mut r, &mut model, &relations, indexes, &mut unmodelled)?;
    read_functions(&mut r, &mut model, &mut unmodelled)?;
    read_triggers(&mut r, &mut model, &mut unmodelled)?;
    read_policies(&mut r, &mut model, &relations, &mut unmodelled)?;
    read_privileges(&mut r, &mut model, &relations, &mut unmodelled)?;
    read_other(&mut r, &mut unmodelled)?;

    // A sequence a serial column owns is the column's.
    let owned: BTreeSet<QName> = relations.serial_sequences.iter().cloned().collect();
    model.sequences.retain(|s| !owned.contains(&s.sql));
    fixed_ranges(&mut model, &relations, &mut maintained);
    partman_templates(&mut model, &mut maintained);
    let mut time_partitions: Vec<TimePartition> = relations
        .partitions
        .values()
        .filter(|c| maintained.contains(&c.sql) && c.bound.starts_with("FOR VALUES FROM ("))
        .filter_map(|c| {
            let &parent = relations.tables.get(&c.parent?)?;
            Some(TimePartition {
                parent: model.tables[parent].sql.clone(),
                sql: c.sql.clone(),
                bound: c.bound.clone(),
            })
        })
        .collect();
    time_partitions.sort();
    Ok(Introspected {
        model,
        unmodelled: unmodelled.into_iter().collect(),
        maintained,
        time_partitions,
        queries: r.queries,
    })
}

/// User types by oid, as column types refer to them.
type Types = HashMap<u32, TypeBase>;

fn read_types(
    r: &mut Reader,
    model: &mut Model,
    unmodelled: &mut BTreeSet<Unmodelled>,
) -> Result<Types, postgres::Error> {
    let rows = r.query(&format!(
        "select t.oid, n.nspname::text, t.typname::text, t.typtype::text,
            (select array_agg(e.enumlabel::text order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid),
            t.typbasetype, t.typtypmod, t.typnotnull, pg_get_expr(t.typdefaultbin, 0),
            obj_description(t.oid, 'pg_type'),
            (select array_agg(c.conname::text order by c.conname) from pg_constraint c where c.contypid = t.oid),
            (select array_agg(pg_get_expr(c.conbin, 0) order by c.conname) from pg_constraint c where c.contypid = t.oid),
            (select bool_and(c.convalidated) from pg_constraint c where c.contypid = t.oid),
            bt.typname::text, bn.nspname::text,
            (select e.extname::text from pg_depend x join pg_extension e on e.oid = x.refobjid
              where x.classid = 'pg_type'::regclass and x.objid = t.oid and x.deptype = 'e')
         from pg_type t join pg_namespace n on n.oid = t.typnamespace
         left join pg_type bt on bt.oid = t.typbasetype
         left join pg_namespace bn on bn.oid = bt.typnamespace
         where {USER_SCHEMA}
           and (t.typtype in ('e', 'd', 'r', 'b') or (t.typtype = 'c' and (select relkind from pg_class where oid = t.typrelid) = 'c'))
           and not (t.typtype = 'b' and t.typcategory = 'A')
         order by 2, 3"
    ))?;
    let mut types = Types::new();
    // Domains are typed once every user type is known: a domain may be
    // over an enum or another domain.
    let mut domains = Vec::new();
    for row in rows {
        let oid: u32 = row.get(0);
        let sql = QName::new(row.get::<_, String>(1), row.get::<_, String>(2));
        let kind: String = row.get(3);
        let extension: Option<String> = row.get(15);
        if let Some(extension) = extension {
            types.insert(
                oid,
                TypeBase::Extension {
                    name: sql.name.clone(),
                    extension,
                    schema: sql.schema.clone(),
                },
            );
            continue;
        }
        match kind.as_str() {
            "e" => {
                let labels: Vec<String> = row.get::<_, Option<Vec<String>>>(4).unwrap_or_default();
                types.insert(
                    oid,
                    TypeBase::Enum {
                        name: sql.name.clone(),
                        sql: sql.clone(),
                    },
                );
                model.enums.push(Enum {
                    name: sql.name.clone(),
                    sql,
                    values: labels
                        .into_iter()
                        .map(|name| EnumValue { name, doc: None })
                        .collect(),
                    doc: row.get(9),
                    origin: origin(),
                });
            }
            "d" => {
                types.insert(
                    oid,
                    TypeBase::Domain {
                        name: sql.name.clone(),
                        sql: sql.clone(),
                    },
                );
                domains.push(row);
            }
            other => {
                let what = match other {
                    "r" => "range type",
                    "c" => "composite type",
                    _ => "base type",
                };
                unmodelled.insert(Unmodelled {
                    key: Key::new(ObjectKind::Enum, sql.clone()),
                    what: what.into(),
                });
                types.insert(
                    oid,
                    TypeBase::Builtin {
                        name: generator::quote::qname(&sql).to_string(),
                    },
                );
            }
        }
    }
    for row in domains {
        let sql = QName::new(row.get::<_, String>(1), row.get::<_, String>(2));
        let key = Key::new(ObjectKind::Domain, sql.clone());
        let base: u32 = row.get(5);
        let ty = sql_type(&types, base, row.get(13), row.get(14), 0, row.get(6), None);
        if row.get::<_, bool>(7) {
            unmodelled.insert(Unmodelled {
                key: key.clone(),
                what: "domain NOT NULL".into(),
            });
        }
        if row.get::<_, Option<bool>>(12) == Some(false) {
            unmodelled.insert(Unmodelled {
                key: key.clone(),
                what: "NOT VALID domain check".into(),
            });
        }
        let names: Vec<String> = row.get::<_, Option<Vec<String>>>(10).unwrap_or_default();
        let exprs: Vec<Option<String>> = row
            .get::<_, Option<Vec<Option<String>>>>(11)
            .unwrap_or_default();
        let mut checks = Vec::new();
        for (name, e) in names.into_iter().zip(exprs) {
            // NOT NULL is a constraint without an expression.
            if let Some(e) = e {
                checks.push(Check {
                    name,
                    expr: expr(e),
                    doc: None,
                    origin: origin(),
                });
            }
        }
        model.domains.push(Domain {
            name: sql.name.clone(),
            sql,
            ty,
            default: row.get::<_, Option<String>>(8).map(expr),
            checks,
            doc: row.get(9),
            origin: origin(),
        });
    }
    Ok(types)
}

/// The model's spelling of a type from `pg_catalog`.
fn builtin_name(typname: &str) -> &str {
    match typname {
        "int2" => "smallint",
        "int4" => "integer",
        "int8" => "bigint",
        "float4" => "real",
        "float8" => "double precision",
        "bool" => "boolean",
        "bpchar" => "char",
        other => other,
    }
}

/// A column or domain type: element type, array dimensions, modifier, and
/// the serial pseudo-type when the column owns its sequence.
fn sql_type(
    types: &Types,
    elem: u32,
    typname: Option<String>,
    schema: Option<String>,
    dims: i32,
    typmod: i32,
    serial: Option<&str>,
) -> SqlType {
    let typname = typname.unwrap_or_default();
    let base = match types.get(&elem) {
        Some(b) => b.clone(),
        None if schema.as_deref() == Some("pg_catalog") => TypeBase::Builtin {
            name: serial.unwrap_or(builtin_name(&typname)).to_string(),
        },
        None => TypeBase::Builtin {
            name: generator::quote::qname(&QName::new(schema.unwrap_or_default(), typname))
                .to_string(),
        },
    };
    let args = match (&base, typmod) {
        (TypeBase::Builtin { name }, m) if m >= 0 => match name.as_str() {
            "varchar" | "char" => vec![(m - 4) as u32],
            "numeric" => vec![(((m - 4) >> 16) & 0xffff) as u32, ((m - 4) & 0xffff) as u32],
            "time" | "timetz" | "timestamp" | "timestamptz" | "bit" | "varbit" => vec![m as u32],
            "interval" if m & 0xffff != 0xffff => vec![(m & 0xffff) as u32],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    SqlType {
        base,
        args,
        array_dims: dims.clamp(0, 255) as u8,
    }
}

/// Tables (and views) by oid.
#[derive(Default)]
struct Relations {
    tables: HashMap<u32, usize>,
    /// Sequences that serial columns own, not listed as sequences.
    serial_sequences: Vec<QName>,
    /// Partitions by oid: not tables of the model, but what their parents
    /// are partitioned into.
    partitions: HashMap<u32, Child>,
    /// Each table's row-level security: enabled, forced.
    row_security: HashMap<u32, (bool, bool)>,
}

fn read_relations(
    r: &mut Reader,
    model: &mut Model,
    unmodelled: &mut BTreeSet<Unmodelled>,
) -> Result<Relations, postgres::Error> {
    let rows = r.query(&format!(
        "select c.oid, n.nspname::text, c.relname::text, c.relkind::text, c.relispartition,
            obj_description(c.oid, 'pg_class'),
            case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid) end,
            p.partstrat::text,
            (select array_agg(a.attname::text order by k.o) from unnest(p.partattrs::int2[]) with ordinality k(n, o)
               join pg_attribute a on a.attrelid = c.oid and a.attnum = k.n),
            coalesce(p.partexprs is not null, false),
            s.seqtypid::regtype::text, s.seqstart, s.seqincrement,
            exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'i'),
            c.relrowsecurity, c.relacl is not null,
            (select i.inhparent from pg_inherits i where i.inhrelid = c.oid and c.relispartition),
            case when c.relispartition then pg_get_expr(c.relpartbound, c.oid) end,
            c.relforcerowsecurity
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         left join pg_partitioned_table p on p.partrelid = c.oid
         left join pg_sequence s on s.seqrelid = c.oid
         where {USER_SCHEMA} and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S') and {}
         order by 2, 3",
        not_extension_member("pg_class", "c.oid")
    ))?;
    let mut relations = Relations::default();
    for row in rows {
        let oid: u32 = row.get(0);
        let sql = QName::new(row.get::<_, String>(1), row.get::<_, String>(2));
        let kind: String = row.get(3);
        let doc: Option<String> = row.get(5);
        let table_key = Key::new(ObjectKind::Table, sql.clone());
        // A table's row-level security and privileges are read with its
        // policies and access lists; anything else's are not the model's.
        let table = matches!(kind.as_str(), "r" | "p") && !row.get::<_, bool>(4);
        if table {
            relations
                .row_security
                .insert(oid, (row.get(14), row.get(18)));
        } else {
            if row.get::<_, bool>(14) {
                unmodelled.insert(Unmodelled {
                    key: table_key.clone(),
                    what: "row-level security".into(),
                });
            }
            if row.get::<_, bool>(15) {
                unmodelled.insert(Unmodelled {
                    key: table_key.clone(),
                    what: "privileges".into(),
                });
            }
        }
        match kind.as_str() {
            "r" | "p" if row.get::<_, bool>(4) => {
                let partition = partitioning(&row, &table_key, unmodelled);
                relations.partitions.insert(
                    oid,
                    Child {
                        sql,
                        parent: row.get(16),
                        bound: row.get::<_, Option<String>>(17).unwrap_or_default(),
                        partition,
                    },
                );
            }
            "r" | "p" => {
                let partition = partitioning(&row, &table_key, unmodelled);
                relations.tables.insert(oid, model.tables.len());
                model.tables.push(Table {
                    name: sql.name.clone(),
                    sql,
                    doc,
                    columns: Vec::new(),
                    primary_key: None,
                    uniques: Vec::new(),
                    checks: Vec::new(),
                    foreign_keys: Vec::new(),
                    excludes: Vec::new(),
                    indexes: Vec::new(),
                    depends_on: Vec::new(),
                    partition,
                    retain: None,
                    distribution: None,
                    policies: Vec::new(),
                    grants: Vec::new(),
                    declared_policies: Default::default(),
                    origin: origin(),
                });
            }
            "v" | "m" => model.views.push(View {
                name: sql.name.clone(),
                sql,
                materialized: kind == "m",
                body: expr(row.get::<_, Option<String>>(6).unwrap_or_default()),
                reads: Vec::new(),
                depends_on: Vec::new(),
                doc,
                origin: origin(),
            }),
            "f" => {
                unmodelled.insert(Unmodelled {
                    key: table_key,
                    what: "foreign table".into(),
                });
            }
            // Identity sequences belong to their columns.
            "S" if row.get::<_, bool>(13) => {}
            "S" => model.sequences.push(Sequence {
                sql,
                ty: row.get::<_, Option<String>>(10).unwrap_or_default(),
                start: row.get(11),
                increment: row.get(12),
                origin: origin(),
            }),
            _ => {}
        }
    }
    Ok(relations)
}

/// `PARTITION BY` of a partitioned table (`None` for a plain one, or one
/// whose key has expressions, which is reported).
fn partitioning(row: &Row, key: &Key, unmodelled: &mut BTreeSet<Unmodelled>) -> Option<Partition> {
    let strategy = row.get::<_, Option<String>>(7)?;
    if row.get::<_, bool>(9) {
        unmodelled.insert(Unmodelled {
            key: key.clone(),
            what: "partition key with expressions".into(),
        });
        return None;
    }
    Some(Partition {
        strategy: match strategy.as_str() {
            "r" => PartitionStrategy::Range,
            "l" => PartitionStrategy::List,
            _ => PartitionStrategy::Hash,
        },
        columns: row.get::<_, Option<Vec<String>>>(8).unwrap_or_default(),
        window: None,
        partitions: Vec::new(),
        origin: origin(),
    })
}

/// A partition, as the catalog describes it.
struct Child {
    sql: QName,
    parent: Option<u32>,
    /// `pg_get_expr(relpartbound)`: `DEFAULT`, `FOR VALUES IN (...)`, ...
    bound: String,
    /// Its own partitioning, when it is sub-partitioned.
    partition: Option<Partition>,
}

/// A partition's bound, when the model has room for it (a default, list
/// or hash partition, a range of one column; range bounds of several
/// columns stay SQL).
fn bound(text: &str) -> Option<PartitionBound> {
    let t = text.trim();
    if t == "DEFAULT" {
        return Some(PartitionBound::Default);
    }
    if let Some(range) = t.strip_prefix("FOR VALUES FROM (") {
        let (from, to) = range.strip_suffix(')')?.split_once(") TO (")?;
        let end = |v: &str, open: &str| -> Option<Option<Expr>> {
            let items = split_top_level(v);
            match items.as_slice() {
                [one] if one == open => Some(None),
                [one] if one != "MINVALUE" && one != "MAXVALUE" => Some(Some(expr(one.clone()))),
                _ => None,
            }
        };
        return Some(PartitionBound::Range {
            from: end(from, "MINVALUE")?,
            to: end(to, "MAXVALUE")?,
        });
    }
    if let Some(list) = t
        .strip_prefix("FOR VALUES IN (")
        .and_then(|r| r.strip_suffix(')'))
    {
        return Some(PartitionBound::List {
            values: split_top_level(list).into_iter().map(expr).collect(),
        });
    }
    let hash = t
        .strip_prefix("FOR VALUES WITH (modulus ")
        .and_then(|r| r.strip_suffix(')'))?;
    let (modulus, remainder) = hash.split_once(", remainder ")?;
    Some(PartitionBound::Hash {
        modulus: modulus.trim().parse().ok()?,
        remainder: remainder.trim().parse().ok()?,
    })
}

/// A list's items, split at commas outside quotes and brackets.
fn split_top_level(list: &str) -> Vec<String> {
    let (mut out, mut cur, mut depth, mut quoted) = (Vec::new(), String::new(), 0i32, false);
    for ch in list.chars() {
        match ch {
            '\'' => quoted = !quoted,
            '(' | '[' if !quoted => depth += 1,
            ')' | ']' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// A time partition as maintenance names it: the parent's name, `_p`,
/// and the period's start in digits (schemac's `events_p202601`,
/// pg_partman's `events_p20260101` or `events_p2026_01`).
fn made_by_maintenance(parent: &QName, child: &QName, bound: &str) -> bool {
    let Some(rest) = child.name.strip_prefix(&format!("{}_p", parent.name)) else {
        return false;
    };
    child.schema == parent.schema
        && bound.starts_with("FOR VALUES FROM (")
        && rest.len() >= 4
        && rest.starts_with(|c: char| c.is_ascii_digit())
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || c == '_' || c == 'w')
}

/// Puts each partition under its parent: declared ones (default, list,
/// hash) in the parent's `partitions`, time partitions in `maintained`,
/// and the rest (range bounds the language does not declare) as `sql`
/// blocks that create them.
fn place_partitions(model: &mut Model, relations: &Relations, maintained: &mut Vec<QName>) {
    // Children by parent oid, in name order.
    let mut by_parent: BTreeMap<u32, Vec<(&QName, u32)>> = BTreeMap::new();
    for (oid, c) in &relations.partitions {
        if let Some(p) = c.parent {
            by_parent.entry(p).or_default().push((&c.sql, *oid));
        }
    }
    for v in by_parent.values_mut() {
        v.sort();
    }
    struct Placer<'a> {
        relations: &'a Relations,
        by_parent: &'a BTreeMap<u32, Vec<(&'a QName, u32)>>,
        raw: Vec<RawSql>,
        maintained: &'a mut Vec<QName>,
    }
    impl Placer<'_> {
        /// The partitions of `parent` that the model holds; the others
        /// become blocks, or are maintenance's.
        fn children(
            &mut self,
            parent_oid: u32,
            parent: &QName,
            strategy: PartitionStrategy,
            top: bool,
        ) -> Vec<PartitionChild> {
            let mut out = Vec::new();
            let Some(kids) = self.by_parent.get(&parent_oid) else {
                return out;
            };
            for &(_, oid) in kids {
                let c = &self.relations.partitions[&oid];
                // Named as maintenance names them: its, for now (see
                // `fixed_ranges`). Maintenance keeps top-level tables only.
                if top
                    && strategy == PartitionStrategy::Range
                    && c.partition.is_none()
                    && made_by_maintenance(parent, &c.sql, &c.bound)
                {
                    self.maintained.push(c.sql.clone());
                    continue;
                }
                match bound(&c.bound) {
                    Some(b) => {
                        let sub = c.partition.clone().map(|mut p| {
                            p.partitions = self.children(oid, &c.sql, p.strategy, false);
                            Box::new(p)
                        });
                        out.push(PartitionChild {
                            sql: c.sql.clone(),
                            bound: b,
                            sub,
                        });
                    }
                    None => self.raw(oid, parent),
                }
            }
            out
        }

        /// A partition the language does not declare, kept as the SQL
        /// that makes it (with its own partitions, in blocks after it).
        fn raw(&mut self, oid: u32, parent: &QName) {
            let c = &self.relations.partitions[&oid];
            let mut body = format!(
                "CREATE TABLE {} PARTITION OF {} {}",
                generator::quote::qname(&c.sql),
                generator::quote::qname(parent),
                c.bound
            );
            if let Some(p) = &c.partition {
                generator::statement::partition::by(&mut body, p);
            }
            let sql = c.sql.clone();
            self.raw.push(RawSql {
                name: format!("partition_{}", sql.name),
                schema: sql.schema.clone(),
                body: expr(body),
                depends_on: vec![Key::new(ObjectKind::Table, parent.clone())],
                creates: vec![Key::new(ObjectKind::Table, sql.clone())],
                doc: None,
                origin: origin(),
            });
            let kids: Vec<u32> = self
                .by_parent
                .get(&oid)
                .map(|k| k.iter().map(|(_, o)| *o).collect())
                .unwrap_or_default();
            for k in kids {
                self.raw(k, &sql);
            }
        }
    }
    let mut placer = Placer {
        relations,
        by_parent: &by_parent,
        raw: Vec::new(),
        maintained,
    };
    let mut tops: Vec<(&u32, &usize)> = relations.tables.iter().collect();
    tops.sort_by_key(|(_, i)| **i);
    for (&oid, &i) in tops {
        let t = &model.tables[i];
        let Some(strategy) = t.partition.as_ref().map(|p| p.strategy) else {
            continue;
        };
        let sql = t.sql.clone();
        let kids = placer.children(oid, &sql, strategy, true);
        if let Some(p) = model.tables[i].partition.as_mut() {
            p.partitions = kids;
        }
    }
    // Partitions of a table whose key has expressions: their parent is
    // reported, they stay SQL.
    let placed: BTreeSet<QName> = model
        .tables
        .iter()
        .filter_map(|t| t.partition.as_ref())
        .flat_map(all_children)
        .chain(placer.maintained.iter().cloned())
        .chain(
            placer
                .raw
                .iter()
                .flat_map(|r| r.creates.iter().map(|k| k.name.clone())),
        )
        .collect();
    let mut orphans: Vec<(&QName, u32)> = relations
        .partitions
        .iter()
        .filter(|(_, c)| !placed.contains(&c.sql))
        .filter(|(_, c)| {
            c.parent
                .is_some_and(|p| !relations.partitions.contains_key(&p))
        })
        .map(|(o, c)| (&c.sql, *o))
        .collect();
    orphans.sort();
    for (_, oid) in orphans {
        let parent = relations.tables.iter().find_map(|(o, i)| {
            (Some(*o) == relations.partitions[&oid].parent).then(|| model.tables[*i].sql.clone())
        });
        if let Some(parent) = parent {
            placer.raw(oid, &parent);
        }
    }
    model.raw.append(&mut placer.raw);
}

/// Partitions named as maintenance names them are maintenance's only when
/// something keeps their table: a `maintain_partitions` function of its
/// schema that makes them, or pg_partman (its template table). The others
/// are fixed ranges, declared like any other partition.
fn fixed_ranges(model: &mut Model, relations: &Relations, maintained: &mut Vec<QName>) {
    let partman = model
        .extensions
        .iter()
        .find(|e| e.name == "pg_partman")
        .map(|e| e.schema.clone());
    let tables: BTreeSet<QName> = model.tables.iter().map(|t| t.sql.clone()).collect();
    let bodies: Vec<(&str, &str)> = model
        .functions
        .iter()
        .filter(|f| f.sql.name == generator::partition::FUNCTION)
        .map(|f| (f.sql.schema.as_str(), f.body.as_str()))
        .collect();
    let kept = |t: &QName| {
        let prefix = generator::quote::literal(&format!("{}_p", t.name));
        bodies
            .iter()
            .any(|(schema, body)| *schema == t.schema && body.contains(&prefix))
            || partman.as_ref().is_some_and(|s| {
                tables.contains(&QName::new(
                    s.clone(),
                    format!("template_{}_{}", t.schema, t.name),
                ))
            })
    };
    let mut moved = Vec::new();
    for c in relations.partitions.values() {
        if !maintained.contains(&c.sql) {
            continue;
        }
        let Some(&ti) = c.parent.and_then(|p| relations.tables.get(&p)) else {
            continue;
        };
        if kept(&model.tables[ti].sql) {
            continue;
        }
        let Some(b) = bound(&c.bound) else {
            continue;
        };
        if let Some(p) = model.tables[ti].partition.as_mut() {
            p.partitions.push(PartitionChild {
                sql: c.sql.clone(),
                bound: b,
                sub: None,
            });
            p.partitions.sort_by(|a, b| a.sql.cmp(&b.sql));
            moved.push(c.sql.clone());
        }
    }
    maintained.retain(|q| !moved.contains(q));
}

/// pg_partman's template tables (`partman.template_<schema>_<table>`, for
/// each table it keeps) and the default partitions of those tables are
/// pg_partman's, like the partitions it makes.
fn partman_templates(model: &mut Model, maintained: &mut Vec<QName>) {
    let Some(schema) = model
        .extensions
        .iter()
        .find(|e| e.name == "pg_partman")
        .map(|e| e.schema.clone())
    else {
        return;
    };
    let templates: BTreeSet<String> = model
        .tables
        .iter()
        .filter(|t| t.partition.is_some())
        .map(|t| format!("template_{}_{}", t.sql.schema, t.sql.name))
        .collect();
    let made = |t: &Table| t.sql.schema == schema && templates.contains(&t.sql.name);
    let kept: BTreeSet<String> = model
        .tables
        .iter()
        .filter(|t| made(t))
        .map(|t| t.sql.name.clone())
        .collect();
    maintained.extend(
        model
            .tables
            .iter()
            .filter(|t| made(t))
            .map(|t| t.sql.clone()),
    );
    model.tables.retain(|t| !made(t));
    // The default partition of a table pg_partman keeps is its too.
    for t in &mut model.tables {
        if !kept.contains(&format!("template_{}_{}", t.sql.schema, t.sql.name)) {
            continue;
        }
        let default = QName::new(t.sql.schema.clone(), format!("{}_default", t.sql.name));
        if let Some(p) = t.partition.as_mut() {
            if p.partitions
                .iter()
                .any(|c| c.sql == default && c.bound == PartitionBound::Default)
            {
                p.partitions.retain(|c| c.sql != default);
                maintained.push(default);
            }
        }
    }
}

fn all_children(p: &Partition) -> Vec<QName> {
    let mut out = Vec::new();
    for c in &p.partitions {
        out.push(c.sql.clone());
        if let Some(s) = &c.sub {
            out.extend(all_children(s));
        }
    }
    out
}

fn read_columns(
    r: &mut Reader,
    model: &mut Model,
    relations: &mut Relations,
    types: &Types,
    unmodelled: &mut BTreeSet<Unmodelled>,
) -> Result<(), postgres::Error> {
    let rows = r.query(&format!(
        "select a.attrelid, a.attname::text, et.oid, et.typname::text, en.nspname::text,
            greatest(a.attndims, case when t.typcategory = 'A' then 1 else 0 end),
            a.atttypmod, a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid), a.attidentity::text,
            a.attgenerated::text,
            case when a.attcollation <> t.typcollation then co.collname::text end,
            -- Comments by join, not col_description() and the like: a
            -- function call per row cost more than the rest of the row.
            ds.description,
            -- refclassid: pg_depend's reference index leads with it (else
            -- this scans pg_depend once per column).
            (select sn.nspname::text || '.' || s.relname::text from pg_depend d
               join pg_class s on s.oid = d.objid join pg_namespace sn on sn.oid = s.relnamespace
              where d.refclassid = 'pg_class'::regclass and d.refobjid = a.attrelid
                and d.refobjsubid = a.attnum and d.classid = 'pg_class'::regclass
                and d.deptype = 'a' and s.relkind = 'S')
         from pg_attribute a
         join pg_class c on c.oid = a.attrelid
         join pg_namespace n on n.oid = c.relnamespace
         join pg_type t on t.oid = a.atttypid
         join pg_type et on et.oid = case when t.typcategory = 'A' and t.typelem <> 0 then t.typelem else t.oid end
         join pg_namespace en on en.oid = et.typnamespace
         left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
         left join pg_collation co on co.oid = a.attcollation
         left join pg_description ds on ds.objoid = a.attrelid and ds.classoid = 'pg_class'::regclass and ds.objsubid = a.attnum
         where {USER_SCHEMA} and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
         order by a.attrelid, a.attnum"
    ))?;
    for row in rows {
        let Some(&t) = relations.tables.get(&row.get::<_, u32>(0)) else {
            continue;
        };
        let table = &mut model.tables[t];
        let name: String = row.get(1);
        let mut default: Option<String> = row.get(8);
        let generated = row.get::<_, String>(10) == "s";
        let serial_sequence: Option<String> = row.get(13);
        let typname: Option<String> = row.get(3);
        // A serial column: an integer whose default reads the sequence it
        // owns.
        let serial = match (&serial_sequence, typname.as_deref(), &default) {
            (Some(seq), Some(ty @ ("int2" | "int4" | "int8")), Some(d))
                if d.starts_with("nextval(")
                    && d.contains(&generator::quote::literal(seq).to_string()) =>
            {
                Some(match ty {
                    "int2" => "smallserial",
                    "int4" => "serial",
                    _ => "bigserial",
                })
            }
            _ => None,
        };
        if serial.is_some() {
            default = None;
            if let Some((schema, seq)) = serial_sequence.as_deref().and_then(|s| s.split_once('.'))
            {
                relations.serial_sequences.push(QName::new(schema, seq));
            }
        }
        if let Some(collation) = row.get::<_, Option<String>>(11) {
            unmodelled.insert(Unmodelled {
                key: Key::member(ObjectKind::Column, table.sql.clone(), name.clone()),
                what: format!("column collation {}", generator::quote::ident(&collation)),
            });
        }
        let ty = sql_type(
            types,
            row.get(2),
            typname,
            row.get(4),
            row.get(5),
            row.get(6),
            serial,
        );
        table.columns.push(Column {
            field: name.clone(),
            name,
            ty,
            nullable: !row.get::<_, bool>(7),
            default: if generated {
                None
            } else {
                default.clone().map(expr)
            },
            generated: if generated {
                default.map(|d| Box::new(expr(d)))
            } else {
                None
            },
            identity: match row.get::<_, String>(9).as_str() {
                "a" => Some(Identity::Always),
                "d" => Some(Identity::ByDefault),
                _ => None,
            },
            secret: false,
            doc: row.get(12),
            origin: origin(),
        });
    }
    Ok(())
}

/// One index as the catalog describes it.
struct RawIndex {
    table: u32,
    schema: String,
    name: String,
    method: IndexMethod,
    unique: bool,
    nulls_not_distinct: bool,
    elements: Vec<IndexElement>,
    include: Vec<String>,
    predicate: Option<Expr>,
    doc: Option<String>,
    /// Backs a constraint (primary key, unique, exclusion).
    constraint: bool,
    unknown_method: Option<String>,
}

fn read_indexes(
    r: &mut Reader,
    relations: &Relations,
) -> Result<HashMap<u32, RawIndex>, postgres::Error> {
    let rows = r.query(&format!(
        "select i.indexrelid, i.indrelid, ic.relname::text, am.amname::text, i.indisunique,
            i.indnullsnotdistinct, i.indnkeyatts::int4,
            -- Per element, lookups by oid (index scans): joins here were
            -- planned as a scan of pg_collation and pg_opclass per index.
            -- A column's text is its quoted name, as pg_get_indexdef gives
            -- it, which is asked only for expressions.
            array(select case when k.n = 0 then pg_get_indexdef(i.indexrelid, k.o::int4, true)
                              else (select quote_ident(a.attname) from pg_attribute a
                                     where a.attrelid = i.indrelid and a.attnum = k.n) end
                    from unnest(i.indkey::int2[]) with ordinality k(n, o) order by k.o),
            array(select k.n::int4 from unnest(i.indkey::int2[]) with ordinality k(n, o) order by k.o),
            array(select k.n::int4 from unnest(i.indoption::int2[]) with ordinality k(n, o) order by k.o),
            array(select (select case when oc.opcdefault then '' else oc.opcname::text end
                            from pg_opclass oc where oc.oid = k.n)
                    from unnest(i.indclass::oid[]) with ordinality k(n, o) order by k.o),
            array(select case when k.n = 0 then ''
                              else (select case when k.n = coalesce(a.attcollation, 0) or (a.attcollation is null and k.n = 100) then ''
                                                else (select cl.collname::text from pg_collation cl where cl.oid = k.n) end
                                      from (select) one
                                      left join pg_attribute a on a.attrelid = i.indrelid
                                                              and a.attnum = (i.indkey::int2[])[k.o - 1]) end
                    from unnest(i.indcollation::oid[]) with ordinality k(n, o)
                    order by k.o),
            pg_get_expr(i.indpred, i.indrelid), ds.description,
            exists (select 1 from pg_constraint co where co.conindid = i.indexrelid and co.contype in ('p', 'u', 'x')),
            n.nspname::text, ic.relispartition
         from pg_index i
         join pg_class ic on ic.oid = i.indexrelid
         join pg_class tc on tc.oid = i.indrelid
         join pg_namespace n on n.oid = tc.relnamespace
         join pg_am am on am.oid = ic.relam
         left join pg_description ds on ds.objoid = i.indexrelid and ds.classoid = 'pg_class'::regclass and ds.objsubid = 0
         where {USER_SCHEMA} and tc.relkind in ('r', 'p', 'm')"
    ))?;
    let mut out = HashMap::new();
    for row in rows {
        let table: u32 = row.get(1);
        // A partition's copy of its parent's index is the parent's.
        if relations.partitions.contains_key(&table) && row.get::<_, bool>(16) {
            continue;
        }
        if !relations.tables.contains_key(&table) {
            // Indexes of materialized views and partitions of their own:
            // reported with the others below.
            let on = if relations.partitions.contains_key(&table) {
                "index on a partition"
            } else {
                "index on a materialized view"
            };
            out.insert(
                row.get(0),
                RawIndex {
                    table,
                    schema: row.get(15),
                    name: row.get(2),
                    method: IndexMethod::Btree,
                    unique: false,
                    nulls_not_distinct: false,
                    elements: Vec::new(),
                    include: Vec::new(),
                    predicate: None,
                    doc: None,
                    constraint: false,
                    unknown_method: Some(on.into()),
                },
            );
            continue;
        }
        let am: String = row.get(3);
        let method = IndexMethod::parse(&am);
        let keys: i32 = row.get(6);
        let texts: Vec<String> = row.get(7);
        let attnums: Vec<i32> = row.get(8);
        let options: Vec<i32> = row.get(9);
        let opclasses: Vec<String> = row.get(10);
        let collations: Vec<String> = row.get(11);
        let mut elements = Vec::new();
        let mut include = Vec::new();
        for (k, text) in texts.into_iter().enumerate() {
            let column = attnums.get(k).copied().unwrap_or(0) != 0;
            if k as i32 >= keys {
                include.push(unquote(&text));
                continue;
            }
            let mut e = if column {
                IndexElement::column(unquote(&text))
            } else {
                IndexElement::expr(expr(strip_parens(&text)))
            };
            let option = options.get(k).copied().unwrap_or(0);
            if method == Some(IndexMethod::Btree) {
                e.descending = option & 1 != 0;
                e.set_nulls_first(option & 2 != 0);
            }
            e.opclass = opclasses.get(k).filter(|o| !o.is_empty()).cloned();
            e.collation = collations.get(k).filter(|c| !c.is_empty()).cloned();
            elements.push(e);
        }
        out.insert(
            row.get(0),
            RawIndex {
                table,
                schema: row.get(15),
                name: row.get(2),
                method: method.unwrap_or_default(),
                unique: row.get(4),
                nulls_not_distinct: row.get(5),
                elements,
                include,
                predicate: row.get::<_, Option<String>>(12).map(expr),
                doc: row.get(13),
                constraint: row.get(14),
                unknown_method: method.is_none().then(|| format!("index method {am}")),
            },
        );
    }
    Ok(out)
}

/// An identifier as `pg_get_indexdef` prints it, quotes removed.
fn unquote(text: &str) -> String {
    match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => text.to_string(),
    }
}

/// `pg_get_indexdef` wraps an expression that is not a function call in
/// parentheses, which are the index syntax's, not the expression's.
fn strip_parens(text: &str) -> String {
    let t = text.trim();
    if t.starts_with('(') && t.ends_with(')') {
        let inner = &t[1..t.len() - 1];
        let mut depth = 0i32;
        let balanced = inner.chars().all(|c| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            depth >= 0
        });
        if balanced && depth == 0 {
            return inner.to_string();
        }
    }
    t.to_string()
}

fn action(c: i8) -> Action {
    match c as u8 {
        b'r' => Action::Restrict,
        b'c' => Action::Cascade,
        b'n' => Action::SetNull,
        b'd' => Action::SetDefault,
        _ => Action::NoAction,
    }
}

fn read_constraints(
    r: &mut Reader,
    model: &mut Model,
    relations: &Relations,
    mut indexes: HashMap<u32, RawIndex>,
    unmodelled: &mut BTreeSet<Unmodelled>,
) -> Result<(), postgres::Error> {
    let rows = r.query(&format!(
        "select co.conrelid, co.conname::text, co.contype::text,
            array(select (select a.attname::text from pg_attribute a where a.attrelid = co.conrelid and a.attnum = k.n)
                    from unnest(co.conkey) with ordinality k(n, o) order by k.o),
            fn.nspname::text, fc.relname::text,
            array(select (select a.attname::text from pg_attribute a where a.attrelid = co.confrelid and a.attnum = k.n)
                    from unnest(co.confkey) with ordinality k(n, o) order by k.o),
            co.confdeltype::\"char\", co.confupdtype::\"char\", co.condeferrable, co.condeferred,
            co.convalidated, pg_get_expr(co.conbin, co.conrelid), ds.description,
            co.conindid,
            array(select case when op.oprnamespace = 'pg_catalog'::regnamespace then op.oprname::text
                              else opn.nspname::text || '.' || op.oprname::text end
                    from unnest(co.conexclop) with ordinality k(n, o)
                    join pg_operator op on op.oid = k.n join pg_namespace opn on opn.oid = op.oprnamespace
                   order by k.o),
            co.connoinherit, co.confmatchtype::\"char\", co.conislocal and co.conparentid = 0,
            n.nspname::text, c.relname::text
         from pg_constraint co
         join pg_class c on c.oid = co.conrelid
         join pg_namespace n on n.oid = c.relnamespace
         left join pg_class fc on fc.oid = co.confrelid
         left join pg_namespace fn on fn.oid = fc.relnamespace
         left join pg_description ds on ds.objoid = co.oid and ds.classoid = 'pg_constraint'::regclass and ds.objsubid = 0
         where {USER_SCHEMA} and co.contype in ('p', 'u', 'c', 'f', 'x')
         order by co.conrelid, co.conname"
    ))?;
    for row in rows {
        let Some(&t) = relations.tables.get(&row.get::<_, u32>(0)) else {
            // A partition's own constraint (not one its parent gave it).
            if relations.partitions.contains_key(&row.get::<_, u32>(0)) && row.get::<_, bool>(18) {
                unmodelled.insert(Unmodelled {
                    key: Key::member(
                        ObjectKind::Constraint,
                        QName::new(row.get::<_, String>(19), row.get::<_, String>(20)),
                        row.get::<_, String>(1),
                    ),
                    what: "constraint on a partition".into(),
                });
            }
            continue;
        };
        let table = &mut model.tables[t];
        let name: String = row.get(1);
        let key = Key::member(ObjectKind::Constraint, table.sql.clone(), name.clone());
        let columns: Vec<String> = row.get(3);
        let doc: Option<String> = row.get(13);
        let deferrable: bool = row.get(9);
        let deferred: bool = row.get(10);
        if !row.get::<_, bool>(11) {
            unmodelled.insert(Unmodelled {
                key: key.clone(),
                what: "NOT VALID constraint".into(),
            });
        }
        let index = indexes.remove(&row.get::<_, u32>(14));
        match row.get::<_, String>(2).as_str() {
            "p" => {
                if deferrable {
                    unmodelled.insert(Unmodelled {
                        key: key.clone(),
                        what: "deferrable primary key".into(),
                    });
                }
                table.primary_key = Some(PrimaryKey {
                    name,
                    columns,
                    doc,
                    origin: origin(),
                })
            }
            "u" => table.uniques.push(Unique {
                name,
                columns,
                nulls_not_distinct: index.as_ref().is_some_and(|i| i.nulls_not_distinct),
                deferrable,
                initially_deferred: deferred,
                doc,
                origin: origin(),
            }),
            "c" => {
                if row.get::<_, bool>(16) {
                    unmodelled.insert(Unmodelled {
                        key: key.clone(),
                        what: "NO INHERIT check".into(),
                    });
                }
                table.checks.push(Check {
                    name,
                    expr: expr(row.get::<_, Option<String>>(12).unwrap_or_default()),
                    doc,
                    origin: origin(),
                })
            }
            "f" => {
                if row.get::<_, i8>(17) as u8 == b'f' {
                    unmodelled.insert(Unmodelled {
                        key: key.clone(),
                        what: "MATCH FULL foreign key".into(),
                    });
                }
                let target_table = QName::new(
                    row.get::<_, Option<String>>(4).unwrap_or_default(),
                    row.get::<_, Option<String>>(5).unwrap_or_default(),
                );
                table.foreign_keys.push(ForeignKey {
                    name,
                    columns,
                    target: target_table.name.clone(),
                    target_table,
                    target_columns: row.get(6),
                    on_delete: action(row.get(7)),
                    on_update: action(row.get(8)),
                    deferrable,
                    initially_deferred: deferred,
                    back_name: None,
                    doc,
                    origin: origin(),
                })
            }
            _ => {
                let operators: Vec<String> = row.get(15);
                let Some(index) = index else { continue };
                table.excludes.push(Exclude {
                    name,
                    method: index.method,
                    elements: index
                        .elements
                        .into_iter()
                        .zip(operators)
                        .map(|(element, operator)| ExcludeElement { element, operator })
                        .collect(),
                    predicate: index.predicate,
                    doc,
                    origin: origin(),
                })
            }
        }
    }
    let mut rest: Vec<RawIndex> = indexes.into_values().collect();
    rest.sort_by(|a, b| a.name.cmp(&b.name));
    for i in rest {
        if i.constraint {
            continue;
        }
        let Some(&t) = relations.tables.get(&i.table) else {
            if let Some(what) = i.unknown_method {
                unmodelled.insert(Unmodelled {
                    key: Key::new(ObjectKind::Index, QName::new(i.schema, i.name)),
                    what,
                });
            }
            continue;
        };
        let table = &mut model.tables[t];
        let key = Key::new(
            ObjectKind::Index,
            QName::new(table.sql.schema.clone(), i.name.clone()),
        );
        if let Some(what) = i.unknown_method {
            unmodelled.insert(Unmodelled { key, what });
            continue;
        }
        table.indexes.push(Index {
            name: i.name,
            method: i.method,
            unique: i.unique,
            nulls_not_distinct: i.nulls_not_distinct,
            elements: i.elements,
            include: i.include,
            predicate: i.predicate,
            doc: i.doc,
            origin: origin(),
        });
    }
    Ok(())
}

fn read_functions(
    r: &mut Reader,
    model: &mut Model,
    unmodelled: &mut BTreeSet<Unmodelled>,
) -> Result<(), postgres::Error> {
    // `plain`: the function is what `CREATE FUNCTION name(types) RETURNS
    // ... LANGUAGE ... [SECURITY DEFINER SET search_path = '']` makes, all
    // the model's `Function` says. Anything more (argument names, modes or
    // defaults, volatility, strictness, costs, settings) comes back as the
    // definition the server prints, in a `sql` block that creates it.
    let rows = r.query(&format!(
        "select n.nspname::text, p.proname::text, oidvectortypes(p.proargtypes), pg_get_function_result(p.oid),
            l.lanname::text, p.prosrc, p.prokind::text, p.prosecdef, obj_description(p.oid, 'pg_proc'),
            (p.proargmodes is null or p.proargmodes::text[] <@ array['i', 't'])
              and not exists (select 1 from unnest(p.proargnames) with ordinality an(name, o)
                               where an.name <> '' and coalesce((p.proargmodes::text[])[an.o], 'i') = 'i')
              and p.pronargdefaults = 0 and p.provolatile = 'v' and not p.proisstrict
              and p.proparallel = 'u' and not p.proleakproof
              and p.procost = case when l.lanname in ('c', 'internal') then 1 else 100 end
              and p.prorows = case when p.proretset then 1000 else 0 end
              and coalesce(p.proconfig, '{{}}') = case when p.prosecdef then array['search_path=\"\"'] else '{{}}' end,
            case when p.prokind in ('f', 'p') then pg_get_functiondef(p.oid) end
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_language l on l.oid = p.prolang
         where {USER_SCHEMA} and {}
         order by 1, 2, 3",
        not_extension_member("pg_proc", "p.oid")
    ))?;
    let mut blocks: BTreeMap<QName, usize> = BTreeMap::new();
    for row in rows {
        let sql = QName::new(row.get::<_, String>(0), row.get::<_, String>(1));
        let args: String = row.get(2);
        let kind: String = row.get(6);
        let key = Key::member(ObjectKind::Function, sql.clone(), args.clone());
        let definition: Option<String> = row.get(10);
        let function = Function {
            sql: sql.clone(),
            args: args.clone(),
            returns: row.get::<_, Option<String>>(3).unwrap_or_default(),
            language: row.get(4),
            body: row.get(5),
            security_definer: row.get(7),
            doc: row.get(8),
            depends_on: Vec::new(),
            origin: origin(),
        };
        match (kind.as_str(), definition) {
            ("f", _) if row.get::<_, bool>(9) && writes_body_back(&function) => {}
            (_, Some(definition)) => {
                // One block per function, overloads numbered.
                let n = blocks.entry(sql.clone()).or_default();
                *n += 1;
                let name = match *n {
                    1 => format!("function_{}", sql.name),
                    n => format!("function_{}_{n}", sql.name),
                };
                let mut body = definition.trim_end().to_string();
                if let Some(doc) = row.get::<_, Option<String>>(8) {
                    body.push_str(&format!(
                        ";\nCOMMENT ON {} {}({args}) IS {}",
                        if kind == "p" { "PROCEDURE" } else { "FUNCTION" },
                        generator::quote::qname(&sql),
                        generator::quote::literal(&doc)
                    ));
                }
                model.raw.push(RawSql {
                    name,
                    schema: sql.schema.clone(),
                    body: expr(body),
                    depends_on: Vec::new(),
                    creates: vec![key],
                    doc: None,
                    origin: origin(),
                });
                continue;
            }
            (kind, None) => {
                unmodelled.insert(Unmodelled {
                    key,
                    what: match kind {
                        "a" => "aggregate",
                        _ => "window function",
                    }
                    .into(),
                });
                continue;
            }
        }
        model.functions.push(function);
    }
    Ok(())
}

/// Whether creating the function from the model stores the same body
/// (the statement puts it on lines of its own, without common
/// indentation).
fn writes_body_back(f: &Function) -> bool {
    let sql = generator::statement::function::create(f).sql;
    let Some((_, quoted)) = sql.split_once(" AS ") else {
        return false;
    };
    let tag = quoted.split('\n').next().unwrap_or_default();
    quoted
        .strip_prefix(tag)
        .and_then(|r| r.strip_suffix(tag))
        .is_some_and(|body| body == f.body)
}

fn read_triggers(
    r: &mut Reader,
    model: &mut Model,
    unmodelled: &mut BTreeSet<Unmodelled>,
) -> Result<(), postgres::Error> {
    let rows = r.query(&format!(
        "select n.nspname::text, c.relname::text, t.tgname::text, t.tgtype::int4,
            pn.nspname::text, p.proname::text, oidvectortypes(p.proargtypes),
            t.tgqual is not null or t.tgnargs > 0 or array_length(t.tgattr::int2[], 1) > 0
              or t.tgconstraint <> 0,
            t.tgoldtable::text, t.tgnewtable::text
         from pg_trigger t
         join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
         join pg_proc p on p.oid = t.tgfoid join pg_namespace pn on pn.oid = p.pronamespace
         where {USER_SCHEMA} and not t.tgisinternal and t.tgparentid = 0
         order by 1, 2, 3"
    ))?;
    for row in rows {
        let table = QName::new(row.get::<_, String>(0), row.get::<_, String>(1));
        let name: String = row.get(2);
        let bits: i32 = row.get(3);
        if row.get::<_, bool>(7) {
            unmodelled.insert(Unmodelled {
                key: Key::member(ObjectKind::Trigger, table.clone(), name.clone()),
                what: "trigger with a condition, arguments or columns".into(),
            });
        }
        let timing = if bits & 64 != 0 {
            "instead of"
        } else if bits & 2 != 0 {
            "before"
        } else {
            "after"
        };
        let events = [
            (4, "insert"),
            (16, "update"),
            (8, "delete"),
            (32, "truncate"),
        ]
        .into_iter()
        .filter(|(b, _)| bits & b != 0)
        .map(|(_, e)| e.to_string())
        .collect();
        model.triggers.push(Trigger {
            name,
            table,
            timing: timing.into(),
            events,
            for_each_row: bits & 1 != 0,
            old_table: row.get(8),
            new_table: row.get(9),
            function: Key::member(
                ObjectKind::Function,
                QName::new(row.get::<_, String>(4), row.get::<_, String>(5)),
                row.get::<_, String>(6),
            ),
            origin: origin(),
        });
    }
    Ok(())
}

/// Row-level security policies, as `@rls` and `@tenant` make them:
/// permissive, on a table. A table's row-level security is on and forced
/// when it has policies, off otherwise; one that is not is listed in
/// `row_security_drift`, for a diff to set right.
fn read_policies(
    r: &mut Reader,
    model: &mut Model,
    relations: &Relations,
    unmodelled: &mut BTreeSet<Unmodelled>,
) -> Result<(), postgres::Error> {
    let rows = r.query(&format!(
        "select p.polrelid, p.polname::text, p.polcmd::text, p.polpermissive,
            array(select case when o.r = 0 then 'public' else pg_get_userbyid(o.r)::text end
                    from unnest(p.polroles) with ordinality o(r, i) order by o.i),
            pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
            n.nspname::text, c.relname::text
         from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
         where {USER_SCHEMA}
         order by p.polrelid, p.polname"
    ))?;
    for row in rows {
        let name: String = row.get(1);
        let table = QName::new(row.get::<_, String>(7), row.get::<_, String>(8));
        let key = Key::member(ObjectKind::Policy, table.clone(), name.clone());
        let Some(&t) = relations.tables.get(&row.get::<_, u32>(0)) else {
            unmodelled.insert(Unmodelled {
                key,
                what: "policy on a partition".into(),
            });
            continue;
        };
        if !row.get::<_, bool>(3) {
            unmodelled.insert(Unmodelled {
                key,
                what: "restrictive policy".into(),
            });
            continue;
        }
        let command = match row.get::<_, String>(2).as_str() {
            "r" => "select",
            "a" => "insert",
            "w" => "update",
            "d" => "delete",
            _ => "all",
        };
        let mut roles: Vec<String> = row.get(4);
        // `TO PUBLIC` is the model's empty list.
        if roles == ["public"] {
            roles.clear();
        }
        model.tables[t].policies.push(Policy {
            name,
            command: command.into(),
            roles,
            using: row.get::<_, Option<String>>(5).map(expr),
            with_check: row.get::<_, Option<String>>(6).map(expr),
            origin: origin(),
        });
    }
    let mut tables: Vec<(&u32, &usize)> = relations.tables.iter().collect();
    tables.sort_by_key(|(_, i)| **i);
    for (oid, &i) in tables {
        let t = &model.tables[i];
        let (enabled, forced) = relations.row_security.get(oid).copied().unwrap_or_default();
        let policies = !t.policies.is_empty();
        if enabled != policies || forced != policies {
            model.row_security_drift.push(t.sql.clone());
        }
    }
    Ok(())
}

/// A table's access list and its columns' (`aclexplode`), as grants: one
/// per role on the table, one per role and column. What the owner holds
/// is the owner's by default, never a grant of the model's.
fn read_privileges(
    r: &mut Reader,
    model: &mut Model,
    relations: &Relations,
    unmodelled: &mut BTreeSet<Unmodelled>,
) -> Result<(), postgres::Error> {
    let grantee = "case when x.grantee = 0 then 'public' else pg_get_userbyid(x.grantee)::text end";
    let rows = r.query(&format!(
        "select c.oid, null::text, {grantee}, lower(x.privilege_type), x.is_grantable
         from pg_class c join pg_namespace n on n.oid = c.relnamespace, aclexplode(c.relacl) x
         where {USER_SCHEMA} and c.relkind in ('r', 'p') and c.relacl is not null and x.grantee <> c.relowner
         union all
         select c.oid, a.attname::text, {grantee}, lower(x.privilege_type), x.is_grantable
         from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace,
              aclexplode(a.attacl) x
         where {USER_SCHEMA} and c.relkind in ('r', 'p') and a.attacl is not null and a.attnum > 0
           and not a.attisdropped and x.grantee <> c.relowner
         order by 1, 2 nulls first, 3, 4"
    ))?;
    // (table, column, role) → privileges, in the query's order.
    let mut grants: BTreeMap<(usize, Option<String>, String), Vec<String>> = BTreeMap::new();
    for row in rows {
        let Some(&t) = relations.tables.get(&row.get::<_, u32>(0)) else {
            continue;
        };
        let column: Option<String> = row.get(1);
        let role: String = row.get(2);
        let privilege: String = row.get(3);
        if row.get::<_, bool>(4) {
            let table = model.tables[t].sql.clone();
            unmodelled.insert(Unmodelled {
                key: match &column {
                    Some(c) => Key::member(ObjectKind::Column, table, c.clone()),
                    None => Key::new(ObjectKind::Table, table),
                },
                what: format!("{privilege} WITH GRANT OPTION to {role}"),
            });
        }
        grants.entry((t, column, role)).or_default().push(privilege);
    }
    for ((t, column, role), privileges) in grants {
        model.tables[t].grants.push(Grant {
            role,
            privileges,
            columns: column.into_iter().collect(),
            origin: origin(),
        });
    }
    Ok(())
}

/// Objects of kinds the model has no room for at all.
fn read_other(
    r: &mut Reader,
    unmodelled: &mut BTreeSet<Unmodelled>,
) -> Result<(), postgres::Error> {
    let rows = r.query(&format!(
        "select n.nspname::text, c.relname::text, 'rule ' || quote_ident(w.rulename) from pg_rewrite w
           join pg_class c on c.oid = w.ev_class join pg_namespace n on n.oid = c.relnamespace
          where {USER_SCHEMA} and w.rulename <> '_RETURN'
         union all
         select n.nspname::text, s.stxname::text, 'statistics object' from pg_statistic_ext s
           join pg_namespace n on n.oid = s.stxnamespace where {USER_SCHEMA}"
    ))?;
    for row in rows {
        unmodelled.insert(Unmodelled {
            key: Key::new(
                ObjectKind::Table,
                QName::new(row.get::<_, String>(0), row.get::<_, String>(1)),
            ),
            what: row.get(2),
        });
    }
    Ok(())
}

/// A model's expressions as this server prints them, and what its raw
/// `sql` blocks create: the model is built in `shadow` (an empty database
/// on the same server, which this fills) and read back. Defaults, checks,
/// generated columns, index expressions and predicates and view bodies of
/// the result are the server's text, so the model compares with an
/// introspected database; everything else is the model's own.
pub fn printed(model: &Model, shadow: &mut Client) -> Result<Printed, PrintError> {
    let plan = generator::graph::Graph::build(model)
        .plan(model)
        .map_err(|d| PrintError::Model(d.message))?;
    let creation = generator::statement::creation(model, &plan);
    for s in creation.statements() {
        let path = match &s.search_path {
            Some(schema) => format!(
                "set search_path = {}, public",
                generator::quote::ident(schema)
            ),
            None => "set search_path = public".into(),
        };
        shadow
            .batch_execute(&format!("{path}; {};", s.sql))
            .map_err(|e| PrintError::Apply(format!("{}: {e}", s.sql)))?;
    }
    let built = introspect(shadow).map_err(|e| PrintError::Apply(e.to_string()))?;
    let mut out = model.clone();
    copy_expressions(&mut out, &built.model);
    let declared = keys(model);
    let mut raw = BTreeSet::new();
    for k in keys(&built.model) {
        if !declared.contains(&k) {
            raw.insert(k);
        }
    }
    for u in &built.unmodelled {
        raw.insert(u.key.clone());
    }
    for r in &built.model.raw {
        raw.extend(r.creates.iter().cloned());
    }
    for r in &model.raw {
        raw.extend(r.creates.iter().cloned());
    }
    Ok(Printed {
        model: out,
        raw_products: raw,
    })
}

/// A model in the server's printing, see [`printed`].
#[derive(Debug)]
pub struct Printed {
    pub model: Model,
    /// What the model's raw `sql` blocks created (functions, triggers,
    /// sequences, ...): objects of the database that the model owns
    /// although it does not describe them.
    pub raw_products: BTreeSet<Key>,
}

#[derive(Debug)]
pub enum PrintError {
    /// The model has no creation order.
    Model(String),
    /// Building it in the shadow database failed.
    Apply(String),
}

impl std::fmt::Display for PrintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PrintError::Model(m) => write!(f, "the model cannot be ordered: {m}"),
            PrintError::Apply(m) => write!(f, "the model does not build on this server: {m}"),
        }
    }
}

impl std::error::Error for PrintError {}

/// Every key of a model's objects and table members (not what its `sql`
/// blocks create).
pub fn keys(model: &Model) -> BTreeSet<Key> {
    let mut out: BTreeSet<Key> = model.objects().into_keys().collect();
    for t in &model.tables {
        let q = &t.sql;
        out.extend(t.columns.iter().map(|c| c.key(q)));
        out.extend(t.primary_key.iter().map(|p| p.key(q)));
        out.extend(t.uniques.iter().map(|u| u.key(q)));
        out.extend(t.checks.iter().map(|c| c.key(q)));
        out.extend(t.foreign_keys.iter().map(|f| f.key(q)));
        out.extend(t.excludes.iter().map(|x| x.key(q)));
        out.extend(t.indexes.iter().map(|i| i.key(q)));
        out.extend(
            t.policies
                .iter()
                .map(|p| Key::member(ObjectKind::Policy, q.clone(), p.name.clone())),
        );
    }
    out
}

fn copy_expressions(to: &mut Model, from: &Model) {
    fn set(to: &mut Expr, from: &Expr) {
        to.set_canonical(from.canonical().to_string());
    }
    fn set_opt(to: &mut Option<Expr>, from: &Option<Expr>) {
        if let (Some(t), Some(f)) = (to.as_mut(), from.as_ref()) {
            set(t, f);
        }
    }
    let domains: BTreeMap<&QName, &Domain> = from.domains.iter().map(|d| (&d.sql, d)).collect();
    for d in &mut to.domains {
        let Some(f) = domains.get(&d.sql) else {
            continue;
        };
        set_opt(&mut d.default, &f.default);
        for c in &mut d.checks {
            if let Some(fc) = f.checks.iter().find(|x| x.name == c.name) {
                set(&mut c.expr, &fc.expr);
            }
        }
    }
    let views: BTreeMap<&QName, &View> = from.views.iter().map(|v| (&v.sql, v)).collect();
    for v in &mut to.views {
        if let Some(f) = views.get(&v.sql) {
            set(&mut v.body, &f.body);
        }
    }
    let tables: BTreeMap<&QName, &Table> = from.tables.iter().map(|t| (&t.sql, t)).collect();
    for t in &mut to.tables {
        let Some(f) = tables.get(&t.sql) else {
            continue;
        };
        for c in &mut t.columns {
            if let Some(fc) = f.column(&c.name) {
                set_opt(&mut c.default, &fc.default);
                if let (Some(t), Some(f)) = (c.generated.as_mut(), fc.generated.as_ref()) {
                    set(t, f);
                }
            }
        }
        for c in &mut t.checks {
            if let Some(fc) = f.checks.iter().find(|x| x.name == c.name) {
                set(&mut c.expr, &fc.expr);
            }
        }
        for p in &mut t.policies {
            if let Some(fp) = f.policies.iter().find(|x| x.name == p.name) {
                set_opt(&mut p.using, &fp.using);
                set_opt(&mut p.with_check, &fp.with_check);
            }
        }
        if let (Some(p), Some(fp)) = (t.partition.as_mut(), f.partition.as_ref()) {
            list_values(&mut p.partitions, &fp.partitions);
        }
        let elements = |to: &mut [IndexElement], from: &[IndexElement]| {
            for (e, fe) in to.iter_mut().zip(from) {
                if let (ElementTarget::Expr { expr: a }, ElementTarget::Expr { expr: b }) =
                    (&mut e.target, &fe.target)
                {
                    set(a, b);
                }
            }
        };
        for i in &mut t.indexes {
            if let Some(fi) = f.indexes.iter().find(|x| x.name == i.name) {
                set_opt(&mut i.predicate, &fi.predicate);
                elements(&mut i.elements, &fi.elements);
            }
        }
        for x in &mut t.excludes {
            if let Some(fx) = f.excludes.iter().find(|y| y.name == x.name) {
                set_opt(&mut x.predicate, &fx.predicate);
                let mut a: Vec<IndexElement> =
                    x.elements.iter().map(|e| e.element.clone()).collect();
                let b: Vec<IndexElement> = fx.elements.iter().map(|e| e.element.clone()).collect();
                elements(&mut a, &b);
                for (e, n) in x.elements.iter_mut().zip(a) {
                    e.element = n;
                }
            }
        }
    }
}

/// List partitions' values and range bounds as the server prints them, at
/// every level.
fn list_values(to: &mut [PartitionChild], from: &[PartitionChild]) {
    for c in to {
        let Some(f) = from.iter().find(|f| f.sql == c.sql) else {
            continue;
        };
        match (&mut c.bound, &f.bound) {
            (PartitionBound::List { values: a }, PartitionBound::List { values: b })
                if a.len() == b.len() =>
            {
                for (x, y) in a.iter_mut().zip(b) {
                    x.set_canonical(y.canonical().to_string());
                }
            }
            (
                PartitionBound::Range { from: a, to: b },
                PartitionBound::Range { from: x, to: y },
            ) => {
                for (mine, theirs) in [(a, x), (b, y)] {
                    if let (Some(m), Some(t)) = (mine.as_mut(), theirs.as_ref()) {
                        m.set_canonical(t.canonical().to_string());
                    }
                }
            }
            _ => {}
        }
        if let (Some(s), Some(fs)) = (c.sub.as_mut(), f.sub.as_ref()) {
            list_values(&mut s.partitions, &fs.partitions);
        }
    }
}
