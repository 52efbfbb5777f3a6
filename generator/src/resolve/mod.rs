//! Resolution: the syntax trees of all modules become one [`Model`].
//!
//! Every user error is a diagnostic and resolution goes on after it, so one
//! run reports everything. The order of work: modules and imports, then
//! declarations and scopes, then enums and domains, entities (shells, then
//! columns, then relations, then clauses), views and raw SQL.

mod attrs;
pub(crate) mod entity;
pub(crate) use entity::parse_period;
mod expr;
mod extension;
mod grants;
mod mask;
mod pii;
mod renames;
mod scalar;
mod view;

use crate::key::Key;
use crate::model::{Extension, Model, Origin, QName, Why};
use crate::names::{self, NameSet};
use crate::project::{Module, Project};
use crate::resolved::{self, Resolved, Symbol};
use dsl::ast::{self, Item};
use dsl::Code;
use dsl::{Diagnostic, Span};
use rustc_hash::FxHashMap as HashMap;

/// Settings that come from `schemac.toml`, and the lowering passes.
#[derive(Clone, Debug)]
pub struct Options {
    /// The PostgreSQL schema of modules that do not say `schema ...`.
    pub default_schema: String,
    /// Run after resolution, in order (`lower`).
    pub lowerings: Vec<crate::lower::Lowering>,
    /// Record the resolved layer (definitions and references, for lint,
    /// `schemac where` and editors). Off, `Compiled::resolved` is empty and
    /// a large project needs much less memory (about 110 MB less at 10,000
    /// entities): `schemac build` and `check` never read it.
    pub resolved: bool,
    /// Policies every entity gets (`[policies]` in `schemac.toml`).
    pub policy_defaults: PolicyDefaults,
    /// What keeps time partitions (`[partitions] maintenance`).
    pub maintenance: crate::model::Maintenance,
    /// The database the output is for (`[build] target`, `--target`).
    pub target: Target,
}

/// Project-wide policies: each one as if every entity declared it.
#[derive(Clone, Debug, Default)]
pub struct PolicyDefaults {
    pub timestamps: bool,
    pub audit: bool,
    /// How long the audit log keeps its monthly partitions (none: forever).
    pub audit_retain: Option<(u32, crate::model::TimeUnit)>,
}

/// The database the output is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Target {
    #[default]
    Postgres,
    /// PostgreSQL with the Citus extension: distributed and reference
    /// tables are created as such after the tables.
    Citus,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            default_schema: "public".to_string(),
            lowerings: Vec::new(),
            resolved: true,
            policy_defaults: PolicyDefaults::default(),
            maintenance: crate::model::Maintenance::default(),
            target: Target::default(),
        }
    }
}

/// Resolves a parsed project: the model, the resolved layer (what each
/// declaration and reference in the text stands for) and the diagnostics.
/// The model is complete only when no error diagnostic was returned.
pub fn resolve(project: &Project, options: &Options) -> (Model, Resolved, Vec<Diagnostic>) {
    let mut r = Resolver::new(&project.modules, options);
    r.modules_and_imports();
    r.declarations();
    r.extensions();
    r.scopes();
    r.enums();
    r.domains();
    r.entities();
    r.views_and_raw();
    r.renames();
    r.finish();
    (r.model, r.resolved.build(), r.diags)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DeclKind {
    Entity,
    Mixin,
    Enum,
    Domain,
    View,
    Sql,
}

impl DeclKind {
    fn word(self) -> &'static str {
        match self {
            DeclKind::Entity => "entity",
            DeclKind::Mixin => "mixin",
            DeclKind::Enum => "enum",
            DeclKind::Domain => "domain",
            DeclKind::View => "view",
            DeclKind::Sql => "sql block",
        }
    }
}

struct Decl<'a> {
    module: usize,
    kind: DeclKind,
    name: &'a ast::Ident,
    item: &'a Item,
    /// Index into the model list of its kind, once resolved.
    model_index: Option<usize>,
}

struct Resolver<'a> {
    modules: &'a [Module],
    options: &'a Options,
    diags: Vec<Diagnostic>,
    model: Model,
    names: NameSet,
    module_index: HashMap<&'a str, usize>,
    /// Modules each module imports (resolved), with the import node.
    imports: Vec<Vec<(usize, &'a ast::Import)>>,
    module_schema: Vec<String>,
    decls: Vec<Decl<'a>>,
    by_name: HashMap<&'a str, usize>,
    /// Declarations visible in each module, by name.
    scopes: Vec<HashMap<&'a str, usize>>,
    /// Each module's own declarations, by name.
    module_decls: Vec<HashMap<&'a str, usize>>,
    /// `@depends(...)` attributes, resolved after every declaration has
    /// its model index.
    pending_depends: Vec<(Owner, usize, Vec<&'a ast::Attribute>)>,
    /// Primary key columns by table, as declared.
    declared_pks: HashMap<usize, Vec<String>>,
    /// Extensions something needs, with what needs it.
    needed_extensions: Vec<(&'static str, Span)>,
    /// `extension` declarations, and the types they provide by name.
    declared_extensions: Vec<extension::Declared>,
    extension_types: HashMap<String, usize>,
    resolved: resolved::Builder,
    /// Names that resolved to a declaration, turned into references once
    /// every declaration has its model object.
    decl_refs: Vec<(Span, usize)>,
}

/// The model object an `@depends` belongs to.
#[derive(Clone, Copy)]
enum Owner {
    Table(usize),
    View(usize),
    Raw(usize),
}

impl<'a> Resolver<'a> {
    fn new(modules: &'a [Module], options: &'a Options) -> Self {
        Resolver {
            modules,
            options,
            diags: Vec::new(),
            model: Model::default(),
            names: NameSet::default(),
            module_index: HashMap::default(),
            imports: Vec::new(),
            module_schema: Vec::new(),
            decls: Vec::new(),
            by_name: HashMap::default(),
            scopes: Vec::new(),
            module_decls: Vec::new(),
            pending_depends: Vec::new(),
            declared_pks: HashMap::default(),
            needed_extensions: Vec::new(),
            declared_extensions: Vec::new(),
            extension_types: HashMap::default(),
            resolved: resolved::Builder::new(options.resolved),
            decl_refs: Vec::new(),
        }
    }

    fn error(
        &mut self,
        code: dsl::Code,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::error(code, message).label(span, label));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn modules_and_imports(&mut self) {
        for (i, m) in self.modules.iter().enumerate() {
            self.module_index.insert(m.name.as_str(), i);
        }
        for (i, m) in self.modules.iter().enumerate() {
            let mut schema: Option<&ast::Ident> = None;
            let mut list = Vec::new();
            if let Some((v, span)) = m.ast.version {
                if v != 1 {
                    self.push(
                        Diagnostic::error(
                            Code::Version,
                            format!("this file asks for language version {v}"),
                        )
                        .label(span, "unknown version")
                        .help("this schemac understands `schemac 1`"),
                    );
                }
            }
            for item in &m.ast.items {
                match item {
                    Item::Schema(name) => {
                        if let Some(prev) = schema {
                            self.push(
                                Diagnostic::error(
                                    Code::DuplicateSchema,
                                    "a file can name one schema",
                                )
                                .label(name.span, "second `schema`")
                                .label(prev.span, "first `schema` here"),
                            );
                        } else {
                            schema = Some(name);
                        }
                    }
                    Item::Import(imp) => {
                        let target = imp.path.dotted();
                        match self.module_index.get(target.as_str()) {
                            Some(&t) if t == i => {
                                self.error(
                                    Code::SelfImport,
                                    "a module cannot import itself",
                                    imp.path.span,
                                    "this module",
                                );
                            }
                            Some(&t) => list.push((t, imp)),
                            None => {
                                let help = if target.starts_with(crate::stdlib::PREFIX) {
                                    let names: Vec<String> = std::iter::once("ids")
                                        .chain(crate::stdlib::MODULES.iter().map(|(n, _)| *n))
                                        .map(|n| format!("`std.{n}`"))
                                        .collect();
                                    format!(
                                        "the standard library's modules are {} (docs/stdlib.md)",
                                        names.join(", ")
                                    )
                                } else {
                                    format!(
                                        "a module is a file: `import {target}` reads `{}` relative to the project root",
                                        crate::project::module_path(&target).display()
                                    )
                                };
                                self.error(
                                    Code::UnknownModule,
                                    format!("no module `{target}`"),
                                    imp.path.span,
                                    "not found",
                                )
                                .help = Some(help);
                            }
                        }
                    }
                    _ => {}
                }
            }
            self.module_schema.push(
                schema.map_or_else(|| self.options.default_schema.clone(), |s| s.name.clone()),
            );
            self.imports.push(list);
        }
        self.import_cycles();
    }

    /// Reports each import cycle once, at the import that closes it.
    fn import_cycles(&mut self) {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Active,
            Done,
        }
        let n = self.modules.len();
        let mut mark = vec![Mark::New; n];
        let mut found = Vec::new();
        for start in 0..n {
            if mark[start] != Mark::New {
                continue;
            }
            // Iterative DFS: (module, next import to visit).
            let mut stack = vec![(start, 0usize)];
            mark[start] = Mark::Active;
            while let Some(&mut (m, ref mut next)) = stack.last_mut() {
                if let Some(&(t, imp)) = self.imports[m].get(*next) {
                    *next += 1;
                    match mark[t] {
                        Mark::New => {
                            mark[t] = Mark::Active;
                            stack.push((t, 0));
                        }
                        Mark::Active => {
                            let from = stack.iter().position(|(x, _)| *x == t).unwrap_or(0);
                            let mut path: Vec<&str> = stack[from..]
                                .iter()
                                .map(|(x, _)| self.modules[*x].name.as_str())
                                .collect();
                            path.push(self.modules[t].name.as_str());
                            found.push((imp.span, path.join(" → ")));
                        }
                        Mark::Done => {}
                    }
                } else {
                    mark[m] = Mark::Done;
                    stack.pop();
                }
            }
        }
        for (span, path) in found {
            self.push(
                Diagnostic::error(
                    Code::CyclicImport,
                    format!("modules import each other: {path}"),
                )
                .label(span, "this import closes the cycle")
                .help("move the shared declarations into a module both can import"),
            );
        }
    }

    fn declarations(&mut self) {
        for (mi, m) in self.modules.iter().enumerate() {
            for item in &m.ast.items {
                let (kind, name) = match item {
                    Item::Entity(e) => (DeclKind::Entity, &e.name),
                    Item::Mixin(e) => (DeclKind::Mixin, &e.name),
                    Item::Enum(e) => (DeclKind::Enum, &e.name),
                    Item::Domain(d) => (DeclKind::Domain, &d.name),
                    Item::View(v) => (DeclKind::View, &v.name),
                    Item::Sql(s) => (DeclKind::Sql, &s.name),
                    Item::Import(_) | Item::Schema(_) | Item::Extension(_) => continue,
                };
                if let Some(&prev) = self.by_name.get(name.name.as_str()) {
                    let p = &self.decls[prev];
                    let d = Diagnostic::error(
                        Code::DuplicateName,
                        format!("`{}` is declared twice", name.name),
                    )
                    .label(name.span, format!("this {}", kind.word()))
                    .label(
                        p.name.span,
                        format!(
                            "first declared here, as {} {}",
                            article(p.kind.word()),
                            p.kind.word()
                        ),
                    )
                    .help("names are unique across the project: they name generated types too");
                    self.diags.push(d);
                    continue;
                }
                self.by_name.insert(name.name.as_str(), self.decls.len());
                self.decls.push(Decl {
                    module: mi,
                    kind,
                    name,
                    item,
                    model_index: None,
                });
            }
        }
    }

    /// What each module sees: its own declarations and what it imports.
    /// Names are unique across the project, so the order of insertion
    /// does not matter.
    fn scopes(&mut self) {
        let mut own = vec![HashMap::default(); self.modules.len()];
        for (i, d) in self.decls.iter().enumerate() {
            own[d.module].insert(d.name.name.as_str(), i);
        }
        let mut scopes = own.clone();
        for (mi, imports) in self.imports.iter().enumerate() {
            for &(t, imp) in imports {
                match &imp.names {
                    None => scopes[mi].extend(own[t].iter().map(|(n, i)| (*n, *i))),
                    Some(names) => {
                        for n in names {
                            match own[t].get(n.name.as_str()) {
                                Some(&i) => {
                                    scopes[mi].insert(n.name.as_str(), i);
                                }
                                None => {
                                    let d = self.unknown_import(t, n);
                                    self.diags.push(d);
                                }
                            }
                        }
                    }
                }
            }
        }
        self.scopes = scopes;
        self.module_decls = own;
    }

    /// `import m.{name}` where `m` (module `t`) does not declare `name`:
    /// the help names the module that does, or a close name in `m`.
    fn unknown_import(&self, t: usize, name: &ast::Ident) -> Diagnostic {
        let module = &self.modules[t].name;
        let d = Diagnostic::error(
            Code::UnknownImport,
            format!("module `{module}` declares no `{}`", name.name),
        )
        .label(name.span, "not in that module");
        if let Some(&g) = self.by_name.get(name.name.as_str()) {
            let declared_in = &self.modules[self.decls[g].module].name;
            return d.help(format!(
                "`{}` is declared in module `{declared_in}`: import it from there, `import {declared_in}.{{{}}}`",
                name.name, name.name
            ));
        }
        let in_module = self.decls.iter().filter(|d| d.module == t);
        match suggest(&name.name, in_module.map(|d| d.name.name.as_str())) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help(format!(
                "no module declares `{}`; check the spelling",
                name.name
            )),
        }
    }

    /// Finds a declaration visible from `module`; reports and returns None
    /// when there is none. `want` filters the kinds that fit here.
    fn lookup(
        &mut self,
        module: usize,
        path: &ast::Path,
        want: &[DeclKind],
        what: &str,
    ) -> Option<usize> {
        let name = path.last();
        let found = if path.parts.len() > 1 {
            let prefix: Vec<&str> = path.parts[..path.parts.len() - 1]
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            let prefix = prefix.join(".");
            let visible = self
                .module_index
                .get(prefix.as_str())
                .copied()
                .filter(|&m| m == module || self.imports[module].iter().any(|(t, _)| *t == m));
            visible.and_then(|m| self.module_decls[m].get(name.name.as_str()).copied())
        } else {
            self.scopes[module].get(name.name.as_str()).copied()
        };
        match found {
            Some(i) if want.contains(&self.decls[i].kind) => {
                self.decl_refs.push((path.span, i));
                Some(i)
            }
            Some(i) => {
                let kind = self.decls[i].kind.word();
                let span = self.decls[i].name.span;
                self.push(
                    Diagnostic::error(
                        Code::WrongKind,
                        format!("`{}` is {} {kind}, not {what}", name.name, article(kind)),
                    )
                    .label(path.span, format!("expected {what}"))
                    .label(span, "declared here"),
                );
                None
            }
            None => {
                let mut d = Diagnostic::error(
                    Code::UnknownName,
                    format!("unknown {what} `{}`", path.dotted()),
                )
                .label(path.span, "not declared or imported");
                if let Some(&g) = self.by_name.get(name.name.as_str()) {
                    let m = &self.modules[self.decls[g].module].name;
                    d = d.help(format!("`{}` is declared in module `{m}`: add `import {m}` at the top of this file", name.name));
                } else {
                    let candidates: Vec<&str> = self.scopes[module]
                        .iter()
                        .filter(|(_, &i)| want.contains(&self.decls[i].kind))
                        .map(|(n, _)| *n)
                        .collect();
                    if let Some(s) = suggest(&name.name, candidates) {
                        d = d.help(format!("did you mean `{s}`?"));
                    }
                }
                self.push(d);
                None
            }
        }
    }

    fn schema_of(&self, module: usize, attrs: &[ast::Attribute]) -> String {
        attrs
            .iter()
            .find(|a| a.name.name == "schema")
            .and_then(attrs::single_name)
            .unwrap_or_else(|| self.module_schema[module].clone())
    }

    fn qname_taken(&mut self, q: &QName, span: Span, what: &str) {
        if !self.names.claim(&q.schema, &q.name) {
            self.push(
                Diagnostic::error(
                    Code::DuplicateSqlName,
                    format!("two objects are named `{q}` in SQL"),
                )
                .label(span, format!("this {what}"))
                .help("give one of them another name with `@table(...)` or `@type(...)`"),
            );
        }
    }

    /// The key of a declaration's model object.
    fn dependency(&self, decl: usize) -> Option<Key> {
        let d = &self.decls[decl];
        let i = d.model_index?;
        let m = &self.model;
        Some(match d.kind {
            DeclKind::Entity => m.tables.get(i)?.key(),
            DeclKind::Enum => m.enums.get(i)?.key(),
            DeclKind::Domain => m.domains.get(i)?.key(),
            DeclKind::View => m.views.get(i)?.key(),
            DeclKind::Sql => m.raw.get(i)?.key(),
            DeclKind::Mixin => return None,
        })
    }

    /// Records that the schema needs an extension (`citext` for its type).
    fn need_extension(&mut self, name: &'static str, span: Span) {
        self.needed_extensions.push((name, span));
    }

    fn finish(&mut self) {
        let mut schemas: Vec<String> = self
            .model
            .tables
            .iter()
            .map(|t| &t.sql.schema)
            .chain(self.model.enums.iter().map(|e| &e.sql.schema))
            .chain(self.model.domains.iter().map(|d| &d.sql.schema))
            .chain(self.model.views.iter().map(|v| &v.sql.schema))
            .chain(self.declared_extensions.iter().map(|x| &x.schema))
            .filter(|s| s.as_str() != "public")
            .cloned()
            .collect();
        schemas.sort();
        schemas.dedup();
        self.model.schemas = schemas;
        // Declared extensions, then those something needs; the first use of
        // each needed one is its origin.
        let mut needed = std::mem::take(&mut self.needed_extensions);
        needed.sort_by_key(|(name, span)| (*name, span.file, span.start));
        needed.dedup_by_key(|(name, _)| *name);
        let declared = std::mem::take(&mut self.declared_extensions);
        let mut extensions: Vec<Extension> = declared
            .into_iter()
            .map(|d| Extension {
                name: d.name,
                schema: d.schema,
                doc: d.doc,
                origin: Origin::declared(d.span),
            })
            .collect();
        for (name, span) in needed {
            if !extensions.iter().any(|e| e.name == name) {
                self.resolved.define(Key::extension(name), span, span, None);
                extensions.push(Extension {
                    name: name.to_string(),
                    // CREATE EXTENSION without a schema installs into
                    // `public`, the first schema of the script's search path.
                    schema: "public".to_string(),
                    doc: None,
                    origin: Origin::declared(span).because(Why::Required),
                });
            }
        }
        extensions.sort_by(|a, b| a.name.cmp(&b.name));
        self.model.extensions = extensions;
        if !self.options.resolved {
            names::assign(&mut self.model, &mut self.names);
            dsl::diagnostic::sort(&mut self.diags);
            return;
        }
        let patterns: Vec<String> = resolved::generated_names(&self.model)
            .map(|(_, _, name, _)| name.to_string())
            .collect();
        names::assign(&mut self.model, &mut self.names);
        let renames = patterns
            .iter()
            .zip(resolved::generated_names(&self.model))
            .filter(|(old, (_, _, new, _))| old.as_str() != *new)
            .map(|(old, (table, index, new, span))| {
                let key = |name| resolved::member_key(table, index, name);
                (key(old), span, key(new))
            })
            .collect();
        self.resolved.rename(renames);
        self.modules_mixins_and_imports();
        dsl::diagnostic::sort(&mut self.diags);
    }

    /// Records what exists in the text only (modules, mixins), the
    /// imports, and the references to declarations found along the way.
    fn modules_mixins_and_imports(&mut self) {
        for m in self.modules {
            let start = Span::new(m.file, 0, 0);
            self.resolved
                .define(Symbol::Module(m.name.clone()), start, start, None);
        }
        for d in &self.decls {
            if let (DeclKind::Mixin, Item::Mixin(e)) = (d.kind, d.item) {
                self.resolved.define(
                    Symbol::Mixin(e.name.name.clone()),
                    e.span,
                    e.name.span,
                    None,
                );
            }
        }
        for imports in &self.imports {
            for &(t, imp) in imports {
                let module = &self.modules[t].name;
                self.resolved
                    .refer(imp.path.span, Symbol::Module(module.clone()));
                for n in imp.names.iter().flatten() {
                    // Names are unique across the project.
                    match self.by_name.get(n.name.as_str()) {
                        Some(&d) if self.decls[d].module == t => self.decl_refs.push((n.span, d)),
                        _ => {}
                    }
                }
            }
        }
        for (span, d) in std::mem::take(&mut self.decl_refs) {
            let symbol = match self.decls[d].kind {
                DeclKind::Mixin => Some(Symbol::Mixin(self.decls[d].name.name.clone())),
                _ => self.dependency(d).map(Symbol::Object),
            };
            if let Some(symbol) = symbol {
                self.resolved.refer(span, symbol);
            }
        }
    }
}

pub(crate) fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// The closest candidate by edit distance, if close enough to be a typo.
pub(crate) fn suggest<'s>(
    name: &str,
    candidates: impl IntoIterator<Item = &'s str>,
) -> Option<&'s str> {
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&name.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| c)
}
