//! `normalization/wide-table`: a table with very many columns.

use crate::lint::{Knob, KnobDefault, LintContext, Rule, BASE};
use dsl::Diagnostic;

pub const RULE: Rule = Rule {
    id: "normalization/wide-table",
    summary: "a table with more columns than the knob `max_columns` allows (40)",
    rationale: "A very wide table usually holds several things at once: groups of columns that are filled together (billing address, shipping address), optional features that most rows leave null, or facts about another entity. Every row pays for all of them, updates rewrite the whole row, and the table's meaning blurs. Split the groups into tables of their own (one-to-one where they belong to the row). Some tables are wide by nature (an imported report); raise `max_columns` or suppress with the reason.",
    bad: "entity Survey {\n  id       bigint @pk @identity\n  alpha    integer\n  bravo    integer\n  charlie  integer\n  delta    integer\n  echo     integer\n  foxtrot  integer\n  golf     integer\n  hotel    integer\n  india    integer\n  juliett  integer\n  kilo     integer\n  lima     integer\n  mike     integer\n  november integer\n  oscar    integer\n  papa     integer\n  quebec   integer\n  romeo    integer\n  sierra   integer\n  tango    integer\n  uniform  integer\n  victor   integer\n  whiskey  integer\n  xray     integer\n  yankee   integer\n  zulu     integer\n  amber    integer\n  coral    integer\n  ivory    integer\n  jade     integer\n  olive    integer\n  pearl    integer\n  ruby     integer\n  slate    integer\n  topaz    integer\n  umber    integer\n  violet   integer\n  wheat    integer\n  azure    integer\n  beige    integer\n  cobalt   integer\n}\n",
    good: "entity Survey {\n  id       bigint @pk @identity\n  alpha    integer\n  bravo    integer\n  charlie  integer\n  delta    integer\n  echo     integer\n  foxtrot  integer\n  golf     integer\n  hotel    integer\n  india    integer\n  juliett  integer\n  kilo     integer\n  lima     integer\n  mike     integer\n  november integer\n  oscar    integer\n  papa     integer\n  quebec   integer\n  romeo    integer\n  sierra   integer\n  tango    integer\n}\n\n/// The second half of a survey's answers, one-to-one.\nentity SurveyExtra {\n  survey_id -> Survey on delete cascade @pk\n  uniform   integer\n  victor    integer\n  whiskey   integer\n  xray      integer\n  yankee    integer\n  zulu      integer\n  amber     integer\n  coral     integer\n  ivory     integer\n  jade      integer\n  olive     integer\n  pearl     integer\n  ruby      integer\n  slate     integer\n  topaz     integer\n  umber     integer\n  violet    integer\n  wheat     integer\n  azure     integer\n  beige     integer\n  cobalt    integer\n}\n",
    knobs: &[Knob {
        name: "max_columns",
        default: KnobDefault::Int(40),
        help: "the most columns a table may have",
    }],
    check,
    ..BASE
};

fn check(cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
    let max = cx.knob_int("max_columns").max(1);
    for site in cx.entities() {
        let n = site.table.columns.len() as i64;
        if n > max {
            out.push(
                cx.finding(format!(
                    "`{}` has {n} columns; the limit is {max}",
                    site.table.sql.name
                ))
                .label(site.name_span(), format!("{n} columns"))
                .help("move groups of columns that belong together into tables of their own"),
            );
        }
    }
}
