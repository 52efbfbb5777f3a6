//! `security/literal-key-in-sql`: an encryption key written into the
//! schema.

use crate::lint::{Level, LintContext, Rule, BASE};
use dsl::{Diagnostic, Span};

pub const RULE: Rule = Rule {
    id: "security/literal-key-in-sql",
    level: Level::Error,
    summary: "an encryption or signing key written as a literal in SQL (`pgp_sym_encrypt(x, 'key')`)",
    rationale: "A key in a default, a check, a view or a `sql` block is in the repository, in every generated script and migration, in the database catalog (readable by any role through `pg_get_expr` and `pg_views`) and in the server log of every statement that uses it: whoever has any of these can decrypt everything. Read the key at run time, from a setting the application sets per session (`current_setting('app.data_key')`) or from a key service, and never write it into the schema. The rule looks at the key argument of pgcrypto's `pgp_sym_encrypt`, `pgp_sym_decrypt`, `encrypt`, `decrypt`, `encrypt_iv`, `decrypt_iv` and `hmac`.",
    bad: "extension pgcrypto\n\nentity Note {\n  id     bigint @pk @identity\n  sealed bytea\n}\n\nview NoteText {\n  select id, pgp_sym_decrypt(sealed, 'hunter2') as body from notes\n}\n",
    good: "extension pgcrypto\n\nentity Note {\n  id     bigint @pk @identity\n  /// Encrypted by the application with a key from the key service.\n  sealed bytea\n}\n",
    check,
    ..BASE
};

/// Functions whose second argument is a key.
const KEYED: &[&str] = &["pgp_sym_encrypt", "pgp_sym_decrypt", "pgp_sym_encrypt_bytea", "pgp_sym_decrypt_bytea", "encrypt", "decrypt", "encrypt_iv", "decrypt_iv", "hmac"];

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut spans: Vec<Span> = Vec::new();
    for t in &cx.model.tables {
        for c in &t.columns {
            spans.extend(c.default.iter().chain(c.generated.as_deref()).map(|e| e.span));
        }
        spans.extend(t.checks.iter().map(|c| c.expr.span));
    }
    spans.extend(cx.model.views.iter().map(|v| v.body.span));
    for m in &cx.project.modules {
        for item in &m.ast.items {
            if let dsl::ast::Item::Sql(block) = item {
                spans.push(block.body.span);
            }
        }
    }
    // Only text the project holds: a model read from model.json keeps the
    // spans of files that are not there.
    let files: rustc_hash::FxHashSet<u32> = cx.project.modules.iter().map(|m| m.file).collect();
    for span in spans.into_iter().filter(|s| files.contains(&s.file)) {
        let text = cx.text(span);
        // Every keyed function's name holds `crypt` or `hmac`: most text
        // (defaults, checks) has neither, and is not searched further.
        let named = text.as_bytes().windows(4).any(|w| {
            w.eq_ignore_ascii_case(b"cryp") || w.eq_ignore_ascii_case(b"hmac")
        });
        if !named {
            continue;
        }
        for (start, end, func) in literal_keys(text) {
            let at = Span::new(span.file, span.start as usize + start, span.start as usize + end);
            out.push(
                cx.finding(format!("`{func}` is given its key as a literal"))
                    .label(at, "key written into the schema")
                    .help("read the key at run time (`current_setting('app.data_key')`, a key service); never write it into SQL"),
            );
        }
    }
}

/// The byte ranges of literal key arguments of keyed functions in `text`.
fn literal_keys(text: &str) -> Vec<(usize, usize, &'static str)> {
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut out = Vec::new();
    for func in KEYED {
        let mut from = 0;
        while let Some(found) = lower[from..].find(func) {
            let at = from + found;
            from = at + func.len();
            let before_ok = at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_');
            let rest = &lower[from..];
            let open = rest.len() - rest.trim_start().len();
            if !before_ok || !rest.trim_start().starts_with('(') {
                continue;
            }
            if let Some((s, e)) = second_argument(text, from + open + 1) {
                let arg = text[s..e].trim_start();
                if arg.starts_with('\'') || arg.starts_with("E'") || arg.starts_with("e'") || arg.starts_with('$') {
                    let lead = text[s..e].len() - arg.len();
                    out.push((s + lead, e, *func));
                }
            }
        }
    }
    out.sort_unstable();
    out
}

/// The range of the second top-level argument of a call whose arguments
/// start at `start`, skipping strings and nested brackets.
fn second_argument(text: &str, start: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let (mut depth, mut i, mut arg, mut arg_start) = (0usize, start, 0usize, start);
    while i < b.len() {
        match b[i] {
            b'\'' => {
                i += 1;
                while i < b.len() && !(b[i] == b'\'' && b.get(i + 1) != Some(&b'\'')) {
                    i += if b[i] == b'\'' { 2 } else { 1 };
                }
            }
            b'(' | b'[' => depth += 1,
            b')' | b']' if depth > 0 => depth -= 1,
            b')' | b',' if depth == 0 => {
                if arg == 1 {
                    return Some((arg_start, i));
                }
                if b[i] == b')' {
                    return None;
                }
                arg += 1;
                arg_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::literal_keys;

    #[test]
    fn finds_literal_keys_only() {
        let text = "pgp_sym_encrypt(body, 'k''ey'), pgp_sym_decrypt(x, current_setting('app.key')), hmac(a, E'x', 'sha256'), myencrypt(a, 'b')";
        let found: Vec<&str> = literal_keys(text).iter().map(|(s, e, _)| &text[*s..*e]).collect();
        assert_eq!(found, ["'k''ey'", "E'x'"]);
    }
}
