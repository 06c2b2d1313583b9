//! Audiences (§1.12): who may be mailed for a type right now, optionally narrowed by a
//! saved query; why someone is or is not in it (`--explain`); and recording a mailing
//! as a contact moment.
//!
//! In the audience of type T is a person who
//! - is mailable (view `mailable_persons`: not deceased, not a bouncer, not anonymised,
//!   not restricted, a valid address, no other holder of the address a bouncer),
//! - has a current opt-in for T (the state never lets a rule's soft opt-in outrank the
//!   person's own record),
//! - has not objected to all contact (unsubscribe-all), or gave this opt-in
//!   themselves (source `person`: not a rule, an operator or a file) after objecting,
//! - whose address is not on the suppression list, or who gave an opt-in for T
//!   themselves (source `person`) after it was suppressed,
//! - and no other (not anonymised) person holding the same address opted out of T.
//!
//! An address is listed once, under the lowest person id that qualifies.
use super::queries::{self, CheckedSql};
use super::suppression::SQL_FUNCTION;
use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// The conditions for person `p` (with their state `s` for the type ?1 and their row
/// `o` in persons) to be in the audience, apart from what other holders of the address
/// do: mailable, a current opt-in, no lasting objection without an own opt-in since,
/// no suppression of the address without an own opt-in since. Written once, used for
/// the person and for the other holders of a shared address. (With an empty suppression
/// list, no address is hashed: the first test is evaluated once.)
fn candidate(p: &str, s: &str, o: &str) -> String {
    format!(
        "{s}.type = ?1 AND {s}.opt_in = 1
         -- The state must be what its record says: a state edited behind the tool's
         -- back (the sqlite3 shell) does not put anyone in an audience.
         AND EXISTS (SELECT 1 FROM consent_records cr
                     WHERE cr.id = {s}.record_id AND cr.person_id = {s}.person_id AND cr.type = ?1
                       AND cr.opt_in = 1 AND cr.source = {s}.source AND cr.recorded_at = {s}.recorded_at)
         AND ({o}.objected_at IS NULL OR ({s}.source = 'person' AND {s}.recorded_at > {o}.objected_at))
         AND (NOT EXISTS (SELECT 1 FROM suppressions) OR NOT EXISTS (
             SELECT 1 FROM suppressions x
             WHERE x.hash = {SQL_FUNCTION}({p}.email)
               AND NOT EXISTS (
                   SELECT 1 FROM consent_records r
                   WHERE r.person_id = {p}.id AND r.type = ?1 AND r.opt_in = 1
                     AND r.source = 'person' AND r.recorded_at > x.since)))"
    )
}

/// The audience SQL: ?1 is the type. With a saved query, its persons only. Needs the
/// address-hash function (`suppression::register`) on the connection.
///
/// Addresses held by one person (nearly all) cost one look-up in the small set of
/// shared addresses; for a shared one, no holder may bounce or have opted out, and the
/// lowest id that qualifies is listed.
///
/// The shared addresses are found in the address index alone (addresses held more than
/// once, by anyone), and only those few are then looked up for holders that are not
/// anonymised: reading `anonymised_at` for every address in the index's order would
/// read the persons table at random, a million times.
pub fn sql(within: Option<&CheckedSql>) -> String {
    let (cte, filter) = match within {
        Some(q) => (
            format!(", {}", queries::as_cte("within_query", q)),
            " AND p.id IN (SELECT person_id FROM within_query)",
        ),
        None => (String::new(), ""),
    };
    format!(
        "WITH shared(address) AS MATERIALIZED (
             SELECT email COLLATE NOCASE FROM persons
             WHERE email IS NOT NULL AND anonymised_at IS NULL
               AND email COLLATE NOCASE IN (
                   SELECT email COLLATE NOCASE FROM persons WHERE email IS NOT NULL
                   GROUP BY email COLLATE NOCASE HAVING count(*) > 1)
             GROUP BY email COLLATE NOCASE HAVING count(*) > 1){cte}
         SELECT p.id AS person_id, p.first_name, p.infix, p.last_name, p.email
         FROM consent_state s
         JOIN mailable_persons p ON p.id = s.person_id
         JOIN persons o ON o.id = s.person_id
         WHERE {me}{filter}
           AND (p.email COLLATE NOCASE NOT IN (SELECT address FROM shared)
                OR NOT EXISTS (
                    SELECT 1 FROM persons q
                    LEFT JOIN consent_state qs ON qs.person_id = q.id AND qs.type = ?1
                    WHERE q.email = p.email COLLATE NOCASE AND q.id <> p.id AND q.anonymised_at IS NULL
                      AND (q.bouncer = 1 OR qs.opt_in = 0 OR q.restricted_at IS NOT NULL
                           OR (q.id < p.id AND EXISTS (
                               SELECT 1 FROM mailable_persons qm
                               WHERE qm.id = q.id AND {other})))))
         ORDER BY s.person_id",
        me = candidate("p", "s", "o"),
        other = candidate("qm", "qs", "q"),
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

/// One reason why a person is or is not in an audience, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub detail: String,
}

/// Why a person is or is not in the audience of a type.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub person_id: i64,
    pub in_audience: bool,
    pub reasons: Vec<Reason>,
}

fn say(reasons: &mut Vec<Reason>, code: &'static str, detail: String) {
    reasons.push(Reason { code, detail });
}

/// The facts about one person that decide the audience, read in one go.
struct Facts {
    anonymised_at: Option<String>,
    legal_hold_until: Option<String>,
    restricted_at: Option<String>,
    deceased: bool,
    bouncer: bool,
    email: Option<String>,
    email_valid: bool,
    objected_at: Option<String>,
    state: Option<(i64, bool, String, String, String)>,
}

/// Why `person_id` is or is not in the audience of `kind` (narrowed by `within`). The
/// verdict comes from the audience SQL itself, so it cannot disagree with the list; the
/// reasons are each condition that holds.
pub fn explain(
    conn: &Connection,
    kind: &str,
    person_id: i64,
    within: Option<&CheckedSql>,
) -> Result<Explanation> {
    let in_audience: bool = conn
        .query_row(
            &format!(
                "SELECT EXISTS (SELECT 1 FROM ({}) WHERE person_id = ?2)",
                sql(within)
            ),
            params![kind, person_id],
            |r| r.get(0),
        )
        .context("running the audience")?;
    let f = conn
        .query_row(
            &format!(
                "SELECT p.anonymised_at, p.legal_hold_until, p.restricted_at, p.deceased, p.bouncer,
                    p.email, p.email_valid AND NOT p.email {glob}, p.objected_at,
                    s.record_id, s.opt_in, s.recorded_at, s.source, r.channel
             FROM persons p
             LEFT JOIN consent_state s ON s.person_id = p.id AND s.type = ?2
             LEFT JOIN consent_records r ON r.id = s.record_id
             WHERE p.id = ?1",
                glob = super::persons::UNSAFE_ADDRESS_GLOB
            ),
            params![person_id, kind],
            |r| {
                let record: Option<i64> = r.get(8)?;
                Ok(Facts {
                    anonymised_at: r.get(0)?,
                    legal_hold_until: r.get(1)?,
                    restricted_at: r.get(2)?,
                    deceased: r.get(3)?,
                    bouncer: r.get(4)?,
                    email: r.get(5)?,
                    email_valid: r.get(6)?,
                    objected_at: r.get(7)?,
                    state: match record {
                        Some(id) => Some((id, r.get(9)?, r.get(10)?, r.get(11)?, r.get(12)?)),
                        None => None,
                    },
                })
            },
        )
        .optional()
        .context("reading the person")?
        .ok_or_else(|| anyhow::anyhow!("no person with id {person_id}"))?;
    let mut reasons = Vec::new();
    if in_audience {
        if let Some((id, _, at, source, channel)) = &f.state {
            say(
                &mut reasons,
                "in",
                format!(
                    "current opt-in: record {id} of {at}, channel {channel}, given by {source}"
                ),
            );
        }
        return Ok(Explanation {
            person_id,
            in_audience,
            reasons,
        });
    }
    if let Some(at) = &f.anonymised_at {
        say(&mut reasons, "anonymised", format!("anonymised at {at}"));
    }
    if let Some(until) = &f.legal_hold_until {
        say(
            &mut reasons,
            "legal_hold",
            format!("data kept under a legal retention until {until}, restricted"),
        );
    }
    if let Some(at) = &f.restricted_at {
        say(
            &mut reasons,
            "restricted",
            format!("processing restricted since {at} (Art. 18)"),
        );
    }
    if f.deceased {
        say(&mut reasons, "deceased", "marked as deceased".into());
    }
    if f.bouncer {
        say(
            &mut reasons,
            "bouncer",
            "the address bounces (bouncer flag)".into(),
        );
    }
    match (&f.email, f.email_valid) {
        (None, _) => say(&mut reasons, "no_email", "no e-mail address".into()),
        (Some(_), false) => say(
            &mut reasons,
            "invalid_email",
            "the e-mail address is malformed".into(),
        ),
        _ => {}
    }
    match &f.state {
        None => say(
            &mut reasons,
            "no_record",
            format!("no opt-in or opt-out for {kind}"),
        ),
        Some((id, false, at, source, channel)) => say(
            &mut reasons,
            "opt_out",
            format!("current opt-out: record {id} of {at}, channel {channel}, given by {source}"),
        ),
        Some((_, true, at, source, _)) => {
            if let Some(objected) = &f.objected_at
                && (source != "person" || at <= objected)
            {
                say(
                    &mut reasons,
                    "objected",
                    format!(
                        "objected to all contact at {objected}; no own opt-in for {kind} since"
                    ),
                );
            }
        }
    }
    if let Some(email) = &f.email {
        let lifted_by_own_optin: Vec<String> = conn
            .prepare(&format!(
                "SELECT x.reason || ' since ' || x.since FROM suppressions x
                 WHERE x.hash = {SQL_FUNCTION}(?1)
                   AND NOT EXISTS (SELECT 1 FROM consent_records r
                       WHERE r.person_id = ?2 AND r.type = ?3 AND r.opt_in = 1
                         AND r.source = 'person' AND r.recorded_at > x.since)
                 ORDER BY x.since"
            ))?
            .query_map(params![email, person_id, kind], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if !lifted_by_own_optin.is_empty() {
            say(
                &mut reasons,
                "suppressed",
                format!(
                    "the address is on the suppression list ({})",
                    lifted_by_own_optin.join(", ")
                ),
            );
        }
        let others: Vec<(i64, bool, bool, Option<bool>)> = conn
            .prepare(
                "SELECT q.id, q.bouncer, q.restricted_at IS NOT NULL, qs.opt_in FROM persons q
                 LEFT JOIN consent_state qs ON qs.person_id = q.id AND qs.type = ?3
                 WHERE q.email = ?1 COLLATE NOCASE AND q.id <> ?2 AND q.anonymised_at IS NULL
                 ORDER BY q.id",
            )?
            .query_map(params![email, person_id, kind], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (other, bouncer, restricted, opt_in) in &others {
            if *restricted {
                say(
                    &mut reasons,
                    "restricted",
                    format!("person {other}, holding the same address, is restricted (Art. 18)"),
                );
            }
            if *bouncer {
                say(
                    &mut reasons,
                    "bouncer",
                    format!("person {other}, holding the same address, is a bouncer"),
                );
            }
            if *opt_in == Some(false) {
                say(
                    &mut reasons,
                    "opt_out",
                    format!("person {other}, holding the same address, opted out of {kind}"),
                );
            }
        }
        if reasons.is_empty() && !others.is_empty() {
            let listed: Vec<String> = others.iter().map(|o| o.0.to_string()).collect();
            say(
                &mut reasons,
                "duplicate_address",
                format!(
                    "the address is also held by person {}: it is listed once, under the lowest id",
                    listed.join(", ")
                ),
            );
        }
    }
    if reasons.is_empty() {
        say(
            &mut reasons,
            "not_in_selection",
            "not among the persons of the saved query (--within)".into(),
        );
    }
    Ok(Explanation {
        person_id,
        in_audience,
        reasons,
    })
}
