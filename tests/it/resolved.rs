//! The resolved layer, on the shop example: a use of a name leads to the
//! name that declares it, references to an entity include every relation
//! to it, every model object has one definition, and position lookups hold
//! for any position.

use crate::support::root;
use generator::key::{Key, ObjectKind};
use generator::model::Model;
use generator::resolved::{Hit, Symbol};
use generator::{Compiled, Options, Project};
use proptest::prelude::*;
use std::sync::OnceLock;

struct Shop {
    project: Project,
    compiled: Compiled,
}

fn shop() -> &'static Shop {
    static SHOP: OnceLock<Shop> = OnceLock::new();
    SHOP.get_or_init(|| {
        let project = Project::load(&root().join("examples/shop")).expect("shop loads");
        let compiled = generator::compile(&project, &Options::default())
            .unwrap_or_else(|d| panic!("the shop compiles: {d:?}"));
        Shop { project, compiled }
    })
}

impl Shop {
    fn file(&self, module: &str) -> (u32, &str) {
        let m = self
            .project
            .modules
            .iter()
            .find(|m| m.name == module)
            .unwrap_or_else(|| panic!("no module {module}"));
        (m.file, &self.project.sources.get(m.file).text)
    }

    /// The offset of `needle` inside the first `context` in `module`.
    fn offset(&self, module: &str, context: &str, needle: &str) -> (u32, u32) {
        let (file, text) = self.file(module);
        let at = text
            .find(context)
            .unwrap_or_else(|| panic!("{context:?} not in {module}"));
        let inner = context.find(needle).expect("needle in context");
        (file, (at + inner) as u32)
    }

    /// Where the name at `needle` (in `context` of `module`) is declared:
    /// the symbol, the declaring module and the text of the declared name.
    fn definition_of(&self, module: &str, context: &str, needle: &str) -> (Symbol, String, &str) {
        let (file, offset) = self.offset(module, context, needle);
        let resolved = &self.compiled.resolved;
        let hits = resolved.at(file, offset + 1);
        let [Hit::Reference(r)] = hits[..] else {
            panic!("{needle:?} in {context:?}: {hits:?}");
        };
        assert_eq!(
            &self.file(module).1[r.span.start as usize..r.span.end as usize],
            needle,
            "the reference covers the name"
        );
        let d = resolved
            .definition(&r.target)
            .unwrap_or_else(|| panic!("no definition of {}", r.target));
        let declaring = self
            .project
            .modules
            .iter()
            .find(|m| m.file == d.name_span.file)
            .expect("a module");
        let text = &self.project.sources.get(d.name_span.file).text;
        (
            r.target.clone(),
            declaring.name.clone(),
            &text[d.name_span.start as usize..d.name_span.end as usize],
        )
    }
}

fn object(kind: ObjectKind, schema: &str, name: &str) -> Symbol {
    Symbol::Object(Key::new(kind, generator::model::QName::new(schema, name)))
}

#[test]
fn uses_lead_to_their_declarations() {
    let shop = shop();
    // A domain used as a type, from another module.
    let (symbol, module, name) = shop.definition_of("sales.orders", "unit_price Money", "Money");
    assert_eq!(symbol, object(ObjectKind::Domain, "public", "amount"));
    assert_eq!((module.as_str(), name), ("common", "Money"));
    // A relation's target entity.
    let (symbol, module, name) = shop.definition_of(
        "sales.orders",
        "-> Customer on delete restrict as orders",
        "Customer",
    );
    assert_eq!(symbol, object(ObjectKind::Table, "public", "customers"));
    assert_eq!((module.as_str(), name), ("customers", "Customer"));
    // A mixin after `with`.
    let (symbol, module, name) =
        shop.definition_of("catalog", "entity Category with Timestamps", "Timestamps");
    assert_eq!(symbol, Symbol::Mixin("Timestamps".into()));
    assert_eq!((module.as_str(), name), ("common", "Timestamps"));
    // A name in an import list, and the module of an import.
    let (symbol, module, name) =
        shop.definition_of("sales.orders", "import catalog.{Product}", "Product");
    assert_eq!(symbol, object(ObjectKind::Table, "public", "products"));
    assert_eq!((module.as_str(), name), ("catalog", "Product"));
    let (symbol, module, _) = shop.definition_of("sales.orders", "import customers", "customers");
    assert_eq!(symbol, Symbol::Module("customers".into()));
    assert_eq!(module, "customers");
    // A column in an index clause.
    let (symbol, module, name) = shop.definition_of(
        "sales.orders",
        "index idx_orders_history (customer_id, placed_at desc)",
        "placed_at",
    );
    let orders = generator::model::QName::new("public", "orders");
    assert_eq!(
        symbol,
        Symbol::Object(Key::member(ObjectKind::Column, orders, "placed_at"))
    );
    assert_eq!((module.as_str(), name), ("sales.orders", "placed_at"));
}

#[test]
fn a_mixin_member_stands_for_each_entity_that_uses_it() {
    let shop = shop();
    // `check (deleted_at is null ...)` in the `SoftDelete` mixin reads the
    // `deleted_at` of every entity with `SoftDelete`.
    let (file, offset) = shop.offset("common", "check (deleted_at is null", "deleted_at");
    let hits = shop.compiled.resolved.at(file, offset);
    let soft_delete = generator::model::Why::Mixin {
        mixin: "SoftDelete".into(),
    };
    let mut want: Vec<&str> = shop
        .compiled
        .model
        .tables
        .iter()
        .filter(|t| {
            t.column("deleted_at")
                .is_some_and(|c| c.origin.why == soft_delete)
        })
        .map(|t| t.sql.name.as_str())
        .collect();
    want.sort();
    assert!(want.len() >= 2, "{want:?}");
    let mut tables: Vec<&str> = hits
        .iter()
        .map(|h| match h.symbol() {
            Symbol::Object(k) => {
                assert_eq!(k.kind, ObjectKind::Column);
                assert_eq!(k.member.as_deref(), Some("deleted_at"));
                k.name.name.as_str()
            }
            other => panic!("{other}"),
        })
        .collect();
    tables.sort();
    assert_eq!(tables, want);
    // Each column's definition is the mixin's member, reached through the
    // entity's `with`.
    for h in &hits {
        let d = shop
            .compiled
            .resolved
            .definition(h.symbol())
            .expect("defined");
        assert_eq!(d.name_span.file, file);
        let via = d.via.expect("came through a `with`");
        let text = &shop.project.sources.get(via.file).text;
        assert_eq!(&text[via.start as usize..via.end as usize], "SoftDelete");
    }
}

#[test]
fn references_to_an_entity_include_every_relation_to_it() {
    let shop = shop();
    let resolved = &shop.compiled.resolved;
    for table in &shop.compiled.model.tables {
        let symbol = Symbol::Object(table.key());
        let refs: Vec<_> = resolved.references_to(&symbol).collect();
        let relations: Vec<_> = shop
            .compiled
            .model
            .tables
            .iter()
            .flat_map(|t| &t.foreign_keys)
            .filter(|fk| fk.target_table == table.sql)
            .collect();
        for fk in &relations {
            let span = fk.origin.span;
            assert!(
                refs.iter().any(|r| r.span.file == span.file
                    && span.start <= r.span.start
                    && r.span.end <= span.end),
                "the foreign key {} to {} has no reference",
                fk.name,
                table.name
            );
        }
        assert!(refs.len() >= relations.len());
        assert!(refs.iter().all(|r| r.target == symbol));
    }
    let products = object(ObjectKind::Table, "public", "products");
    assert!(resolved.references_to(&products).count() >= 6);
}

/// Every object of the model by key, table members included.
fn model_keys(model: &Model) -> Vec<Key> {
    let mut keys = Vec::new();
    keys.extend(model.extensions.iter().map(|x| x.key()));
    keys.extend(model.enums.iter().map(|x| x.key()));
    for d in &model.domains {
        keys.push(d.key());
        keys.extend(d.checks.iter().map(|c| c.key(&d.sql)));
    }
    for t in &model.tables {
        let q = &t.sql;
        keys.push(t.key());
        keys.extend(t.columns.iter().map(|c| c.key(q)));
        keys.extend(t.primary_key.iter().map(|x| x.key(q)));
        keys.extend(t.uniques.iter().map(|x| x.key(q)));
        keys.extend(t.checks.iter().map(|x| x.key(q)));
        keys.extend(t.foreign_keys.iter().map(|x| x.key(q)));
        keys.extend(t.excludes.iter().map(|x| x.key(q)));
        keys.extend(t.indexes.iter().map(|x| x.key(q)));
    }
    keys.extend(model.views.iter().map(|x| x.key()));
    keys.extend(model.functions.iter().map(|x| x.key()));
    keys.extend(model.triggers.iter().map(|x| x.key()));
    for r in &model.raw {
        keys.push(r.key());
        keys.extend(r.creates.iter().cloned());
    }
    keys
}

#[test]
fn every_model_object_has_one_definition() {
    let cases = crate::support::examples()
        .into_iter()
        .chain(crate::support::cases("ok"));
    for case in cases {
        let example = crate::support::case_name(&case);
        let project = Project::load(&crate::support::input(&case)).expect("loads");
        let compiled = generator::compile(&project, &crate::support::options(&project))
            .unwrap_or_else(|d| panic!("{example} compiles: {d:?}"));
        let keys = model_keys(&compiled.model);
        assert!(keys.len() > 5, "{example}: {} keys", keys.len());
        let defined: Vec<&Key> = compiled
            .resolved
            .definitions()
            .iter()
            .filter_map(|d| match &d.symbol {
                Symbol::Object(k) => Some(k),
                _ => None,
            })
            .collect();
        for key in &keys {
            let n = defined.iter().filter(|k| **k == key).count();
            assert_eq!(n, 1, "{example}: {key} has {n} definitions");
        }
        // And nothing else: no definition under a stale (pre-rename) key.
        assert_eq!(defined.len(), keys.len(), "{example}");
        for d in compiled.resolved.definitions() {
            let text = &project.sources.get(d.name_span.file).text;
            assert!(d.span.start <= d.name_span.start && d.name_span.end <= d.span.end);
            assert!(text
                .get(d.span.start as usize..d.span.end as usize)
                .is_some());
        }
    }
}

#[test]
fn every_position_of_the_shop_gives_names_that_contain_it() {
    let shop = shop();
    let resolved = &shop.compiled.resolved;
    let mut named = 0;
    for (file, source) in shop.project.sources.files() {
        for offset in 0..=source.text.len() as u32 + 2 {
            for hit in resolved.at(file, offset) {
                let span = hit.span();
                assert!(span.file == file && span.start <= offset && offset < span.end);
                named += 1;
            }
        }
    }
    assert!(named > 1000, "{named}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn position_lookups_never_panic(file in 0u32..12, offset in any::<u32>()) {
        let resolved = &shop().compiled.resolved;
        for hit in resolved.at(file, offset) {
            prop_assert!(hit.span().start <= offset && offset < hit.span().end);
        }
    }
}

/// `schemac build` and `check` do not record the layer: the same model,
/// and nothing recorded.
#[test]
fn the_layer_can_be_left_out() {
    let shop = shop();
    let options = Options {
        resolved: false,
        ..Options::default()
    };
    let lean = generator::compile(&shop.project, &options).expect("the shop compiles");
    assert!(lean.resolved.definitions().is_empty() && lean.resolved.references().is_empty());
    assert!(!shop.compiled.resolved.definitions().is_empty());
    assert_eq!(lean.model, shop.compiled.model);
}
