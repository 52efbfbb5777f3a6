//! Validation: checks of a resolved model that need no source text, so
//! every producer of a model (the resolver, lowering passes, later
//! introspection and lint) is held to them. One entry point, [`validate`].

use crate::model::Model;
use crate::names::MAX_IDENT;
use dsl::Diagnostic;

/// Every problem found in `model`, in no particular order (the caller
/// sorts diagnostics by position).
pub fn validate(model: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let relations = model
        .tables
        .iter()
        .map(|t| (&t.sql.name, t.origin.span, "table name"))
        .chain(
            model
                .views
                .iter()
                .map(|v| (&v.sql.name, v.origin.span, "view name")),
        );
    for (name, span, what) in relations {
        if name.len() > MAX_IDENT {
            out.push(too_long(name, span, what));
        }
    }
    out
}

fn too_long(name: &str, span: dsl::Span, what: &str) -> Diagnostic {
    Diagnostic::error(
        dsl::Code::NameTooLong,
        format!("this {what} is {} bytes; PostgreSQL keeps 63", name.len()),
    )
    .label(span, "too long")
    .help("PostgreSQL would silently cut the name; choose a shorter one")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_relation_names_are_refused() {
        let long = "x".repeat(64);
        let text = format!("entity A @table({long}) {{\n  id bigint @pk\n}}\nview V @table({long}v) {{ select 1 }}\n");
        let project = crate::Project::from_sources(&[("t.schema", text.as_str())]);
        let (model, _, _) = crate::resolve(&project, &crate::Options::default());
        let diags = validate(&model);
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "this table name is 64 bytes; PostgreSQL keeps 63",
                "this view name is 65 bytes; PostgreSQL keeps 63"
            ]
        );
        assert!(diags.iter().all(|d| d.code == dsl::Code::NameTooLong));
        assert!(validate(&crate::Model::default()).is_empty());
    }
}
