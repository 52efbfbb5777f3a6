//! `keys/nullable-unique`: a multi-column unique key with a nullable
//! column, where NULLs make every row distinct.

use crate::lint::{FixKind, LintContext, Rule, BASE};
use dsl::ast::MemberKind;
use dsl::{Diagnostic, Edit, Span};

pub const RULE: Rule = Rule {
    id: "keys/nullable-unique",
    summary: "a unique key over several columns, one of them nullable, without `nulls not distinct`",
    rationale: "In a unique key, NULL is distinct from every other NULL: `unique (user_id, role_id, context)` with a nullable `context` accepts the same user and role twice as long as `context` is missing, which is exactly the duplicate the key was meant to refuse (the design template's `user_roles` has this flaw). `nulls not distinct` (PostgreSQL 15) counts a missing value once; where many NULLs are meant, make that explicit with a partial unique index instead.",
    bad: "entity Grant {\n  id bigint @pk @identity\n  user_id bigint\n  role_id bigint\n  context text?\n\n  unique (user_id, role_id, context)\n}\n",
    good: "entity Grant {\n  id bigint @pk @identity\n  user_id bigint\n  role_id bigint\n  context text?\n\n  unique (user_id, role_id, context) nulls not distinct\n}\n",
    pg_versions: crate::lint::PgVersions {
        min: Some(15),
        max: None,
    },
    fix: FixKind::Unsafe,
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for e in cx.entities() {
        let t = e.table;
        for u in &t.uniques {
            if u.nulls_not_distinct || u.columns.len() < 2 {
                continue;
            }
            let nullable: Vec<&str> = u
                .columns
                .iter()
                .filter(|c| t.column(c).is_some_and(|c| c.nullable))
                .map(String::as_str)
                .collect();
            if nullable.is_empty() {
                continue;
            }
            let mut d = cx
                .finding(format!(
                    "unique key ({}) accepts duplicates whenever {} is NULL",
                    u.columns.join(", "),
                    nullable
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ))
                .label(cx.without_doc(u.origin.span), "NULLs are distinct here")
                .help("add `nulls not distinct` to count a missing value once, or make the column NOT NULL");
            if let Some(at) = insertion(cx, e.ast, u.origin.span) {
                d = d.fix(
                    "add `nulls not distinct`",
                    vec![Edit {
                        span: at,
                        replacement: " nulls not distinct".into(),
                    }],
                );
            }
            out.push(d);
        }
    }
}

/// Right after the `)` of a `unique (...)` clause declared at `span`.
fn insertion(cx: &LintContext<'_>, entity: Option<&dsl::ast::Entity>, span: Span) -> Option<Span> {
    let member = entity?.members.iter().find(|m| m.span == span)?;
    let MemberKind::Unique { elements, .. } = &member.kind else {
        return None;
    };
    let last = elements.last()?.span;
    let rest = cx.text(Span { start: last.end, end: member.span.end, ..last });
    let close = rest.find(')')? as u32 + last.end + 1;
    Some(Span { start: close, end: close, ..last })
}
