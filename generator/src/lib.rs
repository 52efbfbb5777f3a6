//! schemac's compiler: the model, resolution from the syntax tree, the
//! dependency graph, the statement layer and the emitters. See
//! ARCHITECTURE.md.

mod builtin_types;
pub mod citus;
pub mod config;
pub mod diff;
pub mod emit;
pub mod graph;
pub mod import;
pub mod key;
pub mod lint;
pub mod lower;
pub mod model;
pub mod model_file;
pub(crate) mod names;
pub mod partition;
pub mod polymorphic;
pub mod project;
pub mod quote;
pub mod resolve;
pub mod resolved;
mod sqlparse;
pub mod statement;
pub mod stdlib;
pub mod validate;

pub use config::Config;
pub use model::Model;
pub use names::MAX_IDENT;
pub use project::Project;
pub use resolve::{resolve, Options, Target};
pub use resolved::Resolved;

use dsl::Diagnostic;

/// Everything `schemac build` and `schemac check` need from a parsed
/// project: the model, its creation plan and the statements that create
/// it, and the warnings.
pub struct Compiled {
    pub model: Model,
    pub plan: graph::Plan,
    /// Render with `emit::postgres::render`.
    pub creation: statement::Creation,
    /// What each declaration and name in the text stands for.
    pub resolved: Resolved,
    /// Warnings (no errors, or there would be no plan).
    pub warnings: Vec<Diagnostic>,
}

/// A project with errors: every diagnostic, and the model as far as it
/// could be resolved (for tools that work on incomplete text, such as an
/// editor).
#[derive(Debug)]
pub struct Failed {
    /// Boxed: a failure is the rare path, and a model is large.
    pub model: Box<Model>,
    /// The resolved layer as far as resolution got.
    pub resolved: Box<Resolved>,
    /// Sorted by position; at least one is an error.
    pub diagnostics: Vec<Diagnostic>,
}

/// The passes, in order: parse (done by [`Project`]; its diagnostics join
/// the others here) → resolve → lower → validate → graph → statements.
/// Rendering the statements as text is the emitters' job. Every pass runs
/// as far as it can, so one call reports every mistake it finds; lowering
/// needs a complete model and runs only when resolution found no error.
pub fn compile(project: &Project, options: &Options) -> Result<Compiled, Failed> {
    let (model, resolved, mut diagnostics) = resolve(project, options);
    diagnostics.extend(project.diagnostics.iter().cloned());
    complete(model, resolved, diagnostics, options)
}

/// The passes after `resolve`, which no longer need the syntax trees: a
/// caller that has no use for them frees them in between (a third of the
/// memory of a large build).
pub fn complete(
    mut model: Model,
    mut resolved: Resolved,
    mut diagnostics: Vec<Diagnostic>,
    options: &Options,
) -> Result<Compiled, Failed> {
    if !dsl::diagnostic::has_errors(&diagnostics) {
        lower::lower(&mut model, &mut diagnostics, options);
        // After the policies: the audit log may be partitioned by time.
        partition::lower(&mut model, &mut diagnostics);
        if options.target == Target::Citus {
            citus::lower(&mut model, &mut diagnostics);
        }
        resolved.follow_lowering(&model);
    }
    diagnostics.extend(validate::validate(&model));
    dsl::diagnostic::sort(&mut diagnostics);
    if dsl::diagnostic::has_errors(&diagnostics) {
        return Err(Failed {
            model: Box::new(model),
            resolved: Box::new(resolved),
            diagnostics,
        });
    }
    let plan = match graph::Graph::build(&model).plan(&model) {
        Ok(plan) => plan,
        Err(d) => {
            diagnostics.push(d);
            return Err(Failed {
                model: Box::new(model),
                resolved: Box::new(resolved),
                diagnostics,
            });
        }
    };
    let creation = statement::creation(&model, &plan);
    Ok(Compiled {
        model,
        plan,
        creation,
        resolved,
        warnings: diagnostics,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lowering pass that adds a table, as a policy would.
    fn add_audit_table(model: &mut Model, _: &mut Vec<Diagnostic>) {
        let mut table = model.tables[0].clone();
        table.name = "Audit".into();
        table.sql = model::QName::new("public", "audit_log");
        table.foreign_keys.clear();
        table.indexes.clear();
        table.uniques.clear();
        table.doc = Some("Added by a lowering pass.".into());
        if let Some(pk) = &mut table.primary_key {
            pk.name = "pk_audit_log".into();
        }
        model.tables.push(table);
    }

    fn refuse(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
        let span = model.tables[0].origin.span;
        diagnostics.push(
            Diagnostic::error(dsl::Code::Unsupported, "refused by a lowering pass")
                .label(span, "here"),
        );
    }

    #[test]
    fn lowering_passes_add_objects_that_are_emitted() {
        let project = Project::from_sources(&[("t.schema", "entity User {\n  id bigint @pk\n}\n")]);
        let plain = compile(&project, &Options::default()).expect("compiles");
        assert_eq!(plain.model.tables.len(), 1);
        let options = Options {
            lowerings: vec![add_audit_table],
            ..Options::default()
        };
        let lowered = compile(&project, &options).expect("compiles");
        let sql = emit::postgres::render(&lowered.creation);
        assert!(
            sql.contains("CREATE TABLE \"public\".\"audit_log\" ("),
            "{sql}"
        );
        assert!(sql
            .contains("COMMENT ON TABLE \"public\".\"audit_log\" IS 'Added by a lowering pass.';"));
    }

    #[test]
    fn errors_come_back_with_the_partial_model() {
        let project = Project::from_sources(&[(
            "t.schema",
            "entity User {\n  id bigint @pk\n  x nosuchtype\n}\n",
        )]);
        let Err(failed) = compile(&project, &Options::default()) else {
            panic!("an unknown type is an error");
        };
        assert_eq!(failed.model.tables[0].name, "User");
        assert!(failed
            .diagnostics
            .iter()
            .any(|d| d.code == dsl::Code::UnknownType));
        // A pass's diagnostics are reported like any other.
        let ok = Project::from_sources(&[("t.schema", "entity User {\n  id bigint @pk\n}\n")]);
        let options = Options {
            lowerings: vec![refuse],
            ..Options::default()
        };
        let Err(failed) = compile(&ok, &options) else {
            panic!("the pass refused");
        };
        assert_eq!(failed.diagnostics[0].message, "refused by a lowering pass");
    }
}
