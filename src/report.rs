//! Rendering diagnostics with miette, to stderr.

use crate::cli::Color;
use dsl::diagnostic::Rendered;
use dsl::{Diagnostic, Severity, SourceMap};
use std::io::IsTerminal;

pub fn init(color: Color) {
    let colors = match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let _ = miette::set_hook(Box::new(move |_| {
        let theme = if colors {
            miette::GraphicalTheme::unicode()
        } else {
            miette::GraphicalTheme::unicode_nocolor()
        };
        Box::new(miette::GraphicalReportHandler::new_themed(theme).with_context_lines(1))
    }));
}

/// Prints every diagnostic and a summary line. Returns the error count.
pub fn print(diagnostics: &[Diagnostic], sources: &SourceMap) -> usize {
    for d in diagnostics {
        let report = miette::Report::new(Rendered::new(d, sources));
        eprintln!("{report:?}");
    }
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    // Infos ask for nothing, so the summary leaves them out.
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    if errors + warnings > 0 {
        eprintln!("{}", summary(errors, warnings));
    }
    errors
}

fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, w) => format!("schemac: {}", plural(w, "warning")),
        (e, 0) => format!("schemac: {}", plural(e, "error")),
        (e, w) => format!("schemac: {}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

/// A failure that is not the schema's fault (exit code 2).
pub fn fatal(message: impl std::fmt::Display) {
    eprintln!("schemac: error: {message}");
}

/// A diagnostic about no file (a database's, the migration runner's),
/// rendered like the others.
pub fn diagnostic(d: &Diagnostic) {
    print(std::slice::from_ref(d), &SourceMap::default());
}
