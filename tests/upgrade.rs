#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `init` on a database of an older smp-avg: `tests/fixtures/v1-crm.sqlite` (a copy of
//! `../shared/fixtures/v1-crm.sqlite`: the first round's tool, a demo of 2,000 persons
//! and one day's work) is upgraded in place, loses nothing, equals a new database, and
//! every command works on it.
mod common;
use common::TestDb;
use rusqlite::Connection;
use std::collections::BTreeMap;

/// A copy of the first round's database in a temporary directory.
pub fn v1_copy() -> TestDb {
    let db = TestDb::empty();
    let shared =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/v1-crm.sqlite");
    let ours =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1-crm.sqlite");
    let src = if shared.exists() { shared } else { ours };
    std::fs::copy(&src, &db.path).unwrap();
    let mut perms = std::fs::metadata(&db.path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o600);
    std::fs::set_permissions(&db.path, perms).unwrap();
    db
}

/// Every row of every table of the first round, keyed by table: the rows as they were.
fn v1_rows(conn: &Connection) -> BTreeMap<String, Vec<String>> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = BTreeMap::new();
    for t in tables {
        // The columns of version 1 only: later versions add columns.
        let cols: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{t}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        out.insert(t, cols);
    }
    out
}

fn dump(conn: &Connection, table: &str, cols: &[String]) -> Vec<String> {
    let list = cols
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut stmt = conn
        .prepare(&format!("SELECT {list} FROM \"{table}\" ORDER BY 1, 2"))
        .unwrap();
    let n = cols.len();
    stmt.query_map([], |r| {
        let mut line = String::new();
        for i in 0..n {
            let v: rusqlite::types::Value = r.get(i)?;
            line.push_str(&format!("{v:?}|"));
        }
        Ok(line)
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn structure(
    conn: &Connection,
) -> (
    Vec<smp_avg::db::migrate::SchemaObject>,
    BTreeMap<String, Vec<String>>,
) {
    let objects = smp_avg::db::migrate::derived_objects(conn).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut columns = BTreeMap::new();
    for t in tables {
        let cols: Vec<String> = conn
            .prepare(&format!(
                "SELECT name || ' ' || type || ' ' || \"notnull\" || ' ' || coalesce(dflt_value, '') || ' ' || pk || ' ' || hidden FROM pragma_table_xinfo('{t}') ORDER BY name"
            ))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        columns.insert(t, cols);
    }
    (objects, columns)
}

#[test]
fn the_first_rounds_database_is_upgraded_in_place_losing_nothing() {
    let db = v1_copy();
    // The first round removed the newest document once (id 1000, as its log says).
    db.exec_raw(
        "INSERT INTO audit_log (at, operator, command, person_id, affected, details)
         VALUES ('2026-01-05T10:00:00Z', 'kassa', 'document remove', 1, 1, '{\"document_id\": 1000}')",
    );
    let before: BTreeMap<String, Vec<String>> = {
        let conn = db.conn();
        v1_rows(&conn)
            .into_iter()
            .map(|(t, cols)| {
                let rows = dump(&conn, &t, &cols);
                (t, rows)
            })
            .collect()
    };
    assert!(before["persons"].len() == 2000 && before["consent_records"].len() == 4960);
    let out = db.json(&["init"]);
    assert_eq!(out["upgraded_from"], 1);
    assert_eq!(db.int("PRAGMA user_version"), smp_avg::db::migrate::LATEST);
    let conn = db.conn();
    let old_columns = {
        let scratch = Connection::open_in_memory().unwrap();
        scratch
            .execute_batch(include_str!("../migrations/0001_first_round.sql"))
            .unwrap();
        v1_rows(&scratch)
    };
    for (table, rows) in &before {
        let now = dump(&conn, table, &old_columns[table]);
        if table == "settings" {
            // The organisation's name is the setting `organisation.name` now.
            assert_eq!(
                rows,
                &["Text(\"organisation\")|Text(\"Theater De Kroon\")|"]
            );
            assert_eq!(
                now,
                ["Text(\"organisation.name\")|Text(\"Theater De Kroon\")|"],
                "settings"
            );
        } else if table == "audit_log" {
            // The upgrade itself is one more entry.
            assert_eq!(&now[..rows.len()], &rows[..], "table {table} changed");
            assert_eq!(now.len(), rows.len() + 1);
        } else {
            assert_eq!(&now, rows, "table {table} changed");
        }
    }
    // The upgraded database is the same as a new one: tables, columns, triggers, views
    // and indexes.
    let fresh = TestDb::new();
    assert_eq!(structure(&conn), structure(&fresh.conn()));
    // Document ids are never used again, also those the first round removed.
    let documents: String = conn
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'documents'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(documents.contains("AUTOINCREMENT"), "{documents}");
    assert_eq!(
        db.int("SELECT seq FROM sqlite_sequence WHERE name = 'documents'"),
        1000
    );
    // A second init changes nothing.
    let snap = db.snapshot();
    assert_eq!(
        db.json(&["init"])["upgraded_from"],
        smp_avg::db::migrate::LATEST
    );
    assert_eq!(db.snapshot(), snap);
}

#[test]
fn every_command_works_on_the_upgraded_database() {
    let db = v1_copy();
    db.run(&["init"]).success();
    // The day's work of the fixture is still what it was.
    let card = db.json(&["person", "show", "13"]);
    assert!(card["anonymised_at"].is_string());
    let card = db.json(&["person", "show", "15"]);
    assert_eq!(card["bouncer"], true);
    db.run(&["run-soft-optins"]).success();
    let audience = db.json(&["query", "audience", "--type", "nieuwsbrief"]);
    assert!(!audience.as_array().unwrap().is_empty());
    db.run(&[
        "subscribe",
        "--person",
        "20",
        "--type",
        "nieuwsbrief",
        "--opt-out",
        "--channel",
        "telefonisch",
    ])
    .success();
    db.run(&["--yes", "unsubscribe-all", "--person", "21"])
        .success();
    db.run(&["profile", "run"]).success();
    // The access answer needs a way to reach the organisation (its name came along).
    db.run(&[
        "settings",
        "set",
        "organisation.email",
        "privacy@dekroon.nl",
    ])
    .success();
    let pdf = db.dir.path().join("p.pdf");
    db.run(&[
        "export-pdf",
        "--person",
        "14",
        "--out",
        pdf.to_str().unwrap(),
    ])
    .success();
    db.run(&["--yes", "anonymise", "--person", "22"]).success();
    db.run(&["anonymise", "--inactive-for", "5y", "--dry-run"])
        .success();
    db.run(&["audit"]).success();
}
