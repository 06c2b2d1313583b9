//! Every example script runs against a temporary database.
mod common;
use common::TestDb;
use std::process::Command;

#[test]
fn the_import_script_loads_the_sample_export() {
    let db = TestDb::new();
    let root = env!("CARGO_MANIFEST_DIR");
    let status = Command::new("bash")
        .arg(format!("{root}/examples/import.sh"))
        .arg(format!("{root}/examples/data"))
        .env("SMP_AVG", env!("CARGO_BIN_EXE_smp-avg"))
        .env("SMP_AVG_DB", &db.path)
        .env("SMP_AVG_OPERATOR", "import-script")
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(db.int("SELECT count(*) FROM persons"), 2);
    assert_eq!(db.int("SELECT count(*) FROM transactions"), 3);
}

#[test]
fn the_import_script_stops_on_the_first_failure() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("personen.csv"),
        "first_name,email\nJan,not-an-address\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("transacties.csv"),
        "person,kind,occurred_at\n1,ticket,2026-01-01\n",
    )
    .unwrap();
    let out = Command::new("bash")
        .arg(format!("{}/examples/import.sh", env!("CARGO_MANIFEST_DIR")))
        .arg(dir.path())
        .env("SMP_AVG", env!("CARGO_BIN_EXE_smp-avg"))
        .env("SMP_AVG_DB", &db.path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(db.int("SELECT count(*) FROM persons"), 0);
    assert_eq!(db.int("SELECT count(*) FROM transactions"), 0);
}

#[test]
fn the_crontab_only_calls_commands_that_exist() {
    let crontab =
        std::fs::read_to_string(format!("{}/examples/crontab", env!("CARGO_MANIFEST_DIR")))
            .unwrap();
    for line in crontab
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains("smp-avg "))
    {
        // The words after the global options up to the first file or flag argument.
        let cmd = line.split("smp-avg ").nth(1).unwrap();
        let words: Vec<&str> = cmd
            .split_whitespace()
            .filter(|w| !w.starts_with("--") && *w != "json")
            .take_while(|w| !w.starts_with('/') && !w.starts_with('>'))
            .collect();
        let mut args = words.clone();
        args.push("--help");
        let status = Command::new(env!("CARGO_BIN_EXE_smp-avg"))
            .args(&args)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "crontab calls unknown command: {words:?}"
        );
    }
}
