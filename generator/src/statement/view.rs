//! Views and materialized views. Creating one reads the relations it
//! selects from (`ACCESS SHARE`; a materialized view also runs its query).

use super::{write, Lock, Statement, Verb};
use crate::key::{Key, ObjectKind};
use crate::model::{QName, View};
use crate::quote::Qualified;

pub(super) fn key(name: &QName, materialized: bool) -> Key {
    let kind = if materialized {
        ObjectKind::MaterializedView
    } else {
        ObjectKind::View
    };
    Key::new(kind, name.clone())
}

fn word(materialized: bool) -> &'static str {
    if materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    }
}

fn build(v: &View, verb: Verb, head: &str) -> Statement {
    let body = write::dedent(&v.body.sql);
    let body = body.trim().trim_end_matches(';').trim_end();
    let sql = format!("{head} {} AS\n{body}", Qualified(&v.sql));
    // The view (a materialized one: with its toast table and index), and
    // the relations it reads.
    let own = if v.materialized { 3 } else { 1 };
    let read = v.reads.len() + v.depends_on.len();
    let locks = own + u32::try_from(read).unwrap_or(u32::MAX);
    let lock = if verb == Verb::CreateOrReplace {
        Lock::AccessExclusive
    } else {
        Lock::AccessShare
    };
    Statement {
        search_path: Some(v.sql.schema.clone()),
        ..Statement::new(sql, key(&v.sql, v.materialized), verb, lock, locks)
    }
}

/// Unqualified names in the body resolve in the view's schema, then
/// `public` (its `search_path`).
pub fn create(v: &View) -> Statement {
    let head = if v.materialized {
        "CREATE MATERIALIZED VIEW"
    } else {
        "CREATE VIEW"
    };
    build(v, Verb::Create, head)
}

/// `CREATE OR REPLACE VIEW`; `None` for a materialized view, which
/// PostgreSQL cannot replace (drop it and create it).
pub fn create_or_replace(v: &View) -> Option<Statement> {
    (!v.materialized).then(|| build(v, Verb::CreateOrReplace, "CREATE OR REPLACE VIEW"))
}

pub fn drop(name: &QName, materialized: bool) -> Statement {
    Statement::new(
        format!("DROP {} {}", word(materialized), Qualified(name)),
        key(name, materialized),
        Verb::Drop,
        Lock::AccessExclusive,
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::tests::compiled;

    #[test]
    fn view_statements() {
        let c = compiled(
            "schema app\nentity User {\n  id bigint @pk\n}\nview Ids {\n  select id from users;\n}\nmaterialized view Counted {\n  select count(*) from users\n}\n",
        );
        let v = c
            .model
            .views
            .iter()
            .find(|v| !v.materialized)
            .expect("view");
        let m = c
            .model
            .views
            .iter()
            .find(|v| v.materialized)
            .expect("matview");
        let s = create(v);
        assert_eq!(
            s.sql,
            "CREATE VIEW \"app\".\"ids\" AS\nselect id from users"
        );
        assert_eq!(s.key.to_string(), "view app.ids");
        assert_eq!(
            (s.verb, s.lock, s.transactional),
            (Verb::Create, Lock::AccessShare, true)
        );
        assert_eq!(s.search_path.as_deref(), Some("app"));
        let r = create_or_replace(v).expect("a view can be replaced");
        assert_eq!(
            r.sql,
            "CREATE OR REPLACE VIEW \"app\".\"ids\" AS\nselect id from users"
        );
        assert_eq!(
            (r.verb, r.lock, r.key.clone()),
            (Verb::CreateOrReplace, Lock::AccessExclusive, s.key.clone())
        );
        assert!(create_or_replace(m).is_none());
        let ms = create(m);
        assert!(
            ms.sql
                .starts_with("CREATE MATERIALIZED VIEW \"app\".\"counted\" AS\n"),
            "{}",
            ms.sql
        );
        assert_eq!(ms.key.to_string(), "materialized view app.counted");
        let d = drop(&v.sql, false);
        assert_eq!(d.sql, "DROP VIEW \"app\".\"ids\"");
        assert_eq!(
            (d.key, d.verb, d.lock),
            (s.key, Verb::Drop, Lock::AccessExclusive)
        );
        let dm = drop(&m.sql, true);
        assert_eq!(dm.sql, "DROP MATERIALIZED VIEW \"app\".\"counted\"");
        assert_eq!(dm.key, ms.key);
    }
}
