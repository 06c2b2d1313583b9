//! Schema migrations: an append-only list, progress in `PRAGMA user_version`, all of it
//! in one exclusive transaction.
use anyhow::{Context, Result, bail};
use rusqlite::{Connection, TransactionBehavior};

/// The schema of version 1 (schema.sql at the top of the repository).
pub const SCHEMA: &str = include_str!("../../schema.sql");

/// Append-only: never edit a shipped migration, add a new one.
const MIGRATIONS: &[&str] = &[SCHEMA];

/// The schema version this binary writes and expects.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// The schema version of an open database.
pub fn version(conn: &Connection) -> Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .context("reading the schema version")
}

/// Bring the database up to `LATEST`; returns the version it had before.
pub fn migrate(conn: &mut Connection) -> Result<i64> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Exclusive)
        .context("locking the database for the schema upgrade")?;
    let from = version(&tx)?;
    if from > LATEST {
        bail!(
            "the database has schema version {from}, newer than this smp-avg ({LATEST}): upgrade smp-avg"
        );
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        tx.execute_batch(sql)
            .with_context(|| format!("applying schema migration {}", i + 1))?;
    }
    tx.pragma_update(None, "user_version", LATEST)?;
    tx.commit().context("committing the schema upgrade")?;
    Ok(from)
}

/// Refuse to work on a database whose schema is not the one this binary knows.
pub fn require_current(conn: &Connection) -> Result<()> {
    match version(conn)? {
        v if v == LATEST => Ok(()),
        0 => bail!("the database has no smp-avg schema: run `smp-avg init` first"),
        v if v < LATEST => {
            bail!(
                "the database has schema version {v}, this smp-avg needs {LATEST}: run `smp-avg init` to upgrade it"
            )
        }
        v => bail!(
            "the database has schema version {v}, newer than this smp-avg ({LATEST}): upgrade smp-avg"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrate_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), 0);
        assert_eq!(migrate(&mut conn).unwrap(), LATEST);
        assert_eq!(version(&conn).unwrap(), LATEST);
        require_current(&conn).unwrap();
    }

    #[test]
    fn a_newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", LATEST + 1)
            .unwrap();
        assert!(migrate(&mut conn).is_err());
        assert!(require_current(&conn).is_err());
    }
}
