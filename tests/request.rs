#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `request open|extend|close|list`: data-subject requests with the deadline of Art. 12(3)
//! GDPR, closed by the command that answers them.
mod common;
use chrono::{Days, Months, NaiveDate, Utc};
use common::{TestDb, stderr};
use serde_json::Value;

fn open(db: &TestDb, person: i64, kind: &str, received: &str) -> Value {
    db.json(&[
        "request",
        "open",
        "--person",
        &person.to_string(),
        "--kind",
        kind,
        "--received",
        received,
    ])
}

fn list(db: &TestDb, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["request", "list"];
    all.extend_from_slice(args);
    db.json(&all).as_array().unwrap().clone()
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The date `n` days ago: requests received then are not due yet (for n < 28).
fn ago(n: u64) -> String {
    day(Utc::now()
        .date_naive()
        .checked_sub_days(Days::new(n))
        .unwrap())
}

#[test]
fn a_request_is_due_one_calendar_month_after_receipt_on_the_months_last_day_at_most() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    let out = open(&db, p, "access", "2026-01-31");
    for key in ["id", "person_id", "kind", "received_at", "due_at"] {
        assert!(out.get(key).is_some(), "{key}");
    }
    assert_eq!(out["received_at"], "2026-01-31T00:00:00Z");
    assert_eq!(out["due_at"], "2026-02-28");
    // A leap year: 29 February.
    assert_eq!(
        open(&db, p, "erasure", "31-01-2024")["due_at"],
        "2024-02-29"
    );
    assert_eq!(
        open(&db, p, "objection", "2026-03-31")["due_at"],
        "2026-04-30"
    );
    assert_eq!(
        open(&db, p, "portability", "2026-06-15T23:30:00+02:00")["due_at"],
        "2026-07-15"
    );
    assert_eq!(
        db.text("SELECT group_concat(due_at, ' ') FROM (SELECT due_at FROM requests ORDER BY id)")
            .unwrap(),
        "2026-02-28 2024-02-29 2026-04-30 2026-07-15"
    );
    // Without --received it is received now.
    // Received today on the organisation's clock: from 23:00 UTC in winter that is
    // already tomorrow in Amsterdam (one reading of the clock for both).
    let received = Utc::now();
    let now = open(&db, p, "rectification", &received.to_rfc3339());
    let today = received
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .date_naive();
    assert_eq!(
        now["due_at"],
        day(today.checked_add_months(Months::new(1)).unwrap())
    );
    // The audit log knows, with ids only.
    assert_eq!(
        db.int("SELECT count(*) FROM audit_log WHERE command = 'request open'"),
        5
    );
}

#[test]
fn an_extension_of_at_most_two_months_counts_from_receipt() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    let received = Utc::now()
        .date_naive()
        .checked_sub_days(Days::new(3))
        .unwrap();
    let id = open(&db, p, "access", &day(received))["id"]
        .as_i64()
        .unwrap();
    let id = id.to_string();
    let once = db.json(&[
        "request",
        "extend",
        &id,
        "--months",
        "1",
        "--reason",
        "Veel documenten",
    ]);
    assert_eq!(
        once["due_at"],
        day(received.checked_add_months(Months::new(1)).unwrap())
    );
    assert_eq!(
        once["extended_to"],
        day(received.checked_add_months(Months::new(2)).unwrap())
    );
    assert_eq!(once["status"], "open");
    let twice = db.json(&[
        "request",
        "extend",
        &id,
        "--months",
        "1",
        "--reason",
        "Nog meer documenten",
    ]);
    assert_eq!(
        twice["extended_to"],
        day(received.checked_add_months(Months::new(3)).unwrap())
    );
    assert_eq!(twice["extended_months"], 2);
    // A third month is refused (Art. 12(3): two further months at most).
    let before = db.snapshot();
    let out = db
        .run(&["request", "extend", &id, "--months", "1", "--reason", "x"])
        .code(1);
    assert!(
        stderr(&out).contains("at most 2 months"),
        "{}",
        stderr(&out)
    );
    assert_eq!(db.snapshot(), before);
    // The list shows the deadline that holds.
    let rows = list(&db, &[]);
    assert_eq!(rows[0]["extended_to"], twice["extended_to"]);
}

#[test]
fn an_extension_after_the_first_month_is_refused() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    open(&db, p, "access", "2026-01-31");
    let before = db.snapshot();
    let out = db
        .run(&[
            "request", "extend", "1", "--months", "2", "--reason", "Te laat",
        ])
        .code(1);
    assert!(stderr(&out).contains("2026-02-28"), "{}", stderr(&out));
    assert_eq!(db.snapshot(), before);
}

#[test]
fn an_overdue_request_makes_list_overdue_exit_3_for_cron() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    let q = db.person("Piet", "Bakker", "piet@example.nl");
    let late = open(&db, p, "access", "2026-01-31")["id"].clone();
    open(&db, q, "erasure", &Utc::now().to_rfc3339());
    // Nothing overdue among q's requests; the whole list is exit 0.
    db.run(&["request", "list"]).success();
    let out = db
        .cmd()
        .args(["request", "list", "--overdue", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["id"], late);
    assert_eq!(rows[0]["status"], "overdue");
    for key in [
        "id",
        "person_id",
        "kind",
        "received_at",
        "due_at",
        "extended_to",
        "closed_at",
        "answered_by",
        "status",
    ] {
        assert!(rows[0].get(key).is_some(), "{key}");
    }
    db.run(&["request", "list", "--overdue", "--quiet"]).code(3);
    // --person and --open narrow the list.
    assert_eq!(list(&db, &["--person", "piet@example.nl"]).len(), 1);
    assert_eq!(list(&db, &["--open"]).len(), 2);
    // Once it is closed (here: refused), nothing is overdue any more.
    db.json(&[
        "request",
        "close",
        &late.to_string(),
        "--reason",
        "Niet te identificeren",
    ]);
    db.run(&["request", "list", "--overdue"]).code(0);
    let rows = list(&db, &["--person", &p.to_string()]);
    assert_eq!(rows[0]["status"], "refused");
    assert_eq!(rows[0]["late"], true);
    assert_eq!(rows[0]["refusal_reason"], "Niet te identificeren");
    assert!(rows[0]["answered_by"].is_null());
    assert_eq!(list(&db, &["--open"]).len(), 1);
}

/// Which audit entry closed request `id`, and its command.
fn answered_by(db: &TestDb, id: i64) -> Option<String> {
    db.text(&format!(
        "SELECT (SELECT a.command FROM requests r JOIN audit_log a ON a.id = r.answered_by WHERE r.id = {id} AND r.outcome = 'answered')"
    ))
}

#[test]
fn the_answering_command_closes_the_persons_oldest_open_request_of_its_kind() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    let other = db.person("Piet", "Bakker", "piet@example.nl");
    let id = |v: Value| v["id"].as_i64().unwrap();
    let newer_access = id(open(&db, p, "access", &ago(11)));
    let older_access = id(open(&db, p, "access", &ago(21)));
    let portability = id(open(&db, p, "portability", &ago(10)));
    let objection = id(open(&db, p, "objection", &ago(19)));
    let rectification = id(open(&db, p, "rectification", &ago(19)));
    let restriction = id(open(&db, p, "restriction", &ago(19)));
    let erasure = id(open(&db, p, "erasure", &ago(18)));
    let others_access = id(open(&db, other, "access", &ago(27)));

    // The JSON export (Art. 20) answers portability only.
    db.run(&["export-pdf", "--person", &p.to_string(), "--format", "json"])
        .success();
    assert_eq!(
        answered_by(&db, portability).as_deref(),
        Some("export-pdf --format json")
    );
    assert_eq!(answered_by(&db, older_access), None);
    assert_eq!(answered_by(&db, others_access), None);
    // A draft answers nothing.
    let pdf = db.dir.path().join("inzage.pdf");
    let pdf_args = [
        "export-pdf",
        "--person",
        &p.to_string(),
        "--out",
        pdf.to_str().unwrap(),
    ];
    db.run(&[&pdf_args[..], &["--draft"]].concat()).success();
    assert_eq!(answered_by(&db, older_access), None);
    assert_eq!(answered_by(&db, newer_access), None);
    // The PDF (Art. 15) answers the oldest open access request.
    for (k, v) in [
        ("organisation.name", "Theater De Kroon"),
        ("organisation.email", "privacy@dekroon.nl"),
    ] {
        db.run(&["settings", "set", k, v]).success();
    }
    db.run(&[&pdf_args[..], &["--force"]].concat()).success();
    assert_eq!(
        answered_by(&db, older_access).as_deref(),
        Some("export-pdf")
    );
    assert_eq!(answered_by(&db, newer_access), None);
    assert_eq!(answered_by(&db, others_access), None);
    // A package (both) answers the oldest open of either.
    let dir = db.dir.path().join("pakket");
    std::fs::create_dir(&dir).unwrap();
    db.run(&[
        "export-pdf",
        "--person",
        &p.to_string(),
        "--out",
        dir.to_str().unwrap(),
    ])
    .success();
    assert_eq!(
        answered_by(&db, newer_access).as_deref(),
        Some("export-pdf")
    );
    assert_eq!(answered_by(&db, others_access), None);

    // Rectification by person edit.
    let edit = db.json(&["person", "edit", &p.to_string(), "--last-name", "de Vries"]);
    assert_eq!(edit["answered_request"], rectification);
    assert_eq!(
        answered_by(&db, rectification).as_deref(),
        Some("person edit")
    );
    // Restriction by person restrict.
    let restrict = db.json(&[
        "person",
        "restrict",
        &p.to_string(),
        "--reason",
        "Juistheid betwist",
    ]);
    assert_eq!(restrict["answered_request"], restriction);
    assert_eq!(
        answered_by(&db, restriction).as_deref(),
        Some("person restrict")
    );
    // Objection by unsubscribe-all.
    let unsub = db.json(&["--yes", "unsubscribe-all", "--person", &p.to_string()]);
    assert_eq!(unsub["answered_request"], objection);
    assert_eq!(
        answered_by(&db, objection).as_deref(),
        Some("unsubscribe-all")
    );
    // Erasure by anonymise.
    db.run(&["--yes", "anonymise", "--person", &p.to_string()])
        .success();
    assert_eq!(
        answered_by(&db, erasure).as_deref(),
        Some("anonymise --person")
    );
    // Each was closed by the entry of its own command, about this person.
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM requests r JOIN audit_log a ON a.id = r.answered_by
             WHERE r.person_id = {p} AND a.person_id = {p}"
        )),
        7
    );
    let rows = list(&db, &["--person", &p.to_string()]);
    assert!(
        rows.iter()
            .all(|r| r["status"] == "answered" && r["late"] == false)
    );
    assert_eq!(list(&db, &["--open"]).len(), 1);
}

#[test]
fn an_export_answers_the_kind_it_is_and_a_draft_none() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    let id = |v: Value| v["id"].as_i64().unwrap();
    let access = id(open(&db, p, "access", &ago(12)));
    let portability = id(open(&db, p, "portability", &ago(20)));
    let later_access = id(open(&db, p, "access", &ago(5)));
    let file = |name: &str| db.dir.path().join(name).to_str().unwrap().to_string();
    // Drafts of every kind answer nothing, and say so in the audit log.
    db.run(&[
        "export-pdf",
        "--person",
        &p.to_string(),
        "--draft",
        "--out",
        &file("c.pdf"),
    ])
    .success();
    let dir = db.dir.path().join("concept");
    std::fs::create_dir(&dir).unwrap();
    db.run(&[
        "export-pdf",
        "--person",
        &p.to_string(),
        "--draft",
        "--out",
        dir.to_str().unwrap(),
    ])
    .success();
    assert_eq!(list(&db, &["--open"]).len(), 3);
    assert_eq!(
        db.int("SELECT count(*) FROM audit_log WHERE command = 'export-pdf' AND json_extract(details, '$.draft') = 1"),
        2
    );
    for (k, v) in [
        ("organisation.name", "Theater De Kroon"),
        ("organisation.email", "privacy@dekroon.nl"),
    ] {
        db.run(&["settings", "set", k, v]).success();
    }
    // A zip package answers the oldest open of either kind: the portability request.
    db.run(&[
        "export-pdf",
        "--person",
        &p.to_string(),
        "--out",
        &file("a.zip"),
    ])
    .success();
    assert!(answered_by(&db, portability).is_some());
    assert_eq!(answered_by(&db, access), None);
    // A JSON export then answers nothing: no portability request is open.
    db.run(&["export-pdf", "--person", &p.to_string(), "--format", "json"])
        .success();
    assert_eq!(list(&db, &["--open"]).len(), 2);
    // The PDF answers the older access request, then the later one.
    db.run(&[
        "export-pdf",
        "--person",
        &p.to_string(),
        "--out",
        &file("a.pdf"),
    ])
    .success();
    assert!(answered_by(&db, access).is_some());
    assert_eq!(answered_by(&db, later_access), None);
    db.run(&[
        "export-pdf",
        "--person",
        &p.to_string(),
        "--out",
        &file("b.pdf"),
    ])
    .success();
    assert!(answered_by(&db, later_access).is_some());
}

#[test]
fn a_command_that_answers_nothing_closes_nothing() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    open(&db, p, "erasure", &ago(11));
    db.run(&["export-pdf", "--person", &p.to_string(), "--format", "json"])
        .success();
    db.run(&["--yes", "unsubscribe-all", "--person", &p.to_string()])
        .success();
    assert_eq!(list(&db, &["--open"]).len(), 1);
}

#[test]
fn a_dry_run_of_an_answering_command_closes_nothing() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    open(&db, p, "rectification", &ago(11));
    let out = db.json(&[
        "person",
        "edit",
        &p.to_string(),
        "--city",
        "Utrecht",
        "--dry-run",
    ]);
    assert!(out["answered_request"].is_number());
    assert_eq!(list(&db, &["--open"]).len(), 1);
}

#[test]
fn the_free_text_of_a_request_is_erased_with_the_person() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    db.json(&[
        "request",
        "open",
        "--person",
        &p.to_string(),
        "--kind",
        "erasure",
        "--channel",
        "balie, sprak met Marietje",
        "--note",
        "Belde namens zijn moeder Marietje Vries",
        "--received",
        &ago(11),
    ]);
    db.json(&[
        "request",
        "extend",
        "1",
        "--months",
        "1",
        "--reason",
        "Marietje moet tekenen",
    ]);
    db.run(&["--yes", "anonymise", "--person", &p.to_string()])
        .success();
    let rows = list(&db, &[]);
    assert_eq!(rows[0]["status"], "answered");
    assert!(rows[0]["note"].is_null());
    assert!(rows[0]["extension_reason"].is_null());
    assert_eq!(rows[0]["channel"], "gewist");
    // The dates and the kind stay: the request was answered in time.
    assert_eq!(rows[0]["kind"], "erasure");
    assert_eq!(rows[0]["late"], false);
    assert_eq!(
        db.int("SELECT count(*) FROM requests WHERE note LIKE '%Marietje%' OR channel LIKE '%Marietje%' OR extension_reason LIKE '%Marietje%'"),
        0
    );
}

#[test]
fn a_dry_run_records_nothing() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    let before = db.snapshot();
    let out = db.json(&[
        "request",
        "open",
        "--person",
        &p.to_string(),
        "--kind",
        "access",
        "--dry-run",
    ]);
    assert_eq!(out["dry_run"], true);
    assert_eq!(db.snapshot(), before);
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    let gone = db.person("Weg", "Weg", "weg@example.nl");
    db.run(&["--yes", "anonymise", "--person", &gone.to_string()])
        .success();
    open(&db, p, "access", &ago(11));
    db.json(&["request", "close", "1", "--reason", "Geweigerd"]);
    let before = db.snapshot();
    let ps = p.to_string();
    let tomorrow = day(Utc::now()
        .date_naive()
        .checked_add_days(Days::new(2))
        .unwrap());
    for (args, code, says) in [
        (
            vec![
                "request",
                "open",
                "--person",
                &ps,
                "--kind",
                "access",
                "--received",
                &tomorrow,
            ],
            1,
            "in the future",
        ),
        (
            vec!["request", "open", "--person", &ps, "--kind", "inzage"],
            2,
            "inzage",
        ),
        (
            vec![
                "request",
                "open",
                "--person",
                &ps,
                "--kind",
                "access",
                "--received",
                "31-02-2026",
            ],
            2,
            "invalid value '31-02-2026' for '--received <DATE>': not a valid time",
        ),
        (
            vec!["request", "open", "--person", "999", "--kind", "access"],
            1,
            "no person with id 999",
        ),
        (
            vec![
                "request",
                "open",
                "--person",
                &gone.to_string(),
                "--kind",
                "access",
            ],
            1,
            "anonymised",
        ),
        (
            vec![
                "request", "open", "--person", &ps, "--kind", "access", "--note", " ",
            ],
            1,
            "--note",
        ),
        (vec!["request", "open", "--kind", "access"], 2, "--person"),
        (
            vec!["request", "extend", "1", "--months", "3", "--reason", "x"],
            2,
            "3",
        ),
        (
            vec!["request", "extend", "1", "--months", "1", "--reason", "x"],
            1,
            "already closed",
        ),
        (
            vec!["request", "extend", "7", "--months", "1", "--reason", "x"],
            1,
            "no request with id 7",
        ),
        (
            vec!["request", "close", "1", "--reason", "nogmaals"],
            1,
            "already closed",
        ),
        (vec!["request", "close", "1", "--reason", ""], 1, "--reason"),
        (vec!["request", "close", "1"], 2, "--reason"),
        (
            vec!["request", "list", "--person", "niemand@example.nl"],
            1,
            "no person",
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

#[test]
fn the_access_answer_holds_the_persons_requests_notifications_and_breaches() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    db.json(&[
        "processor",
        "add",
        "Laposta",
        "--purpose",
        "Nieuwsbrief",
        "--categories",
        "name",
    ]);
    open(&db, p, "restriction", &ago(2));
    db.json(&["person", "restrict", &p.to_string(), "--reason", "Betwist"]);
    db.run(&[
        "query",
        "save",
        "SMP - 20261201 - Datalek - Jan",
        "--sql",
        &format!("SELECT {p}"),
    ])
    .success();
    db.json(&[
        "breach",
        "add",
        "--discovered",
        &ago(1),
        "--description",
        "CC-mail",
        "--persons-query",
        "SMP - 20261201 - Datalek - Jan",
    ]);
    let json = db.json(&["export-pdf", "--person", &p.to_string()]);
    // Each in a section of its own, none left to the generic "other".
    assert_eq!(json["other"], serde_json::json!([]), "{json}");
    assert_eq!(json["requests"].as_array().unwrap().len(), 1, "{json}");
    assert_eq!(json["requests"][0]["kind"], "restriction");
    assert_eq!(json["requests"][0]["status"], "answered");
    assert_eq!(json["breaches"].as_array().unwrap().len(), 1, "{json}");
    assert_eq!(json["breaches"][0]["description"], "CC-mail");
    assert_eq!(json["notices"].as_array().unwrap().len(), 1, "{json}");
    assert_eq!(json["notices"][0]["recipient"], "Laposta");
    assert_eq!(json["notices"][0]["change"], "restriction");
    // The PDF says it in words (Dutch), never a table's or a column's name.
    for (k, v) in [
        ("organisation.name", "Theater De Kroon"),
        ("organisation.address", "Kerkstraat 1, 1234 AB Ergens"),
        ("organisation.email", "privacy@dekroon.nl"),
    ] {
        db.run(&["settings", "set", k, v]).success();
    }
    let pdf = db.dir.path().join("inzage.pdf");
    db.run(&[
        "export-pdf",
        "--person",
        &p.to_string(),
        "--out",
        pdf.to_str().unwrap(),
    ])
    .success();
    let out = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext is installed");
    let text = String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for words in [
        "Uw verzoeken over uw gegevens",
        "Beperking van de verwerking (art. 18 AVG)",
        "Beantwoord op",
        "Datalekken waarbij uw gegevens betrokken waren",
        "Wat er gebeurde CC-mail",
        "Gemeld aan de Autoriteit Persoonsgegevens nog niet",
        "Ontvangers die wij over een wijziging van uw gegevens inlichten",
        "Laposta Verwerking beperkt",
    ] {
        assert!(text.contains(words), "{words:?} missing: {text}");
    }
    for raw in [
        "Overige gegevens",
        "requests",
        "breach_persons",
        "processor_todos",
        "person_id",
        "due_at",
        "restriction_lifted",
        "tabel",
    ] {
        assert!(!text.contains(raw), "{raw:?} in: {text}");
    }
}

/// An objection to direct marketing is carried out at once (Art. 21(3)): it is never
/// extended; unsubscribe-all answers it.
#[test]
fn an_objection_is_not_extended() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    let id = open(&db, p, "objection", &ago(2))["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let before = db.snapshot();
    let out = db
        .run(&[
            "request", "extend", &id, "--months", "1", "--reason", "Druk",
        ])
        .code(1);
    assert!(stderr(&out).contains("Art. 21(3)"), "{}", stderr(&out));
    assert_eq!(stderr(&out).trim().lines().count(), 1);
    assert_eq!(db.snapshot(), before);
    db.run(&["--yes", "unsubscribe-all", "--person", &p.to_string()])
        .success();
    assert_eq!(list(&db, &[])[0]["status"], "answered");
}

/// A request is due one month after the day it was received on in the organisation's
/// time zone: 23:30 UTC on 30 November is 1 December in Amsterdam (due 1 January), and
/// on 30 November in UTC (due 30 December).
#[test]
fn the_due_date_counts_from_the_day_of_receipt_in_the_organisations_time_zone() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    let r = open(&db, p, "access", "2025-11-30T23:30:00Z");
    assert_eq!(r["received_at"], "2025-11-30T23:30:00Z");
    assert_eq!(r["due_at"], "2026-01-01");
    // Summer time: 22:30 UTC on 31 May is 00:30 on 1 June there.
    assert_eq!(
        open(&db, p, "access", "2025-05-31T22:30:00Z")["due_at"],
        "2025-07-01"
    );
    // The same evening an hour earlier is still 30 November.
    assert_eq!(
        open(&db, p, "access", "2025-11-30T22:30:00Z")["due_at"],
        "2025-12-30"
    );
    // An organisation in UTC counts in UTC days.
    db.run(&["settings", "set", "timezone", "UTC"]).success();
    assert_eq!(
        open(&db, p, "access", "2025-11-30T23:30:00Z")["due_at"],
        "2025-12-30"
    );
}

/// An extension is told within the first month, counted the same way: a request
/// received at 00:30 in Amsterdam (the evening before in UTC) may still be extended on
/// the last day of its month there, when the UTC day would already be too late; the
/// day after, it is refused with one line and nothing changed.
#[test]
fn an_extension_is_checked_against_the_first_month_in_the_organisations_time_zone() {
    use chrono::TimeZone;
    let tz = chrono_tz::Europe::Amsterdam;
    let due = |d: NaiveDate| {
        d.checked_add_months(Months::new(1))
            .unwrap_or_else(|| panic!("{d}"))
    };
    let today = Utc::now().with_timezone(&tz).date_naive();
    // The first receipt day whose month ends today or later (so the day before it ends
    // before today): on that day's 00:30 local, the UTC day is the day before.
    let first = (1..=70)
        .rev()
        .map(|n| today.checked_sub_days(Days::new(n)).unwrap())
        .find(|d| due(*d) >= today)
        .unwrap();
    assert!(due(first.pred_opt().unwrap()) < today);
    let at = tz
        .from_local_datetime(&first.and_hms_opt(0, 30, 0).unwrap())
        .single()
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(
        at.date_naive(),
        first.pred_opt().unwrap(),
        "the UTC day is the day before"
    );
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    let received = at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let id = open(&db, p, "access", &received)["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let extended = db.json(&[
        "request",
        "extend",
        &id,
        "--months",
        "2",
        "--reason",
        "Veel stukken",
    ]);
    assert_eq!(extended["extended_months"], 2, "{extended}");
    // In UTC the same request was received the day before: its first month has ended
    // (by the UTC day, which in the last hour or two of the UTC day is behind
    // Amsterdam's: then it may not have ended yet, and there is nothing to check).
    if due(first.pred_opt().unwrap()) >= Utc::now().date_naive() {
        return;
    }
    let db = TestDb::new();
    db.run(&["settings", "set", "timezone", "UTC"]).success();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    let id = open(&db, p, "access", &received)["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let before = db.snapshot();
    let out = db
        .run(&[
            "request",
            "extend",
            &id,
            "--months",
            "1",
            "--reason",
            "Veel stukken",
        ])
        .code(1);
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("too late to extend"), "{err}");
    assert_eq!(db.snapshot(), before);
}
