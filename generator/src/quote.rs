//! The one place that turns names and values into SQL text. Every
//! identifier in generated SQL goes through [`ident`] and every literal
//! through [`literal`]; nothing else formats them.

use crate::model::QName;

/// A quoted identifier: `"name"`, with inner quotes doubled. Always quoting
/// keeps reserved words (`"user"`, `"order"`), capitals, spaces and unicode
/// exactly as declared.
pub fn ident(name: &str) -> String {
    Ident(name).to_string()
}

/// `"schema"."name"`.
pub fn qname(name: &QName) -> String {
    Qualified(name).to_string()
}

/// [`ident`] as a `Display`, to write into a buffer without allocating.
pub struct Ident<'a>(pub &'a str);

impl std::fmt::Display for Ident<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write;
        f.write_char('"')?;
        let mut rest = self.0;
        // A byte search: names are short, and `str::find` costs more to set up.
        while let Some(i) = rest.bytes().position(|b| b == b'"') {
            f.write_str(&rest[..=i])?;
            f.write_char('"')?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)?;
        f.write_char('"')
    }
}

/// [`qname`] as a `Display`.
pub struct Qualified<'a>(pub &'a QName);

impl std::fmt::Display for Qualified<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", Ident(&self.0.schema), Ident(&self.0.name))
    }
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
