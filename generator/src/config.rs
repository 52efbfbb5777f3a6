//! `schemac.toml`: a project's settings, read here so that the CLI, lint and
//! an editor see the same ones. Mistakes are diagnostics with a span in the
//! file: a misspelt key would otherwise silently do nothing.
//!
//! ```toml
//! [project]
//! name = "shop"
//! default_schema = "public"   # schema of files without `schema ...`
//!
//! [build]
//! out = "build"               # output directory, relative to the project
//!
//! [policies]
//! timestamps = true           # `@timestamps` on every entity
//! audit = true                # `@audit` on every entity
//! audit_retain = "13 months"  # the audit log's retention (whole monthly partitions)
//! [lint]                      # see lint::config::parse
//! pg_version = 16
//! naming = "error"
//! "naming/table-plural-snake-case" = { level = "warning", allow = ["analysis"] }
//!
//! [rust]
//! out = "app/src/models"      # where `--emit rust` writes, relative to the project
//! layout = "modules"          # `file` (models.rs) or `modules` (mod.rs and a file per entity)
//! time = "chrono"             # `chrono` or `time`, for date and time columns
//!
//! [migrate]
//! allow_hazards = ["index-build", "irreversible"]  # accepted by `push` and on every [env.NAME]
//!
//! [docs]
//! out = "build/docs"          # `schemac build` writes the docs site here too
//!
//! [docs.views]                # named diagrams: `schemac erd --view billing`
//! billing = ["Invoice", "Subscription", "Customer"]
//!
//! [env.prod]                   # `schemac migrate apply --env prod`
//! url = "postgresql://deploy@db.internal/shop"   # the password from .pgpass
//! allow_hazards = ["index-build"]
//! ```

use crate::resolve::{suggest, Options};
use dsl::{Code, Diagnostic, Span};
use std::path::PathBuf;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

#[derive(Clone, Debug, Default)]
pub struct Config {
    pub project: ProjectSection,
    pub build: BuildSection,
    pub policies: PoliciesSection,
    pub partitions: PartitionsSection,
    pub lint: crate::lint::LintConfig,
    pub docs: DocsSection,
    pub rust: RustSection,
    pub stdlib: StdlibSection,
    pub migrate: MigrateSection,
    /// `[env.NAME]`, in file order.
    pub env: Vec<EnvSection>,
}

/// `[migrate]`: what migrations may do without a flag.
#[derive(Clone, Debug, Default)]
pub struct MigrateSection {
    /// `allow_hazards = ["data-loss", ...]`: hazards a plan may have.
    pub allow_hazards: Vec<crate::diff::plan::Hazard>,
}

/// `[env.NAME]`: a database the migration runner applies to, and the
/// hazards allowed there.
#[derive(Clone, Debug, Default)]
pub struct EnvSection {
    pub name: String,
    pub url: Option<String>,
    /// Hazard names, checked by the runner.
    pub allow_hazards: Vec<String>,
}

/// `[stdlib]`: how the standard library's modules are instantiated
/// (`generator::stdlib`).
#[derive(Clone, Debug, Default)]
pub struct StdlibSection {
    /// The PostgreSQL schema of every `std.*` module (default: the
    /// project's default schema).
    pub schema: Option<String>,
    /// The key type of every standard-library entity.
    pub id: crate::stdlib::IdStrategy,
    /// The project's user entity, `module.Entity`, that the modules
    /// reference instead of `std.auth`'s `User`.
    pub user: Option<(String, String)>,
}

#[derive(Clone, Debug, Default)]
pub struct ProjectSection {
    pub name: Option<String>,
    pub default_schema: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct BuildSection {
    pub out: Option<PathBuf>,
    /// `target = "postgres" | "citus"`.
    pub target: Option<crate::Target>,
}

/// `[partitions]`: what keeps time partitions.
#[derive(Clone, Debug, Default)]
pub struct PartitionsSection {
    /// `maintenance = "function" | "pg_partman"`.
    pub maintenance: Option<crate::model::Maintenance>,
}

/// Project defaults for policies: each applies to every entity.
#[derive(Clone, Debug, Default)]
pub struct PoliciesSection {
    pub timestamps: Option<bool>,
    pub audit: Option<bool>,
    /// `audit_retain = "13 months"`: audit log partitions older go.
    pub audit_retain: Option<(u32, crate::model::TimeUnit)>,
}

/// `--emit rust`: where the Rust code goes and how it looks.
#[derive(Clone, Debug, Default)]
pub struct RustSection {
    pub out: Option<PathBuf>,
    pub layout: crate::emit::rust::Layout,
    pub time: crate::emit::rust::TimeCrate,
    /// `mode = "sync" | "async" | "both"`: the clients of the typed functions.
    pub mode: crate::emit::rust::Mode,
}

#[derive(Clone, Debug, Default)]
pub struct DocsSection {
    /// `[docs] out`: where `schemac build` (and `schemac docs` by default)
    /// writes the site, relative to the project.
    pub out: Option<PathBuf>,
    /// `[docs.views]`.
    pub views: Vec<View>,
}

/// A named diagram: the entities it shows, each with its span in
/// `schemac.toml` so a name the schema lacks is reported there.
#[derive(Clone, Debug)]
pub struct View {
    pub name: String,
    pub entities: Vec<(String, Span)>,
}

/// Every section and its keys: what `parse` accepts and suggests from.
const KEYS: &[(&str, &[&str])] = &[
    ("project", &["name", "default_schema"]),
    ("build", &["out", "target"]),
    ("partitions", &["maintenance"]),
    ("policies", &["timestamps", "audit", "audit_retain"]),
    ("docs", &["out", "views"]),
    // Its keys are rule ids and groups: read by `lint::config::parse`.
    ("lint", &[]),
    ("rust", &["out", "layout", "time", "mode"]),
    ("stdlib", &["schema", "id", "user"]),
    ("migrate", &["allow_hazards"]),
    // Its keys are environment names: read by `envs`.
    ("env", &[]),
];

impl Config {
    /// The compile options the settings ask for.
    pub fn options(&self) -> Options {
        let mut options = Options::default();
        if let Some(s) = &self.project.default_schema {
            options.default_schema = s.clone();
        }
        options.policy_defaults.timestamps = self.policies.timestamps.unwrap_or(false);
        options.policy_defaults.audit = self.policies.audit.unwrap_or(false);
        options.policy_defaults.audit_retain = self.policies.audit_retain;
        options.target = self.build.target.unwrap_or_default();
        options.maintenance = self.partitions.maintenance.unwrap_or_default();
        options
    }
}

/// Reads the text of `schemac.toml`, which is file `file` of the source map.
/// A mistake leaves that setting at its default and adds a diagnostic.
pub fn parse(text: &str, file: u32) -> (Config, Vec<Diagnostic>) {
    let span = |r: std::ops::Range<usize>| Span::new(file, r.start, r.end.max(r.start));
    let mut config = Config::default();
    let (table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        // A half-read file would give misleading follow-up errors.
        let diags = errors
            .iter()
            .map(|e| {
                let at = e.span().unwrap_or(0..0);
                let at = if at.is_empty() {
                    at.start..(at.start + 1).min(text.len())
                } else {
                    at
                };
                Diagnostic::error(Code::ConfigSyntax, "schemac.toml is not valid TOML")
                    .label(span(at), e.message().to_string())
                    .help("see docs/cli.md for the keys of schemac.toml")
            })
            .collect();
        return (config, diags);
    }
    let mut diags = Vec::new();
    for (section, value) in table.get_ref() {
        let name: &str = section.get_ref();
        let Some(&(_, keys)) = KEYS.iter().find(|(s, _)| *s == name) else {
            diags.push(unknown(name, span(section.span()), None));
            continue;
        };
        let DeValue::Table(entries) = value.get_ref() else {
            diags.push(
                Diagnostic::error(Code::BadConfigValue, format!("`{name}` is a section"))
                    .label(span(value.span()), "expected a table")
                    .help(format!(
                        "write `[{name}]` on a line of its own, then its keys"
                    )),
            );
            continue;
        };
        if name == "lint" {
            config.lint = crate::lint::config::parse(entries, &span, &mut diags);
            continue;
        }
        if name == "env" {
            config.env = envs(entries, &span, &mut diags);
            continue;
        }
        for (key, value) in entries {
            let key_name: &str = key.get_ref();
            if !keys.contains(&key_name) {
                diags.push(unknown(key_name, span(key.span()), Some((name, keys))));
                continue;
            }
            if (name, key_name) == ("docs", "views") {
                config.docs.views = views(value, span, &mut diags);
                continue;
            }
            if (name, key_name) == ("policies", "audit_retain") {
                let period = string(value, key_name, span, &mut diags);
                config.policies.audit_retain =
                    period.as_deref().and_then(crate::resolve::parse_period);
                if period.is_some() && config.policies.audit_retain.is_none() {
                    diags.push(
                        Diagnostic::error(Code::BadConfigValue, "`audit_retain` is a period")
                            .label(span(value.span()), "not a period")
                            .help("write `audit_retain = \"13 months\"` (days, weeks, months or years)"),
                    );
                }
                continue;
            }
            if name == "policies" {
                let set = boolean(value, key_name, span, &mut diags);
                match key_name {
                    "audit" => config.policies.audit = set,
                    _ => config.policies.timestamps = set,
                }
                continue;
            }
            if name == "migrate" {
                config.migrate.allow_hazards = hazards(value, span, &mut diags);
                continue;
            }
            let Some(s) = string(value, key_name, span, &mut diags) else {
                continue;
            };
            use crate::emit::rust::{Layout, Mode, TimeCrate};
            let mut choice = |choices: &[&str]| {
                let found = choices.iter().position(|c| *c == s);
                if found.is_none() {
                    diags.push(
                        Diagnostic::error(
                            Code::BadConfigValue,
                            format!("`{key_name}` is one of {}", choices.join(", ")),
                        )
                        .label(span(value.span()), "not one of them")
                        .help(format!("write `{key_name} = \"{}\"`", choices[0])),
                    );
                }
                found
            };
            match (name, key_name) {
                ("project", "name") => config.project.name = Some(s),
                ("project", "default_schema") => config.project.default_schema = Some(s),
                ("rust", "out") => config.rust.out = Some(PathBuf::from(s)),
                ("docs", "out") => config.docs.out = Some(PathBuf::from(s)),
                ("rust", "layout") => match choice(&["file", "modules"]) {
                    Some(0) => config.rust.layout = Layout::File,
                    Some(_) => config.rust.layout = Layout::Modules,
                    None => {}
                },
                ("rust", "time") => match choice(&["chrono", "time"]) {
                    Some(0) => config.rust.time = TimeCrate::Chrono,
                    Some(_) => config.rust.time = TimeCrate::Time,
                    None => {}
                },
                ("rust", "mode") => match choice(&["sync", "async", "both"]) {
                    Some(0) => config.rust.mode = Mode::Sync,
                    Some(1) => config.rust.mode = Mode::Async,
                    Some(_) => config.rust.mode = Mode::Both,
                    None => {}
                },
                ("build", "target") => {
                    config.build.target = one_of(
                        &s,
                        &[
                            ("postgres", crate::Target::Postgres),
                            ("citus", crate::Target::Citus),
                        ],
                        key_name,
                        span(value.span()),
                        &mut diags,
                    )
                }
                ("stdlib", "schema") => config.stdlib.schema = Some(s),
                ("stdlib", "user") => match s.rsplit_once('.') {
                    Some((module, entity)) if !module.is_empty() && !entity.is_empty() => {
                        config.stdlib.user = Some((module.to_string(), entity.to_string()))
                    }
                    _ => diags.push(
                        Diagnostic::error(Code::BadConfigValue, "`user` names an entity with its module")
                            .label(span(value.span()), "no module")
                            .help(format!("write `user = \"accounts.{s}\"`: the module that declares the entity, then its name")),
                    ),
                },
                ("stdlib", "id") => {
                    use crate::stdlib::IdStrategy;
                    let ids = [("bigint", IdStrategy::Bigint), ("uuid", IdStrategy::Uuid)];
                    if let Some(id) = one_of(&s, &ids, key_name, span(value.span()), &mut diags) {
                        config.stdlib.id = id;
                    }
                }
                ("partitions", _) => {
                    config.partitions.maintenance = one_of(
                        &s,
                        &[
                            ("function", crate::model::Maintenance::Function),
                            ("pg_partman", crate::model::Maintenance::PgPartman),
                        ],
                        key_name,
                        span(value.span()),
                        &mut diags,
                    )
                }
                _ => config.build.out = Some(PathBuf::from(s)),
            }
        }
    }
    (config, diags)
}

/// `allow_hazards`: a list of hazard names; an unknown one is a
/// diagnostic (with the closest name), never ignored.
fn hazards(
    value: &Spanned<DeValue<'_>>,
    span: impl Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Vec<crate::diff::plan::Hazard> {
    use crate::diff::plan::Hazard;
    let names = || Hazard::ALL.iter().map(|h| h.name());
    let DeValue::Array(items) = value.get_ref() else {
        diags.push(
            Diagnostic::error(Code::BadConfigValue, "`allow_hazards` is a list")
                .label(
                    span(value.span()),
                    format!("this is {}", kind(value.get_ref())),
                )
                .help("write `allow_hazards = [\"index-build\"]`"),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        let found = match item.get_ref() {
            DeValue::String(s) => Hazard::parse(s).ok_or_else(|| {
                let listed: Vec<String> = names().map(|n| format!("`{n}`")).collect();
                let mut d =
                    Diagnostic::error(Code::BadConfigValue, format!("`{s}` is not a hazard"))
                        .label(
                            span(item.span()),
                            format!("hazards are {}", listed.join(", ")),
                        );
                if let Some(g) = suggest(s, names()) {
                    d = d.help(format!("did you mean `\"{g}\"`?"));
                }
                d
            }),
            other => Err(
                Diagnostic::error(Code::BadConfigValue, "a hazard is named by a string")
                    .label(span(item.span()), format!("this is {}", kind(other)))
                    .help("quote it: `\"data-loss\"`"),
            ),
        };
        match found {
            Ok(h) => out.push(h),
            Err(d) => diags.push(d),
        }
    }
    out
}

/// `[env.NAME]` tables: `url` a string, `allow_hazards` an array of them.
fn envs(
    entries: &DeTable<'_>,
    span: &impl Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Vec<EnvSection> {
    let mut out = Vec::new();
    for (name, value) in entries {
        let DeValue::Table(keys) = value.get_ref() else {
            diags.push(
                Diagnostic::error(Code::BadConfigValue, "an environment is a table")
                    .label(
                        span(value.span()),
                        format!("this is {}", kind(value.get_ref())),
                    )
                    .help(format!(
                        "write `[env.{}]`, then `url = \"...\"`",
                        name.get_ref()
                    )),
            );
            continue;
        };
        let mut env = EnvSection {
            name: name.get_ref().to_string(),
            ..EnvSection::default()
        };
        const ENV_KEYS: &[&str] = &["url", "allow_hazards"];
        for (key, value) in keys {
            match key.get_ref().as_ref() {
                "url" => env.url = string(value, "url", span, diags),
                "allow_hazards" => match value.get_ref() {
                    DeValue::Array(items) => {
                        for item in items {
                            if let Some(h) = string(item, "allow_hazards", span, diags) {
                                env.allow_hazards.push(h);
                            }
                        }
                    }
                    other => diags.push(
                        Diagnostic::error(Code::BadConfigValue, "`allow_hazards` is an array")
                            .label(span(value.span()), format!("this is {}", kind(other)))
                            .help("write `allow_hazards = [\"index-build\"]`"),
                    ),
                },
                other => diags.push(unknown(other, span(key.span()), Some(("env", ENV_KEYS)))),
            }
        }
        out.push(env);
    }
    out
}

/// One of the `choices` by name, or a diagnostic at `at`.
fn one_of<T: Copy>(
    s: &str,
    choices: &[(&str, T)],
    key: &str,
    at: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    let found = choices.iter().find(|(n, _)| *n == s).map(|(_, v)| *v);
    if found.is_none() {
        let names: Vec<String> = choices.iter().map(|(n, _)| format!("`\"{n}\"`")).collect();
        let mut d = Diagnostic::error(Code::BadConfigValue, format!("`{key}` is not `{s}`"))
            .label(at, format!("expected {}", names.join(" or ")));
        if let Some(g) = suggest(s, choices.iter().map(|(n, _)| *n)) {
            d = d.help(format!("did you mean `\"{g}\"`?"));
        }
        diags.push(d);
    }
    found
}

fn string(
    value: &Spanned<DeValue<'_>>,
    key: &str,
    span: impl Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    match value.get_ref() {
        DeValue::String(s) => Some(s.to_string()),
        other => {
            diags.push(
                Diagnostic::error(Code::BadConfigValue, format!("`{key}` is a string"))
                    .label(span(value.span()), format!("this is {}", kind(other)))
                    .help(format!("quote it: `{key} = \"...\"`")),
            );
            None
        }
    }
}

fn boolean(
    value: &Spanned<DeValue<'_>>,
    key: &str,
    span: impl Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<bool> {
    match value.get_ref() {
        DeValue::Boolean(b) => Some(*b),
        other => {
            diags.push(
                Diagnostic::error(Code::BadConfigValue, format!("`{key}` is a boolean"))
                    .label(span(value.span()), format!("this is {}", kind(other)))
                    .help(format!("write `{key} = true` or `{key} = false`")),
            );
            None
        }
    }
}

/// `[docs.views]`: each key a view, each value an array of entity names.
fn views(
    value: &Spanned<DeValue<'_>>,
    span: impl Fn(std::ops::Range<usize>) -> Span,
    diags: &mut Vec<Diagnostic>,
) -> Vec<View> {
    let DeValue::Table(entries) = value.get_ref() else {
        diags.push(
            Diagnostic::error(Code::BadConfigValue, "`views` is a table of named views")
                .label(
                    span(value.span()),
                    format!("this is {}", kind(value.get_ref())),
                )
                .help("write `[docs.views]`, then `name = [\"Entity\", ...]` lines"),
        );
        return Vec::new();
    };
    let mut views = Vec::new();
    for (name, list) in entries {
        let names = match list.get_ref() {
            DeValue::Array(items) => items
                .iter()
                .filter_map(|item| match item.get_ref() {
                    DeValue::String(s) => Some((s.to_string(), span(item.span()))),
                    other => {
                        diags.push(
                            Diagnostic::error(Code::BadConfigValue, "a view lists entity names")
                                .label(span(item.span()), format!("this is {}", kind(other)))
                                .help("quote the entity's name: `\"Order\"`"),
                        );
                        None
                    }
                })
                .collect(),
            other => {
                diags.push(
                    Diagnostic::error(
                        Code::BadConfigValue,
                        format!("view `{}` is a list of entity names", name.get_ref()),
                    )
                    .label(span(list.span()), format!("this is {}", kind(other)))
                    .help(format!("write `{} = [\"Entity\", ...]`", name.get_ref())),
                );
                continue;
            }
        };
        views.push(View {
            name: name.get_ref().to_string(),
            entities: names,
        });
    }
    views
}

fn kind(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// An unknown section (`in_section` None) or key, with the closest known
/// name, or the section it belongs in.
fn unknown(name: &str, at: Span, in_section: Option<(&str, &[&str])>) -> Diagnostic {
    let (what, known): (String, Vec<&str>) = match in_section {
        None => (
            format!("unknown section `[{name}]`"),
            KEYS.iter().map(|(s, _)| *s).collect(),
        ),
        Some((section, keys)) => (
            format!("unknown key `{name}` in `[{section}]`"),
            keys.to_vec(),
        ),
    };
    let elsewhere = KEYS
        .iter()
        .find(|(s, keys)| Some(*s) != in_section.map(|(s, _)| s) && keys.contains(&name));
    let help = match (elsewhere, suggest(name, known.iter().copied())) {
        (Some((section, _)), _) => format!("`{name}` belongs in `[{section}]`"),
        (None, Some(s)) => format!("did you mean `{s}`?"),
        (None, None) => format!("known here: {}", known.join(", ")),
    };
    Diagnostic::error(Code::UnknownConfigKey, what)
        .label(at, "not a schemac.toml setting")
        .help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hazards_are_allowed_by_name_and_unknown_ones_refused() {
        use crate::diff::plan::Hazard;
        let (c, d) = parse(
            "[migrate]\nallow_hazards = [\"index-build\", \"irreversible\"]\n",
            0,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            c.migrate.allow_hazards,
            vec![Hazard::IndexBuild, Hazard::Irreversible]
        );
        let text = "[migrate]\nallow_hazards = [\"data_loss\", 3]\n";
        let (c, d) = parse(text, 0);
        assert!(c.migrate.allow_hazards.is_empty());
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().all(|d| d.code == Code::BadConfigValue));
        assert_eq!(d[0].help.as_deref(), Some("did you mean `\"data-loss\"`?"));
        let (_, d) = parse("[migrate]\nallow_hazards = \"rewrite\"\n", 0);
        assert_eq!(d[0].code, Code::BadConfigValue);
    }

    #[test]
    fn reads_every_key() {
        let (c, d) = parse(
            "[project]\nname = \"shop\"\ndefault_schema = \"app\"\n\n[build]\nout = \"dist\"\n",
            0,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.project.name.as_deref(), Some("shop"));
        assert_eq!(c.options().default_schema, "app");
        assert_eq!(c.build.out, Some(PathBuf::from("dist")));
        let (empty, d) = parse("", 0);
        assert!(d.is_empty());
        assert_eq!(empty.options().default_schema, "public");
        assert!(!empty.options().policy_defaults.timestamps);
        let (c, d) = parse("[policies]\ntimestamps = true\n", 0);
        assert!(d.is_empty(), "{d:?}");
        assert!(c.options().policy_defaults.timestamps);
        assert!(!c.options().policy_defaults.audit);
        let (c, d) = parse("[policies]\naudit = true\n", 0);
        assert!(d.is_empty(), "{d:?}");
        assert!(c.options().policy_defaults.audit && !c.options().policy_defaults.timestamps);
        let (_, d) = parse("[policies]\ntimestamps = \"yes\"\n", 0);
        assert_eq!(d[0].code, Code::BadConfigValue);
        let (c, d) = parse("[policies]\naudit_retain = \"13 months\"\n", 0);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            c.options().policy_defaults.audit_retain,
            Some((13, crate::model::TimeUnit::Month))
        );
        let (_, d) = parse("[policies]\naudit_retain = \"forever\"\n", 0);
        assert_eq!(d[0].code, Code::BadConfigValue);
        let (c, d) = parse(
            "[rust]\nout = \"app\"\nlayout = \"modules\"\ntime = \"time\"\nmode = \"both\"\n",
            0,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.rust.mode, crate::emit::rust::Mode::Both);
        assert_eq!(c.rust.out, Some(PathBuf::from("app")));
        assert_eq!(c.rust.layout, crate::emit::rust::Layout::Modules);
        assert_eq!(c.rust.time, crate::emit::rust::TimeCrate::Time);
        let text = "[rust]\nlayout = \"flat\"\n";
        let (c, d) = parse(text, 0);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, Code::BadConfigValue);
        let s = d[0].primary_span().expect("span");
        assert_eq!(&text[s.start as usize..s.end as usize], "\"flat\"");
        assert_eq!(c.rust.layout, crate::emit::rust::Layout::File);
    }

    #[test]
    fn unknown_keys_point_at_the_key_and_suggest() {
        let text = "[project]\ndefault_shema = \"app\"\nout = \"x\"\n[bulid]\n";
        let (_, d) = parse(text, 3);
        assert_eq!(d.len(), 3, "{d:?}");
        let at = |d: &Diagnostic| {
            let s = d.primary_span().expect("span");
            assert_eq!(s.file, 3);
            &text[s.start as usize..s.end as usize]
        };
        let mut found: Vec<(&str, String)> = d
            .iter()
            .map(|d| (at(d), d.help.clone().unwrap_or_default()))
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                ("bulid", "did you mean `build`?".to_string()),
                (
                    "default_shema",
                    "did you mean `default_schema`?".to_string()
                ),
                ("out", "`out` belongs in `[build]`".to_string()),
            ]
        );
        assert!(d.iter().all(|d| d.code == Code::UnknownConfigKey));
    }

    #[test]
    fn lint_levels_knobs_and_mistakes() {
        let text = "[lint]\npg_version = 16\nnaming = \"error\"\n\"naming/table-plural-snake-case\" = { level = \"info\", allow = [\"analysis\"] }\n\"naming/no-such\" = \"off\"\nlint = \"loud\"\n[lint.\"lint/unknown-rule\"]\nalow = 1\n";
        let (c, d) = parse(text, 0);
        let rule = crate::lint::rule("naming/table-plural-snake-case").expect("rule");
        assert_eq!(c.lint.pg_version, Some(16));
        assert_eq!(c.lint.level(rule), crate::lint::Level::Info);
        assert_eq!(
            c.lint.knob(rule.id, "allow"),
            Some(&crate::lint::KnobValue::List(vec!["analysis".into()]))
        );
        let mut d = d;
        dsl::diagnostic::sort(&mut d);
        let found: Vec<(&str, Code)> = d
            .iter()
            .map(|d| {
                let s = d.primary_span().expect("span");
                (&text[s.start as usize..s.end as usize], d.code)
            })
            .collect();
        assert_eq!(
            found,
            [
                ("\"naming/no-such\"", Code::UnknownConfigKey),
                ("\"loud\"", Code::BadConfigValue),
                ("alow", Code::UnknownConfigKey),
            ]
        );
    }

    #[test]
    fn target_and_maintenance_are_chosen_by_name() {
        let text = "[build]\ntarget = \"citus\"\n[partitions]\nmaintenance = \"pg_partman\"\n";
        let (c, d) = parse(text, 0);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.options().target, crate::Target::Citus);
        assert_eq!(
            c.options().maintenance,
            crate::model::Maintenance::PgPartman
        );
        let text = "[build]\ntarget = \"cytus\"\n[partitions]\nmaintenance = \"cron\"\n";
        let (c, d) = parse(text, 0);
        assert_eq!(c.options().target, crate::Target::Postgres);
        let at: Vec<&str> = d
            .iter()
            .map(|d| {
                assert_eq!(d.code, Code::BadConfigValue);
                let s = d.primary_span().expect("span");
                &text[s.start as usize..s.end as usize]
            })
            .collect();
        assert_eq!(at, ["\"cytus\"", "\"cron\""]);
        assert_eq!(d[0].help.as_deref(), Some("did you mean `\"citus\"`?"));
    }

    #[test]
    fn docs_views_keep_each_name_and_its_span() {
        let text =
            "[docs.views]\nbilling = [\"Invoice\", \"Customer\"]\nbad = \"Order\"\nodd = [1]\n";
        let (c, d) = parse(text, 0);
        assert_eq!(c.docs.views.len(), 2, "{:?}", c.docs.views);
        let billing = &c.docs.views[0];
        assert_eq!(billing.name, "billing");
        let (name, at) = &billing.entities[1];
        assert_eq!(name, "Customer");
        assert_eq!(&text[at.start as usize..at.end as usize], "\"Customer\"");
        assert!(c.docs.views[1].entities.is_empty());
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().all(|d| d.code == Code::BadConfigValue));
    }

    #[test]
    fn wrong_types_and_bad_syntax_are_diagnostics() {
        let text = "project = 1\n[build]\nout = [\"a\"]\n";
        let (c, d) = parse(text, 0);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().all(|d| d.code == Code::BadConfigValue));
        assert!(c.build.out.is_none());
        let (_, d) = parse("[project\nname = 1\n", 0);
        assert!(!d.is_empty());
        assert!(d
            .iter()
            .all(|d| d.code == Code::ConfigSyntax && d.primary_span().is_some()));
    }
}
