//! The standard library: the `.schema` modules of `schemas/`, compiled into
//! the binary and imported by name (`import std.rbac`). A project
//! instantiates them through `[stdlib]` in `schemac.toml`: the key type of
//! every entity (`id`, through the generated mixin `std.ids.Id`) and the
//! PostgreSQL schema they live in (`schema`, which also qualifies the
//! tables their SQL bodies name: they are written against `public.`).

/// The key type of every standard-library entity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IdStrategy {
    /// `bigint` identity keys.
    #[default]
    Bigint,
    /// `uuid` keys from `gen_random_uuid()`.
    Uuid,
}

/// How a project instantiates the modules.
#[derive(Clone, Debug, Default)]
pub struct Params {
    /// The schema named by `[stdlib] schema`, if any.
    pub schema: Option<String>,
    /// Where the modules' objects live: that schema, or else the project's
    /// default schema.
    pub effective_schema: String,
    pub id: IdStrategy,
}

/// Every module: its name after `std.` and its text.
pub const MODULES: &[(&str, &str)] = &[
    ("auth", include_str!("../../schemas/auth.schema")),
    ("rbac", include_str!("../../schemas/rbac.schema")),
    ("files", include_str!("../../schemas/files.schema")),
    ("content", include_str!("../../schemas/content.schema")),
    (
        "notifications",
        include_str!("../../schemas/notifications.schema"),
    ),
    ("messaging", include_str!("../../schemas/messaging.schema")),
    ("activity", include_str!("../../schemas/activity.schema")),
    ("analytics", include_str!("../../schemas/analytics.schema")),
    ("search", include_str!("../../schemas/search.schema")),
    ("audit", include_str!("../../schemas/audit.schema")),
];

/// The prefix of every standard-library module name.
pub const PREFIX: &str = "std.";

/// The generated module of keys, `std.ids`.
const IDS: &str = "ids";

/// The text of `std.<name>` for these parameters, or `None` when there is
/// no such module.
pub fn source(module: &str, params: &Params) -> Option<String> {
    let name = module.strip_prefix(PREFIX)?;
    let mut text = if name == IDS {
        ids(params.id)
    } else {
        MODULES.iter().find(|(n, _)| *n == name)?.1.to_string()
    };
    if params.effective_schema != "public" {
        let qualified = format!("{}.", crate::quote::ident(&params.effective_schema));
        text = text.replace("public.", &qualified);
    }
    if let Some(schema) = &params.schema {
        text.push_str(&format!("\nschema {}\n", dsl_ident(schema)));
    }
    Some(text)
}

/// The display path of a module's source, for diagnostics.
pub fn display(module: &str) -> String {
    format!("<std>/{}.schema", module.trim_start_matches(PREFIX))
}

fn ids(id: IdStrategy) -> String {
    let column = match id {
        IdStrategy::Bigint => "id bigint @pk @identity",
        IdStrategy::Uuid => "id uuid @pk = gen_random_uuid()",
    };
    format!(
        "schemac 1\n\n/// The key of every standard-library entity, as `[stdlib] id` says.\nmixin Id {{\n  /// The row's key.\n  {column}\n}}\n"
    )
}

/// A name as the language writes it: bare when it can be, else quoted.
fn dsl_ident(name: &str) -> String {
    let bare = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if bare {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}
