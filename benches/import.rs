//! Import benchmark: `schemac import` of a 1,000-table dump written as
//! `pg_dump --schema-only` writes one (tables, serial sequences with
//! `OWNED BY` and `nextval` defaults, primary keys and foreign keys added by
//! `ALTER TABLE ONLY`, indexes, comments, session settings), read into
//! `.schema` text.
//!
//!     cargo bench --bench import
//!
//! Figures are recorded in docs/performance.md.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

fn dump(tables: usize) -> String {
    let mut s = String::from(
        "SET statement_timeout = 0;\nSET client_encoding = 'UTF8';\nSELECT pg_catalog.set_config('search_path', '', false);\n\
         CREATE TYPE public.state AS ENUM ('new', 'done');\n",
    );
    for i in 0..tables {
        let _ = write!(
            s,
            "--\n-- Name: t_{i}; Type: TABLE; Schema: public; Owner: -\n--\n\n\
             CREATE TABLE public.t_{i} (\n    id integer NOT NULL,\n    name character varying(200) NOT NULL,\n    \
             state public.state DEFAULT 'new'::public.state NOT NULL,\n    amount numeric(12,2) DEFAULT 0 NOT NULL,\n    \
             created_at timestamp with time zone DEFAULT now() NOT NULL,\n    parent_id integer,\n    \
             CONSTRAINT t_{i}_amount_check CHECK ((amount >= (0)::numeric))\n);\n\n\
             COMMENT ON TABLE public.t_{i} IS 'Table {i}.';\n\n\
             CREATE SEQUENCE public.t_{i}_id_seq\n    AS integer\n    START WITH 1\n    INCREMENT BY 1\n    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1;\n\n\
             ALTER SEQUENCE public.t_{i}_id_seq OWNED BY public.t_{i}.id;\n\n"
        );
    }
    for i in 0..tables {
        let _ = writeln!(
            s,
            "ALTER TABLE ONLY public.t_{i} ALTER COLUMN id SET DEFAULT nextval('public.t_{i}_id_seq'::regclass);"
        );
    }
    for i in 0..tables {
        let _ = writeln!(
            s,
            "ALTER TABLE ONLY public.t_{i}\n    ADD CONSTRAINT t_{i}_pkey PRIMARY KEY (id);"
        );
    }
    for i in 0..tables {
        let _ = writeln!(
            s,
            "CREATE INDEX t_{i}_parent_id_idx ON public.t_{i} USING btree (parent_id);\n\
             CREATE INDEX t_{i}_name_idx ON public.t_{i} USING btree (lower((name)::text)) WHERE (state = 'new'::public.state);"
        );
    }
    for i in 1..tables {
        let _ = writeln!(
            s,
            "ALTER TABLE ONLY public.t_{i}\n    ADD CONSTRAINT t_{i}_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.t_{}(id) ON DELETE SET NULL;",
            i - 1
        );
    }
    s
}

fn main() {
    let text = dump(1_000);
    let scripts = [("dump.sql".to_string(), text)];
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..5 {
        let start = Instant::now();
        let im = generator::import::from_sql(&scripts);
        best = best.min(start.elapsed());
        out = Some(im);
    }
    let im = out.expect("ran");
    let bytes: usize = im.files.iter().map(|(_, t)| t.len()).sum();
    println!(
        "import of a 1,000-table dump ({} KB): best of 5 {:.0} ms; {} tables, {} sql blocks, {} KB of .schema",
        scripts[0].1.len() / 1024,
        best.as_secs_f64() * 1000.0,
        im.report.tables,
        im.report.raw.len(),
        bytes / 1024
    );
}
