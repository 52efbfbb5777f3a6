//! Raw `sql` blocks: run as written. What they create or lock is not
//! known, so they count as taking the strongest lock.

use super::{write, Lock, Statement, Verb};
use crate::model::RawSql;

pub fn run(r: &RawSql) -> Statement {
    let body = write::dedent(&r.body.sql);
    let body = body.trim();
    // The renderer ends every statement with `;`.
    let body = body.strip_suffix(';').unwrap_or(body);
    let sql = format!("-- sql block `{}`\n{body}", r.name.replace('\n', " "));
    Statement {
        search_path: Some(r.schema.clone()),
        ..Statement::new(sql, r.key(), Verb::Run, Lock::AccessExclusive, 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::tests::compiled;

    #[test]
    fn raw_statements() {
        let c = compiled("schema app\nsql seq {\n    create sequence n;\n    select 1;\n}\n");
        let s = run(&c.model.raw[0]);
        assert_eq!(s.sql, "-- sql block `seq`\ncreate sequence n;\nselect 1");
        assert_eq!(s.key.to_string(), "sql app.seq");
        assert_eq!(
            (s.verb, s.lock, s.transactional),
            (Verb::Run, Lock::AccessExclusive, true)
        );
        assert_eq!(s.search_path.as_deref(), Some("app"));
    }
}
