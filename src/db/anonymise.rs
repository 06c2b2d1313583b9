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
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Erased {
    pub persons: u64,
    pub documents: u64,
    /// Documents kept, restricted, because a law says to keep them (Art. 17(3)(b)).
    pub documents_held: u64,
    pub scores: u64,
    pub consent_descriptions: u64,
    pub transaction_descriptions: u64,
    /// Texts outside the persons' own rows (a saved query, the register, a mailing's
    /// name, another person's note or description) in which their name, address or
    /// number was replaced by `[gewist]`.
    pub texts_redacted: u64,
    /// Of those, the consent records of other persons (the ledger): listed in the
    /// audit entry, since their salt went.
    pub ledger_records_redacted: Vec<i64>,
}

/// Fill `temp.anonymise_ids` with one person.
pub fn select_person(conn: &Connection, person_id: i64) -> Result<()> {
    prepare_ids(conn)?;
    conn.execute(
        "INSERT INTO temp.anonymise_ids (id) VALUES (?1)",
        [person_id],
    )?;
    Ok(())
}

/// Fill `temp.anonymise_ids` with everyone the sweep may erase: no active relation since
/// `cutoff` (`retention::INACTIVE`). Returns how many.
pub fn select_inactive(conn: &Connection, cutoff: &str) -> Result<u64> {
    prepare_ids(conn)?;
    let n = conn
        .execute(
            &format!(
                "INSERT INTO temp.anonymise_ids (id) {}",
                super::retention::INACTIVE
            ),
            [cutoff],
        )
        .context("finding inactive persons")?;
    Ok(n as u64)
}

/// The persons selected, by id.
pub fn selected(conn: &Connection) -> Result<Vec<i64>> {
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

/// A person the sweep (or a hand) would erase, as the dry run lists them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Candidate {
    pub person_id: i64,
    pub name: String,
    pub email: Option<String>,
    /// The last activity: a date, and its kind (`created`, `transaction`,
    /// `own_consent_record`).
    pub last_activity: String,
    pub last_activity_kind: &'static str,
}

/// The selected persons with their last activity, for the listing of a dry run.
pub fn candidates(conn: &Connection) -> Result<Vec<Candidate>> {
    let mut stmt = conn.prepare(
        "SELECT p.id, p.first_name, p.infix, p.last_name, p.email, p.created_at,
                (SELECT max(x.occurred_at) FROM transactions x WHERE x.person_id = p.id),
                (SELECT max(r.recorded_at) FROM consent_records r WHERE r.person_id = p.id AND r.source <> 'rule')
         FROM temp.anonymise_ids i JOIN persons p ON p.id = i.id ORDER BY p.id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            let name: Vec<Option<String>> = vec![r.get(1)?, r.get(2)?, r.get(3)?];
            let mut last = (r.get::<_, String>(5)?, "created");
            for (at, kind) in [
                (r.get::<_, Option<String>>(6)?, "transaction"),
                (r.get::<_, Option<String>>(7)?, "own_consent_record"),
            ] {
                if let Some(at) = at
                    && at > last.0
                {
                    last = (at, kind);
                }
            }
            Ok(Candidate {
                person_id: r.get(0)?,
                name: name
                    .into_iter()
                    .flatten()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" "),
                email: r.get(4)?,
                last_activity: last.0,
                last_activity_kind: last.1,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("listing the persons to anonymise")?;
    Ok(rows)
}

/// What a person's erased value was, for the proof that it is gone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ErasedValue {
    pub text: String,
    /// The table it was held in, to name when it is found again.
    pub table: &'static str,
    /// How many times it may rightly be in the files: where it stays by design (the
    /// organisation's settings, an open erasure to-do for a processor). Found more
    /// often, it is somewhere else too.
    pub allowed: u64,
}

/// The shortest value the byte scan looks for: shorter ones are not distinctive.
const MIN_SCANNED: usize = 6;

/// The values the selected persons hold that nobody else does, read before erasing:
/// the distinctive personal fields (e-mail, full name, phone numbers, IBAN, BSN,
/// street with number) and the free texts of their own rows (descriptions, channels
/// outside the vocabulary, document names), when no other person has the same text.
/// After erasure none of them may be in the files ([`scan_files`]).
pub fn erasable_values(conn: &Connection) -> Result<Vec<ErasedValue>> {
    let ids = "SELECT id FROM temp.anonymise_ids";
    let mut out = std::collections::HashSet::new();
    let add = |out: &mut std::collections::HashSet<ErasedValue>,
               text: Option<String>,
               table: &'static str| {
        if let Some(t) = text.map(|t| t.trim().to_string())
            && t.len() >= MIN_SCANNED
        {
            out.insert(ErasedValue {
                text: t,
                table,
                allowed: 0,
            });
        }
    };
    // The distinctive fields of the persons, then one pass over everyone else: a value
    // another person holds too (a common name, a shared street) is not theirs alone and
    // is not looked for.
    let fields = "lower(p.email), trim(coalesce(p.first_name || ' ', '') || coalesce(p.infix || ' ', '') || coalesce(p.last_name, '')),
                  p.phone, p.mobile, p.iban, p.bsn,
                  trim(coalesce(p.street, '') || ' ' || coalesce(p.house_number, ''))";
    let mut theirs: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut stmt = conn.prepare(&format!(
        "SELECT {fields}, p.email, p.objection_description, p.restriction_reason
         FROM persons p WHERE p.id IN ({ids})"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        for i in 0..7 {
            if let Some(v) = r.get::<_, Option<String>>(i)? {
                let v = v.trim();
                if v.len() >= MIN_SCANNED && !theirs.contains(v) {
                    theirs.insert(v.to_string());
                }
            }
        }
        // The address as stored (its case), and free texts of their own.
        for i in 7..10 {
            add(&mut out, r.get(i)?, "persons");
        }
    }
    drop(rows);
    if !theirs.is_empty() {
        // The columns as stored, put together here as `fields` does (SQLite's
        // concatenations for a million persons cost more than the look-ups).
        let mut stmt = conn.prepare(&format!(
            "SELECT p.email, p.first_name, p.infix, p.last_name, p.phone, p.mobile, p.iban, p.bsn,
                    p.street, p.house_number
             FROM persons p WHERE p.id NOT IN ({ids}) AND p.anonymised_at IS NULL"
        ))?;
        let mut joined = String::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let col =
                |i: usize| -> Result<Option<std::borrow::Cow<'_, str>>> { sql_text(r.get_ref(i)?) };
            if let Some(v) = col(0)? {
                // lower() of SQLite: ASCII letters only.
                joined.clear();
                joined.push_str(&v);
                joined.make_ascii_lowercase();
                theirs.remove(joined.trim());
            }
            let name = sql_name(
                &mut joined,
                &[col(1)?.as_deref(), col(2)?.as_deref()],
                col(3)?.as_deref(),
            );
            theirs.remove(name.trim());
            for i in 4..8 {
                if let Some(v) = col(i)? {
                    theirs.remove(v.trim());
                }
            }
            joined.clear();
            joined.push_str(col(8)?.as_deref().unwrap_or_default());
            joined.push(' ');
            joined.push_str(col(9)?.as_deref().unwrap_or_default());
            theirs.remove(joined.trim_matches(' ').trim());
        }
    }
    for v in &theirs {
        add(&mut out, Some(v.clone()), "persons");
    }
    // An address as stored may differ in case from its lower-case form: it was added
    // above with the free texts; drop it when another person shares it.
    out.retain(|v| {
        v.table != "persons" || !v.text.contains('@') || theirs.contains(&v.text.to_lowercase())
    });
    // Free texts of their own rows that no one else's row has (the generic texts of a
    // web form are everybody's and stay).
    for (table, column, extra) in [
        ("consent_records", "description", "AND r.source <> 'rule'"),
        (
            "consent_records",
            "channel",
            "AND r.source <> 'rule' AND r.channel NOT IN (SELECT code FROM channels)",
        ),
        ("transactions", "description", ""),
        ("documents", "filename", ""),
    ] {
        // Whether someone else holds the same text. File names are mostly unique: the
        // others' are read once (SQLite keeps them in a temporary index), since a
        // correlated NOT EXISTS reads the whole table again for every name of theirs
        // alone (75 s for 4,700 documents at 5 million persons). Descriptions and
        // channels repeat (a form's words, an import's label): NOT EXISTS stops at the
        // first other holder, where reading the others' texts of a ledger of 12 million
        // records would cost more.
        let shared = if table == "documents" {
            format!(
                "r.{column} IN (SELECT o.{column} FROM {table} o
                                WHERE o.person_id NOT IN ({ids}) AND o.{column} IS NOT NULL)"
            )
        } else {
            format!(
                "EXISTS (SELECT 1 FROM {table} o
                         WHERE o.{column} = r.{column} AND o.person_id NOT IN ({ids}))"
            )
        };
        let mut stmt = conn.prepare(&format!(
            "SELECT DISTINCT r.{column} FROM {table} r
             WHERE r.person_id IN ({ids}) AND r.{column} IS NOT NULL {extra}
               AND NOT {shared}"
        ))?;
        let texts = stmt
            .query_map([], |r| r.get::<_, Option<String>>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let table: &'static str = match table {
            "consent_records" => "consent_records",
            "transactions" => "transactions",
            _ => "documents",
        };
        for t in texts {
            add(&mut out, t, table);
        }
    }
    Ok(out.into_iter().collect())
}

/// Values of the selected persons that are inside documents a law says to keep on
/// `today` (a deed names its donor): kept by law, so not looked for by the proof of
/// erasure. Removes them from `values` and returns how many.
pub fn drop_held_values(
    conn: &Connection,
    values: &mut Vec<ErasedValue>,
    today: &str,
) -> Result<u64> {
    let mut stmt = conn.prepare(
        "SELECT d.content FROM document_holds h JOIN documents d ON d.id = h.document_id
         WHERE h.person_id IN (SELECT id FROM temp.anonymise_ids) AND h.held_until > ?1",
    )?;
    let contents = stmt
        .query_map([today], |r| {
            Ok(match r.get_ref(0)? {
                rusqlite::types::ValueRef::Blob(b) | rusqlite::types::ValueRef::Text(b) => {
                    b.to_vec()
                }
                _ => Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<Vec<u8>>>>()
        .context("reading the documents held by law")?;
    if contents.is_empty() {
        return Ok(0);
    }
    // One pass over the contents for all values (not one per value).
    let sources: Vec<std::io::Cursor<Vec<u8>>> =
        contents.into_iter().map(std::io::Cursor::new).collect();
    let hits = count_in(sources, values)?;
    let before = values.len();
    let mut held = hits.into_iter();
    values.retain(|_| held.next().unwrap_or(0) == 0);
    Ok((before - values.len()) as u64)
}

/// Values of the erased persons that rightly stay elsewhere: inside the organisation's
/// own settings (its phone number, its data protection officer's name, when an erased
/// person shares one), and with an erasure to-do for a processor until it is marked
/// done (the processor must find the person to erase them too). The proof still looks
/// for them, but allows as many occurrences as those places hold ([`ErasedValue::allowed`]):
/// one more, and the value is somewhere else too. Returns how many values each place
/// holds.
pub fn allow_values_kept_elsewhere(
    conn: &Connection,
    values: &mut [ErasedValue],
) -> Result<(u64, u64)> {
    let texts = |sql: &str| -> Result<Vec<String>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    };
    let settings = texts("SELECT value FROM settings WHERE value IS NOT NULL")
        .context("reading the settings")?;
    let subjects = texts(
        "SELECT email FROM processor_todo_subjects WHERE email IS NOT NULL
         UNION ALL SELECT name FROM processor_todo_subjects WHERE name IS NOT NULL
         UNION ALL SELECT phone FROM processor_todo_subjects WHERE phone IS NOT NULL",
    )
    .context("reading whom processors must erase")?;
    // Exact values first (a sweep may leave many subjects): a count per text.
    let mut exact: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for s in &subjects {
        *exact.entry(s.as_str()).or_default() += 1;
        for part in s.split("; ").filter(|p| p.len() != s.len()) {
            *exact.entry(part).or_default() += 1;
        }
    }
    let mut kept = (0u64, 0u64);
    for v in values.iter_mut() {
        let in_settings: u64 = settings
            .iter()
            .map(|s| s.matches(v.text.as_str()).count() as u64)
            .sum();
        let for_processors = exact.get(v.text.as_str()).copied().unwrap_or(0);
        if in_settings > 0 {
            kept.0 += 1;
        }
        if for_processors > 0 {
            kept.1 += 1;
        }
        v.allowed = in_settings + for_processors;
    }
    Ok(kept)
}

/// Close the open erasure requests of the selected persons: the erasure (a sweep's too)
/// answers them, with the audit entry `audit_id`. Returns how many.
pub fn answer_erasure_requests(conn: &Connection, audit_id: i64, at: &str) -> Result<u64> {
    let n = conn
        .execute(
            "UPDATE requests SET closed_at = ?2, outcome = 'answered', answered_by = ?1
             WHERE kind = 'erasure' AND closed_at IS NULL
               AND person_id IN (SELECT id FROM temp.anonymise_ids)",
            params![audit_id, at],
        )
        .context("closing the answered erasure requests")?;
    Ok(n as u64)
}

/// Erase the persons of `temp.anonymise_ids`, in the caller's transaction. Documents a
/// law says to keep on `today` (yyyy-mm-dd) are kept, restricted, until their hold ends;
/// everything else that identifies the persons goes. `suppress`: put the erased
/// addresses on the suppression list (anonymise: yes; a merge, whose address lives on
/// in the person kept: no). `step` is called after each statement (a progress bar).
pub fn erase(
    conn: &Connection,
    anonymised_at: &str,
    today: &str,
    suppress: bool,
    step: &mut dyn FnMut(&str),
) -> Result<(Erased, Vec<super::retention::Hold>)> {
    let ids = "SELECT id FROM temp.anonymise_ids";
    let mut erased = Erased::default();
    // The redaction reads every text table once: a smaller page cache keeps the sweep
    // of a million persons within its memory bound, at little cost to a single pass.
    conn.pragma_update(None, "cache_size", -16_384)?;
    let holds = super::retention::holds(conn, today)?;
    // The addresses go on the suppression list first, as keyed hashes: an erased person
    // is not re-subscribed or mailed after a later import of the same address.
    if suppress {
        // Not an address another person still holds (a family's): it lives on with
        // them, and their own opt-ins must still reach it.
        super::suppression::add_persons(
            conn,
            "SELECT i.id FROM temp.anonymise_ids i CROSS JOIN persons p ON p.id = i.id
             WHERE NOT EXISTS (SELECT 1 FROM persons o
                               WHERE o.email IS NOT NULL AND o.email = p.email COLLATE NOCASE
                                 AND o.anonymised_at IS NULL
                                 AND o.id NOT IN (SELECT id FROM temp.anonymise_ids))",
            "erased",
            anonymised_at,
            "anonymise",
        )?;
    }
    // Their names, addresses and numbers in texts that are not theirs alone: a saved
    // query, the register, a mailing called "brief aan <naam>".
    let (texts, records) = redact_shared_texts(conn)?;
    erased.texts_redacted = texts;
    erased.ledger_records_redacted = records;
    step("shared texts");
    let sets: Vec<String> = ERASED_FIELDS
        .iter()
        .map(|f| format!("{f} = NULL"))
        .collect();
    // anonymised_at first: the ledger's trigger allows clearing descriptions only then.
    // A person with documents under a legal hold is restricted until the hold ends.
    erased.persons = conn
        .execute(
            &format!(
                "UPDATE persons SET {}, anonymised_at = ?1,
                     legal_hold_until = (SELECT max(h.held_until) FROM document_holds h
                                         WHERE h.person_id = persons.id AND h.held_until > ?2),
                     restricted_at = CASE WHEN EXISTS (SELECT 1 FROM document_holds h
                                         WHERE h.person_id = persons.id AND h.held_until > ?2)
                                     THEN ?1 END,
                     restriction_reason = CASE WHEN EXISTS (SELECT 1 FROM document_holds h
                                         WHERE h.person_id = persons.id AND h.held_until > ?2)
                                     THEN '{HOLD_REASON}' END
                 WHERE id IN ({ids}) AND anonymised_at IS NULL",
                sets.join(", ")
            ),
            params![anonymised_at, today],
        )
        .context("erasing personal data")? as u64;
    step("personal data");
    erased.documents = conn
        .execute(
            &format!(
                "DELETE FROM documents WHERE person_id IN ({ids})
                   AND id NOT IN (SELECT document_id FROM document_holds WHERE held_until > ?1)"
            ),
            [today],
        )
        .context("deleting documents")? as u64;
    // A held document keeps its bytes (the law asks for the deed itself) but not a name
    // that could name the person.
    erased.documents_held = conn
        .execute(
            &format!(
                "UPDATE documents SET filename = kind || '-' || id ||
                     CASE WHEN instr(filename, '.') > 0
                          THEN '.' || replace(substr(filename, length(rtrim(filename, replace(filename, '.', ''))) + 1), ' ', '')
                          ELSE '' END
                 WHERE person_id IN ({ids})"
            ),
            [],
        )
        .context("renaming held documents")? as u64;
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
    // What was typed about them with an audited command (why their document was
    // removed): the log keeps the entry, not the text.
    conn.execute(
        &format!("DELETE FROM audit_texts WHERE person_id IN ({ids})"),
        [],
    )
    .context("deleting texts typed about them")?;
    // Where their data came from is gone with the data.
    conn.execute(
        &format!("DELETE FROM person_data_sources WHERE person_id IN ({ids})"),
        [],
    )
    .context("deleting the sources of erased data")?;
    // A source no one's data comes from any more goes too: its label may be a channel
    // typed for them ("telefoon, gesproken met …").
    conn.execute(
        "DELETE FROM data_sources WHERE id NOT IN (SELECT source_id FROM person_data_sources)",
        [],
    )
    .context("deleting sources no longer used")?;
    step("sources");
    purge_index_samples(conn)?;
    Ok((erased, holds))
}

/// Why an erased person is still restricted: the law (a fixed text, naming no one).
pub const HOLD_REASON: &str = "Wettelijke bewaarplicht (art. 17 lid 3 sub b AVG)";

/// Replace the selected persons' distinctive values (e-mail, full name, phone numbers,
/// IBAN, BSN) in the texts of tables that are no one's in particular: saved queries,
/// the processing register, mailing names, processors, breaches, settings. Returns the
/// cells changed.
fn redact_shared_texts(conn: &Connection) -> Result<(u64, Vec<i64>)> {
    let full_name = "trim(coalesce(first_name || ' ', '') || coalesce(infix || ' ', '') || coalesce(last_name, ''))";
    let fields = format!(
        "email, {full_name}, trim(coalesce(first_name || ' ', '') || coalesce(last_name, '')), phone, mobile, iban, bsn,
         CASE WHEN street IS NOT NULL AND house_number IS NOT NULL THEN trim(street) || ' ' || trim(house_number) END"
    );
    const N: usize = 8;
    let mut stmt = conn.prepare(&format!(
        "SELECT {fields} FROM persons WHERE id IN (SELECT id FROM temp.anonymise_ids)"
    ))?;
    // A value a person who stays holds too (a family's address, a common name) is not
    // the erased person's alone: texts keep it (removed from the set below).
    let mut theirs: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        for i in 0..N {
            if let Some(v) = r.get_ref(i)?.as_str_or_null()?
                && v.trim().chars().count() >= MIN_SCANNED
            {
                theirs.insert(normalise(v));
            }
        }
    }
    drop(rows);
    if theirs.is_empty() {
        return Ok((0, Vec::new()));
    }
    // For a few persons, SQLite reads only the rows that may hold one of the values (a
    // word of each, in lower case); for a sweep, every row once.
    let person_probes = if theirs.len() <= PROBED_VALUES {
        probes(&theirs.iter().cloned().collect::<Vec<_>>())
    } else {
        None
    };
    let person_text = "lower(coalesce(email, '') || '|' || coalesce(first_name, '') || '|' || coalesce(last_name, '') || '|' || coalesce(phone, '') || '|' || coalesce(mobile, '') || '|' || coalesce(iban, '') || '|' || coalesce(bsn, '') || '|' || coalesce(street, ''))";
    // The columns as stored: the values are put together here, and only for a field
    // whose first word starts one of the values (SQLite's concatenations for a million
    // persons cost more than the rest of the pass).
    let mut stmt = conn.prepare(&format!(
        "SELECT email, first_name, infix, last_name, phone, mobile, iban, bsn, street, house_number
         FROM persons
         WHERE 1{} AND anonymised_at IS NULL AND id NOT IN (SELECT id FROM temp.anonymise_ids)",
        probe_condition(person_text, person_probes.as_deref())
    ))?;
    // A field whose first word starts none of the values cannot be one (one small
    // lower-case word per field instead of the whole field normalised).
    let first_words: std::collections::HashSet<String> = theirs
        .iter()
        .filter_map(|v| v.split(' ').next().map(str::to_string))
        .collect();
    let mut word = String::new();
    let mut held_too = |v: &str, theirs: &mut std::collections::HashSet<String>| {
        if v.trim().chars().count() < MIN_SCANNED {
            return;
        }
        let Some(first) = v.split_whitespace().next() else {
            return;
        };
        word.clear();
        word.extend(first.chars().flat_map(char::to_lowercase));
        if first_words.contains(word.as_str()) {
            theirs.remove(&normalise(v));
        }
    };
    let mut joined = String::new();
    let mut rows = stmt.query(rusqlite::params_from_iter(person_probes.iter().flatten()))?;
    while let Some(r) = rows.next()? {
        let col =
            |i: usize| -> Result<Option<std::borrow::Cow<'_, str>>> { sql_text(r.get_ref(i)?) };
        let (first, infix, last) = (col(1)?, col(2)?, col(3)?);
        // As `fields` puts them together: e-mail, full name, first and last name,
        // phone, mobile, IBAN, BSN, street and number.
        if let Some(v) = col(0)? {
            held_too(&v, &mut theirs);
        }
        let (first, infix, last) = (first.as_deref(), infix.as_deref(), last.as_deref());
        held_too(sql_name(&mut joined, &[first, infix], last), &mut theirs);
        held_too(sql_name(&mut joined, &[first], last), &mut theirs);
        for i in 4..8 {
            if let Some(v) = col(i)? {
                held_too(&v, &mut theirs);
            }
        }
        if let (Some(street), Some(number)) = (col(8)?, col(9)?) {
            joined.clear();
            joined.push_str(street.trim_matches(' '));
            joined.push(' ');
            joined.push_str(number.trim_matches(' '));
            held_too(&joined, &mut theirs);
        }
    }
    drop(rows);
    if theirs.is_empty() {
        return Ok((0, Vec::new()));
    }
    let text_probes = if theirs.len() <= PROBED_VALUES {
        probes(&theirs.iter().cloned().collect::<Vec<_>>())
    } else {
        None
    };
    // The values are normalised already: the finder takes them as they are.
    let finder = Finder::from_normalised(theirs);
    let mut changed = 0u64;
    for (table, column) in shared_text_columns(conn)? {
        // Names come from sqlite_schema, not from input; quoted as identifiers.
        let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        let mut select = conn.prepare(&format!(
            "SELECT rowid, {c} FROM {t} WHERE {c} IS NOT NULL{}",
            probe_condition(&format!("lower({})", q(&column)), text_probes.as_deref()),
            c = q(&column),
            t = q(&table)
        ))?;
        let hits = redacted_rows(&mut select, text_probes.as_deref(), &finder)?;
        for (id, text) in hits {
            let update = format!(
                "UPDATE {t} SET {c} = ?2 WHERE rowid = ?1",
                c = q(&column),
                t = q(&table)
            );
            // A saved query's name is its key: a redacted name another query has
            // already gets a number (`… [gewist] (2)`); rules follow the rename.
            let mut candidate = text.clone();
            let mut n = 1;
            loop {
                match conn.execute(&update, params![id, candidate]) {
                    Ok(_) => break,
                    Err(rusqlite::Error::SqliteFailure(e, _))
                        if e.code == rusqlite::ErrorCode::ConstraintViolation
                            && table == "saved_queries"
                            && n < 100 =>
                    {
                        n += 1;
                        candidate = format!("{text} ({n})");
                    }
                    Err(e) => {
                        return Err(e).with_context(|| format!("erasing a name from {table}"));
                    }
                }
            }
            changed += 1;
        }
    }
    // The suppression list has no rowid: its descriptions by key.
    let mut select = conn.prepare(
        "SELECT hash, reason, description FROM suppressions WHERE description IS NOT NULL",
    )?;
    let hits: Vec<(Vec<u8>, String, String)> = select
        .query_map([], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .filter_map(|r| match r {
            Ok((hash, reason, text)) => finder.redact(&text).map(|t| Ok((hash, reason, t))),
            Err(e) => Some(Err(e)),
        })
        .collect::<rusqlite::Result<_>>()?;
    for (hash, reason, text) in hits {
        conn.execute(
            "UPDATE suppressions SET description = ?3 WHERE hash = ?1 AND reason = ?2",
            params![hash, reason, text],
        )
        .context("erasing a name from the suppression list")?;
        changed += 1;
    }
    // The ledger: another person's record that names them keeps its own words with
    // theirs replaced; its salt goes (the chain's digest stands for the text as it was).
    // A rule's text is the rule's, naming no one.
    let mut select = conn.prepare(&format!(
        "SELECT id, description FROM consent_records
         WHERE description IS NOT NULL{} AND source <> 'rule'
           AND person_id NOT IN (SELECT id FROM temp.anonymise_ids)",
        probe_condition("lower(description)", text_probes.as_deref())
    ))?;
    let hits = redacted_rows(&mut select, text_probes.as_deref(), &finder)?;
    let mut records = Vec::with_capacity(hits.len());
    for (id, text) in hits {
        conn.execute(
            "UPDATE consent_records SET description = ?2 WHERE id = ?1",
            params![id, text],
        )
        .context("erasing a name from another person's consent record")?;
        conn.execute(
            "UPDATE consent_chain SET salt = NULL WHERE record_id = ?1",
            [id],
        )
        .context("erasing the salt of a redacted text")?;
        records.push(id);
        changed += 1;
    }
    Ok((changed, records))
}

/// The rows `select` (rowid, text; bound to `probes`) returns whose text holds one of
/// the finder's values, with the text as it is to be: the values replaced.
fn redacted_rows(
    select: &mut rusqlite::Statement<'_>,
    probes: Option<&[String]>,
    finder: &Finder,
) -> Result<Vec<(i64, String)>> {
    // Texts repeat (a web form's words, an import's label): one known to hold no value
    // is not read again. Bounded, so that a table of distinct texts costs no memory.
    const REMEMBERED: usize = 50_000;
    let mut clean: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut hits = Vec::new();
    let mut rows = select.query(rusqlite::params_from_iter(probes.iter().copied().flatten()))?;
    while let Some(r) = rows.next()? {
        let Some(text) = r.get_ref(1)?.as_str_or_null()? else {
            continue;
        };
        if clean.contains(text) {
            continue;
        }
        match finder.redact(text) {
            Some(t) => hits.push((r.get::<_, i64>(0)?, t)),
            None if clean.len() < REMEMBERED => {
                clean.insert(text.to_string());
            }
            None => {}
        }
    }
    Ok(hits)
}

/// Up to this many values, SQLite itself picks the rows that may hold one ([`probes`]);
/// above (a sweep), every row is read once.
const PROBED_VALUES: usize = 64;

/// For a few values: per value its longest word of ASCII letters and digits in lower
/// case (SQLite's `lower` knows ASCII only), a cheap test a row must pass to hold the
/// value. None when there are many values, or one without such a word of 3 or more.
fn probes(values: &[String]) -> Option<Vec<String>> {
    if values.len() > PROBED_VALUES {
        return None;
    }
    values
        .iter()
        .map(|v| {
            v.split(|c: char| !c.is_ascii_alphanumeric())
                .max_by_key(|w| w.len())
                .filter(|w| w.len() >= 3)
                .map(str::to_ascii_lowercase)
        })
        .collect()
}

/// ` AND (instr(EXPR, ?1) > 0 OR …)` for [`probes`]; nothing without them.
fn probe_condition(expr: &str, probes: Option<&[String]>) -> String {
    match probes {
        Some(p) if !p.is_empty() => format!(
            " AND ({})",
            (1..=p.len())
                .map(|i| format!("instr({expr}, ?{i}) > 0"))
                .collect::<Vec<_>>()
                .join(" OR ")
        ),
        _ => String::new(),
    }
}

/// The text columns where someone else's text may name the erased persons: every table
/// but the evidence kept as it is (the ledger, handled apart; its chain; the audit log),
/// keys, settings and the erasure to-dos' subjects; in `persons`, the free texts of
/// an objection or a restriction of another person. Their own rows are erased anyway.
fn shared_text_columns(conn: &Connection) -> Result<Vec<(String, String)>> {
    const SKIP: &[&str] = &[
        "audit_log",
        // Kept for a processor to erase the person too, until the to-do is done.
        "processor_todo_subjects",
        "consent_chain",
        "consent_records",
        "secrets",
        "suppressions",
        "channels",
        "consent_state",
        "settings",
        "persons",
    ];
    let mut stmt = conn.prepare(
        "SELECT m.name, c.name FROM sqlite_schema m JOIN pragma_table_info(m.name) c
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.sql NOT LIKE '%WITHOUT ROWID%'
           AND upper(c.type) = 'TEXT' AND c.pk = 0
         ORDER BY m.name, c.cid",
    )?;
    let cols_all = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // A saved query's name first (its key; rules follow it by ON UPDATE CASCADE).
    // Columns of times, dates, codes and amounts hold no one's name.
    let coded = |c: &str| {
        c.ends_with("_at")
            || c.ends_with("date")
            || matches!(
                c,
                "kind"
                    | "type"
                    | "source"
                    | "outcome"
                    | "change"
                    | "categories"
                    | "amount"
                    | "code"
                    | "opt_in"
                    | "status"
            )
    };
    let mut cols: Vec<(String, String)> = vec![("saved_queries".into(), "name".into())];
    cols.extend(
        cols_all
            .into_iter()
            .filter(|(t, c)| !SKIP.contains(&t.as_str()) && !coded(c)),
    );
    cols.push(("persons".into(), "objection_description".into()));
    cols.push(("persons".into(), "restriction_reason".into()));
    Ok(cols)
}

/// Finds a person's values in a text and replaces them by `[gewist]`: the text is cut
/// into words (an e-mail address, a phone number and an IBAN stay one word), and every
/// run of up to five words is looked up, case-insensitively, in the set of values. One
/// hash look-up per run, whatever the number of persons erased.
struct Finder {
    values: std::collections::HashSet<String>,
    /// The first word of every value: a run that starts with any other word is no value.
    first_words: std::collections::HashSet<String>,
}

/// What separates words: anything but letters, digits and the characters inside an
/// address or a number.
fn separates(c: char) -> bool {
    !(c.is_alphanumeric() || matches!(c, '@' | '.' | '-' | '+' | '_' | '\''))
}

impl Finder {
    fn from_normalised(values: std::collections::HashSet<String>) -> Self {
        let first_words = values
            .iter()
            .filter_map(|v| v.split(' ').next().map(str::to_string))
            .collect();
        Finder {
            values,
            first_words,
        }
    }

    fn redact(&self, text: &str) -> Option<String> {
        // The words with their byte ranges; a word's trailing dot (end of a sentence)
        // is not part of it.
        let mut words: Vec<(usize, usize)> = Vec::new();
        let mut start = None;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            match (start, separates(c)) {
                (None, false) => start = Some(i),
                (Some(s), true) => {
                    // Quotes around a word (SQL, a quotation) and a sentence's full stop
                    // are not part of it.
                    let lead = text[s..i].len() - text[s..i].trim_start_matches('\'').len();
                    let w = text[s + lead..i].trim_end_matches(['.', '\'']);
                    if !w.is_empty() {
                        words.push((s + lead, s + lead + w.len()));
                    }
                    start = None;
                }
                _ => {}
            }
        }
        let mut cuts: Vec<(usize, usize)> = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let (a, b) = words[i];
            if !self.first_words.contains(&text[a..b].to_lowercase()) {
                i += 1;
                continue;
            }
            let mut matched = None;
            for k in (1..=5.min(words.len() - i)).rev() {
                let run = words[i..i + k]
                    .iter()
                    .map(|(a, b)| &text[*a..*b])
                    .collect::<Vec<_>>()
                    .join(" ");
                if self.values.contains(&normalise(&run)) {
                    matched = Some(k);
                    break;
                }
            }
            match matched {
                Some(k) => {
                    cuts.push((words[i].0, words[i + k - 1].1));
                    i += k;
                }
                None => i += 1,
            }
        }
        if cuts.is_empty() {
            return None;
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (a, b) in cuts {
            out.push_str(&text[at..a]);
            out.push_str("[gewist]");
            at = b;
        }
        out.push_str(&text[at..]);
        Some(out)
    }
}

/// How values and runs of words are compared: lower case, single spaces.
/// A name as SQLite's `trim(coalesce(a || ' ', '') || … || coalesce(last, ''))` puts it
/// together in `fields`, built in `buf` (reused from row to row).
fn sql_name<'b>(buf: &'b mut String, leading: &[Option<&str>], last: Option<&str>) -> &'b str {
    buf.clear();
    for part in leading.iter().flatten() {
        buf.push_str(part);
        buf.push(' ');
    }
    buf.push_str(last.unwrap_or_default());
    buf.trim_matches(' ')
}

/// A value as SQLite's `||` reads it: text as it is, a number as its text.
fn sql_text(v: rusqlite::types::ValueRef<'_>) -> Result<Option<std::borrow::Cow<'_, str>>> {
    use rusqlite::types::ValueRef;
    use std::borrow::Cow;
    Ok(match v {
        ValueRef::Null => None,
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t)),
        ValueRef::Integer(i) => Some(Cow::Owned(i.to_string())),
        ValueRef::Real(f) => Some(Cow::Owned(f.to_string())),
    })
}

fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// For the sweep: documents of anonymised persons whose legal hold ended before `today`
/// are deleted now, and the hold date of those persons follows what is still held.
/// Returns the documents deleted.
pub fn release_expired_holds(conn: &Connection, today: &str) -> Result<u64> {
    let n = conn
        .execute(
            "DELETE FROM documents WHERE id IN (
                 SELECT h.document_id FROM document_holds h JOIN persons p ON p.id = h.person_id
                 WHERE p.anonymised_at IS NOT NULL AND h.held_until <= ?1)",
            [today],
        )
        .context("deleting documents whose retention ended")?;
    // The hold of each erased person follows what is still held (a document's date or
    // its kind's period may have been corrected since).
    conn.execute(
        "UPDATE persons SET
             legal_hold_until = (SELECT max(h.held_until) FROM document_holds h
                                 WHERE h.person_id = persons.id AND h.held_until > ?1),
             restricted_at = CASE WHEN EXISTS (SELECT 1 FROM document_holds h
                                 WHERE h.person_id = persons.id AND h.held_until > ?1)
                             THEN restricted_at END,
             restriction_reason = CASE WHEN EXISTS (SELECT 1 FROM document_holds h
                                 WHERE h.person_id = persons.id AND h.held_until > ?1)
                             THEN restriction_reason END
         WHERE anonymised_at IS NOT NULL AND legal_hold_until IS NOT NULL",
        [today],
    )
    .context("ending legal holds")?;
    Ok(n as u64)
}

/// What the byte scan of the files found.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// How many distinct erased values were looked for.
    pub values: u64,
    /// The tables whose erased values were found in a file, with how many values.
    pub found: Vec<(String, u64)>,
}

impl Scan {
    /// None of the values was found.
    pub fn clean(&self) -> bool {
        self.found.is_empty()
    }
}

/// The proof that erasure reached the disk: read the database file, its write-ahead log
/// and its rollback journal byte by byte and look for every erased value (held in
/// memory since before the erasure). Streams the files in chunks (bounded memory); one
/// hash look-up per byte, after a bitmap that rules out nearly all positions.
///
/// SQLite stores a row's fields one after the other, without a separator: the digits
/// of one person's phone and mobile, or of an IBAN, can spell an erased BSN by chance
/// (43 such coincidences in a sweep of 234,000 persons at 5 million). With `conn`, a
/// value found more often than allowed is looked for once more in the rows of `persons`
/// as SQLite lays them out, and those occurrences are allowed too: only what no live
/// row explains is a finding.
pub fn scan_files(
    db: &std::path::Path,
    values: &[ErasedValue],
    conn: Option<&Connection>,
) -> Result<Scan> {
    let (first, second) = count_in_files(db, values)?;
    let over: Vec<usize> = (0..values.len())
        .filter(|&i| first[i] + second[i] > values[i].allowed)
        .collect();
    let explained = match conn {
        Some(conn) if !over.is_empty() => {
            let suspects: Vec<ErasedValue> = over.iter().map(|&i| values[i].clone()).collect();
            live_occurrences(conn, &suspects)?
        }
        _ => vec![0; over.len()],
    };
    let mut found: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for (k, &i) in over.iter().enumerate() {
        if first[i] + second[i] > values[i].allowed + explained[k] {
            *found.entry(values[i].table).or_default() += 1;
        }
    }
    let mut found: Vec<(String, u64)> =
        found.into_iter().map(|(t, n)| (t.to_string(), n)).collect();
    found.sort();
    Ok(Scan {
        values: values.len() as u64,
        found,
    })
}

/// How often each value occurs in the rows of `persons` laid out as SQLite stores them:
/// the texts of a row one after the other (numbers are stored in binary).
fn live_occurrences(conn: &Connection, values: &[ErasedValue]) -> Result<Vec<u64>> {
    let matcher = Matcher::new(values);
    let mut hits = vec![0u64; values.len()];
    let mut stmt = conn.prepare("SELECT * FROM persons")?;
    let columns = stmt.column_count();
    let mut rows = stmt.query([])?;
    let mut row_bytes = Vec::new();
    while let Some(r) = rows.next()? {
        row_bytes.clear();
        for i in 0..columns {
            match r.get_ref(i)? {
                rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                    row_bytes.extend_from_slice(t)
                }
                _ => {}
            }
        }
        matcher.count_slice(&row_bytes, &mut hits);
    }
    Ok(hits)
}

/// How often each value is in the database file and its -wal and -journal files: the
/// counts of the first halves of the files and those of the second halves.
fn count_in_files(db: &std::path::Path, values: &[ErasedValue]) -> Result<(Vec<u64>, Vec<u64>)> {
    let mut files = Vec::new();
    for suffix in ["", "-wal", "-journal"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let p = std::path::PathBuf::from(p);
        if p.exists() {
            let open = || {
                std::fs::File::open(&p)
                    .with_context(|| format!("reading {} for the proof of erasure", p.display()))
            };
            let len = open()?.metadata()?.len();
            files.push((open()?, open()?, len));
        }
    }
    // Two cores: each reads half of every file. A match is counted by the half it
    // starts in; the first half reads on past its end for matches that cross it, the
    // second starts one byte early for the rule on numbers.
    let matcher = Matcher::new(values);
    let overlap = (matcher.longest as u64).saturating_sub(1);
    let (first, second) = std::thread::scope(|scope| -> Result<_> {
        let (firsts, seconds): (Vec<_>, Vec<_>) = files
            .into_iter()
            .map(|(a, b, len)| ((a, len), (b, len)))
            .unzip();
        let matcher = &matcher;
        let later = scope.spawn(move || -> Result<Vec<u64>> {
            use std::io::{Seek, SeekFrom};
            let mut hits = vec![0u64; values.len()];
            for (mut f, len) in seconds {
                let mid = len / 2;
                let lead = u64::from(mid > 0);
                f.seek(SeekFrom::Start(mid - lead))?;
                matcher.count(f, lead, u64::MAX, &mut hits)?;
            }
            Ok(hits)
        });
        let mut hits = vec![0u64; values.len()];
        for (f, len) in firsts {
            let mid = len / 2;
            matcher.count(std::io::Read::take(f, mid + overlap), 0, mid, &mut hits)?;
        }
        let theirs = later
            .join()
            .map_err(|_| anyhow::anyhow!("the proof of erasure stopped unexpectedly"))??;
        Ok((hits, theirs))
    })?;
    Ok((first, second))
}

/// How often each value occurs in the bytes of `sources`.
fn count_in<R: std::io::Read>(sources: Vec<R>, values: &[ErasedValue]) -> Result<Vec<u64>> {
    let matcher = Matcher::new(values);
    let mut hits = vec![0u64; values.len()];
    for f in sources {
        matcher.count(f, 0, u64::MAX, &mut hits)?;
    }
    Ok(hits)
}

/// The first bytes of a value that the bitmap is keyed on (the shortest value).
const KEY: usize = MIN_SCANNED;
/// The size of the bitmap that rules out nearly all positions (2^BITS bits: 256 KiB,
/// small enough to stay in a core's cache).
const BITS: u32 = 21;
/// Values of at least WIDE bytes are looked up by their first WIDE bytes, those of
/// 2 * WIDE or more by their first 2 * WIDE: numbers and names that share a start
/// (06-numbers, "Jan de …", an IBAN's bank) are not each compared wherever it occurs.
const WIDE: usize = 8;

/// A map from keys that are well mixed already (bytes of values): no SipHash.
type KeyMap<K> = std::collections::HashMap<K, Vec<usize>, std::hash::BuildHasherDefault<KeyHasher>>;

#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        // A product's low bits depend on the key's low bits only (its first bytes, the
        // same for every 06-number): the high bits are folded in, as the table indexes
        // by the low ones.
        self.0 ^ (self.0 >> 32)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u64(&mut self, k: u64) {
        self.0 = (self.0.rotate_left(23) ^ k).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Finds many values in a stream of bytes, read in chunks (bounded memory): a bitmap
/// on each position's first bytes rules out nearly all positions, then one hash look-up.
struct Matcher<'v> {
    patterns: Vec<&'v [u8]>,
    bitmap: Vec<u64>,
    /// Values by their first KEY bytes (shorter than WIDE), their first WIDE bytes
    /// (shorter than 2 * WIDE), or their first 2 * WIDE bytes.
    by_key: KeyMap<u64>,
    by_wide: KeyMap<u64>,
    by_two_wide: KeyMap<(u64, u64)>,
    longest: usize,
    /// How many bytes are read at a time.
    chunk: usize,
}

/// The first `n` (at most 8) bytes of `b` as a number.
fn key_of(b: &[u8], n: usize) -> u64 {
    let mut k = [0u8; 8];
    k[..n].copy_from_slice(&b[..n]);
    u64::from_le_bytes(k)
}

fn slot(k: u64) -> usize {
    (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BITS)) as usize
}

impl<'v> Matcher<'v> {
    fn new(values: &'v [ErasedValue]) -> Self {
        let patterns: Vec<&[u8]> = values.iter().map(|v| v.text.as_bytes()).collect();
        let mut m = Matcher {
            longest: patterns.iter().map(|p| p.len()).max().unwrap_or(KEY),
            bitmap: vec![0u64; (1 << BITS) / 64],
            chunk: 2 << 20,
            by_key: Default::default(),
            by_wide: Default::default(),
            by_two_wide: Default::default(),
            patterns,
        };
        for (i, p) in m.patterns.iter().enumerate() {
            if p.len() < KEY {
                continue;
            }
            let s = slot(key_of(p, KEY));
            m.bitmap[s / 64] |= 1 << (s % 64);
            if p.len() >= 2 * WIDE {
                m.by_two_wide
                    .entry((key_of(p, WIDE), key_of(&p[WIDE..], WIDE)))
                    .or_default()
                    .push(i);
            } else if p.len() >= WIDE {
                m.by_wide.entry(key_of(p, WIDE)).or_default().push(i);
            } else {
                m.by_key.entry(key_of(p, KEY)).or_default().push(i);
            }
        }
        m
    }

    /// Add to `hits` the matches that start at a position p of `f` with
    /// `lead <= p < limit` (the bytes before `lead` are there for the rule on numbers).
    fn count<R: std::io::Read>(
        &self,
        mut f: R,
        lead: u64,
        limit: u64,
        hits: &mut [u64],
    ) -> Result<()> {
        let mut buf = vec![0u8; self.chunk + self.longest];
        // `kept` bytes of the previous chunk stay in front, so that a value across the
        // boundary is found; `base` is the position of buf[0] in the stream.
        let mut kept = 0usize;
        let mut base = 0u64;
        loop {
            let n = f.read(&mut buf[kept..kept + self.chunk])?;
            if n == 0 {
                break;
            }
            // A match lying wholly in the bytes kept from the chunk before was counted.
            let counted = kept;
            let len = kept + n;
            let window = &buf[..len];
            let from = lead.saturating_sub(base).min(len as u64) as usize;
            let until = limit.saturating_sub(base).min(len as u64) as usize;
            self.scan_window(window, from, until, counted, hits);
            // Keep the last longest-1 bytes for the next chunk.
            let keep = (self.longest - 1).min(len);
            buf.copy_within(len - keep..len, 0);
            base += (len - keep) as u64;
            kept = keep;
        }
        Ok(())
    }

    /// Count the matches in `window` that start at from <= i < until and do not lie
    /// wholly in its first `counted` bytes (counted with the window before).
    fn scan_window(
        &self,
        window: &[u8],
        from: usize,
        until: usize,
        counted: usize,
        hits: &mut [u64],
    ) {
        let empty: &[usize] = &[];
        let len = window.len();
        for i in from..until.min((len + 1).saturating_sub(KEY)) {
            let rest = &window[i..];
            let s = slot(key_of(rest, KEY));
            if self.bitmap[s / 64] & (1 << (s % 64)) == 0 {
                continue;
            }
            let short = if self.by_key.is_empty() {
                empty
            } else {
                self.by_key
                    .get(&key_of(rest, KEY))
                    .map_or(empty, Vec::as_slice)
            };
            let wide = if rest.len() >= WIDE {
                self.by_wide
                    .get(&key_of(rest, WIDE))
                    .map_or(empty, Vec::as_slice)
            } else {
                empty
            };
            let two_wide = if rest.len() >= 2 * WIDE {
                self.by_two_wide
                    .get(&(key_of(rest, WIDE), key_of(&rest[WIDE..], WIDE)))
                    .map_or(empty, Vec::as_slice)
            } else {
                empty
            };
            for &c in short.iter().chain(wide).chain(two_wide) {
                let p = self.patterns[c];
                if rest.len() >= p.len() && i + p.len() > counted && &rest[..p.len()] == p {
                    hits[c] += 1;
                }
            }
        }
    }

    /// Add the matches in `bytes` to `hits`.
    fn count_slice(&self, bytes: &[u8], hits: &mut [u64]) {
        self.scan_window(bytes, 0, bytes.len(), 0, hits);
    }
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

#[cfg(test)]
mod tests {
    use super::{ErasedValue, count_in, count_in_files, scan_files};
    use rusqlite::Connection;

    /// A person to erase whose full name another person holds as first and last name,
    /// and whose street and number a housemate has: texts keep those, and lose the
    /// number only the erased person had. For one person (SQLite picks the rows) and
    /// for a sweep of many (every row read).
    #[test]
    fn values_a_person_who_stays_holds_too_are_kept_in_texts() {
        for others_erased in [0, 40] {
            let mut conn = Connection::open_in_memory().unwrap();
            crate::db::migrate::migrate(&mut conn).unwrap();
            crate::db::defaults::ensure(&conn).unwrap();
            conn.execute_batch(
                "INSERT INTO persons (id, created_at, first_name, infix, last_name, street, house_number, mobile, email, bsn)
                 VALUES (1, '2020-01-01T00:00:00Z', 'Mirjam', NULL, 'Peters', ' Schoolstraat', '182 ', '0612349876', 'Mirjam@Example.nl', '123456782'),
                        (2, '2020-01-01T00:00:00Z', 'Mirjam', 'van', 'Peters', 'Schoolstraat ', ' 182', NULL, ' mirjam@example.nl', 123456782),
                        (3, '2020-01-01T00:00:00Z', 'Kees', NULL, 'Bakker', NULL, NULL, NULL, NULL, NULL);
                 INSERT INTO contact_moments (name, sent_at, channel) VALUES
                     ('Brief aan Mirjam Peters, Schoolstraat 182, tel 0612349876', '2026-01-01T00:00:00Z', 'brief');
                 CREATE TEMP TABLE anonymise_ids (id INTEGER PRIMARY KEY);
                 INSERT INTO temp.anonymise_ids VALUES (1);",
            )
            .unwrap();
            for i in 0..others_erased {
                conn.execute(
                    "INSERT INTO persons (id, created_at, first_name, last_name, mobile) VALUES (?1, '2020-01-01T00:00:00Z', 'Naam', ?2, ?3)",
                    rusqlite::params![100 + i, format!("Achternaam{i}"), format!("06{:08}", 7000 + i)],
                )
                .unwrap();
                conn.execute("INSERT INTO temp.anonymise_ids VALUES (?1)", [100 + i])
                    .unwrap();
            }
            // The proof looks for what only the erased person held: not the address or
            // the BSN the housemate has too (the address in another case, the number
            // stored as a number).
            let values: Vec<String> = super::erasable_values(&conn)
                .unwrap()
                .into_iter()
                .map(|v| v.text)
                .collect();
            assert!(values.contains(&"0612349876".to_string()), "{values:?}");
            assert!(values.contains(&"Mirjam Peters".to_string()), "{values:?}");
            assert!(
                !values.iter().any(|v| v.to_lowercase().contains("mirjam@")),
                "{values:?}"
            );
            assert!(!values.contains(&"123456782".to_string()), "{values:?}");
            let (changed, _) = super::redact_shared_texts(&conn).unwrap();
            assert_eq!(changed, 1);
            let name: String = conn
                .query_row("SELECT name FROM contact_moments", [], |r| r.get(0))
                .unwrap();
            assert_eq!(
                name, "Brief aan Mirjam Peters, Schoolstraat 182, tel [gewist]",
                "{others_erased} others erased"
            );
        }
    }

    /// Erased values of persons, none allowed anywhere.
    fn erased(texts: &[&str]) -> Vec<ErasedValue> {
        texts
            .iter()
            .map(|t| ErasedValue {
                text: t.to_string(),
                table: "persons",
                allowed: 0,
            })
            .collect()
    }

    fn found(file: &[u8], value: &str) -> bool {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("crm.sqlite");
        std::fs::write(&db, file).unwrap();
        !scan_files(&db, &erased(&[value]), None).unwrap().clean()
    }

    /// The two halves together count what one pass over the file counts, wherever a
    /// value lies: across the middle, at either end, a number right after a digit.
    #[test]
    fn the_halves_count_as_one_pass() {
        let values = erased(&["209733020", "jan@example.nl", "Jan de Vries"]);
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("crm.sqlite");
        for len in [0usize, 1, 9, 20, 41] {
            for at in 0..=len {
                for v in ["209733020", "1209733020", "jan@example.nl", "Jan de Vries"] {
                    let mut file = vec![b'.'; len];
                    file.splice(at..at, v.bytes());
                    std::fs::write(&db, &file).unwrap();
                    let (a, b) = count_in_files(&db, &values).unwrap();
                    let both: Vec<u64> = a.iter().zip(&b).map(|(a, b)| a + b).collect();
                    let one = count_in(vec![file.as_slice()], &values).unwrap();
                    assert_eq!(both, one, "{v} at {at} of {len}");
                    // A number inside a longer one counts too (see live_occurrences).
                    assert_eq!(one.iter().sum::<u64>(), 1);
                }
            }
        }
    }

    /// Read in chunks of a few bytes, with a range to count in: every match starting in
    /// the range is counted once, also where it crosses a chunk's end.
    #[test]
    fn chunks_and_ranges_count_each_match_once() {
        let values = erased(&["209733020", "Jan de Vries"]);
        let text: &[u8] = b"xx209733020.Jan de Vries..1209733020Jan de Vries209733020Jan de Vries.";
        let starts: Vec<(usize, usize)> = (0..text.len())
            .flat_map(|i| {
                values.iter().enumerate().filter_map(move |(c, v)| {
                    let p = v.text.as_bytes();
                    (text.len() >= i + p.len() && &text[i..i + p.len()] == p).then_some((i, c))
                })
            })
            .collect();
        for chunk in [1, 2, 5, 13, 64] {
            for lead in 0..text.len() as u64 {
                for limit in [lead, lead + 7, text.len() as u64, u64::MAX] {
                    let mut m = super::Matcher::new(&values);
                    m.chunk = chunk;
                    let mut hits = vec![0u64; values.len()];
                    m.count(text, lead, limit, &mut hits).unwrap();
                    let mut want = vec![0u64; values.len()];
                    for &(i, c) in &starts {
                        if (i as u64) >= lead && (i as u64) < limit {
                            want[c] += 1;
                        }
                    }
                    assert_eq!(hits, want, "chunk {chunk}, range {lead}..{limit}");
                }
            }
        }
    }

    #[test]
    fn a_value_is_found_anywhere_and_a_live_row_that_spells_it_is_allowed() {
        // A BSN in a text, where a field of letters ends, or inside other digits: the
        // bytes alone cannot tell a coincidence from a copy.
        assert!(found(b"Schenker: Koen\nBSN: 209733020\n", "209733020"));
        assert!(found(b"RABO209733020", "209733020"));
        assert!(found(b"NL08RABO02097330201994-01-15", "209733020"));
        assert!(found(b"xxJan de Vries", "Jan de Vries"));
        // In a database: a live person's IBAN and birth date, stored one after the
        // other, spell the erased number: allowed. The same digits in a mailing's name
        // are not explained by any person's row: found.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crm.sqlite");
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        crate::db::migrate::migrate(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO persons (id, created_at, iban, birth_date)
                 VALUES (1, '2020-01-01T00:00:00Z', 'NL08RABO0209733020', '1994-01-15');",
        )
        .unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").ok();
        let bsn = erased(&["209733020"]);
        assert!(!scan_files(&path, &bsn, None).unwrap().clean());
        assert!(scan_files(&path, &bsn, Some(&conn)).unwrap().clean());
        conn.execute_batch(
            "INSERT INTO contact_moments (name, sent_at, channel) VALUES ('lijst 3209733020', '2026-01-01T00:00:00Z', 'brief');
             PRAGMA wal_checkpoint(TRUNCATE);",
        )
        .unwrap();
        assert!(!scan_files(&path, &bsn, Some(&conn)).unwrap().clean());
        // Allowed occurrences (kept for a processor) are not a finding; one more is.
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("crm.sqlite");
        std::fs::write(&db, b"jan@example.nl .. jan@example.nl").unwrap();
        let v = |allowed| ErasedValue {
            text: "jan@example.nl".into(),
            table: "persons",
            allowed,
        };
        assert!(scan_files(&db, &[v(2)], None).unwrap().clean());
        assert!(!scan_files(&db, &[v(1)], None).unwrap().clean());
    }
}
