//! SQL fragments are parsed with sqlparser: a typo in a check or a view is
//! reported at build time with its span, not by PostgreSQL at deploy time,
//! and the names a fragment mentions become resolvable references.

use sqlparser::ast::{
    visit_expressions, visit_relations, Expr, Query, Statement, Value, Visit, Visitor,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;
use std::ops::ControlFlow;

/// An identifier an expression mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameRef {
    /// The name as PostgreSQL sees it: unquoted names fold ASCII letters to lower case.
    pub name: String,
    pub quoted: bool,
    /// Byte offset of the name inside the fragment.
    pub offset: usize,
}

/// A parse failure with the byte offset inside the fragment, when known.
#[derive(Debug, Clone)]
pub struct SqlError {
    pub message: String,
    pub offset: Option<usize>,
}

fn error(e: ParserError, text: &str) -> SqlError {
    let raw = e.to_string();
    let message = raw
        .trim_start_matches("sql parser error: ")
        .split(" at Line: ")
        .next()
        .unwrap_or(&raw)
        .to_string();
    // sqlparser reports "... at Line: L, Column: C"; turn that into an offset.
    let offset = raw.rsplit_once(" at Line: ").and_then(|(_, pos)| {
        let (line, col) = pos.split_once(", Column: ")?;
        let line: usize = line.trim().parse().ok()?;
        let col: usize = col.trim().parse().ok()?;
        offset_of(text, line, col)
    });
    SqlError { message, offset }
}

fn offset_of(text: &str, line: usize, col: usize) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let line_text = text.get(start..)?.split('\n').next()?;
    let within: usize = line_text
        .chars()
        .take(col.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    Some(start + within)
}

fn location_offset(text: &str, loc: sqlparser::tokenizer::Location) -> usize {
    offset_of(text, loc.line as usize, loc.column as usize).unwrap_or(0)
}

/// What the resolver needs from an expression: the names it mentions and,
/// when it is a plain literal, its value.
#[derive(Debug, Clone)]
pub struct Checked {
    pub names: Vec<NameRef>,
    pub literal: Option<Value>,
    /// The expression as sqlparser prints it: the text compared by model
    /// equality (see `model::Expr`).
    pub canonical: String,
}

/// Checks one expression. The common simple forms (numbers, strings,
/// `true`/`false`/`null`, a name, a call without arguments like `now()`)
/// are recognised directly; everything else goes through sqlparser.
pub fn check_expr(text: &str) -> Result<Checked, SqlError> {
    if let Some(fast) = simple(text) {
        return Ok(fast);
    }
    let expr = parse_expr(text)?;
    let literal = match &expr {
        Expr::Value(v) => Some(v.value.clone()),
        _ => None,
    };
    Ok(Checked {
        names: names_in(&expr, text),
        literal,
        canonical: expr.to_string(),
    })
}

/// The canonical text of an expression (sqlparser's printing), or the
/// written text when sqlparser cannot parse it.
pub fn canonical_expr(text: &str) -> String {
    check_expr(text).map_or_else(|_| text.trim().to_string(), |c| c.canonical)
}

/// The expression with every reference to column `from` naming `to`
/// instead (what PostgreSQL does to a stored check, predicate or policy
/// when the column is renamed), written as it was otherwise; `None` when
/// it does not name `from` or cannot be parsed.
pub fn rename_column(text: &str, from: &str, to: &str) -> Option<String> {
    let checked = check_expr(text).ok()?;
    let mut out = text.to_string();
    let mut changed = false;
    // From the end, so earlier offsets stay right.
    for n in checked.names.iter().rev().filter(|n| n.name == from) {
        let len = if n.quoted {
            // The quotes, and each quote doubled inside.
            n.name.len() + n.name.matches('"').count() + 2
        } else {
            n.name.len()
        };
        let plain = is_name(to) && to.bytes().all(|b| !b.is_ascii_uppercase()) && !is_keyword(to);
        let written = if plain && !n.quoted {
            to.to_string()
        } else {
            crate::quote::ident(to).to_string()
        };
        out.replace_range(n.offset..n.offset + len, &written);
        changed = true;
    }
    changed.then_some(out)
}

/// The canonical text of a query (a view body), or the written text when
/// sqlparser cannot parse it.
pub fn canonical_query(text: &str) -> String {
    match Parser::parse_sql(&PostgreSqlDialect {}, text) {
        Ok(statements) => statements
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(";\n"),
        Err(_) => text.trim().to_string(),
    }
}

fn is_name(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn simple(text: &str) -> Option<Checked> {
    // sqlparser prints literals as written, keywords in upper case.
    let literal = |v: Value| {
        Some(Checked {
            names: Vec::new(),
            canonical: v.to_string(),
            literal: Some(v),
        })
    };
    let digits = text.strip_prefix('-').unwrap_or(text);
    let mut parts = digits.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    if !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
    {
        // sqlparser reads `-1` as a unary minus, not a literal; keep that.
        return if text.starts_with('-') {
            None
        } else {
            literal(Value::Number(text.to_string(), false))
        };
    }
    if let Some(inner) = text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        if !inner.replace("''", "").contains('\'') && !inner.contains('\\') {
            return literal(Value::SingleQuotedString(inner.replace("''", "'")));
        }
        return None;
    }
    match text.to_ascii_lowercase().as_str() {
        "true" => return literal(Value::Boolean(true)),
        "false" => return literal(Value::Boolean(false)),
        "null" => return literal(Value::Null),
        _ => {}
    }
    if let Some(function) = text.strip_suffix("()") {
        return is_name(function).then(|| Checked {
            names: Vec::new(),
            literal: None,
            canonical: text.to_string(),
        });
    }
    if let Some(c) = comparison(text) {
        return Some(c);
    }
    if is_name(text) && !is_keyword(text) {
        return Some(Checked {
            names: vec![NameRef {
                name: text.to_ascii_lowercase(),
                quoted: false,
                offset: 0,
            }],
            literal: None,
            canonical: text.to_string(),
        });
    }
    None
}

/// `name <op> literal-or-name` and `name is [not] null`, the usual shape of
/// checks and partial-index predicates.
fn comparison(text: &str) -> Option<Checked> {
    let mut words = text.split(' ');
    let left = words.next()?;
    let op = words.next()?;
    let right: Vec<&str> = words.collect();
    if !is_name(left) || is_keyword(left) {
        return None;
    }
    let mut names = vec![NameRef {
        name: left.to_ascii_lowercase(),
        quoted: false,
        offset: 0,
    }];
    let canonical = match (op.to_ascii_lowercase().as_str(), right.as_slice()) {
        ("is", [null]) if null.eq_ignore_ascii_case("null") => format!("{left} IS NULL"),
        ("is", [not, null])
            if not.eq_ignore_ascii_case("not") && null.eq_ignore_ascii_case("null") =>
        {
            format!("{left} IS NOT NULL")
        }
        ("=" | "<>" | "!=" | "<" | "<=" | ">" | ">=", [value]) => {
            let offset = text.len() - value.len();
            let op = if op == "!=" { "<>" } else { op };
            match simple(value) {
                Some(c) if c.literal.is_some() => format!("{left} {op} {}", c.canonical),
                Some(c) if c.names.len() == 1 && !is_keyword(value) => {
                    names.push(NameRef {
                        offset,
                        ..c.names[0].clone()
                    });
                    format!("{left} {op} {}", c.canonical)
                }
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(Checked {
        names,
        literal: None,
        canonical,
    })
}

/// Words that are not names on their own (left to sqlparser): keywords,
/// and values such as `current_date` that sqlparser reads as calls.
fn is_keyword(word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    matches!(
        w.as_str(),
        "select" | "case" | "exists" | "not" | "interval" | "array" | "row" | "cast" | "and" | "or"
    ) || is_sql_value_word(&w)
}

/// Parses one expression; the whole fragment must be consumed.
fn parse_expr(text: &str) -> Result<Expr, SqlError> {
    let dialect = PostgreSqlDialect {};
    let mut parser = Parser::new(&dialect)
        .try_with_sql(text)
        .map_err(|e| error(e, text))?;
    let expr = parser.parse_expr().map_err(|e| error(e, text))?;
    let next = parser.peek_token();
    if next.token != Token::EOF {
        return Err(SqlError {
            message: format!("unexpected `{}` after the expression", next.token),
            offset: Some(location_offset(text, next.span.start)),
        });
    }
    Ok(expr)
}

/// The columns of an exclusive arc's check: `num_nonnulls(a, b, ...) = 1`
/// (either way round, in parentheses or not), each name as PostgreSQL
/// sees it. `None` for any other expression, `<= 1` included: that arc
/// may be empty.
pub fn exactly_one_of(text: &str) -> Option<Vec<String>> {
    use sqlparser::ast::{
        BinaryOperator, FunctionArg, FunctionArgExpr, FunctionArguments, ObjectNamePart,
    };
    fn bare(e: &Expr) -> &Expr {
        match e {
            Expr::Nested(inner) => bare(inner),
            e => e,
        }
    }
    let is_one =
        |e: &Expr| matches!(bare(e), Expr::Value(v) if v.value == Value::Number("1".into(), false));
    let columns = |e: &Expr| {
        let Expr::Function(f) = bare(e) else {
            return None;
        };
        let [ObjectNamePart::Identifier(name)] = f.name.0.as_slice() else {
            return None;
        };
        let FunctionArguments::List(list) = &f.args else {
            return None;
        };
        if !name.value.eq_ignore_ascii_case("num_nonnulls")
            || name.quote_style.is_some()
            || list.duplicate_treatment.is_some()
            || !list.clauses.is_empty()
        {
            return None;
        }
        list.args
            .iter()
            .map(|a| match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Identifier(i))) => {
                    Some(if i.quote_style.is_some() {
                        i.value.clone()
                    } else {
                        i.value.to_ascii_lowercase()
                    })
                }
                _ => None,
            })
            .collect::<Option<Vec<String>>>()
    };
    let expr = parse_expr(text).ok()?;
    let Expr::BinaryOp {
        left,
        op: BinaryOperator::Eq,
        right,
    } = bare(&expr)
    else {
        return None;
    };
    if is_one(right) {
        columns(left)
    } else if is_one(left) {
        columns(right)
    } else {
        None
    }
}

/// The names an expression mentions: columns, in order of appearance.
fn names_in(expr: &Expr, text: &str) -> Vec<NameRef> {
    let mut out = Vec::new();
    let _ = visit_expressions(expr, |e| {
        let ident = match e {
            Expr::Identifier(i) => Some(i),
            // `t.col`: the column is the last part.
            Expr::CompoundIdentifier(parts) => parts.last(),
            _ => None,
        };
        if let Some(i) = ident {
            let quoted = i.quote_style.is_some();
            out.push(NameRef {
                name: if quoted {
                    i.value.clone()
                } else {
                    i.value.to_ascii_lowercase()
                },
                quoted,
                offset: location_offset(text, i.span.start),
            });
        }
        ControlFlow::<()>::Continue(())
    });
    out
}

/// SQL words sqlparser may read as identifiers that are really values.
pub fn is_sql_value_word(name: &str) -> bool {
    matches!(
        name,
        "current_date"
            | "current_time"
            | "current_timestamp"
            | "localtime"
            | "localtimestamp"
            | "current_user"
            | "session_user"
            | "current_role"
            | "current_catalog"
            | "current_schema"
            | "user"
            | "true"
            | "false"
            | "null"
            | "default"
    )
}

/// A relation a query reads from: `[schema.]name`, folded like PostgreSQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationRef {
    pub schema: Option<String>,
    pub name: String,
}

/// Parses a view body: exactly one query. Returns the relations it reads,
/// CTE names excluded.
pub fn parse_query(text: &str) -> Result<Vec<RelationRef>, SqlError> {
    let statements = Parser::parse_sql(&PostgreSqlDialect {}, text).map_err(|e| error(e, text))?;
    let query = match statements.as_slice() {
        [Statement::Query(_)] => &statements,
        [] => {
            return Err(SqlError {
                message: "the view body is empty".into(),
                offset: None,
            })
        }
        _ => {
            return Err(SqlError {
                message: "a view body must be exactly one query (`select ...`)".into(),
                offset: None,
            })
        }
    };
    let mut ctes = CteNames::default();
    let _ = query.visit(&mut ctes);
    let mut out: Vec<RelationRef> = Vec::new();
    let _ = visit_relations(query, |name| {
        let parts: Vec<String> = name
            .0
            .iter()
            .filter_map(|p| p.as_ident())
            .map(|i| {
                if i.quote_style.is_some() {
                    i.value.clone()
                } else {
                    i.value.to_ascii_lowercase()
                }
            })
            .collect();
        let rel = match parts.as_slice() {
            [name] => RelationRef {
                schema: None,
                name: name.clone(),
            },
            [.., schema, name] => RelationRef {
                schema: Some(schema.clone()),
                name: name.clone(),
            },
            [] => return ControlFlow::<()>::Continue(()),
        };
        let is_cte = rel.schema.is_none() && ctes.0.contains(&rel.name);
        if !is_cte && !out.contains(&rel) {
            out.push(rel);
        }
        ControlFlow::Continue(())
    });
    Ok(out)
}

#[derive(Default)]
struct CteNames(Vec<String>);

impl Visitor for CteNames {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                self.0.push(cte.alias.name.value.to_ascii_lowercase());
            }
        }
        ControlFlow::Continue(())
    }
}

/// A statement of a `sql` block that lint looks at, with its byte range
/// in the block's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFact {
    pub kind: RawKind,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawKind {
    /// `ALTER TABLE t ENABLE ROW LEVEL SECURITY`; `table` is the last
    /// part of the name, as PostgreSQL folds it.
    EnableRls { table: String },
    /// `CREATE POLICY name ON table ...`: whether `USING` or `WITH CHECK`
    /// is the constant `true`.
    Policy {
        name: String,
        table: String,
        always_true: bool,
    },
    /// `CREATE FUNCTION ... SECURITY DEFINER`, and whether it sets
    /// `search_path`.
    DefinerFunction {
        name: String,
        fixed_search_path: bool,
    },
    /// `GRANT ... TO PUBLIC`.
    GrantToPublic,
}

/// The statements of a `sql` block that lint checks. Each statement is
/// parsed alone, so one that sqlparser does not know (or a syntax error,
/// left to PostgreSQL) hides only itself.
pub fn raw_facts(text: &str) -> Vec<RawFact> {
    use sqlparser::ast::{AlterTableOperation, FunctionSecurity};
    use sqlparser::tokenizer::Tokenizer;
    let dialect = PostgreSqlDialect {};
    let Ok(tokens) = Tokenizer::new(&dialect, text).tokenize_with_location() else {
        return Vec::new();
    };
    let last_name = |n: &sqlparser::ast::ObjectName| {
        n.0.last()
            .and_then(|p| p.as_ident())
            .map(|i| match i.quote_style {
                Some(_) => i.value.clone(),
                None => i.value.to_lowercase(),
            })
            .unwrap_or_default()
    };
    let is_true =
        |e: &Option<Expr>| matches!(e, Some(Expr::Value(v)) if v.value == Value::Boolean(true));
    let mut out = Vec::new();
    for chunk in tokens.split(|t| t.token == Token::SemiColon) {
        let Some(first) = chunk
            .iter()
            .find(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
        else {
            continue;
        };
        let start = location_offset(text, first.span.start);
        let end = chunk
            .iter()
            .rev()
            .find(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
            .map_or(start, |t| location_offset(text, t.span.end));
        let parsed = Parser::new(&dialect)
            .with_tokens_with_locations(chunk.to_vec())
            .parse_statement();
        let kind = match parsed {
            Ok(Statement::AlterTable(a))
                if a.operations
                    .iter()
                    .any(|o| matches!(o, AlterTableOperation::EnableRowLevelSecurity)) =>
            {
                RawKind::EnableRls {
                    table: last_name(&a.name),
                }
            }
            Ok(Statement::CreatePolicy(p)) => RawKind::Policy {
                name: p.name.value.clone(),
                table: last_name(&p.table_name),
                always_true: is_true(&p.using) || is_true(&p.with_check),
            },
            Ok(Statement::CreateFunction(f)) if f.security == Some(FunctionSecurity::Definer) => {
                RawKind::DefinerFunction {
                    name: last_name(&f.name),
                    fixed_search_path: f
                        .set_params
                        .iter()
                        .any(|p| last_name(&p.name) == "search_path"),
                }
            }
            Ok(Statement::Grant(g))
                if g.grantees
                    .iter()
                    .any(|g| g.to_string().eq_ignore_ascii_case("public")) =>
            {
                RawKind::GrantToPublic
            }
            _ => continue,
        };
        out.push(RawFact {
            kind,
            start,
            end: end.max(start),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn renamed_columns_are_renamed_in_expressions() {
        let r = |t: &str, from: &str, to: &str| super::rename_column(t, from, to);
        assert_eq!(r("age >= 0", "age", "years").as_deref(), Some("years >= 0"));
        assert_eq!(
            r(
                "(t.age >= 0) AND (\"age\" < 200) AND (page > 1)",
                "age",
                "years"
            )
            .as_deref(),
            Some("(t.years >= 0) AND (\"years\" < 200) AND (page > 1)")
        );
        assert_eq!(r("age > 0", "age", "Age").as_deref(), Some("\"Age\" > 0"));
        assert_eq!(r("length(name) > 0", "age", "years"), None);
    }

    use super::*;

    #[test]
    fn exclusive_arcs_are_read_from_their_checks() {
        let arc = |t: &str| exactly_one_of(t);
        let ab = Some(vec!["a".to_string(), "B".to_string()]);
        assert_eq!(arc("num_nonnulls(a, \"B\") = 1"), ab);
        assert_eq!(arc("(1 = NUM_NONNULLS(A, \"B\"))"), ab);
        assert_eq!(arc("num_nonnulls(a, b) <= 1"), None, "may be empty");
        assert_eq!(arc("num_nonnulls(a, b) = 2"), None);
        assert_eq!(arc("num_nonnulls(a, b + 1) = 1"), None);
        assert_eq!(arc("num_nulls(a, b) = 1"), None);
        assert_eq!(arc("a = 1"), None);
        assert_eq!(arc("not sql ("), None);
    }

    #[test]
    fn expressions_and_names() {
        let text = "deleted_at is null or deleted_at >= \"Created\"";
        let e = parse_expr(text).unwrap();
        let names: Vec<_> = names_in(&e, text)
            .into_iter()
            .map(|n| (n.name, n.offset))
            .collect();
        assert_eq!(
            names,
            vec![
                ("deleted_at".into(), 0),
                ("deleted_at".into(), 22),
                ("Created".into(), 36)
            ]
        );
        let err = check_expr("a >").unwrap_err();
        assert!(!err.message.is_empty());
        assert!(check_expr("a b").is_err());
        // The fast path agrees with sqlparser.
        for text in [
            "0",
            "12.5",
            "'it''s'",
            "true",
            "NULL",
            "now()",
            "amount",
            "-1",
            "'a\\b'",
            "price >= 0",
            "a <> b",
            "a != b",
            "deleted_at is null",
            "deleted_at IS not NULL",
            "kind = 'x'",
            "flag = TRUE",
        ] {
            let fast = simple(text).map(|c| (c.names, c.literal, c.canonical));
            let slow = parse_expr(text).ok().map(|e| {
                let lit = match &e {
                    Expr::Value(v) => Some(v.value.clone()),
                    _ => None,
                };
                (names_in(&e, text), lit, e.to_string())
            });
            let fast = fast.or_else(|| comparison(text).map(|c| (c.names, c.literal, c.canonical)));
            if let Some(fast) = fast {
                assert_eq!(Some(fast), slow, "{text}");
            }
        }
    }

    /// What sqlparser says of an expression: its names and literal.
    fn slow(text: &str) -> Option<(Vec<NameRef>, Option<Value>)> {
        parse_expr(text).ok().map(|e| {
            let lit = match &e {
                Expr::Value(v) => Some(v.value.clone()),
                _ => None,
            };
            (names_in(&e, text), lit)
        })
    }

    /// Every comparison the fast path accepts, sqlparser accepts with the
    /// same names at the same offsets.
    #[test]
    fn the_comparison_fast_path_agrees_with_sqlparser() {
        let lefts = [
            "a",
            "Amount",
            "_x",
            "deleted_at",
            "select",
            "not",
            "user",
            "current_date",
        ];
        let ops = ["=", "<>", "!=", "<", "<=", ">", ">=", "is", "like", "=="];
        let rights = [
            "1",
            "1.5",
            "0.",
            "-1",
            "'s'",
            "'it''s'",
            "''",
            "b",
            "B",
            "true",
            "FALSE",
            "null",
            "NULL",
            "not null",
            "NOT NULL",
            "not nul",
            "current_date",
            "current_timestamp",
            "user",
            "select",
            "x.y",
            "\"Q\"",
            "now()",
            "1 2",
            "",
        ];
        let mut accepted = 0;
        for left in lefts {
            for op in ops {
                for right in rights {
                    let text = format!("{left} {op} {right}");
                    let Some(fast) = comparison(&text) else {
                        continue;
                    };
                    accepted += 1;
                    let fast = (fast.names, fast.literal);
                    assert_eq!(Some(fast), slow(&text), "{text}");
                }
            }
        }
        assert!(
            accepted > 100,
            "only {accepted} comparisons took the fast path"
        );
    }

    #[test]
    fn view_relations() {
        let rels = parse_query(
            "with recent as (select * from auth.users) select * from recent join roles on true",
        )
        .unwrap();
        assert_eq!(
            rels,
            vec![
                RelationRef {
                    schema: Some("auth".into()),
                    name: "users".into()
                },
                RelationRef {
                    schema: None,
                    name: "roles".into()
                }
            ]
        );
        assert!(parse_query("select from where").is_err());
        assert!(parse_query("select 1; select 2").is_err());
    }
    #[test]
    fn raw_facts_read_rls_policies_definer_functions_and_grants() {
        let text = "alter table docs enable row level security;\n\
            create policy open on public.docs using (true);\n\
            create policy mine on docs using (owner = current_user);\n\
            this is not sql;\n\
            create function f() returns int language sql security definer as $$ select 1; $$;\n\
            create function g() returns int language sql security definer set search_path = pg_catalog as $$ select 1 $$;\n\
            grant select on docs to public";
        let facts = raw_facts(text);
        let kinds: Vec<&RawKind> = facts.iter().map(|f| &f.kind).collect();
        assert_eq!(
            kinds,
            [
                &RawKind::EnableRls {
                    table: "docs".into()
                },
                &RawKind::Policy {
                    name: "open".into(),
                    table: "docs".into(),
                    always_true: true
                },
                &RawKind::Policy {
                    name: "mine".into(),
                    table: "docs".into(),
                    always_true: false
                },
                &RawKind::DefinerFunction {
                    name: "f".into(),
                    fixed_search_path: false
                },
                &RawKind::DefinerFunction {
                    name: "g".into(),
                    fixed_search_path: true
                },
                &RawKind::GrantToPublic,
            ]
        );
        assert_eq!(
            &text[facts[0].start..facts[0].end],
            "alter table docs enable row level security"
        );
        assert!(text[facts[3].start..facts[3].end].ends_with("$$ select 1; $$"));
    }
}
