#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
use common::{TestDb, stderr};

fn setup() -> (TestDb, i64, i64, i64) {
    let db = TestDb::new();
    let buyer = db.person("Koper", "K", "koper@example.nl");
    let optout = db.person("Weiger", "W", "weiger@example.nl");
    let nobody = db.person("Niets", "N", "niets@example.nl");
    for id in [buyer, optout] {
        db.exec(&format!("INSERT INTO transactions (person_id, kind, occurred_at, amount) VALUES ({id}, 'ticket', '2026-01-01T00:00:00Z', '10.00')"));
    }
    (db, buyer, optout, nobody)
}

fn state(db: &TestDb, id: i64, kind: &str) -> Option<i64> {
    db.conn()
        .query_row(
            "SELECT opt_in FROM consent_current WHERE person_id = ?1 AND type = ?2",
            rusqlite::params![id, kind],
            |r| r.get(0),
        )
        .ok()
}

#[test]
fn soft_optin_is_granted_by_rule_with_channel_smp_and_the_rules_description() {
    let (db, buyer, _, nobody) = setup();
    let out = db.json(&["run-soft-optins"]);
    let rows = out.as_array().unwrap();
    let service = rows.iter().find(|r| r["type"] == "servicemail").unwrap();
    assert_eq!(service["opt_in"], true);
    assert_eq!(service["inserted"], 2);
    let profile = rows.iter().find(|r| r["type"] == "profileren").unwrap();
    assert_eq!(profile["inserted"], 3);
    let (channel, description): (String, String) = db
        .conn()
        .query_row(
            "SELECT channel, description FROM consent_records WHERE person_id = ?1 AND type = 'servicemail'",
            [buyer],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (channel.as_str(), description.as_str()),
        ("SMP", "Zachte servicemail opt-in")
    );
    assert_eq!(state(&db, nobody, "servicemail"), None);
}

#[test]
fn soft_optin_never_overturns_an_opt_out() {
    let (db, _, optout, _) = setup();
    db.json(&[
        "subscribe",
        "--person",
        &optout.to_string(),
        "--type",
        "servicemail",
        "--opt-out",
        "--at",
        "2020-01-01",
    ]);
    db.json(&["run-soft-optins"]);
    assert_eq!(state(&db, optout, "servicemail"), Some(0));
    assert_eq!(db.int(&format!("SELECT count(*) FROM consent_records WHERE person_id = {optout} AND type = 'servicemail'")), 1);
}

#[test]
fn a_second_run_inserts_nothing() {
    let (db, ..) = setup();
    db.json(&["run-soft-optins"]);
    let before = db.int("SELECT count(*) FROM consent_records");
    let out = db.json(&["run-soft-optins"]);
    assert!(
        out.as_array().unwrap().iter().all(|r| r["inserted"] == 0),
        "{out}"
    );
    assert_eq!(db.int("SELECT count(*) FROM consent_records"), before);
}

#[test]
fn anonymised_persons_are_untouched() {
    let (db, buyer, ..) = setup();
    db.exec(&format!(
        "UPDATE persons SET anonymised_at = '2026-01-01T00:00:00Z' WHERE id = {buyer}"
    ));
    db.json(&["run-soft-optins"]);
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM consent_records WHERE person_id = {buyer}"
        )),
        0
    );
}

#[test]
fn an_opt_out_rule_opts_out_those_not_already_out() {
    let (db, buyer, optout, nobody) = setup();
    db.json(&[
        "query",
        "save",
        "SMP - 20261129 - Job - Soft opt-out post",
        "--sql",
        "SELECT id FROM persons WHERE email LIKE '%example.nl'",
    ]);
    db.json(&[
        "types",
        "set-rule",
        "direct_mail",
        "--rule",
        "SMP - 20261129 - Job - Soft opt-out post",
        "--rule-opt-out",
        "--rule-description",
        "Zachte opt-out direct mail",
    ]);
    db.json(&[
        "subscribe",
        "--person",
        &buyer.to_string(),
        "--type",
        "direct_mail",
        "--opt-in",
    ]);
    db.json(&[
        "subscribe",
        "--person",
        &optout.to_string(),
        "--type",
        "direct_mail",
        "--opt-out",
    ]);
    let out = db.json(&["run-soft-optins", "--type", "direct_mail"]);
    assert_eq!(out[0]["opt_in"], false);
    assert_eq!(out[0]["inserted"], 2); // buyer (was in) and nobody (no record); not optout
    assert_eq!(state(&db, buyer, "direct_mail"), Some(0));
    assert_eq!(state(&db, nobody, "direct_mail"), Some(0));
    assert_eq!(db.int(&format!("SELECT count(*) FROM consent_records WHERE person_id = {optout} AND type = 'direct_mail'")), 1);
    assert_eq!(
        db.json(&["run-soft-optins", "--type", "direct_mail"])[0]["inserted"],
        0
    );
}

#[test]
fn dry_run_reports_and_changes_nothing() {
    let (db, ..) = setup();
    let before = db.snapshot();
    let out = db.json(&["run-soft-optins", "--dry-run"]);
    assert_eq!(
        out.as_array()
            .unwrap()
            .iter()
            .map(|r| r["inserted"].as_i64().unwrap())
            .sum::<i64>(),
        5
    );
    assert_eq!(db.snapshot(), before);
}

#[test]
fn two_concurrent_runs_insert_what_one_run_does() {
    let db = TestDb::demo(3000);
    let reference = TestDb::demo(3000);
    reference.json(&["run-soft-optins"]);
    let expected = reference.int("SELECT count(*) FROM consent_records");
    let spawn = || {
        db.cmd()
            .args(["--format", "json", "run-soft-optins"])
            .output()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        let b = s.spawn(spawn);
        (a.join().unwrap().unwrap(), b.join().unwrap().unwrap())
    });
    assert!(
        a.status.success() && b.status.success(),
        "{} {}",
        String::from_utf8_lossy(&a.stderr),
        String::from_utf8_lossy(&b.stderr)
    );
    assert_eq!(db.int("SELECT count(*) FROM consent_records"), expected);
    assert_eq!(
        db.int("SELECT count(*) FROM (SELECT person_id, type FROM consent_records WHERE channel = 'SMP' GROUP BY person_id, type HAVING count(*) > 1)"),
        0
    );
}

#[test]
fn a_rule_whose_saved_query_would_write_is_refused() {
    let (db, ..) = setup();
    // Someone changed the saved query behind our back, in the sqlite3 shell.
    db.exec("UPDATE saved_queries SET sql = 'DELETE FROM persons' WHERE name LIKE '%Zachte opt-ins servicemail'");
    let before = db.snapshot();
    let out = db.run(&["run-soft-optins"]).code(1);
    assert!(stderr(&out).contains("only SELECT"), "{}", stderr(&out));
    assert_eq!(db.snapshot(), before);
}

#[test]
fn unknown_type_or_type_without_rule() {
    let (db, ..) = setup();
    db.run(&["run-soft-optins", "--type", "krant"]).code(1);
    let out = db
        .run(&["run-soft-optins", "--type", "nieuwsbrief"])
        .code(1);
    assert!(stderr(&out).contains("no rule"));
}
