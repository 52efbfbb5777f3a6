//! `security/pii-unclassified`: a column that looks like personal data
//! and is not classified.

use crate::lint::{facts, Knob, KnobDefault, Level, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "security/pii-unclassified",
    level: Level::Info,
    summary: "a column whose name says it holds personal data (`email`, `phone`, `birth_date`, `ip_address`, names, addresses), not classified with `@pii`",
    rationale: "GDPR and its peers ask for an inventory of personal data: what is held, where, and why, so that a subject's data can be exported or erased and retention applied. The inventory is only as good as its coverage, and columns added later are the ones it misses. This rule lists columns whose names suggest personal data and that carry no `@pii(...)` classification, so a reviewer sees each one when it is added. It reports at level info; raise it to warning in `schemac.toml` once a project classifies its data (`@pii` columns are in `export_subject`, `erase_subject` and `mask_data`, docs/policies.md). The name patterns are the knob `words` (matched against the words of the column name).",
    bad: "entity Customer {\n  id    bigint @pk @identity\n  email text\n}\n",
    good: "entity Customer {\n  id     bigint @pk @identity\n  /// An opaque handle chosen by the customer.\n  handle text\n}\n",
    knobs: &[Knob {
        name: "words",
        default: KnobDefault::List(&["email", "phone", "mobile", "ssn", "birth_date", "birthday", "date_of_birth", "dob", "ip", "ip_address", "first_name", "last_name", "full_name", "given_name", "family_name", "surname", "address", "street", "postal_code", "zip", "gender", "nationality", "passport"]),
        help: "name endings that mark a column as personal data (one word, or several joined by `_`)",
    }],
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    // Each pattern's words, split once rather than per column.
    let patterns: Vec<(String, Vec<String>)> = cx
        .knob_list("words")
        .into_iter()
        .map(|p| {
            let words = facts::words(&p);
            (p, words)
        })
        .collect();
    for c in cx.columns() {
        let classified = c
            .table
            .declared_policies
            .pii
            .iter()
            .any(|p| p.column == c.column.name);
        if classified || facts::in_foreign_key(c.table, &c.column.name) {
            continue;
        }
        let name = facts::lowercase(&c.column.name);
        let end = facts::last_word(&name);
        let hit = patterns
            .iter()
            .find(|(_, pw)| facts::ends_with_words(&name, end, pw));
        let Some((hit, _)) = hit else {
            continue;
        };
        out.push(
            cx.finding(format!(
                "`{}.{}` looks like personal data ({hit}) and is not classified",
                c.table.sql.name, c.column.name
            ))
            .label(c.name_span(), "unclassified personal data")
            .help("classify it (`@pii(...)`) so the data inventory, export and erasure include it"),
        );
    }
}
