//! `security/plain-secret`: a password, token or key stored as it is.

use crate::lint::{facts, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "security/plain-secret",
    summary: "a column that stores a secret (`password`, `token`, `api_key`, `secret`) in plain",
    rationale: "Whoever reads the table (a backup, a replica, a support session, an SQL injection) can then sign in as every user or call every API. A password is stored as a slow salted hash (bcrypt, argon2), a token or API key as a hash of itself (SHA-256 is enough for random tokens) that the application compares with the hash of what it receives, and a secret that must be read back (a third party's key) encrypted, with the key outside the database. Name the column for what it holds (`password_hash`, `token_hash`, `api_key_encrypted`): the rule reads the last word of the name, so a hashed column named so passes.",
    bad: "entity ApiClient {\n  id      bigint @pk @identity\n  api_key text @unique\n}\n",
    good: "entity ApiClient {\n  id           bigint @pk @identity\n  /// SHA-256 of the key; the key itself is shown once and never stored.\n  api_key_hash bytea @unique\n}\n",
    check,
    ..BASE
};

/// Last words (or two-word endings) that name a secret.
const SECRET: &[&str] = &["password", "passwd", "pwd", "token", "secret", "passphrase", "api_key", "apikey", "private_key", "secret_key", "access_key", "signing_key", "client_secret"];

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for c in cx.columns() {
        let family = facts::family(cx, &c.column.ty);
        if !matches!(&*family, "text" | "bytea" | "uuid" | "jsonb" | "json") {
            continue;
        }
        // The last word, and the last two joined by `_`, without building
        // them for every column.
        let name = facts::lowercase(&c.column.name);
        let mut words = name.split(['_', ' ', '-']).filter(|w| !w.is_empty()).rev();
        let (last, before) = (words.next().unwrap_or(""), words.next());
        let last_two = |s: &str| {
            before.is_some_and(|b| {
                s.len() == b.len() + 1 + last.len()
                    && s.starts_with(b)
                    && s.ends_with(last)
                    && s.as_bytes()[b.len()] == b'_'
            })
        };
        if !(SECRET.contains(&last) || SECRET.iter().any(|s| last_two(s))) {
            continue;
        }
        out.push(
            cx.finding(format!(
                "`{}` holds a secret as it is: anyone who can read the table can use it",
                c.column.name
            ))
            .label(c.name_span(), "plain secret")
            .help(format!(
                "store a hash (`{}_hash`, compared with the hash of what the client sends) or, if it must be read back, an encrypted value (`{}_encrypted`)",
                c.column.name, c.column.name
            )),
        );
    }
}
