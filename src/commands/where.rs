//! `schemac where FILE:LINE:COLUMN`: what the name at a position stands
//! for and where it is declared (go-to-definition, and with `--references`
//! find-references, from a shell or an editor that runs commands).

use crate::{report, OK, SCHEMA_ERRORS, USAGE_OR_IO};
use dsl::{LineIndex, SourceMap, Span};
use generator::project::CONFIG_FILE;
use generator::resolved::Symbol;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(position: &str, project: Option<&Path>, references: bool) -> u8 {
    let Some((file, line, column)) = parse_position(position) else {
        report::fatal(format!(
            "`{position}` is not FILE:LINE:COLUMN (line and column count from 1)"
        ));
        return USAGE_OR_IO;
    };
    let wanted = match std::fs::canonicalize(&file) {
        Ok(p) => p,
        Err(e) => {
            report::fatal(format!("{}: {e}", file.display()));
            return USAGE_OR_IO;
        }
    };
    let path = project.map_or_else(|| project_of(&wanted), Path::to_path_buf);
    let loaded = match super::load(&path, true) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let sources = &loaded.project.sources;
    let found = sources
        .files()
        .find(|(_, f)| std::fs::canonicalize(&f.path).is_ok_and(|p| p == wanted));
    let Some((id, source)) = found else {
        report::fatal(format!(
            "{} is not a file of the project {}",
            file.display(),
            path.display()
        ));
        return USAGE_OR_IO;
    };
    let index = LineIndex::new(&source.text);
    let Some(offset) = index.offset(&source.text, line - 1, column - 1) else {
        report::fatal(format!(
            "{} has {} lines",
            file.display(),
            index.line_count()
        ));
        return USAGE_OR_IO;
    };
    let resolved = &loaded.compiled.resolved;
    let mut symbols: Vec<&Symbol> = Vec::new();
    for hit in resolved.at(id, offset) {
        if !symbols.contains(&hit.symbol()) {
            symbols.push(hit.symbol());
        }
    }
    if symbols.is_empty() {
        eprintln!("schemac: nothing is named at {position}");
        super::exit_without_freeing(loaded);
        return SCHEMA_ERRORS;
    }
    let mut places = Places::new(sources);
    let mut out = String::new();
    for symbol in symbols {
        let declared = resolved
            .definition(symbol)
            .map_or_else(|| "?".to_string(), |d| places.of(d.name_span));
        out.push_str(&format!("{declared}: {symbol}\n"));
        if references {
            for r in resolved.references_to(symbol) {
                out.push_str(&format!("{}: reference\n", places.of(r.span)));
            }
        }
    }
    // A reader that stops early (`| head`) is not an error.
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    super::exit_without_freeing(loaded);
    OK
}

/// `FILE:LINE:COLUMN`, split from the right so a path may hold colons.
fn parse_position(text: &str) -> Option<(PathBuf, u32, u32)> {
    let mut parts = text.rsplitn(3, ':');
    let column: u32 = parts.next()?.parse().ok()?;
    let line: u32 = parts.next()?.parse().ok()?;
    let file = parts.next().filter(|f| !f.is_empty())?;
    (line > 0 && column > 0).then(|| (PathBuf::from(file), line, column))
}

/// The project a file (a canonical path) belongs to: the nearest directory
/// above it with a `schemac.toml`, or the file alone (with what it
/// imports); relative to the current directory when it is below it, so
/// paths print as the user wrote them.
fn project_of(file: &Path) -> PathBuf {
    let found = file
        .ancestors()
        .skip(1)
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .unwrap_or(file);
    let here = std::env::current_dir().and_then(std::fs::canonicalize);
    match here.as_deref().map(|h| found.strip_prefix(h)) {
        Ok(Ok(rel)) if rel.as_os_str().is_empty() => PathBuf::from("."),
        Ok(Ok(rel)) => rel.to_path_buf(),
        _ => found.to_path_buf(),
    }
}

/// `path:line:column` of spans, as diagnostics show them (1-based, columns
/// in UTF-16 code units as editors count them), one line index per file.
struct Places<'s> {
    sources: &'s SourceMap,
    lines: HashMap<u32, LineIndex>,
}

impl<'s> Places<'s> {
    fn new(sources: &'s SourceMap) -> Self {
        Places {
            sources,
            lines: HashMap::new(),
        }
    }

    fn of(&mut self, span: Span) -> String {
        let file = self.sources.get(span.file);
        let index = self
            .lines
            .entry(span.file)
            .or_insert_with(|| LineIndex::new(&file.text));
        let at = index.line_col(&file.text, span.start);
        format!("{}:{}:{}", file.path, at.line + 1, at.utf16 + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        assert_eq!(
            parse_position("a/b.schema:3:7"),
            Some((PathBuf::from("a/b.schema"), 3, 7))
        );
        assert_eq!(
            parse_position("C:/x.schema:1:1").map(|p| p.0),
            Some(PathBuf::from("C:/x.schema"))
        );
        for bad in ["x.schema", "x.schema:3", ":3:4", "x.schema:0:1", "x:1:y"] {
            assert_eq!(parse_position(bad), None, "{bad}");
        }
    }
}
