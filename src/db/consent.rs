//! The consent ledger (§1.1): reading the current state and the history of a person,
//! and appending records. Records are never updated; the database refuses it.
use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// The current state of one person for one type (the newest record).
#[derive(Debug, Clone, Serialize)]
pub struct Preference {
    #[serde(rename = "type")]
    pub kind: String,
    pub opt_in: bool,
    pub recorded_at: String,
    pub channel: String,
    pub description: Option<String>,
}

/// One record of the ledger.
#[derive(Debug, Clone, Serialize)]
pub struct ConsentRecord {
    pub id: i64,
    pub recorded_at: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub opt_in: bool,
    pub channel: String,
    pub description: Option<String>,
    pub contact_moment: Option<i64>,
    /// The name of the mailing it came from, if any.
    pub contact_moment_name: Option<String>,
}

/// Current preferences of a person, by type code.
pub fn current(conn: &Connection, person_id: i64) -> Result<Vec<Preference>> {
    let mut stmt = conn.prepare(
        "SELECT type, opt_in, recorded_at, channel, description FROM consent_current
         WHERE person_id = ?1 ORDER BY type",
    )?;
    let rows = stmt
        .query_map([person_id], |r| {
            Ok(Preference {
                kind: r.get(0)?,
                opt_in: r.get(1)?,
                recorded_at: r.get(2)?,
                channel: r.get(3)?,
                description: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading current preferences")?;
    Ok(rows)
}

/// The full history of a person, oldest first (same instant: in order of insertion).
pub fn history(conn: &Connection, person_id: i64) -> Result<Vec<ConsentRecord>> {
    let mut stmt = conn.prepare(
        "SELECT r.id, r.recorded_at, r.type, r.opt_in, r.channel, r.description, r.contact_moment_id, m.name
         FROM consent_records r LEFT JOIN contact_moments m ON m.id = r.contact_moment_id
         WHERE r.person_id = ?1 ORDER BY r.recorded_at, r.id",
    )?;
    let rows = stmt
        .query_map([person_id], |r| {
            Ok(ConsentRecord {
                id: r.get(0)?,
                recorded_at: r.get(1)?,
                kind: r.get(2)?,
                opt_in: r.get(3)?,
                channel: r.get(4)?,
                description: r.get(5)?,
                contact_moment: r.get(6)?,
                contact_moment_name: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the consent history")?;
    Ok(rows)
}

/// A record to append.
#[derive(Debug, Clone)]
pub struct NewRecord<'a> {
    pub person_id: i64,
    pub kind: &'a str,
    pub opt_in: bool,
    pub channel: &'a str,
    pub description: Option<&'a str>,
    pub contact_moment: Option<i64>,
    pub recorded_at: &'a str,
}

/// Append one record; returns its id. `consent_state` follows by trigger.
pub fn insert(conn: &Connection, rec: &NewRecord<'_>) -> Result<i64> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description, contact_moment_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    stmt.execute(params![
        rec.recorded_at,
        rec.person_id,
        rec.kind,
        rec.opt_in,
        rec.channel,
        rec.description,
        rec.contact_moment
    ])
    .context("writing the consent record")?;
    Ok(conn.last_insert_rowid())
}

/// Opt a person out of every consent type that exists (also types they never had, so
/// that no rule can opt them in later), skipping types whose current state is already
/// opt-out. One set-based statement; returns the number of records inserted.
pub fn opt_out_of_everything(
    conn: &Connection,
    person_id: i64,
    channel: &str,
    description: &str,
    recorded_at: &str,
) -> Result<u64> {
    let n = conn
        .execute(
            "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description)
             SELECT ?1, ?2, t.code, 0, ?3, ?4 FROM consent_types t
             WHERE NOT EXISTS (
                SELECT 1 FROM consent_state s WHERE s.person_id = ?2 AND s.type = t.code AND s.opt_in = 0)
             ORDER BY t.code",
            params![recorded_at, person_id, channel, description],
        )
        .context("recording the opt-outs")?;
    Ok(n as u64)
}

/// Refuse a contact moment that does not exist (an opt-out naming its mailing).
pub fn require_contact_moment(conn: &Connection, id: i64) -> Result<()> {
    let exists = conn
        .prepare_cached("SELECT 1 FROM contact_moments WHERE id = ?1")?
        .query_row([id], |_| Ok(()))
        .optional()
        .context("looking up the contact moment")?
        .is_some();
    if !exists {
        anyhow::bail!("no contact moment with id {id}");
    }
    Ok(())
}
