//! A migrations directory, read: `migrations/<version>_<name>/` with
//! `up.sql`, `down.sql` and `model.json` (the schema after the migration),
//! and `schemac.sum`, the hashes that tell an edited or merge-conflicted
//! directory before anything touches a database.
//!
//! `up.sql` and `down.sql` are psql scripts: a header of `-- schemac:`
//! lines (the parent migration), the session settings, then steps, each
//! after a `-- step N` line; a step marked `outside a transaction` is one
//! statement PostgreSQL refuses inside one (`CREATE INDEX CONCURRENTLY`),
//! every other step runs in a transaction of its own. A hand-written file
//! without step lines is one transactional step.
//!
//! Reading only: `src/` writes the files.

use generator::diff::plan::{Hazard, MigrationPlan};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub const SUM_FILE: &str = "schemac.sum";
pub const UP: &str = "up.sql";
pub const DOWN: &str = "down.sql";
pub const SNAPSHOT: &str = "model.json";
/// The files of a migration, in the order they are hashed.
pub const FILES: [&str; 3] = [UP, DOWN, SNAPSHOT];
const PARENT: &str = "-- schemac: parent ";
const NOT_PLANNED: &str = "-- NOT PLANNED: ";

/// One migration directory.
#[derive(Clone, Debug)]
pub struct Migration {
    /// Digits, ordered as numbers of the same width.
    pub version: String,
    pub name: String,
    pub dir: PathBuf,
    pub up: String,
    pub down: String,
    /// The text of `model.json`.
    pub snapshot: String,
    /// The migration it was planned after (`<version>_<name>`), if any.
    pub parent: Option<String>,
}

impl Migration {
    /// `<version>_<name>`, the directory's name.
    pub fn id(&self) -> String {
        format!("{}_{}", self.version, self.name)
    }

    /// SHA-256 over the migration's files, names and contents.
    pub fn checksum(&self) -> String {
        let mut h = Sha256::new();
        for (file, text) in FILES.iter().zip([&self.up, &self.down, &self.snapshot]) {
            h.update(file.as_bytes());
            h.update([0]);
            h.update(Sha256::digest(text.as_bytes()));
        }
        hex(&h.finalize())
    }

    pub fn up_steps(&self) -> Vec<Step> {
        steps(&self.up)
    }

    pub fn down_steps(&self) -> Vec<Step> {
        steps(&self.down)
    }

    /// What `down.sql` says it cannot undo (`-- NOT PLANNED:` lines).
    pub fn irreversible(&self) -> Vec<String> {
        self.down
            .lines()
            .filter_map(|l| l.strip_prefix(NOT_PLANNED))
            .map(str::to_string)
            .collect()
    }
}

/// A step of a script: run as one batch, in a transaction unless
/// `transactional` is false.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub transactional: bool,
    /// The session settings the script sets first (`SET lock_timeout`),
    /// sent on their own: a statement refused in a transaction must also
    /// be alone in its batch.
    pub settings: String,
    pub sql: String,
    pub hazards: BTreeSet<Hazard>,
}

impl Step {
    /// The index a `CREATE [UNIQUE] INDEX CONCURRENTLY` step builds.
    pub fn concurrent_index(&self) -> Option<String> {
        let sql = self
            .sql
            .lines()
            .filter(|l| !l.starts_with("--"))
            .collect::<Vec<_>>()
            .join(" ");
        let upper = sql.to_ascii_uppercase();
        let at = upper.find("INDEX CONCURRENTLY ")? + "INDEX CONCURRENTLY ".len();
        if !upper.trim_start().starts_with("CREATE") {
            return None;
        }
        let rest = sql[at..].trim_start();
        let rest = rest
            .strip_prefix("IF NOT EXISTS ")
            .or_else(|| rest.strip_prefix("if not exists "))
            .unwrap_or(rest);
        let name = if let Some(quoted) = rest.strip_prefix('"') {
            quoted.split('"').next()?.to_string()
        } else {
            rest.split_whitespace().next()?.to_string()
        };
        Some(name)
    }

    /// How many statements it holds, as sqlparser splits it (1 when
    /// sqlparser cannot read it: the step is still one batch).
    pub fn statement_count(&self) -> usize {
        let dialect = sqlparser::dialect::PostgreSqlDialect {};
        sqlparser::parser::Parser::parse_sql(&dialect, &self.sql)
            .map(|s| s.len().max(1))
            .unwrap_or(1)
    }
}

/// The steps of a script. The settings before the first step belong to
/// every step (they are session settings).
pub fn steps(script: &str) -> Vec<Step> {
    let mut preamble = String::new();
    let mut out: Vec<Step> = Vec::new();
    let mut current: Option<Step> = None;
    for line in script.lines() {
        if let Some(rest) = line.strip_prefix("-- step ") {
            out.extend(current.take());
            current = Some(Step {
                transactional: !rest.contains("outside a transaction"),
                settings: String::new(),
                sql: String::new(),
                hazards: BTreeSet::new(),
            });
            continue;
        }
        let trimmed = line.trim().to_ascii_uppercase();
        match &mut current {
            // The runner opens and commits the transaction itself.
            Some(_) if trimmed == "BEGIN;" || trimmed == "COMMIT;" => {}
            Some(step) => {
                if let Some(h) = line.strip_prefix("-- hazards: ") {
                    step.hazards
                        .extend(h.split(',').filter_map(|n| Hazard::parse(n.trim())));
                }
                step.sql.push_str(line);
                step.sql.push('\n');
            }
            None => {
                preamble.push_str(line);
                preamble.push('\n');
            }
        }
    }
    out.extend(current);
    if out.is_empty() {
        let body: String = preamble
            .lines()
            .filter(|l| !l.starts_with("-- schemac:"))
            .map(|l| format!("{l}\n"))
            .collect();
        if body
            .lines()
            .all(|l| l.trim().is_empty() || l.starts_with("--"))
        {
            return Vec::new();
        }
        return vec![Step {
            transactional: true,
            settings: String::new(),
            hazards: BTreeSet::new(),
            sql: body,
        }];
    }
    let settings: String = preamble
        .lines()
        .filter(|l| l.to_ascii_uppercase().starts_with("SET "))
        .map(|l| format!("{l}\n"))
        .collect();
    for s in &mut out {
        s.settings = settings.clone();
    }
    out
}

/// A plan as a script: the header, the settings, each step after its
/// `-- step N` line.
pub fn script(plan: &MigrationPlan, parent: Option<&str>) -> String {
    let mut out = String::new();
    out.push_str(&format!("{PARENT}{}\n", parent.unwrap_or("none")));
    for k in &plan.kept {
        out.push_str(&format!("-- kept, not in the model: {k}\n"));
    }
    for u in &plan.unsupported {
        out.push_str(&format!("{NOT_PLANNED}{u}\n"));
    }
    out.push_str(&plan.settings());
    for (i, s) in plan.steps.iter().enumerate() {
        let how = if s.transactional {
            ""
        } else {
            ": outside a transaction"
        };
        out.push_str(&format!("\n-- step {}{how}\n", i + 1));
        for line in s.to_sql().lines() {
            out.push_str(squawk_ignore(line));
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The justified exceptions to Squawk's rules that planned statements
/// need, as the comment lines before them.
fn squawk_ignore(line: &str) -> &'static str {
    if line.starts_with("CREATE INDEX CONCURRENTLY ")
        || line.starts_with("CREATE UNIQUE INDEX CONCURRENTLY ")
    {
        "-- No IF NOT EXISTS: it would keep the INVALID index a failed build\n\
         -- leaves; the runner drops that one instead.\n\
         -- squawk-ignore prefer-robust-stmts\n"
    } else if line.starts_with("ALTER TYPE ")
        && line.contains(" ADD VALUE ")
        && !line.contains(" BEFORE ")
    {
        "-- The value is the last one in the schema.\n\
         -- squawk-ignore require-enum-value-ordering\n"
    } else {
        ""
    }
}

/// The header of a hand-written migration's script.
pub fn empty_script(parent: Option<&str>, what: &str) -> String {
    format!(
        "{PARENT}{}\n-- {what}\n-- One transaction; put a statement that cannot run in one after a\n-- `-- step N: outside a transaction` line of its own.\n",
        parent.unwrap_or("none")
    )
}

/// The directory, read and sorted by version.
#[derive(Clone, Debug)]
pub struct Directory {
    pub root: PathBuf,
    pub migrations: Vec<Migration>,
}

/// What is wrong with a directory; every command refuses it.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    Unreadable(String),
    /// A directory whose name is not `<digits>_<name>`, or a file missing.
    Malformed(String),
    /// Two migrations after the same parent, as a merge of two branches
    /// leaves them.
    SameParent {
        parent: String,
        children: Vec<String>,
    },
    /// Migrations in the directory that `schemac.sum` does not list, or
    /// lists with another hash, or that it lists and are gone.
    Edited {
        changed: Vec<String>,
        added: Vec<String>,
        removed: Vec<String>,
    },
    /// No `schemac.sum` although there are migrations.
    NoSum,
}

impl Problem {
    /// Its code in the catalog.
    pub fn code(&self) -> dsl::Code {
        match self {
            Problem::SameParent { .. } => dsl::Code::DirectoryConflict,
            _ => dsl::Code::DirectoryEdited,
        }
    }
}

impl From<Problem> for crate::error::Error {
    fn from(p: Problem) -> Self {
        crate::error::Error::refused(p.code(), p.to_string())
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Unreadable(m) | Problem::Malformed(m) => write!(f, "{m}"),
            Problem::SameParent { parent, children } => write!(
                f,
                "migrations {} were each made after {parent} (two branches merged); \
                 keep the first and move the others after it with `schemac migrate rebase VERSION`",
                children.join(" and ")
            ),
            Problem::Edited {
                changed,
                added,
                removed,
            } => {
                let mut parts = Vec::new();
                if !changed.is_empty() {
                    parts.push(format!("edited after it was summed: {}", changed.join(", ")));
                }
                if !added.is_empty() {
                    parts.push(format!("not in {SUM_FILE}: {}", added.join(", ")));
                }
                if !removed.is_empty() {
                    parts.push(format!("in {SUM_FILE} but gone: {}", removed.join(", ")));
                }
                write!(
                    f,
                    "the migrations directory does not match {SUM_FILE}: {}; \
                     if the change is deliberate (and not yet applied anywhere), run `schemac migrate hash`",
                    parts.join("; ")
                )
            }
            Problem::NoSum => write!(
                f,
                "the migrations directory has no {SUM_FILE}; run `schemac migrate hash` after checking its migrations"
            ),
        }
    }
}

impl Directory {
    /// Reads `root` (a missing directory has no migrations).
    pub fn read(root: &Path) -> Result<Directory, Problem> {
        let mut migrations = Vec::new();
        let entries = match std::fs::read_dir(root) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Directory {
                    root: root.to_path_buf(),
                    migrations,
                })
            }
            Err(e) => {
                return Err(Problem::Unreadable(format!(
                    "cannot read {}: {e}",
                    root.display()
                )))
            }
        };
        for entry in entries.flatten() {
            let dir = entry.path();
            if !dir.is_dir() {
                continue;
            }
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let Some((version, name)) = file_name.split_once('_') else {
                return Err(Problem::Malformed(format!(
                    "{}: a migration directory is named <version>_<name>",
                    dir.display()
                )));
            };
            if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Problem::Malformed(format!(
                    "{}: a migration's version is digits",
                    dir.display()
                )));
            }
            let read = |f: &str| {
                std::fs::read_to_string(dir.join(f))
                    .map_err(|e| Problem::Malformed(format!("{}: {e}", dir.join(f).display())))
            };
            let up = read(UP)?;
            let parent = up
                .lines()
                .find_map(|l| l.strip_prefix(PARENT))
                .map(str::trim)
                .filter(|p| *p != "none")
                .map(str::to_string);
            migrations.push(Migration {
                version: version.to_string(),
                name: name.to_string(),
                down: read(DOWN)?,
                snapshot: read(SNAPSHOT)?,
                dir,
                up,
                parent,
            });
        }
        migrations.sort_by(|a, b| {
            (a.version.len(), &a.version, &a.name).cmp(&(b.version.len(), &b.version, &b.name))
        });
        Ok(Directory {
            root: root.to_path_buf(),
            migrations,
        })
    }

    /// The text of `schemac.sum` for the directory as it is: the hash of
    /// the whole, then one line per migration.
    pub fn sum(&self) -> String {
        let lines: String = self
            .migrations
            .iter()
            .map(|m| format!("{} h1:{}\n", m.id(), m.checksum()))
            .collect();
        format!("h1:{}\n{lines}", hex(&Sha256::digest(lines.as_bytes())))
    }

    /// Refuses a directory that was edited after it was summed, or where
    /// two migrations share a parent.
    pub fn check(&self) -> Result<(), Problem> {
        let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for m in &self.migrations {
            let parent = m.parent.clone().unwrap_or_else(|| "none".into());
            children.entry(parent).or_default().push(m.id());
        }
        if let Some((parent, kids)) = children.into_iter().find(|(_, k)| k.len() > 1) {
            return Err(Problem::SameParent {
                parent: if parent == "none" {
                    "the start (no parent)".into()
                } else {
                    parent
                },
                children: kids,
            });
        }
        let path = self.root.join(SUM_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(_) if self.migrations.is_empty() => return Ok(()),
            Err(_) => return Err(Problem::NoSum),
        };
        if text == self.sum() {
            return Ok(());
        }
        let summed: BTreeMap<&str, &str> = text
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(' '))
            .collect();
        let mut changed = Vec::new();
        let mut added = Vec::new();
        let mut present = BTreeSet::new();
        for m in &self.migrations {
            let id = m.id();
            match summed.get(id.as_str()) {
                Some(h) if h.strip_prefix("h1:") == Some(m.checksum().as_str()) => {}
                Some(_) => changed.push(id.clone()),
                None => added.push(id.clone()),
            }
            present.insert(id);
        }
        let removed: Vec<String> = summed
            .keys()
            .filter(|k| !present.contains(**k))
            .map(|k| k.to_string())
            .collect();
        if changed.is_empty() && added.is_empty() && removed.is_empty() {
            // Only the whole's hash line differs: hand-edited, or a merge.
            changed.push(SUM_FILE.into());
        }
        Err(Problem::Edited {
            changed,
            added,
            removed,
        })
    }

    pub fn last(&self) -> Option<&Migration> {
        self.migrations.last()
    }

    pub fn find(&self, version: &str) -> Option<&Migration> {
        self.migrations
            .iter()
            .find(|m| m.version == version || m.id() == version)
    }

    /// The version after the last: one more, as wide as the widest (four
    /// digits at least).
    pub fn next_version(&self) -> String {
        let last = self
            .migrations
            .iter()
            .filter_map(|m| m.version.parse::<u64>().ok())
            .max()
            .unwrap_or(0);
        let width = self
            .migrations
            .iter()
            .map(|m| m.version.len())
            .max()
            .unwrap_or(4)
            .max(4);
        format!("{:0width$}", last + 1)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_split_on_markers_and_carry_the_settings() {
        let s = steps(
            "-- schemac: parent none\nSET lock_timeout = '5s';\n\n-- step 1\nBEGIN;\n-- hazards: data-loss\nDROP TABLE t;\nCOMMIT;\n\n-- step 2: outside a transaction\nCREATE INDEX CONCURRENTLY \"ix_a\" ON t (a);\n",
        );
        assert_eq!(s.len(), 2);
        assert!(s[0].transactional);
        assert!(!s[0].sql.contains("BEGIN"));
        assert_eq!(s[0].settings, "SET lock_timeout = '5s';\n");
        assert_eq!(s[0].hazards, BTreeSet::from([Hazard::DataLoss]));
        assert!(!s[1].transactional);
        assert_eq!(s[1].concurrent_index().as_deref(), Some("ix_a"));
        assert_eq!(s[0].concurrent_index(), None);
    }

    #[test]
    fn a_hand_written_script_is_one_step_and_an_empty_one_none() {
        let s = steps("-- schemac: parent 0001_a\nupdate t set a = 1;\n");
        assert_eq!(s.len(), 1);
        assert!(s[0].transactional);
        assert!(steps(&empty_script(None, "nothing")).is_empty());
    }
}
