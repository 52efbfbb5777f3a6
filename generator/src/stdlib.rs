//! The standard library: the `.schema` modules of `schemas/`, compiled into
//! the binary and imported by name (`import std.rbac`). A project
//! instantiates them through `[stdlib]` in `schemac.toml`: the key type of
//! every entity (`id`, through the generated mixin `std.ids.Id`), the
//! PostgreSQL schema they live in (`schema`, which also qualifies the
//! tables their SQL bodies name: they are written against `public.`) and
//! the user entity they reference (`user`: the modules' `-> User` and
//! their import of it name the project's entity instead).

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
    /// The project's user entity (module, name), referenced by every
    /// module but `std.auth` instead of `std.auth`'s `User`.
    pub user: Option<(String, String)>,
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
    if let (Some((module, entity)), false) = (&params.user, name == "auth") {
        text = text
            .replace(
                "import std.auth.{User}",
                &format!("import {module}.{{{entity}}}"),
            )
            .replace("-> User", &format!("-> {entity}"));
    }
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

/// `docs/stdlib.md`: the library's reference, made from the modules' own
/// comments (the `//` lines that open each file, and every `///`), so it
/// cannot drift from what ships. A test keeps the file current.
pub fn reference() -> String {
    use dsl::ast::{ColumnType, Item, MemberKind};
    let mut out = String::from(REFERENCE_INTRO);
    for (name, text) in MODULES {
        out.push_str(&format!("\n## `std.{name}`\n\n"));
        let intro: Vec<&str> = text
            .lines()
            .take_while(|l| l.starts_with("//"))
            .map(|l| l.trim_start_matches("//").trim())
            .collect();
        out.push_str(&intro.join("\n"));
        out.push('\n');
        let file = dsl::parse(text, 0).file;
        let imports: Vec<String> = file
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Import(imp) if imp.path.dotted() != "std.ids" => {
                    Some(format!("`{}`", imp.path.dotted()))
                }
                _ => None,
            })
            .collect();
        if !imports.is_empty() {
            out.push_str(&format!("\nImports {}.\n", imports.join(", ")));
        }
        for item in &file.items {
            let (kind, decl, doc) = match item {
                Item::Entity(e) => ("entity", &e.name, &e.doc),
                Item::Mixin(e) => ("mixin", &e.name, &e.doc),
                Item::Enum(e) => ("enum", &e.name, &e.doc),
                Item::View(v) => ("view", &v.name, &v.doc),
                Item::Sql(s) => ("sql", &s.name, &s.doc),
                _ => continue,
            };
            out.push_str(&format!("\n### {kind} `{}`\n\n", decl.name));
            if let Some(doc) = doc {
                out.push_str(doc.trim());
                out.push('\n');
            }
            match item {
                Item::Entity(e) | Item::Mixin(e) => {
                    if !e.with.is_empty() {
                        let with: Vec<String> =
                            e.with.iter().map(|p| format!("`{}`", p.dotted())).collect();
                        out.push_str(&format!("\nWith {}.\n", with.join(", ")));
                    }
                    let mut rows = String::new();
                    for m in &e.members {
                        let MemberKind::Column(c) = &m.kind else {
                            continue;
                        };
                        let ty = match &c.ty {
                            ColumnType::Type(t) => {
                                let args = match t.args.is_empty() {
                                    true => String::new(),
                                    false => format!(
                                        "({})",
                                        t.args
                                            .iter()
                                            .map(u32::to_string)
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    ),
                                };
                                let nullable = if t.nullable { "?" } else { "" };
                                format!(
                                    "{}{args}{}{nullable}",
                                    t.name,
                                    "[]".repeat(t.array_dims.into())
                                )
                            }
                            ColumnType::Relation(r) => {
                                let targets: Vec<String> = std::iter::once(&r.target)
                                    .chain(&r.alternatives)
                                    .map(|p| p.dotted())
                                    .collect();
                                let nullable = if r.nullable { "?" } else { "" };
                                format!("-> {}{nullable}", targets.join(" \\| "))
                            }
                        };
                        let doc = m.doc.as_deref().unwrap_or("").replace('\n', " ");
                        rows.push_str(&format!("| `{}` | `{ty}` | {doc} |\n", c.name.name));
                    }
                    if !rows.is_empty() {
                        out.push_str("\n| column | type | |\n|---|---|---|\n");
                        out.push_str(&rows);
                    }
                }
                Item::Enum(e) => {
                    let values: Vec<String> =
                        e.values.iter().map(|v| format!("`{}`", v.name)).collect();
                    out.push_str(&format!("\nValues: {}.\n", values.join(", ")));
                }
                _ => {}
            }
        }
    }
    out
}

const REFERENCE_INTRO: &str = "# The standard library

<!-- Generated from schemas/*.schema by `SCHEMAC_BLESS=1 cargo test --test it stdlib_doc`: edit the modules' comments, not this file. -->

The standard library is a set of modules shipped inside `schemac`, each a
reviewed design of one concern: import one by name (`import std.rbac`, or
`import std.auth.{User}` for some of its names) and its entities become
part of the project, with what they import in turn (`std.rbac` brings
`std.auth`). Names are unique across a project, so a project that imports
`std.auth` does not declare a `User` of its own; it references
`std.auth`'s (`owner_id -> User on delete cascade`).

Projects differ in a few things, set in `schemac.toml`:

```toml
[stdlib]
id = \"uuid\"      # the key of every entity: \"bigint\" (identity, the default) or \"uuid\" (gen_random_uuid())
schema = \"lib\"   # the PostgreSQL schema of every std module (default: the project's default schema)
user = \"accounts.Account\"  # the project's user entity (module.Entity), instead of std.auth's User
```

The key comes from the mixin `std.ids.Id`, generated for the project; the
modules' SQL bodies follow the schema too. With `user`, every module but
`std.auth` references the project's entity (its key may be of any type),
so a project with users of its own uses `std.rbac`, `std.files` and the
rest without `std.auth`, whose sessions and tokens belong to its own
`User`. The modules pass
`schemac lint --deny warnings` alone and together, apply on PostgreSQL 15,
and their behaviour is tested there (`tests/it/stdlib.rs`).
";
