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

// ---- Round 2: a rule never outranks the person, and never grants what it may not ----

#[test]
fn a_type_created_after_unsubscribe_all_grants_nothing() {
    let (db, buyer, _, _) = setup();
    db.run(&[
        "--yes",
        "unsubscribe-all",
        "--person",
        &buyer.to_string(),
        "--channel",
        "telefonisch",
    ])
    .success();
    let card = db.json(&["person", "show", &buyer.to_string()]);
    assert!(card["objected_at"].is_string());
    assert_eq!(card["suppressed"], true);
    // Later: a new type whose rule selects every buyer.
    db.run(&[
        "query",
        "save",
        "SMP - 20261201 - Job - Kopers",
        "--sql",
        "SELECT DISTINCT person_id FROM transactions",
    ])
    .success();
    db.run(&[
        "types",
        "add",
        "vrienden",
        "--label",
        "Vrienden",
        "--kind",
        "other",
        "--rule",
        "SMP - 20261201 - Job - Kopers",
        "--rule-opt-in",
    ])
    .success();
    db.run(&["run-soft-optins"]).success();
    assert_eq!(state(&db, buyer, "vrienden"), None);
    // Only an opt-in the person gives lifts it, for that type only (a moment later:
    // the objection's own second does not count).
    let later = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    db.run(&[
        "subscribe",
        "--person",
        &buyer.to_string(),
        "--type",
        "vrienden",
        "--opt-in",
        "--channel",
        "webformulier",
        "--description",
        "Aanmelding via het formulier op de website",
        "--at",
        &later,
    ])
    .success();
    assert_eq!(state(&db, buyer, "vrienden"), Some(1));
    let audience = db.json(&["query", "audience", "--type", "vrienden"]);
    assert_eq!(audience[0]["person_id"], buyer);
    assert_eq!(state(&db, buyer, "nieuwsbrief"), Some(0));
}

#[test]
fn children_the_deceased_the_restricted_and_suppressed_get_no_soft_optin() {
    let db = TestDb::new();
    let adult = db.person("Volwassen", "V", "v@example.nl");
    let child = db.person("Kind", "K", "k@example.nl");
    let dead = db.person("Dood", "D", "d@example.nl");
    let restricted = db.person("Beperkt", "B", "b@example.nl");
    let suppressed = db.person("Lijst", "L", "l@example.nl");
    let sixteen = db.person("Zestien", "Z", "z@example.nl");
    db.exec(&format!(
        "UPDATE persons SET birth_date = date('now', '-12 years') WHERE id = {child};
         UPDATE persons SET birth_date = date('now', '-16 years') WHERE id = {sixteen};
         UPDATE persons SET birth_date = '1970-01-01' WHERE id = {adult};
         UPDATE persons SET deceased = 1 WHERE id = {dead};
         UPDATE persons SET restricted_at = '2026-01-01T00:00:00Z' WHERE id = {restricted};"
    ));
    db.run(&["suppression", "add", "l@example.nl", "--reason", "manual"])
        .success();
    for id in [adult, child, dead, restricted, suppressed, sixteen] {
        db.exec(&format!("INSERT INTO transactions (person_id, kind, occurred_at, amount) VALUES ({id}, 'ticket', '2026-01-01T00:00:00Z', '5.00')"));
    }
    db.run(&["run-soft-optins"]).success();
    for kind in ["profileren", "servicemail"] {
        assert_eq!(state(&db, adult, kind), Some(1), "{kind}");
        assert_eq!(
            state(&db, sixteen, kind),
            Some(1),
            "16 today is no child: {kind}"
        );
        for id in [child, dead, restricted, suppressed] {
            assert_eq!(state(&db, id, kind), None, "person {id}, {kind}");
        }
    }
    // A child's own opt-in is theirs; profiling still leaves them out.
    db.run(&[
        "subscribe",
        "--person",
        &child.to_string(),
        "--type",
        "profileren",
        "--opt-in",
        "--channel",
        "webformulier",
    ])
    .success();
    let run = db.json(&["profile", "run"]);
    assert!(run["scored"].as_i64().unwrap() >= 1);
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM scores WHERE person_id = {child}"
        )),
        0
    );
}

#[test]
fn a_back_dated_own_opt_out_beats_a_later_rule_opt_in() {
    let (db, buyer, _, _) = setup();
    db.run(&["run-soft-optins"]).success();
    assert_eq!(state(&db, buyer, "servicemail"), Some(1));
    // The person's letter of two days ago, entered today.
    let two_days_ago = (chrono::Utc::now() - chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    db.run(&[
        "subscribe",
        "--person",
        &buyer.to_string(),
        "--type",
        "servicemail",
        "--opt-out",
        "--channel",
        "brief",
        "--at",
        &two_days_ago,
    ])
    .success();
    assert_eq!(state(&db, buyer, "servicemail"), Some(0));
    let audience = db.json(&["query", "audience", "--type", "servicemail"]);
    assert!(
        audience
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["person_id"] != buyer)
    );
    // The rule's record is still there as evidence, but not current.
    assert_eq!(db.int(&format!("SELECT count(*) FROM consent_records WHERE person_id = {buyer} AND type = 'servicemail' AND source = 'rule'")), 1);
    // A second run grants nothing again.
    let again = db.json(&["run-soft-optins", "--type", "servicemail"]);
    assert_eq!(again[0]["inserted"], 0);
}

#[test]
fn a_profiling_objection_holds_for_a_profiling_type_made_later() {
    let (db, buyer, _, _) = setup();
    db.run(&[
        "subscribe",
        "--person",
        &buyer.to_string(),
        "--type",
        "profileren",
        "--opt-out",
        "--channel",
        "brief",
    ])
    .success();
    db.run(&[
        "query",
        "save",
        "SMP - 20261201 - Job - Iedereen",
        "--sql",
        "SELECT id FROM persons",
    ])
    .success();
    db.run(&[
        "types",
        "add",
        "segmentatie",
        "--label",
        "Segmentatie",
        "--kind",
        "profiling",
        "--rule",
        "SMP - 20261201 - Job - Iedereen",
        "--rule-opt-in",
    ])
    .success();
    db.run(&["run-soft-optins"]).success();
    assert_eq!(state(&db, buyer, "segmentatie"), None);
}

#[test]
fn records_say_who_made_them_and_smp_is_reserved_for_rules() {
    let (db, buyer, _, _) = setup();
    db.run(&["run-soft-optins"]).success();
    assert_eq!(
        db.int(
            "SELECT count(*) FROM consent_records WHERE source = 'rule' AND rule_run_id IS NULL"
        ),
        0
    );
    assert_eq!(
        db.int("SELECT count(DISTINCT rule_run_id) FROM consent_records WHERE source = 'rule'"),
        2
    );
    let before = db.snapshot();
    let a = db
        .run(&[
            "subscribe",
            "--person",
            &buyer.to_string(),
            "--type",
            "nieuwsbrief",
            "--opt-in",
            "--channel",
            "SMP",
        ])
        .code(1);
    assert!(stderr(&a).contains("reserved"), "{}", stderr(&a));
    let f = db.file(
        "c.csv",
        &format!("person,type,opt_in,channel\n{buyer},nieuwsbrief,1,smp\n"),
    );
    db.run(&["subscribe", "--csv", f.to_str().unwrap()]).code(1);
    assert_eq!(db.snapshot(), before);
    // By hand as the person's own, with their words; bare, or with a note only: the
    // operator's.
    db.run(&[
        "subscribe",
        "--person",
        &buyer.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--channel",
        "telefonisch",
        "--source",
        "person",
        "--description",
        "Ja, stuur mij de nieuwsbrief",
    ])
    .success();
    db.run(&[
        "subscribe",
        "--person",
        &buyer.to_string(),
        "--type",
        "direct_mail",
        "--opt-out",
        "--channel",
        "telefonisch",
    ])
    .success();
    let card = db.json(&["person", "show", &buyer.to_string()]);
    let source = |kind: &str| {
        card["preferences"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["type"] == kind)
            .unwrap()["source"]
            .clone()
    };
    assert_eq!(source("nieuwsbrief"), "person");
    assert_eq!(source("direct_mail"), "operator");
    assert_eq!(source("servicemail"), "rule");
}

#[test]
fn a_rule_whose_query_no_longer_returns_person_ids_fails_loudly() {
    let (db, _, _, _) = setup();
    // Changed behind the tool's back in the sqlite3 shell.
    db.exec_raw("UPDATE saved_queries SET sql = 'SELECT email FROM persons' WHERE name IN (SELECT rule_query FROM consent_types WHERE code = 'servicemail')");
    let before = db.snapshot();
    let a = db.run(&["run-soft-optins"]).code(1);
    let err = stderr(&a);
    assert!(
        err.contains("servicemail") && err.contains("person id"),
        "{err}"
    );
    assert!(
        !err.contains("@example.nl"),
        "no address in the error: {err}"
    );
    assert_eq!(db.snapshot(), before);
}

#[test]
fn an_opt_in_rule_on_a_newsletter_type_warns_and_is_audited() {
    let db = TestDb::new();
    db.run(&[
        "query",
        "save",
        "SMP - 20261201 - Job - Kopers",
        "--sql",
        "SELECT DISTINCT person_id FROM transactions",
    ])
    .success();
    let a = db
        .run(&[
            "types",
            "add",
            "acties",
            "--label",
            "Acties",
            "--kind",
            "newsletter",
            "--rule",
            "SMP - 20261201 - Job - Kopers",
            "--rule-opt-in",
        ])
        .success();
    assert!(stderr(&a).contains("11.7"), "{}", stderr(&a));
    assert_eq!(
        db.int("SELECT count(*) FROM audit_log WHERE command = 'types add' AND details LIKE '%soft_optin_newsletter%'"),
        1
    );
    // Not for an opt-out rule, nor another kind.
    let a = db
        .run(&[
            "types",
            "add",
            "info",
            "--label",
            "Info",
            "--kind",
            "other",
            "--rule",
            "SMP - 20261201 - Job - Kopers",
            "--rule-opt-in",
        ])
        .success();
    assert!(!stderr(&a).contains("11.7"));
}

/// Review: someone who opted out of one type of a kind is not opted in by a rule to
/// another type of the same kind (a second service mail, a second profiling type): the
/// "no" was to that kind of contact, not to one list.
#[test]
fn an_opt_out_of_one_type_holds_for_a_new_type_of_the_same_kind() {
    let (db, buyer, optout, _) = setup();
    db.json(&[
        "subscribe",
        "--person",
        &optout.to_string(),
        "--type",
        "servicemail",
        "--opt-out",
    ]);
    let types = db.json(&["types", "list"]);
    let rule = types
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "servicemail")
        .unwrap()["rule"]
        .as_str()
        .unwrap()
        .to_string();
    db.json(&[
        "types",
        "add",
        "servicemail_zaal",
        "--label",
        "Servicemail zaalverhuur",
        "--kind",
        "servicemail",
        "--rule",
        &rule,
        "--rule-opt-in",
    ]);
    db.json(&["run-soft-optins"]);
    assert_eq!(state(&db, buyer, "servicemail_zaal"), Some(1));
    assert_eq!(state(&db, optout, "servicemail_zaal"), None);
    assert_eq!(state(&db, optout, "servicemail"), Some(0));
}
