//! Arguments, as clap reads them.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "schemac", version, about = "A schema compiler for PostgreSQL", long_about = None)]
pub struct Cli {
    /// When to color diagnostics.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    pub color: Color,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Compile a schema and write the PostgreSQL DDL (and other outputs).
    ///
    /// Writes DIR/schema.sql, a complete DDL script that applies as is to an
    /// empty database, in one transaction.
    Build {
        /// A `.schema` file, or a project directory with `schemac.toml`.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Output directory [default: `build/` beside the schema, or the
        /// project's `[build] out`].
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// What to write: `sql` (schema.sql), `model` (model.json, the
        /// resolved model for other tools), `rust` (Rust model code, in the
        /// project's `[rust] out` or OUT/rust).
        #[arg(long, value_enum, value_delimiter = ',', default_value = "sql")]
        emit: Vec<Emit>,
        /// Overwrite output files that schemac did not write.
        #[arg(long)]
        force: bool,
        /// A directory of templates that replace the built-in ones of the
        /// same file name (`--emit rust`: entity.rs, enum.rs, domain.rs,
        /// support.rs, header.rs).
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// The database to build for [default: the project's `[build]
        /// target`, else postgres]; `citus` adds the calls that distribute
        /// tables.
        #[arg(long, value_enum)]
        target: Option<TargetArg>,
    },
    /// Format `.schema` files in place, canonically.
    ///
    /// A file that does not parse is reported and left as it is. Exit code 1
    /// when a file has syntax errors or, with --check or --diff, when a file
    /// is not formatted.
    Fmt {
        /// Files, or directories to search for `.schema` files; `-` reads
        /// standard input and writes the formatted text to standard output.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// Write nothing; list the files that are not formatted.
        #[arg(long)]
        check: bool,
        /// Write nothing; print what formatting would change, as a unified diff.
        #[arg(long)]
        diff: bool,
    },
    /// Parse, resolve and order a schema without writing anything.
    Check {
        /// A `.schema` file, or a project directory with `schemac.toml`.
        #[arg(default_value = ".")]
        path: PathBuf,
    },
    /// Check a schema against the design guideline's lint rules.
    ///
    /// Exit code 0 when no finding is at error level, 1 when one is (or the
    /// schema does not compile), 2 for usage or I/O problems.
    Lint {
        /// A `.schema` file, or a project directory with `schemac.toml`.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// How to print findings (and, with --list-rules, the rules: text
        /// or json).
        #[arg(long, value_enum, default_value_t = LintFormat::Human)]
        format: LintFormat,
        /// Treat findings of this level as errors (exit code 1).
        #[arg(long, value_enum)]
        deny: Option<Deny>,
        /// Apply the findings' safe fixes to the files, formatted.
        #[arg(long)]
        fix: bool,
        /// With --fix, also apply fixes that change the schema (a name, a
        /// type).
        #[arg(long, requires = "fix")]
        unsafe_fixes: bool,
        /// List every rule with its default level instead of linting.
        #[arg(long)]
        list_rules: bool,
        /// Print the share of entities and columns with a doc comment, per
        /// module, instead of linting (text, or json with --format json).
        #[arg(long, conflicts_with_all = ["fix", "list_rules"])]
        coverage: bool,
    },
    /// Print a lint rule's documentation: what, why, examples, knobs.
    Explain {
        /// The rule's id, e.g. `naming/table-plural-snake-case`.
        rule: String,
    },
    /// Print the migration from one state to another, as SQL.
    ///
    /// Exit code 1 when the states differ (drift detection), 0 when they
    /// are the same. Objects of a `--from-database-url` database that the
    /// model does not describe are kept and listed, not dropped.
    Diff {
        #[command(flatten)]
        sides: Sides,
        /// Fail (exit code 1) on the migration-safety lint's warnings too,
        /// not only its errors.
        #[arg(long, value_enum)]
        deny: Option<Deny>,
    },
    /// Print the lock-safe migration plan: steps, statements, hazards and
    /// the fingerprint of the current state.
    Plan {
        #[command(flatten)]
        sides: Sides,
        #[arg(long, value_enum, default_value_t = PlanFormat::Sql)]
        format: PlanFormat,
        /// Write the plan to this file (as JSON: the plan file `push
        /// --plan` applies) instead of printing it.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Overwrite a file schemac did not write.
        #[arg(long, requires = "out")]
        force: bool,
        /// Fail (exit code 1) on the migration-safety lint's warnings too,
        /// not only its errors.
        #[arg(long, value_enum)]
        deny: Option<Deny>,
    },
    /// Apply a schema to a development database directly, without
    /// migration files, refusing hazards that are not allowed.
    Push {
        /// A `.schema` file, a project directory or a `model.json`.
        #[arg(default_value = ".")]
        path: PathBuf,
        #[arg(long, value_name = "URL")]
        database_url: String,
        /// Hazards to accept: data-loss, rewrite, long-lock, index-build,
        /// irreversible, authorization; added to `[migrate] allow_hazards`
        /// of `schemac.toml`.
        #[arg(long, value_delimiter = ',')]
        allow_hazards: Vec<String>,
        /// Apply this plan file (`schemac plan --from-database-url ...
        /// --out FILE`) instead of planning, refused when the database
        /// changed since it was planned.
        #[arg(long, value_name = "FILE")]
        plan: Option<PathBuf>,
    },
    /// Write `.schema` files from PostgreSQL DDL (a `pg_dump --schema-only`,
    /// migrations) or from a live database: one module per PostgreSQL
    /// schema; what the language cannot express is kept as `sql` blocks and
    /// listed in the report.
    Import {
        /// SQL scripts, read in order.
        #[arg(long = "from-sql", value_name = "FILE", num_args = 1.., required_unless_present = "database_url")]
        from_sql: Vec<PathBuf>,
        /// Read the schema of this database instead (or as well).
        #[arg(long, value_name = "URL")]
        database_url: Option<String>,
        /// Where the `.schema` files go.
        #[arg(long, default_value = ".")]
        out: PathBuf,
        /// Overwrite existing files.
        #[arg(long)]
        force: bool,
    },
    /// Versioned migrations: write them from the schema, apply them to a
    /// database under a lock and a ledger, roll them back, verify them.
    ///
    /// Every subcommand first refuses a migrations directory edited after
    /// `schemac.sum` was written, or with two migrations after the same
    /// parent. `status` exits 0 when the database is up to date, 1 when
    /// migrations are pending, 3 when one failed, was edited after it was
    /// applied, or the database drifted.
    Migrate {
        #[command(flatten)]
        common: MigrateArgs,
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Show what the name at a position stands for and where it is declared.
    ///
    /// Prints `path:line:column: what` for the declaration (line and column
    /// count from 1, columns in UTF-16 code units as editors count them).
    /// Exit code 1 when nothing is named there or the schema has errors.
    Where {
        /// FILE:LINE:COLUMN, e.g. `sales/orders.schema:12:20`.
        position: String,
        /// The project the file belongs to [default: the nearest directory
        /// above the file with a `schemac.toml`, or the file alone].
        #[arg(long)]
        project: Option<PathBuf>,
        /// Also list every reference to it.
        #[arg(long)]
        references: bool,
    },
    /// Draw an entity-relationship diagram to standard output.
    ///
    /// A Mermaid diagram over Mermaid's limits (about 500 relations or
    /// 50,000 characters) is printed in parts, each a diagram of its own
    /// after a `%% part N of M` line.
    Erd {
        /// A `.schema` file, a project directory, or a `model.json`.
        #[arg(default_value = ".")]
        path: PathBuf,
        #[arg(long, value_enum, default_value_t = ErdFormat::Mermaid)]
        format: ErdFormat,
        /// Only the tables of this module and the modules below it.
        #[arg(long, conflicts_with_all = ["entity", "view"])]
        module: Option<String>,
        /// Only this entity and its neighbours (see --depth).
        #[arg(long, conflicts_with = "view")]
        entity: Option<String>,
        /// With --entity: how many foreign keys away a neighbour may be.
        #[arg(long, default_value_t = 1, requires = "entity")]
        depth: u32,
        /// A view named in the project's `[docs.views]`.
        #[arg(long)]
        view: Option<String>,
    },
    /// Start a project: schemac.toml, a .schema file using the standard
    /// library, a .gitignore for outputs and a short README.
    ///
    /// Refuses to overwrite any existing file; writes nothing then.
    Init {
        /// The project directory, created if missing.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// `minimal` (users and one entity), `saas` (organisations, roles,
        /// files, notifications, audit; uuid keys) or `seed` (every module
        /// of the standard library).
        #[arg(long, value_enum, default_value_t = InitTemplate::Minimal)]
        template: InitTemplate,
    },
    /// Write the docs site: static HTML, and the same pages as Markdown.
    ///
    /// An index (diagram, modules, search), a page per entity and a data
    /// inventory; it opens from the file system, no server or network.
    Docs {
        /// A `.schema` file, a project directory, or a `model.json`.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Output directory [default: `docs/` in the build directory].
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// A directory of templates replacing the built-in ones of the
        /// same name (`base.html`, `entity.html`, `entity.md`, ...).
        #[arg(long)]
        templates: Option<PathBuf>,
        /// Overwrite output files that schemac did not write.
        #[arg(long)]
        force: bool,
    },
}

/// What every `schemac migrate` subcommand reads.
#[derive(clap::Args, Debug, Clone)]
pub struct MigrateArgs {
    /// The project: a directory with `schemac.toml`, or a `.schema` file.
    #[arg(long, default_value = ".", global = true)]
    pub project: PathBuf,
    /// The migrations directory [default: `migrations/` in the project].
    #[arg(long, global = true)]
    pub dir: Option<PathBuf>,
    /// The database [default: `DATABASE_URL`, else the environment's
    /// `url`, else libpq's `PG*` variables, service file and `.pgpass`].
    #[arg(long, value_name = "URL", global = true)]
    pub database_url: Option<String>,
    /// An environment of `schemac.toml` (`[env.NAME]`): its URL and the
    /// hazards it allows.
    #[arg(long, global = true)]
    pub env: Option<String>,
    /// `SET ROLE` to this role for the migrations (when the login role
    /// does not own the schema).
    #[arg(long, global = true)]
    pub role: Option<String>,
    /// Hazards to accept besides the environment's: data-loss, rewrite,
    /// long-lock, index-build, irreversible, authorization.
    #[arg(long, value_delimiter = ',', global = true)]
    pub allow_hazards: Vec<String>,
    /// Progress and results as text, or as JSON events on standard output.
    #[arg(long, value_enum, default_value_t = RunFormat::Text, global = true)]
    pub format: RunFormat,
    /// Seconds to wait for another runner's lock before giving up.
    #[arg(long, default_value_t = 60, global = true)]
    pub lock_wait: u64,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum RunFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum MigrateAction {
    /// Write the next migration: the plan from the last migration's
    /// snapshot to the current schema, its reverse, and the new snapshot.
    New {
        /// Letters, digits and underscores, e.g. `add_orders`.
        name: String,
        /// An empty migration to write by hand (a data migration).
        #[arg(long)]
        empty: bool,
        /// Fail (exit code 1) on the migration-safety lint's warnings too,
        /// not only its errors.
        #[arg(long, value_enum)]
        deny: Option<Deny>,
    },
    /// Write `schemac.sum` again, after a deliberate edit of a migration
    /// that is applied nowhere yet.
    Hash,
    /// Move a migration that shares its parent with another (two branches
    /// merged) after the last one, planned again.
    Rebase { version: String },
    /// Apply the pending migrations.
    Apply {
        /// Stop after this version.
        #[arg(long)]
        to: Option<String>,
        /// Check everything and print what would run, running nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// List applied, pending and failed migrations and the drift.
    Status,
    /// Roll back the last migration, or every one after `--to`.
    Rollback {
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        dry_run: bool,
    },
    /// Record how a failed migration was resolved by hand.
    Resolve {
        /// It was finished by hand.
        #[arg(
            long,
            value_name = "VERSION",
            conflicts_with = "rolled_back",
            required_unless_present = "rolled_back"
        )]
        applied: Option<String>,
        /// It was undone by hand.
        #[arg(long, value_name = "VERSION")]
        rolled_back: Option<String>,
    },
    /// Adopt a database made before schemac: record it at VERSION, after
    /// checking that it matches that migration's snapshot.
    Baseline { version: String },
    /// Apply every migration to a throwaway database: each must give its
    /// snapshot, each down.sql must undo its up.sql, and the last must
    /// equal the current schema.
    Verify {
        /// Where to make the throwaway database [default: beside the
        /// database the other options name].
        #[arg(long, value_name = "URL")]
        shadow_database_url: Option<String>,
        /// Also fill every table with generated rows before each
        /// migration and check that every row survives it.
        #[arg(long)]
        with_data: bool,
    },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ErdFormat {
    Mermaid,
    Dot,
    Svg,
}

/// The two states a diff or plan compares: each a `.schema` file, a
/// project directory or a `model.json`, or a live database.
#[derive(clap::Args, Debug)]
pub struct Sides {
    /// The current state: a `.schema` file, a project directory or a
    /// `model.json`.
    #[arg(
        long,
        conflicts_with = "from_database_url",
        required_unless_present = "from_database_url"
    )]
    pub from: Option<PathBuf>,
    /// The current state: a live database (`postgresql://...`).
    #[arg(long, value_name = "URL")]
    pub from_database_url: Option<String>,
    /// The wanted state: a `.schema` file, a project directory or a
    /// `model.json`.
    #[arg(
        long,
        conflicts_with = "to_database_url",
        required_unless_present = "to_database_url"
    )]
    pub to: Option<PathBuf>,
    /// The wanted state: a live database.
    #[arg(long, value_name = "URL")]
    pub to_database_url: Option<String>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum InitTemplate {
    Minimal,
    Saas,
    Seed,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Sql,
    Json,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    Sql,
    Model,
    Rust,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    Human,
    Json,
    Sarif,
    Github,
    Gitlab,
    Rdjson,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    Postgres,
    Citus,
}

impl From<TargetArg> for generator::Target {
    fn from(t: TargetArg) -> Self {
        match t {
            TargetArg::Postgres => generator::Target::Postgres,
            TargetArg::Citus => generator::Target::Citus,
        }
    }
}
