//! Profiling results ("klantberekeningen", §1.2, §1.7): recency, frequency and monetary
//! value of a person's transactions, scored 1–5 in quintiles. Only for the persons of
//! the view `profiling_allowed`.
use crate::rules::time::format_time;
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use rusqlite::Connection;

/// Persons who may be profiled: the view `profiling_allowed` of schema.sql (a current
/// opt-in and no current opt-out for every profiling type; not anonymised, restricted,
/// deceased or under 16).
const ELIGIBLE: &str = "SELECT person_id FROM profiling_allowed";

/// What a profiling run did.
#[derive(Debug, Default)]
pub struct ProfileRun {
    pub scored: u64,
    pub removed: u64,
}

/// Recompute every score in two set-based statements: remove the scores of everyone
/// who may not be profiled, then score everyone who may and has transactions.
pub fn recompute(conn: &Connection, now: DateTime<Utc>) -> Result<ProfileRun> {
    // The scoring statement runs five sorts at once (the eligible persons, their facts,
    // three rankings), each holding up to the page cache's size in memory: with a
    // quarter of the usual cache the command stays within bounds at any size.
    let cache: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", -SORT_KIB)?;
    let done = scored_and_removed(conn, now);
    conn.pragma_update(None, "cache_size", cache)?;
    done
}

/// The page cache (and so the memory of each sort) of a profiling run, in KiB.
const SORT_KIB: i64 = 4 * 1024;

fn scored_and_removed(conn: &Connection, now: DateTime<Utc>) -> Result<ProfileRun> {
    let removed = conn
        .execute(
            &format!("DELETE FROM scores WHERE person_id NOT IN ({ELIGIBLE})"),
            [],
        )
        .context("removing scores of persons who may not be profiled")?;
    let scored = conn
        .execute(
            &format!(
                "WITH eligible AS ({ELIGIBLE}),
                 facts AS (
                    SELECT t.person_id,
                           max(0, CAST(julianday(?1) - julianday(max(t.occurred_at)) AS INTEGER)) AS recency_days,
                           count(*) AS frequency,
                           round(sum(CAST(t.amount AS REAL)), 2) AS monetary
                    FROM transactions t JOIN eligible e ON e.person_id = t.person_id
                    GROUP BY t.person_id),
                 ranked AS (
                    SELECT person_id, recency_days, frequency, monetary,
                           ntile(5) OVER (ORDER BY recency_days DESC, person_id) AS r,
                           ntile(5) OVER (ORDER BY frequency, person_id) AS f,
                           ntile(5) OVER (ORDER BY monetary, person_id) AS m
                    FROM facts)
                 INSERT OR REPLACE INTO scores
                    (person_id, recency_days, frequency, monetary, r_score, f_score, m_score, rfm, computed_at)
                 SELECT person_id, recency_days, frequency, printf('%.2f', monetary), r, f, m, r || f || m, ?1
                 FROM ranked"
            ),
            [format_time(now)],
        )
        .context("computing scores")?;
    Ok(ProfileRun {
        scored: scored as u64,
        removed: removed as u64,
    })
}

/// Delete the scores of persons whose current state for a profiling type is opt-out:
/// an opt-out stops profiling at once, not only at the next run.
pub fn delete_opted_out(conn: &Connection) -> Result<u64> {
    let n = conn
        .execute(
            "DELETE FROM scores WHERE person_id IN (
                SELECT s.person_id FROM consent_state s
                JOIN consent_types t ON t.code = s.type AND t.kind = 'profiling'
                WHERE s.opt_in = 0)",
            [],
        )
        .context("deleting scores after a profiling opt-out")?;
    Ok(n as u64)
}

/// Delete one person's scores.
pub fn delete_for(conn: &Connection, person_id: i64) -> Result<u64> {
    let n = conn
        .execute("DELETE FROM scores WHERE person_id = ?1", [person_id])
        .context("deleting scores")?;
    Ok(n as u64)
}
