//! The language reference and the policies guide stay true: every
//! `schemac` example in docs/language.md and docs/policies.md compiles (or, where the next block shows diagnostics,
//! fails with exactly those codes), and every line of the `sql` block that
//! follows an example appears in what schemac emits for it. Examples marked
//! `<!-- project: NAME file: PATH -->` are files of one project, compiled
//! together at the last of them.

use crate::support::root;

struct Block {
    lang: String,
    text: String,
    line: usize,
    /// `(project, file)` from a marker comment just before the block.
    file_of: Option<(String, String)>,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    let mut marker: Option<(String, String)> = None;
    for (n, line) in markdown.lines().enumerate() {
        if let Some(rest) = line
            .strip_prefix("<!-- project: ")
            .and_then(|r| r.strip_suffix(" -->"))
        {
            marker = rest
                .split_once(" file: ")
                .map(|(p, f)| (p.to_string(), f.to_string()));
            continue;
        }
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(lang)) => {
                current = Some(Block {
                    lang: lang.trim().to_string(),
                    text: String::new(),
                    line: n + 1,
                    file_of: marker.take(),
                })
            }
            (Some(_), Some("")) => out.extend(current.take()),
            (Some(b), _) => {
                b.text.push_str(line);
                b.text.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

#[test]
fn language_reference_examples_are_true() {
    examples_are_true("docs/language.md", 40);
}

#[test]
fn policy_examples_are_true() {
    examples_are_true("docs/policies.md", 2);
}

/// Checks every example of the markdown file `path`; there are at least
/// `at_least`.
fn examples_are_true(path: &str, at_least: usize) {
    let doc = std::fs::read_to_string(root().join(path)).expect(path);
    let blocks = blocks(&doc);
    let mut checked = 0;
    for (i, b) in blocks.iter().enumerate() {
        if b.lang != "schemac" {
            continue;
        }
        let next = blocks.get(i + 1);
        let files: Vec<(String, String)> = match &b.file_of {
            // A project is compiled once, at its last file.
            Some((project, _)) => {
                let later = blocks[i + 1..]
                    .iter()
                    .any(|x| x.file_of.as_ref().is_some_and(|(p, _)| p == project));
                if later {
                    continue;
                }
                blocks
                    .iter()
                    .filter_map(|x| match &x.file_of {
                        Some((p, f)) if p == project => Some((f.clone(), x.text.clone())),
                        _ => None,
                    })
                    .collect()
            }
            None => vec![("example.schema".to_string(), b.text.clone())],
        };
        let project = generator::Project::from_sources(&files);
        let result = generator::compile(&project, &generator::Options::default());
        // A `text` block of diagnostics after an example marks it as failing.
        let shown_errors = next
            .filter(|n| n.lang == "text" && n.text.trim_start().starts_with("schemac::"))
            .map(|n| &n.text);
        match (result, next) {
            (Err(failed), Some(_)) if shown_errors.is_some() => {
                let diags = &failed.diagnostics;
                let shown = shown_errors.map_or("", |s| s.as_str());
                for d in diags {
                    assert!(
                        shown.contains(d.code.as_str()),
                        "{path}:{}: {} is not shown in the example output",
                        b.line,
                        d.code
                    );
                }
                for line in shown.lines().filter(|l| l.starts_with("schemac::")) {
                    let code = line.trim();
                    assert!(
                        diags.iter().any(|d| d.code == code),
                        "{path}:{}: the example shows {code}, which schemac does not report",
                        b.line
                    );
                }
            }
            (Ok(_), Some(_)) if shown_errors.is_some() => panic!(
                "{path}:{}: the example is shown failing, but it compiles",
                b.line
            ),
            (Err(failed), _) => panic!(
                "{path}:{}: example does not compile: {:?}",
                b.line,
                failed
                    .diagnostics
                    .iter()
                    .map(|d| &d.message)
                    .collect::<Vec<_>>()
            ),
            (Ok(c), Some(n)) if n.lang == "sql" => {
                let sql = generator::emit::postgres::render(&c.creation);
                for line in n
                    .text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && *l != "...")
                {
                    assert!(
                        sql.contains(line),
                        "{path}:{}: `{line}` is not in the emitted SQL",
                        n.line
                    );
                }
            }
            (Ok(_), _) => {}
        }
        checked += 1;
    }
    assert!(checked >= at_least, "{path}: only {checked} examples found");
}
