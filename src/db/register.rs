//! The processing register ("verwerkingsregister", Art. 30 GDPR): purposes, legal bases,
//! data categories, recipients and retention periods. It feeds the access answer.
use anyhow::{Context, Result};
use rusqlite::{Connection, params};
use serde::Serialize;

/// A purpose of the processing register.
#[derive(Debug, Clone, Serialize)]
pub struct Purpose {
    pub id: i64,
    pub purpose: String,
    pub legal_basis: String,
    pub data_categories: String,
    pub recipients: String,
    pub retention: String,
    pub consent_type: Option<String>,
}

/// A purpose to add.
#[derive(Debug, Clone)]
pub struct NewPurpose<'a> {
    pub purpose: &'a str,
    pub legal_basis: &'a str,
    pub data_categories: &'a str,
    pub recipients: &'a str,
    pub retention: &'a str,
    pub consent_type: Option<&'a str>,
}

/// Add a purpose; returns its id.
pub fn add(conn: &Connection, p: &NewPurpose<'_>) -> Result<i64> {
    conn.execute(
        "INSERT INTO processing_register (purpose, legal_basis, data_categories, recipients, retention, consent_type)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            p.purpose,
            p.legal_basis,
            p.data_categories,
            p.recipients,
            p.retention,
            p.consent_type
        ],
    )
    .context("adding to the processing register")?;
    Ok(conn.last_insert_rowid())
}

/// Every purpose, in the order they were added.
pub fn list(conn: &Connection) -> Result<Vec<Purpose>> {
    let mut stmt = conn.prepare(
        "SELECT id, purpose, legal_basis, data_categories, recipients, retention, consent_type
         FROM processing_register ORDER BY id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Purpose {
                id: r.get("id")?,
                purpose: r.get("purpose")?,
                legal_basis: r.get("legal_basis")?,
                data_categories: r.get("data_categories")?,
                recipients: r.get("recipients")?,
                retention: r.get("retention")?,
                consent_type: r.get("consent_type")?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the processing register")?;
    Ok(rows)
}
