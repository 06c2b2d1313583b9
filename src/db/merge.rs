//! Duplicates and merging: one identity per person. `person duplicates` finds persons
//! who share an address (or name, postal code and birth date); `person merge KEEP
//! OTHER` gives KEEP everything of OTHER and erases OTHER as anonymise does.
//!
//! The ledger is append-only, so OTHER's consent history is copied to KEEP (every
//! record with its own time, channel, description and source; the current state of
//! KEEP follows by the same rule as always) and OTHER's records stay, erased, as
//! evidence. Everything else with a person_id moves.
use anyhow::{Context, Result, bail};
use rusqlite::{Connection, params};
use serde::Serialize;

/// A group of persons who are probably one.
#[derive(Debug, Clone, Serialize)]
pub struct Duplicate {
    pub person_ids: Vec<i64>,
    /// `email` or `name_postcode_birth`.
    #[serde(rename = "match")]
    pub matched: String,
}

/// Every group of (not anonymised) persons sharing an address, trimmed and
/// case-insensitive, or first name, infix, last name, postal code and birth date.
pub fn duplicates(conn: &Connection) -> Result<Vec<Duplicate>> {
    let mut stmt = conn.prepare(
        "SELECT ids, matched FROM (
             SELECT '[' || group_concat(id, ',' ORDER BY id) || ']' AS ids,
                    'email' AS matched, min(id) AS first
             FROM persons
             WHERE anonymised_at IS NULL AND email IS NOT NULL AND trim(email) <> ''
             GROUP BY lower(trim(email)) HAVING count(*) > 1
             UNION ALL
             SELECT '[' || group_concat(id, ',' ORDER BY id) || ']',
                    'name_postcode_birth', min(id)
             FROM persons
             WHERE anonymised_at IS NULL AND first_name IS NOT NULL AND last_name IS NOT NULL
               AND postal_code IS NOT NULL AND birth_date IS NOT NULL
             GROUP BY lower(trim(first_name)), lower(trim(coalesce(infix, ''))), lower(trim(last_name)),
                      upper(replace(postal_code, ' ', '')), birth_date
             HAVING count(*) > 1)
         ORDER BY first, matched",
    )?;
    let rows = stmt
        .query_map([], |r| {
            let ids: String = r.get(0)?;
            Ok((ids, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("looking for duplicates")?;
    rows.into_iter()
        .map(|(ids, matched)| {
            Ok(Duplicate {
                person_ids: serde_json::from_str(&ids).context("reading duplicate ids")?,
                matched,
            })
        })
        .collect()
}

/// What a merge moved.
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct Moved {
    pub consent_records: u64,
    pub transactions: u64,
    pub documents: u64,
    pub mailings: u64,
    /// Rows of other tables with a person_id (requests, sources, …).
    pub other: u64,
}

/// Tables that are not moved row by row: the ledger (copied), the derived state, the
/// audit log (append-only: it keeps naming OTHER), scores (recomputed) and mailings
/// (handled for their key).
const NOT_MOVED: &[&str] = &[
    "consent_records",
    "consent_state",
    "audit_log",
    "scores",
    "contact_moment_recipients",
    "transactions",
    "documents",
];

/// Give KEEP everything of OTHER, in the caller's transaction (the caller then erases
/// OTHER). Both must exist, differ, and be neither anonymised nor restricted.
pub fn merge(conn: &Connection, keep: i64, other: i64) -> Result<Moved> {
    if keep == other {
        bail!("a person cannot be merged with themselves");
    }
    for id in [keep, other] {
        let (anonymised, restricted): (Option<String>, Option<String>) = conn
            .query_row(
                "SELECT anonymised_at, restricted_at FROM persons WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|_| anyhow::anyhow!("no person with id {id}"))?;
        if let Some(at) = anonymised {
            bail!("person {id} was anonymised at {at}: there is nothing to merge");
        }
        if restricted.is_some() {
            bail!("person {id} is restricted (Art. 18): lift the restriction before merging");
        }
    }
    // The history, copied record by record (identical ones KEEP already has are not
    // copied twice), oldest first: the state follows by its triggers.
    let consent_records = conn
        .execute(
            "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description, contact_moment_id, source, rule_run_id)
             SELECT o.recorded_at, ?1, o.type, o.opt_in, o.channel, o.description, o.contact_moment_id, o.source, o.rule_run_id
             FROM consent_records o
             WHERE o.person_id = ?2 AND NOT EXISTS (
                 SELECT 1 FROM consent_records k
                 WHERE k.person_id = ?1 AND k.type = o.type AND k.recorded_at = o.recorded_at
                   AND k.opt_in = o.opt_in AND k.channel = o.channel AND k.description IS o.description
                   AND k.source = o.source)
             ORDER BY o.recorded_at, o.id",
            params![keep, other],
        )
        .context("copying the consent history")? as u64;
    let mut moved = Moved {
        consent_records,
        ..Moved::default()
    };
    moved.transactions = conn
        .execute(
            "UPDATE transactions SET person_id = ?1 WHERE person_id = ?2",
            params![keep, other],
        )
        .context("moving transactions")? as u64;
    moved.documents = conn
        .execute(
            "UPDATE documents SET person_id = ?1 WHERE person_id = ?2",
            params![keep, other],
        )
        .context("moving documents")? as u64;
    moved.mailings = conn
        .execute(
            "INSERT OR IGNORE INTO contact_moment_recipients (contact_moment_id, person_id)
             SELECT contact_moment_id, ?1 FROM contact_moment_recipients WHERE person_id = ?2",
            params![keep, other],
        )
        .context("moving mailings")? as u64;
    conn.execute(
        "DELETE FROM contact_moment_recipients WHERE person_id = ?1",
        [other],
    )?;
    conn.execute(
        "DELETE FROM scores WHERE person_id IN (?1, ?2)",
        params![keep, other],
    )?;
    for table in crate::access::tables_with_person_id(conn)? {
        if NOT_MOVED.contains(&table.as_str()) {
            continue;
        }
        // The name comes from sqlite_schema, not from input; quoted as an identifier.
        moved.other += conn
            .execute(
                &format!(
                    "UPDATE \"{}\" SET person_id = ?1 WHERE person_id = ?2",
                    table.replace('"', "\"\"")
                ),
                params![keep, other],
            )
            .with_context(|| format!("moving {table}"))? as u64;
    }
    // KEEP's blanks filled from OTHER; the flags and dates that protect the person
    // carry over (deceased, bouncer, the latest objection), the relation started at
    // the earlier creation.
    let fill: Vec<String> = super::persons::TEXT_FIELDS
        .iter()
        .map(|f| format!("{f} = coalesce(k.{f}, o.{f})"))
        .collect();
    conn.execute(
        &format!(
            "UPDATE persons AS k SET {},
                 deceased = max(k.deceased, o.deceased),
                 bouncer = max(k.bouncer, CASE WHEN lower(trim(k.email)) = lower(trim(o.email)) THEN o.bouncer ELSE 0 END),
                 created_at = min(k.created_at, o.created_at),
                 objected_at = CASE WHEN o.objected_at > coalesce(k.objected_at, '') THEN o.objected_at ELSE k.objected_at END,
                 objection_channel = CASE WHEN o.objected_at > coalesce(k.objected_at, '') THEN o.objection_channel ELSE k.objection_channel END,
                 objection_description = CASE WHEN o.objected_at > coalesce(k.objected_at, '') THEN o.objection_description ELSE k.objection_description END
             FROM persons AS o WHERE k.id = ?1 AND o.id = ?2",
            fill.join(", ")
        ),
        params![keep, other],
    )
    .context("merging the person's data")?;
    Ok(moved)
}
