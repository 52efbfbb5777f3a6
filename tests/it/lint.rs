//! Lint: the registry is well-formed and every rule's documented examples
//! are true (the violating one produces a finding of the rule, its fix
//! none).

use generator::lint::{self, Level, LintConfig, RULES};
use generator::{Options, Project};

/// The findings of every rule on the files of `project`.
pub fn findings(project: &Project, config: &LintConfig) -> Result<Vec<dsl::Diagnostic>, String> {
    let compiled = generator::compile(
        project,
        &Options {
            resolved: true,
            ..Options::default()
        },
    )
    .map_err(|f| {
        f.diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    Ok(lint::lint(
        project,
        &compiled.model,
        &compiled.resolved,
        config,
        Level::Info,
    ))
}

#[test]
fn rule_ids_are_unique_and_well_formed() {
    let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    for r in RULES {
        let (group, name) = r.id.split_once('/').expect("group/name");
        let words = |s: &str| {
            !s.is_empty()
                && s.split('-').all(|w| {
                    !w.is_empty()
                        && w.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                })
        };
        assert!(words(group) && words(name), "{}", r.id);
        assert!(!r.summary.is_empty() && !r.rationale.is_empty(), "{}", r.id);
        assert!(!r.bad.is_empty() && !r.good.is_empty(), "{}", r.id);
    }
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate rule ids");
}

/// The configuration a rule's examples are checked with: the defaults,
/// with a rule that is off by default turned on, as a project would.
fn shown(rule: &lint::Rule) -> LintConfig {
    let mut config = LintConfig::default();
    if rule.level == Level::Off {
        config.levels.insert(rule.id.to_string(), Level::Warning);
    }
    config
}

#[test]
fn every_rules_examples_are_true() {
    let mut wrong = Vec::new();
    for r in RULES {
        let config = shown(r);
        let of_rule = |text: &str| -> Result<usize, String> {
            let project = Project::from_sources(&[("example.schema", text)]);
            let found = findings(&project, &config)?;
            Ok(found.iter().filter(|d| d.rule == Some(r.id)).count())
        };
        match of_rule(r.bad) {
            Ok(0) => wrong.push(format!("{}: the violating example finds nothing", r.id)),
            Ok(_) => {}
            Err(e) => wrong.push(format!(
                "{}: the violating example does not compile: {e}",
                r.id
            )),
        }
        match of_rule(r.good) {
            Ok(0) => {}
            Ok(n) => wrong.push(format!("{}: the fixed example has {n} findings", r.id)),
            Err(e) => wrong.push(format!("{}: the fixed example does not compile: {e}", r.id)),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Diagnostics as `schemac lint --color never` prints them.
fn rendered(diags: &[dsl::Diagnostic], sources: &dsl::SourceMap) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_context_lines(1);
    let mut out = String::new();
    for d in diags {
        let r = dsl::diagnostic::Rendered::new(d, sources);
        handler.render_report(&mut out, &r).expect("render");
        out.push('\n');
    }
    format!("{}\n", out.trim_end())
}

/// `tests/fixtures/lint/<group>-<name>/`.
fn fixture_dir(rule: &lint::Rule) -> std::path::PathBuf {
    crate::support::root()
        .join("tests/fixtures/lint")
        .join(rule.id.replace('/', "-"))
}

/// Every rule has a fixture: `bad.schema` has findings of the rule
/// (snapshotted as the user sees them, the rule's findings only, so a new
/// rule never changes another's snapshot) and `good.schema` none. With
/// `SCHEMAC_BLESS=1`, a rule without a fixture gets one from its
/// documented examples, to edit from there.
#[test]
fn lint_rules() {
    let bless = std::env::var_os("SCHEMAC_BLESS").is_some();
    let mut wrong = Vec::new();
    for r in RULES {
        let dir = fixture_dir(r);
        if bless && !dir.is_dir() {
            std::fs::create_dir_all(&dir).expect("mkdir");
            std::fs::write(dir.join("bad.schema"), r.bad).expect("write");
            std::fs::write(dir.join("good.schema"), r.good).expect("write");
        }
        let read = |name: &str| std::fs::read_to_string(dir.join(name));
        let (Ok(bad), Ok(good)) = (read("bad.schema"), read("good.schema")) else {
            wrong.push(format!(
                "{}: no {}/{{bad,good}}.schema",
                r.id,
                dir.display()
            ));
            continue;
        };
        for (name, text, want_findings) in
            [("bad.schema", &bad, true), ("good.schema", &good, false)]
        {
            let project = Project::from_sources(&[(name, text.as_str())]);
            let found = match findings(&project, &shown(r)) {
                Ok(f) => f,
                Err(e) => {
                    wrong.push(format!("{}: {name} does not compile: {e}", r.id));
                    continue;
                }
            };
            let mine: Vec<dsl::Diagnostic> =
                found.into_iter().filter(|d| d.rule == Some(r.id)).collect();
            if want_findings {
                if mine.is_empty() {
                    wrong.push(format!("{}: bad.schema has no finding", r.id));
                }
                insta::with_settings!({
                    snapshot_path => dir.clone(),
                    prepend_module_to_snapshot => false,
                    omit_expression => true,
                }, {
                    insta::assert_snapshot!("findings", rendered(&mine, &project.sources));
                });
            } else if !mine.is_empty() {
                wrong.push(format!(
                    "{}: good.schema has findings:\n{}",
                    r.id,
                    rendered(&mine, &project.sources)
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Every rule's documented fix builds and applies to PostgreSQL.
#[test]
fn every_rules_fixed_example_applies() {
    let db = crate::pg::test_db("lint_fixed");
    for r in RULES {
        let project = Project::from_sources(&[("example.schema", r.good)]);
        let compiled = generator::compile(&project, &Options::default())
            .unwrap_or_else(|f| panic!("{}: {:?}", r.id, f.diagnostics));
        let sql = generator::emit::postgres::render(&compiled.creation);
        // One database, a fresh schema for each example.
        let schema = format!("lint_{}", r.id.replace(['/', '-'], "_"));
        let script = format!(
            "create schema {schema};\nset search_path = {schema}, public;\n{}",
            sql.replace("\"public\".", &format!("\"{schema}\"."))
        );
        if let Err(e) = db.psql_apply(&script) {
            panic!("{}: the fixed example does not apply:\n{e}\n{script}", r.id);
        }
    }
}

/// `docs/lints.md`, generated from the registry.
#[test]
fn lints_doc_is_current() {
    let path = crate::support::root().join("docs/lints.md");
    let want = lint::output::markdown();
    if std::env::var_os("SCHEMAC_BLESS").is_some() {
        std::fs::write(&path, &want).expect("write docs/lints.md");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/lints.md is stale: regenerate it with `SCHEMAC_BLESS=1 cargo test --test it lints_doc`"
    );
}

/// Every example lints clean with `--deny warnings`: each finding is
/// fixed or suppressed with a reason.
#[test]
fn examples_lint_clean() {
    for case in crate::support::examples() {
        let project = Project::load(&case).expect("load");
        let config = project.config.clone().unwrap_or_default();
        let found = findings(&project, &config.lint).expect("compiles");
        let loud: Vec<_> = found
            .into_iter()
            .filter(|d| d.severity != dsl::Severity::Info)
            .collect();
        assert!(
            loud.is_empty(),
            "{}:\n{}",
            case.display(),
            rendered(&loud, &project.sources)
        );
    }
}

/// The design template's own SQL, flaws kept: its findings are what a
/// careful reviewer raises (the nullable unique `context`, `timestamp`
/// without time zone, `updated_at` never maintained, case-sensitive unique
/// emails).
#[test]
fn seed_verbatim_findings() {
    let dir = crate::support::root().join("tests/fixtures/seed-verbatim");
    // Relative paths, so the snapshot does not depend on the checkout.
    let mut files = crate::support::sources(&dir);
    let toml = std::fs::read_to_string(dir.join("schemac.toml")).expect("schemac.toml");
    files.push(("schemac.toml".to_string(), toml));
    let project = Project::from_sources(&files);
    let config = project.config.clone().unwrap_or_default();
    let found = findings(&project, &config.lint).expect("compiles");
    insta::with_settings!({
        snapshot_path => dir.join("snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("findings", rendered(&found, &project.sources));
    });
}

/// `--format github` is one workflow command per finding:
/// `::warning file=F,line=L,col=C,endLine=L,endColumn=C,title=RULE::MESSAGE`,
/// with `%`, CR and LF escaped in the message (and `:` and `,` in values).
#[test]
fn github_output_is_workflow_commands() {
    let r = lint::rule("keys/nullable-unique").expect("rule");
    let project = Project::from_sources(&[("a, b.schema", r.bad)]);
    let found = findings(&project, &LintConfig::default()).expect("compiles");
    let text = lint::output::github(&found, &project.sources);
    assert_eq!(text.lines().count(), found.len());
    for line in text.lines() {
        let rest = line
            .strip_prefix("::warning ")
            .or_else(|| line.strip_prefix("::error "))
            .or_else(|| line.strip_prefix("::notice "))
            .unwrap_or_else(|| panic!("not a workflow command: {line}"));
        let (props, message) = rest.split_once("::").expect("properties::message");
        assert!(!message.contains('\n') && !message.contains('\r'), "{line}");
        let keys: Vec<&str> = props
            .split(',')
            .map(|p| {
                let (k, v) = p.split_once('=').expect("key=value");
                assert!(!v.contains(':'), "unescaped `:` in {p}");
                k
            })
            .collect();
        assert_eq!(
            keys,
            ["file", "line", "col", "endLine", "endColumn", "title"]
        );
    }
    assert!(text.contains("file=a%2C b.schema,line=7,col=3,"), "{text}");
}

/// `schemac lint --coverage` prints the documented share per module and
/// the total, as text or JSON.
#[test]
fn coverage_prints_the_documented_share_per_module() {
    let file = "tests/fixtures/lint/docs-coverage-threshold/good.schema";
    let run = |args: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("schemac")
            .expect("binary")
            .args(["lint", file, "--coverage"])
            .args(args)
            .output()
            .expect("runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    assert_eq!(
        run(&[]),
        (
            Some(0),
            "entities and columns with a doc comment, per module:\n  good         4/5   80%\n  (all)        4/5   80%\n".to_string()
        )
    );
    let (code, json) = run(&["--format", "json"]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["modules"][0]["module"], "good");
    assert_eq!(v["total"]["documented"], 4);
    assert_eq!(v["total"]["percent"], 80);
    assert_eq!(run(&["--format", "sarif"]).0, Some(2));
}
