//! pg_cron on the throwaway cluster (started with `shared_preload_libraries = 'pg_cron'`,
//! scheduling in `live::pgcluster::CRON_DATABASE`): the pg_partman back-end registers its
//! maintenance in `cron.job`, and the registered command runs.

use crate::support;

const SCHEMA: &str = "entity Event {\n  id          bigint @identity\n  occurred_at timestamptz = now()\n  primary key (id, occurred_at)\n  @partition(range: occurred_at, every: month, ahead: 2)\n  @retain(13 months)\n}\n";

fn script() -> String {
    let project = generator::Project::from_sources(&[("input.schema", SCHEMA)]);
    let options = generator::Options {
        maintenance: generator::model::Maintenance::PgPartman,
        ..Default::default()
    };
    let compiled =
        generator::compile(&project, &options).unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    support::sql(&compiled)
}

#[test]
fn pg_cron_registers_the_partman_maintenance_and_runs_it() {
    let cluster = live::pgcluster::available().expect("PostgreSQL");
    let Some(conninfo) = cluster.cron_conninfo() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs the throwaway cluster with pg_cron (.ci/run installs postgresql-15-cron)"
        );
        // A server without pg_cron: the script applies, and nothing is scheduled.
        let db = crate::pg::test_db("cron_absent");
        db.psql_apply(&script()).expect("applies without pg_cron");
        let mut c = db.connect().expect("connect");
        let cron: bool = c
            .query_one(
                "select exists (select from pg_namespace where nspname = 'cron')",
                &[],
            )
            .expect("catalog")
            .get(0);
        assert!(!cron);
        return;
    };
    let mut c = postgres::Client::connect(&conninfo, postgres::NoTls).expect("connect");
    // pg_cron is preloaded: its extension can only be created in the
    // database the scheduler uses.
    c.batch_execute("create extension if not exists pg_cron")
        .expect("pg_cron");
    c.batch_execute(&script()).expect("the script applies");
    let jobs: Vec<(String, String, String)> = c
        .query(
            "select jobname, schedule, command from cron.job where database = current_database() order by jobname",
            &[],
        )
        .expect("cron.job")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(
        jobs,
        [(
            "partman-maintenance".to_string(),
            "@hourly".to_string(),
            "CALL partman.run_maintenance_proc()".to_string()
        )]
    );
    // The job's command, as pg_cron runs it (outside a transaction block:
    // the procedure commits per table), makes again the last month ahead.
    let last: String = c
        .query_one(
            "select max(c.relname::text) from pg_inherits i join pg_class c on c.oid = i.inhrelid
             where i.inhparent = 'public.events'::regclass and c.relname <> 'events_default'",
            &[],
        )
        .expect("partitions")
        .get(0);
    c.batch_execute(&format!("drop table public.{last}"))
        .expect("drop the last month");
    assert!(!partitions(&mut c).contains(&last));
    c.batch_execute(&jobs[0].2).expect("the job's command runs");
    assert!(partitions(&mut c).contains(&last), "{last} made again");
}

fn partitions(c: &mut postgres::Client) -> Vec<String> {
    c.query(
        "select c.relname::text from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'public.events'::regclass",
        &[],
    )
    .expect("partitions")
    .iter()
    .map(|r| r.get(0))
    .collect()
}
