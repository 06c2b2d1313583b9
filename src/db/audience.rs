//! Audiences (§1.12): the persons with a current opt-in for a type who are mailable,
//! optionally narrowed by a saved query; and recording a mailing as a contact moment.
use super::queries::{self, CheckedSql};
use anyhow::{Context, Result};
use rusqlite::{Connection, params};

/// The audience SQL: ?1 is the type. With a saved query, its persons only.
pub fn sql(within: Option<&CheckedSql>) -> String {
    let (cte, filter) = match within {
        Some(q) => (
            format!("WITH {} ", queries::as_cte("within_query", q)),
            " AND p.id IN (SELECT person_id FROM within_query)",
        ),
        None => (String::new(), ""),
    };
    format!(
        "{cte}SELECT p.id AS person_id, p.first_name, p.infix, p.last_name, p.email
         FROM consent_state s JOIN mailable_persons p ON p.id = s.person_id
         WHERE s.type = ?1 AND s.opt_in = 1{filter}
         ORDER BY s.person_id"
    )
}

/// The recipients of a recorded mailing, as the audience lists them: ?1 is its id.
pub const RECIPIENTS_SQL: &str =
    "SELECT p.id AS person_id, p.first_name, p.infix, p.last_name, p.email
     FROM contact_moment_recipients r JOIN persons p ON p.id = r.person_id
     WHERE r.contact_moment_id = ?1 ORDER BY p.id";

/// The tables recording a mailing writes (the guard of `queries::guard_writes`).
pub const WRITES: &[&str] = &["contact_moments", "contact_moment_recipients", "audit_log"];

/// Record a mailing: a contact moment with the audience of `audience_sql` (as made by
/// [`sql`]) as its recipients. Returns the contact moment's id and the recipients.
pub fn record_mailing(
    conn: &Connection,
    name: &str,
    channel: &str,
    kind: &str,
    sent_at: &str,
    audience_sql: &str,
) -> Result<(i64, u64)> {
    conn.execute(
        "INSERT INTO contact_moments (name, sent_at, channel, type) VALUES (?1, ?2, ?3, ?4)",
        params![name, sent_at, channel, kind],
    )
    .context("recording the mailing")?;
    let id = conn.last_insert_rowid();
    let recipients = conn
        .execute(
            &format!(
                "INSERT INTO contact_moment_recipients (contact_moment_id, person_id)
                 SELECT ?2, person_id FROM ({audience_sql})"
            ),
            params![kind, id],
        )
        .context("recording the recipients")?;
    Ok((id, recipients as u64))
}
