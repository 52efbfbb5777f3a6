//! Policies on a real database: each policy's generated SQL does what
//! docs/policies.md says, proven by writing to it.

use crate::pg::test_db;
use generator::Project;
use live::pgcluster::TestDb;

/// Compiles `schema` (with `schemac.toml` text `config`, which may be
/// empty) and applies it to a fresh database.
pub(crate) fn apply(prefix: &str, config: &str, schema: &str) -> TestDb {
    let project = Project::from_sources(&[("schemac.toml", config), ("m.schema", schema)]);
    let compiled = generator::compile(&project, &crate::support::options(&project))
        .unwrap_or_else(|f| panic!("compiles: {:?}", f.diagnostics));
    let sql = generator::emit::postgres::render(&compiled.creation);
    let db = test_db(prefix);
    if let Err(e) = db.psql_apply(&sql) {
        panic!("does not apply:\n{e}\n{sql}");
    }
    db
}

/// The code of a failed statement (`23505` for a unique violation).
pub(crate) fn sqlstate(e: &postgres::Error) -> String {
    e.code().map(|c| c.code().to_string()).unwrap_or_default()
}

#[test]
fn timestamps_keep_updated_at_and_leave_created_at() {
    let db = apply(
        "pol_timestamps",
        "",
        "entity Note @timestamps {\n  id bigint @pk @identity\n  body text\n}\n",
    );
    let mut c = db.connect().expect("connect");
    // Inserts take the defaults: both columns are the transaction's time.
    let row = c
        .query_one(
            "insert into notes (body) values ('a') returning id, created_at = updated_at, created_at = now()",
            &[],
        )
        .expect("insert");
    let id: i64 = row.get(0);
    assert!(row.get::<_, bool>(1) && row.get::<_, bool>(2));
    // An update (its own transaction, so a later now()) moves updated_at
    // and leaves created_at.
    let row = c
        .query_one(
            "update notes set body = 'b' where id = $1 returning updated_at > created_at, updated_at = now()",
            &[&id],
        )
        .expect("update");
    assert!(row.get::<_, bool>(0) && row.get::<_, bool>(1));
    // Setting updated_at by hand is overridden: it always says when.
    let row = c
        .query_one(
            "update notes set updated_at = '2000-01-01' where id = $1 returning updated_at = now()",
            &[&id],
        )
        .expect("update");
    assert!(row.get::<_, bool>(0));
    // An insert may give its own timestamps (an import keeps them).
    let row = c
        .query_one(
            "insert into notes (body, created_at, updated_at) values ('c', '2000-01-01', '2000-01-02') returning updated_at::date::text",
            &[],
        )
        .expect("insert");
    assert_eq!(row.get::<_, String>(0), "2000-01-02");
}

#[test]
fn timestamps_as_a_project_default_cover_every_entity() {
    let db = apply(
        "pol_timestamps_default",
        "[policies]\ntimestamps = true\n",
        "entity A {\n  id bigint @pk @identity\n}\n\nentity B {\n  id bigint @pk @identity\n}\n",
    );
    let mut c = db.connect().expect("connect");
    let row = c
        .query_one(
            "select (select count(*) from information_schema.columns where column_name in ('created_at', 'updated_at')),
                    (select count(*) from pg_trigger where not tgisinternal),
                    (select count(*) from pg_proc where proname = 'set_updated_at')",
            &[],
        )
        .expect("catalog");
    assert_eq!(
        (
            row.get::<_, i64>(0),
            row.get::<_, i64>(1),
            row.get::<_, i64>(2)
        ),
        (4, 2, 1)
    );
}

#[test]
fn soft_deleted_emails_can_be_reused_and_the_live_view_hides_them() {
    let db = apply(
        "pol_soft_delete",
        "",
        "entity User @soft_delete {\n  id    bigint @pk @identity\n  email text @unique\n}\n",
    );
    let mut c = db.connect().expect("connect");
    let first: i64 = c
        .query_one(
            "insert into users (email) values ('ann@example.com') returning id",
            &[],
        )
        .expect("insert")
        .get(0);
    // Two live rows cannot share an email.
    let dup = c
        .execute("insert into users (email) values ('ann@example.com')", &[])
        .expect_err("a live duplicate is refused");
    assert_eq!(sqlstate(&dup), "23505");
    c.execute(
        "update users set deleted_at = now() where id = $1",
        &[&first],
    )
    .expect("soft delete");
    // Once deleted, the email is free again.
    let second: i64 = c
        .query_one(
            "insert into users (email) values ('ann@example.com') returning id",
            &[],
        )
        .expect("the email is reused")
        .get(0);
    let live: Vec<i64> = c
        .query("select id from live_users", &[])
        .expect("view")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(live, [second]);
    let all: i64 = c
        .query_one("select count(*) from users", &[])
        .expect("count")
        .get(0);
    assert_eq!(all, 2);
}

const AUDITED: &str = "entity Account @audit {
  id            uuid @pk = gen_random_uuid()
  email         text
  password_hash text @secret
}

entity Tag @audit {
  id   bigint @pk @identity
  name text
}

entity Membership @audit {
  account_id -> Account on delete cascade
  team       text
  role       text

  primary key (account_id, team)
}
";

/// The audit rows, oldest first: table, action, key, old, new, actor.
fn audit_rows(
    c: &mut postgres::Client,
) -> Vec<(String, String, String, String, String, Option<String>)> {
    c.query(
        "select table_name, action, key::text, coalesce(old::text, '-'), coalesce(new::text, '-'), actor from audit.entries order by id, n",
        &[],
    )
    .expect("audit rows")
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
    .collect()
}

#[test]
fn audit_writes_succeed_without_an_actor_and_record_keys_and_changes() {
    let db = apply("pol_audit", "", AUDITED);
    let mut c = db.connect().expect("connect");
    // No app.current_user_id set: every write still succeeds.
    let id: String = c
        .query_one(
            "insert into accounts (email, password_hash) values ('ann@example.com', 'hash-one') returning id::text",
            &[],
        )
        .expect("insert without an actor")
        .get(0);
    c.batch_execute(&format!(
        "update accounts set email = 'ann@example.org' where id = '{id}';
         update accounts set password_hash = 'hash-two' where id = '{id}';
         insert into tags (name) values ('red');
         update tags set name = 'blue';
         insert into memberships values ('{id}', 'core', 'admin');
         select set_config('app.current_user_id', 'u-42', false);
         update memberships set role = 'member';
         delete from memberships;
         delete from tags;"
    ))
    .expect("writes");
    let rows = audit_rows(&mut c);
    let key = format!("{{\"id\": \"{id}\"}}");
    let composite = format!("{{\"team\": \"core\", \"account_id\": \"{id}\"}}");
    let summary: Vec<(&str, &str, &str, Option<&str>)> = rows
        .iter()
        .map(|r| (r.0.as_str(), r.1.as_str(), r.2.as_str(), r.5.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            ("public.accounts", "insert", key.as_str(), None),
            ("public.accounts", "update", key.as_str(), None),
            ("public.accounts", "update", key.as_str(), None),
            ("public.tags", "insert", "{\"id\": 1}", None),
            ("public.tags", "update", "{\"id\": 1}", None),
            ("public.memberships", "insert", composite.as_str(), None),
            (
                "public.memberships",
                "update",
                composite.as_str(),
                Some("u-42")
            ),
            (
                "public.memberships",
                "delete",
                composite.as_str(),
                Some("u-42")
            ),
            ("public.tags", "delete", "{\"id\": 1}", Some("u-42")),
        ]
    );
    // An update keeps only what changed.
    assert_eq!(
        (rows[1].3.as_str(), rows[1].4.as_str()),
        (
            "{\"email\": \"ann@example.com\"}",
            "{\"email\": \"ann@example.org\"}"
        )
    );
    // The secret column never appears, even when it is all that changed.
    assert_eq!((rows[2].3.as_str(), rows[2].4.as_str()), ("{}", "{}"));
    let leaked: i64 = c
        .query_one(
            "select count(*) from audit.log where log::text like '%hash-%' or log::text like '%password_hash%'",
            &[],
        )
        .expect("scan")
        .get(0);
    assert_eq!(leaked, 0);
    // Rows go to the month's partition, not the default one.
    let parts: Vec<String> = c
        .query(
            "select distinct tableoid::regclass::text from audit.log",
            &[],
        )
        .expect("partitions")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(parts.len(), 1);
    assert!(parts[0].starts_with("audit.log_p20"), "{parts:?}");
}

#[test]
fn audit_records_truncate_and_needs_no_rights_on_the_log() {
    let db = apply("pol_audit_rights", "", AUDITED);
    let mut c = db.connect().expect("connect");
    // A role that may write the table but not the log: the trigger
    // function is a security definer, so its writes are still audited.
    let role = format!("{}_writer", db.name());
    c.batch_execute(&format!(
        "create role {role};
         grant insert, select, truncate on tags to {role};
         set role {role};
         insert into tags (name) values ('red');
         truncate tags;"
    ))
    .expect("writes as a role without rights on the log");
    let denied = c
        .execute("select 1 from audit.log", &[])
        .expect_err("the role cannot read the log");
    assert_eq!(sqlstate(&denied), "42501");
    c.batch_execute("reset role").expect("reset");
    let actions: Vec<String> = audit_rows(&mut c).into_iter().map(|r| r.1).collect();
    assert_eq!(actions, ["insert", "truncate"]);
    c.batch_execute(&format!("drop owned by {role}; drop role {role}"))
        .expect("drop the role");
}

/// One statement writes many rows: each has its audit row, in the order
/// written, and an update that changes keys pairs each row's old and new
/// values (not another row's that took its key).
#[test]
fn audit_of_many_rows_per_statement_pairs_old_and_new_rows() {
    let db = apply("pol_audit_many", "", AUDITED);
    let mut c = db.connect().expect("connect");
    c.batch_execute(
        "insert into accounts (id, email, password_hash) values
           ('00000000-0000-0000-0000-000000000001', 'a@example.com', 'hash-a');
         insert into memberships values
           ('00000000-0000-0000-0000-000000000001', 't2', 'member'),
           ('00000000-0000-0000-0000-000000000001', 't1', 'admin');
         update memberships set team = case team when 't1' then 't2' else 't3' end,
                                role = role || '!';
         delete from accounts;",
    )
    .expect("writes");
    let key = |team: &str| {
        format!(
            "{{\"team\": \"{team}\", \"account_id\": \"00000000-0000-0000-0000-000000000001\"}}"
        )
    };
    let mut rows: Vec<(String, String, String, String)> = audit_rows(&mut c)
        .into_iter()
        .filter(|r| r.0 == "public.memberships")
        .map(|r| (r.1, r.2, r.3, r.4))
        .collect();
    // The cascade deletes in the order of the rows on disk.
    rows[4..].sort();
    let inserted = |team: &str, role: &str| {
        format!("{{\"role\": \"{role}\", \"team\": \"{team}\", \"account_id\": \"00000000-0000-0000-0000-000000000001\"}}")
    };
    let changed =
        |team: &str, role: &str| format!("{{\"role\": \"{role}\", \"team\": \"{team}\"}}");
    assert_eq!(
        rows,
        [
            (
                "insert".into(),
                key("t2"),
                "-".into(),
                inserted("t2", "member")
            ),
            (
                "insert".into(),
                key("t1"),
                "-".into(),
                inserted("t1", "admin")
            ),
            // t2 became t3, then t1 became t2: paired by row, not by key.
            (
                "update".into(),
                key("t3"),
                changed("t2", "member"),
                changed("t3", "member!")
            ),
            (
                "update".into(),
                key("t2"),
                changed("t1", "admin"),
                changed("t2", "admin!")
            ),
            // The cascade from the account deletes both, each audited.
            (
                "delete".into(),
                key("t2"),
                inserted("t2", "admin!"),
                "-".into()
            ),
            (
                "delete".into(),
                key("t3"),
                inserted("t3", "member!"),
                "-".into()
            ),
        ]
    );
    // A statement that writes nothing writes no audit row.
    let before: i64 = c
        .query_one("select count(*) from audit.log", &[])
        .expect("count")
        .get(0);
    c.batch_execute("update tags set name = 'none' where false; delete from tags")
        .expect("empty writes");
    let after: i64 = c
        .query_one("select count(*) from audit.log", &[])
        .expect("count")
        .get(0);
    assert_eq!(before, after);
}

/// The plan `schemac push` makes from the database `c` is connected to,
/// to `schema`: the model as PostgreSQL prints it, from a shadow database,
/// against the database read back.
fn plan_from_database(
    c: &mut postgres::Client,
    schema: &str,
    shadow: &str,
) -> generator::diff::plan::MigrationPlan {
    let project = Project::from_sources(&[("m.schema", schema)]);
    let new = generator::compile(&project, &crate::support::options(&project))
        .unwrap_or_else(|f| panic!("compiles: {:?}", f.diagnostics))
        .model;
    let shadow = test_db(shadow);
    let want = live::introspect::printed(&new, &mut shadow.connect().expect("connect shadow"))
        .expect("builds in the shadow");
    let got = live::introspect::introspect(c).expect("introspects");
    let options = generator::diff::Options {
        old_is_database: true,
        raw_products: want.raw_products.clone(),
    };
    let changes = generator::diff::diff(&got.model, &want.model, &options);
    generator::diff::plan::plan(&got.model, &want.model, &changes)
}

fn apply_plan(c: &mut postgres::Client, p: &generator::diff::plan::MigrationPlan) {
    c.batch_execute(&p.settings()).expect("settings");
    for step in &p.steps {
        c.batch_execute(&step.to_sql())
            .unwrap_or_else(|e| panic!("{}\n{e:?}", step.to_sql()));
    }
}

/// A database built with the row-level audit trigger of earlier releases
/// migrates to the statement-level triggers: the old trigger goes, the
/// function is replaced, and the result is a fresh build's.
#[test]
fn row_level_audit_triggers_migrate_to_statement_level_ones() {
    // A column named as the trigger's row alias does not hide the row.
    let schema = "entity Tag @audit {\n  id   bigint @pk @identity\n  name text\n  r    text?\n}\n";
    let db = apply("pol_audit_upgrade", "", schema);
    let fresh = apply("pol_audit_upgrade_fresh", "", schema);
    let mut c = db.connect().expect("connect");
    // The function as schemac writes one (its body on lines of its own),
    // so that it reads back as the model's.
    c.batch_execute(
        "drop trigger trg_tags_audit_insert on public.tags;
         drop trigger trg_tags_audit_update on public.tags;
         drop trigger trg_tags_audit_delete on public.tags;
         create or replace function public.audit_tags() returns trigger language plpgsql security definer set search_path = '' as $body$
begin
  insert into audit.log (table_name, action, key, old, new, actor, client_addr)
  values ('public.tags', lower(tg_op),
          case when tg_op = 'DELETE' then jsonb_build_object('id', old.id) else jsonb_build_object('id', new.id) end,
          case when tg_op <> 'INSERT' then to_jsonb(old) end, case when tg_op <> 'DELETE' then to_jsonb(new) end,
          current_setting('app.current_user_id', true), current_setting('app.client_addr', true));
  return null;
end;
$body$;
         create trigger trg_tags_audit after insert or update or delete on public.tags
           for each row execute function public.audit_tags();
         insert into tags (name) values ('kept');",
    )
    .expect("the earlier shape");
    let p = plan_from_database(&mut c, schema, "pol_audit_upgrade_shadow");
    let sql = p.to_sql();
    assert!(sql.contains("DROP TRIGGER \"trg_tags_audit\""), "{sql}");
    apply_plan(&mut c, &p);
    assert_eq!(
        crate::migrate::dump(&db),
        crate::migrate::dump(&fresh),
        "{sql}"
    );
    c.batch_execute("update tags set name = 'changed'")
        .expect("update");
    let last = audit_rows(&mut c).pop().expect("audit rows");
    assert_eq!(
        (last.1.as_str(), last.3.as_str(), last.4.as_str()),
        ("update", "{\"name\": \"kept\"}", "{\"name\": \"changed\"}")
    );
}

/// One statement is one log row holding all its rows, and `audit.entries`
/// gives each row back with its key and images: a bigint key, a uuid key
/// and a composite one, a change to NULL, and columns named as the
/// trigger's own aliases (`r`, `i`, `n`, `o`).
#[test]
fn audit_entries_of_a_multi_row_statement_have_each_rows_key_and_images() {
    let schema = format!(
        "{AUDITED}
entity Counter @audit {{
  id  bigint @pk
  r   text?
  i   integer
  n   integer?
  o   text?
}}
"
    );
    let db = apply("pol_audit_entries", "", &schema);
    let mut c = db.connect().expect("connect");
    c.batch_execute(
        "insert into counters (id, r, i, n, o) select g, 'r' || g, g, g * 10, null from generate_series(1, 3) g;
         update counters set r = case when id = 2 then null else r || '!' end, i = i + 1;
         delete from counters where id <> 2;
         insert into accounts (id, email, password_hash) values
           ('00000000-0000-0000-0000-000000000001', 'a@example.com', 'hash-a'),
           ('00000000-0000-0000-0000-000000000002', 'b@example.com', 'hash-b');
         update accounts set email = upper(email);
         insert into memberships select id, t, 'member' from accounts, unnest(array['x', 'y']) t;
         update memberships set role = team || '-' || left(account_id::text, 1) where team = 'y';",
    )
    .expect("writes");
    let statements: Vec<(String, String, i64)> = c
        .query(
            "select table_name, action, json_array_length(coalesce(new_rows, old_rows))::bigint from audit.log order by id",
            &[],
        )
        .expect("log rows")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let s = |t: &str, a: &str, n: i64| (format!("public.{t}"), a.to_string(), n);
    assert_eq!(
        statements,
        [
            s("counters", "insert", 3),
            s("counters", "update", 3),
            s("counters", "delete", 2),
            s("accounts", "insert", 2),
            s("accounts", "update", 2),
            s("memberships", "insert", 4),
            s("memberships", "update", 2),
        ]
    );
    let entries: Vec<(String, i64, String, String, String)> = c
        .query(
            "select action, n, key::text, coalesce(old::text, '-'), coalesce(new::text, '-') from audit.entries
             where table_name in ('public.counters', 'public.accounts') order by id, n",
            &[],
        )
        .expect("entries")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect();
    let e = |a: &str, n: i64, key: &str, old: &str, new: &str| {
        (
            a.to_string(),
            n,
            key.to_string(),
            old.to_string(),
            new.to_string(),
        )
    };
    let row = |id: i64, r: &str, i: i64, n: i64| {
        format!("{{\"i\": {i}, \"n\": {n}, \"o\": null, \"r\": {r}, \"id\": {id}}}")
    };
    let ann = "{\"id\": \"00000000-0000-0000-0000-000000000001\"}";
    let bob = "{\"id\": \"00000000-0000-0000-0000-000000000002\"}";
    assert_eq!(
        entries,
        [
            e("insert", 1, "{\"id\": 1}", "-", &row(1, "\"r1\"", 1, 10)),
            e("insert", 2, "{\"id\": 2}", "-", &row(2, "\"r2\"", 2, 20)),
            e("insert", 3, "{\"id\": 3}", "-", &row(3, "\"r3\"", 3, 30)),
            e(
                "update",
                1,
                "{\"id\": 1}",
                "{\"i\": 1, \"r\": \"r1\"}",
                "{\"i\": 2, \"r\": \"r1!\"}"
            ),
            e(
                "update",
                2,
                "{\"id\": 2}",
                "{\"i\": 2, \"r\": \"r2\"}",
                "{\"i\": 3, \"r\": null}"
            ),
            e(
                "update",
                3,
                "{\"id\": 3}",
                "{\"i\": 3, \"r\": \"r3\"}",
                "{\"i\": 4, \"r\": \"r3!\"}"
            ),
            e("delete", 1, "{\"id\": 1}", &row(1, "\"r1!\"", 2, 10), "-"),
            e("delete", 2, "{\"id\": 3}", &row(3, "\"r3!\"", 4, 30), "-"),
            e(
                "insert",
                1,
                ann,
                "-",
                "{\"id\": \"00000000-0000-0000-0000-000000000001\", \"email\": \"a@example.com\"}"
            ),
            e(
                "insert",
                2,
                bob,
                "-",
                "{\"id\": \"00000000-0000-0000-0000-000000000002\", \"email\": \"b@example.com\"}"
            ),
            e(
                "update",
                1,
                ann,
                "{\"email\": \"a@example.com\"}",
                "{\"email\": \"A@EXAMPLE.COM\"}"
            ),
            e(
                "update",
                2,
                bob,
                "{\"email\": \"b@example.com\"}",
                "{\"email\": \"B@EXAMPLE.COM\"}"
            ),
        ]
    );
    let mut memberships: Vec<(String, String, String)> = c
        .query(
            "select action, key::text, coalesce(new::text, '-') from audit.entries
             where table_name = 'public.memberships' and action = 'update'",
            &[],
        )
        .expect("entries")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    memberships.sort();
    let key = |n: u8| {
        format!("{{\"team\": \"y\", \"account_id\": \"00000000-0000-0000-0000-00000000000{n}\"}}")
    };
    assert_eq!(
        memberships,
        [
            ("update".into(), key(1), "{\"role\": \"y-0\"}".into()),
            ("update".into(), key(2), "{\"role\": \"y-0\"}".into()),
        ]
    );
    let leaked: i64 = c
        .query_one(
            "select count(*) from audit.log l where l::text like '%hash-%'",
            &[],
        )
        .expect("scan")
        .get(0);
    assert_eq!(leaked, 0);
}

/// A database whose log still has the earlier shape (one row per written
/// row, `key` required) migrates without a hazard: the columns of the
/// statement rows are added, the old rows stay as they were and read
/// through `audit.entries` beside the new ones.
#[test]
fn audit_log_of_the_earlier_shape_migrates_and_keeps_its_rows() {
    let schema = "entity Tag @audit {\n  id   bigint @pk @identity\n  name text\n}\n";
    let db = apply("pol_audit_shape", "", schema);
    let fresh = apply("pol_audit_shape_fresh", "", schema);
    let mut c = db.connect().expect("connect");
    // The earlier log and trigger function, as schemac wrote them.
    c.batch_execute(
        "drop view audit.entries;
         alter table audit.log drop column key_columns, drop column keys, drop column old_rows,
           drop column new_rows, alter column key set not null;
         create or replace function public.audit_tags() returns trigger language plpgsql security definer set search_path = '' as $body$
begin
  if tg_op = 'INSERT' then
    insert into audit.log (table_name, action, key, old, new, actor, client_addr)
    select 'public.tags', 'insert', jsonb_build_object('id', n.j -> 'id'), null, n.j, null, null
      from (select to_jsonb(r.*) as j from audit_new r) n;
  end if;
  return null;
end;
$body$;
         insert into tags (name) values ('kept'), ('also kept');",
    )
    .expect("the earlier shape");
    let p = plan_from_database(&mut c, schema, "pol_audit_shape_shadow");
    let sql = p.to_sql();
    assert!(p.hazards().is_empty(), "{sql}");
    assert!(!sql.contains("DROP COLUMN"), "{sql}");
    apply_plan(&mut c, &p);
    assert_eq!(
        crate::migrate::dump(&db),
        crate::migrate::dump(&fresh),
        "{sql}"
    );
    c.batch_execute("update tags set name = name || '!'")
        .expect("update");
    let rows: Vec<(String, String, String)> = audit_rows(&mut c)
        .into_iter()
        .map(|r| (r.1, r.3, r.4))
        .collect();
    let r = |a: &str, old: &str, new: &str| (a.to_string(), old.to_string(), new.to_string());
    assert_eq!(
        rows,
        [
            r("insert", "-", "{\"id\": 1, \"name\": \"kept\"}"),
            r("insert", "-", "{\"id\": 2, \"name\": \"also kept\"}"),
            r("update", "{\"name\": \"kept\"}", "{\"name\": \"kept!\"}"),
            r(
                "update",
                "{\"name\": \"also kept\"}",
                "{\"name\": \"also kept!\"}"
            ),
        ]
    );
}

#[test]
fn versioned_rows_keep_contiguous_history_and_refuse_stale_versions() {
    let db = apply(
        "pol_versioned",
        "",
        "entity Price @versioned {\n  sku    text @pk\n  amount numeric(10,2)\n}\n",
    );
    let mut c = db.connect().expect("connect");
    c.batch_execute("insert into prices values ('a', 1)")
        .expect("insert");
    // Each update is a transaction of its own, so each version has a
    // period of its own; the instant between two of them is kept.
    let mut instants = Vec::new();
    for amount in [2, 3, 4] {
        let at: String = c
            .query_one("select clock_timestamp()::text", &[])
            .expect("now")
            .get(0);
        instants.push(at);
        c.batch_execute(&format!("update prices set amount = {amount}"))
            .expect("update");
    }
    let row = c
        .query_one(
            "select count(*),
                    bool_and(upper(valid) = next_lower) filter (where next_lower is not null),
                    max(version) filter (where upper(valid) = (select valid_from from prices)),
                    (select version from prices)
               from (select valid, version, lead(lower(valid)) over (order by version) as next_lower
                       from prices_history) h",
            &[],
        )
        .expect("history");
    assert_eq!(
        row.get::<_, i64>(0),
        3,
        "three updates, three prior versions"
    );
    assert_eq!(row.get::<_, Option<bool>>(1), Some(true), "no gaps");
    assert_eq!(
        row.get::<_, Option<i32>>(2),
        Some(3),
        "the last period ends where the row's begins"
    );
    assert_eq!(row.get::<_, i32>(3), 4);
    // The state at a past instant is one query.
    let amounts: Vec<String> = instants
        .iter()
        .map(|at| {
            c.query_one(
                "select amount::text from prices where valid_from <= $1::text::timestamptz
                 union all
                 select amount::text from prices_history where valid @> $1::text::timestamptz",
                &[at],
            )
            .expect("as of")
            .get(0)
        })
        .collect();
    assert_eq!(amounts, ["1.00", "2.00", "3.00"]);
    // An update that read version 2 is refused: the row is at version 4.
    let stale = c
        .execute(
            "update prices set amount = 9, version = 2 where sku = 'a'",
            &[],
        )
        .expect_err("a stale version is refused");
    assert_eq!(sqlstate(&stale), "40001");
    c.execute(
        "update prices set amount = 9, version = 4 where sku = 'a'",
        &[],
    )
    .expect("the current version is accepted");
    // Overlapping periods for one row are refused by the database itself.
    let overlap = c
        .execute(
            "insert into prices_history select sku, amount, version + 100, valid_from, tstzrange(valid_from - interval '1 day', null), null from prices",
            &[],
        )
        .expect_err("an overlapping period is refused");
    assert_eq!(sqlstate(&overlap), "23P01");
}

#[test]
fn a_tenant_sees_and_writes_only_its_rows_and_nothing_unset() {
    let db = apply(
        "pol_tenant",
        "",
        "entity Project @tenant(org_id) {\n  id     bigint @pk @identity\n  org_id uuid\n  name   text\n}\n",
    );
    let mut c = db.connect().expect("connect");
    let (a, b) = (
        "00000000-0000-0000-0000-00000000000a",
        "00000000-0000-0000-0000-00000000000b",
    );
    let role = format!("{}_app", db.name());
    c.batch_execute(&format!(
        "create role {role};
         grant select, insert, update, delete on projects to {role};
         set role {role};
         set app.tenant_id = '{a}';
         insert into projects (org_id, name) values ('{a}', 'a1'), ('{a}', 'a2');
         set app.tenant_id = '{b}';
         insert into projects (org_id, name) values ('{b}', 'b1');"
    ))
    .expect("each tenant writes its own rows");
    let names = |c: &mut postgres::Client| -> Vec<String> {
        c.query("select name from projects order by name", &[])
            .expect("select")
            .iter()
            .map(|r| r.get(0))
            .collect()
    };
    assert_eq!(names(&mut c), ["b1"]);
    // Another tenant's row cannot be written, nor moved to another tenant.
    let foreign = c
        .execute(
            &format!("insert into projects (org_id, name) values ('{a}', 'sneaky')"),
            &[],
        )
        .expect_err("another tenant's row is refused");
    assert_eq!(sqlstate(&foreign), "42501");
    let moved = c
        .execute(&format!("update projects set org_id = '{a}'"), &[])
        .expect_err("moving a row to another tenant is refused");
    assert_eq!(sqlstate(&moved), "42501");
    // Updates and deletes see only the tenant's rows.
    let deleted = c.execute("delete from projects", &[]).expect("delete");
    assert_eq!(deleted, 1);
    // No tenant set: nothing, never everything (also after a reset).
    c.batch_execute("reset app.tenant_id").expect("reset");
    assert!(names(&mut c).is_empty());
    let mut fresh = db.connect().expect("connect");
    fresh
        .batch_execute(&format!("set role {role}"))
        .expect("role");
    assert!(names(&mut fresh).is_empty());
    c.batch_execute(&format!(
        "reset role; set app.tenant_id = '{a}'; set role {role}"
    ))
    .expect("tenant a");
    assert_eq!(names(&mut c), ["a1", "a2"]);
    drop(fresh);
    c.batch_execute(&format!(
        "reset role; drop owned by {role}; drop role {role}"
    ))
    .expect("drop the role");
}

/// Drops roles a test's schema created: roles belong to the cluster, not
/// to the test's database.
fn drop_roles(c: &mut postgres::Client, roles: &[&str]) {
    for role in roles {
        c.batch_execute(&format!(
            "reset role; drop owned by {role}; drop role {role}"
        ))
        .expect("drop the role");
    }
}

#[test]
fn grants_give_each_role_only_what_it_is_granted() {
    let db = apply(
        "pol_grants",
        "",
        "schema crm\n\nentity Account @grant(p2g_app: [select, insert, update], p2g_reporting: select) {\n  id    bigint @pk @identity\n  email text @grant(p2g_support: select)\n  note  text\n}\n",
    );
    let mut c = db.connect().expect("connect");
    let roles = ["p2g_app", "p2g_reporting", "p2g_support"];
    // Group roles: none may log in.
    let logins: i64 = c
        .query_one(
            "select count(*) from pg_roles where rolname = any($1) and not rolcanlogin",
            &[&&roles[..]],
        )
        .expect("roles")
        .get(0);
    assert_eq!(logins, 3);
    c.batch_execute(
        "set role p2g_app;
         insert into crm.accounts (email, note) values ('ann@example.com', 'vip');
         update crm.accounts set note = 'regular';",
    )
    .expect("the application writes");
    let denied = c
        .execute("delete from crm.accounts", &[])
        .expect_err("delete is not granted");
    assert_eq!(sqlstate(&denied), "42501");
    c.batch_execute("reset role; set role p2g_reporting")
        .expect("reporting");
    let n: i64 = c
        .query_one("select count(*) from crm.accounts", &[])
        .expect("reporting reads")
        .get(0);
    assert_eq!(n, 1);
    let denied = c
        .execute(
            "insert into crm.accounts (email, note) values ('x', 'y')",
            &[],
        )
        .expect_err("reporting cannot write");
    assert_eq!(sqlstate(&denied), "42501");
    // A column grant: that column, and no other.
    c.batch_execute("reset role; set role p2g_support")
        .expect("support");
    let email: String = c
        .query_one("select email from crm.accounts", &[])
        .expect("support reads the email")
        .get(0);
    assert_eq!(email, "ann@example.com");
    let hidden = c
        .execute("select note from crm.accounts", &[])
        .expect_err("other columns are hidden");
    assert_eq!(sqlstate(&hidden), "42501");
    drop_roles(&mut c, &roles);
}

#[test]
fn rls_policies_limit_rows_to_their_condition() {
    let db = apply(
        "pol_rls",
        "",
        "entity Doc @rls(all: owner = current_user, to: p2r_app) @grant(p2r_app: [select, insert, update, delete]) {\n  id    bigint @pk @identity\n  owner text = current_user\n  body  text\n}\n",
    );
    let mut c = db.connect().expect("connect");
    c.batch_execute(
        "insert into docs (owner, body) values ('someone_else', 'theirs');
         set role p2r_app;
         insert into docs (body) values ('mine');",
    )
    .expect("writes");
    let bodies: Vec<String> = c
        .query("select body from docs", &[])
        .expect("select")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(bodies, ["mine"]);
    let foreign = c
        .execute(
            "insert into docs (owner, body) values ('someone_else', 'sneaky')",
            &[],
        )
        .expect_err("a row the condition refuses");
    assert_eq!(sqlstate(&foreign), "42501");
    assert_eq!(c.execute("delete from docs", &[]).expect("delete"), 1);
    drop_roles(&mut c, &["p2r_app"]);
}

#[test]
fn notify_sends_the_key_after_commit_and_nothing_after_rollback() {
    use postgres::fallible_iterator::FallibleIterator;
    let db = apply(
        "pol_notify",
        "",
        "entity FeatureFlag @notify {\n  key     text @pk\n  enabled boolean\n}\n",
    );
    let mut listener = db.connect().expect("connect");
    listener
        .batch_execute("listen feature_flags")
        .expect("listen");
    let mut writer = db.connect().expect("connect");
    writer
        .batch_execute(
            "begin;
             insert into feature_flags values ('gone', true);
             rollback;
             begin;
             insert into feature_flags values ('beta', false);
             update feature_flags set enabled = true where key = 'beta';
             delete from feature_flags;
             commit;",
        )
        .expect("writes");
    let mut got = Vec::new();
    let mut notifications = listener.notifications();
    let mut it = notifications.timeout_iter(std::time::Duration::from_secs(5));
    while got.len() < 3 {
        let n = it
            .next()
            .expect("no error")
            .expect("a notification in time");
        assert_eq!(n.channel(), "feature_flags");
        let payload: serde_json::Value = serde_json::from_str(n.payload()).expect("json");
        got.push(payload);
    }
    let actions: Vec<&str> = got
        .iter()
        .map(|p| p["action"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(actions, ["insert", "update", "delete"]);
    for p in &got {
        assert_eq!(p["table"], "public.feature_flags");
        // The key only, never the row.
        assert_eq!(p["key"], serde_json::json!({"key": "beta"}));
    }
    // The rolled-back insert sent nothing.
    drop(it);
    assert_eq!(notifications.iter().count().expect("poll"), 0);
}

#[test]
fn audit_as_a_project_default_covers_every_entity() {
    let db = apply(
        "pol_audit_default",
        "[policies]\naudit = true\n",
        "entity Alpha {\n  id bigint @pk @identity\n}\n\nentity Beta {\n  id bigint @pk @identity\n}\n",
    );
    let mut c = db.connect().expect("connect");
    c.batch_execute("insert into alphas default values; insert into betas default values")
        .expect("insert");
    let tables: Vec<String> = c
        .query("select table_name from audit.log order by table_name", &[])
        .expect("audit rows")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(tables, ["public.alphas", "public.betas"]);
}

#[test]
fn row_retention_purges_old_rows_and_keeps_recent_ones() {
    let db = apply(
        "pol_retain",
        "",
        "entity Session @timestamps {\n  id bigint @pk @identity\n  @retain(30 days)\n}\n\nentity Visit {\n  id      bigint @pk @identity\n  seen_on date\n  @retain(1 year, by: seen_on)\n}\n",
    );
    let mut c = db.connect().expect("connect");
    c.batch_execute(
        "insert into sessions (created_at) values (now() - interval '31 days'), (now() - interval '29 days'), (now());
         insert into visits (seen_on) values (current_date - 400), (current_date - 10);",
    )
    .expect("insert");
    let purged: i64 = c
        .query_one("select purge_sessions()", &[])
        .expect("purge")
        .get(0);
    assert_eq!(purged, 1);
    let purged: i64 = c
        .query_one("select purge_visits()", &[])
        .expect("purge")
        .get(0);
    assert_eq!(purged, 1);
    let left: i64 = c
        .query_one(
            "select (select count(*) from sessions) * 10 + (select count(*) from visits)",
            &[],
        )
        .expect("count")
        .get(0);
    assert_eq!(left, 21);
    // A second run finds nothing more to delete.
    let again: i64 = c
        .query_one("select purge_sessions()", &[])
        .expect("purge")
        .get(0);
    assert_eq!(again, 0);
}
