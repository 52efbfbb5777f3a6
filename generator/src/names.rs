//! Naming: table names from entity names, and the seed's constraint and
//! index patterns (`pk_`, `uq_`, `fk_`, `chk_`, `idx_`) for clauses the user
//! did not name. PostgreSQL cuts identifiers at 63 bytes; a longer
//! generated name is shortened with a hash suffix so it stays unique.

use heck::ToSnakeCase;
use rustc_hash::{FxHashMap, FxHashSet};
use sha2::{Digest, Sha256};

/// PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes.
pub const MAX_IDENT: usize = 63;

/// `UserRole` → `user_roles`, `Person` → `people`, `Category` → `categories`.
pub fn table_name(entity: &str) -> String {
    let snake = entity.to_snake_case();
    match snake.rsplit_once('_') {
        Some((head, last)) => format!("{head}_{}", plural(last)),
        None => plural(&snake),
    }
}

/// `UserStatus` → `user_status`.
pub fn type_name(declared: &str) -> String {
    declared.to_snake_case()
}

fn plural(word: &str) -> String {
    const IRREGULAR: &[(&str, &str)] = &[
        ("person", "people"),
        ("child", "children"),
        ("man", "men"),
        ("woman", "women"),
        ("mouse", "mice"),
        ("goose", "geese"),
        ("foot", "feet"),
        ("tooth", "teeth"),
        ("datum", "data"),
        ("criterion", "criteria"),
        ("index", "indexes"),
        ("matrix", "matrices"),
        ("vertex", "vertices"),
        ("analysis", "analyses"),
        ("axis", "axes"),
        ("crisis", "crises"),
        ("leaf", "leaves"),
        ("life", "lives"),
        ("knife", "knives"),
        ("wife", "wives"),
        ("half", "halves"),
        ("quiz", "quizzes"),
    ];
    const UNCOUNTABLE: &[&str] = &[
        "data",
        "metadata",
        "information",
        "equipment",
        "news",
        "series",
        "species",
        "feedback",
        "media",
        "sheep",
        "fish",
        "deer",
        "staff",
        "software",
        "settings",
    ];
    if word.is_empty() || UNCOUNTABLE.contains(&word) {
        return word.to_string();
    }
    if let Some((_, p)) = IRREGULAR.iter().find(|(s, _)| *s == word) {
        return (*p).to_string();
    }
    // Already plural (`stats`, `details`), unlike `status`, `address`, `analysis`.
    if word.len() > 3
        && word.ends_with('s')
        && !["ss", "us", "is", "os", "as"]
            .iter()
            .any(|e| word.ends_with(e))
    {
        return word.to_string();
    }
    let consonant_y = word.ends_with('y')
        && !word
            .chars()
            .rev()
            .nth(1)
            .is_some_and(|c| "aeiou".contains(c));
    if consonant_y {
        format!("{}ies", &word[..word.len() - 1])
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| word.ends_with(e))
    {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

/// Shortens a generated name to 63 bytes, keeping it unique by a hash of
/// the full name.
pub fn fit(name: String) -> String {
    if name.len() <= MAX_IDENT {
        return name;
    }
    let hash = Sha256::digest(name.as_bytes());
    let suffix: String = hash.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let mut cut = MAX_IDENT - suffix.len() - 1;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{suffix}", name[..cut].trim_end_matches('_'))
}

/// Hands out generated names unique within one PostgreSQL schema (indexes
/// and constraints that own indexes share the relation namespace).
#[derive(Default)]
pub struct NameSet {
    used: FxHashMap<String, FxHashSet<String>>,
}

impl NameSet {
    /// Records a name the user chose. Returns false if it was taken.
    pub fn claim(&mut self, schema: &str, name: &str) -> bool {
        let names = match self.used.get_mut(schema) {
            Some(n) => n,
            None => self.used.entry(schema.to_string()).or_default(),
        };
        !names.contains(name) && names.insert(name.to_string())
    }

    /// A fresh name from `prefix_parts`, with `_2`, `_3`, ... on collision.
    pub fn generate(&mut self, schema: &str, prefix: &str, parts: &[&str]) -> String {
        let mut base = String::with_capacity(64);
        base.push_str(prefix);
        for p in parts {
            base.push('_');
            push_plain(&mut base, p);
        }
        let base = fit(base);
        let mut name = base.clone();
        let mut n = 2;
        while !self.claim(schema, &name) {
            name = fit(format!("{base}_{n}"));
            n += 1;
        }
        name
    }
}

/// Appends a name part as lower-case letters, digits and single
/// underscores, so that generated names never need quoting even when the
/// columns do (`"first name"` → `first_name`). An empty result is `x`.
fn push_plain(out: &mut String, part: &str) {
    let start = out.len();
    for c in part.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if out.len() > start && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.len() > start && out.ends_with('_') {
        out.pop();
    }
    if out.len() == start {
        out.push('x');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals() {
        for (e, t) in [
            ("User", "users"),
            ("UserRole", "user_roles"),
            ("Category", "categories"),
            ("Person", "people"),
            ("Address", "addresses"),
            ("Day", "days"),
            ("FileProcessingJob", "file_processing_jobs"),
            ("Status", "statuses"),
            ("UserSettings", "user_settings"),
            ("UserStats", "user_stats"),
            ("OrderDetails", "order_details"),
            ("Bus", "buses"),
        ] {
            assert_eq!(table_name(e), t, "{e}");
        }
    }

    #[test]
    fn long_names_fit_and_stay_distinct() {
        let a = fit(format!("idx_{}", "a".repeat(80)));
        let b = fit(format!("idx_{}b", "a".repeat(80)));
        assert!(a.len() <= MAX_IDENT && b.len() <= MAX_IDENT);
        assert_ne!(a, b);
        let u = fit(format!("idx_{}", "ß".repeat(40)));
        assert!(u.len() <= MAX_IDENT);
    }
}
