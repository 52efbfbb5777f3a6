//! `schemac.toml`: a project's settings.
//!
//! ```toml
//! [project]
//! name = "shop"
//! default_schema = "public"   # schema of files without `schema ...`
//!
//! [build]
//! out = "build"               # output directory, relative to the project
//! ```

use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub project: ProjectSection,
    #[serde(default)]
    pub build: BuildSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSection {
    pub name: Option<String>,
    pub default_schema: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildSection {
    pub out: Option<PathBuf>,
}

/// Reads `dir/schemac.toml` if `dir` is a directory that has one.
pub fn load(dir: &Path) -> Result<Option<Config>, String> {
    let path = dir.join(generator::project::CONFIG_FILE);
    if !dir.is_dir() || !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    toml::from_str(&text)
        .map(Some)
        .map_err(|e| format!("{}: {e}", path.display()))
}
