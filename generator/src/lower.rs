//! Lowering: passes that expand a resolved model into more model objects.
//! They run after resolution and before validation, so what they add is
//! validated, ordered and emitted like anything declared. The policies
//! (`@encrypted`, `@timestamps`, `@soft_delete`, `@versioned`, `@audit`, `@pii` with `@subject`, `@tenant`, `@notify`, row-by-row `@retain`, and the roles of
//! `@grant` and `@rls`) are built in and run first, in
//! a fixed order; `Options::lowerings` adds passes after them.

mod audit;
mod encrypted;
mod mask;
mod notify;
mod pii;
mod retain;
mod roles;
mod soft_delete;
mod tenant;
mod timestamps;
mod versioned;

use crate::model::{Column, Expr, Model, Origin, SqlType, Table, Why};
use dsl::{Code, Diagnostic, Span};

/// One lowering pass: changes the model, reports what it cannot do.
pub type Lowering = fn(&mut Model, &mut Vec<Diagnostic>);

/// The policies, in the order they expand: each policy that adds or
/// changes columns (`@encrypted` makes them ciphertext) runs before
/// `@versioned`, whose history copies them, and the view of live rows
/// comes last, to show every column.
pub const POLICIES: &[Lowering] = &[
    encrypted::lower,
    timestamps::lower,
    soft_delete::lower,
    versioned::lower,
    soft_delete::views,
    audit::lower,
    // After audit and versioning: erasing and masking reach their rows.
    pii::lower,
    mask::lower,
    tenant::lower,
    notify::lower,
    retain::lower,
    roles::lower,
];

/// Runs the policies, settles the audit log's maintenance and retention
/// from `options`, then runs `options.lowerings`, in order.
pub fn lower(model: &mut Model, diagnostics: &mut Vec<Diagnostic>, options: &crate::Options) {
    for pass in POLICIES {
        pass(model, diagnostics);
    }
    audit::settle(model, options);
    for pass in &options.lowerings {
        pass(model, diagnostics);
    }
}

/// The origin of an object a policy adds: where the policy was declared.
fn made_by(policy: &str, span: Span) -> Origin {
    Origin::declared(span).because(Why::Policy {
        policy: policy.to_string(),
    })
}

/// A plain column a policy adds: no default, identity or generation.
fn policy_column(name: &str, ty: &str, nullable: bool, doc: &str, origin: Origin) -> Column {
    Column {
        name: name.to_string(),
        field: name.to_string(),
        ty: SqlType::builtin(ty),
        nullable,
        default: None,
        generated: None,
        identity: None,
        secret: false,
        doc: Some(doc.to_string()),
        origin,
    }
}

/// A `timestamptz` column a policy adds.
fn timestamp_column(
    name: &str,
    nullable: bool,
    default: Option<&str>,
    doc: &str,
    origin: Origin,
) -> Column {
    let span = origin.span;
    Column {
        default: default
            .map(|d| Expr::new(d.to_string(), crate::sqlparse::canonical_expr(d), span)),
        ..policy_column(name, "timestamptz", nullable, doc, origin)
    }
}

/// Whether none of `names` is a column of `table` already; reports each
/// that is, where it was declared.
fn columns_free(
    table: &Table,
    names: &[&str],
    policy: &str,
    at: Span,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let mut free = true;
    for name in names {
        if let Some(c) = table.column(name) {
            free = false;
            diagnostics.push(
                Diagnostic::error(
                    Code::BadPolicy,
                    format!(
                        "`@{policy}` adds `{name}`, which {} already has",
                        table.name
                    ),
                )
                .label(c.origin.span, "declared here")
                .label(at, "the policy that adds it")
                .help(format!(
                    "remove the column: `@{policy}` adds it (see docs/policies.md)"
                )),
            );
        }
    }
    free
}

#[cfg(test)]
mod tests {
    use crate::key::{Key, ObjectKind};
    use crate::model::QName;
    use crate::resolved::Symbol;
    use crate::{compile, Options, Project};

    const SCHEMA: &str = "entity User @timestamps @soft_delete {\n  id    bigint @pk @identity\n  email text @unique\n}\n";

    #[test]
    fn what_a_policy_adds_is_defined_by_the_policy() {
        let project = Project::from_sources(&[("t.schema", SCHEMA)]);
        let compiled = compile(&project, &Options::default()).expect("compiles");
        let text = &project.sources.get(0).text;
        let users = QName::new("public", "users");
        let at = |key: Key| {
            let d = compiled
                .resolved
                .definition(&Symbol::Object(key.clone()))
                .unwrap_or_else(|| panic!("{key} is defined"));
            &text[d.span.start as usize..d.span.end as usize]
        };
        let column = |name: &str| Key::member(ObjectKind::Column, users.clone(), name);
        assert_eq!(at(column("updated_at")), "@timestamps");
        assert_eq!(at(column("deleted_at")), "@soft_delete");
        // The unique key became a partial unique index: its definition is
        // still the column that declares it.
        let index = Key::new(ObjectKind::Index, QName::new("public", "uq_users_email"));
        assert_eq!(at(index), "@unique");
        let stale = Key::member(ObjectKind::Constraint, users, "uq_users_email");
        assert!(compiled
            .resolved
            .definition(&Symbol::Object(stale))
            .is_none());
    }

    #[test]
    fn policies_need_no_option_and_give_the_same_bytes() {
        let project = Project::from_sources(&[("t.schema", SCHEMA)]);
        let render = || {
            let c = compile(&project, &Options::default()).expect("compiles");
            crate::emit::postgres::render(&c.creation)
        };
        let sql = render();
        assert!(sql.contains("CREATE TRIGGER \"trg_users_updated_at\" BEFORE UPDATE"));
        assert!(sql.contains("CREATE VIEW \"public\".\"live_users\" AS"));
        assert_eq!(sql, render());
    }

    /// Each mistake of the access and maintenance policies is a
    /// diagnostic, with its code.
    #[test]
    fn bad_grants_rls_notify_and_retention_are_diagnostics() {
        let codes = |schema: &str| -> Vec<String> {
            let project = Project::from_sources(&[("t.schema", schema)]);
            match compile(&project, &Options::default()) {
                Ok(_) => Vec::new(),
                Err(f) => f.diagnostics.iter().map(|d| d.code.to_string()).collect(),
            }
        };
        let cases = [
            (
                "entity A @grant(app: all) {\n  id bigint @pk\n}\n",
                "schemac::bad_argument",
            ),
            (
                "entity A @grant(select) {\n  id bigint @pk\n}\n",
                "schemac::bad_argument",
            ),
            (
                "entity A {\n  id bigint @pk @grant(app: delete)\n}\n",
                "schemac::bad_argument",
            ),
            (
                "entity A @rls(to: app) {\n  id bigint @pk\n}\n",
                "schemac::bad_policy",
            ),
            (
                "entity A @rls(view: true) {\n  id bigint @pk\n}\n",
                "schemac::bad_argument",
            ),
            (
                "entity A @rls(all: id > 0) @tenant(id) {\n  id bigint @pk\n}\n",
                "schemac::bad_policy",
            ),
            (
                "entity A @notify {\n  id bigint\n}\n",
                "schemac::bad_policy",
            ),
            (
                "entity A {\n  id bigint @pk\n  @retain(30 days)\n}\n",
                "schemac::bad_policy",
            ),
            (
                "entity A {\n  id bigint @pk\n  @retain(30 days, by: id)\n}\n",
                "schemac::bad_policy",
            ),
        ];
        for (schema, code) in cases {
            assert_eq!(codes(schema), [code], "{schema}");
        }
    }
}
