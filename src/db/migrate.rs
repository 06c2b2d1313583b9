//! Schema migrations. A new database gets `schema.sql` (the current schema, commented)
//! in one go; an older one is brought up to date by the upgrade steps in `migrations/`,
//! an append-only list whose progress is kept in `PRAGMA user_version`, all of it in one
//! exclusive transaction. After either, the derived objects (triggers, views, indexes)
//! are made exactly those of `schema.sql`, so that a test can prove an upgraded database
//! equals a new one (`tests/init.rs` on `../shared/fixtures/v1-crm.sqlite`).
use anyhow::{Context, Result, bail};
use rusqlite::{Connection, Transaction, TransactionBehavior};

/// The current schema (schema.sql at the top of the repository): new databases.
pub const SCHEMA: &str = include_str!("../../schema.sql");

/// One upgrade step, from version `to - 1` to `to`.
pub struct Step {
    pub to: i64,
    /// What the step brings, for messages.
    pub what: &'static str,
    /// Table changes (ALTER TABLE, CREATE TABLE) and data moves. Triggers, views and
    /// indexes need not be written here: they are taken from schema.sql afterwards.
    pub sql: &'static str,
    /// Work SQL cannot do (e.g. hashing), after `sql`, in the same transaction.
    pub after: Option<fn(&Transaction<'_>) -> Result<()>>,
}

/// Append-only: never edit a shipped step, add a new one. Version 1 is the schema of
/// the first round (`migrations/0001_first_round.sql`, kept for the tests).
const STEPS: &[Step] = &[
    Step {
        to: 2,
        what: "sources of records, objection, suppression, restriction, legal holds, chains",
        sql: include_str!("../../migrations/0002_round2.sql"),
        after: Some(round2_after),
    },
    Step {
        to: 3,
        what: "document ids never reused, typed audit texts beside the log, whom processors must erase",
        sql: include_str!("../../migrations/0003_erasure_followup.sql"),
        after: None,
    },
];

/// Step 2's work beyond SQL: the suppression list gets the addresses of the persons
/// who objected (unsubscribe-all) or died, and both chains are sealed.
fn round2_after(tx: &Transaction<'_>) -> Result<()> {
    super::defaults::ensure(tx)?;
    super::suppression::register(tx)?;
    let at = crate::rules::time::format_time(crate::rules::time::now());
    super::suppression::add_persons(
        tx,
        "SELECT id FROM persons WHERE objected_at IS NOT NULL",
        "unsubscribed_all",
        &at,
        "upgrade",
    )?;
    super::suppression::add_persons(
        tx,
        "SELECT id FROM persons WHERE deceased = 1 AND anonymised_at IS NULL",
        "deceased",
        &at,
        "upgrade",
    )?;
    super::ledger::seal(tx)?;
    Ok(())
}

/// The schema version this binary writes and expects.
pub const LATEST: i64 = 1 + STEPS.len() as i64;

/// The schema version of an open database.
pub fn version(conn: &Connection) -> Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .context("reading the schema version")
}

/// Bring the database up to `LATEST`; returns the version it had before.
pub fn migrate(conn: &mut Connection) -> Result<i64> {
    migrate_with(conn, SCHEMA, STEPS)
}

fn migrate_with(conn: &mut Connection, schema: &str, steps: &[Step]) -> Result<i64> {
    let latest = 1 + steps.len() as i64;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Exclusive)
        .context("locking the database for the schema upgrade")?;
    let from = version(&tx)?;
    check_known(from, latest)?;
    if from == 0 {
        tx.execute_batch(schema)
            .context("creating the smp-avg schema")?;
    } else {
        for step in steps.iter().filter(|s| s.to > from) {
            // SQLite's message only: the error of a batch also carries the whole
            // batch's SQL, hundreds of lines no operator needs.
            tx.execute_batch(step.sql).map_err(|e| {
                let why = match &e {
                    rusqlite::Error::SqliteFailure(_, Some(msg)) => msg.clone(),
                    rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
                    other => other.to_string(),
                };
                anyhow::anyhow!(
                    "upgrading the schema to version {} ({}): {why}; nothing changed (is this a database made by smp-avg?)",
                    step.to,
                    step.what
                )
            })?;
            if let Some(after) = step.after {
                after(&tx).with_context(|| {
                    format!(
                        "upgrading the schema to version {} ({})",
                        step.to, step.what
                    )
                })?;
            }
        }
    }
    if from < latest {
        sync_derived_objects(&tx, schema)?;
    }
    tx.pragma_update(None, "user_version", latest)?;
    tx.commit().context("committing the schema upgrade")?;
    Ok(from)
}

/// Refuse a version this binary cannot work with, with a message that says what to do.
fn check_known(v: i64, latest: i64) -> Result<()> {
    if v < 0 {
        bail!(
            "the database has schema version {v}, which no smp-avg ever wrote: it was changed by hand; restore a backup"
        );
    }
    if v > latest {
        bail!(
            "the database has schema version {v}, newer than this smp-avg ({latest}): upgrade smp-avg"
        );
    }
    Ok(())
}

/// Refuse to work on a database whose schema is not the one this binary knows.
pub fn require_current(conn: &Connection) -> Result<()> {
    let v = version(conn)?;
    check_known(v, LATEST)?;
    match v {
        0 => bail!("the database has no smp-avg schema: run `smp-avg init` first"),
        v if v < LATEST => bail!(
            "the database has schema version {v}, this smp-avg needs {LATEST}: run `smp-avg init` to upgrade it"
        ),
        _ => Ok(()),
    }
}

/// A derived object of the schema: a trigger, view or index with its SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaObject {
    pub kind: String,
    pub name: String,
    pub table: String,
    pub sql: String,
}

/// The triggers, views and indexes of a database (not SQLite's own).
pub fn derived_objects(conn: &Connection) -> Result<Vec<SchemaObject>> {
    let mut stmt = conn.prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema
         WHERE type IN ('trigger', 'view', 'index') AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
         ORDER BY type, name",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(SchemaObject {
                kind: r.get(0)?,
                name: r.get(1)?,
                table: r.get(2)?,
                sql: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the schema")?;
    Ok(rows)
}

/// The derived objects `schema` defines, from a scratch database in memory.
pub fn expected_objects(schema: &str) -> Result<Vec<SchemaObject>> {
    let scratch = Connection::open_in_memory()?;
    scratch
        .execute_batch(schema)
        .context("reading schema.sql")?;
    derived_objects(&scratch)
}

/// Make the triggers, views and indexes exactly those of `schema`: missing ones are
/// created, changed ones replaced. Objects the schema does not know are left alone
/// here (an operator's own index is harmless; a foreign trigger is reported by
/// `verify` and removed by `init --repair`). Returns what was (re)created.
pub fn sync_derived_objects(conn: &Connection, schema: &str) -> Result<Vec<String>> {
    let have = derived_objects(conn)?;
    let mut done = Vec::new();
    // Views first dropped and made last: a view may read another.
    for want in expected_objects(schema)? {
        match have.iter().find(|h| h.name == want.name) {
            Some(h) if h.kind == want.kind && h.sql == want.sql => continue,
            Some(h) => {
                conn.execute_batch(&format!(
                    "DROP {} \"{}\"",
                    h.kind.to_uppercase(),
                    h.name.replace('"', "\"\"")
                ))
                .with_context(|| format!("replacing {} {}", h.kind, h.name))?;
            }
            None => {}
        }
        conn.execute_batch(&want.sql)
            .with_context(|| format!("creating {} {}", want.kind, want.name))?;
        done.push(format!("{} {}", want.kind, want.name));
    }
    Ok(done)
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

    #[test]
    fn a_negative_version_is_refused_and_nothing_is_created() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", -3).unwrap();
        let err = migrate(&mut conn).unwrap_err().to_string();
        assert!(err.contains("-3"), "{err}");
        assert!(require_current(&conn).is_err());
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 0);
    }

    /// Two test steps over a test schema: the second migration runs, in order, on a
    /// database of every older version, and the result equals a new database.
    #[test]
    fn steps_run_in_order_and_an_upgraded_database_equals_a_new_one() {
        const V1: &str = "CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT);
            CREATE INDEX t_b ON t (b);
            CREATE TRIGGER t_no_delete BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'no'); END;";
        const V3: &str = "CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT, c TEXT NOT NULL DEFAULT 'x', d INTEGER);
            CREATE INDEX t_b ON t (b);
            CREATE TABLE u (id INTEGER PRIMARY KEY, t_a INTEGER REFERENCES t (a));
            CREATE TRIGGER t_no_delete BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'no deletes'); END;
            CREATE VIEW t_c AS SELECT a, c FROM t;";
        fn fill_d(tx: &Transaction<'_>) -> Result<()> {
            tx.execute("UPDATE t SET d = length(b)", [])?;
            Ok(())
        }
        let steps = [
            Step {
                to: 2,
                what: "column c",
                sql: "ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT 'x';",
                after: None,
            },
            Step {
                to: 3,
                what: "table u, column d",
                sql: "CREATE TABLE u (id INTEGER PRIMARY KEY, t_a INTEGER REFERENCES t (a));
                      ALTER TABLE t ADD COLUMN d INTEGER;",
                after: Some(fill_d),
            },
        ];
        let mut old = Connection::open_in_memory().unwrap();
        old.execute_batch(V1).unwrap();
        old.execute_batch("INSERT INTO t (b) VALUES ('één'), ('twee'); PRAGMA user_version = 1;")
            .unwrap();
        assert_eq!(migrate_with(&mut old, V3, &steps).unwrap(), 1);
        assert_eq!(version(&old).unwrap(), 3);
        let rows: Vec<(String, String, i64)> = old
            .prepare("SELECT b, c, d FROM t ORDER BY a")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            rows,
            vec![
                ("één".into(), "x".into(), 3),
                ("twee".into(), "x".into(), 4)
            ]
        );
        let mut new = Connection::open_in_memory().unwrap();
        assert_eq!(migrate_with(&mut new, V3, &steps).unwrap(), 0);
        assert_eq!(
            derived_objects(&old).unwrap(),
            derived_objects(&new).unwrap()
        );
        let columns = |c: &Connection, t: &str| -> Vec<(String, String, bool)> {
            c.prepare(&format!(
                "SELECT name, type, \"notnull\" FROM pragma_table_info('{t}')"
            ))
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
        };
        assert_eq!(columns(&old, "t"), columns(&new, "t"));
        assert_eq!(columns(&old, "u"), columns(&new, "u"));
        // The changed trigger was replaced.
        let err = old.execute("DELETE FROM t", []).unwrap_err().to_string();
        assert!(err.contains("no deletes"), "{err}");
        // And a third run changes nothing.
        assert_eq!(migrate_with(&mut old, V3, &steps).unwrap(), 3);
    }
}
