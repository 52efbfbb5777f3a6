//! Connecting as libpq users expect: a URL or `key=value` string, and
//! whatever it leaves out from `PGSERVICE` (its section of
//! `PGSERVICEFILE` or `~/.pg_service.conf`), the `PGHOST`, `PGPORT`,
//! `PGDATABASE`, `PGUSER`, `PGPASSWORD`, `PGSSLMODE`, `PGSSLROOTCERT`
//! variables and `PGPASSFILE` or `~/.pgpass`. TLS follows `sslmode`, all
//! six of libpq's, through native-tls. A password is never printed:
//! [`redact`] cleans every text that may hold a connection string.

use crate::error::{pg_message, Error};
use dsl::Code;
use postgres::config::{Host, SslMode};
use postgres::error::SqlState;
use postgres::{Client, Config};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// libpq's `sslmode`: how much TLS a connection insists on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ssl {
    Disable,
    /// Without TLS first; with it when the server refuses that.
    Allow,
    /// With TLS when the server offers it, unverified.
    Prefer,
    /// With TLS or not at all, unverified (verified like `verify-ca`
    /// when a root certificate is given, as libpq does).
    Require,
    /// The server's certificate is signed by the root certificate.
    VerifyCa,
    /// ... and names the host connected to.
    VerifyFull,
}

impl Ssl {
    pub const NAMES: [&'static str; 6] = [
        "disable",
        "allow",
        "prefer",
        "require",
        "verify-ca",
        "verify-full",
    ];

    pub fn parse(s: &str) -> Option<Ssl> {
        Some(match s {
            "disable" => Ssl::Disable,
            "allow" => Ssl::Allow,
            "prefer" => Ssl::Prefer,
            "require" => Ssl::Require,
            "verify-ca" => Ssl::VerifyCa,
            "verify-full" => Ssl::VerifyFull,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Ssl::Disable => "disable",
            Ssl::Allow => "allow",
            Ssl::Prefer => "prefer",
            Ssl::Require => "require",
            Ssl::VerifyCa => "verify-ca",
            Ssl::VerifyFull => "verify-full",
        }
    }
}

/// Where to connect, and how to name it in output.
#[derive(Clone, Debug)]
pub struct Target {
    pub config: Config,
    /// `user@host:port/dbname`, without the password.
    pub display: String,
    pub ssl: Ssl,
    /// The certificate (PEM) the server's must be signed by: `sslrootcert`.
    pub root_cert: Option<Vec<u8>>,
}

impl Target {
    /// A connection to the target's database, its failure coded.
    pub fn connect(&self) -> Result<Client, Error> {
        self.open(&self.config).map_err(|e| self.refusal(&e))
    }

    /// A connection made as `sslmode` says, to `config` (the target's, or
    /// another database beside it).
    pub fn open(&self, config: &Config) -> Result<Client, postgres::Error> {
        let mut config = config.clone();
        // libpq never uses TLS on a Unix socket, whatever sslmode says.
        let local = config
            .get_hosts()
            .iter()
            .all(|h| matches!(h, Host::Unix(_)));
        if local || self.ssl == Ssl::Disable {
            return config.ssl_mode(SslMode::Disable).connect(postgres::NoTls);
        }
        let tls = match self.connector() {
            Ok(t) => t,
            // `target` read the root certificate already; should the TLS
            // library still refuse it, nothing is sent in the clear.
            Err(_) => return config.ssl_mode(SslMode::Require).connect(postgres::NoTls),
        };
        match self.ssl {
            Ssl::Allow => match config.ssl_mode(SslMode::Disable).connect(postgres::NoTls) {
                Ok(c) => Ok(c),
                Err(first) => config
                    .ssl_mode(SslMode::Require)
                    .connect(tls)
                    .map_err(|_| first),
            },
            Ssl::Prefer => config.ssl_mode(SslMode::Prefer).connect(tls),
            _ => config.ssl_mode(SslMode::Require).connect(tls),
        }
    }

    /// The TLS connector for `sslmode`: unverified for `allow`, `prefer`
    /// and `require` without a root certificate; verified against it (or
    /// the system's roots) otherwise.
    fn connector(&self) -> Result<postgres_native_tls::MakeTlsConnector, native_tls::Error> {
        let mut b = native_tls::TlsConnector::builder();
        let verify = match self.ssl {
            Ssl::VerifyCa | Ssl::VerifyFull => true,
            Ssl::Require => self.root_cert.is_some(),
            _ => false,
        };
        if verify {
            if let Some(pem) = &self.root_cert {
                b.add_root_certificate(native_tls::Certificate::from_pem(pem)?);
                b.disable_built_in_roots(true);
            }
            b.danger_accept_invalid_hostnames(self.ssl != Ssl::VerifyFull);
        } else {
            b.danger_accept_invalid_certs(true);
            b.danger_accept_invalid_hostnames(true);
        }
        Ok(postgres_native_tls::MakeTlsConnector::new(b.build()?))
    }

    /// Why a connection was not made, coded.
    fn refusal(&self, e: &postgres::Error) -> Error {
        let over = match self.ssl {
            Ssl::Require | Ssl::VerifyCa | Ssl::VerifyFull => {
                format!(" over TLS (sslmode={})", self.ssl.name())
            }
            _ => String::new(),
        };
        let text = redact(&pg_message(e));
        let message = format!("cannot connect to {}{over}: {text}", self.display);
        match e.code() {
            Some(c) if *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION && text.contains("no encryption") => {
                Error::database(Code::TlsFailed, message).help(
                    "the server's pg_hba.conf admits this connection only over TLS (hostssl): connect with sslmode=require or stronger",
                )
            }
            Some(c)
                if *c == SqlState::INVALID_PASSWORD
                    || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION =>
            {
                Error::database(Code::AuthenticationFailed, message)
            }
            None if !over.is_empty() && (text.contains("TLS") || text.contains("certificate")) => {
                Error::database(Code::TlsFailed, message)
            }
            _ => Error::database(Code::ConnectionFailed, message),
        }
    }
}

/// Settings from the environment (`PG*` and the service file), as libpq
/// names them.
fn environment(env: &dyn Fn(&str) -> Option<String>) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    if let Some(service) = env("PGSERVICE") {
        let file = env("PGSERVICEFILE")
            .map(PathBuf::from)
            .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".pg_service.conf")));
        let text = file
            .as_ref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .unwrap_or_default();
        let section = service_section(&text, &service).ok_or_else(|| {
            format!("PGSERVICE names service `{service}`, which no service file defines")
        })?;
        out.extend(section);
    }
    for (var, key) in [
        ("PGHOST", "host"),
        ("PGPORT", "port"),
        ("PGDATABASE", "dbname"),
        ("PGUSER", "user"),
        ("PGPASSWORD", "password"),
        ("PGSSLMODE", "sslmode"),
        ("PGSSLROOTCERT", "sslrootcert"),
        ("PGAPPNAME", "application_name"),
        ("PGCONNECT_TIMEOUT", "connect_timeout"),
    ] {
        if let Some(v) = env(var).filter(|v| !v.is_empty()) {
            out.insert(key.to_string(), v);
        }
    }
    Ok(out)
}

/// The `key=value` lines of `[service]` in a service file.
fn service_section(text: &str, service: &str) -> Option<BTreeMap<String, String>> {
    let mut current: Option<&str> = None;
    let mut found = None::<BTreeMap<String, String>>;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = Some(name.trim());
            if current == Some(service) {
                found.get_or_insert_with(BTreeMap::new);
            }
            continue;
        }
        if current == Some(service) {
            if let (Some(map), Some((k, v))) = (found.as_mut(), line.split_once('=')) {
                map.insert(k.trim().to_string(), v.trim().to_string());
            }
        }
    }
    found
}

/// The password `.pgpass` gives for this host, port, database and user
/// (`*` matches anything; `\:` and `\\` are escapes).
fn pgpass(text: &str, host: &str, port: &str, db: &str, user: &str) -> Option<String> {
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => field.extend(chars.next()),
                ':' if fields.len() < 4 => fields.push(std::mem::take(&mut field)),
                c => field.push(c),
            }
        }
        fields.push(field);
        if fields.len() != 5 {
            continue;
        }
        let matches = |pattern: &str, value: &str| pattern == "*" || pattern == value;
        if matches(&fields[0], host)
            && matches(&fields[1], port)
            && matches(&fields[2], db)
            && matches(&fields[3], user)
        {
            return Some(fields[4].clone());
        }
    }
    None
}

/// The target for `url` (a `postgresql://` URL or a `key=value` string;
/// none: the environment alone), completed from the environment.
pub fn target(url: Option<&str>) -> Result<Target, Error> {
    target_with(url, &|k| std::env::var(k).ok())
}

pub fn target_with(
    url: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Target, Error> {
    let bad = |m: String| Error::refused(Code::BadDatabaseUrl, m);
    let settings = environment(env).map_err(bad)?;
    // The URL's TLS settings are read here: the client library knows
    // three of libpq's six modes and not `sslrootcert`.
    let (url, url_ssl) = match url {
        Some(u) => {
            let (rest, taken) = take_tls_settings(u);
            (Some(rest), taken)
        }
        None => (None, BTreeMap::new()),
    };
    let url = url.as_deref();
    // libpq takes the port from the environment when the URL's hosts name
    // none; the URL parser would put 5432 in its place.
    let completed = match (url, settings.get("port")) {
        (Some(u), Some(port)) => Some(with_port(u, port)),
        (u, _) => u.map(str::to_string),
    };
    let mut config: Config = match completed.as_deref() {
        Some(u) => u
            .parse()
            .map_err(|e| bad(format!("cannot read the database URL {}: {e}", redact(u))))?,
        None => Config::new(),
    };
    let get = |k: &str| settings.get(k).cloned();
    if config.get_hosts().is_empty() {
        let hosts = get("host").unwrap_or_else(|| "/var/run/postgresql".into());
        for h in hosts.split(',') {
            if h.starts_with('/') {
                config.host_path(h);
            } else {
                config.host(h);
            }
        }
    }
    if config.get_ports().is_empty() {
        if let Some(p) = get("port") {
            let port = p
                .parse()
                .map_err(|_| bad(format!("PGPORT is not a port number: {p}")))?;
            config.port(port);
        }
    }
    if config.get_user().is_none() {
        let user = get("user")
            .or_else(|| env("USER"))
            .unwrap_or_else(|| "postgres".into());
        config.user(&user);
    }
    if config.get_dbname().is_none() {
        let db = get("dbname").unwrap_or_else(|| config.get_user().unwrap_or("").to_string());
        config.dbname(&db);
    }
    let ssl_setting = url_ssl.get("sslmode").cloned().or_else(|| get("sslmode"));
    let ssl = match ssl_setting.as_deref() {
        None => Ssl::Prefer,
        Some(m) => Ssl::parse(m).ok_or_else(|| {
            bad(format!(
                "sslmode is `{m}`, not one of {}",
                Ssl::NAMES.join(", ")
            ))
        })?,
    };
    let root_file = url_ssl
        .get("sslrootcert")
        .cloned()
        .or_else(|| get("sslrootcert"))
        .map(PathBuf::from)
        .or_else(|| {
            // libpq's default root certificate, when it exists.
            let default = PathBuf::from(env("HOME")?).join(".postgresql/root.crt");
            (matches!(ssl, Ssl::VerifyCa | Ssl::VerifyFull) && default.is_file()).then_some(default)
        });
    let root_cert = match root_file {
        None => None,
        Some(f) => {
            let pem = std::fs::read(&f)
                .map_err(|e| bad(format!("cannot read sslrootcert {}: {e}", f.display())))?;
            native_tls::Certificate::from_pem(&pem).map_err(|e| {
                bad(format!(
                    "sslrootcert {} is not a PEM certificate: {e}",
                    f.display()
                ))
            })?;
            Some(pem)
        }
    };
    if let Some(app) = get("application_name") {
        config.application_name(&app);
    } else if config.get_application_name().is_none() {
        config.application_name("schemac");
    }
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(p)) => p.display().to_string(),
        None => String::new(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or("").to_string();
    let db = config.get_dbname().unwrap_or("").to_string();
    if config.get_password().is_none() {
        let password = get("password").or_else(|| {
            let file = env("PGPASSFILE")
                .map(PathBuf::from)
                .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".pgpass")))?;
            let text = std::fs::read_to_string(file).ok()?;
            // libpq matches a socket connection as `localhost`.
            let host = if host.starts_with('/') {
                "localhost"
            } else {
                &host
            };
            pgpass(&text, host, &port.to_string(), &db, &user)
        });
        if let Some(p) = password {
            config.password(p);
        }
    }
    Ok(Target {
        display: format!("{user}@{host}:{port}/{db}"),
        config,
        ssl,
        root_cert,
    })
}

/// `conninfo` (a URL or `key=value` string) without its `sslmode` and
/// `sslrootcert`, and their values.
fn take_tls_settings(conninfo: &str) -> (String, BTreeMap<String, String>) {
    const KEYS: [&str; 2] = ["sslmode", "sslrootcert"];
    let mut taken = BTreeMap::new();
    if conninfo.contains("://") {
        let Some((base, query)) = conninfo.split_once('?') else {
            return (conninfo.to_string(), taken);
        };
        let mut kept = Vec::new();
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some((k, v)) if KEYS.contains(&k) => {
                    taken.insert(k.to_string(), percent_decode(v));
                }
                _ => kept.push(pair),
            }
        }
        let rest = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        return (rest, taken);
    }
    // `key = value` pairs; a value may be single-quoted, with `\` escapes.
    let mut kept = String::new();
    let chars: Vec<char> = conninfo.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len() && chars[i] != '=' {
            i += 1;
        }
        let key: String = chars[start..i]
            .iter()
            .collect::<String>()
            .trim()
            .to_string();
        i += 1;
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if chars.get(i) == Some(&'\'') {
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                if chars[i] == '\\' {
                    i += 1;
                }
                value.extend(chars.get(i));
                i += 1;
            }
            i += 1;
        } else {
            while i < chars.len() && !chars[i].is_whitespace() {
                value.push(chars[i]);
                i += 1;
            }
        }
        let end = i.min(chars.len());
        if KEYS.contains(&key.as_str()) {
            taken.insert(key, value);
        } else {
            kept.extend(&chars[start..end]);
        }
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        kept.push(' ');
    }
    (kept.trim().to_string(), taken)
}

/// `%XX` escapes of a URL's query value decoded.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A `postgresql://` URL whose hosts name no port (and whose query sets
/// none) with `:port` after each host; anything else as it is.
fn with_port(url: &str, port: &str) -> String {
    let Some(at) = url.find("://") else {
        return url.to_string();
    };
    let start = at + 3;
    let end = url[start..]
        .find(['/', '?'])
        .map_or(url.len(), |e| start + e);
    let authority = &url[start..end];
    let hosts_at = authority.rfind('@').map_or(0, |a| a + 1);
    let hosts = &authority[hosts_at..];
    let names_port = |chunk: &str| match chunk.strip_prefix('[') {
        Some(v6) => v6.contains("]:"),
        None => chunk.contains(':'),
    };
    let query_port = url[end..]
        .split_once('?')
        .is_some_and(|(_, q)| q.split('&').any(|kv| kv.starts_with("port=")));
    if hosts.is_empty() || hosts.split(',').any(names_port) || query_port {
        return url.to_string();
    }
    let ported: Vec<String> = hosts.split(',').map(|h| format!("{h}:{port}")).collect();
    format!(
        "{}{}{}",
        &url[..start + hosts_at],
        ported.join(","),
        &url[end..]
    )
}

/// `text` with every password of a connection string in it replaced by
/// `***`: the one of `scheme://user:password@`, and `password=...`.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c == '/' || c == '?' || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(a) => {
                let userinfo = &authority[..a];
                match userinfo.split_once(':') {
                    Some((user, _)) => out.push_str(&format!("{user}:***{}", &authority[a..])),
                    None => out.push_str(authority),
                }
            }
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    let mut cleaned = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(at) = rest.find("password=") {
        let (head, tail) = rest.split_at(at + "password=".len());
        cleaned.push_str(head);
        cleaned.push_str("***");
        let end = if let Some(quoted) = tail.strip_prefix('\'') {
            quoted.find('\'').map_or(tail.len(), |e| e + 2)
        } else {
            tail.find(|c: char| c.is_whitespace() || c == '&')
                .unwrap_or(tail.len())
        };
        rest = &tail[end..];
    }
    cleaned.push_str(rest);
    cleaned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_in_urls_and_key_values() {
        assert_eq!(
            redact("cannot reach postgresql://app:s3cret@db.example:5432/shop?sslmode=require"),
            "cannot reach postgresql://app:***@db.example:5432/shop?sslmode=require"
        );
        assert_eq!(
            redact("host=x password=s3cret user=app"),
            "host=x password=*** user=app"
        );
        assert_eq!(
            redact("postgresql://app@db/shop?password=s3cret&x=1"),
            "postgresql://app@db/shop?password=***&x=1"
        );
    }

    #[test]
    fn the_environment_and_pgpass_fill_what_the_url_leaves_out() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pass = dir.path().join("pgpass");
        std::fs::write(
            &pass,
            "# comment\nother:*:*:*:no\ndb.example:5433:shop:app:fr\\:om-pgpass\n",
        )
        .expect("pgpass");
        let services = dir.path().join("services");
        std::fs::write(
            &services,
            "[shop]\nhost=db.example\nport=5433\ndbname=shop\n",
        )
        .expect("services");
        let vars: BTreeMap<&str, String> = [
            ("PGSERVICE", "shop".to_string()),
            ("PGSERVICEFILE", services.display().to_string()),
            ("PGUSER", "app".to_string()),
            ("PGPASSFILE", pass.display().to_string()),
        ]
        .into_iter()
        .collect();
        let t = target_with(None, &|k| vars.get(k).cloned()).expect("target");
        assert_eq!(t.display, "app@db.example:5433/shop");
        assert_eq!(t.config.get_password(), Some(&b"fr:om-pgpass"[..]));
        let t = target_with(Some("postgresql://other:pw@h/elsewhere"), &|k| {
            vars.get(k).cloned()
        })
        .expect("target");
        // A URL's host without a port takes the environment's, as libpq.
        assert_eq!(t.display, "other@h:5433/elsewhere");
        assert_eq!(t.config.get_password(), Some(&b"pw"[..]));
        assert!(!t.display.contains("pw"));
        let t = target_with(Some("postgresql://other:pw@h:6000/elsewhere"), &|k| {
            vars.get(k).cloned()
        })
        .expect("target");
        assert_eq!(t.display, "other@h:6000/elsewhere");
        let port = |k: &str| (k == "PGPORT").then(|| "7000".to_string());
        let t =
            target_with(Some("postgresql://u@a,[::1]/d?sslmode=disable"), &port).expect("target");
        assert_eq!(t.config.get_ports(), &[7000, 7000]);
        let missing = target_with(None, &|k| (k == "PGSERVICE").then(|| "nope".to_string()));
        assert!(missing.is_err());
    }
}
