//! Documentation coverage: the share of entities and columns that carry a
//! doc comment, per module (`schemac lint --coverage`,
//! `docs/coverage-threshold`).

use crate::model::Model;
use crate::Project;
use rustc_hash::FxHashMap;

/// One module's documented share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleCoverage {
    pub module: String,
    /// The file the module is.
    pub file: u32,
    pub documented: usize,
    pub total: usize,
}

impl ModuleCoverage {
    /// Percent documented, rounded down; 100 for a module with nothing to
    /// document.
    pub fn percent(&self) -> usize {
        (self.documented * 100)
            .checked_div(self.total)
            .unwrap_or(100)
    }
}

/// Per module (in module order), its tables and their columns, each
/// counted where it is declared: a mixin's column in the mixin's module.
pub fn coverage(project: &Project, model: &Model) -> Vec<ModuleCoverage> {
    let mut by_file: FxHashMap<u32, (usize, usize)> = FxHashMap::default();
    let mut count = |file: u32, documented: bool| {
        let e = by_file.entry(file).or_default();
        e.1 += 1;
        if documented {
            e.0 += 1;
        }
    };
    for t in &model.tables {
        count(t.origin.span.file, t.doc.is_some());
        for c in &t.columns {
            count(c.origin.span.file, c.doc.is_some());
        }
    }
    project
        .modules
        .iter()
        .filter_map(|m| {
            let (documented, total) = *by_file.get(&m.file)?;
            Some(ModuleCoverage {
                module: m.name.clone(),
                file: m.file,
                documented,
                total,
            })
        })
        .collect()
}

/// The whole project's share: the sum over its modules.
pub fn total(modules: &[ModuleCoverage]) -> ModuleCoverage {
    ModuleCoverage {
        module: "(all)".to_string(),
        file: 0,
        documented: modules.iter().map(|m| m.documented).sum(),
        total: modules.iter().map(|m| m.total).sum(),
    }
}

/// The shares as a text table, one module a line, then the total.
pub fn table(modules: &[ModuleCoverage]) -> String {
    let all = total(modules);
    let width = modules
        .iter()
        .chain(std::iter::once(&all))
        .map(|m| m.module.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::from("entities and columns with a doc comment, per module:\n");
    for m in modules.iter().chain(std::iter::once(&all)) {
        let count = format!("{}/{}", m.documented, m.total);
        out.push_str(&format!(
            "  {:<width$}  {count:>9}  {:>3}%\n",
            m.module,
            m.percent()
        ));
    }
    out
}

/// The shares as JSON: `{"modules": [...], "total": {...}}`.
pub fn json(modules: &[ModuleCoverage]) -> String {
    let entry = |m: &ModuleCoverage| {
        serde_json::json!({
            "module": m.module,
            "documented": m.documented,
            "total": m.total,
            "percent": m.percent(),
        })
    };
    let value = serde_json::json!({
        "modules": modules.iter().map(entry).collect::<Vec<_>>(),
        "total": entry(&total(modules)),
    });
    format!("{value:#}\n")
}
