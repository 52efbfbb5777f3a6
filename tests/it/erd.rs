//! Diagrams: Mermaid and DOT snapshotted beside each fixture and example,
//! cardinalities, SVG as well-formed deterministic XML, Mermaid split
//! below its limits, and the real Mermaid parser accepting the output.

use crate::support::{self, input};
use generator::emit::diagram::{self, Modules, Selection};
use generator::emit::{dot, mermaid, svg};
use generator::Project;
use std::path::{Path, PathBuf};

/// A case compiled, with its modules.
fn load(path: &Path) -> (generator::Compiled, Modules) {
    let project = Project::load(path).expect("loads");
    let compiled = generator::compile(
        &project,
        &project.config.clone().unwrap_or_default().options(),
    )
    .unwrap_or_else(|f| panic!("{}: {:?}", path.display(), f.diagnostics));
    let modules = project
        .modules
        .iter()
        .map(|m| (m.file, m.name.clone()))
        .collect();
    (compiled, modules)
}

fn cases() -> Vec<PathBuf> {
    support::cases("ok")
        .into_iter()
        .chain(support::examples())
        .collect()
}

fn snapshot(case: &Path, name: &str, value: &str) {
    insta::with_settings!({
        snapshot_path => case.join("snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name.to_string(), value);
    });
}

#[test]
fn mermaid_and_dot_snapshots() {
    for case in cases() {
        let (compiled, modules) = load(&input(&case));
        let d = diagram::select(&compiled.model, &modules, &Selection::All);
        snapshot(&case, "erd.mmd", &mermaid::render(&d).concat());
        snapshot(&case, "erd.dot", &dot::render(&d));
    }
}

fn compile_text(text: &str) -> generator::Compiled {
    let project = Project::from_sources(&[("input.schema", text)]);
    generator::compile(&project, &Default::default()).expect("compiles")
}

/// The line of the relation from `child`, in Mermaid.
fn relation_line(m: &str, child: &str) -> String {
    m.lines()
        .find(|l| l.contains(" : ") && l.split_whitespace().nth(2) == Some(child))
        .unwrap_or_else(|| panic!("no relation of {child} in\n{m}"))
        .trim()
        .to_string()
}

#[test]
fn cardinalities_follow_uniqueness_and_nullability() {
    let compiled = compile_text(
        "entity User {\n  id bigint @pk\n}\n\
         entity Post {\n  id bigint @pk\n  author_id -> User on delete cascade as posts\n}\n\
         entity Draft {\n  id bigint @pk\n  editor_id -> User? on delete set null\n}\n\
         entity Profile {\n  user_id -> User @pk on delete cascade as profile\n}\n\
         entity Avatar {\n  id bigint @pk\n  owner_id -> User? @unique on delete cascade\n}\n",
    );
    let d = diagram::select(&compiled.model, &Modules::default(), &Selection::All);
    let m = mermaid::render(&d).concat();
    // Parent side: one, or zero-or-one for a nullable key; child side:
    // many, or zero-or-one for a unique key; solid when identifying.
    assert_eq!(relation_line(&m, "posts"), "users ||..o{ posts : \"posts\"");
    assert_eq!(
        relation_line(&m, "drafts"),
        "users |o..o{ drafts : \"editor_id\""
    );
    assert_eq!(
        relation_line(&m, "profiles"),
        "users ||--o| profiles : \"profile\""
    );
    assert_eq!(
        relation_line(&m, "avatars"),
        "users |o..o| avatars : \"owner_id\""
    );
    assert!(m.contains("bigint user_id PK, FK"), "{m}");
}

#[test]
fn selections_take_modules_neighbourhoods_and_views() {
    let (compiled, modules) = load(&support::root().join("examples/shop"));
    let names = |s: Selection| -> Vec<String> {
        diagram::select(&compiled.model, &modules, &s)
            .tables
            .iter()
            .map(|t| t.name.clone())
            .collect()
    };
    let billing = names(Selection::Module("billing".into()));
    assert!(billing.contains(&"Invoice".to_string()), "{billing:?}");
    assert!(billing.contains(&"Subscription".to_string()), "{billing:?}");
    assert!(!billing.contains(&"Order".to_string()), "{billing:?}");
    let around = names(Selection::Around {
        entity: "OrderLine".into(),
        depth: 1,
    });
    let mut sorted = around.clone();
    sorted.sort();
    assert_eq!(sorted, ["Order", "OrderLine", "Product"]);
    assert_eq!(
        names(Selection::Around {
            entity: "orders".into(),
            depth: 0
        }),
        ["Order"]
    );
    assert_eq!(
        names(Selection::Entities(vec![
            "Order".into(),
            "customers".into()
        ]))
        .len(),
        2
    );
}

#[test]
fn svg_is_well_formed_and_deterministic() {
    for case in cases() {
        let (compiled, modules) = load(&input(&case));
        let d = diagram::select(&compiled.model, &modules, &Selection::All);
        let text = svg::render(&d, &|t| Some(format!("entities/{}.html", t.name)));
        assert_eq!(
            text,
            svg::render(&d, &|t| Some(format!("entities/{}.html", t.name)))
        );
        let doc =
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", case.display()));
        let boxes = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("entity"))
            .count();
        assert_eq!(boxes, compiled.model.tables.len(), "{}", case.display());
        let lines = doc
            .descendants()
            .filter(|n| n.has_tag_name("path") && n.attribute("marker-end").is_some())
            .count();
        assert_eq!(lines, d.relations.len(), "{}", case.display());
    }
}

/// A generated project far over Mermaid's limits comes out in parts,
/// each under them, that together draw every table and relation.
#[test]
fn large_mermaid_diagrams_are_split_below_the_limits() {
    let files = crate::projects::realistic(2_000);
    let project = Project::from_sources(&files);
    let compiled = generator::compile(&project, &Default::default()).expect("compiles");
    let d = diagram::select(&compiled.model, &Modules::default(), &Selection::All);
    let parts = mermaid::render(&d);
    assert!(parts.len() > 1);
    let mut relations = 0;
    for p in &parts {
        assert!(p.len() <= 50_000, "{} chars", p.len());
        let edges = p.lines().filter(|l| l.contains(" : \"")).count();
        assert!(edges <= mermaid::MAX_EDGES, "{edges} edges");
        relations += edges;
    }
    assert_eq!(relations, d.relations.len());
    let drawn = parts
        .iter()
        .map(|p| p.matches("\"] {").count())
        .sum::<usize>();
    assert_eq!(drawn, d.tables.len());
}

/// Every diagram schemac draws of the fixtures and examples, each part of
/// a split one, and the neighbourhoods, parse with Mermaid's own parser.
#[test]
fn mermaid_accepts_every_diagram() {
    let Some(dir) = support::node_packages("mermaid") else {
        assert!(
            !support::ci(),
            "CI: Node or the mermaid package is missing (.ci/run installs them)"
        );
        eprintln!("skipping: Node with the mermaid package not found (run .ci/run, or set SCHEMAC_MERMAID_DIR)");
        return;
    };
    let out = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    let mut write = |name: String, text: &str| {
        let path = out.path().join(name);
        std::fs::write(&path, text).expect("write");
        files.push(path);
    };
    for case in cases() {
        let (compiled, modules) = load(&input(&case));
        let d = diagram::select(&compiled.model, &modules, &Selection::All);
        for (i, part) in mermaid::render(&d).iter().enumerate() {
            write(format!("{}-{i}.mmd", support::case_name(&case)), part);
        }
    }
    let project = Project::from_sources(&crate::projects::realistic(1_000));
    let compiled = generator::compile(&project, &Default::default()).expect("compiles");
    let d = diagram::select(&compiled.model, &Modules::default(), &Selection::All);
    for (i, part) in mermaid::render(&d).iter().enumerate() {
        write(format!("large-{i}.mmd"), part);
    }
    let parsed = std::process::Command::new("node")
        .arg(support::root().join("tests/mermaid/parse.mjs"))
        .args(&files)
        .env("SCHEMAC_MERMAID_DIR", &dir)
        .output()
        .expect("node runs");
    assert!(
        parsed.status.success(),
        "Mermaid rejects:\n{}{}",
        String::from_utf8_lossy(&parsed.stdout),
        String::from_utf8_lossy(&parsed.stderr)
    );
}
