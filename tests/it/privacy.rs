//! Personal data on a real database: `export_subject` returns every row
//! that reaches the subject, `erase_subject` leaves none of its classified
//! values anywhere (tables, history, audit log) and touches no other
//! subject, and `mask_data` replaces every classified value with
//! deterministic fakes that keep the constraints.

use crate::pg::test_db;
use generator::Project;
use live::pgcluster::TestDb;

/// A subject with audited, versioned and soft-deleted records: posts
/// (anonymised on erase), comments (deleted on erase) through two paths.
const SCHEMA: &str = r#"entity User @subject @audit @timestamps {
  id            bigint @pk @identity
  email         text @unique @pii(email) @check(email like '%@%')
  name          text? @pii(name)
  phone         text @pii(phone) @check(phone like '+%')
  born          date? @pii(birth_date)
  password_hash text @secret
}

entity Post @versioned @audit {
  id     bigint @pk @identity
  author -> User on delete cascade
  title  text
  body   text @pii(free_text)
}

entity Comment @audit {
  id     bigint @pk @identity
  post   -> Post on delete cascade
  author -> User? on delete set null
  body   text @pii(free_text, erase: delete)
  ip     inet? @pii(ip)
}

entity Login {
  id     bigint @pk @identity
  user   -> User on delete cascade
  ip     inet @pii(ip)
  device uuid @pii(identifier) @unique
}
"#;

/// Two subjects, each with posts, comments on both users' posts, logins,
/// and updates that leave history and audit rows.
const DATA: &str = "
insert into users (id, email, name, phone, born, password_hash) overriding system value values
  (1, 'ann@example.org', 'Ann Archer', '+44 20 7946 0001', '1980-02-03', 'h1'),
  (2, 'bob@example.org', 'Bob Baker', '+44 20 7946 0002', '1975-06-07', 'h2');
insert into posts (id, author, title, body) overriding system value values
  (10, 1, 'a1', 'ann first post'), (11, 1, 'a2', 'ann second post'), (20, 2, 'b1', 'bob own post');
update posts set body = 'ann first post, edited' where id = 10;
update users set name = 'Ann B. Archer' where id = 1;
insert into comments (id, post, author, body, ip) overriding system value values
  (100, 10, 1, 'ann on her post', '192.0.2.1'),
  (101, 20, 1, 'ann on bob''s post', '192.0.2.2'),
  (102, 10, 2, 'bob on ann''s post', '198.51.100.1'),
  (103, 20, 2, 'bob on his post', '198.51.100.2');
insert into logins (id, \"user\", ip, device) overriding system value values
  (1000, 1, '192.0.2.9', 'aaaaaaaa-0000-0000-0000-000000000001'),
  (1001, 2, '198.51.100.9', 'bbbbbbbb-0000-0000-0000-000000000002');
";

fn apply(prefix: &str, schema: &str) -> TestDb {
    let project = Project::from_sources(&[("m.schema", schema)]);
    let compiled = generator::compile(&project, &crate::support::options(&project))
        .unwrap_or_else(|f| panic!("compiles: {:?}", f.diagnostics));
    let sql = generator::emit::postgres::render(&compiled.creation);
    let db = test_db(prefix);
    if let Err(e) = db.psql_apply(&sql) {
        panic!("does not apply:\n{e}\n{sql}");
    }
    db
}

/// Every classified value of the database as text, with where it is:
/// each classified column of each table and history table of `SCHEMA`,
/// and each classified value in the audit log's images.
fn all_values(c: &mut postgres::Client) -> Vec<(String, String)> {
    let columns = [
        ("users", "email"),
        ("users", "name"),
        ("users", "phone"),
        ("users", "born"),
        ("posts", "body"),
        ("posts_history", "body"),
        ("comments", "body"),
        ("comments", "ip"),
        ("logins", "ip"),
        ("logins", "device"),
    ];
    let mut out = Vec::new();
    for (table, column) in columns {
        let sql = format!(
            "select {column}::text from {table} where {column} is not null",
            column = format!("\"{column}\""),
        );
        for row in c.query(&sql, &[]).expect("scan") {
            out.push((format!("{table}.{column}"), row.get(0)));
        }
    }
    let sql = "select l.table_name || ' ' || e.key, e.value #>> '{}'
                 from audit.entries l, lateral (select * from jsonb_each(coalesce(l.old, '{}')) union all select * from jsonb_each(coalesce(l.new, '{}'))) e
                where jsonb_typeof(e.value) <> 'null'
                  and e.key in ('email', 'name', 'phone', 'born', 'body', 'ip', 'device')";
    for row in c.query(sql, &[]).expect("audit") {
        out.push((format!("audit {}", row.get::<_, String>(0)), row.get(1)));
    }
    out
}

/// Whether a value is one of Ann's (or Bob's) in `DATA`: the names, the
/// address blocks, the device and the date and phone endings.
fn is_anns(v: &str) -> bool {
    v.contains("ann")
        || v.contains("Ann")
        || v.contains("192.0.2.")
        || v.contains("aaaaaaaa")
        || v == "1980-02-03"
        || v.ends_with("0001")
}

fn is_bobs(v: &str) -> bool {
    v.contains("bob")
        || v.contains("Bob")
        || v.contains("198.51.100.")
        || v.contains("bbbbbbbb")
        || v == "1975-06-07"
        || v.ends_with("0002")
}

#[test]
fn export_returns_every_row_that_reaches_the_subject() {
    let db = apply("pii_export", SCHEMA);
    let mut c = db.connect().expect("connect");
    c.batch_execute(DATA).expect("data");
    let export: serde_json::Value = c
        .query_one("select public.export_subject(1)", &[])
        .expect("export")
        .get(0);
    let ids = |table: &str| -> Vec<i64> {
        export[table]
            .as_array()
            .unwrap_or_else(|| panic!("{table} in {export}"))
            .iter()
            .map(|r| r["id"].as_i64().expect("id"))
            .collect()
    };
    assert_eq!(ids("public.users"), [1]);
    assert_eq!(ids("public.posts"), [10, 11]);
    // Her comments anywhere, and the comments on her posts.
    assert_eq!(ids("public.comments"), [100, 101, 102]);
    assert_eq!(ids("public.logins"), [1000]);
    assert_eq!(export["public.users"][0]["email"], "ann@example.org");
    // A secret never leaves the table.
    assert!(export["public.users"][0].get("password_hash").is_none());
    let none: serde_json::Value = c
        .query_one("select public.export_subject(99)", &[])
        .expect("export")
        .get(0);
    assert_eq!(none["public.users"], serde_json::json!([]));
}

#[test]
fn erase_leaves_no_value_of_the_subject_and_keeps_the_others() {
    let db = apply("pii_erase", SCHEMA);
    let mut c = db.connect().expect("connect");
    c.batch_execute(DATA).expect("data");
    let before = all_values(&mut c);
    assert!(before.iter().any(|(_, v)| is_anns(v)), "{before:?}");
    assert!(
        before
            .iter()
            .any(|(w, _)| w.starts_with("audit public.users")),
        "the audit log holds values to erase: {before:?}"
    );
    assert!(
        before
            .iter()
            .any(|(w, v)| w == "posts_history.body" && v == "ann first post"),
        "the history holds values to erase: {before:?}"
    );
    let changed: i64 = c
        .query_one("select public.erase_subject(1)", &[])
        .expect("erase")
        .get(0);
    assert!(changed > 0);
    let after = all_values(&mut c);
    let left: Vec<_> = after.iter().filter(|(_, v)| is_anns(v)).collect();
    assert!(left.is_empty(), "left after erase: {left:?}");
    // Bob's rows that do not reach Ann are as they were, audit included.
    let bobs = |values: &[(String, String)]| -> Vec<(String, String)> {
        let mut v: Vec<_> = values
            .iter()
            .filter(|(_, v)| is_bobs(v) && !v.contains("ann"))
            .cloned()
            .collect();
        v.sort();
        v
    };
    let kept = bobs(&after);
    for expected in [
        "bob@example.org",
        "Bob Baker",
        "bob own post",
        "bob on his post",
        "bbbbbbbb-0000-0000-0000-000000000002",
    ] {
        assert!(
            kept.iter().any(|(_, v)| v == expected),
            "{expected} kept: {kept:?}"
        );
    }
    // Ann's row stays, anonymised; her comments are gone, her posts kept.
    let row = c
        .query_one(
            "select email, name is null, born is null, (select count(*) from comments where author = 1),
                    (select count(*) from posts where author = 1), (select count(*) from comments where id = 103)
               from users where id = 1",
            &[],
        )
        .expect("ann");
    assert!(row.get::<_, String>(0).ends_with("@example.com"));
    assert!(row.get::<_, bool>(1) && row.get::<_, bool>(2));
    assert_eq!(row.get::<_, i64>(3), 0);
    assert_eq!(row.get::<_, i64>(4), 2);
    assert_eq!(row.get::<_, i64>(5), 1);
    // Every foreign key still holds: no row points at a missing one.
    let orphans: i64 = c
        .query_one(
            "select (select count(*) from posts p where not exists (select 1 from users u where u.id = p.author))
                  + (select count(*) from comments m where not exists (select 1 from posts p where p.id = m.post))
                  + (select count(*) from logins l where not exists (select 1 from users u where u.id = l.\"user\"))",
            &[],
        )
        .expect("orphans")
        .get(0);
    assert_eq!(orphans, 0);
    // Erasing again finds nothing more to remove and still succeeds.
    c.query_one("select public.erase_subject(1)", &[])
        .expect("erase again");
}

#[test]
fn privacy_functions_run_only_for_roles_granted_them() {
    let db = apply("pii_rights", SCHEMA);
    let mut c = db.connect().expect("connect");
    let role = format!("{}_app", db.name());
    c.batch_execute(&format!("create role \"{role}\""))
        .expect("role");
    let refused = c.batch_execute(&format!(
        "set role \"{role}\"; select public.export_subject(1)"
    ));
    let e = refused.expect_err("not granted");
    assert_eq!(e.code().map(|c| c.code()), Some("42501"), "{e}");
    c.batch_execute(&format!("reset role; drop role \"{role}\""))
        .expect("drop role");
}

#[test]
fn mask_replaces_every_value_keeps_constraints_and_repeats() {
    let mask = |key: &str| {
        let db = apply("pii_mask", SCHEMA);
        let mut c = db.connect().expect("connect");
        c.batch_execute(DATA).expect("data");
        let before = all_values(&mut c);
        let rows: i64 = c
            .query_one("select public.mask_data($1)", &[&key])
            .expect("mask")
            .get(0);
        assert!(rows > 0);
        let after = all_values(&mut c);
        // No original value is left anywhere, and nothing was added or
        // dropped.
        let originals: std::collections::HashSet<&String> = before.iter().map(|(_, v)| v).collect();
        let left: Vec<_> = after
            .iter()
            .filter(|(_, v)| originals.contains(v))
            .collect();
        assert!(left.is_empty(), "originals left: {left:?}");
        assert_eq!(before.len(), after.len());
        // Every check and foreign key still holds: added again, each is
        // validated against every row.
        c.batch_execute(
            "do $$
             declare r record;
             begin
               for r in select conrelid::regclass as t, conname, pg_get_constraintdef(oid) as def
                          from pg_constraint
                         where contype in ('c', 'f') and connamespace = 'public'::regnamespace
                         order by contype, conname
               loop
                 execute format('alter table %s drop constraint %I, add constraint %I %s', r.t, r.conname, r.conname, r.def);
               end loop;
             end $$;",
        )
        .expect("constraints hold");
        // Triggers are back on after masking.
        let disabled: i64 = c
            .query_one(
                "select count(*) from pg_trigger where not tgisinternal and tgenabled = 'D'",
                &[],
            )
            .expect("triggers")
            .get(0);
        assert_eq!(disabled, 0);
        let emails: Vec<String> = c
            .query("select email from users order by id", &[])
            .expect("emails")
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert!(
            emails.iter().all(|e| e.ends_with("@example.com")),
            "{emails:?}"
        );
        let mut state = after;
        state.sort();
        state
    };
    let first = mask("copy-key");
    assert_eq!(first, mask("copy-key"), "two runs give the same fakes");
    assert_ne!(first, mask("other-key"), "the key changes the fakes");
}

#[test]
fn privacy_declarations_are_checked() {
    let codes = |schema: &str| -> Vec<String> {
        let project = Project::from_sources(&[("t.schema", schema)]);
        match generator::compile(&project, &crate::support::options(&project)) {
            Ok(_) => Vec::new(),
            Err(f) => f.diagnostics.iter().map(|d| d.code.to_string()).collect(),
        }
    };
    let cases = [
        (
            "entity A {\n  id bigint @pk\n  e  text @pii(emial)\n}\n",
            "schemac::unknown_pii_class",
        ),
        (
            "entity A {\n  id bigint @pk\n  ip integer @pii(ip)\n}\n",
            "schemac::pii_type",
        ),
        (
            "entity A {\n  id bigint @pk\n  born text @pii(birth_date)\n}\n",
            "schemac::pii_type",
        ),
        (
            "entity A {\n  id bigint @pk\n  b  text @pii(free_text, erase: delete)\n}\n",
            "schemac::no_subject",
        ),
        (
            "entity A @subject {\n  id bigint @pk\n}\nentity B @subject {\n  id bigint @pk\n}\n",
            "schemac::bad_policy",
        ),
        (
            "entity A @subject {\n  email text @pk @pii(email)\n}\n",
            "schemac::bad_policy",
        ),
        (
            "entity A {\n  id bigint @pk\n  e  text @pii(email) @pii(name)\n}\n",
            "schemac::bad_policy",
        ),
        (
            "entity A {\n  id bigint @pk\n  e  text @pii(email, erase: forget)\n}\n",
            "schemac::bad_argument",
        ),
        (
            "entity A @subject {\n  a bigint\n  b bigint\n  primary key (a, b)\n}\n",
            "schemac::bad_policy",
        ),
    ];
    for (schema, code) in cases {
        assert_eq!(codes(schema), [code], "{schema}");
    }
}

/// The seed template's users: a subject with a profile, a session, an
/// event (in a partitioned table) and audited changes, exported, masked on
/// one copy and erased on another.
#[test]
fn the_seed_template_exports_erases_and_masks_its_users() {
    let compiled =
        crate::support::compile_ok(&crate::support::root().join("examples/seed-template"));
    let sql = crate::support::sql(&compiled);
    let data = "
      insert into users (id, email, username, password_hash, first_name, last_name) values
        ('00000000-0000-0000-0000-00000000000a', 'ann@example.org', 'annarcher', 'h', 'Ann', 'Archer'),
        ('00000000-0000-0000-0000-00000000000b', 'bob@example.org', 'bobbaker', 'h', 'Bob', 'Baker');
      insert into user_profiles (user_id, bio, phone) values
        ('00000000-0000-0000-0000-00000000000a', 'ann writes', '+44 1'),
        ('00000000-0000-0000-0000-00000000000b', 'bob writes', '+44 2');
      insert into user_sessions (user_id, session_token_hash, ip_address) values
        ('00000000-0000-0000-0000-00000000000a', sha256('a'), '192.0.2.1');
      insert into events (user_id, event_type, event_name, ip_address) values
        ('00000000-0000-0000-0000-00000000000a', 'page', 'view', '192.0.2.2');
      update users set first_name = 'Annie' where username = 'annarcher';
    ";
    let anns = "select count(*) from (
        select email::text v from users union all select username from users
        union all select first_name from users union all select bio from user_profiles
        union all select host(ip_address) from user_sessions union all select host(ip_address) from events
        union all select concat(old::text, new::text, old_rows::text, new_rows::text) from audit.log) x
      where v ~ '(ann|Ann|192\\.0\\.2\\.)'";
    for erase in [true, false] {
        let db = test_db("pii_seed");
        if let Err(e) = db.psql_apply(&sql) {
            panic!("does not apply:\n{e}");
        }
        let mut c = db.connect().expect("connect");
        c.batch_execute(data).expect("data");
        let before: i64 = c.query_one(anns, &[]).expect("scan").get(0);
        assert!(before > 0);
        let export: serde_json::Value = c
            .query_one(
                "select public.export_subject('00000000-0000-0000-0000-00000000000a')",
                &[],
            )
            .expect("export")
            .get(0);
        for table in [
            "public.users",
            "public.user_profiles",
            "public.user_sessions",
            "public.events",
        ] {
            assert_eq!(
                export[table].as_array().map(Vec::len),
                Some(1),
                "{table}: {export}"
            );
        }
        if erase {
            c.query_one(
                "select public.erase_subject('00000000-0000-0000-0000-00000000000a')",
                &[],
            )
            .expect("erase");
            let bob: String = c
                .query_one("select bio from user_profiles join users u on u.id = user_id where username = 'bobbaker'", &[])
                .expect("bob")
                .get(0);
            assert_eq!(bob, "bob writes");
        } else {
            c.query_one("select public.mask_data('copy')", &[])
                .expect("mask");
        }
        let after: i64 = c.query_one(anns, &[]).expect("scan").get(0);
        assert_eq!(after, 0, "erase: {erase}");
    }
}

/// An `@encrypted` classified column: erased and masked through its
/// plaintext, written back as ciphertext, its blind index kept true.
#[test]
fn encrypted_personal_data_is_erased_and_masked_through_its_plaintext() {
    let schema = "entity Customer @subject {\n  id    bigint @pk @identity\n  email text @pii(email) @encrypted(blind_index)\n}\n";
    for erase in [true, false] {
        let db = apply("pii_encrypted", schema);
        let mut c = db.connect().expect("connect");
        c.batch_execute(
            "insert into customers (id, email) overriding system value values
               (1, encryption.encrypt('ann@example.org')), (2, encryption.encrypt('bob@example.org'))",
        )
        .expect("data");
        if erase {
            c.query_one("select public.erase_subject(1)", &[])
                .expect("erase");
        } else {
            c.query_one("select public.mask_data('copy')", &[])
                .expect("mask");
        }
        let rows = c
            .query(
                "select encryption.decrypt(email), email_blind = encryption.blind_index(encryption.decrypt(email))
                   from customers order by id",
                &[],
            )
            .expect("decrypt");
        let ann: String = rows[0].get(0);
        let bob: String = rows[1].get(0);
        assert!(
            ann.ends_with("@example.com") && ann != "ann@example.org",
            "{ann}"
        );
        assert_eq!(bob == "bob@example.org", erase, "{bob}");
        assert!(
            rows.iter().all(|r| r.get::<_, bool>(1)),
            "blind indexes hold"
        );
    }
}

/// `@mask` on classified and plain columns: each masked as declared (kept,
/// NULL, hashed, faked, a fixed value), NULL staying NULL, in the table,
/// its history and its audit rows; constraints still hold; the same key
/// gives the same values.
#[test]
fn mask_strategies_write_what_each_column_declares() {
    let schema = r#"entity Member @audit @versioned {
  id      bigint @pk @identity
  handle  varchar(40) @unique @mask(hash)
  token   uuid @unique @mask(hash)
  email   text @pii(email) @mask(fake: name)
  name    text @pii(name) @mask(keep)
  note    text? @pii(free_text) @mask(null)
  city    text @mask('Springfield') @check(city <> '')
  score   integer @mask(0) @check(score >= 0)
  contact text? @mask(fake: email) @check(contact like '%@%')
  title   text
}
"#;
    let run = |key: &str| {
        let db = apply("pii_mask_strategies", schema);
        let mut c = db.connect().expect("connect");
        c.batch_execute(
            "insert into members (handle, token, email, name, note, city, score, contact, title) values
               ('ann', '00000000-0000-0000-0000-0000000000a1', 'ann@example.org', 'Ann', 'ann note', 'Oslo', 7, 'ann@example.org', 't1'),
               ('bob', '00000000-0000-0000-0000-0000000000b2', 'bob@example.org', 'Bob', null, 'Rome', 9, null, 't2');
             update members set city = 'Bergen', note = 'ann again', title = 'T1' where handle = 'ann';",
        )
        .expect("data");
        c.query_one("select public.mask_data($1)", &[&key])
            .expect("mask");
        let rows: Vec<Vec<Option<String>>> = c
            .query(
                "select handle::text, token::text, email, name, note, city, score::text, contact, title
                   from members order by id",
                &[],
            )
            .expect("rows")
            .iter()
            .map(|r| (0..9).map(|i| r.get(i)).collect())
            .collect();
        let history: Vec<Vec<Option<String>>> = c
            .query(
                "select handle::text, note, city, score::text from members_history order by id, version",
                &[],
            )
            .expect("history")
            .iter()
            .map(|r| (0..4).map(|i| r.get(i)).collect())
            .collect();
        let audit: Vec<String> = c
            .query(
                "select coalesce(old::text, '-') || ' ' || coalesce(new::text, '-') from audit.entries order by id, n",
                &[],
            )
            .expect("audit")
            .iter()
            .map(|r| r.get(0))
            .collect();
        (rows, history, audit)
    };
    let (rows, history, audit) = run("copy-key");
    let (ann, bob) = (&rows[0], &rows[1]);
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    // hash: 32 hex digits, distinct for distinct values; a uuid for a uuid.
    assert!(
        s(&ann[0]).len() == 32 && s(&ann[0]).chars().all(|c| c.is_ascii_hexdigit()),
        "{ann:?}"
    );
    assert_ne!(ann[0], bob[0]);
    assert!(
        s(&ann[1]).len() == 36 && s(&ann[1]) != "00000000-0000-0000-0000-0000000000a1",
        "{ann:?}"
    );
    assert_ne!(ann[1], bob[1]);
    // fake: a name where an email was, as declared.
    assert!(
        !s(&ann[2]).contains('@') && s(&ann[2]).contains(' '),
        "{ann:?}"
    );
    // keep: the classified name stays.
    assert_eq!((s(&ann[3]), s(&bob[3])), ("Ann".into(), "Bob".into()));
    // null, a fixed text, a fixed number; NULL stays NULL.
    assert_eq!((&ann[4], &bob[4]), (&None, &None));
    assert_eq!(
        (s(&ann[5]), s(&bob[5])),
        ("Springfield".into(), "Springfield".into())
    );
    assert_eq!((s(&ann[6]), s(&bob[6])), ("0".into(), "0".into()));
    assert!(s(&ann[7]).ends_with("@example.com"), "{ann:?}");
    assert_eq!(bob[7], None);
    // A column without `@pii` or `@mask` is untouched.
    assert_eq!((s(&ann[8]), s(&bob[8])), ("T1".into(), "t2".into()));
    // The history holds the same masked values.
    assert_eq!(
        history,
        [vec![
            ann[0].clone(),
            None,
            Some("Springfield".into()),
            Some("0".into())
        ]]
    );
    // No original value is left in the audit log, and masked values are
    // there as the table holds them.
    let log = audit.join("\n");
    for original in [
        "Oslo",
        "Rome",
        "Bergen",
        "ann note",
        "ann again",
        "ann@example.org",
        "\"ann\"",
        "0000000000a1",
    ] {
        assert!(!log.contains(original), "{original} in\n{log}");
    }
    assert!(
        log.contains("\"Springfield\"") && log.contains("\"score\": 0"),
        "{log}"
    );
    assert!(
        log.contains("\"note\": null") && log.contains("\"name\": \"Ann\""),
        "{log}"
    );
    assert!(
        log.contains(&format!("\"handle\": \"{}\"", s(&ann[0]))),
        "{log}"
    );
    // Deterministic: the same key, the same values; another key, others.
    assert_eq!(run("copy-key").0, rows);
    assert_ne!(run("other-key").0[0][0], rows[0][0]);
}

/// Strategies a column cannot take are `schemac::bad_mask`, each at its
/// `@mask`.
#[test]
fn impossible_masks_are_refused() {
    let cases = [
        "entity A {\n  id bigint @pk @identity\n  n  text @mask(null)\n}\n",
        "entity A {\n  id bigint @pk @identity @mask(hash)\n}\n",
        "entity A {\n  id bigint @pk @identity\n  n  integer @mask(hash)\n}\n",
        "entity A {\n  id bigint @pk @identity\n  n  varchar(16) @unique @mask(hash)\n}\n",
        "entity A {\n  id bigint @pk @identity\n  n  text @unique @mask('x')\n}\n",
        "entity A {\n  id bigint @pk @identity\n  n  integer @mask(fake: email)\n}\n",
        "entity A {\n  id bigint @pk @identity\n  n  text @mask(hash) @mask(null)\n}\n",
        "entity A {\n  id bigint @pk @identity\n  n  text @generated(id::text) @mask(hash)\n}\n",
    ];
    for schema in cases {
        let project = Project::from_sources(&[("m.schema", schema)]);
        let failed = generator::compile(&project, &crate::support::options(&project))
            .err()
            .unwrap_or_else(|| panic!("compiles:\n{schema}"));
        let codes: Vec<String> = failed
            .diagnostics
            .iter()
            .map(|d| d.code.to_string())
            .collect();
        assert_eq!(codes, ["schemac::bad_mask"], "{schema}");
        let d = &failed.diagnostics[0];
        assert!(!d.labels.is_empty() && d.help.is_some(), "{schema}: {d:?}");
    }
    // A short column that is not unique takes the hash cut to its length.
    let project = Project::from_sources(&[(
        "m.schema",
        "entity A {\n  id bigint @pk @identity\n  n  varchar(8) @mask(hash)\n}\n",
    )]);
    let compiled = generator::compile(&project, &crate::support::options(&project))
        .unwrap_or_else(|f| panic!("compiles: {:?}", f.diagnostics));
    let sql = generator::emit::postgres::render(&compiled.creation);
    assert!(
        sql.contains("left(md5($1 || ':' || (\"n\"::text)), 8)"),
        "{sql}"
    );
}
