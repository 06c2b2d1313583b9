#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `person edit PERSON --FIELD VALUE ...`: rectification (Art. 16 GDPR) with the checks
//! of the import.
mod common;
use common::{TestDb, stderr};

#[test]
fn fields_are_checked_normalised_and_cleared_as_the_import_does() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    db.exec(&format!(
        "UPDATE persons SET phone = '030 1234567', country = 'NL' WHERE id = {p}"
    ));
    let out = db.json(&[
        "person",
        "edit",
        "jan@example.nl",
        "--infix",
        "de",
        "--postal-code",
        "1234ab",
        "--iban",
        "nl91 abna 0417 1643 00",
        "--bsn",
        "12345672",
        "--birth-date",
        "28-11-1970",
        "--phone",
        "",
        "--first-name",
        "Jan",
    ]);
    // Only what differs is a change: the first name was already Jan.
    assert_eq!(
        out["changed"],
        serde_json::json!(["infix", "phone", "postal_code", "iban", "bsn", "birth_date"])
    );
    assert_eq!(out["warnings"].as_array().unwrap().len(), 0);
    let card = db.json(&["person", "show", &p.to_string()]);
    assert_eq!(card["infix"], "de");
    assert_eq!(card["postal_code"], "1234 AB");
    assert_eq!(card["iban"], "NL91ABNA0417164300");
    assert_eq!(card["bsn"], "012345672");
    assert_eq!(card["birth_date"], "1970-11-28");
    assert!(card["phone"].is_null());
    // One audit entry naming the fields, never the values.
    let details = db
        .text("SELECT details FROM audit_log WHERE command = 'person edit'")
        .unwrap();
    assert!(details.contains("postal_code") && details.contains("iban"));
    for value in ["1234", "NL91", "012345672", "1970", "030"] {
        assert!(!details.contains(value), "{details}");
    }
    assert_eq!(
        db.int(&format!(
            "SELECT affected FROM audit_log WHERE command = 'person edit' AND person_id = {p}"
        )),
        1
    );
}

#[test]
fn a_malformed_email_is_stored_with_a_warning_and_the_person_is_not_mailable() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    let out = db
        .run(&[
            "person",
            "edit",
            &p.to_string(),
            "--email",
            "jan@example",
            "--format",
            "json",
        ])
        .success();
    assert!(stderr(&out).contains("warning: --email"));
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["warnings"].as_array().unwrap().len(), 1);
    let card = db.json(&["person", "show", &p.to_string()]);
    assert_eq!(card["email"], "jan@example");
    assert_eq!(card["mailable"], false);
}

#[test]
fn marking_a_person_deceased_suppresses_the_address_as_the_import_does() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    db.json(&["person", "edit", &p.to_string(), "--deceased", "ja"]);
    assert_eq!(
        db.int(&format!("SELECT deceased FROM persons WHERE id = {p}")),
        1
    );
    assert_eq!(
        db.int(
            "SELECT count(*) FROM suppressions WHERE reason = 'deceased' AND source = 'person edit'"
        ),
        1
    );
}

#[test]
fn a_dry_run_says_what_would_change_and_changes_nothing() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    let before = db.snapshot();
    let out = db.json(&[
        "person",
        "edit",
        &p.to_string(),
        "--city",
        "Utrecht",
        "--dry-run",
    ]);
    assert_eq!(out["changed"], serde_json::json!(["city"]));
    assert_eq!(out["dry_run"], true);
    assert_eq!(db.snapshot(), before);
}

#[test]
fn bad_values_are_refused_whole_and_change_nothing() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    db.person("Piet", "Bakker", "piet@example.nl");
    let gone = db.person("Weg", "Weg", "weg@example.nl");
    db.run(&["--yes", "anonymise", "--person", &gone.to_string()])
        .success();
    db.exec(&format!("UPDATE persons SET country = 'NL' WHERE id = {p}"));
    let before = db.snapshot();
    let ps = p.to_string();
    for (args, code, says) in [
        (
            vec![
                "person",
                "edit",
                &ps,
                "--city",
                "Utrecht",
                "--iban",
                "NL92ABNA0417164300",
            ],
            1,
            "--iban",
        ),
        (
            vec!["person", "edit", &ps, "--bsn", "123456789"],
            1,
            "11-check",
        ),
        (
            vec!["person", "edit", &ps, "--postal-code", "12345"],
            1,
            "Dutch postal code",
        ),
        (
            vec!["person", "edit", &ps, "--birth-date", "2999-01-01"],
            1,
            "in the future",
        ),
        (
            vec!["person", "edit", &ps, "--birth-date", "31-02-1980"],
            1,
            "not a valid date",
        ),
        (
            vec!["person", "edit", &ps, "--deceased", "misschien"],
            1,
            "yes/no",
        ),
        (
            vec!["person", "edit", &ps, "--bouncer", ""],
            1,
            "--bouncer: give yes or no",
        ),
        (
            vec!["person", "edit", &ps, "--city", "Utrecht\u{1b}[2J"],
            1,
            "control characters",
        ),
        (
            vec!["person", "edit", &ps, "--email", "PIET@example.nl"],
            1,
            "one person per address",
        ),
        (
            vec!["person", "edit", &gone.to_string(), "--city", "X"],
            1,
            "anonymised",
        ),
        (
            vec!["person", "edit", "999", "--city", "X"],
            1,
            "no person with id 999",
        ),
        (vec!["person", "edit", &ps], 2, "required"),
        (
            vec!["person", "edit", &ps, "--shoe-size", "44"],
            2,
            "--shoe-size",
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
}

/// Review: a suppression belongs to the person as much as to the address: editing the
/// address to a new one carries the suppression to it (an objection is not lost to a
/// corrected typo).
#[test]
fn a_suppression_follows_the_person_to_a_new_address() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@exmaple.nl");
    db.run(&["unsubscribe-all", "--person", &p.to_string(), "--yes"])
        .success();
    db.json(&[
        "person",
        "edit",
        &p.to_string(),
        "--email",
        "jan@example.nl",
    ]);
    let list = db.json(&["suppression", "list"]);
    let reasons: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        vec!["unsubscribed_all", "unsubscribed_all"],
        "{list}"
    );
    let card = db.json(&["person", "show", &p.to_string()]);
    assert_eq!(card["suppressed"], true, "{card}");
}

/// A birth date may be today on the organisation's clock, and not the day after: a baby
/// born there today is entered today, whatever the UTC date (by hand and in a file).
#[test]
fn a_birth_date_of_today_is_today_on_the_organisations_clock() {
    let db = TestDb::new();
    let (zone, today, utc_today) = common::zone_off_the_utc_day();
    db.run(&["settings", "set", "timezone", zone]).success();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    let later = today.max(utc_today).to_string();
    let born_today_here = today > utc_today;
    let out = db.run(&["person", "edit", &p.to_string(), "--birth-date", &later]);
    if born_today_here {
        out.success();
        assert_eq!(
            db.text(&format!("SELECT birth_date FROM persons WHERE id = {p}")),
            Some(later.clone())
        );
    } else {
        let out = out.code(1);
        assert!(stderr(&out).contains("in the future"), "{}", stderr(&out));
        assert_eq!(
            db.text(&format!("SELECT birth_date FROM persons WHERE id = {p}")),
            None
        );
    }
    let f = db.file(
        "p.csv",
        &format!("first_name,last_name,email,birth_date\nBaby,Vries,baby@example.nl,{later}\n"),
    );
    let out = db.run(&["import", "persons", f.to_str().unwrap()]);
    if born_today_here {
        out.success();
    } else {
        let out = out.code(1);
        assert!(stderr(&out).contains("in the future"), "{}", stderr(&out));
    }
    assert_eq!(
        db.int("SELECT count(*) FROM persons WHERE email = 'baby@example.nl'"),
        i64::from(born_today_here)
    );
}
