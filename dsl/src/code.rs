//! The catalog of diagnostic codes: every code schemac emits, with what it
//! means, an example that produces it and how to fix it. `docs/errors.md`
//! is generated from this table (a test fails when it is stale), and a test
//! compiles every example and expects its code.
//!
//! A code's string (`schemac::unknown_type`) is stable: tools match on it.
//! Rename a variant freely, never its string.

use serde::{Serialize, Serializer};

/// One catalog entry.
#[derive(Debug)]
pub struct Entry {
    /// The stable string, e.g. `schemac::unknown_type`.
    pub code: &'static str,
    /// One line: what is wrong.
    pub summary: &'static str,
    /// A paragraph: why it is an error and what schemac checks.
    pub explanation: &'static str,
    /// Files that produce the code. Lines `// file: NAME` (or `# file: NAME`
    /// in TOML) start a new file; before the first one the file is
    /// `example.schema`. `None` when no schema text can produce it (the
    /// explanation says why; a test of its own covers it).
    pub example: Option<&'static str>,
    /// How to fix it, when the summary does not already say.
    pub fix: Option<&'static str>,
    /// For a code no schema text produces (the migration runner's): a run
    /// of schemac that does, the commands and what schemac prints. The
    /// live tests produce each of them.
    pub session: Option<&'static str>,
}

impl Entry {
    /// The example split into `(file name, text)`.
    pub fn example_files(&self) -> Vec<(&'static str, String)> {
        let Some(text) = self.example else {
            return Vec::new();
        };
        let mut files: Vec<(&'static str, String)> = Vec::new();
        for line in text.lines() {
            let marker = line
                .strip_prefix("// file: ")
                .or_else(|| line.strip_prefix("# file: "));
            match (marker, files.last_mut()) {
                (Some(name), _) => files.push((name.trim(), String::new())),
                (None, Some((_, body))) => {
                    body.push_str(line);
                    body.push('\n');
                }
                (None, None) => files.push(("example.schema", format!("{line}\n"))),
            }
        }
        files
    }
}

macro_rules! catalog {
    (@session) => { None };
    (@session $session:expr) => { Some($session) };
    ($(
        $variant:ident = $code:literal {
            summary: $summary:literal,
            explanation: $explanation:literal,
            example: $example:expr,
            fix: $fix:expr
            $(, session: $session:expr)? $(,)?
        }
    )*) => {
        /// A diagnostic code. See the catalog (`Code::entry`) for each.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $(#[doc = $summary] $variant,)*
        }

        impl Code {
            /// Every code, in catalog order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn entry(self) -> &'static Entry {
                match self {
                    $(Code::$variant => &Entry {
                        code: $code,
                        summary: $summary,
                        explanation: $explanation,
                        example: $example,
                        fix: $fix,
                        session: catalog!(@session $($session)?),
                    },)*
                }
            }
        }
    };
}

impl Code {
    /// The stable string, e.g. `schemac::unknown_type`.
    pub fn as_str(self) -> &'static str {
        self.entry().code
    }

    /// The code whose string is `s`.
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

catalog! {
    // ── Syntax ────────────────────────────────────────────────────────────
    Syntax = "schemac::syntax" {
        summary: "a line does not parse",
        explanation: "The parser reads a file line by line and recovers at each line, so one malformed line becomes one diagnostic and the rest of the file is still read. The label says what was expected; the help names the usual cause when it recognises one: a `:` between a column's name and its type, SQL's `not null`, or a trailing `;`.",
        example: Some("entity User {\n  id bigint @pk @identity\n  email: text\n}\n"),
        fix: Some("write members as `name type`, one per line, without `:` or `;`; columns are NOT NULL unless their type ends in `?`"),
    }
    TooDeep = "schemac::too_deep" {
        summary: "brackets nested more than 128 levels deep",
        explanation: "schemac refuses a file whose parentheses, brackets or braces nest more than 128 levels before parsing it, which bounds the parser's recursion on any input. No real schema comes close; the example would be a line of 129 `(`, so it is left out here and tested on its own.",
        example: None,
        fix: Some("split the expression, or move it into a `sql` block"),
    }
    DanglingDoc = "schemac::dangling_doc" {
        summary: "a `///` doc comment documents nothing",
        explanation: "A `///` comment documents the declaration or member right after it and becomes its `COMMENT ON`. One with nothing after it (at the end of a file or of a block) would be silently lost.",
        example: Some("entity User {\n  id bigint @pk @identity\n}\n\n/// Users who can sign in.\n"),
        fix: Some("put the doc comment right above what it documents, or write `//` for a plain comment"),
    }
    BadSuppression = "schemac::bad_suppression" {
        summary: "a `// schemac:` comment that is not a well-formed suppression",
        explanation: "A comment that starts with `// schemac:` is an inline suppression of lint rules, `// schemac: allow(rule-id, other-rule) reason: why this is right here`, on the line before what it applies to or at the end of that line. One that starts like a suppression but is malformed (a misspelt `allow`, a missing parenthesis, a rule id that is not lower-case words, an empty reason) is reported, so that a typo never silently suppresses nothing.",
        example: Some("// schemac: alow(naming/plural) reason: a legacy table name\nentity Tag {\n  id bigint @pk @identity\n}\n"),
        fix: Some("write `// schemac: allow(rule-id) reason: ...`, or a plain comment that does not start with `schemac:`"),
    }
    NotARelation = "schemac::not_a_relation" {
        summary: "a foreign-key clause (`on delete`, `deferrable`, `as`) on a column that is not a relation",
        explanation: "`on delete`, `on update`, `deferrable` and `as back_name` describe a foreign key, so they only follow a relation column, `name -> Entity`. A column with a type has no foreign key to describe.",
        example: Some("entity Team {\n  id bigint @pk @identity\n}\n\nentity User {\n  id      bigint @pk @identity\n  team_id bigint on delete cascade\n}\n"),
        fix: Some("write the column as a relation: `team_id -> Team on delete cascade`"),
    }
    Encoding = "schemac::encoding" {
        summary: "a file is not valid UTF-8",
        explanation: "Schema files are UTF-8. A file with an invalid byte is reported at that byte and not parsed; the other files of the project still are. A schema text cannot hold an invalid byte, so there is no example here; a test writes such a file.",
        example: None,
        fix: Some("save the file as UTF-8"),
    }
    ModelSyntax = "schemac::model_syntax" {
        summary: "a `model.json` file that is not valid JSON, or not a model",
        explanation: "`schemac build model.json` reads back a model written by `--emit model`. A file cut short, edited into invalid JSON, or holding something other than a model is reported at the line and column where reading failed. There is no schema example: the input is a JSON file, and tests/it/model.rs truncates and edits real ones.",
        example: None,
        fix: Some("build the model again from the .schema files: `schemac build PATH --emit model`"),
    }
    ModelFormat = "schemac::model_format" {
        summary: "a `model.json` file written in another format version",
        explanation: "A model file records the format it was written in. A file from a schemac whose model format differs is refused rather than misread. There is no schema example: tests/it/model.rs changes the format of a real file.",
        example: None,
        fix: Some("build the model again with this schemac: `schemac build PATH --emit model`"),
    }
    ModelInvalid = "schemac::model_invalid" {
        summary: "a `model.json` file whose model is inconsistent",
        explanation: "A model read back is checked as a whole before anything is emitted from it: keys are unique, every reference (a foreign key's table, a type, a dependency) resolves, and the columns constraints and indexes name exist. A model edited by hand can break any of these. There is no schema example: tests/it/model.rs edits real files.",
        example: None,
        fix: Some("build the model again from the .schema files: `schemac build PATH --emit model`"),
    }
    Version = "schemac::version" {
        summary: "a version line other than `schemac 1`",
        explanation: "The optional first line `schemac 1` says which version of the language a file is written in. This schemac knows version 1 only, so a file asking for another is refused rather than misread.",
        example: Some("schemac 2\n\nentity Tag {\n  id bigint @pk @identity\n}\n"),
        fix: Some("write `schemac 1`, or remove the line"),
    }

    // ── Modules and names ─────────────────────────────────────────────────
    UnknownModule = "schemac::unknown_module" {
        summary: "an import names a module that has no file",
        explanation: "`import billing.invoices` reads `billing/invoices.schema` relative to the project root (or the imported file's directory). When there is no such file the import is an error; the help gives the path schemac looked for.",
        example: Some("import billing.invoices\n\nentity Tag {\n  id bigint @pk @identity\n}\n"),
        fix: Some("correct the module name, or create the file"),
    }
    UnknownImport = "schemac::unknown_import" {
        summary: "a name in an import list is not declared by that module",
        explanation: "`import m.{A, B}` brings only the names listed into scope, and each must be declared in `m`. When another module declares the name, the help says which one.",
        example: Some("// file: common.schema\nmixin Timestamps {\n  created_at timestamptz = now()\n}\n// file: audit.schema\nenum Level { info, warn }\n// file: users.schema\nimport common.{Timestamps, Level}\n\nentity User with Timestamps {\n  id bigint @pk @identity\n}\n"),
        fix: Some("import the name from the module that declares it"),
    }
    SelfImport = "schemac::self_import" {
        summary: "a module imports itself",
        explanation: "A module always sees its own declarations; importing itself is a mistake, usually a wrong module name.",
        example: Some("import example\n\nentity Tag {\n  id bigint @pk @identity\n}\n"),
        fix: Some("remove the import"),
    }
    CyclicImport = "schemac::cyclic_import" {
        summary: "modules import each other in a circle",
        explanation: "Imports form a hierarchy: a module that imports another, directly or through others, cannot be imported by it. The message shows the circle, and the label is on the import that closes it.",
        example: Some("// file: a.schema\nimport b\n\nentity A {\n  id bigint @pk @identity\n}\n// file: b.schema\nimport a\n\nentity B {\n  id bigint @pk @identity\n}\n"),
        fix: Some("move the declarations both modules need into a third module that both import"),
    }
    UnknownName = "schemac::unknown_name" {
        summary: "an entity, mixin or declaration that is neither declared nor imported",
        explanation: "A name used as a relation target, a mixin, or in `@depends` must be declared in the module or imported into it. When another module of the project declares it, the help names the import to add; otherwise it suggests a close name.",
        example: Some("entity Post {\n  id        bigint @pk @identity\n  author_id -> Author on delete cascade\n}\n"),
        fix: Some("declare the name, import its module, or correct the spelling"),
    }
    WrongKind = "schemac::wrong_kind" {
        summary: "a name of the wrong kind, such as an entity used as a type",
        explanation: "Each place takes one kind of declaration: a column's type is a PostgreSQL type, an enum or a domain; `with` takes mixins; a relation targets an entity. Using an entity as a column type is the common case, and the help shows the relation to write instead.",
        example: Some("entity User {\n  id bigint @pk @identity\n}\n\nentity Post {\n  id     bigint @pk @identity\n  author User\n}\n"),
        fix: Some("for a reference to another entity write a relation: `author_id -> User on delete cascade`"),
    }
    DuplicateName = "schemac::duplicate_name" {
        summary: "two declarations with one name in the project",
        explanation: "Declaration names (entities, mixins, enums, domains, views, `sql` blocks) are unique across the whole project, so that every reference and every generated type name means one thing.",
        example: Some("entity User {\n  id bigint @pk @identity\n}\n\nenum User { active, banned }\n"),
        fix: Some("rename one of them"),
    }
    DuplicateSqlName = "schemac::duplicate_sql_name" {
        summary: "two objects with one SQL name in one PostgreSQL schema",
        explanation: "Different declarations can still end up with the same SQL name: two entities whose table names coincide, or two constraints or indexes given the same name. PostgreSQL would refuse the second `CREATE`; schemac reports it at the source.",
        example: Some("entity Tag {\n  id bigint @pk @identity\n}\n\nentity Label @table(tags) {\n  id bigint @pk @identity\n}\n"),
        fix: Some("give one of them another name with `@table(...)`, `@type(...)` or an explicit constraint name"),
    }
    DuplicateSchema = "schemac::duplicate_schema" {
        summary: "a file with two `schema` lines",
        explanation: "`schema name` sets the PostgreSQL schema of everything in its file, wherever it stands, so a file can have only one.",
        example: Some("schema billing\nschema audit\n\nentity Invoice {\n  id bigint @pk @identity\n}\n"),
        fix: Some("keep one; move declarations that belong elsewhere to another file, or give them `@schema(...)`"),
    }
    NameTooLong = "schemac::name_too_long" {
        summary: "a name you wrote is longer than 63 bytes",
        explanation: "PostgreSQL keeps the first 63 bytes of an identifier and silently drops the rest, so two long names could become one. Names schemac generates are shortened with a hash suffix; names you write (tables, columns, constraint names, enum values) are refused instead.",
        example: Some("entity Tag @table(tags_that_have_a_name_much_longer_than_postgresql_allows_for_any_identifier) {\n  id bigint @pk @identity\n}\n"),
        fix: Some("choose a shorter name"),
    }

    // ── Columns and types ─────────────────────────────────────────────────
    DuplicateColumn = "schemac::duplicate_column" {
        summary: "a column declared twice in one entity",
        explanation: "Each column name appears once per entity. (A column that a mixin also defines is `schemac::mixin_clash`.)",
        example: Some("entity User {\n  id    bigint @pk @identity\n  email text\n  email text?\n}\n"),
        fix: Some("remove or rename one of them"),
    }
    UnknownType = "schemac::unknown_type" {
        summary: "a type that is not a PostgreSQL type, enum or domain in scope",
        explanation: "A column's type is a built-in PostgreSQL type (with its SQL spellings and aliases), or an enum or domain declared in or imported into the module. The help suggests a close name when there is one.",
        example: Some("enum Status { active, banned }\n\nentity User {\n  id     bigint @pk @identity\n  status Staus\n}\n"),
        fix: Some("correct the spelling, or import the module that declares the type"),
    }
    BadTypeArgs = "schemac::bad_type_args" {
        summary: "type modifiers that the type does not take",
        explanation: "Modifiers are checked against the type: `varchar(n)` takes one positive length, `numeric(p, s)` a precision and a scale no larger than it, `text`, enums and domains take none.",
        example: Some("entity Product {\n  id    bigint @pk @identity\n  price numeric(2,5)\n}\n"),
        fix: Some("give the modifiers the type takes, or none"),
    }
    BadType = "schemac::bad_type" {
        summary: "an array of a serial type",
        explanation: "`serial`, `bigserial` and `smallserial` are not types but shorthand for an integer column with a sequence, so an array of them does not exist.",
        example: Some("entity Batch {\n  id  bigint @pk @identity\n  ids serial[]\n}\n"),
        fix: Some("use `integer[]` (or `bigint[]`)"),
    }
    NullableDomain = "schemac::nullable_domain" {
        summary: "a domain declared nullable",
        explanation: "Whether a value may be missing is a property of each column, not of the domain: a domain is never nullable, and a column of the domain type is nullable when its type ends in `?`.",
        example: Some("domain Email text? @check(value like '%@%')\n"),
        fix: Some("remove the `?` from the domain and write `email Email?` on the columns that may be empty"),
    }
    CyclicDomain = "schemac::cyclic_domain" {
        summary: "a domain built on itself",
        explanation: "A domain is built on a base type, which may be another domain. Following the bases must end at a PostgreSQL type; a chain that comes back to where it started has no type at all.",
        example: Some("domain A B\n\ndomain B A\n"),
        fix: Some("build one of the domains on a PostgreSQL type"),
    }
    EmptyEnum = "schemac::empty_enum" {
        summary: "an enum with no values",
        explanation: "PostgreSQL allows an empty enum, but no column of it could hold a value. It is almost always a value list that was lost.",
        example: Some("enum Status {}\n"),
        fix: Some("add at least one value"),
    }
    DuplicateValue = "schemac::duplicate_value" {
        summary: "an enum value given twice",
        explanation: "Enum values are unique within their enum; PostgreSQL refuses the `CREATE TYPE` otherwise.",
        example: Some("enum Status { active, banned, active }\n"),
        fix: Some("remove the second one"),
    }
    BadRename = "schemac::bad_rename" {
        summary: "a `renamed from` that cannot name the object's old name",
        explanation: "`renamed from old` on an entity, a column or an enum value tells a migration that the object existed under the old name, so it is renamed in place (`ALTER ... RENAME`) and keeps its rows, rather than dropped and made again. The old name must not also be declared now (the rename and the other object would claim the same thing), must differ from the new name, and a mixin has no table of its own to rename.",
        example: Some("entity User renamed from Member {\n  id bigint @pk\n}\n\nentity Member {\n  id bigint @pk\n}\n"),
        fix: Some("name what the object was called in the database the migration starts from, or remove the `renamed from` once every database has been migrated"),
    }

    // ── Attributes ────────────────────────────────────────────────────────
    UnknownAttribute = "schemac::unknown_attribute" {
        summary: "an attribute that does not exist, or not in that place",
        explanation: "Each kind of declaration takes its own attributes (a column `@pk`, `@unique`, `@check`...; an entity `@table`, `@schema`, `@depends`). A misspelt attribute, or one in the wrong place, is refused with a suggestion, never ignored.",
        example: Some("entity User {\n  id    bigint @pk @identity\n  email text @uniq\n}\n"),
        fix: Some("correct the spelling (the help suggests the closest attribute), or move it where it belongs"),
    }
    BadArgument = "schemac::bad_argument" {
        summary: "an attribute with arguments it does not take",
        explanation: "Attributes check their arguments: `@table(name)` takes one name, `@pk` none, `@check(expr)` one SQL expression, `@identity` `always` or `by_default`, `@search` columns with weights and a language, `@depends` declaration names.",
        example: Some("entity User {\n  id bigint @pk(yes) @identity\n}\n"),
        fix: Some("give the arguments the attribute takes (the help shows an example)"),
    }
    BadAttribute = "schemac::bad_attribute" {
        summary: "an attribute on a kind of column it does not apply to",
        explanation: "Some attributes are for one kind of column: `@no_index` turns off the index schemac adds for a foreign key, so it only applies to a relation column.",
        example: Some("entity User {\n  id    bigint @pk @identity\n  email text @no_index\n}\n"),
        fix: Some("remove the attribute"),
    }
    Unsupported = "schemac::unsupported" {
        summary: "a policy attribute reserved for a coming release",
        explanation: "Some attribute names are reserved for policies that later versions will generate (auditing, row-level security, soft delete, retention...). This version refuses them rather than accept something it does not do, so nobody relies on a policy that is not there.",
        example: Some("entity User @mask {\n  id bigint @pk @identity\n}\n"),
        fix: Some("remove the attribute until schemac generates it"),
    }
    BadPolicy = "schemac::bad_policy" {
        summary: "a policy that cannot apply to the entity as declared",
        explanation: "Policies (`@timestamps`, `@soft_delete`, ...) add columns, keys, triggers and views to an entity. schemac refuses one that would clash with what the entity declares, rather than write SQL that fails later: a column the policy adds that the entity already has, a deferrable unique key or one a foreign key references (soft delete makes unique keys partial, which neither can be), a policy that needs a primary key (soft delete, versioning, audit) on an entity without one, a `@secret` key column of an audited entity, a tenant column that does not exist, or a generated name already taken. docs/policies.md says what each policy adds.",
        example: Some("entity User @timestamps {\n  id         bigint @pk @identity\n  created_at timestamptz = now()\n}\n"),
        fix: Some("remove what the policy adds itself, or change the declaration the help names"),
    }
    EncryptedType = "schemac::encrypted_type" {
        summary: "`@encrypted` on a column whose type cannot be stored as ciphertext",
        explanation: "An `@encrypted` column is stored as pgcrypto ciphertext (`bytea`) and `encryption.decrypt` gives back text, so only text-like types can be encrypted: `text`, `varchar`, `char`, `citext`, `json` and `jsonb`. A number, a date, an enum or an array would lose its type (and its checks) in the ciphertext; store its text form and convert in the application.",
        example: Some("entity Employee {\n  id     bigint @pk @identity\n  salary numeric @encrypted\n}\n"),
        fix: Some("declare the column `text` (or `jsonb`) and convert in the application"),
    }
    EncryptedKey = "schemac::encrypted_key" {
        summary: "an `@encrypted` column used by a key, index, constraint or another policy",
        explanation: "Ciphertext is random: the same value encrypts differently each time, so PostgreSQL cannot compare, index or check it. An encrypted column cannot be in the primary key, a unique key or index, a foreign key, an index, an exclusion or check constraint, the partition key, the distribution column, the `@tenant` column or `@retain`'s time column, nor have a default, an identity or a generated value. For equality lookups use `@encrypted(blind_index)`, which adds an indexed keyed hash of the value.",
        example: Some("entity User {\n  id    bigint @pk @identity\n  email text @unique @encrypted\n}\n"),
        fix: Some("take the column out of the key, or use `@encrypted(blind_index)` for lookups"),
    }
    UnknownPiiClass = "schemac::unknown_pii_class" {
        summary: "a `@pii` class schemac does not know",
        explanation: "`@pii(class)` says what kind of personal data a column holds: `email`, `name`, `phone`, `address`, `ip`, `birth_date`, `free_text`, `government_id` or `identifier`. The class decides which column types fit, the value `erase_subject` writes and the fake `mask_data` makes, so an unknown class is refused rather than guessed (docs/policies.md).",
        example: Some("entity User {\n  id    bigint @pk @identity\n  email text @pii(emial)\n}\n"),
        fix: Some("use one of the classes (the help suggests the closest)"),
    }
    PiiType = "schemac::pii_type" {
        summary: "a `@pii` class on a column whose type cannot hold that kind of data",
        explanation: "Each class fits some types: `ip` an `inet`, `cidr` or text column, `birth_date` a `date` or timestamp, `identifier` text or a `uuid`, the other classes text (and `address` and `free_text` also `jsonb`); a domain counts as its base type. A class on another type (an `ip` that is an integer, a `birth_date` in `text`) is most likely the wrong column or the wrong class, and erasing or masking it would write a value of the wrong type.",
        example: Some("entity Visit {\n  id bigint @pk @identity\n  ip integer @pii(ip)\n}\n"),
        fix: Some("choose the class that describes the column, or give the column the type of its data"),
    }
    BadMask = "schemac::bad_mask" {
        summary: "a `@mask` strategy the column cannot take",
        explanation: "`mask_data` rewrites each masked column of a non-production copy with the strategy its `@mask` names, and every constraint must still hold afterwards. A strategy that cannot is refused: `null` on a NOT NULL column; a fixed value on a column of a unique key (every row would hold the same value); a hash on a column that is not text, `uuid` or `bytea`, or on a unique column whose type is too short for the 32 hex digits that keep distinct values distinct; a fake of a class the type cannot hold; anything but `keep` on a key or foreign-key column (its references would break), or on an identity or generated column (which cannot be written); two `@mask` on one column.",
        example: Some("entity Visitor {\n  id   bigint @pk @identity\n  name text @mask(null)\n}\n"),
        fix: Some("choose a strategy the column can take (the help names one), or change the column"),
    }
    NoSubject = "schemac::no_subject" {
        summary: "`erase: ...` on a `@pii` column of a project without a data subject",
        explanation: "`erase:` says what `erase_subject` does with a subject's value, and that function exists only once an entity is declared the data subject (`entity User @subject`). Without one the setting would do nothing, so it is refused.",
        example: Some("entity Comment {\n  id   bigint @pk @identity\n  body text @pii(free_text, erase: delete)\n}\n"),
        fix: Some("declare the subject (`@subject` on the entity of the people the data is about), or remove `erase:`"),
    }

    // ── SQL fragments and defaults ────────────────────────────────────────
    SqlSyntax = "schemac::sql_syntax" {
        summary: "an SQL fragment or view body that does not parse",
        explanation: "Defaults, checks, `where` predicates, index expressions, generated columns and view bodies are parsed with an SQL parser at build time, so a syntax error is reported at its position instead of by PostgreSQL when the script runs.",
        example: Some("entity Product {\n  id    bigint @pk @identity\n  price numeric @check(price >=)\n}\n"),
        fix: Some("correct the SQL; fragments are PostgreSQL syntax"),
    }
    UnknownColumn = "schemac::unknown_column" {
        summary: "a name in a clause, default or expression that is not a column of the table",
        explanation: "Column names in clauses (`unique (a, b)`, `index (...)`), in checks and predicates, in `@search` and in foreign keys are checked against the table they belong to. When only the case differs, the help says how to quote the name.",
        example: Some("entity User {\n  id    bigint @pk @identity\n  email text\n\n  unique (emial)\n}\n"),
        fix: Some("correct the name (the help suggests the closest column)"),
    }
    BadDefault = "schemac::bad_default" {
        summary: "a default that does not fit the column's type",
        explanation: "Simple defaults are checked against the column's type: a string for a number, a number for a boolean, or a value that is not one of an enum's values. PostgreSQL would only refuse it when the script runs.",
        example: Some("entity User {\n  id     bigint @pk @identity\n  active boolean = 'yes please'\n}\n"),
        fix: Some("write a value of the column's type"),
    }
    ColumnInDefault = "schemac::column_in_default" {
        summary: "a default that reads a column",
        explanation: "PostgreSQL evaluates a default before the row exists, so a default cannot read other columns of the row.",
        example: Some("entity Event {\n  id         bigint @pk @identity\n  created_at timestamptz = now()\n  updated_at timestamptz = created_at\n}\n"),
        fix: Some("use `@generated(...)` for a value computed from other columns"),
    }
    DefaultConflict = "schemac::default_conflict" {
        summary: "a default on an identity or generated column, or a column both identity and generated",
        explanation: "An identity column takes its values from its sequence and a generated column computes its own, so neither has a default; and a column is at most one of the two.",
        example: Some("entity User {\n  id bigint @pk @identity = 1\n}\n"),
        fix: Some("remove the `= ...`, or choose between `@identity` and `@generated`"),
    }
    BadIdentity = "schemac::bad_identity" {
        summary: "`@identity` on a column that is not an integer",
        explanation: "PostgreSQL identity columns are `smallint`, `integer` or `bigint`.",
        example: Some("entity User {\n  id text @pk @identity\n}\n"),
        fix: Some("make the column `bigint`, or use `uuid @pk = gen_random_uuid()` for a generated key of another type"),
    }
    BadSearch = "schemac::bad_search" {
        summary: "an `@search` column that cannot be generated",
        explanation: "`@search(col: WEIGHT, ..., language: cfg)` makes a generated `tsvector` column from text columns of the row. The column must be declared `tsvector`, its sources must be text columns, weights are `A` to `D`, and at least one source is needed.",
        example: Some("entity Post {\n  id     bigint @pk @identity\n  title  text\n  search text @search(title: A)\n}\n"),
        fix: Some("declare the column `tsvector`, with text sources and weights A, B, C or D"),
    }

    // ── Relations and foreign keys ────────────────────────────────────────
    MissingOnDelete = "schemac::missing_on_delete" {
        summary: "a relation or foreign key without `on delete`",
        explanation: "What happens to a row when the row it references is deleted is a decision, not a default: PostgreSQL's `no action` surprises as often as `cascade` does. Every relation and `foreign key` clause says it.",
        example: Some("entity User {\n  id bigint @pk @identity\n}\n\nentity Post {\n  id        bigint @pk @identity\n  author_id -> User\n}\n"),
        fix: Some("add `on delete cascade`, `on delete restrict`, `on delete set null` (nullable columns) or `on delete no action`"),
    }
    DuplicateAction = "schemac::duplicate_action" {
        summary: "`on delete` or `on update` given twice on one relation",
        explanation: "A foreign key has one action per event; a second `on delete` (or `on update`) would silently replace the first.",
        example: Some("entity User {\n  id bigint @pk @identity\n}\n\nentity Post {\n  id        bigint @pk @identity\n  author_id -> User on delete cascade on delete restrict\n}\n"),
        fix: Some("keep one"),
    }
    SetNullNotNullable = "schemac::set_null_not_nullable" {
        summary: "`set null` on a column that is not nullable",
        explanation: "`on delete set null` sets the referencing column to null, which fails at run time on a NOT NULL column: the delete would be refused after all.",
        example: Some("entity User {\n  id bigint @pk @identity\n}\n\nentity Post {\n  id        bigint @pk @identity\n  author_id -> User on delete set null\n}\n"),
        fix: Some("make the column nullable (`-> User?`), or choose another action"),
    }
    SetDefaultWithoutDefault = "schemac::set_default_without_default" {
        summary: "`set default` on a column that has no default",
        explanation: "`on delete set default` gives the referencing column its default; without one it would become null, or fail on a NOT NULL column.",
        example: Some("entity User {\n  id bigint @pk @identity\n}\n\nentity Post {\n  id        bigint @pk @identity\n  author_id -> User on delete set default\n}\n"),
        fix: Some("give the column a default, or choose another action"),
    }
    BadDeferrable = "schemac::bad_deferrable" {
        summary: "`not deferrable initially deferred`",
        explanation: "A foreign key that is not deferrable is checked at each statement, so it cannot be checked at commit: the two words contradict each other.",
        example: Some("entity User {\n  id bigint @pk @identity\n}\n\nentity Post {\n  id        bigint @pk @identity\n  author_id -> User on delete cascade not deferrable initially deferred\n}\n"),
        fix: Some("write `deferrable initially deferred` to check at commit, or drop `initially deferred`"),
    }
    NoPrimaryKey = "schemac::no_primary_key" {
        summary: "a relation to an entity without a primary key",
        explanation: "A relation column `x -> T` references the primary key of `T`. An entity without one can only be referenced through an explicit unique column: `x -> T(col)`.",
        example: Some("entity Setting {\n  name text\n}\n\nentity Override {\n  id         bigint @pk @identity\n  setting_id -> Setting on delete cascade\n}\n"),
        fix: Some("give the target a primary key, or name a unique column: `-> Setting(name)`"),
    }
    CompositeTarget = "schemac::composite_target" {
        summary: "a relation column to an entity whose primary key is composite",
        explanation: "A relation column is one column, so it can reference a one-column key only. A composite key is referenced with a `foreign key (a, b) -> Target(x, y)` clause.",
        example: Some("entity Line {\n  order_id bigint\n  line_no  integer\n\n  primary key (order_id, line_no)\n}\n\nentity Note {\n  id      bigint @pk @identity\n  line_id -> Line on delete cascade\n}\n"),
        fix: Some("write a `foreign key (a, b) -> Target(x, y) on delete ...` clause"),
    }
    CompositeRelation = "schemac::composite_relation" {
        summary: "a relation column that names several target columns",
        explanation: "`x -> T(a)` references one column of `T`; a column cannot hold a reference to two. Composite references are `foreign key` clauses.",
        example: Some("entity Line {\n  order_id bigint\n  line_no  integer\n\n  primary key (order_id, line_no)\n}\n\nentity Note {\n  id      bigint @pk @identity\n  line_id -> Line(order_id, line_no) on delete cascade\n}\n"),
        fix: Some("write a `foreign key (a, b) -> Target(x, y) on delete ...` clause"),
    }
    BadPolymorphic = "schemac::bad_polymorphic" {
        summary: "a polymorphic reference (`-> A | B`) that cannot become an exclusive arc",
        explanation: "`x -> A | B on delete ...` becomes one nullable foreign-key column per target (`x_a_id`, `x_b_id`) and a check that exactly one is set (at most one with `?`). So each target is named once, every target is referenced by its primary key (no `(column)`), the foreign keys are named by schemac (no `constraint`), the column has no default, and `on delete set null` needs `?`: clearing the only reference of a row that must have one would fail the check.",
        example: Some("entity Product {\n  id bigint @pk @identity\n}\n\nentity Tagging {\n  id     bigint @pk @identity\n  target -> Product | Product on delete cascade\n}\n"),
        fix: Some("name each target once, by its primary key, and write `?` before `on delete set null`"),
    }
    ReferenceNotUnique = "schemac::reference_not_unique" {
        summary: "a reference to columns that are neither the primary key nor unique",
        explanation: "PostgreSQL can only reference a primary key or a unique constraint (a partial unique index does not count), so that each reference points at exactly one row.",
        example: Some("entity User {\n  id    bigint @pk @identity\n  email text\n}\n\nentity Invite {\n  id    bigint @pk @identity\n  email -> User(email) on delete cascade\n}\n"),
        fix: Some("add `@unique` to the referenced column, or a `unique (...)` clause to the target"),
    }
    FkArity = "schemac::fk_arity" {
        summary: "a foreign key whose column lists have different lengths",
        explanation: "`foreign key (a, b) -> T(x, y)` pairs the columns in order, so both lists have the same length (without a target list, the target's primary key is meant).",
        example: Some("entity Line {\n  order_id bigint\n  line_no  integer\n\n  primary key (order_id, line_no)\n}\n\nentity Note {\n  id       bigint @pk @identity\n  order_id bigint\n\n  foreign key (order_id) -> Line on delete cascade\n}\n"),
        fix: Some("list as many columns as the target key has"),
    }
    FkTypeMismatch = "schemac::fk_type_mismatch" {
        summary: "a foreign-key column whose type differs from the column it references",
        explanation: "PostgreSQL compares a foreign key with the referenced key column by column, and types that merely convert make the lookups slow or fail. Each pair must have the same type.",
        example: Some("entity Line {\n  order_id bigint\n  line_no  integer\n\n  primary key (order_id, line_no)\n}\n\nentity Note {\n  id       bigint @pk @identity\n  order_id bigint\n  line_no  text\n\n  foreign key (order_id, line_no) -> Line on delete cascade\n}\n"),
        fix: Some("give the column the type of the column it references"),
    }
    CyclicKey = "schemac::cyclic_key" {
        summary: "relations whose key types depend on each other",
        explanation: "A relation column takes the type of the key it references, and that key may itself be a relation. When the keys of two entities are relations to each other, no column has a type to start from.",
        example: Some("entity A {\n  b_id -> B on delete cascade @pk\n}\n\nentity B {\n  a_id -> A on delete cascade @pk\n}\n"),
        fix: Some("give one of the keys an explicit type"),
    }

    // ── Keys, constraints and indexes ─────────────────────────────────────
    SeveralPk = "schemac::several_pk" {
        summary: "`@pk` on several columns",
        explanation: "`@pk` makes its column the primary key. A composite key is written as a clause, so that its column order is explicit.",
        example: Some("entity Membership {\n  user_id bigint @pk\n  team_id bigint @pk\n}\n"),
        fix: Some("write `primary key (user_id, team_id)` and remove the `@pk`s"),
    }
    DuplicatePrimaryKey = "schemac::duplicate_primary_key" {
        summary: "a table with two primary keys",
        explanation: "A table has one primary key: either `@pk` on a column or one `primary key (...)` clause.",
        example: Some("entity Membership {\n  id      bigint @pk @identity\n  user_id bigint\n  team_id bigint\n\n  primary key (user_id, team_id)\n}\n"),
        fix: Some("keep one: `@pk` for a single column, the clause for a composite key"),
    }
    NullableKey = "schemac::nullable_key" {
        summary: "a nullable primary-key column",
        explanation: "Primary-key columns are never null in PostgreSQL; a `?` on one would be silently ignored.",
        example: Some("entity Tag {\n  id bigint? @pk\n}\n"),
        fix: Some("remove the `?`"),
    }
    UnknownIndexMethod = "schemac::unknown_index_method" {
        summary: "an index method that PostgreSQL does not have",
        explanation: "`@index(method)` and `index ... using method` take one of PostgreSQL's index methods: btree, hash, gin, gist, spgist, brin.",
        example: Some("entity Doc {\n  id   bigint @pk @identity\n  body jsonb @index(gim)\n}\n"),
        fix: Some("use btree, hash, gin, gist, spgist or brin"),
    }
    BadExclude = "schemac::bad_exclude" {
        summary: "an exclusion constraint element without `with operator`",
        explanation: "An exclusion constraint lists elements `column with operator`: two rows conflict when every operator holds between them. An element without an operator, or with something that is not an operator, cannot be checked.",
        example: Some("entity Booking {\n  id      bigint @pk @identity\n  room_id bigint\n  during  tstzrange\n\n  exclude using gist (room_id with =, during)\n}\n"),
        fix: Some("write each element as `column with operator`, e.g. `exclude using gist (room_id with =, during with &&)`"),
    }

    // ── Partitioning and Citus ────────────────────────────────────────────
    PartitionColumn = "schemac::partition_column" {
        summary: "a partition key column PostgreSQL or maintenance cannot use",
        explanation: "Time partitions (`@partition(range: ...)`) need a NOT NULL `date`, `timestamp` or `timestamptz` column: maintenance creates one partition per day, week, month or year, and a row without a time would stay in the default partition. Fixed range bounds (`p2024: from '2024-01-01' to '2025-01-01'`) need an integer, numeric, date or time column, whose bounds schemac can order. No partition key may be a generated column (PostgreSQL refuses it).",
        example: Some("entity Event {\n  id          bigint @identity\n  occurred_at text\n  primary key (id, occurred_at)\n  @partition(range: occurred_at, every: month)\n}\n"),
        fix: Some("partition by a NOT NULL date or time column"),
    }
    PartitionBounds = "schemac::partition_bounds" {
        summary: "range partitions whose bounds are out of order, overlap, or do not fit the column",
        explanation: "A range partition with fixed bounds (`p2024: from '2024-01-01' to '2025-01-01'`) holds the values from its lower bound up to, not including, its upper one. PostgreSQL refuses a partition whose lower bound is not below its upper one, and one that overlaps another; schemac says so at build time, pointing at both. Bounds are literals of the key column's type: numbers for integer and numeric columns, ISO dates and times (`'2024-01-01'`, `'2024-01-01 12:00:00+00'`) for `date`, `timestamp` and `timestamptz` ones, or `minvalue` and `maxvalue`.",
        example: Some("entity Reading {\n  id    bigint @identity\n  taken date\n  primary key (id, taken)\n  @partition(range: taken, y2024: from '2024-01-01' to '2025-01-01', y2025: from '2024-06-01' to '2026-01-01')\n}\n"),
        fix: Some("make each lower bound smaller than its upper bound, and each partition start where another ends or later"),
    }
    PartitionKeyNotInKey = "schemac::partition_key_not_in_key" {
        summary: "a primary key, unique key or unique index of a partitioned table without the partition key",
        explanation: "PostgreSQL enforces uniqueness inside each partition only, so it refuses a unique constraint or index on a partitioned table that does not include every partition key column (of sub-partitions too). schemac says so at build time, pointing at the key.",
        example: Some("entity Event {\n  id          bigint @pk @identity\n  occurred_at timestamptz = now()\n  @partition(range: occurred_at, every: month)\n}\n"),
        fix: Some("add the partition key to the key: `primary key (id, occurred_at)`"),
    }
    PartitionedExclusion = "schemac::partitioned_exclusion" {
        summary: "an exclusion constraint on a partitioned table",
        explanation: "PostgreSQL 15 cannot create exclusion constraints on partitioned tables.",
        example: Some("extension btree_gist\n\nentity Booking {\n  id     bigint @identity\n  room   int\n  during tstzrange\n  primary key (id, room)\n  exclude using gist (room with =, during with &&)\n  @partition(hash: room, modulus: 4)\n}\n"),
        fix: Some("keep the table unpartitioned, or enforce the rule in a trigger"),
    }
    ReferenceToRetained = "schemac::reference_to_retained" {
        summary: "a foreign key into a table whose partitions retention drops",
        explanation: "Retention (`@retain`) drops whole partitions. PostgreSQL refuses to drop or detach a partition while rows of another table reference it, so maintenance would fail as soon as an old row is referenced; `on delete` actions do not run when a partition is dropped.",
        example: Some("entity Event {\n  id          bigint @identity\n  occurred_at timestamptz = now()\n  primary key (id, occurred_at)\n  @partition(range: occurred_at, every: month)\n  @retain(13 months)\n}\n\nentity Note {\n  id          bigint @pk @identity\n  event_id    bigint\n  occurred_at timestamptz\n  foreign key (event_id, occurred_at) -> Event on delete cascade\n}\n"),
        fix: Some("store the key as a plain column, or drop `@retain`"),
    }
    CitusDistribution = "schemac::citus_distribution" {
        summary: "a distribution Citus would refuse: a nullable column, both `@distribute` and `@reference`, or co-location with an incompatible table",
        explanation: "Citus needs a value in the distribution column of every row, places a table either in shards (`@distribute`) or on every node (`@reference`), and can co-locate only tables distributed by columns of the same type. These are checked on every build, so the same files move to Citus unchanged.",
        example: Some("entity Account {\n  id bigint @pk @identity\n}\n\nentity Visit {\n  id         bigint @identity\n  account_id -> Account? on delete cascade\n  @distribute(account_id)\n}\n"),
        fix: Some("make the distribution column NOT NULL, choose one placement, or co-locate with a table distributed by the same type"),
    }
    CitusKey = "schemac::citus_key" {
        summary: "a primary key or unique key of a distributed table without the distribution column",
        explanation: "Citus enforces uniqueness inside each shard, so every primary key, unique constraint, unique index and exclusion constraint of a distributed table must include its distribution column.",
        example: Some("entity Visit {\n  id         bigint @pk @identity\n  account_id bigint\n  @distribute(account_id)\n}\n"),
        fix: Some("add the distribution column to the key: `primary key (account_id, id)`"),
    }
    CitusForeignKey = "schemac::citus_foreign_key" {
        summary: "a foreign key Citus would refuse",
        explanation: "Between distributed tables, a foreign key must pair their distribution columns, and the tables must be co-located (distributed by columns of the same type). A distributed or reference table may reference a reference table; it cannot reference a local table, and neither a local nor a reference table may reference a distributed one.",
        example: Some("entity Account {\n  id bigint @pk @identity\n  @distribute(id)\n}\n\nentity Country {\n  code text @pk\n}\n\nentity Visit {\n  id         bigint @identity\n  account_id bigint\n  country    -> Country on delete restrict\n  primary key (account_id, id)\n  @distribute(account_id, colocate: Account)\n}\n"),
        fix: Some("distribute both tables by the key's column and co-locate them, or make the referenced table `@reference`"),
    }

    // ── Mixins ────────────────────────────────────────────────────────────
    MixinClash = "schemac::mixin_clash" {
        summary: "a column defined both by a mixin and by the entity (or by two mixins)",
        explanation: "A mixin's columns are copied into every entity that uses it. A column of the same name from the entity itself or from a second mixin would silently win or lose; schemac asks you to say which.",
        example: Some("mixin Timestamps {\n  created_at timestamptz = now()\n}\n\nmixin Audited {\n  created_at timestamptz = now()\n  created_by text\n}\n\nentity User with Timestamps, Audited {\n  id bigint @pk @identity\n}\n"),
        fix: Some("write `override created_at ...` to replace the mixin's column, or rename one of them"),
    }
    NothingToOverride = "schemac::nothing_to_override" {
        summary: "`override` on a column that no mixin defines",
        explanation: "`override` replaces a column that a mixin of the entity defines. Without such a column it overrides nothing, usually because the mixin was renamed or not included.",
        example: Some("entity User {\n  id                  bigint @pk @identity\n  override created_at timestamp\n}\n"),
        fix: Some("remove `override`, or add the mixin with `with`"),
    }
    CyclicMixin = "schemac::cyclic_mixin" {
        summary: "a mixin that includes itself",
        explanation: "Mixins may include other mixins with `with`, but the chain must end: a mixin that comes back to itself would have infinitely many columns.",
        example: Some("mixin A with B {\n  a text\n}\n\nmixin B with A {\n  b text\n}\n\nentity T with A {\n  id bigint @pk @identity\n}\n"),
        fix: Some("remove one of the `with`s in the circle"),
    }

    // ── Views, raw SQL and order ──────────────────────────────────────────
    UnknownRelation = "schemac::unknown_relation" {
        summary: "a view reading a table or view that the project does not create",
        explanation: "View bodies use SQL names (`users`, not `User`). schemac checks that each table or view a body reads is created by the project, so the view can be created after it. Names from PostgreSQL's own catalogs (`pg_catalog`, `information_schema`) are fine.",
        example: Some("entity User {\n  id bigint @pk @identity\n}\n\nview ActiveUser {\n  select id from User\n}\n"),
        fix: Some("use the table's SQL name (`users`), qualified with its schema outside `public`"),
    }
    CyclicView = "schemac::cyclic_view" {
        summary: "a view that reads itself",
        explanation: "A view cannot be created before itself. (Recursive queries are written with `with recursive` inside the body.)",
        example: Some("view Loop {\n  select 1 as x from loop\n}\n"),
        fix: Some("read the tables the view is built on, or use `with recursive`"),
    }
    EmptySql = "schemac::empty_sql" {
        summary: "an empty `sql` block",
        explanation: "A `sql` block holds statements that schemac copies into the script. An empty one is a leftover.",
        example: Some("sql setup {\n}\n"),
        fix: Some("write the statements, or remove the block"),
    }
    DependencyCycle = "schemac::dependency_cycle" {
        summary: "views or `sql` blocks that depend on each other in a circle",
        explanation: "Objects are created in dependency order. Foreign-key cycles between tables are broken with `ALTER TABLE`, but views and `sql` blocks that need each other (through what they read or their `@depends`) have no order at all.",
        example: Some("sql first @depends(second) {\n  select 1;\n}\n\nsql second @depends(first) {\n  select 2;\n}\n"),
        fix: Some("remove one of the dependencies"),
    }

    // ── schemac.toml ──────────────────────────────────────────────────────
    ConfigSyntax = "schemac::config_syntax" {
        summary: "`schemac.toml` is not valid TOML",
        explanation: "The project file is TOML. A syntax error is reported at its position and the project is not compiled with a half-read configuration.",
        example: Some("# file: schemac.toml\n[project\nname = \"shop\"\n"),
        fix: Some("correct the TOML syntax"),
    }
    UnknownConfigKey = "schemac::unknown_config_key" {
        summary: "a key or section that `schemac.toml` does not have",
        explanation: "Every key of `schemac.toml` is known: `[project] name` and `default_schema`, `[build] out`, `[docs.views]`, and in `[lint]` `pg_version`, the rule ids and groups, and each rule's knobs. A misspelt key would silently have no effect, so it is refused, with the closest known key as a suggestion.",
        example: Some("# file: schemac.toml\n[project]\nname = \"shop\"\ndefault_shema = \"app\"\n"),
        fix: Some("correct the key (the help suggests the closest one), or remove it"),
    }
    BadConfigValue = "schemac::bad_config_value" {
        summary: "a `schemac.toml` value of the wrong type",
        explanation: "Each key takes one kind of value: `name`, `default_schema` and `out` are strings, `[project]` and `[build]` are tables.",
        example: Some("# file: schemac.toml\n[project]\nname = 42\n"),
        fix: Some("write a value of the expected type, e.g. `name = \"shop\"`"),
    }
    UnknownViewEntity = "schemac::unknown_view_entity" {
        summary: "a `[docs.views]` view names an entity the schema does not have",
        explanation: "A view of `[docs.views]` in `schemac.toml` lists the entities a diagram shows, by declared or SQL name. The names are checked against the compiled schema when a diagram or the docs are drawn (`schemac erd`, `schemac docs`), so a renamed entity does not silently vanish from its diagram. The CLI tests cover it: compiling alone does not read the views.",
        example: None,
        fix: Some("correct the name (the help suggests the closest entity), or remove it from the view"),
    }

    // ── Import ────────────────────────────────────────────────────────────
    ImportUnparsed = "schemac::import_unparsed" {
        summary: "`schemac import` met a statement it could not parse",
        explanation: "`schemac import` reads PostgreSQL DDL with sqlparser's PostgreSQL dialect. A statement it cannot parse is not dropped: it is kept exactly as written in a `sql` block, placed after the objects the script created before it, and listed in the import's report, and the import goes on. No example here: this is about SQL input, not schema text; the import tests cover it.",
        example: None,
        fix: Some("check the `sql` block the import wrote for the statement; add `@creates` if other declarations use what it creates"),
    }

    ImportFixedTimePartitions = "schemac::import_fixed_time_partitions" {
        summary: "a table schemac's partition maintenance keeps was imported with fixed ranges",
        explanation: "`schemac import` writes a table whose time partitions schemac's `maintain_partitions` function keeps as `@partition(range: col, every: unit, ...)` only when the evidence is exact: partitions named and bounded as maintenance makes them, one consecutive run at least a window long, the default partition when there is one, and the maintenance functions exactly the ones schemac writes for those tables. When anything differs (a partition missing in the middle, one made by hand, an edited function), it never guesses: the partitions are imported as fixed ranges, which build the same tables, the functions stay `sql` blocks, and this note, and a comment above `@partition`, say what differed. No example here: this is about SQL input, not schema text; the import tests cover it.",
        example: None,
        fix: Some("import the database or dump as schemac's maintenance left it, or write `every:` by hand in place of the fixed ranges"),
    }

    // ── Databases and the migration runner ────────────────────────────────
    // No schema text produces these: each has a `session`, a run that does,
    // and a live test of its own (tests/it/runner.rs, tests/it/tls.rs).
    BadDatabaseUrl = "schemac::bad_database_url" {
        summary: "a database URL, connection setting or service that does not read",
        explanation: "The database is `--database-url`, `DATABASE_URL`, the environment's `url` in `schemac.toml`, or what libpq would use (`PGHOST`, `PGSERVICE`, ...). A URL that does not parse, an `sslmode` that is not one of `disable`, `allow`, `prefer`, `require`, `verify-ca`, `verify-full`, an `sslrootcert` that cannot be read, or a `PGSERVICE` no service file defines is refused before anything connects. The password of a URL is never shown.",
        example: None,
        fix: Some("correct the URL or the setting; `sslmode` takes the six values libpq knows"),
        session: "$ schemac migrate status --database-url 'postgresql://app:***@db/shop?sslmode=always'\n  × cannot read the database URL postgresql://app:***@db/shop?sslmode=always: sslmode is `always`, not one of disable, allow, prefer, require, verify-ca, verify-full\n",
    }
    ConnectionFailed = "schemac::connection_failed" {
        summary: "the database server could not be reached",
        explanation: "The server refused the connection, the host does not resolve, the database does not exist, or the connection timed out. Nothing was read or changed.",
        example: None,
        fix: Some("check the host, port and database name (`user@host:port/dbname` in the message), and that the server is running and accepts TCP connections from here"),
        session: "$ schemac migrate apply --database-url postgresql://app:***@127.0.0.1:1/shop\n  × cannot connect to app@127.0.0.1:1/shop: error connecting to server: Connection refused (os error 111)\n",
    }
    AuthenticationFailed = "schemac::authentication_failed" {
        summary: "the server refused the login",
        explanation: "The server answered, but refused the user: a wrong password (SQLSTATE 28P01) or no `pg_hba.conf` entry that lets this user in from this host (28000). The password itself is never shown.",
        example: None,
        fix: Some("check the user and the password (`PGPASSWORD`, `.pgpass` or the URL), and the server's `pg_hba.conf`"),
        session: "$ schemac migrate status --database-url postgresql://app:***@db/shop\n  × cannot connect to app@db:5432/shop: password authentication failed for user \"app\"\n",
    }
    TlsFailed = "schemac::tls_failed" {
        summary: "TLS could not be set up as `sslmode` asks",
        explanation: "With `sslmode=require`, `verify-ca` or `verify-full` the connection is encrypted or not made: the server may not support TLS, its certificate may not be signed by the `sslrootcert` given (`verify-ca`, `verify-full`), or not name the host connected to (`verify-full`). The other way round, a server whose `pg_hba.conf` admits this connection only over TLS (`hostssl`) refuses `sslmode=disable`.",
        example: None,
        fix: Some("give the server's CA certificate with `sslrootcert=FILE`, connect by the name its certificate carries, or choose the `sslmode` the server allows"),
        session: "$ schemac migrate status --database-url 'postgresql://app@db/shop?sslmode=verify-full&sslrootcert=other-ca.pem'\n  × cannot connect to app@db:5432/shop over TLS (sslmode=verify-full): error performing TLS handshake: certificate verify failed\n",
    }
    DatabaseError = "schemac::database_error" {
        summary: "a query of the runner failed",
        explanation: "The runner reads the catalog and its ledger, and makes throwaway databases to compare through (drift and `verify`, which need `CREATEDB`). A query that fails there, for a reason other than a migration's own statement, stops the command with the server's message.",
        example: None,
        fix: Some("read the server's message; a missing privilege (`CREATEDB`, or `--shadow-database-url` for `verify`) is the usual cause"),
        session: "$ schemac migrate apply\n  × cannot create a shadow database to compare with (the role needs CREATEDB): permission denied to create database\n",
    }
    DirectoryEdited = "schemac::directory_edited" {
        summary: "the migrations directory does not read, or does not match `schemac.sum`",
        explanation: "`migrations/schemac.sum` holds a hash of each migration's files and one over the list. A migration edited after it was summed, one the sum does not list, one it lists that is gone, or a directory with migrations and no sum, is refused before any database is touched: a migration that may already be applied somewhere must not change under it. So is a directory that does not read: an entry not named `<version>_<name>`, or a migration without its `up.sql`, `down.sql` or `model.json`.",
        example: None,
        fix: Some("restore the files; if the change is deliberate and the migration is applied nowhere yet, run `schemac migrate hash`"),
        session: "$ echo 'select 1;' >> migrations/0002_add_orders/up.sql\n$ schemac migrate apply\n  × the migrations directory does not match schemac.sum: edited after it was summed: 0002_add_orders; if the change is deliberate (and not yet applied anywhere), run `schemac migrate hash`\n",
    }
    DirectoryConflict = "schemac::directory_conflict" {
        summary: "two migrations were made after the same parent",
        explanation: "Each migration names the one it was planned after. Two with the same parent are what a merge of two branches leaves: applied in either order, the second would be planned against a schema it never saw. Every command refuses the directory until one is moved after the other.",
        example: None,
        fix: Some("keep the first and move the other after it with `schemac migrate rebase VERSION`, which plans it again"),
        session: "$ git merge feature-b\n$ schemac migrate apply\n  × migrations 0003_add_tags and 0003_add_notes were each made after 0002_add_orders (two branches merged); keep the first and move the others after it with `schemac migrate rebase VERSION`\n",
    }
    MigrationLocked = "schemac::migration_locked" {
        summary: "another runner held the migration lock for longer than `--lock-wait`",
        explanation: "One runner at a time migrates a database: each takes an advisory lock by polling `pg_try_advisory_lock` with backoff on a session of its own. When another runner still holds it after `--lock-wait` seconds (60 by default), this one gives up without touching anything.",
        example: None,
        fix: Some("wait for the other runner (see `pg_locks where locktype = 'advisory'`), or give it longer with `--lock-wait SECONDS`"),
        session: "$ schemac migrate apply --lock-wait 5\n  × another schemac runner holds the migration lock of deploy@db:5432/shop; gave up after 5 s (see pg_locks where locktype = 'advisory')\n",
    }
    MigrationEdited = "schemac::migration_edited" {
        summary: "an applied migration's files differ from what was applied",
        explanation: "The ledger records each applied migration's checksum. A migration whose files changed since (and whose change was summed again) no longer says what the database went through; the runner refuses before anything runs.",
        example: None,
        fix: Some("restore the migration as it was applied, and make a new migration for the change"),
        session: "$ schemac migrate apply\n  × migration 0002_add_orders was edited after it was applied (its checksum is 3f2a9c41d0be, the ledger's 9e1b07c2aa53); restore it, and make a new migration for the change\n",
    }
    MigrationMissing = "schemac::migration_missing" {
        summary: "the ledger records a migration the directory does not have",
        explanation: "A migration applied to this database is not in the migrations directory: an older checkout, or a migration deleted after it was applied. Going on would plan from a state the directory cannot describe.",
        example: None,
        fix: Some("run from a checkout that has the migration, or restore it"),
        session: "$ schemac migrate apply\n  × migration 0004_add_tags is recorded in the ledger but is not in the migrations directory\n",
    }
    MigrationUnresolved = "schemac::migration_unresolved" {
        summary: "a migration failed or was interrupted, and nothing runs past it",
        explanation: "A migration that failed (or whose runner died) is `failed` or `running` in the ledger, with the steps it committed. Until a person has looked at the database and said what state it is in, no migration runs, rolls back or is planned past it.",
        example: None,
        fix: Some("make the database right by hand, then `schemac migrate resolve --applied VERSION` (finished) or `--rolled-back VERSION` (undone; it runs again next time)"),
        session: "$ schemac migrate apply\n  × migration 0003_backfill is failed (after 1 of its steps): step 2 failed: division by zero; make the database right by hand, then run `schemac migrate resolve --applied 0003` or `schemac migrate resolve --rolled-back 0003`\n",
    }
    MigrationOutOfOrder = "schemac::migration_out_of_order" {
        summary: "a pending migration comes before one that is applied",
        explanation: "Migrations apply in order. One that is pending although a later one is applied (a branch merged late) would run against a schema it was not planned for.",
        example: None,
        fix: Some("move it after the last with `schemac migrate rebase VERSION`"),
        session: "$ schemac migrate apply\n  × migration 0003_add_notes comes before 0004_add_tags, which is applied already; move it after the last with `schemac migrate rebase 0003`\n",
    }
    UnknownMigration = "schemac::unknown_migration" {
        summary: "a version the directory or the ledger does not have, or not in the state the command needs",
        explanation: "`apply --to`, `rollback --to`, `resolve` and `baseline` name a migration. It must be in the directory (and for `rollback --to` applied, for `resolve` failed in the ledger); `baseline` adopts only a database schemac has never migrated.",
        example: None,
        fix: Some("`schemac migrate status` lists the migrations and their state"),
        session: "$ schemac migrate resolve --applied 0009\n  × migration 0009 is not in the ledger\n",
    }
    Drift = "schemac::drift" {
        summary: "the database differs from the last migration applied to it",
        explanation: "Before it migrates, the runner compares the database (introspected) with the snapshot of the last applied migration, semantically, through a shadow database. A difference means someone changed the schema by hand; a migration planned without it could fail or undo that change. The drift is printed as the SQL that would make the database match.",
        example: None,
        fix: Some("undo the change by hand, or make it a migration (`schemac migrate new NAME`) and apply that on the databases that lack it"),
        session: "$ psql shop -c 'alter table users add column nickname text'\n$ schemac migrate apply\n  × the database has drifted from the last applied migration (0002_add_orders); what would make it match:\n  │ ALTER TABLE \"public\".\"users\" DROP COLUMN \"nickname\";\n",
    }
    HazardNotAllowed = "schemac::hazard_not_allowed" {
        summary: "a migration has a hazard this environment does not allow",
        explanation: "Each step of a planned migration lists its hazards (`data-loss`, `rewrite`, `long-lock`, `index-build`, `irreversible`, `authorization`). A migration with one that `[migrate] allow_hazards`, the environment's `allow_hazards` or `--allow-hazards` does not allow is refused before anything runs.",
        example: None,
        fix: Some("allow the hazard for this environment (`--allow-hazards`, or `allow_hazards` in `schemac.toml`), or write the migration another way"),
        session: "$ schemac migrate apply --env prod\n  × migration 0003_post_status has hazards this environment does not allow: index-build (allow them with --allow-hazards or the environment's allow_hazards in schemac.toml)\n",
    }
    Irreversible = "schemac::irreversible" {
        summary: "a rollback would need what a down.sql cannot do",
        explanation: "A `down.sql` lists under `-- NOT PLANNED:` what it cannot undo without losing data, such as removing an enum value. Rolling such a migration back is refused unless `irreversible` is allowed, which runs the rest of its `down.sql`.",
        example: None,
        fix: Some("allow it with `--allow-hazards irreversible`, or write a migration forward instead"),
        session: "$ schemac migrate rollback\n  × migration 0004_more_status cannot be rolled back: enum value public.post_status 'archived' cannot be removed (allow it with --allow-hazards irreversible to run the rest of its down.sql)\n",
    }
    DataCheck = "schemac::data_check" {
        summary: "rows of the database would break a constraint the migration adds",
        explanation: "Before a migration adds a NOT NULL, a unique key, a check or a foreign key to an existing table, the runner counts the rows that would break it and refuses, with up to 5 of their primary keys, instead of failing halfway through a long transaction.",
        example: None,
        fix: Some("fix the rows first, in a data migration before it (`schemac migrate new NAME --empty`)"),
        session: "$ schemac migrate apply\n  × migration 0003_require_email would fail on existing rows; fix them first (a data migration: `schemac migrate new NAME --empty`):\n  │   NOT NULL on email on public.users: 7 rows would break it, e.g. s.\"id\" = 1, 2, 3, 4, 5\n",
    }
    MigrationFailed = "schemac::migration_failed" {
        summary: "a statement of a migration failed",
        explanation: "Each step runs in its own transaction, so a failed step leaves the database as it was before the step; the ledger marks the migration `failed` with the error and the steps that were committed. Nothing runs past it until `schemac migrate resolve`.",
        example: None,
        fix: Some("read the server's message, make the database right by hand, then `schemac migrate resolve --applied VERSION` or `--rolled-back VERSION`"),
        session: "$ schemac migrate apply\n  × migration 0003_backfill (up) step 2 failed: division by zero; the ledger says failed, step 1 was committed, and nothing runs past it until `schemac migrate resolve`\n",
    }
    InvalidIndex = "schemac::invalid_index" {
        summary: "a concurrent index build left an INVALID index",
        explanation: "`CREATE INDEX CONCURRENTLY` that fails (a duplicate for a unique index, a cancelled build) leaves the index behind, marked invalid in `pg_index.indisvalid`, and a later `IF NOT EXISTS` would skip it silently. The runner checks after every concurrent build, drops an invalid index and fails the migration.",
        example: None,
        fix: Some("fix what made the build fail (for a unique index: the duplicate rows), resolve the migration with `schemac migrate resolve --rolled-back VERSION` and apply it again"),
        session: "$ schemac migrate apply\n  × migration 0003_post_slug (up) step 1 failed: could not create unique index \"posts_slug_key\"; the failed build left index posts_slug_key INVALID (IF NOT EXISTS would skip it): dropped; the ledger says failed, no step of it was committed, and nothing runs past it until `schemac migrate resolve`\n",
    }
    VerifyMismatch = "schemac::verify_mismatch" {
        summary: "`migrate verify`: a migration does not do what its snapshot says",
        explanation: "`schemac migrate verify` applies every migration to a throwaway database. After each `up.sql` the database must equal that migration's `model.json` (a hand-edited `up.sql` shows), its `down.sql` must give back the database before it, and after the last the database must equal the current schema. What differs is printed as SQL.",
        example: None,
        fix: Some("correct the script, or write the next migration with `schemac migrate new NAME` when the schema moved on"),
        session: "$ schemac migrate verify\n  × 0002_add_orders: down.sql does not undo up.sql; what would still have to change:\n  │ DROP TABLE \"public\".\"orders\";\n",
    }
    DataLost = "schemac::data_lost" {
        summary: "`migrate verify --with-data`: a migration lost or changed rows",
        explanation: "With `--with-data`, `verify` fills every table of the throwaway database with generated rows before each migration (in foreign-key order, with values that fit NOT NULL, unique keys, enums and domains; a row a check still refuses is left out, and said so), applies it, and reads them back by primary key: every row must still be there, and every column that still exists must hold the same value. A migration that deletes rows, or drops a column and adds it again, is caught.",
        example: None,
        fix: Some("keep the rows: move data before dropping what holds it, or, when losing it is the point, say so in the migration and verify without `--with-data`"),
        session: "$ schemac migrate verify --with-data\n  × 0003_reset_tags lost rows of public.tags: 3 of 3 rows are gone, e.g. \"id\" = 11, 12, 13\n",
    }

    // ── Lint ──────────────────────────────────────────────────────────────
    Lint = "schemac::lint" {
        summary: "a finding of a lint rule",
        explanation: "`schemac lint` checks a schema that compiles against the design guideline. Each finding names its rule (`naming/table-plural-snake-case`) instead of this code; the rules, their levels, knobs and fixes are listed in docs/lints.md and by `schemac explain RULE`. No example here: a compilation alone never produces a finding, and every rule has fixtures of its own under tests/fixtures/lint/.",
        example: None,
        fix: Some("follow the rule's help, apply its fix with `schemac lint --fix`, or suppress it with `// schemac: allow(rule) reason: why`"),
    }
}

/// A code equals its stable string, so tools and tests that match on the
/// string keep working.
impl PartialEq<&str> for Code {
    fn eq(&self, s: &&str) -> bool {
        self.as_str() == *s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_unique_and_parse_back() {
        for &c in Code::ALL {
            assert!(c.as_str().starts_with("schemac::"), "{c}");
            assert_eq!(Code::parse(c.as_str()), Some(c));
        }
        let mut all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), Code::ALL.len());
    }

    #[test]
    fn example_files_split_at_markers() {
        let files = Code::CyclicImport.entry().example_files();
        let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["a.schema", "b.schema"]);
        assert!(files[1].1.starts_with("import a\n"));
        assert_eq!(Code::Syntax.entry().example_files()[0].0, "example.schema");
        assert!(Code::TooDeep.entry().example_files().is_empty());
    }
}
