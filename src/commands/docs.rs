//! `schemac docs`: the static docs site (HTML and Markdown); `schemac
//! build` writes it too when `schemac.toml` has `[docs] out`.

use crate::{output, report, OK, USAGE_OR_IO};
use generator::emit::docs::{self, Migration, TEMPLATES};
use std::path::{Path, PathBuf};

pub fn run(path: &Path, out: Option<PathBuf>, templates: Option<PathBuf>, force: bool) -> u8 {
    let overrides = match templates.as_deref().map(read_templates).transpose() {
        Ok(t) => t.unwrap_or_default(),
        Err(e) => {
            report::fatal(e);
            return USAGE_OR_IO;
        }
    };
    let loaded = match super::load(path, false) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let out = out.unwrap_or_else(|| default_out(&loaded));
    let written = match write(&loaded, &out, &overrides, force) {
        Ok(n) => n,
        Err(code) => return code,
    };
    eprintln!(
        "schemac: wrote {written} files to {} (open {})",
        out.display(),
        out.join("index.html").display()
    );
    super::exit_without_freeing(loaded);
    OK
}

/// `[docs] out` under the project, else `docs/` in the output directory.
pub fn default_out(loaded: &super::Loaded) -> PathBuf {
    match &loaded.config.docs.out {
        Some(dir) => loaded.base.join(dir),
        None => loaded.default_out.join("docs"),
    }
}

/// Renders the site of a loaded project and writes it to `out`: the
/// number of files written, or the exit code after reporting why not.
pub fn write(
    loaded: &super::Loaded,
    out: &Path,
    overrides: &[(String, String)],
    force: bool,
) -> Result<usize, u8> {
    let modules = super::erd::modules(&loaded.project);
    // Every finding, as `schemac lint` reports them: the site shows the
    // remarks too.
    let findings = generator::lint::lint(
        &loaded.project,
        &loaded.compiled.model,
        &loaded.compiled.resolved,
        &loaded.config.lint,
        generator::lint::Level::Info,
    );
    let migrations = migrations(&loaded.base.join("migrations")).map_err(|e| {
        report::fatal(e);
        USAGE_OR_IO
    })?;
    let input = docs::Input {
        model: &loaded.compiled.model,
        modules: &modules,
        creation: &loaded.compiled.creation,
        project: loaded.config.project.name.as_deref(),
        findings: &findings,
        sources: &loaded.project.sources,
        root: &loaded.project.root,
        migrations: &migrations,
    };
    let files = docs::site(&input, overrides, output::MARK).map_err(|e| {
        report::fatal(format!("a template does not render: {e}"));
        USAGE_OR_IO
    })?;
    output::write_tree(out, &files, force).map_err(|e| {
        report::fatal(e);
        USAGE_OR_IO
    })?;
    Ok(files.len())
}

/// The migrations of `dir` (`<version>_<name>/` with `up.sql`, and
/// `down.sql` when it can be undone), oldest first; none when there is no
/// such directory. Other entries (`schemac.sum`) are not migrations.
fn migrations(dir: &Path) -> Result<Vec<Migration>, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
    };
    let mut out = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .path();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some((version, name)) = file_name.split_once('_') else {
            continue;
        };
        if version.is_empty()
            || !version.bytes().all(|b| b.is_ascii_digit())
            || !path.join("up.sql").is_file()
        {
            continue;
        }
        let down = path.join("down.sql");
        out.push(Migration {
            version: version.to_string(),
            name: name.to_string(),
            up: read(&path.join("up.sql"))?,
            down: down.is_file().then(|| read(&down)).transpose()?,
        });
    }
    // Versions are numbers: a shorter one is older.
    out.sort_by(|a, b| (a.version.len(), &a.version).cmp(&(b.version.len(), &b.version)));
    Ok(out)
}

/// The replacement templates in `dir`: files named as the embedded ones.
/// A file there with another name is refused, so a misspelt template is
/// not silently ignored.
fn read_templates(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !TEMPLATES.iter().any(|(n, _)| *n == name) {
            let known: Vec<&str> = TEMPLATES.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "{} is not a docs template; the templates are: {}",
                path.display(),
                known.join(", ")
            ));
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        out.push((name, text));
    }
    Ok(out)
}
