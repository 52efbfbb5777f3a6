//! Naming: table names from entity names, and the seed's constraint and
//! index patterns (`pk_`, `uq_`, `fk_`, `chk_`, `idx_`) for clauses the user
//! did not name. PostgreSQL cuts identifiers at 63 bytes; a longer
//! generated name is shortened with a hash suffix so it stays unique.

use crate::model::{ElementTarget, IndexElement, Model, Origin, QName};
use dsl::Span;
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

/// Whether `word` is already plural: `plural` keeps it, or it is an
/// irregular plural (`people`).
pub(crate) fn is_plural(word: &str) -> bool {
    plural(word) == word || IRREGULAR.iter().any(|(_, p)| *p == word)
}

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

pub(crate) fn plural(word: &str) -> String {
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

/// A generated name before collisions are resolved: `prefix_part_part`,
/// fitted to 63 bytes. [`assign`] makes it unique.
pub fn pattern(prefix: &str, parts: &[&str]) -> String {
    let mut base = String::with_capacity(64);
    base.push_str(prefix);
    for p in parts {
        base.push('_');
        push_plain(&mut base, p);
    }
    fit(base)
}

/// Names unique within one PostgreSQL schema (indexes and constraints that
/// own indexes share the relation namespace).
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
}

/// Where a generated name sits in the model.
#[derive(Clone, Copy)]
enum Slot {
    PrimaryKey(usize),
    Unique(usize, usize),
    Check(usize, usize),
    ForeignKey(usize, usize),
    Exclude(usize, usize),
    Index(usize, usize),
}

/// Makes every generated name in `model` unique, after the user's names
/// are claimed in `names`. A name whose pattern nobody else produced is
/// kept; names that collide get `_2`, `_3`, ... in the order of what they
/// name (the table, then the object's definition), never in the order of
/// declaration, so moving lines does not swap names.
pub fn assign(model: &mut Model, names: &mut NameSet) {
    // Every generated name with its slot, sorted so that equal names are
    // adjacent: one sort instead of a map of lists, which on a large model
    // spent most of this pass allocating.
    type Found<'m> = Vec<(&'m str, &'m str, Slot)>;
    fn add<'m>(found: &mut Found<'m>, schema: &'m str, origin: &Origin, name: &'m str, slot: Slot) {
        if origin.is_generated() {
            found.push((schema, name, slot));
        }
    }
    let mut found: Found = Vec::new();
    for (t, table) in model.tables.iter().enumerate() {
        let (schema, f) = (table.sql.schema.as_str(), &mut found);
        if let Some(pk) = &table.primary_key {
            add(f, schema, &pk.origin, &pk.name, Slot::PrimaryKey(t));
        }
        for (i, x) in table.uniques.iter().enumerate() {
            add(f, schema, &x.origin, &x.name, Slot::Unique(t, i));
        }
        for (i, x) in table.checks.iter().enumerate() {
            add(f, schema, &x.origin, &x.name, Slot::Check(t, i));
        }
        for (i, x) in table.foreign_keys.iter().enumerate() {
            add(f, schema, &x.origin, &x.name, Slot::ForeignKey(t, i));
        }
        for (i, x) in table.excludes.iter().enumerate() {
            add(f, schema, &x.origin, &x.name, Slot::Exclude(t, i));
        }
        for (i, x) in table.indexes.iter().enumerate() {
            add(f, schema, &x.origin, &x.name, Slot::Index(t, i));
        }
    }
    found.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let runs: Vec<&[(&str, &str, Slot)]> =
        found.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)).collect();
    // Unique patterns first: they keep their name unless the user took it.
    // The rest, in name order, get suffixes.
    let colliding: Vec<&[(&str, &str, Slot)]> = runs
        .into_iter()
        .filter(|run| run.len() > 1 || !names.claim(run[0].0, run[0].1))
        .collect();
    let mut renames: Vec<(Slot, String)> = Vec::new();
    for run in colliding {
        let (schema, base) = (run[0].0, run[0].1);
        let mut ordered: Vec<(String, Slot)> = run
            .iter()
            .map(|&(_, _, s)| (signature(model, s), s))
            .collect();
        ordered.sort_by(|a, b| a.0.cmp(&b.0));
        let mut n = 2;
        for (_, slot) in ordered {
            let mut name = base.to_string();
            while !names.claim(schema, &name) {
                name = fit(format!("{base}_{n}"));
                n += 1;
            }
            renames.push((slot, name));
        }
    }
    for (slot, name) in renames {
        let tables = &mut model.tables;
        let target = match slot {
            Slot::PrimaryKey(t) => tables[t].primary_key.as_mut().map(|p| &mut p.name),
            Slot::Unique(t, i) => Some(&mut tables[t].uniques[i].name),
            Slot::Check(t, i) => Some(&mut tables[t].checks[i].name),
            Slot::ForeignKey(t, i) => Some(&mut tables[t].foreign_keys[i].name),
            Slot::Exclude(t, i) => Some(&mut tables[t].excludes[i].name),
            Slot::Index(t, i) => Some(&mut tables[t].indexes[i].name),
        };
        if let Some(target) = target {
            *target = name;
        }
    }
}

/// What an object is, without its name and origin: the order among
/// objects whose generated names collide.
fn signature(model: &Model, slot: Slot) -> String {
    fn text<T: serde::Serialize + Clone>(table: &QName, x: &T, strip: impl Fn(&mut T)) -> String {
        let mut x = x.clone();
        strip(&mut x);
        format!("{table} {}", serde_json::to_string(&x).unwrap_or_default())
    }
    let blank = || Origin::declared(Span::default());
    let tables = &model.tables;
    match slot {
        Slot::PrimaryKey(t) => format!("{} pk", tables[t].sql),
        Slot::Unique(t, i) => text(&tables[t].sql, &tables[t].uniques[i], |x| {
            x.name.clear();
            x.origin = blank();
        }),
        Slot::Check(t, i) => text(&tables[t].sql, &tables[t].checks[i], |x| {
            x.name.clear();
            x.origin = blank();
            x.expr.span = Span::default();
        }),
        Slot::ForeignKey(t, i) => text(&tables[t].sql, &tables[t].foreign_keys[i], |x| {
            x.name.clear();
            x.origin = blank();
        }),
        Slot::Exclude(t, i) => text(&tables[t].sql, &tables[t].excludes[i], |x| {
            x.name.clear();
            x.origin = blank();
            strip_spans(x.elements.iter_mut().map(|e| &mut e.element));
            if let Some(p) = &mut x.predicate {
                p.span = Span::default();
            }
        }),
        Slot::Index(t, i) => text(&tables[t].sql, &tables[t].indexes[i], |x| {
            x.name.clear();
            x.origin = blank();
            strip_spans(x.elements.iter_mut());
            if let Some(p) = &mut x.predicate {
                p.span = Span::default();
            }
        }),
    }
}

fn strip_spans<'e>(elements: impl Iterator<Item = &'e mut IndexElement>) {
    for e in elements {
        if let ElementTarget::Expr { expr } = &mut e.target {
            expr.span = Span::default();
        }
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
