//! Consent types (§1.2) and their automatic rules (§1.3, §1.4).
use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

/// The kinds a consent type can be.
pub const KINDS: &[&str] = &[
    "newsletter",
    "servicemail",
    "profiling",
    "direct_mail",
    "other",
];

/// A consent type with its optional rule.
#[derive(Debug, Clone, Serialize)]
pub struct ConsentType {
    pub code: String,
    pub label: String,
    pub kind: String,
    pub rule: Option<String>,
    pub rule_opt_in: Option<bool>,
    pub rule_channel: String,
    pub rule_description: Option<String>,
}

const SELECT: &str = "SELECT code, label, kind, rule_query, rule_opt_in, rule_channel, rule_description FROM consent_types";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConsentType> {
    Ok(ConsentType {
        code: r.get(0)?,
        label: r.get(1)?,
        kind: r.get(2)?,
        rule: r.get(3)?,
        rule_opt_in: r.get(4)?,
        rule_channel: r.get(5)?,
        rule_description: r.get(6)?,
    })
}

/// All types, by code.
pub fn list(conn: &Connection) -> Result<Vec<ConsentType>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY code"))?;
    let rows = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading consent types")?;
    Ok(rows)
}

/// One type, if it exists.
pub fn get(conn: &Connection, code: &str) -> Result<Option<ConsentType>> {
    conn.query_row(&format!("{SELECT} WHERE code = ?1"), [code], from_row)
        .optional()
        .context("reading the consent type")
}

/// One type, or an error naming the known codes.
pub fn require(conn: &Connection, code: &str) -> Result<ConsentType> {
    match get(conn, code)? {
        Some(t) => Ok(t),
        None => {
            let known: Vec<String> = list(conn)?.into_iter().map(|t| t.code).collect();
            anyhow::bail!(
                "unknown consent type '{code}' (known: {})",
                known.join(", ")
            )
        }
    }
}
