//! The right of access (Art. 15 GDPR, manual §1.11): everything held on one person,
//! gathered once into an [`AccessReport`] and rendered as a PDF ([`pdf`]) or as JSON
//! for data portability (Art. 20).
//!
//! Complete by construction: every table with a `person_id` column reaches the report.
//! The tables this module knows get their own section; any other table (one added
//! later) is gathered generically into [`AccessReport::other`], so it cannot be left
//! out silently.
pub mod labels;
pub mod pdf;

use crate::db::{consent, persons, register, settings};
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
];

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

/// A document held for the person (not its bytes).
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub id: i64,
    pub kind: String,
    pub filename: String,
    pub created_at: String,
    pub size_bytes: i64,
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
    pub organisation: String,
    pub generated_at: String,
    pub person: persons::Person,
    pub preferences: Vec<consent::Preference>,
    pub history: Vec<consent::ConsentRecord>,
    pub transactions: Vec<Transaction>,
    pub mailings: Vec<Mailing>,
    pub documents: Vec<Document>,
    pub scores: Option<Score>,
    /// Whether profiling takes place for this person now.
    pub profiling: bool,
    /// Where the data came from: the channels of the consent history…
    pub source_channels: Vec<String>,
    /// … and the kinds of transactions.
    pub source_transaction_kinds: Vec<String>,
    pub processing: Vec<Processing>,
    pub register: Vec<register::Purpose>,
    pub other: Vec<OtherTable>,
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
    let person = persons::load(&tx, person_id)?;
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
        "SELECT id, kind, filename, created_at, length(content) FROM documents WHERE person_id = ?1 ORDER BY created_at, id",
        person_id,
        |r| {
            Ok(Document {
                id: r.get(0)?,
                kind: r.get(1)?,
                filename: r.get(2)?,
                created_at: r.get(3)?,
                size_bytes: r.get(4)?,
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
    let profiling: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM profiling_allowed WHERE person_id = ?1)",
        [person_id],
        |r| r.get(0),
    )?;
    let source_channels: Vec<String> = all(
        &tx,
        "SELECT DISTINCT channel FROM consent_records WHERE person_id = ?1 ORDER BY channel",
        person_id,
        |r| r.get(0),
    )?;
    let source_transaction_kinds: Vec<String> = all(
        &tx,
        "SELECT DISTINCT kind FROM transactions WHERE person_id = ?1 ORDER BY kind",
        person_id,
        |r| r.get(0),
    )?;
    let processing = all(
        &tx,
        "SELECT at, command FROM audit_log
         WHERE person_id = ?1 OR (details IS NOT NULL AND json_valid(details)
               AND EXISTS (SELECT 1 FROM json_each(audit_log.details, '$.person_ids') WHERE value = ?1))
         ORDER BY id",
        person_id,
        |r| Ok(Processing { at: r.get(0)?, command: r.get(1)? }),
    )?;
    let register = register::list(&tx)?;
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
    let organisation = settings::get(&tx, settings::ORGANISATION)?.unwrap_or_else(|| "—".into());
    Ok(AccessReport {
        organisation,
        generated_at: generated_at.to_string(),
        person,
        preferences,
        history,
        transactions,
        mailings,
        documents,
        scores,
        profiling,
        source_channels,
        source_transaction_kinds,
        processing,
        register,
        other,
    })
}
