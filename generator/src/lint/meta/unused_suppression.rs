//! `lint/unused-suppression`: a suppression of a rule that found nothing
//! there. Computed by the runner once every other rule has run.

use crate::lint::{Rule, BASE};
use dsl::ast::RuleRef;
use dsl::{Code, Diagnostic, Severity};

pub const RULE: Rule = Rule {
    id: "lint/unused-suppression",
    summary: "a suppression of a rule that finds nothing on its line",
    rationale: "A suppression that no longer suppresses anything (the code was fixed, or the rule moved on) hides the next real finding on that line, and tells readers about a problem that is not there. Only rules that ran are checked: a suppression of a rule that is off is left alone.",
    bad: "entity User {\n  id bigint @pk @identity\n  // schemac: allow(naming/table-plural-snake-case) reason: legacy name\n  login text\n}\n",
    good: "entity User {\n  id bigint @pk @identity\n  login text\n}\n",
    ..BASE
};

/// The finding for one unused name in a suppression.
pub(crate) fn finding(r: &RuleRef, severity: Severity) -> Diagnostic {
    Diagnostic {
        rule: Some(RULE.id),
        ..Diagnostic::new(
            Code::Lint,
            severity,
            format!("`{}` finds nothing to suppress here", r.id),
        )
    }
    .label(r.span, "unused")
    .help("remove it from the suppression (and the comment, if it is the only rule)")
}
