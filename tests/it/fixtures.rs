//! Snapshot tests: each `tests/fixtures/ok/<case>` (and each example) has
//! its emitted SQL snapshotted beside it; each `tests/fixtures/errors/<case>`
//! has the diagnostics a user sees from `schemac check`.

use crate::support::{self, case_name, compile_ok, input};
use std::path::Path;

fn snapshot(case: &Path, name: &str, value: &str) {
    insta::with_settings!({
        snapshot_path => case.join("snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name.to_string(), value);
    });
}

#[test]
fn emitted_sql() {
    for case in support::cases("ok").into_iter().chain(support::examples()) {
        let compiled = compile_ok(&input(&case));
        snapshot(&case, "schema.sql", &support::sql(&compiled));
    }
}

/// Two separate processes of the CLI write byte-identical files: a hash
/// order (seeded per process) reaching the output would differ between
/// them, where two runs in one process could agree by chance.
#[test]
fn output_is_byte_identical_across_processes() {
    let build = |case: &Path, out: &Path| {
        assert_cmd::Command::cargo_bin("schemac")
            .expect("binary")
            .args(["build", "--emit", "sql,model", "--out"])
            .arg(out)
            .arg(input(case))
            .assert()
            .success();
    };
    for case in support::cases("ok").into_iter().chain(support::examples()) {
        let (a, b) = (
            tempfile::tempdir().expect("tempdir"),
            tempfile::tempdir().expect("tempdir"),
        );
        build(&case, a.path());
        build(&case, b.path());
        for file in ["schema.sql", "model.json"] {
            let read = |dir: &Path| std::fs::read(dir.join(file)).expect("written");
            assert!(
                read(a.path()) == read(b.path()),
                "{}: {file} differs",
                case.display()
            );
        }
    }
}

/// Compiles files given in this order, each rewritten by `edit`.
fn compile_edited(
    files: &[(String, String)],
    edit: impl Fn(&str) -> String,
) -> Result<generator::Compiled, String> {
    let edited: Vec<(String, String)> = files
        .iter()
        .rev()
        .map(|(path, text)| (path.clone(), edit(text)))
        .collect();
    let project = generator::Project::from_sources(&edited);
    generator::compile(&project, &Default::default()).map_err(|f| format!("{:?}", f.diagnostics))
}

/// Creation order comes from the graph: declaring the same things in
/// reverse order, and the files in reverse order, gives the same SQL.
#[test]
fn order_does_not_depend_on_declaration_order() {
    for case in support::cases("ok").into_iter().chain(support::examples()) {
        let files = support::sources(&case);
        let a = compile_ok(&input(&case));
        let b = compile_edited(&files, reverse_declarations)
            .unwrap_or_else(|d| panic!("reversed {}: {d}", case.display()));
        assert_eq!(support::sql(&a), support::sql(&b), "{}", case_name(&case));
    }
}

/// Reversing declarations, files and the members inside every entity and
/// mixin, then formatting the result, gives an equal model with the same
/// generated names. Column order is part of a table, so columns are
/// compared by name.
#[test]
fn model_does_not_depend_on_member_order() {
    fn by_column_name(mut m: generator::Model) -> generator::Model {
        for t in &mut m.tables {
            t.columns.sort_by(|a, b| a.name.cmp(&b.name));
        }
        // A view a policy derives from a table (soft delete's live rows)
        // lists the table's columns in their order: its name and what it
        // reads are compared.
        for v in &mut m.views {
            if matches!(v.origin.why, generator::model::Why::Policy { .. }) {
                v.body = generator::model::Expr::verbatim(String::new(), v.body.span);
            }
        }
        m
    }
    fn names(m: &generator::Model) -> Vec<String> {
        let mut out: Vec<String> = m
            .tables
            .iter()
            .flat_map(|t| {
                t.constraint_names()
                    .chain(t.indexes.iter().map(|i| i.name.as_str()))
                    .map(move |n| format!("{}.{n}", t.sql))
            })
            .collect();
        out.sort();
        out
    }
    for case in support::cases("ok").into_iter().chain(support::examples()) {
        let files = support::sources(&case);
        assert!(
            files.iter().any(|(_, t)| reverse_members(t) != *t),
            "{}: nothing to reorder",
            case_name(&case)
        );
        let a = compile_ok(&input(&case));
        let b = compile_edited(&files, |t| {
            formatted(&reverse_declarations(&reverse_members(t)))
        })
        .unwrap_or_else(|d| panic!("reordered {}: {d}", case.display()));
        assert_eq!(names(&a.model), names(&b.model), "{}", case_name(&case));
        assert!(
            by_column_name(a.model) == by_column_name(b.model),
            "{}: models differ",
            case_name(&case)
        );
    }
}

/// `text` as `schemac fmt` writes it.
fn formatted(text: &str) -> String {
    let parsed = dsl::parse(text, 0);
    assert!(
        parsed.diagnostics.is_empty(),
        "{:?}\n{text}",
        parsed.diagnostics
    );
    dsl::format(text, &parsed.file)
}

/// Reverses the members of every entity and mixin block (a member is a
/// line with the doc comments above it; other comments and blank lines are
/// dropped).
fn reverse_members(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let head = line.trim_start();
        let opens = (head.starts_with("entity ") || head.starts_with("mixin "))
            && line.trim_end().ends_with('{');
        if !opens {
            continue;
        }
        let mut members: Vec<String> = Vec::new();
        let mut doc = String::new();
        for inner in lines.by_ref() {
            let t = inner.trim();
            if t == "}" {
                for m in members.iter().rev() {
                    out.push_str(m);
                }
                out.push_str(inner);
                out.push('\n');
                break;
            }
            if t.starts_with("///") {
                doc.push_str(inner);
                doc.push('\n');
            } else if !t.is_empty() && !t.starts_with("//") {
                members.push(format!("{}{inner}\n", std::mem::take(&mut doc)));
            }
        }
    }
    out
}

/// Splits a file into top-level declarations (a declaration starts at a
/// non-indented line after a blank line) and reverses them.
fn reverse_declarations(text: &str) -> String {
    let mut blocks: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.trim().is_empty()
            && !current.trim().is_empty()
            && !current.trim_end().ends_with('{')
        {
            let open = current.matches('{').count();
            let close = current.matches('}').count();
            if open == close {
                blocks.push(std::mem::take(&mut current));
                continue;
            }
        }
        current.push_str(line);
        current.push('\n');
    }
    if !current.trim().is_empty() {
        blocks.push(current);
    }
    let (head, rest): (Vec<String>, Vec<String>) = blocks.into_iter().partition(|b| {
        b.starts_with("schemac") || b.starts_with("import") || b.starts_with("schema ")
    });
    head.into_iter()
        .chain(rest.into_iter().rev())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn diagnostics_as_the_user_sees_them() {
    for case in support::cases("errors") {
        let target = if case.join("schemac.toml").is_file() {
            ".".to_string()
        } else {
            "input.schema".to_string()
        };
        let out = assert_cmd::Command::cargo_bin("schemac")
            .expect("binary")
            .current_dir(&case)
            .args(["check", "--color", "never", &target])
            .output()
            .expect("run schemac");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}: schema errors exit with 1",
            case.display()
        );
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        snapshot(&case, "diagnostics", &stderr);
    }
}
