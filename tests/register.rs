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
