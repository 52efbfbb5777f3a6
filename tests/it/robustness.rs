//! No input makes schemac panic: malformed files on disk, and generated
//! inputs (random text, and valid schemas cut and spliced) through the
//! parser, the resolver, the graph and the emitter.

use crate::support::root;
use generator::{Options, Project};
use proptest::prelude::*;

/// The whole pipeline on one text; must return, never panic. A text that
/// parses also formats to the same tree.
fn pipeline(text: &str) {
    let parsed = dsl::parse(text, 0);
    if parsed.diagnostics.is_empty() {
        let formatted = dsl::format(text, &parsed.file);
        let again = dsl::parse(&formatted, 0);
        assert!(
            again.diagnostics.is_empty(),
            "formatted text must parse:\n{formatted}"
        );
        assert!(
            dsl::printer::same_meaning(&parsed.file, &again.file),
            "formatting changed the tree of:\n{text}"
        );
    }
    let project = Project::from_sources(&[("fuzz.schema", text)]);
    if let Ok(c) = generator::compile(&project, &Options::default()) {
        let _ = generator::emit::postgres::render(&c.creation);
    }
}

#[test]
fn malformed_files_get_diagnostics_not_panics() {
    let dir = root().join("tests/fixtures/malformed");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("malformed/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "schema"))
        .collect();
    files.sort();
    assert!(files.len() >= 10);
    for f in files {
        let out = assert_cmd::Command::cargo_bin("schemac")
            .expect("binary")
            .args(["check", "--color", "never"])
            .arg(&f)
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}: expected schema errors, got:\n{err}",
            f.display()
        );
        assert!(
            err.contains("schemac::"),
            "{}: no diagnostic code in:\n{err}",
            f.display()
        );
        assert!(!err.contains("panicked"), "{}", f.display());
    }
    // The directory as one project, too.
    assert_cmd::Command::cargo_bin("schemac")
        .expect("binary")
        .args(["check", "--color", "never"])
        .arg(&dir)
        .assert()
        .code(1);
}

fn seeds() -> Vec<String> {
    let mut out = Vec::new();
    for dir in ["tests/fixtures/ok", "examples/seed-template"] {
        for entry in walk(&root().join(dir)) {
            if let Ok(text) = std::fs::read_to_string(&entry) {
                out.push(text);
            }
        }
    }
    out
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else if p.extension().is_some_and(|e| e == "schema") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Characters the grammar cares about, so random text hits real paths.
fn token_soup() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "entity ",
        "mixin ",
        "enum ",
        "domain ",
        "view ",
        "materialized ",
        "sql ",
        "import ",
        "schema ",
        "with ",
        "A",
        "b_c",
        "\"q\"",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        "\n",
        " ",
        "@pk",
        "@unique",
        "@check(",
        "@search(",
        "->",
        "?",
        "=",
        "'s'",
        "$$",
        "$t$",
        "--",
        "/*",
        "*/",
        "///",
        "//",
        ",",
        ".",
        ":",
        "on delete cascade",
        "set null",
        "primary key",
        "unique",
        "index",
        "check",
        "foreign key",
        "exclude",
        "using",
        "where",
        "nulls not distinct",
        "uuid",
        "text",
        "int",
        "numeric(12,2)",
        "[]",
        "ß",
        "\u{0}",
        "\t",
        ";",
    ]);
    prop::collection::vec(pieces, 0..120).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,400}") {
        pipeline(&text);
    }

    #[test]
    fn token_soup_never_panics(text in token_soup()) {
        pipeline(&text);
    }

    /// `schemac.toml`: random text, and real settings cut and spliced.
    #[test]
    fn config_never_panics(
        text in "\\PC{0,200}",
        cut in any::<prop::sample::Index>(),
        junk in "[\\[\\]=\"a-z. \n]{0,20}",
    ) {
        let _ = generator::config::parse(&text, 0);
        let real = "[project]\nname = \"shop\"\ndefault_schema = \"app\"\n\n[build]\nout = \"build\"\n";
        let at = floor(real, cut.index(real.len() + 1));
        let spliced = format!("{}{junk}{}", &real[..at], &real[at..]);
        let (_, diags) = generator::config::parse(&spliced, 0);
        for d in &diags {
            prop_assert!(d.primary_span().is_some(), "{spliced}: {d:?}");
        }
    }

    #[test]
    fn cut_and_spliced_schemas_never_panic(
        pick in any::<prop::sample::Index>(),
        other in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
        splice in any::<prop::sample::Index>(),
        len in 0usize..200,
    ) {
        let seeds = seeds();
        let a = &seeds[pick.index(seeds.len())];
        let b = &seeds[other.index(seeds.len())];
        let at = floor(a, cut.index(a.len() + 1));
        let from = floor(b, splice.index(b.len() + 1));
        let to = floor(b, (from + len).min(b.len()));
        let text = format!("{}{}{}", &a[..at], &b[from..to], &a[at..]);
        pipeline(&text);
        pipeline(&a[..at]);
    }
}

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The benchmark's generated projects are valid schemas (its figures
/// would mean nothing otherwise).
#[test]
fn benchmark_projects_compile() {
    for files in [
        crate::projects::synthetic(300, 100),
        crate::projects::realistic(300),
        crate::projects::lean(300, 100),
    ] {
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let project = Project::from_sources(&refs);
        match generator::compile(&project, &Options::default()) {
            Ok(c) => assert!(c.warnings.is_empty(), "{:?}", c.warnings.first()),
            Err(f) => panic!("{:?}", &f.diagnostics[..f.diagnostics.len().min(3)]),
        }
    }
}

/// `schemac.toml` sections with settings of their own: `[lint]` (levels,
/// rule tables and their knobs), `[rust]`, `[docs.views]`, `[partitions]`.
fn config_sections() -> impl Strategy<Value = String> {
    let header = prop::sample::select(vec![
        "[lint]",
        "[lint.\"naming/table-plural-snake-case\"]",
        "[lint.\"indexing/too-many-indexes\"]",
        "[lint.\"types/integer-key-at-volume\"]",
        "[lint.naming]",
        "[lint.\"nope/nope\"]",
        "[rust]",
        "[docs.views]",
        "[docs]",
        "[partitions]",
        "[[lint]]",
        "[rust.out]",
    ]);
    let key = prop::sample::select(vec![
        "level",
        "allow",
        "max",
        "tables",
        "pg_version",
        "naming",
        "\"types/prefer-jsonb\"",
        "types",
        "out",
        "layout",
        "time",
        "billing",
        "maintenance",
        "nope",
        "deny",
        "words",
    ]);
    let value = prop::sample::select(vec![
        "\"warning\"",
        "\"error\"",
        "\"off\"",
        "\"info\"",
        "\"loud\"",
        "true",
        "12",
        "-1",
        "99999999999999999999",
        "15",
        "\"\"",
        "[]",
        "[\"Account\", \"Order\"]",
        "[1, 2]",
        "{ level = \"error\" }",
        "{ level = 3, max = \"x\" }",
        "\"modules\"",
        "\"flat\"",
        "\"chrono\"",
        "\"time\"",
        "\"pg_partman\"",
        "\"function\"",
        "\"src/models\"",
        "1.5",
        "2026-01-01",
        "[[]]",
    ]);
    let line = prop_oneof![
        1 => header.prop_map(|h| h.to_string()),
        3 => (key, value).prop_map(|(k, v)| format!("{k} = {v}")),
    ];
    prop::collection::vec(line, 0..16).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any mix of those sections' settings: a configuration or diagnostics
    /// with a position, never a panic; a configuration that loads is used
    /// by lint without panicking either.
    #[test]
    fn config_sections_never_panic(text in config_sections()) {
        let (config, diags) = generator::config::parse(&text, 0);
        for d in &diags {
            prop_assert!(d.primary_span().is_some(), "{text}: {d:?}");
        }
        let project = generator::Project::from_sources(&[("a.schema", "entity Account {\n  id integer @pk @identity\n  payload json\n}\n")]);
        let compiled = generator::compile(&project, &generator::Options::default()).expect("compiles");
        let _ = generator::lint::lint(&project, &compiled.model, &compiled.resolved, &config.lint, generator::lint::Level::Info);
    }
}
