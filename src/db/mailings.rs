//! Mailings recorded as contact moments (§1.12 `--record-mailing`): finding one that was
//! recorded before, so that the same mailing is not recorded twice by mistake.
use anyhow::{Context, Result};
use rusqlite::Connection;

/// A recorded mailing with the same name (trimmed, case-insensitive) sent on a UTC day
/// (`2026-11-28`): its id and time, oldest first.
pub fn named_on_day(conn: &Connection, name: &str, day: &str) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, sent_at FROM contact_moments
         WHERE trim(name) = trim(?1) COLLATE NOCASE AND substr(sent_at, 1, 10) = ?2
         ORDER BY sent_at, id",
    )?;
    let rows = stmt
        .query_map([name, day], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("looking up recorded mailings")?;
    Ok(rows)
}
