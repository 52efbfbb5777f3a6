//! The `schemac` command line: parses arguments, loads the project, calls
//! the compiler, renders diagnostics and writes files. Nothing else.

mod cli;
mod commands;
mod output;
mod report;

use clap::Parser;
use std::process::ExitCode;

/// Exit codes: the schema is fine / the schema has errors / schemac could
/// not do its job (bad usage, unreadable or unwritable files).
/// The compiler allocates millions of small strings and vectors; mimalloc
/// is markedly faster at that than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub const OK: u8 = 0;
pub const SCHEMA_ERRORS: u8 = 1;
pub const USAGE_OR_IO: u8 = 2;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    report::init(cli.color);
    ExitCode::from(commands::run(cli))
}
