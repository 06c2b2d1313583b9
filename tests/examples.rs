#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every example runs against a temporary database: the import script, the saved
//! queries script and each job of the crontab.
mod common;
use common::TestDb;
use std::process::Command;

fn root() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

/// A shell with smp-avg on the PATH and the database in SMP_AVG_DB.
fn bash(db: &TestDb) -> Command {
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_smp-avg"))
        .parent()
        .unwrap()
        .to_path_buf();
    let mut cmd = Command::new("bash");
    cmd.current_dir(db.dir.path())
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin_dir.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("SMP_AVG", env!("CARGO_BIN_EXE_smp-avg"))
        .env("SMP_AVG_DB", &db.path)
        .env("SMP_AVG_OPERATOR", "example");
    cmd
}

#[test]
fn the_import_script_loads_the_sample_export() {
    let db = TestDb::new();
    let out = bash(&db)
        .arg(format!("{}/examples/import.sh", root()))
        .arg(format!("{}/examples/data", root()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(db.int("SELECT count(*) FROM persons"), 2);
    assert_eq!(db.int("SELECT count(*) FROM transactions"), 3);
    assert_eq!(db.int("SELECT count(*) FROM consent_records"), 3);
    assert_eq!(
        db.text("SELECT amount FROM transactions WHERE kind = 'ticket'")
            .as_deref(),
        Some("32.50")
    );
}

#[test]
fn the_import_script_stops_on_the_first_failure() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("personen.csv"),
        "first_name,iban\nJan,NL00NOTANIBAN\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("transacties.csv"),
        "person,kind,occurred_at\n1,ticket,2026-01-01\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("toestemmingen.csv"),
        "person,type,opt_in\n1,nieuwsbrief,1\n",
    )
    .unwrap();
    let out = bash(&db)
        .arg(format!("{}/examples/import.sh", root()))
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2: iban"));
    assert_eq!(db.int("SELECT count(*) FROM persons"), 0);
    assert_eq!(db.int("SELECT count(*) FROM transactions"), 0);
}

#[test]
fn the_saved_queries_script_follows_the_convention_and_works() {
    let db = TestDb::demo(400);
    db.exec("UPDATE persons SET street = NULL, house_number = NULL WHERE id <= 10");
    // Persons already opted out of direct mail are left alone by an opt-out rule.
    let expected = db.int("SELECT count(*) FROM persons p WHERE id <= 10 AND NOT EXISTS (SELECT 1 FROM consent_current c WHERE c.person_id = p.id AND c.type = 'direct_mail' AND c.opt_in = 0)");
    let out = bash(&db)
        .arg(format!("{}/examples/saved-queries.sh", root()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("warning"),
        "a name breaks the convention"
    );
    assert!(
        db.int(
            "SELECT count(*) FROM saved_queries WHERE name LIKE 'SMP - % - Selectie - Amsterdam'"
        ) == 1
    );
    assert_eq!(db.int("SELECT count(*) FROM consent_records WHERE description = 'Zachte opt-out direct mail: geen postadres'"), expected);
}

#[test]
fn every_crontab_job_runs() {
    let db = TestDb::demo(300);
    let inbox = db.dir.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    std::fs::copy(
        format!("{}/examples/data/bounces.csv", root()),
        inbox.join("bounces.csv"),
    )
    .unwrap();
    let crontab = std::fs::read_to_string(format!("{}/examples/crontab", root())).unwrap();
    let jobs: Vec<String> = crontab
        .lines()
        .filter(|l| {
            !l.trim().is_empty()
                && !l.starts_with('#')
                && !l.split_whitespace().next().unwrap().contains('=')
        })
        .map(|l| l.split_whitespace().skip(5).collect::<Vec<_>>().join(" "))
        .collect();
    assert!(jobs.len() >= 4, "{jobs:?}");
    let log = db.dir.path().join("smp-avg.log");
    for job in &jobs {
        let out = bash(&db)
            .arg("-c")
            .arg(job)
            .env("SMP_AVG_INBOX", &inbox)
            .env("SMP_AVG_LOG", &log)
            .env("SMP_AVG_OPERATOR", "cron")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{job}: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }
    // The log holds one JSON document per job and the jobs did their work.
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("\"inserted\""), "{text}");
    assert!(db.int("SELECT count(*) FROM audit_log WHERE operator = 'cron'") >= 4);
    assert!(db.int("SELECT count(*) FROM scores") > 0);
}
