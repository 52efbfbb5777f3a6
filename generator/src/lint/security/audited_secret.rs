//! `security/audited-secret`: an audited table whose secret or sensitive
//! column is copied into every audit row.

use crate::lint::{facts, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "security/audited-secret",
    summary: "a column named like a secret (`password`, `token`, `ssn`, `iban`, `card`) in an `@audit` table, neither `@encrypted` nor `@secret`",
    rationale: "`@audit` copies every column of each written row into the audit log, which is kept for months, read by auditors and exported: a password hash, a token, a national id or an IBAN there is a second copy that outlives the row and escapes its grants (and `erase` of the row). Mark the column `@secret` (the audit row leaves it out) or `@encrypted` (stored as ciphertext, also left out). The rule reads the words of the column's name, so a hash (`password_hash`) counts: it still lets whoever reads the log try passwords offline.",
    bad: "entity Login @audit {\n  id            bigint @pk @identity\n  password_hash text\n}\n",
    good: "entity Login @audit {\n  id            bigint @pk @identity\n  password_hash text @secret\n}\n",
    check,
    ..BASE
};

/// Words (or two-word runs) of a name that say it holds a secret or a
/// sensitive number.
const WORDS: &[&str] = &["password", "passwd", "pwd", "token", "secret", "passphrase", "api_key", "apikey", "private_key", "ssn", "iban", "card", "pan", "cvv", "cvc", "tax_id", "passport", "national_id"];

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for c in cx.columns() {
        if c.table.declared_policies.audit.is_none() || c.column.secret {
            continue;
        }
        // A reference (`card_id -> Card`) holds a key, not the secret.
        if facts::in_foreign_key(c.table, &c.column.name) {
            continue;
        }
        let words = facts::words(&c.column.name);
        let pairs = words.windows(2).map(|w| format!("{}_{}", w[0], w[1]));
        let hit = words
            .iter()
            .cloned()
            .chain(pairs)
            .find(|w| WORDS.contains(&w.as_str()));
        let Some(hit) = hit else {
            continue;
        };
        out.push(
            cx.finding(format!(
                "`{}` (`{hit}`) is copied into every audit row of {}",
                c.column.name, c.table.name
            ))
            .label(c.name_span(), "audited as it is")
            .help("mark it `@secret` (left out of audit rows) or `@encrypted` (ciphertext, also left out)"),
        );
    }
}
