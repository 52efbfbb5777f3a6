//! Where rows live: `@partition` (and `@subpartition`), `@retain`, and the
//! Citus placement `@distribute` / `@reference`. Read once an entity's
//! columns and keys are resolved, because the rules are about them: every
//! unique key of a partitioned table includes the partition key, and of a
//! distributed table the distribution column.

use super::bounds::{self, KeyKind};
use super::{Resolver, Work};
use crate::model::{
    Distribution, Origin, Partition, PartitionBound, PartitionChild, PartitionStrategy, QName,
    Retain, Table, TimeUnit, Why, Window,
};
use crate::names::MAX_IDENT;
use crate::resolve::attrs;
use crate::resolve::expr::Names;
use dsl::ast::{self, ArgValue, Attribute, Sql};
use dsl::{Code, Diagnostic, Span};
use rustc_hash::FxHashMap as HashMap;

/// One end of a fixed range: the bound and its place on the key's line;
/// `None` for `minvalue` or `maxvalue`.
type Bound = Option<(crate::model::Expr, bounds::Point)>;

/// The bytes a time partition's name adds to its table's (`_p20260101`).
const TIME_SUFFIX: usize = 10;

/// Partitions of hash tables: more than this is a mistake, not a plan.
const MAX_MODULUS: u32 = 1024;

impl<'a> Resolver<'a> {
    /// Reads the placement attributes of one entity into its table.
    pub(super) fn placement(&mut self, w: &Work<'a>) {
        let ti = self.table_index(w);
        let mut found: HashMap<&str, &Attribute> = HashMap::default();
        for a in Self::entity_attrs(w) {
            let name = a.name.name.as_str();
            if ![
                "partition",
                "subpartition",
                "retain",
                "distribute",
                "reference",
            ]
            .contains(&name)
            {
                continue;
            }
            if found.insert(name, a).is_some() {
                self.push(
                    Diagnostic::error(Code::BadArgument, format!("`@{name}` is given twice"))
                        .label(a.span, "second one")
                        .help("an entity has one of each; merge their arguments"),
                );
            }
        }
        let table = self.model.tables[ti].sql.clone();
        let columns: Vec<String> = self.model.tables[ti]
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect();
        if let Some(a) = found.get("partition") {
            let sub = found.get("subpartition").copied();
            if let Some(p) = self.partition(a, sub, ti, &table, &columns) {
                self.model.tables[ti].partition = Some(p);
            }
        } else if let Some(s) = found.get("subpartition") {
            self.push(
                Diagnostic::error(Code::BadArgument, "`@subpartition` needs `@partition`")
                    .label(s.span, "partitions of what?")
                    .help(
                        "sub-partitioning splits each partition again: add `@partition(...)` first",
                    ),
            );
        }
        if let Some(a) = found.get("retain") {
            self.retain(a, ti);
        }
        match (found.get("distribute"), found.get("reference")) {
            (Some(d), Some(r)) => self.push(
                Diagnostic::error(
                    Code::CitusDistribution,
                    "a table is distributed or a reference table, not both",
                )
                .label(d.span, "distributed")
                .label(r.span, "copied to every node")
                .help("keep `@distribute(column)` for large tables, `@reference` for small shared ones"),
            ),
            (Some(d), None) => self.distribute(d, w.module, ti, &columns),
            (None, Some(r)) => {
                attrs::no_args(r, &mut self.diags);
                self.model.tables[ti].distribution = Some(Distribution::Reference {
                    origin: Origin::declared(r.span),
                });
            }
            (None, None) => {}
        }
    }

    /// `@partition(range: col, every: month, ahead: 3, before: 1)`,
    /// `@partition(range: col, p2024: from '2024-01-01' to '2025-01-01')`,
    /// `@partition(list: col, eu: ['de', 'fr'], us: ['us'])`,
    /// `@partition(hash: col, modulus: 8)`; `default: false` drops the
    /// default partition of range and list tables.
    fn partition(
        &mut self,
        a: &Attribute,
        sub: Option<&Attribute>,
        ti: usize,
        table: &QName,
        columns: &[String],
    ) -> Option<Partition> {
        let mut spec = self.spec(a, ti, table, columns, true)?;
        if spec.window.is_some() && table.name.len() + TIME_SUFFIX > MAX_IDENT {
            self.push(
                Diagnostic::error(
                    Code::NameTooLong,
                    format!(
                        "the partitions of `{}` would be named past PostgreSQL's 63 bytes",
                        table.name
                    ),
                )
                .label(a.span, format!("names like `{}_p20260101`", table.name))
                .help("give the table a shorter name with `@table(...)`"),
            );
            return None;
        }
        if let Some(s) = sub {
            if spec.window.is_some() {
                self.push(
                    Diagnostic::error(
                        Code::BadArgument,
                        "time partitions cannot be sub-partitioned",
                    )
                    .label(s.span, "maintenance creates plain partitions")
                    .help(
                        "sub-partition list or hash partitions, or partition by time inside them",
                    ),
                );
                return None;
            }
            let sub_spec = self.spec(s, ti, table, columns, false)?;
            if sub_spec.columns.iter().any(|c| spec.columns.contains(c)) {
                self.push(
                    Diagnostic::error(
                        Code::BadArgument,
                        "a sub-partition key repeats the partition key",
                    )
                    .label(s.span, "already split by this column")
                    .help("sub-partition by another column"),
                );
                return None;
            }
            let children = std::mem::take(&mut spec.partitions);
            spec.partitions = children
                .into_iter()
                .map(|mut c| {
                    let mut inner = sub_spec.clone();
                    for g in &mut inner.partitions {
                        let suffix = g.sql.name[table.name.len()..].to_string();
                        g.sql = QName::new(table.schema.clone(), format!("{}{suffix}", c.sql.name));
                    }
                    c.sub = Some(Box::new(inner));
                    c
                })
                .collect();
        }
        let mut all = Vec::new();
        collect_children(&spec.partitions, &mut all);
        for q in all {
            if q.name.len() > MAX_IDENT {
                self.push(
                    Diagnostic::error(
                        Code::NameTooLong,
                        format!(
                            "partition `{}` is {} bytes; PostgreSQL keeps 63",
                            q.name,
                            q.name.len()
                        ),
                    )
                    .label(a.span, "named from the table and the partition")
                    .help(
                        "use shorter partition names, or a shorter table name with `@table(...)`",
                    ),
                );
                return None;
            }
            self.qname_taken(&q, a.span, "partition");
        }
        Some(spec)
    }

    /// One level of partitioning; `top` says whether time ranges (with a
    /// window kept by maintenance) are allowed.
    fn spec(
        &mut self,
        a: &Attribute,
        ti: usize,
        table: &QName,
        columns: &[String],
        top: bool,
    ) -> Option<Partition> {
        let attr = a.name.name.clone();
        let strategy_arg = a.args.iter().find(|g| {
            g.name
                .as_ref()
                .is_some_and(|n| ["range", "list", "hash"].contains(&n.name.as_str()))
        });
        let Some(strategy_arg) = strategy_arg else {
            self.push(
                Diagnostic::error(Code::BadArgument, format!("`@{attr}` needs `range:`, `list:` or `hash:`"))
                    .label(a.span, "partitioned how, by which column?")
                    .help("for example `@partition(range: created_at, every: month)`, `@partition(list: region, eu: ['de', 'fr'])` or `@partition(hash: user_id, modulus: 8)`"),
            );
            return None;
        };
        let strategy = match strategy_arg.name.as_ref().map(|n| n.name.as_str()) {
            Some("range") => PartitionStrategy::Range,
            Some("list") => PartitionStrategy::List,
            _ => PartitionStrategy::Hash,
        };
        let key_sqls: Vec<&Sql> = match &strategy_arg.value {
            ArgValue::Sql(s) => vec![s],
            ArgValue::List(l) if strategy == PartitionStrategy::Hash => l.iter().collect(),
            ArgValue::List(_) => {
                self.push(
                    Diagnostic::error(
                        Code::BadArgument,
                        "range and list partitions have one key column",
                    )
                    .label(strategy_arg.span, "one column here"),
                );
                return None;
            }
        };
        let mut key = Vec::new();
        for s in &key_sqls {
            let Some(name) = attrs::name_of(s) else {
                self.push(
                    Diagnostic::error(Code::BadArgument, "a partition key is a column name")
                        .label(s.span, "not a name")
                        .help("expressions as partition keys are not supported; add a generated column? PostgreSQL refuses those too: partition by a plain column"),
                );
                return None;
            };
            let ident = ast::Ident {
                name,
                quoted: false,
                span: s.span,
            };
            key.extend(self.column_refs(table, std::slice::from_ref(&ident), columns));
        }
        if key.len() != key_sqls.len() {
            return None;
        }
        // Range partitions with fixed bounds (`name: from X to Y`) rather
        // than a window kept by maintenance.
        let fixed = strategy == PartitionStrategy::Range
            && a.args.iter().any(|g| {
                !std::ptr::eq(g, strategy_arg)
                    && matches!(&g.value, ArgValue::Sql(s) if bounds::split(&s.text).is_some())
            });
        let t = &self.model.tables[ti];
        let mut kind = None;
        for (name, s) in key.iter().zip(&key_sqls) {
            let Some(c) = t.column(name) else { continue };
            kind = KeyKind::of(&c.ty);
            let problem = if c.generated.is_some() {
                Some("PostgreSQL cannot partition by a generated column".to_string())
            } else if fixed && kind.is_none() {
                Some(format!(
                    "`{name}` is `{}`; fixed range bounds are numbers, dates or times",
                    c.ty
                ))
            } else if fixed {
                None
            } else if strategy == PartitionStrategy::Range && !time_type(c) {
                Some(format!(
                    "`{name}` is `{}`; time partitions need a `date`, `timestamp` or `timestamptz` column",
                    c.ty
                ))
            } else if strategy == PartitionStrategy::Range && c.nullable {
                Some(format!(
                    "`{name}` is nullable; a row without a time would stay in the default partition forever"
                ))
            } else {
                None
            };
            if let Some(p) = problem {
                let help = if fixed {
                    "partition by an integer, numeric, date or time column, or list the values with `@partition(list: ...)`"
                } else {
                    "partition by a NOT NULL date or time column, such as `created_at timestamptz = now()`"
                };
                let d = Diagnostic::error(Code::PartitionColumn, p)
                    .label(s.span, "partition key")
                    .label(c.origin.span, "declared here")
                    .help(help);
                self.push(d);
                return None;
            }
        }
        let mut window = None;
        let mut default = strategy != PartitionStrategy::Hash;
        let mut modulus = None;
        let mut lists: Vec<(String, Vec<crate::model::Expr>)> = Vec::new();
        let (mut every, mut ahead, mut before) = (None, 3u32, 1u32);
        // An argument only a window has, for refusing it beside fixed bounds.
        let mut window_arg: Option<Span> = None;
        let mut ranges: Vec<(String, Span, Bound, Bound)> = Vec::new();
        let known: &[&str] = match strategy {
            PartitionStrategy::Range => &["every", "ahead", "before", "default"],
            PartitionStrategy::List => &["default"],
            PartitionStrategy::Hash => &["modulus"],
        };
        for g in &a.args {
            if std::ptr::eq(g, strategy_arg) {
                continue;
            }
            let Some(n) = &g.name else {
                self.push(
                    Diagnostic::error(
                        Code::BadArgument,
                        format!("`@{attr}` takes named arguments"),
                    )
                    .label(g.span, "name it: `every: month`, `modulus: 8`, ..."),
                );
                continue;
            };
            let text = match &g.value {
                ArgValue::Sql(s) => Some(s.text.trim().to_string()),
                ArgValue::List(_) => None,
            };
            match (n.name.as_str(), &g.value) {
                ("every", _) if strategy == PartitionStrategy::Range => {
                    window_arg = Some(g.span);
                    every = text.as_deref().and_then(TimeUnit::parse);
                    if every.is_none() {
                        self.push(
                            Diagnostic::error(
                                Code::BadArgument,
                                "`every` is `day`, `week`, `month` or `year`",
                            )
                            .label(g.span, "not a period"),
                        );
                        return None;
                    }
                }
                ("ahead" | "before", _) if strategy == PartitionStrategy::Range => {
                    window_arg = Some(g.span);
                    match text
                        .as_deref()
                        .and_then(|t| t.parse::<u32>().ok())
                        .filter(|n| *n <= 1000)
                    {
                        Some(v) if n.name == "ahead" => ahead = v,
                        Some(v) => before = v,
                        None => {
                            self.push(
                                Diagnostic::error(
                                    Code::BadArgument,
                                    format!("`{}` is a number of partitions", n.name),
                                )
                                .label(g.span, "expected 0 to 1000"),
                            );
                            return None;
                        }
                    }
                }
                ("default", _) if strategy != PartitionStrategy::Hash => match text.as_deref() {
                    Some("true") => default = true,
                    Some("false") => default = false,
                    _ => {
                        self.push(
                            Diagnostic::error(Code::BadArgument, "`default` is `true` or `false`")
                                .label(g.span, "a default partition or not"),
                        );
                        return None;
                    }
                },
                ("modulus", _) if strategy == PartitionStrategy::Hash => {
                    modulus = text
                        .as_deref()
                        .and_then(|t| t.parse::<u32>().ok())
                        .filter(|m| (2..=MAX_MODULUS).contains(m));
                    if modulus.is_none() {
                        self.push(
                            Diagnostic::error(
                                Code::BadArgument,
                                "`modulus` is the number of hash partitions",
                            )
                            .label(g.span, format!("expected 2 to {MAX_MODULUS}")),
                        );
                        return None;
                    }
                }
                (name, ArgValue::Sql(s)) if fixed => {
                    let (lower, upper) = self.range_bounds(name, s, kind?)?;
                    ranges.push((name.to_string(), g.span, lower, upper));
                }
                (name, ArgValue::List(values)) if strategy == PartitionStrategy::List => {
                    let mut exprs = Vec::new();
                    for v in values {
                        let e = self.expr(v, Names::Nothing, "list partition value")?;
                        exprs.push(e.0);
                    }
                    if exprs.is_empty() {
                        self.push(
                            Diagnostic::error(
                                Code::BadArgument,
                                format!("partition `{name}` has no values"),
                            )
                            .label(g.span, "empty list")
                            .help(format!("list the values it holds: `{name}: ['a', 'b']`")),
                        );
                        return None;
                    }
                    lists.push((name.to_string(), exprs));
                }
                (name, _) => {
                    let mut d = Diagnostic::error(
                        Code::BadArgument,
                        format!(
                            "`{name}` is not an argument of {} partitioning",
                            strategy.sql().to_ascii_lowercase()
                        ),
                    )
                    .label(n.span, "not known here");
                    d = match (
                        strategy,
                        crate::resolve::suggest(name, known.iter().copied()),
                    ) {
                        (_, Some(s)) => d.help(format!("did you mean `{s}`?")),
                        (PartitionStrategy::List, None) => d.help(format!(
                            "a list partition is `{name}: [values]`; other arguments: default"
                        )),
                        (_, None) => d.help(format!("arguments here: {}", known.join(", "))),
                    };
                    self.push(d);
                    return None;
                }
            }
        }
        let mut partitions = Vec::new();
        let child =
            |suffix: &str| QName::new(table.schema.clone(), format!("{}_{suffix}", table.name));
        match strategy {
            PartitionStrategy::Range if fixed => {
                if let Some(span) = window_arg {
                    self.push(
                        Diagnostic::error(
                            Code::BadArgument,
                            "a range table has fixed bounds or a window kept by maintenance, not both",
                        )
                        .label(span, "an argument of time partitions")
                        .label(
                            ranges.first().map_or(a.span, |r| r.1),
                            "a partition with fixed bounds",
                        )
                        .help("remove `every:`, `ahead:` and `before:`, or the partitions with `from ... to ...`"),
                    );
                    return None;
                }
                if !self.ranges_in_order(&ranges) {
                    return None;
                }
                for (name, _, lower, upper) in ranges {
                    partitions.push(PartitionChild {
                        sql: child(&name),
                        bound: PartitionBound::Range {
                            from: lower.map(|(e, _)| e),
                            to: upper.map(|(e, _)| e),
                        },
                        sub: None,
                    });
                }
            }
            PartitionStrategy::Range => {
                let Some(every) = every else {
                    self.push(
                        Diagnostic::error(Code::BadArgument, "time partitions need `every:`")
                            .label(a.span, "how long is one partition?")
                            .help(
                                "add `every: day`, `every: week`, `every: month` or `every: year`; or give partitions fixed bounds: `p2024: from '2024-01-01' to '2025-01-01'`",
                            ),
                    );
                    return None;
                };
                if !top {
                    self.push(
                        Diagnostic::error(
                            Code::BadArgument,
                            "time partitions cannot be sub-partitions",
                        )
                        .label(a.span, "maintenance creates plain partitions")
                        .help("partition by time at the top, or sub-partition by list or hash"),
                    );
                    return None;
                }
                window = Some(Window {
                    every,
                    ahead,
                    before,
                    maintenance: self.options.maintenance,
                });
            }
            PartitionStrategy::List => {
                if lists.is_empty() {
                    self.push(
                        Diagnostic::error(
                            Code::BadArgument,
                            "list partitioning names its partitions",
                        )
                        .label(a.span, "no partitions")
                        .help(
                            "for example `@partition(list: region, eu: ['de', 'fr'], us: ['us'])`",
                        ),
                    );
                    return None;
                }
                let mut seen: HashMap<String, Span> = HashMap::default();
                for (name, values) in lists {
                    for v in &values {
                        if let Some(first) = seen.insert(v.canonical().to_string(), v.span) {
                            self.push(
                                Diagnostic::error(
                                    Code::BadArgument,
                                    format!("the value {} is in two partitions", v.sql.trim()),
                                )
                                .label(v.span, "again here")
                                .label(first, "first here")
                                .help("each value routes to one partition"),
                            );
                            return None;
                        }
                    }
                    partitions.push(PartitionChild {
                        sql: child(&name),
                        bound: PartitionBound::List { values },
                        sub: None,
                    });
                }
            }
            PartitionStrategy::Hash => {
                let Some(m) = modulus else {
                    self.push(
                        Diagnostic::error(Code::BadArgument, "hash partitioning needs `modulus:`")
                            .label(a.span, "how many partitions?")
                            .help("for example `@partition(hash: user_id, modulus: 8)`"),
                    );
                    return None;
                };
                for r in 0..m {
                    partitions.push(PartitionChild {
                        sql: child(&format!("p{r}")),
                        bound: PartitionBound::Hash {
                            modulus: m,
                            remainder: r,
                        },
                        sub: None,
                    });
                }
            }
        }
        // pg_partman makes the default partition of the tables it keeps.
        let partman = window
            .as_ref()
            .is_some_and(|w| w.maintenance == crate::model::Maintenance::PgPartman);
        if default && !partman {
            partitions.push(PartitionChild {
                sql: child("default"),
                bound: PartitionBound::Default,
                sub: None,
            });
        }
        Some(Partition {
            strategy,
            columns: key,
            window,
            partitions,
            origin: Origin::declared(a.span).because(Why::Declared),
        })
    }

    /// `from X to Y` of the range partition `name`: each end a literal of
    /// the key's kind, or `minvalue` (lower) and `maxvalue` (upper).
    fn range_bounds(&mut self, name: &str, s: &Sql, kind: KeyKind) -> Option<(Bound, Bound)> {
        let Some(((a, b), (c, d))) = bounds::split(&s.text) else {
            self.push(
                Diagnostic::error(
                    Code::BadArgument,
                    format!("partition `{name}` has no bounds"),
                )
                .label(s.span, "expected `from ... to ...`")
                .help(format!(
                    "a range partition holds the values from one bound up to another: `{name}: from 0 to 1000`"
                )),
            );
            return None;
        };
        let mut end = |start: usize, stop: usize, lower: bool| -> Option<Bound> {
            let text = &s.text[start..stop];
            let span = Span::new(
                s.span.file,
                s.span.start as usize + start,
                s.span.start as usize + stop,
            );
            let (open, other) = if lower {
                ("minvalue", "maxvalue")
            } else {
                ("maxvalue", "minvalue")
            };
            if text.eq_ignore_ascii_case(open) {
                return Some(None);
            }
            if text.eq_ignore_ascii_case(other) {
                self.push(
                    Diagnostic::error(
                        Code::PartitionBounds,
                        format!(
                            "`{other}` cannot be the {} bound",
                            if lower { "lower" } else { "upper" }
                        ),
                    )
                    .label(span, "the range would be empty")
                    .help(format!(
                        "write `{open}` here: `minvalue` opens a lower bound, `maxvalue` an upper one"
                    )),
                );
                return None;
            }
            let sql = Sql {
                text: text.to_string(),
                span,
            };
            let (e, _) = self.expr(&sql, Names::Nothing, "range partition bound")?;
            let Some(point) = bounds::point(kind, text) else {
                self.push(
                    Diagnostic::error(
                        Code::PartitionBounds,
                        format!("`{text}` is not a bound of the partition key"),
                    )
                    .label(span, "not a value of the key's type")
                    .help(format!("write {}, or `{open}`", kind.example())),
                );
                return None;
            };
            Some(Some((e, point)))
        };
        let lower = end(a, b, true);
        let upper = end(c, d, false);
        Some((lower?, upper?))
    }

    /// Each range holds something, and no two overlap.
    fn ranges_in_order(&mut self, ranges: &[(String, Span, Bound, Bound)]) -> bool {
        let point = |b: &Bound| b.as_ref().map(|(_, p)| *p);
        for (name, span, lower, upper) in ranges {
            if bounds::empty(&point(lower), &point(upper)) {
                self.push(
                    Diagnostic::error(
                        Code::PartitionBounds,
                        format!("partition `{name}` ends where it starts, or before"),
                    )
                    .label(*span, "the lower bound is not below the upper one")
                    .help("a range holds values from its lower bound up to, not including, its upper one: swap them, or widen the range"),
                );
                return false;
            }
        }
        let mut order: Vec<&(String, Span, Bound, Bound)> = ranges.iter().collect();
        order.sort_by(|x, y| bounds::compare(&point(&x.2), &point(&y.2), true));
        for pair in order.windows(2) {
            let (first, next) = (pair[0], pair[1]);
            if bounds::overlaps(&point(&first.3), &point(&next.2)) {
                self.push(
                    Diagnostic::error(
                        Code::PartitionBounds,
                        format!("partitions `{}` and `{}` overlap", first.0, next.0),
                    )
                    .label(next.1, "starts before the other ends")
                    .label(first.1, "this one")
                    .help(format!(
                        "a value belongs to one partition: start `{}` where `{}` ends, or later",
                        next.0, first.0
                    )),
                );
                return false;
            }
        }
        true
    }

    /// `@retain(13 months)`, and on a table not partitioned by time
    /// `@retain(90 days, by: column)` (`created_at` when left out).
    fn retain(&mut self, a: &Attribute, ti: usize) {
        let mut period = None;
        let mut by = None;
        let mut bad = false;
        for arg in &a.args {
            match (arg.name.as_ref().map(|n| n.name.as_str()), &arg.value) {
                (None, ArgValue::Sql(s)) if period.is_none() => period = parse_period(&s.text),
                (Some("by"), ArgValue::Sql(s)) => by = attrs::name_of(s),
                _ => bad = true,
            }
        }
        let Some((amount, unit)) = period.filter(|_| !bad) else {
            self.push(
                Diagnostic::error(Code::BadArgument, "`@retain` takes a period")
                    .label(a.span, "expected `(N days|weeks|months|years)`, and `by: column` on a table not partitioned")
                    .help("for example `@retain(13 months)` or `@retain(90 days, by: created_at)`"),
            );
            return;
        };
        let t = &self.model.tables[ti];
        let Some(window) = t.partition.as_ref().and_then(|p| p.window.as_ref()) else {
            if t.partition.is_some() {
                self.push(
                    Diagnostic::error(Code::BadArgument, "`@retain` needs partitions by time")
                        .label(a.span, "list and hash partitions hold rows of any age")
                        .help("partition by time (`@partition(range: created_at, every: month)`) so old partitions can be dropped whole"),
                );
                return;
            }
            // Rows are deleted one by one by a generated function (see
            // lower/retain.rs, which checks the column: a policy may add it).
            self.model.tables[ti].retain = Some(Retain {
                amount,
                unit,
                column: Some(by.unwrap_or_else(|| "created_at".to_string())),
                origin: Origin::declared(a.span),
            });
            return;
        };
        if let Some(by) = by {
            self.push(
                Diagnostic::error(
                    Code::BadArgument,
                    "`by:` is for tables not partitioned by time",
                )
                .label(
                    a.span,
                    format!("`{by}`: partitions are dropped by their partition key"),
                )
                .help("remove `by:`"),
            );
            return;
        }
        if days(amount, unit) < days(window.before, window.every) + days(1, window.every) {
            self.push(
                Diagnostic::error(
                    Code::BadArgument,
                    "the retention is shorter than the partitions kept before now",
                )
                .label(a.span, "kept this long")
                .label(
                    t.partition.as_ref().map_or(a.span, |p| p.origin.span),
                    format!(
                        "{} {}(s) before the current one",
                        window.before,
                        window.every.name()
                    ),
                )
                .help("retain longer, or lower `before:`"),
            );
            return;
        }
        self.model.tables[ti].retain = Some(Retain {
            amount,
            unit,
            column: None,
            origin: Origin::declared(a.span),
        });
    }

    /// `@distribute(column)` or `@distribute(column, colocate: Entity)`.
    fn distribute(&mut self, a: &Attribute, module: usize, ti: usize, columns: &[String]) {
        let table = self.model.tables[ti].sql.clone();
        let mut column = None;
        let mut colocate = None;
        for g in &a.args {
            match (&g.name, &g.value) {
                (None, ArgValue::Sql(s)) if column.is_none() => {
                    if let Some(name) = attrs::name_of(s) {
                        let ident = ast::Ident {
                            name,
                            quoted: false,
                            span: s.span,
                        };
                        column = self
                            .column_refs(&table, std::slice::from_ref(&ident), columns)
                            .pop()
                            .map(|c| (c, s.span));
                        if column.is_none() {
                            return;
                        }
                    }
                }
                (Some(n), ArgValue::Sql(s)) if n.name == "colocate" => colocate = Some(s),
                _ => {
                    self.push(
                        Diagnostic::error(Code::BadArgument, "`@distribute` takes a column and `colocate: Entity`")
                            .label(g.span, "not known here")
                            .help("for example `@distribute(account_id)` or `@distribute(account_id, colocate: Account)`"),
                    );
                    return;
                }
            }
        }
        let Some((column, span)) = column else {
            self.push(
                Diagnostic::error(
                    Code::BadArgument,
                    "`@distribute` names the distribution column",
                )
                .label(a.span, "distributed by which column?")
                .help("for example `@distribute(account_id)`"),
            );
            return;
        };
        if let Some(c) = self.model.tables[ti].column(&column) {
            if c.nullable {
                let d = Diagnostic::error(
                    Code::CitusDistribution,
                    format!("the distribution column `{column}` is nullable"),
                )
                .label(span, "distribution column")
                .label(c.origin.span, "declared nullable")
                .help("Citus refuses rows without a distribution value: make the column NOT NULL");
                self.push(d);
                return;
            }
        }
        let colocate_with = match colocate {
            None => None,
            Some(s) => {
                let path = path_of(s);
                let Some(decl) =
                    self.lookup(module, &path, &[super::DeclKind::Entity], "an entity")
                else {
                    return;
                };
                self.decls[decl]
                    .model_index
                    .map(|i| self.model.tables[i].sql.clone())
            }
        };
        self.model.tables[ti].distribution = Some(Distribution::Distributed {
            column,
            colocate_with,
            origin: Origin::declared(a.span),
        });
    }

    /// The rules that need every table's placement: unique keys include the
    /// partition key and the distribution column, foreign keys go where
    /// PostgreSQL and Citus allow them.
    pub(super) fn placement_rules(&mut self) {
        let mut diags = Vec::new();
        let by_name: HashMap<&QName, &Table> =
            self.model.tables.iter().map(|t| (&t.sql, t)).collect();
        for t in &self.model.tables {
            if let Some(p) = &t.partition {
                partition_rules(t, p, &mut diags);
            }
            if let Some(d) = &t.distribution {
                citus_rules(t, d, &by_name, &mut diags);
            }
            for fk in &t.foreign_keys {
                let Some(target) = by_name.get(&fk.target_table) else {
                    continue;
                };
                if let Some(r) = &target.retain {
                    if target.sql != t.sql {
                        diags.push(
                            Diagnostic::error(
                                Code::ReferenceToRetained,
                                format!("`{}` drops whole partitions after {}; a foreign key into it would stop that", target.name, r.interval()),
                            )
                            .label(fk.origin.span, "references a table whose old rows go")
                            .label(r.origin.span, "retention")
                            .help("PostgreSQL refuses to drop or detach a partition that rows elsewhere still reference: store the key without `->`, or drop `@retain`"),
                        );
                    }
                }
                citus_fk_rules(t, fk, target, &mut diags);
            }
        }
        for d in diags {
            self.push(d);
        }
    }
}

/// Every partition name, sub-partitions included.
fn collect_children(children: &[PartitionChild], out: &mut Vec<QName>) {
    for c in children {
        out.push(c.sql.clone());
        if let Some(s) = &c.sub {
            collect_children(&s.partitions, out);
        }
    }
}

fn time_type(c: &crate::model::Column) -> bool {
    matches!(
        c.ty.builtin_name(),
        Some("date" | "timestamp" | "timestamptz")
    )
}

/// `13 months`, `1 year`, `90 days`.
pub(crate) fn parse_period(text: &str) -> Option<(u32, TimeUnit)> {
    let mut words = text.split_whitespace();
    let amount = words.next()?.parse::<u32>().ok().filter(|n| *n > 0)?;
    let unit = TimeUnit::parse(words.next()?)?;
    words.next().is_none().then_some((amount, unit))
}

/// A period's length in days, as an upper estimate (for comparing periods
/// of different units).
fn days(amount: u32, unit: TimeUnit) -> u64 {
    u64::from(amount)
        * match unit {
            TimeUnit::Day => 1,
            TimeUnit::Week => 7,
            TimeUnit::Month => 31,
            TimeUnit::Year => 366,
        }
}

/// A `Path` from a name argument (`Account`, `billing.Account`).
fn path_of(s: &Sql) -> ast::Path {
    let mut parts = Vec::new();
    let mut offset = s.span.start as usize;
    for part in s.text.split('.') {
        let name = part.trim().trim_matches('"').to_string();
        let len = part.len();
        parts.push(ast::Ident {
            name,
            quoted: false,
            span: Span::new(s.span.file, offset, offset + len),
        });
        offset += len + 1;
    }
    ast::Path {
        parts,
        span: s.span,
    }
}

/// All partition key columns, of every level.
fn key_columns(p: &Partition) -> Vec<String> {
    let mut out = p.columns.clone();
    if let Some(sub) = p.partitions.iter().find_map(|c| c.sub.as_ref()) {
        out.extend(key_columns(sub));
    }
    out
}

fn partition_rules(t: &Table, p: &Partition, diags: &mut Vec<Diagnostic>) {
    let key = key_columns(p);
    let missing = |cols: &mut dyn Iterator<Item = &str>| -> Vec<String> {
        let have: Vec<&str> = cols.collect();
        key.iter()
            .filter(|k| !have.contains(&k.as_str()))
            .cloned()
            .collect()
    };
    let mut keys: Vec<(&str, &str, Span, Vec<String>)> = Vec::new();
    if let Some(pk) = &t.primary_key {
        keys.push((
            "primary key",
            &pk.name,
            pk.origin.span,
            missing(&mut pk.columns.iter().map(String::as_str)),
        ));
    }
    for u in &t.uniques {
        keys.push((
            "unique key",
            &u.name,
            u.origin.span,
            missing(&mut u.columns.iter().map(String::as_str)),
        ));
    }
    for i in t.indexes.iter().filter(|i| i.unique) {
        keys.push((
            "unique index",
            &i.name,
            i.origin.span,
            missing(&mut i.elements.iter().filter_map(|e| e.column_name())),
        ));
    }
    for (what, name, span, missing) in keys {
        if missing.is_empty() {
            continue;
        }
        let cols = missing
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ");
        diags.push(
            Diagnostic::error(
                Code::PartitionKeyNotInKey,
                format!("the {what} `{name}` of a partitioned table leaves out its partition key {cols}"),
            )
            .label(span, format!("without {cols}"))
            .label(p.origin.span, "partitioned here")
            .help(format!(
                "PostgreSQL checks uniqueness inside each partition only, so it needs the partition key in every unique key: add {cols} to the {what}"
            )),
        );
    }
    for x in &t.excludes {
        diags.push(
            Diagnostic::error(
                Code::PartitionedExclusion,
                format!(
                    "PostgreSQL 15 has no exclusion constraints on partitioned tables (`{}`)",
                    x.name
                ),
            )
            .label(x.origin.span, "exclusion constraint")
            .label(p.origin.span, "partitioned here")
            .help("keep the table unpartitioned, or check the rule in a trigger"),
        );
    }
}

/// The co-location group of a distributed table: its explicit
/// `colocate:` chain's end, else Citus' default, by distribution column
/// type.
fn colocation(t: &Table, by_name: &HashMap<&QName, &Table>) -> Option<String> {
    let mut at = t;
    for _ in 0..by_name.len() + 1 {
        match &at.distribution {
            Some(Distribution::Distributed {
                colocate_with: Some(q),
                ..
            }) => at = by_name.get(q)?,
            Some(Distribution::Distributed { column, .. }) => {
                return at.column(column).map(|c| c.ty.to_string());
            }
            _ => return None,
        }
    }
    None
}

fn citus_rules(
    t: &Table,
    d: &Distribution,
    by_name: &HashMap<&QName, &Table>,
    diags: &mut Vec<Diagnostic>,
) {
    let Distribution::Distributed {
        column,
        colocate_with,
        origin,
    } = d
    else {
        return;
    };
    let mut keys: Vec<(&str, Span, bool)> = Vec::new();
    if let Some(pk) = &t.primary_key {
        keys.push((&pk.name, pk.origin.span, pk.columns.contains(column)));
    }
    for u in &t.uniques {
        keys.push((&u.name, u.origin.span, u.columns.contains(column)));
    }
    for i in t.indexes.iter().filter(|i| i.unique) {
        let has = i.elements.iter().any(|e| e.column_name() == Some(column));
        keys.push((&i.name, i.origin.span, has));
    }
    for x in &t.excludes {
        let has = x
            .elements
            .iter()
            .any(|e| e.element.column_name() == Some(column) && e.operator == "=");
        keys.push((&x.name, x.origin.span, has));
    }
    for (name, span, has) in keys {
        if !has {
            diags.push(
                Diagnostic::error(
                    Code::CitusKey,
                    format!("`{name}` leaves out the distribution column `{column}`"),
                )
                .label(
                    span,
                    "unique across shards only with the distribution column",
                )
                .label(origin.span, "distributed here")
                .help(format!(
                    "Citus checks uniqueness inside each shard: add `{column}` to the key"
                )),
            );
        }
    }
    if let Some(q) = colocate_with {
        let target = by_name.get(q);
        let target_group = target.and_then(|t| colocation(t, by_name));
        let own_type = t.column(column).map(|c| c.ty.to_string());
        if target_group.is_none() || target_group != own_type {
            let why = match (target, &target_group) {
                (Some(x), None) => format!("`{}` is not a distributed table", x.name),
                (Some(x), Some(ty)) => format!(
                    "`{}` is distributed by a `{ty}`, `{column}` is `{}`",
                    x.name,
                    own_type.unwrap_or_default()
                ),
                (None, _) => "the table is unknown".to_string(),
            };
            diags.push(
                Diagnostic::error(Code::CitusDistribution, format!("cannot co-locate: {why}"))
                    .label(origin.span, "colocate")
                    .help("co-locate with a table distributed by a column of the same type"),
            );
        }
    }
}

fn citus_fk_rules(
    t: &Table,
    fk: &crate::model::ForeignKey,
    target: &Table,
    diags: &mut Vec<Diagnostic>,
) {
    use Distribution::{Distributed, Reference};
    let problem = match (&t.distribution, &target.distribution) {
        (_, Some(Reference { .. })) | (None, None) => None,
        (Some(Distributed { column, .. }), Some(Distributed { column: tc, .. })) => {
            let at = fk.columns.iter().position(|c| c == column);
            let same = at.is_some_and(|i| fk.target_columns.get(i) == Some(tc));
            if !same {
                Some(format!(
                    "a foreign key between distributed tables must pair their distribution columns (`{column}` → `{tc}`)"
                ))
            } else {
                // Tables distributed by different types are never co-located.
                let ty = |t: &Table, c: &str| t.column(c).map(|c| c.ty.to_string());
                (ty(t, column) != ty(target, tc)).then(|| {
                    format!("`{}` and `{}` are not co-located: their distribution columns differ in type", t.name, target.name)
                })
            }
        }
        (Some(Reference { .. }), Some(Distributed { .. })) => Some(format!(
            "a reference table cannot reference the distributed table `{}`",
            target.name
        )),
        (Some(_), None) => Some(format!(
            "`{}` is neither distributed nor a reference table, so Citus keeps it on the coordinator only",
            target.name
        )),
        (None, Some(Distributed { .. })) => Some(format!(
            "`{}` is a local table; it cannot reference the distributed table `{}`",
            t.name, target.name
        )),
    };
    if let Some(p) = problem {
        diags.push(
            Diagnostic::error(Code::CitusForeignKey, p)
                .label(fk.origin.span, "Citus refuses this foreign key")
                .help("distribute both tables by the key's column and co-locate them, or make the referenced table `@reference`"),
        );
    }
}
