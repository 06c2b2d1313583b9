//! Is the database as smp-avg left it? The schema objects (triggers, views, indexes)
//! must be exactly those of schema.sql, and both chains sealed to the end. Every
//! writing command runs [`check_writable`] (cheap: the schema table and one index
//! lookup per chain) and refuses to write on a database changed behind its back;
//! `smp-avg verify` runs the whole check ([`verify`]).
use super::{ledger, migrate};
use anyhow::{Result, bail};
use rusqlite::Connection;
use serde::Serialize;
use std::sync::OnceLock;

/// One thing wrong with the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub table: String,
    pub id: Option<i64>,
    pub problem: String,
}

fn expected() -> Result<&'static [migrate::SchemaObject]> {
    static EXPECTED: OnceLock<Vec<migrate::SchemaObject>> = OnceLock::new();
    if let Some(e) = EXPECTED.get() {
        return Ok(e);
    }
    let objects = migrate::expected_objects(migrate::SCHEMA)?;
    Ok(EXPECTED.get_or_init(|| objects))
}

/// Triggers and views that are missing, changed or foreign. Indexes an operator added
/// are harmless and allowed; a missing or changed index of ours is reported.
pub fn schema_problems(conn: &Connection) -> Result<Vec<Problem>> {
    let have = migrate::derived_objects(conn)?;
    let want = expected()?;
    let mut out = Vec::new();
    for w in want {
        match have.iter().find(|h| h.name == w.name) {
            None => out.push(Problem {
                table: w.table.clone(),
                id: None,
                problem: format!("{} {} is missing", w.kind, w.name),
            }),
            Some(h) if h.sql != w.sql || h.kind != w.kind => out.push(Problem {
                table: w.table.clone(),
                id: None,
                problem: format!("{} {} was changed", w.kind, w.name),
            }),
            Some(_) => {}
        }
    }
    for h in &have {
        if h.kind != "index" && !want.iter().any(|w| w.name == h.name) {
            out.push(Problem {
                table: h.table.clone(),
                id: None,
                problem: format!("foreign {} {} (not made by smp-avg)", h.kind, h.name),
            });
        }
    }
    Ok(out)
}

/// Refuse to write on a database whose triggers or views are not ours, or whose chains
/// hold rows written outside smp-avg.
pub fn check_writable(conn: &Connection) -> Result<()> {
    if let Some(p) = schema_problems(conn)?.first() {
        bail!(
            "the database was changed outside smp-avg ({} on {}): refusing to write; run `smp-avg verify`, then `smp-avg init` (or `init --repair`)",
            p.problem,
            p.table
        );
    }
    if let Some((table, id)) = ledger::first_unsealed(conn)? {
        bail!(
            "the database was changed outside smp-avg ({table} row {id} was written without smp-avg): refusing to write; run `smp-avg verify`, then `smp-avg init --repair`"
        );
    }
    Ok(())
}
