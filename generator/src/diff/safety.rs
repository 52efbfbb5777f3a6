//! The migration-safety lint: rules over a plan's statements, before the
//! plan is written or run, in the shape of the schema lint's registry (an
//! id, a level, a summary, a rationale, the PostgreSQL versions a rule
//! applies to, a check). Like Squawk's rules, but on the plan: a rule sees
//! each statement with the models on both sides, so it knows which tables
//! already hold rows and which views read what.
//!
//! `schemac diff`, `plan` and `migrate new` run every rule whose versions
//! include the project's `[lint] pg_version` (every rule when unset) and
//! print the findings; an error-level finding, or any with `--deny
//! warnings`, fails the command.

use super::plan::{volatile, Hazard, MigrationPlan, Planned};
use crate::key::{Key, ObjectKind};
use crate::lint::{Level, PgVersions};
use crate::model::{Model, QName};

/// What a check sees.
pub struct Context<'a> {
    pub old: &'a Model,
    pub new: &'a Model,
    pub plan: &'a MigrationPlan,
    /// `[lint] pg_version`: the oldest server the migration must run on.
    pub pg_version: Option<u32>,
}

impl Context<'_> {
    /// Whether the table exists before the migration (and may hold rows).
    fn existing(&self, q: &QName) -> bool {
        self.old.tables.iter().any(|t| &t.sql == q)
    }

    /// The server the migration targets is older than `major`.
    fn older_than(&self, major: u32) -> bool {
        self.pg_version.is_some_and(|v| v < major)
    }
}

/// One finding: the rule, its level, what is wrong with which statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub level: Level,
    pub message: String,
    /// The statement's first line.
    pub statement: String,
    pub help: &'static str,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}[{}]: {}\n  statement: {}\n  help: {}",
            self.level, self.rule, self.message, self.statement, self.help
        )
    }
}

/// What a rule's check gets, and gives back.
pub type Check = fn(&Rule, &Context<'_>, &mut Vec<Finding>);

/// One rule of the migration-safety lint.
pub struct Rule {
    /// `migration/name`: stable, users write it in discussions and CI.
    pub id: &'static str,
    pub level: Level,
    pub summary: &'static str,
    pub rationale: &'static str,
    /// What to do instead.
    pub help: &'static str,
    pub pg_versions: PgVersions,
    pub check: Check,
}

impl Rule {
    fn finding(&self, message: String, p: &Planned) -> Finding {
        Finding {
            rule: self.id,
            level: self.level,
            message,
            statement: p.sql.lines().next().unwrap_or_default().to_string(),
            help: self.help,
        }
    }
}

/// Every rule, in the order their findings are printed.
pub static RULES: &[&Rule] = &[
    &VOLATILE_DEFAULT,
    &REWRITING_TYPE_CHANGE,
    &BLOCKING_INDEX,
    &FOREIGN_KEY_VALIDATED_AT_ONCE,
    &SET_NOT_NULL_SCANS,
    &DROPPED_COLUMN_READ_BY_VIEW,
    &RENAME_BREAKS_APPLICATION,
    &ENUM_VALUE_IN_TRANSACTION,
];

/// The findings of every rule that applies to `pg_version`.
pub fn check(cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in RULES {
        if cx.pg_version.is_none_or(|v| rule.pg_versions.contains(v)) {
            (rule.check)(rule, cx, &mut out);
        }
    }
    out
}

/// The table a statement's key names (for a member: its table; for an
/// index, named in its schema: the table of the new model that has it).
fn table_of<'m>(cx: &'m Context<'_>, key: &'m Key) -> Option<&'m QName> {
    match key.kind {
        ObjectKind::Table | ObjectKind::Column | ObjectKind::Constraint => Some(&key.name),
        ObjectKind::Index => cx
            .new
            .tables
            .iter()
            .find(|t| t.indexes.iter().any(|i| &i.key(&t.sql) == key))
            .map(|t| &t.sql),
        _ => None,
    }
}

fn statements<'a>(cx: &'a Context<'_>) -> impl Iterator<Item = &'a Planned> {
    cx.plan.statements()
}

pub const VOLATILE_DEFAULT: Rule = Rule {
    id: "migration/volatile-default",
    level: Level::Warning,
    summary: "a column added to an existing table with a default that rewrites it",
    rationale: "Adding a column with a volatile default (`gen_random_uuid()`, `clock_timestamp()`, `nextval(...)`) makes PostgreSQL compute it for every row: the table is rewritten under an ACCESS EXCLUSIVE lock, and nothing reads or writes it meanwhile. Before PostgreSQL 11 any default did this; from 11 on a constant default is stored once in the catalog.",
    help: "add the column without a default (or with a constant one), fill it in batches, then set the default",
    pg_versions: PgVersions::ALL,
    check: |rule, cx, out| {
        for p in statements(cx) {
            let k = &p.statement.key;
            if k.kind != ObjectKind::Column || !p.sql.contains(" ADD COLUMN ") || !cx.existing(&k.name) {
                continue;
            }
            let Some(c) = cx
                .new
                .tables
                .iter()
                .find(|t| t.sql == k.name)
                .and_then(|t| t.columns.iter().find(|c| Some(&c.name) == k.member.as_ref()))
            else {
                continue;
            };
            let Some(d) = &c.default else { continue };
            if volatile(d) {
                out.push(rule.finding(
                    format!("`{}` is added with the volatile default `{}`: the table is rewritten", c.name, d.sql.trim()),
                    p,
                ));
            } else if cx.older_than(11) {
                out.push(rule.finding(
                    format!("`{}` is added with a default: before PostgreSQL 11 that rewrites the table", c.name),
                    p,
                ));
            }
        }
    },
};

pub const REWRITING_TYPE_CHANGE: Rule = Rule {
    id: "migration/rewriting-type-change",
    level: Level::Warning,
    summary: "a column type change that rewrites the table",
    rationale: "A type change that is not a binary-compatible widening (`varchar(n)` to a longer one or to `text`, `numeric` to a wider precision) rewrites every row and rebuilds the table's indexes under an ACCESS EXCLUSIVE lock: on a large table, minutes of downtime.",
    help: "add a column of the new type, fill it in batches (a trigger keeps it current), then swap the columns in a short migration",
    pg_versions: PgVersions::ALL,
    check: |rule, cx, out| {
        for p in statements(cx) {
            if p.sql.contains(" TYPE ")
                && p.sql.contains(" ALTER COLUMN ")
                && p.hazards.contains(&Hazard::Rewrite)
            {
                out.push(rule.finding("the column's new type rewrites the table".into(), p));
            }
        }
    },
};

pub const BLOCKING_INDEX: Rule = Rule {
    id: "migration/blocking-index",
    level: Level::Warning,
    summary: "an index built on an existing table without `CONCURRENTLY`",
    rationale: "`CREATE INDEX` without `CONCURRENTLY` holds a SHARE lock for the whole build: reads go on, but every insert, update and delete of the table waits until the index is built.",
    help: "build it with `CREATE INDEX CONCURRENTLY`, in a step of its own outside a transaction (the planner does this for indexes of existing tables)",
    pg_versions: PgVersions::ALL,
    check: |rule, cx, out| {
        for p in statements(cx) {
            let blocking = (p.sql.starts_with("CREATE INDEX ") || p.sql.starts_with("CREATE UNIQUE INDEX "))
                && !p.sql.contains(" CONCURRENTLY ");
            if blocking && table_of(cx, &p.statement.key).is_some_and(|t| cx.existing(t)) {
                out.push(rule.finding("the index is built while writes to the table wait".into(), p));
            }
        }
    },
};

pub const FOREIGN_KEY_VALIDATED_AT_ONCE: Rule = Rule {
    id: "migration/foreign-key-validated-at-once",
    level: Level::Warning,
    summary: "a foreign key or check added to an existing table without `NOT VALID`",
    rationale: "Adding a foreign key or a check validates every row while the ALTER TABLE holds its lock (SHARE ROW EXCLUSIVE on both tables for a foreign key): writes wait for the whole scan. Added `NOT VALID`, the constraint holds for new rows at once, and `VALIDATE CONSTRAINT` checks the old ones later under a lock that lets writes go on.",
    help: "add it `NOT VALID`, then `VALIDATE CONSTRAINT` in a later transaction (the planner does this)",
    pg_versions: PgVersions::ALL,
    check: |rule, cx, out| {
        for p in statements(cx) {
            let adds = p.sql.contains(" ADD CONSTRAINT ")
                && (p.sql.contains(" FOREIGN KEY ") || p.sql.contains(" CHECK "))
                && !p.sql.ends_with(" NOT VALID");
            if adds && table_of(cx, &p.statement.key).is_some_and(|t| cx.existing(t)) {
                out.push(rule.finding("every row is checked while writes wait".into(), p));
            }
        }
    },
};

pub const SET_NOT_NULL_SCANS: Rule = Rule {
    id: "migration/set-not-null-scans",
    level: Level::Warning,
    summary: "`SET NOT NULL` on an existing table without a validated check that proves it",
    rationale: "`ALTER COLUMN ... SET NOT NULL` scans the whole table under an ACCESS EXCLUSIVE lock, unless (PostgreSQL 12 and later) a validated check `col IS NOT NULL` already proves it. Before 12 the scan always happens.",
    help: "add `CHECK (col IS NOT NULL) NOT VALID`, validate it, then `SET NOT NULL` and drop the check (the planner does this); before PostgreSQL 12, schedule the scan for a quiet moment",
    pg_versions: PgVersions::ALL,
    check: |rule, cx, out| {
        let all: Vec<&Planned> = statements(cx).collect();
        for (i, p) in all.iter().enumerate() {
            if !p.sql.contains(" SET NOT NULL") {
                continue;
            }
            let Some(t) = table_of(cx, &p.statement.key).filter(|t| cx.existing(t)) else {
                continue;
            };
            if cx.older_than(12) {
                out.push(rule.finding("before PostgreSQL 12, `SET NOT NULL` always scans the table under its lock".into(), p));
                continue;
            }
            let proven = all[..i].iter().any(|x| {
                x.sql.contains(" VALIDATE CONSTRAINT ") && table_of(cx, &x.statement.key) == Some(t)
            });
            if !proven {
                out.push(rule.finding("the table is scanned under an ACCESS EXCLUSIVE lock".into(), p));
            }
        }
    },
};

pub const DROPPED_COLUMN_READ_BY_VIEW: Rule = Rule {
    id: "migration/dropped-column-read-by-view",
    level: Level::Error,
    summary: "a column dropped while a view of the new schema still names it",
    rationale: "PostgreSQL refuses to drop a column a view reads; the planner drops such views and makes them again after the change, which fails when the view's new text still names the column. The migration would stop halfway.",
    help: "change the view so it no longer reads the column, in the same version",
    pg_versions: PgVersions::ALL,
    check: |rule, cx, out| {
        for p in statements(cx) {
            let k = &p.statement.key;
            let (ObjectKind::Column, Some(column)) = (k.kind, &k.member) else {
                continue;
            };
            if !p.sql.contains(" DROP COLUMN ") {
                continue;
            }
            let table = Key::new(ObjectKind::Table, k.name.clone());
            for v in &cx.new.views {
                let reads = v.reads.contains(&table) || v.depends_on.contains(&table);
                if reads && names(&v.body.sql, column) {
                    out.push(rule.finding(
                        format!("view {} still names `{column}`", v.sql),
                        p,
                    ));
                }
            }
        }
    },
};

/// Whether `text` has `word` as a whole identifier.
fn names(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

pub const RENAME_BREAKS_APPLICATION: Rule = Rule {
    id: "migration/rename-breaks-application",
    level: Level::Warning,
    summary: "a table or column renamed under a running application",
    rationale: "A rename is instant for the database, but the application that runs while the migration is deployed still uses the old name: its queries fail from the moment the rename commits until the new code is out.",
    help: "deploy code that works with both names first (or give the old name a view), then rename; or accept the brief failures",
    pg_versions: PgVersions::ALL,
    check: |rule, cx, out| {
        for p in statements(cx) {
            let k = &p.statement.key;
            let renames = p.sql.starts_with("ALTER TABLE ")
                && (p.sql.contains(" RENAME COLUMN ") || (k.kind == ObjectKind::Table && p.sql.contains(" RENAME TO ")));
            if renames {
                out.push(rule.finding("queries that use the old name fail once this commits".into(), p));
            }
        }
    },
};

pub const ENUM_VALUE_IN_TRANSACTION: Rule = Rule {
    id: "migration/enum-value-in-transaction",
    level: Level::Error,
    summary: "`ALTER TYPE ... ADD VALUE` in a transaction, before PostgreSQL 12",
    rationale: "Before PostgreSQL 12, `ALTER TYPE ... ADD VALUE` cannot run inside a transaction block at all; the planner gives it a transaction of its own, which those servers refuse.",
    help: "set `[lint] pg_version` to the oldest server you deploy to; on 11 and older, add the value by hand outside a transaction",
    pg_versions: PgVersions {
        min: None,
        max: Some(11),
    },
    check: |rule, cx, out| {
        for s in &cx.plan.steps {
            if !s.transactional {
                continue;
            }
            for p in &s.statements {
                if p.sql.starts_with("ALTER TYPE ") && p.sql.contains(" ADD VALUE ") {
                    out.push(rule.finding("refused inside a transaction block before PostgreSQL 12".into(), p));
                }
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::plan::plan;
    use crate::diff::{diff, Options};
    use crate::statement::tests::compiled;

    /// The findings of one rule for the plan from `old` to `new`.
    fn found(rule: &Rule, old: &str, new: &str, pg_version: Option<u32>) -> Vec<Finding> {
        let (o, n) = (compiled(old).model, compiled(new).model);
        let p = plan(&o, &n, &diff(&o, &n, &Options::default()));
        let cx = Context {
            old: &o,
            new: &n,
            plan: &p,
            pg_version,
        };
        let mut out = Vec::new();
        (rule.check)(rule, &cx, &mut out);
        out
    }

    /// A plan of the planner's, edited as a hand would: the rule must catch
    /// the edit.
    fn edited(rule: &Rule, old: &str, new: &str, edit: impl Fn(&mut Planned)) -> Vec<Finding> {
        let (o, n) = (compiled(old).model, compiled(new).model);
        let mut p = plan(&o, &n, &diff(&o, &n, &Options::default()));
        for s in &mut p.steps {
            s.statements.iter_mut().for_each(&edit);
        }
        let cx = Context {
            old: &o,
            new: &n,
            plan: &p,
            pg_version: None,
        };
        let mut out = Vec::new();
        (rule.check)(rule, &cx, &mut out);
        out
    }

    const USERS: &str = "entity User {\n  id bigint @pk\n  name text?\n}\n";

    #[test]
    fn every_rule_is_documented() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/cli.md");
        let doc = std::fs::read_to_string(path).expect("docs/cli.md");
        for r in RULES {
            assert!(
                doc.contains(&format!("| `{}` | {} |", r.id, r.level)),
                "{} is not in docs/cli.md's table of migration-safety rules",
                r.id
            );
        }
    }

    #[test]
    fn volatile_defaults_and_old_servers() {
        let new = "entity User {\n  id bigint @pk\n  name text?\n  token uuid = gen_random_uuid()\n  n integer = 0\n}\n";
        let got = found(&VOLATILE_DEFAULT, USERS, new, None);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].message.contains("`token`"), "{got:?}");
        assert_eq!(found(&VOLATILE_DEFAULT, USERS, new, Some(10)).len(), 2);
        // A new table has no rows to rewrite.
        assert!(found(&VOLATILE_DEFAULT, "", new, None).is_empty());
    }

    #[test]
    fn rewriting_type_changes() {
        let old = "entity User {\n  id bigint @pk\n  n integer\n  s varchar(10)\n}\n";
        let new = "entity User {\n  id bigint @pk\n  n bigint\n  s varchar(20)\n}\n";
        let got = found(&REWRITING_TYPE_CHANGE, old, new, None);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].statement.contains("\"n\""), "{got:?}");
    }

    #[test]
    fn blocking_indexes() {
        let new = "entity User {\n  id bigint @pk\n  name text?\n  index (name)\n}\n";
        assert!(found(&BLOCKING_INDEX, USERS, new, None).is_empty());
        let got = edited(&BLOCKING_INDEX, USERS, new, |p| {
            p.sql = p.sql.replace(" CONCURRENTLY ", " ");
        });
        assert_eq!(got.len(), 1, "{got:?}");
        // A new table's indexes block nobody.
        assert!(found(&BLOCKING_INDEX, "", new, None).is_empty());
    }

    #[test]
    fn foreign_keys_and_checks_validated_at_once() {
        let old = "entity Team {\n  id bigint @pk\n}\nentity User {\n  id bigint @pk\n}\n";
        let new = "entity Team {\n  id bigint @pk\n}\nentity User {\n  id bigint @pk\n  team_id -> Team? on delete set null\n  check (id > 0)\n}\n";
        assert!(found(&FOREIGN_KEY_VALIDATED_AT_ONCE, old, new, None).is_empty());
        let got = edited(&FOREIGN_KEY_VALIDATED_AT_ONCE, old, new, |p| {
            p.sql = p.sql.replace(" NOT VALID", "");
        });
        assert_eq!(got.len(), 2, "{got:?}");
    }

    #[test]
    fn set_not_null_without_a_check() {
        let new = "entity User {\n  id bigint @pk\n  name text\n}\n";
        assert!(found(&SET_NOT_NULL_SCANS, USERS, new, None).is_empty());
        assert_eq!(found(&SET_NOT_NULL_SCANS, USERS, new, Some(11)).len(), 1);
        let got = edited(&SET_NOT_NULL_SCANS, USERS, new, |p| {
            if p.sql.contains("VALIDATE") {
                p.sql = "SELECT 1".into();
            }
        });
        assert_eq!(got.len(), 1, "{got:?}");
    }

    #[test]
    fn dropped_columns_a_view_still_names() {
        let old = "entity User {\n  id bigint @pk\n  name text?\n}\nview Names {\n  select id from users\n}\n";
        let new =
            "entity User {\n  id bigint @pk\n}\nview Names {\n  select id, name from users\n}\n";
        let got = found(&DROPPED_COLUMN_READ_BY_VIEW, old, new, None);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].message.contains("public.names"), "{got:?}");
        let fine = "entity User {\n  id bigint @pk\n}\nview Names {\n  select id, id as named from users\n}\n";
        assert!(found(&DROPPED_COLUMN_READ_BY_VIEW, old, fine, None).is_empty());
    }

    #[test]
    fn renames_warn() {
        let new = "entity Person renamed from User {\n  id bigint @pk\n  full_name text? renamed from name\n}\n";
        let got = found(&RENAME_BREAKS_APPLICATION, USERS, new, None);
        assert_eq!(got.len(), 2, "{got:?}");
    }

    #[test]
    fn enum_values_in_a_transaction_on_old_servers() {
        let old = "enum Mood {\n  happy\n}\n";
        let new = "enum Mood {\n  happy\n  sad\n}\n";
        assert_eq!(
            found(&ENUM_VALUE_IN_TRANSACTION, old, new, Some(11)).len(),
            1
        );
        // The rule does not run for newer servers.
        let (o, n) = (compiled(old).model, compiled(new).model);
        let p = plan(&o, &n, &diff(&o, &n, &Options::default()));
        let cx = Context {
            old: &o,
            new: &n,
            plan: &p,
            pg_version: Some(16),
        };
        assert!(check(&cx).is_empty());
    }
}
