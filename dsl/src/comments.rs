//! `//` comments: whether each stands on its own line, and the inline lint
//! suppressions some of them are (`// schemac: allow(rule) reason: ...`).

use crate::ast::{Comment, RuleRef, Suppression};
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::Code;

const SYNTAX: &str =
    "write `// schemac: allow(group/rule, other-rule) reason: why this is right here`";

pub(crate) fn comment(text: &str, span: Span) -> Comment {
    let start = span.start as usize;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    Comment {
        text: text[start..span.end as usize].trim_end().to_string(),
        span,
        own_line: text[line_start..start].trim().is_empty(),
    }
}

/// Reads the suppressions among `comments`; a comment that starts like one
/// but is malformed is a diagnostic, so a typo never silently suppresses
/// nothing.
pub(crate) fn suppressions(
    text: &str,
    comments: &[Comment],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Suppression> {
    let mut out = Vec::new();
    for c in comments {
        let body = c.text[2..].trim_start();
        let Some(rest) = body.strip_prefix("schemac:") else {
            continue;
        };
        let at = |s: &str| {
            let start = c.span.start as usize + (s.as_ptr() as usize - c.text.as_ptr() as usize);
            Span::new(c.span.file, start, start + s.len())
        };
        match parse(rest) {
            Ok((rules, reason)) => out.push(Suppression {
                rules: rules
                    .into_iter()
                    .map(|r| RuleRef {
                        id: r.to_string(),
                        span: at(r),
                    })
                    .collect(),
                reason: reason.map(str::to_string),
                span: c.span,
                line: target_line(text, c),
            }),
            Err((what, bad)) => {
                let span = if bad.is_empty() { c.span } else { at(bad) };
                diagnostics.push(
                    Diagnostic::error(
                        Code::BadSuppression,
                        format!("malformed suppression: {what}"),
                    )
                    .label(span, what)
                    .help(SYNTAX),
                );
            }
        }
    }
    out
}

type Parsed<'a> = (Vec<&'a str>, Option<&'a str>);

/// `allow(a, b/c) reason: text` → the rule ids and the reason. The error
/// names what is wrong and the text it is about (empty: the whole comment).
fn parse(rest: &str) -> Result<Parsed<'_>, (&'static str, &str)> {
    let rest = rest.trim_start();
    let Some(list) = rest.strip_prefix("allow") else {
        return Err((
            "expected `allow(...)`",
            rest.split_whitespace().next().unwrap_or(""),
        ));
    };
    let Some(list) = list.trim_start().strip_prefix('(') else {
        return Err(("expected `(` and rule ids after `allow`", ""));
    };
    let Some(close) = list.find(')') else {
        return Err(("the rule list has no closing `)`", ""));
    };
    let mut rules = Vec::new();
    for id in list[..close].split(',') {
        let id = id.trim();
        let valid = id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_/".contains(&b))
            && id.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
        if !valid {
            return Err((
                "not a rule id (lowercase letters, digits, `-`, `_`, `/`)",
                id,
            ));
        }
        rules.push(id);
    }
    let tail = list[close + 1..].trim();
    if tail.is_empty() {
        return Ok((rules, None));
    }
    match tail.strip_prefix("reason:") {
        Some(reason) if !reason.trim().is_empty() => Ok((rules, Some(reason.trim()))),
        Some(_) => Err(("`reason:` is empty", tail)),
        None => Err(("expected `reason:` after the rule list", tail)),
    }
}

/// A trailing suppression applies to its own line; one on a line of its
/// own to the next line with code (blank lines and comments skipped).
fn target_line(text: &str, c: &Comment) -> u32 {
    let line = text[..c.span.start as usize].matches('\n').count() as u32;
    if !c.own_line {
        return line;
    }
    let mut n = line;
    for l in text[c.span.start as usize..].lines().skip(1) {
        n += 1;
        let t = l.trim();
        if !t.is_empty() && !t.starts_with("//") {
            return n;
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use crate::parse;

    #[test]
    fn comments_are_kept_with_their_placement() {
        let text = "// head\nentity A { // after brace\n  id int // trailing\n  // own\n}\n";
        let parsed = parse(text, 0);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let got: Vec<(&str, bool)> = parsed
            .file
            .comments
            .iter()
            .map(|c| (c.text.as_str(), c.own_line))
            .collect();
        assert_eq!(
            got,
            [
                ("// head", true),
                ("// after brace", false),
                ("// trailing", false),
                ("// own", true)
            ]
        );
        for c in &parsed.file.comments {
            assert_eq!(&text[c.span.start as usize..c.span.end as usize], c.text);
        }
    }

    #[test]
    fn comment_markers_inside_sql_are_not_comments() {
        let text = "entity A {\n  url text = 'http://x' @check(url <> '//')\n}\nsql f {\n  select 1 // 2\n}\n";
        let parsed = parse(text, 0);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        assert!(
            parsed.file.comments.is_empty(),
            "{:?}",
            parsed.file.comments
        );
    }

    #[test]
    fn suppressions_name_rules_reason_and_target_line() {
        let text = "entity A {\n  // schemac: allow(naming/plural-table, types) reason: vendor table\n  /// doc\n  id int\n  x int // schemac: allow(docs)\n}\n";
        let parsed = parse(text, 0);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let s = &parsed.file.suppressions;
        assert_eq!(s.len(), 2);
        let rules: Vec<&str> = s[0].rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(rules, ["naming/plural-table", "types"]);
        let r = &s[0].rules[0];
        assert_eq!(&text[r.span.start as usize..r.span.end as usize], r.id);
        assert_eq!(s[0].reason.as_deref(), Some("vendor table"));
        assert_eq!(s[0].line, 3, "skips the doc line");
        assert_eq!(s[1].line, 4);
        assert_eq!(s[1].reason, None);
    }

    #[test]
    fn malformed_suppressions_are_diagnostics() {
        for bad in [
            "// schemac: alow(x)",
            "// schemac: allow x",
            "// schemac: allow(x",
            "// schemac: allow(Bad Id)",
            "// schemac: allow(x) because",
            "// schemac: allow(x) reason:",
        ] {
            let parsed = parse(&format!("{bad}\nenum E {{ a }}\n"), 0);
            assert_eq!(parsed.diagnostics.len(), 1, "{bad}");
            let d = &parsed.diagnostics[0];
            assert_eq!(d.code, "schemac::bad_suppression", "{bad}");
            assert!(d.help.is_some() && d.primary_span().is_some(), "{bad}");
        }
    }
}
