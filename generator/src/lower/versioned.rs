//! `@versioned`: a `version` counter for optimistic locking, and a
//! `<table>_history` table that keeps every prior version with the period
//! it was current (`tstzrange`, no overlaps by an exclusion constraint, no
//! gaps by construction: each period ends where the next begins), written
//! once per statement from its old rows; a row trigger keeps the counter.

use super::{columns_free, made_by, timestamp_column};
use crate::model::{
    Column, Exclude, ExcludeElement, Expr, Extension, Function, IndexElement, IndexMethod, Model,
    PrimaryKey, QName, SqlType, Table, Trigger,
};
use crate::names;
use crate::quote::{ident, literal, Qualified};
use dsl::{Code, Diagnostic};
use rustc_hash::FxHashSet as HashSet;

const POLICY: &str = "versioned";
const VERSION: &str = "version";
const VALID_FROM: &str = "valid_from";
/// The history table's own columns, after the copied ones.
const VALID: &str = "valid";
const ACTOR: &str = "actor";
/// The session setting that names who made a change (unset: NULL).
const ACTOR_SETTING: &str = "app.current_user_id";
/// The transition table the history triggers read a statement's prior
/// versions from.
const OLD_ROWS: &str = "versioned_old";

pub(super) fn lower(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    let taken: HashSet<QName> = model
        .tables
        .iter()
        .map(|t| t.sql.clone())
        .chain(model.views.iter().map(|v| v.sql.clone()))
        .collect();
    let mut histories = Vec::new();
    let mut functions = Vec::new();
    let mut triggers = Vec::new();
    for t in &mut model.tables {
        let Some(origin) = t.declared_policies.versioned.clone() else {
            continue;
        };
        let at = origin.span;
        let Some(pk) = t.primary_key.clone() else {
            diagnostics.push(
                Diagnostic::error(
                    Code::BadPolicy,
                    format!("`@versioned` on {}, which has no primary key", t.name),
                )
                .label(at, "needs a primary key")
                .help("each history row names the row it was a version of by its key: declare one with `@pk`"),
            );
            continue;
        };
        let history = QName::new(
            t.sql.schema.clone(),
            names::fit(format!("{}_history", t.sql.name)),
        );
        if taken.contains(&history) {
            diagnostics.push(
                Diagnostic::error(
                    Code::BadPolicy,
                    format!(
                        "`@versioned` on {} makes the table {history}, a name already taken",
                        t.name
                    ),
                )
                .label(at, "would create the history table")
                .help("rename the table or view that holds that name"),
            );
            continue;
        }
        if !columns_free(
            t,
            &[VERSION, VALID_FROM, VALID, ACTOR],
            POLICY,
            at,
            diagnostics,
        ) {
            continue;
        }
        let origin = made_by(POLICY, at);
        t.columns.push(Column {
            name: VERSION.into(),
            field: VERSION.into(),
            ty: SqlType::builtin("integer"),
            nullable: false,
            default: Some(Expr::verbatim("1".into(), at)),
            generated: None,
            identity: None,
            secret: false,
            doc: Some("The row's version: 1 when inserted, one more with each update. An update that sets it to a value other than the current one is refused (optimistic locking).".into()),
            origin: origin.clone(),
        });
        t.columns.push(timestamp_column(
            VALID_FROM,
            false,
            Some("now()"),
            "Since when this version of the row is current.",
            origin.clone(),
        ));
        let table = history_table(t, &history, &pk, &origin);
        let body = trigger_body(t, &history);
        let function = Function {
            sql: QName::new(
                t.sql.schema.clone(),
                names::fit(format!("version_{}", t.sql.name)),
            ),
            args: String::new(),
            returns: "trigger".into(),
            language: "plpgsql".into(),
            body,
            depends_on: vec![table.key()],
            security_definer: true,
            doc: Some(format!(
                "Keeps the versions of {}: refuses a stale version and counts versions (per row), and writes each statement's prior versions to {history}.",
                t.sql
            )),
            origin: origin.clone(),
        };
        triggers.push(Trigger {
            name: names::fit(format!("trg_{}_version", t.sql.name)),
            table: t.sql.clone(),
            timing: "before".into(),
            events: vec!["insert".into(), "update".into()],
            for_each_row: true,
            old_table: None,
            new_table: None,
            function: function.key(),
            origin: origin.clone(),
        });
        // The prior versions, written once per statement from its old rows
        // (one trigger per event: transition tables allow no more).
        for event in ["update", "delete"] {
            triggers.push(Trigger {
                name: names::fit(format!("trg_{}_history_{event}", t.sql.name)),
                table: t.sql.clone(),
                timing: "after".into(),
                events: vec![event.into()],
                for_each_row: false,
                old_table: Some(OLD_ROWS.into()),
                new_table: None,
                function: function.key(),
                origin: origin.clone(),
            });
        }
        functions.push(function);
        histories.push(table);
    }
    if histories.is_empty() {
        return;
    }
    // `=` on scalar key columns inside a GiST exclusion constraint.
    if !model.extensions.iter().any(|e| e.name == "btree_gist") {
        let span = histories[0].origin.span;
        model.extensions.push(Extension {
            name: "btree_gist".into(),
            schema: "public".into(),
            doc: None,
            origin: made_by(POLICY, span),
        });
        model.extensions.sort_by(|a, b| a.name.cmp(&b.name));
    }
    model.tables.extend(histories);
    model.functions.extend(functions);
    model.triggers.extend(triggers);
}

/// `<table>_history`: the table's columns (types and nullability only),
/// the period each version was current and who ended it.
fn history_table(
    t: &Table,
    history: &QName,
    pk: &PrimaryKey,
    origin: &crate::model::Origin,
) -> Table {
    let mut columns: Vec<Column> = t
        .columns
        .iter()
        .map(|c| Column {
            name: c.name.clone(),
            field: c.field.clone(),
            ty: c.ty.clone(),
            nullable: c.nullable,
            default: None,
            generated: None,
            identity: None,
            secret: c.secret,
            doc: None,
            origin: origin.clone(),
        })
        .collect();
    columns.push(Column {
        name: VALID.into(),
        field: VALID.into(),
        ty: SqlType::builtin("tstzrange"),
        nullable: false,
        default: None,
        generated: None,
        identity: None,
        secret: false,
        doc: Some("When this version was current: from its change to the next one.".into()),
        origin: origin.clone(),
    });
    columns.push(Column {
        name: ACTOR.into(),
        field: ACTOR.into(),
        ty: SqlType::builtin("text"),
        nullable: true,
        default: None,
        generated: None,
        identity: None,
        secret: false,
        doc: Some(format!(
            "Who ended this version (the setting `{ACTOR_SETTING}`)."
        )),
        origin: origin.clone(),
    });
    let mut key = pk.columns.clone();
    key.push(VERSION.into());
    let mut elements: Vec<ExcludeElement> = pk
        .columns
        .iter()
        .map(|c| ExcludeElement {
            element: IndexElement::column(c.clone()),
            operator: "=".into(),
        })
        .collect();
    elements.push(ExcludeElement {
        element: IndexElement::column(VALID),
        operator: "&&".into(),
    });
    Table {
        name: format!("{}History", t.name),
        sql: history.clone(),
        doc: Some(format!(
            "Every prior version of the rows of {}, with when it was current.",
            t.sql
        )),
        columns,
        primary_key: Some(PrimaryKey {
            name: names::fit(format!("pk_{}", history.name)),
            columns: key,
            doc: None,
            origin: origin.clone(),
        }),
        uniques: Vec::new(),
        checks: Vec::new(),
        foreign_keys: Vec::new(),
        excludes: vec![Exclude {
            name: names::fit(format!("excl_{}_valid", history.name)),
            method: IndexMethod::Gist,
            elements,
            predicate: None,
            doc: Some(
                "A row has one version at a time: the periods of its versions never overlap."
                    .into(),
            ),
            origin: origin.clone(),
        }],
        indexes: Vec::new(),
        depends_on: Vec::new(),
        partition: None,
        retain: None,
        distribution: None,
        policies: Vec::new(),
        grants: Vec::new(),
        declared_policies: Default::default(),
        origin: origin.clone(),
    }
}

/// The trigger function, run per row before an insert or update (version
/// 1 from now; refuse a stale version, count one more) and per statement
/// after an update or delete (the statement's prior versions, in one
/// insert into the history).
fn trigger_body(t: &Table, history: &QName) -> String {
    // By name: the text does not depend on the order columns were declared.
    let mut columns: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    columns.sort_unstable();
    let names: Vec<String> = columns.iter().map(|c| ident(c)).collect();
    let old: Vec<String> = columns.iter().map(|c| format!("o.{}", ident(c))).collect();
    let (version, valid_from) = (ident(VERSION), ident(VALID_FROM));
    format!(
        "begin
  if tg_level = 'STATEMENT' then
    insert into {history} ({names}, {valid}, {actor})
    select {old}, tstzrange(o.{valid_from}, now()), s.actor
      from (select current_setting({setting}, true) as actor) s, {OLD_ROWS} o;
    return null;
  end if;
  if tg_op = 'INSERT' then
    new.{version} := 1;
    new.{valid_from} := now();
    return new;
  end if;
  if new.{version} is distinct from old.{version} then
    raise exception 'stale version of a row of %: version % was read, % is current', {table}, new.{version}, old.{version}
      using errcode = '40001', hint = 'read the row again and retry';
  end if;
  new.{version} := old.{version} + 1;
  new.{valid_from} := now();
  return new;
end;",
        table = literal(&t.sql.to_string()),
        history = Qualified(history),
        names = names.join(", "),
        old = old.join(", "),
        valid = ident(VALID),
        actor = ident(ACTOR),
        setting = literal(ACTOR_SETTING),
    )
}
