//! Restriction of processing (Art. 18 GDPR): the person's data is kept but used for
//! nothing else: no audience, no rule, no profiling run, no sweep (the views
//! `mailable_persons`, `soft_optin_allowed` and `profiling_allowed` and the sweep read
//! `persons.restricted_at`).
use anyhow::{Context, Result, bail};
use rusqlite::{Connection, params};
use serde::Serialize;

/// A restriction in force.
#[derive(Debug, Clone, Serialize)]
pub struct Restriction {
    pub since: String,
    pub reason: Option<String>,
}

/// The restriction of a person, if any.
pub fn of(conn: &Connection, person_id: i64) -> Result<Option<Restriction>> {
    let (since, reason): (Option<String>, Option<String>) = conn
        .query_row(
            "SELECT restricted_at, restriction_reason FROM persons WHERE id = ?1",
            [person_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .context("reading the restriction")?;
    Ok(since.map(|since| Restriction { since, reason }))
}

/// Restrict processing from `at` for `reason`; refused when already restricted.
pub fn restrict(conn: &Connection, person_id: i64, reason: &str, at: &str) -> Result<()> {
    if let Some(r) = of(conn, person_id)? {
        bail!(
            "person {person_id} is already restricted since {}: nothing changed",
            r.since
        );
    }
    conn.execute(
        "UPDATE persons SET restricted_at = ?2, restriction_reason = ?3 WHERE id = ?1",
        params![person_id, at, reason],
    )
    .context("restricting the person")?;
    Ok(())
}

/// Lift a restriction; returns when it began. Refused when there is none.
pub fn lift(conn: &Connection, person_id: i64) -> Result<String> {
    let Some(r) = of(conn, person_id)? else {
        bail!("person {person_id} is not restricted: nothing changed");
    };
    conn.execute(
        "UPDATE persons SET restricted_at = NULL, restriction_reason = NULL WHERE id = ?1",
        [person_id],
    )
    .context("lifting the restriction")?;
    Ok(r.since)
}
