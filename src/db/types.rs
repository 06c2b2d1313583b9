//! Consent types (§1.2) and their automatic rules (§1.3, §1.4).
use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

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

/// The channel of every record a rule writes: "SMP", the platform itself (§1.3). Reserved
/// for rules: a record typed by hand may not use it.
pub const RULE_CHANNEL: &str = "SMP";

/// An automatic rule to store on a type.
#[derive(Debug, Clone)]
pub struct NewRule<'a> {
    pub query: &'a str,
    pub opt_in: bool,
    pub channel: &'a str,
    pub description: Option<&'a str>,
}

/// A new consent type.
#[derive(Debug, Clone)]
pub struct NewType<'a> {
    pub code: &'a str,
    pub label: &'a str,
    pub kind: &'a str,
    pub rule: Option<NewRule<'a>>,
    pub created_at: &'a str,
}

/// Whether a code is acceptable: lower-case letters, digits, `_` and `-`.
pub fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// Add a type; refuses a code that exists.
pub fn insert(conn: &Connection, t: &NewType<'_>) -> Result<()> {
    if get(conn, t.code)?.is_some() {
        bail!("consent type '{}' exists already", t.code);
    }
    conn.execute(
        "INSERT INTO consent_types (code, label, kind, rule_query, rule_opt_in, rule_channel, rule_description, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            t.code,
            t.label,
            t.kind,
            t.rule.as_ref().map(|r| r.query),
            t.rule.as_ref().map(|r| r.opt_in),
            t.rule.as_ref().map_or(RULE_CHANNEL, |r| r.channel),
            t.rule.as_ref().and_then(|r| r.description),
            t.created_at
        ],
    )
    .context("adding the consent type")?;
    Ok(())
}

/// Set or replace the rule of a type.
pub fn set_rule(conn: &Connection, code: &str, rule: &NewRule<'_>) -> Result<()> {
    conn.execute(
        "UPDATE consent_types SET rule_query = ?2, rule_opt_in = ?3, rule_channel = ?4, rule_description = ?5 WHERE code = ?1",
        params![code, rule.query, rule.opt_in, rule.channel, rule.description],
    )
    .context("setting the rule")?;
    Ok(())
}

/// Remove the rule of a type (its records stay).
pub fn clear_rule(conn: &Connection, code: &str) -> Result<()> {
    conn.execute(
        "UPDATE consent_types SET rule_query = NULL, rule_opt_in = NULL, rule_description = NULL WHERE code = ?1",
        [code],
    )
    .context("clearing the rule")?;
    Ok(())
}
