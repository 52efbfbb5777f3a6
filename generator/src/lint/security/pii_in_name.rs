//! `security/pii-in-name`: an index or constraint named after a value of
//! personal data that its definition selects.

use crate::lint::{facts, KnobDefault, LintContext, Rule, BASE};
use crate::model::{ElementTarget, Expr, NameSource, Table};
use dsl::{Diagnostic, Span};

pub const RULE: Rule = Rule {
    id: "security/pii-in-name",
    summary: "an index or constraint whose name carries a value of personal data its definition selects (`idx_users_jane_doe ... where email = 'jane.doe@example.com'`)",
    rationale: "Partial indexes and checks written for one customer (a VIP, a blocked account, a test user) tend to be named after them. But names and definitions of indexes and constraints live in the catalog (`pg_indexes`, `pg_constraint`), which every role can read, even one without any privilege on the table; they appear in error messages sent to clients, in logs, in query plans pasted into tickets, and in every schema dump, masked copies included. So a person's name, email or phone number there escapes every control that protects the column (`@pii`, `@mask`, grants, erasure: `erase_subject` cannot erase a name). The rule reports a name, given by hand, that shares a word with a string literal its predicate or expression compares with a personal column (one classified with `@pii`, or named as `security/pii-unclassified` says personal columns are). Mark the rows with a column instead (`is_vip`, `blocked_at`) and name the index for what it selects.",
    bad: "entity User {\n  id    bigint @pk @identity\n  email text @pii(email)\n\n  index idx_users_jane_doe (id) where email = 'jane.doe@example.com'\n}\n",
    good: "entity User {\n  id     bigint @pk @identity\n  email  text @pii(email)\n  is_vip boolean = false\n\n  index idx_users_vip (id) where is_vip\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let words: &[&str] = match super::pii_unclassified::RULE.knob("words").map(|k| &k.default) {
        Some(KnobDefault::List(l)) => l,
        _ => &[],
    };
    let words: Vec<Vec<String>> = words.iter().map(|w| facts::words(w)).collect();
    for e in cx.entities() {
        let t = e.table;
        let personal: Vec<&str> = t
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .filter(|c| is_personal(t, c, &words))
            .collect();
        if personal.is_empty() {
            continue;
        }
        for (what, name, span, exprs) in named(t) {
            let name_words = facts::words(name);
            for expr in exprs {
                let (idents, literals) = tokens(&expr.sql);
                let Some(column) = personal.iter().find(|c| idents.contains(&c.to_lowercase()))
                else {
                    continue;
                };
                let mut shared: Vec<String> = Vec::new();
                for w in literals.iter().flat_map(|l| value_words(l)) {
                    if name_words.contains(&w) && !shared.contains(&w) {
                        shared.push(w);
                    }
                }
                if shared.is_empty() {
                    continue;
                }
                let shown: Vec<String> = shared.iter().map(|w| format!("`{w}`")).collect();
                out.push(
                    cx.finding(format!(
                        "{what} name `{name}` carries {} from a value of the personal column `{column}`",
                        shown.join(", ")
                    ))
                    .label(cx.without_doc(span), "named after personal data")
                    .help("the catalog, error messages and dumps show names to everyone: mark the rows with a column (`is_vip`, `blocked_at`), select on it and name the object for what it selects"),
                );
                break;
            }
        }
    }
}

/// Whether a column holds personal data: classified, or named so.
fn is_personal(t: &Table, column: &str, words: &[Vec<String>]) -> bool {
    if t.declared_policies.pii.iter().any(|p| p.column == column) {
        return true;
    }
    let name = facts::lowercase(column);
    let end = facts::last_word(&name);
    words.iter().any(|w| facts::ends_with_words(&name, end, w))
}

/// The indexes and constraints the user named, with the expressions they
/// select by.
fn named(t: &Table) -> Vec<(&'static str, &str, Span, Vec<&Expr>)> {
    let given = |o: &crate::model::Origin| o.name == NameSource::Given;
    let mut out = Vec::new();
    for i in t.indexes.iter().filter(|i| given(&i.origin)) {
        let mut exprs: Vec<&Expr> = i.predicate.iter().collect();
        exprs.extend(i.elements.iter().filter_map(|e| match &e.target {
            ElementTarget::Expr { expr } => Some(expr),
            ElementTarget::Column { .. } => None,
        }));
        out.push(("index", i.name.as_str(), i.origin.span, exprs));
    }
    for c in t.checks.iter().filter(|c| given(&c.origin)) {
        out.push(("check", c.name.as_str(), c.origin.span, vec![&c.expr]));
    }
    for x in t.excludes.iter().filter(|x| given(&x.origin)) {
        let exprs: Vec<&Expr> = x.predicate.iter().collect();
        out.push(("exclusion constraint", x.name.as_str(), x.origin.span, exprs));
    }
    out
}

/// An expression's identifiers (lower-cased) and its string literals.
fn tokens(sql: &str) -> (Vec<String>, Vec<String>) {
    let mut idents = Vec::new();
    let mut literals = Vec::new();
    let mut chars = sql.chars().peekable();
    let mut word = String::new();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            word.extend(c.to_lowercase());
            continue;
        }
        if !word.is_empty() {
            idents.push(std::mem::take(&mut word));
        }
        if c == '\'' {
            let mut literal = String::new();
            while let Some(c) = chars.next() {
                if c == '\'' {
                    // `''` is a quote inside the literal.
                    if chars.peek() == Some(&'\'') {
                        chars.next();
                    } else {
                        break;
                    }
                }
                literal.push(c);
            }
            literals.push(literal);
        }
    }
    if !word.is_empty() {
        idents.push(word);
    }
    (idents, literals)
}

/// The words of a value that could end up in a name: runs of letters or
/// digits, lower-cased, of three characters or more (shorter ones match
/// names by chance).
fn value_words(value: &str) -> Vec<String> {
    value
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn literals_and_identifiers_are_told_apart() {
        let (idents, literals) = super::tokens("lower(email) = 'o''brien@example.com'");
        assert_eq!(idents, ["lower", "email"]);
        assert_eq!(literals, ["o'brien@example.com"]);
        assert_eq!(
            super::value_words(&literals[0]),
            ["brien", "example", "com"]
        );
    }
}
