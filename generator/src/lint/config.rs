//! The `[lint]` settings: levels by rule or group, knobs, the PostgreSQL
//! version.

use super::{KnobDefault, KnobValue, Level, Rule};
use crate::resolve::suggest;
use dsl::{Code, Diagnostic, Span};
use rustc_hash::FxHashMap;
use toml::de::{DeTable, DeValue};

#[derive(Clone, Debug, Default)]
pub struct LintConfig {
    /// The PostgreSQL major version the schema is for (rules with
    /// `pg_versions` outside it do not run).
    pub pg_version: Option<u32>,
    /// Levels set by rule id or by group.
    pub levels: FxHashMap<String, Level>,
    /// Knob values by rule id, then knob name.
    pub knobs: FxHashMap<String, FxHashMap<String, KnobValue>>,
}

impl LintConfig {
    /// The rule's level: its own setting, else its group's, else its
    /// default.
    pub fn level(&self, rule: &Rule) -> Level {
        self.levels
            .get(rule.id)
            .or_else(|| self.levels.get(rule.group()))
            .copied()
            .unwrap_or(rule.level)
    }

    pub fn knob(&self, rule: &str, knob: &str) -> Option<&KnobValue> {
        self.knobs.get(rule)?.get(knob)
    }

    /// Whether the rule runs for the configured PostgreSQL version.
    pub fn applies(&self, rule: &Rule) -> bool {
        self.pg_version.is_none_or(|v| rule.pg_versions.contains(v))
    }
}

/// Reads the `[lint]` table of `schemac.toml`:
///
/// ```toml
/// [lint]
/// pg_version = 16
/// naming = "error"                          # a group's level
/// "types/varchar-length" = "off"            # a rule's level
/// "naming/table-plural-snake-case" = { level = "warning", allow = ["analysis"] }
/// ```
///
/// (the last also as a `[lint."naming/table-plural-snake-case"]` table).
/// Unknown rules, groups and knobs, and values of the wrong kind, are
/// diagnostics at their span; the setting keeps its default.
pub(crate) fn parse(
    table: &DeTable<'_>,
    span: &dyn Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> LintConfig {
    let mut config = LintConfig::default();
    let groups = super::groups();
    for (key, value) in table {
        let name: &str = key.get_ref();
        let at = span(key.span());
        let vat = span(value.span());
        if name == "pg_version" {
            match value.get_ref() {
                DeValue::Integer(i) => match i.as_str().parse::<u32>() {
                    Ok(v) if (10..=99).contains(&v) => config.pg_version = Some(v),
                    _ => diags.push(bad(
                        vat,
                        "`pg_version` is a PostgreSQL major version",
                        "e.g. `pg_version = 16`",
                    )),
                },
                _ => diags.push(bad(
                    vat,
                    "`pg_version` is an integer",
                    "e.g. `pg_version = 16`",
                )),
            }
            continue;
        }
        let rule = super::rule(name);
        if rule.is_none() && !groups.contains(&name) {
            let candidates = super::RULES
                .iter()
                .map(|r| r.id)
                .chain(groups.iter().copied())
                .chain(["pg_version"]);
            let help = match suggest(name, candidates) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "a key of `[lint]` is `pg_version`, a rule id or a group; `schemac lint --list-rules` lists them".to_string(),
            };
            diags.push(
                Diagnostic::error(
                    Code::UnknownConfigKey,
                    format!("unknown lint rule or group `{name}`"),
                )
                .label(at, "not a rule or group")
                .help(help),
            );
            continue;
        }
        match value.get_ref() {
            DeValue::String(s) => {
                if let Some(level) = level(s, vat, diags) {
                    config.levels.insert(name.to_string(), level);
                }
            }
            DeValue::Table(settings) => {
                let Some(rule) = rule else {
                    diags.push(bad(
                        vat,
                        "a group takes a level only",
                        "e.g. `naming = \"warning\"`; knobs belong to a rule",
                    ));
                    continue;
                };
                for (k, v) in settings {
                    let kname: &str = k.get_ref();
                    let vat = span(v.span());
                    if kname == "level" {
                        match v.get_ref() {
                            DeValue::String(s) => {
                                if let Some(level) = level(s, vat, diags) {
                                    config.levels.insert(name.to_string(), level);
                                }
                            }
                            _ => diags.push(bad(vat, "`level` is a string", LEVELS)),
                        }
                        continue;
                    }
                    let Some(knob) = rule.knob(kname) else {
                        let known: Vec<&str> =
                            rule.knobs.iter().map(|k| k.name).chain(["level"]).collect();
                        let help = match suggest(kname, known.iter().copied()) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => format!("`{}` takes: {}", rule.id, known.join(", ")),
                        };
                        diags.push(
                            Diagnostic::error(
                                Code::UnknownConfigKey,
                                format!("`{}` has no knob `{kname}`", rule.id),
                            )
                            .label(span(k.span()), "not a knob of this rule")
                            .help(help),
                        );
                        continue;
                    };
                    match knob_value(v.get_ref(), knob.default) {
                        Some(value) => {
                            config
                                .knobs
                                .entry(rule.id.to_string())
                                .or_default()
                                .insert(kname.to_string(), value);
                        }
                        None => diags.push(bad(
                            vat,
                            &format!("`{kname}` is {}", knob.default.kind()),
                            &format!("its default is `{}`", knob.default.value()),
                        )),
                    }
                }
            }
            _ => diags.push(bad(vat, "a rule or group takes a level or a table", LEVELS)),
        }
    }
    config
}

const LEVELS: &str = "write a level: \"error\", \"warning\", \"info\" or \"off\"";

fn level(s: &str, at: Span, diags: &mut Vec<Diagnostic>) -> Option<Level> {
    let level = Level::parse(s);
    if level.is_none() {
        diags.push(bad(at, &format!("`{s}` is not a lint level"), LEVELS));
    }
    level
}

fn bad(at: Span, what: &str, help: &str) -> Diagnostic {
    Diagnostic::error(Code::BadConfigValue, what.to_string())
        .label(at, "here")
        .help(help.to_string())
}

fn knob_value(v: &DeValue<'_>, default: KnobDefault) -> Option<KnobValue> {
    match (v, default) {
        (DeValue::Boolean(b), KnobDefault::Bool(_)) => Some(KnobValue::Bool(*b)),
        (DeValue::Integer(i), KnobDefault::Int(_)) => i.as_str().parse().ok().map(KnobValue::Int),
        (DeValue::String(s), KnobDefault::Str(_)) => Some(KnobValue::Str(s.to_string())),
        (DeValue::Array(items), KnobDefault::List(_)) => items
            .iter()
            .map(|i| match i.get_ref() {
                DeValue::String(s) => Some(s.to_string()),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(KnobValue::List),
        _ => None,
    }
}
