//! Running the rules: each enabled rule's check, then the inline
//! suppressions, then what the suppressions themselves got wrong.

use super::context::Shared;
use super::{meta, Level, LintConfig, LintContext, RULES};
use crate::{Model, Project, Resolved};
use dsl::{Code, Diagnostic, LineIndex};
use rustc_hash::FxHashMap;

/// Runs every rule whose configured level is at least `min` (`Level::Info`:
/// all enabled rules; `schemac build` asks for `Level::Error`) and returns
/// their findings that no suppression covers, sorted by position.
pub fn lint(
    project: &Project,
    model: &Model,
    resolved: &Resolved,
    config: &LintConfig,
    min: Level,
) -> Vec<Diagnostic> {
    let shared = Shared::new(project, model);
    let runs = |rule: &super::Rule| {
        let level = config.level(rule);
        level != Level::Off && level >= min && config.applies(rule)
    };
    let rules: Vec<&super::Rule> = RULES.iter().copied().filter(|r| runs(r)).collect();
    // Rules are independent: they run on all cores, and their findings
    // are joined in registry order, as one after the other would give
    // (threads cost more than a small model's lint).
    let found = crate::emit::map_on_cores(&rules, model.tables.len() >= 64, |&rule| {
        let severity = config.level(rule).severity();
        let cx = LintContext {
            model,
            resolved,
            project,
            config,
            shared: &shared,
            rule,
            severity: severity.unwrap_or(dsl::Severity::Info),
        };
        let mut found = Vec::new();
        (rule.check)(&cx, &mut found);
        for d in &mut found {
            // Whatever the check built, a finding is its rule's, at the
            // configured level.
            d.code = Code::Lint;
            d.rule = Some(rule.id);
            d.severity = severity.unwrap_or(d.severity);
        }
        found
    });
    let mut findings: Vec<Diagnostic> = Vec::with_capacity(found.iter().map(Vec::len).sum());
    for mut part in found {
        findings.append(&mut part);
    }
    let (mut kept, used) = suppress(project, findings, &runs);
    if runs(&meta::unused_suppression::RULE) {
        kept.extend(unused(project, config, used));
    }
    dsl::diagnostic::sort(&mut kept);
    kept
}

/// Each rule named by a suppression (its file, the suppression's index,
/// the name's index), and whether it suppressed anything.
type Used = FxHashMap<(u32, usize, usize), bool>;

/// Drops the findings a suppression covers: one on the finding's line
/// naming its rule or its group. Records which suppressions were used.
fn suppress(
    project: &Project,
    findings: Vec<Diagnostic>,
    runs: &dyn Fn(&super::Rule) -> bool,
) -> (Vec<Diagnostic>, Used) {
    let mut used = Used::default();
    let by_file: FxHashMap<u32, &dsl::ast::File> =
        project.modules.iter().map(|m| (m.file, &m.ast)).collect();
    for (&file, ast) in &by_file {
        for (si, s) in ast.suppressions.iter().enumerate() {
            for (ri, r) in s.rules.iter().enumerate() {
                let names_a_running_rule = RULES
                    .iter()
                    .any(|rule| (rule.id == r.id || rule.group() == r.id) && runs(rule));
                if names_a_running_rule {
                    used.insert((file, si, ri), false);
                }
            }
        }
    }
    if by_file.values().all(|ast| ast.suppressions.is_empty()) {
        return (findings, used);
    }
    let mut lines: FxHashMap<u32, LineIndex> = FxHashMap::default();
    let kept = findings
        .into_iter()
        .filter(|d| {
            let (Some(span), Some(rule)) = (d.primary_span(), d.rule) else {
                return true;
            };
            let Some(ast) = by_file.get(&span.file) else {
                return true;
            };
            if ast.suppressions.is_empty() {
                return true;
            }
            let text = &project.sources.get(span.file).text;
            let line = lines
                .entry(span.file)
                .or_insert_with(|| LineIndex::new(text))
                .line_col(text, span.start)
                .line;
            let group = rule.split_once('/').map_or(rule, |(g, _)| g);
            let mut suppressed = false;
            for (si, s) in ast.suppressions.iter().enumerate() {
                if s.line != line {
                    continue;
                }
                for (ri, r) in s.rules.iter().enumerate() {
                    if r.id == rule || r.id == group {
                        suppressed = true;
                        used.insert((span.file, si, ri), true);
                    }
                }
            }
            !suppressed
        })
        .collect();
    (kept, used)
}

/// `lint/unused-suppression`: every rule named by a suppression that ran
/// and found nothing on its line.
fn unused(project: &Project, config: &LintConfig, used: Used) -> Vec<Diagnostic> {
    let mut unused: Vec<_> = used
        .into_iter()
        .filter(|(_, was)| !was)
        .map(|(k, _)| k)
        .collect();
    unused.sort_unstable();
    let rule = &meta::unused_suppression::RULE;
    let severity = config
        .level(rule)
        .severity()
        .unwrap_or(dsl::Severity::Warning);
    let files: FxHashMap<u32, &dsl::ast::File> =
        project.modules.iter().map(|m| (m.file, &m.ast)).collect();
    unused
        .into_iter()
        .filter_map(|(file, si, ri)| {
            let s = files.get(&file)?.suppressions.get(si)?;
            let r = s.rules.get(ri)?;
            Some(meta::unused_suppression::finding(r, severity))
        })
        .collect()
}
