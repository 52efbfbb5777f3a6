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

#[test]
fn every_rules_examples_are_true() {
    let mut wrong = Vec::new();
    for r in RULES {
        let of_rule = |text: &str| -> Result<usize, String> {
            let project = Project::from_sources(&[("example.schema", text)]);
            let found = findings(&project, &LintConfig::default())?;
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
