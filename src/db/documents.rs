//! Documents held for a person (§1.8): deeds of gift, agreements, letters. The bytes are
//! in the database; a kind with a retention period (`schenkingsakte`, `overeenkomst`:
//! 7 years from the document's date) is held by law after erasure.
use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// A document as listed (not its bytes).
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub id: i64,
    pub person_id: i64,
    pub kind: String,
    pub filename: String,
    pub bytes: i64,
    /// The date of the document itself (a deed's date).
    pub date: Option<String>,
    pub added_at: String,
    /// Until when the law says to keep it (None: no retention period for its kind).
    pub held_until: Option<String>,
}

const SELECT: &str = "SELECT d.id, d.person_id, d.kind, d.filename, length(d.content), d.document_date, d.created_at, h.held_until
     FROM documents d LEFT JOIN document_holds h ON h.document_id = d.id";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Document> {
    Ok(Document {
        id: r.get(0)?,
        person_id: r.get(1)?,
        kind: r.get(2)?,
        filename: r.get(3)?,
        bytes: r.get(4)?,
        date: r.get(5)?,
        added_at: r.get(6)?,
        held_until: r.get(7)?,
    })
}

/// A document to add.
pub struct NewDocument<'a> {
    pub person_id: i64,
    pub kind: &'a str,
    pub filename: &'a str,
    pub date: &'a str,
    pub added_at: &'a str,
    pub content: &'a [u8],
}

/// Add a document; returns it as listed.
pub fn add(conn: &Connection, d: &NewDocument<'_>) -> Result<Document> {
    conn.execute(
        "INSERT INTO documents (person_id, kind, filename, created_at, content, document_date)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            d.person_id,
            d.kind,
            d.filename,
            d.added_at,
            d.content,
            d.date
        ],
    )
    .context("storing the document")?;
    get(conn, conn.last_insert_rowid())
}

/// One document, or an error.
pub fn get(conn: &Connection, id: i64) -> Result<Document> {
    conn.query_row(&format!("{SELECT} WHERE d.id = ?1"), [id], from_row)
        .optional()
        .context("reading the document")?
        .ok_or_else(|| anyhow::anyhow!("no document with id {id}"))
}

/// A person's documents, oldest first.
pub fn of_person(conn: &Connection, person_id: i64) -> Result<Vec<Document>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE d.person_id = ?1 ORDER BY coalesce(d.document_date, d.created_at), d.id"
    ))?;
    let rows = stmt
        .query_map([person_id], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the documents")?;
    Ok(rows)
}

/// The bytes of a document.
pub fn content(conn: &Connection, id: i64) -> Result<Vec<u8>> {
    conn.query_row("SELECT content FROM documents WHERE id = ?1", [id], |r| {
        r.get(0)
    })
    .optional()
    .context("reading the document")?
    .ok_or_else(|| anyhow::anyhow!("no document with id {id}"))
}

/// Remove a document; refused while the law says to keep it (`today` as yyyy-mm-dd).
pub fn remove(conn: &Connection, id: i64, today: &str) -> Result<Document> {
    let d = get(conn, id)?;
    if let Some(until) = d.held_until.as_deref().filter(|u| *u > today) {
        bail!(
            "document {id} ({}) must be kept until {until} (legal retention period of its kind): it cannot be removed before then",
            d.kind
        );
    }
    conn.execute("DELETE FROM documents WHERE id = ?1", [id])
        .context("removing the document")?;
    Ok(d)
}
