//! `naming/shortened-name`: generated names that schemac had to cut to
//! 63 bytes.

use crate::lint::{LintContext, Rule, BASE, Level};
use crate::model::{Origin, Why};
use crate::names::MAX_IDENT;
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "naming/shortened-name",
    summary: "a constraint or index name generated past 63 bytes, which schemac shortened with a hash",
    rationale: "PostgreSQL keeps 63 bytes of a name. When a pattern (`idx_{table}_{columns}`) gives more, schemac cuts it and appends a hash of the whole (`idx_shipment_..._3fa2c1d0`) so that it stays unique, as PostgreSQL's own silent cut would not. The name is then correct but no longer says what it covers: error messages, query plans and migrations show the hash. A name of your own, or shorter table and column names, reads better.",
    bad: "entity Shipment {\n  id bigint @pk @identity\n  warehouse_region_code_name text\n  carrier_service_level_name text\n\n  index (warehouse_region_code_name, carrier_service_level_name)\n}\n",
    good: "entity Shipment {\n  id bigint @pk @identity\n  warehouse_region_code_name text\n  carrier_service_level_name text\n\n  index idx_shipments_region_service (warehouse_region_code_name, carrier_service_level_name)\n}\n",
    level: Level::Info,
    check,
    ..BASE
};

/// Whether `name` has the shape `names::fit` gives a long name: close to
/// 63 bytes, ending in `_` and eight hexadecimal digits.
fn shortened(name: &str) -> bool {
    let Some((_, hash)) = name.rsplit_once('_') else {
        return false;
    };
    name.len() > MAX_IDENT - 8
        && hash.len() == 8
        && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    for e in cx.entities() {
        let t = e.table;
        let mut found: Vec<(&str, &str, &Origin)> = Vec::new();
        if let Some(k) = &t.primary_key {
            found.push(("primary key", &k.name, &k.origin));
        }
        found.extend(t.uniques.iter().map(|u| ("unique key", u.name.as_str(), &u.origin)));
        found.extend(t.checks.iter().map(|c| ("check", c.name.as_str(), &c.origin)));
        found.extend(t.foreign_keys.iter().map(|f| ("foreign key", f.name.as_str(), &f.origin)));
        found.extend(t.excludes.iter().map(|x| ("exclusion constraint", x.name.as_str(), &x.origin)));
        found.extend(t.indexes.iter().map(|i| ("index", i.name.as_str(), &i.origin)));
        for (what, name, origin) in found {
            let by_policy = matches!(origin.why, Why::Policy { .. });
            if by_policy || !origin.is_generated() || !shortened(name) {
                continue;
            }
            out.push(
                cx.finding(format!("the generated {what} name `{name}` was cut to 63 bytes"))
                    .label(cx.without_doc(origin.span), "named past 63 bytes")
                    .help(format!("give the {what} a name of your own, or shorten the names it is made of")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shape_of_a_shortened_name() {
        let long = crate::names::fit(format!("idx_{}", "x".repeat(80)));
        assert!(super::shortened(&long), "{long}");
        assert!(!super::shortened("idx_orders_customer_id"));
        assert!(!super::shortened("idx_t_deadbeef"));
    }
}
