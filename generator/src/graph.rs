//! The dependency graph of a model's objects (petgraph). Nodes are keys;
//! edges are typed (a foreign key, a type used by a column, a relation a
//! view reads, a declared `@depends`). Creation order comes from here,
//! never from declaration order: a topological sort whose ties break by
//! kind and SQL name, so the order is deterministic and does not change
//! when declarations move between lines or files.
//!
//! Inside a cycle of tables (a → b → a) the tables are created in name
//! order, and a foreign key pointing at a later one becomes its own node,
//! created by `ALTER TABLE` once both tables exist.
//!
//! Schemas and extensions are not nodes: they are created before anything
//! else.

use crate::key::{Key, ObjectKind};
use crate::model::{Model, Object, QName};
use dsl::Code;
use dsl::Diagnostic;
// Kosaraju's algorithm runs on an explicit stack; petgraph's Tarjan recurses
// once per node of a path, which overflows on a long chain of keys.
use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Why one object needs another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Edge {
    /// The referencing table (or its deferred key) needs the referenced table.
    ForeignKey,
    /// A deferred foreign key needs the table it belongs to.
    Owner,
    /// A column, domain or function uses an enum or a domain.
    TypeUse,
    /// A view's body reads a table or view.
    ViewRead,
    /// `@depends(...)`.
    Declared,
    /// A trigger needs its table and its function.
    Trigger,
}

/// The creation order, and which foreign keys are added afterwards.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Keys of the objects in creation order: enums, domains, sequences,
    /// functions, sql blocks, tables, deferred foreign keys (constraint
    /// keys), views, triggers.
    pub order: Vec<Key>,
    /// Constraint keys of the foreign keys created by `ALTER TABLE`.
    pub deferred: HashSet<Key>,
}

pub struct Graph {
    pub graph: DiGraph<Key, Edge>,
    index: HashMap<Key, NodeIndex>,
    deferred: HashSet<Key>,
    /// Objects a raw `sql` block creates (`@creates`), to the block's key:
    /// an edge from one of them starts at the block.
    created_by: HashMap<Key, Key>,
}

impl Graph {
    /// Builds the graph: an edge `a → b` means b needs a.
    pub fn build(model: &Model) -> Graph {
        let mut g = Graph {
            graph: DiGraph::new(),
            index: HashMap::default(),
            deferred: cyclic_foreign_keys(model),
            created_by: HashMap::default(),
        };
        for r in &model.raw {
            for c in &r.creates {
                g.created_by.insert(c.clone(), r.key());
            }
        }
        for e in &model.enums {
            g.node(e.key());
        }
        for d in &model.domains {
            let n = d.key();
            g.node(n.clone());
            if let Some(dep) = user_type(d.ty.dependency()) {
                g.edge(&dep, &n, Edge::TypeUse);
            }
        }
        for s in &model.sequences {
            g.node(s.key());
        }
        for f in &model.functions {
            let n = f.key();
            g.node(n.clone());
            for d in &f.depends_on {
                g.edge(d, &n, Edge::Declared);
            }
        }
        for r in &model.raw {
            let n = r.key();
            g.node(n.clone());
            for d in &r.depends_on {
                g.edge(d, &n, Edge::Declared);
            }
        }
        for t in &model.tables {
            let n = t.key();
            g.node(n.clone());
            for c in &t.columns {
                if let Some(dep) = user_type(c.ty.dependency()) {
                    g.edge(&dep, &n, Edge::TypeUse);
                }
            }
            for d in &t.depends_on {
                g.edge(d, &n, Edge::Declared);
            }
        }
        let tables: HashSet<&QName> = model.tables.iter().map(|t| &t.sql).collect();
        for t in &model.tables {
            let n = t.key();
            for fk in &t.foreign_keys {
                if !tables.contains(&fk.target_table) {
                    continue;
                }
                let target = fk.target_key();
                let key = fk.key(&t.sql);
                if g.deferred.contains(&key) {
                    g.edge(&n, &key, Edge::Owner);
                    g.edge(&target, &key, Edge::ForeignKey);
                } else {
                    g.edge(&target, &n, Edge::ForeignKey);
                }
            }
        }
        for v in &model.views {
            let n = v.key();
            g.node(n.clone());
            for d in &v.reads {
                g.edge(d, &n, Edge::ViewRead);
            }
            for d in &v.depends_on {
                g.edge(d, &n, Edge::Declared);
            }
        }
        for t in &model.triggers {
            let n = t.key();
            g.node(n.clone());
            g.edge(
                &Key::new(ObjectKind::Table, t.table.clone()),
                &n,
                Edge::Trigger,
            );
            g.edge(&t.function, &n, Edge::Trigger);
        }
        g
    }

    fn node(&mut self, n: Key) -> NodeIndex {
        if let Some(&i) = self.index.get(&n) {
            return i;
        }
        let i = self.graph.add_node(n.clone());
        self.index.insert(n, i);
        i
    }

    fn edge(&mut self, from: &Key, to: &Key, kind: Edge) {
        let from = self.created_by.get(from).unwrap_or(from).clone();
        if &from == to {
            return;
        }
        let (a, b) = (self.node(from), self.node(to.clone()));
        if self.graph.find_edge(a, b).is_none() {
            self.graph.add_edge(a, b, kind);
        }
    }

    /// The edges into `key`: what it needs, and why.
    pub fn needs(&self, key: &Key) -> Vec<(&Key, Edge)> {
        let Some(&i) = self.index.get(key) else {
            return Vec::new();
        };
        let mut out: Vec<(&Key, Edge)> = self
            .graph
            .edges_directed(i, petgraph::Incoming)
            .map(|e| (&self.graph[e.source()], *e.weight()))
            .collect();
        out.sort();
        out
    }

    /// The tables that reach `table` through foreign keys, directly or
    /// through other tables (who references it, who references those, ...),
    /// sorted. `table` itself is included only when a cycle leads back.
    pub fn referencing(&self, table: &Key) -> Vec<Key> {
        let Some(&start) = self.index.get(table) else {
            return Vec::new();
        };
        let mut seen: HashSet<NodeIndex> = HashSet::default();
        let mut out = Vec::new();
        let mut queue = VecDeque::from([start]);
        while let Some(i) = queue.pop_front() {
            for e in self.graph.edges_directed(i, petgraph::Outgoing) {
                if *e.weight() != Edge::ForeignKey {
                    continue;
                }
                // A deferred key's node stands for its table.
                let next = match self.graph[e.target()].table() {
                    Some(t) => match self.index.get(&t) {
                        Some(&n) => n,
                        None => continue,
                    },
                    None => e.target(),
                };
                if seen.insert(next) {
                    out.push(self.graph[next].clone());
                    queue.push_back(next);
                }
            }
        }
        out.sort();
        out
    }

    /// Topological order (Kahn), ties broken by kind then SQL name. A cycle
    /// that foreign keys cannot explain is reported.
    pub fn plan(&self, model: &Model) -> Result<Plan, Diagnostic> {
        let sort_key = |i: NodeIndex| {
            let k = &self.graph[i];
            (rank(k.kind), sort_name(k), i)
        };
        let mut indegree: Vec<usize> = vec![0; self.graph.node_count()];
        let mut ready: BinaryHeap<Reverse<(u8, String, NodeIndex)>> = BinaryHeap::new();
        for i in self.graph.node_indices() {
            let d = self.graph.neighbors_directed(i, petgraph::Incoming).count();
            indegree[i.index()] = d;
            if d == 0 {
                ready.push(Reverse(sort_key(i)));
            }
        }
        let mut order = Vec::with_capacity(self.graph.node_count());
        while let Some(Reverse((_, _, i))) = ready.pop() {
            order.push(i);
            for next in self.graph.neighbors_directed(i, petgraph::Outgoing) {
                let d = &mut indegree[next.index()];
                *d -= 1;
                if *d == 0 {
                    ready.push(Reverse(sort_key(next)));
                }
            }
        }
        if order.len() < self.graph.node_count() {
            return Err(self.cycle_error(model, &order));
        }
        Ok(Plan {
            order: order.into_iter().map(|i| self.graph[i].clone()).collect(),
            deferred: self.deferred.clone(),
        })
    }

    fn cycle_error(&self, model: &Model, done: &[NodeIndex]) -> Diagnostic {
        let done: HashSet<NodeIndex> = done.iter().copied().collect();
        let objects = model.objects();
        let sccs = kosaraju_scc(&self.graph);
        // Whatever order the algorithm finds them in: the cycle with the
        // smallest key, labelled at its member declared last (the one that
        // closed it).
        let cycle = sccs
            .into_iter()
            .filter(|c| c.len() > 1 && c.iter().all(|i| !done.contains(i)))
            .min_by_key(|c| c.iter().map(|i| self.graph[*i].clone()).min())
            .unwrap_or_default();
        let mut names: Vec<String> = cycle
            .iter()
            .map(|i| describe(&objects, &self.graph[*i]))
            .collect();
        names.sort();
        let mut d = Diagnostic::error(
            Code::DependencyCycle,
            format!("these objects depend on each other: {}", names.join(", ")),
        )
        .help("break the cycle: views and sql blocks cannot depend on each other in a circle");
        let first = cycle
            .iter()
            .filter_map(|i| objects.get(&self.graph[*i]))
            .map(|o| o.origin().span)
            .max_by_key(|s| (s.file, s.start));
        if let Some(span) = first {
            d = d.label(span, "part of the cycle");
        }
        d
    }
}

/// Types the graph orders: enums and domains (extensions come first anyway).
fn user_type(key: Option<Key>) -> Option<Key> {
    key.filter(|k| k.kind != ObjectKind::Extension)
}

fn rank(kind: ObjectKind) -> u8 {
    match kind {
        ObjectKind::Schema | ObjectKind::Extension => 0,
        ObjectKind::Enum => 1,
        ObjectKind::Domain => 2,
        ObjectKind::Sequence => 3,
        ObjectKind::Function => 4,
        ObjectKind::Raw => 5,
        ObjectKind::Table => 6,
        ObjectKind::Column | ObjectKind::Constraint | ObjectKind::Index => 7,
        ObjectKind::View | ObjectKind::MaterializedView => 8,
        ObjectKind::Trigger | ObjectKind::Policy => 9,
    }
}

/// The tie-breaking name: the SQL name (`schema.name`, members after their
/// table); a sql block's declared name.
fn sort_name(k: &Key) -> String {
    if k.kind == ObjectKind::Raw {
        return k.name.name.clone();
    }
    match &k.member {
        Some(m) => format!("{}.{m}", k.name),
        None => k.name.to_string(),
    }
}

/// The foreign keys that must wait until both tables exist: within a
/// strongly connected set of tables, those pointing at a table that comes
/// later by name (self references excluded: a table can reference itself
/// inline).
fn cyclic_foreign_keys(model: &Model) -> HashSet<Key> {
    let mut g: DiGraph<usize, (usize, usize)> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..model.tables.len()).map(|i| g.add_node(i)).collect();
    let mut by_name = HashMap::default();
    for (i, t) in model.tables.iter().enumerate() {
        by_name.insert(&t.sql, i);
    }
    for (i, t) in model.tables.iter().enumerate() {
        for (f, fk) in t.foreign_keys.iter().enumerate() {
            if let Some(&target) = by_name.get(&fk.target_table) {
                if target != i {
                    g.add_edge(nodes[target], nodes[i], (i, f));
                }
            }
        }
    }
    let mut component = vec![usize::MAX; model.tables.len()];
    for (c, scc) in kosaraju_scc(&g).into_iter().enumerate() {
        if scc.len() > 1 {
            for n in scc {
                component[g[n]] = c;
            }
        }
    }
    // Inside a cycle, tables are created in name order; only a key that
    // points at a table created later waits for an ALTER TABLE.
    g.edge_indices()
        .filter_map(|e| {
            let (target, referencing) = g.edge_endpoints(e)?;
            let (ca, cb) = (component[g[target]], component[g[referencing]]);
            let later = model.tables[g[target]].sql > model.tables[g[referencing]].sql;
            let (t, f) = g[e];
            let table = &model.tables[t];
            (ca != usize::MAX && ca == cb && later).then(|| table.foreign_keys[f].key(&table.sql))
        })
        .collect()
}

fn describe(objects: &HashMap<Key, Object<'_>>, k: &Key) -> String {
    match objects.get(k) {
        Some(Object::Enum(e)) => format!("enum {}", e.name),
        Some(Object::Domain(d)) => format!("domain {}", d.name),
        Some(Object::Raw(r)) => format!("sql {}", r.name),
        Some(Object::Table(t)) => format!("entity {}", t.name),
        Some(Object::View(v)) => format!("view {}", v.name),
        _ => k.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(text: &str) -> (Model, Graph) {
        let project = crate::Project::from_sources(&[("t.schema", text)]);
        let compiled = crate::compile(&project, &crate::Options::default()).expect("compiles");
        let g = Graph::build(&compiled.model);
        (compiled.model, g)
    }

    fn table(name: &str) -> Key {
        Key::new(ObjectKind::Table, QName::new("public", name))
    }

    const SHOP: &str = "enum Kind { a b }\n\
        entity Customer {\n  id bigint @pk\n}\n\
        entity Order {\n  id bigint @pk\n  customer_id -> Customer on delete cascade\n  kind Kind\n}\n\
        entity Line {\n  id bigint @pk\n  order_id -> Order on delete cascade\n}\n\
        entity Product {\n  id bigint @pk\n}\n\
        entity Alpha {\n  id bigint @pk\n  beta_id -> Beta? on delete set null\n}\n\
        entity Beta {\n  id bigint @pk\n  alpha_id -> Alpha? on delete set null\n}\n\
        view Recent {\n  select id from orders\n}\n\
        sql touch @depends(Product) {\n  select 1\n}\n";

    #[test]
    fn tables_that_reach_a_table_through_foreign_keys() {
        let (_, g) = graph(SHOP);
        assert_eq!(
            g.referencing(&table("customers")),
            [table("lines"), table("orders")]
        );
        assert_eq!(g.referencing(&table("lines")), Vec::<Key>::new());
        assert_eq!(g.referencing(&table("products")), Vec::<Key>::new());
        // Through a cycle (one of its keys deferred) each reaches the other
        // and itself.
        assert_eq!(
            g.referencing(&table("alphas")),
            [table("alphas"), table("betas")]
        );
        assert_eq!(g.referencing(&table("nothing")), Vec::<Key>::new());
    }

    #[test]
    fn edges_say_why() {
        let (_, g) = graph(SHOP);
        let kind = Key::new(ObjectKind::Enum, QName::new("public", "kind"));
        assert_eq!(
            g.needs(&table("orders")),
            [
                (&kind, Edge::TypeUse),
                (&table("customers"), Edge::ForeignKey)
            ]
        );
        let recent = Key::new(ObjectKind::View, QName::new("public", "recent"));
        assert_eq!(g.needs(&recent), [(&table("orders"), Edge::ViewRead)]);
        let touch = Key::new(ObjectKind::Raw, QName::new("public", "touch"));
        assert_eq!(g.needs(&touch), [(&table("products"), Edge::Declared)]);
        // The deferred key of the cycle needs both tables.
        let deferred = Key::member(
            ObjectKind::Constraint,
            QName::new("public", "alphas"),
            "fk_alphas_beta_id",
        );
        assert_eq!(
            g.needs(&deferred),
            [
                (&table("alphas"), Edge::Owner),
                (&table("betas"), Edge::ForeignKey)
            ]
        );
    }

    #[test]
    fn what_a_sql_block_creates_is_the_block_in_the_graph() {
        let (model, g) = graph(
            "sql events @creates(table events) {\n  create table events (id int)\n}\n\
             view Recent {\n  select id from public.events\n}\n",
        );
        let recent = Key::new(ObjectKind::View, QName::new("public", "recent"));
        let block = Key::new(ObjectKind::Raw, QName::new("public", "events"));
        assert_eq!(g.needs(&recent), [(&block, Edge::ViewRead)]);
        let plan = g.plan(&model).expect("plans");
        assert_eq!(plan.order, [block, recent]);
    }
}
