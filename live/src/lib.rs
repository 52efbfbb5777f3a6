//! Everything of schemac that talks to a live PostgreSQL, kept out of the
//! compiler so compiling never depends on a server, a client library or
//! spawning processes: a throwaway cluster for tests ([`pgcluster`]) and
//! introspection ([`introspect`]) with its shadow databases ([`shadow`]);
//! later the migration runner.

pub mod introspect;
pub mod pgcluster;
pub mod shadow;
