//! `schemac erd`: an entity-relationship diagram on standard output.

use crate::cli::ErdFormat;
use crate::{report, OK, SCHEMA_ERRORS, USAGE_OR_IO};
use generator::emit::diagram::{self, Modules, Selection};
use generator::emit::{dot, mermaid, svg};
use std::io::Write;
use std::path::Path;

pub fn run(
    path: &Path,
    format: ErdFormat,
    module: Option<String>,
    around: Option<(String, u32)>,
    view: Option<String>,
) -> u8 {
    let loaded = match super::load(path, false) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let model = &loaded.compiled.model;
    let modules = modules(&loaded.project);
    let selection = match selection(&loaded, &modules, module, around, view) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let diagram = diagram::select(model, &modules, &selection);
    let text = match format {
        ErdFormat::Mermaid => {
            let parts = mermaid::render(&diagram);
            if parts.len() == 1 {
                parts.concat()
            } else {
                let n = parts.len();
                parts
                    .iter()
                    .enumerate()
                    .map(|(i, p)| format!("%% part {} of {n}\n{p}", i + 1))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        }
        ErdFormat::Dot => dot::render(&diagram),
        ErdFormat::Svg => svg::render(&diagram, &|_| None),
    };
    if let Err(e) = std::io::stdout().lock().write_all(text.as_bytes()) {
        report::fatal(format!("cannot write the diagram: {e}"));
        return USAGE_OR_IO;
    }
    super::exit_without_freeing(loaded);
    OK
}

/// The module of each loaded file.
pub fn modules(project: &generator::Project) -> Modules {
    project
        .modules
        .iter()
        .map(|m| (m.file, m.name.clone()))
        .collect()
}

/// What the options ask for; unknown names are reported here.
pub fn selection(
    loaded: &super::Loaded,
    modules: &Modules,
    module: Option<String>,
    around: Option<(String, u32)>,
    view: Option<String>,
) -> Result<Selection, u8> {
    let model = &loaded.compiled.model;
    if let Some(m) = module {
        if !modules.values().any(|n| diagram::in_module(n, &m)) {
            let mut known: Vec<&str> = modules.values().map(String::as_str).collect();
            known.sort();
            report::fatal(format!(
                "no module `{m}`; the modules are: {}",
                known.join(", ")
            ));
            return Err(USAGE_OR_IO);
        }
        return Ok(Selection::Module(m));
    }
    if let Some((entity, depth)) = around {
        if diagram::find(model, &entity).is_none() {
            report::fatal(format!(
                "no entity `{entity}`; name it by its declared name (`Order`) or SQL name (`orders`, `sales.orders`)"
            ));
            return Err(USAGE_OR_IO);
        }
        return Ok(Selection::Around { entity, depth });
    }
    if let Some(name) = view {
        let views = &loaded.config.docs.views;
        let Some(v) = views.iter().find(|v| v.name == name) else {
            let known: Vec<&str> = views.iter().map(|v| v.name.as_str()).collect();
            report::fatal(if known.is_empty() {
                format!("no view `{name}`: the project has no [docs.views] in schemac.toml")
            } else {
                format!("no view `{name}`; the views are: {}", known.join(", "))
            });
            return Err(USAGE_OR_IO);
        };
        return diagram::view(model, v).map_err(|diags| {
            report::print(&diags, &loaded.project.sources);
            SCHEMA_ERRORS
        });
    }
    Ok(Selection::All)
}
