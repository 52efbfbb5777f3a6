//! What talking to a database can go wrong with, as a coded diagnostic:
//! every error of the connection, the runner and the migrations directory
//! carries a `dsl::Code` (its catalog entry explains it) and help, and is
//! redacted before anyone sees it.

use crate::connect::redact;
use dsl::{Code, Diagnostic};

/// How far a failed command got, which decides its exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Refused before running anything: the message says why and what to do.
    Refused,
    /// A migration failed while running; the ledger says `failed`.
    Failed,
    /// The database could not be reached or read.
    Database,
}

#[derive(Clone, Debug)]
pub struct Error {
    pub code: Code,
    pub kind: Kind,
    pub message: String,
    /// What to do; the catalog's fix when the error knows nothing better.
    pub help: Option<String>,
}

impl Error {
    pub fn new(code: Code, kind: Kind, message: impl Into<String>) -> Error {
        Error {
            code,
            kind,
            message: message.into(),
            help: None,
        }
    }

    pub fn refused(code: Code, message: impl Into<String>) -> Error {
        Error::new(code, Kind::Refused, message)
    }

    pub fn failed(code: Code, message: impl Into<String>) -> Error {
        Error::new(code, Kind::Failed, message)
    }

    pub fn database(code: Code, message: impl Into<String>) -> Error {
        Error::new(code, Kind::Database, message)
    }

    pub fn help(mut self, help: impl Into<String>) -> Error {
        self.help = Some(help.into());
        self
    }

    /// The error as the CLI renders it: its code, the redacted message,
    /// and help.
    pub fn diagnostic(&self) -> Diagnostic {
        let help = self.help.as_deref().or(self.code.entry().fix);
        let d = Diagnostic::error(self.code, redact(&self.message));
        match help {
            Some(h) => d.help(redact(h)),
            None => d,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", redact(&self.message))
    }
}

impl std::error::Error for Error {}

/// A database error with its detail, as PostgreSQL words it.
pub fn pg_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => {
            let mut m = d.message().to_string();
            if let Some(detail) = d.detail() {
                m.push_str(&format!(" ({detail})"));
            }
            m
        }
        None => {
            // The client library's own errors keep their cause (the
            // operating system's, the TLS library's) in the source chain.
            let mut m = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                let text = s.to_string();
                if !m.contains(&text) {
                    m.push_str(&format!(": {text}"));
                }
                source = s.source();
            }
            m
        }
    }
}

/// A failed query of the runner's own.
pub fn db(e: postgres::Error) -> Error {
    Error::database(Code::DatabaseError, pg_message(&e))
}
