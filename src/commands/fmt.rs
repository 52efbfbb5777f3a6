//! `schemac fmt`: rewrite `.schema` files in their canonical form.

use crate::{output, report, OK, SCHEMA_ERRORS, USAGE_OR_IO};
use dsl::SourceMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub fn run(paths: &[PathBuf], check: bool, diff: bool) -> u8 {
    let mut files = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            return stdin();
        }
        if path.is_dir() {
            match generator::project::schema_files(path) {
                Ok(found) => files.extend(found),
                Err(e) => {
                    report::fatal(e);
                    return USAGE_OR_IO;
                }
            }
        } else {
            files.push(path.clone());
        }
    }
    let (mut changed, mut invalid) = (0, 0);
    for file in &files {
        let text = match std::fs::read(file) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    report::fatal(format!(
                        "{} is not UTF-8 (invalid byte at offset {}); it is left as it is",
                        file.display(),
                        e.utf8_error().valid_up_to()
                    ));
                    invalid += 1;
                    continue;
                }
            },
            Err(e) => {
                report::fatal(format!("cannot read {}: {e}", file.display()));
                return USAGE_OR_IO;
            }
        };
        let formatted = match format(&file.display().to_string(), &text) {
            Some(f) => f,
            None => {
                invalid += 1;
                continue;
            }
        };
        match apply(file, &text, &formatted, check, diff) {
            Ok(true) => changed += 1,
            Ok(false) => {}
            Err(e) => {
                report::fatal(e);
                return USAGE_OR_IO;
            }
        }
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let unchanged = files.len() - changed - invalid;
    let verb = if check || diff {
        "would be reformatted"
    } else {
        "reformatted"
    };
    let mut summary = format!(
        "schemac: {changed} file{} {verb}, {unchanged} already formatted",
        plural(changed)
    );
    if invalid > 0 {
        summary.push_str(&format!(", {invalid} left as they are (errors above)"));
    }
    eprintln!("{summary}");
    if invalid > 0 || ((check || diff) && changed > 0) {
        SCHEMA_ERRORS
    } else {
        OK
    }
}

/// Reports (`--check`, `--diff`) or writes the formatted text; whether the
/// file was not formatted.
fn apply(
    file: &Path,
    text: &str,
    formatted: &str,
    check: bool,
    diff: bool,
) -> Result<bool, String> {
    if formatted == text {
        return Ok(false);
    }
    let name = file.display().to_string();
    if diff {
        let d = similar::TextDiff::from_lines(text, formatted);
        print!("{}", d.unified_diff().header(&name, &name));
    } else if check {
        println!("{name}");
    } else {
        output::replace(file, formatted)?;
    }
    Ok(true)
}

/// The formatted text, or `None` after reporting why the file cannot be
/// formatted.
fn format(name: &str, text: &str) -> Option<String> {
    let parsed = dsl::parse(text, 0);
    if !parsed.diagnostics.is_empty() {
        let mut sources = SourceMap::new();
        sources.add(name, text);
        report::print(&parsed.diagnostics, &sources);
        return None;
    }
    let formatted = dsl::format(text, &parsed.file);
    // The printer must never change what a file says; if it would, leave
    // the file alone rather than write it.
    let again = dsl::parse(&formatted, 0);
    if !again.diagnostics.is_empty() || !dsl::printer::same_meaning(&parsed.file, &again.file) {
        report::fatal(format!(
            "{name}: formatting would change what the file says; it is left as it is (this is a bug in schemac fmt, please report it)"
        ));
        return None;
    }
    Some(formatted)
}

fn stdin() -> u8 {
    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        report::fatal(format!("cannot read standard input: {e}"));
        return USAGE_OR_IO;
    }
    match format("<stdin>", &text) {
        Some(formatted) => {
            let mut out = std::io::stdout().lock();
            if out.write_all(formatted.as_bytes()).is_err() {
                return USAGE_OR_IO;
            }
            OK
        }
        None => SCHEMA_ERRORS,
    }
}
