//! PostgreSQL's built-in types as the language accepts them: aliases map to
//! one canonical spelling, and each type says how many modifiers it takes.

pub struct Builtin {
    pub name: &'static str,
    /// Largest number of modifiers, as in `numeric(12,2)` (2).
    pub max_args: usize,
    pub family: Family,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Integer,
    Numeric,
    Float,
    Text,
    Boolean,
    Uuid,
    Temporal,
    Json,
    Other,
}

const fn b(name: &'static str, max_args: usize, family: Family) -> Builtin {
    Builtin {
        name,
        max_args,
        family,
    }
}

const BUILTINS: &[Builtin] = &[
    b("smallint", 0, Family::Integer),
    b("integer", 0, Family::Integer),
    b("bigint", 0, Family::Integer),
    b("smallserial", 0, Family::Integer),
    b("serial", 0, Family::Integer),
    b("bigserial", 0, Family::Integer),
    b("numeric", 2, Family::Numeric),
    b("real", 0, Family::Float),
    b("double precision", 0, Family::Float),
    b("money", 0, Family::Numeric),
    b("text", 0, Family::Text),
    b("varchar", 1, Family::Text),
    b("char", 1, Family::Text),
    b("citext", 0, Family::Text),
    b("boolean", 0, Family::Boolean),
    b("uuid", 0, Family::Uuid),
    b("date", 0, Family::Temporal),
    b("time", 1, Family::Temporal),
    b("timetz", 1, Family::Temporal),
    b("timestamp", 1, Family::Temporal),
    b("timestamptz", 1, Family::Temporal),
    b("interval", 1, Family::Temporal),
    b("jsonb", 0, Family::Json),
    b("json", 0, Family::Json),
    b("bytea", 0, Family::Other),
    b("inet", 0, Family::Other),
    b("cidr", 0, Family::Other),
    b("macaddr", 0, Family::Other),
    b("macaddr8", 0, Family::Other),
    b("tsvector", 0, Family::Other),
    b("tsquery", 0, Family::Other),
    b("xml", 0, Family::Other),
    b("bit", 1, Family::Other),
    b("varbit", 1, Family::Other),
    b("point", 0, Family::Other),
    b("line", 0, Family::Other),
    b("box", 0, Family::Other),
    b("polygon", 0, Family::Other),
    b("circle", 0, Family::Other),
    b("int4range", 0, Family::Other),
    b("int8range", 0, Family::Other),
    b("numrange", 0, Family::Other),
    b("tsrange", 0, Family::Other),
    b("tstzrange", 0, Family::Other),
    b("daterange", 0, Family::Other),
    b("oid", 0, Family::Other),
    b("regconfig", 0, Family::Other),
    b("regclass", 0, Family::Other),
    b("regtype", 0, Family::Other),
    b("regproc", 0, Family::Other),
    b("regrole", 0, Family::Other),
    b("regnamespace", 0, Family::Other),
    b("pg_lsn", 0, Family::Other),
    b("jsonpath", 0, Family::Other),
    b("int4multirange", 0, Family::Other),
    b("int8multirange", 0, Family::Other),
    b("nummultirange", 0, Family::Other),
    b("tsmultirange", 0, Family::Other),
    b("tstzmultirange", 0, Family::Other),
    b("datemultirange", 0, Family::Other),
    // Types of extensions PostgreSQL ships (contrib); see `extension_for`.
    b("ltree", 0, Family::Other),
    b("lquery", 0, Family::Other),
    b("ltxtquery", 0, Family::Other),
    b("hstore", 0, Family::Other),
    b("cube", 0, Family::Other),
];

const ALIASES: &[(&str, &str)] = &[
    ("int", "integer"),
    ("int4", "integer"),
    ("int2", "smallint"),
    ("int8", "bigint"),
    ("serial4", "serial"),
    ("serial8", "bigserial"),
    ("serial2", "smallserial"),
    ("decimal", "numeric"),
    ("float4", "real"),
    ("float8", "double precision"),
    ("float", "double precision"),
    ("bool", "boolean"),
    ("character varying", "varchar"),
    ("character", "char"),
    ("bit varying", "varbit"),
    ("timestamp with time zone", "timestamptz"),
    ("timestamp without time zone", "timestamp"),
    ("time with time zone", "timetz"),
    ("time without time zone", "time"),
];

/// Extensions that provide a type. Types of other extensions are declared
/// with the extension: `extension postgis @types(geometry)`.
pub fn extension_for(name: &str) -> Option<&'static str> {
    match name {
        "citext" => Some("citext"),
        "ltree" | "lquery" | "ltxtquery" => Some("ltree"),
        "hstore" => Some("hstore"),
        "cube" => Some("cube"),
        _ => None,
    }
}

/// Looks a type name up, case-insensitively, through the aliases. Called
/// for every column, so it is a hash lookup.
pub fn builtin(name: &str) -> Option<&'static Builtin> {
    static INDEX: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, &'static Builtin>> =
        std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut map: rustc_hash::FxHashMap<&'static str, &'static Builtin> =
            BUILTINS.iter().map(|b| (b.name, b)).collect();
        for (alias, canonical) in ALIASES {
            if let Some(b) = BUILTINS.iter().find(|b| b.name == *canonical) {
                map.insert(alias, b);
            }
        }
        map
    });
    match index.get(name) {
        Some(b) => Some(b),
        None if name.bytes().any(|c| c.is_ascii_uppercase()) => {
            index.get(name.to_ascii_lowercase().as_str()).copied()
        }
        None => None,
    }
}

/// The serial pseudo-types: what a column referencing one must be.
pub fn serial_storage(name: &str) -> Option<&'static str> {
    match name {
        "smallserial" => Some("smallint"),
        "serial" => Some("integer"),
        "bigserial" => Some("bigint"),
        _ => None,
    }
}

/// Names the resolver can suggest for an unknown type.
pub fn all_names() -> impl Iterator<Item = &'static str> {
    BUILTINS
        .iter()
        .map(|b| b.name)
        .chain(ALIASES.iter().map(|(a, _)| *a))
}
