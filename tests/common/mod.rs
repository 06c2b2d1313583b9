//! TestDb: a temporary database, the real binary run against it, and direct SQL to
//! check the state afterwards.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use assert_cmd::Command;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub struct TestDb {
    pub dir: TempDir,
    pub path: PathBuf,
}

impl TestDb {
    /// A directory with no database yet.
    pub fn empty() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crm.sqlite");
        TestDb { dir, path }
    }

    /// A database made by `smp-avg init`.
    pub fn new() -> Self {
        let db = Self::empty();
        db.run(&["init"]).success();
        db
    }

    /// A database made by `smp-avg init --demo N`.
    pub fn demo(n: u32) -> Self {
        let db = Self::empty();
        db.run(&["init", "--demo", &n.to_string(), "--seed", "7"])
            .success();
        db
    }

    /// The binary, pointed at this database, run from the temp directory.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("smp-avg").unwrap();
        cmd.current_dir(self.dir.path())
            .env_remove("SMP_AVG_DB")
            .env("SMP_AVG_OPERATOR", "tester")
            .env("NO_COLOR", "1")
            .arg("--db")
            .arg(&self.path);
        cmd
    }

    pub fn run(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        self.cmd().args(args).assert()
    }

    /// Run with JSON output and parse it.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self
            .cmd()
            .args(args)
            .arg("--format")
            .arg("json")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// Run with input on stdin.
    pub fn run_stdin(&self, args: &[&str], input: &str) -> assert_cmd::assert::Assert {
        self.cmd()
            .args(args)
            .write_stdin(input.to_string())
            .assert()
    }

    pub fn conn(&self) -> Connection {
        let conn = Connection::open(&self.path).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .unwrap();
        // As the tool writes: deleted or moved bytes overwritten (the proof of erasure
        // reads free space too).
        conn.pragma_update(None, "secure_delete", "ON").unwrap();
        conn
    }

    /// One integer from SQL.
    pub fn int(&self, sql: &str) -> i64 {
        self.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// One optional text from SQL.
    pub fn text(&self, sql: &str) -> Option<String> {
        self.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// Run SQL directly (test set-up, as if smp-avg had written it: records and audit
    /// entries are sealed into the chains afterwards).
    pub fn exec(&self, sql: &str) {
        let conn = self.conn();
        conn.execute_batch(sql).unwrap();
        smp_avg::db::ledger::seal(&conn).unwrap();
    }

    /// Run SQL behind the tool's back, as an adversary in the sqlite3 shell would:
    /// nothing is sealed.
    pub fn exec_raw(&self, sql: &str) {
        self.conn().execute_batch(sql).unwrap();
    }

    /// A file in the temp directory.
    pub fn file(&self, name: &str, content: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    /// Every row of every table, as text: to prove that nothing changed.
    pub fn snapshot(&self) -> String {
        snapshot(&self.path)
    }

    /// Add a person by SQL; returns the id.
    pub fn person(&self, first: &str, last: &str, email: &str) -> i64 {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO persons (first_name, last_name, email, created_at) VALUES (?1, ?2, ?3, '2026-01-01T00:00:00Z')",
            [first, last, email],
        )
        .unwrap();
        conn.last_insert_rowid()
    }
}

pub fn snapshot(path: &Path) -> String {
    let conn = Connection::open(path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for t in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{t}\" ORDER BY 1"))
            .unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        out.push_str(&format!("## {t}\n"));
        while let Some(r) = rows.next().unwrap() {
            for i in 0..n {
                let v: rusqlite::types::Value = r.get(i).unwrap();
                out.push_str(&format!("{v:?}|"));
            }
            out.push('\n');
        }
    }
    out
}

/// stderr of a finished command, as text.
pub fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// stdout of a finished command, as text.
pub fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

/// A time zone whose date differs from the UTC date at this moment, that date and the UTC
/// date: UTC+14
/// from 10:00 UTC (its next day has begun), UTC-11 before (its day has not yet ended).
/// Set as the organisation's, it makes a test of "the organisation's day" fail at any
/// hour when the tool takes the day in UTC.
pub fn zone_off_the_utc_day() -> (&'static str, chrono::NaiveDate, chrono::NaiveDate) {
    use chrono::Timelike;
    let now = chrono::Utc::now();
    let name = if now.hour() >= 10 {
        "Pacific/Kiritimati"
    } else {
        "Pacific/Pago_Pago"
    };
    let tz: chrono_tz::Tz = name.parse().unwrap();
    let day = now.with_timezone(&tz).date_naive();
    // Both dates from one reading of the clock: midnight UTC cannot fall between them.
    let utc_day = now.date_naive();
    assert_ne!(day, utc_day, "{name}");
    (name, day, utc_day)
}

/// A document of person `id`, of a kind held one day (`eendaags`, set here), dated the
/// day before `until`: held until `until`. Its JSON as `document add` gives it.
pub fn document_held_until(db: &TestDb, id: i64, until: chrono::NaiveDate) -> serde_json::Value {
    db.run(&[
        "retention",
        "set",
        "eendaags",
        "1d",
        "--basis",
        "Test: een dag",
        "--allow-short-period",
    ])
    .success();
    let f = db.file("kort.pdf", "%PDF-1.4 KORT");
    let doc = db.json(&[
        "document",
        "add",
        &id.to_string(),
        f.to_str().unwrap(),
        "--kind",
        "eendaags",
        "--date",
        &until.pred_opt().unwrap().to_string(),
    ]);
    assert_eq!(doc["held_until"], until.to_string(), "{doc}");
    doc
}
