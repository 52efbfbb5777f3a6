//! Everything of schemac that talks to a live PostgreSQL, kept out of the
//! compiler so compiling never depends on a server, a client library or
//! spawning processes. Today: a throwaway cluster for tests
//! ([`pgcluster`]); later the shadow database of `migrate verify`,
//! introspection and the migration runner.

pub mod pgcluster;
