//! The right of access (Art. 15 GDPR, manual §1.11): everything held on one person,
//! gathered once into an [`AccessReport`] and rendered as a PDF ([`pdf`]) or as JSON
//! for data portability (Art. 20).
//!
//! Complete by construction: every table with a `person_id` column reaches the report.
//! The tables this module knows get their own section; any other table (one added
//! later) is gathered generically into [`AccessReport::other`], so it cannot be left
//! out silently. Only what applies to the person is told: the register activities that
//! use categories of data the person has, and where each category came from.
//!
//! [`package`] writes the whole answer (PDF, JSON, documents) as a directory or an
//! encrypted zip. [`report`] renders the privacy officer's report in the same layout.
pub mod labels;
pub mod layout;
pub mod package;
pub mod pdf;
pub mod report;

use crate::db::{breaches, consent, persons, register, requests, settings, sources};
use anyhow::{Context, Result};
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use serde::Serialize;

/// The tables with a person_id column that have a section of their own.
pub const KNOWN_TABLES: &[(&str, &str)] = &[
    ("consent_records", "history"),
    (
        "consent_state",
        "preferences (the newest record of history, per type)",
    ),
    ("transactions", "transactions"),
    ("contact_moment_recipients", "mailings"),
    ("documents", "documents"),
    ("scores", "scores"),
    ("audit_log", "processing"),
    (
        "audit_texts",
        "processing (the reason typed with an entry, as its note)",
    ),
    ("person_data_sources", "sources"),
    ("requests", "requests"),
    ("breach_persons", "breaches"),
    ("processor_todos", "notices"),
];

/// The version of the JSON of the access answer (`gegevens.json`, `--format json`):
/// raised when a key changes meaning or goes. 2: controller, status, categories,
/// sources, documents' package files; only the register activities that apply.
/// 3: `person.mailable` by the rule of `person show` (an address on the suppression
/// list is not mailed), `status.not_mailable_because`, `suppressions`.
/// 4: `requests`, `breaches` and `notices` (Art. 19) in words of their own instead of
/// `other`; a document's `package_file` names it by its id only
/// (`documenten/document-<id>.<ext>`), its name stays in `filename`.
pub const FORMAT_VERSION: u32 = 4;

/// A transaction of the standard transactional model.
#[derive(Debug, Clone, Serialize)]
pub struct Transaction {
    pub id: i64,
    pub kind: String,
    pub occurred_at: String,
    pub description: Option<String>,
    pub amount: String,
}

/// A mailing the person received.
#[derive(Debug, Clone, Serialize)]
pub struct Mailing {
    pub id: i64,
    pub name: String,
    pub sent_at: String,
    pub channel: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// A breach of security that involved the person's data (Art. 33(5)), as the register
/// holds it; not who recorded it (a staff member) nor the internal query that found the
/// persons.
#[derive(Debug, Clone, Serialize)]
pub struct Breach {
    pub id: i64,
    pub discovered_at: String,
    pub description: String,
    /// The categories of data involved (codes of `register::CATEGORIES`).
    pub categories: Vec<String>,
    /// How many persons were involved.
    pub persons: Option<i64>,
    /// When the Autoriteit Persoonsgegevens was told (Art. 33(1)).
    pub reported_to_ap_at: Option<String>,
    /// Why the AP need not be told.
    pub ap_not_required: Option<String>,
    /// Whether the persons were told (Art. 34); null: not decided yet.
    pub notified_persons: Option<bool>,
    pub measures: Option<String>,
    /// The breach's status at the time of the answer (`breach list`).
    pub status: String,
}

/// A recipient (processor) to be told, or told, of a change to the person's data
/// (Art. 19).
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub id: i64,
    pub processor_id: i64,
    pub recipient: String,
    /// `erasure`, `rectification`, `restriction` or `restriction_lifted`.
    pub change: String,
    /// The categories of data the change touched (codes of `register::CATEGORIES`).
    pub categories: Vec<String>,
    pub created_at: String,
    /// When the recipient was told; null: not yet.
    pub done_at: Option<String>,
}

/// The codes of a comma-separated list of categories.
fn codes(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// A document held for the person (not its bytes: those are in the package, under
/// `package_file`).
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub id: i64,
    pub kind: String,
    pub filename: String,
    pub created_at: String,
    pub document_date: Option<String>,
    pub size_bytes: i64,
    /// Where the access package holds its content: `documenten/document-<id>.<ext>`.
    pub package_file: String,
    /// Until when the law says to keep it (its kind's retention period), if it does.
    pub held_until: Option<String>,
}

/// The name under which a document's content goes in the package: `document-<id>` with
/// the extension of its file name (letters and digits, at most 8), so that it opens
/// with the right program. Never the file name itself: the names of a zip's entries
/// can be read without its password, and "akte-jansen.pdf" names the person and the
/// document (the name is in `gegevens.json`, inside).
pub fn package_file(id: i64, filename: &str) -> String {
    let ext = filename
        .rsplit_once('.')
        .map(|(stem, ext)| (stem, ext.to_ascii_lowercase()))
        .filter(|(stem, ext)| {
            !stem.trim_start_matches('.').is_empty()
                && (1..=8).contains(&ext.len())
                && ext.bytes().all(|b| b.is_ascii_alphanumeric())
        })
        .map(|(_, ext)| format!(".{ext}"))
        .unwrap_or_default();
    format!("documenten/document-{id}{ext}")
}

/// Restriction, objection and legal hold: what limits the processing of the person.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Status {
    pub restricted_at: Option<String>,
    pub restriction_reason: Option<String>,
    pub objected_at: Option<String>,
    pub legal_hold_until: Option<String>,
    /// Why we do not e-mail the person, as the codes of `person show` (empty: we may);
    /// `person.mailable` is true exactly when this is empty.
    pub not_mailable_because: Vec<String>,
}

/// An entry of the suppression list for the person's address: kept as a keyed hash of
/// the address (not the address itself), so that it outlives an erasure.
#[derive(Debug, Clone, Serialize)]
pub struct Suppression {
    /// `unsubscribed_all`, `objection`, `hard_bounce`, `complaint`, `erased`,
    /// `deceased` or `manual`.
    pub reason: String,
    pub since: String,
    /// What put it there (a command or an import).
    pub source: String,
    pub description: Option<String>,
}

/// Words for the codes of the person's data: consent type labels and channel labels.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// code → label (as the organisation named the type).
    pub types: Vec<(String, String)>,
    /// code → (Dutch, English, whether the person acts there themselves).
    pub channels: Vec<(String, String, String, bool)>,
}

/// Profiling results.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    pub recency_days: i64,
    pub frequency: i64,
    pub monetary: String,
    pub r_score: i64,
    pub f_score: i64,
    pub m_score: i64,
    pub rfm: String,
    pub computed_at: String,
}

/// A processing of the person's data recorded in the audit log (the staff member who
/// did it is not named: that is their personal data, not the data subject's).
#[derive(Debug, Clone, Serialize)]
pub struct Processing {
    pub at: String,
    pub command: String,
    /// The reason typed with it about this person (why their document was removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Rows of a table this module has no section for.
#[derive(Debug, Clone, Serialize)]
pub struct OtherTable {
    pub table: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
}

/// Everything held on one person.
#[derive(Debug, Clone, Serialize)]
pub struct AccessReport {
    pub format_version: u32,
    pub organisation: String,
    /// The controller's contact details and privacy officer (settings).
    pub controller: settings::Controller,
    pub generated_at: String,
    pub person: persons::Person,
    pub status: Status,
    /// The suppression list's entries for the person's address: addresses we never
    /// mail (data we keep about the person).
    pub suppressions: Vec<Suppression>,
    pub preferences: Vec<consent::Preference>,
    pub history: Vec<consent::ConsentRecord>,
    pub transactions: Vec<Transaction>,
    pub mailings: Vec<Mailing>,
    pub documents: Vec<Document>,
    pub scores: Option<Score>,
    /// Whether profiling takes place for this person now.
    pub profiling: bool,
    /// The categories of data held on the person (codes of `register::CATEGORIES`).
    pub categories: Vec<String>,
    /// Where categories of the data came from, as recorded (oldest first).
    pub sources: Vec<sources::PersonSource>,
    /// Since when sources are recorded: data of before has none.
    pub sources_recorded_since: Option<String>,
    pub processing: Vec<Processing>,
    /// The activities of the processing register that concern the person
    /// (`register::applies_to`: an activity that names no categories concerns everyone).
    pub register: Vec<register::Purpose>,
    /// How long each category of data is kept (`retention list`).
    pub retention: Vec<crate::db::retention::Retention>,
    /// The person's requests (Art. 12(3)), oldest first, with their status on the day
    /// of the answer in the organisation's time zone (`request list`).
    pub requests: Vec<requests::Request>,
    /// The breaches that involved the person's data, oldest discovery first.
    pub breaches: Vec<Breach>,
    /// The recipients to be told, or told, of a change to the person's data (Art. 19).
    pub notices: Vec<Notice>,
    /// Tables this document has no section for, row by row.
    pub other: Vec<OtherTable>,
    #[serde(skip)]
    pub vocabulary: Vocabulary,
}

fn all<T>(
    conn: &Connection,
    sql: &str,
    id: i64,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt
        .query_map([id], f)?
        .collect::<rusqlite::Result<Vec<T>>>()?;
    Ok(rows)
}

/// Tables with a person_id column, from the schema itself.
pub fn tables_with_person_id(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT m.name FROM sqlite_schema m
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
           AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'person_id')
         ORDER BY m.name",
    )?;
    let rows = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(rows)
}

fn text_of(v: ValueRef<'_>) -> Option<String> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Some(format!("<{} bytes>", b.len())),
    }
}

/// Gather everything held on a person, in one read transaction.
pub fn gather(conn: &Connection, person_id: i64, generated_at: &str) -> Result<AccessReport> {
    let tx = conn
        .unchecked_transaction()
        .context("starting a read transaction")?;
    let mut person = persons::load(&tx, person_id)?;
    // Mailable by the one rule of `person show`: the suppression list counts.
    let not_mailable: Vec<String> = persons::not_mailable_because(&tx, person_id)?
        .into_iter()
        .map(str::to_string)
        .collect();
    person.mailable = not_mailable.is_empty();
    let suppressions = crate::db::suppression::entries_for_person(&tx, person_id)?
        .into_iter()
        .map(|s| Suppression {
            reason: s.reason,
            since: s.since,
            source: s.source,
            description: s.description,
        })
        .collect();
    let preferences = consent::current(&tx, person_id)?;
    let history = consent::history(&tx, person_id)?;
    let transactions = all(
        &tx,
        "SELECT id, kind, occurred_at, description, amount FROM transactions WHERE person_id = ?1 ORDER BY occurred_at, id",
        person_id,
        |r| {
            Ok(Transaction {
                id: r.get(0)?,
                kind: r.get(1)?,
                occurred_at: r.get(2)?,
                description: r.get(3)?,
                amount: r.get(4)?,
            })
        },
    )?;
    let mailings = all(
        &tx,
        "SELECT m.id, m.name, m.sent_at, m.channel, m.type FROM contact_moment_recipients x
         JOIN contact_moments m ON m.id = x.contact_moment_id WHERE x.person_id = ?1 ORDER BY m.sent_at, m.id",
        person_id,
        |r| Ok(Mailing { id: r.get(0)?, name: r.get(1)?, sent_at: r.get(2)?, channel: r.get(3)?, kind: r.get(4)? }),
    )?;
    let documents = all(
        &tx,
        "SELECT d.id, d.kind, d.filename, d.created_at, d.document_date, length(d.content), h.held_until
         FROM documents d LEFT JOIN document_holds h ON h.document_id = d.id
         WHERE d.person_id = ?1 ORDER BY d.created_at, d.id",
        person_id,
        |r| {
            let id = r.get(0)?;
            let filename: String = r.get(2)?;
            Ok(Document {
                id,
                kind: r.get(1)?,
                package_file: package_file(id, &filename),
                filename,
                created_at: r.get(3)?,
                document_date: r.get(4)?,
                size_bytes: r.get(5)?,
                held_until: r.get(6)?,
            })
        },
    )?;
    let scores = all(
        &tx,
        "SELECT recency_days, frequency, monetary, r_score, f_score, m_score, rfm, computed_at FROM scores WHERE person_id = ?1",
        person_id,
        |r| {
            Ok(Score {
                recency_days: r.get(0)?,
                frequency: r.get(1)?,
                monetary: r.get(2)?,
                r_score: r.get(3)?,
                f_score: r.get(4)?,
                m_score: r.get(5)?,
                rfm: r.get(6)?,
                computed_at: r.get(7)?,
            })
        },
    )?
    .into_iter()
    .next();
    // The one definition of who may be profiled (schema.sql).
    let profiling: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM profiling_allowed WHERE person_id = ?1)",
        [person_id],
        |r| r.get(0),
    )?;
    let status = tx.query_row(
        "SELECT restricted_at, restriction_reason, objected_at, legal_hold_until FROM persons WHERE id = ?1",
        [person_id],
        |r| {
            Ok(Status {
                restricted_at: r.get(0)?,
                restriction_reason: r.get(1)?,
                objected_at: r.get(2)?,
                legal_hold_until: r.get(3)?,
                not_mailable_because: not_mailable.clone(),
            })
        },
    )?;
    let categories: Vec<String> = register::person_categories(&tx, person_id)?
        .into_iter()
        .map(str::to_string)
        .collect();
    let vocabulary = Vocabulary {
        types: all(
            &tx,
            "SELECT code, label FROM consent_types WHERE ?1 = ?1 ORDER BY code",
            person_id,
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?,
        channels: all(
            &tx,
            "SELECT code, label_nl, label_en, person_given FROM channels WHERE ?1 = ?1 ORDER BY code",
            person_id,
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?,
    };
    let processing = all(
        &tx,
        "SELECT at, command,
                (SELECT t.text FROM audit_texts t WHERE t.audit_id = audit_log.id AND t.person_id = ?1)
         FROM audit_log
         WHERE person_id = ?1 OR (details IS NOT NULL AND json_valid(details)
               AND EXISTS (SELECT 1 FROM json_each(audit_log.details, '$.person_ids') WHERE value = ?1))
         ORDER BY id",
        person_id,
        |r| {
            Ok(Processing {
                at: r.get(0)?,
                command: r.get(1)?,
                note: r.get(2)?,
            })
        },
    )?;
    let register = register::list(&tx)?
        .into_iter()
        .filter(|p| {
            let held: Vec<&str> = categories.iter().map(String::as_str).collect();
            register::applies_to(&p.categories, &held)
        })
        .collect();
    // Every other table with a person_id column, whatever it holds.
    let mut other = Vec::new();
    for table in tables_with_person_id(&tx)? {
        if KNOWN_TABLES.iter().any(|(t, _)| *t == table) {
            continue;
        }
        // The name comes from sqlite_schema, not from input; quoted as an identifier.
        let mut stmt = tx.prepare(&format!(
            "SELECT * FROM \"{}\" WHERE person_id = ?1",
            table.replace('"', "\"\"")
        ))?;
        let columns: Vec<String> = stmt.column_names().map(str::to_string).collect();
        let n = columns.len();
        let rows = stmt
            .query_map([person_id], |r| {
                (0..n)
                    .map(|i| r.get_ref(i).map(text_of))
                    .collect::<rusqlite::Result<Vec<_>>>()
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if !rows.is_empty() {
            other.push(OtherTable {
                table,
                columns,
                rows,
            });
        }
    }
    // The status of a request is that of the organisation's day (db::requests).
    let now = crate::rules::time::parse_stored(generated_at)
        .ok_or_else(|| anyhow::anyhow!("not a stored time: {generated_at}"))?;
    let requests = requests::list(
        &tx,
        requests::Filter {
            person_id: Some(person_id),
            ..requests::Filter::default()
        },
        now,
        settings::time_zone(&tx)?,
    )?;
    let breaches = {
        let mut stmt = tx.prepare(&format!(
            "SELECT b.id, b.discovered_at, b.description, b.categories, b.persons,
                    b.reported_to_ap_at, b.ap_not_required, b.notified_persons, b.measures,
                    {} AS status
             FROM breaches b JOIN breach_persons x ON x.breach_id = b.id
             WHERE x.person_id = :person ORDER BY b.discovered_at, b.id",
            breaches::status_sql()
        ))?;
        stmt.query_map(
            rusqlite::named_params! {":person": person_id, ":now": generated_at},
            |r| {
                Ok(Breach {
                    id: r.get(0)?,
                    discovered_at: r.get(1)?,
                    description: r.get(2)?,
                    categories: codes(&r.get::<_, String>(3)?),
                    persons: r.get(4)?,
                    reported_to_ap_at: r.get(5)?,
                    ap_not_required: r.get(6)?,
                    notified_persons: r.get(7)?,
                    measures: r.get(8)?,
                    status: r.get(9)?,
                })
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the breaches")?
    };
    // A to-do of a sweep names its persons in its audit entry, not in person_id.
    let notices = all(
        &tx,
        "SELECT t.id, t.processor_id, p.name, t.change, t.categories, t.created_at, t.done_at
         FROM processor_todos t JOIN processors p ON p.id = t.processor_id
         WHERE t.person_id = ?1
            OR (t.person_id IS NULL AND EXISTS (
                    SELECT 1 FROM audit_log a
                    WHERE a.id = t.audit_id AND a.details IS NOT NULL AND json_valid(a.details)
                      AND EXISTS (SELECT 1 FROM json_each(a.details, '$.person_ids') WHERE value = ?1)))
         ORDER BY t.created_at, t.id",
        person_id,
        |r| {
            Ok(Notice {
                id: r.get(0)?,
                processor_id: r.get(1)?,
                recipient: r.get(2)?,
                change: r.get(3)?,
                categories: codes(&r.get::<_, String>(4)?),
                created_at: r.get(5)?,
                done_at: r.get(6)?,
            })
        },
    )?;
    let controller = settings::controller(&tx)?;
    let organisation = controller.name.clone().unwrap_or_else(|| "—".into());
    let retention = crate::db::retention::list(&tx)?;
    Ok(AccessReport {
        retention,
        requests,
        breaches,
        notices,
        format_version: FORMAT_VERSION,
        organisation,
        controller,
        generated_at: generated_at.to_string(),
        person,
        status,
        suppressions,
        preferences,
        history,
        transactions,
        mailings,
        documents,
        scores,
        profiling,
        categories,
        sources: sources::of_person(&tx, person_id)?,
        sources_recorded_since: sources::recorded_since(&tx)?,
        processing,
        register,
        other,
        vocabulary,
    })
}
