#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
use common::TestDb;

fn setup() -> (TestDb, i64, i64, i64) {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    let b = db.person("B", "B", "b@example.nl");
    let c = db.person("C", "C", "c@example.nl");
    for (id, n) in [(a, 3), (b, 1), (c, 2)] {
        for i in 0..n {
            db.exec(&format!(
                "INSERT INTO transactions (person_id, kind, occurred_at, amount) VALUES ({id}, 'ticket', '2026-0{}-01T00:00:00Z', '{}.50')",
                i + 1,
                10 * (i + 1)
            ));
        }
    }
    (db, a, b, c)
}

#[test]
fn only_persons_with_a_current_profiling_opt_in_are_scored() {
    let (db, a, b, c) = setup();
    db.json(&[
        "subscribe",
        "--person",
        &a.to_string(),
        "--type",
        "profileren",
        "--opt-in",
    ]);
    db.json(&[
        "subscribe",
        "--person",
        &b.to_string(),
        "--type",
        "profileren",
        "--opt-in",
    ]);
    db.json(&[
        "subscribe",
        "--person",
        &b.to_string(),
        "--type",
        "profileren",
        "--opt-out",
    ]);
    // c has no profiling record at all.
    let out = db.json(&["profile", "run"]);
    assert_eq!(out["scored"], 1);
    assert_eq!(db.int("SELECT person_id FROM scores"), a);
    assert_eq!(
        db.int(&format!(
            "SELECT frequency FROM scores WHERE person_id = {a}"
        )),
        3
    );
    assert_eq!(
        db.text(&format!(
            "SELECT monetary FROM scores WHERE person_id = {a}"
        ))
        .as_deref(),
        Some("61.50")
    );
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM scores WHERE person_id IN ({b}, {c})"
        )),
        0
    );
}

#[test]
fn an_opt_out_stops_calculations_from_the_next_run_on() {
    let (db, a, _, _) = setup();
    db.json(&[
        "subscribe",
        "--person",
        &a.to_string(),
        "--type",
        "profileren",
        "--opt-in",
    ]);
    db.json(&["profile", "run"]);
    assert_eq!(db.int("SELECT count(*) FROM scores"), 1);
    // An opt-out written straight into the ledger (e.g. by another tool) is honoured by the run.
    db.exec(&format!(
        "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel) VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), {a}, 'profileren', 0, 'telefonisch')"
    ));
    let out = db.json(&["profile", "run"]);
    assert_eq!(out["removed"], 1);
    assert_eq!(out["scored"], 0);
    assert_eq!(db.int("SELECT count(*) FROM scores"), 0);
}

#[test]
fn anonymised_persons_are_never_scored() {
    let (db, a, _, _) = setup();
    db.json(&[
        "subscribe",
        "--person",
        &a.to_string(),
        "--type",
        "profileren",
        "--opt-in",
    ]);
    db.exec(&format!(
        "UPDATE persons SET anonymised_at = '2026-01-01T00:00:00Z' WHERE id = {a}"
    ));
    assert_eq!(db.json(&["profile", "run"])["scored"], 0);
}

#[test]
fn scores_are_quintiles_of_a_larger_population() {
    let db = TestDb::demo(500);
    db.exec("INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel) SELECT '2026-11-01T00:00:00Z', id, 'profileren', 1, 'SMP' FROM persons WHERE id NOT IN (SELECT person_id FROM consent_state WHERE type = 'profileren')");
    let out = db.json(&["profile", "run"]);
    let scored = out["scored"].as_i64().unwrap();
    assert!(scored > 200, "{scored}");
    assert_eq!(db.int("SELECT min(r_score) FROM scores"), 1);
    assert_eq!(db.int("SELECT max(m_score) FROM scores"), 5);
    assert_eq!(
        db.int("SELECT count(*) FROM scores WHERE rfm <> r_score || f_score || m_score"),
        0
    );
    // Dry run: same figures, nothing changed.
    let before = db.snapshot();
    let dry = db.json(&["profile", "run", "--dry-run"]);
    assert_eq!(dry["scored"].as_i64(), Some(scored));
    assert_eq!(db.snapshot(), before);
}
