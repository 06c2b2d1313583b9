//! Anonymising (§1.8, glossary "Anonimiseren"): erase everything that identifies a
//! person, keep the history of consent and the bookkeeping unlinked from an identity.
//! Set-based: the persons to erase go into a temporary table, then one statement per
//! table does the work, whether for one person or a hundred thousand.
use anyhow::{Context, Result};
use rusqlite::{Connection, params};

/// The columns of `persons` that are erased (set to NULL): every personal text field,
/// and the free text of an objection or a restriction.
pub const ERASED_FIELDS: &[&str] = &[
    "first_name",
    "infix",
    "last_name",
    "email",
    "phone",
    "mobile",
    "street",
    "house_number",
    "postal_code",
    "city",
    "country",
    "iban",
    "bsn",
    "birth_date",
    "objection_channel",
    "objection_description",
    "restriction_reason",
];

/// What anonymising erased.
#[derive(Debug, Default, Clone)]
pub struct Erased {
    pub persons: u64,
    pub documents: u64,
    pub scores: u64,
    pub consent_descriptions: u64,
    pub transaction_descriptions: u64,
}

/// Consent records made by an automatic rule: channel SMP, or the channel, type and
/// description of a type's rule. They are not activity of the person. Refers to the
/// record as `r`.
pub const AUTOMATIC_RECORD: &str = "(r.channel = 'SMP' OR EXISTS (
        SELECT 1 FROM consent_types t
        WHERE t.code = r.type AND t.rule_query IS NOT NULL
          AND t.rule_channel = r.channel AND t.rule_description IS r.description))";

/// Fill `temp.anonymise_ids` with one person.
pub fn select_person(conn: &Connection, person_id: i64) -> Result<()> {
    prepare_ids(conn)?;
    conn.execute(
        "INSERT INTO temp.anonymise_ids (id) VALUES (?1)",
        [person_id],
    )?;
    Ok(())
}

/// Fill `temp.anonymise_ids` with every person not yet anonymised whose last activity
/// (creation, a transaction, a consent record not made by a rule) is before `cutoff`.
pub fn select_inactive(conn: &Connection, cutoff: &str) -> Result<Vec<i64>> {
    prepare_ids(conn)?;
    conn.execute(
        &format!(
            "INSERT INTO temp.anonymise_ids (id)
             SELECT p.id FROM persons p
             WHERE p.anonymised_at IS NULL
               AND p.created_at < ?1
               AND NOT EXISTS (SELECT 1 FROM transactions x WHERE x.person_id = p.id AND x.occurred_at >= ?1)
               AND NOT EXISTS (SELECT 1 FROM consent_records r
                               WHERE r.person_id = p.id AND r.recorded_at >= ?1 AND NOT {AUTOMATIC_RECORD})"
        ),
        [cutoff],
    )
    .context("finding inactive persons")?;
    let mut stmt = conn.prepare("SELECT id FROM temp.anonymise_ids ORDER BY id")?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

fn prepare_ids(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS anonymise_ids (id INTEGER PRIMARY KEY);
         DELETE FROM temp.anonymise_ids;",
    )
    .context("preparing the list of persons to anonymise")
}

/// Erase the persons of `temp.anonymise_ids`, in the caller's transaction. `step` is
/// called after each statement (for a progress bar).
/// `suppress`: put the erased addresses on the suppression list (anonymise: yes; a
/// merge, whose address lives on in the person kept: no).
pub fn erase(
    conn: &Connection,
    anonymised_at: &str,
    suppress: bool,
    step: &mut dyn FnMut(&str),
) -> Result<Erased> {
    let ids = "SELECT id FROM temp.anonymise_ids";
    let mut erased = Erased::default();
    let sets: Vec<String> = ERASED_FIELDS
        .iter()
        .map(|f| format!("{f} = NULL"))
        .collect();
    // The addresses go on the suppression list first, as keyed hashes: an erased person
    // is not re-subscribed or mailed after a later import of the same address.
    if suppress {
        super::suppression::add_persons(conn, ids, "erased", anonymised_at, "anonymise")?;
    }
    // anonymised_at first: the ledger's trigger allows clearing descriptions only then.
    erased.persons = conn
        .execute(
            &format!(
                "UPDATE persons SET {}, anonymised_at = ?1 WHERE id IN ({ids}) AND anonymised_at IS NULL",
                sets.join(", ")
            ),
            params![anonymised_at],
        )
        .context("erasing personal data")? as u64;
    step("personal data");
    erased.documents = conn
        .execute(
            &format!("DELETE FROM documents WHERE person_id IN ({ids})"),
            [],
        )
        .context("deleting documents")? as u64;
    step("documents");
    erased.scores = conn
        .execute(
            &format!("DELETE FROM scores WHERE person_id IN ({ids})"),
            [],
        )
        .context("deleting scores")? as u64;
    step("scores");
    // Free text could name the person: descriptions, and channels typed outside the
    // vocabulary ("telefoon, gesproken met …"), with the salt of their digest in the
    // chain. The generic texts of rules cannot.
    erased.consent_descriptions = conn
        .execute(
            &format!(
                "UPDATE consent_records
                 SET description = NULL,
                     channel = CASE WHEN channel IN (SELECT code FROM channels) THEN channel ELSE '{erased}' END
                 WHERE person_id IN ({ids}) AND source <> 'rule'
                   AND (description IS NOT NULL OR channel NOT IN (SELECT code FROM channels))",
                erased = super::defaults::ERASED_CHANNEL
            ),
            [],
        )
        .context("clearing consent descriptions")? as u64;
    conn.execute(
        &format!(
            "UPDATE consent_chain SET salt = NULL
             WHERE salt IS NOT NULL AND record_id IN (SELECT id FROM consent_records WHERE person_id IN ({ids}))"
        ),
        [],
    )
    .context("clearing the salts of erased text")?;
    step("consent descriptions");
    erased.transaction_descriptions = conn
        .execute(
            &format!("UPDATE transactions SET description = NULL WHERE person_id IN ({ids}) AND description IS NOT NULL"),
            [],
        )
        .context("clearing transaction descriptions")? as u64;
    step("transaction descriptions");
    conn.execute("DELETE FROM temp.anonymise_ids", [])?;
    purge_index_samples(conn)?;
    Ok(erased)
}

/// ANALYZE (ours or an operator's) keeps sample keys of indexes in `sqlite_stat4`: for
/// the e-mail index of persons those samples are e-mail addresses. They are dropped,
/// so that no erased address survives there; the planner keeps `sqlite_stat1`.
pub fn purge_index_samples(conn: &Connection) -> Result<()> {
    let has_stat4: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_schema WHERE name = 'sqlite_stat4'",
        [],
        |r| r.get(0),
    )?;
    if has_stat4 {
        conn.execute("DELETE FROM sqlite_stat4 WHERE tbl = 'persons'", [])
            .context("dropping index samples of persons")?;
    }
    Ok(())
}

/// After the commit: copy the WAL into the database file and truncate it to zero bytes,
/// so that the erased values are not left in the -wal file. Returns false when another
/// connection kept the checkpoint from finishing.
pub fn checkpoint(conn: &Connection) -> Result<bool> {
    let (busy, log, done): (i64, i64, i64) = conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .context("checkpointing the WAL")?;
    Ok(busy == 0 && log == done)
}
