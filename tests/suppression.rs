#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `smp-avg suppression list|add|remove`: the address-level list that survives erasure.
mod common;
use common::{TestDb, stderr};

#[test]
fn add_list_and_remove_with_reasons_never_showing_the_address() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl");
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
    let added = db.json(&[
        "suppression",
        "add",
        " JAN@Example.nl ",
        "--reason",
        "complaint",
        "--description",
        "Klacht per brief",
    ]);
    assert_eq!(added["added"], true);
    assert_eq!(added["hash"].as_str().unwrap().len(), 64);
    // Again: nothing new.
    assert_eq!(
        db.json(&[
            "suppression",
            "add",
            "jan@example.nl",
            "--reason",
            "complaint"
        ])["added"],
        false
    );
    let list = db.json(&["suppression", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["reason"], "complaint");
    assert_eq!(list[0]["source"], "suppression add");
    let text = serde_json::to_string(&list).unwrap();
    assert!(!text.to_lowercase().contains("jan@example.nl"));
    // Out of the audience, even with the opt-in.
    assert!(
        db.json(&["query", "audience", "--type", "nieuwsbrief"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    let card = db.json(&["person", "show", &id.to_string()]);
    assert_eq!(card["suppressed"], true);
    assert_eq!(
        card["not_mailable_because"],
        serde_json::json!(["suppressed"])
    );
    // Removal needs a reason, is audited, and brings the opt-in back.
    db.run(&[
        "suppression",
        "remove",
        "jan@example.nl",
        "--description",
        " ",
    ])
    .code(1);
    db.run(&["suppression", "remove", "jan@example.nl"]).code(2);
    let removed = db.json(&[
        "suppression",
        "remove",
        "jan@example.nl",
        "--description",
        "Klacht ingetrokken",
    ]);
    assert_eq!(removed["removed"], 1);
    assert_eq!(
        db.json(&["query", "audience", "--type", "nieuwsbrief"])[0]["person_id"],
        id
    );
    assert_eq!(
        db.int("SELECT count(*) FROM audit_log WHERE command = 'suppression remove'"),
        1
    );
    let a = db
        .run(&[
            "suppression",
            "remove",
            "jan@example.nl",
            "--description",
            "nog eens",
        ])
        .code(1);
    assert!(stderr(&a).contains("not on the suppression list"));
}

#[test]
fn bad_input_is_one_line_and_changes_nothing() {
    let db = TestDb::new();
    let before = db.snapshot();
    for args in [
        vec!["suppression", "add", "geen adres", "--reason", "manual"],
        vec![
            "suppression",
            "add",
            "a\u{1b}[2J@example.nl",
            "--reason",
            "manual",
        ],
    ] {
        let a = db.run(&args).code(1);
        assert_eq!(stderr(&a).trim().lines().count(), 1, "{}", stderr(&a));
    }
    db.run(&["suppression", "add", "a@example.nl", "--reason", "spam"])
        .code(2);
    assert_eq!(db.snapshot(), before);
    // Operator SQL cannot read the key.
    let a = db.run(&["query", "sql", "SELECT * FROM secrets"]).code(1);
    assert!(
        stderr(&a).contains("only SELECT") || stderr(&a).contains("not authorized"),
        "{}",
        stderr(&a)
    );
}

#[test]
fn erasure_and_unsubscribe_all_put_the_address_on_the_list() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    let b = db.person("B", "B", "b@example.nl");
    db.run(&["--yes", "unsubscribe-all", "--person", &a.to_string()])
        .success();
    db.run(&["--yes", "anonymise", "--person", &b.to_string()])
        .success();
    let mut reasons: Vec<String> = db
        .json(&["suppression", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap().to_string())
        .collect();
    reasons.sort();
    assert_eq!(reasons, vec!["erased", "unsubscribed_all"]);
}

#[test]
fn texts_about_an_address_do_not_outlive_the_persons_erasure() {
    let db = TestDb::new();
    let jan = db.person("Jan", "Vries", "jan@example.nl");
    db.person("Piet", "Bakker", "piet@example.nl");
    db.run(&[
        "suppression",
        "add",
        "piet@example.nl",
        "--reason",
        "complaint",
        "--description",
        "Klacht, doorgestuurd door Jan Vries (jan@example.nl)",
    ])
    .success();
    db.run(&["suppression", "add", "jan@example.nl", "--reason", "manual"])
        .success();
    db.run(&[
        "suppression",
        "remove",
        "jan@example.nl",
        "--description",
        "Jan Vries belde: wil weer post",
    ])
    .success();
    // The reason for lifting is the holder's: kept beside the log, linked to Jan.
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM audit_texts WHERE person_id = {jan}"
        )),
        1
    );
    db.run(&["anonymise", "--person", &jan.to_string(), "--yes"])
        .success();
    assert_eq!(db.int("SELECT count(*) FROM audit_texts"), 0);
    let piet = db
        .text("SELECT description FROM suppressions WHERE reason = 'complaint'")
        .unwrap();
    assert!(!piet.contains("Jan Vries"), "{piet}");
    assert!(!piet.contains("jan@example.nl"), "{piet}");
    assert!(piet.starts_with("Klacht, doorgestuurd door"), "{piet}");
    db.run(&["verify"]).success();
}
