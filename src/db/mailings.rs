//! Mailings recorded as contact moments (§1.12 `--record-mailing`): finding one that was
//! recorded before, so that the same mailing is not recorded twice by mistake.
use anyhow::{Context, Result};
use rusqlite::Connection;

/// A recorded mailing with the same name (trimmed, case-insensitive) sent within a day:
/// from `span.0` up to, not including, `span.1` (stored times: the organisation's day,
/// [`crate::rules::time::day_span`]). Its id and time, oldest first.
pub fn named_within(
    conn: &Connection,
    name: &str,
    span: &(String, String),
) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, sent_at FROM contact_moments
         WHERE trim(name) = trim(?1) COLLATE NOCASE AND sent_at >= ?2 AND sent_at < ?3
         ORDER BY sent_at, id",
    )?;
    let rows = stmt
        .query_map([name, &span.0, &span.1], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("looking up recorded mailings")?;
    Ok(rows)
}
