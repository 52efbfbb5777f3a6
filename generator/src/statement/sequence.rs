//! Sequences (policies and `serial` will make them; no syntax yet).

use super::{Lock, Statement, Verb};
use crate::key::{Key, ObjectKind};
use crate::model::{QName, Sequence};
use crate::sql::Qualified;
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
