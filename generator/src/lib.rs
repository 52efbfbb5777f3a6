//! schemac's compiler: the model, resolution from the syntax tree, the
//! dependency graph and the emitters. See ARCHITECTURE.md.

pub mod config;
pub mod emit;
pub mod graph;
pub mod key;
pub mod model;
pub mod model_file;
pub(crate) mod names;
pub mod pgcluster;
pub mod project;
pub mod resolve;
pub mod resolved;
pub mod sql;
mod sqlcheck;
mod types;

pub use config::Config;
pub use model::Model;
pub use project::Project;
pub use resolve::{resolve, Options};
pub use resolved::Resolved;

/// Everything `schemac build` and `schemac check` need from a parsed
/// project: the model and its creation plan, or every diagnostic found.
pub struct Compiled {
    pub model: Model,
    pub plan: graph::Plan,
    /// What each declaration and name in the text stands for.
    pub resolved: Resolved,
    /// Warnings (no errors, or there would be no model).
    pub warnings: Vec<dsl::Diagnostic>,
}

/// Resolves and orders a project. Errors from parsing, resolution and the
/// graph all come back together.
pub fn compile(project: &Project, options: &Options) -> Result<Compiled, Vec<dsl::Diagnostic>> {
    let (model, resolved, mut diags) = resolve(project, options);
    diags.extend(project.diagnostics.iter().cloned());
    dsl::diagnostic::sort(&mut diags);
    if dsl::diagnostic::has_errors(&diags) {
        return Err(diags);
    }
    match graph::Graph::build(&model).plan(&model) {
        Ok(plan) => Ok(Compiled {
            model,
            plan,
            resolved,
            warnings: diags,
        }),
        Err(d) => {
            diags.push(d);
            Err(diags)
        }
    }
}
