//! Functions and triggers (the policies make them; no syntax of their own).
//! Creating a trigger takes `SHARE ROW EXCLUSIVE` on its table.

use super::{write, Lock, Statement, Verb};
use crate::key::{Key, ObjectKind};
use crate::model::{Function, QName, Trigger};
use crate::quote::{Ident, Qualified};

pub fn create(f: &Function) -> Statement {
    // A dollar-quote tag the body does not contain.
    let mut tag = String::from("$body$");
    while f.body.contains(&tag) {
        tag.insert(tag.len() - 1, '_');
    }
    let definer = if f.security_definer {
        " SECURITY DEFINER SET search_path = ''"
    } else {
        ""
    };
    let sql = format!(
        "CREATE FUNCTION {}({}) RETURNS {} LANGUAGE {}{definer} AS {tag}\n{}\n{tag}",
        Qualified(&f.sql),
        f.args,
        f.returns,
        Ident(&f.language),
        write::dedent(&f.body).trim()
    );
    Statement::new(sql, f.key(), Verb::Create, Lock::None, 1)
}

/// `args`: the argument types, as PostgreSQL needs them to find it.
pub fn drop(name: &QName, args: &str) -> Statement {
    Statement::new(
        format!("DROP FUNCTION {}({args})", Qualified(name)),
        Key::member(ObjectKind::Function, name.clone(), args),
        Verb::Drop,
        Lock::None,
        1,
    )
}

pub fn create_trigger(t: &Trigger) -> Statement {
    let events: Vec<String> = t.events.iter().map(|e| e.to_ascii_uppercase()).collect();
    let mut referencing = String::new();
    for (side, name) in [("OLD", &t.old_table), ("NEW", &t.new_table)] {
        if let Some(name) = name {
            if referencing.is_empty() {
                referencing.push_str(" REFERENCING");
            }
            referencing.push_str(&format!(" {side} TABLE AS {}", Ident(name)));
        }
    }
    let sql = format!(
        "CREATE TRIGGER {} {} {} ON {}{referencing} FOR EACH {} EXECUTE FUNCTION {}()",
        Ident(&t.name),
        t.timing.to_ascii_uppercase(),
        events.join(" OR "),
        Qualified(&t.table),
        if t.for_each_row { "ROW" } else { "STATEMENT" },
        Qualified(&t.function.name)
    );
    Statement::new(sql, t.key(), Verb::Create, Lock::ShareRowExclusive, 1)
}

pub fn drop_trigger(table: &QName, name: &str) -> Statement {
    Statement::new(
        format!("DROP TRIGGER {} ON {}", Ident(name), Qualified(table)),
        Key::member(ObjectKind::Trigger, table.clone(), name),
        Verb::Drop,
        Lock::AccessExclusive,
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;

    #[test]
    fn function_and_trigger_statements() {
        let origin = Origin::declared(Default::default());
        let f = Function {
            sql: QName::new("app", "touch"),
            args: String::new(),
            returns: "trigger".into(),
            language: "plpgsql".into(),
            body: "  begin\n    return new; -- $body$\n  end;".into(),
            depends_on: Vec::new(),
            security_definer: false,
            doc: None,
            origin: origin.clone(),
        };
        let s = create(&f);
        assert_eq!(
            s.sql,
            "CREATE FUNCTION \"app\".\"touch\"() RETURNS trigger LANGUAGE \"plpgsql\" AS $body_$\nbegin\n  return new; -- $body$\nend;\n$body_$"
        );
        assert_eq!(
            (&s.key, s.verb, s.lock, s.transactional),
            (&f.key(), Verb::Create, Lock::None, true)
        );
        let d = drop(&f.sql, "");
        assert_eq!(d.sql, "DROP FUNCTION \"app\".\"touch\"()");
        assert_eq!((d.key, d.verb), (f.key(), Verb::Drop));

        let t = Trigger {
            name: "notes_touch".into(),
            table: QName::new("app", "notes"),
            timing: "before".into(),
            events: vec!["insert".into(), "update".into()],
            for_each_row: true,
            old_table: None,
            new_table: None,
            function: f.key(),
            origin,
        };
        let c = create_trigger(&t);
        assert_eq!(
            c.sql,
            "CREATE TRIGGER \"notes_touch\" BEFORE INSERT OR UPDATE ON \"app\".\"notes\" FOR EACH ROW EXECUTE FUNCTION \"app\".\"touch\"()"
        );
        assert_eq!(c.key.to_string(), "trigger app.notes.notes_touch");
        assert_eq!(
            (c.verb, c.lock, c.transactional),
            (Verb::Create, Lock::ShareRowExclusive, true)
        );
        let audit = Trigger {
            name: "notes_audit".into(),
            timing: "after".into(),
            events: vec!["update".into()],
            for_each_row: false,
            old_table: Some("old_rows".into()),
            new_table: Some("new_rows".into()),
            ..t.clone()
        };
        assert_eq!(
            create_trigger(&audit).sql,
            "CREATE TRIGGER \"notes_audit\" AFTER UPDATE ON \"app\".\"notes\" REFERENCING OLD TABLE AS \"old_rows\" NEW TABLE AS \"new_rows\" FOR EACH STATEMENT EXECUTE FUNCTION \"app\".\"touch\"()"
        );
        let dt = drop_trigger(&t.table, &t.name);
        assert_eq!(dt.sql, "DROP TRIGGER \"notes_touch\" ON \"app\".\"notes\"");
        assert_eq!(
            (dt.key, dt.verb, dt.lock),
            (t.key(), Verb::Drop, Lock::AccessExclusive)
        );
    }
}
