//! Reading DDL statements into the import's objects. What the language
//! expresses exactly becomes a declaration; everything else is kept as the
//! statement's own text, in a `sql` block, so the round trip is exact.

use super::split::Piece;
use super::{Attached, Col, Fk, Idx, Import, Item, ItemKind, PartBy, Raw, Table, Unique};
use crate::builtin_types;
use crate::model::PartitionStrategy;
use crate::model::QName;
use dsl::{Code, Diagnostic, Severity, Span};
use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnOption, CommentObject,
    ConstraintCharacteristics, DataType, DeferrableInitial, Expr, GeneratedAs, IndexColumn,
    ObjectName, ObjectNamePart, ReferentialAction, Statement, TableConstraint,
    UserDefinedTypeRepresentation,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

/// The lower-cased words of a statement (keywords and names, unquoted
/// names as PostgreSQL folds them) and its other tokens, for classifying
/// it before parsing.
pub(super) fn words(text: &str) -> Vec<Token> {
    Tokenizer::new(&PostgreSqlDialect {}, text)
        .tokenize()
        .unwrap_or_default()
        .into_iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect()
}

fn word(t: &Token) -> Option<String> {
    match t {
        Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_lowercase()),
        Token::Word(w) => Some(w.value.clone()),
        _ => None,
    }
}

fn starts(tokens: &[Token], prefix: &[&str]) -> bool {
    tokens.len() >= prefix.len()
        && tokens
            .iter()
            .zip(prefix)
            .all(|(t, p)| matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(p)))
}

fn has_word(tokens: &[Token], w: &str) -> bool {
    tokens
        .iter()
        .any(|t| matches!(t, Token::Word(x) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w)))
}

/// A schema-qualified name; unqualified names are in `public` (pg_dump
/// qualifies everything; hand-written scripts mostly use the default).
pub(super) fn qname(name: &ObjectName) -> QName {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(i) => ident(i),
            ObjectNamePart::Function(f) => f.name.value.clone(),
        })
        .collect();
    match parts.as_slice() {
        [.., s, n] => QName::new(s.clone(), n.clone()),
        [n] => QName::new("public", n.clone()),
        [] => QName::new("public", ""),
    }
}

/// An identifier as PostgreSQL stores it: unquoted names fold to lower case.
fn ident(i: &sqlparser::ast::Ident) -> String {
    if i.quote_style.is_some() {
        i.value.clone()
    } else {
        i.value.to_lowercase()
    }
}

/// A type the language can write: a built-in one (canonical spelling,
/// modifiers) or a user type, by SQL name.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeText {
    Builtin(String),
    User(QName, String),
}

fn type_text(dt: &DataType) -> Option<TypeText> {
    if let DataType::Array(sqlparser::ast::ArrayElemTypeDef::SquareBracket(inner, _)) = dt {
        return Some(match type_text(inner)? {
            TypeText::Builtin(t) => TypeText::Builtin(format!("{t}[]")),
            TypeText::User(q, dims) => TypeText::User(q, format!("{dims}[]")),
        });
    }
    if let DataType::Custom(name, mods) = dt {
        let q = qname(name);
        let base_builtin = (name.0.len() == 1 || q.schema == "pg_catalog" || q.schema == "public")
            && mods.is_empty()
            && builtin_types::builtin(&q.name).is_some();
        if !base_builtin {
            return mods.is_empty().then(|| TypeText::User(q, String::new()));
        }
        let b = builtin_types::builtin(&q.name)?;
        return Some(TypeText::Builtin(b.name.to_string()));
    }
    let shown = dt.to_string().to_lowercase();
    // `timestamp(3) with time zone`: the modifiers sit mid-name.
    let (name, args) = match (shown.find('('), shown.find(')')) {
        (Some(a), Some(b)) if a < b => (
            format!("{} {}", shown[..a].trim(), shown[b + 1..].trim()),
            shown[a..=b].replace(' ', ""),
        ),
        _ => (shown.clone(), String::new()),
    };
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let b = builtin_types::builtin(&name)?;
    // The language's `serial` is an identity column; a dump's `serial` has
    // already been expanded, so it never appears here.
    if b.name.ends_with("serial") {
        return None;
    }
    Some(TypeText::Builtin(format!("{}{args}", b.name)))
}

fn action(a: Option<ReferentialAction>) -> &'static str {
    match a {
        Some(ReferentialAction::Cascade) => "cascade",
        Some(ReferentialAction::Restrict) => "restrict",
        Some(ReferentialAction::SetNull) => "set null",
        Some(ReferentialAction::SetDefault) => "set default",
        Some(ReferentialAction::NoAction) | None => "no action",
    }
}

fn deferrable(c: &Option<ConstraintCharacteristics>) -> Option<String> {
    let c = c.as_ref()?;
    match (c.deferrable, c.initially) {
        (Some(true), Some(DeferrableInitial::Deferred)) => {
            Some(String::from("deferrable initially deferred"))
        }
        (Some(true), _) => Some(String::from("deferrable")),
        _ => None,
    }
}

fn element(c: &IndexColumn) -> String {
    let mut s = expr_text(&c.column.expr);
    if let Some(op) = &c.operator_class {
        s.push(' ');
        s.push_str(&op.to_string());
    }
    let opts = c.column.options.to_string();
    if !opts.trim().is_empty() {
        s.push(' ');
        s.push_str(opts.trim());
    }
    s
}

/// An expression as one line of text (the language ends fragments at a
/// line break).
pub(super) fn expr_text(e: &Expr) -> String {
    e.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl Import {
    /// Reads one statement of file `file`.
    pub(super) fn statement(&mut self, file: u32, p: &Piece) {
        if p.meta {
            self.report
                .skipped
                .push((self.at(file, p.start), p.text.to_string()));
            return;
        }
        let t = words(p.text);
        if starts(&t, &["set"]) || starts(&t, &["select"]) && has_word(&t, "set_config") {
            self.report.settings += 1;
            return;
        }
        if has_word(&t, "owner")
            && starts(&t, &["alter"])
            && t.iter().zip(t.iter().skip(1)).any(|(a, b)| {
                word(a).as_deref() == Some("owner") && word(b).as_deref() == Some("to")
            })
        {
            self.report
                .skipped
                .push((self.at(file, p.start), first_line(p.text)));
            return;
        }
        if starts(&t, &["create", "schema"]) {
            if let Some(name) = t.get(2).and_then(word) {
                let name = if name == "if" {
                    t.get(5).and_then(word).unwrap_or(name)
                } else {
                    name
                };
                if !self.schemas.contains(&name) {
                    self.schemas.push(name);
                }
                return;
            }
        }
        if self.identity(&t) || self.attach_index(&t) {
            return;
        }
        let on_only = self.on_only(p.text, &t);
        let text = match (strip_data_clause(p.text, &t), &on_only) {
            (Some(stripped), _) => stripped,
            (None, Some(s)) => s.as_str(),
            (None, None) => p.text,
        };
        let parsed = Parser::parse_sql(&PostgreSqlDialect {}, text);
        let stmt = match parsed {
            Ok(mut v) if v.len() == 1 => v.pop(),
            Ok(_) => None,
            Err(e) => {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::ImportUnparsed,
                        Severity::Warning,
                        format!("statement not understood: {e}"),
                    )
                    .label(
                        Span::new(file, p.start, p.start + p.text.len()),
                        "kept as written in a `sql` block",
                    )
                    .help("check the block; it runs as written, after what the script created before it"),
                );
                None
            }
        };
        let handled = match &stmt {
            Some(s) => self.known(file, p, s, &t),
            None => false,
        };
        if !handled {
            self.raw(file, p, stmt.as_ref());
        }
    }

    /// pg_dump's identity column (which sqlparser does not read):
    /// `ALTER TABLE [ONLY] t ALTER COLUMN c ADD GENERATED {ALWAYS | BY DEFAULT}
    /// AS IDENTITY (SEQUENCE NAME t_c_seq START WITH 1 ...)` is the language's
    /// `@identity` when the sequence is the one PostgreSQL would name and
    /// number by default.
    fn identity(&mut self, t: &[Token]) -> bool {
        let w: Vec<String> = t
            .iter()
            .map(|tok| match tok {
                Token::Period => String::from("."),
                Token::Number(n, _) => n.clone(),
                Token::LParen => String::from("("),
                Token::RParen => String::from(")"),
                other => word(other).unwrap_or_else(|| String::from("?")),
            })
            .collect();
        let mut i = 2;
        if w.len() < 4 || w[0] != "alter" || w[1] != "table" {
            return false;
        }
        if w[i] == "only" {
            i += 1;
        }
        let (schema, table) = if w.get(i + 1).map(String::as_str) == Some(".") {
            (w[i].clone(), w.get(i + 2).cloned().unwrap_or_default())
        } else {
            (String::from("public"), w[i].clone())
        };
        i += if schema == "public" && w.get(i + 1).map(String::as_str) != Some(".") {
            1
        } else {
            3
        };
        let rest: Vec<&str> = w[i.min(w.len())..].iter().map(String::as_str).collect();
        let (col, always, opts) = match rest.as_slice() {
            ["alter", "column", c, "add", "generated", "always", "as", "identity", opts @ ..] => {
                (*c, true, opts)
            }
            ["alter", "column", c, "add", "generated", "by", "default", "as", "identity", opts @ ..] => {
                (*c, false, opts)
            }
            _ => return false,
        };
        let seq = format!("{table}_{col}_seq");
        let expected = [
            "(",
            "sequence",
            "name",
            &schema,
            ".",
            &seq,
            "start",
            "with",
            "1",
            "increment",
            "by",
            "1",
            "no",
            "minvalue",
            "no",
            "maxvalue",
            "cache",
            "1",
            ")",
        ];
        if !(opts.is_empty() || opts == expected) {
            return false;
        }
        let Some(ti) = self.table_by_name(&QName::new(schema, table)) else {
            return false;
        };
        let Some(c) = self.tables[ti].cols.iter_mut().find(|c| c.name == col) else {
            return false;
        };
        if c.default.is_some() || c.identity.is_some() || c.generated.is_some() {
            return false;
        }
        c.identity = Some(always);
        true
    }

    /// A statement the language expresses; false to keep it raw.
    fn known(&mut self, file: u32, p: &Piece, s: &Statement, t: &[Token]) -> bool {
        match s {
            Statement::CreateExtension(e) => {
                let schema = e
                    .schema
                    .as_ref()
                    .map_or_else(|| String::from("public"), ident);
                self.push(file, p, schema, ItemKind::Extension(ident(&e.name)));
                true
            }
            Statement::CreateType {
                name,
                representation: Some(UserDefinedTypeRepresentation::Enum { labels }),
            } => {
                let q = qname(name);
                let values = labels.iter().map(|l| l.value.clone()).collect();
                self.push(file, p, q.schema.clone(), ItemKind::Enum(q, values));
                true
            }
            Statement::CreateDomain(d) => {
                let Some(ty) = type_text(&d.data_type) else {
                    return false;
                };
                if d.collation.is_some() {
                    return false;
                }
                let q = qname(&d.name);
                let mut checks = Vec::new();
                for c in &d.constraints {
                    match c {
                        TableConstraint::Check(c) => checks.push((
                            c.name
                                .as_ref()
                                .map(ident)
                                .unwrap_or_else(|| format!("{}_check", q.name)),
                            expr_text(&c.expr),
                        )),
                        _ => return false,
                    }
                }
                let default = d.default.as_ref().map(expr_text);
                self.push(
                    file,
                    p,
                    q.schema.clone(),
                    ItemKind::Domain {
                        sql: q,
                        ty,
                        default,
                        checks,
                    },
                );
                true
            }
            Statement::CreateTable(c) => {
                let q = qname(&c.name);
                let part = partition_by(t);
                let folds = !self.unfolded.contains(&q);
                if folds && c.partition_of.is_some() {
                    return self.partition_of(file, p, c, part);
                }
                // Inheritance, and partitioning the language cannot say
                // (an expression key, or a table an earlier pass found not
                // to fold), keep their SQL.
                if (has_word(t, "partition") && (part.is_none() || !folds))
                    || has_word(t, "inherits")
                    || c.temporary
                    || c.unlogged
                    || c.query.is_some()
                    || c.like.is_some()
                {
                    return false;
                }
                if !self.table(file, p, c) {
                    return false;
                }
                if let Some(ti) = self.table_by_name(&q) {
                    self.tables[ti].part = part;
                }
                true
            }
            Statement::CreateIndex(ci) => self.index(ci),
            Statement::AlterTable(a) => self.alter(a),
            Statement::Comment {
                object_type,
                object_name,
                comment,
                ..
            } => self.comment(*object_type, object_name, comment.clone()),
            Statement::CreateView(v) => {
                if !v.columns.is_empty()
                    || v.or_alter
                    || !matches!(v.options, sqlparser::ast::CreateTableOptions::None)
                {
                    return false;
                }
                let Some(body) = view_body(p.text, v.materialized) else {
                    return false;
                };
                let q = qname(&v.name);
                self.push(
                    file,
                    p,
                    q.schema.clone(),
                    ItemKind::View {
                        sql: q,
                        materialized: v.materialized,
                        body,
                    },
                );
                true
            }
            _ => false,
        }
    }

    fn table(&mut self, file: u32, p: &Piece, c: &sqlparser::ast::CreateTable) -> bool {
        let q = qname(&c.name);
        let mut table = Table {
            sql: q.clone(),
            doc: None,
            cols: Vec::new(),
            pk: None,
            uniques: Vec::new(),
            checks: Vec::new(),
            fks: Vec::new(),
            indexes: Vec::new(),
            part: None,
            attached: None,
            fold: None,
        };
        // `serial` is a sequence the column owns and a `nextval` default
        // (the language's `serial` is an identity column): kept so.
        let mut serials = Vec::new();
        for col in &c.columns {
            let name = ident(&col.name);
            let shown = col.data_type.to_string().to_ascii_lowercase();
            let serial = match shown.as_str() {
                "serial" | "serial4" => Some("integer"),
                "bigserial" | "serial8" => Some("bigint"),
                "smallserial" | "serial2" => Some("smallint"),
                _ => None,
            };
            let ty = match serial {
                Some(t) => TypeText::Builtin(t.to_string()),
                None => match type_text(&col.data_type) {
                    Some(t) => t,
                    None => return false,
                },
            };
            let mut cl = Col {
                name: name.clone(),
                ty,
                nullable: true,
                ..Col::default()
            };
            for o in &col.options {
                let cname = o.name.as_ref().map(ident);
                match &o.option {
                    ColumnOption::Null => cl.nullable = true,
                    ColumnOption::NotNull => cl.nullable = false,
                    ColumnOption::Default(e) => cl.default = Some(expr_text(e)),
                    ColumnOption::PrimaryKey(_) => {
                        table.pk = Some((
                            cname.unwrap_or_else(|| format!("{}_pkey", q.name)),
                            vec![name.clone()],
                        ));
                    }
                    ColumnOption::Unique(u) => table.uniques.push(Unique {
                        name: cname.unwrap_or_else(|| format!("{}_{name}_key", q.name)),
                        columns: vec![name.clone()],
                        nulls_not_distinct: matches!(
                            u.nulls_distinct,
                            sqlparser::ast::NullsDistinctOption::NotDistinct
                        ),
                        deferrable: deferrable(&u.characteristics),
                    }),
                    ColumnOption::ForeignKey(f) => table.fks.push(Fk {
                        name: cname.unwrap_or_else(|| format!("{}_{name}_fkey", q.name)),
                        columns: vec![name.clone()],
                        target: qname(&f.foreign_table),
                        target_columns: f.referred_columns.iter().map(ident).collect(),
                        on_delete: action(f.on_delete),
                        on_update: action(f.on_update),
                        deferrable: deferrable(&f.characteristics),
                    }),
                    ColumnOption::Check(ch) => table.checks.push((
                        cname.unwrap_or_else(|| format!("{}_{name}_check", q.name)),
                        expr_text(&ch.expr),
                    )),
                    ColumnOption::Generated {
                        generated_as,
                        generation_expr,
                        sequence_options,
                        ..
                    } => match (generation_expr, generated_as) {
                        (Some(e), _) => cl.generated = Some(expr_text(e)),
                        (None, g) if sequence_options.as_ref().is_none_or(Vec::is_empty) => {
                            cl.identity = Some(matches!(g, GeneratedAs::Always));
                        }
                        _ => return false,
                    },
                    _ => return false,
                }
            }
            if let Some(t) = serial {
                let seq = QName::new(q.schema.clone(), format!("{}_{name}_seq", q.name));
                cl.default = Some(format!(
                    "nextval('{}'::regclass)",
                    crate::quote::qname(&seq).to_string().replace('\'', "''")
                ));
                cl.nullable = false;
                serials.push((seq, t, name.clone()));
            }
            table.cols.push(cl);
        }
        for tc in &c.constraints {
            if !add_constraint(&mut table, tc) {
                return false;
            }
        }
        // A primary key's columns are NOT NULL, however the script spells it.
        if let Some((_, cols)) = &table.pk {
            for c in &mut table.cols {
                if cols.contains(&c.name) {
                    c.nullable = false;
                }
            }
        }
        for (seq, t, _) in &serials {
            self.synthetic(
                file,
                p,
                format!("CREATE SEQUENCE {} AS {t}", crate::quote::qname(seq)),
                vec![("sequence", seq.clone())],
            );
        }
        let idx = self.tables.len();
        self.tables_by_name.insert(q.clone(), idx);
        self.tables.push(table);
        self.push(file, p, q.schema.clone(), ItemKind::Table(idx));
        for (seq, _, col) in &serials {
            self.synthetic(
                file,
                p,
                format!(
                    "ALTER SEQUENCE {} OWNED BY {}.{}",
                    crate::quote::qname(seq),
                    crate::quote::qname(&q),
                    crate::quote::ident(col)
                ),
                Vec::new(),
            );
        }
        true
    }

    /// A statement the import writes for part of one it read.
    fn synthetic(
        &mut self,
        file: u32,
        p: &Piece,
        text: String,
        creates: Vec<(&'static str, QName)>,
    ) {
        let reported = self.report.raw.len();
        self.report
            .raw
            .push((self.at(file, p.start), first_line(&text)));
        let schema = creates
            .first()
            .map_or_else(|| String::from("public"), |(_, q)| q.schema.clone());
        self.push(
            file,
            p,
            schema,
            ItemKind::Raw(Raw {
                text,
                creates,
                provides: Vec::new(),
                reported,
            }),
        );
    }

    fn index(&mut self, ci: &sqlparser::ast::CreateIndex) -> bool {
        let q = qname(&ci.table_name);
        let Some(ti) = self.table_by_name(&q) else {
            return false;
        };
        let Some(name) = ci.name.as_ref().map(|n| qname(n).name) else {
            return false;
        };
        if ci.concurrently
            || ci.if_not_exists
            || !ci.with.is_empty()
            || ci.nulls_distinct == Some(false)
        {
            return false;
        }
        let method = match &ci.using {
            None => String::from("btree"),
            Some(m) => m.to_string().to_lowercase(),
        };
        if !["btree", "hash", "gin", "gist", "spgist", "brin"].contains(&method.as_str()) {
            return false;
        }
        let elements: Vec<String> = ci.columns.iter().map(element).collect();
        let predicate = ci.predicate.as_ref().map(expr_text);
        if ci.unique {
            // The language's unique key is a constraint; a unique index
            // is one only when partial, over plain columns, by btree.
            let plain = ci.columns.iter().all(|c| {
                c.operator_class.is_none()
                    && matches!(c.column.expr, Expr::Identifier(_))
                    && c.column.options.to_string().trim().is_empty()
            });
            if predicate.is_none() || !plain || method != "btree" || !ci.include.is_empty() {
                return false;
            }
        }
        let idx = Idx {
            name,
            unique: ci.unique,
            method,
            elements,
            include: ci.include.iter().map(ident).collect(),
            predicate,
        };
        self.tables[ti].indexes.push(idx);
        true
    }

    fn alter(&mut self, a: &sqlparser::ast::AlterTable) -> bool {
        let q = qname(&a.name);
        let Some(ti) = self.table_by_name(&q) else {
            return false;
        };
        if a.operations.len() != 1 {
            return false;
        }
        match &a.operations[0] {
            // pg_dump's partitions: tables of their own, attached after.
            AlterTableOperation::AttachPartitionOf {
                partition,
                for_values,
            } => {
                let Some(ci) = self.table_by_name(&qname(partition)) else {
                    return false;
                };
                if self.tables[ti].part.is_none() || self.tables[ci].attached.is_some() || ci == ti
                {
                    return false;
                }
                self.tables[ci].attached = Some(Attached {
                    parent: ti,
                    bound: for_values.clone(),
                    cloned: false,
                });
                true
            }
            AlterTableOperation::AddConstraint {
                constraint,
                not_valid,
            } => {
                if *not_valid {
                    return false;
                }
                // A foreign key to a table that is not (yet) a declaration
                // stays SQL, as does one whose target comes later in the
                // script (it is created after both tables either way).
                add_constraint(&mut self.tables[ti], constraint)
            }
            AlterTableOperation::AlterColumn { column_name, op } => {
                let name = ident(column_name);
                let Some(ci) = self.tables[ti].cols.iter().position(|c| c.name == name) else {
                    return false;
                };
                match op {
                    AlterColumnOperation::SetDefault { value } => {
                        let text = expr_text(value);
                        self.tables[ti].cols[ci].default = Some(text);
                        true
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    fn comment(&mut self, kind: CommentObject, name: &ObjectName, text: Option<String>) -> bool {
        let Some(text) = text else {
            return false;
        };
        // Doc comments are lines of text; a comment that would not print
        // back the same stays SQL.
        if text.contains('\r')
            || text.lines().any(|l| l != l.trim_end())
            || text.ends_with('\n')
            || text.is_empty()
        {
            return false;
        }
        match kind {
            CommentObject::Table => {
                let q = qname(name);
                match self.table_by_name(&q) {
                    Some(ti) => {
                        self.tables[ti].doc = Some(text);
                        true
                    }
                    None => false,
                }
            }
            CommentObject::Column => {
                let parts = &name.0;
                if parts.len() < 2 {
                    return false;
                }
                let col = match &parts[parts.len() - 1] {
                    ObjectNamePart::Identifier(i) => ident(i),
                    ObjectNamePart::Function(_) => return false,
                };
                let table = qname(&ObjectName(parts[..parts.len() - 1].to_vec()));
                let Some(ti) = self.table_by_name(&table) else {
                    return false;
                };
                match self.tables[ti].cols.iter_mut().find(|c| c.name == col) {
                    Some(c) => {
                        c.doc = Some(text);
                        true
                    }
                    None => false,
                }
            }
            CommentObject::Type
            | CommentObject::Domain
            | CommentObject::View
            | CommentObject::MaterializedView => {
                let q = qname(name);
                for item in &mut self.items {
                    let (sql, doc) = match &mut item.kind {
                        ItemKind::Enum(sql, _) if kind == CommentObject::Type => {
                            (sql.clone(), &mut item.doc)
                        }
                        ItemKind::Domain { sql, .. } if kind == CommentObject::Domain => {
                            (sql.clone(), &mut item.doc)
                        }
                        ItemKind::View {
                            sql, materialized, ..
                        } if (kind == CommentObject::MaterializedView) == *materialized => {
                            (sql.clone(), &mut item.doc)
                        }
                        _ => continue,
                    };
                    if sql == q {
                        *doc = Some(text);
                        return true;
                    }
                }
                false
            }
            _ => false,
        }
    }

    /// `CREATE TABLE child PARTITION OF parent FOR VALUES ...`: the
    /// parent's columns, and nothing of its own.
    fn partition_of(
        &mut self,
        file: u32,
        p: &Piece,
        c: &sqlparser::ast::CreateTable,
        part: Option<PartBy>,
    ) -> bool {
        let (Some(parent), Some(bound)) = (c.partition_of.as_ref(), c.for_values.as_ref()) else {
            return false;
        };
        let Some(pi) = self.table_by_name(&qname(parent)) else {
            return false;
        };
        let q = qname(&c.name);
        if self.tables[pi].part.is_none()
            || !c.columns.is_empty()
            || !c.constraints.is_empty()
            || self.table_by_name(&q).is_some()
        {
            return false;
        }
        let table = Table {
            sql: q.clone(),
            doc: None,
            cols: self.tables[pi].cols.clone(),
            pk: None,
            uniques: Vec::new(),
            checks: Vec::new(),
            fks: Vec::new(),
            indexes: Vec::new(),
            part,
            attached: Some(Attached {
                parent: pi,
                bound: bound.clone(),
                cloned: true,
            }),
            fold: None,
        };
        let idx = self.tables.len();
        self.tables_by_name.insert(q.clone(), idx);
        self.tables.push(table);
        self.push(file, p, q.schema.clone(), ItemKind::Table(idx));
        true
    }

    /// `ALTER INDEX parent_idx ATTACH PARTITION child_idx`, pg_dump's link
    /// between a partitioned table's index and its partitions' copies:
    /// part of the partitioned table when that is read.
    fn attach_index(&self, t: &[Token]) -> bool {
        if !starts(t, &["alter", "index"]) || !has_word(t, "attach") {
            return false;
        }
        let mut at = 2;
        let Some(index) = dotted(t, &mut at) else {
            return false;
        };
        let attach = t.get(at).and_then(word).as_deref() == Some("attach")
            && t.get(at + 1).and_then(word).as_deref() == Some("partition");
        at += 2;
        if !attach || dotted(t, &mut at).is_none() || at != t.len() {
            return false;
        }
        self.tables.iter().any(|tb| {
            tb.part.is_some()
                && tb.sql.schema == index.schema
                && (tb.indexes.iter().any(|i| i.name == index.name)
                    || tb.pk.as_ref().is_some_and(|(n, _)| *n == index.name)
                    || tb.uniques.iter().any(|u| u.name == index.name))
        })
    }

    /// `CREATE INDEX ... ON ONLY partitioned ...` (pg_dump's form, which
    /// sqlparser does not read) without `ONLY`, when the table is one this
    /// import reads: the index is the table's, made on every partition.
    fn on_only(&self, text: &str, t: &[Token]) -> Option<String> {
        let table = index_table(t)?;
        let ti = self.table_by_name(&table)?;
        self.tables[ti].part.as_ref()?;
        let lower = text.to_ascii_lowercase();
        let at = lower.find(" on only ")?;
        Some(format!(
            "{} ON {}",
            &text[..at],
            &text[at + " on only ".len()..]
        ))
    }

    /// Keeps a statement as written, with what it creates.
    fn raw(&mut self, file: u32, p: &Piece, stmt: Option<&Statement>) {
        let creates = creates(stmt);
        let schema = creates
            .first()
            .map(|(_, q)| q.schema.clone())
            .unwrap_or_else(|| String::from("public"));
        let what = match creates.first() {
            Some((kind, q)) => format!("{kind} {}.{}", q.schema, q.name),
            None => first_line(p.text),
        };
        let reported = self.report.raw.len();
        self.report.raw.push((self.at(file, p.start), what));
        // An index made in SQL is no `@creates` kind, yet later statements
        // (`ALTER INDEX ... ATTACH PARTITION`) name it.
        let provides = match stmt {
            Some(Statement::CreateIndex(ci)) => ci.name.iter().map(qname).collect(),
            _ => index_name(&words(p.text)).into_iter().collect(),
        };
        let raw = Raw {
            text: p.text.to_string(),
            creates,
            provides,
            reported,
        };
        self.push(file, p, schema, ItemKind::Raw(raw));
    }
}

/// Adds a table constraint; false when the language cannot say it.
fn add_constraint(table: &mut Table, tc: &TableConstraint) -> bool {
    let tname = table.sql.name.clone();
    let plain = |cols: &[IndexColumn]| -> Option<Vec<String>> {
        cols.iter()
            .map(|c| match &c.column.expr {
                Expr::Identifier(i)
                    if c.operator_class.is_none()
                        && c.column.options.to_string().trim().is_empty() =>
                {
                    Some(ident(i))
                }
                _ => None,
            })
            .collect()
    };
    match tc {
        TableConstraint::PrimaryKey(pk) => {
            let Some(cols) = plain(&pk.columns) else {
                return false;
            };
            if table.pk.is_some()
                || !pk.include.is_empty()
                || deferrable(&pk.characteristics).is_some()
            {
                return false;
            }
            table.pk = Some((
                pk.name
                    .as_ref()
                    .map(ident)
                    .unwrap_or_else(|| format!("{tname}_pkey")),
                cols,
            ));
            true
        }
        TableConstraint::Unique(u) => {
            let Some(cols) = plain(&u.columns) else {
                return false;
            };
            if !u.include.is_empty() {
                return false;
            }
            table.uniques.push(Unique {
                name: u
                    .name
                    .as_ref()
                    .map(ident)
                    .unwrap_or_else(|| format!("{tname}_{}_key", cols.join("_"))),
                columns: cols,
                nulls_not_distinct: matches!(
                    u.nulls_distinct,
                    sqlparser::ast::NullsDistinctOption::NotDistinct
                ),
                deferrable: deferrable(&u.characteristics),
            });
            true
        }
        TableConstraint::Check(c) => {
            if c.no_inherit || c.enforced == Some(false) {
                return false;
            }
            table.checks.push((
                c.name
                    .as_ref()
                    .map(ident)
                    .unwrap_or_else(|| format!("{tname}_check")),
                expr_text(&c.expr),
            ));
            true
        }
        TableConstraint::ForeignKey(f) => {
            if f.match_kind.is_some() {
                return false;
            }
            let columns: Vec<String> = f.columns.iter().map(ident).collect();
            table.fks.push(Fk {
                name: f
                    .name
                    .as_ref()
                    .map(ident)
                    .unwrap_or_else(|| format!("{tname}_{}_fkey", columns.join("_"))),
                columns,
                target: qname(&f.foreign_table),
                target_columns: f.referred_columns.iter().map(ident).collect(),
                on_delete: action(f.on_delete),
                on_update: action(f.on_update),
                deferrable: deferrable(&f.characteristics),
            });
            true
        }
        _ => false,
    }
}

/// What a statement kept raw creates, for `@creates`.
fn creates(stmt: Option<&Statement>) -> Vec<(&'static str, QName)> {
    match stmt {
        Some(Statement::CreateFunction(f)) => {
            let args: Vec<String> = f
                .args
                .iter()
                .flatten()
                .filter(|a| !matches!(a.mode, Some(sqlparser::ast::ArgMode::Out)))
                .map(|a| a.data_type.to_string().to_lowercase())
                .collect();
            let mut q = qname(&f.name);
            q.name = format!("{}({})", q.name, args.join(", "));
            vec![("function", q)]
        }
        Some(Statement::CreateTrigger(tr)) => {
            let table = qname(&tr.table_name);
            let mut q = qname(&tr.name);
            q.schema = table.schema.clone();
            q.name = format!("{} on {}.{}", q.name, table.schema, table.name);
            vec![("trigger", q)]
        }
        Some(Statement::CreateTable(c)) => vec![("table", qname(&c.name))],
        Some(Statement::CreateView(v)) => vec![(
            if v.materialized {
                "materialized view"
            } else {
                "view"
            },
            qname(&v.name),
        )],
        Some(Statement::CreateSequence { name, .. }) => vec![("sequence", qname(name))],
        Some(Statement::CreateType { name, .. }) => vec![("type", qname(name))],
        Some(Statement::CreateDomain(d)) => vec![("domain", qname(&d.name))],
        _ => Vec::new(),
    }
}

/// The query of `CREATE [MATERIALIZED] VIEW name AS query [WITH [NO] DATA]`,
/// as written.
fn view_body(text: &str, materialized: bool) -> Option<String> {
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, text)
        .tokenize_with_location()
        .ok()?;
    let as_at = tokens.iter().position(|t| matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("as")))?;
    let next = tokens[as_at + 1..]
        .iter()
        .find(|t| !matches!(t.token, Token::Whitespace(_)))?;
    let offset = offset_of(text, next.span.start.line, next.span.start.column)?;
    let mut body = text[offset..].trim_end().to_string();
    if materialized {
        let lower = body.to_ascii_lowercase();
        for tail in ["with no data", "with data"] {
            if lower.trim_end().ends_with(tail) {
                body.truncate(lower.trim_end().len() - tail.len());
                break;
            }
        }
    }
    let body = body.trim_end().to_string();
    // A body the language's braces cannot hold stays SQL.
    let balanced = body.matches('{').count() == body.matches('}').count();
    (balanced && !body.is_empty()).then_some(body)
}

/// The name `CREATE [UNIQUE] INDEX name ON [ONLY] table` gives, read from
/// its words (sqlparser does not read `ON ONLY`), in the table's schema.
fn index_name(t: &[Token]) -> Option<QName> {
    let w: Vec<Option<String>> = t.iter().map(word).collect();
    let mut i = if starts(t, &["create", "unique", "index"]) {
        3
    } else if starts(t, &["create", "index"]) {
        2
    } else {
        return None;
    };
    if w.get(i)?.as_deref() == Some("concurrently") {
        i += 1;
    }
    let name = w.get(i)?.clone()?;
    if w.get(i + 1)?.as_deref() != Some("on") {
        return None;
    }
    let mut j = i + 2;
    if w.get(j)?.as_deref() == Some("only") {
        j += 1;
    }
    let schema = match (w.get(j).cloned().flatten(), t.get(j + 1)) {
        (Some(s), Some(Token::Period)) => s,
        _ => String::from("public"),
    };
    Some(QName::new(schema, name))
}

/// A name of one or two parts starting at `*at`, which moves past it.
fn dotted(t: &[Token], at: &mut usize) -> Option<QName> {
    let first = word(t.get(*at)?)?;
    if matches!(t.get(*at + 1), Some(Token::Period)) {
        let second = word(t.get(*at + 2)?)?;
        *at += 3;
        Some(QName::new(first, second))
    } else {
        *at += 1;
        Some(QName::new("public", first))
    }
}

/// The table of `CREATE [UNIQUE] INDEX [CONCURRENTLY] name ON ONLY table`.
fn index_table(t: &[Token]) -> Option<QName> {
    let w: Vec<Option<String>> = t.iter().map(word).collect();
    let on = w.iter().position(|x| x.as_deref() == Some("on"))?;
    if !starts(t, &["create"]) || w.get(on + 1)?.as_deref() != Some("only") {
        return None;
    }
    let mut at = on + 2;
    dotted(t, &mut at)
}

/// `PARTITION BY strategy (column, ...)` at the end of a `CREATE TABLE`,
/// when the key is plain columns.
pub(super) fn partition_by(t: &[Token]) -> Option<PartBy> {
    let by = t.windows(2).rposition(|p| {
        word(&p[0]).as_deref() == Some("partition") && word(&p[1]).as_deref() == Some("by")
    })?;
    let strategy = match word(t.get(by + 2)?)?.as_str() {
        "range" => PartitionStrategy::Range,
        "list" => PartitionStrategy::List,
        "hash" => PartitionStrategy::Hash,
        _ => return None,
    };
    if !matches!(t.get(by + 3), Some(Token::LParen)) {
        return None;
    }
    let mut columns = Vec::new();
    let mut at = by + 4;
    loop {
        columns.push(word(t.get(at)?)?);
        match t.get(at + 1)? {
            Token::Comma => at += 2,
            Token::RParen if at + 2 == t.len() => return Some(PartBy { strategy, columns }),
            _ => return None,
        }
    }
}

/// `CREATE MATERIALIZED VIEW ... WITH [NO] DATA` without its last clause,
/// which sqlparser does not read (a schema has no data either way).
fn strip_data_clause<'t>(text: &'t str, t: &[Token]) -> Option<&'t str> {
    if !starts(t, &["create", "materialized", "view"]) {
        return None;
    }
    let trimmed = text.trim_end();
    let lower = trimmed.to_ascii_lowercase();
    ["with no data", "with data"].iter().find_map(|tail| {
        lower
            .ends_with(tail)
            .then(|| trimmed[..trimmed.len() - tail.len()].trim_end())
    })
}

/// The byte offset of a 1-based line and character column.
fn offset_of(text: &str, line: u64, column: u64) -> Option<usize> {
    let start = text
        .split_inclusive('\n')
        .take(usize::try_from(line).ok()?.checked_sub(1)?)
        .map(str::len)
        .sum::<usize>();
    let rest = &text[start..];
    let col = usize::try_from(column).ok()?.checked_sub(1)?;
    Some(start + rest.char_indices().nth(col).map_or(rest.len(), |(i, _)| i))
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.len() > 80 {
        let mut end = 80;
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &line[..end])
    } else {
        line.to_string()
    }
}

impl Item {
    pub(super) fn new(file: u32, offset: usize, schema: String, kind: ItemKind) -> Self {
        Item {
            file,
            offset,
            schema,
            kind,
            doc: None,
        }
    }
}
