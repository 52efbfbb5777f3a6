//! Splitting a DDL script into statements, before any parser sees it:
//! sqlparser stops at the first statement it cannot read, and a dump holds
//! function bodies in dollar quotes, strings and comments with `;` inside.

/// One statement of a script: its text (without the final `;`) and where
/// it starts, as a byte offset into the script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece<'t> {
    pub text: &'t str,
    pub start: usize,
    /// A psql meta-command (`\connect`, `\restrict`), one line.
    pub meta: bool,
}

/// The statements of `script`, in order. Comments and blank text between
/// statements are skipped. Never panics: an unterminated string or quote
/// runs to the end of the script and is returned as one statement.
pub fn statements(script: &str) -> Vec<Piece<'_>> {
    let bytes = script.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        i = skip_blank(bytes, i);
        if i >= bytes.len() {
            break;
        }
        let start = i;
        if bytes[i] == b'\\' {
            let end = line_end(bytes, i);
            out.push(Piece {
                text: script[start..end].trim_end(),
                start,
                meta: true,
            });
            i = end;
            continue;
        }
        let mut end = bytes.len();
        while i < bytes.len() {
            match bytes[i] {
                b';' => {
                    end = i;
                    i += 1;
                    break;
                }
                b'\'' => i = quoted(bytes, i + 1, b'\'', backslash_escapes(bytes, i)),
                b'"' => i = quoted(bytes, i + 1, b'"', false),
                b'-' if bytes.get(i + 1) == Some(&b'-') => i = line_end(bytes, i),
                b'/' if bytes.get(i + 1) == Some(&b'*') => i = block_comment(bytes, i),
                b'$' => i = dollar(script, i),
                _ => i += 1,
            }
        }
        let text = script[start..end.min(bytes.len())].trim_end();
        if !text.is_empty() {
            out.push(Piece {
                text,
                start,
                meta: false,
            });
        }
    }
    out
}

/// Past whitespace and comments.
fn skip_blank(bytes: &[u8], mut i: usize) -> usize {
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b';') {
            i += 1;
        }
        if bytes[i..].starts_with(b"--") {
            i = line_end(bytes, i);
        } else if bytes[i..].starts_with(b"/*") {
            i = block_comment(bytes, i);
        } else {
            return i;
        }
    }
}

fn line_end(bytes: &[u8], i: usize) -> usize {
    bytes[i..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| i + p + 1)
}

/// An `E'...'` string, where a backslash escapes the next character.
fn backslash_escapes(bytes: &[u8], quote: usize) -> bool {
    quote > 0
        && matches!(bytes[quote - 1], b'E' | b'e')
        && (quote < 2 || !(bytes[quote - 2].is_ascii_alphanumeric() || bytes[quote - 2] == b'_'))
}

/// Past the closing `close` (doubled, it is an escaped one).
fn quoted(bytes: &[u8], mut i: usize, close: u8, backslash: bool) -> usize {
    while i < bytes.len() {
        if backslash && bytes[i] == b'\\' {
            i += 2;
            continue;
        }
        if bytes[i] == close {
            if bytes.get(i + 1) == Some(&close) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

/// Past a `/* ... */` comment, which PostgreSQL lets nest.
fn block_comment(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if bytes[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// Past a dollar-quoted string `$tag$ ... $tag$`, or one byte when the `$`
/// starts no tag (`$1`, an identifier's `$`).
fn dollar(script: &str, i: usize) -> usize {
    let bytes = script.as_bytes();
    let prev_ident = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
    let mut j = i + 1;
    while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
        j += 1;
    }
    let tag_ok = j < bytes.len()
        && bytes[j] == b'$'
        && !prev_ident
        && !bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
    if !tag_ok {
        return i + 1;
    }
    let tag = &script[i..=j];
    match script[j + 1..].find(tag) {
        Some(p) => j + 1 + p + tag.len(),
        None => bytes.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        statements(s).into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn quotes_comments_and_dollar_bodies_keep_their_semicolons() {
        let s = "-- c; c\nSET a = 1;\nCREATE FUNCTION f() RETURNS int AS $x$ select 1; $x$ LANGUAGE sql;\n\
                 select 'a;''b', E'\\';', \"q;\" /* x; /* y; */ */ ;\n\\restrict abc\nselect $1;";
        assert_eq!(
            texts(s),
            [
                "SET a = 1",
                "CREATE FUNCTION f() RETURNS int AS $x$ select 1; $x$ LANGUAGE sql",
                "select 'a;''b', E'\\';', \"q;\" /* x; /* y; */ */",
                "\\restrict abc",
                "select $1",
            ]
        );
        assert!(statements(s)[3].meta);
    }

    #[test]
    fn unterminated_text_is_one_statement() {
        assert_eq!(texts("select 'abc; def"), ["select 'abc; def"]);
        assert_eq!(texts("select $$ x; "), ["select $$ x;"]);
        assert_eq!(texts("/* open"), Vec::<&str>::new());
    }
}
