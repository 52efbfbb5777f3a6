//! Range partitions with fixed bounds (`p2024: from '2024-01-01' to
//! '2025-01-01'`): the text of each end, and the bound's place on the key
//! column's line, so out-of-order and overlapping partitions are refused at
//! build time, as PostgreSQL would refuse them when the script runs; the
//! importer reads a dump's bounds with the same rules.

use crate::model::SqlType;
use std::cmp::Ordering;

/// What a range partition key holds, for reading its bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyKind {
    Integer,
    Decimal,
    Date,
    Timestamp,
    Timestamptz,
}

impl KeyKind {
    pub(crate) fn of(ty: &SqlType) -> Option<KeyKind> {
        KeyKind::named(ty.builtin_name()?)
    }

    /// The kind of a built-in type by its canonical name (`numeric(12,2)`
    /// is `numeric`).
    pub(crate) fn named(name: &str) -> Option<KeyKind> {
        let base = name.split('(').next().unwrap_or(name).trim();
        Some(match base {
            "smallint" | "integer" | "bigint" => KeyKind::Integer,
            "numeric" | "real" | "double precision" => KeyKind::Decimal,
            "date" => KeyKind::Date,
            "timestamp" => KeyKind::Timestamp,
            "timestamptz" => KeyKind::Timestamptz,
            _ => return None,
        })
    }

    /// How a bound of this kind is written, for help texts.
    pub(crate) fn example(self) -> &'static str {
        match self {
            KeyKind::Integer => "a whole number, such as `1000`",
            KeyKind::Decimal => "a number, such as `10.5`",
            KeyKind::Date => "an ISO date in quotes, such as `'2024-01-01'`",
            KeyKind::Timestamp | KeyKind::Timestamptz => {
                "an ISO date or time in quotes, such as `'2024-01-01'` or `'2024-01-01 12:00:00+00'`"
            }
        }
    }
}

/// One end of a range: `None` for `minvalue` and `maxvalue`.
pub(crate) type End = Option<Point>;

/// A bound's place on the key's line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Point {
    Int(i128),
    Float(f64),
}

/// Compares two lower bounds or two upper bounds; `None` is the far end
/// of its side (`lower`: minus infinity).
pub(crate) fn compare(a: &End, b: &End, lower: bool) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) if lower => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) if lower => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => point_cmp(x, y),
    }
}

/// Whether the range from `lower` to `upper` holds nothing.
pub(crate) fn empty(lower: &End, upper: &End) -> bool {
    match (lower, upper) {
        (Some(a), Some(b)) => point_cmp(a, b) != Ordering::Less,
        _ => false,
    }
}

/// Whether a range ending at `upper` runs past the start of one at `lower`.
pub(crate) fn overlaps(upper: &End, lower: &End) -> bool {
    match (upper, lower) {
        (Some(a), Some(b)) => point_cmp(a, b) == Ordering::Greater,
        _ => true,
    }
}

fn point_cmp(a: &Point, b: &Point) -> Ordering {
    match (a, b) {
        (Point::Int(x), Point::Int(y)) => x.cmp(y),
        (Point::Float(x), Point::Float(y)) => x.total_cmp(y),
        (Point::Int(x), Point::Float(y)) => (*x as f64).total_cmp(y),
        (Point::Float(x), Point::Int(y)) => x.total_cmp(&(*y as f64)),
    }
}

/// `from X to Y`: the byte ranges of `X` and `Y` in `text`, found outside
/// quotes and brackets; `None` when the text is not that shape.
pub(crate) fn split(text: &str) -> Option<((usize, usize), (usize, usize))> {
    let words = top_level_words(text);
    let first = words.first()?;
    if !text[first.0..first.1].eq_ignore_ascii_case("from") {
        return None;
    }
    let to = words
        .iter()
        .skip(1)
        .find(|(a, b)| text[*a..*b].eq_ignore_ascii_case("to"))?;
    let lower = trimmed(text, first.1, to.0)?;
    let upper = trimmed(text, to.1, text.len())?;
    Some((lower, upper))
}

fn trimmed(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let part = &text[start..end];
    let s = start + (part.len() - part.trim_start().len());
    let e = end - (part.len() - part.trim_end().len());
    (s < e).then_some((s, e))
}

/// The words (runs of letters, digits and `_`) outside quotes and
/// brackets, as byte ranges.
fn top_level_words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let word_char = c.is_alphanumeric() || c == '_';
        if quote.is_none() && depth == 0 && word_char {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            out.push((s, i));
        }
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => depth -= 1,
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// The place of a bound written `text` (an SQL literal) for a key of
/// `kind`; `None` when it is not a literal of that kind.
pub(crate) fn point(kind: KeyKind, text: &str) -> Option<Point> {
    let t = text.trim();
    match kind {
        KeyKind::Integer => t.parse::<i128>().ok().map(Point::Int),
        KeyKind::Decimal => {
            let ok = !t.is_empty()
                && t.trim_start_matches(['-', '+'])
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == 'e' || c == 'E' || c == '-');
            ok.then(|| t.parse::<f64>().ok())
                .flatten()
                .filter(|f| f.is_finite())
                .map(Point::Float)
        }
        KeyKind::Date | KeyKind::Timestamp | KeyKind::Timestamptz => {
            let inner = t.strip_prefix('\'')?.strip_suffix('\'')?;
            time(kind, inner).map(Point::Int)
        }
    }
}

/// An ISO date or time as microseconds since 1970-01-01 UTC: `YYYY-MM-DD`,
/// then for timestamps `[ T]HH:MM[:SS[.ffffff]]` and, for `timestamptz`,
/// an offset (`Z`, `+HH`, `+HH:MM`; none reads as UTC).
fn time(kind: KeyKind, s: &str) -> Option<i128> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || d < 1 || d > month_days(y, m) {
        return None;
    }
    let mut micros = i128::from(days_from_civil(y, m, d)) * 86_400_000_000;
    let rest = &s[10..];
    if rest.is_empty() {
        return Some(micros);
    }
    if kind == KeyKind::Date {
        return None;
    }
    let rest = rest.strip_prefix([' ', 'T'])?;
    let (clock, offset) = match rest.find(['+', '-', 'Z']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let mut parts = clock.split(':');
    let h: i64 = parts.next()?.parse().ok()?;
    let mi: i64 = parts.next()?.parse().ok()?;
    let sec: f64 = parts.next().map_or(Some(0.0), |p| p.parse().ok())?;
    if parts.next().is_some() || h > 24 || mi > 59 || !(0.0..61.0).contains(&sec) {
        return None;
    }
    micros += i128::from(h * 3600 + mi * 60) * 1_000_000 + (sec * 1e6).round() as i128;
    if offset.is_empty() || offset == "Z" {
        return Some(micros);
    }
    if kind != KeyKind::Timestamptz {
        // PostgreSQL ignores a zone written on a `timestamp`.
        return offset_minutes(offset).map(|_| micros);
    }
    Some(micros - i128::from(offset_minutes(offset)?) * 60_000_000)
}

/// `+05`, `-03:30`, `+0530`: minutes east of UTC.
fn offset_minutes(o: &str) -> Option<i64> {
    let (sign, digits) = match o.as_bytes().first()? {
        b'+' => (1, &o[1..]),
        b'-' => (-1, &o[1..]),
        _ => return None,
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i64>().ok()?, 0),
        4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        _ => return None,
    };
    Some(sign * (h * 60 + m))
}

fn month_days(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_and_to_are_found_outside_quotes() {
        let t = "from '2024-01-01 to x' to '2025-01-01'";
        let ((a, b), (c, d)) = split(t).expect("shape");
        assert_eq!(&t[a..b], "'2024-01-01 to x'");
        assert_eq!(&t[c..d], "'2025-01-01'");
        assert_eq!(split("FROM minvalue TO 10").map(|(l, _)| l), Some((5, 13)));
        assert!(split("['a', 'b']").is_none());
        assert!(split("from 1").is_none());
        assert!(split("from to 2").is_none());
    }

    #[test]
    fn times_are_read_in_utc() {
        let day = 86_400_000_000i128;
        assert_eq!(point(KeyKind::Date, "'1970-01-02'"), Some(Point::Int(day)));
        assert_eq!(
            point(KeyKind::Timestamptz, "'1970-01-02 01:00:00+01'"),
            Some(Point::Int(day))
        );
        assert_eq!(
            point(KeyKind::Timestamp, "'1970-01-02T00:00'"),
            Some(Point::Int(day))
        );
        assert_eq!(point(KeyKind::Date, "'2024-02-30'"), None);
        assert_eq!(point(KeyKind::Date, "'2024-01-01 10:00'"), None);
        assert_eq!(point(KeyKind::Date, "20240101"), None);
        assert!(
            point(KeyKind::Date, "'2000-03-01'").expect("date")
                != point(KeyKind::Date, "'2000-02-29'").expect("leap day")
        );
    }

    #[test]
    fn numbers_and_order() {
        assert_eq!(point(KeyKind::Integer, "-5"), Some(Point::Int(-5)));
        assert_eq!(point(KeyKind::Integer, "'5'"), None);
        assert_eq!(point(KeyKind::Decimal, "10.5"), Some(Point::Float(10.5)));
        assert_eq!(point(KeyKind::Decimal, "abc"), None);
        let (one, two) = (Some(Point::Int(1)), Some(Point::Int(2)));
        assert!(empty(&two, &one) && empty(&one, &one) && !empty(&one, &two));
        assert!(!empty(&None, &one));
        assert!(overlaps(&two, &one) && !overlaps(&one, &one) && overlaps(&None, &one));
        assert_eq!(compare(&None, &one, true), Ordering::Less);
    }
}
