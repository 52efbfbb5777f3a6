//! The model as data: equality that ignores where text was written, and
//! `model.json` read back.

use crate::support::{self, case_name};

/// Two models of the same schema, one with every source position moved,
/// are equal: origins do not take part in equality.
#[test]
fn models_differing_only_in_spans_are_equal() {
    for case in support::cases("ok").into_iter().chain(support::examples()) {
        let files = support::sources(&case);
        let shifted: Vec<(String, String)> = files
            .iter()
            .map(|(p, t)| (p.clone(), format!("\n\n// moved down\n{t}")))
            .collect();
        let a = generator::compile(
            &generator::Project::from_sources(&files),
            &Default::default(),
        )
        .unwrap_or_else(|d| panic!("{}: {d:?}", case.display()));
        let b = generator::compile(
            &generator::Project::from_sources(&shifted),
            &Default::default(),
        )
        .unwrap_or_else(|d| panic!("{}: {d:?}", case.display()));
        let (ta, tb) = (&a.model.tables[0], &b.model.tables[0]);
        assert_ne!(ta.origin.span, tb.origin.span, "{}", case_name(&case));
        assert!(a.model == b.model, "{}: models differ", case_name(&case));
    }
}

/// The other way round: a real difference is seen.
#[test]
fn models_differing_in_a_check_are_not_equal() {
    let compile = |text: &str| {
        let p = generator::Project::from_sources(&[("m.schema", text)]);
        generator::compile(&p, &Default::default())
            .expect("compiles")
            .model
    };
    let a = compile("entity A {\n  id bigint @pk\n  n integer @check(n>0)\n}\n");
    let spaced = compile("entity A {\n  id  bigint @pk\n  n   integer @check(n > 0)\n}\n");
    let other = compile("entity A {\n  id bigint @pk\n  n integer @check(n > 1)\n}\n");
    assert!(
        a == spaced,
        "spacing inside an expression is not a difference"
    );
    assert!(a != other);
}
