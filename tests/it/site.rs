//! The docs site: Markdown snapshotted for each example, every page
//! written, links between pages resolving, templates replaceable, the
//! user's files never overwritten, the site working in headless Chromium,
//! and its pictures readable at 200 entities.

use crate::support::{self, root};
use assert_cmd::Command;
use std::path::Path;

fn docs(case: &Path, out: &Path) -> Command {
    let mut cmd = Command::cargo_bin("schemac").expect("binary");
    cmd.args(["docs", "--color", "never", "--out"])
        .arg(out)
        .arg(case);
    cmd
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn markdown_snapshots_and_links_resolve() {
    for case in support::examples() {
        let out = tempfile::tempdir().expect("tempdir");
        docs(&case, out.path()).assert().success();
        let mut pages: Vec<_> = std::fs::read_dir(out.path().join("entities"))
            .expect("entities/")
            .map(|e| e.expect("entry").path())
            .collect();
        pages.sort();
        let mut md = read(&out.path().join("index.md"));
        md.push_str(&read(&out.path().join("inventory.md")));
        md.push_str(&read(&out.path().join("anomalies.md")));
        for p in pages
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
        {
            md.push_str(&read(p));
        }
        insta::with_settings!({
            snapshot_path => case.join("snapshots"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!("docs.md", md);
        });
        // Every relative link of every HTML page names a file that exists.
        for p in pages.iter().chain([
            &out.path().join("index.html"),
            &out.path().join("inventory.html"),
            &out.path().join("anomalies.html"),
        ]) {
            let text = read(p);
            for link in text
                .split("href=\"")
                .skip(1)
                .filter_map(|s| s.split('"').next())
            {
                let file = link.split('#').next().unwrap_or_default();
                if file.is_empty() {
                    continue;
                }
                let target = p.parent().expect("dir").join(file);
                assert!(target.is_file(), "{}: broken link {link}", p.display());
            }
        }
    }
}

#[test]
fn templates_can_be_replaced_and_outputs_are_protected() {
    let shop = root().join("examples/shop");
    let out = tempfile::tempdir().expect("tempdir");
    let templates = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        templates.path().join("entity.md"),
        "<!-- {{ mark }} -->\nCustom page for {{ entity.name }}\n",
    )
    .expect("write");
    docs(&shop, out.path())
        .arg("--templates")
        .arg(templates.path())
        .assert()
        .success();
    assert!(read(&out.path().join("entities/public.orders.md")).contains("Custom page for Order"));
    assert!(read(&out.path().join("entities/public.orders.html")).contains("<h1>Order"));
    // Written again over its own files: fine. A page that already holds
    // its text is left as it is (the same inode), a changed one replaced.
    use std::os::unix::fs::MetadataExt;
    let inode = |page: &str| {
        let path = out.path().join(page);
        std::fs::metadata(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .ino()
    };
    let (html, md) = (
        inode("entities/public.orders.html"),
        inode("entities/public.orders.md"),
    );
    docs(&shop, out.path()).assert().success();
    assert_eq!(inode("entities/public.orders.html"), html);
    assert_ne!(inode("entities/public.orders.md"), md);
    assert!(!read(&out.path().join("entities/public.orders.md")).contains("Custom page"));
    std::fs::write(out.path().join("index.html"), "<p>my own page</p>").expect("write");
    docs(&shop, out.path()).assert().code(2);
    assert_eq!(read(&out.path().join("index.html")), "<p>my own page</p>");
    docs(&shop, out.path()).arg("--force").assert().success();
    // A misnamed template and a template that does not render are refused.
    std::fs::write(templates.path().join("entty.md"), "x").expect("write");
    docs(&shop, out.path())
        .arg("--templates")
        .arg(templates.path())
        .assert()
        .code(2);
    std::fs::remove_file(templates.path().join("entty.md")).expect("remove");
    std::fs::write(templates.path().join("entity.md"), "{{ entity.nope }}").expect("write");
    docs(&shop, out.path())
        .arg("--templates")
        .arg(templates.path())
        .assert()
        .code(2);
}

/// The shop's site (the largest example) in headless Chromium, from
/// `file://`: no console error, diagrams drawn, the search finding a
/// column, links between entities working (tests/browser/site.mjs).
/// Screenshots of the index, an entity and the inventory are left in
/// `target/site-screenshots/` for a person to look at.
#[test]
fn the_site_works_in_a_browser() {
    let chromium = std::env::var_os("SCHEMAC_CHROMIUM")
        .map_or_else(|| Path::new("/usr/bin/chromium").to_path_buf(), Into::into);
    let Some(dir) = support::node_packages("puppeteer-core").filter(|_| chromium.is_file()) else {
        assert!(
            !support::ci(),
            "CI: Chromium, Node or puppeteer-core is missing (.ci/run installs them)"
        );
        eprintln!("skipping: Chromium or Node with puppeteer-core not found (run .ci/run)");
        return;
    };
    let out = tempfile::tempdir().expect("tempdir");
    docs(&root().join("examples/shop"), out.path())
        .assert()
        .success();
    let shots = root().join("target/site-screenshots");
    std::fs::create_dir_all(&shots).expect("create the screenshot directory");
    let run = std::process::Command::new("node")
        .arg(root().join("tests/browser/site.mjs"))
        .arg(out.path())
        .arg(&shots)
        .arg("email")
        .env("SCHEMAC_MERMAID_DIR", &dir)
        .env("SCHEMAC_CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    assert!(
        run.status.success(),
        "in the browser:\n{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    for page in ["index", "entity", "inventory"] {
        assert!(shots.join(format!("{page}.png")).is_file(), "{page}.png");
    }
}

/// A box of a drawn diagram: its entity and its rectangle.
struct Drawn {
    entity: String,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

/// The boxes of every `<svg>` in an HTML page.
fn diagrams(page: &str) -> Vec<Vec<Drawn>> {
    let mut out = Vec::new();
    for part in page.split("<svg ").skip(1) {
        let end = part.find("</svg>").expect("closed svg") + "</svg>".len();
        let text = format!("<svg {}", &part[..end]);
        let doc = roxmltree::Document::parse(&text).expect("well-formed SVG");
        let svg = doc.root_element();
        // Drawn at its own size, not shrunk to fit: its text stays 12px.
        let view: Vec<f64> = svg
            .attribute("viewBox")
            .expect("viewBox")
            .split(' ')
            .map(|v| v.parse().expect("number"))
            .collect();
        assert_eq!(svg.attribute("width"), Some(view[2].to_string().as_str()));
        let boxes = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("entity"))
            .map(|g| {
                let at = g.attribute("transform").expect("transform");
                let xy: Vec<f64> = at
                    .trim_start_matches("translate(")
                    .trim_end_matches(')')
                    .split(' ')
                    .map(|v| v.parse().expect("number"))
                    .collect();
                let rect = g
                    .children()
                    .find(|c| c.has_tag_name("rect"))
                    .expect("a box");
                let size =
                    |a: &str| -> f64 { rect.attribute(a).expect(a).parse().expect("number") };
                Drawn {
                    entity: g.attribute("data-entity").expect("named").to_string(),
                    x: xy[0],
                    y: xy[1],
                    w: size("width"),
                    h: size("height"),
                }
            })
            .collect();
        out.push(boxes);
    }
    out
}

/// What "readable" means for the pictures of a 200-entity schema, each
/// asserted: the index draws no single picture of all of them but one per
/// module, each at most `MAX_DIAGRAM` boxes, together drawing every
/// entity; in every picture of the site (modules and each entity's
/// neighbours) boxes are drawn at their own size, never overlap, keep a
/// gap between them, and stand at most `MAX_ROW` side by side.
#[test]
fn diagrams_stay_readable_at_200_entities() {
    use generator::emit::{diagram::Modules, docs, svg};
    let files = crate::projects::synthetic(200, 20);
    let project = generator::Project::from_sources(&files);
    let compiled = generator::compile(&project, &Default::default()).expect("compiles");
    assert_eq!(compiled.model.tables.len(), 200);
    let modules: Modules = project
        .modules
        .iter()
        .map(|m| (m.file, m.name.clone()))
        .collect();
    let input = docs::Input {
        model: &compiled.model,
        modules: &modules,
        creation: &compiled.creation,
        project: Some("large"),
        findings: &[],
        sources: &project.sources,
        root: std::path::Path::new(""),
        migrations: &[],
    };
    let site = docs::site(&input, &[], "mark").expect("renders");
    let page = |name: &str| {
        &site
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{name}"))
            .1
    };
    let index = diagrams(page("index.html"));
    assert!(index.len() > 1, "split into modules");
    let mut drawn: Vec<&str> = index.iter().flatten().map(|b| b.entity.as_str()).collect();
    drawn.sort_unstable();
    drawn.dedup();
    assert_eq!(drawn.len(), 200, "every entity is in a module's picture");
    for boxes in &index {
        assert!(boxes.len() <= docs::MAX_DIAGRAM, "{} boxes", boxes.len());
    }
    let mut pictures = 0;
    for (name, text) in site.iter().filter(|(n, _)| n.ends_with(".html")) {
        for boxes in diagrams(text) {
            pictures += 1;
            for (i, a) in boxes.iter().enumerate() {
                for b in &boxes[i + 1..] {
                    let apart = a.x + a.w + 16.0 <= b.x
                        || b.x + b.w + 16.0 <= a.x
                        || a.y + a.h + 16.0 <= b.y
                        || b.y + b.h + 16.0 <= a.y;
                    assert!(apart, "{name}: {} and {} overlap", a.entity, b.entity);
                }
                let side_by_side = boxes
                    .iter()
                    .filter(|b| b.y < a.y + a.h && a.y < b.y + b.h)
                    .count();
                assert!(
                    side_by_side <= svg::MAX_ROW,
                    "{name}: {side_by_side} in a row"
                );
            }
        }
    }
    assert!(pictures > 200, "each entity page draws its neighbours");
}

/// The anomalies page lists the lint findings by rule, each entity page
/// its own; `migrations/` becomes the history page, oldest first; and
/// `schemac build` writes the site where `[docs] out` says.
#[test]
fn anomalies_migrations_and_the_site_from_build() {
    let project = tempfile::tempdir().expect("tempdir");
    let dir = project.path();
    std::fs::write(
        dir.join("schemac.toml"),
        "[project]\nname = \"history\"\n\n[docs]\nout = \"site\"\n",
    )
    .expect("write");
    // `Person` (singular table name, no comments) draws findings.
    std::fs::write(
        dir.join("people.schema"),
        "schemac 1\n\nentity Person @table(\"person\") {\n  id   bigint @pk @identity\n  name text\n}\n",
    )
    .expect("write");
    for (version, name, down) in [
        ("2", "names", true),
        ("10", "later", false),
        ("1", "init", true),
    ] {
        let m = dir.join(format!("migrations/{version}_{name}"));
        std::fs::create_dir_all(&m).expect("mkdir");
        std::fs::write(m.join("up.sql"), format!("-- up {name}\n")).expect("write");
        if down {
            std::fs::write(m.join("down.sql"), format!("-- down {name}\n")).expect("write");
        }
    }
    std::fs::write(dir.join("migrations/schemac.sum"), "").expect("write");
    Command::cargo_bin("schemac")
        .expect("binary")
        .args(["build", "--color", "never"])
        .arg(dir)
        .assert()
        .success();
    let site = dir.join("site");
    assert!(dir.join("build/schema.sql").is_file());
    let anomalies = read(&site.join("anomalies.html"));
    // `/` is escaped in HTML (`&#x2F;`): look for the rule's last part.
    assert!(anomalies.contains("table-plural-snake-case"), "{anomalies}");
    assert!(anomalies.contains("people.schema:3"), "{anomalies}");
    let person = read(&site.join("entities/public.person.html"));
    assert!(
        person.contains("anomalies.html#rule-naming") && person.contains("table-plural-snake-case"),
        "{person}"
    );
    let history = read(&site.join("migrations.md"));
    let at = |s: &str| history.find(s).unwrap_or_else(|| panic!("{s}: {history}"));
    assert!(at("`1` init") < at("`2` names") && at("`2` names") < at("`10` later"));
    assert!(history.contains("-- down names"));
    assert!(history.contains("No `down.sql`"));
    assert!(read(&site.join("index.html")).contains("migrations.html"));
    // `schemac docs` writes to the same place by default.
    std::fs::remove_dir_all(&site).expect("remove");
    Command::cargo_bin("schemac")
        .expect("binary")
        .args(["docs", "--color", "never"])
        .arg(dir)
        .assert()
        .success();
    assert!(site.join("migrations.html").is_file());
}
