//! Diagnostics, collected rather than thrown: every stage appends to a
//! `Vec<Diagnostic>` and goes on, so a user sees all errors of a run at once.
//! The CLI renders them with miette (see `render`).

use crate::span::{SourceMap, Span};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Diagnostic {
    /// Stable code, e.g. `schemac::unknown_type`.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The first label is the primary one.
    pub labels: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            help: None,
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

/// A diagnostic bound to its source text, as miette wants it.
#[derive(Debug)]
pub struct Rendered {
    diagnostic: Diagnostic,
    source: Option<miette::NamedSource<String>>,
    /// Labels that point into other files, shown as related notes.
    related: Vec<Rendered>,
}

impl Rendered {
    pub fn new(diagnostic: &Diagnostic, sources: &SourceMap) -> Self {
        let primary = diagnostic.primary_span().map(|s| s.file);
        let source = primary.map(|f| {
            let file = sources.get(f);
            miette::NamedSource::new(file.path.clone(), file.text.clone())
        });
        let related = diagnostic
            .labels
            .iter()
            .filter(|l| Some(l.span.file) != primary)
            .map(|l| Rendered {
                diagnostic: Diagnostic {
                    code: diagnostic.code,
                    severity: diagnostic.severity,
                    message: l.message.clone(),
                    labels: vec![l.clone()],
                    help: None,
                },
                source: Some(miette::NamedSource::new(
                    sources.get(l.span.file).path.clone(),
                    sources.get(l.span.file).text.clone(),
                )),
                related: Vec::new(),
            })
            .collect();
        Rendered {
            diagnostic: diagnostic.clone(),
            source,
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
        Some(Box::new(self.diagnostic.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diagnostic
            .help
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
