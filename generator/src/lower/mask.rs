//! Masking, for non-production copies: `mask_data(key text)` rewrites
//! every `@pii` value and every `@mask` column, in the tables, the history
//! of `@versioned` tables and the audit log. A column's `@mask(...)` says
//! how (keep, null, a keyed hash, a fake of a class, a fixed value); a
//! classified column without one gets `pii_fake` of its class, from a
//! keyed hash of the value. The same key and data give the same values;
//! distinct values of a column unique on its own stay distinct, and
//! classes keep their shape (an email stays an email), so keys and most
//! checks still hold. Strategies that could not hold (NULL in a NOT NULL
//! column, one value in a unique one...) are `schemac::bad_mask`. Run
//! after the privacy functions exist (`pii.rs`), so the fake function is
//! in the model.

use super::made_by;
use super::pii::{
    encrypted, encryption, fits, home, kind, type_sql, unique_alone, write_value, Kind,
};
use crate::key::{Key, ObjectKind};
use crate::model::{Column, Expr, Function, MaskStrategy, Model, QName, RawSql, Table};
use crate::names;
use crate::quote::{ident, literal, Qualified};
use dsl::{Code, Diagnostic, Span};
use rustc_hash::FxHashMap as HashMap;

const POLICY: &str = "pii";
/// Hex digits of an md5: a hash shorter than this may collide.
const HASH_DIGITS: u32 = 32;

pub(super) fn lower(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    if !check(model, diagnostics) {
        return;
    }
    let Some((schema, at)) = home(model) else {
        return;
    };
    let fake = QName::new(schema.as_str(), "pii_fake");
    let fake_key = Key::member(
        ObjectKind::Function,
        fake.clone(),
        "text, text, text, boolean",
    );
    // `pii.rs` refused the classifications: nothing to mask with.
    if !model.functions.iter().any(|f| f.key() == fake_key) {
        return;
    }
    let log = QName::new(super::audit::SCHEMA, super::audit::LOG);
    let log_key = Key::new(ObjectKind::Table, log.clone());
    let log_exists = model.tables.iter().any(|t| t.sql == log);
    let mut tables: Vec<&Table> = model
        .tables
        .iter()
        .filter(|t| !strategies(t).is_empty())
        .collect();
    tables.sort_by(|a, b| a.sql.cmp(&b.sql));
    let origin = made_by(POLICY, at);
    if tables.is_empty() {
        revoke_from_public(model, &schema, origin);
        return;
    }
    let mut steps = Vec::new();
    let mut audit_steps = Vec::new();
    let mut depends = vec![fake_key];
    for t in tables {
        let masked = strategies(t);
        let history = QName::new(
            t.sql.schema.clone(),
            names::fit(format!("{}_history", t.sql.name)),
        );
        let mut targets = vec![(t.sql.clone(), true)];
        if t.declared_policies.versioned.is_some() && model.tables.iter().any(|h| h.sql == history)
        {
            targets.push((history, false));
        }
        for (q, own) in targets {
            depends.push(Key::new(ObjectKind::Table, q.clone()));
            let columns = model.tables.iter().find(|h| h.sql == q);
            let mut sets: Vec<String> = Vec::new();
            for (c, strategy) in &masked {
                let blind = encrypted(t, &c.name);
                // A ciphertext is masked from its plaintext.
                let original = match blind {
                    Some(_) => format!("{}({})", encryption("decrypt"), ident(&c.name)),
                    None => format!("{}::text", ident(&c.name)),
                };
                let Some(text) = value(model, t, c, strategy, &original, own, &fake) else {
                    sets.push(format!("{} = null", ident(&c.name)));
                    continue;
                };
                sets.push(format!(
                    "{} = {}",
                    ident(&c.name),
                    write_value(model, t, c, &text)
                ));
                // Triggers are off: the blind index is set here.
                let blind_column = crate::names::fit(format!("{}_blind", c.name));
                if blind == Some(true) && columns.is_some_and(|h| h.column(&blind_column).is_some())
                {
                    sets.push(format!(
                        "{} = {}({text})",
                        ident(&blind_column),
                        encryption("blind_index")
                    ));
                }
            }
            let table = Qualified(&q);
            // Triggers off: masking is not a change to audit, version or
            // notify, and `@timestamps` would move `updated_at`.
            steps.push(format!(
                "alter table {table} disable trigger user;\n  update {table} set {};\n  get diagnostics pii_n = row_count;\n  pii_total := pii_total + pii_n;\n  alter table {table} enable trigger user;",
                sets.join(", ")
            ));
        }
        if log_exists && t.declared_policies.audit.is_some() {
            // Secret and encrypted columns never reach the log.
            let logged: Vec<&(&Column, MaskStrategy)> =
                masked.iter().filter(|(c, _)| !c.secret).collect();
            if logged.is_empty() {
                continue;
            }
            let image = |side: &str| audit_image(model, t, &logged, side, &fake);
            let table = literal(&t.sql.to_string());
            // Rows of one written row each (earlier releases).
            audit_steps.push(format!(
                "update {} set old = {}, new = {}\n   where table_name = {table} and key is not null;",
                Qualified(&log),
                image("old"),
                image("new"),
            ));
            // Rows of a statement: each entry of both arrays.
            let rows = |side: &str| {
                format!(
                    "(select json_agg(({})::json order by e.n) from json_array_elements({side}_rows) with ordinality as e(image, n))",
                    image("(e.image::jsonb)")
                )
            };
            audit_steps.push(format!(
                "update {} set old_rows = {},\n                     new_rows = {}\n   where table_name = {table} and key is null;",
                Qualified(&log),
                rows("old"),
                rows("new"),
            ));
        }
    }
    if !audit_steps.is_empty() {
        depends.push(log_key);
        steps.push("-- The audit log: each masked value in the old and new images.".into());
        steps.extend(audit_steps);
    }
    depends.sort();
    depends.dedup();
    let function = Function {
        sql: QName::new(schema.as_str(), "mask_data"),
        args: "text".into(),
        returns: "bigint".into(),
        language: "plpgsql".into(),
        body: format!(
            "#variable_conflict use_column
declare
  pii_n bigint;
  pii_total bigint := 0;
begin
  if $1 is null or $1 = '' then
    raise exception 'mask_data needs a key' using hint = 'the same key gives the same fakes; keep it out of the copy';
  end if;
  {}
  return pii_total;
end;",
            steps.join("\n  ")
        ),
        depends_on: depends,
        security_definer: true,
        doc: Some("For non-production copies only: rewrites every column classified `@pii` (with a realistic fake of its class) and every column with `@mask` (as it says), in its table, the history of versioned tables and the audit log; fakes and hashes derive from a keyed hash of the value (the argument is the key). The same key and data give the same values; a column unique on its own stays unique. Returns the number of table rows rewritten.".into()),
        origin: origin.clone(),
    };
    model.functions.push(function);
    revoke_from_public(model, &schema, origin);
}

/// The columns `mask_data` rewrites and how, by column name: each `@mask`
/// but `keep`, and each classified column without one (a fake of its
/// class).
fn strategies(t: &Table) -> Vec<(&Column, MaskStrategy)> {
    let policies = &t.declared_policies;
    let mut out: Vec<(&Column, MaskStrategy)> = Vec::new();
    for c in &t.columns {
        let declared = policies.mask.iter().find(|m| m.column == c.name);
        let strategy = match (declared, policies.pii.iter().find(|p| p.column == c.name)) {
            (Some(m), _) => m.strategy.clone(),
            (None, Some(p)) => MaskStrategy::Fake(p.class),
            (None, None) => continue,
        };
        if strategy != MaskStrategy::Keep {
            out.push((c, strategy));
        }
    }
    out.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    out
}

/// The masked value of `c` as text, from `original` (the value as text);
/// `None` for NULL. NULL stays NULL in every strategy.
fn value(
    model: &Model,
    t: &Table,
    c: &Column,
    strategy: &MaskStrategy,
    original: &str,
    own: bool,
    fake: &QName,
) -> Option<String> {
    Some(match strategy {
        MaskStrategy::Keep | MaskStrategy::Null => return None,
        MaskStrategy::Fake(class) => format!(
            "{}({}, $1, {original}, {})",
            Qualified(fake),
            literal(class.name()),
            own && unique_alone(t, &c.name)
        ),
        MaskStrategy::Hash => hash(model, t, c, original),
        MaskStrategy::Fixed(lit) => {
            format!("case when ({original}) is null then null else {lit} end")
        }
    })
}

/// A keyed md5 of the value, cut to the column's length when shorter.
fn hash(model: &Model, t: &Table, c: &Column, original: &str) -> String {
    let h = format!("md5($1 || ':' || ({original}))");
    match text_length(model, t, c) {
        Some(n) if n < HASH_DIGITS => format!("left({h}, {n})"),
        _ => h,
    }
}

/// The declared length of a `varchar(n)` or `char(n)` column.
fn text_length(model: &Model, t: &Table, c: &Column) -> Option<u32> {
    if encrypted(t, &c.name).is_some() || kind(model, &c.ty) != Kind::Text {
        return None;
    }
    match c.ty.builtin_name() {
        Some("varchar" | "char") => c.ty.args.first().copied(),
        _ => None,
    }
}

/// An audit image (`old` or `new`) with the masked values: `||` an object
/// of the new values, where a value absent from the image, or JSON null,
/// gives NULL and is stripped, so it stays as it was; `null` columns set
/// to JSON null where the image has them.
fn audit_image(
    model: &Model,
    t: &Table,
    masked: &[&(&Column, MaskStrategy)],
    side: &str,
    fake: &QName,
) -> String {
    let mut pairs = Vec::new();
    let mut nulls = Vec::new();
    for (c, strategy) in masked {
        let name = literal(&c.name);
        let original = format!("{side} ->> {name}");
        match value(model, t, c, strategy, &original, false, fake) {
            None => nulls.push(name),
            Some(text) => {
                // As the table holds it (a uuid hash with its dashes).
                let typed = match kind(model, &c.ty) {
                    Kind::Json => text,
                    _ => format!("({text})::{}", type_sql(&c.ty)),
                };
                pairs.push(format!("{name}, to_jsonb({typed})"));
            }
        }
    }
    let mut image = if pairs.is_empty() {
        side.to_string()
    } else {
        format!(
            "{side} || jsonb_strip_nulls(jsonb_build_object({}))",
            pairs.join(", ")
        )
    };
    for name in nulls {
        image = format!("jsonb_set({image}, array[{name}], 'null', false)");
    }
    image
}

/// Every `@mask` the column can take, or diagnostics.
fn check(model: &Model, diagnostics: &mut Vec<Diagnostic>) -> bool {
    let mut ok = true;
    for t in &model.tables {
        let mut seen: HashMap<&str, Span> = HashMap::default();
        for m in &t.declared_policies.mask {
            let at = m.origin.span;
            let Some(c) = t.column(&m.column) else {
                continue;
            };
            let mut refuse = |message: String, label: &str, help: &str| {
                ok = false;
                diagnostics.push(
                    Diagnostic::error(Code::BadMask, message)
                        .label(at, label.to_string())
                        .label(c.origin.span, "the column")
                        .help(help.to_string()),
                );
            };
            if let Some(first) = seen.insert(&m.column, at) {
                ok = false;
                diagnostics.push(
                    Diagnostic::error(Code::BadMask, format!("`{}` is masked twice", c.name))
                        .label(at, "a second `@mask`")
                        .label(first, "the first")
                        .help("a column is masked one way: keep one `@mask`"),
                );
                continue;
            }
            if m.strategy == MaskStrategy::Keep {
                continue;
            }
            let in_pk = t
                .primary_key
                .as_ref()
                .is_some_and(|k| k.columns.contains(&c.name));
            let in_fk = t.foreign_keys.iter().any(|f| f.columns.contains(&c.name));
            if in_pk || in_fk {
                refuse(
                    format!(
                        "`{}` is part of a {} and cannot be masked",
                        c.name,
                        if in_pk { "primary key" } else { "foreign key" }
                    ),
                    "rewrites a key column",
                    "masking a key would break the rows that reference it: keep the key (`@mask(keep)` or no `@mask`) and mask the columns that hold the data",
                );
                continue;
            }
            if c.identity.is_some() || c.generated.is_some() {
                refuse(
                    format!(
                        "`{}` is {} column and cannot be written",
                        c.name,
                        if c.identity.is_some() {
                            "an identity"
                        } else {
                            "a generated"
                        }
                    ),
                    "rewrites the column",
                    "mask the columns it is computed from, or leave it as it is",
                );
                continue;
            }
            let k = if encrypted(t, &c.name).is_some() {
                Kind::Text
            } else {
                kind(model, &c.ty)
            };
            let in_unique = unique_with(t, &c.name);
            match &m.strategy {
                MaskStrategy::Keep => {}
                MaskStrategy::Null if !c.nullable => refuse(
                    format!("`@mask(null)` on `{}`, which is NOT NULL", c.name),
                    "writes NULL",
                    "mask it with `hash`, `fake: <class>` or a fixed value, or make the column nullable",
                ),
                MaskStrategy::Null => {}
                MaskStrategy::Fixed(_) if in_unique => refuse(
                    format!("a fixed value for `{}`, which is in a unique key", c.name),
                    "gives every row the same value",
                    "a unique column needs distinct values: mask it with `hash` or `fake: <class>`",
                ),
                MaskStrategy::Fixed(_) => {}
                MaskStrategy::Hash => {
                    let bytea = c.ty.array_dims == 0 && c.ty.builtin_name() == Some("bytea");
                    if !matches!(k, Kind::Text | Kind::Uuid) && !bytea {
                        refuse(
                            format!(
                                "`@mask(hash)` on `{}`, {} `{}` column",
                                c.name,
                                crate::resolve::article(&c.ty.to_string()),
                                c.ty
                            ),
                            "a hash is hex digits",
                            "a hash fits text, `uuid` and `bytea` columns: mask this one with a fixed value, `null` or `fake: <class>`",
                        );
                    } else if let Some(n) = text_length(model, t, c)
                        .filter(|&n| n < HASH_DIGITS && unique_alone(t, &c.name))
                    {
                        refuse(
                            format!(
                                "`@mask(hash)` on `{}`, unique and only {n} characters long",
                                c.name
                            ),
                            "cut to the column's length, a hash may collide",
                            "a unique column keeps distinct values with the hash's 32 hex digits: widen the column to 32 or more, or mask it with `fake: <class>`",
                        );
                    }
                }
                MaskStrategy::Fake(class) => {
                    let (kinds, wanted) = fits(*class);
                    if !kinds.contains(&k) {
                        refuse(
                            format!(
                                "`@mask(fake: {})` on `{}`, {} `{}` column",
                                class.name(),
                                c.name,
                                crate::resolve::article(&c.ty.to_string()),
                                c.ty
                            ),
                            &format!("a fake {} is held in {wanted}", class.name()),
                            "choose a class whose values the column holds, or another strategy",
                        );
                    }
                }
            }
        }
    }
    ok
}

/// Whether `column` is in any unique key or unique index of `table`.
fn unique_with(table: &Table, column: &str) -> bool {
    let has = |cols: &[String]| cols.iter().any(|c| c == column);
    table.primary_key.as_ref().is_some_and(|p| has(&p.columns))
        || table.uniques.iter().any(|u| has(&u.columns))
        || table
            .indexes
            .iter()
            .any(|i| i.unique && i.elements.iter().any(|e| e.column_name() == Some(column)))
}

/// Security-definer functions a caller could misuse (export or erase
/// anyone, mask a production database) are not executable by every role,
/// which is PostgreSQL's default for a new function.
fn revoke_from_public(model: &mut Model, schema: &str, origin: crate::model::Origin) {
    let mut functions: Vec<&Function> = model
        .functions
        .iter()
        .filter(|f| {
            f.sql.schema == schema
                && ["export_subject", "erase_subject", "mask_data"].contains(&f.sql.name.as_str())
        })
        .collect();
    functions.sort_by_key(|f| f.key());
    let text: Vec<String> = functions
        .iter()
        .map(|f| {
            format!(
                "REVOKE EXECUTE ON FUNCTION {}({}) FROM PUBLIC;",
                Qualified(&f.sql),
                f.args
            )
        })
        .collect();
    let depends_on = functions.iter().map(|f| f.key()).collect();
    model.raw.push(RawSql {
        name: "privacy_functions".into(),
        schema: schema.to_string(),
        body: Expr::verbatim(text.join("\n"), origin.span),
        depends_on,
        creates: Vec::new(),
        doc: Some("The privacy functions run only for the roles they are granted to.".into()),
        origin,
    });
}
