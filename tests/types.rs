#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
use common::{TestDb, stderr};

#[test]
fn list_has_the_contract_keys() {
    let db = TestDb::new();
    let types = db.json(&["types", "list"]);
    for t in types.as_array().unwrap() {
        for key in [
            "code",
            "label",
            "kind",
            "rule",
            "rule_opt_in",
            "rule_description",
        ] {
            assert!(t.get(key).is_some(), "{key}");
        }
    }
}

#[test]
fn add_a_type_with_and_without_a_rule() {
    let db = TestDb::new();
    db.json(&[
        "types",
        "add",
        "vrienden",
        "--label",
        "Vrienden nieuwsbrief",
        "--kind",
        "newsletter",
    ]);
    db.json(&[
        "query",
        "save",
        "SMP - 20261129 - Job - Zachte opt-ins jeugd",
        "--sql",
        "SELECT id FROM persons WHERE birth_date > '2005-01-01'",
    ]);
    let t = db.json(&[
        "types",
        "add",
        "jeugd",
        "--label",
        "Jeugdprogramma",
        "--kind",
        "other",
        "--rule",
        "SMP - 20261129 - Job - Zachte opt-ins jeugd",
        "--rule-opt-in",
        "--rule-description",
        "Zachte opt-in jeugd",
    ]);
    assert_eq!(t["rule_opt_in"], true);
    let list = db.json(&["types", "list"]);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|t| t["code"] == "vrienden" && t["rule"].is_null())
    );
}

#[test]
fn change_and_remove_a_rule() {
    let db = TestDb::new();
    db.json(&["types", "clear-rule", "profileren"]);
    let list = db.json(&["types", "list"]);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|t| t["code"] == "profileren" && t["rule"].is_null())
    );
    let rule = db
        .text("SELECT name FROM saved_queries WHERE name LIKE '%Zachte opt-ins profileren'")
        .unwrap();
    let t = db.json(&[
        "types",
        "set-rule",
        "profileren",
        "--rule",
        &rule,
        "--rule-opt-in",
        "--rule-description",
        "Opnieuw",
    ]);
    assert_eq!(t["rule_description"], "Opnieuw");
}

#[test]
fn bad_types_are_refused_and_nothing_changes() {
    let db = TestDb::new();
    let before = db.snapshot();
    for args in [
        vec![
            "types",
            "add",
            "Nieuws Brief",
            "--label",
            "x",
            "--kind",
            "newsletter",
        ],
        vec![
            "types",
            "add",
            "nieuwsbrief",
            "--label",
            "x",
            "--kind",
            "newsletter",
        ],
        vec![
            "types",
            "add",
            "y",
            "--label",
            "y",
            "--kind",
            "other",
            "--rule",
            "nope",
            "--rule-opt-in",
        ],
        vec!["types", "set-rule", "nope", "--rule", "x", "--rule-opt-in"],
        vec!["types", "clear-rule", "nope"],
    ] {
        let out = db.run(&args).code(1);
        assert_eq!(
            stderr(&out).trim().lines().count(),
            1,
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // An unknown kind is a usage error (clap's message, exit 2).
    let a = db
        .run(&["types", "add", "x", "--label", "x", "--kind", "spam"])
        .code(2);
    assert!(stderr(&a).contains("newsletter"), "{}", stderr(&a));
    assert_eq!(db.snapshot(), before);
}

#[test]
fn dry_run_of_every_types_change_changes_nothing() {
    let db = TestDb::new();
    let before = db.snapshot();
    let out = db.json(&[
        "types",
        "add",
        "vrienden",
        "--label",
        "Vrienden",
        "--kind",
        "newsletter",
        "--dry-run",
    ]);
    assert_eq!(out["code"], "vrienden");
    assert_eq!(out["dry_run"], true);
    db.json(&["types", "clear-rule", "profileren", "--dry-run"]);
    let rule = db
        .text("SELECT name FROM saved_queries WHERE name LIKE '%Zachte opt-ins servicemail'")
        .unwrap();
    db.json(&[
        "types",
        "set-rule",
        "direct_mail",
        "--rule",
        &rule,
        "--rule-opt-out",
        "--dry-run",
    ]);
    db.json(&[
        "query",
        "save",
        "SMP - 20261129 - Selectie - Alle",
        "--sql",
        "SELECT id FROM persons",
        "--dry-run",
    ]);
    let listed = db.json(&[
        "register",
        "add",
        "--purpose",
        "P",
        "--legal-basis",
        "L",
        "--data-categories",
        "D",
        "--recipients",
        "R",
        "--retention",
        "T",
        "--dry-run",
    ]);
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["purpose"] == "P")
    );
    assert_eq!(db.snapshot(), before);
}
