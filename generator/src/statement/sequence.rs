//! Sequences (policies and `serial` will make them; no syntax yet).

use super::{Lock, Statement, Verb};
use crate::key::{Key, ObjectKind};
use crate::model::{QName, Sequence};
use crate::quote::Qualified;
use std::fmt::Write;

pub fn create(q: &Sequence) -> Statement {
    let mut sql = format!("CREATE SEQUENCE {} AS {}", Qualified(&q.sql), q.ty);
    if let Some(n) = q.increment {
        let _ = write!(sql, " INCREMENT BY {n}");
    }
    if let Some(n) = q.start {
        let _ = write!(sql, " START WITH {n}");
    }
    Statement::new(sql, q.key(), Verb::Create, Lock::None, 1)
}

pub fn drop(name: &QName) -> Statement {
    Statement::new(
        format!("DROP SEQUENCE {}", Qualified(name)),
        Key::new(ObjectKind::Sequence, name.clone()),
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
    fn sequence_statements() {
        let q = Sequence {
            sql: QName::new("app", "numbers"),
            ty: "bigint".into(),
            start: Some(1000),
            increment: Some(10),
            origin: Origin::declared(Default::default()),
        };
        let s = create(&q);
        assert_eq!(
            s.sql,
            "CREATE SEQUENCE \"app\".\"numbers\" AS bigint INCREMENT BY 10 START WITH 1000"
        );
        assert_eq!(s.key.to_string(), "sequence app.numbers");
        assert_eq!(
            (s.verb, s.lock, s.transactional),
            (Verb::Create, Lock::None, true)
        );
        let d = drop(&q.sql);
        assert_eq!(d.sql, "DROP SEQUENCE \"app\".\"numbers\"");
        assert_eq!(
            (d.key, d.verb, d.lock),
            (s.key, Verb::Drop, Lock::AccessExclusive)
        );
    }
}
