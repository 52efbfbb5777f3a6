//! The code catalog (`dsl::code`) is true and documented: every example
//! produces its code through the real pipeline, the codes no schema text
//! can produce have tests of their own, and `docs/errors.md` is the
//! catalog's current rendering.
//!
//! Regenerate `docs/errors.md`: `SCHEMAC_BLESS=1 cargo test --test it errors_doc`.

use crate::support::root;
use dsl::Code;
use generator::{Options, Project};

/// Every code a compilation of `project` reports, errors and warnings.
fn codes(project: &Project) -> Vec<Code> {
    let diags = match generator::compile(project, &Options::default()) {
        Ok(c) => c.warnings,
        Err(f) => f.diagnostics,
    };
    diags.iter().map(|d| d.code).collect()
}

/// Each example produces its code and no other, so the page shows the
/// mistake alone.
#[test]
fn every_catalog_example_produces_its_code() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for &code in Code::ALL {
        let files = code.entry().example_files();
        if files.is_empty() {
            continue;
        }
        let found = codes(&Project::from_sources(&files));
        if found.is_empty() || found.iter().any(|c| *c != code) {
            wrong.push(format!("the example of {code} gives {found:?}"));
        }
        checked += 1;
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(checked >= 60, "only {checked} examples");
}

/// A code without an example must be in this list, with a test below.
#[test]
fn codes_without_an_example_are_tested_here() {
    let without: Vec<Code> = Code::ALL
        .iter()
        .copied()
        .filter(|c| c.entry().example.is_none() && c.entry().session.is_none())
        .collect();
    // model.json codes: tests/it/model.rs reads truncated, stale and
    // inconsistent model files. Lint findings: tests/it/lint.rs, one
    // fixture per rule. UnknownViewEntity: tests/it/cli.rs
    // (`erd_views_are_checked_against_the_schema`). ImportUnparsed:
    // tests/it/import.rs (`a_statement_sqlparser_cannot_read_is_kept_and_reported`).
    // ImportFixedTimePartitions: tests/it/import.rs
    // (`maintained_time_partitions_import_as_every_and_round_trip`).
    assert_eq!(
        without,
        [
            Code::TooDeep,
            Code::Encoding,
            Code::ModelSyntax,
            Code::ModelFormat,
            Code::ModelInvalid,
            Code::UnknownViewEntity,
            Code::ImportUnparsed,
            Code::ImportFixedTimePartitions,
            Code::Lint
        ]
    );
}

/// The codes of databases and the migration runner have a `session`
/// instead of a schema example, and a live test that asserts each: their
/// string appears in `tests/it/runner.rs` or `tests/it/tls.rs`.
#[test]
fn every_runner_code_is_asserted_by_a_live_test() {
    let tests: String = ["tests/it/runner.rs", "tests/it/tls.rs"]
        .iter()
        .map(|f| std::fs::read_to_string(root().join(f)).unwrap_or_default())
        .collect();
    let mut untested = Vec::new();
    let mut with_session = 0;
    for &code in Code::ALL {
        let e = code.entry();
        let Some(_) = e.session else { continue };
        with_session += 1;
        assert!(
            e.example.is_none(),
            "{code} has both an example and a session"
        );
        let variant = format!("Code::{code:?}");
        if !tests.contains(&format!("\"{}\"", e.code)) && !tests.contains(&variant) {
            untested.push(e.code);
        }
    }
    assert!(untested.is_empty(), "no live test asserts {untested:?}");
    assert!(with_session >= 20, "only {with_session} runner codes");
}

#[test]
fn too_deep_nesting_is_reported() {
    let text = format!(
        "entity A {{\n  a int @check({}a{})\n}}\n",
        "(".repeat(200),
        ")".repeat(200)
    );
    let project = Project::from_sources(&[("input.schema", text.as_str())]);
    assert!(codes(&project).contains(&Code::TooDeep));
}

#[test]
fn a_file_that_is_not_utf8_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("input.schema");
    std::fs::write(
        &file,
        b"entity A {\n  id bigint @pk\n  name text // caf\xe9\n}\n",
    )
    .expect("write");
    let project = Project::load(&file).expect("load");
    let found = codes(&project);
    assert!(found.contains(&Code::Encoding), "{found:?}");
}

/// `docs/errors.md`, as the catalog renders it.
fn errors_markdown() -> String {
    let mut out = String::from(
        "# Diagnostic codes\n\n\
         <!-- Generated from the code catalog in dsl/src/code.rs; do not edit.\n     \
         Regenerate with: SCHEMAC_BLESS=1 cargo test --test it errors_doc -->\n\n\
         Every problem schemac reports has a stable code, such as\n\
         `schemac::unknown_type`: it is printed above each diagnostic, and tools\n\
         may match on it. This page lists every code with what it means, an\n\
         example that produces it, and how to fix it. Each example is compiled\n\
         by the test suite and must produce its code. How diagnostics look and\n\
         how errors are recovered from is described in\n\
         [the language reference](language.md#18-errors).\n\n\
         | code | meaning |\n|---|---|\n",
    );
    for &code in Code::ALL {
        let e = code.entry();
        let anchor: String = e.code.chars().filter(|c| *c != ':').collect();
        out.push_str(&format!("| [`{}`](#{anchor}) | {} |\n", e.code, e.summary));
    }
    for &code in Code::ALL {
        let e = code.entry();
        out.push_str(&format!("\n## {}\n\n", e.code));
        out.push_str(&format!(
            "**{}.** {}\n",
            capitalized(e.summary),
            e.explanation
        ));
        let files = e.example_files();
        if !files.is_empty() {
            out.push_str("\nFor example:\n");
            let several = files.len() > 1;
            for (name, text) in &files {
                let lang = if name.ends_with(".toml") {
                    "toml"
                } else {
                    "schemac"
                };
                if several || *name != "example.schema" {
                    out.push_str(&format!("\n`{name}`:\n"));
                }
                out.push_str(&format!("\n```{lang}\n{text}```\n"));
            }
            out.push_str(&format!(
                "\nschemac reports:\n\n```text\n{}```\n",
                rendered(&Project::from_sources(&files))
            ));
        }
        if let Some(session) = e.session {
            out.push_str(&format!("\nFor example:\n\n```text\n{session}```\n"));
        }
        if let Some(fix) = e.fix {
            out.push_str(&format!("\n**Fix:** {fix}.\n"));
        }
    }
    out
}

/// The diagnostics of `project` as `schemac check --color never` prints them.
fn rendered(project: &Project) -> String {
    let diags = generator::compile(project, &Options::default())
        .err()
        .map(|f| f.diagnostics)
        .unwrap_or_default();
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_context_lines(1);
    let mut out = String::new();
    for d in &diags {
        let r = dsl::diagnostic::Rendered::new(d, &project.sources);
        handler.render_report(&mut out, &r).expect("render");
        out.push('\n');
    }
    format!("{}\n", out.trim_end())
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[test]
fn errors_doc_is_current() {
    let path = root().join("docs/errors.md");
    let want = errors_markdown();
    if std::env::var_os("SCHEMAC_BLESS").is_some() {
        std::fs::write(&path, &want).expect("write docs/errors.md");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/errors.md is stale: regenerate it with `SCHEMAC_BLESS=1 cargo test --test it errors_doc`"
    );
}

#[test]
fn unknown_import_names_the_module_that_declares_it() {
    let help = |files: &[(&str, &str)]| {
        let diags = generator::compile(&Project::from_sources(files), &Options::default())
            .err()
            .map(|f| f.diagnostics)
            .unwrap_or_default();
        let d = diags.iter().find(|d| d.code == Code::UnknownImport);
        d.and_then(|d| d.help.clone()).unwrap_or_default()
    };
    let common = ("common.schema", "mixin Timestamps {\n  at timestamptz\n}\n");
    let audit = ("audit.schema", "enum Level { info, warn }\n");
    let users = |import: &'static str| ("users.schema", import);
    assert_eq!(
        help(&[common, audit, users("import common.{Level}\n")]),
        "`Level` is declared in module `audit`: import it from there, `import audit.{Level}`"
    );
    assert_eq!(
        help(&[common, users("import common.{Timestamp}\n")]),
        "did you mean `Timestamps`?"
    );
    assert!(help(&[common, users("import common.{Nothing}\n")]).contains("no module declares"));
}

/// An entity column that a mixin also defines is one mistake: reported
/// once, as a mixin clash pointing at both columns, not again as a
/// duplicate column.
#[test]
fn a_column_clashing_with_a_mixin_is_reported_once() {
    let text = "mixin Timestamps {\n  created_at timestamptz = now()\n}\n\nentity User with Timestamps {\n  id bigint @pk\n  created_at timestamptz\n}\n";
    let diags = generator::compile(
        &Project::from_sources(&[("input.schema", text)]),
        &Options::default(),
    )
    .err()
    .map(|f| f.diagnostics)
    .unwrap_or_default();
    let found: Vec<Code> = diags.iter().map(|d| d.code).collect();
    assert_eq!(found, [Code::MixinClash], "{diags:?}");
    let labelled: Vec<(usize, &str)> = diags[0]
        .labels
        .iter()
        .map(|l| (l.span.start as usize, l.message.as_str()))
        .collect();
    let in_mixin = text.find("created_at").expect("mixin column");
    let in_entity = text.rfind("created_at").expect("entity column");
    assert!(
        labelled.contains(&(in_entity, "defined here")),
        "{labelled:?}"
    );
    assert!(
        labelled.contains(&(in_mixin, "and in the mixin")),
        "{labelled:?}"
    );
}
