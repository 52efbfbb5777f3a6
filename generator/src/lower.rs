//! Lowering: passes that expand a resolved model into more model objects
//! (policies will: an audit policy becomes a table and triggers). They run
//! after resolution and before validation, so what they add is validated,
//! ordered and emitted like anything declared. There are none built in
//! yet; `Options::lowerings` adds passes.

use crate::model::Model;
use dsl::Diagnostic;

/// One lowering pass: changes the model, reports what it cannot do.
pub type Lowering = fn(&mut Model, &mut Vec<Diagnostic>);

/// Runs `passes` in order.
pub fn lower(model: &mut Model, diagnostics: &mut Vec<Diagnostic>, passes: &[Lowering]) {
    for pass in passes {
        pass(model, diagnostics);
    }
}
