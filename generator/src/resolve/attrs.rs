//! Attributes: which exist where, and reading their arguments. The grammar
//! accepts any `@name(...)`; this is where meaning and errors come from.

use dsl::ast::{ArgValue, Attribute, Sql};
use dsl::Code;
use dsl::Diagnostic;

/// Attributes an entity (or a mixin) may carry.
pub const ENTITY: &[&str] = &[
    "table",
    "schema",
    "depends",
    "timestamps",
    "soft_delete",
    "audit",
    "versioned",
    "partition",
    "subpartition",
    "retain",
    "distribute",
    "reference",
    "tenant",
    "grant",
    "rls",
    "notify",
    "subject",
];
/// Attributes a view may carry.
pub const VIEW: &[&str] = &["table", "schema", "depends"];
/// Attributes an `extension` declaration may carry.
pub const EXTENSION: &[&str] = &["schema", "types"];
/// Attributes a `sql` block may carry.
pub const SQL_BLOCK: &[&str] = &["depends", "creates"];
/// Attributes a column may carry.
pub const COLUMN: &[&str] = &[
    "pk",
    "unique",
    "index",
    "check",
    "identity",
    "generated",
    "column",
    "search",
    "no_index",
    "secret",
    "grant",
    "encrypted",
    "pii",
    "mask",
];

/// Policies the language reserves for coming releases: accepted by the
/// grammar, refused here so that nobody believes a policy is in force.
const PLANNED_ENTITY: &[&str] = &["mask"];
const PLANNED_COLUMN: &[&str] = &["retain"];

/// Reports an attribute that does not belong in `place` (`known` lists the
/// ones that do). Returns true when the attribute is known.
pub fn check_known(
    attr: &Attribute,
    known: &[&str],
    place: &str,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let name = attr.name.name.as_str();
    if known.contains(&name) {
        return true;
    }
    let planned = if place == "column" {
        PLANNED_COLUMN
    } else {
        PLANNED_ENTITY
    };
    let d = if planned.contains(&name) {
        Diagnostic::error(Code::Unsupported, format!("`@{name}` is not implemented yet"))
            .label(attr.span, "planned, not yet generated")
            .help("this version of schemac does not generate this policy; remove it until it does, so nobody relies on it")
    } else {
        let mut d = Diagnostic::error(
            Code::UnknownAttribute,
            format!("unknown {place} attribute `@{name}`"),
        )
        .label(attr.span, "not known here");
        d = match super::suggest(name, known.iter().copied()) {
            Some(s) => d.help(format!("did you mean `@{s}`?")),
            None => d.help(format!(
                "{place} attributes: {}",
                known
                    .iter()
                    .map(|k| format!("@{k}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
        d
    };
    diags.push(d);
    false
}

/// The SQL text of each positional argument.
pub fn positional(attr: &Attribute) -> impl Iterator<Item = &Sql> {
    attr.args
        .iter()
        .filter(|a| a.name.is_none())
        .filter_map(|a| match &a.value {
            ArgValue::Sql(s) => Some(s),
            ArgValue::List(_) => None,
        })
}

/// A name argument: `users`, `"user"` or `'user'`, unquoted.
pub fn name_of(sql: &Sql) -> Option<String> {
    let t = sql.text.trim();
    if let Some(inner) = t.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        return Some(inner.replace("\"\"", "\""));
    }
    if let Some(inner) = t.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        return Some(inner.replace("''", "'"));
    }
    is_bare_name(t).then(|| t.to_string())
}

/// A name written without quotes: a letter or `_`, then letters, digits,
/// `_` or `$`.
pub fn is_bare_name(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && t.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// The one name argument of `@table(...)`, `@schema(...)` and the like.
pub fn single_name(attr: &Attribute) -> Option<String> {
    match attr.args.as_slice() {
        [arg] if arg.name.is_none() => match &arg.value {
            ArgValue::Sql(s) => name_of(s),
            ArgValue::List(_) => None,
        },
        _ => None,
    }
}

/// Like `single_name`, reporting a diagnostic when the argument is missing
/// or not a name.
pub fn require_name(attr: &Attribute, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let name = single_name(attr);
    if name.is_none() {
        diags.push(
            Diagnostic::error(
                Code::BadArgument,
                format!("`@{}` takes one name", attr.name.name),
            )
            .label(attr.span, "expected one name argument")
            .help(format!(
                "for example `@{}(my_name)`; quote unusual names: `@{}(\"my name\")`",
                attr.name.name, attr.name.name
            )),
        );
    }
    name
}

/// Reports arguments on an attribute that takes none.
pub fn no_args(attr: &Attribute, diags: &mut Vec<Diagnostic>) {
    if !attr.args.is_empty() {
        diags.push(
            Diagnostic::error(
                Code::BadArgument,
                format!("`@{}` takes no arguments", attr.name.name),
            )
            .label(attr.span, "remove the parentheses"),
        );
    }
}

/// The SQL argument of `@check(...)` / `@generated(...)`.
pub fn require_sql<'a>(attr: &'a Attribute, diags: &mut Vec<Diagnostic>) -> Option<&'a Sql> {
    match attr.args.as_slice() {
        [arg] if arg.name.is_none() => match &arg.value {
            ArgValue::Sql(s) => return Some(s),
            ArgValue::List(_) => {}
        },
        _ => {}
    }
    diags.push(
        Diagnostic::error(
            Code::BadArgument,
            format!("`@{}` takes one SQL expression", attr.name.name),
        )
        .label(attr.span, "expected `(expression)`")
        .help(format!("for example `@{}(price >= 0)`", attr.name.name)),
    );
    None
}
