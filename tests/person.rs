#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
use common::{TestDb, stderr};

fn record(db: &TestDb, id: i64, at: &str, kind: &str, opt_in: i64, channel: &str) {
    db.exec(&format!(
        "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description) VALUES ('{at}', {id}, '{kind}', {opt_in}, '{channel}', 'omschrijving')"
    ));
}

#[test]
fn the_customer_card_as_json_has_the_contract_keys() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    db.exec(&format!("UPDATE persons SET infix = 'de' WHERE id = {id}"));
    record(
        &db,
        id,
        "2026-01-02T10:00:00Z",
        "nieuwsbrief",
        1,
        "webformulier",
    );
    record(
        &db,
        id,
        "2026-03-01T10:00:00Z",
        "nieuwsbrief",
        0,
        "voorkeurencentrum",
    );
    record(&db, id, "2025-12-01T10:00:00Z", "servicemail", 1, "SMP");
    let card = db.json(&["person", "show", &id.to_string()]);
    for key in [
        "id",
        "first_name",
        "infix",
        "last_name",
        "email",
        "phone",
        "mobile",
        "street",
        "house_number",
        "postal_code",
        "city",
        "country",
        "iban",
        "bsn",
        "birth_date",
        "created_at",
        "deceased",
        "bouncer",
        "mailable",
        "anonymised_at",
        "preferences",
        "history",
    ] {
        assert!(card.get(key).is_some(), "missing {key}");
    }
    assert_eq!(card["infix"], "de");
    assert_eq!(card["mailable"], true);
    assert!(card["anonymised_at"].is_null());
    let prefs = card["preferences"].as_array().unwrap();
    let nb = prefs.iter().find(|p| p["type"] == "nieuwsbrief").unwrap();
    assert_eq!(nb["opt_in"], false);
    assert_eq!(nb["channel"], "voorkeurencentrum");
    // History oldest first, with every §1.1 field.
    let history = card["history"].as_array().unwrap();
    let times: Vec<&str> = history
        .iter()
        .map(|h| h["recorded_at"].as_str().unwrap())
        .collect();
    assert_eq!(
        times,
        [
            "2025-12-01T10:00:00Z",
            "2026-01-02T10:00:00Z",
            "2026-03-01T10:00:00Z"
        ]
    );
    for key in [
        "id",
        "recorded_at",
        "type",
        "opt_in",
        "channel",
        "description",
        "contact_moment",
    ] {
        assert!(history[0].get(key).is_some(), "history lacks {key}");
    }
}

#[test]
fn a_person_is_found_by_email_case_insensitively() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "Jan@Example.NL");
    let card = db.json(&["person", "show", "jan@example.nl"]);
    assert_eq!(card["id"], id);
}

#[test]
fn an_address_held_by_two_persons_lists_their_ids() {
    let db = TestDb::new();
    let a = db.person("Jan", "Vries", "gezin@example.nl");
    let b = db.person("Els", "Vries", "gezin@example.nl");
    let out = db.run(&["person", "show", "gezin@example.nl"]).code(1);
    let err = stderr(&out);
    assert!(err.contains(&format!("{a}, {b}")), "{err}");
    assert_eq!(err.trim().lines().count(), 1);
}

#[test]
fn unknown_persons_are_one_line_errors() {
    let db = TestDb::new();
    for p in [
        "42",
        "nobody@example.nl",
        "Jan",
        "0",
        "99999999999999999999999",
    ] {
        let out = db.run(&["person", "show", p]).code(1);
        assert_eq!(
            stderr(&out).trim().lines().count(),
            1,
            "{p}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn mailable_excludes_deceased_bouncers_invalid_and_anonymised() {
    let db = TestDb::new();
    let ok = db.person("A", "A", "a@example.nl");
    let dead = db.person("B", "B", "b@example.nl");
    let bad = db.person("C", "C", "c@example");
    let anon = db.person("D", "D", "d@example.nl");
    db.exec(&format!("UPDATE persons SET deceased = 1 WHERE id = {dead}; UPDATE persons SET anonymised_at = '2026-01-01T00:00:00Z' WHERE id = {anon}"));
    assert_eq!(
        db.json(&["person", "show", &ok.to_string()])["mailable"],
        true
    );
    for id in [dead, bad, anon] {
        assert_eq!(
            db.json(&["person", "show", &id.to_string()])["mailable"],
            false,
            "{id}"
        );
    }
}

#[test]
fn bouncer_set_and_clear() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    let out = db.json(&["person", "bouncer", "jan@example.nl", "--set"]);
    assert_eq!(out["changed"], true);
    assert_eq!(
        db.json(&["person", "show", &id.to_string()])["mailable"],
        false
    );
    assert_eq!(
        db.json(&["person", "bouncer", &id.to_string(), "--set"])["changed"],
        false
    );
    db.json(&["person", "bouncer", &id.to_string(), "--clear"]);
    assert_eq!(
        db.json(&["person", "show", &id.to_string()])["bouncer"],
        false
    );
    assert_eq!(
        db.json(&["person", "show", &id.to_string()])["mailable"],
        true
    );
    // Dry run changes nothing.
    let before = db.snapshot();
    db.json(&["person", "bouncer", &id.to_string(), "--set", "--dry-run"]);
    assert_eq!(db.snapshot(), before);
}

#[test]
fn bouncer_refuses_an_anonymised_person() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    db.exec(&format!(
        "UPDATE persons SET anonymised_at = '2026-01-01T00:00:00Z' WHERE id = {id}"
    ));
    let before = db.snapshot();
    let out = db
        .run(&["person", "bouncer", &id.to_string(), "--set"])
        .code(1);
    assert!(stderr(&out).contains("anonymised"));
    assert_eq!(db.snapshot(), before);
}

#[test]
fn the_table_card_shows_the_sections() {
    let db = TestDb::new();
    let id = db.person("Łukasz", "Żółć", "l@example.pl");
    let out = db.run(&["person", "show", &id.to_string()]).success();
    let text = common::stdout(&out);
    for s in [
        "Łukasz Żółć",
        "Administration",
        "Current preferences",
        "History",
    ] {
        assert!(text.contains(s), "{s} missing");
    }
}

/// Persons to find, by SQL: returns their ids.
fn findable(db: &TestDb) -> (i64, i64, i64) {
    let jan = db.person("Jan", "Vries", "jan.devries@example.nl");
    let kees = db.person("Kees", "Bakker", "kees@bakkerij.nl");
    let gone = db.person("Anna", "Vries", "anna@example.nl");
    db.exec(&format!(
        "UPDATE persons SET infix = 'de', postal_code = '1234 AB', phone = '020-1234567', mobile = '+31 6 12345678' WHERE id = {jan};
         UPDATE persons SET postal_code = '5678 CD', phone = '06 87654321' WHERE id = {kees};
         UPDATE persons SET first_name = NULL, last_name = NULL, email = NULL, anonymised_at = '2026-01-01T00:00:00Z' WHERE id = {gone};"
    ));
    (jan, kees, gone)
}

fn found(db: &TestDb, text: &str) -> Vec<(i64, String)> {
    db.json(&["person", "find", text])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().unwrap(),
                r["matched"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn person_find_by_name_address_postal_code_and_phone_says_what_matched() {
    let db = TestDb::new();
    let (jan, kees, _) = findable(&db);
    assert_eq!(found(&db, "de vries"), vec![(jan, "name".to_string())]);
    assert_eq!(found(&db, "JAN DE"), vec![(jan, "name".to_string())]);
    assert_eq!(found(&db, "bakkerij"), vec![(kees, "email".to_string())]);
    assert_eq!(found(&db, "1234ab"), vec![(jan, "postal_code".to_string())]);
    assert_eq!(
        found(&db, "5678 cd"),
        vec![(kees, "postal_code".to_string())]
    );
    assert_eq!(found(&db, "020 123"), vec![(jan, "phone".to_string())]);
    // 06… finds a mobile stored as +31 6…
    assert_eq!(
        found(&db, "06-1234 5678"),
        vec![(jan, "mobile".to_string())]
    );
    assert_eq!(found(&db, "0687654321"), vec![(kees, "phone".to_string())]);
    // Several fields at once.
    let both = found(&db, "Bakker");
    assert_eq!(both, vec![(kees, "name,email".to_string())]);
}

#[test]
fn person_find_takes_wildcards_literally_and_never_finds_the_anonymised() {
    let db = TestDb::new();
    let (jan, _, gone) = findable(&db);
    assert!(
        found(&db, "%").is_empty(),
        "% is a character, not a wildcard"
    );
    assert!(found(&db, "_").is_empty());
    assert!(found(&db, "a_n").is_empty());
    // The anonymised person's last name was Vries: gone with the data.
    let vries: Vec<i64> = found(&db, "vries").into_iter().map(|f| f.0).collect();
    assert_eq!(vries, vec![jan]);
    assert!(!vries.contains(&gone));
    // Empty text (or only spaces) is refused rather than listing everyone.
    let before = db.snapshot();
    for empty in ["", "  "] {
        let a = db.run(&["person", "find", empty]).code(1);
        assert!(stderr(&a).contains("give some text"), "{}", stderr(&a));
    }
    assert_eq!(db.snapshot(), before);
}

#[test]
fn person_find_in_every_format_and_with_a_limit() {
    let db = TestDb::new();
    for i in 0..5 {
        db.person(
            "Piet",
            &format!("Jansen{i}"),
            &format!("piet{i}@example.nl"),
        );
    }
    let a = db
        .run(&[
            "--format", "csv", "person", "find", "jansen", "--limit", "3",
        ])
        .success();
    let out = common::stdout(&a);
    assert!(
        out.starts_with(
            "id,first_name,infix,last_name,email,phone,mobile,postal_code,city,matched\n"
        ),
        "{out}"
    );
    assert_eq!(out.lines().count(), 4, "{out}");
    assert!(
        stderr(&a).contains("more than 3 persons match"),
        "{}",
        stderr(&a)
    );
    let a = db.run(&["person", "find", "piet3"]).success();
    assert!(common::stdout(&a).contains("piet3@example.nl"));
    assert_eq!(
        db.json(&["person", "find", "jansen"])
            .as_array()
            .unwrap()
            .len(),
        5
    );
}

#[test]
fn every_part_of_the_card_has_the_same_fields_in_table_csv_and_json() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    record(
        &db,
        id,
        "2026-01-02T10:00:00Z",
        "nieuwsbrief",
        1,
        "webformulier",
    );
    record(
        &db,
        id,
        "2026-03-01T10:00:00Z",
        "nieuwsbrief",
        0,
        "voorkeurencentrum",
    );
    let card = db.json(&["person", "show", &id.to_string()]);
    let object_keys =
        |v: &serde_json::Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let csv_header = |section: &str| -> Vec<String> {
        let a = db
            .run(&[
                "--format",
                "csv",
                "person",
                "show",
                &id.to_string(),
                "--section",
                section,
            ])
            .success();
        let out = common::stdout(&a);
        out.lines()
            .next()
            .unwrap()
            .split(',')
            .map(String::from)
            .collect()
    };
    // Data: the card's fields without the two lists.
    let mut data_keys = object_keys(&card);
    data_keys.retain(|k| k != "preferences" && k != "history");
    assert_eq!(csv_header("data"), data_keys);
    let data = db.json(&["person", "show", &id.to_string(), "--section", "data"]);
    assert_eq!(object_keys(&data), data_keys);
    // The lists.
    for (section, key) in [("preferences", "preferences"), ("history", "history")] {
        let json_keys = object_keys(&card[key][0]);
        assert_eq!(csv_header(section), json_keys, "{section}");
        let list = db.json(&["person", "show", &id.to_string(), "--section", section]);
        assert_eq!(object_keys(&list[0]), json_keys, "{section}");
        let a = db
            .cmd()
            .env("COLUMNS", "250")
            .args(["person", "show", &id.to_string(), "--section", section])
            .assert()
            .success();
        let table = common::stdout(&a);
        for k in &json_keys {
            assert!(
                table.contains(k.as_str()),
                "{section} table lacks {k}:\n{table}"
            );
        }
    }
    // Without --section: the table shows every field of every part.
    let a = db
        .cmd()
        .env("COLUMNS", "250")
        .args(["person", "show", &id.to_string()])
        .assert()
        .success();
    let table = common::stdout(&a);
    for k in data_keys.iter().chain(&object_keys(&card["history"][0])) {
        assert!(table.contains(k.as_str()), "table lacks {k}");
    }
    // CSV without --section is the data, and says where the rest is.
    let a = db
        .run(&["--format", "csv", "person", "show", &id.to_string()])
        .success();
    assert!(stderr(&a).contains("--section"), "{}", stderr(&a));
    assert_eq!(common::stdout(&a).lines().count(), 2);
}

#[test]
fn bouncer_notes_name_the_person_and_a_cleared_bouncer_hears_of_the_suppression() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    let f = db.file("b.csv", "email\njan@example.nl\n");
    db.run(&["import", "bounces", f.to_str().unwrap()])
        .success();
    let a = db
        .run(&["person", "bouncer", &id.to_string(), "--clear"])
        .success();
    let err = stderr(&a);
    assert!(
        err.contains(&format!("person {id} is no longer a bouncer")),
        "{err}"
    );
    assert!(err.contains("suppression list (hard_bounce)"), "{err}");
    // Nothing of the person in the audit log.
    let details: Vec<String> = db
        .conn()
        .prepare("SELECT coalesce(details, '') || command || operator FROM audit_log")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        details
            .iter()
            .all(|d| !d.contains("jan@") && !d.contains("Vries")),
        "{details:?}"
    );
}

// ---- Round 2: duplicates and merging ----

#[test]
fn duplicates_are_found_by_address_and_by_name_postcode_and_birth_date() {
    let db = TestDb::new();
    let a = db.person("Jan", "Vries", "jan@example.nl");
    let b = db.person("Jan", "de Vries", " JAN@example.nl");
    let c = db.person("Anna", "Bakker", "anna@example.nl");
    let d = db.person("anna", "bakker", "anna.bakker@example.nl");
    let e = db.person("Niet", "Dubbel", "niet@example.nl");
    db.exec(&format!(
        "UPDATE persons SET postal_code = '1234 AB', birth_date = '1980-01-01' WHERE id IN ({c}, {d});
         UPDATE persons SET postal_code = '1234AB' WHERE id = {d};"
    ));
    let anon = db.person("Jan", "Vries", "jan@example.nl");
    db.exec(&format!(
        "UPDATE persons SET anonymised_at = '2026-01-01T00:00:00Z', email = NULL WHERE id = {anon}"
    ));
    let groups = db.json(&["person", "duplicates"]);
    assert_eq!(
        groups,
        serde_json::json!([
            {"person_ids": [a, b], "match": "email"},
            {"person_ids": [c, d], "match": "name_postcode_birth"},
        ])
    );
    let _ = e;
}

#[test]
fn merge_moves_everything_to_keep_and_erases_the_other() {
    let db = TestDb::new();
    let keep = db.person("Jan", "Vries", "jan@example.nl");
    let other = db.person("Jan", "de Vries", "jan@example.nl");
    db.exec(&format!(
        "UPDATE persons SET phone = '020-1234567', created_at = '2020-01-01T00:00:00Z' WHERE id = {other};
         INSERT INTO transactions (person_id, kind, occurred_at, amount) VALUES ({other}, 'donation', '2025-01-01T00:00:00Z', '50.00');
         INSERT INTO documents (person_id, kind, filename, created_at, content) VALUES ({other}, 'overig', 'brief.txt', '2025-01-01T00:00:00Z', x'414243');
         INSERT INTO contact_moments (id, name, sent_at, channel) VALUES (1, 'Nieuwsbrief', '2025-06-01T00:00:00Z', 'e-mail');
         INSERT INTO contact_moment_recipients VALUES (1, {other});
         INSERT INTO contact_moments (id, name, sent_at, channel) VALUES (2, 'Brief aan Jan de Vries', '2025-06-02T00:00:00Z', 'brief');"
    ));
    db.run(&[
        "subscribe",
        "--person",
        &other.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-out",
        "--channel",
        "brief",
        "--at",
        "2025-02-01",
    ])
    .success();
    db.run(&[
        "subscribe",
        "--person",
        &keep.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--channel",
        "webformulier",
        "--at",
        "2024-01-01",
    ])
    .success();
    let before = db.snapshot();
    let dry = db.json(&[
        "person",
        "merge",
        &keep.to_string(),
        &other.to_string(),
        "--dry-run",
    ]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(db.snapshot(), before);
    db.run(&["person", "merge", &keep.to_string(), &other.to_string()])
        .code(1); // no terminal, no --yes
    let out = db.json(&[
        "--yes",
        "person",
        "merge",
        &keep.to_string(),
        &other.to_string(),
    ]);
    assert_eq!(out["kept"], keep);
    assert_eq!(out["merged"], other);
    assert_eq!(out["moved"]["consent_records"], 1);
    assert_eq!(out["moved"]["transactions"], 1);
    assert_eq!(out["moved"]["documents"], 1);
    assert_eq!(out["moved"]["mailings"], 1);
    // The other's later opt-out is now keep's current state: the choice holds.
    let card = db.json(&["person", "show", &keep.to_string()]);
    let nb = card["preferences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["type"] == "nieuwsbrief")
        .unwrap()
        .clone();
    assert_eq!(nb["opt_in"], false);
    assert_eq!(card["phone"], "020-1234567");
    assert_eq!(card["created_at"], "2020-01-01T00:00:00Z");
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM transactions WHERE person_id = {keep}"
        )),
        1
    );
    // A text naming the other alone (keep is "Jan Vries") loses the name.
    assert_eq!(
        db.text("SELECT name FROM contact_moments WHERE id = 2"),
        Some("Brief aan [gewist]".into())
    );
    // The other is erased, and the address (now keep's) is not suppressed.
    let gone = db.json(&["person", "show", &other.to_string()]);
    assert!(gone["anonymised_at"].is_string());
    assert!(gone["email"].is_null());
    assert_eq!(card["suppressed"], false);
    // One audit entry, found for both.
    assert_eq!(
        db.int("SELECT count(*) FROM audit_log WHERE command = 'person merge'"),
        1
    );
    let log = db.json(&["audit", "--person", &other.to_string()]);
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["command"] == "person merge")
    );
    // Bad input changes nothing.
    let snap = db.snapshot();
    db.run(&[
        "--yes",
        "person",
        "merge",
        &keep.to_string(),
        &keep.to_string(),
    ])
    .code(1);
    db.run(&[
        "--yes",
        "person",
        "merge",
        &keep.to_string(),
        &other.to_string(),
    ])
    .code(1);
    db.run(&["--yes", "person", "merge", &keep.to_string(), "999"])
        .code(1);
    assert_eq!(db.snapshot(), snap);
}
