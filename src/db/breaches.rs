//! The breach register (Art. 33(5) GDPR): every personal data breach with its facts,
//! effects and measures; the 72-hour deadline to report it to the Autoriteit
//! Persoonsgegevens (Art. 33(1)); and the persons affected, for the letter that tells
//! them (Art. 34). The status of a breach at a moment is [`STATUS_SQL`], written once.
use crate::rules::time;
use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

/// When breach `b` is due at the AP: discovered + 72 hours (`rules::deadline::breach_ap_due`
/// says the same; a unit test keeps them equal).
pub const AP_DUE_SQL: &str = "strftime('%Y-%m-%dT%H:%M:%SZ', b.discovered_at, '+72 hours')";

/// The status of breach `b` at `:now`: `reported`, `reported_late` (after the 72
/// hours), `not_required` (the AP need not be told, with the reason), `overdue` (not
/// reported and past the 72 hours) or `open`.
pub fn status_sql() -> String {
    format!(
        "CASE
            WHEN b.reported_to_ap_at IS NOT NULL THEN
                CASE WHEN b.reported_to_ap_at > {AP_DUE_SQL} THEN 'reported_late' ELSE 'reported' END
            WHEN b.ap_not_required IS NOT NULL THEN 'not_required'
            WHEN :now > {AP_DUE_SQL} THEN 'overdue'
            ELSE 'open' END"
    )
}

/// One breach.
#[derive(Debug, Clone, Serialize)]
pub struct Breach {
    pub id: i64,
    pub discovered_at: String,
    pub ap_due_at: String,
    pub reported_to_ap_at: Option<String>,
    /// How many persons are affected (null: not known, no saved query given).
    pub persons: Option<i64>,
    pub status: String,
    pub description: String,
    pub categories: String,
    pub persons_query: Option<String>,
    pub ap_not_required: Option<String>,
    pub notified_persons: Option<bool>,
    pub measures: Option<String>,
    pub recorded_at: String,
    pub recorded_by: String,
}

impl Breach {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Breach {
            id: r.get("id")?,
            discovered_at: r.get("discovered_at")?,
            ap_due_at: r.get("ap_due_at")?,
            reported_to_ap_at: r.get("reported_to_ap_at")?,
            persons: r.get("persons")?,
            status: r.get("status")?,
            description: r.get("description")?,
            categories: r.get("categories")?,
            persons_query: r.get("persons_query")?,
            ap_not_required: r.get("ap_not_required")?,
            notified_persons: r.get("notified_persons")?,
            measures: r.get("measures")?,
            recorded_at: r.get("recorded_at")?,
            recorded_by: r.get("recorded_by")?,
        })
    }
}

fn select() -> String {
    format!(
        "SELECT b.id, b.discovered_at, {AP_DUE_SQL} AS ap_due_at, b.reported_to_ap_at, b.persons,
                {} AS status, b.description, b.categories, b.persons_query, b.ap_not_required,
                b.notified_persons, b.measures, b.recorded_at, b.recorded_by
         FROM breaches b",
        status_sql()
    )
}

/// A breach to record.
#[derive(Debug, Clone)]
pub struct NewBreach<'a> {
    pub discovered_at: DateTime<Utc>,
    pub description: &'a str,
    /// Normalised by `register::parse_categories`.
    pub categories: &'a str,
    /// The saved query that finds the persons affected, with the ids it returned.
    pub persons: Option<(&'a str, &'a [i64])>,
}

/// Record a breach discovered at a moment not after `now`; returns its id.
pub fn add(
    conn: &Connection,
    b: &NewBreach<'_>,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    if b.discovered_at > now {
        bail!(
            "--discovered {} is in the future",
            time::format_time(b.discovered_at)
        );
    }
    conn.execute(
        "INSERT INTO breaches (discovered_at, description, categories, persons_query, persons, recorded_at, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            time::format_time(b.discovered_at),
            b.description,
            b.categories,
            b.persons.map(|(q, _)| q),
            b.persons.map(|(_, ids)| ids.len() as i64),
            time::format_time(now),
            operator
        ],
    )
    .context("recording the breach")?;
    let id = conn.last_insert_rowid();
    if let Some((_, ids)) = b.persons {
        let mut insert = conn.prepare(
            "INSERT OR IGNORE INTO breach_persons (breach_id, person_id) VALUES (?1, ?2)",
        )?;
        for person in ids {
            insert
                .execute(params![id, person])
                .context("recording the persons affected")?;
        }
    }
    Ok(id)
}

/// The persons a checked saved query returns, on the read-only connection: the persons
/// affected by a breach, fixed when it is recorded.
pub fn affected_ids(ro: &Connection, query: &super::queries::CheckedSql) -> Result<Vec<i64>> {
    let mut stmt = ro.prepare(&format!(
        "WITH {} SELECT DISTINCT person_id FROM q WHERE person_id IS NOT NULL ORDER BY person_id",
        super::queries::as_cte("q", query)
    ))?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()
        .context("running the saved query of the persons affected")?;
    Ok(ids)
}

/// One breach with its status at `now`.
pub fn get(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<Breach> {
    conn.query_row(
        &format!("{} WHERE b.id = :id", select()),
        rusqlite::named_params! {":id": id, ":now": time::format_time(now)},
        Breach::from_row,
    )
    .optional()
    .context("reading the breach")?
    .ok_or_else(|| anyhow::anyhow!("no breach with id {id}"))
}

/// Every breach (with `overdue`: only those past the 72 hours and not reported), oldest
/// discovery first.
pub fn list(conn: &Connection, overdue: bool, now: DateTime<Utc>) -> Result<Vec<Breach>> {
    let sql = format!(
        "SELECT * FROM ({}) WHERE (:overdue = 0 OR status = 'overdue') ORDER BY discovered_at, id",
        select()
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map(
            rusqlite::named_params! {":now": time::format_time(now), ":overdue": overdue},
            Breach::from_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the breach register")?;
    Ok(rows)
}

/// What `breach update` changes (None: left as it is).
#[derive(Debug, Clone, Default)]
pub struct BreachUpdate<'a> {
    pub reported_to_ap_at: Option<DateTime<Utc>>,
    pub ap_not_required: Option<&'a str>,
    pub notified_persons: Option<bool>,
    pub measures: Option<&'a str>,
}

/// Update a breach; returns it. A report to the AP is not before the discovery nor in
/// the future, and a breach reported to the AP cannot be marked "not required".
pub fn update(
    conn: &Connection,
    id: i64,
    u: &BreachUpdate<'_>,
    now: DateTime<Utc>,
) -> Result<Breach> {
    let b = get(conn, id, now)?;
    if let Some(at) = u.reported_to_ap_at {
        if at > now {
            bail!(
                "--reported-to-ap {} is in the future",
                time::format_time(at)
            );
        }
        if time::format_time(at) < b.discovered_at {
            bail!(
                "--reported-to-ap {} is before the breach was discovered ({})",
                time::format_time(at),
                b.discovered_at
            );
        }
    }
    if u.ap_not_required.is_some()
        && (b.reported_to_ap_at.is_some() || u.reported_to_ap_at.is_some())
    {
        bail!("breach {id} is reported to the AP: it cannot also be marked as not to be reported");
    }
    conn.execute(
        "UPDATE breaches SET
            reported_to_ap_at = coalesce(?2, reported_to_ap_at),
            ap_not_required = CASE WHEN ?2 IS NOT NULL THEN NULL ELSE coalesce(?3, ap_not_required) END,
            notified_persons = coalesce(?4, notified_persons),
            measures = coalesce(?5, measures)
         WHERE id = ?1",
        params![
            id,
            u.reported_to_ap_at.map(time::format_time),
            u.ap_not_required,
            u.notified_persons,
            u.measures
        ],
    )
    .context("updating the breach")?;
    get(conn, id, now)
}

/// A person affected by a breach, with what a letter needs.
#[derive(Debug, Clone, Serialize)]
pub struct AffectedPerson {
    pub person_id: i64,
    pub first_name: Option<String>,
    pub infix: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub street: Option<String>,
    pub house_number: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub anonymised: bool,
}

/// The persons affected by a breach, by id.
pub fn persons(conn: &Connection, id: i64) -> Result<Vec<AffectedPerson>> {
    let known: Option<Option<String>> = conn
        .query_row(
            "SELECT persons_query FROM breaches WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()
        .context("reading the breach")?;
    match known {
        None => bail!("no breach with id {id}"),
        Some(None) => bail!(
            "breach {id} was recorded without --persons-query: the persons affected are not known"
        ),
        Some(Some(_)) => {}
    }
    let mut stmt = conn.prepare(
        "SELECT p.id, p.first_name, p.infix, p.last_name, p.email, p.street, p.house_number,
                p.postal_code, p.city, p.country, p.anonymised_at IS NOT NULL
         FROM breach_persons bp JOIN persons p ON p.id = bp.person_id
         WHERE bp.breach_id = ?1 ORDER BY p.id",
    )?;
    let rows = stmt
        .query_map([id], |r| {
            Ok(AffectedPerson {
                person_id: r.get(0)?,
                first_name: r.get(1)?,
                infix: r.get(2)?,
                last_name: r.get(3)?,
                email: r.get(4)?,
                street: r.get(5)?,
                house_number: r.get(6)?,
                postal_code: r.get(7)?,
                city: r.get(8)?,
                country: r.get(9)?,
                anonymised: r.get(10)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the persons affected")?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sql_deadline_is_the_rule() {
        let conn = Connection::open_in_memory().unwrap();
        for t in [
            "2026-11-28T23:50:36Z",
            "2028-02-27T10:00:00Z",
            "2026-03-27T01:30:00Z",
        ] {
            let sql: String = conn
                .query_row(
                    &format!("SELECT {} FROM (SELECT ?1 AS discovered_at) b", AP_DUE_SQL),
                    [t],
                    |r| r.get(0),
                )
                .unwrap();
            let rust = time::format_time(crate::rules::deadline::breach_ap_due(
                time::parse_time(t).unwrap(),
            ));
            assert_eq!(sql, rust, "{t}");
        }
    }
}
