//! `@encrypted` on a real database: ciphertext at rest, keys nobody else
//! reads, rotation, blind-index lookups, and no key in any text a server
//! shows (docs/policies.md, `@encrypted`).

use crate::policies::{apply, sqlstate};
use std::sync::{Arc, Mutex};

/// The schema, granting the application's role `role` (roles belong to
/// the cluster: each test has its own).
fn schema(role: &str) -> String {
    format!(
        "/// A customer: contact details encrypted, found by email.
entity Customer @audit @grant({role}: [select, insert, update]) {{
  id    bigint @pk @identity
  email text @encrypted(blind_index)
  ssn   text? @encrypted
  name  text
}}
"
    )
}

/// The hex text of every key the database holds, read as its owner.
fn keys_hex(c: &mut postgres::Client) -> Vec<String> {
    c.query("select encode(key, 'hex') from encryption.keys", &[])
        .expect("keys")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn drop_role(c: &mut postgres::Client, role: &str) {
    c.batch_execute(&format!(
        "reset role; drop owned by {role}; drop role {role}"
    ))
    .expect("drop the role");
}

#[test]
fn encrypted_columns_hold_ciphertext_only_their_key_opens() {
    let db = apply("enc_basic", "", &schema("enc_app"));
    let mut c = db.connect().expect("connect");
    c.batch_execute("set role enc_app")
        .expect("the application's role");
    c.execute(
        "insert into customers (email, ssn, name) values (encryption.encrypt($1), encryption.encrypt($2), 'Ann')",
        &[&"ann@example.com", &"078-05-1120"],
    )
    .expect("the application writes through encryption.encrypt");
    // The raw columns hold no plaintext, and the key version 1 in front.
    let row = c
        .query_one(
            "select position(convert_to('ann@example.com', 'UTF8') in email), position(convert_to('078-05-1120', 'UTF8') in ssn),
                    encryption.key_version(email), encryption.key_version(ssn), encryption.decrypt(email), encryption.decrypt(ssn)
             from customers",
            &[],
        )
        .expect("read");
    assert_eq!((row.get::<_, i32>(0), row.get::<_, i32>(1)), (0, 0));
    assert_eq!((row.get::<_, i32>(2), row.get::<_, i32>(3)), (1, 1));
    assert_eq!(
        (row.get::<_, String>(4), row.get::<_, String>(5)),
        ("ann@example.com".to_string(), "078-05-1120".to_string())
    );
    // The application's role may decrypt but never read a key.
    let denied = c
        .execute("select key from encryption.keys", &[])
        .expect_err("the keys are the owner's");
    assert_eq!(sqlstate(&denied), "42501");
    // A plain value written by mistake is refused.
    let plain = c
        .execute(
            "insert into customers (email, ssn, name) values (encryption.encrypt('bob@example.com'), convert_to('123', 'UTF8'), 'Bob')",
            &[],
        )
        .expect_err("plain text is not ciphertext");
    assert_eq!(sqlstate(&plain), "23514");
    // The blind index finds the row by its email, and nothing else.
    let found: Vec<String> = c
        .query(
            "select name from customers where email_blind = encryption.blind_index($1)",
            &[&"ann@example.com"],
        )
        .expect("lookup")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(found, ["Ann"]);
    let none = c
        .query(
            "select 1 from customers where email_blind = encryption.blind_index('Ann@example.com')",
            &[],
        )
        .expect("lookup");
    assert!(none.is_empty());
    // A role with no grant on the table may not decrypt.
    c.batch_execute(
        "reset role; create role enc_other; grant usage on schema encryption to enc_other; grant select on customers to enc_other; set role enc_other",
    )
    .expect("another role");
    let denied = c
        .execute("select encryption.decrypt(ssn) from customers", &[])
        .expect_err("decrypt is not PUBLIC's");
    assert_eq!(sqlstate(&denied), "42501");
    drop_role(&mut c, "enc_other");
    // As the owner: the right key opens the value, a wrong one fails.
    let right: String = c
        .query_one(
            "select encryption.pgp_sym_decrypt(substring(c.ssn from 5), encode(k.key, 'hex'))
             from customers c join encryption.keys k on k.version = encryption.key_version(c.ssn) and k.purpose = 'data'",
            &[],
        )
        .expect("the right key")
        .get(0);
    assert_eq!(right, "078-05-1120");
    let wrong = c
        .execute(
            "select encryption.pgp_sym_decrypt(substring(ssn from 5), encode(encryption.gen_random_bytes(32), 'hex')) from customers",
            &[],
        )
        .expect_err("a wrong key fails");
    let message = wrong.as_db_error().map(|e| e.message().to_string());
    assert_eq!(message.as_deref(), Some("Wrong key or corrupt data"));
    // The audit log never holds the encrypted columns, their blind index
    // or the ciphertext.
    let leaked: i64 = c
        .query_one(
            "select (select count(*) from audit.entries
                     where old ?| array['email', 'ssn', 'email_blind'] or new ?| array['email', 'ssn', 'email_blind'])
                  + (select count(*) from audit.log l, customers c
                     where l::text like '%' || encode(c.email, 'hex') || '%' or l::text like '%ann@%' or l::text like '%email_blind%')",
            &[],
        )
        .expect("scan the log")
        .get(0);
    let logged: i64 = c
        .query_one("select count(*) from audit.entries", &[])
        .expect("log")
        .get(0);
    assert_eq!((leaked, logged), (0, 1));
    drop_role(&mut c, "enc_app");
}

#[test]
fn rotation_reencrypts_every_row_and_drops_the_old_key() {
    let db = apply("enc_rotate", "", &schema("enc_rotate_app"));
    let mut c = db.connect().expect("connect");
    for i in 0..25 {
        let ssn = (i % 3 != 0).then(|| format!("ssn-{i}"));
        c.execute(
            "insert into customers (email, ssn, name) values (encryption.encrypt($1), encryption.encrypt($2), $3)",
            &[&format!("c{i}@example.com"), &ssn, &format!("C{i}")],
        )
        .expect("insert");
    }
    let old_key: String = c
        .query_one(
            "select encode(key, 'hex') from encryption.keys where purpose = 'data'",
            &[],
        )
        .expect("the data key")
        .get(0);
    let version: i32 = c
        .query_one("select encryption.new_key()", &[])
        .expect("a new key")
        .get(0);
    assert_eq!(version, 3, "data 1, blind 2, then the new data key");
    // In batches of ten, each its own transaction, until nothing is left.
    let mut calls = Vec::new();
    loop {
        let n: i64 = c
            .query_one("select encryption.reencrypt(10)", &[])
            .expect("re-encrypt")
            .get(0);
        calls.push(n);
        if n == 0 {
            break;
        }
        assert!(calls.len() < 10, "{calls:?}");
    }
    // 25 emails and 16 numbers: 41 values, ten at a time.
    assert_eq!(calls, [10, 10, 10, 10, 1, 0]);
    let rows = c
        .query(
            "select name, encryption.key_version(email), encryption.key_version(ssn), encryption.decrypt(email), encryption.decrypt(ssn) from customers order by id",
            &[],
        )
        .expect("read");
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.get::<_, i32>(1), 3);
        assert_eq!(r.get::<_, String>(3), format!("c{i}@example.com"));
        let ssn: Option<String> = r.get(4);
        assert_eq!(ssn, (i % 3 != 0).then(|| format!("ssn-{i}")));
        assert_eq!(r.get::<_, Option<i32>>(2), ssn.map(|_| 3));
    }
    // The old data key is gone; the blind-index key stays, so lookups work.
    let versions: Vec<(i32, String)> = c
        .query(
            "select version, purpose from encryption.keys order by version",
            &[],
        )
        .expect("keys")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        versions,
        [(2, "blind".to_string()), (3, "data".to_string())]
    );
    assert!(!keys_hex(&mut c).contains(&old_key));
    let found: String = c
        .query_one(
            "select name from customers where email_blind = encryption.blind_index('c7@example.com')",
            &[],
        )
        .expect("lookup after rotation")
        .get(0);
    assert_eq!(found, "C7");
    drop_role(&mut c, "enc_rotate_app");
}

#[test]
fn no_key_appears_in_activity_or_the_statement_log() {
    let db = apply("enc_secrecy", "", &schema("enc_secrecy_app"));
    // Every message the server sends, with statement logging sent to this
    // client too: what a server log would hold.
    let messages: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = messages.clone();
    let mut config: postgres::Config = db.conninfo().parse().expect("conninfo");
    config.notice_callback(move |n| {
        sink.lock().expect("messages").push(format!(
            "{} {}",
            n.message(),
            n.where_().unwrap_or("")
        ));
    });
    let mut c = config.connect(postgres::NoTls).expect("connect");
    c.batch_execute(
        "set log_statement = 'all'; set log_min_duration_statement = 0; set client_min_messages = 'log'; set log_error_verbosity = 'verbose'",
    )
    .expect("log every statement");
    // Meanwhile a second session watches pg_stat_activity.
    let mut watcher = db.connect().expect("connect");
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopped = stop.clone();
    let seen = std::thread::spawn(move || {
        let mut texts = Vec::new();
        while !stopped.load(std::sync::atomic::Ordering::Relaxed) {
            for r in watcher
                .query("select coalesce(query, '') from pg_stat_activity where pid <> pg_backend_pid()", &[])
                .expect("activity")
            {
                texts.push(r.get::<_, String>(0));
            }
        }
        texts
    });
    for i in 0..20 {
        c.execute(
            "insert into customers (email, name) select encryption.encrypt($1), 'x' from pg_sleep(0.01)",
            &[&format!("s{i}@example.com")],
        )
        .expect("insert");
    }
    c.query("select encryption.new_key()", &[])
        .expect("new key");
    while c
        .query_one("select encryption.reencrypt(7)", &[])
        .expect("re-encrypt")
        .get::<_, i64>(0)
        > 0
    {}
    c.query(
        "select encryption.decrypt(email), encryption.blind_index('s1@example.com') from customers",
        &[],
    )
    .expect("read");
    // A failure's message names no key either.
    let failed = c
        .execute("select encryption.decrypt('\\x00000063c3'::bytea)", &[])
        .expect_err("no key of that version");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let activity = seen.join().expect("watcher");
    let messages = messages.lock().expect("messages").clone();
    assert!(
        messages.iter().any(|m| m.contains("encryption.reencrypt")),
        "statements are logged: {messages:?}"
    );
    assert!(
        activity.iter().any(|q| q.contains("encryption.encrypt")),
        "the watcher saw the inserts"
    );
    let mut owner = db.connect().expect("connect");
    let keys = keys_hex(&mut owner);
    let sql = generator::emit::postgres::render(
        &generator::compile(
            &generator::Project::from_sources(&[("m.schema", &schema("enc_secrecy_app"))]),
            &generator::Options::default(),
        )
        .unwrap_or_else(|f| panic!("compiles: {:?}", f.diagnostics))
        .creation,
    );
    let failed = format!("{:?}", failed.as_db_error());
    for key in &keys {
        for text in messages.iter().chain(&activity).chain([&failed, &sql]) {
            assert!(!text.contains(key.as_str()), "a key in {text}");
        }
    }
    drop_role(&mut owner, "enc_secrecy_app");
}
