//! Retention per purpose ("bewaartermijnen") and what follows from it: the active
//! relation (§1.9, who the sweep may erase), and legal holds (Art. 17(3)(b): data a
//! law says to keep, such as a deed of gift for 7 years under art. 52 AWR, is kept and
//! restricted after erasure until the period ends).
use crate::rules::period::RetentionPeriod;
use anyhow::{Context, Result, bail};
use rusqlite::{Connection, params};
use serde::Serialize;

/// The category whose period the sweep uses (after the active relation ends).
pub const MARKETING: &str = "marketing";
/// The category of transactions (fiscal records).
pub const TRANSACTIONS: &str = "transactions";
/// The document kinds every database knows; more come with a retention period.
pub const DOCUMENT_KINDS: &[&str] = &[
    "schenkingsakte",
    "overeenkomst",
    "correspondentie",
    "overig",
];

/// One retention period.
#[derive(Debug, Clone, Serialize)]
pub struct Retention {
    pub category: String,
    pub period: String,
    pub basis: String,
}

/// Every period, by category.
pub fn list(conn: &Connection) -> Result<Vec<Retention>> {
    let mut stmt =
        conn.prepare("SELECT category, period, basis FROM retention_periods ORDER BY category")?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Retention {
                category: r.get(0)?,
                period: r.get(1)?,
                basis: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the retention periods")?;
    Ok(rows)
}

/// The period of one category, if it has one.
pub fn get(conn: &Connection, category: &str) -> Result<Option<RetentionPeriod>> {
    let period: Option<String> = conn
        .query_row(
            "SELECT period FROM retention_periods WHERE category = ?1",
            [category],
            |r| r.get(0),
        )
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })
        .context("reading the retention period")?;
    period.map(|p| RetentionPeriod::parse(&p)).transpose()
}

/// Set (or add) the period of a category, with why; returns the period it had.
pub fn set(
    conn: &Connection,
    category: &str,
    period: RetentionPeriod,
    basis: Option<&str>,
) -> Result<Option<String>> {
    if category.is_empty()
        || !category
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
    {
        bail!("'{category}' is not a category: lower-case letters, digits, _ and -");
    }
    let old: Option<String> = conn
        .query_row(
            "SELECT period FROM retention_periods WHERE category = ?1",
            [category],
            |r| r.get(0),
        )
        .ok();
    if old.is_none() && basis.is_none_or(|b| b.trim().is_empty()) {
        bail!("a new category needs --basis: why the data is kept this long");
    }
    conn.execute(
        "INSERT INTO retention_periods (category, period, basis) VALUES (?1, ?2, ?3)
         ON CONFLICT (category) DO UPDATE SET period = excluded.period,
             basis = coalesce(?4, retention_periods.basis)",
        params![category, period.to_string(), basis.unwrap_or(""), basis],
    )
    .context("setting the retention period")?;
    Ok(old)
}

/// Whether `kind` is a document kind: one of the known kinds or a category with a
/// retention period.
pub fn document_kind_known(conn: &Connection, kind: &str) -> Result<bool> {
    if DOCUMENT_KINDS.contains(&kind) {
        return Ok(true);
    }
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM retention_periods WHERE category = ?1 AND category NOT IN ('marketing', 'transactions'))",
        [kind],
        |r| r.get(0),
    )
    .context("reading the document kinds")
}

/// The document kinds, for a message.
pub fn document_kinds(conn: &Connection) -> Result<Vec<String>> {
    let mut kinds: Vec<String> = DOCUMENT_KINDS.iter().map(|k| k.to_string()).collect();
    let mut stmt = conn.prepare(
        "SELECT category FROM retention_periods WHERE category NOT IN ('marketing', 'transactions') ORDER BY category",
    )?;
    for k in stmt.query_map([], |r| r.get::<_, String>(0))? {
        let k = k?;
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    Ok(kinds)
}

/// Why a person is active, or was last: the kinds of activity of §1.9 and the active
/// relation.
pub const ACTIVITY_KINDS: &[&str] = &[
    "created",
    "transaction",
    "own_consent_record",
    "standing_own_opt_in",
];

/// The persons who may be swept: not anonymised, not restricted (Art. 18: kept, but
/// not processed), no open request other than one to be erased (an access, objection
/// or rectification request is answered first; an erasure request the sweep answers),
/// and no activity since `?1` (the cutoff). A person is active while a transaction, a
/// consent record they gave (not one made by a rule) or their creation lies within the
/// period, and for as long as they have a current opt-in they gave themselves and can
/// still be reached by it: a standing own opt-in is an active relation, however old,
/// unless the address bounces or the person died. Documents are not activity: those
/// under a legal retention are held, not a reason to keep the rest.
pub const INACTIVE: &str = "
    SELECT p.id FROM persons p
    WHERE p.anonymised_at IS NULL AND p.restricted_at IS NULL
      AND p.created_at < ?1
      AND NOT EXISTS (SELECT 1 FROM requests q
                      WHERE q.person_id = p.id AND q.closed_at IS NULL AND q.kind <> 'erasure')
      AND NOT EXISTS (SELECT 1 FROM transactions x WHERE x.person_id = p.id AND x.occurred_at >= ?1)
      AND NOT EXISTS (SELECT 1 FROM consent_records r
                      WHERE r.person_id = p.id AND r.recorded_at >= ?1 AND r.source <> 'rule')
      AND (p.bouncer = 1 OR p.deceased = 1
           OR NOT EXISTS (SELECT 1 FROM consent_state s
                          WHERE s.person_id = p.id AND s.opt_in = 1 AND s.source <> 'rule'))";

/// A document kept after erasure because a law says so, until `until`.
#[derive(Debug, Clone, Serialize)]
pub struct Hold {
    pub person_id: i64,
    pub document_id: i64,
    pub kind: String,
    pub until: String,
}

/// The documents of the persons of `temp.anonymise_ids` under a legal hold on `today`.
pub fn holds(conn: &Connection, today: &str) -> Result<Vec<Hold>> {
    let mut stmt = conn.prepare(
        "SELECT h.person_id, h.document_id, h.kind, h.held_until FROM document_holds h
         WHERE h.person_id IN (SELECT id FROM temp.anonymise_ids) AND h.held_until > ?1
         ORDER BY h.person_id, h.document_id",
    )?;
    let rows = stmt
        .query_map([today], |r| {
            Ok(Hold {
                person_id: r.get(0)?,
                document_id: r.get(1)?,
                kind: r.get(2)?,
                until: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the legal holds")?;
    Ok(rows)
}

/// Until when one document is held by law (None: its kind has no retention period).
pub fn document_held_until(conn: &Connection, document_id: i64) -> Result<Option<String>> {
    conn.query_row(
        "SELECT held_until FROM document_holds WHERE document_id = ?1",
        [document_id],
        |r| r.get(0),
    )
    .or_else(|e| match e {
        rusqlite::Error::QueryReturnedNoRows => Ok(None),
        e => Err(e),
    })
    .context("reading the legal hold")
}
