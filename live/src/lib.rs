//! Everything of schemac that talks to a live PostgreSQL, kept out of the
//! compiler so compiling never depends on a server, a client library or
//! spawning processes: a throwaway cluster for tests ([`pgcluster`]) and
//! introspection ([`introspect`]) with its shadow databases ([`shadow`]);
//! connections as libpq makes them ([`connect`]), their errors and the
//! runner's as coded diagnostics ([`error`]), migrations directories
//! ([`migrations`]) the migration runner ([`runner`]) and the rows `verify --with-data`
//! generates and checks ([`rows`]).

pub mod connect;
pub mod error;
pub mod introspect;
pub mod migrations;
pub mod pgcluster;
pub mod rows;
pub mod runner;
pub mod shadow;
