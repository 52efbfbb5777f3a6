//! Time partitions kept by schemac's own maintenance, imported back as
//! `@partition(range: col, every: unit, ahead: n, before: n)` (and
//! `@retain`). A schema's `maintain_partitions` function says which tables
//! it keeps and how (`-- "public"."events": one partition per month, 3
//! ahead, 1 before, kept 13 months.`); the table is written with `every:`
//! only when the evidence is exact: each partition named and bounded as
//! maintenance makes them (`events_p202611`, one period from its first
//! day, cut in UTC), one consecutive run at least a window long (or none,
//! when the script runs the function itself), the default partition (or
//! none, for `default: false`), and both functions exactly the ones
//! schemac writes for these tables. Then a
//! build makes the same functions and maintenance the same partitions, so
//! neither has a declaration of its own. Anything less keeps the fixed
//! ranges `partitions.rs` writes, with the reason in a note.

use super::read::expr_text;
use super::{Import, ItemKind};
use crate::model::{Maintenance, PartitionStrategy, QName, TimeUnit, Window};
use crate::partition::{self, Kept};
use crate::quote::qname;
use crate::resolve::entity::bounds::{self, KeyKind, Point};
use sqlparser::ast::{
    ArgMode, CreateFunctionBody, Expr, ForValues, PartitionBoundValue, Statement, Value,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What the window's arguments are when left out.
const AHEAD: u32 = 3;
const BEFORE: u32 = 1;

/// One schema's maintenance, as the script creates it.
#[derive(Default)]
struct Schema {
    /// The items of both functions and of the script's calls of them.
    items: Vec<usize>,
    /// The body of `maintain_partitions(timestamptz)`.
    body: Option<String>,
    wrapper: bool,
    calls: bool,
    /// Why the functions are not the ones schemac writes.
    wrong: Option<String>,
    /// The tables the body says it keeps: `(table, window, @retain)`.
    claims: Vec<(usize, Window, Option<String>)>,
}

/// What the evidence decided.
#[derive(Debug, Default)]
pub(super) struct Verdict {
    /// The attribute lines of each table kept by maintenance.
    pub every: BTreeMap<usize, String>,
    /// Tables a maintenance function keeps that stay fixed ranges: why.
    pub notes: BTreeMap<usize, String>,
    /// Items the build makes again (the functions, the calls of them).
    pub absorbed: Vec<usize>,
}

impl Import {
    /// Which partitioned tables are maintenance's, given each table's
    /// partitions (`kids`).
    pub(super) fn maintained(&self, kids: &[Vec<usize>]) -> Verdict {
        let mut verdict = Verdict::default();
        let found = self.maintenance();
        let theirs: Vec<usize> = found.values().flat_map(|s| s.items.clone()).collect();
        for (schema, mut s) in found {
            let mut kept = Vec::new();
            let mut why = s.wrong.take();
            if s.body.is_none() {
                why.get_or_insert_with(|| {
                    format!("`{schema}.maintain_partitions(timestamptz)` is missing")
                });
            }
            if !s.wrapper {
                why.get_or_insert_with(|| {
                    format!("`{schema}.maintain_partitions()` is missing or not schemac's")
                });
            }
            for (t, window, retain) in &s.claims {
                match self.evidence(*t, kids, window, retain.clone(), s.calls) {
                    Ok(k) => kept.push((*t, k)),
                    Err(e) => {
                        why.get_or_insert(e);
                    }
                }
            }
            if why.is_none() {
                let ks: Vec<Kept> = kept.iter().map(|(_, k)| k.kept()).collect();
                if s.body.as_deref().map(str::trim) != Some(partition::body(&ks).trim()) {
                    why = Some(format!(
                        "the body of `{schema}.maintain_partitions` is not the one schemac writes for these tables"
                    ));
                }
            }
            if let Some(other) = self.mentions(&theirs) {
                why.get_or_insert(format!("`maintain_partitions` is used by {other}"));
            }
            match why {
                None => {
                    for (t, k) in &kept {
                        verdict.every.insert(*t, k.attributes());
                    }
                    verdict.absorbed.append(&mut s.items);
                }
                Some(why) => {
                    for (t, ..) in &s.claims {
                        verdict.notes.insert(*t, why.clone());
                    }
                }
            }
        }
        verdict
    }

    /// Each schema's `maintain_partitions` functions, calls and claims.
    fn maintenance(&self) -> BTreeMap<String, Schema> {
        let mut out: BTreeMap<String, Schema> = BTreeMap::new();
        let main = format!("{}(timestamp with time zone)", partition::FUNCTION);
        let wrapper = format!("{}()", partition::FUNCTION);
        for (i, it) in self.items.iter().enumerate() {
            let ItemKind::Raw(r) = &it.kind else {
                continue;
            };
            if let Some(schema) = call(&r.text) {
                let s = out.entry(schema).or_default();
                s.items.push(i);
                s.calls = true;
                continue;
            }
            let Some((_, q)) = r
                .creates
                .iter()
                .find(|(kind, q)| *kind == "function" && (q.name == main || q.name == wrapper))
            else {
                continue;
            };
            let s = out.entry(q.schema.clone()).or_default();
            s.items.push(i);
            let f = match function(&r.text) {
                Ok(f) => f,
                Err(e) => {
                    s.wrong.get_or_insert(e);
                    continue;
                }
            };
            if q.name == wrapper {
                s.wrapper = f.language == "sql"
                    && f.args.is_empty()
                    && f.body.trim() == partition::wrapper_body(&q.schema);
                continue;
            }
            if f.language != "plpgsql" || f.args != ["timestamp with time zone"] {
                s.wrong
                    .get_or_insert_with(|| format!("`{}` is not schemac's", q.name));
                continue;
            }
            for (parent, window, retain) in claims(&f.body) {
                match self.tables.iter().position(|t| qname(&t.sql) == parent) {
                    Some(t) if self.tables[t].sql.schema == q.schema => {
                        s.claims.push((t, window, retain));
                    }
                    _ => {
                        s.wrong.get_or_insert_with(|| {
                            format!("the maintenance function keeps {parent}, which the script does not create here")
                        });
                    }
                }
            }
            s.body = Some(f.body);
        }
        out
    }

    /// A statement other than the maintenance functions and their calls
    /// (`theirs`) that names a maintenance function (which the build would
    /// make at another place), if any.
    fn mentions(&self, theirs: &[usize]) -> Option<String> {
        self.items
            .iter()
            .enumerate()
            .find_map(|(i, it)| match &it.kind {
                ItemKind::Raw(r)
                    if !theirs.contains(&i) && r.text.contains(partition::FUNCTION) =>
                {
                    Some(self.at(it.file, it.offset))
                }
                _ => None,
            })
    }

    /// Whether table `t` is exactly what maintenance keeps with `window`.
    fn evidence(
        &self,
        ti: usize,
        kids: &[Vec<usize>],
        window: &Window,
        retain: Option<String>,
        calls: bool,
    ) -> Result<Evidence, String> {
        let t = &self.tables[ti];
        let name = format!("{}.{}", t.sql.schema, t.sql.name);
        let part = t
            .part
            .as_ref()
            .filter(|p| p.strategy == PartitionStrategy::Range && t.attached.is_none())
            .ok_or_else(|| format!("{name} is not partitioned by range at the top"))?;
        let [column] = part.columns.as_slice() else {
            return Err(format!("{name} is partitioned by more than one column"));
        };
        if !super::partitions::is_bare(column) {
            return Err(format!("{name}'s partition key is no plain name"));
        }
        let col = t
            .cols
            .iter()
            .find(|c| &c.name == column)
            .ok_or_else(|| format!("{name} has no column {column}"))?;
        let key_type = match &col.ty {
            super::read::TypeText::Builtin(b) => b.split('(').next().unwrap_or(b).trim(),
            super::read::TypeText::User(..) => "",
        };
        let kind = match key_type {
            "date" => KeyKind::Date,
            "timestamp" => KeyKind::Timestamp,
            "timestamptz" => KeyKind::Timestamptz,
            _ => {
                return Err(format!(
                    "{name}'s partition key {column} is no date or time"
                ))
            }
        };
        if col.nullable {
            return Err(format!("{name}'s partition key {column} may be null"));
        }
        let mut default = None;
        let mut periods = Vec::new();
        for &k in &kids[ti] {
            let child = &self.tables[k];
            let Some(a) = child.attached.as_ref() else {
                continue;
            };
            let cname = format!("{}.{}", child.sql.schema, child.sql.name);
            if child.sql.schema != t.sql.schema
                || child.part.is_some()
                || !super::partitions::copy_of(t, child, a.cloned)
            {
                return Err(format!(
                    "{cname} is not a plain copy of {name}, as maintenance makes them"
                ));
            }
            if child.sql.name == format!("{}_default", t.sql.name)
                && matches!(a.bound, ForValues::Default)
            {
                default = Some(k);
                continue;
            }
            let start = child
                .sql
                .name
                .strip_prefix(&format!("{}_p", t.sql.name))
                .and_then(|digits| period_start(window.every, digits))
                .ok_or_else(|| {
                    format!(
                        "{cname} is not named as maintenance names a partition of one {}",
                        window.every.name()
                    )
                })?;
            let end = period_end(window.every, start);
            let ForValues::From { from, to } = &a.bound else {
                return Err(format!("{cname} is no range partition"));
            };
            if point(from, kind) != Some(start.micros) || point(to, kind) != Some(end.micros) {
                return Err(format!(
                    "{cname}'s bounds are not the {} its name says",
                    window.every.name()
                ));
            }
            periods.push((start.micros, end.micros));
        }
        periods.sort_unstable();
        if periods.windows(2).any(|w| w[0].1 != w[1].0) {
            return Err(format!(
                "{name}'s partitions are not one run of consecutive {}s",
                window.every.name()
            ));
        }
        let span = (window.ahead + window.before + 1) as usize;
        if periods.len() < span && !(periods.is_empty() && calls) {
            return Err(format!(
                "{name} has {} time partitions, fewer than the window of {span} that maintenance keeps",
                periods.len()
            ));
        }
        Ok(Evidence {
            table: t.sql.clone(),
            column: column.clone(),
            key_type: key_type.to_string(),
            copied: t
                .cols
                .iter()
                .filter(|c| c.generated.is_none())
                .map(|c| c.name.clone())
                .collect(),
            identity_always: t.cols.iter().any(|c| c.identity == Some(true)),
            default: default.map(|d| self.tables[d].sql.clone()),
            window: window.clone(),
            retain,
        })
    }
}

/// What the evidence found of one table, owned.
#[derive(Debug)]
struct Evidence {
    table: QName,
    column: String,
    key_type: String,
    copied: Vec<String>,
    identity_always: bool,
    default: Option<QName>,
    window: Window,
    retain: Option<String>,
}

impl Evidence {
    fn kept(&self) -> Kept<'_> {
        Kept {
            table: &self.table,
            column: &self.column,
            key_type: &self.key_type,
            copied: self.copied.iter().map(String::as_str).collect(),
            identity_always: self.identity_always,
            default: self.default.as_ref(),
            window: &self.window,
            retain: self.retain.clone(),
        }
    }

    /// `@partition(range: ..., every: ...)`, and `@retain(...)`.
    fn attributes(&self) -> String {
        let w = &self.window;
        let mut s = format!(
            "@partition(range: {}, every: {}",
            self.column,
            w.every.name()
        );
        if w.ahead != AHEAD {
            let _ = write!(s, ", ahead: {}", w.ahead);
        }
        if w.before != BEFORE {
            let _ = write!(s, ", before: {}", w.before);
        }
        if self.default.is_none() {
            s.push_str(", default: false");
        }
        s.push(')');
        if let Some(r) = &self.retain {
            let _ = write!(s, "\n@retain({r})");
        }
        s
    }
}

/// A function as the script creates it. Its body is compared trimmed:
/// schemac writes it on lines of its own between the quotes.
struct Function {
    args: Vec<String>,
    language: String,
    body: String,
}

/// The parts of `CREATE FUNCTION` maintenance's functions have; an error
/// for anything else they do not (a setting, a volatility, a name).
fn function(text: &str) -> Result<Function, String> {
    let not = |what: &str| format!("`{}` {what}", partition::FUNCTION);
    let parsed =
        Parser::parse_sql(&PostgreSqlDialect {}, text).map_err(|_| not("does not parse"))?;
    let Some(Statement::CreateFunction(f)) = parsed.first() else {
        return Err(not("is not created by one statement"));
    };
    let plain = f.behavior.is_none()
        && f.called_on_null.is_none()
        && f.parallel.is_none()
        && f.security.is_none()
        && f.set_params.is_empty()
        && !f.temporary;
    let returns = f
        .return_type
        .as_ref()
        .map(|r| squeeze(&r.to_string()))
        .unwrap_or_default();
    if !plain || returns != squeeze(partition::RETURNS) {
        return Err(not("has settings or a result schemac does not give it"));
    }
    let mut args = Vec::new();
    for a in f.args.iter().flatten() {
        if a.name.is_some()
            || a.default_expr.is_some()
            || !matches!(a.mode, None | Some(ArgMode::In))
        {
            return Err(not("has arguments schemac does not give it"));
        }
        args.push(a.data_type.to_string().to_lowercase());
    }
    let body = match &f.function_body {
        Some(CreateFunctionBody::AsBeforeOptions {
            body,
            link_symbol: None,
        })
        | Some(CreateFunctionBody::AsAfterOptions(body)) => match body {
            Expr::Value(v) => match &v.value {
                Value::DollarQuotedString(d) => Some(d.value.clone()),
                Value::SingleQuotedString(s) => Some(s.clone()),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
    .ok_or_else(|| not("has a body schemac does not write"))?;
    Ok(Function {
        args,
        language: f
            .language
            .as_ref()
            .map(|l| l.value.to_lowercase())
            .unwrap_or_default(),
        body,
    })
}

/// Lower case without spaces, for comparing how two printers wrote a type.
fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The schema of `SELECT * FROM schema.maintain_partitions()`, the call
/// schemac's script ends with.
fn call(text: &str) -> Option<String> {
    let t = squeeze(&text.replace('"', ""));
    let t = t.trim_end_matches(';');
    let schema = t
        .strip_prefix("select*from")?
        .strip_suffix(&format!(".{}()", partition::FUNCTION))?;
    (!schema.is_empty() && !schema.contains(['.', '(', ')'])).then(|| schema.to_string())
}

/// The tables a maintenance body keeps, from the line it writes for each:
/// `-- "public"."events": one partition per month, 3 ahead, 1 before, kept
/// 13 months.` (the regenerated body checks the rest).
fn claims(body: &str) -> Vec<(String, Window, Option<String>)> {
    let mut out = Vec::new();
    for line in body.lines() {
        let Some(rest) = line.strip_prefix("  -- ") else {
            continue;
        };
        let Some((parent, rest)) = rest.split_once(": one partition per ") else {
            continue;
        };
        let rest = rest.strip_suffix('.').unwrap_or(rest);
        let mut parts = rest.split(", ");
        let every = parts.next().and_then(TimeUnit::parse);
        let ahead = parts
            .next()
            .and_then(|p| p.strip_suffix(" ahead"))
            .and_then(|n| n.parse().ok());
        let before = parts
            .next()
            .and_then(|p| p.strip_suffix(" before"))
            .and_then(|n| n.parse().ok());
        let retain = parts
            .next()
            .and_then(|p| p.strip_prefix("kept "))
            .map(str::to_string);
        let (Some(every), Some(ahead), Some(before)) = (every, ahead, before) else {
            continue;
        };
        out.push((
            parent.to_string(),
            Window {
                every,
                ahead,
                before,
                maintenance: Maintenance::Function,
            },
            retain,
        ));
    }
    out
}

/// The first instant of a period: its civil date, and microseconds since
/// 1970 (UTC).
#[derive(Clone, Copy, Debug)]
struct Start {
    y: i64,
    m: i64,
    micros: i128,
}

const DAY: i128 = 86_400_000_000;

/// The period a partition name's digits start, as maintenance writes them
/// (`to_char` of the first day: `YYYY`, `YYYYMM`, `YYYYMMDD`; weeks start
/// on Monday).
fn period_start(unit: TimeUnit, digits: &str) -> Option<Start> {
    let want = match unit {
        TimeUnit::Year => 4,
        TimeUnit::Month => 6,
        TimeUnit::Day | TimeUnit::Week => 8,
    };
    if digits.len() != want || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i64 = digits[..4].parse().ok()?;
    let m: i64 = digits.get(4..6).map_or(Some(1), |d| d.parse().ok())?;
    let d: i64 = digits.get(6..8).map_or(Some(1), |d| d.parse().ok())?;
    let Point::Int(micros) = bounds::point(KeyKind::Date, &format!("'{y:04}-{m:02}-{d:02}'"))?
    else {
        return None;
    };
    // 1970-01-01 was a Thursday.
    if unit == TimeUnit::Week && (micros / DAY + 3).rem_euclid(7) != 0 {
        return None;
    }
    Some(Start { y, m, micros })
}

/// Where the period that begins at `s` ends.
fn period_end(unit: TimeUnit, s: Start) -> Start {
    let civil = |y: i64, m: i64| {
        let micros = match bounds::point(KeyKind::Date, &format!("'{y:04}-{m:02}-01'")) {
            Some(Point::Int(v)) => v,
            _ => s.micros,
        };
        Start { y, m, micros }
    };
    match unit {
        TimeUnit::Day => Start {
            micros: s.micros + DAY,
            ..s
        },
        TimeUnit::Week => Start {
            micros: s.micros + 7 * DAY,
            ..s
        },
        TimeUnit::Month if s.m == 12 => civil(s.y + 1, 1),
        TimeUnit::Month => civil(s.y, s.m + 1),
        TimeUnit::Year => civil(s.y + 1, 1),
    }
}

/// One end of a range bound as microseconds since 1970 (UTC).
fn point(values: &[PartitionBoundValue], kind: KeyKind) -> Option<i128> {
    match values {
        [PartitionBoundValue::Expr(e)] => match bounds::point(kind, &expr_text(e))? {
            Point::Int(v) => Some(v),
            Point::Float(_) => None,
        },
        _ => None,
    }
}
