//! The docs site: Markdown snapshotted for each example, every page
//! written, links between pages resolving, templates replaceable, and
//! the user's files never overwritten.

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
    // Written again over its own files: fine.
    docs(&shop, out.path()).assert().success();
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
