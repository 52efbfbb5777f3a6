//! The statement layer: one value per DDL statement, with what a planner
//! needs to know about it besides its text (the object it is about, whether
//! it may run inside a transaction, the lock it takes). Builders, one file
//! per object kind, return them; [`creation`] lists the statements that
//! create a whole model in the order of its plan, and
//! `emit::postgres` renders those as the script `schemac build` writes.
//!
//! Every identifier goes through `quote::Ident`/`quote::Qualified` and every
//! literal through `quote::literal`. Statement text has no final `;`: the
//! renderer adds it.

pub mod column;
pub mod comment;
pub mod constraint;
mod creation;
pub mod domain;
pub mod enums;
pub mod function;
pub mod grant;
pub mod index;
pub mod partition;
pub mod policy;
pub mod raw;
pub mod schema;
pub mod sequence;
pub mod table;
pub mod view;
mod write;

pub use creation::{creation, Creation, Group};

use crate::key::Key;
use std::fmt;

/// One DDL statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The SQL, without the terminating `;`.
    pub sql: String,
    /// The object the statement creates, alters, drops or comments on. A
    /// create names what it creates; every other statement names the
    /// object as it is before the statement runs (a rename: the old name).
    pub key: Key,
    pub verb: Verb,
    /// False for statements PostgreSQL refuses inside a transaction block
    /// (`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`).
    pub transactional: bool,
    /// The strongest table-level lock it takes on an existing relation.
    pub lock: Lock,
    /// An upper estimate of the lock-table entries it holds until commit
    /// (the relations it creates, including toast tables and the indexes of
    /// keys, and those it locks): what a transaction is sized by, since a
    /// server's lock table is finite.
    pub locks: u32,
    /// The schema unqualified names in the text resolve in (then `public`),
    /// for view bodies and raw SQL; `None` when every name is qualified.
    pub search_path: Option<String>,
}

/// What a statement does to its object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verb {
    Create,
    CreateOrReplace,
    Alter,
    Drop,
    Comment,
    /// A raw `sql` block: whatever its text does.
    Run,
}

/// PostgreSQL's table-level lock modes, weakest first, and `None` for a
/// statement that locks no existing relation (creating a schema, a type, a
/// table without foreign keys). Raw SQL is assumed to take the strongest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lock {
    None,
    AccessShare,
    RowShare,
    RowExclusive,
    ShareUpdateExclusive,
    Share,
    ShareRowExclusive,
    Exclusive,
    AccessExclusive,
}

impl Lock {
    /// The mode as PostgreSQL's documentation and `pg_locks` name it.
    pub fn sql_name(self) -> &'static str {
        match self {
            Lock::None => "none",
            Lock::AccessShare => "ACCESS SHARE",
            Lock::RowShare => "ROW SHARE",
            Lock::RowExclusive => "ROW EXCLUSIVE",
            Lock::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            Lock::Share => "SHARE",
            Lock::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            Lock::Exclusive => "EXCLUSIVE",
            Lock::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }

    /// Whether it blocks plain reads (`SELECT`) of the relation.
    pub fn blocks_reads(self) -> bool {
        self == Lock::AccessExclusive
    }

    /// Whether it blocks `INSERT`, `UPDATE` and `DELETE`.
    pub fn blocks_writes(self) -> bool {
        self >= Lock::Share
    }
}

impl fmt::Display for Lock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sql_name())
    }
}

/// `CREATE INDEX` and `DROP INDEX` can build or remove an index without
/// blocking writes, outside any transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Concurrency {
    #[default]
    Blocking,
    Concurrently,
}

impl Statement {
    fn new(sql: String, key: Key, verb: Verb, lock: Lock, locks: u32) -> Self {
        // Builders size their text by estimate, and a text that outgrew it
        // doubled: a large model's statements would keep a third of their
        // memory unused, beside the model, until the script is written.
        let sql = if sql.capacity() - sql.len() > sql.len() / 8 {
            sql.as_str().to_owned()
        } else {
            sql
        };
        Statement {
            sql,
            key,
            verb,
            transactional: true,
            lock,
            locks,
            search_path: None,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A one-file project, compiled: builders are tested on real model
    /// objects.
    pub(crate) fn compiled(text: &str) -> crate::Compiled {
        let project = crate::Project::from_sources(&[("t.schema", text)]);
        match crate::compile(&project, &crate::Options::default()) {
            Ok(c) => c,
            Err(e) => panic!("{text}\n{:?}", e.diagnostics),
        }
    }

    #[test]
    fn locks_order_by_strength() {
        assert!(Lock::AccessExclusive > Lock::Share);
        assert!(Lock::Share > Lock::ShareUpdateExclusive);
        assert!(Lock::Share.blocks_writes());
        assert!(!Lock::ShareUpdateExclusive.blocks_writes());
        assert!(!Lock::Share.blocks_reads());
        assert!(Lock::AccessExclusive.blocks_reads());
        assert_eq!(Lock::ShareRowExclusive.to_string(), "SHARE ROW EXCLUSIVE");
    }
}
