#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `person restrict PERSON --reason R | --lift`: restriction of processing (Art. 18 GDPR).
//! A restricted person is kept, but in no audience, rule or profiling run.
mod common;
use common::{TestDb, stderr};

/// Two persons alike: both opted in to the newsletter and to profiling, both bought a
/// ticket (so the servicemail rule applies to both).
fn two_alike() -> (TestDb, i64, i64) {
    let db = TestDb::new();
    let a = db.person("Anna", "A", "anna@example.nl");
    let b = db.person("Bert", "B", "bert@example.nl");
    for id in [a, b] {
        db.exec(&format!(
            "INSERT INTO transactions (person_id, kind, occurred_at, amount) VALUES ({id}, 'ticket', '2026-05-01T00:00:00Z', '20.00');
             INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, source) VALUES
                ('2026-05-01T00:00:00Z', {id}, 'nieuwsbrief', 1, 'webformulier', 'person'),
                ('2026-05-01T00:00:00Z', {id}, 'profileren', 1, 'webformulier', 'person');"
        ));
    }
    (db, a, b)
}

fn audience(db: &TestDb) -> Vec<i64> {
    db.json(&["query", "audience", "--type", "nieuwsbrief"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["person_id"].as_i64().unwrap())
        .collect()
}

#[test]
fn a_restricted_person_is_in_no_audience_rule_or_profiling_run() {
    let (db, a, b) = two_alike();
    let out = db.json(&[
        "person",
        "restrict",
        &a.to_string(),
        "--reason",
        "Juistheid betwist (art. 18 lid 1 sub a)",
    ]);
    assert_eq!(out["restricted"], true);
    assert!(out["restricted_at"].is_string());
    // No audience.
    assert_eq!(audience(&db), [b]);
    // No rule: the servicemail rule gives Bert a soft opt-in, Anna nothing.
    db.run(&["run-soft-optins"]).success();
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM consent_records WHERE person_id = {a} AND source = 'rule'"
        )),
        0
    );
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM consent_records WHERE person_id = {b} AND type = 'servicemail' AND source = 'rule'"
        )),
        1
    );
    // No profiling.
    let run = db.json(&["profile", "run"]);
    assert_eq!(run["scored"], 1);
    assert_eq!(db.int("SELECT person_id FROM scores"), b);
    // The card says so.
    let card = db.json(&["person", "show", &a.to_string()]);
    assert_eq!(card["restricted"], true);
    assert_eq!(card["mailable"], false);
    let table = common::stdout(&db.run(&["person", "show", &a.to_string()]).success());
    assert!(table.contains("restricted_at"), "{table}");
    assert!(table.contains("restriction_reason"), "{table}");
    assert_eq!(
        db.json(&["person", "show", &b.to_string()])["restricted"],
        false
    );
    // Lifted: Anna is back everywhere.
    let out = db.json(&["person", "restrict", &a.to_string(), "--lift"]);
    assert_eq!(out["restricted"], false);
    assert_eq!(audience(&db), [a, b]);
    db.run(&["run-soft-optins"]).success();
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM consent_records WHERE person_id = {a} AND type = 'servicemail' AND source = 'rule'"
        )),
        1
    );
    assert_eq!(db.json(&["profile", "run"])["scored"], 2);
    assert!(
        db.text(&format!(
            "SELECT restriction_reason FROM persons WHERE id = {a}"
        ))
        .is_none()
    );
    assert_eq!(
        db.text(
            "SELECT group_concat(command, ',') FROM audit_log WHERE command LIKE 'person restrict%'"
        )
        .unwrap(),
        "person restrict,person restrict --lift"
    );
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let (db, a, b) = two_alike();
    db.json(&["person", "restrict", &a.to_string(), "--reason", "Bezwaar"]);
    let gone = db.person("Weg", "Weg", "weg@example.nl");
    db.run(&["--yes", "anonymise", "--person", &gone.to_string()])
        .success();
    let before = db.snapshot();
    let (a, b) = (a.to_string(), b.to_string());
    for (args, code, says) in [
        (
            vec!["person", "restrict", &a, "--reason", "Nogmaals"],
            1,
            "already restricted",
        ),
        (
            vec!["person", "restrict", &b, "--lift"],
            1,
            "not restricted",
        ),
        (
            vec!["person", "restrict", &b, "--reason", " "],
            1,
            "--reason",
        ),
        (vec!["person", "restrict", &b], 2, "required"),
        (
            vec!["person", "restrict", &b, "--reason", "x", "--lift"],
            2,
            "cannot be used with",
        ),
        (
            vec!["person", "restrict", &gone.to_string(), "--reason", "x"],
            1,
            "anonymised",
        ),
        (
            vec!["person", "restrict", "niemand@example.nl", "--reason", "x"],
            1,
            "no person",
        ),
    ] {
        let out = db.run(&args).code(code);
        let err = stderr(&out);
        assert!(err.contains(says), "{args:?}: {err}");
        if code == 1 {
            assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        }
        assert_eq!(db.snapshot(), before, "{args:?}");
    }
    // A dry run changes nothing.
    db.json(&["person", "restrict", &b, "--reason", "x", "--dry-run"]);
    assert_eq!(db.snapshot(), before);
}
