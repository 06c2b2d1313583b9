#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
use common::{TestDb, stderr};
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

/// The text of a PDF, as pdftotext (poppler-utils; .ci/run installs it) reads it back.
fn pdf_text(path: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext is installed");
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A person with every field filled, a history with a mailing, 320 transactions, a
/// document and scores.
fn populated(db: &TestDb) -> i64 {
    let f = db.file(
        "p.csv",
        "first_name;infix;last_name;email;phone;mobile;street;house_number;postal_code;city;country;iban;bsn;birth_date;created_at\n\
         Văn Ánh;van der;Nguyễn;anh.nguyen@example.nl;020-1234567;06-87654321;Łódźstraat;17b;1011 AB;Zaandam;NL;NL91ABNA0417164300;111222333;03-04-1975;01-02-2020\n\
         Şükrü;;Öztürk;sukru@example.nl;;;;;;;;;;;\n",
    );
    db.json(&["import", "persons", f.to_str().unwrap()]);
    let id = db.int("SELECT id FROM persons WHERE email = 'anh.nguyen@example.nl'");
    let mut csv = String::from("person;kind;occurred_at;description;amount\n");
    let kinds = ["product", "ticket", "loan", "donation"];
    for i in 1..=320 {
        csv.push_str(&format!(
            "{id};{};2025-{:02}-{:02};T-{i:04};{},{:02}\n",
            kinds[i % 4],
            i % 12 + 1,
            i % 28 + 1,
            i * 3,
            i % 100
        ));
    }
    db.json(&[
        "import",
        "transactions",
        db.file("t.csv", &csv).to_str().unwrap(),
    ]);
    db.json(&[
        "subscribe",
        "--person",
        &id.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--channel",
        "webformulier",
        "--description",
        "Ja, nieuwsbrief graag",
        "--at",
        "2025-01-01",
    ]);
    db.json(&[
        "subscribe",
        "--person",
        &id.to_string(),
        "--type",
        "profileren",
        "--opt-in",
        "--at",
        "2025-01-02",
    ]);
    db.cmd()
        .args([
            "query",
            "audience",
            "--type",
            "nieuwsbrief",
            "--record-mailing",
            "Nieuwsbrief Lente",
        ])
        .assert()
        .success();
    let cm = db.int("SELECT id FROM contact_moments WHERE name = 'Nieuwsbrief Lente'");
    db.json(&[
        "subscribe",
        "--person",
        &id.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-out",
        "--channel",
        "voorkeurencentrum",
        "--contact-moment",
        &cm.to_string(),
        "--description",
        "Afmelding via link",
    ]);
    db.json(&[
        "subscribe",
        "--person",
        &id.to_string(),
        "--type",
        "profileren",
        "--opt-in",
        "--channel",
        "telefonisch",
    ]);
    db.json(&["profile", "run"]);
    db.conn()
        .execute(
            "INSERT INTO documents (person_id, kind, filename, created_at, content) VALUES (?1, 'schenkingsakte', 'akte-nguyen.pdf', '2025-03-01T00:00:00Z', x'255044462D')",
            [id],
        )
        .unwrap();
    id
}

/// The summary of an export (a package or a PDF) as CSV, by field: `--format json`
/// means the answer itself as JSON.
fn summary(db: &TestDb, args: &[&str]) -> std::collections::HashMap<String, String> {
    let out = common::stdout(&db.run(&[args, &["--format", "csv"]].concat()).success());
    let mut lines = out.lines();
    let keys: Vec<&str> = lines.next().unwrap().split(',').collect();
    let values: Vec<&str> = lines.next().unwrap().split(',').collect();
    keys.iter()
        .zip(values)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A database whose organisation has a name and contact details (the PDF refuses the
/// placeholder without --draft).
fn ready_db() -> TestDb {
    let db = TestDb::new();
    ready(&db);
    db
}

fn ready(db: &TestDb) {
    for (k, v) in [
        ("organisation.name", "Theater De Kroon"),
        ("organisation.address", "Kerkstraat 1, 1234 AB Ergens"),
        ("organisation.email", "privacy@dekroon.nl"),
        ("organisation.phone", "+31 20 123 4567"),
        ("fg.name", "Mr. A. de Wit"),
        ("fg.email", "fg@dekroon.nl"),
    ] {
        db.run(&["settings", "set", k, v]).success();
    }
}

/// Export to a PDF in the temp directory and read its text back.
fn export_text(db: &TestDb, person: &str, extra: &[&str]) -> String {
    let out = db.dir.path().join(format!("x-{}.pdf", std::process::id()));
    let mut args = vec![
        "export-pdf",
        "--person",
        person,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    db.run(&args).success();
    let text = pdf_text(&out);
    std::fs::remove_file(&out).unwrap();
    text
}

#[test]
fn the_pdf_holds_every_value_of_a_fully_populated_person() {
    let db = ready_db();
    db.run(&["init", "--organisation", "Muziekcentrum Ĳsselstein"])
        .success();
    let id = populated(&db);
    let out = db.dir.path().join("inzage.pdf");
    db.run(&[
        "export-pdf",
        "--person",
        "anh.nguyen@example.nl",
        "--out",
        out.to_str().unwrap(),
    ])
    .success();
    let text = pdf_text(&out);
    let flat = squash(&text);
    for value in [
        "Inzage in uw persoonsgegevens",
        "Muziekcentrum Ĳsselstein",
        "Văn Ánh",
        "van der",
        "Nguyễn",
        "anh.nguyen@example.nl",
        "020-1234567",
        "06-87654321",
        "Łódźstraat",
        "17b",
        "1011 AB",
        "Zaandam",
        "NL91ABNA0417164300",
        "111222333",
        "03-04-1975",
        "01-02-2020",
        "Ja, nieuwsbrief graag",
        "Voorkeurencentrum",
        "Afmelding via link",
        "Nieuwsbrief Lente",
        "Telefonisch",
        "akte-nguyen.pdf",
        "Schenkingsakte",
        "RFM-score",
        "Versturen van de",
        "Drukkerij en",
        "Autoriteit Persoonsgegevens",
        "rectificatie",
        "gegevenswissing",
        "beperking",
        "bezwaar",
        "overdraagbaarheid",
        "R (recentheid)",
        "artikel 22 AVG",
        "Transacties (vervolg)",
        "Bewaartermijn",
        "Ontvangers",
        "Herkomst van de gegevens",
        "€ 3,01",
        "€ 960,20",
    ] {
        assert!(flat.contains(value), "{value:?} is not in the PDF");
    }
    for i in 1..=320 {
        assert!(
            flat.contains(&format!("T-{i:04}")),
            "transaction T-{i:04} missing"
        );
    }
    let pages = text.matches("Pagina ").count();
    assert!(
        pages >= 8,
        "320 transactions should span pages, got {pages}"
    );
    assert!(
        flat.contains(&format!("Pagina 1 van {pages}"))
            && flat.contains(&format!("Pagina {pages} van {pages}"))
    );
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let _ = id;
}

#[test]
fn default_file_name_privacy_and_no_leftovers() {
    let db = ready_db();
    let id = db.person("Şükrü", "Öztürk", "s@example.nl");
    db.run(&["export-pdf", "--person", &id.to_string()])
        .success();
    let path = db.dir.path().join(format!("person-{id}.pdf"));
    assert!(path.exists());
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(std::fs::read(&path).unwrap().starts_with(b"%PDF"));
    let leftovers: Vec<_> = std::fs::read_dir(db.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(squash(&pdf_text(&path)).contains("Şükrü Öztürk"));
    // The export is recorded as a processing of the person's data.
    let log = db.json(&["audit", "--person", &id.to_string()]);
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["command"] == "export-pdf")
    );
}

#[test]
fn english_on_request() {
    let db = ready_db();
    let id = db.person("Łukasz", "Żółć", "l@example.pl");
    let out = db.dir.path().join("en.pdf");
    db.run(&[
        "export-pdf",
        "--person",
        &id.to_string(),
        "--lang",
        "en",
        "--out",
        out.to_str().unwrap(),
    ])
    .success();
    let flat = squash(&pdf_text(&out));
    assert!(flat.contains("Access to your personal data"));
    assert!(flat.contains("Łukasz Żółć"));
    assert!(flat.contains("Right to erasure"));
}

#[test]
fn json_export_round_trips_every_field() {
    let db = TestDb::new();
    let id = populated(&db);
    let json = db.json(&["export-pdf", "--person", &id.to_string()]);
    let p = &json["person"];
    let conn = db.conn();
    for field in smp_avg::db::persons::TEXT_FIELDS {
        let stored: Option<String> = conn
            .query_row(
                &format!("SELECT {field} FROM persons WHERE id = ?1"),
                [id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(p[field].as_str(), stored.as_deref(), "{field}");
    }
    assert_eq!(json["transactions"].as_array().unwrap().len(), 320);
    assert_eq!(
        json["history"].as_array().unwrap().len() as i64,
        db.int(&format!(
            "SELECT count(*) FROM consent_records WHERE person_id = {id}"
        ))
    );
    assert_eq!(json["mailings"][0]["name"], "Nieuwsbrief Lente");
    assert_eq!(json["documents"][0]["filename"], "akte-nguyen.pdf");
    assert!(json["scores"]["rfm"].is_string());
    assert_eq!(json["profiling"], true);
    assert!(!json["register"].as_array().unwrap().is_empty());
    let t0 = &json["transactions"][0];
    let stored: (String, String) = conn
        .query_row(
            "SELECT description, amount FROM transactions WHERE id = ?1",
            [t0["id"].as_i64().unwrap()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (
            t0["description"].as_str().unwrap(),
            t0["amount"].as_str().unwrap()
        ),
        (stored.0.as_str(), stored.1.as_str())
    );
}

#[test]
fn a_table_added_later_reaches_the_pdf_and_the_json() {
    let db = ready_db();
    let id = db.person("Anna", "Bakker", "anna@example.nl");
    db.exec(&format!(
        "CREATE TABLE loyalty_cards (id INTEGER PRIMARY KEY, person_id INTEGER REFERENCES persons (id), card_number TEXT);
         INSERT INTO loyalty_cards (person_id, card_number) VALUES ({id}, 'LC-998877');"
    ));
    let json = db.json(&["export-pdf", "--person", &id.to_string()]);
    assert_eq!(json["other"][0]["table"], "loyalty_cards");
    let out = db.dir.path().join("x.pdf");
    db.run(&[
        "export-pdf",
        "--person",
        &id.to_string(),
        "--out",
        out.to_str().unwrap(),
    ])
    .success();
    assert!(pdf_text(&out).contains("LC-998877"));
}

#[test]
fn every_table_with_a_person_id_is_covered() {
    let db = TestDb::new();
    let conn = db.conn();
    let tables = smp_avg::access::tables_with_person_id(&conn).unwrap();
    // The schema's own tables all have a section in words; "other" (raw names made
    // into words) is only for a table added later.
    for t in &tables {
        assert!(
            smp_avg::access::KNOWN_TABLES.iter().any(|(k, _)| k == t),
            "table {t} has no section in the access document"
        );
    }
    assert!(tables.len() >= 6, "{tables:?}");
}

#[test]
fn an_unknown_person_writes_nothing() {
    let db = TestDb::new();
    let before = db.snapshot();
    let out = db.run(&["export-pdf", "--person", "77"]).code(1);
    assert_eq!(stderr(&out).trim().lines().count(), 1);
    assert!(!db.dir.path().join("person-77.pdf").exists());
    assert_eq!(db.snapshot(), before);
}

// ---- Issue 15: an access answer a citizen can read and receive safely ----

#[test]
fn times_are_in_the_organisations_time_zone_across_midnight_and_daylight_saving() {
    let db = ready_db();
    let id = db.person("Anna", "Bakker", "anna@example.nl");
    db.exec(&format!(
        "INSERT INTO transactions (person_id, kind, occurred_at, description, amount) VALUES
           ({id}, 'ticket', '2026-11-28T23:50:36Z', 'Winterconcert', '25.00'),
           ({id}, 'ticket', '2026-07-01T22:30:00Z', 'Zomeravond', '15.00')"
    ));
    let flat = squash(&export_text(&db, &id.to_string(), &[]));
    // 23:50 UTC on 28 November is 00:50 on the 29th in Amsterdam (CET, +1) …
    assert!(
        flat.contains("29-11-2026 00:50 Ticket Winterconcert"),
        "{flat}"
    );
    // … and 22:30 UTC on 1 July is 00:30 on the 2nd (CEST, +2).
    assert!(
        flat.contains("02-07-2026 00:30 Ticket Zomeravond"),
        "{flat}"
    );
    assert!(flat.contains("tijdzone Europe/Amsterdam"), "{flat}");
    assert!(!flat.contains("UTC"), "{flat}");
    // --utc for scripts: the stored times, and the document says so.
    let utc = squash(&export_text(&db, &id.to_string(), &["--utc"]));
    assert!(
        utc.contains("28-11-2026 23:50 Ticket Winterconcert"),
        "{utc}"
    );
    assert!(utc.contains("in UTC"), "{utc}");
    // Another zone from the settings.
    db.run(&["settings", "set", "timezone", "America/New_York"])
        .success();
    let ny = squash(&export_text(&db, &id.to_string(), &["--lang", "en"]));
    assert!(ny.contains("2026-11-28 18:50 Ticket Winterconcert"), "{ny}");
    // The JSON stays UTC.
    let json = db.json(&["export-pdf", "--person", &id.to_string()]);
    assert!(
        json["transactions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["occurred_at"] == "2026-11-28T23:50:36Z")
    );
}

#[test]
fn labels_not_codes_rules_as_sentences_and_no_internal_ids() {
    let db = ready_db();
    let id = populated(&db);
    db.run(&["run-soft-optins"]).success();
    db.json(&[
        "subscribe",
        "--person",
        &id.to_string(),
        "--type",
        "direct_mail",
        "--opt-in",
        "--channel",
        "brief",
    ]);
    // In the hour the clock repeats (October) a time names its zone on the cell's second
    // line, which the text read back puts between the words of the next cell.
    let flat = squash(&export_text(&db, &id.to_string(), &[]))
        .replace(" CEST", "")
        .replace(" CET", "");
    for word in [
        "Nieuwsbrief",
        "Direct mail (post)",
        "Profileren",
        "Webformulier",
        "Per brief",
        "Automatisch toegekend omdat u klant bent",
        "aangemeld",
        "afgemeld",
        "Overleden nee",
        "Geanonimiseerd nee",
    ] {
        assert!(flat.contains(word), "{word:?} is not in the PDF: {flat}");
    }
    for code in [
        "direct_mail",
        "servicemail ",
        "Zachte servicemail opt-in",
        "Zachte profileren opt-in",
        "(#",
        "SMP",
        "opt_in",
        "true",
        "false",
    ] {
        assert!(!flat.contains(code), "{code:?} is in the PDF");
    }
}

#[test]
fn empty_sections_are_one_sentence() {
    let db = ready_db();
    let id = db.person("Ivo", "Leeg", "ivo@example.nl");
    let flat = squash(&export_text(&db, &id.to_string(), &[]));
    for sentence in [
        "U heeft bij ons geen aankopen, tickets, leningen of donaties.",
        "U heeft van ons geen mailings ontvangen.",
        "Wij bewaren geen documenten van u.",
        "Er vindt voor u geen profilering plaats.",
        "Er zijn voor u geen aan- of afmeldingen vastgelegd.",
    ] {
        assert!(flat.contains(sentence), "{sentence:?}: {flat}");
    }
}

#[test]
fn the_contact_block_comes_from_the_settings_and_the_placeholder_is_refused() {
    let db = TestDb::new();
    let id = db.person("Anna", "Bakker", "anna@example.nl");
    let before = db.snapshot();
    let out = db.dir.path().join("a.pdf");
    let a = db
        .run(&[
            "export-pdf",
            "--person",
            &id.to_string(),
            "--out",
            out.to_str().unwrap(),
        ])
        .code(1);
    let err = stderr(&a);
    assert!(
        err.contains("Mijn organisatie") && err.contains("--draft"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!out.exists());
    assert_eq!(
        db.snapshot(),
        before,
        "a refused export leaves no audit entry"
    );
    // A name without any contact detail is refused too.
    db.run(&["settings", "set", "organisation.name", "Theater De Kroon"])
        .success();
    let a = db
        .run(&[
            "export-pdf",
            "--person",
            &id.to_string(),
            "--out",
            out.to_str().unwrap(),
        ])
        .code(1);
    assert!(stderr(&a).contains("contact details"), "{}", stderr(&a));
    // --draft renders, marked as a draft on every page.
    let draft = squash(&export_text(&db, &id.to_string(), &["--draft"]));
    assert!(draft.contains("CONCEPT — NIET VERSTUREN"), "{draft}");
    assert_eq!(
        draft.matches("CONCEPT ·").count(),
        draft.matches("Pagina ").count()
    );
    // With the settings: the controller and the privacy officer, and no draft mark.
    ready(&db);
    let flat = squash(&export_text(&db, &id.to_string(), &[]));
    for v in [
        "Verwerkingsverantwoordelijke",
        "Theater De Kroon",
        "Kerkstraat 1, 1234 AB Ergens",
        "privacy@dekroon.nl",
        "+31 20 123 4567",
        "Functionaris gegevensbescherming",
        "Mr. A. de Wit, fg@dekroon.nl",
    ] {
        assert!(flat.contains(v), "{v:?}: {flat}");
    }
    assert!(!flat.contains("CONCEPT"));
    let en = squash(&export_text(&db, &id.to_string(), &["--lang", "en"]));
    assert!(
        en.contains("Controller") && en.contains("Data protection officer"),
        "{en}"
    );
}

#[test]
fn only_the_register_activities_that_apply_to_the_person() {
    let db = ready_db();
    let plain = db.person("Anna", "Bakker", "anna@example.nl");
    let f = db.file(
        "iban.csv",
        "first_name,last_name,email,iban\nBert,Gever,bert@example.nl,NL91ABNA0417164300\n",
    );
    db.json(&["import", "persons", f.to_str().unwrap()]);
    let giver = db.int("SELECT id FROM persons WHERE email = 'bert@example.nl'");
    let financial = "Financiële administratie";
    let plain_text = squash(&export_text(&db, &plain.to_string(), &[]));
    assert!(!plain_text.contains(financial), "{plain_text}");
    assert!(
        !plain_text.contains("BSN (periodieke schenking)"),
        "{plain_text}"
    );
    // Contact details alone: direct mail by post concerns everyone with a name.
    assert!(plain_text.contains("Direct mail per post"), "{plain_text}");
    assert!(
        !plain_text.contains("Profileren: klantberekeningen"),
        "{plain_text}"
    );
    let giver_text = squash(&export_text(&db, &giver.to_string(), &[]));
    assert!(giver_text.contains(financial), "{giver_text}");
    // An activity that names no categories applies to everyone, as typed.
    db.run(&[
        "register",
        "add",
        "--purpose",
        "Bezoekersonderzoek",
        "--legal-basis",
        "Gerechtvaardigd belang",
        "--data-categories",
        "Naam",
        "--recipients",
        "Geen",
        "--retention",
        "2 jaar",
    ])
    .success();
    let en = squash(&export_text(&db, &plain.to_string(), &["--lang", "en"]));
    assert!(en.contains("Bezoekersonderzoek"), "{en}");
    assert!(en.contains("Direct mail by post"), "{en}");
    let json = db.json(&["export-pdf", "--person", &plain.to_string()]);
    assert!(json["register"].as_array().unwrap().iter().all(
        |p| p["purpose"] != "Financiële administratie: betalingen, donaties en schenkingsakten"
    ));
}

#[test]
fn the_profiling_paragraph_explains_the_logic_and_article_22() {
    let db = ready_db();
    let id = populated(&db);
    let flat = squash(&export_text(&db, &id.to_string(), &[]));
    let rfm = db
        .text(&format!("SELECT rfm FROM scores WHERE person_id = {id}"))
        .unwrap();
    for v in [
        "R (recentheid)",
        "F (frequentie)",
        "M (monetaire waarde)",
        "vijf even grote groepen (vijfden)",
        &format!("Uw RFM-score is {rfm}"),
        "welke mailings en uitnodigingen",
        "artikel 22 AVG",
        "bezwaar maken tegen profilering",
    ] {
        assert!(flat.contains(v), "{v:?}: {flat}");
    }
    let en = squash(&export_text(&db, &id.to_string(), &["--lang", "en"]));
    for v in ["R (recency)", "fifths", "Article 22 GDPR"] {
        assert!(en.contains(v), "{v:?}: {en}");
    }
}

#[test]
fn english_translates_the_register_types_channels_and_sources() {
    let db = ready_db();
    let id = populated(&db);
    let en = squash(&export_text(&db, &id.to_string(), &["--lang", "en"]));
    for v in [
        "Newsletter",
        "Profiling",
        "Web form",
        "Preference centre",
        "Sending the newsletter",
        "Legitimate interest",
        "Import file ‘p.csv’",
        "Deed of gift",
        "subscribed",
        "Transactions (continued)",
        "Right to erasure",
    ] {
        assert!(en.contains(v), "{v:?} is not in the English PDF: {en}");
    }
    for dutch in [
        "Versturen van de",
        "Webformulier",
        "Schenkingsakte",
        "aangemeld",
        "Importbestand",
        "Toestemming",
    ] {
        assert!(!en.contains(dutch), "{dutch:?} is Dutch in the English PDF");
    }
}

#[test]
fn the_source_of_each_category_is_told_truthfully() {
    let db = ready_db();
    let id = populated(&db);
    let flat = squash(&export_text(&db, &id.to_string(), &[]));
    assert!(flat.contains("Naam Importbestand ‘p.csv’"), "{flat}");
    assert!(
        flat.contains("IBAN (bankrekening) Importbestand ‘p.csv’"),
        "{flat}"
    );
    assert!(
        flat.contains("Door u zelf ingevuld (Webformulier)"),
        "{flat}"
    );
    assert!(
        flat.contains("Ingevoerd door een medewerker (Telefonisch)"),
        "{flat}"
    );
    assert!(!flat.contains("van u zelf ontvangen"), "{flat}");
    // A person recorded before sources were kept: an honest "unknown".
    db.exec(
        "INSERT INTO persons (first_name, last_name, email, created_at) VALUES ('Oud', 'Klant', 'oud@example.nl', '2001-01-01T00:00:00Z')",
    );
    let old = db.int("SELECT id FROM persons WHERE email = 'oud@example.nl'");
    let flat = squash(&export_text(&db, &old.to_string(), &[]));
    assert!(flat.contains("Naam Onbekend: vastgelegd vóór"), "{flat}");
    assert!(
        flat.contains("toen wij de herkomst nog niet bijhielden"),
        "{flat}"
    );
    let json = db.json(&["export-pdf", "--person", &id.to_string()]);
    let sources = json["sources"].as_array().unwrap();
    assert!(sources.iter().any(|s| {
        s["kind"] == "import"
            && s["label"] == "p.csv"
            && s["categories"]
                .as_array()
                .unwrap()
                .contains(&serde_json::json!("iban"))
    }));
    assert!(sources.iter().any(|s| s["kind"] == "web_form"
        && s["label"] == "webformulier"
        && s["categories"] == serde_json::json!(["consent"])));
}

#[test]
fn nothing_is_cut_off_a_long_description_and_a_long_name_continue_on_the_next_page() {
    let db = ready_db();
    let long_name = format!("Anna{}", "maria".repeat(60));
    let id = db.person(&long_name, "Bakker", "anna@example.nl");
    let words: Vec<String> = (0..1300).map(|i| format!("woord{i:04}")).collect();
    let description = words.join(" ");
    assert!(description.len() >= 12_000);
    db.conn()
        .execute(
            "INSERT INTO transactions (person_id, kind, occurred_at, description, amount) VALUES (?1, 'donation', '2026-03-01T10:00:00Z', ?2, '10.00')",
            rusqlite::params![id, description],
        )
        .unwrap();
    let text = export_text(&db, &id.to_string(), &[]);
    for w in &words {
        assert!(text.contains(w.as_str()), "{w} is cut off");
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(compact.contains(&long_name), "the long name is cut off");
    assert!(text.contains("Transacties (vervolg)"));
}

fn seven_zip(args: &[&str]) -> std::process::Output {
    Command::new("7z")
        .args(args)
        .output()
        .expect("7z is installed (Debian p7zip-full)")
}

/// A person with two documents whose bytes are every byte value.
fn with_documents(db: &TestDb) -> (i64, Vec<(String, Vec<u8>)>) {
    let id = populated(db);
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    db.conn()
        .execute(
            "INSERT INTO documents (person_id, kind, filename, created_at, content, document_date) VALUES (?1, 'overeenkomst', '../Overeenkomst 2025.pdf', '2025-05-01T10:00:00Z', ?2, '2025-05-01')",
            rusqlite::params![id, bytes],
        )
        .unwrap();
    let conn = db.conn();
    let docs = conn
        .prepare("SELECT id, filename, content FROM documents WHERE person_id = ?1 ORDER BY id")
        .unwrap()
        .query_map([id], |r| {
            let id: i64 = r.get(0)?;
            let name: String = r.get(1)?;
            Ok((smp_avg::access::package_file(id, &name), r.get(2)?))
        })
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(docs.len(), 2);
    (id, docs)
}

#[test]
fn the_zip_package_is_aes_encrypted_and_holds_every_document_byte_for_byte() {
    let db = ready_db();
    let (id, docs) = with_documents(&db);
    let pw = db.file("pw.txt", "Zeer-geheim-2026\n");
    let zip = db.dir.path().join("inzage.zip");
    let out = summary(
        &db,
        &[
            "export-pdf",
            "--person",
            &id.to_string(),
            "--out",
            zip.to_str().unwrap(),
            "--password-file",
            pw.to_str().unwrap(),
        ],
    );
    assert_eq!(out["encrypted"], "true");
    assert_eq!(out["documents"], "2");
    assert_eq!(
        std::fs::metadata(&zip).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let ok = seven_zip(&["t", "-pZeer-geheim-2026", zip.to_str().unwrap()]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let wrong = seven_zip(&["t", "-pverkeerd", zip.to_str().unwrap()]);
    assert!(!wrong.status.success(), "opens with a wrong password");
    let none = seven_zip(&["t", "-p", zip.to_str().unwrap()]);
    assert!(!none.status.success(), "opens without a password");
    let listing = String::from_utf8_lossy(
        &seven_zip(&["l", "-slt", "-pZeer-geheim-2026", zip.to_str().unwrap()]).stdout,
    )
    .into_owned();
    assert!(listing.contains("AES-256"), "{listing}");
    // Extract and compare.
    let x = db.dir.path().join("x");
    let ex = seven_zip(&[
        "x",
        "-pZeer-geheim-2026",
        &format!("-o{}", x.display()),
        zip.to_str().unwrap(),
    ]);
    assert!(ex.status.success());
    for (name, bytes) in &docs {
        assert!(
            name.starts_with("documenten/") && !name.contains(".."),
            "{name}"
        );
        assert_eq!(&std::fs::read(x.join(name)).unwrap(), bytes, "{name}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(x.join("gegevens.json")).unwrap()).unwrap();
    assert_eq!(json["format_version"], 4);
    assert_eq!(json["documents"].as_array().unwrap().len(), 2);
    // The names in the zip can be read without its password: they are neutral, the
    // document's own name (which may name the person) is inside, in the JSON and PDF.
    let names =
        String::from_utf8_lossy(&seven_zip(&["l", "-slt", "-p", zip.to_str().unwrap()]).stdout)
            .lines()
            .filter_map(|l| l.strip_prefix("Path = "))
            .map(str::to_string)
            .collect::<Vec<_>>();
    let doc_names: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("documenten/"))
        .collect();
    assert_eq!(doc_names.len(), 2, "{names:?}");
    for n in &doc_names {
        let rest = n
            .strip_prefix("documenten/document-")
            .unwrap_or_else(|| panic!("{n}"));
        let (num, ext) = rest.split_once('.').unwrap();
        assert!(num.parse::<i64>().is_ok() && ext == "pdf", "{n}");
    }
    for n in &names {
        assert!(
            !n.contains("akte") && !n.contains("Overeenkomst") && !n.contains("nguyen"),
            "{n}"
        );
    }
    for d in json["documents"].as_array().unwrap() {
        assert_eq!(
            d["package_file"],
            format!("documenten/document-{}.pdf", d["id"]),
            "{d}"
        );
    }
    let pdf = x.join(format!("inzage-{id}.pdf"));
    let flat = squash(&pdf_text(&pdf));
    assert!(flat.contains("in de map ‘documenten’"), "{flat}");
    assert!(flat.contains("Overeenkomst 2025.pdf"), "{flat}");
    // One audit entry, saying what went out (no data).
    let details = db
        .text(&format!(
            "SELECT details FROM audit_log WHERE command = 'export-pdf' AND person_id = {id}"
        ))
        .unwrap();
    assert!(
        details.contains("\"output\":\"zip\"") && details.contains("\"encrypted\":true"),
        "{details}"
    );
}

#[test]
fn a_zip_without_a_password_file_gets_a_generated_password_shown_once() {
    let db = ready_db();
    let (id, _) = with_documents(&db);
    let zip = db.dir.path().join("inzage.zip");
    let a = db
        .run(&[
            "export-pdf",
            "--person",
            &id.to_string(),
            "--out",
            zip.to_str().unwrap(),
        ])
        .success();
    let err = stderr(&a);
    let password = err
        .lines()
        .find_map(|l| {
            l.split_once(": ")
                .filter(|(k, _)| k.starts_with("password of"))
                .map(|(_, p)| p.trim().to_string())
        })
        .unwrap_or_else(|| panic!("no password on stderr: {err}"));
    assert_eq!(password.len(), 23, "{password}");
    assert!(
        !common::stdout(&a).contains(&password),
        "the password is not on stdout"
    );
    assert!(
        seven_zip(&["t", &format!("-p{password}"), zip.to_str().unwrap()])
            .status
            .success()
    );
    assert!(
        !seven_zip(&["t", "-p", zip.to_str().unwrap()])
            .status
            .success()
    );
    // Never stored.
    let file = std::fs::read(&db.path).unwrap();
    assert!(
        !file
            .windows(password.len())
            .any(|w| w == password.as_bytes())
    );
}

#[test]
fn a_directory_package_holds_the_pdf_the_json_and_every_document() {
    let db = ready_db();
    let (id, docs) = with_documents(&db);
    let dir = db.dir.path().join("pakket");
    std::fs::create_dir(&dir).unwrap();
    let out = summary(
        &db,
        &[
            "export-pdf",
            "--person",
            &id.to_string(),
            "--out",
            dir.to_str().unwrap(),
        ],
    );
    assert_eq!(out["files"], (docs.len() + 2).to_string());
    for (name, bytes) in &docs {
        let path = dir.join(name);
        assert_eq!(&std::fs::read(&path).unwrap(), bytes, "{name}");
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert!(dir.join(format!("inzage-{id}.pdf")).exists());
    assert!(dir.join("gegevens.json").exists());
    // A second export into the same directory is refused, not mixed.
    let before = db.snapshot();
    let a = db
        .run(&[
            "export-pdf",
            "--person",
            &id.to_string(),
            "--out",
            dir.to_str().unwrap(),
        ])
        .code(1);
    assert!(stderr(&a).contains("empty directory"), "{}", stderr(&a));
    assert_eq!(db.snapshot(), before);
    // A directory cannot be encrypted.
    let other = db.dir.path().join("ander");
    std::fs::create_dir(&other).unwrap();
    let pw = db.file("pw.txt", "Zeer-geheim-2026\n");
    let a = db
        .run(&[
            "export-pdf",
            "--person",
            &id.to_string(),
            "--out",
            other.to_str().unwrap(),
            "--password-file",
            pw.to_str().unwrap(),
        ])
        .code(1);
    assert!(stderr(&a).contains("FILE.zip"), "{}", stderr(&a));
    assert_eq!(std::fs::read_dir(&other).unwrap().count(), 0);
}

#[test]
fn a_pdf_alone_can_be_encrypted_with_aes_256() {
    let db = ready_db();
    let id = db.person("Anna", "Bakker", "anna@example.nl");
    let pw = db.file("pw.txt", "Zeer-geheim-2026\n");
    let out = db.dir.path().join("a.pdf");
    db.run(&[
        "export-pdf",
        "--person",
        &id.to_string(),
        "--out",
        out.to_str().unwrap(),
        "--password-file",
        pw.to_str().unwrap(),
    ])
    .success();
    let no = Command::new("pdftotext")
        .arg(&out)
        .arg("-")
        .output()
        .unwrap();
    assert!(!no.status.success(), "readable without the password");
    let yes = Command::new("pdftotext")
        .args(["-upw", "Zeer-geheim-2026"])
        .arg(&out)
        .arg("-")
        .output()
        .unwrap();
    assert!(yes.status.success());
    assert!(String::from_utf8_lossy(&yes.stdout).contains("Anna Bakker"));
    let check = Command::new("qpdf")
        .args(["--check", "--password=Zeer-geheim-2026"])
        .arg(&out)
        .output()
        .expect("qpdf is installed");
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{report}");
    assert!(
        report.contains("encrypted") || report.contains("AESv3"),
        "{report}"
    );
    let show = Command::new("qpdf")
        .args(["--show-encryption", "--password=Zeer-geheim-2026"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&show.stdout).contains("AESv3"),
        "{}",
        String::from_utf8_lossy(&show.stdout)
    );
    // A password too short or empty is refused before anything is done.
    let before = db.snapshot();
    let short = db.file("short.txt", "kort\n");
    db.run(&[
        "export-pdf",
        "--person",
        &id.to_string(),
        "--out",
        out.to_str().unwrap(),
        "--password-file",
        short.to_str().unwrap(),
    ])
    .code(1);
    assert_eq!(db.snapshot(), before);
}

#[test]
fn a_failed_export_leaves_no_audit_entry_and_no_file() {
    let db = ready_db();
    let id = db.person("Anna", "Bakker", "anna@example.nl");
    let before = db.snapshot();
    for out in [
        db.dir.path().join("bestaat-niet/a.pdf"),
        db.dir.path().join("bestaat-niet/a.zip"),
        db.dir.path().join("bestaat-niet/a.json"),
    ] {
        let mut args = vec!["export-pdf", "--person", "", "--out", out.to_str().unwrap()];
        let id = id.to_string();
        args[2] = &id;
        if out.extension().unwrap() == "json" {
            args.extend(["--format", "json"]);
        }
        let a = db.run(&args).code(1);
        assert_eq!(stderr(&a).trim().lines().count(), 1, "{}", stderr(&a));
        assert_eq!(db.snapshot(), before, "{}", out.display());
    }
    // A read-only directory: nothing written, nothing recorded, no temporary file left.
    let ro = db.dir.path().join("alleen-lezen");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o500)).unwrap();
    let writable = std::fs::write(ro.join("probe"), b"x").is_ok(); // root ignores modes
    if !writable {
        db.run(&[
            "export-pdf",
            "--person",
            &id.to_string(),
            "--out",
            ro.join("a.pdf").to_str().unwrap(),
        ])
        .code(1);
        assert_eq!(db.snapshot(), before);
    }
    // When the entry cannot be recorded (here: a trigger added behind the tool's back
    // makes every writer refuse), the file does not appear either.
    db.exec_raw(
        "CREATE TRIGGER sneaky BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'nee'); END",
    );
    let out = db.dir.path().join("a.pdf");
    db.run(&[
        "export-pdf",
        "--person",
        &id.to_string(),
        "--out",
        out.to_str().unwrap(),
    ])
    .code(1);
    assert!(!out.exists(), "the file appeared without its audit entry");
    let leftovers: Vec<_> = std::fs::read_dir(db.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_pdf_is_valid_small_with_embedded_fonts_and_true_metadata() {
    let db = ready_db();
    let id = db.person("Łukasz", "Żółć", "l@example.pl");
    db.exec(&format!(
        "INSERT INTO transactions (person_id, kind, occurred_at, description, amount)
         WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n WHERE value < 60)
         SELECT {id}, 'ticket', '2026-0' || (value % 9 + 1) || '-1' || (value % 9) || 'T20:00:00Z', 'Voorstelling ' || value, '12.50'
         FROM n"
    ));
    let out = db.dir.path().join("a.pdf");
    let summary = common::stdout(
        &db.run(&[
            "export-pdf",
            "--person",
            &id.to_string(),
            "--out",
            out.to_str().unwrap(),
            "--format",
            "csv",
        ])
        .success(),
    );
    // person_id,file,pages,bytes,encrypted
    let pages: u64 = summary
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(2)
        .unwrap()
        .parse()
        .unwrap();
    assert!((3..=5).contains(&pages), "{pages} pages");
    let size = std::fs::metadata(&out).unwrap().len();
    assert!(size < 150 * 1024, "a {pages}-page answer is {size} bytes");
    let check = Command::new("qpdf")
        .arg("--check")
        .arg(&out)
        .output()
        .expect("qpdf is installed");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let fonts = Command::new("pdffonts").arg(&out).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{fonts}");
    for row in rows {
        // emb = yes: the shipped (subset) DejaVu Sans travels with the document.
        assert!(
            row.contains("CID TrueType") && row.contains(" yes "),
            "{fonts}"
        );
    }
    let info = Command::new("pdfinfo").arg(&out).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.contains("Title:")
            && info.contains("Inzage in uw persoonsgegevens — Theater De Kroon"),
        "{info}"
    );
    assert!(
        info.lines()
            .any(|l| l.starts_with("Author:") && l.contains("Theater De Kroon")),
        "{info}"
    );
    let year = chrono::Utc::now().format("%Y").to_string();
    assert!(
        info.lines()
            .any(|l| l.starts_with("CreationDate:") && l.contains(&year)),
        "{info}"
    );
    assert!(!info.contains("1970"), "{info}");
}

#[test]
fn characters_the_fonts_cannot_draw_are_replaced_never_blank_and_the_pdf_says_so() {
    let db = ready_db();
    let id = db.person("山田", "太郎", "taro@example.jp");
    db.run(&["person", "edit", &id.to_string(), "--city", "القاهرة"])
        .success();
    db.run(&[
        "subscribe",
        "--person",
        &id.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--description",
        "Graag de nieuwsbrief 🎭",
    ])
    .success();
    let out = db.dir.path().join("taro.pdf");
    let a = db
        .run(&[
            "export-pdf",
            "--person",
            &id.to_string(),
            "--out",
            out.to_str().unwrap(),
        ])
        .success();
    assert!(
        stderr(&a).contains("cannot be drawn"),
        "the operator is told: {}",
        stderr(&a)
    );
    let text = pdf_text(&out);
    let flat = squash(&text);
    // Every character that cannot be drawn is a replacement character, one for one.
    assert!(flat.contains("Voornaam \u{FFFD}\u{FFFD}"), "{flat}");
    assert!(flat.contains("Achternaam \u{FFFD}\u{FFFD}"), "{flat}");
    assert!(
        flat.contains("Plaats \u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"),
        "{flat}"
    );
    assert!(flat.contains("Graag de nieuwsbrief \u{FFFD}"), "{flat}");
    // Near the top: what happened and where the complete data is.
    let notice = flat
        .find("kunnen in dit document niet worden weergegeven")
        .expect("the notice");
    assert!(notice < flat.find("Persoonsgegevens").unwrap(), "{flat}");
    assert!(flat.contains("gegevens.json"), "{flat}");
    // English too, and in a package it points at the JSON beside it.
    let en = squash(&export_text(&db, &id.to_string(), &["--lang", "en"]));
    assert!(
        en.contains("cannot be shown in this document; they are replaced by \u{FFFD}"),
        "{en}"
    );
    let dir = db.dir.path().join("pakket");
    std::fs::create_dir(&dir).unwrap();
    db.run(&[
        "export-pdf",
        "--person",
        &id.to_string(),
        "--out",
        dir.to_str().unwrap(),
    ])
    .success();
    let flat = squash(&pdf_text(&dir.join(format!("inzage-{id}.pdf"))));
    assert!(
        flat.contains("staan in het bestand gegevens.json in dit inzagepakket"),
        "{flat}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("gegevens.json")).unwrap()).unwrap();
    assert_eq!(json["person"]["first_name"], "山田");
    assert_eq!(json["person"]["city"], "القاهرة");
    // A person whose data the fonts draw gets no such sentence.
    let plain = db.person("Łukasz", "Żółć", "l@example.pl");
    let flat = squash(&export_text(&db, &plain.to_string(), &[]));
    assert!(!flat.contains("niet worden weergegeven"), "{flat}");
    assert!(!flat.contains('\u{FFFD}'), "{flat}");
}

#[test]
fn the_register_tells_transfers_outside_the_eea_and_whose_data() {
    let db = ready_db();
    let id = db.person("Anna", "Bakker", "anna@example.nl");
    let post = db.int(
        "SELECT id FROM processing_register WHERE purpose = 'Direct mail per post' AND removed_at IS NULL",
    );
    db.run(&[
        "register",
        "edit",
        &post.to_string(),
        "--recipients",
        "Drukkerij (verwerker), adrescontrole door PostGrid",
        "--transfers",
        "Verenigde Staten (PostGrid): EU-VS Data Privacy Framework en modelcontractbepalingen",
    ])
    .success();
    db.run(&[
        "register",
        "add",
        "--purpose",
        "Bezoekersonderzoek",
        "--legal-basis",
        "Gerechtvaardigd belang",
        "--data-categories",
        "Naam",
        "--recipients",
        "Geen",
        "--retention",
        "2 jaar",
    ])
    .success();
    let nl = squash(&export_text(&db, &id.to_string(), &[]));
    assert!(
        nl.contains("Doorgifte buiten de EER en waarborgen Verenigde Staten (PostGrid): EU-VS Data Privacy Framework en modelcontractbepalingen"),
        "{nl}"
    );
    assert!(
        nl.contains("Van wie Klanten en relaties met een postadres"),
        "{nl}"
    );
    // An entry that does not say is told as such, not left out.
    assert!(
        nl.contains("Doorgifte buiten de EER en waarborgen Niet vastgelegd in ons register"),
        "{nl}"
    );
    let en = squash(&export_text(&db, &id.to_string(), &["--lang", "en"]));
    assert!(
        en.contains("Whose data Customers and contacts with a postal address"),
        "{en}"
    );
    assert!(
        en.contains("Transfers outside the EEA and safeguards Verenigde Staten (PostGrid)"),
        "{en}"
    );
    let json = db.json(&["export-pdf", "--person", &id.to_string()]);
    assert!(
        json["register"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["transfers"].as_str().unwrap().contains("PostGrid"))
    );
    // The starter register's own words, in both languages.
    let subscriber = db.person("Bert", "Lezer", "bert@example.nl");
    db.run(&[
        "subscribe",
        "--person",
        &subscriber.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-in",
    ])
    .success();
    let nl = squash(&export_text(&db, &subscriber.to_string(), &[]));
    assert!(
        nl.contains("Doorgifte buiten de EER en waarborgen Geen doorgifte buiten de EER"),
        "{nl}"
    );
    let en = squash(&export_text(
        &db,
        &subscriber.to_string(),
        &["--lang", "en"],
    ));
    assert!(
        en.contains("Transfers outside the EEA and safeguards No transfers outside the EEA"),
        "{en}"
    );
    assert!(
        en.contains("Whose data Subscribers to the newsletter"),
        "{en}"
    );
}

#[test]
fn an_address_on_the_suppression_list_is_not_mailable_and_the_person_is_told_why_and_since_when() {
    let db = ready_db();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    db.run(&[
        "subscribe",
        "--person",
        &id.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-in",
    ])
    .success();
    let flat = squash(&export_text(&db, &id.to_string(), &[]));
    assert!(flat.contains("Wij kunnen u e-mail sturen ja"), "{flat}");
    assert!(
        !flat.contains("Lijst van adressen die wij niet mailen"),
        "{flat}"
    );
    db.run(&["--yes", "unsubscribe-all", "--person", &id.to_string()])
        .success();
    db.run(&[
        "suppression",
        "add",
        "jan@example.nl",
        "--reason",
        "complaint",
        "--description",
        "Spammelding via Laposta",
    ])
    .success();
    // The rule of person show.
    let card = db.json(&["person", "show", &id.to_string()]);
    assert_eq!(card["mailable"], false);
    let flat = squash(&export_text(&db, &id.to_string(), &[]));
    assert!(
        flat.contains(
            "Wij kunnen u e-mail sturen nee: uw adres staat op onze lijst van adressen die wij niet mailen"
        ),
        "{flat}"
    );
    assert!(
        flat.contains("Lijst van adressen die wij niet mailen Uw e-mailadres staat op onze lijst"),
        "{flat}"
    );
    assert!(
        flat.contains("Deze vermelding is een gegeven dat wij over u bewaren"),
        "{flat}"
    );
    let since = db
        .text("SELECT since FROM suppressions WHERE reason = 'unsubscribed_all'")
        .unwrap();
    // The day as the PDF writes it: on the organisation's clock, not in UTC (a suppression
    // made at 23:30 UTC in winter is dated the next day in Amsterdam).
    let day = chrono::DateTime::parse_from_rfc3339(&since)
        .unwrap()
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .format("%d-%m-%Y")
        .to_string();
    assert!(
        flat.contains(&format!("U heeft zich voor alle mailings afgemeld {day}")),
        "{flat}"
    );
    assert!(
        flat.contains("Onze e-mail aan dit adres is als ongewenst (spam)"),
        "{flat}"
    );
    assert!(flat.contains("Spammelding via Laposta"), "{flat}");
    let en = squash(&export_text(&db, &id.to_string(), &["--lang", "en"]));
    assert!(
        en.contains(
            "We can send you e-mail no: your address is on our list of addresses we do not mail"
        ),
        "{en}"
    );
    assert!(en.contains("You unsubscribed from all mailings"), "{en}");
    // And in the JSON of the answer.
    let json = db.json(&["export-pdf", "--person", &id.to_string()]);
    assert_eq!(json["person"]["mailable"], false);
    assert_eq!(
        json["status"]["not_mailable_because"],
        serde_json::json!(["suppressed"])
    );
    let entries = json["suppressions"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    let entry = |reason: &str| entries.iter().find(|e| e["reason"] == reason).unwrap();
    assert_eq!(entry("unsubscribed_all")["since"], since.as_str());
    assert_eq!(entry("unsubscribed_all")["source"], "unsubscribe-all");
    assert_eq!(entry("complaint")["description"], "Spammelding via Laposta");
}

#[test]
fn json_goes_to_standard_output_or_a_json_file_never_into_a_pdf_or_zip() {
    let db = ready_db();
    let id = db.person("Anna", "Bakker", "anna@example.nl");
    let dir = db.dir.path().join("pakket");
    std::fs::create_dir(&dir).unwrap();
    let before = db.snapshot();
    for out in [
        db.dir.path().join("x.pdf"),
        db.dir.path().join("x.ZIP"),
        dir.clone(),
    ] {
        let a = db
            .run(&[
                "export-pdf",
                "--person",
                &id.to_string(),
                "--out",
                out.to_str().unwrap(),
                "--format",
                "json",
            ])
            .code(1);
        let err = stderr(&a);
        assert!(
            err.contains("--format json") && err.contains(".json file"),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    assert!(!db.dir.path().join("x.pdf").exists());
    assert!(!db.dir.path().join("x.ZIP").exists());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    assert_eq!(db.snapshot(), before);
    // A .json file gets the JSON.
    let json = db.dir.path().join("gegevens.json");
    db.run(&[
        "export-pdf",
        "--person",
        &id.to_string(),
        "--out",
        json.to_str().unwrap(),
        "--format",
        "json",
    ])
    .success();
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v["person"]["id"], id);
}

/// An anonymised person has no access answer: the export is refused with one line,
/// writes no file (PDF, zip, directory or JSON) and records nothing. When a law still
/// holds a document of theirs, the line names it and how to give a copy.
#[test]
fn an_anonymised_person_is_refused_with_one_line_and_nothing_written() {
    let db = ready_db();
    let plain = db.person("Piet", "Smit", "piet@example.nl");
    let held = db.person("Kees", "Jong", "kees@example.nl");
    let f = db.file("akte kees.pdf", "%PDF-1.4 AKTE");
    let deed = db.json(&[
        "document",
        "add",
        &held.to_string(),
        f.to_str().unwrap(),
        "--kind",
        "schenkingsakte",
        "--date",
        "2025-06-01",
    ])["id"]
        .as_i64()
        .unwrap();
    for p in [plain, held] {
        db.json(&["anonymise", "--person", &p.to_string(), "--yes"]);
    }
    let dir = db.dir.path().join("leeg");
    std::fs::create_dir(&dir).unwrap();
    let before = db.snapshot();
    for (p, says) in [
        (
            plain,
            "nothing is held to answer with; the erasure is the answer".to_string(),
        ),
        (
            held,
            format!("1 document(s) a law says to keep (ids {deed}, until 2032-06-01"),
        ),
    ] {
        let ps = p.to_string();
        let pdf = db.dir.path().join(format!("p{p}.pdf"));
        let zip = db.dir.path().join(format!("p{p}.zip"));
        let json = db.dir.path().join(format!("p{p}.json"));
        for args in [
            vec!["export-pdf", "--person", &ps],
            vec![
                "export-pdf",
                "--person",
                &ps,
                "--out",
                pdf.to_str().unwrap(),
            ],
            vec![
                "export-pdf",
                "--person",
                &ps,
                "--out",
                zip.to_str().unwrap(),
            ],
            vec![
                "export-pdf",
                "--person",
                &ps,
                "--out",
                dir.to_str().unwrap(),
            ],
            vec!["export-pdf", "--person", &ps, "--format", "json"],
            vec![
                "export-pdf",
                "--person",
                &ps,
                "--format",
                "json",
                "--out",
                json.to_str().unwrap(),
            ],
        ] {
            let out = db.run(&args).code(1);
            let err = stderr(&out);
            assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
            assert!(
                err.contains(&format!("person {p} was anonymised at")) && err.contains(&says),
                "{args:?}: {err}"
            );
            assert!(common::stdout(&out).is_empty(), "{args:?}");
            assert!(!err.contains("Kees") && !err.contains("akte"), "{err}");
        }
        for f in [
            pdf,
            zip,
            json,
            db.dir.path().join(format!("person-{p}.pdf")),
        ] {
            assert!(!f.exists(), "{}", f.display());
        }
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    assert_eq!(db.snapshot(), before);
}

/// In the hour the clock repeats (the last Sunday of October), an opt-in at 02:40 summer
/// time comes before an opt-out at 02:20 winter time: the PDF names the zone of those
/// times, so that the person reads their history in its true order.
#[test]
fn the_hour_the_clock_repeats_is_told_apart_in_the_pdf() {
    let db = ready_db();
    let id = db.person("Jan", "Vries", "jan@example.nl").to_string();
    for (at, choice) in [
        ("2026-10-25T00:40:00Z", "--opt-in"),
        ("2026-10-25T01:20:00Z", "--opt-out"),
    ] {
        db.run(&[
            "subscribe",
            "--person",
            &id,
            "--type",
            "nieuwsbrief",
            choice,
            "--at",
            at,
        ])
        .success();
    }
    let flat = squash(&export_text(&db, &id, &[]));
    // The zone goes on the cell's second line: in the text it follows the row's other
    // cells.
    let row_after = |time: &str| -> String {
        let i = flat
            .find(time)
            .unwrap_or_else(|| panic!("no {time} in {flat}"));
        flat[i + time.len()..].chars().take(60).collect()
    };
    assert!(row_after("25-10-2026 02:40").contains(" CEST"), "{flat}");
    let out = row_after("25-10-2026 02:20");
    assert!(out.contains(" CET") && !out.contains("CEST"), "{flat}");
}
