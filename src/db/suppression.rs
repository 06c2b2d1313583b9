//! The suppression list: addresses that must not be mailed or re-subscribed (an
//! objection, a hard bounce, an erased person), kept as keyed hashes so that the list
//! survives erasure without keeping the address. The key is a random secret of this
//! database (table `secrets`, unreadable by operator SQL).
use anyhow::{Context, Result, bail};
use hmac::{Hmac, KeyInit, Mac};
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, params};
use serde::Serialize;
use sha2::Sha256;

/// The reasons an address can be suppressed for.
pub const REASONS: &[&str] = &[
    "unsubscribed_all",
    "objection",
    "hard_bounce",
    "complaint",
    "erased",
    "deceased",
    "manual",
];

/// The SQL function that gives the keyed hash of an address (NULL for NULL), on
/// connections that have called [`register`].
pub const SQL_FUNCTION: &str = "smp_address_hash";

/// An address as it is compared: trimmed and lower-cased.
pub fn normalise(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The key of this database.
pub fn secret(conn: &Connection) -> Result<Vec<u8>> {
    conn.query_row(
        "SELECT value FROM secrets WHERE name = 'suppression'",
        [],
        |r| r.get(0),
    )
    .context("reading the key of the suppression list (run `smp-avg init`)")
}

/// The keyed hash of an address.
pub fn address_hash(secret: &[u8], email: &str) -> [u8; 32] {
    // HMAC accepts a key of any length: this cannot fail.
    let mut mac = match <Hmac<Sha256> as KeyInit>::new_from_slice(secret) {
        Ok(m) => m,
        Err(_) => return [0; 32],
    };
    mac.update(normalise(email).as_bytes());
    mac.finalize().into_bytes().into()
}

/// Make `smp_address_hash(email)` available to SQL on this connection (audiences,
/// rules, the checks of imports). Direct-only: no trigger or view can depend on it.
pub fn register(conn: &Connection) -> Result<()> {
    let key = secret(conn)?;
    conn.create_scalar_function(
        SQL_FUNCTION,
        1,
        FunctionFlags::SQLITE_UTF8
            | FunctionFlags::SQLITE_DETERMINISTIC
            | FunctionFlags::SQLITE_DIRECTONLY,
        move |ctx| {
            let email: Option<String> = ctx.get(0)?;
            Ok(email.map(|e| address_hash(&key, &e).to_vec()))
        },
    )
    .context("registering the address hash")?;
    Ok(())
}

/// One entry of the list (no address: only its hash).
#[derive(Debug, Clone, Serialize)]
pub struct Suppression {
    pub hash: String,
    pub reason: String,
    pub since: String,
    pub source: String,
    pub description: Option<String>,
}

/// Hex, for people and scripts.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Add an address for a reason (again: nothing changes, the first date stays).
/// Returns whether it was new.
pub fn add(
    conn: &Connection,
    hash: &[u8; 32],
    reason: &str,
    since: &str,
    source: &str,
    description: Option<&str>,
) -> Result<bool> {
    if !REASONS.contains(&reason) {
        bail!(
            "'{reason}' is not a suppression reason ({})",
            REASONS.join(", ")
        );
    }
    let n = conn
        .execute(
            "INSERT OR IGNORE INTO suppressions (hash, reason, since, source, description) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![hash.to_vec(), reason, since, source, description],
        )
        .context("adding to the suppression list")?;
    Ok(n > 0)
}

/// Suppress the addresses of a set of persons (`person_sql` returns person ids) for a
/// reason, in one statement; returns the entries added.
pub fn add_persons(
    conn: &Connection,
    person_sql: &str,
    reason: &str,
    since: &str,
    source: &str,
) -> Result<u64> {
    let n = conn
        .execute(
            &format!(
                "INSERT OR IGNORE INTO suppressions (hash, reason, since, source)
                 SELECT DISTINCT {SQL_FUNCTION}(p.email), ?1, ?2, ?3 FROM persons p
                 WHERE p.id IN ({person_sql}) AND p.email IS NOT NULL AND trim(p.email) <> ''"
            ),
            params![reason, since, source],
        )
        .context("adding to the suppression list")?;
    Ok(n as u64)
}

/// Suppress the address one person holds (nothing when they hold none); returns
/// whether an entry was added.
pub fn add_person(
    conn: &Connection,
    person_id: i64,
    reason: &str,
    since: &str,
    source: &str,
) -> Result<bool> {
    let n = conn
        .execute(
            &format!(
                "INSERT OR IGNORE INTO suppressions (hash, reason, since, source)
                 SELECT {SQL_FUNCTION}(email), ?2, ?3, ?4 FROM persons
                 WHERE id = ?1 AND email IS NOT NULL AND trim(email) <> ''"
            ),
            params![person_id, reason, since, source],
        )
        .context("adding to the suppression list")?;
    Ok(n > 0)
}

/// The reasons the address of a person is on the list (empty: not suppressed, or no
/// address).
pub fn reasons_for_person(conn: &Connection, person_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT x.reason FROM persons p JOIN suppressions x ON x.hash = {SQL_FUNCTION}(p.email)
         WHERE p.id = ?1 AND p.email IS NOT NULL ORDER BY x.since, x.reason"
    ))?;
    let reasons = stmt
        .query_map([person_id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()
        .context("reading the suppression list")?;
    Ok(reasons)
}

/// The entries of the address a person holds, with since when and why, oldest first
/// (empty: not on the list, or no address). Data kept about the person: the access
/// answer tells it.
pub fn entries_for_person(conn: &Connection, person_id: i64) -> Result<Vec<Suppression>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT x.hash, x.reason, x.since, x.source, x.description
         FROM persons p JOIN suppressions x ON x.hash = {SQL_FUNCTION}(p.email)
         WHERE p.id = ?1 AND p.email IS NOT NULL ORDER BY x.since, x.reason"
    ))?;
    let rows = stmt
        .query_map([person_id], |r| {
            let h: Vec<u8> = r.get(0)?;
            Ok(Suppression {
                hash: hex(&h),
                reason: r.get(1)?,
                since: r.get(2)?,
                source: r.get(3)?,
                description: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the suppression list")?;
    Ok(rows)
}

/// Remove every entry of an address; returns how many there were.
pub fn remove(conn: &Connection, hash: &[u8; 32]) -> Result<u64> {
    let n = conn
        .execute("DELETE FROM suppressions WHERE hash = ?1", [hash.to_vec()])
        .context("removing from the suppression list")?;
    Ok(n as u64)
}

/// The entries of one address.
pub fn of(conn: &Connection, hash: &[u8; 32]) -> Result<Vec<Suppression>> {
    list_where(conn, Some(hash))
}

/// The whole list, oldest first.
pub fn list(conn: &Connection) -> Result<Vec<Suppression>> {
    list_where(conn, None)
}

fn list_where(conn: &Connection, hash: Option<&[u8; 32]>) -> Result<Vec<Suppression>> {
    let mut stmt = conn.prepare(
        "SELECT hash, reason, since, source, description FROM suppressions
         WHERE ?1 IS NULL OR hash = ?1 ORDER BY since, hash, reason",
    )?;
    let rows = stmt
        .query_map([hash.map(|h| h.to_vec())], |r| {
            let h: Vec<u8> = r.get(0)?;
            Ok(Suppression {
                hash: hex(&h),
                reason: r.get(1)?,
                since: r.get(2)?,
                source: r.get(3)?,
                description: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the suppression list")?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_ignores_case_and_spaces_and_depends_on_the_key() {
        let a = address_hash(b"k1", " Jan@Example.NL ");
        assert_eq!(a, address_hash(b"k1", "jan@example.nl"));
        assert_ne!(a, address_hash(b"k2", "jan@example.nl"));
        assert_ne!(a, address_hash(b"k1", "jan@example.com"));
    }
}
