//! Findings as machine-readable text for CI: JSON, SARIF 2.1.0 (code
//! scanning), GitHub workflow commands, GitLab code quality, reviewdog's
//! rdjson; and the rule list. Pure functions: the CLI prints the text.
//! Lines and columns count from 1; columns in UTF-16 code units, as editors
//! and these formats count them.

use super::{Level, Rule, RULES};
use dsl::{Diagnostic, LineIndex, Severity, SourceMap, Span};
use rustc_hash::FxHashMap;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// 1-based start and end lines and columns of spans, one line index per file.
struct Positions<'s> {
    sources: &'s SourceMap,
    lines: FxHashMap<u32, LineIndex>,
}

#[derive(Clone, Copy)]
struct Region {
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

impl<'s> Positions<'s> {
    fn new(sources: &'s SourceMap) -> Self {
        Positions {
            sources,
            lines: FxHashMap::default(),
        }
    }

    fn region(&mut self, span: Span) -> Region {
        let text = &self.sources.get(span.file).text;
        let index = self
            .lines
            .entry(span.file)
            .or_insert_with(|| LineIndex::new(text));
        let (a, b) = (
            index.line_col(text, span.start),
            index.line_col(text, span.end),
        );
        Region {
            line: a.line + 1,
            column: a.utf16 + 1,
            end_line: b.line + 1,
            end_column: b.utf16 + 1,
        }
    }

    fn path(&self, span: Span) -> &'s str {
        &self.sources.get(span.file).path
    }
}

fn rule_id(d: &Diagnostic) -> &str {
    d.rule.unwrap_or_else(|| d.code.as_str())
}

/// Stable across edits elsewhere in the file: the rule, the file and the
/// message, not the line.
fn fingerprint(d: &Diagnostic, path: &str) -> String {
    let mut h = Sha256::new();
    for part in [rule_id(d), path, &d.message] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `--format json`: one object per finding.
pub fn json(findings: &[Diagnostic], sources: &SourceMap) -> String {
    let mut at = Positions::new(sources);
    let items: Vec<Value> = findings
        .iter()
        .map(|d| {
            let mut o = json!({
                "rule": rule_id(d),
                "severity": d.severity,
                "message": d.message,
                "help": d.help,
            });
            if let Some(span) = d.primary_span() {
                let r = at.region(span);
                o["path"] = json!(at.path(span));
                o["line"] = json!(r.line);
                o["column"] = json!(r.column);
                o["end_line"] = json!(r.end_line);
                o["end_column"] = json!(r.end_column);
            }
            if let Some(fix) = &d.fix {
                let edits: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|e| {
                        let r = at.region(e.span);
                        json!({
                            "path": at.path(e.span),
                            "line": r.line, "column": r.column,
                            "end_line": r.end_line, "end_column": r.end_column,
                            "replacement": e.replacement,
                        })
                    })
                    .collect();
                o["fix"] = json!({ "message": fix.message, "edits": edits });
            }
            o
        })
        .collect();
    pretty(&Value::Array(items))
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn default_level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "note",
        Level::Off => "none",
    }
}

/// `--format sarif`: SARIF 2.1.0, every rule's metadata in the driver.
pub fn sarif(findings: &[Diagnostic], sources: &SourceMap) -> String {
    let mut at = Positions::new(sources);
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.rationale },
                "help": { "text": format!("{}\n\nFor example:\n{}\nFixed:\n{}", r.rationale, r.bad, r.good) },
                "defaultConfiguration": { "level": default_level(r.level), "enabled": r.level != Level::Off },
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|d| {
            let id = rule_id(d);
            let mut o = json!({
                "ruleId": id,
                "level": sarif_level(d.severity),
                "message": { "text": match &d.help {
                    Some(h) => format!("{}\n{h}", d.message),
                    None => d.message.clone(),
                } },
            });
            if let Some(i) = RULES.iter().position(|r| r.id == id) {
                o["ruleIndex"] = json!(i);
            }
            if let Some(span) = d.primary_span() {
                let r = at.region(span);
                let path = at.path(span);
                o["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(path) },
                        "region": {
                            "startLine": r.line, "startColumn": r.column,
                            "endLine": r.end_line, "endColumn": r.end_column,
                        }
                    }
                }]);
                o["partialFingerprints"] = json!({ "schemacFinding/v1": fingerprint(d, path) });
            }
            o
        })
        .collect();
    pretty(&json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "schemac",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    }))
}

/// A relative path as a URI reference: `/` separators, spaces and `%`
/// escaped.
fn uri(path: &str) -> String {
    path.replace('\\', "/")
        .replace('%', "%25")
        .replace(' ', "%20")
}

/// `--format github`: workflow commands, one line per finding
/// (`::warning file=a.schema,line=3,col=5,endLine=3,endColumn=9,title=rule::message`).
pub fn github(findings: &[Diagnostic], sources: &SourceMap) -> String {
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let property = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let mut at = Positions::new(sources);
    let mut out = String::new();
    for d in findings {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = Vec::new();
        if let Some(span) = d.primary_span() {
            let r = at.region(span);
            props.push(format!("file={}", property(at.path(span))));
            props.push(format!("line={}", r.line));
            props.push(format!("col={}", r.column));
            props.push(format!("endLine={}", r.end_line));
            props.push(format!("endColumn={}", r.end_column));
        }
        props.push(format!("title={}", property(rule_id(d))));
        let message = match &d.help {
            Some(h) => format!("{}\n{h}", d.message),
            None => d.message.clone(),
        };
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            data(&message)
        ));
    }
    out
}

/// `--format gitlab`: a GitLab code quality report.
pub fn gitlab(findings: &[Diagnostic], sources: &SourceMap) -> String {
    let mut at = Positions::new(sources);
    let items: Vec<Value> = findings
        .iter()
        .filter_map(|d| {
            let span = d.primary_span()?;
            let r = at.region(span);
            let path = at.path(span);
            Some(json!({
                "description": d.message,
                "check_name": rule_id(d),
                "fingerprint": fingerprint(d, path),
                "severity": match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                "location": { "path": path, "lines": { "begin": r.line, "end": r.end_line } },
            }))
        })
        .collect();
    pretty(&Value::Array(items))
}

/// `--format rdjson`: reviewdog's diagnostic format, fixes as suggestions.
pub fn rdjson(findings: &[Diagnostic], sources: &SourceMap) -> String {
    let mut at = Positions::new(sources);
    let mut range = |span: Span| {
        let r = at.region(span);
        (
            at.path(span).to_string(),
            json!({
                "start": { "line": r.line, "column": r.column },
                "end": { "line": r.end_line, "column": r.end_column },
            }),
        )
    };
    let items: Vec<Value> = findings
        .iter()
        .map(|d| {
            let mut o = json!({
                "message": d.message,
                "severity": match d.severity {
                    Severity::Error => "ERROR",
                    Severity::Warning => "WARNING",
                    Severity::Info => "INFO",
                },
                "code": { "value": rule_id(d) },
            });
            if let Some(span) = d.primary_span() {
                let (path, r) = range(span);
                o["location"] = json!({ "path": path, "range": r });
            }
            if let Some(fix) = &d.fix {
                let suggestions: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|e| json!({ "range": range(e.span).1, "text": e.replacement }))
                    .collect();
                o["suggestions"] = json!(suggestions);
            }
            o
        })
        .collect();
    pretty(&json!({
        "source": { "name": "schemac" },
        "diagnostics": items,
    }))
}

/// `--list-rules --format json`: every rule's metadata.
pub fn rules_json(rules: &[&Rule]) -> String {
    pretty(&serde_json::to_value(rules).unwrap_or_default())
}

/// `--list-rules`: one line per rule, its default level, its summary.
pub fn rules_text(rules: &[&Rule]) -> String {
    let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    rules
        .iter()
        .map(|r| format!("{:width$}  {:7}  {}\n", r.id, r.level.as_str(), r.summary))
        .collect()
}

/// `schemac explain RULE` and a section of docs/lints.md: the rule's page
/// in Markdown.
pub fn page(r: &Rule) -> String {
    let mut out = format!("## {}\n\n", r.id);
    out.push_str(&format!(
        "**{}.** Default level: {}.",
        capitalized(r.summary),
        r.level
    ));
    if !r.pg_versions.is_all() {
        let v = |x: Option<u32>| x.map_or(String::new(), |v| v.to_string());
        out.push_str(&format!(
            " PostgreSQL versions: {}–{}.",
            v(r.pg_versions.min),
            v(r.pg_versions.max)
        ));
    }
    match r.fix {
        super::FixKind::None => {}
        super::FixKind::Safe => out.push_str(" Fix: `schemac lint --fix`."),
        super::FixKind::Unsafe => {
            out.push_str(" Fix: `schemac lint --fix --unsafe-fixes` (it changes the schema).")
        }
    }
    out.push_str(&format!("\n\n{}\n", r.rationale));
    out.push_str(&format!(
        "\nViolates the rule:\n\n```schemac\n{}```\n\nFixed:\n\n```schemac\n{}```\n",
        r.bad, r.good
    ));
    if !r.knobs.is_empty() {
        out.push_str("\n| knob | default | meaning |\n|---|---|---|\n");
        for k in r.knobs {
            out.push_str(&format!(
                "| `{}` | `{}` | {} |\n",
                k.name,
                k.default.value(),
                k.help
            ));
        }
        out.push_str(&format!(
            "\nSet in `schemac.toml`: `[lint.\"{}\"]`, e.g. `{} = {}`.\n",
            r.id,
            r.knobs[0].name,
            r.knobs[0].default.value()
        ));
    }
    out
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// docs/lints.md: every rule's page, group by group.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Lint rules\n\n\
         <!-- Generated from the rule registry in generator/src/lint/; do not edit.\n     \
         Regenerate with: SCHEMAC_BLESS=1 cargo test --test it lints_doc -->\n\n\
         `schemac lint` checks a schema that compiles against the design guideline.\n\
         Each rule has an id `group/name`, a default level (error, warning, info or\n\
         off), and examples that the test suite checks: the violating one produces\n\
         a finding, the fixed one none. Levels and knobs are set in `schemac.toml`\n\
         (`[lint]`, see [the CLI guide](cli.md#schemac-lint)); a finding is\n\
         suppressed where it stands with\n\
         `// schemac: allow(rule) reason: why`. `schemac build` fails on\n\
         error-level findings.\n\n\
         | rule | level | finds |\n|---|---|---|\n",
    );
    for r in RULES {
        let anchor: String = r.id.chars().filter(|c| *c != '/').collect();
        out.push_str(&format!(
            "| [`{}`](#{anchor}) | {} | {} |\n",
            r.id, r.level, r.summary
        ));
    }
    for r in RULES {
        out.push('\n');
        out.push_str(&page(r));
    }
    out
}
