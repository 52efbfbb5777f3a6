//! The one place that turns names and values into SQL text. Every
//! identifier in generated SQL goes through [`ident`] and every literal
//! through [`literal`]; nothing else formats them.

use crate::model::QName;

/// A quoted identifier: `"name"`, with inner quotes doubled. Always quoting
/// keeps reserved words (`"user"`, `"order"`), capitals, spaces and unicode
/// exactly as declared.
pub fn ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// `"schema"."name"`.
pub fn qname(name: &QName) -> String {
    format!("{}.{}", ident(&name.schema), ident(&name.name))
}

/// A string literal, `'...'`, with inner quotes doubled. Backslashes are
/// plain characters under `standard_conforming_strings` (on by default
/// since PostgreSQL 9.1), so the `E''` form is used when one appears, to
/// be right whatever that setting says.
pub fn literal(value: &str) -> String {
    let escaped = value.replace('\'', "''");
    if value.contains('\\') {
        format!("E'{}'", escaped.replace('\\', "\\\\"))
    } else {
        format!("'{escaped}'")
    }
}

/// A comma-separated list of quoted identifiers.
pub fn ident_list<S: AsRef<str>>(names: &[S]) -> String {
    names
        .iter()
        .map(|n| ident(n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(ident("user"), "\"user\"");
        assert_eq!(ident("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(ident("Straße"), "\"Straße\"");
        assert_eq!(literal("it's"), "'it''s'");
        assert_eq!(literal("a\\b"), "E'a\\\\b'");
    }
}
