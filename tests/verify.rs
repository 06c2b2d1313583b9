#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `smp-avg verify` and what every writer checks: evidence that cannot be lost or forged
//! unnoticed, even by someone with the sqlite3 shell.
mod common;
use common::{TestDb, stderr};

fn verify(db: &TestDb) -> (Option<i32>, serde_json::Value) {
    let out = db
        .cmd()
        .args(["verify", "--format", "json"])
        .output()
        .unwrap();
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

fn day(db: &TestDb) {
    let id = db.person("Jan", "Vries", "jan@example.nl");
    db.run(&["run-soft-optins"]).success();
    db.run(&[
        "subscribe",
        "--person",
        &id.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--channel",
        "webformulier",
    ])
    .success();
    db.run(&[
        "subscribe",
        "--person",
        &id.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-out",
        "--channel",
        "telefoon, gesproken met Jan 0612345678",
    ])
    .success();
}

#[test]
fn an_untouched_database_verifies() {
    let db = TestDb::demo(200);
    day(&db);
    let (code, report) = verify(&db);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["ok"], true);
    assert!(report["consent_records"].as_u64().unwrap() > 200);
    assert!(report["audit_entries"].as_u64().unwrap() >= 4);
    assert_eq!(report["problems"], serde_json::json!([]));
    let table = db.run(&["verify"]).success();
    assert!(common::stdout(&table).contains("verified:"));
}

#[test]
fn insert_or_replace_of_a_record_is_refused_by_the_database_itself() {
    let db = TestDb::new();
    day(&db);
    let conn = db.conn();
    let err = conn
        .execute_batch("INSERT OR REPLACE INTO consent_records (id, recorded_at, person_id, type, opt_in, channel) SELECT id, recorded_at, person_id, type, 1, channel FROM consent_records WHERE opt_in = 0 LIMIT 1")
        .unwrap_err()
        .to_string();
    assert!(err.contains("append-only"), "{err}");
    let err = conn
        .execute_batch("DELETE FROM audit_log")
        .unwrap_err()
        .to_string();
    assert!(err.contains("append-only"), "{err}");
    let err = conn
        .execute_batch("UPDATE audit_log SET operator = 'niemand'")
        .unwrap_err()
        .to_string();
    assert!(err.contains("append-only"), "{err}");
    assert_eq!(verify(&db).0, Some(0));
}

#[test]
fn a_dropped_trigger_and_a_changed_record_are_found_and_writers_refuse() {
    let db = TestDb::new();
    day(&db);
    let out_id = db.int("SELECT id FROM consent_records WHERE opt_in = 0 AND type = 'nieuwsbrief'");
    // The adversary turns an opt-out into an opt-in behind the tool's back.
    db.exec_raw(&format!(
        "DROP TRIGGER consent_records_no_update;
         UPDATE consent_records SET opt_in = 1 WHERE id = {out_id};
         UPDATE consent_state SET opt_in = 1 WHERE record_id = {out_id};"
    ));
    let (code, report) = verify(&db);
    assert_eq!(code, Some(1));
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems[0]["table"], "consent_records");
    assert_eq!(problems[0]["id"], out_id);
    assert!(problems.iter().any(|p| {
        p["problem"]
            .as_str()
            .unwrap()
            .contains("consent_records_no_update is missing")
    }));
    let a = db.run(&["verify"]).code(1);
    assert!(
        stderr(&a).contains(&format!("consent_records {out_id}")),
        "{}",
        stderr(&a)
    );
    // Every writer refuses; readers still read.
    let before = db.snapshot();
    let a = db
        .run(&[
            "subscribe",
            "--person",
            "1",
            "--type",
            "direct_mail",
            "--opt-out",
        ])
        .code(1);
    assert!(
        stderr(&a).contains("changed outside smp-avg"),
        "{}",
        stderr(&a)
    );
    db.run(&["run-soft-optins"]).code(1);
    db.run(&["person", "show", "1"]).success();
    // init will not put the trigger back over a broken chain without --repair.
    let a = db.run(&["init"]).code(1);
    assert!(stderr(&a).contains("--repair"), "{}", stderr(&a));
    assert_eq!(db.snapshot(), before);
    // With --repair the trigger is back and writers work; the broken chain stays
    // visible, and the repair is in the audit log.
    db.run(&["init", "--repair"]).success();
    db.run(&[
        "subscribe",
        "--person",
        "1",
        "--type",
        "direct_mail",
        "--opt-out",
    ])
    .success();
    let (code, report) = verify(&db);
    assert_eq!(code, Some(1));
    assert_eq!(report["problems"][0]["id"], out_id);
    assert_eq!(
        db.int("SELECT count(*) FROM audit_log WHERE command = 'init --repair'"),
        1
    );
}

#[test]
fn a_dropped_trigger_alone_is_put_back_by_init() {
    let db = TestDb::new();
    day(&db);
    db.exec_raw("DROP TRIGGER consent_records_no_delete");
    assert_eq!(verify(&db).0, Some(1));
    db.run(&[
        "subscribe",
        "--person",
        "1",
        "--type",
        "direct_mail",
        "--opt-out",
    ])
    .code(1);
    let a = db.run(&["init"]).success();
    assert!(
        stderr(&a).contains("consent_records_no_delete"),
        "{}",
        stderr(&a)
    );
    assert_eq!(verify(&db).0, Some(0));
    assert!(
        db.conn()
            .execute_batch("DELETE FROM consent_records")
            .is_err()
    );
}

#[test]
fn a_foreign_trigger_that_would_keep_erased_values_is_found() {
    let db = TestDb::new();
    day(&db);
    db.exec_raw(
        "CREATE TABLE keep (v TEXT);
         CREATE TRIGGER steal BEFORE UPDATE OF email ON persons BEGIN INSERT INTO keep VALUES (OLD.email); END;",
    );
    let (code, report) = verify(&db);
    assert_eq!(code, Some(1));
    assert!(report["problems"].as_array().unwrap().iter().any(|p| {
        p["problem"]
            .as_str()
            .unwrap()
            .contains("foreign trigger steal")
    }));
    // Nothing is erased while it is there.
    let before = db.snapshot();
    let a = db.run(&["--yes", "anonymise", "--person", "1"]).code(1);
    assert!(
        stderr(&a).contains("foreign trigger steal"),
        "{}",
        stderr(&a)
    );
    assert_eq!(db.snapshot(), before);
    db.run(&["init"]).code(1);
    db.run(&["init", "--repair"]).success();
    db.run(&["--yes", "anonymise", "--person", "1"]).success();
    assert_eq!(db.int("SELECT count(*) FROM keep"), 0);
}

#[test]
fn a_record_written_in_the_shell_is_not_sealed_by_the_next_command() {
    let db = TestDb::new();
    day(&db);
    db.exec_raw("INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel) VALUES ('2026-01-01T00:00:00Z', 1, 'nieuwsbrief', 1, 'handmatig')");
    let forged = db.int("SELECT max(id) FROM consent_records");
    let (code, report) = verify(&db);
    assert_eq!(code, Some(1));
    assert_eq!(report["problems"][0]["id"], forged);
    assert!(
        report["problems"][0]["problem"]
            .as_str()
            .unwrap()
            .contains("not sealed")
    );
    let a = db.run(&["run-soft-optins"]).code(1);
    assert!(
        stderr(&a).contains(&format!("row {forged}")),
        "{}",
        stderr(&a)
    );
    // The operator accepts it, on the record.
    db.run(&["init", "--repair"]).success();
    assert_eq!(verify(&db).0, Some(0));
}

#[test]
fn a_state_changed_in_the_shell_is_found_and_rebuilt_by_repair() {
    let db = TestDb::new();
    day(&db);
    db.exec_raw("UPDATE consent_state SET opt_in = 1 WHERE type = 'nieuwsbrief'");
    let (code, report) = verify(&db);
    assert_eq!(code, Some(1));
    assert_eq!(report["problems"][0]["table"], "consent_state");
    db.run(&["init", "--repair"]).success();
    assert_eq!(verify(&db).0, Some(0));
    assert_eq!(
        db.int("SELECT opt_in FROM consent_state WHERE type = 'nieuwsbrief'"),
        0
    );
}

#[test]
fn the_upgraded_first_round_database_verifies() {
    let db = TestDb::empty();
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1-crm.sqlite"),
        &db.path,
    )
    .unwrap();
    db.run(&["init"]).success();
    let (code, report) = verify(&db);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["consent_records"], 4960);
}

/// Review: removing the newest records together with their seals (the tail of the
/// consent chain) is found: the audit log anchors the head of the chain it saw.
#[test]
fn the_newest_records_removed_with_their_seals_are_found() {
    let db = TestDb::new();
    day(&db);
    let last = db.int("SELECT max(id) FROM consent_records");
    db.exec_raw(&format!(
        "DROP TRIGGER consent_records_no_delete;
         DROP TRIGGER consent_chain_no_delete;
         DELETE FROM consent_chain WHERE record_id = {last};
         DELETE FROM consent_records WHERE id = {last};"
    ));
    let (code, report) = verify(&db);
    assert_eq!(code, Some(1), "{report}");
    let text = report["problems"].to_string();
    assert!(
        text.contains(&format!(
            "consent record {last} this entry saw as the newest is gone"
        )),
        "{report}"
    );
}

/// Review: a lasting objection (unsubscribe-all) cleared behind the tool's back, or its
/// suppression deleted, is found by verify.
#[test]
fn a_lasting_objection_undone_in_the_shell_is_found() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    let b = db.person("B", "B", "b@example.nl");
    for id in [a, b] {
        db.run(&["unsubscribe-all", "--person", &id.to_string(), "--yes"])
            .success();
    }
    assert_eq!(verify(&db).0, Some(0));
    db.exec_raw(&format!(
        "UPDATE persons SET objected_at = NULL WHERE id = {a}"
    ));
    db.exec_raw("DELETE FROM suppressions WHERE reason = 'unsubscribed_all'");
    let (code, report) = verify(&db);
    assert_eq!(code, Some(1), "{report}");
    let problems = report["problems"].as_array().unwrap();
    let about = |id: i64| {
        problems
            .iter()
            .find(|p| p["table"] == "persons" && p["id"] == id)
            .map(|p| p["problem"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert!(about(a).contains("objected_at was cleared"), "{report}");
    assert!(about(b).contains("no longer suppressed"), "{report}");
}

/// Review: init --repair names the records and audit entries it sealed (written in the
/// shell), on its output and in the audit log, so that the regulator can see them.
#[test]
fn repair_names_what_it_sealed() {
    let db = TestDb::new();
    day(&db);
    let before = db.int("SELECT max(id) FROM consent_records");
    db.exec_raw(
        "INSERT INTO consent_records (person_id, type, opt_in, recorded_at, channel, source)
         VALUES (1, 'direct_mail', 1, '2026-01-01T00:00:00Z', 'handmatig', 'operator')",
    );
    let forged = before + 1;
    let out = db.json(&["init", "--repair"]);
    let text = out.to_string();
    assert!(text.contains(&forged.to_string()), "{out}");
    let details = db
        .text("SELECT details FROM audit_log WHERE command = 'init --repair'")
        .unwrap();
    assert!(details.contains(&forged.to_string()), "{details}");
}
