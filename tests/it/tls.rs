//! TLS as `sslmode` asks, on a server of its own (`TlsServer`: `ssl=on`,
//! TCP on 127.0.0.1, `hostssl`-only `pg_hba.conf` with passwords) whose
//! certificate is made at test time with the openssl command: `require`
//! encrypts (`pg_stat_ssl` says so), `verify-full` connects with the right
//! root certificate and refuses a wrong one, `disable` is refused by the
//! server, a wrong password is an authentication failure; the URL, the
//! `PG*` variables and the service file each set it; the password never
//! shows.

use dsl::Code;
use live::connect::{target_with, Ssl, Target};
use live::pgcluster::TlsServer;
use std::path::{Path, PathBuf};
use std::process::Command;

const PASSWORD: &str = "tls-s3cret";

/// A certificate authority, a server certificate it signs for
/// `localhost` and 127.0.0.1, and another authority that signed nothing.
struct Certs {
    dir: tempfile::TempDir,
}

impl Certs {
    fn make() -> Certs {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        let run = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(d)
                .output()
                .expect("the openssl command runs");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let authority = |name: &str, cn: &str| {
            run(&[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                &format!("/CN={cn}"),
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.pem"),
            ])
        };
        authority("ca", "schemac test CA");
        authority("other", "some other CA");
        run(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ]);
        std::fs::write(
            d.join("san.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
        )
        .expect("extensions");
        run(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "san.ext",
            "-out",
            "server.crt",
        ]);
        Certs { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).expect("certificate file")
    }
}

/// The server: only TLS over TCP, with a password; the socket for setup.
fn server(certs: &Certs) -> TlsServer {
    let hba = "local all all trust\n\
               hostssl all all 127.0.0.1/32 scram-sha-256\n\
               hostssl all all ::1/128 scram-sha-256\n";
    let server = TlsServer::start(&certs.read("server.crt"), &certs.read("server.key"), hba)
        .unwrap_or_else(|e| panic!("PostgreSQL is needed for this test but cannot be used:\n{e}"));
    let mut c = postgres::Client::connect(&server.local_conninfo("postgres"), postgres::NoTls)
        .expect("setup connection");
    c.batch_execute(&format!("alter role postgres password '{PASSWORD}'"))
        .expect("password");
    server
}

fn url(server: &TlsServer, host: &str, password: &str, query: &str) -> String {
    format!(
        "postgresql://postgres:{password}@{host}:{}/postgres?{query}",
        server.port()
    )
}

fn no_env(_: &str) -> Option<String> {
    None
}

fn target(url: &str, env: &dyn Fn(&str) -> Option<String>) -> Target {
    target_with(Some(url), env).unwrap_or_else(|e| panic!("{}: {e}", e.code))
}

/// Whether the connection is encrypted, as the server sees it.
fn encrypted(t: &Target) -> bool {
    let mut c = t.connect().unwrap_or_else(|e| panic!("{}: {e}", e.code));
    c.query_one(
        "select ssl from pg_stat_ssl where pid = pg_backend_pid()",
        &[],
    )
    .expect("pg_stat_ssl")
    .get(0)
}

fn root(certs: &Certs, name: &str) -> String {
    certs.path(name).display().to_string()
}

#[test]
fn sslmode_is_honoured_from_the_url_the_environment_and_the_service_file() {
    let certs = Certs::make();
    let server = server(&certs);
    let ca = root(&certs, "ca.pem");

    for mode in ["require", "prefer", "allow"] {
        let t = target(
            &url(&server, "127.0.0.1", PASSWORD, &format!("sslmode={mode}")),
            &no_env,
        );
        assert!(encrypted(&t), "sslmode={mode} is not encrypted");
    }
    let t = target(
        &url(
            &server,
            "localhost",
            PASSWORD,
            &format!("sslmode=verify-full&sslrootcert={ca}"),
        ),
        &no_env,
    );
    assert_eq!(t.ssl, Ssl::VerifyFull);
    assert!(encrypted(&t));
    let t = target(
        &url(
            &server,
            "127.0.0.1",
            PASSWORD,
            &format!("sslmode=verify-ca&sslrootcert={ca}"),
        ),
        &no_env,
    );
    assert!(encrypted(&t));

    // The root certificate of another authority: refused, and said so.
    let other = root(&certs, "other.pem");
    let t = target(
        &url(
            &server,
            "localhost",
            PASSWORD,
            &format!("sslmode=verify-full&sslrootcert={other}"),
        ),
        &no_env,
    );
    let e = t
        .connect()
        .err()
        .expect("a wrong root certificate is refused");
    assert_eq!(e.code, Code::TlsFailed, "{e}");
    assert!(e.to_string().contains("sslmode=verify-full"), "{e}");
    assert!(e.to_string().contains("certificate verify failed"), "{e}");
    assert!(!e.to_string().contains(PASSWORD), "{e}");

    // Without TLS the hostssl-only server says no.
    let t = target(
        &url(&server, "127.0.0.1", PASSWORD, "sslmode=disable"),
        &no_env,
    );
    let e = t.connect().err().expect("sslmode=disable is refused");
    assert_eq!(e.code, Code::TlsFailed, "{e}");
    assert!(e.to_string().contains("no encryption"), "{e}");
    assert!(
        e.diagnostic().help.unwrap_or_default().contains("hostssl"),
        "{e}"
    );

    let t = target(
        &url(&server, "127.0.0.1", "wrong", "sslmode=require"),
        &no_env,
    );
    let e = t.connect().err().expect("a wrong password is refused");
    assert_eq!(e.code, Code::AuthenticationFailed, "{e}");

    // PGSSLMODE and PGSSLROOTCERT, and a service file, fill what the URL
    // leaves out; the URL's own sslmode wins.
    let vars = |k: &str| match k {
        "PGSSLMODE" => Some("verify-full".to_string()),
        "PGSSLROOTCERT" => Some(ca.clone()),
        _ => None,
    };
    let plain = format!(
        "postgresql://postgres:{PASSWORD}@localhost:{}/postgres",
        server.port()
    );
    let t = target(&plain, &vars);
    assert_eq!(t.ssl, Ssl::VerifyFull);
    assert!(encrypted(&t));
    let t = target(&format!("{plain}?sslmode=disable"), &vars);
    assert_eq!(t.ssl, Ssl::Disable);
    assert_eq!(t.connect().err().map(|e| e.code), Some(Code::TlsFailed));
    let services = certs.path("services.conf");
    std::fs::write(
        &services,
        format!(
            "[tls]\nhost=localhost\nport={}\ndbname=postgres\nuser=postgres\npassword={PASSWORD}\nsslmode=verify-full\nsslrootcert={other}\n",
            server.port()
        ),
    )
    .expect("service file");
    let services = services.display().to_string();
    let service = |k: &str| match k {
        "PGSERVICE" => Some("tls".to_string()),
        "PGSERVICEFILE" => Some(services.clone()),
        _ => None,
    };
    let t = target_with(None, &service).expect("service");
    assert_eq!(t.ssl, Ssl::VerifyFull);
    assert_eq!(t.connect().err().map(|e| e.code), Some(Code::TlsFailed));
    let t = target_with(Some(&format!("sslrootcert={ca}")), &service).expect("service");
    assert!(encrypted(&t));

    let bad = target_with(Some(&format!("{plain}?sslmode=always")), &no_env)
        .expect_err("an unknown sslmode");
    assert_eq!(bad.code, Code::BadDatabaseUrl);
    assert!(!bad.to_string().contains(PASSWORD), "{bad}");
}

fn schemac(project: &Path, args: &[&str]) -> (bool, String) {
    let out = assert_cmd::Command::cargo_bin("schemac")
        .expect("binary")
        .args(["migrate", "--project"])
        .arg(project)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("PGSSLMODE")
        .output()
        .expect("schemac runs");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The runner over TLS: migrations applied through `verify-full` (the
/// drift check's shadow database too), its refusals coded, no password
/// anywhere.
#[test]
fn migrations_apply_over_tls_and_refusals_are_coded() {
    let certs = Certs::make();
    let server = server(&certs);
    let ca = root(&certs, "ca.pem");
    let project = tempfile::tempdir().expect("tempdir");
    let p = project.path();
    std::fs::write(p.join("schemac.toml"), "").expect("toml");
    std::fs::write(
        p.join("schema.schema"),
        "entity User {\n  id bigint @pk\n}\n",
    )
    .expect("schema");
    let (done, out) = schemac(p, &["new", "init"]);
    assert!(done, "{out}");
    let good = url(
        &server,
        "localhost",
        PASSWORD,
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    );
    let (done, out) = schemac(p, &["--database-url", &good, "apply"]);
    assert!(done, "{out}");
    let (done, out) = schemac(p, &["--database-url", &good, "status"]);
    assert!(done, "{out}");
    assert!(!out.contains(PASSWORD), "{out}");

    let other = root(&certs, "other.pem");
    let wrong = url(
        &server,
        "localhost",
        PASSWORD,
        &format!("sslmode=verify-full&sslrootcert={other}"),
    );
    let (done, out) = schemac(p, &["--database-url", &wrong, "status"]);
    assert!(!done && out.contains("schemac::tls_failed"), "{out}");
    assert!(!out.contains(PASSWORD), "{out}");
    let (done, out) = schemac(
        p,
        &[
            "--database-url",
            &url(&server, "127.0.0.1", PASSWORD, "sslmode=disable"),
            "apply",
        ],
    );
    assert!(!done && out.contains("schemac::tls_failed"), "{out}");
    assert!(out.contains("no encryption"), "{out}");
    let (done, out) = schemac(
        p,
        &[
            "--database-url",
            &url(&server, "127.0.0.1", "wrong", "sslmode=require"),
            "apply",
        ],
    );
    assert!(
        !done && out.contains("schemac::authentication_failed"),
        "{out}"
    );
}

fn command(args: &[&str]) -> (Option<i32>, String) {
    let out = assert_cmd::Command::cargo_bin("schemac")
        .expect("binary")
        .args(args)
        .env_remove("PGSSLMODE")
        .env_remove("PGSSLROOTCERT")
        .output()
        .expect("schemac runs");
    (
        out.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// `import --database-url`, `diff`/`plan --from-database-url` and `push`
/// connect through `sslmode` like the runner (the shadow database too):
/// over `verify-full` they work; a wrong root certificate, `disable` on
/// a `hostssl` server and a wrong password are the same coded errors.
#[test]
fn import_and_diff_connect_over_tls() {
    let certs = Certs::make();
    let server = server(&certs);
    let mut c = postgres::Client::connect(&server.local_conninfo("postgres"), postgres::NoTls)
        .expect("setup connection");
    c.batch_execute("create table accounts (id bigint primary key, name text not null)")
        .expect("a table");
    let ca = root(&certs, "ca.pem");
    let good = url(
        &server,
        "localhost",
        PASSWORD,
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("schema");
    let out = out.to_str().expect("utf-8 path");
    let (code, text) = command(&["import", "--database-url", &good, "--out", out]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        std::fs::read_to_string(dir.path().join("schema/public.schema"))
            .expect("imported")
            .contains("entity Account"),
        "{text}"
    );
    let (code, text) = command(&["diff", "--from-database-url", &good, "--to", out]);
    assert_eq!(code, Some(0), "no drift: {text}");
    let (code, text) = command(&["plan", "--from-database-url", &good, "--to", out]);
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = command(&["push", "--database-url", &good, out]);
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains(PASSWORD), "{text}");

    let other = root(&certs, "other.pem");
    let wrong_root = url(
        &server,
        "localhost",
        PASSWORD,
        &format!("sslmode=verify-full&sslrootcert={other}"),
    );
    let plain = url(&server, "127.0.0.1", PASSWORD, "sslmode=disable");
    let wrong_password = url(&server, "127.0.0.1", "wrong", "sslmode=require");
    for (u, code_name) in [
        (&wrong_root, "schemac::tls_failed"),
        (&plain, "schemac::tls_failed"),
        (&wrong_password, "schemac::authentication_failed"),
    ] {
        for args in [
            vec!["import", "--database-url", u, "--out", out, "--force"],
            vec!["diff", "--from-database-url", u, "--to", out],
            vec!["push", "--database-url", u, out],
        ] {
            let (code, text) = command(&args);
            assert_eq!(code, Some(2), "{args:?}: {text}");
            assert!(text.contains(code_name), "{args:?}: {text}");
            assert!(!text.contains(PASSWORD), "{args:?}: {text}");
        }
    }
}
