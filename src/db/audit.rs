//! The audit log: one entry per writing command, in the command's own transaction.
//! Only opaque ids and counts go in; never names, e-mails or other personal data.
use crate::rules::time::{format_time, now};
use anyhow::{Context, Result};
use rusqlite::{Connection, params};
use serde::Serialize;

/// What a command did, for the log.
pub struct Entry<'a> {
    pub operator: &'a str,
    pub command: &'a str,
    pub person_id: Option<i64>,
    pub affected: i64,
    /// Counts and ids only (JSON), never personal data.
    pub details: Option<String>,
}

/// Append one entry, with the OS account that runs this process; returns its id (a
/// data-subject request answered by this command points to it).
pub fn record(conn: &Connection, entry: &Entry<'_>) -> Result<i64> {
    conn.execute(
        "INSERT INTO audit_log (at, operator, command, person_id, affected, details, account)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            format_time(now()),
            entry.operator,
            entry.command,
            entry.person_id,
            entry.affected,
            entry.details,
            os_account()
        ],
    )
    .context("writing the audit log")?;
    Ok(conn.last_insert_rowid())
}

/// Keep the free text typed with audit entry `audit_id` (why a document was removed,
/// why an address came off the suppression list) beside the log, not in its sealed
/// details: it may name someone, and goes when `person_id` is erased.
pub fn record_text(
    conn: &Connection,
    audit_id: i64,
    person_id: Option<i64>,
    text: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_texts (audit_id, person_id, text) VALUES (?1, ?2, ?3)",
        params![audit_id, person_id, text],
    )
    .context("writing the text of the audit entry")?;
    Ok(())
}

/// The name of the OS account this process runs as: its uid (the owner of
/// /proc/self) looked up in /etc/passwd, or `uid N` when there is no entry. Not what
/// USER says: that is whatever the environment claims.
pub fn os_account() -> String {
    use std::os::unix::fs::MetadataExt;
    let Ok(uid) = std::fs::metadata("/proc/self").map(|m| m.uid()) else {
        return "unknown".into();
    };
    let name = std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|passwd| {
            passwd.lines().find_map(|line| {
                let mut parts = line.split(':');
                let name = parts.next()?;
                let _password = parts.next()?;
                let id: u32 = parts.next()?.parse().ok()?;
                (id == uid && !name.is_empty()).then(|| name.to_string())
            })
        });
    name.unwrap_or_else(|| format!("uid {uid}"))
}

/// One entry as listed by `smp-avg audit`.
#[derive(Debug, Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub operator: String,
    pub account: Option<String>,
    pub command: String,
    pub person_id: Option<i64>,
    pub affected: i64,
    pub details: Option<String>,
    /// The free text typed with the entry, while its person is not erased.
    pub text: Option<String>,
}

/// Entries, oldest first, optionally about one person and/or since a time.
pub fn list(
    conn: &Connection,
    person_id: Option<i64>,
    since: Option<&str>,
) -> Result<Vec<AuditRow>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, operator, command, person_id, affected, details, account,
                (SELECT t.text FROM audit_texts t WHERE t.audit_id = audit_log.id)
         FROM audit_log
         WHERE (?1 IS NULL OR person_id = ?1
                OR (details IS NOT NULL AND json_valid(details) AND EXISTS (
                    SELECT 1 FROM json_each(audit_log.details, '$.person_ids') WHERE value = ?1)))
           AND (?2 IS NULL OR at >= ?2)
         ORDER BY id",
    )?;
    let rows = stmt
        .query_map(params![person_id, since], |r| {
            Ok(AuditRow {
                id: r.get(0)?,
                at: r.get(1)?,
                operator: r.get(2)?,
                command: r.get(3)?,
                person_id: r.get(4)?,
                affected: r.get(5)?,
                details: r.get(6)?,
                account: r.get(7)?,
                text: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the audit log")?;
    Ok(rows)
}
