//! Partitions: `CREATE TABLE child PARTITION OF parent FOR VALUES ...`, and
//! the `PARTITION BY` clause of a partitioned table. Time partitions are
//! not here: maintenance creates them, since which exist depends on the
//! date.

use super::{Lock, Statement, Verb};
use crate::model::{Partition, PartitionBound, PartitionChild, QName};
use crate::quote::{Ident, Qualified};
use std::fmt::Write;

/// ` PARTITION BY RANGE ("col")`, appended to a `CREATE TABLE`.
pub fn by(out: &mut String, p: &Partition) {
    let _ = write!(out, " PARTITION BY {} (", p.strategy.sql());
    for (i, c) in p.columns.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{}", Ident(c));
    }
    out.push(')');
}

/// The statements creating a partition and, when it is itself
/// partitioned, its partitions, in order.
pub fn create(parent: &QName, child: &PartitionChild, out: &mut Vec<Statement>) {
    let mut sql = format!(
        "CREATE TABLE {} PARTITION OF {} ",
        Qualified(&child.sql),
        Qualified(parent)
    );
    match &child.bound {
        PartitionBound::Default => sql.push_str("DEFAULT"),
        PartitionBound::List { values } => {
            sql.push_str("FOR VALUES IN (");
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(v.sql.trim());
            }
            sql.push(')');
        }
        PartitionBound::Hash { modulus, remainder } => {
            let _ = write!(
                sql,
                "FOR VALUES WITH (MODULUS {modulus}, REMAINDER {remainder})"
            );
        }
        PartitionBound::Range { from, to } => {
            fn end<'e>(e: &'e Option<crate::model::Expr>, open: &'static str) -> &'e str {
                e.as_ref().map_or(open, |v| v.sql.trim())
            }
            let _ = write!(
                sql,
                "FOR VALUES FROM ({}) TO ({})",
                end(from, "MINVALUE"),
                end(to, "MAXVALUE")
            );
        }
    }
    if let Some(sub) = &child.sub {
        by(&mut sql, sub);
    }
    // Attaching locks the parent, and scans its default partition.
    out.push(Statement::new(
        sql,
        child.key(),
        Verb::Create,
        Lock::AccessExclusive,
        4,
    ));
    if let Some(sub) = &child.sub {
        for c in &sub.partitions {
            create(&child.sql, c, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::tests::compiled;

    #[test]
    fn list_hash_and_sub_partitions() {
        let c = compiled(
            "entity Sale {\n  id bigint @identity\n  region text\n  shop int\n  primary key (id, region, shop)\n  @partition(list: region, eu: ['de', 'fr'], us: ['us'])\n  @subpartition(hash: shop, modulus: 2)\n}\n",
        );
        let t = &c.model.tables[0];
        let p = t.partition.as_ref().expect("partitioned");
        let mut out = Vec::new();
        for child in &p.partitions {
            create(&t.sql, child, &mut out);
        }
        let sql: Vec<&str> = out.iter().map(|s| s.sql.as_str()).collect();
        assert_eq!(
            sql,
            [
                "CREATE TABLE \"public\".\"sales_eu\" PARTITION OF \"public\".\"sales\" FOR VALUES IN ('de', 'fr') PARTITION BY HASH (\"shop\")",
                "CREATE TABLE \"public\".\"sales_eu_p0\" PARTITION OF \"public\".\"sales_eu\" FOR VALUES WITH (MODULUS 2, REMAINDER 0)",
                "CREATE TABLE \"public\".\"sales_eu_p1\" PARTITION OF \"public\".\"sales_eu\" FOR VALUES WITH (MODULUS 2, REMAINDER 1)",
                "CREATE TABLE \"public\".\"sales_us\" PARTITION OF \"public\".\"sales\" FOR VALUES IN ('us') PARTITION BY HASH (\"shop\")",
                "CREATE TABLE \"public\".\"sales_us_p0\" PARTITION OF \"public\".\"sales_us\" FOR VALUES WITH (MODULUS 2, REMAINDER 0)",
                "CREATE TABLE \"public\".\"sales_us_p1\" PARTITION OF \"public\".\"sales_us\" FOR VALUES WITH (MODULUS 2, REMAINDER 1)",
                "CREATE TABLE \"public\".\"sales_default\" PARTITION OF \"public\".\"sales\" DEFAULT PARTITION BY HASH (\"shop\")",
                "CREATE TABLE \"public\".\"sales_default_p0\" PARTITION OF \"public\".\"sales_default\" FOR VALUES WITH (MODULUS 2, REMAINDER 0)",
                "CREATE TABLE \"public\".\"sales_default_p1\" PARTITION OF \"public\".\"sales_default\" FOR VALUES WITH (MODULUS 2, REMAINDER 1)",
            ]
        );
        let mut head = String::new();
        by(&mut head, p);
        assert_eq!(head, " PARTITION BY LIST (\"region\")");
    }
}
