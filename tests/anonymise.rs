#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
use common::{TestDb, stderr, stdout};

const SECRETS: &[&str] = &[
    "Xanthippe",
    "Quibblesworth",
    "xq.unique.7731@example.nl",
    "020-9876543",
    "06-55554444",
    "Zonnebloemstraat",
    "9999 ZZ",
    "Zwammerdam",
    "NL91ABNA0417164300",
    "111222333",
    "1961-07-13",
    "SCHENKINGSAKTE-GEHEIM-8842",
    "Belde op 12 maart, wil geen post",
    "Gift van de familie Quibble",
];

/// A person with distinctive values in every field, a document, a score, free text in
/// the ledger and the bookkeeping; and a few neighbours sharing the same pages.
fn victim(db: &TestDb) -> i64 {
    let f = db.file(
        "p.csv",
        "first_name;infix;last_name;email;phone;mobile;street;house_number;postal_code;city;country;iban;bsn;birth_date\n\
         Xanthippe;van der;Quibblesworth;xq.unique.7731@example.nl;020-9876543;06-55554444;Zonnebloemstraat;12a;9999 ZZ;Zwammerdam;NL;NL91ABNA0417164300;111222333;13-07-1961\n\
         Anna;;Bakker;anna@example.nl;;;Kerkstraat;1;1234 AB;Utrecht;NL;;;\n\
         Kees;;Smit;kees@example.nl;;;Dorpsstraat;2;1234 AC;Utrecht;NL;;;\n",
    );
    db.json(&["import", "persons", f.to_str().unwrap()]);
    let id = db.int("SELECT id FROM persons WHERE email = 'xq.unique.7731@example.nl'");
    db.json(&[
        "subscribe",
        "--person",
        &id.to_string(),
        "--type",
        "direct_mail",
        "--opt-out",
        "--channel",
        "telefonisch",
        "--description",
        "Belde op 12 maart, wil geen post",
    ]);
    db.json(&[
        "subscribe",
        "--person",
        &id.to_string(),
        "--type",
        "profileren",
        "--opt-in",
    ]);
    let t = db.file("t.csv", &format!("person,kind,occurred_at,description,amount\n{id},donation,2026-01-05,Gift van de familie Quibble,250\n"));
    db.json(&["import", "transactions", t.to_str().unwrap()]);
    db.json(&["run-soft-optins"]);
    db.json(&["profile", "run"]);
    db.conn()
        .execute(
            "INSERT INTO documents (person_id, kind, filename, created_at, content) VALUES (?1, 'correspondentie', 'brief.pdf', '2026-01-05T00:00:00Z', ?2)",
            rusqlite::params![id, b"%PDF-1.4 SCHENKINGSAKTE-GEHEIM-8842 ".repeat(300)],
        )
        .unwrap();
    id
}

fn files_of(db: &TestDb) -> Vec<(String, Vec<u8>)> {
    std::fs::read_dir(db.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("crm.sqlite")
        })
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn anonymised_values_are_gone_from_the_file() {
    let db = TestDb::new();
    let id = victim(&db);
    // Before: the values are there (the scan can see them).
    let before = files_of(&db);
    assert!(
        SECRETS
            .iter()
            .all(|s| before.iter().any(|(_, b)| contains(b, s.as_bytes()))),
        "set-up did not store every value"
    );
    // A second connection keeps the file open, like a real second process would not
    // prevent: it is closed before the command runs.
    let out = db.json(&["anonymise", "--person", &id.to_string(), "--yes"]);
    assert_eq!(out["anonymised"], serde_json::json!([id]));
    for (name, bytes) in files_of(&db) {
        for s in SECRETS {
            assert!(!contains(&bytes, s.as_bytes()), "{s:?} still in {name}");
        }
    }
    // The neighbours are untouched.
    assert_eq!(
        db.int(
            "SELECT count(*) FROM persons WHERE email IN ('anna@example.nl', 'kees@example.nl')"
        ),
        2
    );
}

#[test]
fn every_field_is_erased_and_history_and_bookkeeping_stay() {
    let db = TestDb::new();
    let id = victim(&db);
    let records_before = db.int(&format!(
        "SELECT count(*) FROM consent_records WHERE person_id = {id}"
    ));
    db.json(&[
        "anonymise",
        "--person",
        "xq.unique.7731@example.nl",
        "--yes",
    ]);
    let card = db.json(&["person", "show", &id.to_string()]);
    for f in [
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
    ] {
        assert!(card[f].is_null(), "{f} not erased: {}", card[f]);
    }
    assert!(card["anonymised_at"].is_string());
    assert_eq!(card["mailable"], false);
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM documents WHERE person_id = {id}"
        )),
        0
    );
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM scores WHERE person_id = {id}"
        )),
        0
    );
    // The ledger keeps every record, type, time and opt-in; free text is cleared, the
    // rules' generic texts stay.
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM consent_records WHERE person_id = {id}"
        )),
        records_before
    );
    assert_eq!(db.int(&format!("SELECT count(*) FROM consent_records WHERE person_id = {id} AND description = 'Zachte servicemail opt-in'")), 1);
    assert_eq!(db.int(&format!("SELECT count(*) FROM consent_records WHERE person_id = {id} AND channel = 'telefonisch' AND description IS NULL")), 1);
    assert_eq!(
        db.text(&format!(
            "SELECT amount FROM transactions WHERE person_id = {id}"
        ))
        .as_deref(),
        Some("250.00")
    );
    assert!(
        db.text(&format!(
            "SELECT description FROM transactions WHERE person_id = {id}"
        ))
        .is_none()
    );
}

#[test]
fn a_second_time_is_refused_and_changes_nothing() {
    let db = TestDb::new();
    let id = db.person("A", "A", "a@example.nl");
    db.json(&["anonymise", "--person", &id.to_string(), "--yes"]);
    let at = db
        .text(&format!(
            "SELECT anonymised_at FROM persons WHERE id = {id}"
        ))
        .unwrap();
    let before = db.snapshot();
    let out = db
        .run(&["anonymise", "--person", &id.to_string(), "--yes"])
        .code(1);
    let err = stderr(&out);
    assert!(
        err.contains(&format!("already anonymised at {at}")),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1);
    assert_eq!(db.snapshot(), before);
}

#[test]
fn needs_yes_off_a_terminal_and_dry_run_changes_nothing() {
    let db = TestDb::new();
    let id = db.person("A", "A", "a@example.nl");
    let before = db.snapshot();
    db.run(&["anonymise", "--person", &id.to_string()]).code(1);
    let out = db.json(&["anonymise", "--person", &id.to_string(), "--dry-run"]);
    assert_eq!(out["anonymised"], serde_json::json!([id]));
    assert_eq!(db.snapshot(), before);
    db.run(&["anonymise", "--person", "404", "--yes"]).code(1);
    db.run(&["anonymise"]).code(2);
    db.run(&["anonymise", "--person", "1", "--inactive-for", "5y"])
        .code(2);
    // A malformed period is a usage error, caught by clap before any work.
    db.run(&["anonymise", "--inactive-for", "5 jaar", "--yes"])
        .code(2);
    db.run(&["anonymise", "--inactive-for", "5é", "--yes"])
        .code(2);
    assert_eq!(db.snapshot(), before);
}

/// Persons for the retention tests: created long ago unless said otherwise.
fn old_person(db: &TestDb, email: &str, created: &str) -> i64 {
    let id = db.person("P", "P", email);
    db.exec(&format!(
        "UPDATE persons SET created_at = '{created}' WHERE id = {id}"
    ));
    id
}

#[test]
fn retention_sweep_edge_cases() {
    let db = TestDb::new();
    let long_ago = "2015-01-01T00:00:00Z";
    let idle = old_person(&db, "idle@example.nl", long_ago);
    let auto_only = old_person(&db, "auto@example.nl", long_ago);
    let recent_manual = old_person(&db, "manual@example.nl", long_ago);
    let recent_buyer = old_person(&db, "buyer@example.nl", long_ago);
    let new_person = old_person(&db, "new@example.nl", "2025-06-01T00:00:00Z");
    let old_manual = old_person(&db, "oldmanual@example.nl", long_ago);
    // Automatic rule records now do not count as activity.
    db.exec(&format!("INSERT INTO transactions (person_id, kind, occurred_at, amount) VALUES ({auto_only}, 'ticket', '2016-01-01T00:00:00Z', '5.00')"));
    db.json(&["run-soft-optins"]);
    db.json(&[
        "subscribe",
        "--person",
        &recent_manual.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--channel",
        "webformulier",
    ]);
    db.json(&[
        "subscribe",
        "--person",
        &old_manual.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--at",
        "2016-03-01",
    ]);
    db.exec(&format!("INSERT INTO transactions (person_id, kind, occurred_at, amount) VALUES ({recent_buyer}, 'ticket', '2025-01-01T00:00:00Z', '5.00')"));

    let before = db.snapshot();
    let dry = db.json(&["anonymise", "--inactive-for", "5y", "--dry-run"]);
    // The own opt-in of 2016 still stands: an active relation, kept (Round 2).
    let mut expected = vec![idle, auto_only];
    expected.sort();
    assert_eq!(dry["anonymised"], serde_json::json!(expected));
    assert_eq!(db.snapshot(), before, "dry run changed the database");

    let real = db.json(&["anonymise", "--inactive-for", "5y", "--yes"]);
    assert_eq!(real["anonymised"], dry["anonymised"]);
    for id in [recent_manual, recent_buyer, new_person, old_manual] {
        assert!(
            db.text(&format!(
                "SELECT anonymised_at FROM persons WHERE id = {id}"
            ))
            .is_none(),
            "{id} was anonymised"
        );
    }
    for id in &expected {
        assert!(
            db.text(&format!("SELECT email FROM persons WHERE id = {id}"))
                .is_none()
        );
    }
    // A second sweep finds nobody; the audit log has the ids, not the data.
    assert_eq!(
        db.json(&["anonymise", "--inactive-for", "5y", "--yes"])["anonymised"],
        serde_json::json!([])
    );
    let log = db.json(&["audit", "--person", &idle.to_string()]);
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["command"] == "anonymise --inactive-for")
    );
    let details = db
        .text("SELECT group_concat(details, '|') FROM audit_log")
        .unwrap();
    assert!(!details.contains("example.nl"));
}

#[test]
fn retention_sweep_on_a_demo_database_erases_bytes_too() {
    let db = TestDb::demo(1500);
    let emails: Vec<String> = {
        let conn = db.conn();
        let mut stmt = conn
            .prepare(
                "SELECT email FROM persons p WHERE email_valid AND created_at < '2019-01-01'
                 AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.person_id = p.id AND t.occurred_at >= '2020-01-01')
                 AND NOT EXISTS (SELECT 1 FROM consent_records r WHERE r.person_id = p.id AND r.recorded_at >= '2020-01-01')
                 AND NOT EXISTS (SELECT 1 FROM consent_current c WHERE c.person_id = p.id AND c.opt_in = 1 AND c.source <> 'rule')",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert!(
        emails.len() > 20,
        "demo has too few dormant persons: {}",
        emails.len()
    );
    let out = db.json(&["anonymise", "--inactive-for", "5y", "--yes"]);
    assert!(out["anonymised"].as_array().unwrap().len() >= emails.len());
    let files = files_of(&db);
    for e in emails.iter().take(50) {
        assert!(
            files.iter().all(|(_, b)| !contains(b, e.as_bytes())),
            "{e} still in the files"
        );
    }
}

#[test]
fn every_personal_column_of_persons_is_erased() {
    // A column added to persons later must be erased or consciously kept here.
    let kept = [
        "id",
        "deceased",
        "bouncer",
        "created_at",
        "anonymised_at",
        "email_valid",
        // Dates without content: when the person objected or was restricted, and until
        // when data under a legal retention is held.
        "objected_at",
        "restricted_at",
        "legal_hold_until",
    ];
    let db = TestDb::new();
    let conn = db.conn();
    let cols: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_xinfo('persons')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for c in cols {
        assert!(
            kept.contains(&c.as_str())
                || smp_avg::db::anonymise::ERASED_FIELDS.contains(&c.as_str()),
            "persons.{c} is neither erased nor kept on purpose"
        );
    }
}

// ---- Round 2: the active relation, legal holds, the proof, no mass erasure by mistake ----

fn deed(db: &TestDb, person: i64, kind: &str, date: &str, text: &str) -> i64 {
    let f = db.file("akte.pdf", text);
    let out = db.json(&[
        "document",
        "add",
        &person.to_string(),
        f.to_str().unwrap(),
        "--kind",
        kind,
        "--date",
        date,
    ]);
    out["id"].as_i64().unwrap()
}

fn years_ago(n: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::days(365 * n + n / 4 + 2))
        .format("%Y-%m-%d")
        .to_string()
}

#[test]
fn a_subscriber_with_a_standing_own_opt_in_from_six_years_ago_is_kept() {
    let db = TestDb::new();
    let reader = old_person(&db, "lezer@example.nl", "2016-01-01T00:00:00Z");
    let gone = old_person(&db, "weg@example.nl", "2016-01-01T00:00:00Z");
    let six = years_ago(6);
    for id in [reader, gone] {
        db.run(&[
            "subscribe",
            "--person",
            &id.to_string(),
            "--type",
            "nieuwsbrief",
            "--opt-in",
            "--channel",
            "webformulier",
            "--at",
            &six,
        ])
        .success();
    }
    // The other one opted out again, seven years ago... no: five and a half years ago.
    db.run(&[
        "subscribe",
        "--person",
        &gone.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-out",
        "--channel",
        "webformulier",
        "--at",
        &years_ago(6),
    ])
    .success();
    let out = db.json(&["anonymise", "--inactive-for", "5y", "--dry-run"]);
    assert_eq!(out["anonymised"], serde_json::json!([gone]));
    // The dry run says why, per person.
    let csv = db
        .run(&[
            "anonymise",
            "--inactive-for",
            "5y",
            "--dry-run",
            "--format",
            "csv",
        ])
        .success();
    let text = stdout(&csv);
    assert!(
        text.starts_with("person_id,name,email,last_activity,last_activity_kind,erased,held\n"),
        "{text}"
    );
    assert!(
        text.contains("weg@example.nl") && text.contains("own_consent_record"),
        "{text}"
    );
    assert!(!text.contains("lezer@example.nl"));
    // Without a value, --inactive-for uses the marketing retention period.
    db.run(&["retention", "set", "marketing", "10y"]).success();
    assert_eq!(
        db.json(&["anonymise", "--inactive-for", "--dry-run"])["anonymised"],
        serde_json::json!([])
    );
}

#[test]
fn a_deed_of_three_years_ago_is_held_and_erased_when_its_hold_ends() {
    let db = TestDb::new();
    let donor = old_person(&db, "donor@example.nl", "2015-01-01T00:00:00Z");
    let held = deed(
        &db,
        donor,
        "schenkingsakte",
        &years_ago(3),
        "AKTE-DONOR-7712 periodieke gift",
    );
    let letter = deed(
        &db,
        donor,
        "correspondentie",
        &years_ago(3),
        "BRIEF-DONOR-7712",
    );
    // The document itself is no activity: the sweep takes the person.
    let out = db.json(&["--yes", "anonymise", "--inactive-for", "2y"]);
    assert_eq!(out["anonymised"], serde_json::json!([donor]));
    assert_eq!(out["verified"], true);
    let until = out["held"][0]["until"].as_str().unwrap().to_string();
    assert_eq!(
        out["held"],
        serde_json::json!([{"person_id": donor, "document_id": held, "kind": "schenkingsakte", "until": until}])
    );
    assert!(until > chrono::Utc::now().format("%Y-%m-%d").to_string());
    let card = db.json(&["person", "show", &donor.to_string()]);
    assert_eq!(card["legal_hold_until"], until.as_str());
    assert_eq!(card["restricted"], true);
    assert!(
        card["not_mailable_because"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("legal_hold"))
    );
    // The deed is kept (its bytes), under a name that names no one; the letter is gone.
    let docs = db.json(&["document", "list", &donor.to_string()]);
    assert_eq!(docs.as_array().unwrap().len(), 1);
    assert_eq!(docs[0]["filename"], format!("schenkingsakte-{held}.pdf"));
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM documents WHERE id = {letter}"
        )),
        0
    );
    // It cannot be removed by hand while held.
    let a = db
        .run(&[
            "document",
            "remove",
            &held.to_string(),
            "--description",
            "opruimen",
        ])
        .code(1);
    assert!(stderr(&a).contains("must be kept until"), "{}", stderr(&a));
    // Later: the hold has ended (the deed is now eight years old): the next sweep erases it.
    db.exec(&format!(
        "UPDATE documents SET document_date = '{}' WHERE id = {held}",
        years_ago(8)
    ));
    let later = db.json(&["--yes", "anonymise", "--inactive-for", "2y"]);
    assert_eq!(later["held_documents_released"], 1);
    assert_eq!(
        db.int(&format!("SELECT count(*) FROM documents WHERE id = {held}")),
        0
    );
    let card = db.json(&["person", "show", &donor.to_string()]);
    assert!(card["legal_hold_until"].is_null());
    let files = files_of(&db);
    assert!(
        files.iter().all(|(_, b)| !contains(b, b"AKTE-DONOR-7712")),
        "the deed's bytes are gone"
    );
}

#[test]
fn a_person_specific_channel_text_is_gone_and_the_byte_scan_proves_it() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan.vries.4471@example.nl");
    db.run(&[
        "subscribe",
        "--person",
        &id.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-out",
        "--channel",
        "telefoon, gesproken met Jan 0612349876",
    ])
    .success();
    // His name in a saved query, a mailing's name and the register.
    db.run(&[
        "query",
        "save",
        "SMP - 20261201 - Selectie - Jan",
        "--sql",
        "SELECT id FROM persons WHERE email = 'jan.vries.4471@example.nl'",
    ])
    .success();
    db.exec("INSERT INTO contact_moments (name, sent_at, channel) VALUES ('Brief aan Jan Vries over zijn gift', '2026-01-01T00:00:00Z', 'brief')");
    let out = db.json(&["--yes", "anonymise", "--person", &id.to_string()]);
    assert_eq!(out["anonymised"], serde_json::json!([id]));
    assert_eq!(out["held"], serde_json::json!([]));
    assert_eq!(out["verified"], true);
    assert!(out["erased_values_checked"].as_u64().unwrap() >= 2);
    assert!(out["texts_redacted"].as_u64().unwrap() >= 2);
    assert_eq!(
        db.text("SELECT channel FROM consent_records WHERE person_id = 1")
            .as_deref(),
        Some("gewist")
    );
    assert_eq!(
        db.text("SELECT name FROM contact_moments WHERE channel = 'brief'")
            .as_deref(),
        Some("Brief aan [gewist] over zijn gift")
    );
    assert!(
        !db.text("SELECT sql FROM saved_queries WHERE name LIKE '%Jan'")
            .unwrap()
            .contains("jan.vries")
    );
    for (name, bytes) in files_of(&db) {
        for s in [
            "0612349876",
            "jan.vries.4471@example.nl",
            "Brief aan Jan Vries",
        ] {
            assert!(!contains(&bytes, s.as_bytes()), "{s} still in {name}");
        }
    }
    // The chain still verifies, and the audit log cannot be deleted in the shell.
    db.run(&["verify"]).success();
    assert!(db.conn().execute_batch("DELETE FROM audit_log").is_err());
    // The table says it in words.
    let id2 = db.person("Kees", "Smit", "kees.smit.9931@example.nl");
    let t = db
        .run(&["--yes", "anonymise", "--person", &id2.to_string()])
        .success();
    assert!(stdout(&t).contains("verified: none of"), "{}", stdout(&t));
}

#[test]
fn a_typo_cannot_erase_everyone() {
    let db = TestDb::new();
    for i in 0..60 {
        old_person(&db, &format!("p{i}@example.nl"), "2015-01-01T00:00:00Z");
    }
    let before = db.snapshot();
    // 5d meant as 5y.
    let a = db
        .run(&["--yes", "anonymise", "--inactive-for", "5d"])
        .code(1);
    assert!(stderr(&a).contains("less than a year"), "{}", stderr(&a));
    // A share above 10% of the persons stops the run before it writes anything…
    let a = db
        .run(&["--yes", "anonymise", "--inactive-for", "5y"])
        .code(1);
    assert!(
        stderr(&a).contains("60 of 60") && stderr(&a).contains("--max-share"),
        "{}",
        stderr(&a)
    );
    assert_eq!(db.snapshot(), before);
    // … a dry run lists them with a warning …
    let out = db
        .cmd()
        .args([
            "anonymise",
            "--inactive-for",
            "5y",
            "--dry-run",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("more than the 10%"));
    // … and --max-share allows it, as does a larger setting.
    db.run(&[
        "--yes",
        "anonymise",
        "--inactive-for",
        "9d",
        "--allow-short-period",
        "--max-share",
        "100",
        "--dry-run",
    ])
    .success();
    db.run(&["settings", "set", "sweep.max_share", "100"])
        .success();
    assert_eq!(
        db.json(&["--yes", "anonymise", "--inactive-for", "5y"])["anonymised"]
            .as_array()
            .unwrap()
            .len(),
        60
    );
}

#[test]
fn a_value_the_organisation_itself_holds_in_its_settings_is_no_false_alarm() {
    // The organisation's contact person is in the CRM with the organisation's phone:
    // erasing her leaves the setting, which is the organisation's, not hers.
    let db = TestDb::new();
    let id = db.person("Ellen", "Jansen", "ellen@example.nl");
    db.exec(&format!(
        "UPDATE persons SET phone = '020-5551234' WHERE id = {id}"
    ));
    db.run(&["settings", "set", "organisation.phone", "020-5551234"])
        .success();
    let out = db.json(&["anonymise", "--person", &id.to_string(), "--yes"]);
    assert_eq!(out["verified"], true, "{out}");
    assert_eq!(out["values_in_settings"], 1);
    assert!(
        db.text(&format!("SELECT phone FROM persons WHERE id = {id}"))
            .is_none()
    );
    assert_eq!(
        db.text("SELECT value FROM settings WHERE key = 'organisation.phone'")
            .unwrap(),
        "020-5551234"
    );
}

/// The sweep waits for an open request (it must be answered first), answers an open
/// erasure request, lets a bouncer or a deceased person with a standing opt-in go, and
/// names no one in the listing of a real run.
#[test]
fn the_sweep_waits_for_open_requests_answers_erasure_and_lets_bouncers_go() {
    let db = TestDb::new();
    let asked = old_person(&db, "inzage@example.nl", "2015-01-01T00:00:00Z");
    let erase = old_person(&db, "wisen@example.nl", "2015-01-01T00:00:00Z");
    let bouncer = old_person(&db, "bounce@example.nl", "2015-01-01T00:00:00Z");
    let dead = old_person(&db, "overleden@example.nl", "2015-01-01T00:00:00Z");
    let reader = old_person(&db, "lezer@example.nl", "2015-01-01T00:00:00Z");
    for id in [bouncer, dead, reader] {
        db.exec(&format!(
            "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, source)
             VALUES ('2016-01-01T00:00:00Z', {id}, 'nieuwsbrief', 1, 'webformulier', 'person')"
        ));
    }
    db.exec(&format!(
        "UPDATE persons SET bouncer = 1 WHERE id = {bouncer}; UPDATE persons SET deceased = 1 WHERE id = {dead}"
    ));
    for (id, kind) in [(asked, "access"), (erase, "erasure")] {
        db.run(&[
            "request",
            "open",
            "--person",
            &id.to_string(),
            "--kind",
            kind,
        ])
        .success();
    }
    let out = db.json(&[
        "--yes",
        "anonymise",
        "--inactive-for",
        "5y",
        "--max-share",
        "100",
    ]);
    let mut gone: Vec<i64> = out["anonymised"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    gone.sort();
    assert_eq!(gone, vec![erase, bouncer, dead], "{out}");
    assert_eq!(out["verified"], true);
    // The erasure request is answered by the sweep; the access request still waits.
    assert_eq!(
        db.text(&format!(
            "SELECT outcome FROM requests WHERE person_id = {erase}"
        ))
        .as_deref(),
        Some("answered")
    );
    assert!(
        db.text(&format!(
            "SELECT outcome FROM requests WHERE person_id = {asked}"
        ))
        .is_none()
    );
    // A real run's listing names no one (terminals, logs, cron's mail).
    let db2 = TestDb::new();
    old_person(&db2, "oud@example.nl", "2015-01-01T00:00:00Z");
    let table = stdout(
        &db2.run(&[
            "--yes",
            "anonymise",
            "--inactive-for",
            "5y",
            "--max-share",
            "100",
        ])
        .success(),
    );
    assert!(!table.contains("oud@example.nl"), "{table}");
    assert!(table.contains("verified"), "{table}");
}

/// What others' records say of the erased person goes too: a consent record's words
/// (the ledger keeps the rest and still verifies), a request's note, a restriction's
/// reason, a transaction's description, a suppression's description with the street.
#[test]
fn the_erased_persons_name_goes_from_other_persons_records_too() {
    let db = TestDb::new();
    let mirjam = db.person("Mirjam", "Peters", "mirjam.peters@example.nl");
    db.exec(&format!(
        "UPDATE persons SET street = 'Schoolstraat', house_number = '182', mobile = '0612349876' WHERE id = {mirjam}"
    ));
    let dochter = db.person("Eva", "Peters", "eva@example.nl");
    let buur = db.person("Kees", "Buur", "kees@example.nl");
    let d = dochter.to_string();
    let b = buur.to_string();
    db.run(&[
        "subscribe",
        "--person",
        &d,
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--channel",
        "telefonisch",
        "--source",
        "person",
        "--description",
        "Dochter van Mirjam Peters, Schoolstraat 182, belt namens haar moeder",
    ])
    .success();
    db.run(&[
        "request",
        "open",
        "--person",
        &b,
        "--kind",
        "access",
        "--note",
        "Buurman van Mirjam Peters belde",
    ])
    .success();
    db.run(&[
        "person",
        "restrict",
        &b,
        "--reason",
        "Klacht van Mirjam Peters (0612349876)",
    ])
    .success();
    db.run(&[
        "suppression",
        "add",
        "iemand@example.nl",
        "--reason",
        "manual",
        "--description",
        "Op verzoek van Mirjam Peters, Schoolstraat 182",
    ])
    .success();
    db.exec(&format!(
        "INSERT INTO transactions (person_id, kind, occurred_at, description, amount)
         VALUES ({dochter}, 'ticket', '2026-11-01T00:00:00Z', 'Kaartje meegenomen door Mirjam Peters', '10.00')"
    ));
    let out = db.json(&["anonymise", "--person", &mirjam.to_string(), "--yes"]);
    assert_eq!(out["verified"], true, "{out}");
    for (name, bytes) in files_of(&db) {
        for s in [
            "Mirjam Peters",
            "Schoolstraat 182",
            "0612349876",
            "mirjam.peters@example.nl",
        ] {
            assert!(!contains(&bytes, s.as_bytes()), "{s:?} still in {name}");
        }
    }
    // The other person's own words stay, with the erased name replaced.
    let said = db
        .text(&format!(
            "SELECT description FROM consent_records WHERE person_id = {dochter}"
        ))
        .unwrap();
    assert!(said.starts_with("Dochter van [gewist]"), "{said}");
    assert!(said.ends_with("belt namens haar moeder"), "{said}");
    // The audit entry lists the ledger record whose text changed; the ledger verifies.
    let details = db
        .text("SELECT details FROM audit_log WHERE command = 'anonymise --person'")
        .unwrap();
    let record = db.int(&format!(
        "SELECT id FROM consent_records WHERE person_id = {dochter}"
    ));
    assert!(
        details.contains(&format!("\"ledger_records_redacted\":[{record}]")),
        "{details}"
    );
    db.run(&["verify"]).success();
    // Eva still gets the newsletter: her opt-in is hers, whatever its words.
    assert_eq!(
        db.json(&["query", "audience", "--type", "nieuwsbrief"])[0]["person_id"],
        dochter
    );
}

/// The values are looked for while the erasure runs, on the rows as they were: the
/// erased person's own texts that name them are cleared or renamed by the erasure, and
/// must not come back as a redacted copy afterwards; another person's text is redacted.
#[test]
fn the_erased_persons_own_texts_stay_cleared_while_others_are_redacted() {
    let db = TestDb::new();
    let mirjam = db.person("Mirjam", "Peters", "mirjam.peters@example.nl");
    let eva = db.person("Eva", "Jansen", "eva@example.nl");
    db.exec(&format!(
        "INSERT INTO transactions (person_id, kind, occurred_at, description, amount) VALUES
             ({mirjam}, 'donation', '2026-11-01T00:00:00Z', 'Gift van Mirjam Peters', '10.00'),
             ({eva}, 'ticket', '2026-11-01T00:00:00Z', 'Kaartje voor Mirjam Peters', '10.00')"
    ));
    let held = deed(
        &db,
        mirjam,
        "schenkingsakte",
        &years_ago(2),
        "%PDF-1.4 akte",
    );
    db.exec(&format!(
        "UPDATE documents SET filename = 'Akte Mirjam Peters.pdf' WHERE id = {held}"
    ));
    let out = db.json(&["anonymise", "--person", &mirjam.to_string(), "--yes"]);
    assert_eq!(out["verified"], true, "{out}");
    assert_eq!(
        db.text(&format!(
            "SELECT description FROM transactions WHERE person_id = {mirjam}"
        )),
        None
    );
    assert_eq!(
        db.text(&format!("SELECT filename FROM documents WHERE id = {held}")),
        Some(format!("schenkingsakte-{held}.pdf"))
    );
    assert_eq!(
        db.text(&format!(
            "SELECT description FROM transactions WHERE person_id = {eva}"
        )),
        Some("Kaartje voor [gewist]".into())
    );
    assert_eq!(out["texts_redacted"], 1, "{out}");
}

/// SQLite stores a row's texts one after the other, and digits of one person's fields
/// can spell another person's erased number. The proof allows what a person's row
/// spells: a free text that is a number (read again in every row), a BSN in the row of
/// a person who stays with a restriction (a row read again after the commit); and
/// still finds the same number in a text no person's row explains.
#[test]
fn numbers_spelled_by_other_persons_rows_are_no_finding_elsewhere_they_are() {
    let db = TestDb::new();
    let erased = db.person("Mirjam", "Peters", "mirjam.peters@example.nl");
    let restricted = db.person("Anna", "Smit", "anna@example.nl");
    db.exec(&format!(
        "UPDATE persons SET bsn = '209733020' WHERE id = {erased};
         UPDATE persons SET iban = 'NL08RABO0209733020' WHERE id = {restricted};"
    ));
    db.run(&[
        "person",
        "restrict",
        &restricted.to_string(),
        "--reason",
        "Bezwaar tegen verwerking",
    ])
    .success();
    let out = db.json(&["anonymise", "--person", &erased.to_string(), "--yes"]);
    assert_eq!(out["verified"], true, "{out}");
    // A free text that is a number, spelled by a mobile of a person who stays.
    let erased = db.person("Joop", "Klaassen", "joop@example.nl");
    let stays = db.person("Kees", "Buur", "kees@example.nl");
    db.exec(&format!(
        "UPDATE persons SET mobile = '0620231187' WHERE id = {stays};
         INSERT INTO transactions (person_id, kind, occurred_at, description, amount)
             VALUES ({erased}, 'donation', '2026-11-01T00:00:00Z', '20231187', '10.00')"
    ));
    let out = db.json(&["anonymise", "--person", &erased.to_string(), "--yes"]);
    assert_eq!(out["verified"], true, "{out}");
    // The same number in a text of no one's: found.
    let again = db.person("Eva", "Jansen", "eva@example.nl");
    db.exec(&format!(
        "UPDATE persons SET bsn = '123456782' WHERE id = {again};
         INSERT INTO contact_moments (name, sent_at, channel) VALUES ('lijst 3123456782', '2026-01-01T00:00:00Z', 'brief');"
    ));
    db.run(&["anonymise", "--person", &again.to_string(), "--yes"])
        .code(3);
}

/// A real sweep's JSON lists the persons it erased, as its table does (ids and last
/// activity; their names and addresses are gone).
/// The persons a sweep's JSON lists: id, name, address, last activity and its kind.
fn listed(out: &serde_json::Value) -> Vec<(i64, String, Option<String>, String, String)> {
    out["persons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["person_id"].as_i64().unwrap(),
                p["name"].as_str().unwrap().to_string(),
                p["email"].as_str().map(str::to_string),
                p["last_activity"].as_str().unwrap().to_string(),
                p["last_activity_kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_real_sweeps_json_lists_whom_it_erased_without_their_names() {
    let db = TestDb::new();
    let a = old_person(&db, "a@example.nl", "2015-01-01T00:00:00Z");
    let b = old_person(&db, "b@example.nl", "2015-01-01T00:00:00Z");
    let out = db.json(&["--yes", "anonymise", "--inactive-for", "5y"]);
    let listed: Vec<(i64, String)> = listed(&out)
        .into_iter()
        .map(|(id, name, ..)| (id, name))
        .collect();
    assert_eq!(
        listed,
        vec![(a, String::new()), (b, String::new())],
        "{out}"
    );
}

/// Another process reading the database keeps the write-ahead log from being
/// truncated: the erasure waits a few seconds (not the minute a writer waits), and
/// says where the erased values still are.
#[test]
fn a_reader_holding_the_log_gets_a_short_wait_and_the_true_reason() {
    let db = TestDb::new();
    let p = db.person("Mirjam", "Peters", "mirjam.peters@example.nl");
    let reader = db.conn();
    reader
        .execute_batch("BEGIN; SELECT count(*) FROM persons;")
        .unwrap();
    let started = std::time::Instant::now();
    let out = db
        .run(&["--yes", "anonymise", "--person", &p.to_string()])
        .code(3);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    let err = stderr(&out);
    assert!(err.contains("-wal"), "{err}");
    assert!(!err.contains("VACUUM"), "{err}");
    reader.execute_batch("COMMIT;").unwrap();
}

/// Erasing one member of a family that shares an address does not suppress the
/// address the others still hold.
#[test]
fn erasing_one_of_a_family_leaves_the_shared_address_mailable() {
    let db = TestDb::new();
    let a = db.person("Rozemarijn", "Kwak", "fam@example.nl");
    let b = db.person("Bart", "Kwak", "fam@example.nl");
    db.run(&[
        "subscribe",
        "--person",
        &b.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--channel",
        "webformulier",
        "--description",
        "Formulier F-1",
    ])
    .success();
    let out = db.json(&["anonymise", "--person", &a.to_string(), "--yes"]);
    assert_eq!(out["verified"], true, "{out}");
    assert_eq!(
        db.int("SELECT count(*) FROM suppressions WHERE reason = 'erased'"),
        0
    );
    assert_eq!(
        db.json(&["query", "audience", "--type", "nieuwsbrief"])[0]["person_id"],
        b
    );
    // Alone, the address is suppressed as erased.
    let c = db.person("Solo", "Een", "solo@example.nl");
    db.json(&["anonymise", "--person", &c.to_string(), "--yes"]);
    assert_eq!(
        db.int("SELECT count(*) FROM suppressions WHERE reason = 'erased'"),
        1
    );
}

/// A real sweep's table stops after 100 rows and says how many more (it names no one
/// anyway); the dry run lists everyone for the operator to check.
#[test]
fn a_big_sweeps_table_says_how_many_more() {
    let db = TestDb::new();
    db.exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150)
         INSERT INTO persons (first_name, email, created_at)
         SELECT 'Oud', 'oud' || i || '@example.nl', '2015-01-01T00:00:00Z' FROM n",
    );
    let rows = |out: &str| {
        out.lines()
            .filter(|l| l.contains("would be erased"))
            .count()
    };
    let dry = stdout(
        &db.cmd()
            .env("COLUMNS", "200")
            .args([
                "anonymise",
                "--inactive-for",
                "5y",
                "--max-share",
                "100",
                "--dry-run",
            ])
            .assert()
            .success(),
    );
    assert_eq!(rows(&dry), 150, "{dry}");
    let real = stdout(
        &db.cmd()
            .env("COLUMNS", "200")
            .args([
                "--yes",
                "anonymise",
                "--inactive-for",
                "5y",
                "--max-share",
                "100",
            ])
            .assert()
            .success(),
    );
    assert!(real.contains("and 50 more persons erased"), "{real}");
    assert_eq!(
        real.lines().filter(|l| l.contains("┆ created ")).count(),
        100,
        "{real}"
    );
}

/// A sweep's dry run names whom it would erase, each with their own name, address and
/// last activity (read again after the dry run rolled back), and changes nothing.
#[test]
fn a_dry_sweeps_json_names_each_person_with_their_own_details() {
    let db = TestDb::new();
    let a = old_person(&db, "a@example.nl", "2015-01-01T00:00:00Z");
    let b = old_person(&db, "b@example.nl", "2016-02-03T04:05:06Z");
    let c = old_person(&db, "c@example.nl", "2015-01-01T00:00:00Z");
    db.exec(&format!(
        "UPDATE persons SET first_name = 'Jan', infix = 'de', last_name = 'Vries' WHERE id = {a};
         UPDATE persons SET first_name = 'Zoë', last_name = NULL, email = NULL WHERE id = {b};
         INSERT INTO transactions (person_id, kind, occurred_at, amount) VALUES ({c}, 'ticket', '2017-05-06T00:00:00Z', '5.00');"
    ));
    let before = db.snapshot();
    let out = db.json(&["anonymise", "--inactive-for", "5y", "--dry-run"]);
    assert_eq!(db.snapshot(), before);
    let listed = listed(&out);
    let person = |id, name: &str, email: Option<&str>, at: &str, kind: &str| {
        (
            id,
            name.to_string(),
            email.map(str::to_string),
            at.to_string(),
            kind.to_string(),
        )
    };
    assert_eq!(
        listed,
        vec![
            person(
                a,
                "Jan de Vries",
                Some("a@example.nl"),
                "2015-01-01T00:00:00Z",
                "created"
            ),
            person(b, "Zoë", None, "2016-02-03T04:05:06Z", "created"),
            person(
                c,
                "P P",
                Some("c@example.nl"),
                "2017-05-06T00:00:00Z",
                "transaction"
            ),
        ],
        "{out}"
    );
    assert_eq!(out["anonymised"], serde_json::json!([a, b, c]));
}

/// A legal hold ends on a day of the organisation's clock: erasing a person whose
/// document is held until the later of today's dates (there and in UTC) keeps the
/// document only where that day has not yet come on the organisation's clock.
#[test]
fn a_legal_hold_ends_on_a_day_of_the_organisations_clock() {
    let db = TestDb::new();
    let (zone, today, utc_today) = common::zone_off_the_utc_day();
    db.run(&["settings", "set", "timezone", zone]).success();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    let until = today.max(utc_today);
    common::document_held_until(&db, id, until);
    let out = db.json(&["--yes", "anonymise", "--person", &id.to_string()]);
    assert_eq!(out["anonymised"], serde_json::json!([id]));
    let held = today < until;
    assert_eq!(
        out["held"].as_array().unwrap().len(),
        usize::from(held),
        "{zone}: {out}"
    );
    assert_eq!(
        db.int("SELECT count(*) FROM documents"),
        i64::from(held),
        "{zone}"
    );
}
