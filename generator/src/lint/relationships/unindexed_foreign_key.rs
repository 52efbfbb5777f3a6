//! `relationships/unindexed-foreign-key`: a foreign key that no index
//! leads with.

use crate::lint::{facts, FixKind, LintContext, Rule, BASE};
use dsl::diagnostic::Edit;
use dsl::{Diagnostic, Span};

pub const RULE: Rule = Rule {
    id: "relationships/unindexed-foreign-key",
    summary: "a foreign key whose columns lead no index",
    rationale: "Deleting or re-keying a referenced row makes PostgreSQL look up the rows that reference it, and joins from the parent look up the same way. Without an index whose leading keys are the foreign key's columns, each lookup scans the whole referencing table, under a lock. schemac indexes every foreign key unless `@no_index` turns it off; this rule finds the keys left without one. A key is indexed when one index (the primary key and unique keys included) has the foreign key's columns as its leading keys, in any order; a partial index counts only when its predicate is that the columns are not null, the only rows a lookup can match.",
    bad: "entity User {\n  id uuid @pk = gen_random_uuid()\n}\n\nentity Post {\n  id        bigint @pk @identity\n  author_id -> User on delete cascade @no_index\n}\n",
    good: "entity User {\n  id uuid @pk = gen_random_uuid()\n}\n\nentity Post {\n  id        bigint @pk @identity\n  author_id -> User? on delete set null @no_index\n\n  index (author_id) where author_id is not null\n}\n",
    fix: FixKind::Safe,
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for site in cx.entities() {
        let table = site.table;
        let keys = cx.keys(table);
        for fk in &table.foreign_keys {
            let covered = keys.iter().any(|k| {
                k.method == crate::model::IndexMethod::Btree
                    && k.leads_with(&fk.columns)
                    && k
                        .predicate
                        .is_none_or(|p| facts::only_not_null(p, &fk.columns))
            });
            if covered {
                continue;
            }
            let cols = fk.columns.join(", ");
            let mut d = cx
                .finding(format!(
                    "no index leads with ({cols}), the columns of `{}`",
                    fk.name
                ))
                .label(fk.origin.span, "references a table without an index on this side")
                .help(format!(
                    "add `index ({cols})` (or drop `@no_index`): deleting a `{}` row otherwise scans `{}`",
                    fk.target_table.name, table.sql.name
                ));
            // A relation column that turned its index off: turning it back
            // on is the whole fix (the resolver then adds the index).
            let no_index = cx
                .columns_of(table)
                .find(|c| fk.columns.len() == 1 && fk.columns[0] == c.column.name)
                .and_then(|c| c.attr("no_index"));
            if let Some(attr) = no_index {
                let text = cx.text(Span::new(attr.span.file, 0, attr.span.start as usize));
                let blanks = text.len() - text.trim_end_matches([' ', '\t']).len();
                let span = Span::new(
                    attr.span.file,
                    attr.span.start as usize - blanks,
                    attr.span.end as usize,
                );
                d = d.fix(
                    "drop `@no_index`, so schemac indexes the key",
                    vec![Edit {
                        span,
                        replacement: String::new(),
                    }],
                );
            }
            out.push(d);
        }
    }
}
