//! `security/sensitive-plain`: identity and payment numbers stored in
//! plain.

use crate::lint::{facts, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "security/sensitive-plain",
    summary: "a national id, tax id, bank account or card number stored in plain",
    rationale: "Social security numbers, tax ids, passport numbers, IBANs and card numbers let whoever reads them commit fraud in the person's name; laws (GDPR art. 32, PCI DSS for card numbers) require them to be protected at rest. Store them encrypted (`bytea`, the key outside the database), keep only what the application shows (`card_last4`), or a token from the payment provider instead of the card number. Columns named for the protected form (`*_encrypted`, `*_hash`, `*_last4`, `*_masked`, `*_token`) and `bytea` columns pass.",
    bad: "entity Employee {\n  id  bigint @pk @identity\n  ssn char(11)\n}\n",
    good: "entity Employee {\n  id            bigint @pk @identity\n  /// Encrypted by the application; the key lives in the key vault.\n  ssn_encrypted bytea\n}\n",
    check,
    ..BASE
};

const SENSITIVE: &[&str] = &["ssn", "social_security_number", "national_id", "national_insurance_number", "tax_id", "passport_number", "passport_no", "drivers_license", "driver_license_number", "iban", "bank_account_number", "card_number", "credit_card", "credit_card_number", "medical_record_number"];
const PROTECTED: &[&str] = &["encrypted", "enc", "hash", "hashed", "digest", "last4", "last_four", "masked", "token", "fingerprint", "ref", "reference"];

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for c in cx.columns() {
        let family = facts::family(cx, &c.column.ty);
        // A reference (`tax_id -> Tax`) holds a key, not the number.
        if family == "bytea" || facts::in_foreign_key(c.table, &c.column.name) {
            continue;
        }
        let name = facts::lowercase(&c.column.name);
        let name = &*name;
        let last = name.split(['_', ' ', '-']).rfind(|w| !w.is_empty());
        if last.is_some_and(|w| PROTECTED.contains(&w)) {
            continue;
        }
        let hit = SENSITIVE.iter().find(|s| {
            name == **s
                || name.strip_suffix(**s).is_some_and(|r| r.ends_with('_'))
                || name.strip_prefix(**s).is_some_and(|r| r.starts_with('_'))
        });
        let Some(hit) = hit else {
            continue;
        };
        out.push(
            cx.finding(format!(
                "`{}` looks like an identity or payment number (`{hit}`) stored in plain (judged by its name)",
                c.column.name
            ))
            .label(c.name_span(), "sensitive number in plain")
            .help("store it encrypted (`bytea`, key outside the database), or keep only the part shown (`_last4`) or a provider's token"),
        );
    }
}
