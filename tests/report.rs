#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `report [--since DATE]`: the report for the privacy officer, its counts checked
//! against the database.
mod common;
use chrono::{Days, Duration, SecondsFormat, Utc};
use common::{TestDb, stderr};
use serde_json::Value;

fn ago(days: u64) -> String {
    Utc::now()
        .date_naive()
        .checked_sub_days(Days::new(days))
        .unwrap()
        .format("%Y-%m-%d")
        .to_string()
}

/// A day's work of an organisation: requests in every state, consent, bounces,
/// suppressions, erasures by request and by sweep, breaches and processor to-dos.
fn a_busy_database() -> TestDb {
    let db = TestDb::new();
    let ids: Vec<i64> = (0..8)
        .map(|i| db.person("P", &format!("{i}"), &format!("p{i}@example.nl")))
        .collect();
    for i in 0..2 {
        db.exec(&format!(
            "INSERT INTO persons (first_name, email, created_at) VALUES ('Oud', 'oud{i}@example.nl', '2015-01-01T00:00:00Z')"
        ));
    }
    let s = |i: usize| ids[i].to_string();
    db.json(&[
        "processor",
        "add",
        "Laposta",
        "--purpose",
        "Nieuwsbrief",
        "--categories",
        "name,email",
    ]);
    let open = |p: &str, kind: &str, received: &str| {
        db.json(&[
            "request",
            "open",
            "--person",
            p,
            "--kind",
            kind,
            "--received",
            received,
        ])
    };
    // Answered in time, answered late, refused, open and overdue. An access request is
    // answered by the PDF (the organisation named, for it to go out).
    for (k, v) in [
        ("organisation.name", "Theater De Kroon"),
        ("organisation.email", "privacy@dekroon.nl"),
    ] {
        db.run(&["settings", "set", k, v]).success();
    }
    let answer = |p: &str| {
        let out = db.dir.path().join(format!("inzage-{p}.pdf"));
        db.run(&["export-pdf", "--person", p, "--out", out.to_str().unwrap()])
            .success();
    };
    open(&s(0), "access", &ago(3));
    answer(&s(0));
    open(&s(1), "access", &ago(60));
    answer(&s(1));
    let refused = open(&s(2), "erasure", &ago(5));
    db.json(&[
        "request",
        "close",
        &refused["id"].to_string(),
        "--reason",
        "Wettelijke bewaarplicht",
    ]);
    open(&s(3), "rectification", &ago(2));
    open(&s(4), "objection", &ago(45));
    // Erasure answered by anonymise.
    open(&s(5), "erasure", &ago(1));
    db.run(&["--yes", "anonymise", "--person", &s(5)]).success();
    db.run(&["--yes", "anonymise", "--inactive-for", "5y"])
        .success();
    // Consent.
    for (p, kind, how, channel) in [
        (0, "nieuwsbrief", "--opt-in", "webformulier"),
        (1, "nieuwsbrief", "--opt-in", "webformulier"),
        (1, "nieuwsbrief", "--opt-out", "telefonisch"),
        (2, "direct_mail", "--opt-out", "brief"),
        // A channel outside the vocabulary: free text that may name someone.
        (0, "direct_mail", "--opt-out", "telefoon, Jan 0612345678"),
    ] {
        db.run(&[
            "subscribe",
            "--person",
            &s(p),
            "--type",
            kind,
            how,
            "--channel",
            channel,
        ])
        .success();
    }
    db.run(&["--yes", "unsubscribe-all", "--person", &s(6)])
        .success();
    // Bounces: one by a file, one by hand.
    let file = db.file("bounces.csv", "email\np7@example.nl\nonbekend@example.nl\n");
    db.run(&["import", "bounces", file.to_str().unwrap()])
        .success();
    db.run(&["person", "bouncer", &s(3), "--set"]).success();
    // Breaches: one overdue, one reported in time.
    let stamp =
        |h: i64| (Utc::now() - Duration::hours(h)).to_rfc3339_opts(SecondsFormat::Secs, true);
    db.json(&[
        "breach",
        "add",
        "--discovered",
        &stamp(100),
        "--description",
        "Laptop gestolen",
    ]);
    db.run(&[
        "query",
        "save",
        "SMP - 20261201 - Datalek - Twee",
        "--sql",
        &format!("SELECT id FROM persons WHERE id IN ({}, {})", s(0), s(1)),
    ])
    .success();
    let b = db.json(&[
        "breach",
        "add",
        "--discovered",
        &stamp(10),
        "--description",
        "CC-mail",
        "--persons-query",
        "SMP - 20261201 - Datalek - Twee",
    ]);
    db.json(&[
        "breach",
        "update",
        &b["id"].to_string(),
        "--reported-to-ap",
        &stamp(2),
        "--notified-persons",
        "yes",
    ]);
    db.json(&["processor", "notified", "1"]);
    db
}

#[test]
fn the_reports_counts_are_those_of_the_database() {
    let db = a_busy_database();
    let r = db.json(&["report"]);
    assert!(r["since"].is_null());
    let q = &r["requests"];
    assert_eq!(q["received"], db.int("SELECT count(*) FROM requests"));
    assert_eq!(q["received"], 6);
    assert_eq!(q["answered_in_time"], 2);
    assert_eq!(q["answered_late"], 1);
    assert_eq!(q["refused"], 1);
    assert_eq!(q["open"], 1);
    assert_eq!(q["overdue"], 1);
    assert_eq!(
        q["answered_in_time"].as_i64().unwrap() + q["answered_late"].as_i64().unwrap(),
        db.int("SELECT count(*) FROM requests WHERE outcome = 'answered'")
    );
    let open_now = q["open_now"].as_array().unwrap();
    assert_eq!(
        open_now.len() as i64,
        db.int("SELECT count(*) FROM requests WHERE closed_at IS NULL")
    );
    // Soonest deadline first: the overdue objection.
    assert_eq!(open_now[0]["kind"], "objection");
    assert_eq!(open_now[0]["status"], "overdue");
    let access = q["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "access")
        .unwrap();
    assert_eq!(
        (
            &access["received"],
            &access["answered_in_time"],
            &access["answered_late"]
        ),
        (&Value::from(2), &Value::from(1), &Value::from(1))
    );
    // Opt-ins and opt-outs per type and channel, as the ledger holds them; a free-text
    // channel counted under "other", its text not shown.
    assert!(!r.to_string().contains("0612345678"), "{r}");
    let conn = db.conn();
    let mut stmt = conn
        .prepare(
            "SELECT type, CASE WHEN channel IN (SELECT code FROM channels) THEN channel ELSE 'other' END AS ch,
                    sum(opt_in), sum(1 - opt_in) FROM consent_records
             GROUP BY type, ch ORDER BY type, ch",
        )
        .unwrap();
    let want: Vec<(String, String, i64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let got: Vec<(String, String, i64, i64)> = r["consent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["type"].as_str().unwrap().to_string(),
                c["channel"].as_str().unwrap().to_string(),
                c["opt_ins"].as_i64().unwrap(),
                c["opt_outs"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, want);
    assert!(got.contains(&("nieuwsbrief".into(), "telefonisch".into(), 0, 1)));
    // Bounces.
    assert_eq!(r["bounces"]["marked"], 2);
    assert_eq!(
        r["bounces"]["bouncers_now"],
        db.int("SELECT count(*) FROM persons WHERE bouncer = 1 AND anonymised_at IS NULL")
    );
    // Suppressions per reason.
    for s in r["suppressions"].as_array().unwrap() {
        assert_eq!(
            s["added"],
            db.int(&format!(
                "SELECT count(*) FROM suppressions WHERE reason = '{}'",
                s["reason"].as_str().unwrap()
            ))
        );
    }
    assert_eq!(
        r["suppressions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["added"].as_i64().unwrap())
            .sum::<i64>(),
        db.int("SELECT count(*) FROM suppressions")
    );
    // Erasures: one by request, a sweep of the two old persons.
    let e = &r["erasures"];
    assert_eq!(
        e["persons"],
        db.int("SELECT count(*) FROM persons WHERE anonymised_at IS NOT NULL")
    );
    assert_eq!(e["persons"], 3);
    assert_eq!(e["by_request"], 1);
    assert_eq!(e["sweeps"], 1);
    assert_eq!(e["swept_persons"], 2);
    // Breaches.
    let b = &r["breaches"];
    assert_eq!(b["recorded"], db.int("SELECT count(*) FROM breaches"));
    assert_eq!(b["overdue"], 1);
    assert_eq!(b["reported_in_time"], 1);
    assert_eq!(b["persons_affected"], 2);
    assert_eq!(b["persons_notified"], 1);
    // Processor to-dos: the erasure and the sweep each made one; one is done.
    let t = &r["processor_todos"];
    assert_eq!(t["created"], db.int("SELECT count(*) FROM processor_todos"));
    assert_eq!(t["created"], 2);
    assert_eq!(t["done"], 1);
    assert_eq!(
        t["open_now"],
        db.int("SELECT count(*) FROM processor_todos WHERE done_at IS NULL")
    );
    assert_eq!(t["open_by_processor"][0]["processor"], "Laposta");
}

#[test]
fn since_counts_the_period_only() {
    let db = a_busy_database();
    let since = ago(4);
    let r = db.json(&["report", "--since", &since]);
    assert_eq!(r["since"], format!("{since}T00:00:00Z"));
    let q = &r["requests"];
    assert_eq!(
        q["received"],
        db.int(&format!(
            "SELECT count(*) FROM requests WHERE received_at >= '{since}'"
        ))
    );
    assert_eq!(q["received"], 3);
    // Open requests received before the period are still listed as open now.
    assert_eq!(q["open_now"].as_array().unwrap().len(), 2);
    // Everything else happened today.
    assert_eq!(r["erasures"]["persons"], 3);
}

#[test]
fn the_report_as_a_table_and_as_csv() {
    let db = a_busy_database();
    let table = common::stdout(&db.run(&["report"]).success());
    for heading in [
        "Data-subject requests",
        "Requests open now",
        "Opt-ins and opt-outs",
        "Bounces, suppressions, erasures",
        "Breaches",
        "Processor notifications",
    ] {
        assert!(table.contains(heading), "{heading}: {table}");
    }
    let csv = common::stdout(&db.run(&["report", "--format", "csv"]).success());
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("section,item,detail,value"));
    assert!(csv.contains("\nrequests,received,,6\n"), "{csv}");
    assert!(csv.contains("\nbreaches,overdue,,1\n"), "{csv}");
    assert!(csv.contains("\nerasures,swept_persons,,2\n"), "{csv}");
    assert!(csv.contains("\nopen_request,objection,"), "{csv}");
}

#[test]
fn bad_input_is_refused() {
    let db = TestDb::new();
    let before = db.snapshot();
    db.run(&["report", "--since", "gisteren"]).code(2);
    let tomorrow = Utc::now()
        .date_naive()
        .checked_add_days(Days::new(2))
        .unwrap()
        .format("%Y-%m-%d")
        .to_string();
    let out = db.run(&["report", "--since", &tomorrow]).code(1);
    assert!(stderr(&out).contains("in the future"));
    assert_eq!(db.snapshot(), before);
    // An empty database reports zeros.
    let r = db.json(&["report"]);
    assert_eq!(r["requests"]["received"], 0);
    assert_eq!(r["breaches"]["recorded"], 0);
}

#[test]
fn the_accountability_commands_work_on_an_upgraded_first_round_database() {
    let db = TestDb::empty();
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1-crm.sqlite"),
        &db.path,
    )
    .unwrap();
    db.run(&["init"]).success();
    db.json(&[
        "request",
        "open",
        "--person",
        "14",
        "--kind",
        "access",
        "--received",
        &ago(3),
    ]);
    db.json(&[
        "processor",
        "add",
        "Laposta",
        "--purpose",
        "Nieuwsbrief",
        "--categories",
        "name,email",
    ]);
    db.json(&["person", "edit", "14", "--city", "Zwolle"]);
    db.json(&["person", "restrict", "16", "--reason", "Betwist"]);
    db.json(&[
        "breach",
        "add",
        "--discovered",
        &ago(1),
        "--description",
        "Laptop gestolen",
    ]);
    db.json(&["register", "edit", "1", "--transfers", "Geen"]);
    let r = db.json(&["report"]);
    assert_eq!(r["requests"]["received"], 1);
    assert_eq!(r["breaches"]["recorded"], 1);
    // The restriction touches Laposta's categories; a new city does not.
    assert_eq!(r["processor_todos"]["created"], 1);
    // The first round's erasures and unsubscriptions are counted from its audit log.
    assert_eq!(
        r["erasures"]["persons"],
        db.int("SELECT count(*) FROM persons WHERE anonymised_at IS NOT NULL")
    );
}

/// The text of a PDF, as pdftotext (poppler-utils) reads it back, on one line.
fn pdf_text(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext is installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_report_as_a_pdf_holds_the_counts_of_the_database() {
    use std::os::unix::fs::PermissionsExt;
    let db = a_busy_database();
    let out = db.dir.path().join("avg-rapport.pdf");
    let summary = db.json(&["report", "--out", out.to_str().unwrap()]);
    assert_eq!(summary["file"], out.to_str().unwrap());
    assert_eq!(
        summary["bytes"],
        std::fs::metadata(&out).unwrap().len() as i64
    );
    assert!(summary["pages"].as_i64().unwrap() >= 1);
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let r = db.json(&["report"]);
    let text = pdf_text(&out);
    assert!(text.contains("Verantwoordingsrapportage AVG"), "{text}");
    assert!(text.contains("Theater De Kroon"), "{text}");
    assert!(text.contains("Periode: alles tot"), "{text}");
    let q = &r["requests"];
    let all = format!(
        "Alle {} {} {} {} {} {}",
        q["received"],
        q["answered_in_time"],
        q["answered_late"],
        q["refused"],
        q["open"],
        q["overdue"]
    );
    assert_eq!(all, "Alle 6 2 1 1 1 1");
    assert!(text.contains(&all), "{all}: {text}");
    assert!(text.contains("Inzage 2 1 1 0 0 0"), "{text}");
    for o in q["open_now"].as_array().unwrap() {
        let row = format!("{} {}", o["id"], o["person_id"]);
        assert!(text.contains(&row), "{row}: {text}");
    }
    assert!(text.contains("Bezwaar"), "{text}");
    assert!(text.contains("termijn verstreken"), "{text}");
    // Types and channels in words, with the ledger's numbers.
    assert!(text.contains("Nieuwsbrief Telefonisch 0 1"), "{text}");
    assert!(text.contains("Nieuwsbrief Webformulier 2 0"), "{text}");
    assert!(
        text.contains(&format!(
            "Bouncers nu {}",
            db.int("SELECT count(*) FROM persons WHERE bouncer = 1 AND anonymised_at IS NULL")
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "Personen geanonimiseerd {}",
            db.int("SELECT count(*) FROM persons WHERE anonymised_at IS NOT NULL")
        )),
        "{text}"
    );
    assert!(text.contains("Personen gewist door die rondes 2"), "{text}");
    assert!(
        text.contains(&format!(
            "Geregistreerd {}",
            db.int("SELECT count(*) FROM breaches")
        )),
        "{text}"
    );
    assert!(text.contains("Open, 72 uur verstreken 1"), "{text}");
    assert!(text.contains("Betrokken personen 2"), "{text}");
    assert!(
        text.contains(&format!(
            "Meldingen die nu openstaan {}",
            db.int("SELECT count(*) FROM processor_todos WHERE done_at IS NULL")
        )),
        "{text}"
    );
    assert!(text.contains("Laposta 1"), "{text}");
    assert!(text.contains("Pagina 1 van"), "{text}");
    // Made by whom is in the audit log, with counts only.
    let details = db
        .text("SELECT details FROM audit_log WHERE command = 'report --out'")
        .unwrap();
    assert!(details.contains("\"pages\""), "{details}");
    // English on request.
    let en = db.dir.path().join("report-en.pdf");
    db.run(&["report", "--out", en.to_str().unwrap(), "--lang", "en"])
        .success();
    let text = pdf_text(&en);
    assert!(text.contains("GDPR accountability report"), "{text}");
    assert!(text.contains("All 6 2 1 1 1 1"), "{text}");
    assert!(text.contains("Access 2 1 1 0 0 0"), "{text}");
    assert!(text.contains("Newsletter By phone 0 1"), "{text}");
    assert!(text.contains("Page 1 of"), "{text}");
    // --since: the period is said, and its counts.
    let since = db.dir.path().join("sinds.pdf");
    db.run(&[
        "report",
        "--since",
        &ago(4),
        "--out",
        since.to_str().unwrap(),
    ])
    .success();
    let text = pdf_text(&since);
    assert!(text.contains("Periode: van"), "{text}");
    assert!(text.contains("Alle 3 "), "{text}");
}

#[test]
fn the_pdf_report_is_written_only_where_it_may_be() {
    let db = TestDb::new();
    let before = db.snapshot();
    // Not a .pdf name.
    let txt = db.dir.path().join("rapport.txt");
    let a = db.run(&["report", "--out", txt.to_str().unwrap()]).code(1);
    assert!(stderr(&a).contains(".pdf"), "{}", stderr(&a));
    assert!(!txt.exists());
    // --lang belongs to the PDF.
    db.run(&["report", "--lang", "en"]).code(2);
    // An existing file only with --force.
    let pdf = db.dir.path().join("rapport.pdf");
    std::fs::write(&pdf, b"oud").unwrap();
    let a = db.run(&["report", "--out", pdf.to_str().unwrap()]).code(1);
    assert!(stderr(&a).contains("--force"), "{}", stderr(&a));
    assert_eq!(std::fs::read(&pdf).unwrap(), b"oud");
    // Never through a symbolic link.
    let link = db.dir.path().join("link.pdf");
    std::os::unix::fs::symlink(db.dir.path().join("elders.pdf"), &link).unwrap();
    let a = db.run(&["report", "--out", link.to_str().unwrap()]).code(1);
    assert!(stderr(&a).contains("symbolic link"), "{}", stderr(&a));
    assert!(!db.dir.path().join("elders.pdf").exists());
    // Nothing written, nothing recorded.
    assert_eq!(db.snapshot(), before);
    db.run(&["--force", "report", "--out", pdf.to_str().unwrap()])
        .success();
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
}
