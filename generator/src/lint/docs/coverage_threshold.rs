//! `docs/coverage-threshold`: a module documented below the agreed share.

use crate::lint::{coverage, Knob, KnobDefault, Level, LintContext, Rule, BASE};
use dsl::{Diagnostic, Span};

pub const RULE: Rule = Rule {
    id: "docs/coverage-threshold",
    level: Level::Off,
    summary: "a module whose share of documented entities and columns is below `min_percent`",
    rationale: "Requiring a comment on every column (`docs/comment-required`) is too strict for many teams, but a floor per module keeps documentation from eroding as tables are added: the share of entities and columns with a doc comment, as `schemac lint --coverage` prints it, must reach `min_percent` (80). Off by default; turn it on with the floor the team agrees on.",
    bad: "entity Invoice {\n  id     bigint @pk @identity\n  amount numeric(12,2)\n}\n",
    good: "/// A bill sent to a customer.\nentity Invoice {\n  /// The invoice number printed on it.\n  id       bigint @pk @identity\n  /// The total, tax included.\n  amount   numeric(12,2)\n  /// ISO 4217 code of the amount's currency.\n  currency char(3)\n  note     text?\n}\n",
    knobs: &[Knob {
        name: "min_percent",
        default: KnobDefault::Int(80),
        help: "the documented share (percent) each module must reach",
    }],
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let min = cx.knob_int("min_percent").clamp(0, 100) as usize;
    for m in coverage::coverage(cx.project, cx.model) {
        if m.percent() >= min {
            continue;
        }
        // The module's first declaration: where a reader of the file starts.
        let at = cx
            .project
            .modules
            .iter()
            .find(|x| x.file == m.file)
            .and_then(|x| x.ast.items.first())
            .map_or(Span::new(m.file, 0, 0), item_span);
        out.push(
            cx.finding(format!(
                "module `{}` documents {} of {} entities and columns ({}%); the floor is {min}%",
                m.module,
                m.documented,
                m.total,
                m.percent()
            ))
            .label(at, "this module")
            .help("add `///` doc comments to its entities and columns (`schemac lint --coverage` lists the share per module)"),
        );
    }
}

fn item_span(item: &dsl::ast::Item) -> Span {
    use dsl::ast::Item;
    match item {
        Item::Entity(e) | Item::Mixin(e) => e.name.span,
        Item::Enum(e) => e.name.span,
        Item::Domain(d) => d.name.span,
        Item::View(v) => v.name.span,
        Item::Sql(s) => s.name.span,
        Item::Extension(x) => x.name.span,
        Item::Import(i) => i.span,
        Item::Schema(s) => s.span,
    }
}
