//! Organisation settings kept in the database (e.g. the name on the access PDF).
use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension, params};

/// The setting that names the organisation.
pub const ORGANISATION: &str = "organisation";

/// Read a setting.
pub fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
        r.get(0)
    })
    .optional()
    .with_context(|| format!("reading setting {key}"))
}

/// Write a setting.
pub fn set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )
    .with_context(|| format!("writing setting {key}"))?;
    Ok(())
}
