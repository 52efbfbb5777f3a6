//! `@encrypted`: the column holds pgcrypto ciphertext (`bytea`), made and
//! read by generated functions whose keys live in `encryption.keys`, a table
//! only their owner can read. Keys are made inside the database
//! (`gen_random_bytes`), so no key is ever in a statement's text: not in
//! the script, a migration, the server log or `pg_stat_activity`.
//!
//! Each value starts with the 4-byte version of the key that encrypted it,
//! so `encryption.reencrypt(batch)` can find and re-encrypt old values after
//! `encryption.new_key()`, then delete the old keys. `@encrypted(blind_index)`
//! adds `<column>_blind`, an HMAC-SHA-256 of the value under a key of its own,
//! kept by a trigger and indexed, for equality lookups.

use super::made_by;
use crate::key::Key;
use crate::model::{
    Check, Column, Encrypted, Expr, Extension, Function, Identity, Index, IndexElement,
    IndexMethod, Model, Origin, PrimaryKey, QName, RawSql, SqlType, Table, Trigger,
};
use crate::names;
use crate::quote::{ident, literal, Qualified};
use dsl::{Code, Diagnostic, Span};
use std::fmt::Write;

const POLICY: &str = "encrypted";
/// The schema of the key table and the functions.
pub(super) const SCHEMA: &str = "encryption";
const KEYS: &str = "keys";
/// The first byte of a pgcrypto symmetric message (a new-format packet of
/// tag 3, the encrypted session key), after the 4-byte key version.
const PGP_TAG: u8 = 0xc3;

pub(super) fn lower(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    let mut first: Option<Span> = None;
    let mut tables: Vec<usize> = Vec::new();
    for ti in 0..model.tables.len() {
        let declared = model.tables[ti].declared_policies.encrypted.clone();
        if declared.is_empty() {
            continue;
        }
        let mut ok = true;
        for e in &declared {
            ok &= allowed(&model.tables[ti], e, diagnostics);
        }
        if !ok {
            continue;
        }
        let t = &mut model.tables[ti];
        if t.sql.schema == SCHEMA && t.sql.name == KEYS {
            diagnostics.push(
                Diagnostic::error(
                    Code::BadPolicy,
                    format!("{} is named {SCHEMA}.{KEYS}, the key table's name", t.name),
                )
                .label(t.origin.span, "takes the key table's name")
                .label(declared[0].origin.span, "needs the key table")
                .help("rename the table (`@table(...)` or `@schema(...)`)"),
            );
            continue;
        }
        for e in &declared {
            store_encrypted(t, e, diagnostics);
        }
        first = first.or(Some(declared[0].origin.span));
        tables.push(ti);
    }
    let Some(at) = first else {
        return;
    };
    let origin = made_by(POLICY, at);
    let crypto = pgcrypto(model, &origin);
    if !model.schemas.iter().any(|s| s == SCHEMA) {
        model.schemas.push(SCHEMA.to_string());
        model.schemas.sort();
    }
    let keys = key_table(&origin);
    let keys_q = keys.sql.clone();
    let mut depends = vec![keys.key(), Key::extension("pgcrypto")];
    depends.sort();
    let function =
        |name: &str, args: &str, returns: &str, body: String, depends_on: Vec<Key>, doc: &str| {
            Function {
                sql: QName::new(SCHEMA, name),
                args: args.into(),
                returns: returns.into(),
                language: "plpgsql".into(),
                body,
                depends_on,
                security_definer: true,
                doc: Some(doc.into()),
                origin: origin.clone(),
            }
        };
    let version = Function {
        sql: QName::new(SCHEMA, "key_version"),
        args: "bytea".into(),
        returns: "integer".into(),
        language: "sql".into(),
        body: "SELECT CASE WHEN length($1) >= 4 THEN ('x' || encode(substring($1 FROM 1 FOR 4), 'hex'))::bit(32)::integer END".into(),
        depends_on: Vec::new(),
        security_definer: false,
        doc: Some("The version of the key an encrypted value was made with: its first four bytes.".into()),
        origin: origin.clone(),
    };
    let encrypt = function(
        "encrypt",
        "text",
        "bytea",
        encrypt_body(&keys_q, &crypto),
        depends.clone(),
        "Encrypts a value with the newest data key (pgcrypto, AES-256): the key's version (4 bytes), then the OpenPGP message. NULL stays NULL.",
    );
    let mut decrypt_depends = depends.clone();
    decrypt_depends.push(version.key());
    let decrypt = function(
        "decrypt",
        "bytea",
        "text",
        decrypt_body(&keys_q, &crypto),
        decrypt_depends,
        "Decrypts a value made by encryption.encrypt with the key of its version; fails on a value no key here made.",
    );
    let blind = function(
        "blind_index",
        "text",
        "bytea",
        blind_body(&keys_q, &crypto),
        depends.clone(),
        "The blind index of a value: HMAC-SHA-256 under the blind-index key. Compare a `_blind` column with it to find a row by an encrypted value.",
    );
    let new_key = function(
        "new_key",
        "",
        "integer",
        format!(
            "DECLARE\n  _version integer;\nBEGIN\n  INSERT INTO {} (\"purpose\", \"key\") VALUES ('data', {}.gen_random_bytes(32)) RETURNING \"version\" INTO _version;\n  RETURN _version;\nEND;",
            Qualified(&keys_q),
            ident(&crypto)
        ),
        depends.clone(),
        "Makes a new data key, inside the database, and returns its version: from now on encryption.encrypt uses it. Then run encryption.reencrypt until it returns 0.",
    );
    let encrypted_tables: Vec<&Table> = {
        let mut v: Vec<&Table> = tables.iter().map(|&i| &model.tables[i]).collect();
        v.sort_by(|a, b| a.sql.cmp(&b.sql));
        v
    };
    let mut rotate_depends: Vec<Key> = encrypted_tables.iter().map(|t| t.key()).collect();
    rotate_depends.extend([encrypt.key(), decrypt.key(), version.key(), keys.key()]);
    rotate_depends.sort();
    let reencrypt = function(
        "reencrypt",
        "integer",
        "bigint",
        reencrypt_body(&keys_q, &encrypted_tables),
        rotate_depends,
        "Re-encrypts up to as many values as its argument says that an older data key made, with the newest key, and returns how many (more than 0: call again). When none is left it deletes the older data keys and returns 0. Run each call in its own transaction.",
    );
    let mut triggers = Vec::new();
    let mut blind_functions = Vec::new();
    for t in &encrypted_tables {
        let columns: Vec<&Encrypted> = t
            .declared_policies
            .encrypted
            .iter()
            .filter(|e| e.blind_index)
            .collect();
        if columns.is_empty() {
            continue;
        }
        let at = made_by(POLICY, columns[0].origin.span);
        let mut body = String::from("BEGIN\n");
        for e in &columns {
            let col = ident(&e.column);
            let blind_col = ident(&blind_name(&e.column));
            let _ = writeln!(
                body,
                "  IF tg_op = 'INSERT' OR new.{col} IS DISTINCT FROM old.{col} OR new.{blind_col} IS DISTINCT FROM old.{blind_col} THEN\n    new.{blind_col} := {}({}(new.{col}));\n  END IF;",
                Qualified(&blind.sql),
                Qualified(&decrypt.sql)
            );
        }
        body.push_str("  RETURN new;\nEND;");
        let f = Function {
            sql: QName::new(t.sql.schema.clone(), names::fit(format!("blind_index_{}", t.sql.name))),
            args: String::new(),
            returns: "trigger".into(),
            language: "plpgsql".into(),
            body,
            depends_on: vec![blind.key(), decrypt.key()],
            security_definer: true,
            doc: Some(format!(
                "Keeps the blind indexes of {}: the keyed hash of each encrypted value, recomputed when it changes.",
                t.sql
            )),
            origin: at.clone(),
        };
        triggers.push(Trigger {
            name: names::fit(format!("trg_{}_blind_index", t.sql.name)),
            table: t.sql.clone(),
            timing: "before".into(),
            events: vec!["insert".into(), "update".into()],
            for_each_row: true,
            old_table: None,
            new_table: None,
            function: f.key(),
            origin: at,
        });
        blind_functions.push(f);
    }
    // The first keys, made by the database: no key text anywhere.
    let first_keys = RawSql {
        name: "first_keys".into(),
        schema: SCHEMA.into(),
        body: Expr::verbatim(
            format!(
                "INSERT INTO {keys} (\"purpose\", \"key\")\nSELECT v.purpose, {crypto}.gen_random_bytes(32) FROM (VALUES ('data'), ('blind')) AS v (purpose)\nWHERE NOT EXISTS (SELECT 1 FROM {keys} k WHERE k.\"purpose\" = v.purpose)",
                keys = Qualified(&keys_q),
                crypto = ident(&crypto)
            ),
            at,
        ),
        depends_on: depends,
        creates: Vec::new(),
        doc: None,
        origin: origin.clone(),
    };
    let rights = rights(
        &encrypted_tables,
        &decrypt,
        &encrypt,
        &blind,
        &[&new_key, &reencrypt],
        &origin,
    );
    model.tables.push(keys);
    model.raw.push(first_keys);
    model.raw.push(rights);
    model
        .functions
        .extend([version, encrypt, decrypt, blind, new_key, reencrypt]);
    model.functions.extend(blind_functions);
    model.triggers.extend(triggers);
}

/// Who may call the functions: nobody but their owner by default (not
/// PUBLIC, as PostgreSQL would have it); a role that may read an encrypted
/// column may decrypt and compute blind indexes, one that may write it may
/// encrypt. Grants name roles the roles policy creates, so the block comes
/// after the tables that are granted.
fn rights(
    tables: &[&Table],
    decrypt: &Function,
    encrypt: &Function,
    blind: &Function,
    owner_only: &[&Function],
    origin: &Origin,
) -> RawSql {
    let signature = |f: &Function| format!("{}({})", Qualified(&f.sql), f.args);
    let mut all: Vec<String> = [decrypt, encrypt, blind]
        .into_iter()
        .chain(owner_only.iter().copied())
        .map(signature)
        .collect();
    all.sort();
    let mut body = format!("REVOKE EXECUTE ON FUNCTION {} FROM PUBLIC;", all.join(", "));
    let mut roles: std::collections::BTreeMap<&str, std::collections::BTreeSet<String>> =
        Default::default();
    let mut depends: Vec<Key> = vec![decrypt.key(), encrypt.key(), blind.key()];
    depends.extend(owner_only.iter().map(|f| f.key()));
    for t in tables {
        let encrypted: Vec<&str> = t
            .declared_policies
            .encrypted
            .iter()
            .map(|e| e.column.as_str())
            .collect();
        for g in &t.grants {
            if g.role.eq_ignore_ascii_case("public")
                || !(g.columns.is_empty()
                    || g.columns.iter().any(|c| encrypted.contains(&c.as_str())))
            {
                continue;
            }
            depends.push(t.key());
            let fns = roles.entry(g.role.as_str()).or_default();
            for p in &g.privileges {
                if matches!(p.as_str(), "select" | "all") {
                    fns.insert(signature(decrypt));
                    fns.insert(signature(blind));
                }
                if matches!(p.as_str(), "insert" | "update" | "all") {
                    fns.insert(signature(encrypt));
                }
            }
        }
    }
    for (role, fns) in &roles {
        if fns.is_empty() {
            continue;
        }
        let fns: Vec<&str> = fns.iter().map(String::as_str).collect();
        let _ = write!(
            body,
            "\nGRANT USAGE ON SCHEMA {} TO {role};\nGRANT EXECUTE ON FUNCTION {} TO {role};",
            ident(SCHEMA),
            fns.join(", "),
            role = ident(role)
        );
    }
    depends.sort();
    depends.dedup();
    RawSql {
        name: "encryption_rights".into(),
        schema: SCHEMA.into(),
        body: Expr::verbatim(body, origin.span),
        depends_on: depends,
        creates: Vec::new(),
        doc: None,
        origin: origin.clone(),
    }
}

/// The blind index column of an encrypted column.
fn blind_name(column: &str) -> String {
    names::fit(format!("{column}_blind"))
}

/// Reports what an encrypted column cannot be part of; true when nothing.
fn allowed(t: &Table, e: &Encrypted, diagnostics: &mut Vec<Diagnostic>) -> bool {
    let Some(c) = t.column(&e.column) else {
        return false;
    };
    let names_in = |x: &Expr| -> Vec<String> {
        crate::sqlparse::check_expr(&x.sql)
            .map(|c| c.names.into_iter().map(|n| n.name).collect())
            .unwrap_or_default()
    };
    let name = &e.column;
    let has = |cols: &[String]| cols.iter().any(|c| c == name);
    let mut uses: Vec<(String, Span)> = Vec::new();
    if let Some(pk) = &t.primary_key {
        if has(&pk.columns) {
            uses.push(("the primary key".into(), pk.origin.span));
        }
    }
    for u in &t.uniques {
        if has(&u.columns) {
            uses.push((format!("the unique key {}", u.name), u.origin.span));
        }
    }
    for f in &t.foreign_keys {
        if has(&f.columns) {
            uses.push((format!("the foreign key {}", f.name), f.origin.span));
        }
    }
    for i in &t.indexes {
        let mut cols: Vec<String> = i.include.clone();
        for el in &i.elements {
            match &el.target {
                crate::model::ElementTarget::Column { name } => cols.push(name.clone()),
                crate::model::ElementTarget::Expr { expr } => cols.extend(names_in(expr)),
            }
        }
        cols.extend(i.predicate.iter().flat_map(names_in));
        if has(&cols) {
            uses.push((format!("the index {}", i.name), i.origin.span));
        }
    }
    for x in &t.excludes {
        let mut cols: Vec<String> = Vec::new();
        for el in &x.elements {
            match &el.element.target {
                crate::model::ElementTarget::Column { name } => cols.push(name.clone()),
                crate::model::ElementTarget::Expr { expr } => cols.extend(names_in(expr)),
            }
        }
        cols.extend(x.predicate.iter().flat_map(names_in));
        if has(&cols) {
            uses.push((
                format!("the exclusion constraint {}", x.name),
                x.origin.span,
            ));
        }
    }
    for k in &t.checks {
        if has(&names_in(&k.expr)) {
            uses.push((format!("the check {}", k.name), k.origin.span));
        }
    }
    if let Some(p) = &t.partition {
        if has(&p.columns) {
            uses.push(("the partition key".into(), p.origin.span));
        }
    }
    if let Some(crate::model::Distribution::Distributed { column, origin, .. }) = &t.distribution {
        if column == name {
            uses.push(("the distribution column".into(), origin.span));
        }
    }
    if let Some((column, origin)) = &t.declared_policies.tenant {
        if column == name {
            uses.push(("`@tenant`".into(), origin.span));
        }
    }
    if let Some(r) = &t.retain {
        if r.column.as_deref() == Some(name.as_str()) {
            uses.push(("`@retain`'s time column".into(), r.origin.span));
        }
    }
    if let Some(d) = &c.default {
        uses.push(("a default".into(), d.span));
    }
    if c.identity.is_some() || c.generated.is_some() {
        uses.push(("a computed value".into(), c.origin.span));
    }
    for (what, span) in &uses {
        let mut d = Diagnostic::error(
            Code::EncryptedKey,
            format!("`{name}` of {} is `@encrypted` and used by {what}", t.name),
        )
        .label(
            e.origin.span,
            "encrypted: every value is random-looking ciphertext",
        );
        if *span != e.origin.span && *span != Span::default() {
            d = d.label(*span, "needs the plain value");
        }
        diagnostics.push(d.help(
            "PostgreSQL cannot compare, index or check ciphertext: take the column out of it, or use `@encrypted(blind_index)` for equality lookups",
        ));
    }
    uses.is_empty()
}

/// Turns a declared column into ciphertext: `bytea`, left out of audit
/// rows, checked to be ciphertext; and its blind index, if asked for.
fn store_encrypted(t: &mut Table, e: &Encrypted, diagnostics: &mut Vec<Diagnostic>) {
    let origin = made_by(POLICY, e.origin.span);
    let blind = blind_name(&e.column);
    if e.blind_index && !super::columns_free(t, &[&blind], POLICY, e.origin.span, diagnostics) {
        return;
    }
    let Some(c) = t.columns.iter_mut().find(|c| c.name == e.column) else {
        return;
    };
    c.ty = SqlType::builtin("bytea");
    c.secret = true;
    let nullable = c.nullable;
    let col = ident(&e.column);
    // A plain value written by mistake is refused: a value starts with the
    // key version, then the OpenPGP packet tag.
    let sql = format!(
        "CASE WHEN length({col}) > 4 THEN get_byte({col}, 4) = {PGP_TAG} ELSE {col} IS NULL END"
    );
    t.checks.push(Check {
        name: names::pattern("chk", &[&t.sql.name, &e.column, "ciphertext"]),
        expr: {
            let canonical = crate::sqlparse::canonical_expr(&sql);
            Expr::new(sql, canonical, e.origin.span)
        },
        doc: Some(format!(
            "`{}` holds ciphertext made by encryption.encrypt, never a plain value.",
            e.column
        )),
        origin: origin.clone(),
    });
    if !e.blind_index {
        return;
    }
    t.columns.push(Column {
        name: blind.clone(),
        field: blind.clone(),
        ty: SqlType::builtin("bytea"),
        nullable,
        default: None,
        generated: None,
        identity: None,
        secret: true,
        doc: Some(format!(
            "The blind index of `{}`: encryption.blind_index of its value, kept by a trigger. Find a row with `{} = encryption.blind_index(value)`.",
            e.column, blind
        )),
        origin: origin.clone(),
    });
    t.indexes.push(Index {
        name: names::pattern("idx", &[&t.sql.name, &blind]),
        method: IndexMethod::Btree,
        unique: false,
        nulls_not_distinct: false,
        elements: vec![IndexElement::column(blind)],
        include: Vec::new(),
        predicate: None,
        doc: None,
        origin,
    });
}

/// pgcrypto's schema: the one a declared `extension pgcrypto` names, else
/// the extension is created in the `encryption` schema.
fn pgcrypto(model: &mut Model, origin: &Origin) -> String {
    if let Some(x) = model.extensions.iter().find(|x| x.name == "pgcrypto") {
        return x.schema.clone();
    }
    model.extensions.push(Extension {
        name: "pgcrypto".into(),
        schema: SCHEMA.into(),
        doc: None,
        origin: origin.clone(),
    });
    model.extensions.sort_by(|a, b| a.name.cmp(&b.name));
    SCHEMA.into()
}

fn key_table(origin: &Origin) -> Table {
    let sql = QName::new(SCHEMA, KEYS);
    let column = |name: &str, ty: &str, doc: &str| {
        super::policy_column(name, ty, false, doc, origin.clone())
    };
    let mut version = column(
        "version",
        "integer",
        "The key's version: the first four bytes of every value it encrypts.",
    );
    version.identity = Some(Identity::Always);
    let mut created = column("created_at", "timestamptz", "When the key was made.");
    created.default = Some(Expr::verbatim("now()".into(), origin.span));
    let mut key = column(
        "key",
        "bytea",
        "32 random bytes, made by the database (gen_random_bytes): never in any statement's text.",
    );
    key.secret = true;
    let purpose_check = "\"purpose\" IN ('data', 'blind')".to_string();
    Table {
        name: "EncryptionKey".into(),
        sql: sql.clone(),
        doc: Some("The keys of the @encrypted columns: readable by their owner only, so by the encryption functions (security definers) and nobody else.".into()),
        columns: vec![
            version,
            column("purpose", "text", "`data` (encrypts values; the newest is current) or `blind` (the blind-index key)."),
            key,
            created,
        ],
        primary_key: Some(PrimaryKey {
            name: names::fit(format!("pk_{KEYS}")),
            columns: vec!["version".into()],
            doc: None,
            origin: origin.clone(),
        }),
        uniques: Vec::new(),
        checks: vec![Check {
            name: names::fit(format!("chk_{KEYS}_purpose")),
            expr: { let canonical = crate::sqlparse::canonical_expr(&purpose_check); Expr::new(purpose_check, canonical, origin.span) },
            doc: None,
            origin: origin.clone(),
        }],
        foreign_keys: Vec::new(),
        excludes: Vec::new(),
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

fn encrypt_body(keys: &QName, crypto: &str) -> String {
    format!(
        "DECLARE\n  _version integer;\n  _key bytea;\nBEGIN\n  IF $1 IS NULL THEN\n    RETURN NULL;\n  END IF;\n  SELECT k.\"version\", k.\"key\" INTO _version, _key FROM {} k WHERE k.\"purpose\" = 'data' ORDER BY k.\"version\" DESC LIMIT 1;\n  IF _key IS NULL THEN\n    RAISE EXCEPTION 'no data key in %', {};\n  END IF;\n  RETURN int4send(_version) || {}.pgp_sym_encrypt($1, encode(_key, 'hex'), 'cipher-algo=aes256, s2k-mode=1');\nEND;",
        Qualified(keys),
        literal(&keys.to_string()),
        ident(crypto)
    )
}

fn decrypt_body(keys: &QName, crypto: &str) -> String {
    format!(
        "DECLARE\n  _version integer := {version}($1);\n  _key bytea;\nBEGIN\n  IF $1 IS NULL THEN\n    RETURN NULL;\n  END IF;\n  SELECT k.\"key\" INTO _key FROM {keys} k WHERE k.\"purpose\" = 'data' AND k.\"version\" = _version;\n  IF _key IS NULL THEN\n    RAISE EXCEPTION 'no data key of version % in %', _version, {name};\n  END IF;\n  RETURN {crypto}.pgp_sym_decrypt(substring($1 FROM 5), encode(_key, 'hex'));\nEND;",
        version = Qualified(&QName::new(SCHEMA, "key_version")),
        keys = Qualified(keys),
        name = literal(&keys.to_string()),
        crypto = ident(crypto)
    )
}

fn blind_body(keys: &QName, crypto: &str) -> String {
    format!(
        "DECLARE\n  _key bytea;\nBEGIN\n  IF $1 IS NULL THEN\n    RETURN NULL;\n  END IF;\n  SELECT k.\"key\" INTO _key FROM {} k WHERE k.\"purpose\" = 'blind' ORDER BY k.\"version\" LIMIT 1;\n  IF _key IS NULL THEN\n    RAISE EXCEPTION 'no blind-index key in %', {};\n  END IF;\n  RETURN {}.hmac(convert_to($1, 'UTF8'), _key, 'sha256');\nEND;",
        Qualified(keys),
        literal(&keys.to_string()),
        ident(crypto)
    )
}

/// Re-encryption: per encrypted column, up to `$1 - done` stale values;
/// when there were none, the older keys go, after a `SHARE` lock on each
/// table has waited for writers that may still hold values of an old key
/// (if such values appeared, it returns 1: there is work left).
fn reencrypt_body(keys: &QName, tables: &[&Table]) -> String {
    let version = Qualified(&QName::new(SCHEMA, "key_version"));
    let encrypt = Qualified(&QName::new(SCHEMA, "encrypt"));
    let decrypt = Qualified(&QName::new(SCHEMA, "decrypt"));
    let mut body = format!(
        "DECLARE\n  _current integer;\n  _done bigint := 0;\n  _n bigint;\nBEGIN\n  SELECT max(k.\"version\") INTO _current FROM {} k WHERE k.\"purpose\" = 'data';\n",
        Qualified(keys)
    );
    let mut finish = String::new();
    for t in tables {
        let q = Qualified(&t.sql);
        // Which rows: by primary key, else by physical position (with the
        // partition, on a partitioned table, since positions repeat there).
        let rows = match &t.primary_key {
            Some(pk) => {
                let cols: Vec<String> = pk.columns.iter().map(|c| ident(c)).collect();
                format!("({})", cols.join(", "))
            }
            None if t.partition.is_some() => "(tableoid, ctid)".into(),
            None => "ctid".into(),
        };
        for e in &t.declared_policies.encrypted {
            let col = ident(&e.column);
            let stale = format!("{col} IS NOT NULL AND {version}({col}) <> _current");
            let _ = writeln!(
                body,
                "  UPDATE {q} SET {col} = {encrypt}({decrypt}({col}))\n  WHERE {rows} IN (SELECT {rows} FROM {q} WHERE {stale} LIMIT $1 - _done FOR UPDATE);\n  GET DIAGNOSTICS _n = ROW_COUNT;\n  _done := _done + _n;\n  IF _done >= $1 THEN\n    RETURN _done;\n  END IF;"
            );
            let _ = writeln!(
                finish,
                "  IF EXISTS (SELECT 1 FROM {q} WHERE {stale}) THEN\n    RETURN 1;\n  END IF;"
            );
        }
    }
    let _ = writeln!(body, "  IF _done > 0 THEN\n    RETURN _done;\n  END IF;");
    for t in tables {
        let _ = writeln!(body, "  LOCK TABLE {} IN SHARE MODE;", Qualified(&t.sql));
    }
    body.push_str(&finish);
    let _ = write!(
        body,
        "  DELETE FROM {} WHERE \"purpose\" = 'data' AND \"version\" < _current;\n  RETURN 0;\nEND;",
        Qualified(keys)
    );
    body
}
