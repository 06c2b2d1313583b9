#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
use common::{TestDb, stderr};

#[test]
fn opts_out_of_every_type_and_deletes_scores() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    let p = a.to_string();
    db.json(&[
        "subscribe",
        "--person",
        &p,
        "--type",
        "nieuwsbrief",
        "--opt-in",
    ]);
    db.exec(&format!(
        "INSERT INTO scores VALUES ({a}, 3, 2, '10.00', 3, 3, 3, '333', '2026-01-01T00:00:00Z')"
    ));
    let out = db.json(&[
        "unsubscribe-all",
        "--person",
        "a@example.nl",
        "--channel",
        "telefonisch",
        "--yes",
    ]);
    let types = db.int("SELECT count(*) FROM consent_types");
    assert_eq!(out["person_id"], a);
    assert_eq!(out["inserted"].as_i64(), Some(types));
    assert_eq!(out["scores_deleted"], 1);
    // Every type, profiling and types the person never had included.
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM consent_current WHERE person_id = {a} AND opt_in = 0"
        )),
        types
    );
    assert_eq!(db.int(&format!("SELECT count(*) FROM consent_current WHERE person_id = {a} AND type = 'profileren' AND opt_in = 0")), 1);
    assert_eq!(db.int("SELECT count(*) FROM scores"), 0);
}

#[test]
fn twice_inserts_nothing_the_second_time() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    db.json(&["unsubscribe-all", "--person", &a.to_string(), "--yes"]);
    let before = db.int("SELECT count(*) FROM consent_records");
    let out = db.json(&["unsubscribe-all", "--person", &a.to_string(), "--yes"]);
    assert_eq!(out["inserted"], 0);
    assert_eq!(out["scores_deleted"], 0);
    assert_eq!(db.int("SELECT count(*) FROM consent_records"), before);
}

#[test]
fn refuses_without_yes_off_a_terminal_and_changes_nothing() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    let before = db.snapshot();
    let out = db
        .run(&["unsubscribe-all", "--person", &a.to_string()])
        .code(1);
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert_eq!(db.snapshot(), before);
}

#[test]
fn dry_run_needs_no_confirmation_and_changes_nothing() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    let before = db.snapshot();
    let out = db.json(&["unsubscribe-all", "--person", &a.to_string(), "--dry-run"]);
    assert_eq!(
        out["inserted"].as_i64(),
        Some(db.int("SELECT count(*) FROM consent_types"))
    );
    assert_eq!(db.snapshot(), before);
}

#[test]
fn unknown_and_anonymised_persons_are_refused() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    db.exec(&format!(
        "UPDATE persons SET anonymised_at = '2026-01-01T00:00:00Z' WHERE id = {a}"
    ));
    let before = db.snapshot();
    db.run(&["unsubscribe-all", "--person", "404", "--yes"])
        .code(1);
    let out = db
        .run(&["unsubscribe-all", "--person", &a.to_string(), "--yes"])
        .code(1);
    assert!(stderr(&out).contains("anonymised"));
    assert_eq!(db.snapshot(), before);
}

#[test]
fn the_question_names_the_person_and_the_counts_and_no_means_nothing_changes() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: `script` (util-linux) is not installed, so no pty test");
        return;
    }
    let db = TestDb::new();
    let a = db.person("Jan", "Vries", "jan@example.nl");
    db.exec(&format!("UPDATE persons SET infix = 'de' WHERE id = {a}"));
    let types = db.int("SELECT count(*) FROM consent_types");
    let before = db.snapshot();
    // Answer on a terminal (the enter key sends a carriage return).
    let answer = |typed: &str| {
        std::process::Command::new("bash")
            .arg("-c")
            .arg(r#"(sleep 1; printf "$ANSWER\r"; sleep 2) | timeout 30 script -qec "\"$SMP\" --db \"$DB\" unsubscribe-all --person $P" /dev/null"#)
            .env("SMP", env!("CARGO_BIN_EXE_smp-avg"))
            .env("DB", &db.path)
            .env("P", a.to_string())
            .env("ANSWER", typed)
            .env("SMP_AVG_OPERATOR", "tester")
            .output()
            .unwrap()
    };
    let out = answer("n");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(
        screen.contains(&format!("Unsubscribe person {a} (Jan de Vries, jan@example.nl) from everything: {types} opt-outs")),
        "{screen}"
    );
    assert!(screen.contains("0 profiling scores deleted?"), "{screen}");
    assert!(screen.contains("cancelled: nothing changed"), "{screen}");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(db.snapshot(), before);
    // A Dutch operator's "ja" is yes.
    let out = answer("ja");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(!screen.contains("cancelled"), "{screen}");
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM audit_log WHERE command = 'unsubscribe-all' AND person_id = {a}"
        )),
        1,
        "{screen}"
    );
    let a = db.person("Piet", "Bakker", "piet@example.nl");
    // Off a terminal the refusal does not repeat the name or the address.
    let out = db
        .run(&["unsubscribe-all", "--person", &a.to_string()])
        .code(1);
    let err = stderr(&out);
    assert!(
        !err.contains("jan@example.nl") && !err.contains("Vries"),
        "{err}"
    );
}
