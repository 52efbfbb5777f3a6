//! The dependency graph of a model's objects (petgraph). Creation order
//! comes from here, never from declaration order: a topological sort whose
//! ties break by kind and SQL name, so the order is deterministic and does
//! not change when declarations move between lines or files.
//!
//! Inside a cycle of tables (a → b → a) the tables are created in name
//! order, and a foreign key pointing at a later one becomes its own node,
//! created by `ALTER TABLE` once both tables exist.

use crate::model::{Dependency, Model, QName, TypeBase};
use dsl::Diagnostic;
// Kosaraju's algorithm runs on an explicit stack; petgraph's Tarjan recurses
// once per node of a path, which overflows on a long chain of keys.
use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A thing created by one statement (or one group of statements).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    Enum(usize),
    Domain(usize),
    /// A raw SQL block; before tables when it needs nothing.
    Raw(usize),
    Table(usize),
    /// A foreign key added after its table: `(table, foreign key index)`.
    ForeignKey(usize, usize),
    View(usize),
}

impl Node {
    fn rank(self) -> u8 {
        match self {
            Node::Enum(_) => 0,
            Node::Domain(_) => 1,
            Node::Raw(_) => 2,
            Node::Table(_) => 3,
            Node::ForeignKey(..) => 4,
            Node::View(_) => 5,
        }
    }
}

impl From<Dependency> for Node {
    fn from(d: Dependency) -> Node {
        match d {
            Dependency::Enum(i) => Node::Enum(i),
            Dependency::Domain(i) => Node::Domain(i),
            Dependency::Table(i) => Node::Table(i),
            Dependency::View(i) => Node::View(i),
            Dependency::Raw(i) => Node::Raw(i),
        }
    }
}

/// The creation order, and which foreign keys are added afterwards.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub order: Vec<Node>,
    /// `(table, foreign key)` pairs created by `ALTER TABLE`.
    pub deferred: HashSet<(usize, usize)>,
}

pub struct Graph {
    pub graph: DiGraph<Node, ()>,
    index: HashMap<Node, NodeIndex>,
    deferred: HashSet<(usize, usize)>,
}

impl Graph {
    /// Builds the graph: an edge `a → b` means b needs a.
    pub fn build(model: &Model) -> Graph {
        let deferred = cyclic_foreign_keys(model);
        let tables: HashMap<&QName, usize> = model
            .tables
            .iter()
            .enumerate()
            .map(|(i, t)| (&t.sql, i))
            .collect();
        let types: HashMap<&QName, Node> = model
            .enums
            .iter()
            .enumerate()
            .map(|(i, e)| (&e.sql, Node::Enum(i)))
            .chain(
                model
                    .domains
                    .iter()
                    .enumerate()
                    .map(|(i, d)| (&d.sql, Node::Domain(i))),
            )
            .collect();
        let type_dependency = |base: &TypeBase| match base {
            TypeBase::Builtin { .. } => None,
            TypeBase::Enum { sql, .. } | TypeBase::Domain { sql, .. } => types.get(sql).copied(),
        };
        let mut g = Graph {
            graph: DiGraph::new(),
            index: HashMap::default(),
            deferred,
        };
        for i in 0..model.enums.len() {
            g.node(Node::Enum(i));
        }
        for (i, d) in model.domains.iter().enumerate() {
            let n = Node::Domain(i);
            g.node(n);
            if let Some(dep) = type_dependency(&d.ty.base) {
                g.edge(dep, n);
            }
        }
        for (i, r) in model.raw.iter().enumerate() {
            let n = Node::Raw(i);
            g.node(n);
            for d in &r.depends_on {
                g.edge((*d).into(), n);
            }
        }
        for (i, t) in model.tables.iter().enumerate() {
            let n = Node::Table(i);
            g.node(n);
            for c in &t.columns {
                if let Some(dep) = type_dependency(&c.ty.base) {
                    g.edge(dep, n);
                }
            }
            for d in &t.depends_on {
                g.edge((*d).into(), n);
            }
        }
        for (i, t) in model.tables.iter().enumerate() {
            for (f, fk) in t.foreign_keys.iter().enumerate() {
                let Some(target) = tables.get(&fk.target_table).copied() else {
                    continue;
                };
                if g.deferred.contains(&(i, f)) {
                    let n = Node::ForeignKey(i, f);
                    g.edge(Node::Table(i), n);
                    g.edge(Node::Table(target), n);
                } else if target != i {
                    g.edge(Node::Table(target), Node::Table(i));
                }
            }
        }
        for (i, v) in model.views.iter().enumerate() {
            let n = Node::View(i);
            g.node(n);
            for d in &v.depends_on {
                g.edge((*d).into(), n);
            }
        }
        g
    }

    fn node(&mut self, n: Node) -> NodeIndex {
        if let Some(&i) = self.index.get(&n) {
            return i;
        }
        let i = self.graph.add_node(n);
        self.index.insert(n, i);
        i
    }

    fn edge(&mut self, from: Node, to: Node) {
        if from == to {
            return;
        }
        let (a, b) = (self.node(from), self.node(to));
        self.graph.update_edge(a, b, ());
    }

    /// Topological order (Kahn), ties broken by kind then SQL name. A cycle
    /// that foreign keys cannot explain is reported.
    pub fn plan(&self, model: &Model) -> Result<Plan, Diagnostic> {
        let key = |n: Node| (n.rank(), sort_name(model, n), n);
        let mut indegree: HashMap<NodeIndex, usize> = HashMap::default();
        for i in self.graph.node_indices() {
            indegree.insert(
                i,
                self.graph.neighbors_directed(i, petgraph::Incoming).count(),
            );
        }
        let mut ready: BinaryHeap<Reverse<(u8, String, Node, NodeIndex)>> = BinaryHeap::new();
        for (&i, &d) in &indegree {
            if d == 0 {
                let (r, s, n) = key(self.graph[i]);
                ready.push(Reverse((r, s, n, i)));
            }
        }
        let mut order = Vec::with_capacity(self.graph.node_count());
        while let Some(Reverse((_, _, n, i))) = ready.pop() {
            order.push(n);
            for next in self.graph.neighbors_directed(i, petgraph::Outgoing) {
                if let Some(d) = indegree.get_mut(&next) {
                    *d -= 1;
                    if *d == 0 {
                        let (r, s, n) = key(self.graph[next]);
                        ready.push(Reverse((r, s, n, next)));
                    }
                }
            }
        }
        if order.len() < self.graph.node_count() {
            return Err(self.cycle_error(model, &order));
        }
        Ok(Plan {
            order,
            deferred: self.deferred.clone(),
        })
    }

    fn cycle_error(&self, model: &Model, done: &[Node]) -> Diagnostic {
        let done: HashSet<Node> = done.iter().copied().collect();
        let sccs = kosaraju_scc(&self.graph);
        let cycle = sccs
            .into_iter()
            .find(|c| c.len() > 1 && c.iter().all(|i| !done.contains(&self.graph[*i])))
            .unwrap_or_default();
        let mut names: Vec<String> = cycle
            .iter()
            .map(|i| describe(model, self.graph[*i]))
            .collect();
        names.sort();
        let mut d = Diagnostic::error(
            "schemac::dependency_cycle",
            format!("these objects depend on each other: {}", names.join(", ")),
        )
        .help("break the cycle: views and sql blocks cannot depend on each other in a circle");
        if let Some(first) = cycle.first() {
            d = d.label(span_of(model, self.graph[*first]), "part of the cycle");
        }
        d
    }
}

/// The foreign keys that must wait until both tables exist: within a
/// strongly connected set of tables, those pointing at a table that comes
/// later by name (self references excluded: a table can reference itself
/// inline).
fn cyclic_foreign_keys(model: &Model) -> HashSet<(usize, usize)> {
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
            (ca != usize::MAX && ca == cb && later).then(|| g[e])
        })
        .collect()
}

fn sort_name(model: &Model, n: Node) -> String {
    match n {
        Node::Enum(i) => model.enums[i].sql.to_string(),
        Node::Domain(i) => model.domains[i].sql.to_string(),
        Node::Raw(i) => model.raw[i].name.clone(),
        Node::Table(i) => model.tables[i].sql.to_string(),
        Node::ForeignKey(t, f) => format!(
            "{}.{}",
            model.tables[t].sql, model.tables[t].foreign_keys[f].name
        ),
        Node::View(i) => model.views[i].sql.to_string(),
    }
}

fn describe(model: &Model, n: Node) -> String {
    match n {
        Node::Enum(i) => format!("enum {}", model.enums[i].name),
        Node::Domain(i) => format!("domain {}", model.domains[i].name),
        Node::Raw(i) => format!("sql {}", model.raw[i].name),
        Node::Table(i) => format!("entity {}", model.tables[i].name),
        Node::ForeignKey(t, f) => format!("foreign key {}", model.tables[t].foreign_keys[f].name),
        Node::View(i) => format!("view {}", model.views[i].name),
    }
}

fn span_of(model: &Model, n: Node) -> dsl::Span {
    match n {
        Node::Enum(i) => model.enums[i].span,
        Node::Domain(i) => model.domains[i].span,
        Node::Raw(i) => model.raw[i].span,
        Node::Table(i) => model.tables[i].span,
        Node::ForeignKey(t, f) => model.tables[t].foreign_keys[f].span,
        Node::View(i) => model.views[i].span,
    }
}
