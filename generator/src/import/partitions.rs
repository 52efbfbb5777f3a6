//! Partitioned tables as entities with `@partition` (and `@subpartition`):
//! a table folds when the language's partitions are exactly its own, named
//! as schemac names them (`sales_eu`, `visits_p0`, `sales_default`), with
//! bounds it can write, each partition a copy of its parent with the names
//! PostgreSQL gives a copy's keys and indexes. Then building the entity
//! makes the same tables. Anything else (another name, a partition with
//! columns or indexes of its own) keeps the whole table as SQL.

use super::{Import, Table};
use crate::model::PartitionStrategy;
use crate::names::MAX_IDENT;
use crate::resolve::entity::bounds::{self, KeyKind};
use dsl::{Code, Diagnostic, Severity, Span};
use sqlparser::ast::{ForValues, PartitionBoundValue};
use std::fmt::Write as _;

/// One level of partitioning as the attribute writes it.
#[derive(Debug, PartialEq)]
struct Level {
    strategy: PartitionStrategy,
    columns: Vec<String>,
    /// `(name, bound text)` of each partition but the default one, in the
    /// order the script made them.
    named: Vec<(String, String)>,
    modulus: Option<u64>,
    default: bool,
}

impl Level {
    fn attribute(&self, attr: &str) -> String {
        let kind = match self.strategy {
            PartitionStrategy::Range => "range",
            PartitionStrategy::List => "list",
            PartitionStrategy::Hash => "hash",
        };
        let key = match self.columns.as_slice() {
            [one] => one.clone(),
            many => format!("[{}]", many.join(", ")),
        };
        let mut s = format!("@{attr}({kind}: {key}");
        if let Some(m) = self.modulus {
            let _ = write!(s, ", modulus: {m}");
        }
        for (name, bound) in &self.named {
            let _ = write!(s, ", {name}: {bound}");
        }
        if !self.default && self.strategy != PartitionStrategy::Hash {
            s.push_str(", default: false");
        }
        s.push(')');
        s
    }
}

impl Import {
    /// Decides which partitioned tables print as entities; the trees that
    /// cannot go to `unfoldable`, for the next pass.
    pub(super) fn fold_partitions(&mut self) {
        let mut kids: Vec<Vec<usize>> = vec![Vec::new(); self.tables.len()];
        for (i, t) in self.tables.iter().enumerate() {
            if let Some(a) = &t.attached {
                kids[a.parent].push(i);
            }
        }
        let mut maintained = self.maintained(&kids);
        self.absorbed = std::mem::take(&mut maintained.absorbed);
        for root in 0..self.tables.len() {
            let t = &self.tables[root];
            if t.part.is_none() || t.attached.is_some() {
                continue;
            }
            if let Some(lines) = maintained.every.get(&root) {
                self.tables[root].fold = Some(lines.clone());
                continue;
            }
            match self.fold(root, &kids) {
                Some(lines) => {
                    let lines = match maintained.notes.get(&root) {
                        Some(why) => {
                            self.fixed_note(root, why);
                            format!("// fixed ranges, not `every:`: {why}\n{lines}")
                        }
                        None => lines,
                    };
                    self.tables[root].fold = Some(lines);
                }
                None => {
                    let mut tree = vec![root];
                    let mut at = 0;
                    while at < tree.len() {
                        tree.extend(&kids[tree[at]]);
                        at += 1;
                    }
                    self.unfoldable
                        .extend(tree.iter().map(|&i| self.tables[i].sql.clone()));
                }
            }
        }
    }

    /// A note that a table a maintenance function keeps was imported with
    /// fixed ranges, and why.
    fn fixed_note(&mut self, table: usize, why: &str) {
        let Some(it) = self
            .items
            .iter()
            .find(|it| matches!(it.kind, super::ItemKind::Table(t) if t == table))
        else {
            return;
        };
        let (file, start) = (it.file, it.offset);
        let end = self
            .lines
            .get(file as usize)
            .and_then(|(_, starts)| starts.get(starts.partition_point(|&s| s <= start)))
            .map_or(start, |&s| s - 1);
        let t = &self.tables[table].sql;
        self.diagnostics.push(
            Diagnostic::new(
                Code::ImportFixedTimePartitions,
                Severity::Info,
                format!(
                    "{}.{} is kept by a maintenance function, but imported with fixed ranges: {why}",
                    t.schema, t.name
                ),
            )
            .label(Span::new(file, start, end.max(start)), "its partitions are written as they are")
            .help("to import it with `every:`, import the database or dump as schemac's maintenance left it; or write `every:` by hand in place of the fixed ranges"),
        );
    }

    /// The attribute lines of a root, when its partitions fold.
    fn fold(&self, root: usize, kids: &[Vec<usize>]) -> Option<String> {
        let top = self.level(root, kids)?;
        let children = &kids[root];
        let mut sub: Option<Level> = None;
        let subs = children
            .iter()
            .filter(|&&c| self.tables[c].part.is_some())
            .count();
        if subs > 0 {
            // `@subpartition` splits every partition the same way.
            if subs != children.len() {
                return None;
            }
            for &c in children {
                let level = self.level(c, kids)?;
                if kids[c].iter().any(|&g| self.tables[g].part.is_some()) {
                    return None;
                }
                match &sub {
                    Some(s) if *s != level => return None,
                    Some(_) => {}
                    None => sub = Some(level),
                }
            }
        }
        let mut lines = top.attribute("partition");
        if let Some(s) = sub {
            lines.push('\n');
            lines.push_str(&s.attribute("subpartition"));
        }
        Some(lines)
    }

    /// One level: the partitions of `parent`, each named after it.
    fn level(&self, parent: usize, kids: &[Vec<usize>]) -> Option<Level> {
        let p = &self.tables[parent];
        let part = p.part.as_ref()?;
        if part.columns.iter().any(|c| !is_bare(c)) {
            return None;
        }
        let kind = match part.strategy {
            PartitionStrategy::Range => {
                let [c] = part.columns.as_slice() else {
                    return None;
                };
                Some(KeyKind::named(&col_type(p, c)?)?)
            }
            _ => None,
        };
        let mut level = Level {
            strategy: part.strategy,
            columns: part.columns.clone(),
            named: Vec::new(),
            modulus: None,
            default: false,
        };
        let mut remainders = Vec::new();
        for &k in &kids[parent] {
            let child = &self.tables[k];
            let a = child.attached.as_ref()?;
            let suffix = child
                .sql
                .name
                .strip_prefix(&p.sql.name)?
                .strip_prefix('_')?;
            if child.sql.schema != p.sql.schema || !is_bare(suffix) || !copy_of(p, child, a.cloned)
            {
                return None;
            }
            match (&a.bound, part.strategy) {
                (ForValues::Default, PartitionStrategy::List | PartitionStrategy::Range)
                    if suffix == "default" =>
                {
                    level.default = true;
                }
                (ForValues::In(values), PartitionStrategy::List) if !reserved(suffix) => {
                    let vals: Vec<String> = values.iter().map(super::read::expr_text).collect();
                    if vals.is_empty() || vals.iter().any(|v| v.contains(['[', ']'])) {
                        return None;
                    }
                    level
                        .named
                        .push((suffix.to_string(), format!("[{}]", vals.join(", "))));
                }
                (ForValues::With { modulus, remainder }, PartitionStrategy::Hash) => {
                    if suffix != format!("p{remainder}")
                        || level.modulus.is_some_and(|m| m != *modulus)
                    {
                        return None;
                    }
                    level.modulus = Some(*modulus);
                    remainders.push(*remainder);
                }
                (ForValues::From { from, to }, PartitionStrategy::Range) if !reserved(suffix) => {
                    let kind = kind?;
                    let lower = end(from, kind, true)?;
                    let upper = end(to, kind, false)?;
                    level
                        .named
                        .push((suffix.to_string(), format!("from {lower} to {upper}")));
                }
                _ => return None,
            }
        }
        match part.strategy {
            PartitionStrategy::Hash => {
                let m = level.modulus?;
                remainders.sort_unstable();
                let all: Vec<u64> = (0..m).collect();
                if !(2..=1024).contains(&m) || remainders != all {
                    return None;
                }
            }
            _ if level.named.is_empty() => return None,
            _ => {}
        }
        Some(level)
    }
}

/// One end of a range bound, as the language writes it.
fn end(values: &[PartitionBoundValue], kind: KeyKind, lower: bool) -> Option<String> {
    match values {
        [PartitionBoundValue::MinValue] if lower => Some("minvalue".into()),
        [PartitionBoundValue::MaxValue] if !lower => Some("maxvalue".into()),
        [PartitionBoundValue::Expr(e)] => {
            let mut text = super::read::expr_text(e);
            // pg_dump quotes numbers too: `FROM ('1') TO ('1000')`.
            if matches!(kind, KeyKind::Integer | KeyKind::Decimal) {
                if let Some(n) = text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
                    text = n.to_string();
                }
            }
            bounds::point(kind, &text).map(|_| text)
        }
        _ => None,
    }
}

/// Names the attribute's own arguments take.
fn reserved(name: &str) -> bool {
    [
        "default", "every", "ahead", "before", "modulus", "range", "list", "hash",
    ]
    .contains(&name)
}

pub(super) fn is_bare(n: &str) -> bool {
    let mut chars = n.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn col_type(t: &Table, c: &str) -> Option<String> {
    match &t.cols.iter().find(|x| x.name == c)?.ty {
        super::read::TypeText::Builtin(b) => Some(b.clone()),
        super::read::TypeText::User(..) => None,
    }
}

/// Whether `child` is what `PARTITION OF parent` makes: the same columns
/// and checks, and the parent's keys and indexes under the names
/// PostgreSQL gives their copies (`sales_eu_pkey`, `sales_eu_amount_idx`).
pub(super) fn copy_of(parent: &Table, child: &Table, cloned: bool) -> bool {
    let own = child.pk.is_some()
        || !child.uniques.is_empty()
        || !child.indexes.is_empty()
        || !child.checks.is_empty()
        || !child.fks.is_empty()
        || child.doc.is_some()
        || child.cols.iter().any(|c| c.doc.is_some());
    if cloned {
        return !own;
    }
    let same_cols = child.cols.len() == parent.cols.len()
        && child.cols.iter().zip(&parent.cols).all(|(c, p)| {
            c.name == p.name
                && c.ty == p.ty
                && c.nullable == p.nullable
                && c.default == p.default
                && c.generated == p.generated
                && c.identity.is_none()
                && c.doc.is_none()
        });
    let name = |label: &str, cols: &[String]| -> Option<String> {
        let mut n = child.sql.name.clone();
        for c in cols {
            n.push('_');
            n.push_str(c);
        }
        n.push('_');
        n.push_str(label);
        (n.len() <= MAX_IDENT).then_some(n)
    };
    let pk = match (&parent.pk, &child.pk) {
        (None, None) => true,
        (Some((_, pc)), Some((cn, cc))) => pc == cc && Some(cn) == name("pkey", &[]).as_ref(),
        _ => false,
    };
    let uniques = parent.uniques.len() == child.uniques.len()
        && parent.uniques.iter().all(|u| {
            child.uniques.iter().any(|c| {
                c.columns == u.columns
                    && c.nulls_not_distinct == u.nulls_not_distinct
                    && c.deferrable == u.deferrable
                    && Some(&c.name) == name("key", &u.columns).as_ref()
            })
        });
    let indexes = parent.indexes.len() == child.indexes.len()
        && parent.indexes.iter().all(|i| {
            let cols: Vec<String> = i
                .elements
                .iter()
                .map(|e| {
                    if is_bare(e) {
                        e.clone()
                    } else {
                        String::from("expr")
                    }
                })
                .collect();
            let want = name("idx", &cols);
            child.indexes.iter().any(|c| {
                Some(&c.name) == want.as_ref()
                    && c.unique == i.unique
                    && c.method == i.method
                    && c.elements == i.elements
                    && c.include == i.include
                    && c.predicate == i.predicate
            })
        });
    same_cols
        && pk
        && uniques
        && indexes
        && child.checks == parent.checks
        && child.fks.is_empty()
        && child.doc.is_none()
}

#[cfg(test)]
mod tests {
    use crate::import::from_sql;

    fn files(script: &str) -> String {
        let im = from_sql(&[("t.sql".to_string(), script.to_string())]);
        im.files.iter().map(|(_, t)| t.as_str()).collect()
    }

    #[test]
    fn list_hash_and_range_tables_fold() {
        let out = files(
            "CREATE TABLE s (id int NOT NULL, region text NOT NULL, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
             CREATE TABLE s_eu PARTITION OF s FOR VALUES IN ('de', 'fr');
             CREATE TABLE s_default PARTITION OF s DEFAULT;
             CREATE TABLE v (id int NOT NULL) PARTITION BY HASH (id);
             CREATE TABLE v_p0 PARTITION OF v FOR VALUES WITH (MODULUS 2, REMAINDER 0);
             CREATE TABLE v_p1 PARTITION OF v FOR VALUES WITH (MODULUS 2, REMAINDER 1);
             CREATE TABLE r (at date NOT NULL) PARTITION BY RANGE (at);
             CREATE TABLE r_y2024 PARTITION OF r FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
             CREATE TABLE r_old PARTITION OF r FOR VALUES FROM (MINVALUE) TO ('2024-01-01');",
        );
        assert!(
            out.contains("@partition(list: region, eu: ['de', 'fr'])"),
            "{out}"
        );
        assert!(out.contains("@partition(hash: id, modulus: 2)"), "{out}");
        assert!(
            out.contains("@partition(range: at, y2024: from '2024-01-01' to '2025-01-01', old: from minvalue to '2024-01-01', default: false)"),
            "{out}"
        );
        assert!(!out.contains("sql "), "{out}");
    }

    #[test]
    fn partitions_named_otherwise_stay_sql() {
        let out = files(
            "CREATE TABLE e (at date NOT NULL) PARTITION BY RANGE (at);
             CREATE TABLE e_2026 PARTITION OF e FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
             CREATE TABLE e_rest PARTITION OF e DEFAULT;",
        );
        assert!(!out.contains("@partition"), "{out}");
        assert!(out.contains("PARTITION BY RANGE (at)"), "{out}");
        assert!(
            out.contains("CREATE TABLE e_rest PARTITION OF e DEFAULT"),
            "{out}"
        );
    }
}
