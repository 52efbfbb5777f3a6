//! `@mask(strategy)` on a column: what `mask_data` writes there. Only the
//! words are read here; whether the strategy fits the column (its type,
//! nullability, keys) is checked by the lowering (`lower/mask.rs`), which
//! sees domains resolved and the keys policies change.

use super::attrs;
use crate::model::{Mask, MaskStrategy, Origin};
use dsl::ast::{ArgValue, Attribute};
use dsl::{Code, Diagnostic};

/// The masking of `column`, or diagnostics.
pub fn read(a: &Attribute, column: &str, diags: &mut Vec<Diagnostic>) -> Option<Mask> {
    let [arg] = a.args.as_slice() else {
        diags.push(usage(a, "`@mask` takes one strategy"));
        return None;
    };
    let ArgValue::Sql(s) = &arg.value else {
        diags.push(usage(a, "`@mask` takes a strategy, not a list"));
        return None;
    };
    let text = s.text.trim();
    let strategy = match arg.name.as_ref().map(|n| n.name.as_str()) {
        Some("fake") => {
            let name = attrs::name_of(s).unwrap_or_else(|| text.to_string());
            MaskStrategy::Fake(super::pii::class_named(&name, s.span, diags)?)
        }
        Some(_) => {
            diags.push(usage(a, "`@mask` knows one named argument, `fake:`"));
            return None;
        }
        None if text.starts_with('\'') => MaskStrategy::Fixed(text.to_string()),
        // A number as SQL writes one (`inf` and `NaN` parse too, but are
        // not SQL literals).
        None if text.parse::<f64>().is_ok()
            && text
                .chars()
                .all(|c| c.is_ascii_digit() || "+-.eE".contains(c)) =>
        {
            MaskStrategy::Fixed(text.to_string())
        }
        None => match text {
            "keep" => MaskStrategy::Keep,
            "null" => MaskStrategy::Null,
            "hash" => MaskStrategy::Hash,
            _ => {
                diags.push(
                    Diagnostic::error(
                        Code::BadArgument,
                        format!("`{text}` is not a masking strategy"),
                    )
                    .label(s.span, "expected a strategy")
                    .help("`keep`, `null`, `hash`, `fake: <class>` or a literal such as `'redacted'` or `0`"),
                );
                return None;
            }
        },
    };
    Some(Mask {
        column: column.to_string(),
        strategy,
        origin: Origin::declared(a.span),
    })
}

fn usage(a: &Attribute, message: &str) -> Diagnostic {
    Diagnostic::error(Code::BadArgument, message.to_string())
        .label(a.span, "here")
        .help("for example `@mask(hash)`, `@mask(fake: email)` or `@mask('redacted')`")
}
