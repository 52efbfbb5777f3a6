//! Lint: rules that check a schema that compiles against the design
//! guideline (`schemac lint`; `schemac build` runs the error-level ones).
//!
//! A rule is one file, `lint/<group>/<name>.rs`, holding a `pub const RULE:
//! Rule` (its metadata and its check) and one line in the registry list
//! below. The registry is the single source of `schemac lint
//! --list-rules`, `schemac explain RULE` and `docs/lints.md`.
//!
//! # Adding a rule
//!
//! 1. Write `generator/src/lint/<group>/<name_with_underscores>.rs`:
//!
//!    ```ignore
//!    use crate::lint::{LintContext, Rule, BASE};
//!    use dsl::Diagnostic;
//!
//!    pub const RULE: Rule = Rule {
//!        id: "types/prefer-jsonb",
//!        summary: "`json` columns, where `jsonb` is meant",
//!        rationale: "why, in a paragraph",
//!        bad: "entity Event {\n  id bigint @pk @identity\n  payload json\n}\n",
//!        good: "entity Event {\n  id bigint @pk @identity\n  payload jsonb\n}\n",
//!        check,
//!        ..BASE // level Warning, every PostgreSQL version, no knobs, no fix
//!    };
//!
//!    fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
//!        for c in cx.columns() {
//!            if c.column.ty.builtin_name() == Some("json") {
//!                out.push(cx.finding("`json` column").label(c.type_span(), "json").help("..."));
//!            }
//!        }
//!    }
//!    ```
//!
//!    `bad` must produce at least one finding of the rule and `good` none;
//!    both compile. A finding is `cx.finding(message)` (code `Code::Lint`,
//!    the rule's id, its configured severity) with a labelled span (the
//!    primary label's line is where a suppression applies), a help, and,
//!    when the correction is mechanical, `.fix(message, edits)`: set the
//!    rule's `fix` to `FixKind::Safe`, or `FixKind::Unsafe` when applying
//!    it changes what the schema means (a table name, a type).
//! 2. Add `<name_with_underscores>` to its group in `registry!` below.
//! 3. Add `tests/fixtures/lint/<group>-<name>/{bad,good}.schema` (the test
//!    `lint_rules` fails for a rule without them) and accept the snapshots
//!    after reading them; regenerate docs/lints.md with
//!    `SCHEMAC_BLESS=1 cargo test --test it lints_doc`.
//!
//! Knobs (`Knob`) are a rule's settings, read with `cx.knob_*`; users set
//! them in `schemac.toml` as `[lint."group/name"] knob = value`.

pub mod config;
mod context;
pub mod coverage;
mod facts;
pub mod fix;
pub mod output;
mod patterns;
mod run;

pub use config::LintConfig;
pub use context::{ColumnSite, EntitySite, LintContext};
pub use run::lint;

use dsl::Diagnostic;
use serde::Serialize;

/// How much a finding matters. `Off` disables a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Info,
    Warning,
    Error,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::Error, Level::Warning, Level::Info, Level::Off];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The severity of a finding at this level (`None`: off).
    pub fn severity(self) -> Option<dsl::Severity> {
        match self {
            Level::Off => None,
            Level::Info => Some(dsl::Severity::Info),
            Level::Warning => Some(dsl::Severity::Warning),
            Level::Error => Some(dsl::Severity::Error),
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a rule's findings carry a fix, and whether applying it keeps
/// the schema's meaning (`--fix` applies safe fixes; unsafe ones only with
/// `--unsafe-fixes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixKind {
    None,
    Safe,
    Unsafe,
}

/// The PostgreSQL major versions a rule applies to, inclusive (`None`: no
/// bound). A rule runs when `[lint] pg_version` is unset or in range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PgVersions {
    pub min: Option<u32>,
    pub max: Option<u32>,
}

impl PgVersions {
    pub const ALL: PgVersions = PgVersions {
        min: None,
        max: None,
    };

    pub fn contains(&self, version: u32) -> bool {
        self.min.is_none_or(|m| version >= m) && self.max.is_none_or(|m| version <= m)
    }

    pub fn is_all(&self) -> bool {
        *self == PgVersions::ALL
    }
}

/// A knob's default, which is also its type: a configured value must be of
/// the same kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum KnobDefault {
    Bool(bool),
    Int(i64),
    Str(&'static str),
    List(&'static [&'static str]),
}

impl KnobDefault {
    pub fn kind(&self) -> &'static str {
        match self {
            KnobDefault::Bool(_) => "a boolean",
            KnobDefault::Int(_) => "an integer",
            KnobDefault::Str(_) => "a string",
            KnobDefault::List(_) => "a list of strings",
        }
    }

    pub fn value(&self) -> KnobValue {
        match *self {
            KnobDefault::Bool(b) => KnobValue::Bool(b),
            KnobDefault::Int(i) => KnobValue::Int(i),
            KnobDefault::Str(s) => KnobValue::Str(s.to_string()),
            KnobDefault::List(l) => KnobValue::List(l.iter().map(|s| s.to_string()).collect()),
        }
    }
}

/// A knob's configured value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum KnobValue {
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<String>),
}

impl std::fmt::Display for KnobValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KnobValue::Bool(b) => write!(f, "{b}"),
            KnobValue::Int(i) => write!(f, "{i}"),
            KnobValue::Str(s) => write!(f, "{s:?}"),
            KnobValue::List(l) => {
                let items: Vec<String> = l.iter().map(|s| format!("{s:?}")).collect();
                write!(f, "[{}]", items.join(", "))
            }
        }
    }
}

/// A setting of a rule.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Knob {
    pub name: &'static str,
    pub default: KnobDefault,
    pub help: &'static str,
}

/// What a rule's check gets, and gives back: its findings.
pub type Check = fn(&LintContext<'_>, &mut Vec<Diagnostic>);

/// One rule: its metadata and its check.
#[derive(Clone, Copy, Serialize)]
pub struct Rule {
    /// `group/name`, lower-case words joined by `-`. Stable: users write it
    /// in suppressions and configuration.
    pub id: &'static str,
    pub level: Level,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// A paragraph: why it matters.
    pub rationale: &'static str,
    /// A schema that violates the rule (it compiles).
    pub bad: &'static str,
    /// The same schema, fixed: the rule finds nothing in it.
    pub good: &'static str,
    pub pg_versions: PgVersions,
    pub knobs: &'static [Knob],
    pub fix: FixKind,
    #[serde(skip)]
    pub check: Check,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("id", &self.id).finish()
    }
}

/// Defaults for a rule's optional fields: `..BASE` after the ones it sets.
pub const BASE: Rule = Rule {
    id: "",
    level: Level::Warning,
    summary: "",
    rationale: "",
    bad: "",
    good: "",
    pg_versions: PgVersions::ALL,
    knobs: &[],
    fix: FixKind::None,
    check: |_, _| {},
};

impl Rule {
    /// The group: the id up to its `/`.
    pub fn group(&self) -> &'static str {
        self.id.split_once('/').map_or(self.id, |(g, _)| g)
    }

    pub fn knob(&self, name: &str) -> Option<&'static Knob> {
        self.knobs.iter().find(|k| k.name == name)
    }
}

/// Declares the rule modules, group by group, and lists them in `RULES`.
macro_rules! registry {
    ($($group:ident { $($rule:ident),* $(,)? })*) => {
        $(pub mod $group { $(pub mod $rule;)* })*

        /// Every rule, group by group.
        pub static RULES: &[&Rule] = &[$($(&$group::$rule::RULE,)*)*];
    };
}

registry! {
    meta {
        unknown_rule,
        suppression_reason,
        unused_suppression,
    }
    naming {
        table_plural_snake_case,
        column_snake_case,
        reserved_word,
        boolean_prefix,
        timestamp_suffix,
        index_name,
        unique_name,
        check_name,
        foreign_key_name,
        primary_key_name,
        truncation_collision,
        shortened_name,
    }
    types {
        prefer_timestamptz,
        prefer_jsonb,
        prefer_identity,
        prefer_bigint_key,
        no_char,
        no_money_type,
        money_as_float,
        varchar_length,
        no_timetz,
        integer_key_at_volume,
    }
    keys {
        require_primary_key,
        id_strategy,
        nullable_unique,
        timestamps,
        updated_at_maintained,
        composite_key_width,
        email_case_insensitive,
    }
    relationships {
        cascade_deletes_audit,
        duplicate_foreign_key,
        fk_type_mismatch,
        missing_foreign_key,
        natural_key_without_on_update,
        nullable_join_key,
        partial_composite_fk,
        polymorphic_reference,
        unindexed_foreign_key,
    }
    normalization {
        all_columns_nullable,
        copied_attribute,
        derivable_column,
        id_array,
        list_in_text,
        repeating_group,
        same_name_different_type,
        transitive_dependency,
        wide_table,
    }
    indexing {
        boolean_index,
        btree_on_container,
        duplicate_index,
        fulltext_without_gin,
        missing_operator_class,
        redundant_index,
        too_many_indexes,
        useless_partial_predicate,
    }
    security {
        audited_secret,
        card_verification_stored,
        grant_to_public,
        literal_key_in_sql,
        pii_in_name,
        pii_unaudited,
        pii_unclassified,
        pii_unreachable,
        plain_secret,
        policy_always_true,
        rls_without_policy,
        security_definer_search_path,
        sensitive_plain,
    }
    docs {
        comment_required,
        comment_restates_name,
        coverage_threshold,
        todo_in_comment,
        undocumented_sql_block,
    }
}

/// The groups, in registry order.
pub fn groups() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for r in RULES {
        if !out.contains(&r.group()) {
            out.push(r.group());
        }
    }
    out
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}
