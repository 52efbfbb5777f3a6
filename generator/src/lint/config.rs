//! The `[lint]` settings: levels by rule or group, knobs, the PostgreSQL
//! version.

use super::{KnobValue, Level, Rule};
use rustc_hash::FxHashMap;

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
