#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
use common::{TestDb, stderr, stdout};

fn optin(db: &TestDb, id: i64, kind: &str) {
    db.json(&[
        "subscribe",
        "--person",
        &id.to_string(),
        "--type",
        kind,
        "--opt-in",
    ]);
}

#[test]
fn audience_is_opted_in_and_mailable_only() {
    let db = TestDb::new();
    let ok = db.person("Ok", "O", "ok@example.nl");
    let dead = db.person("Dood", "D", "dood@example.nl");
    let bounce = db.person("Bounce", "B", "bounce@example.nl");
    let invalid = db.person("Fout", "F", "fout@example");
    let anon = db.person("Anon", "A", "anon@example.nl");
    let out = db.person("Uit", "U", "uit@example.nl");
    let never = db.person("Nooit", "N", "nooit@example.nl");
    for id in [ok, dead, bounce, invalid, anon, out] {
        optin(&db, id, "nieuwsbrief");
    }
    db.json(&[
        "subscribe",
        "--person",
        &out.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-out",
    ]);
    db.exec(&format!(
        "UPDATE persons SET deceased = 1 WHERE id = {dead}; UPDATE persons SET bouncer = 1 WHERE id = {bounce};
         UPDATE persons SET anonymised_at = '2026-01-01T00:00:00Z' WHERE id = {anon};"
    ));
    let _ = never;
    let aud = db.json(&["query", "audience", "--type", "nieuwsbrief"]);
    let ids: Vec<i64> = aud
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["person_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![ok]);
    for key in ["person_id", "first_name", "infix", "last_name", "email"] {
        assert!(aud[0].get(key).is_some(), "{key}");
    }
    let csv = stdout(
        &db.run(&[
            "query",
            "audience",
            "--type",
            "nieuwsbrief",
            "--format",
            "csv",
        ])
        .success(),
    );
    assert_eq!(
        csv,
        format!("person_id,first_name,infix,last_name,email\n{ok},Ok,,O,ok@example.nl\n")
    );
}

#[test]
fn audience_within_a_saved_query() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    let b = db.person("B", "B", "b@example.nl");
    db.exec(&format!(
        "UPDATE persons SET city = 'Utrecht' WHERE id = {b}"
    ));
    optin(&db, a, "nieuwsbrief");
    optin(&db, b, "nieuwsbrief");
    db.json(&[
        "query",
        "save",
        "SMP - 20261129 - Selectie - Utrecht",
        "--sql",
        "SELECT id AS persoon, city FROM persons WHERE city = 'Utrecht';",
    ]);
    let aud = db.json(&[
        "query",
        "audience",
        "--type",
        "nieuwsbrief",
        "--within",
        "SMP - 20261129 - Selectie - Utrecht",
    ]);
    assert_eq!(aud.as_array().unwrap().len(), 1);
    assert_eq!(aud[0]["person_id"], b);
    db.run(&[
        "query",
        "audience",
        "--type",
        "nieuwsbrief",
        "--within",
        "nope",
    ])
    .code(1);
    db.run(&["query", "audience", "--type", "krant"]).code(1);
}

#[test]
fn record_mailing_creates_a_contact_moment_with_the_audience() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    let b = db.person("B", "B", "b@example.nl");
    optin(&db, a, "nieuwsbrief");
    optin(&db, b, "nieuwsbrief");
    let out = db
        .run(&[
            "query",
            "audience",
            "--type",
            "nieuwsbrief",
            "--record-mailing",
            "Nieuwsbrief december",
            "--format",
            "json",
        ])
        .success();
    let rows: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    let id = db.int("SELECT id FROM contact_moments WHERE name = 'Nieuwsbrief december'");
    assert!(stderr(&out).contains(&format!("contact moment {id}")));
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM contact_moment_recipients WHERE contact_moment_id = {id}"
        )),
        2
    );
    assert_eq!(
        db.text(&format!("SELECT type FROM contact_moments WHERE id = {id}"))
            .as_deref(),
        Some("nieuwsbrief")
    );
    // A later opt-out from that mailing names it.
    db.json(&[
        "subscribe",
        "--person",
        &a.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-out",
        "--contact-moment",
        &id.to_string(),
        "--channel",
        "voorkeurencentrum",
    ]);
    assert_eq!(
        db.json(&["person", "show", &a.to_string()])["history"][1]["contact_moment"],
        id
    );
    // Dry run records nothing.
    let before = db.snapshot();
    db.run(&[
        "query",
        "audience",
        "--type",
        "nieuwsbrief",
        "--record-mailing",
        "X",
        "--dry-run",
    ])
    .success();
    assert_eq!(db.snapshot(), before);
}

#[test]
fn every_write_attempt_is_refused_with_nothing_changed() {
    let db = TestDb::demo(50);
    let before = db.snapshot();
    let attempts = [
        "DELETE FROM persons",
        "UPDATE persons SET email = NULL",
        "INSERT INTO audit_log (at, operator, command) VALUES ('x', 'y', 'z')",
        "DROP TABLE persons",
        "SELECT 1; DELETE FROM persons",
        "SELECT id FROM persons; UPDATE persons SET bouncer = 1",
        "ATTACH DATABASE 'evil.sqlite' AS evil",
        "PRAGMA user_version = 42",
        "PRAGMA journal_mode = DELETE",
        "VACUUM",
        "VACUUM INTO 'copy.sqlite'",
        "BEGIN IMMEDIATE",
        "CREATE TEMP TABLE t AS SELECT * FROM persons",
        "SELECT load_extension('/tmp/evil')",
        "REINDEX",
        "ANALYZE",
        "WITH x AS (SELECT 1) DELETE FROM persons",
    ];
    for sql in attempts {
        let out = db.run(&["query", "sql", sql]).code(1);
        assert_eq!(
            stderr(&out).trim().lines().count(),
            1,
            "{sql}: {}",
            stderr(&out)
        );
        let out = db
            .run(&[
                "query",
                "save",
                "SMP - 20261129 - Test - Kwaad",
                "--sql",
                sql,
            ])
            .code(1);
        assert_eq!(stderr(&out).trim().lines().count(), 1, "{sql}");
    }
    assert!(!db.dir.path().join("evil.sqlite").exists());
    assert!(!db.dir.path().join("copy.sqlite").exists());
    assert_eq!(db.snapshot(), before);
}

#[test]
fn query_sql_reads() {
    let db = TestDb::demo(20);
    let rows = db.json(&[
        "query",
        "sql",
        "SELECT count(*) AS n, max(id) AS top FROM persons",
    ]);
    assert_eq!(rows[0]["n"], 20);
    assert_eq!(rows[0]["top"], 20);
}

#[test]
fn saved_queries_save_list_run() {
    let db = TestDb::demo(20);
    let name = "SMP - 20261129 - Selectie - Eerste tien";
    let out = db.json(&[
        "query",
        "save",
        name,
        "--sql",
        "SELECT id FROM persons WHERE id <= 10",
        "--description",
        "Test",
    ]);
    assert_eq!(out["rows"], 10);
    assert_eq!(out["follows_convention"], true);
    let list = db.json(&["query", "list"]);
    let saved = list
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["name"] == name)
        .unwrap();
    assert_eq!(saved["sql"], "SELECT id FROM persons WHERE id <= 10");
    assert_eq!(saved["description"], "Test");
    assert_eq!(
        db.json(&["query", "run", name]).as_array().unwrap().len(),
        10
    );
    // Same name again: refused unless --replace.
    db.run(&["query", "save", name, "--sql", "SELECT id FROM persons"])
        .code(1);
    db.json(&[
        "query",
        "save",
        name,
        "--sql",
        "SELECT id FROM persons",
        "--replace",
    ]);
    assert_eq!(
        db.json(&["query", "run", name]).as_array().unwrap().len(),
        20
    );
    db.run(&["query", "run", "nope"]).code(1);
}

#[test]
fn a_saved_query_must_return_person_ids_and_gets_a_naming_warning() {
    let db = TestDb::demo(20);
    let out = db
        .run(&[
            "query",
            "save",
            "SMP - 20261129 - Selectie - Steden",
            "--sql",
            "SELECT city FROM persons",
        ])
        .code(1);
    assert!(
        stderr(&out).contains("first column must be a person id"),
        "{}",
        stderr(&out)
    );
    db.run(&[
        "query",
        "save",
        "x",
        "--sql",
        "SELECT nonsense FROM nowhere",
    ])
    .code(1);
    let out = db
        .run(&[
            "query",
            "save",
            "alle personen",
            "--sql",
            "SELECT id FROM persons",
        ])
        .success();
    assert!(stderr(&out).contains("warning") && stderr(&out).contains("convention"));
}
