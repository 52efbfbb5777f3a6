//! Generated projects for the pipeline benchmark and for the tests that
//! need a large schema (`tests/it` includes this file; each includer uses
//! some of the generators, hence the `allow`).

#![allow(dead_code)]

use std::fmt::Write;

/// A schema of `n` entities: an enum per 10 entities; every entity has a
/// uuid key, eight columns, a relation to an earlier entity (two for every
/// third), a unique key, an index and checks. Split into modules of
/// `per_file` entities, each importing the earlier modules it references.
pub fn synthetic(n: usize, per_file: usize) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for start in (0..n).step_by(per_file) {
        let module = start / per_file;
        let end = (start + per_file).min(n);
        let mut s = String::with_capacity(per_file * 700);
        s.push_str("schemac 1\n\n");
        let mut imports: Vec<usize> = (start..end)
            .flat_map(|i| [i / 2, i.saturating_sub(3)])
            .map(|i| i / per_file)
            .filter(|m| *m != module)
            .collect();
        imports.sort_unstable();
        imports.dedup();
        for m in imports {
            let _ = writeln!(s, "import m{m}");
        }
        for e in (start / 10)..end.div_ceil(10) {
            let _ = writeln!(s, "\nenum State{e} {{ draft active archived 'on hold' }}");
        }
        for i in start..end {
            let _ = writeln!(s, "\n/// Entity number {i}.");
            let _ = writeln!(s, "entity Thing{i} {{");
            let _ = writeln!(s, "  id         uuid @pk = gen_random_uuid()");
            let _ = writeln!(s, "  name       varchar(200)");
            let _ = writeln!(s, "  /// The code, unique per thing.");
            let _ = writeln!(s, "  code       text @unique");
            let _ = writeln!(s, "  state      State{} = 'active'", i / 10);
            let _ = writeln!(s, "  amount     numeric(12,2) = 0 @check(amount >= 0)");
            let _ = writeln!(s, "  tags       text[] = '{{}}'");
            let _ = writeln!(s, "  meta       jsonb?");
            let _ = writeln!(s, "  created_at timestamptz = now()");
            if i > 0 {
                let _ = writeln!(s, "  parent_id  -> Thing{}? on delete set null", i / 2);
            }
            if i > 2 && i % 3 == 0 {
                let _ = writeln!(s, "  owner_id   -> Thing{} on delete cascade", i - 3);
            }
            let _ = writeln!(s, "  index (state, created_at desc) where meta is not null");
            let _ = writeln!(s, "}}");
        }
        files.push((format!("m{module}.schema"), s));
    }
    files
}

/// A lean schema of `n` entities, for applying to a live server quickly:
/// a uuid key, a name, and a relation to an earlier entity (so a foreign
/// key and its index). Modules of `per_file` entities.
pub fn lean(n: usize, per_file: usize) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for start in (0..n).step_by(per_file) {
        let module = start / per_file;
        let end = (start + per_file).min(n);
        let mut s = String::with_capacity(per_file * 120);
        s.push_str("schemac 1\n");
        if module > 0 {
            let _ = writeln!(s, "import m{}", module - 1);
        }
        for i in start..end {
            let _ = writeln!(s, "\nentity Item{i} {{");
            let _ = writeln!(s, "  id   uuid @pk = gen_random_uuid()");
            let _ = writeln!(s, "  name text");
            if i > 0 {
                let _ = writeln!(s, "  prev_id -> Item{}? on delete set null", i - 1);
            }
            let _ = writeln!(s, "}}");
        }
        files.push((format!("m{module}.schema"), s));
    }
    files
}
