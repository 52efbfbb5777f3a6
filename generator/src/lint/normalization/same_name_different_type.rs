//! `normalization/same-name-different-type`: one column name, several
//! kinds of value.

use crate::lint::{facts, Knob, KnobDefault, LintContext, Rule, BASE};
use dsl::Diagnostic;
use rustc_hash::FxHashMap;
use std::borrow::Cow;

pub const RULE: Rule = Rule {
    id: "normalization/same-name-different-type",
    summary: "a column name that holds different kinds of value in different tables",
    rationale: "When `user_id` is a `uuid` in one table and a `bigint` in another, or `amount` is `numeric` here and `integer` there, at least one of them is wrong: joins need casts, the application maps the same name to two types, and a value copied from one to the other may not fit. The rule compares type families: lengths and precisions are ignored, `text`, `varchar`, `char` and `citext` are one family, domains count as their base type, and enum columns are left out (an enum's type says what it holds). The most common family of a name is taken as the intended one. `id` is left to the key rules (knob `ignore`).",
    bad: "entity Invoice {\n  id     bigint @pk @identity\n  amount numeric(12,2)\n}\n\nentity Refund {\n  id     bigint @pk @identity\n  amount integer\n}\n\nentity Payment {\n  id     bigint @pk @identity\n  amount numeric(12,2)\n}\n",
    good: "entity Invoice {\n  id     bigint @pk @identity\n  amount numeric(12,2)\n}\n\nentity Refund {\n  id     bigint @pk @identity\n  amount numeric(12,2)\n}\n\nentity Payment {\n  id     bigint @pk @identity\n  amount numeric(12,2)\n}\n",
    knobs: &[Knob {
        name: "ignore",
        default: KnobDefault::List(&["id"]),
        help: "column names not compared",
    }],
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let ignore = cx.knob_list("ignore");
    // Per name: per family, the tables that use it.
    let mut by_name: FxHashMap<&str, FxHashMap<Cow<'_, str>, Vec<&str>>> = FxHashMap::default();
    // Tables a policy made (the audit log, histories) name their columns
    // as the policy does, not as the user would.
    let declared = cx
        .model
        .tables
        .iter()
        .filter(|t| !matches!(t.origin.why, crate::model::Why::Policy { .. }));
    for t in declared {
        for c in &t.columns {
            let family = facts::family(cx, &c.ty);
            // An enum's type names what it holds: `status` of orders and
            // `status` of jobs are different things by design.
            if ignore.contains(&c.name) || family == "enum" {
                continue;
            }
            by_name
                .entry(&c.name)
                .or_default()
                .entry(family)
                .or_default()
                .push(&t.sql.name);
        }
    }
    // Per name with several families: the intended one and the tables
    // shown for it, worked out once per name rather than per column.
    let mut intended: FxHashMap<&str, Option<(&str, String)>> = FxHashMap::default();
    for c in cx.columns() {
        let name = c.column.name.as_str();
        let found = intended.entry(name).or_insert_with(|| {
            let families = by_name.get(name).filter(|f| f.len() > 1)?;
            // The intended family: the most common, then the first by name.
            let (main, tables) = families
                .iter()
                .max_by(|a, b| a.1.len().cmp(&b.1.len()).then_with(|| b.0.cmp(a.0)))?;
            let mut elsewhere: Vec<&str> = tables.clone();
            elsewhere.sort_unstable();
            elsewhere.dedup();
            let shown: Vec<String> = elsewhere.iter().take(3).map(|t| format!("`{t}`")).collect();
            let more = if elsewhere.len() > 3 { ", ..." } else { "" };
            Some((&**main, shown.join(", ") + more))
        });
        let Some((main, shown)) = found else {
            continue;
        };
        let mine = facts::family(cx, &c.column.ty);
        if mine == *main || mine == "enum" {
            continue;
        }
        out.push(
            cx.finding(format!(
                "`{}.{}` is {} but `{}` is {main} in {shown}",
                c.table.sql.name,
                c.column.name,
                c.column.ty,
                c.column.name,
            ))
            .label(c.type_span(), format!("{mine}, elsewhere {main}"))
            .help("give the column the type it has elsewhere, or a name that says it holds something else"),
        );
    }
}
