#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
use common::{TestDb, stderr};

#[test]
fn list_and_add() {
    let db = TestDb::new();
    let before = db.json(&["register", "list"]).as_array().unwrap().len();
    let after = db.json(&[
        "register",
        "add",
        "--purpose",
        "Vriendenprogramma",
        "--legal-basis",
        "Overeenkomst (art. 6 lid 1 sub b AVG)",
        "--data-categories",
        "Naam, adres",
        "--recipients",
        "Geen",
        "--retention",
        "5 jaar",
        "--consent-type",
        "nieuwsbrief",
    ]);
    let rows = after.as_array().unwrap();
    assert_eq!(rows.len(), before + 1);
    let last = rows.last().unwrap();
    for key in [
        "id",
        "purpose",
        "legal_basis",
        "data_categories",
        "recipients",
        "retention",
        "consent_type",
    ] {
        assert!(last.get(key).is_some(), "{key}");
    }
    assert_eq!(last["purpose"], "Vriendenprogramma");
    // It feeds the access document.
    let id = db.person("A", "A", "a@example.nl");
    let json = db.json(&["export-pdf", "--person", &id.to_string()]);
    assert!(
        json["register"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["purpose"] == "Vriendenprogramma")
    );
}

#[test]
fn bad_entries_are_refused() {
    let db = TestDb::new();
    let before = db.snapshot();
    let out = db
        .run(&[
            "register",
            "add",
            "--purpose",
            " ",
            "--legal-basis",
            "x",
            "--data-categories",
            "x",
            "--recipients",
            "x",
            "--retention",
            "x",
        ])
        .code(1);
    assert!(stderr(&out).contains("--purpose"));
    db.run(&[
        "register",
        "add",
        "--purpose",
        "p",
        "--legal-basis",
        "x",
        "--data-categories",
        "x",
        "--recipients",
        "x",
        "--retention",
        "x",
        "--consent-type",
        "krant",
    ])
    .code(1);
    db.run(&["register", "add", "--purpose", "p"]).code(2);
    assert_eq!(db.snapshot(), before);
}

#[test]
fn an_entry_states_all_of_art_30_and_edits_keep_the_history() {
    let db = TestDb::new();
    let out = db.json(&[
        "register",
        "add",
        "--purpose",
        "Vriendenprogramma",
        "--legal-basis",
        "Overeenkomst (art. 6 lid 1 sub b AVG)",
        "--data-categories",
        "Naam, adres, e-mail",
        "--recipients",
        "Laposta (verwerker)",
        "--retention",
        "5 jaar na einde lidmaatschap",
        "--categories",
        "name,address,email",
        "--categories-of-persons",
        "Vrienden van het museum",
        "--transfers",
        "Geen doorgifte buiten de EER",
        "--security-measures",
        "Toegang op naam",
    ]);
    let entry = out.as_array().unwrap().last().unwrap().clone();
    assert_eq!(entry["categories"], "name,address,email");
    assert_eq!(entry["categories_of_persons"], "Vrienden van het museum");
    assert_eq!(entry["transfers"], "Geen doorgifte buiten de EER");
    assert_eq!(entry["security_measures"], "Toegang op naam");
    assert!(entry["valid_from"].is_string());
    let id = entry["id"].as_i64().unwrap();
    let current = out.as_array().unwrap().len();
    // Edit: a new entry replaces the old one, which stays in the history.
    let out = db.json(&[
        "register",
        "edit",
        &id.to_string(),
        "--transfers",
        "Mailchimp (VS): EU-VS Data Privacy Framework",
        "--consent-type",
        "nieuwsbrief",
    ]);
    let rows = out.as_array().unwrap();
    assert_eq!(rows.len(), current);
    let new = rows.last().unwrap();
    assert_ne!(new["id"], id);
    assert_eq!(
        new["transfers"],
        "Mailchimp (VS): EU-VS Data Privacy Framework"
    );
    assert_eq!(new["purpose"], "Vriendenprogramma");
    assert_eq!(new["consent_type"], "nieuwsbrief");
    assert_eq!(new["security_measures"], "Toegang op naam");
    let all = db.json(&["register", "list", "--all"]);
    let old = all
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap();
    assert_eq!(old["transfers"], "Geen doorgifte buiten de EER");
    assert_eq!(old["replaced_by"], new["id"]);
    assert!(old["removed_at"].is_string());
    // Remove: ended, not deleted.
    let new_id = new["id"].to_string();
    let out = db.json(&["register", "remove", &new_id]);
    assert_eq!(out.as_array().unwrap().len(), current - 1);
    assert_eq!(
        db.json(&["register", "list", "--all"])
            .as_array()
            .unwrap()
            .len(),
        current + 1
    );
    // The access answer shows only what holds now.
    let p = db.person("A", "A", "a@example.nl");
    let json = db.json(&["export-pdf", "--person", &p.to_string()]);
    assert!(
        !json["register"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["purpose"] == "Vriendenprogramma")
    );
    assert_eq!(
        db.text("SELECT group_concat(command, ',') FROM audit_log WHERE command LIKE 'register %'")
            .unwrap(),
        "register add,register edit,register remove"
    );
    // An ended entry can no longer be changed.
    let before = db.snapshot();
    for args in [
        vec!["register", "edit", &new_id, "--retention", "1 jaar"],
        vec!["register", "remove", &new_id],
        vec!["register", "edit", &id.to_string(), "--retention", "1 jaar"],
    ] {
        let out = db.run(&args).code(1);
        assert!(
            stderr(&out).contains("can no longer be changed"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(db.snapshot(), before);
}

#[test]
fn bad_edits_are_refused() {
    let db = TestDb::new();
    let before = db.snapshot();
    for (args, code, says) in [
        (vec!["register", "edit", "1"], 2, "required"),
        (
            vec!["register", "edit", "1", "--purpose", " "],
            1,
            "--purpose",
        ),
        (
            vec!["register", "edit", "1", "--categories", "naam"],
            2,
            "naam",
        ),
        (
            vec!["register", "edit", "1", "--consent-type", "krant"],
            1,
            "krant",
        ),
        (
            vec!["register", "edit", "99", "--retention", "x"],
            1,
            "no entry 99",
        ),
        (vec!["register", "remove", "99"], 1, "no entry 99"),
        (
            vec![
                "register",
                "edit",
                "5",
                "--retention",
                "7 jaar (fiscale bewaarplicht)",
            ],
            1,
            "already says this",
        ),
    ] {
        let out = db.run(&args).code(code);
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        assert_eq!(db.snapshot(), before, "{args:?}");
    }
    // A dry run changes nothing.
    db.json(&["register", "remove", "1", "--dry-run"]);
    assert_eq!(db.snapshot(), before);
}

#[test]
fn the_table_names_the_controller_and_the_privacy_officer() {
    let db = TestDb::new();
    db.exec(
        "INSERT OR REPLACE INTO settings (key, value) VALUES ('organisation.name', 'Stadsmuseum'),
            ('organisation.address', 'Museumplein 1, Utrecht'), ('organisation.email', 'info@museum.nl'),
            ('fg.name', 'F. Gerritsen'), ('fg.email', 'fg@museum.nl')",
    );
    let out = db.run(&["register", "list"]).success();
    let text = common::stdout(&out);
    assert!(text.contains("Controller: Stadsmuseum"), "{text}");
    assert!(text.contains("F. Gerritsen"), "{text}");
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    // Without them, a warning says what to set.
    let db = TestDb::new();
    let out = db.run(&["register", "list"]).success();
    assert!(stderr(&out).contains("fg.name"), "{}", stderr(&out));
}

#[test]
fn the_starter_register_of_an_upgraded_database_says_what_a_new_one_says() {
    let fields = |db: &TestDb| -> Vec<(String, String, String, String, String)> {
        db.conn()
            .prepare(
                "SELECT purpose, categories, categories_of_persons, transfers, security_measures
                 FROM processing_register WHERE removed_at IS NULL ORDER BY id",
            )
            .unwrap()
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let fresh = TestDb::new();
    let old = TestDb::empty();
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1-crm.sqlite"),
        &old.path,
    )
    .unwrap();
    old.run(&["init"]).success();
    let want = fields(&fresh);
    assert!(
        want.iter()
            .all(|f| !f.2.is_empty() && !f.3.is_empty() && !f.4.is_empty())
    );
    assert_eq!(fields(&old), want);
}
