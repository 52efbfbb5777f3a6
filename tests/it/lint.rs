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
        // One database, a fresh schema for each example; the audit log's
        // schema is fixed, so an example with `@audit` gets a fresh one too.
        let schema = format!("lint_{}", r.id.replace(['/', '-'], "_"));
        let script = format!(
            "drop schema if exists audit cascade;\ncreate schema {schema};\nset search_path = {schema}, public;\n{}",
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

/// A schema with findings at each level, fixable and not, for the output
/// formats.
const FORMATS_SCHEMA: &str = "entity Event @partition(range: created_at, every: month) {\n  id integer @identity\n  created_at timestamptz = now()\n  payload json\n  sent timestamp\n  phone1 text\n  phone2 text\n\n  primary key (id, created_at)\n}\n";

fn format_findings() -> (Project, Vec<dsl::Diagnostic>) {
    let project = Project::from_sources(&[("events.schema", FORMATS_SCHEMA)]);
    let found = findings(&project, &LintConfig::default()).expect("compiles");
    let severities: std::collections::BTreeSet<String> =
        found.iter().map(|d| format!("{:?}", d.severity)).collect();
    assert_eq!(severities.len(), 3, "one finding per level: {severities:?}");
    assert!(found.iter().any(|d| d.fix.is_some()) && found.iter().any(|d| d.fix.is_none()));
    (project, found)
}

fn parsed(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// `--format sarif` validates against the SARIF 2.1.0 schema (vendored in
/// tests/sarif/), names every rule in the driver, and points each result
/// at its rule, its file and a stable fingerprint.
#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let schema_path = crate::support::root().join("tests/sarif/sarif-schema-2.1.0.json");
    // The published schema's language tag patterns have a stray `]`,
    // which a strict validator refuses as a regular expression; this is
    // the pattern they mean (a tag like `en` or `en-US`).
    let text = std::fs::read_to_string(schema_path).expect("schema");
    let flawed = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert_eq!(
        text.matches(flawed).count(),
        2,
        "the vendored schema changed"
    );
    let schema = parsed(&text.replace(flawed, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#));
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let (project, found) = format_findings();
    let empty = parsed(&lint::output::sarif(&[], &project.sources));
    let sarif = parsed(&lint::output::sarif(&found, &project.sources));
    for log in [&empty, &sarif] {
        let errors: Vec<String> = validator
            .iter_errors(log)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }
    // The schema accepts a lot; these are what code scanning reads.
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), RULES.len());
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), found.len());
    let mut prints = std::collections::BTreeSet::new();
    for r in results {
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let location = &r["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "events.schema");
        assert!(location["region"]["startLine"]
            .as_u64()
            .is_some_and(|l| l >= 1));
        prints.insert(
            r["partialFingerprints"]["schemacFinding/v1"]
                .as_str()
                .expect("fingerprint")
                .to_string(),
        );
    }
    assert_eq!(prints.len(), results.len(), "fingerprints are distinct");
    insta::assert_json_snapshot!("lint_sarif_results", results);
}

/// `--format json`: one object per finding, with its position and fix.
#[test]
fn json_output_structure() {
    let (project, found) = format_findings();
    let v = parsed(&lint::output::json(&found, &project.sources));
    let items = v.as_array().expect("an array");
    assert_eq!(items.len(), found.len());
    for i in items {
        for key in [
            "rule",
            "severity",
            "message",
            "help",
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
        ] {
            assert!(!i[key].is_null(), "{key} missing in {i}");
        }
        if let Some(fix) = i.get("fix") {
            let edits = fix["edits"].as_array().expect("edits");
            assert!(!edits.is_empty() && edits.iter().all(|e| e["replacement"].is_string()));
        }
    }
    insta::assert_json_snapshot!("lint_json", v);
}

/// `--format gitlab`: a Code Quality report, the fields GitLab requires
/// (description, check_name, fingerprint, severity, location.path,
/// location.lines.begin) on each issue, fingerprints unique.
#[test]
fn gitlab_output_is_a_code_quality_report() {
    let (project, found) = format_findings();
    let v = parsed(&lint::output::gitlab(&found, &project.sources));
    let items = v.as_array().expect("an array");
    assert_eq!(items.len(), found.len());
    let mut prints = std::collections::BTreeSet::new();
    for i in items {
        assert!(
            i["description"].is_string() && i["check_name"].is_string(),
            "{i}"
        );
        let severity = i["severity"].as_str().expect("severity");
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&severity));
        assert_eq!(i["location"]["path"], "events.schema");
        assert!(i["location"]["lines"]["begin"]
            .as_u64()
            .is_some_and(|l| l >= 1));
        prints.insert(i["fingerprint"].as_str().expect("fingerprint").to_string());
    }
    assert_eq!(prints.len(), items.len(), "fingerprints are distinct");
    insta::assert_json_snapshot!("lint_gitlab", v);
}

/// `--format rdjson`: reviewdog's format, fixes as suggestions.
#[test]
fn rdjson_output_structure() {
    let (project, found) = format_findings();
    let v = parsed(&lint::output::rdjson(&found, &project.sources));
    assert_eq!(v["source"]["name"], "schemac");
    let items = v["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(items.len(), found.len());
    for i in items {
        let severity = i["severity"].as_str().expect("severity");
        assert!(["ERROR", "WARNING", "INFO"].contains(&severity));
        assert_eq!(i["location"]["path"], "events.schema");
        assert!(i["location"]["range"]["start"]["line"].as_u64().is_some());
        assert!(i["code"]["value"].is_string());
    }
    let with_fix = found.iter().filter(|d| d.fix.is_some()).count();
    let suggested = items
        .iter()
        .filter(|i| i.get("suggestions").is_some())
        .count();
    assert_eq!(suggested, with_fix);
    insta::assert_json_snapshot!("lint_rdjson", v);
}

/// Every fixable rule's fix, on its fixture: each run removes the findings
/// it fixed, the file still parses, compiles and is formatted, and once
/// nothing is left to fix a further run changes nothing.
#[test]
fn fixes_round_trip() {
    let mut wrong = Vec::new();
    for r in RULES.iter().filter(|r| r.fix != lint::FixKind::None) {
        let config = shown(r);
        let path = fixture_dir(r).join("bad.schema");
        let mut text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let fixable = |text: &str| -> Result<(Project, Vec<dsl::Diagnostic>), String> {
            let project = Project::from_sources(&[("bad.schema", text)]);
            let found = findings(&project, &config)?
                .into_iter()
                .filter(|d| d.rule == Some(r.id) && d.fix.is_some())
                .collect();
            Ok((project, found))
        };
        let mut runs = 0;
        let outcome = loop {
            let (project, before) = match fixable(&text) {
                Ok(x) => x,
                Err(e) => break Err(format!("does not compile after {runs} runs: {e}")),
            };
            let fixed = lint::fix::apply(&project, &before, true);
            if fixed.is_empty() {
                break if runs == 0 {
                    Err("its fixture has no fix to apply".to_string())
                } else if !before.is_empty() {
                    Err(format!("{} fixable findings are left", before.len()))
                } else {
                    Ok(())
                };
            }
            runs += 1;
            if runs > 3 {
                break Err("still fixing after 3 runs".to_string());
            }
            let [f] = fixed.as_slice() else {
                break Err("fixed more than one file".to_string());
            };
            let file = dsl::parse(&f.text, 0);
            if file.diagnostics.iter().any(|d| d.is_error()) {
                break Err(format!("the fixed file does not parse:\n{}", f.text));
            }
            if dsl::format(&f.text, &file.file) != f.text {
                break Err(format!("the fixed file is not formatted:\n{}", f.text));
            }
            match fixable(&f.text) {
                Ok((_, after)) if after.len() + f.applied > before.len() => {
                    break Err(format!(
                        "{} fixes applied, but {} of {} findings are left",
                        f.applied,
                        after.len(),
                        before.len()
                    ))
                }
                _ => {}
            }
            text = f.text.clone();
        };
        if let Err(e) = outcome {
            wrong.push(format!("{}: {e}", r.id));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// What policies generate (the history table, `valid_from`, the audit
/// log, the tenant's policies) is not the user's to change: lint reports
/// what the user declared, once.
#[test]
fn lint_does_not_report_what_policies_generate() {
    let text = "entity Account @timestamps {\n  id bigint @pk @identity\n  name text\n}\n\n\
entity Document @timestamps @soft_delete @versioned @audit @tenant(account) {\n  id bigint @pk @identity\n  account -> Account on delete cascade\n  title text\n  ssn text @secret\n}\n";
    let project = Project::from_sources(&[("policies.schema", text)]);
    let mut config = LintConfig::default();
    for r in RULES {
        config.levels.insert(r.id.to_string(), Level::Warning);
    }
    let found = findings(&project, &config).expect("compiles");
    let generated = [
        "documents_history",
        "valid_from",
        "`log`",
        "`version`",
        "deleted_at",
        "created_at",
        "updated_at",
        "live_documents",
    ];
    for d in &found {
        assert!(
            !generated.iter().any(|g| d.message.contains(g)),
            "a finding about a generated object: {}: {}",
            d.rule.unwrap_or(""),
            d.message
        );
    }
    let ssn = found
        .iter()
        .filter(|d| d.rule == Some("security/pii-unclassified"))
        .count();
    assert_eq!(
        ssn, 1,
        "the declared `ssn`, not its copy in the history table"
    );
}
