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

/// Creation order comes from the graph: declaring the same things in
/// reverse order gives the same SQL.
#[test]
fn order_does_not_depend_on_declaration_order() {
    for case in support::cases("ok") {
        let path = case.join("input.schema");
        if !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("fixture");
        let reversed = reverse_declarations(&text);
        let forward = generator::Project::from_sources(&[("input.schema", text.as_str())]);
        let backward = generator::Project::from_sources(&[("input.schema", reversed.as_str())]);
        let a = generator::compile(&forward, &Default::default())
            .unwrap_or_else(|_| panic!("{}", case.display()));
        let b = generator::compile(&backward, &Default::default()).unwrap_or_else(|f| {
            panic!(
                "reversed {}: {:?}\n{reversed}",
                case.display(),
                f.diagnostics
            )
        });
        assert_eq!(
            generator::emit::postgres::render(&a.creation),
            generator::emit::postgres::render(&b.creation),
            "{}",
            case_name(&case)
        );
    }
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
