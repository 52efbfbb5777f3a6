//! `normalization/repeating-group`: numbered columns that hold one list.

use crate::lint::{LintContext, Rule, BASE};
use dsl::Diagnostic;
use rustc_hash::FxHashMap;

pub const RULE: Rule = Rule {
    id: "normalization/repeating-group",
    summary: "numbered columns (`phone1`, `phone2`): a list spread over columns",
    rationale: "Columns that differ only by a number hold one repeating attribute: a customer's phones, an address's lines. The schema caps how many there may be, queries must look in every column (`where phone1 = $1 or phone2 = $1`), and an index serves only one of them. First normal form puts each in a row of its own, in a child table, or, for a short ordered list read as a whole, in one array column. The rule reads names (two or more columns with the same stem and different numbers), so it is a hint: address lines printed as a fixed block may be a deliberate choice, recorded with a suppression and its reason.",
    bad: "entity Customer {\n  id     bigint @pk @identity\n  phone1 text?\n  phone2 text?\n}\n",
    good: "entity Customer {\n  id bigint @pk @identity\n}\n\nentity CustomerPhone {\n  id          bigint @pk @identity\n  customer_id -> Customer on delete cascade as phones\n  phone       text\n}\n",
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for site in cx.entities() {
        let mut groups: FxHashMap<String, Vec<&str>> = FxHashMap::default();
        for c in &site.table.columns {
            if let Some(stem) = numbered_stem(&c.name) {
                groups.entry(stem).or_default().push(&c.name);
            }
        }
        let mut groups: Vec<(String, Vec<&str>)> =
            groups.into_iter().filter(|(_, v)| v.len() >= 2).collect();
        groups.sort();
        for (stem, names) in groups {
            let Some(first) = cx.columns_of(site.table).find(|c| c.column.name == names[0]) else {
                continue;
            };
            let list = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
            out.push(
                cx.finding(format!(
                    "{list} look like one repeating attribute `{stem}` spread over columns (judged by names)"
                ))
                .label(first.name_span(), "first of the numbered columns")
                .help(format!(
                    "move `{stem}` into a child table with one row per value, or into one array column"
                )),
            );
        }
    }
}

/// `phone2` → `phone`, `address_line_3` → `address_line`; `None` for a
/// name without a trailing number, or whose number is part of a word
/// that means something else (`sha256`, `utf8`, `ipv4`, `s3`).
fn numbered_stem(name: &str) -> Option<String> {
    let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
    if stem.len() == name.len() {
        return None;
    }
    let stem = stem.trim_end_matches('_');
    let word = stem.rsplit('_').next().unwrap_or(stem);
    const NOT_A_LIST: &[&str] = &["sha", "md", "utf", "ipv", "s", "base", "int", "float", "crc", "x", "y", "z", "iso", "oauth", "http", "v"];
    if stem.is_empty() || NOT_A_LIST.contains(&word) {
        return None;
    }
    Some(stem.to_string())
}

#[cfg(test)]
mod tests {
    use super::numbered_stem;

    #[test]
    fn stems() {
        assert_eq!(numbered_stem("phone2").as_deref(), Some("phone"));
        assert_eq!(numbered_stem("address_line_3").as_deref(), Some("address_line"));
        assert_eq!(numbered_stem("phone"), None);
        assert_eq!(numbered_stem("sha256"), None);
        assert_eq!(numbered_stem("checksum_md5"), None);
    }
}
