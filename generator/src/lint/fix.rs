//! `schemac lint --fix`: the findings' fixes applied to the text, then
//! formatted. Pure: returns the new texts; the CLI writes them.

use super::{FixKind, RULES};
use crate::Project;
use dsl::{Diagnostic, Edit, Fix};
use rustc_hash::FxHashMap;

/// A file's text after its fixes.
pub struct Fixed {
    pub file: u32,
    pub text: String,
    /// How many fixes were applied.
    pub applied: usize,
}

/// Applies the fixes of `findings` (unsafe ones only when `unsafe_fixes`)
/// to the modules of `project`, then formats each changed file. A fix that
/// overlaps one taken before it waits for the next run; a file whose fixed
/// text would not parse is left as it is, and so is one that did not parse
/// before.
pub fn apply(project: &Project, findings: &[Diagnostic], unsafe_fixes: bool) -> Vec<Fixed> {
    let allowed = |d: &Diagnostic| {
        let kind = d
            .rule
            .and_then(|id| RULES.iter().find(|r| r.id == id))
            .map_or(FixKind::None, |r| r.fix);
        kind == FixKind::Safe || (kind == FixKind::Unsafe && unsafe_fixes)
    };
    let mut by_file: FxHashMap<u32, (Vec<Edit>, usize)> = FxHashMap::default();
    for d in findings.iter().filter(|d| allowed(d)) {
        let Some(fix) = &d.fix else { continue };
        let Some(first) = fix.edits.first() else {
            continue;
        };
        // Fixes that span files are not taken: they would apply in part.
        if fix.edits.iter().any(|e| e.span.file != first.span.file) {
            continue;
        }
        let (edits, n) = by_file.entry(first.span.file).or_default();
        let overlaps = fix.edits.iter().any(|e| {
            edits.iter().any(|x| {
                (e.span.start < x.span.end && x.span.start < e.span.end)
                    || e.span.start == x.span.start
            })
        });
        if !overlaps {
            edits.extend(fix.edits.iter().cloned());
            *n += 1;
        }
    }
    let mut out = Vec::new();
    let mut files: Vec<u32> = by_file.keys().copied().collect();
    files.sort_unstable();
    for file in files {
        let (edits, applied) = by_file.remove(&file).unwrap_or_default();
        let Some(module) = project.modules.iter().find(|m| m.file == file) else {
            continue;
        };
        let before = &project.sources.get(file).text;
        if dsl::parse(before, file)
            .diagnostics
            .iter()
            .any(|d| d.is_error())
        {
            continue;
        }
        let all = Fix {
            message: String::new(),
            edits,
        };
        let Ok(text) = all.apply(file, before) else {
            continue;
        };
        let parsed = dsl::parse(&text, module.file);
        if parsed.diagnostics.iter().any(|d| d.is_error()) {
            continue;
        }
        out.push(Fixed {
            file,
            text: dsl::format(&text, &parsed.file),
            applied,
        });
    }
    out
}
