#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `breach add|update|list|persons`: the breach register (Art. 33(5) GDPR) with the
//! 72-hour deadline of the Autoriteit Persoonsgegevens.
mod common;
use chrono::{Duration, SecondsFormat, Utc};
use common::{TestDb, stderr};
use serde_json::Value;

fn hours_ago(h: i64) -> String {
    (Utc::now() - Duration::hours(h)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn list(db: &TestDb, args: &[&str]) -> (i32, Vec<Value>) {
    let out = db
        .cmd()
        .args(["breach", "list", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    (out.status.code().unwrap(), rows.as_array().unwrap().clone())
}

#[test]
fn a_breach_counts_its_persons_from_the_saved_query_and_lists_them_for_the_letter() {
    let db = TestDb::new();
    let jan = db.person("Jan", "Vries", "jan@example.nl");
    let piet = db.person("Piet", "Bakker", "piet@example.nl");
    db.person("Klaas", "Smit", "klaas@example.nl");
    db.exec(&format!(
        "UPDATE persons SET infix = 'de', street = 'Dorpsstraat', house_number = '1', postal_code = '1234 AB', city = 'Utrecht', country = 'NL' WHERE id = {jan}"
    ));
    db.run(&[
        "query",
        "save",
        "SMP - 20261128 - Datalek - Ontvangers CC-mail",
        "--sql",
        &format!("SELECT id FROM persons WHERE id IN ({jan}, {piet}) UNION ALL SELECT {jan}"),
    ])
    .success();
    let discovered = hours_ago(2);
    let b = db.json(&[
        "breach",
        "add",
        "--discovered",
        &discovered,
        "--description",
        "Nieuwsbrief met zichtbare adressen (CC) verstuurd",
        "--persons-query",
        "SMP - 20261128 - Datalek - Ontvangers CC-mail",
        "--categories",
        "name,email",
    ]);
    assert_eq!(b["persons"], 2);
    assert_eq!(b["status"], "open");
    assert_eq!(b["discovered_at"], discovered.as_str());
    let due = chrono::DateTime::parse_from_rfc3339(&discovered).unwrap() + Duration::hours(72);
    assert_eq!(
        b["ap_due_at"],
        due.with_timezone(&Utc)
            .to_rfc3339_opts(SecondsFormat::Secs, true)
    );
    assert_eq!(b["categories"], "name,email");
    // The persons themselves, for the letter (Art. 34).
    let persons = db.json(&["breach", "persons", &b["id"].to_string()]);
    let persons = persons.as_array().unwrap();
    assert_eq!(persons.len(), 2);
    assert_eq!(persons[0]["person_id"], jan);
    assert_eq!(persons[0]["infix"], "de");
    assert_eq!(persons[0]["email"], "jan@example.nl");
    assert_eq!(persons[0]["street"], "Dorpsstraat");
    assert_eq!(persons[0]["postal_code"], "1234 AB");
    assert_eq!(persons[1]["person_id"], piet);
    let csv = common::stdout(
        &db.run(&["breach", "persons", "1", "--format", "csv"])
            .success(),
    );
    assert!(csv.starts_with(
        "person_id,first_name,infix,last_name,email,street,house_number,postal_code,city,country"
    ));
    assert_eq!(csv.lines().count(), 3);
    // The persons affected are those of the day the breach was recorded.
    db.exec("DELETE FROM saved_queries WHERE name LIKE '%Datalek%'");
    assert_eq!(
        db.json(&["breach", "persons", "1"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // The contract's keys of the list.
    let (code, rows) = list(&db, &[]);
    assert_eq!(code, 0);
    for key in [
        "id",
        "discovered_at",
        "ap_due_at",
        "reported_to_ap_at",
        "persons",
        "status",
    ] {
        assert!(rows[0].get(key).is_some(), "{key}");
    }
    assert_eq!(
        db.int("SELECT affected FROM audit_log WHERE command = 'breach add'"),
        2
    );
}

#[test]
fn a_breach_past_72_hours_and_not_reported_makes_list_overdue_exit_3() {
    let db = TestDb::new();
    let old = db.json(&[
        "breach",
        "add",
        "--discovered",
        &hours_ago(75),
        "--description",
        "Laptop met klantbestand gestolen",
    ]);
    assert_eq!(old["status"], "overdue");
    assert!(old["persons"].is_null());
    db.json(&[
        "breach",
        "add",
        "--discovered",
        &hours_ago(71),
        "--description",
        "USB-stick kwijt",
    ]);
    let (code, rows) = list(&db, &["--overdue"]);
    assert_eq!(code, 3);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["id"], old["id"]);
    let (code, rows) = list(&db, &[]);
    assert_eq!(code, 0);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["status"], "open");
    db.run(&["breach", "list", "--overdue", "--quiet"]).code(3);
    // Reported late: no longer overdue, and the register says it was late.
    let b = db.json(&[
        "breach",
        "update",
        "1",
        "--reported-to-ap",
        &hours_ago(1),
        "--notified-persons",
        "yes",
        "--measures",
        "Wachtwoorden gewijzigd, apparaat op afstand gewist",
    ]);
    assert_eq!(b["status"], "reported_late");
    assert_eq!(b["notified_persons"], true);
    assert_eq!(
        b["measures"],
        "Wachtwoorden gewijzigd, apparaat op afstand gewist"
    );
    let (code, rows) = list(&db, &["--overdue"]);
    assert_eq!((code, rows.len()), (0, 0));
    // The other one: the AP need not be told, with the reason.
    let b = db.json(&[
        "breach",
        "update",
        "2",
        "--ap-not-required",
        "Versleutelde stick: geen risico",
    ]);
    assert_eq!(b["status"], "not_required");
    // In time.
    let b = db.json(&[
        "breach",
        "add",
        "--discovered",
        &hours_ago(5),
        "--description",
        "Verkeerd geadresseerde brief",
    ]);
    let b = db.json(&[
        "breach",
        "update",
        &b["id"].to_string(),
        "--reported-to-ap",
        &hours_ago(1),
    ]);
    assert_eq!(b["status"], "reported");
    assert_eq!(
        db.int("SELECT count(*) FROM audit_log WHERE command = 'breach update'"),
        3
    );
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let db = TestDb::new();
    db.person("Jan", "Vries", "jan@example.nl");
    db.run(&[
        "query",
        "save",
        "SMP - 20261128 - Datalek - Adressen",
        "--sql",
        "SELECT id FROM persons",
    ])
    .success();
    // A saved query changed behind the tool's back to return addresses.
    db.exec(
        "UPDATE saved_queries SET sql = 'SELECT email FROM persons' WHERE name LIKE '%Adressen%'",
    );
    db.json(&[
        "breach",
        "add",
        "--discovered",
        &hours_ago(3),
        "--description",
        "Iets",
    ]);
    let before = db.snapshot();
    let future = (Utc::now() + Duration::hours(2)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let long_ago = hours_ago(24 * 30);
    for (args, code, says) in [
        (
            vec![
                "breach",
                "add",
                "--discovered",
                &future,
                "--description",
                "x",
            ],
            1,
            "in the future",
        ),
        (
            vec![
                "breach",
                "add",
                "--discovered",
                "gisteren",
                "--description",
                "x",
            ],
            2,
            "gisteren",
        ),
        (
            vec![
                "breach",
                "add",
                "--discovered",
                "2026-11-01",
                "--description",
                " ",
            ],
            1,
            "--description",
        ),
        (
            vec![
                "breach",
                "add",
                "--discovered",
                "2026-11-01",
                "--description",
                "x",
                "--persons-query",
                "Bestaat niet",
            ],
            1,
            "no saved query",
        ),
        (
            vec![
                "breach",
                "add",
                "--discovered",
                "2026-11-01",
                "--description",
                "x",
                "--persons-query",
                "SMP - 20261128 - Datalek - Adressen",
            ],
            1,
            "person id",
        ),
        (
            vec![
                "breach",
                "add",
                "--discovered",
                "2026-11-01",
                "--description",
                "x",
                "--categories",
                "adres",
            ],
            2,
            "adres",
        ),
        (vec!["breach", "update", "1"], 2, "required"),
        (
            vec!["breach", "update", "1", "--reported-to-ap", &long_ago],
            1,
            "before the breach was discovered",
        ),
        (
            vec!["breach", "update", "1", "--reported-to-ap", &future],
            1,
            "in the future",
        ),
        (
            vec!["breach", "update", "1", "--notified-persons", "misschien"],
            2,
            "misschien",
        ),
        (
            vec![
                "breach",
                "update",
                "1",
                "--reported-to-ap",
                "2026-11-30",
                "--ap-not-required",
                "x",
            ],
            2,
            "cannot be used with",
        ),
        (
            vec!["breach", "update", "5", "--measures", "x"],
            1,
            "no breach with id 5",
        ),
        (vec!["breach", "persons", "5"], 1, "no breach with id 5"),
        (vec!["breach", "persons", "1"], 1, "not known"),
    ] {
        let out = db.run(&args).code(code);
        let err = stderr(&out);
        assert!(err.contains(says), "{args:?}: {err}");
        if code == 1 {
            assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
            // No personal data in the error: the address stays out of it.
            assert!(!err.contains("jan@example.nl"), "{err}");
        }
        assert_eq!(db.snapshot(), before, "{args:?}");
    }
    // A dry run records nothing.
    db.json(&[
        "breach",
        "add",
        "--discovered",
        &hours_ago(1),
        "--description",
        "x",
        "--dry-run",
    ]);
    assert_eq!(db.snapshot(), before);
}

#[test]
fn a_time_without_an_offset_is_read_on_the_organisations_clock() {
    let db = TestDb::new();
    let add = |db: &TestDb, at: &str, extra: &[&str]| {
        let mut args = vec![
            "breach",
            "add",
            "--discovered",
            at,
            "--description",
            "Laptop gestolen",
        ];
        args.extend_from_slice(extra);
        db.json(&args)["discovered_at"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // Amsterdam (the default): 14:05 in winter is 13:05 UTC, 09:30 in summer 07:30 UTC.
    assert_eq!(add(&db, "2026-11-28 14:05", &[]), "2026-11-28T13:05:00Z");
    assert_eq!(add(&db, "01-07-2026 09:30", &[]), "2026-07-01T07:30:00Z");
    // With an offset or a Z it is taken as it says; a date alone is midnight UTC.
    assert_eq!(add(&db, "2026-11-28T14:05Z", &[]), "2026-11-28T14:05:00Z");
    assert_eq!(add(&db, "2026-11-28", &[]), "2026-11-28T00:00:00Z");
    // --utc reads it as UTC.
    assert_eq!(
        add(&db, "2026-11-28 14:05", &["--utc"]),
        "2026-11-28T14:05:00Z"
    );
    // Another organisation's clock.
    db.run(&["settings", "set", "timezone", "America/New_York"])
        .success();
    assert_eq!(add(&db, "2026-11-28 14:05", &[]), "2026-11-28T19:05:00Z");
    // The hour the clock skips does not exist: a usage error, nothing written.
    db.run(&["settings", "set", "timezone", "Europe/Amsterdam"])
        .success();
    let before = db.snapshot();
    let a = db
        .run(&[
            "breach",
            "add",
            "--discovered",
            "2026-03-29 02:30",
            "--description",
            "x",
        ])
        .code(2);
    assert!(stderr(&a).contains("does not exist"), "{}", stderr(&a));
    assert_eq!(db.snapshot(), before);
}
