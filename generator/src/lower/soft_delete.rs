//! `@soft_delete`: a nullable `deleted_at`; every unique key of the
//! entity becomes a unique index over the live rows only (`WHERE
//! "deleted_at" IS NULL`), so a deleted row's values can be used again;
//! and a view `live_<table>` of the live rows.

use super::{columns_free, made_by, timestamp_column};
use crate::model::{Expr, Index, IndexElement, IndexMethod, Model, QName, Table, View, Why};
use crate::names;
use crate::quote::{ident, Qualified};
use crate::sqlparse::{canonical_expr, canonical_query};
use dsl::{Code, Diagnostic, Span};
use rustc_hash::FxHashSet as HashSet;

const POLICY: &str = "soft_delete";
const COLUMN: &str = "deleted_at";

pub(super) fn lower(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    // A foreign key needs a full unique key on what it references: one
    // that soft delete makes partial cannot serve it.
    let referenced: Vec<(QName, Vec<String>, Span)> = model
        .tables
        .iter()
        .flat_map(|t| t.foreign_keys.iter())
        .map(|fk| {
            (
                fk.target_table.clone(),
                fk.target_columns.clone(),
                fk.origin.span,
            )
        })
        .collect();
    let mut taken: HashSet<QName> = relation_names(model);
    for t in &mut model.tables {
        let Some(origin) = t.declared_policies.soft_delete.clone() else {
            continue;
        };
        let at = origin.span;
        if t.primary_key.is_none() {
            diagnostics.push(
                Diagnostic::error(
                    Code::BadPolicy,
                    format!("`@soft_delete` on {}, which has no primary key", t.name),
                )
                .label(at, "needs a primary key")
                .help("a soft-deleted row is still a row that others reference by its key: declare one with `@pk`"),
            );
            continue;
        }
        if !columns_free(t, &[COLUMN], POLICY, at, diagnostics) {
            continue;
        }
        if !uniques_can_be_partial(t, &referenced, at, diagnostics) {
            continue;
        }
        let view = QName::new(
            t.sql.schema.clone(),
            names::fit(format!("live_{}", t.sql.name)),
        );
        if !taken.insert(view.clone()) {
            diagnostics.push(
                Diagnostic::error(
                    Code::BadPolicy,
                    format!(
                        "`@soft_delete` on {} makes the view {view}, a name already taken",
                        t.name
                    ),
                )
                .label(at, "would create the view")
                .help("rename the table or view that holds that name"),
            );
            continue;
        }
        let origin = made_by(POLICY, at);
        t.columns.push(timestamp_column(
            COLUMN,
            true,
            None,
            "When the row was soft-deleted; null while it is live.",
            origin.clone(),
        ));
        let live = format!("{} IS NULL", ident(COLUMN));
        let predicate = |text: String| {
            let canonical = canonical_expr(&text);
            Expr::new(text, canonical, at)
        };
        for i in t.indexes.iter_mut().filter(|i| i.unique) {
            let text = match &i.predicate {
                Some(p) => format!("({}) AND {live}", p.sql.trim()),
                None => live.clone(),
            };
            i.predicate = Some(predicate(text));
        }
        for u in std::mem::take(&mut t.uniques) {
            t.indexes.push(Index {
                name: u.name,
                method: IndexMethod::Btree,
                unique: true,
                nulls_not_distinct: u.nulls_not_distinct,
                elements: u.columns.into_iter().map(IndexElement::column).collect(),
                include: Vec::new(),
                predicate: Some(predicate(live.clone())),
                doc: u.doc,
                origin: u.origin,
            });
        }
    }
}

/// Whether every unique key of `t` can become partial: none is deferrable
/// (a partial unique index cannot be) and no foreign key references one.
fn uniques_can_be_partial(
    t: &Table,
    referenced: &[(QName, Vec<String>, Span)],
    at: Span,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let mut ok = true;
    for u in &t.uniques {
        if u.deferrable {
            ok = false;
            diagnostics.push(
                Diagnostic::error(
                    Code::BadPolicy,
                    format!("`@soft_delete` cannot make the deferrable unique key {} partial", u.name),
                )
                .label(u.origin.span, "deferrable")
                .label(at, "makes unique keys partial")
                .help("PostgreSQL has no deferrable partial unique index: remove `deferrable` or `@soft_delete`"),
            );
        }
        for (_, _, fk) in referenced
            .iter()
            .filter(|(table, columns, _)| *table == t.sql && *columns == u.columns)
        {
            ok = false;
            diagnostics.push(
                Diagnostic::error(
                    Code::BadPolicy,
                    format!(
                        "a foreign key references the unique key {} that `@soft_delete` makes partial",
                        u.name
                    ),
                )
                .label(*fk, "references it")
                .label(at, "makes unique keys partial")
                .help("a foreign key needs a full unique key: reference the primary key instead"),
            );
        }
    }
    ok
}

/// Every relation name (tables, views, sequences, indexes and the indexes
/// of keys) by schema: what a new view must not take.
fn relation_names(model: &Model) -> HashSet<QName> {
    let mut out: HashSet<QName> = HashSet::default();
    for t in &model.tables {
        out.insert(t.sql.clone());
        let s = &t.sql.schema;
        for name in t
            .primary_key
            .iter()
            .map(|p| &p.name)
            .chain(t.uniques.iter().map(|u| &u.name))
            .chain(t.excludes.iter().map(|x| &x.name))
            .chain(t.indexes.iter().map(|i| &i.name))
        {
            out.insert(QName::new(s.clone(), name.clone()));
        }
    }
    out.extend(model.views.iter().map(|v| v.sql.clone()));
    out.extend(model.sequences.iter().map(|q| q.sql.clone()));
    out
}

/// The views of live rows, once every policy has added its columns to the
/// tables (a second pass, after `@versioned`, so the view shows `version`).
pub(super) fn views(model: &mut Model, _: &mut Vec<Diagnostic>) {
    let mut views = Vec::new();
    for t in &model.tables {
        let made_here = t
            .column(COLUMN)
            .is_some_and(|c| matches!(&c.origin.why, Why::Policy { policy } if policy == POLICY));
        let Some(origin) = t
            .declared_policies
            .soft_delete
            .as_ref()
            .filter(|_| made_here)
        else {
            continue;
        };
        let at = origin.span;
        let origin = made_by(POLICY, at);
        let live = format!("{} IS NULL", ident(COLUMN));
        let view = QName::new(
            t.sql.schema.clone(),
            names::fit(format!("live_{}", t.sql.name)),
        );
        let columns: Vec<String> = t
            .columns
            .iter()
            .filter(|c| c.name != COLUMN)
            .map(|c| ident(&c.name))
            .collect();
        let body = format!(
            "SELECT {}\nFROM {}\nWHERE {live}",
            columns.join(", "),
            Qualified(&t.sql)
        );
        views.push(View {
            name: format!("Live{}", t.name),
            sql: view,
            materialized: false,
            body: {
                let canonical = canonical_query(&body);
                Expr::new(body, canonical, at)
            },
            reads: vec![t.key()],
            depends_on: Vec::new(),
            doc: Some(format!(
                "The live rows of {}: those not soft-deleted.",
                t.sql.name
            )),
            origin,
        });
    }
    model.views.extend(views);
}
