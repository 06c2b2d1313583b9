//! The SQL of transactions: inserting them, and telling a row imported again from one
//! already held.
use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension, params};

/// A transaction as it is stored.
#[derive(Debug, Clone, Copy)]
pub struct Transaction<'a> {
    pub person_id: i64,
    pub kind: &'a str,
    pub occurred_at: &'a str,
    pub description: Option<&'a str>,
    pub amount: &'a str,
}

/// The id the next transaction gets: the ones held now are below it.
pub fn next_id(conn: &Connection) -> Result<i64> {
    conn.query_row(
        "SELECT coalesce(max(id), 0) + 1 FROM transactions",
        [],
        |r| r.get(0),
    )
    .context("reading the transactions")
}

/// Add one.
pub fn insert(conn: &Connection, t: &Transaction<'_>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO transactions (person_id, kind, occurred_at, description, amount) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![t.person_id, t.kind, t.occurred_at, t.description, t.amount])
    .context("writing the transaction")?;
    Ok(())
}

/// How often each transaction of a file occurred so far in it, for the ones the
/// database held already (a temporary table: bounded memory for any file).
pub struct SeenInFile;

impl SeenInFile {
    pub fn new(conn: &Connection) -> Result<Self> {
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS import_transactions_seen (
                 person_id INTEGER NOT NULL, kind TEXT NOT NULL, occurred_at TEXT NOT NULL,
                 amount TEXT NOT NULL, description TEXT, n INTEGER NOT NULL);
             CREATE INDEX IF NOT EXISTS temp.import_transactions_seen_key
                 ON import_transactions_seen (person_id, occurred_at, kind, amount);
             DELETE FROM temp.import_transactions_seen;",
        )
        .context("making room for the transactions of the import")?;
        Ok(SeenInFile)
    }

    /// Whether this occurrence of `t` in the file repeats a transaction held before
    /// the import (ids below `before`): the n-th equal row of the file is a duplicate
    /// when the database held at least n. The description counts only when
    /// `with_description` (the file has that column).
    pub fn is_duplicate(
        &mut self,
        conn: &Connection,
        t: &Transaction<'_>,
        with_description: bool,
        before: i64,
    ) -> Result<bool> {
        let held: i64 = conn
            .prepare_cached(
                "SELECT count(*) FROM transactions
                 WHERE person_id = ?1 AND occurred_at = ?2 AND kind = ?3 AND amount = ?4
                   AND (NOT ?5 OR description IS ?6) AND id < ?7",
            )?
            .query_row(
                params![
                    t.person_id,
                    t.occurred_at,
                    t.kind,
                    t.amount,
                    with_description,
                    t.description,
                    before
                ],
                |r| r.get(0),
            )
            .context("looking for the transaction in the database")?;
        if held == 0 {
            return Ok(false);
        }
        let key = params![
            t.person_id,
            t.occurred_at,
            t.kind,
            t.amount,
            with_description,
            t.description
        ];
        let seen: Option<i64> = conn
            .prepare_cached(
                "SELECT n FROM temp.import_transactions_seen
                 WHERE person_id = ?1 AND occurred_at = ?2 AND kind = ?3 AND amount = ?4
                   AND (NOT ?5 OR description IS ?6)",
            )?
            .query_row(key, |r| r.get(0))
            .optional()?;
        match seen {
            None => {
                conn.prepare_cached(
                    "INSERT INTO temp.import_transactions_seen (person_id, occurred_at, kind, amount, description, n)
                     VALUES (?1, ?2, ?3, ?4, CASE WHEN ?5 THEN ?6 END, 1)",
                )?
                .execute(key)?;
            }
            Some(_) => {
                conn.prepare_cached(
                    "UPDATE temp.import_transactions_seen SET n = n + 1
                     WHERE person_id = ?1 AND occurred_at = ?2 AND kind = ?3 AND amount = ?4
                       AND (NOT ?5 OR description IS ?6)",
                )?
                .execute(key)?;
            }
        }
        Ok(seen.unwrap_or(0) < held)
    }
}
