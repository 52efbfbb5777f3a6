//! The command line as a user meets it: help, exit codes, outputs.

use crate::support::root;
use assert_cmd::Command;

fn schemac() -> Command {
    Command::cargo_bin("schemac").expect("binary")
}

fn stdout(cmd: &mut Command) -> String {
    String::from_utf8_lossy(&cmd.output().expect("run").stdout).into_owned()
}

#[test]
fn every_command_has_help() {
    let top = stdout(schemac().arg("--help"));
    assert!(top.contains("build") && top.contains("check"), "{top}");
    assert!(top.contains("fmt") && top.contains("where"), "{top}");
    for command in ["build", "check"] {
        let help = stdout(schemac().args([command, "--help"]));
        assert!(
            help.contains("Usage: schemac") && help.contains("[PATH]"),
            "{command}: {help}"
        );
    }
    assert!(stdout(schemac().args(["build", "--help"])).contains("--emit"));
    let fmt = stdout(schemac().args(["fmt", "--help"]));
    assert!(
        fmt.contains("[PATHS]...") && fmt.contains("--check") && fmt.contains("--diff"),
        "{fmt}"
    );
}

#[test]
fn check_accepts_a_valid_project() {
    schemac()
        .args(["check", "--color", "never"])
        .arg(root().join("examples/seed-template"))
        .assert()
        .code(0);
}

#[test]
fn check_reports_every_error_and_exits_1() {
    let out = schemac()
        .args(["check", "--color", "never"])
        .arg(root().join("tests/fixtures/errors/many_mistakes/input.schema"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for code in [
        "schemac::unknown_type",
        "schemac::bad_default",
        "schemac::unknown_name",
        "schemac::missing_on_delete",
        "schemac::unknown_column",
        "schemac::duplicate_name",
        "schemac::duplicate_column",
        "schemac::set_null_not_nullable",
        "schemac::unknown_attribute",
        "schemac::unsupported",
    ] {
        assert!(err.contains(code), "{code} missing from:\n{err}");
    }
    // Spans: file, line and column of the first error.
    assert!(err.contains("input.schema:7:12"), "{err}");
}

#[test]
fn usage_and_io_errors_exit_2() {
    schemac()
        .args(["check", "/no/such/path.schema"])
        .assert()
        .code(2);
    schemac().args(["build", "--no-such-flag"]).assert().code(2);
    let empty = tempfile::tempdir().expect("tempdir");
    schemac().arg("check").arg(empty.path()).assert().code(2);
    schemac()
        .args(["--color", "sometimes", "check"])
        .assert()
        .code(2);
}

#[test]
fn build_writes_sql_and_model() {
    let out = tempfile::tempdir().expect("tempdir");
    schemac()
        .args(["build", "--emit", "sql,model", "--out"])
        .arg(out.path())
        .arg(root().join("examples/seed-template"))
        .assert()
        .code(0);
    let sql = std::fs::read_to_string(out.path().join("schema.sql")).expect("schema.sql");
    assert!(sql.contains("CREATE TABLE \"public\".\"users\""));
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("model.json")).expect("model.json"),
    )
    .expect("json");
    let tables = json["model"]["tables"].as_array().expect("tables");
    // The twelve entities and the audit log `@audit` adds.
    assert_eq!(tables.len(), 13);
    assert!(tables.iter().any(|t| t["sql"]["name"] == "user_roles"));
}

/// The CLI writes a large script piece by piece (one per chunk rendered on
/// each core, never joined): the file has the library's text, byte for byte,
/// several transactions and all.
#[test]
fn build_writes_a_large_script_as_rendered() {
    let files = crate::projects::lean(2_500, 100);
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in &files {
        std::fs::write(dir.path().join(path), text).expect("write");
    }
    std::fs::write(dir.path().join("schemac.toml"), "").expect("write");
    let out = tempfile::tempdir().expect("tempdir");
    schemac()
        .args(["build", "--out"])
        .arg(out.path())
        .arg(dir.path())
        .assert()
        .code(0);
    let written = std::fs::read_to_string(out.path().join("schema.sql")).expect("schema.sql");
    let expected = crate::support::sql(&crate::support::compile_ok(dir.path()));
    assert!(expected.matches("\\if :schemac_pending").count() > 1);
    assert!(written == expected, "schema.sql differs from the rendering");
}

/// A `model.json` given as the path builds the same SQL as the schema it
/// came from; a damaged one is a schema error with a diagnostic.
#[test]
fn build_from_model_json() {
    let first = tempfile::tempdir().expect("tempdir");
    schemac()
        .args(["build", "--emit", "sql,model", "--out"])
        .arg(first.path())
        .arg(root().join("examples/shop"))
        .assert()
        .code(0);
    let second = tempfile::tempdir().expect("tempdir");
    schemac()
        .args(["build", "--out"])
        .arg(second.path())
        .arg(first.path().join("model.json"))
        .assert()
        .code(0);
    let read = |d: &tempfile::TempDir| std::fs::read(d.path().join("schema.sql")).expect("sql");
    assert_eq!(read(&first), read(&second));
    let model = first.path().join("model.json");
    let text = std::fs::read_to_string(&model).expect("model.json");
    std::fs::write(&model, &text[..text.len() / 3]).expect("truncate");
    let out = schemac()
        .args(["--color", "never", "check"])
        .arg(&model)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("schemac::model_syntax"), "{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
}

#[test]
fn build_never_overwrites_a_file_it_did_not_write() {
    let out = tempfile::tempdir().expect("tempdir");
    let mine = out.path().join("schema.sql");
    std::fs::write(&mine, "-- my hand-written notes\n").expect("write");
    let example = root().join("examples/seed-template");
    schemac()
        .args(["build", "--out"])
        .arg(out.path())
        .arg(&example)
        .assert()
        .code(2);
    assert_eq!(
        std::fs::read_to_string(&mine).expect("read"),
        "-- my hand-written notes\n"
    );
    schemac()
        .args(["build", "--force", "--out"])
        .arg(out.path())
        .arg(&example)
        .assert()
        .code(0);
    // Its own output is replaced without --force.
    schemac()
        .args(["build", "--out"])
        .arg(out.path())
        .arg(&example)
        .assert()
        .code(0);
}

#[test]
fn color_is_controllable() {
    let bad = root().join("tests/fixtures/errors/many_mistakes/input.schema");
    let colored = schemac()
        .args(["check", "--color", "always"])
        .arg(&bad)
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&colored.stderr).contains('\u{1b}'));
    let plain = schemac()
        .args(["check", "--color", "never"])
        .arg(&bad)
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&plain.stderr).contains('\u{1b}'));
}

const UNFORMATTED: &str = "entity A {\nid   uuid @pk\n  name text? // kept\n}\n";
const FORMATTED: &str = "entity A {\n  id   uuid @pk\n  name text? // kept\n}\n";

#[test]
fn fmt_check_lists_unformatted_files_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.schema"), UNFORMATTED).expect("write");
    std::fs::write(dir.path().join("b.schema"), FORMATTED).expect("write");
    let out = schemac()
        .args(["fmt", "--check"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("a.schema") && !listed.contains("b.schema"),
        "{listed}"
    );
    let read = |f: &str| std::fs::read_to_string(dir.path().join(f)).expect("read");
    assert_eq!(read("a.schema"), UNFORMATTED);
    // Formatted files pass.
    schemac()
        .args(["fmt", "--check"])
        .arg(dir.path().join("b.schema"))
        .assert()
        .code(0);
}

#[test]
fn fmt_diff_prints_a_unified_diff() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("a.schema");
    std::fs::write(&file, UNFORMATTED).expect("write");
    let out = schemac()
        .args(["fmt", "--diff"])
        .arg(&file)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains("--- ") && diff.contains("+++ ") && diff.contains("@@"),
        "{diff}"
    );
    assert!(
        diff.contains("-id   uuid @pk") && diff.contains("+  id   uuid @pk"),
        "{diff}"
    );
    assert_eq!(std::fs::read_to_string(&file).expect("read"), UNFORMATTED);
}

#[test]
fn fmt_rewrites_in_place_keeping_permissions_and_leaves_broken_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("good.schema");
    let broken = dir.path().join("broken.schema");
    std::fs::write(&good, UNFORMATTED).expect("write");
    std::fs::set_permissions(&good, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let broken_text = "entity B {\n  id uuid;\n}\n";
    std::fs::write(&broken, broken_text).expect("write");
    let out = schemac()
        .args(["fmt", "--color", "never"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "a file with syntax errors fails the run"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("schemac::syntax") && err.contains("broken.schema"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&good).expect("read"), FORMATTED);
    let mode = std::fs::metadata(&good).expect("stat").permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    assert_eq!(std::fs::read_to_string(&broken).expect("read"), broken_text);
    // Formatting again changes nothing.
    schemac().arg("fmt").arg(&good).assert().code(0);
    assert_eq!(std::fs::read_to_string(&good).expect("read"), FORMATTED);
}

#[test]
fn fmt_reads_standard_input() {
    let out = schemac()
        .args(["fmt", "-"])
        .write_stdin(UNFORMATTED)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), FORMATTED);
    schemac()
        .args(["fmt", "-"])
        .write_stdin("entity {")
        .assert()
        .code(1);
}

#[test]
fn a_misspelt_setting_is_reported_in_schemac_toml() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("schemac.toml"),
        "[project]\nname = \"shop\"\ndefault_shema = \"app\"\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("tags.schema"),
        "entity Tag {\n  id bigint @pk @identity\n}\n",
    )
    .expect("write");
    let out = schemac()
        .args(["check", "--color", "never"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for want in [
        "schemac::unknown_config_key",
        "schemac.toml:3:1]",
        "3 │ default_shema = \"app\"",
        "did you mean `default_schema`?",
    ] {
        assert!(err.contains(want), "{want} missing from:\n{err}");
    }
}

/// Outputs are created like any file the user creates: mode 0666 less the
/// umask (not the temporary file's 0600).
#[cfg(unix)]
#[test]
fn outputs_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let bin = assert_cmd::cargo::cargo_bin("schemac");
    let example = root().join("examples/seed-template");
    for (umask, mode) in [("022", 0o644), ("002", 0o664), ("077", 0o600)] {
        let out = tempfile::tempdir().expect("tempdir");
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask {umask} && exec \"$0\" build --emit sql,model --out \"$1\" \"$2\""
            ))
            .arg(&bin)
            .arg(out.path())
            .arg(&example)
            .status()
            .expect("run");
        assert!(status.success());
        for name in ["schema.sql", "model.json"] {
            let meta = std::fs::metadata(out.path().join(name)).expect("output");
            assert_eq!(
                meta.permissions().mode() & 0o777,
                mode,
                "{name}, umask {umask}"
            );
        }
    }
}

/// `line:column` (1-based) of `needle` inside the first `context` in a
/// file of ASCII text.
fn position_of(text: &str, context: &str, needle: &str) -> String {
    let at = text.find(context).expect("context") + context.find(needle).expect("needle");
    let line = text[..at].matches('\n').count() + 1;
    let column = at - text[..at].rfind('\n').map_or(0, |n| n + 1) + 1;
    format!("{line}:{column}")
}

#[test]
fn where_shows_the_declaration_a_name_refers_to() {
    let shop = root().join("examples/shop");
    let orders = std::fs::read_to_string(shop.join("sales/orders.schema")).expect("orders");
    let customers = std::fs::read_to_string(shop.join("customers.schema")).expect("customers");
    let run = |position: String, extra: &[&str]| {
        let out = schemac()
            .current_dir(&shop)
            .args(["where", "--color", "never", &position])
            .args(extra)
            .output()
            .expect("run");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let relation = position_of(&orders, "-> Customer on delete restrict", "Customer");
    let declared = position_of(&customers, "entity Customer", "Customer");
    let (code, out) = run(format!("sales/orders.schema:{relation}"), &[]);
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        format!("./customers.schema:{declared}: table public.customers\n")
    );
    // With every reference to it, the relation among them.
    let (code, out) = run(format!("sales/orders.schema:{relation}"), &["--references"]);
    assert_eq!(code, Some(0));
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() > 5, "{out}");
    let at = position_of(&orders, "-> Customer on delete restrict", "Customer");
    assert!(
        lines.contains(&format!("./sales/orders.schema:{at}: reference").as_str()),
        "{out}"
    );
    // From another directory, with the project given.
    let column = position_of(
        &orders,
        "index idx_orders_history (customer_id, placed_at",
        "placed_at",
    );
    let out = schemac()
        .args(["where", "--project"])
        .arg(&shop)
        .arg(shop.join(format!("sales/orders.schema:{column}")))
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.ends_with(": column public.orders.placed_at\n"),
        "{stdout}"
    );
    // Nothing named there, then a position that is not one.
    let (code, out) = run("sales/orders.schema:1:1".to_string(), &[]);
    assert_eq!((code, out.as_str()), (Some(1), ""));
    assert_eq!(run("sales/orders.schema:0:1".to_string(), &[]).0, Some(2));
    assert_eq!(
        run("sales/orders.schema:9999:1".to_string(), &[]).0,
        Some(2)
    );
    assert_eq!(run("nowhere.schema:1:1".to_string(), &[]).0, Some(2));
}

/// Columns count UTF-16 code units, as editors do: `é` is one, `𝄞` two.
#[test]
fn where_counts_columns_as_editors_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "domain Email text\n\nentity User {\n  id bigint @pk\n  \"prénom𝄞\" Email\n}\n";
    std::fs::write(dir.path().join("a.schema"), text).expect("write");
    let run = |column: u32| {
        let out = schemac()
            .current_dir(dir.path())
            .args(["where", &format!("a.schema:5:{column}")])
            .output()
            .expect("run");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    // `Email` is UTF-16 columns 14 to 18 (bytes 17 to 21).
    for column in [14, 18] {
        assert_eq!(
            run(column),
            (Some(0), "a.schema:1:8: domain public.email\n".into())
        );
    }
    assert_eq!(run(19).0, Some(1));
    assert_eq!(
        run(3),
        (
            Some(0),
            "a.schema:5:3: column public.users.prénom𝄞\n".into()
        )
    );
}

#[test]
fn erd_draws_each_format_and_selection() {
    let shop = root().join("examples/shop");
    let mermaid = stdout(schemac().arg("erd").arg(&shop));
    assert!(mermaid.starts_with("erDiagram\n"), "{mermaid}");
    let dot = stdout(schemac().args(["erd", "--format", "dot"]).arg(&shop));
    assert!(dot.starts_with("digraph schema {"), "{dot}");
    let svg = stdout(schemac().args(["erd", "--format", "svg"]).arg(&shop));
    assert!(svg.starts_with("<svg "), "{svg}");
    let around = stdout(
        schemac()
            .args(["erd", "--entity", "OrderLine", "--depth", "1"])
            .arg(&shop),
    );
    assert!(
        around.contains("[\"Product\"]") && !around.contains("[\"Invoice\"]"),
        "{around}"
    );
    let billing = stdout(schemac().args(["erd", "--module", "billing"]).arg(&shop));
    assert!(
        billing.contains("[\"Invoice\"]") && !billing.contains("[\"Order\"] {"),
        "{billing}"
    );
    for bad in [
        ["--entity", "Nope"],
        ["--module", "nope"],
        ["--view", "nope"],
    ] {
        let out = schemac()
            .arg("erd")
            .args(bad)
            .arg(&shop)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(!String::from_utf8_lossy(&out.stderr).is_empty());
    }
}

#[test]
fn erd_views_are_checked_against_the_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("schemac.toml"),
        "[docs.views]\ntags = [\"Tag\", \"Tagz\"]\nok = [\"Tag\"]\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("tags.schema"),
        "entity Tag {\n  id bigint @pk @identity\n}\n",
    )
    .expect("write");
    let ok = stdout(schemac().args(["erd", "--view", "ok"]).arg(dir.path()));
    assert!(ok.contains("tags[\"Tag\"]"), "{ok}");
    let out = schemac()
        .args(["erd", "--color", "never", "--view", "tags"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for want in [
        "schemac::unknown_view_entity",
        "schemac.toml:2:16]",
        "did you mean `Tag`?",
    ] {
        assert!(err.contains(want), "{want} missing from:\n{err}");
    }
}
