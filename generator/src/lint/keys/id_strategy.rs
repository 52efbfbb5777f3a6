//! `keys/id-strategy`: surrogate keys follow the project's choice.

use crate::lint::{Knob, KnobDefault, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "keys/id-strategy",
    summary: "a surrogate key whose type goes against the project's id strategy (uuid or bigint)",
    rationale: "The guideline picks one: UUIDs for distributed systems (generated anywhere, not guessable, 16 bytes), BIGINT for a single instance (compact, ordered). Mixing them makes every join and every API guess which kind a key is. The `strategy` knob is `\"uuid\"`, `\"bigint\"`, or `\"consistent\"` (the default): the type most single-column keys of the project use.",
    bad: "entity User {\n  id uuid @pk = gen_random_uuid()\n}\n\nentity Team {\n  id uuid @pk = gen_random_uuid()\n}\n\nentity Tag {\n  id bigint @pk @identity\n}\n",
    good: "entity User {\n  id uuid @pk = gen_random_uuid()\n}\n\nentity Team {\n  id uuid @pk = gen_random_uuid()\n}\n\nentity Tag {\n  id uuid @pk = gen_random_uuid()\n}\n",
    knobs: &[Knob {
        name: "strategy",
        default: KnobDefault::Str("consistent"),
        help: "`\"uuid\"`, `\"bigint\"`, or `\"consistent\"`: the type most surrogate keys use",
    }],
    check,
    ..BASE
};

/// `uuid` or `bigint` (integers of any width count as bigint's family).
fn kind(ty: &str) -> Option<&'static str> {
    match ty {
        "uuid" => Some("uuid"),
        "bigint" | "integer" | "smallint" => Some("bigint"),
        _ => None,
    }
}

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    // Single-column keys that are not relations: the surrogate ids.
    let keys: Vec<_> = cx
        .entities()
        .filter_map(|e| {
            let pk = e.table.primary_key.as_ref()?;
            let [col] = pk.columns.as_slice() else {
                return None;
            };
            let site = cx.columns_of(e.table).find(|c| &c.column.name == col)?;
            if site.is_relation() {
                return None;
            }
            Some((site, kind(site.column.ty.builtin_name()?)?))
        })
        .collect();
    let wanted = match cx.knob_str("strategy").as_str() {
        "uuid" => "uuid",
        "bigint" => "bigint",
        _ => {
            let uuids = keys.iter().filter(|(_, k)| *k == "uuid").count();
            let ints = keys.len() - uuids;
            if uuids == ints {
                return;
            }
            if uuids > ints {
                "uuid"
            } else {
                "bigint"
            }
        }
    };
    for (site, k) in keys {
        if k == wanted {
            continue;
        }
        out.push(
            cx.finding(format!(
                "key `{}.{}` is {}, the project's keys are {wanted}",
                site.table.sql.name, site.column.name, site.column.ty
            ))
            .label(site.type_span(), format!("expected {wanted}"))
            .help(if wanted == "uuid" {
                "use `uuid @pk = gen_random_uuid()`, or set the rule's `strategy` knob"
            } else {
                "use `bigint @pk @identity`, or set the rule's `strategy` knob"
            }),
        );
    }
}
