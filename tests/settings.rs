#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
use common::{TestDb, stderr, stdout};

#[test]
fn list_shows_every_key_with_the_time_zone_default() {
    let db = TestDb::new();
    let list = db.json(&["settings", "list"]);
    let keys: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "organisation.name",
            "organisation.address",
            "organisation.email",
            "organisation.phone",
            "fg.name",
            "fg.email",
            "timezone",
            "sweep.max_share",
            "import.max_bytes"
        ]
    );
    let tz = &list[6];
    assert_eq!(tz["value"], "Europe/Amsterdam");
    assert_eq!(tz["is_default"], true);
    assert_eq!(list[0]["value"], "Mijn organisatie");
    assert_eq!(list[2]["value"], serde_json::Value::Null);
    assert_eq!(list[7]["value"], "10");
    assert_eq!(list[8]["value"], "2G");
    // CSV and table too.
    let csv = stdout(&db.run(&["settings", "list", "--format", "csv"]).success());
    assert!(csv.starts_with("key,value,is_default,about\n"), "{csv}");
    assert!(csv.contains("timezone,Europe/Amsterdam,true,"), "{csv}");
    let table = stdout(&db.run(&["settings", "list"]).success());
    assert!(table.contains("organisation.email"), "{table}");
}

#[test]
fn set_stores_checks_and_audits_the_key_only() {
    let db = TestDb::new();
    let out = db.json(&["settings", "set", "fg.email", " fg@dekroon.nl "]);
    assert_eq!(out["value"], "fg@dekroon.nl");
    assert_eq!(out["changed"], true);
    db.json(&["settings", "set", "fg.name", "Mr. J. de Wit"]);
    assert_eq!(
        db.text("SELECT value FROM settings WHERE key = 'fg.email'")
            .as_deref(),
        Some("fg@dekroon.nl")
    );
    let details = db
        .text("SELECT group_concat(details, '|') FROM audit_log WHERE command = 'settings set'")
        .unwrap();
    assert!(details.contains("\"key\":\"fg.email\""), "{details}");
    assert!(
        !details.contains("dekroon") && !details.contains("de Wit"),
        "the audit log holds no values: {details}"
    );
    // Setting the same value again changes nothing.
    assert_eq!(
        db.json(&["settings", "set", "fg.email", "fg@dekroon.nl"])["changed"],
        false
    );
    // An empty value removes it; the time zone goes back to its default.
    db.json(&["settings", "set", "timezone", "Europe/Brussels"]);
    let out = db.json(&["settings", "set", "timezone", ""]);
    assert_eq!(out["value"], "Europe/Amsterdam");
    assert_eq!(out["is_default"], true);
    assert_eq!(
        db.int("SELECT count(*) FROM settings WHERE key = 'timezone'"),
        0
    );
}

#[test]
fn bad_keys_and_values_are_refused_and_change_nothing() {
    let db = TestDb::new();
    let before = db.snapshot();
    for (key, value, says) in [
        ("organisation", "Theater", "not a setting"),
        (
            "organisation.email",
            "privacy@dekroon",
            "not a valid e-mail",
        ),
        ("fg.email", "jan.jansen", "not a valid e-mail"),
        ("organisation.phone", "bel de kassa", "not a phone number"),
        ("timezone", "Europe/Amsterdm", "not an IANA time zone"),
        (
            "organisation.name",
            "Theater\u{1b}[2J",
            "one printable line",
        ),
        (
            "organisation.address",
            "Kerkstraat 1\nErgens",
            "one printable line",
        ),
    ] {
        let a = db.run(&["settings", "set", key, value]).code(1);
        let err = stderr(&a);
        assert!(err.contains(says), "{key}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(!err.contains("jan.jansen"), "{err}");
    }
    // A dry run changes nothing either.
    db.json(&[
        "settings",
        "set",
        "organisation.name",
        "Theater De Kroon",
        "--dry-run",
    ]);
    assert_eq!(db.snapshot(), before);
}

#[test]
fn init_organisation_writes_the_one_key() {
    let db = TestDb::empty();
    db.run(&["init", "--organisation", "Theater De Kroon"])
        .success();
    assert_eq!(
        db.text("SELECT value FROM settings WHERE key = 'organisation.name'")
            .as_deref(),
        Some("Theater De Kroon")
    );
    assert_eq!(
        db.int("SELECT count(*) FROM settings WHERE key = 'organisation'"),
        0
    );
    assert_eq!(
        db.json(&["settings", "list"])[0]["value"],
        "Theater De Kroon"
    );
}

#[test]
fn tables_show_the_organisations_time_zone_and_utc_on_request() {
    let db = TestDb::new();
    db.exec(
        "INSERT INTO audit_log (at, operator, command, affected) VALUES ('2026-11-28T23:50:36Z', 't', 'probe', 0),
                                                                     ('2026-07-01T22:30:00Z', 't', 'probe', 0)",
    );
    let table = stdout(&db.run(&["audit"]).success());
    assert!(table.contains("2026-11-29 00:50:36 CET"), "{table}");
    assert!(table.contains("2026-07-02 00:30:00 CEST"), "{table}");
    let utc = stdout(&db.run(&["audit", "--utc"]).success());
    assert!(utc.contains("2026-11-28T23:50:36Z"), "{utc}");
    assert!(!utc.contains("CET"), "{utc}");
    // CSV and JSON stay UTC.
    let csv = stdout(&db.run(&["audit", "--format", "csv"]).success());
    assert!(csv.contains("2026-11-28T23:50:36Z"), "{csv}");
    assert!(!csv.contains("CET"), "{csv}");
    let json = db.json(&["audit"]);
    assert!(
        json.as_array()
            .unwrap()
            .iter()
            .any(|e| e["at"] == "2026-11-28T23:50:36Z")
    );
    // Another zone.
    db.json(&["settings", "set", "timezone", "America/New_York"]);
    let table = stdout(&db.run(&["audit"]).success());
    assert!(table.contains("2026-11-28 18:50:36 EST"), "{table}");
}

#[test]
fn a_broken_time_zone_written_by_hand_does_not_lock_the_operator_out() {
    let db = TestDb::new();
    db.exec("INSERT INTO settings (key, value) VALUES ('timezone', 'Nergens/Niets')");
    let a = db.run(&["settings", "list"]).success();
    assert!(
        stderr(&a).contains("times are shown in UTC"),
        "{}",
        stderr(&a)
    );
    db.json(&["settings", "set", "timezone", "Europe/Amsterdam"]);
    let a = db.run(&["audit"]).success();
    assert!(stderr(&a).is_empty(), "{}", stderr(&a));
}
