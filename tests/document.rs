#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `smp-avg document add|list|get|remove`: documents held for a person.
mod common;
use common::{TestDb, stderr};
use std::os::unix::fs::PermissionsExt;

#[test]
fn add_list_get_and_remove() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    let f = db.file("overeenkomst jan.pdf", "%PDF-1.4 OVEREENKOMST");
    let added = db.json(&[
        "document",
        "add",
        "jan@example.nl",
        f.to_str().unwrap(),
        "--kind",
        "overeenkomst",
        "--date",
        "01-03-2024",
    ]);
    let doc = added["id"].as_i64().unwrap();
    for key in ["id", "person_id", "kind", "filename", "bytes", "held_until"] {
        assert!(added.get(key).is_some(), "{key}");
    }
    assert_eq!(added["person_id"], id);
    assert_eq!(added["filename"], "overeenkomst jan.pdf");
    assert_eq!(added["bytes"], 21);
    assert_eq!(added["held_until"], "2031-03-01");
    let list = db.json(&["document", "list", &id.to_string()]);
    assert_eq!(list[0]["id"], doc);
    // A copy, readable by the owner only, the same bytes.
    let out = db.dir.path().join("kopie.pdf");
    db.json(&[
        "document",
        "get",
        &doc.to_string(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read(&out).unwrap(), b"%PDF-1.4 OVEREENKOMST");
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        db.int("SELECT count(*) FROM audit_log WHERE command IN ('document add', 'document get')"),
        2
    );
    // Held by law: not removed; a letter can be.
    let a = db
        .run(&[
            "document",
            "remove",
            &doc.to_string(),
            "--description",
            "dubbel",
        ])
        .code(1);
    assert!(stderr(&a).contains("2031-03-01"), "{}", stderr(&a));
    let l = db.file("brief.txt", "Beste Jan");
    let letter = db.json(&[
        "document",
        "add",
        &id.to_string(),
        l.to_str().unwrap(),
        "--kind",
        "correspondentie",
    ])["id"]
        .as_i64()
        .unwrap();
    assert!(db.json(&["document", "list", &id.to_string()])[1]["held_until"].is_null());
    let removed = db.json(&[
        "document",
        "remove",
        &letter.to_string(),
        "--description",
        "dubbel ingevoerd",
    ]);
    assert_eq!(removed["removed"], true);
    assert_eq!(db.int("SELECT count(*) FROM documents"), 1);
}

#[test]
fn bad_input_changes_nothing() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl").to_string();
    let f = db.file("a.pdf", "x");
    let before = db.snapshot();
    for (args, says) in [
        (
            vec![
                "document",
                "add",
                &id,
                f.to_str().unwrap(),
                "--kind",
                "fotoalbum",
            ],
            "not a document kind",
        ),
        (
            vec![
                "document",
                "add",
                &id,
                "geen-bestand.pdf",
                "--kind",
                "overig",
            ],
            "geen-bestand.pdf",
        ),
        (
            vec![
                "document",
                "add",
                "999",
                f.to_str().unwrap(),
                "--kind",
                "overig",
            ],
            "no person",
        ),
        (
            vec![
                "document",
                "add",
                &id,
                f.to_str().unwrap(),
                "--kind",
                "overig",
                "--date",
                "01-01-2999",
            ],
            "future",
        ),
        (
            vec!["document", "get", "99", "--out", "x.pdf"],
            "no document",
        ),
        (
            vec!["document", "remove", "99", "--description", "x"],
            "no document",
        ),
    ] {
        let a = db.run(&args).code(1);
        assert!(stderr(&a).contains(says), "{args:?}: {}", stderr(&a));
        assert_eq!(stderr(&a).trim().lines().count(), 1);
    }
    db.run(&[
        "document",
        "add",
        &id,
        f.to_str().unwrap(),
        "--kind",
        "overig",
        "--date",
        "31-02-2024",
    ])
    .code(2);
    assert_eq!(db.snapshot(), before);
    // A copy is never written over the database.
    let doc = db.json(&[
        "document",
        "add",
        &id,
        f.to_str().unwrap(),
        "--kind",
        "overig",
    ])["id"]
        .as_i64()
        .unwrap();
    let a = db
        .run(&[
            "--force",
            "document",
            "get",
            &doc.to_string(),
            "--out",
            db.path.to_str().unwrap(),
        ])
        .code(1);
    assert!(stderr(&a).contains("refusing"), "{}", stderr(&a));
}

#[test]
fn a_removed_documents_id_is_never_given_again_and_its_reason_goes_with_the_person() {
    let db = TestDb::new();
    let jan = db.person("Jan", "Vries", "jan@example.nl");
    let add = |name: &str| {
        let f = db.file(name, "Beste Jan");
        db.json(&[
            "document",
            "add",
            &jan.to_string(),
            f.to_str().unwrap(),
            "--kind",
            "correspondentie",
        ])["id"]
            .as_i64()
            .unwrap()
    };
    let first = add("brief1.txt");
    db.json(&[
        "document",
        "remove",
        &first.to_string(),
        "--description",
        "Jan Vries vroeg erom, dubbel",
    ]);
    // The newest id was removed: the next document gets a new one.
    let second = add("brief2.txt");
    assert!(second > first, "{second} after {first}");
    // The reason is shown with the audit entry, but kept outside its sealed details.
    let log = db.json(&["audit", "--person", &jan.to_string()]);
    let entry = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["command"] == "document remove")
        .unwrap()
        .clone();
    assert_eq!(entry["text"], "Jan Vries vroeg erom, dubbel");
    assert!(
        !entry["details"].as_str().unwrap().contains("vroeg"),
        "{entry}"
    );
    // The person is told it in the access answer.
    let answer = db.json(&["export-pdf", "--person", &jan.to_string()]);
    assert!(
        answer["processing"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["note"] == "Jan Vries vroeg erom, dubbel"),
        "{}",
        answer["processing"]
    );
    // Erased with the person; the log's chain still verifies.
    db.run(&["anonymise", "--person", &jan.to_string(), "--yes"])
        .success();
    assert_eq!(db.int("SELECT count(*) FROM audit_texts"), 0);
    let log = db.json(&["audit", "--person", &jan.to_string()]);
    assert!(
        log.as_array().unwrap().iter().all(|e| e["text"].is_null()),
        "{log}"
    );
    db.run(&["verify"]).success();
}

/// A copy of a document of a restricted person (Art. 18) or of one whose documents a
/// law holds after an erasure is still given, with a one-line warning on stderr; a
/// copy for anyone else says nothing there.
#[test]
fn get_warns_when_the_person_is_restricted_or_under_a_legal_hold() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    let f = db.file("akte jan vries.pdf", "%PDF-1.4 AKTE");
    let doc = db.json(&[
        "document",
        "add",
        &id.to_string(),
        f.to_str().unwrap(),
        "--kind",
        "schenkingsakte",
        "--date",
        "2025-06-01",
    ])["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let get = |name: &str| {
        let out = db.dir.path().join(name);
        let a = db
            .run(&["document", "get", &doc, "--out", out.to_str().unwrap()])
            .success();
        assert_eq!(std::fs::read(&out).unwrap(), b"%PDF-1.4 AKTE");
        stderr(&a)
    };
    // Nobody restricted: nothing on stderr.
    assert_eq!(get("a.pdf"), "");
    // Restricted by hand (Art. 18): the copy, and a warning of one line.
    db.json(&[
        "person",
        "restrict",
        &id.to_string(),
        "--reason",
        "Juistheid betwist door Jan Vries",
    ]);
    let err = get("b.pdf");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.starts_with("warning: ")
            && err.contains(&format!("person {id}'s processing is restricted")),
        "{err}"
    );
    assert!(err.contains("Art. 18(2)"), "{err}");
    // Never the reason's text nor the person's name.
    assert!(!err.contains("Jan") && !err.contains("betwist"), "{err}");
    // Erased, the deed held by law: the warning says until when.
    db.json(&["person", "restrict", &id.to_string(), "--lift"]);
    assert_eq!(get("c.pdf"), "");
    db.json(&["anonymise", "--person", &id.to_string(), "--yes"]);
    let until = db
        .text(&format!(
            "SELECT legal_hold_until FROM persons WHERE id = {id}"
        ))
        .unwrap();
    let err = get("d.pdf");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!("legal hold until {until}")) && err.contains("Art. 17(3)(b)"),
        "{err}"
    );
    // Each copy given out is recorded, the warned ones too.
    assert_eq!(
        db.int("SELECT count(*) FROM audit_log WHERE command = 'document get'"),
        4
    );
}

/// A hold set on a person without a restriction (only `legal_hold_until`) warns too.
#[test]
fn get_warns_under_a_legal_hold_alone() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    let f = db.file("x.pdf", "X");
    let doc = db.json(&[
        "document",
        "add",
        &id.to_string(),
        f.to_str().unwrap(),
        "--kind",
        "overeenkomst",
    ])["id"]
        .as_i64()
        .unwrap()
        .to_string();
    db.exec(&format!(
        "UPDATE persons SET legal_hold_until = '2033-01-01' WHERE id = {id}"
    ));
    let out = db.dir.path().join("x-copy.pdf");
    let a = db
        .run(&["document", "get", &doc, "--out", out.to_str().unwrap()])
        .success();
    let err = stderr(&a);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("is under a legal hold until 2033-01-01"),
        "{err}"
    );
    assert!(out.exists());
}

#[test]
fn the_database_or_a_copy_of_it_is_no_document() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    let copy = db.dir.path().join("backup.bin");
    std::fs::copy(&db.path, &copy).unwrap();
    let before = db.snapshot();
    for file in [db.path.clone(), copy] {
        let a = db
            .run(&[
                "document",
                "add",
                &id.to_string(),
                file.to_str().unwrap(),
                "--kind",
                "correspondentie",
            ])
            .code(1);
        let err = stderr(&a);
        assert!(err.contains("not a document"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    assert_eq!(db.snapshot(), before);
}

/// A document's date and its legal hold are days on the organisation's clock: a deed
/// added just after midnight there is dated that day (and year), and a hold that ends
/// today there may be lifted today, not a day early or late by the UTC date.
#[test]
fn dates_and_holds_are_days_on_the_organisations_clock() {
    let db = TestDb::new();
    let (zone, today, utc_today) = common::zone_off_the_utc_day();
    db.run(&["settings", "set", "timezone", zone]).success();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    let f = db.file("akte.pdf", "%PDF-1.4 AKTE");
    let added = db.json(&[
        "document",
        "add",
        &id.to_string(),
        f.to_str().unwrap(),
        "--kind",
        "schenkingsakte",
    ]);
    assert_eq!(added["date"], today.to_string(), "{zone}: {added}");
    let seven = today
        .checked_add_months(chrono::Months::new(12 * 7))
        .unwrap();
    assert_eq!(added["held_until"], seven.to_string(), "{zone}: {added}");

    // A kind held one day, for a document whose hold ends on the later of the two
    // dates: removable today only where that is the organisation's today.
    let until = today.max(utc_today);
    let doc = common::document_held_until(&db, id, until);
    let doc = doc["id"].as_i64().unwrap().to_string();
    let out = db.run(&["document", "remove", &doc, "--description", "Test"]);
    if today > utc_today {
        // Its last day has come in the organisation's time zone.
        out.success();
        assert_eq!(db.int("SELECT count(*) FROM documents"), 1, "{zone}");
    } else {
        // Still its last day there, though the UTC date has passed it.
        let out = out.code(1);
        assert!(
            stderr(&out).contains(&until.to_string()),
            "{}",
            stderr(&out)
        );
        assert_eq!(db.int("SELECT count(*) FROM documents"), 2, "{zone}");
    }
}
