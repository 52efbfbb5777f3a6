//! `@pii(class, erase: anonymise|delete)` on a column: which kind of
//! personal data it holds and what erasing a subject does with it. The
//! class must be known here; whether it fits the column's type is checked
//! by the lowering (`lower/pii.rs`), which sees domains resolved.

use super::attrs;
use crate::model::{Erase, Origin, Pii, PiiClass};
use dsl::ast::{ArgValue, Attribute};
use dsl::{Code, Diagnostic, Span};

/// The class called `name` (written at `span`), or a diagnostic that
/// suggests the nearest one.
pub(super) fn class_named(name: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Option<PiiClass> {
    let class = PiiClass::from_name(name);
    if class.is_none() {
        let names = PiiClass::ALL.map(PiiClass::name);
        let help = match super::suggest(name, names) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the classes: {}", names.join(", ")),
        };
        diags.push(
            Diagnostic::error(
                Code::UnknownPiiClass,
                format!("unknown personal-data class `{name}`"),
            )
            .label(span, "not a class")
            .help(help),
        );
    }
    class
}

/// The classification of `column`, or diagnostics.
pub fn read(a: &Attribute, column: &str, diags: &mut Vec<Diagnostic>) -> Option<Pii> {
    let mut class = None;
    let mut erase = None;
    let mut ok = true;
    for arg in &a.args {
        let ArgValue::Sql(s) = &arg.value else {
            diags.push(usage(
                a,
                "`@pii` takes a class and `erase: ...`, not a list",
            ));
            ok = false;
            continue;
        };
        let word = attrs::name_of(s);
        match arg.name.as_ref().map(|n| n.name.as_str()) {
            None if class.is_none() => {
                let name = word.unwrap_or_else(|| s.text.trim().to_string());
                match class_named(&name, s.span, diags) {
                    Some(c) => class = Some(c),
                    None => ok = false,
                }
            }
            Some("erase") if erase.is_none() => match word.as_deref() {
                Some("anonymise" | "anonymize") => erase = Some(Erase::Anonymise),
                Some("delete") => erase = Some(Erase::Delete),
                _ => {
                    diags.push(
                        Diagnostic::error(
                            Code::BadArgument,
                            format!("`erase: {}` is not an erase policy", s.text.trim()),
                        )
                        .label(s.span, "expected `anonymise` or `delete`")
                        .help("`anonymise` replaces the value and keeps the row; `delete` deletes the row"),
                    );
                    ok = false;
                }
            },
            _ => {
                diags.push(usage(
                    a,
                    "`@pii` takes one class, then `erase: ...` at most once",
                ));
                ok = false;
            }
        }
    }
    let Some(class) = class else {
        if ok {
            diags.push(usage(a, "`@pii` needs a class"));
        }
        return None;
    };
    ok.then(|| Pii {
        column: column.to_string(),
        class,
        erase,
        origin: Origin::declared(a.span),
    })
}

fn usage(a: &Attribute, message: &str) -> Diagnostic {
    Diagnostic::error(Code::BadArgument, message.to_string())
        .label(a.span, "here")
        .help("for example `@pii(email)` or `@pii(free_text, erase: delete)`")
}
