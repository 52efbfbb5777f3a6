//! `security/card-verification-stored`: a card's security code in the
//! database.

use crate::lint::{facts, Level, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "security/card-verification-stored",
    level: Level::Error,
    summary: "a column for a card's security code (CVV, CVC)",
    rationale: "PCI DSS (requirement 3.3.1.2) forbids storing a card's verification code after authorization, encrypted or not: it exists to prove that whoever pays holds the card, and a stored copy defeats that. Pass it to the payment provider and forget it; nothing of it belongs in a table.",
    bad: "entity PaymentCard {\n  id    bigint @pk @identity\n  last4 char(4)\n  cvv   char(3)\n}\n",
    good: "entity PaymentCard {\n  id    bigint @pk @identity\n  last4 char(4)\n}\n",
    check,
    ..BASE
};

const CODES: &[&str] = &["cvv", "cvv2", "cvc", "cvc2", "cid", "csc", "card_security_code", "card_verification_code", "card_verification_value", "security_code"];

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for c in cx.columns() {
        let name = facts::lowercase(&c.column.name);
        let name = &*name;
        let card_table = c.table.sql.name.contains("card") || c.table.sql.name.contains("payment");
        let hit = CODES
            .iter()
            .any(|k| name == *k || name.strip_suffix(k).is_some_and(|r| r.ends_with('_')))
            && ((name != "security_code" && name != "cid") || card_table);
        if hit {
            out.push(
                cx.finding(format!(
                    "`{}` stores a card verification code, which must never be stored",
                    c.column.name
                ))
                .label(c.name_span(), "forbidden after authorization")
                .help("drop the column: pass the code to the payment provider and keep nothing of it"),
            );
        }
    }
}
