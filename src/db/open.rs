//! The connection policy, in one place: WAL, foreign keys, a busy timeout for cron jobs
//! that meet, secure_delete so that erased bytes are overwritten, and a database file
//! readable by its owner only.
use anyhow::{Context, Result, bail};
use rusqlite::hooks::AuthContext;
use rusqlite::{Connection, OpenFlags};
use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::Duration;

/// How long a writer waits for another writer (two cron jobs at once) before failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

fn apply_policy(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .context("switching to WAL")?;
    if !mode.eq_ignore_ascii_case("wal") {
        bail!("the database could not be put in WAL mode (got {mode})");
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
    // Temporary tables, sorts and statement journals in temporary files (deleted when
    // closed), never in memory: a sort of ten million rows stays within the cache.
    conn.pragma_update(None, "temp_store", "FILE")?;
    Ok(())
}

/// The page cache of a connection, in KiB: 16 MiB (SQLite's default is 2 MiB). Memory
/// stays bounded whatever the size of the database: the page cache holds at most this,
/// and each sort that is running (ORDER BY, GROUP BY, CREATE INDEX, a bulk load's
/// staging table) as much again before it continues in temporary files. Bulk work is
/// written so that it walks the tables and their indexes in key order, for which a
/// small cache suffices (a larger one measured no faster at a million persons).
pub const CACHE_KIB: i64 = 16 * 1024;

/// Before filling a fresh database in one big transaction (`init --demo`): write the
/// pages of the fresh file once, with a rollback journal, instead of to the WAL and
/// then again to the file; and keep statement journals (the undo of one INSERT of many
/// rows, a few pages) in memory instead of a temporary file. [`end_bulk_insert`] ends
/// the second before anything is sorted.
pub fn begin_bulk_fill(conn: &Connection) -> Result<()> {
    let _mode: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

/// Back to temporary files for what may be large (a sort): possible inside the fill's
/// transaction because it made no temporary table.
pub fn end_bulk_insert(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "temp_store", "FILE")
        .context("back to temporary files after the bulk insert")
}

/// After the fill: let the planner know the tables, drop the index samples that would
/// keep e-mail addresses, and back to WAL.
pub fn end_bulk_fill(conn: &Connection) -> Result<()> {
    // An approximate ANALYZE (a thousand rows per index) is what the planner needs.
    conn.execute_batch("PRAGMA analysis_limit = 1000; PRAGMA optimize=0x10002;")?;
    super::anonymise::purge_index_samples(conn)?;
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    Ok(())
}

/// Open a database that must already exist (every command but `init`). A missing file
/// is not created.
pub fn open_existing(path: &Path) -> Result<Connection> {
    if !path.exists() {
        bail!(
            "database {} does not exist: run `smp-avg init` to create it (or pass --db)",
            path.display()
        );
    }
    require_sqlite_file(path)?;
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening {}", path.display()))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // The schema first: a file that is not ours is not switched to WAL or touched.
    super::migrate::require_current(&conn)?;
    apply_policy(&conn).with_context(|| format!("opening {}", path.display()))?;
    super::suppression::register(&conn)?;
    super::requests::register(&conn)?;
    Ok(conn)
}

/// Refuse what is not an SQLite database before SQLite opens it: an empty file would
/// silently become one, and another kind of file would get a confusing error.
fn require_sqlite_file(path: &Path) -> Result<()> {
    use std::io::Read;
    let mut header = [0u8; 16];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut header))
        .with_context(|| format!("opening {}", path.display()))?;
    if n < 16 || &header != b"SQLite format 3\0" {
        bail!(
            "{} is not an smp-avg database (it is {}): check --db, or run `smp-avg init` to create one",
            path.display(),
            if n == 0 {
                "empty"
            } else {
                "not an SQLite file"
            }
        );
    }
    Ok(())
}

/// Refuse, before anything is written, an SQLite database of another program whose
/// tables have the names of ours (no schema version of ours, a `persons` table of its
/// own): init would fail half-way or mix two meanings of one table. A database without
/// such tables (an older CRM file) gets the schema beside its own tables.
fn require_ours_or_empty(path: &Path) -> Result<()> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening {}", path.display()))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .with_context(|| format!("reading {}", path.display()))?;
    if version != 0 {
        return Ok(());
    }
    let ours = Connection::open_in_memory()?;
    ours.execute_batch(super::migrate::SCHEMA)
        .context("reading the schema")?;
    let our_tables: Vec<String> = ours
        .prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let theirs: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let clash: Vec<&str> = theirs
        .iter()
        .filter(|t| our_tables.iter().any(|o| o.eq_ignore_ascii_case(t)))
        .map(String::as_str)
        .take(5)
        .collect();
    if !clash.is_empty() {
        bail!(
            "{} is an SQLite database of another program with tables named like smp-avg's ({}) but no smp-avg schema: init leaves it as it is; check --db",
            path.display(),
            clash.join(", ")
        );
    }
    Ok(())
}

/// A plain reading connection for `verify`'s second thread (no function, no
/// authorizer: it reads our own tables only).
pub fn open_for_verify(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening {} read-only", path.display()))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// Open or create a database (`init`). A new file is created with mode 0600 before
/// SQLite touches it; SQLite gives its -wal and -shm files the same mode.
pub fn open_or_create(path: &Path) -> Result<Connection> {
    if !path.exists() {
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .with_context(|| format!("creating {}", path.display()))?;
    } else if std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
        // A file that is there already: ours (to upgrade), or refused untouched.
        require_sqlite_file(path).map_err(|_| {
            anyhow::anyhow!(
                "{} is not an SQLite database: init leaves it as it is (give the path of a new file, or of a database made by smp-avg)",
                path.display()
            )
        })?;
        require_ours_or_empty(path)?;
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening {}", path.display()))?;
    apply_policy(&conn).with_context(|| format!("opening {}", path.display()))?;
    Ok(conn)
}

/// Make the database and its -wal and -shm files private (mode 0600) where others
/// could read or write them (a copy made with `cp` under a loose umask, a restore from
/// a backup). Returns each file made private with the mode it had; a file that is not
/// ours to change is reported as an error.
pub fn make_private(path: &Path) -> Result<Vec<(std::path::PathBuf, u32)>> {
    use std::os::unix::fs::PermissionsExt;
    let mut changed = Vec::new();
    let mut files = vec![path.to_path_buf()];
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        files.push(side.into());
    }
    for file in files {
        let Ok(meta) = std::fs::symlink_metadata(&file) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).with_context(
                || {
                    format!(
                        "{} can be read by others (mode {mode:o}) and cannot be made private",
                        file.display()
                    )
                },
            )?;
            changed.push((file, mode));
        }
    }
    Ok(changed)
}

/// A second connection for SQL typed by an operator: opened read-only, `query_only`, and
/// an authorizer that allows reading and nothing else.
pub fn open_readonly(path: &Path) -> Result<Connection> {
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening {} read-only", path.display()))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
    conn.pragma_update(None, "temp_store", "FILE")?;
    conn.pragma_update(None, "query_only", "ON")?;
    super::suppression::register(&conn)?;
    conn.authorizer(Some(|ctx: AuthContext<'_>| {
        super::queries::authorize(ctx, None)
    }))?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_new_database_is_private_and_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crm.sqlite");
        let conn = open_or_create(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let fk: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        let sd: i64 = conn
            .query_row("PRAGMA secure_delete", [], |r| r.get(0))
            .unwrap();
        assert_eq!((fk, sd), (1, 1));
    }

    #[test]
    fn the_wal_and_shm_files_are_private_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crm.sqlite");
        let conn = open_or_create(&path).unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        for suffix in ["-wal", "-shm"] {
            let side = dir.path().join(format!("crm.sqlite{suffix}"));
            let mode = std::fs::metadata(&side).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{suffix}");
        }
    }

    #[test]
    fn a_database_readable_by_others_is_made_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crm.sqlite");
        let conn = open_or_create(&path).unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        let wal = dir.path().join("crm.sqlite-wal");
        for f in [&path, &wal] {
            std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        let changed = make_private(&path).unwrap();
        assert_eq!(changed.len(), 2, "{changed:?}");
        assert!(changed.iter().all(|(_, m)| *m == 0o644));
        for f in [&path, &wal] {
            let mode = std::fs::metadata(f).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert!(make_private(&path).unwrap().is_empty());
    }

    #[test]
    fn opening_a_missing_file_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing.sqlite");
        let err = open_existing(&path).unwrap_err().to_string();
        assert!(err.contains("smp-avg init"), "{err}");
        assert!(!path.exists());
    }
}
