//! Diagnostics, collected rather than thrown: every stage appends to a
//! `Vec<Diagnostic>` and goes on, so a user sees all errors of a run at once.
//! The CLI renders them with miette (see `render`).

use crate::code::Code;
use crate::span::{SourceMap, Span};
use serde::Serialize;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    /// A remark that asks for nothing (miette shows it as advice).
    Info,
}

#[derive(Clone, Debug, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// Replace the text of `span` with `replacement` (empty: delete it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// A machine-applicable correction: what it does, and the edits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub message: String,
    pub edits: Vec<Edit>,
}

/// Why a fix could not be applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FixError {
    /// Two edits touch the same text; applying both would be guesswork.
    Overlap(Span, Span),
    /// An edit reaches past the end of the text or splits a character.
    OutOfBounds(Span),
}

impl std::fmt::Display for FixError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FixError::Overlap(a, b) => write!(
                f,
                "edits {}..{} and {}..{} overlap",
                a.start, a.end, b.start, b.end
            ),
            FixError::OutOfBounds(s) => write!(f, "edit {}..{} is not in the text", s.start, s.end),
        }
    }
}

impl std::error::Error for FixError {}

impl Fix {
    /// Applies the edits that belong to `file` to its `text`. Edits may come
    /// in any order but must not overlap (two insertions at one position
    /// count as overlapping: their order would be a guess).
    pub fn apply(&self, file: u32, text: &str) -> Result<String, FixError> {
        let mut edits: Vec<&Edit> = self.edits.iter().filter(|e| e.span.file == file).collect();
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        for e in &edits {
            let (start, end) = (e.span.start as usize, e.span.end as usize);
            if start > end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                return Err(FixError::OutOfBounds(e.span));
            }
        }
        for pair in edits.windows(2) {
            let (a, b) = (pair[0].span, pair[1].span);
            if b.start < a.end || b.start == a.start {
                return Err(FixError::Overlap(a, b));
            }
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for e in edits {
            out.push_str(&text[at..e.span.start as usize]);
            out.push_str(&e.replacement);
            at = e.span.end as usize;
        }
        out.push_str(&text[at..]);
        Ok(out)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Diagnostic {
    /// Stable code, e.g. `schemac::unknown_type`.
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The first label is the primary one.
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// Boxed: few diagnostics have one, and every `Result<_, Diagnostic>`
    /// would carry its size.
    pub fix: Option<Box<Fix>>,
    /// The lint rule that found it (`naming/table-plural-snake-case`), for
    /// findings of `schemac lint`; their code is `Code::Lint`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'static str>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic::new(code, Severity::Error, message)
    }

    pub fn new(code: Code, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            fix: None,
            rule: None,
        }
    }

    pub fn label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn fix(mut self, message: impl Into<String>, edits: Vec<Edit>) -> Self {
        self.fix = Some(Box::new(Fix {
            message: message.into(),
            edits,
        }));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn primary_span(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }
}

pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// Orders diagnostics by file and position, so output is stable whatever
/// order the stages found them in.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| {
        let s = d.primary_span().unwrap_or_default();
        (s.file, s.start, s.end)
    });
}

/// A diagnostic bound to its source text, as miette wants it. The text is
/// shared with the `SourceMap`, never copied.
#[derive(Debug)]
pub struct Rendered {
    diagnostic: Diagnostic,
    source: Option<miette::NamedSource<Arc<str>>>,
    /// The help with the fix, if any, appended.
    help: Option<String>,
    /// Labels that point into other files, shown as related notes.
    related: Vec<Rendered>,
}

fn named_source(sources: &SourceMap, file: u32) -> miette::NamedSource<Arc<str>> {
    let file = sources.get(file);
    miette::NamedSource::new(file.path.clone(), Arc::clone(&file.text))
}

impl Rendered {
    pub fn new(diagnostic: &Diagnostic, sources: &SourceMap) -> Self {
        let primary = diagnostic.primary_span().map(|s| s.file);
        let related = diagnostic
            .labels
            .iter()
            .filter(|l| Some(l.span.file) != primary)
            .map(|l| Rendered {
                diagnostic: Diagnostic {
                    labels: vec![l.clone()],
                    help: None,
                    fix: None,
                    ..Diagnostic::new(diagnostic.code, diagnostic.severity, l.message.clone())
                },
                source: Some(named_source(sources, l.span.file)),
                help: None,
                related: Vec::new(),
            })
            .collect();
        let help = match (&diagnostic.help, &diagnostic.fix) {
            (h, None) => h.clone(),
            (None, Some(fix)) => Some(format!("fix: {}", fix.message)),
            (Some(h), Some(fix)) => Some(format!("{h}\nfix: {}", fix.message)),
        };
        Rendered {
            diagnostic: diagnostic.clone(),
            source: primary.map(|f| named_source(sources, f)),
            help,
            related,
        }
    }
}

impl std::fmt::Display for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        match self.diagnostic.rule {
            Some(rule) => Some(Box::new(rule)),
            None => Some(Box::new(self.diagnostic.code)),
        }
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let primary = self.diagnostic.primary_span().map(|s| s.file);
        Some(Box::new(
            self.diagnostic
                .labels
                .iter()
                .filter(move |l| Some(l.span.file) == primary)
                .enumerate()
                .map(|(i, l)| {
                    let text = (!l.message.is_empty()).then(|| l.message.clone());
                    let span = (l.span.start as usize, l.span.byte_len());
                    if i == 0 {
                        miette::LabeledSpan::new_primary_with_span(text, span)
                    } else {
                        miette::LabeledSpan::new_with_span(text, span)
                    }
                }),
        ))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, end: usize, replacement: &str) -> Edit {
        Edit {
            span: Span::new(0, start, end),
            replacement: replacement.to_string(),
        }
    }

    fn fix(edits: Vec<Edit>) -> Fix {
        Fix {
            message: "test".to_string(),
            edits,
        }
    }

    #[test]
    fn applies_edits_in_any_order() {
        let f = fix(vec![edit(5, 6, ""), edit(0, 2, "id"), edit(3, 5, "bigint")]);
        assert_eq!(f.apply(0, "xx ab;").as_deref(), Ok("id bigint"));
        let insert = fix(vec![edit(2, 2, " bigint")]);
        assert_eq!(insert.apply(0, "id\n").as_deref(), Ok("id bigint\n"));
    }

    #[test]
    fn edits_of_other_files_are_left_out() {
        let mut other = edit(0, 1, "X");
        other.span.file = 1;
        let f = fix(vec![other, edit(1, 2, "Y")]);
        assert_eq!(f.apply(0, "abc").as_deref(), Ok("aYc"));
        assert_eq!(f.apply(1, "abc").as_deref(), Ok("Xbc"));
    }

    #[test]
    fn overlapping_edits_are_refused() {
        let overlap = fix(vec![edit(0, 3, "x"), edit(2, 4, "y")]);
        assert_eq!(
            overlap.apply(0, "abcdef"),
            Err(FixError::Overlap(Span::new(0, 0, 3), Span::new(0, 2, 4)))
        );
        let same_point = fix(vec![edit(1, 1, "x"), edit(1, 1, "y")]);
        assert!(matches!(
            same_point.apply(0, "ab"),
            Err(FixError::Overlap(..))
        ));
        // Touching edits do not overlap.
        let touching = fix(vec![edit(0, 1, "x"), edit(1, 2, "y")]);
        assert_eq!(touching.apply(0, "ab").as_deref(), Ok("xy"));
    }

    #[test]
    fn rendering_shows_the_fix_and_shares_the_text() {
        let mut sources = SourceMap::new();
        let f = sources.add("a.schema", "id uuid;\n");
        let d = Diagnostic::new(Code::Syntax, Severity::Info, "syntax error")
            .label(Span::new(f, 7, 8), "here")
            .help("members end at the end of the line")
            .fix("remove the `;`", vec![edit(7, 8, "")]);
        let r = Rendered::new(&d, &sources);
        let help = miette::Diagnostic::help(&r).map(|h| h.to_string());
        assert_eq!(
            help.as_deref(),
            Some("members end at the end of the line\nfix: remove the `;`")
        );
        assert_eq!(
            miette::Diagnostic::severity(&r),
            Some(miette::Severity::Advice)
        );
        assert_eq!(Arc::strong_count(&sources.get(f).text), 2);
    }

    #[test]
    fn edits_outside_the_text_are_refused() {
        assert!(matches!(
            fix(vec![edit(2, 9, "")]).apply(0, "abc"),
            Err(FixError::OutOfBounds(_))
        ));
        // Inside the two bytes of `é`.
        assert!(matches!(
            fix(vec![edit(1, 2, "")]).apply(0, "é"),
            Err(FixError::OutOfBounds(_))
        ));
    }
}
