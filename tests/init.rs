#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
use common::{TestDb, stderr};
use std::os::unix::fs::PermissionsExt;

#[test]
fn init_creates_a_private_database_with_the_default_types() {
    let db = TestDb::new();
    let mode = std::fs::metadata(&db.path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let types = db.json(&["types", "list"]);
    let codes: Vec<&str> = types
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].as_str().unwrap())
        .collect();
    for code in ["nieuwsbrief", "servicemail", "profileren", "direct_mail"] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    let service = types
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "servicemail")
        .unwrap();
    assert_eq!(service["rule_opt_in"], true);
    assert_eq!(service["rule_description"], "Zachte servicemail opt-in");
    let rule = service["rule"].as_str().unwrap();
    // The seed's naming convention: <org> - <yyyymmdd> - <function> - <description>.
    let parts: Vec<&str> = rule.split(" - ").collect();
    assert_eq!(parts.len(), 4, "{rule}");
    assert_eq!(parts[1].len(), 8);
    assert!(parts[1].bytes().all(|b| b.is_ascii_digit()));
    let nieuwsbrief = types
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "nieuwsbrief")
        .unwrap();
    assert!(nieuwsbrief["rule"].is_null());
    assert!(db.int("SELECT count(*) FROM processing_register") >= 4);
    assert_eq!(db.int("PRAGMA user_version"), smp_avg::db::migrate::LATEST);
    assert_eq!(db.text("PRAGMA journal_mode").as_deref(), Some("wal"));
}

#[test]
fn init_twice_changes_nothing() {
    let db = TestDb::new();
    let before = db.snapshot();
    let out = db.json(&["init"]);
    assert_eq!(out["types_added"], 0);
    assert_eq!(out["upgraded_from"], smp_avg::db::migrate::LATEST);
    assert_eq!(db.snapshot(), before);
}

#[test]
fn init_upgrades_an_empty_older_file_in_place() {
    let db = TestDb::empty();
    // A file from before smp-avg: an SQLite database with user_version 0.
    rusqlite::Connection::open(&db.path)
        .unwrap()
        .execute_batch("CREATE TABLE legacy (x); INSERT INTO legacy VALUES (42);")
        .unwrap();
    let out = db.json(&["init"]);
    assert_eq!(out["upgraded_from"], 0);
    assert_eq!(db.int("PRAGMA user_version"), smp_avg::db::migrate::LATEST);
    assert_eq!(db.int("SELECT x FROM legacy"), 42);
}

#[test]
fn a_database_from_a_newer_smp_avg_is_refused() {
    let db = TestDb::new();
    db.exec("PRAGMA user_version = 99");
    let a = db.run(&["types", "list"]).code(1);
    assert!(stderr(&a).contains("newer"), "{}", stderr(&a));
    db.run(&["init"]).code(1);
}

#[test]
fn commands_other_than_init_never_create_a_database() {
    let db = TestDb::empty();
    for args in [
        vec!["types", "list"],
        vec!["person", "show", "1"],
        vec!["audit"],
    ] {
        let a = db.run(&args).code(1);
        let err = stderr(&a);
        assert!(err.contains("smp-avg init"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "one-line error: {err}");
        assert!(!db.path.exists());
    }
}

#[test]
fn demo_is_deterministic_per_seed() {
    let a = TestDb::demo(300);
    let b = TestDb::demo(300);
    let persons = |db: &TestDb| -> String {
        let conn = db.conn();
        let mut stmt = conn
            .prepare("SELECT group_concat(id || first_name || coalesce(infix,'') || last_name || coalesce(email,'') || coalesce(iban,'') || created_at, '|') FROM persons")
            .unwrap();
        stmt.query_row([], |r| r.get(0)).unwrap()
    };
    assert_eq!(persons(&a), persons(&b));
    assert_eq!(
        a.int("SELECT count(*) FROM consent_records"),
        b.int("SELECT count(*) FROM consent_records")
    );
    let c = TestDb::empty();
    c.run(&["init", "--demo", "300", "--seed", "8"]).success();
    assert_ne!(persons(&a), persons(&c));
}

#[test]
fn demo_data_looks_real_and_validates() {
    let db = TestDb::demo(3000);
    assert_eq!(db.int("SELECT count(*) FROM persons"), 3000);
    assert!(db.int("SELECT count(*) FROM persons WHERE infix IS NOT NULL") > 300);
    assert!(
        db.int("SELECT count(*) FROM persons WHERE first_name || last_name GLOB '*[^ -~]*'") > 10
    );
    assert!(db.int("SELECT count(*) FROM persons WHERE deceased = 1") > 0);
    assert!(db.int("SELECT count(*) FROM persons WHERE bouncer = 1") > 0);
    assert!(db.int("SELECT count(*) FROM persons WHERE email IS NOT NULL AND NOT email_valid") > 0);
    assert_eq!(
        db.int("SELECT count(*) FROM persons WHERE country = 'NL' AND postal_code NOT GLOB '[1-9][0-9][0-9][0-9] [A-Z][A-Z]'"),
        0
    );
    assert_eq!(db.int("SELECT count(DISTINCT kind) FROM transactions"), 4);
    assert!(db.int("SELECT count(*) FROM contact_moment_recipients") > 0);
    assert!(db.int("SELECT count(DISTINCT channel) FROM consent_records") >= 4);
    assert!(db.int("SELECT count(*) FROM documents") > 0);
    // Every IBAN passes mod-97 and every BSN the 11-check (checked by the Rust validators).
    let conn = db.conn();
    let mut stmt = conn
        .prepare("SELECT iban, bsn FROM persons WHERE iban IS NOT NULL OR bsn IS NOT NULL")
        .unwrap();
    let rows: Vec<(Option<String>, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(rows.len() > 100);
    for (iban, bsn) in rows {
        if let Some(i) = iban {
            assert_eq!(smp_avg::rules::validate::iban(&i).unwrap(), i);
        }
        if let Some(b) = bsn {
            assert!(smp_avg::rules::validate::bsn_eleven_check(&b), "{b}");
        }
    }
}

/// Issue 17: unique where it matters, whole (every foreign key holds, SQLite's own
/// checks pass, `verify` finds the chain and the state right), and with the recipients
/// of every mailing as the set-based definition gives them.
#[test]
fn demo_is_unique_where_it_matters_and_whole() {
    let db = TestDb::demo(20_000);
    // (A malformed address, "jan jong@example.nl", may be typed for two persons.)
    for (column, only) in [
        ("bsn", "1"),
        ("iban", "1"),
        ("mobile", "1"),
        ("email", "email_valid"),
    ] {
        assert_eq!(
            db.int(&format!(
                "SELECT count(*) FROM (SELECT {column} FROM persons WHERE {column} IS NOT NULL AND {only} GROUP BY {column} HAVING count(*) > 1)"
            )),
            0,
            "{column} shared"
        );
    }
    assert!(db.int("SELECT count(DISTINCT bsn) FROM persons") > 500);
    // The fill does not run the schema's CHECK constraints again for its own rows:
    // integrity_check runs every one of them over what it wrote, for other seeds too.
    assert_eq!(db.text("PRAGMA integrity_check").as_deref(), Some("ok"));
    for seed in ["1", "2", "3"] {
        let other = TestDb::empty();
        other
            .run(&["init", "--demo", "3000", "--seed", seed])
            .success();
        assert_eq!(
            other.text("PRAGMA integrity_check").as_deref(),
            Some("ok"),
            "seed {seed}"
        );
    }
    assert_eq!(db.int("SELECT count(*) FROM pragma_foreign_key_check"), 0);
    assert_eq!(
        db.int(
            "SELECT count(*) FROM (
                SELECT m.id, r.person_id FROM contact_moments m JOIN consent_records r
                  ON r.type = 'nieuwsbrief' AND r.channel = 'webformulier' AND r.recorded_at < m.sent_at
                WHERE (r.person_id + m.id) % 4 = 0
                UNION SELECT contact_moment_id, person_id FROM consent_records WHERE contact_moment_id IS NOT NULL
                EXCEPT SELECT contact_moment_id, person_id FROM contact_moment_recipients)"
        ),
        0
    );
    let report = db.json(&["verify"]);
    assert_eq!(report["ok"], true, "{report}");
    // The index built after the fill is the schema's own.
    assert_eq!(
        db.int("SELECT count(*) FROM sqlite_schema WHERE name = 'persons_email'"),
        1
    );
}

#[test]
fn demo_refuses_a_database_that_holds_persons() {
    let db = TestDb::demo(10);
    let before = db.snapshot();
    let a = db.run(&["init", "--demo", "10"]).code(1);
    assert!(stderr(&a).contains("empty database"));
    assert_eq!(db.snapshot(), before);
}

#[test]
fn organisation_name_is_kept_and_changeable() {
    let db = TestDb::empty();
    db.run(&["init", "--organisation", "Theater De Kroon"])
        .success();
    assert_eq!(
        db.text("SELECT value FROM settings WHERE key = 'organisation.name'")
            .as_deref(),
        Some("Theater De Kroon")
    );
    db.run(&["init"]).success();
    assert_eq!(
        db.text("SELECT value FROM settings WHERE key = 'organisation.name'")
            .as_deref(),
        Some("Theater De Kroon")
    );
    db.run(&["init", "--organisation", "Museum Het Hof"])
        .success();
    assert_eq!(
        db.text("SELECT value FROM settings WHERE key = 'organisation.name'")
            .as_deref(),
        Some("Museum Het Hof")
    );
}

#[test]
fn consent_records_are_append_only_in_the_database_itself() {
    let db = TestDb::demo(50);
    let conn = db.conn();
    assert!(conn.execute("DELETE FROM consent_records", []).is_err());
    assert!(
        conn.execute("UPDATE consent_records SET opt_in = 1 - opt_in", [])
            .is_err()
    );
    assert!(
        conn.execute("UPDATE consent_records SET description = NULL", [])
            .is_err()
    );
}

/// Review: a database others can read (a copy under a loose umask, a restored backup)
/// is made private by init, which says so.
#[test]
fn init_makes_a_database_readable_by_others_private() {
    let db = TestDb::new();
    std::fs::set_permissions(&db.path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let a = db.run(&["init"]).success();
    assert!(stderr(&a).contains("mode 644"), "{}", stderr(&a));
    let mode = std::fs::metadata(&db.path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let a = db.run(&["init"]).success();
    assert!(!stderr(&a).contains("made private"), "{}", stderr(&a));
}

#[test]
fn init_leaves_a_file_of_another_program_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let smp = |db: &std::path::Path| {
        assert_cmd::Command::cargo_bin("smp-avg")
            .unwrap()
            .env_remove("SMP_AVG_DB")
            .arg("--db")
            .arg(db)
            .arg("init")
            .assert()
            .code(1)
    };
    // Another program's SQLite database with a table of our name: not ours to mix.
    let foreign = dir.path().join("ander.sqlite");
    let conn = rusqlite::Connection::open(&foreign).unwrap();
    conn.execute_batch("CREATE TABLE persons (naam TEXT); INSERT INTO persons VALUES ('x');")
        .unwrap();
    drop(conn);
    let before = std::fs::read(&foreign).unwrap();
    let a = smp(&foreign);
    let err = common::stderr(&a);
    assert!(
        err.contains("another program") && err.contains("persons"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert_eq!(std::fs::read(&foreign).unwrap(), before);
    // A CSV file.
    let csv = dir.path().join("leden.csv");
    std::fs::write(&csv, "a,b\n1,2\n").unwrap();
    let err = common::stderr(&smp(&csv));
    assert!(err.contains("not an SQLite database"), "{err}");
    assert_eq!(std::fs::read(&csv).unwrap(), b"a,b\n1,2\n");
    // A database that claims a version of ours but is not: one line, nothing changed.
    let odd = dir.path().join("odd.sqlite");
    let conn = rusqlite::Connection::open(&odd).unwrap();
    conn.execute_batch("CREATE TABLE persons (x); PRAGMA user_version = 1;")
        .unwrap();
    drop(conn);
    let err = common::stderr(&smp(&odd));
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("nothing changed"), "{err}");
}
