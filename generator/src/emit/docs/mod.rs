//! The docs site: static HTML (and the same content as Markdown) for
//! people who never read SQL. An index (diagram, modules, a search over
//! entities and columns), a page per entity (columns, keys, indexes,
//! relations both ways, policies, its neighbourhood drawn, its lint
//! findings, the DDL), a data inventory of the columns that hold personal
//! data, an anomalies page (every lint finding, by rule) and the migration
//! history when the project has a `migrations/` directory.
//!
//! Pages are tera templates (`templates/docs/`, embedded; a directory of
//! files with the same names overrides them) filled from plain structs
//! built here, so a template sees everything a page shows and nothing
//! else. Everything works from `file://`: no script or style is fetched
//! from a network, and the search index is a script file, not JSON read
//! with `fetch` (which browsers refuse on `file://`).
//!
//! Pure: the pages are returned as `(relative path, text)`; the CLI
//! writes them.

mod context;

use super::diagram::Modules;
use crate::statement::Creation;
use crate::Model;
use context::Site;
pub use context::MAX_DIAGRAM;
use tera::Tera;

/// Every template, by the name a replacement file must have.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../../../templates/docs/base.html"),
    ),
    (
        "index.html",
        include_str!("../../../../templates/docs/index.html"),
    ),
    (
        "entity.html",
        include_str!("../../../../templates/docs/entity.html"),
    ),
    (
        "inventory.html",
        include_str!("../../../../templates/docs/inventory.html"),
    ),
    (
        "anomalies.html",
        include_str!("../../../../templates/docs/anomalies.html"),
    ),
    (
        "migrations.html",
        include_str!("../../../../templates/docs/migrations.html"),
    ),
    (
        "index.md",
        include_str!("../../../../templates/docs/index.md"),
    ),
    (
        "entity.md",
        include_str!("../../../../templates/docs/entity.md"),
    ),
    (
        "inventory.md",
        include_str!("../../../../templates/docs/inventory.md"),
    ),
    (
        "anomalies.md",
        include_str!("../../../../templates/docs/anomalies.md"),
    ),
    (
        "migrations.md",
        include_str!("../../../../templates/docs/migrations.md"),
    ),
    (
        "style.css",
        include_str!("../../../../templates/docs/style.css"),
    ),
    (
        "search.js",
        include_str!("../../../../templates/docs/search.js"),
    ),
];

/// What the site is made from.
pub struct Input<'m> {
    pub model: &'m Model,
    pub modules: &'m Modules,
    pub creation: &'m Creation,
    /// `[project] name`.
    pub project: Option<&'m str>,
    /// The lint findings, and the sources their spans point into.
    pub findings: &'m [dsl::Diagnostic],
    pub sources: &'m dsl::SourceMap,
    /// What the findings' file names are shown relative to.
    pub root: &'m std::path::Path,
    /// The project's migrations, oldest first (none: no history page).
    pub migrations: &'m [Migration],
}

/// One migration of `migrations/<version>_<name>/`, as read by the CLI.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Migration {
    pub version: String,
    pub name: String,
    /// `up.sql` and `down.sql`; a migration without a way back has no
    /// `down.sql`.
    pub up: String,
    pub down: Option<String>,
}

/// The site's files: `(path relative to the output directory, text)`, in a
/// fixed order. `overrides` replace embedded templates by name; `mark`
/// goes at the top of every file so schemac recognises its own. An error
/// is a template that does not render (only a replaced one can fail).
pub fn site(
    input: &Input<'_>,
    overrides: &[(String, String)],
    mark: &str,
) -> Result<Vec<(String, String)>, String> {
    let tera = templates(overrides)?;
    let site = Site::new(input);
    let render = |name: &str, ctx: &tera::Context| {
        tera.render(name, ctx).map_err(|e| {
            let mut msg = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                msg.push_str(": ");
                msg.push_str(&s.to_string());
                source = s.source();
            }
            msg
        })
    };
    let mut files = Vec::new();
    let mut overview = site.overview(mark);
    overview.insert("root", "");
    let pages: &[&str] = if input.migrations.is_empty() {
        &["index", "inventory", "anomalies"]
    } else {
        &["index", "inventory", "anomalies", "migrations"]
    };
    for page in pages {
        let ctx = &overview;
        for ext in ["html", "md"] {
            files.push((
                format!("{page}.{ext}"),
                render(&format!("{page}.{ext}"), ctx)?,
            ));
        }
    }
    let common = site.common(mark);
    // Entity pages are rendered on all cores, joined in table order.
    let pages = super::map_in_parallel(&site.entity_tables(), |t| {
        let entity = site.entity(t);
        let mut ctx = common.clone();
        ctx.insert("root", "../");
        ctx.insert("entity", &entity);
        Ok::<_, String>([
            (
                format!("entities/{}.html", entity.slug),
                render("entity.html", &ctx)?,
            ),
            (
                format!("entities/{}.md", entity.slug),
                render("entity.md", &ctx)?,
            ),
        ])
    });
    for page in pages {
        files.extend(page?);
    }
    for asset in ["style.css", "search.js"] {
        files.push((asset.to_string(), render(asset, &common)?));
    }
    files.push(("search-index.js".to_string(), site.search_index(mark)));
    Ok(files)
}

fn templates(overrides: &[(String, String)]) -> Result<Tera, String> {
    let mut tera = Tera::default();
    let list: Vec<(&str, &str)> = TEMPLATES
        .iter()
        .map(|&(name, text)| {
            let replaced = overrides.iter().find(|(n, _)| n == name);
            (name, replaced.map_or(text, |(_, t)| t.as_str()))
        })
        .collect();
    tera.add_raw_templates(list).map_err(|e| {
        format!(
            "{e}: {}",
            std::error::Error::source(&e).map_or(String::new(), |s| s.to_string())
        )
    })?;
    // Markdown table cells: a `|` would end the cell, a newline the row.
    tera.register_filter(
        "cell",
        |v: &tera::Value, _: &std::collections::HashMap<String, tera::Value>| {
            let s = match v {
                tera::Value::String(s) => s.clone(),
                tera::Value::Null => String::new(),
                other => other.to_string(),
            };
            Ok(tera::Value::String(
                s.replace('|', "\\|").replace(['\r', '\n'], " "),
            ))
        },
    );
    Ok(tera)
}
