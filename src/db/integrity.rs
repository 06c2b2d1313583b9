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

/// The state check of `verify`: every row of `consent_state` points to a record of its
/// person and type with the same direction, time and source, no newer record would
/// win by the rule of the state, and every person and type with records has a state.
/// Walks the index `consent_records_person` in the order of `consent_state`'s key.
pub fn state_problems(conn: &Connection, limit: usize) -> Result<Vec<Problem>> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT s.person_id, s.type, s.record_id,
                NOT EXISTS (SELECT 1 FROM consent_records r INDEXED BY consent_records_person
                    WHERE r.person_id = s.person_id AND r.type = s.type AND r.recorded_at = s.recorded_at
                      AND r.source = s.source AND r.opt_in = s.opt_in AND r.id = s.record_id) AS wrong_record,
                EXISTS (SELECT 1 FROM consent_records r INDEXED BY consent_records_person
                    WHERE r.person_id = s.person_id AND r.type = s.type AND r.recorded_at >= s.recorded_at
                      AND (r.recorded_at > s.recorded_at OR r.id > s.record_id)
                      AND NOT (r.source = 'rule' AND r.opt_in = 1 AND EXISTS (
                          SELECT 1 FROM consent_records o INDEXED BY consent_records_person
                          WHERE o.person_id = r.person_id AND o.type = r.type AND o.source <> 'rule'))) AS newer
         FROM consent_state s",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if out.len() >= limit {
            break;
        }
        let (person, kind, record, wrong, newer): (i64, String, i64, bool, bool) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        if wrong || newer {
            out.push(Problem {
                table: "consent_state".into(),
                id: Some(record),
                problem: format!(
                    "the current state of person {person} for {kind} is not the newest record{}",
                    if wrong {
                        " (it names a record that does not match)"
                    } else {
                        ""
                    }
                ),
            });
        }
    }
    drop(rows);
    if out.len() < limit {
        let mut missing = conn.prepare(
            "SELECT r.person_id, r.type, min(r.id) FROM consent_records r INDEXED BY consent_records_person
             WHERE NOT EXISTS (SELECT 1 FROM consent_state s WHERE s.person_id = r.person_id AND s.type = r.type)
             GROUP BY r.person_id, r.type LIMIT ?1",
        )?;
        let rows = missing.query_map([(limit - out.len()) as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        for row in rows {
            let (person, kind, record) = row?;
            out.push(Problem {
                table: "consent_state".into(),
                id: Some(record),
                problem: format!("person {person} has records for {kind} but no current state"),
            });
        }
    }
    Ok(out)
}

/// Everything `verify` checks, and the counts it walked.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub ok: bool,
    pub consent_records: u64,
    pub audit_entries: u64,
    pub problems: Vec<Problem>,
}

/// How many problems of one kind are listed (the first names where to start).
const LIMIT: usize = 20;

/// The whole check: both chains from the first row, the schema, the current state.
/// The chains are walked on a second connection at the same time as the rest (two
/// cores), each in its own read transaction.
pub fn verify(conn: &Connection, path: &std::path::Path) -> Result<Report> {
    let chains = {
        let path = path.to_path_buf();
        std::thread::spawn(move || -> Result<_> {
            let other = super::open::open_for_verify(&path)?;
            let tx = other.unchecked_transaction()?;
            Ok((ledger::verify_consent(&tx)?, ledger::verify_audit(&tx)?))
        })
    };
    let mut problems = schema_problems(conn)?;
    let tx = conn.unchecked_transaction()?;
    problems.extend(state_problems(&tx, LIMIT)?);
    problems.extend(objection_problems(&tx, LIMIT)?);
    drop(tx);
    let ((records, consent_break), (entries, audit_break)) = chains
        .join()
        .map_err(|_| anyhow::anyhow!("the chain check stopped unexpectedly"))??;
    for b in [consent_break, audit_break].into_iter().flatten() {
        problems.insert(
            0,
            Problem {
                table: b.table.into(),
                id: Some(b.id),
                problem: b.problem,
            },
        );
    }
    Ok(Report {
        ok: problems.is_empty(),
        consent_records: records,
        audit_entries: entries,
        problems,
    })
}

/// What `init` did to a database that was changed outside smp-avg.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Restored {
    /// Triggers, views and indexes (re)created as schema.sql has them.
    pub objects: Vec<String>,
    /// Foreign triggers and views removed (--repair only).
    pub removed: Vec<String>,
    /// Rows written outside smp-avg, now sealed into the chains (--repair only).
    pub sealed: u64,
    /// Their ids: the consent records and audit entries accepted as they are.
    pub sealed_records: Vec<i64>,
    pub sealed_audit_entries: Vec<i64>,
    /// Whether the current state was rebuilt from the ledger (--repair only).
    pub state_rebuilt: bool,
}

/// Put back what schema.sql defines (missing or changed triggers, views, indexes). With
/// `repair`, also remove foreign triggers and views, seal rows written outside smp-avg
/// and rebuild the current state from the ledger: the operator accepts what was
/// written, and the audit log says so. A chain whose hashes do not match stays as it
/// is: `verify` keeps naming where it breaks.
pub fn restore(conn: &Connection, repair: bool) -> Result<Restored> {
    let mut done = Restored::default();
    if repair {
        let want = expected()?;
        for h in migrate::derived_objects(conn)? {
            if h.kind != "index" && !want.iter().any(|w| w.name == h.name) {
                conn.execute_batch(&format!(
                    "DROP {} \"{}\"",
                    h.kind.to_uppercase(),
                    h.name.replace('"', "\"\"")
                ))?;
                done.removed.push(format!("{} {}", h.kind, h.name));
            }
        }
    }
    done.objects = migrate::sync_derived_objects(conn, migrate::SCHEMA)?;
    if repair {
        let ids = |sql: &str| -> Result<Vec<i64>> {
            let mut stmt = conn.prepare(sql)?;
            let ids = stmt
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<i64>>>()?;
            Ok(ids)
        };
        done.sealed_records = ids(
            "SELECT id FROM consent_records WHERE id > (SELECT coalesce(max(record_id), 0) FROM consent_chain) ORDER BY id",
        )?;
        done.sealed_audit_entries = ids("SELECT id FROM audit_log WHERE hash IS NULL ORDER BY id")?;
        let sealed = ledger::seal(conn)?;
        done.sealed = sealed.consent_records + sealed.audit_entries;
        conn.execute_batch(
            "DELETE FROM consent_state;
             INSERT INTO consent_state (person_id, type, record_id, recorded_at, opt_in, source)
                 SELECT person_id, type, record_id, recorded_at, opt_in, source FROM consent_state_expected;",
        )?;
        done.state_rebuilt = true;
    }
    Ok(done)
}

/// Whether the database needs `restore`: triggers, views or indexes not as shipped, or
/// rows written outside smp-avg.
pub fn needs_restore(conn: &Connection) -> Result<bool> {
    Ok(!schema_problems(conn)?.is_empty() || ledger::first_unsealed(conn)?.is_some())
}

/// A lasting objection must still be there: every person unsubscribed from everything
/// (an `unsubscribe-all` entry in the audit log) and not anonymised has `objected_at`,
/// and, while they hold an address, an `unsubscribed_all` suppression of it unless one
/// was taken off the list since (`suppression remove`, audited).
pub fn objection_problems(conn: &Connection, limit: usize) -> Result<Vec<Problem>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT p.id, a.id, p.objected_at IS NULL,
                p.email IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM suppressions x WHERE x.hash = {f}(p.email) AND x.reason = 'unsubscribed_all')
                  AND NOT EXISTS (SELECT 1 FROM audit_log r WHERE r.command = 'suppression remove' AND r.id > a.id)
         FROM persons p
         JOIN (SELECT person_id, max(id) AS id FROM audit_log
               WHERE command = 'unsubscribe-all' AND person_id IS NOT NULL GROUP BY person_id) a
           ON a.person_id = p.id
         WHERE p.anonymised_at IS NULL
         LIMIT ?1",
        f = super::suppression::SQL_FUNCTION
    ))?;
    let mut out = Vec::new();
    let mut rows = stmt.query([limit as i64])?;
    while let Some(r) = rows.next()? {
        let (person, entry, no_date, no_suppression): (i64, i64, bool, bool) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        if no_date || no_suppression {
            out.push(Problem {
                table: "persons".into(),
                id: Some(person),
                problem: format!(
                    "the lasting objection of audit entry {entry} (unsubscribe-all) is gone{}",
                    if no_date {
                        " (objected_at was cleared)"
                    } else {
                        " (the address is no longer suppressed)"
                    }
                ),
            });
        }
    }
    Ok(out)
}
