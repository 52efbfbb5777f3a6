//! A real PostgreSQL to run against: one server per process, one fresh database per caller.
//!
//! The integration tests (and features such as the shadow database used by `migrate verify`)
//! need to execute generated SQL on an actual server, because only PostgreSQL itself can tell
//! whether our output is valid. Tests run in parallel, so each caller gets its own database
//! ([`Cluster::create_database`]) instead of sharing one and stepping on each other's tables.
//!
//! Where the server comes from, decided once per process by [`available`]:
//!
//! 1. `SCHEMAC_TEST_DATABASE_URL` set and non-empty: that server is used as is. It may be a
//!    `postgresql://` URL or a `key=value` conninfo string; it must be accepted by both the
//!    `postgres` crate and `psql`, and its user needs the `CREATEDB` privilege. Its database is
//!    only used to run `CREATE DATABASE`/`DROP DATABASE`. Spell out everything in it: `psql`
//!    (libpq) fills gaps from `PGHOST`, `PGPASSWORD` & co., the `postgres` crate does not.
//! 2. Otherwise a throwaway cluster is created with `initdb` in a fresh directory under `/tmp`
//!    and a `postgres` server is started on a Unix socket inside that directory (no TCP port,
//!    so it can never clash with another server). The binaries are looked up in `$PG_BINDIR`,
//!    then `pg_config --bindir`, then `initdb` on `PATH` (symlinks resolved, because `postgres`
//!    lives next to the real `initdb`), then the newest `/usr/lib/postgresql/*/bin`.
//!    When running as root, which PostgreSQL refuses, the server runs as the `postgres` user.
//!    The server is stopped and its directory removed when the process exits (an `atexit`
//!    handler). If the process is killed instead, the server still dies with it
//!    (`PR_SET_PDEATHSIG` on Linux), and the directory is swept by a later run.
//!
//! If neither is possible, [`available`] returns an error of kind [`ErrorKind::Unavailable`] so
//! callers can decide to skip. When the `CI` environment variable is set (to anything but `0` or
//! `false`), a missing PostgreSQL is reported as [`ErrorKind::Setup`] instead: in CI a silently
//! skipped database test would be a false pass.
//!
//! Connections made through this module use `postgres::NoTls`.

use std::env;
use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::thread;
use std::time::Duration;

/// Environment variable naming an existing server to use instead of a throwaway cluster.
pub const URL_ENV: &str = "SCHEMAC_TEST_DATABASE_URL";

/// Environment variable naming the directory holding `initdb`, `postgres` and `psql`.
pub const BINDIR_ENV: &str = "PG_BINDIR";

/// Bound for the (short) connections made to create and drop databases, so a vanished external
/// server cannot hang a test forever.
const ADMIN_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What went wrong, so callers can tell "nothing to test against" from real failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No server is configured and no PostgreSQL binaries were found. Callers may skip.
    /// Never returned when `CI` is set; see the module documentation.
    Unavailable,
    /// A server was configured or found but could not be started or reached, or the
    /// configuration is wrong (e.g. a bad `PG_BINDIR`), or `CI` requires PostgreSQL.
    Setup,
    /// The server rejected a connection or a statement (e.g. `CREATE DATABASE`).
    Database,
    /// `psql` could not be run or reported an error; the message carries its stderr.
    Psql,
}

/// Error of this module: a kind plus a message that says what was attempted and what failed.
///
/// Underlying errors (I/O, `postgres`) are folded into the message, including their whole
/// `source()` chain: the `postgres` crate's own `Display` only says "db error", and the server's
/// actual complaint is what a failing test needs to show. Hence `source()` is always `None`.
#[derive(Debug, Clone)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }

    fn with_source(
        kind: ErrorKind,
        message: impl Into<String>,
        source: impl std::error::Error,
    ) -> Self {
        let mut message = message.into();
        let mut cause: Option<&dyn std::error::Error> = Some(&source);
        while let Some(e) = cause {
            message.push_str(": ");
            message.push_str(&e.to_string());
            cause = e.source();
        }
        Error { kind, message }
    }

    /// The category of the failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// True when there is simply no PostgreSQL to use (and `CI` is not set), i.e. when skipping
    /// is a reasonable reaction.
    pub fn is_unavailable(&self) -> bool {
        self.kind == ErrorKind::Unavailable
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The PostgreSQL server used by this process: either the one named by `SCHEMAC_TEST_DATABASE_URL`
/// or a throwaway cluster. Obtain it with [`available`].
/// The database of the throwaway cluster that pg_cron schedules in (`cron.database_name`).
pub const CRON_DATABASE: &str = "schemac_cron";

pub struct Cluster {
    /// Connection string for the maintenance database, used to create and drop databases.
    admin: String,
    target: Target,
    psql: Option<PathBuf>,
}

/// How to build a connection string for one database of the cluster.
enum Target {
    /// Our own cluster, reachable through the socket in `socket_dir`.
    Local { socket_dir: PathBuf },
    /// An external server configured as a `postgres://` / `postgresql://` URL.
    Url(String),
    /// An external server configured as a `key=value` conninfo string.
    KeyValue(Vec<(String, String)>),
}

/// Port of the throwaway cluster. It only names the socket file inside our private directory,
/// so it cannot collide with anything.
const LOCAL_PORT: u16 = 5432;

impl fmt::Debug for Cluster {
    // Hand-written so that a password in SCHEMAC_TEST_DATABASE_URL never ends up in test output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Cluster");
        match &self.target {
            Target::Local { socket_dir } => d.field("socket_dir", socket_dir),
            Target::Url(_) | Target::KeyValue(_) => d.field("external", &true),
        };
        d.field("psql", &self.psql).finish()
    }
}

/// The server for this process, set up on first use and shared by all later callers.
///
/// Starting a cluster costs a second or two, so it happens once per process; the outcome,
/// success or failure, is cached. See the module documentation for where the server comes
/// from and for the meaning of `CI`.
pub fn available() -> Result<&'static Cluster, Error> {
    static CLUSTER: OnceLock<Result<Cluster, Error>> = OnceLock::new();
    CLUSTER.get_or_init(init).as_ref().map_err(Error::clone)
}

fn init() -> Result<Cluster, Error> {
    if let Some(value) = env::var_os(URL_ENV).filter(|v| !v.is_empty()) {
        let value = value
            .into_string()
            .map_err(|_| Error::new(ErrorKind::Setup, format!("${URL_ENV} is not valid UTF-8")))?;
        return Cluster::external(value);
    }
    match local::start() {
        Err(e) if e.is_unavailable() && ci() => Err(Error::new(
            ErrorKind::Setup,
            format!(
                "{e}\n(CI is set, so a missing PostgreSQL is a failure rather than a reason to skip)"
            ),
        )),
        other => other,
    }
}

/// Whether we run in CI, where a missing PostgreSQL must fail loudly instead of being skipped.
fn ci() -> bool {
    env::var("CI").is_ok_and(|v| {
        let v = v.trim();
        !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false")
    })
}

impl Cluster {
    fn external(conninfo: String) -> Result<Cluster, Error> {
        // Never echo the string itself in errors: it may contain a password.
        conninfo.parse::<postgres::Config>().map_err(|e| {
            Error::with_source(
                ErrorKind::Setup,
                format!("${URL_ENV} is not a valid connection string"),
                e,
            )
        })?;
        let target = if is_url(&conninfo) {
            Target::Url(conninfo.clone())
        } else {
            Target::KeyValue(parse_keyword_value(&conninfo).ok_or_else(|| {
                Error::new(
                    ErrorKind::Setup,
                    format!("${URL_ENV} is not a valid key=value connection string"),
                )
            })?)
        };
        let cluster = Cluster {
            admin: conninfo,
            target,
            psql: find_psql(None),
        };
        cluster.admin_client().map_err(|e| {
            Error::new(
                ErrorKind::Setup,
                format!("cannot use the server named by ${URL_ENV}: {e}"),
            )
        })?;
        Ok(cluster)
    }

    /// Connection string for the maintenance database (the one `CREATE DATABASE` runs in).
    pub fn conninfo(&self) -> &str {
        &self.admin
    }

    /// Creates an empty database for one caller, so parallel tests never share tables.
    ///
    /// The name is `prefix` (lower-cased, anything but `[a-z0-9_]` replaced by `_`, shortened
    /// to fit PostgreSQL's 63-byte limit) followed by the process id and a counter, which keeps
    /// it unique across the threads of this process and across processes sharing an external
    /// server. The database is dropped again when the returned [`TestDb`] is dropped.
    pub fn create_database(&self, prefix: &str) -> Result<TestDb, Error> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let prefix = sanitize_prefix(prefix);
        let mut client = self.admin_client()?;
        // A crashed earlier run against a shared server may have left a database with the same
        // pid and counter behind; take the next number instead of failing.
        let mut attempts = 0;
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let name = database_name(&prefix, std::process::id(), n);
            let sql = format!("CREATE DATABASE {}", generator::quote::ident(&name));
            match client.batch_execute(&sql) {
                Ok(()) => {
                    return Ok(TestDb {
                        conninfo: self.conninfo_for(&name),
                        url: self.url_for(&name),
                        admin: self.admin.clone(),
                        psql: self.psql.clone(),
                        name,
                    })
                }
                Err(e)
                    if e.code() == Some(&postgres::error::SqlState::DUPLICATE_DATABASE)
                        && attempts < 10 =>
                {
                    attempts += 1;
                }
                Err(e) => {
                    return Err(Error::with_source(
                        ErrorKind::Database,
                        format!("could not create database {name}"),
                        e,
                    ))
                }
            }
        }
    }

    /// The connection string of the database pg_cron schedules in
    /// ([`CRON_DATABASE`]), when this is the throwaway cluster and it started with pg_cron
    /// preloaded (the library is installed). One database for the whole cluster, never dropped:
    /// pg_cron's scheduler stays connected to it.
    pub fn cron_conninfo(&self) -> Option<String> {
        let Target::Local { socket_dir } = &self.target else {
            return None;
        };
        let conninfo = local_conninfo(socket_dir, CRON_DATABASE);
        let mut c = connect_with_timeout(&conninfo, "the pg_cron database").ok()?;
        let preload: String = c
            .query_one("SELECT current_setting('shared_preload_libraries')", &[])
            .ok()?
            .get(0);
        preload.contains("pg_cron").then_some(conninfo)
    }

    fn admin_client(&self) -> Result<postgres::Client, Error> {
        connect_with_timeout(&self.admin, "the maintenance database")
    }

    fn conninfo_for(&self, dbname: &str) -> String {
        match &self.target {
            Target::Local { socket_dir } => local_conninfo(socket_dir, dbname),
            Target::Url(url) => url_with_dbname(url, dbname),
            Target::KeyValue(pairs) => with_dbname(pairs, dbname)
                .iter()
                .map(|(k, v)| format!("{k}={}", conninfo_value(v)))
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    fn url_for(&self, dbname: &str) -> String {
        match &self.target {
            Target::Local { socket_dir } => format!(
                "postgresql://postgres@{}:{LOCAL_PORT}/{}",
                percent_encode(&socket_dir.to_string_lossy()),
                percent_encode(dbname)
            ),
            Target::Url(url) => url_with_dbname(url, dbname),
            // Every conninfo keyword is also accepted as a URL query parameter.
            Target::KeyValue(pairs) => {
                let query = with_dbname(pairs, dbname)
                    .iter()
                    .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
                    .collect::<Vec<_>>()
                    .join("&");
                format!("postgresql://?{query}")
            }
        }
    }
}

/// A second server of its own, for the tests of TLS: it listens on TCP on
/// `127.0.0.1` with `ssl=on`, the certificate and key it is given (made at
/// test time) and the `pg_hba.conf` it is given, and is stopped and
/// removed when dropped. The throwaway cluster's binaries, never an
/// external server's. Its Unix socket (`local` lines of the `pg_hba.conf`)
/// is for setting it up: [`TlsServer::local_conninfo`].
pub struct TlsServer {
    inner: local::Tls,
}

impl TlsServer {
    /// Starts it. [`ErrorKind::Unavailable`] when this machine has no
    /// PostgreSQL binaries.
    pub fn start(cert_pem: &[u8], key_pem: &[u8], pg_hba: &str) -> Result<TlsServer, Error> {
        local::Tls::start(cert_pem, key_pem, pg_hba).map(|inner| TlsServer { inner })
    }

    /// The TCP port on `127.0.0.1`.
    pub fn port(&self) -> u16 {
        self.inner.port
    }

    /// A `key=value` connection string to `dbname` over its Unix socket.
    pub fn local_conninfo(&self, dbname: &str) -> String {
        format!(
            "host={} port={} user=postgres dbname={}",
            conninfo_value(&self.inner.dir.to_string_lossy()),
            self.inner.port,
            conninfo_value(dbname)
        )
    }
}

/// One database of the [`Cluster`], owned by one caller. Dropping it drops the database
/// (best effort, with `WITH (FORCE)` so lingering connections do not prevent it).
pub struct TestDb {
    name: String,
    conninfo: String,
    url: String,
    admin: String,
    psql: Option<PathBuf>,
}

impl fmt::Debug for TestDb {
    // Only the name: the connection strings may contain a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestDb").field("name", &self.name).finish()
    }
}

impl TestDb {
    /// The database name (already a valid identifier; quote it anyway when building SQL).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Connection string for this database, accepted by the `postgres` crate and by `psql`
    /// (`host=<socket dir> port=5432 user=postgres dbname=...` for the throwaway cluster).
    pub fn conninfo(&self) -> &str {
        &self.conninfo
    }

    /// The same as [`TestDb::conninfo`] in `postgresql://` URL form, for tools that want a URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Opens a new connection to this database (without TLS).
    pub fn connect(&self) -> Result<postgres::Client, Error> {
        postgres::Client::connect(&self.conninfo, postgres::NoTls).map_err(|e| {
            Error::with_source(
                ErrorKind::Database,
                format!("could not connect to database {}", self.name),
                e,
            )
        })
    }

    /// Runs `sql` through the system `psql`, the way users will apply schemac's output:
    /// `psql -X -q -w -v ON_ERROR_STOP=1 -f -` with the SQL on stdin, stopping at the first
    /// error and never prompting for a password.
    ///
    /// Going through the real client (rather than the `postgres` crate) tests what users will
    /// actually run, including psql's own statement splitting and backslash commands.
    /// On failure the error carries psql's stderr, which includes PostgreSQL's error message.
    pub fn psql_apply(&self, sql: &str) -> Result<(), Error> {
        let psql = self.psql.as_deref().ok_or_else(|| {
            Error::new(
                ErrorKind::Psql,
                format!(
                    "psql not found (looked in ${BINDIR_ENV}, pg_config --bindir, PATH and \
                     /usr/lib/postgresql/*/bin)"
                ),
            )
        })?;
        let mut child = Command::new(psql)
            .args(["-X", "-q", "-w", "-v", "ON_ERROR_STOP=1", "-d"])
            .arg(&self.conninfo)
            .args(["-f", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                Error::with_source(
                    ErrorKind::Psql,
                    format!("could not run {}", psql.display()),
                    e,
                )
            })?;
        // Feed stdin from another thread: psql may fill its stdout/stderr pipes before it has
        // read all of our input, and we drain those only in wait_with_output.
        let writer = child.stdin.take().map(|mut stdin| {
            let sql = sql.to_owned();
            thread::spawn(move || stdin.write_all(sql.as_bytes()))
        });
        let output = child.wait_with_output().map_err(|e| {
            Error::with_source(
                ErrorKind::Psql,
                format!("could not wait for {}", psql.display()),
                e,
            )
        })?;
        let written = match writer.map(|w| w.join()) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(std::io::Error::other("stdin writer thread panicked")),
            None => Err(std::io::Error::other("psql stdin was not captured")),
        };
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(Error::new(
                ErrorKind::Psql,
                format!(
                    "psql failed on database {} ({}):\n{}",
                    self.name,
                    output.status,
                    stderr.trim_end()
                ),
            ));
        }
        // psql succeeded, so a broken pipe would mean it never saw part of the script.
        written.map_err(|e| {
            Error::with_source(
                ErrorKind::Psql,
                format!("could not send the SQL to psql for database {}", self.name),
                e,
            )
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Ok(mut client) = connect_with_timeout(&self.admin, "the maintenance database") else {
            return;
        };
        let name = generator::quote::ident(&self.name);
        // WITH (FORCE) needs PostgreSQL 13; fall back to a plain DROP on older servers.
        if client
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .is_err()
        {
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"));
        }
    }
}

fn connect_with_timeout(conninfo: &str, what: &str) -> Result<postgres::Client, Error> {
    let mut config: postgres::Config = conninfo.parse().map_err(|e| {
        Error::with_source(
            ErrorKind::Setup,
            format!("invalid connection string for {what}"),
            e,
        )
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(ADMIN_CONNECT_TIMEOUT);
    }
    config.connect(postgres::NoTls).map_err(|e| {
        Error::with_source(
            ErrorKind::Database,
            format!("could not connect to {what}"),
            e,
        )
    })
}

use generator::MAX_IDENT as MAX_IDENT_LEN;

fn sanitize_prefix(prefix: &str) -> String {
    let mut s: String = prefix
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') {
        s.insert_str(0, "db_");
    }
    s
}

fn database_name(prefix: &str, pid: u32, n: u64) -> String {
    let suffix = format!("_{pid}_{n}");
    // prefix is ASCII after sanitize_prefix, so byte truncation is safe.
    let keep = prefix.len().min(MAX_IDENT_LEN - suffix.len());
    format!("{}{suffix}", &prefix[..keep])
}

fn is_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

fn local_conninfo(socket_dir: &Path, dbname: &str) -> String {
    format!(
        "host={} port={LOCAL_PORT} user=postgres dbname={}",
        conninfo_value(&socket_dir.to_string_lossy()),
        conninfo_value(dbname)
    )
}

/// Adds `dbname` as a query parameter. Both libpq and the `postgres` crate let a later
/// parameter override the database in the URL path, so the rest of the URL stays untouched.
fn url_with_dbname(url: &str, dbname: &str) -> String {
    let sep = if !url.contains('?') {
        "?"
    } else if url.ends_with('?') || url.ends_with('&') {
        ""
    } else {
        "&"
    };
    format!("{url}{sep}dbname={}", percent_encode(dbname))
}

fn with_dbname(pairs: &[(String, String)], dbname: &str) -> Vec<(String, String)> {
    pairs
        .iter()
        .filter(|(k, _)| k != "dbname")
        .cloned()
        .chain([("dbname".to_owned(), dbname.to_owned())])
        .collect()
}

/// Quotes a conninfo value when needed: single quotes, with `\` and `'` backslash-escaped.
fn conninfo_value(v: &str) -> String {
    if !v.is_empty() && !v.contains(|c: char| c.is_whitespace() || c == '\'' || c == '\\') {
        return v.to_owned();
    }
    let mut out = String::with_capacity(v.len() + 2);
    out.push('\'');
    for c in v.chars() {
        if c == '\'' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// Parses a libpq `key=value` conninfo string (values optionally single-quoted, `\` escapes).
fn parse_keyword_value(s: &str) -> Option<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    let mut it = s.chars().peekable();
    loop {
        while it.next_if(|c| c.is_whitespace()).is_some() {}
        if it.peek().is_none() {
            return Some(pairs);
        }
        let mut key = String::new();
        while let Some(c) = it.next_if(|&c| !c.is_whitespace() && c != '=') {
            key.push(c);
        }
        while it.next_if(|c| c.is_whitespace()).is_some() {}
        it.next_if_eq(&'=')?;
        while it.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if it.next_if_eq(&'\'').is_some() {
            loop {
                match it.next()? {
                    '\'' => break,
                    '\\' => value.push(it.next()?),
                    c => value.push(c),
                }
            }
        } else {
            while let Some(c) = it.next_if(|c| !c.is_whitespace()) {
                value.push(if c == '\\' { it.next()? } else { c });
            }
        }
        if key.is_empty() {
            return None;
        }
        pairs.push((key, value));
    }
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `name` on `PATH`, as an executable file.
fn which(name: &str) -> Option<PathBuf> {
    let file = format!("{name}{}", env::consts::EXE_SUFFIX);
    env::split_paths(&env::var_os("PATH")?)
        .map(|dir| dir.join(&file))
        .find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

fn exe_in(dir: &Path, name: &str) -> Option<PathBuf> {
    let path = dir.join(format!("{name}{}", env::consts::EXE_SUFFIX));
    is_executable(&path).then_some(path)
}

fn env_bindir() -> Option<PathBuf> {
    env::var_os(BINDIR_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Result of `pg_config --bindir`, or a note on why there is none.
fn pg_config_bindir() -> Result<PathBuf, String> {
    match Command::new("pg_config")
        .arg("--bindir")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
    {
        Ok(out) if out.status.success() => {
            let dir = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            if dir.is_empty() {
                Err("pg_config --bindir printed nothing".to_owned())
            } else {
                Ok(PathBuf::from(dir))
            }
        }
        Ok(out) => Err(format!("pg_config --bindir failed ({})", out.status)),
        Err(_) => Err("pg_config is not on PATH".to_owned()),
    }
}

/// `/usr/lib/postgresql/<version>/bin` directories (Debian's layout), newest version first.
fn debian_bindirs() -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir("/usr/lib/postgresql") else {
        return Vec::new();
    };
    let mut versions: Vec<(Vec<u64>, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let version = name
                .split('.')
                .map(|part| part.parse::<u64>().ok())
                .collect::<Option<Vec<_>>>()?;
            Some((version, e.path().join("bin")))
        })
        .collect();
    versions.sort_by(|a, b| b.0.cmp(&a.0));
    versions.into_iter().map(|(_, dir)| dir).collect()
}

/// Where to find `psql`: next to the server binaries if we have them, else the same search as
/// for the server.
fn find_psql(bindir: Option<&Path>) -> Option<PathBuf> {
    bindir
        .and_then(|d| exe_in(d, "psql"))
        .or_else(|| env_bindir().and_then(|d| exe_in(&d, "psql")))
        .or_else(|| pg_config_bindir().ok().and_then(|d| exe_in(&d, "psql")))
        .or_else(|| which("psql"))
        .or_else(|| debian_bindirs().iter().find_map(|d| exe_in(d, "psql")))
}

/// Directory holding both `initdb` and `postgres`, searched in the documented order.
fn find_server_bindir() -> Result<PathBuf, Error> {
    let has_server =
        |dir: &Path| exe_in(dir, "initdb").is_some() && exe_in(dir, "postgres").is_some();
    if let Some(dir) = env_bindir() {
        // An explicit setting that does not work is a mistake to report, not to skip over.
        return if has_server(&dir) {
            Ok(dir)
        } else {
            Err(Error::new(
                ErrorKind::Setup,
                format!(
                    "${BINDIR_ENV}={} does not contain both initdb and postgres",
                    dir.display()
                ),
            ))
        };
    }
    let mut tried = vec![format!("${BINDIR_ENV} is not set")];
    match pg_config_bindir() {
        Ok(dir) if has_server(&dir) => return Ok(dir),
        Ok(dir) => tried.push(format!(
            "pg_config --bindir names {}, which lacks initdb or postgres",
            dir.display()
        )),
        Err(why) => tried.push(why),
    }
    match which("initdb") {
        Some(initdb) => {
            // e.g. /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb: the server
            // binary lives next to the real file, not next to the symlink.
            let real = fs::canonicalize(&initdb).unwrap_or_else(|_| initdb.clone());
            match real.parent() {
                Some(dir) if has_server(dir) => return Ok(dir.to_owned()),
                _ => tried.push(format!("{} has no postgres next to it", real.display())),
            }
        }
        None => tried.push("initdb is not on PATH".to_owned()),
    }
    let debian = debian_bindirs();
    if let Some(dir) = debian.iter().find(|d| has_server(d)) {
        return Ok(dir.clone());
    }
    tried.push(if debian.is_empty() {
        "no /usr/lib/postgresql/*/bin".to_owned()
    } else {
        "no /usr/lib/postgresql/*/bin has initdb and postgres".to_owned()
    });
    Err(Error::new(
        ErrorKind::Unavailable,
        format!(
            "no PostgreSQL server binaries found ({}); install PostgreSQL, set ${BINDIR_ENV}, \
             or set ${URL_ENV} to use an existing server",
            tried.join("; ")
        ),
    ))
}

#[cfg(not(unix))]
mod local {
    use super::{Cluster, Error, ErrorKind, URL_ENV};

    pub(super) fn start() -> Result<Cluster, Error> {
        Err(Error::new(
            ErrorKind::Unavailable,
            format!(
                "starting a throwaway PostgreSQL is only supported on Unix; set ${URL_ENV} to \
                 use an existing server"
            ),
        ))
    }

    pub(super) struct Tls {
        pub(super) dir: std::path::PathBuf,
        pub(super) port: u16,
    }

    impl Tls {
        pub(super) fn start(_: &[u8], _: &[u8], _: &str) -> Result<Tls, Error> {
            Err(Error::new(
                ErrorKind::Unavailable,
                "a TLS server of its own is only started on Unix",
            ))
        }
    }
}

/// The throwaway cluster: initdb, a server as a child of a process-long thread, and teardown at
/// process exit.
#[cfg(unix)]
mod local {
    use super::{find_psql, find_server_bindir, local_conninfo, Cluster, Error, ErrorKind, Target};
    use std::ffi::CString;
    use std::fs;
    use std::io;
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    use std::path::{Path, PathBuf};
    use std::process::{Command, ExitStatus, Stdio};
    use std::sync::atomic::{AtomicI32, Ordering};
    use std::sync::{mpsc, Condvar, Mutex, OnceLock};
    use std::thread;
    use std::time::{Duration, Instant};

    const START_TIMEOUT: Duration = Duration::from_secs(30);
    /// How long each shutdown signal gets before we escalate.
    const STOP_GRACE: Duration = Duration::from_secs(5);
    /// Name prefix of cluster directories, also used to find stale ones.
    const DIR_PREFIX: &str = "schemac-pg-";
    /// File in the cluster directory holding the pid of the process that owns it.
    const OWNER_FILE: &str = "owner.pid";
    /// Cluster directories untouched for this long may be swept when their owner is gone.
    const STALE_AGE: Duration = Duration::from_secs(120);

    /// Removes cluster directories left behind by test processes that died without running
    /// their atexit handler (SIGKILL, or Ctrl-C, which kills the process group: the server
    /// then stops, but nothing removes the directory). Conservative: a directory is only removed
    /// when it is older than [`STALE_AGE`], its owner process no longer exists, and no server
    /// answers on its socket (the last check protects clusters of processes in another pid
    /// namespace that shares /tmp).
    fn sweep_stale(base: &Path) {
        let Ok(entries) = fs::read_dir(base) else {
            return;
        };
        for entry in entries.flatten() {
            if !entry.file_name().to_string_lossy().starts_with(DIR_PREFIX) {
                continue;
            }
            let dir = entry.path();
            let Ok(meta) = fs::symlink_metadata(&dir) else {
                continue;
            };
            let age = meta.modified().ok().and_then(|m| m.elapsed().ok());
            if !meta.is_dir() || age.is_none_or(|age| age < STALE_AGE) {
                continue;
            }
            let owner = fs::read_to_string(dir.join(OWNER_FILE))
                .ok()
                .and_then(|s| s.trim().parse::<libc::pid_t>().ok());
            let Some(owner) = owner.filter(|&pid| pid > 0) else {
                continue;
            };
            // SAFETY: signal 0 only checks for existence.
            let alive = unsafe { libc::kill(owner, 0) } == 0
                || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
            let socket = dir.join(format!(".s.PGSQL.{}", super::LOCAL_PORT));
            if alive || std::os::unix::net::UnixStream::connect(socket).is_ok() {
                continue;
            }
            let _ = fs::remove_dir_all(&dir);
        }
    }

    /// The running server, reachable from the `atexit` handler.
    struct Server {
        dir: PathBuf,
        /// Pid of the postmaster, 0 until it has been spawned.
        pid: AtomicI32,
        /// Set by the supervisor thread once the postmaster has exited.
        exit: Mutex<Option<io::Result<ExitStatus>>>,
        exited: Condvar,
    }

    static SERVER: OnceLock<Server> = OnceLock::new();

    impl Server {
        fn has_exited(&self) -> bool {
            self.exit
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .is_some()
        }

        fn exit_description(&self) -> Option<String> {
            let guard = self.exit.lock().unwrap_or_else(|e| e.into_inner());
            guard.as_ref().map(|r| match r {
                Ok(status) => status.to_string(),
                Err(e) => format!("wait failed: {e}"),
            })
        }

        fn wait_exit(&self, timeout: Duration) -> bool {
            let guard = self.exit.lock().unwrap_or_else(|e| e.into_inner());
            let (guard, _) = self
                .exited
                .wait_timeout_while(guard, timeout, |exit| exit.is_none())
                .unwrap_or_else(|e| e.into_inner());
            guard.is_some()
        }

        /// Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL, each after a grace
        /// period. Only signals the pid while the supervisor has not reaped it, so a recycled
        /// pid is never hit.
        fn stop(&self) {
            let pid = self.pid.load(Ordering::SeqCst);
            if pid <= 0 {
                return;
            }
            for signal in [libc::SIGINT, libc::SIGQUIT, libc::SIGKILL] {
                if self.has_exited() {
                    return;
                }
                // SAFETY: plain syscall; pid is our own unreaped child.
                unsafe { libc::kill(pid, signal) };
                if self.wait_exit(STOP_GRACE) {
                    return;
                }
            }
        }
    }

    /// Runs at process exit (the test harness has no global teardown): stops the server and
    /// removes its directory. Must not panic, as it is called from C.
    extern "C" fn stop_at_exit() {
        let _ = std::panic::catch_unwind(|| {
            if let Some(server) = SERVER.get() {
                server.stop();
                let _ = fs::remove_dir_all(&server.dir);
            }
        });
    }

    /// Removes the directory if startup fails half-way.
    struct DirGuard(Option<PathBuf>);

    impl Drop for DirGuard {
        fn drop(&mut self) {
            if let Some(dir) = self.0.take() {
                let _ = fs::remove_dir_all(dir);
            }
        }
    }

    pub(super) fn start() -> Result<Cluster, Error> {
        let bindir = find_server_bindir()?;
        let owner = server_owner()?;

        // Under /tmp rather than $TMPDIR: the postgres user must be able to traverse the
        // parent, and the socket path must stay short (sun_path is ~107 bytes).
        let base = Path::new("/tmp");
        let base = if base.is_dir() {
            base.to_owned()
        } else {
            std::env::temp_dir()
        };
        sweep_stale(&base);
        let dir = tempfile::Builder::new()
            .prefix(DIR_PREFIX)
            .tempdir_in(&base)
            .map_err(|e| setup("could not create a directory for the PostgreSQL cluster", e))?
            .keep();
        let mut guard = DirGuard(Some(dir.clone()));
        fs::write(dir.join(OWNER_FILE), std::process::id().to_string())
            .map_err(|e| setup("could not write into the cluster directory", e))?;
        // 0755 so that whoever runs the tests can reach the socket; initdb makes data/ 0700.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755))
            .map_err(|e| setup("could not set permissions on the cluster directory", e))?;
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).map_err(|e| {
                setup(
                    "could not hand the cluster directory to the postgres user",
                    e,
                )
            })?;
        }
        let data = dir.join("data");
        let log_path = dir.join("server.log");

        initdb(&bindir, &data, owner, &dir)?;

        let mut postgres = server(&bindir, &data, &dir, super::LOCAL_PORT, &log_path, owner)?;
        postgres
            // No TCP at all: the socket in our private directory is the only way in.
            .args(["-c", "listen_addresses="])
            .args(["-c", "full_page_writes=off", "-c", "synchronous_commit=off"]);
        // pg_cron, when installed, schedules in one database of the server, made below:
        // `Cluster::cron_conninfo`.
        let cron = bindir
            .parent()
            .is_some_and(|p| p.join("lib").join("pg_cron.so").is_file());
        if cron {
            postgres
                .arg("-c")
                .arg("shared_preload_libraries=pg_cron")
                .arg("-c")
                .arg(format!("cron.database_name={}", super::CRON_DATABASE));
        }

        let server = SERVER.get_or_init(|| Server {
            dir: dir.clone(),
            pid: AtomicI32::new(0),
            exit: Mutex::new(None),
            exited: Condvar::new(),
        });
        if server.dir != dir {
            // Only one local cluster per process; `available` guarantees we get here once.
            return Err(Error::new(
                ErrorKind::Setup,
                "a local PostgreSQL cluster was already started in this process",
            ));
        }
        spawn_supervised(postgres, server)?;
        // From here on the atexit handler owns cleanup of the server and the directory.
        // SAFETY: registering a plain extern "C" fn.
        unsafe { libc::atexit(stop_at_exit) };

        let admin = local_conninfo(&dir, "postgres");
        if let Err(mut e) = wait_ready(&admin, server) {
            server.stop();
            let log = fs::read_to_string(&log_path).unwrap_or_default();
            // The directory (and the log with it) is removed when `guard` drops.
            e.message = format!("{}\nserver log:\n{}", e.message, tail(&log));
            return Err(e);
        }
        if cron {
            let made = super::connect_with_timeout(&admin, "the maintenance database").and_then(
                |mut c| {
                    c.batch_execute(&format!("CREATE DATABASE {}", super::CRON_DATABASE))
                        .map_err(|e| {
                            Error::with_source(
                                ErrorKind::Setup,
                                "could not create the pg_cron database",
                                e,
                            )
                        })
                },
            );
            if let Err(e) = made {
                server.stop();
                return Err(e);
            }
        }
        guard.0 = None;
        Ok(Cluster {
            admin,
            target: Target::Local { socket_dir: dir },
            psql: find_psql(Some(&bindir)),
        })
    }

    /// The TLS server of [`super::TlsServer`]: a child process of the thread
    /// that started it.
    pub(super) struct Tls {
        pub(super) dir: PathBuf,
        pub(super) port: u16,
        child: std::process::Child,
    }

    impl Tls {
        pub(super) fn start(cert: &[u8], key: &[u8], hba: &str) -> Result<Tls, Error> {
            let bindir = find_server_bindir()?;
            let owner = server_owner()?;
            let dir = tempfile::Builder::new()
                .prefix(DIR_PREFIX)
                .tempdir_in("/tmp")
                .map_err(|e| setup("could not create a directory for the TLS server", e))?
                .keep();
            let mut guard = DirGuard(Some(dir.clone()));
            fs::write(dir.join(OWNER_FILE), std::process::id().to_string())
                .map_err(|e| setup("could not write into the TLS server's directory", e))?;
            fs::set_permissions(&dir, fs::Permissions::from_mode(0o755))
                .map_err(|e| setup("could not set permissions on the TLS server's directory", e))?;
            if let Some((uid, gid)) = owner {
                std::os::unix::fs::chown(&dir, Some(uid), Some(gid))
                    .map_err(|e| setup("could not hand the directory to the postgres user", e))?;
            }
            let data = dir.join("data");
            initdb(&bindir, &data, owner, &dir)?;
            // The server refuses a key others can read.
            for (name, text, mode) in [
                ("server.crt", cert, 0o644),
                ("server.key", key, 0o600),
                ("pg_hba.conf", hba.as_bytes(), 0o600),
            ] {
                let path = data.join(name);
                fs::write(&path, text).map_err(|e| setup("could not write the TLS files", e))?;
                fs::set_permissions(&path, fs::Permissions::from_mode(mode))
                    .map_err(|e| setup("could not set the TLS files' permissions", e))?;
                if let Some((uid, gid)) = owner {
                    std::os::unix::fs::chown(&path, Some(uid), Some(gid))
                        .map_err(|e| setup("could not hand the TLS files to postgres", e))?;
                }
            }
            // A free port: bound, then released for the server.
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_err(|e| setup("could not find a free port", e))?
                .port();
            let mut postgres = server(&bindir, &data, &dir, port, &dir.join("server.log"), owner)?;
            postgres
                .args(["-c", "listen_addresses=127.0.0.1", "-c", "ssl=on"])
                .args([
                    "-c",
                    "ssl_cert_file=server.crt",
                    "-c",
                    "ssl_key_file=server.key",
                ]);
            let child = postgres
                .spawn()
                .map_err(|e| setup("could not start postgres", e))?;
            let mut tls = Tls {
                dir: dir.clone(),
                port,
                child,
            };
            guard.0 = None;
            let admin = format!(
                "host={} port={port} user=postgres dbname=postgres",
                dir.display()
            );
            let deadline = Instant::now() + START_TIMEOUT;
            loop {
                match postgres::Client::connect(&admin, postgres::NoTls) {
                    Ok(_) => return Ok(tls),
                    Err(e)
                        if Instant::now() >= deadline
                            || tls.child.try_wait().ok().flatten().is_some() =>
                    {
                        let log = fs::read_to_string(dir.join("server.log")).unwrap_or_default();
                        tls.stop();
                        return Err(Error::with_source(
                            ErrorKind::Setup,
                            format!("the TLS server did not start; its log:\n{}", tail(&log)),
                            e,
                        ));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(50)),
                }
            }
        }

        fn stop(&mut self) {
            // SAFETY: plain syscall on our own unreaped child.
            unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGQUIT) };
            let _ = self.child.wait();
            let _ = fs::remove_dir_all(&self.dir);
        }
    }

    impl Drop for Tls {
        fn drop(&mut self) {
            self.stop();
        }
    }

    fn tail(log: &str) -> &str {
        const MAX: usize = 8000;
        if log.len() <= MAX {
            return log;
        }
        let mut start = log.len() - MAX;
        while !log.is_char_boundary(start) {
            start += 1;
        }
        &log[start..]
    }

    /// Spawns the postmaster from a dedicated thread that then waits for it for the rest of the
    /// process. The thread matters: PR_SET_PDEATHSIG fires when the *thread* that forked the
    /// child exits, so forking from a short-lived test thread would kill the server as soon as
    /// that test finished.
    fn spawn_supervised(mut cmd: Command, server: &'static Server) -> Result<(), Error> {
        let (tx, rx) = mpsc::channel();
        thread::Builder::new()
            .name("schemac-postgres".to_owned())
            .spawn(move || match cmd.spawn() {
                Ok(mut child) => {
                    server.pid.store(child.id() as i32, Ordering::SeqCst);
                    let _ = tx.send(Ok(()));
                    let status = child.wait();
                    let mut exit = server.exit.lock().unwrap_or_else(|e| e.into_inner());
                    *exit = Some(status);
                    server.exited.notify_all();
                }
                Err(e) => {
                    let _ = tx.send(Err(e));
                }
            })
            .map_err(|e| {
                Error::with_source(ErrorKind::Setup, "could not start the supervisor thread", e)
            })?;
        match rx.recv() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(Error::with_source(
                ErrorKind::Setup,
                "could not start postgres",
                e,
            )),
            Err(_) => Err(Error::new(
                ErrorKind::Setup,
                "the postgres supervisor thread died before starting the server",
            )),
        }
    }

    fn wait_ready(admin: &str, server: &Server) -> Result<(), Error> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = server.exit_description() {
                return Err(Error::new(
                    ErrorKind::Setup,
                    format!("postgres exited during startup ({status})"),
                ));
            }
            let err = match postgres::Client::connect(admin, postgres::NoTls) {
                Ok(_) => return Ok(()),
                Err(e) => e,
            };
            if Instant::now() >= deadline {
                return Err(Error::with_source(
                    ErrorKind::Setup,
                    format!(
                        "postgres did not accept connections within {} s",
                        START_TIMEOUT.as_secs()
                    ),
                    err,
                ));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    fn setup(what: &str, e: io::Error) -> Error {
        Error::with_source(ErrorKind::Setup, what, e)
    }

    /// The server of `data`, its socket in `dir`, logging to `log_path`; durability is
    /// pointless for a cluster that is deleted at exit. Callers add their settings.
    fn server(
        bindir: &Path,
        data: &Path,
        dir: &Path,
        port: u16,
        log_path: &Path,
        owner: Option<(u32, u32)>,
    ) -> Result<Command, Error> {
        let log =
            fs::File::create(log_path).map_err(|e| setup("could not create the server log", e))?;
        let log2 = log
            .try_clone()
            .map_err(|e| setup("could not duplicate the server log handle", e))?;
        let mut postgres = Command::new(bindir.join("postgres"));
        postgres
            .arg("-D")
            .arg(data)
            .arg("-k")
            .arg(dir)
            .arg("-p")
            .arg(port.to_string())
            .args(["-c", "fsync=off", "-c", "autovacuum=off"])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2);
        prepare(&mut postgres, owner, dir);
        Ok(postgres)
    }

    /// A new data directory in `data`, owned by `owner`, trusting local logins.
    fn initdb(
        bindir: &Path,
        data: &Path,
        owner: Option<(u32, u32)>,
        dir: &Path,
    ) -> Result<(), Error> {
        let mut initdb = Command::new(bindir.join("initdb"));
        initdb
            .arg("-D")
            .arg(data)
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ])
            .stdin(Stdio::null());
        prepare(&mut initdb, owner, dir);
        let out = initdb
            .output()
            .map_err(|e| setup(&format!("could not run {}/initdb", bindir.display()), e))?;
        if !out.status.success() {
            return Err(Error::new(
                ErrorKind::Setup,
                format!(
                    "{}/initdb failed ({}):\n{}{}",
                    bindir.display(),
                    out.status,
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                ),
            ));
        }
        Ok(())
    }

    /// Common setup for initdb and postgres: drop root privileges if needed, run inside the
    /// cluster directory (postgres must be able to read its cwd and $HOME), and die with us.
    fn prepare(cmd: &mut Command, owner: Option<(u32, u32)>, dir: &Path) {
        cmd.current_dir(dir).env("HOME", dir).env_remove("PGDATA");
        if let Some((uid, gid)) = owner {
            cmd.uid(uid).gid(gid);
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            // SAFETY: getpid is always safe; see the closure comment for the rest.
            let parent = unsafe { libc::getpid() };
            // SAFETY: the closure only makes async-signal-safe syscalls and does not allocate.
            // std runs it after setuid/setgid, which matters: a credential change clears the
            // parent-death signal, so setting it earlier would be lost.
            unsafe {
                cmd.pre_exec(move || {
                    if libc::prctl(
                        libc::PR_SET_PDEATHSIG,
                        libc::SIGQUIT as libc::c_ulong,
                        0,
                        0,
                        0,
                    ) != 0
                    {
                        return Err(io::Error::last_os_error());
                    }
                    // The parent may have died before prctl; then no signal will ever come.
                    if libc::getppid() != parent {
                        return Err(io::Error::from_raw_os_error(libc::ESRCH));
                    }
                    Ok(())
                });
            }
        }
    }

    /// `Some((uid, gid))` of the `postgres` user when running as root (PostgreSQL refuses to
    /// run as root), `None` when no privilege change is needed.
    fn server_owner() -> Result<Option<(u32, u32)>, Error> {
        // SAFETY: plain syscall.
        if unsafe { libc::geteuid() } != 0 {
            return Ok(None);
        }
        let missing = || {
            Error::new(
                ErrorKind::Unavailable,
                "running as root, which PostgreSQL refuses, and there is no `postgres` user to \
                 run the server as",
            )
        };
        let name = CString::new("postgres").map_err(|_| missing())?;
        let mut buf = vec![0 as libc::c_char; 16 * 1024];
        // SAFETY: passwd is plain old data; getpwnam_r fills it and points `result` at it on
        // success, with strings stored in `buf`, which outlives every use below.
        unsafe {
            let mut pwd: libc::passwd = std::mem::zeroed();
            let mut result: *mut libc::passwd = std::ptr::null_mut();
            let rc = libc::getpwnam_r(
                name.as_ptr(),
                &mut pwd,
                buf.as_mut_ptr(),
                buf.len(),
                &mut result,
            );
            if rc != 0 || result.is_null() {
                return Err(missing());
            }
            Ok(Some((pwd.pw_uid, pwd.pw_gid)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_valid_identifiers() {
        let name = database_name(&sanitize_prefix("Weird-Prefix \"x\""), 4242, 7);
        assert_eq!(name, "weird_prefix__x__4242_7");
        assert_eq!(
            database_name(&sanitize_prefix("9lives"), 1, 2),
            "db_9lives_1_2"
        );
        let long = database_name(&sanitize_prefix(&"x".repeat(100)), u32::MAX, u64::MAX);
        assert_eq!(long.len(), MAX_IDENT_LEN);
        assert!(long.ends_with(&format!("_{}_{}", u32::MAX, u64::MAX)));
    }

    #[test]
    fn conninfo_values_are_quoted_when_needed() {
        assert_eq!(conninfo_value("/tmp/x"), "/tmp/x");
        assert_eq!(conninfo_value("a b"), "'a b'");
        assert_eq!(conninfo_value("it's\\"), "'it\\'s\\\\'");
        assert_eq!(conninfo_value(""), "''");
    }

    #[test]
    fn keyword_value_round_trip() {
        let pairs =
            parse_keyword_value("host=/tmp/s  port = 5433 password='a b\\'c' dbname=x").unwrap();
        assert_eq!(
            pairs,
            [
                ("host".to_owned(), "/tmp/s".to_owned()),
                ("port".to_owned(), "5433".to_owned()),
                ("password".to_owned(), "a b'c".to_owned()),
                ("dbname".to_owned(), "x".to_owned()),
            ]
        );
        assert!(parse_keyword_value("host").is_none());
        assert!(parse_keyword_value("host='open").is_none());
    }

    #[test]
    fn dbname_is_set_in_every_form() {
        let url = Cluster {
            admin: String::new(),
            target: Target::Url("postgresql://u:p@db.example:5433/admin?sslmode=disable".into()),
            psql: None,
        };
        assert_eq!(
            url.conninfo_for("t_1"),
            "postgresql://u:p@db.example:5433/admin?sslmode=disable&dbname=t_1"
        );
        assert_eq!(
            url_with_dbname("postgres://h", "a b"),
            "postgres://h?dbname=a%20b"
        );

        let kv = Cluster {
            admin: String::new(),
            target: Target::KeyValue(parse_keyword_value("host=h dbname=admin user=u").unwrap()),
            psql: None,
        };
        assert_eq!(kv.conninfo_for("t_1"), "host=h user=u dbname=t_1");
        assert_eq!(kv.url_for("t_1"), "postgresql://?host=h&user=u&dbname=t_1");

        let local = Cluster {
            admin: String::new(),
            target: Target::Local {
                socket_dir: PathBuf::from("/tmp/schemac-pg-x"),
            },
            psql: None,
        };
        assert_eq!(
            local.conninfo_for("t_1"),
            "host=/tmp/schemac-pg-x port=5432 user=postgres dbname=t_1"
        );
        assert_eq!(
            local.url_for("t_1"),
            "postgresql://postgres@%2Ftmp%2Fschemac-pg-x:5432/t_1"
        );
    }

    #[test]
    fn parses_every_config_form_the_postgres_crate_accepts() {
        for s in [
            "postgresql://?host=%2Ftmp&user=postgres&dbname=x",
            "postgresql://postgres@%2Ftmp%2Fschemac-pg-x:5432/t_1",
            "host=/tmp/x port=5432 user=postgres dbname=a dbname=b",
        ] {
            let config: postgres::Config = s.parse().unwrap();
            assert!(config.get_dbname().is_some(), "{s}");
        }
        let config: postgres::Config = "host=/tmp dbname=a dbname=b".parse().unwrap();
        assert_eq!(config.get_dbname(), Some("b"));
        let config: postgres::Config = "postgresql://h/a?dbname=b".parse().unwrap();
        assert_eq!(config.get_dbname(), Some("b"));
    }
}
