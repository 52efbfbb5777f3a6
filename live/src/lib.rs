//! Everything of schemac that talks to a live PostgreSQL, kept out of the
//! compiler so compiling never depends on a server, a client library or
//! spawning processes: a throwaway cluster for tests ([`pgcluster`]) and
//! introspection ([`introspect`]) with its shadow databases ([`shadow`]);
//! connections as libpq makes them ([`connect`]), migrations directories
//! ([`migrations`]) and the migration runner ([`runner`]).

pub mod connect;
pub mod introspect;
pub mod migrations;
pub mod pgcluster;
pub mod runner;
pub mod shadow;
