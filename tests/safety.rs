#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! No input can destroy data: every file the tool writes (an access answer, a reject
//! file) is refused over the database, its side files, an input of the same command, a
//! symbolic link or a device, and an existing file needs --force; operator SQL is
//! bounded in time; a file that is not a database is not turned into one.
mod common;
use common::{TestDb, stderr, stdout};

fn bytes(p: &std::path::Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

fn with_person(db: &TestDb) -> String {
    db.run(&["settings", "set", "organisation.name", "Theater De Kroon"])
        .success();
    db.run(&[
        "settings",
        "set",
        "organisation.email",
        "privacy@dekroon.example",
    ])
    .success();
    db.person("Jan", "Vries", "jan@example.nl").to_string()
}

#[test]
fn the_database_is_never_an_output() {
    let db = TestDb::new();
    let id = with_person(&db);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    let before = (db.snapshot(), bytes(&db.path));
    let csv = db.file(
        "in.csv",
        &format!("person,type,opt_in\n{id},nieuwsbrief,1\n{id},kwijt,1\n"),
    );
    let db_path = db.path.to_str().unwrap().to_string();
    let wal = format!("{db_path}-wal");
    for args in [
        vec!["export-pdf", "--person", &id, "--out", &db_path],
        vec!["--yes", "export-pdf", "--person", &id, "--out", &db_path],
        vec!["export-pdf", "--person", &id, "--out", &wal],
        vec![
            "subscribe",
            "--csv",
            csv.to_str().unwrap(),
            "--reject-file",
            &db_path,
        ],
        vec![
            "--force",
            "subscribe",
            "--csv",
            csv.to_str().unwrap(),
            "--reject-file",
            csv.to_str().unwrap(),
        ],
        vec![
            "import",
            "persons",
            csv.to_str().unwrap(),
            "--reject-file",
            &db_path,
        ],
    ] {
        let a = db.run(&args).code(1);
        let err = stderr(&a);
        assert!(err.contains("refusing to write over it"), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    assert_eq!(db.snapshot(), before.0);
    assert_eq!(bytes(&db.path), before.1);
    assert_eq!(
        bytes(&csv),
        format!("person,type,opt_in\n{id},nieuwsbrief,1\n{id},kwijt,1\n").into_bytes()
    );
    // Through another path to the same file, too.
    let sub = db.dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let other_way = sub.join("../crm.sqlite");
    db.run(&[
        "--yes",
        "export-pdf",
        "--person",
        &id,
        "--out",
        other_way.to_str().unwrap(),
    ])
    .code(1);
    assert_eq!(bytes(&db.path), before.1);
}

#[test]
fn links_devices_and_existing_files() {
    let db = TestDb::new();
    let id = with_person(&db);
    let victim = db.file("victim.txt", "keep me");
    let link = db.dir.path().join("answer.pdf");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let a = db
        .run(&[
            "--force",
            "export-pdf",
            "--person",
            &id,
            "--out",
            link.to_str().unwrap(),
        ])
        .code(1);
    assert!(stderr(&a).contains("symbolic link"), "{}", stderr(&a));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    let a = db
        .run(&[
            "--force",
            "export-pdf",
            "--person",
            &id,
            "--out",
            "/dev/null",
        ])
        .code(1);
    assert!(stderr(&a).contains("not a regular file"), "{}", stderr(&a));
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device_like()
    );
    // An existing file is replaced only with --force (or --yes).
    let out = db.dir.path().join("inzage.pdf");
    db.run(&[
        "export-pdf",
        "--person",
        &id,
        "--out",
        out.to_str().unwrap(),
    ])
    .success();
    let a = db
        .run(&[
            "export-pdf",
            "--person",
            &id,
            "--out",
            out.to_str().unwrap(),
        ])
        .code(1);
    assert!(stderr(&a).contains("use --force"), "{}", stderr(&a));
    db.run(&[
        "--force",
        "export-pdf",
        "--person",
        &id,
        "--out",
        out.to_str().unwrap(),
    ])
    .success();
    let rejects = db.dir.path().join("afgekeurd.csv");
    let csv = db.file("in.csv", &format!("person,type,opt_in\n{id},kwijt,1\n"));
    db.run(&[
        "subscribe",
        "--csv",
        csv.to_str().unwrap(),
        "--reject-file",
        rejects.to_str().unwrap(),
    ])
    .success();
    db.run(&[
        "subscribe",
        "--csv",
        csv.to_str().unwrap(),
        "--reject-file",
        rejects.to_str().unwrap(),
    ])
    .code(1);
    db.run(&[
        "--yes",
        "subscribe",
        "--csv",
        csv.to_str().unwrap(),
        "--reject-file",
        rejects.to_str().unwrap(),
    ])
    .success();
    // A dry run writes no reject file at all.
    let dry = db.dir.path().join("dry.csv");
    db.run(&[
        "subscribe",
        "--csv",
        csv.to_str().unwrap(),
        "--reject-file",
        dry.to_str().unwrap(),
        "--dry-run",
    ])
    .success();
    assert!(!dry.exists());
}

trait CharDevice {
    fn is_char_device_like(&self) -> bool;
}
impl CharDevice for std::fs::FileType {
    fn is_char_device_like(&self) -> bool {
        use std::os::unix::fs::FileTypeExt;
        self.is_char_device()
    }
}

#[test]
fn an_unbounded_recursive_query_is_stopped_by_the_time_limit() {
    let db = TestDb::new();
    db.person("Jan", "Vries", "jan@example.nl");
    let endless =
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
    let a = db
        .run(&["query", "sql", endless, "--timeout", "1", "--format", "csv"])
        .code(1);
    assert!(stderr(&a).contains("stopped after 1 s"), "{}", stderr(&a));
    assert_eq!(stdout(&a), "", "no header before the failure");
    // As a rule's saved query (changed in the shell), in the nightly run: stopped, and
    // the write lock is free again.
    db.exec_raw(
        "UPDATE saved_queries SET sql = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT p.id FROM persons p, c' WHERE name IN (SELECT rule_query FROM consent_types WHERE code = 'profileren')",
    );
    let before = db.snapshot();
    let a = db.run(&["run-soft-optins", "--timeout", "1"]).code(1);
    assert!(stderr(&a).contains("stopped after 1 s"), "{}", stderr(&a));
    assert_eq!(db.snapshot(), before);
    db.run(&[
        "subscribe",
        "--person",
        "1",
        "--type",
        "nieuwsbrief",
        "--opt-in",
    ])
    .success();
    db.run(&["query", "sql", endless, "--timeout", "0"]).code(2);
}

#[test]
fn operator_sql_errors_are_plain_and_comments_are_fine() {
    let db = TestDb::new();
    db.person("Jan", "Vries", "jan@example.nl");
    let out = db.json(&[
        "query",
        "save",
        "SMP - 20261201 - Selectie - Iedereen",
        "--sql",
        "SELECT id FROM persons -- iedereen",
    ]);
    assert_eq!(out["rows"], 1);
    db.run(&["query", "run", "SMP - 20261201 - Selectie - Iedereen"])
        .success();
    let a = db
        .run(&["query", "sql", "SELECT json('{')", "--format", "csv"])
        .code(1);
    assert_eq!(stdout(&a), "");
    let a = db
        .run(&[
            "query",
            "save",
            "SMP - 20261201 - Selectie - Fout",
            "--sql",
            "SELECT FROM",
        ])
        .code(1);
    let err = stderr(&a);
    assert!(
        !err.contains("person_id, c2") && !err.contains("WITH"),
        "internal SQL shown: {err}"
    );
}

#[test]
fn an_empty_or_foreign_file_is_not_turned_into_a_database() {
    let db = TestDb::empty();
    std::fs::write(&db.path, b"").unwrap();
    for args in [
        vec!["types", "list"],
        vec!["person", "show", "1"],
        vec!["verify"],
    ] {
        let a = db.run(&args).code(1);
        assert!(
            stderr(&a).contains("not an smp-avg database"),
            "{}",
            stderr(&a)
        );
    }
    assert_eq!(std::fs::metadata(&db.path).unwrap().len(), 0);
    std::fs::write(&db.path, b"first_name,email\nJan,jan@example.nl\n").unwrap();
    db.run(&["types", "list"]).code(1);
    assert_eq!(
        std::fs::read(&db.path).unwrap(),
        b"first_name,email\nJan,jan@example.nl\n"
    );
    // Another program's SQLite database is not switched to WAL by a read command.
    let other = TestDb::empty();
    rusqlite::Connection::open(&other.path)
        .unwrap()
        .execute_batch("CREATE TABLE x (a); INSERT INTO x VALUES (1);")
        .unwrap();
    let a = other.run(&["types", "list"]).code(1);
    assert!(stderr(&a).contains("smp-avg init"), "{}", stderr(&a));
    let mode: String = rusqlite::Connection::open(&other.path)
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
}
