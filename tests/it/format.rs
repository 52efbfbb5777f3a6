//! The printer and `schemac fmt`: canonical text, idempotent, lossless
//! (comments kept in order), and never a change of meaning: the formatted
//! text parses to the same tree and compiles to the same model and SQL.

use crate::support::{self, root};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn parse_ok(name: &str, text: &str) -> dsl::ast::File {
    let parsed = dsl::parse(text, 0);
    assert!(
        parsed.diagnostics.is_empty(),
        "{name} should parse: {:?}",
        parsed.diagnostics
    );
    parsed.file
}

/// Formats, and checks everything a formatting must keep.
fn format_checked(name: &str, text: &str) -> String {
    let before = parse_ok(name, text);
    let formatted = dsl::format(text, &before);
    let after = parse_ok(&format!("{name} (formatted)"), &formatted);
    assert!(
        dsl::printer::same_meaning(&before, &after),
        "{name}: formatting changed the tree:\n{formatted}"
    );
    let comments =
        |f: &dsl::ast::File| -> Vec<String> { f.comments.iter().map(|c| c.text.clone()).collect() };
    assert_eq!(comments(&before), comments(&after), "{name}: comments");
    assert_eq!(
        dsl::format(&formatted, &after),
        formatted,
        "{name}: formatting is not idempotent"
    );
    formatted
}

fn schema_files(dirs: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in dirs {
        out.extend(generator::project::schema_files(&root().join(dir)).expect("fixtures"));
    }
    assert!(out.len() >= 3, "found {} files", out.len());
    out
}

/// Every file the project ships in canonical form is formatted, and every
/// fixture that parses (error fixtures included) formats losslessly.
#[test]
fn repository_files_are_formatted_and_format_losslessly() {
    for path in schema_files(&[
        "examples",
        "tests/fixtures/ok",
        "tests/fixtures/fmt/comments",
    ]) {
        let text = std::fs::read_to_string(&path).expect("read");
        let name = path.display().to_string();
        assert_eq!(
            format_checked(&name, &text),
            text,
            "{name} is not formatted"
        );
    }
    for path in schema_files(&["tests/fixtures/errors", "tests/fixtures/fmt"]) {
        let text = std::fs::read_to_string(&path).expect("read");
        if dsl::parse(&text, 0).diagnostics.is_empty() {
            format_checked(&path.display().to_string(), &text);
        }
    }
}

/// The compiled result of a project: its model (whose equality ignores
/// source positions) and its SQL.
fn meaning(project: &generator::Project) -> (generator::Model, String) {
    let compiled = generator::compile(project, &Default::default())
        .unwrap_or_else(|d| panic!("should compile: {d:?}"));
    let sql = support::sql(&compiled);
    (compiled.model, sql)
}

/// Loads the files of `dir` (relative paths as module names), each
/// transformed by `f`.
fn project_with(dir: &Path, f: impl Fn(&str, &str) -> String) -> generator::Project {
    let files: Vec<(String, String)> = generator::project::schema_files(dir)
        .expect("files")
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).expect("relative").display().to_string();
            let text = std::fs::read_to_string(&p).expect("read");
            let out = f(&rel, &text);
            (rel, out)
        })
        .collect();
    generator::Project::from_sources(&files)
}

#[test]
fn formatting_keeps_the_model() {
    let dirs = ["tests/fixtures/fmt/messy", "tests/fixtures/ok/modules"];
    for dir in dirs
        .iter()
        .map(|d| root().join(d))
        .chain(support::examples())
    {
        let original = project_with(&dir, |_, t| t.to_string());
        // Already formatted files are made noisy first, so formatting has
        // work to do.
        let formatted = project_with(&dir, |name, t| {
            format_checked(name, &add_noise(t, &[0, 1, 3, 4]))
        });
        assert_eq!(meaning(&original), meaning(&formatted), "{}", dir.display());
    }
}

#[test]
fn formatted_fixtures() {
    let case = root().join("tests/fixtures/fmt/messy");
    let text = std::fs::read_to_string(case.join("input.schema")).expect("read");
    let formatted = format_checked("messy", &text);
    assert_ne!(formatted, text, "the messy fixture must need formatting");
    insta::with_settings!({
        snapshot_path => case.join("snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("formatted", formatted);
    });
}

/// Layout noise on real files: members re-indented (with tabs too), the
/// alignment padding after a column name collapsed or widened, blanks at
/// line ends, blank lines doubled. Formatting takes all of it away again.
/// Lines inside SQL bodies and multi-line members are the user's text and
/// stay as they are.
fn add_noise(text: &str, seed: &[u8]) -> String {
    let file = dsl::parse(text, 0).file;
    let line_of = |offset: u32| text[..offset as usize].matches('\n').count();
    let mut members = std::collections::HashSet::new();
    let mut untouched = std::collections::HashSet::new();
    for item in &file.items {
        match item {
            dsl::ast::Item::Entity(e) | dsl::ast::Item::Mixin(e) => {
                for m in &e.members {
                    let (first, last) = (line_of(m.span.start), line_of(m.span.end));
                    if first == last {
                        members.insert(first);
                    }
                    untouched.extend(first + 1..=last);
                }
            }
            dsl::ast::Item::View(v) => {
                untouched.extend(line_of(v.span.start)..=line_of(v.span.end))
            }
            dsl::ast::Item::Sql(r) => untouched.extend(line_of(r.span.start)..=line_of(r.span.end)),
            _ => {}
        }
    }
    let mut out = String::new();
    let mut noise = seed.iter().cycle();
    for (n, line) in text.lines().enumerate() {
        let pick = *noise.next().unwrap_or(&0);
        if untouched.contains(&n) {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let body = line.trim_start();
        if members.contains(&n) && !body.starts_with("//") {
            out.push_str(["", " ", "    ", "\t", "\t  "][pick as usize % 5]);
            // The padding after the name: the first run of blanks, if it
            // comes before any string or bracket.
            let pad = body
                .find("  ")
                .filter(|&p| !body[..p].contains(['\'', '"', '(']));
            match pad {
                Some(p) if pick % 3 == 0 => {
                    out.push_str(&body[..p]);
                    out.push(' ');
                    out.push_str(body[p..].trim_start());
                }
                Some(p) if pick % 3 == 1 => {
                    out.push_str(&body[..p]);
                    out.push_str("   ");
                    out.push_str(&body[p..]);
                }
                _ => out.push_str(body),
            }
            if pick % 4 == 1 {
                out.push_str("  ");
            }
        } else {
            out.push_str(line);
        }
        out.push('\n');
        if body.is_empty() && pick % 2 == 0 {
            out.push('\n');
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn formatting_removes_layout_noise(seed in proptest::collection::vec(any::<u8>(), 1..64)) {
        for path in schema_files(&["examples", "tests/fixtures/ok"]) {
            let text = std::fs::read_to_string(&path).expect("read");
            let noisy = add_noise(&text, &seed);
            let name = path.display().to_string();
            prop_assert_eq!(format_checked(&name, &noisy), text, "{}", name);
        }
    }

    /// Generated files: whatever parses formats to something that parses
    /// to the same tree, and formatting it again changes nothing.
    #[test]
    fn generated_files_format_losslessly(text in generated_file()) {
        if dsl::parse(&text, 0).diagnostics.is_empty() {
            format_checked("generated", &text);
        }
    }
}

fn spaces() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["", " ", "  ", "\t", "   "]).prop_map(str::to_string)
}

fn comment() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "",
        "",
        " // note",
        " //x",
        " // schemac: allow(naming/x) reason: because",
    ])
    .prop_map(str::to_string)
}

fn member() -> impl Strategy<Value = String> {
    let column = (
        prop::sample::select(vec![
            "id",
            "name",
            "\"odd name\"",
            "type",
            "override x",
            "a_b",
        ]),
        prop::sample::select(vec![
            "int",
            "text?",
            "numeric(12,2)",
            "timestamp(3) with time zone",
            "text[]",
            "-> Other on delete cascade",
            "-> Other? on delete set null as others",
            "-> Other on delete cascade constraint fk_x deferrable",
        ]),
        prop::sample::select(vec!["", " = 0", " = 'a // b'", " = now()"]),
        prop::sample::select(vec![
            "",
            " @unique",
            " @check(x > 0) @index",
            " @search(\n a: A,\n b: B)",
        ]),
    )
        .prop_map(|(n, t, d, a)| format!("{n} {t}{d}{a}"));
    let clause = prop::sample::select(vec![
        "primary key (a, b)",
        "unique (a) nulls not distinct where a > 0",
        "unique u (a, b) deferrable initially deferred",
        "index idx using gin (a, lower(b) desc) include (c)",
        "check ( a > 0 )",
        "foreign key (a) -> Other(id) on delete cascade",
        "exclude using gist (a with =)",
        "@table(things)",
        "/// A doc.",
    ])
    .prop_map(str::to_string);
    (prop_oneof![3 => column, 1 => clause], spaces(), comment())
        .prop_map(|(m, lead, c)| format!("{lead}{m}{c}"))
}

fn declaration() -> impl Strategy<Value = String> {
    let entity = (
        prop::sample::select(vec!["entity A", "entity B @table(b)", "mixin M", "entity C with M"]),
        proptest::collection::vec(prop_oneof![4 => member(), 1 => Just(String::new()), 1 => Just("  // own line".to_string())], 0..8),
        comment(),
    )
        .prop_map(|(head, members, c)| format!("{head} {{{c}\n{}\n}}", members.join("\n")));
    let other = prop::sample::select(vec![
        "enum E { a, b }",
        "enum F {\n  a // one\n  /// doc\n  'b c'\n}",
        "domain D numeric(5,2) = 0 @check(value >= 0)",
        "view V {\n  select 1\n}",
        "sql s @depends(A) {\n  select '}' -- }\n}",
        "import a.{X,  Y}",
        "/// Hashing.\nextension pgcrypto @schema(ext)",
        "schema s",
        "// free comment",
    ])
    .prop_map(str::to_string);
    (
        prop_oneof![2 => entity, 1 => other],
        prop::sample::select(vec!["\n", "\n\n", "\n\n\n"]),
    )
        .prop_map(|(d, sep)| format!("{d}{sep}"))
}

fn generated_file() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["", "schemac 1\n", "// head\nschemac 1\n\n"]),
        proptest::collection::vec(declaration(), 0..6),
    )
        .prop_map(|(head, decls)| format!("{head}{}", decls.concat()))
}
