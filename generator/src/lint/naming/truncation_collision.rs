//! `naming/truncation-collision`: identity sequences whose names, as
//! PostgreSQL derives and cuts them to 63 bytes, are taken.

use crate::lint::{LintContext, Rule, BASE};
use crate::names::MAX_IDENT;
use dsl::Diagnostic;
use rustc_hash::FxHashMap;

pub const RULE: Rule = Rule {
    id: "naming/truncation-collision",
    summary: "an identity column whose sequence name, as PostgreSQL derives it and cuts it to 63 bytes, is already taken",
    rationale: "PostgreSQL names the sequence of an identity column `<table>_<column>_seq`, cutting the table and column names until the whole fits in 63 bytes. Two long table names that differ only at the end then give the same sequence name, and a name can also land on a table, view or index of the schema. PostgreSQL does not fail: it quietly takes `..._seq1`, so which column gets which sequence depends on the order the tables were created, two databases built from the same schema differ, and a `setval`, a grant or a script that names the sequence reaches the wrong one. When the other relation is created after the sequence, the build fails with `relation already exists`. Names that differ early avoid it.",
    bad: "entity DraftComment @table(warehouse_inventory_adjustment_approval_request_comments_drafts) {\n  id bigint @pk @identity\n}\n\nentity FinalComment @table(warehouse_inventory_adjustment_approval_request_comments_final) {\n  id bigint @pk @identity\n}\n",
    good: "entity DraftComment @table(draft_adjustment_comments) {\n  id bigint @pk @identity\n}\n\nentity FinalComment @table(final_adjustment_comments) {\n  id bigint @pk @identity\n}\n",
    check,
    ..BASE
};

/// The name PostgreSQL gives the sequence of `table.column`
/// (`makeObjectName`: the longer part is cut first, at a character
/// boundary).
pub(crate) fn sequence_name(table: &str, column: &str) -> String {
    const LABEL: &str = "seq";
    let available = MAX_IDENT - (1 + LABEL.len() + 1);
    let (mut a, mut b) = (table.len(), column.len());
    while a + b > available {
        if a > b {
            a -= 1;
        } else {
            b -= 1;
        }
    }
    let cut = |s: &str, mut n: usize| {
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_string()
    };
    format!("{}_{}_{LABEL}", cut(table, a), cut(column, b))
}

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    // Every relation name of each schema, and what it names: tables,
    // partitions, views, indexes (those of keys included) and sequences
    // share one namespace.
    let mut taken: FxHashMap<(&str, &str), &str> = FxHashMap::default();
    for t in &cx.model.tables {
        let s = t.sql.schema.as_str();
        taken.insert((s, &t.sql.name), "table");
        let keys = t.primary_key.iter().map(|k| &k.name);
        let uniques = t.uniques.iter().map(|u| &u.name);
        let excludes = t.excludes.iter().map(|x| &x.name);
        let indexes = t.indexes.iter().map(|i| &i.name);
        for name in keys.chain(uniques).chain(excludes).chain(indexes) {
            taken.insert((s, name), "index");
        }
        if let Some(p) = &t.partition {
            let mut stack: Vec<&crate::model::PartitionChild> = p.partitions.iter().collect();
            while let Some(c) = stack.pop() {
                taken.insert((s, &c.sql.name), "partition");
                if let Some(sub) = &c.sub {
                    stack.extend(&sub.partitions);
                }
            }
        }
    }
    for v in &cx.model.views {
        taken.insert((&v.sql.schema, &v.sql.name), "view");
    }
    for q in &cx.model.sequences {
        taken.insert((&q.sql.schema, &q.sql.name), "sequence");
    }
    // The derived sequence names, each with the identity columns that get it.
    let mut derived: FxHashMap<(&str, String), Vec<String>> = FxHashMap::default();
    for t in &cx.model.tables {
        for c in t.columns.iter().filter(|c| c.identity.is_some()) {
            derived
                .entry((&t.sql.schema, sequence_name(&t.sql.name, &c.name)))
                .or_default()
                .push(format!("{}.{}", t.sql.name, c.name));
        }
    }
    for c in cx.columns().filter(|c| c.column.identity.is_some()) {
        let table = &c.table.sql;
        let name = sequence_name(&table.name, &c.column.name);
        let me = format!("{}.{}", table.name, c.column.name);
        let key = (table.schema.as_str(), name);
        let other = match taken.get(&(key.0, key.1.as_str())) {
            Some(what) => Some(format!("{what} `{}`", key.1)),
            None => derived
                .get(&key)
                .and_then(|cols| cols.iter().find(|o| **o != me))
                .map(|o| format!("the sequence of `{o}`")),
        };
        let Some(other) = other else { continue };
        let full = table.name.len() + c.column.name.len() + "__seq".len();
        let cut = if full > MAX_IDENT { " (cut to 63 bytes)" } else { "" };
        out.push(
            cx.finding(format!(
                "the sequence of `{me}` would be named `{}`{cut}, which is also the name of {other}",
                key.1
            ))
            .label(c.name_span(), "identity")
            .help("PostgreSQL then picks another name by creation order; make the table names differ within their first bytes, or shorten them"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::sequence_name;

    #[test]
    fn names_are_cut_as_postgresql_cuts_them() {
        assert_eq!(sequence_name("orders", "id"), "orders_id_seq");
        let long = "t".repeat(70);
        let name = sequence_name(&long, "id");
        assert_eq!(name.len(), 63);
        assert_eq!(name, format!("{}_id_seq", "t".repeat(56)));
        // Both long: each is cut to half of what is left.
        let both = sequence_name(&"a".repeat(40), &"b".repeat(40));
        assert_eq!(both, format!("{}_{}_seq", "a".repeat(29), "b".repeat(29)));
        // A cut never splits a character.
        let wide = sequence_name(&"é".repeat(40), "id");
        assert!(wide.len() <= 63 && wide.ends_with("_id_seq"));
    }
}
