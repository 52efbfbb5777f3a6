//! `schemac lint` and `schemac explain`: compile, run the lint rules,
//! report (or fix) the findings; print the rules' documentation.

use crate::cli::LintFormat;
use crate::{output, report, OK, SCHEMA_ERRORS, USAGE_OR_IO};
use dsl::Severity;
use generator::lint::{self, output as out, Level};
use std::path::Path;

pub fn run(
    path: &Path,
    format: LintFormat,
    deny_warnings: bool,
    fix: bool,
    unsafe_fixes: bool,
) -> u8 {
    let loaded = match super::load(path, true) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let findings = lint::lint(
        &loaded.project,
        &loaded.compiled.model,
        &loaded.compiled.resolved,
        &loaded.config.lint,
        Level::Info,
    );
    if fix {
        let fixed = lint::fix::apply(&loaded.project, &findings, unsafe_fixes);
        if !fixed.is_empty() {
            let mut applied = 0;
            for f in &fixed {
                let file = Path::new(&loaded.project.sources.get(f.file).path);
                if let Err(e) = output::replace(file, &f.text) {
                    report::fatal(e);
                    return USAGE_OR_IO;
                }
                applied += f.applied;
            }
            eprintln!("schemac: applied {applied} fixes in {} files", fixed.len());
            // What is left, as the fixed files now read.
            return run(path, format, deny_warnings, false, false);
        }
    }
    let sources = &loaded.project.sources;
    let failing = findings.iter().any(|d| {
        d.severity == Severity::Error || (deny_warnings && d.severity == Severity::Warning)
    });
    match format {
        LintFormat::Human => {
            report::print(&findings, sources);
        }
        LintFormat::Json => print!("{}", out::json(&findings, sources)),
        LintFormat::Sarif => print!("{}", out::sarif(&findings, sources)),
        LintFormat::Github => print!("{}", out::github(&findings, sources)),
        LintFormat::Gitlab => print!("{}", out::gitlab(&findings, sources)),
        LintFormat::Rdjson => print!("{}", out::rdjson(&findings, sources)),
    }
    super::exit_without_freeing(loaded);
    if failing {
        SCHEMA_ERRORS
    } else {
        OK
    }
}

/// `--list-rules`.
pub fn list(format: LintFormat) -> u8 {
    match format {
        LintFormat::Human => print!("{}", out::rules_text(lint::RULES)),
        LintFormat::Json => print!("{}", out::rules_json(lint::RULES)),
        other => {
            report::fatal(format!("--list-rules prints text or json, not {other:?}",));
            return USAGE_OR_IO;
        }
    }
    OK
}

pub fn explain(id: &str) -> u8 {
    match lint::rule(id) {
        Some(rule) => {
            print!("{}", out::page(rule));
            OK
        }
        None => {
            report::fatal(format!(
                "no lint rule `{id}`; `schemac lint --list-rules` lists them"
            ));
            USAGE_OR_IO
        }
    }
}

/// `--coverage`: the documented share of entities and columns, per module.
pub fn coverage(path: &Path, format: LintFormat) -> u8 {
    let loaded = match super::load(path, true) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let modules = lint::coverage::coverage(&loaded.project, &loaded.compiled.model);
    let text = match format {
        LintFormat::Human => lint::coverage::table(&modules),
        LintFormat::Json => lint::coverage::json(&modules),
        other => {
            report::fatal(format!("--coverage prints text or json, not {other:?}"));
            return USAGE_OR_IO;
        }
    };
    print!("{text}");
    super::exit_without_freeing(loaded);
    OK
}
