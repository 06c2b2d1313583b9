#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
use common::{TestDb, stderr};

const PERSONS_DUTCH: &str = "\u{feff}Voornaam_is_not_a_column\r\n";

#[test]
fn persons_from_a_dutch_spreadsheet_export() {
    let db = TestDb::new();
    // Semicolons, BOM, CRLF, dd-mm-yyyy, columns in any order and case.
    let csv = "\u{feff}Last_Name;First_Name;Infix;Email;Postal_Code;Country;IBAN;BSN;Birth_Date;Deceased;Created_At\r\n\
               Vries;Jan;de;jan@example.nl;1234ab;NL;nl91 abna 0417 1643 00;111222333;28-02-1970;nee;15-03-2019\r\n\
               Żółć;Łukasz;;lukasz@example.pl;00-950;PL;;;1985-07-01;0;\r\n";
    let f = db.file("klanten.csv", csv);
    let out = db.json(&["import", "persons", f.to_str().unwrap()]);
    assert_eq!(out["inserted"], 2);
    let card = db.json(&["person", "show", "jan@example.nl"]);
    assert_eq!(card["infix"], "de");
    assert_eq!(card["postal_code"], "1234 AB");
    assert_eq!(card["iban"], "NL91ABNA0417164300");
    assert_eq!(card["birth_date"], "1970-02-28");
    assert_eq!(card["created_at"], "2019-03-15T00:00:00Z");
    assert_eq!(card["deceased"], false);
    assert_eq!(card["mailable"], true);
    let pl = db.json(&["person", "show", "lukasz@example.pl"]);
    assert_eq!(pl["last_name"], "Żółć");
    assert_eq!(pl["postal_code"], "00-950");
    assert!(pl["infix"].is_null());
}

#[test]
fn persons_from_stdin_with_commas_and_lf() {
    let db = TestDb::new();
    let a = db.run_stdin(
        &["import", "persons", "-", "--format", "json"],
        "first_name,last_name,email\nAnna,Bakker,anna@example.nl\n\"Kees, jr.\",Smit,kees@example.nl\n",
    );
    a.success();
    assert_eq!(db.int("SELECT count(*) FROM persons"), 2);
    assert_eq!(
        db.text("SELECT first_name FROM persons WHERE email = 'kees@example.nl'")
            .as_deref(),
        Some("Kees, jr.")
    );
}

#[test]
fn persons_with_an_id_are_updated_in_the_given_columns_only() {
    let db = TestDb::new();
    let id = db.person("Jan", "Jansen", "jan@example.nl");
    let f = db.file("upd.csv", &format!("id;city;bouncer\n{id};Utrecht;ja\n"));
    let out = db.json(&["import", "persons", f.to_str().unwrap()]);
    assert_eq!(out["updated"], 1);
    assert_eq!(out["inserted"], 0);
    assert_eq!(
        db.text(&format!("SELECT city FROM persons WHERE id = {id}"))
            .as_deref(),
        Some("Utrecht")
    );
    assert_eq!(
        db.text(&format!("SELECT first_name FROM persons WHERE id = {id}"))
            .as_deref(),
        Some("Jan")
    );
    assert_eq!(
        db.int(&format!("SELECT bouncer FROM persons WHERE id = {id}")),
        1
    );
}

/// One bad row among good ones: exit 1, the line named with the field, nothing written.
fn refused(db: &TestDb, kind: &str, csv: &str, expect: &[&str]) {
    let before = db.snapshot();
    let f = db.file("bad.csv", csv);
    let a = db.run(&["import", kind, f.to_str().unwrap()]).code(1);
    let err = stderr(&a);
    for e in expect {
        assert!(err.contains(e), "expected {e:?} in: {err}");
    }
    assert!(err.contains("nothing imported"), "{err}");
    assert_eq!(db.snapshot(), before, "the database changed");
}

#[test]
fn every_kind_of_bad_person_row_is_named_and_nothing_is_written() {
    let db = TestDb::new();
    refused(
        &db,
        "persons",
        "first_name,email\nJan,jan@example.nl\nPiet,pi\u{1b}[2Jet@example.nl\n",
        &["line 3: email", "control characters"],
    );
    refused(
        &db,
        "persons",
        "first_name,iban\nJan,NL91ABNA0417164300\nPiet,NL92ABNA0417164300\n",
        &["line 3: iban"],
    );
    refused(
        &db,
        "persons",
        "first_name,bsn\nJan,111222333\nPiet,123456789\n",
        &["line 3: bsn", "11-check"],
    );
    refused(
        &db,
        "persons",
        "first_name,birth_date\nJan,30-02-1980\n",
        &["line 2: birth_date"],
    );
    refused(
        &db,
        "persons",
        "first_name,created_at\nJan,gisteren\n",
        &["line 2: created_at"],
    );
    refused(
        &db,
        "persons",
        "first_name,deceased\nJan,misschien\n",
        &["line 2: deceased"],
    );
    refused(
        &db,
        "persons",
        "first_name,postal_code,country\nJan,12345,NL\n",
        &["line 2: postal_code"],
    );
    refused(
        &db,
        "persons",
        "id,first_name\n999,Jan\n",
        &["line 2: id: no person with id 999"],
    );
    refused(
        &db,
        "persons",
        "first_name,last_name\nJan\n",
        &["line 2: 1 fields"],
    );
    // Several bad rows: every one is reported.
    refused(
        &db,
        "persons",
        "first_name,iban\nA,NL92ABNA0417164300\nB,\nC,NL00\n",
        &["line 2: iban", "line 4: iban", "2 bad rows"],
    );
}

#[test]
fn header_problems_are_one_line() {
    let db = TestDb::new();
    let before = db.snapshot();
    let f = db.file("h.csv", "first_name,shoe_size\nJan,44\n");
    let a = db.run(&["import", "persons", f.to_str().unwrap()]).code(1);
    assert!(stderr(&a).contains("unknown column 'shoe_size'"));
    assert_eq!(stderr(&a).trim().lines().count(), 1);
    let f = db.file("t.csv", "person,kind\n1,ticket\n");
    let a = db
        .run(&["import", "transactions", f.to_str().unwrap()])
        .code(1);
    assert!(stderr(&a).contains("required column 'occurred_at'"));
    let a = db.run(&["import", "persons", "no-such-file.csv"]).code(1);
    assert!(stderr(&a).contains("no-such-file.csv"));
    let f = db.file("latin1.csv", "");
    std::fs::write(&f, b"first_name\nJos\xe9\n").unwrap();
    let a = db.run(&["import", "persons", f.to_str().unwrap()]).code(1);
    assert!(stderr(&a).contains("UTF-8"));
    assert_eq!(db.snapshot(), before);
}

#[test]
fn transactions_with_dutch_amounts_and_dates() {
    let db = TestDb::new();
    let id = db.person("Jan", "Jansen", "jan@example.nl");
    let csv = format!(
        "person;kind;occurred_at;description;amount\r\n{id};ticket;28-11-2026;Hamlet;12,50\r\njan@example.nl;donation;2026-11-01;Gift;€ 1.250,00\r\n{id};loan;2026-10-01T10:00:00Z;Boek;\r\n"
    );
    let f = db.file("tx.csv", &csv);
    let out = db.json(&["import", "transactions", f.to_str().unwrap()]);
    assert_eq!(out["inserted"], 3);
    assert_eq!(
        db.text(
            "SELECT group_concat(amount, ' ') FROM (SELECT amount FROM transactions ORDER BY id)"
        )
        .as_deref(),
        Some("12.50 1250.00 0.00")
    );
    assert_eq!(
        db.text("SELECT occurred_at FROM transactions WHERE kind = 'ticket'")
            .as_deref(),
        Some("2026-11-28T00:00:00Z")
    );
}

#[test]
fn every_kind_of_bad_transaction_row_is_named() {
    let db = TestDb::new();
    let id = db.person("Jan", "Jansen", "jan@example.nl");
    let ok = format!("{id},ticket,2026-11-28,Hamlet,12.50");
    let head = "person,kind,occurred_at,description,amount";
    refused(
        &db,
        "transactions",
        &format!("{head}\n{ok}\n{id},parking,2026-11-28,x,1\n"),
        &["line 3: kind"],
    );
    refused(
        &db,
        "transactions",
        &format!("{head}\n{ok}\n{id},ticket,31-11-2026,x,1\n"),
        &["line 3: occurred_at"],
    );
    refused(
        &db,
        "transactions",
        &format!("{head}\n{ok}\n{id},ticket,2026-11-28,x,twaalf\n"),
        &["line 3: amount"],
    );
    refused(
        &db,
        "transactions",
        &format!("{head}\n{ok}\n4242,ticket,2026-11-28,x,1\n"),
        &["line 3: person"],
    );
    refused(
        &db,
        "transactions",
        &format!("{head}\n{ok}\nnobody@example.nl,ticket,2026-11-28,x,1\n"),
        &["line 3: person"],
    );
}

#[test]
fn bounces_mark_persons_case_insensitively() {
    let db = TestDb::new();
    let a = db.person("Jan", "Jansen", "Jan@Example.nl");
    let b = db.person("Piet", "Pieters", "piet@example.nl");
    let out = db.json(&[
        "import",
        "bounces",
        db.file("b.csv", "email\njan@example.NL\nunknown@example.nl\n")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(out["marked"], 1);
    assert_eq!(out["unknown"], 1);
    assert_eq!(
        db.int(&format!("SELECT bouncer FROM persons WHERE id = {a}")),
        1
    );
    assert_eq!(
        db.int(&format!("SELECT bouncer FROM persons WHERE id = {b}")),
        0
    );
    assert_eq!(
        db.json(&["person", "show", &a.to_string()])["mailable"],
        false
    );
    refused(
        &db,
        "bounces",
        "email\npiet@example.nl\nnot an address\n",
        &["line 3: email"],
    );
    assert_eq!(
        db.int(&format!("SELECT bouncer FROM persons WHERE id = {b}")),
        0
    );
}

#[test]
fn dry_run_imports_nothing() {
    let db = TestDb::new();
    let before = db.snapshot();
    let out = db.json(&[
        "import",
        "persons",
        db.file("p.csv", "first_name\nJan\n").to_str().unwrap(),
        "--dry-run",
    ]);
    assert_eq!(out["inserted"], 1);
    assert_eq!(out["dry_run"], true);
    assert_eq!(db.snapshot(), before);
}

#[test]
fn unknown_column_with_a_bom_is_still_named_plainly() {
    let db = TestDb::new();
    let a = db
        .run(&[
            "import",
            "persons",
            db.file("x.csv", PERSONS_DUTCH).to_str().unwrap(),
        ])
        .code(1);
    assert!(
        stderr(&a).contains("unknown column 'Voornaam_is_not_a_column'"),
        "{}",
        stderr(&a)
    );
}

/// The suppression entries of an address, as (reason, since, source).
fn suppressions_of(db: &TestDb, email: &str) -> Vec<(String, String, String)> {
    let conn = db.conn();
    let key = smp_avg::db::suppression::secret(&conn).unwrap();
    let hash = smp_avg::db::suppression::address_hash(&key, email);
    smp_avg::db::suppression::of(&conn, &hash)
        .unwrap()
        .into_iter()
        .map(|s| (s.reason, s.since, s.source))
        .collect()
}

#[test]
fn bounce_exports_of_newsletter_tools_are_read_as_they_are() {
    // Mailchimp's cleaned-members export: `Email Address` among its own columns.
    let db = TestDb::new();
    let jan = db.person("Jan", "Jansen", "jan@example.nl");
    let f = db.file(
        "cleaned_members.csv",
        "Email Address,First Name,Last Name,MEMBER_RATING\njan@example.nl,Jan,Jansen,2\n",
    );
    let a = db
        .run(&["--format", "json", "import", "bounces", f.to_str().unwrap()])
        .success();
    let out: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(out["marked"], 1);
    // For scripts: a list in the JSON, and no note on stderr.
    assert_eq!(
        out["ignored_columns"],
        serde_json::json!(["First Name", "Last Name", "MEMBER_RATING"])
    );
    assert!(!stderr(&a).contains("ignored column"), "{}", stderr(&a));
    // For people: the note on stderr.
    let a = db
        .run(&["import", "bounces", f.to_str().unwrap(), "--dry-run"])
        .success();
    assert!(
        stderr(&a).contains("ignored columns 'First Name', 'Last Name', 'MEMBER_RATING'"),
        "{}",
        stderr(&a)
    );
    assert_eq!(
        db.int(&format!("SELECT bouncer FROM persons WHERE id = {jan}")),
        1
    );
    // Laposta (`E-mailadres`, `;`), listmonk (`email`), any case; `--column` for others.
    for (header, sep) in [
        ("E-mailadres", ";"),
        ("EMAIL", ","),
        ("e-mail", ";"),
        ("email address", ","),
    ] {
        let db = TestDb::new();
        let p = db.person("Piet", "Pieters", "piet@example.nl");
        let f = db.file(
            "b.csv",
            &format!("Naam{sep}{header}\nPiet{sep}piet@example.nl\n"),
        );
        let out = db.json(&["import", "bounces", f.to_str().unwrap()]);
        assert_eq!(out["marked"], 1, "{header}");
        assert_eq!(
            db.int(&format!("SELECT bouncer FROM persons WHERE id = {p}")),
            1
        );
    }
    let db = TestDb::new();
    db.person("Piet", "Pieters", "piet@example.nl");
    let f = db.file("b.csv", "Adres,Status\npiet@example.nl,bounced\n");
    let a = db.run(&["import", "bounces", f.to_str().unwrap()]).code(1);
    assert!(
        stderr(&a).contains("no address column") && stderr(&a).contains("--column"),
        "{}",
        stderr(&a)
    );
    let out = db.json(&[
        "import",
        "bounces",
        f.to_str().unwrap(),
        "--column",
        "adres",
    ]);
    assert_eq!(out["marked"], 1);
    // --column belongs to address lists only: refused elsewhere, nothing changed.
    let before = db.snapshot();
    db.run(&[
        "import",
        "transactions",
        f.to_str().unwrap(),
        "--column",
        "x",
    ])
    .code(1);
    assert_eq!(db.snapshot(), before);
}

#[test]
fn hard_bounces_mark_and_suppress_complaints_suppress_soft_bounces_are_only_reported() {
    let db = TestDb::new();
    let hard = db.person("Hard", "Bounce", "hard@example.nl");
    let soft = db.person("Soft", "Bounce", "soft@example.nl");
    let complaint = db.person("Klacht", "Gever", "klacht@example.nl");
    let plain = db.person("Zonder", "Reden", "plain@example.nl");
    let f = db.file(
        "b.csv",
        "email;reason;date\n\
         hard@example.nl;HARD;28-11-2026\n\
         soft@example.nl;soft;\n\
         klacht@example.nl;Complaint;2026-11-29T10:00:00Z\n\
         plain@example.nl;;\n\
         weg@example.nl;hard;2026-11-27\n",
    );
    let a = db
        .run(&["--format", "json", "import", "bounces", f.to_str().unwrap()])
        .success();
    let out: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(out["marked"], 2, "{out}");
    assert_eq!(out["soft"], 1);
    assert_eq!(out["complaints"], 1);
    assert_eq!(out["unknown"], 1);
    assert_eq!(out["suppressed"], 4);
    assert_eq!(out["warnings"], 1);
    let err = stderr(&a);
    // The unknown address is listed by its line (no address on stderr); soft bounces
    // are said to be left alone.
    assert!(
        err.contains("line 6: no person holds this address"),
        "{err}"
    );
    assert!(!err.contains("weg@example.nl"), "{err}");
    assert!(
        err.contains("1 soft bounce reported, nobody marked"),
        "{err}"
    );
    let bouncer = |id: i64| db.int(&format!("SELECT bouncer FROM persons WHERE id = {id}"));
    assert_eq!(
        (
            bouncer(hard),
            bouncer(soft),
            bouncer(complaint),
            bouncer(plain)
        ),
        (1, 0, 0, 1)
    );
    assert_eq!(
        suppressions_of(&db, "hard@example.nl"),
        vec![(
            "hard_bounce".into(),
            "2026-11-28T00:00:00Z".into(),
            "import bounces".into()
        )]
    );
    assert_eq!(
        suppressions_of(&db, "klacht@example.nl"),
        vec![(
            "complaint".into(),
            "2026-11-29T10:00:00Z".into(),
            "import bounces".into()
        )]
    );
    assert!(suppressions_of(&db, "soft@example.nl").is_empty());
    assert_eq!(suppressions_of(&db, "weg@example.nl")[0].0, "hard_bounce");
    assert_eq!(suppressions_of(&db, "plain@example.nl")[0].0, "hard_bounce");
    // The audit log has counts, never an address.
    let details = db
        .text("SELECT details FROM audit_log WHERE command = 'import bounces'")
        .unwrap();
    assert!(!details.contains('@'), "{details}");
    assert!(details.contains("\"suppressed\":4"), "{details}");
    // The same file again adds nothing to the list (the first date stays).
    let again = db.json(&["import", "bounces", f.to_str().unwrap()]);
    assert_eq!(again["suppressed"], 0);
}

#[test]
fn bad_bounce_rows_are_named_and_set_aside_with_reject_file() {
    let db = TestDb::new();
    let jan = db.person("Jan", "Jansen", "jan@example.nl");
    let tomorrow = (chrono::Utc::now() + chrono::Duration::hours(20))
        .format("%Y-%m-%d")
        .to_string();
    let csv = format!(
        "email,reason,date\n\
         jan@example.nl,hard,{tomorrow}\n\
         piet@example.nl,later,\n\
         not an address,hard,\n\
         kees@example.nl,hard,2099-01-01\n\
         anna@example.nl,soft,31-02-2026\n"
    );
    refused(
        &db,
        "bounces",
        &csv,
        &[
            "line 3: reason: 'later' is not hard, soft or complaint",
            "line 4: email",
            "line 5: date: 2099-01-01T00:00:00Z is in the future",
            "line 6: date",
            "4 bad rows",
        ],
    );
    assert_eq!(
        db.int(&format!("SELECT bouncer FROM persons WHERE id = {jan}")),
        0
    );
    // With --reject-file the good row is applied and the bad ones go to the file.
    let f = db.file("b.csv", &csv);
    let rejects = db.dir.path().join("afgekeurd.csv");
    let out = db.json(&[
        "import",
        "bounces",
        f.to_str().unwrap(),
        "--reject-file",
        rejects.to_str().unwrap(),
    ]);
    assert_eq!(out["rejected"], 4);
    assert_eq!(out["marked"], 1);
    let text = std::fs::read_to_string(&rejects).unwrap();
    assert!(
        text.starts_with("line,reason,email,reason,date\n"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 5, "{text}");
}

#[test]
fn suppression_lists_go_on_the_list_without_touching_persons() {
    let db = TestDb::new();
    let jan = db.person("Jan", "Jansen", "jan@example.nl");
    let before_persons = db.text("SELECT group_concat(bouncer) FROM persons");
    let f = db.file(
        "blocklist.csv",
        "Email Address;Reason;Date;Description;Status\n\
         jan@example.nl;complaint;2026-11-01;Klacht via Mailchimp;cleaned\n\
         extern@example.org;;;;\n\
         x@example.org;hard;;;\n",
    );
    let a = db
        .run(&[
            "--format",
            "json",
            "import",
            "suppressions",
            f.to_str().unwrap(),
        ])
        .success();
    let out: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(out["inserted"], 3);
    assert_eq!(out["ignored_columns"], serde_json::json!(["Status"]));
    assert_eq!(
        db.text("SELECT group_concat(bouncer) FROM persons"),
        before_persons
    );
    assert_eq!(
        suppressions_of(&db, "jan@example.nl"),
        vec![(
            "complaint".into(),
            "2026-11-01T00:00:00Z".into(),
            "import suppressions".into()
        )]
    );
    assert_eq!(suppressions_of(&db, "extern@example.org")[0].0, "manual");
    assert_eq!(suppressions_of(&db, "x@example.org")[0].0, "hard_bounce");
    assert_eq!(
        db.text("SELECT description FROM suppressions WHERE reason = 'complaint'")
            .as_deref(),
        Some("Klacht via Mailchimp")
    );
    // Again: nothing new, the first date stays.
    let again = db.json(&["import", "suppressions", f.to_str().unwrap()]);
    assert_eq!(
        (again["inserted"].as_i64(), again["already"].as_i64()),
        (Some(0), Some(3))
    );
    // Reasons smp-avg sets itself, and soft bounces, are bad rows.
    refused(
        &db,
        "suppressions",
        "e-mail,reason\na@example.nl,erased\nb@example.nl,soft\n",
        &[
            "line 2: reason: 'erased' is set by smp-avg itself",
            "line 3: reason: a soft bounce",
        ],
    );
    let _ = jan;
}

#[test]
fn import_help_lists_the_columns_of_each_kind() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_smp-avg"))
        .args(["import", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    // Help is wrapped to the terminal: compare with the white space collapsed.
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "persons:",
        "first_name,infix,last_name,email",
        "transactions: person,kind,occurred_at,description,amount",
        "bounces:",
        "E-mailadres",
        "Email Address",
        "hard, soft or complaint",
        "suppressions:",
        "hard_bounce, complaint, objection, manual",
        "--column",
    ] {
        assert!(
            help.contains(needle),
            "import --help lacks {needle:?}:\n{help}"
        );
    }
}

// ---- Round 2: one identity per address, blank cells, malformed addresses kept ----

#[test]
fn the_same_persons_file_twice_creates_nobody_twice() {
    let db = TestDb::new();
    let f = db.file(
        "p.csv",
        "first_name;last_name;email\nJan;Vries;jan@example.nl\nAnna;Bakker;Anna@Example.nl\n",
    );
    let first = db.json(&["import", "persons", f.to_str().unwrap()]);
    assert_eq!(first["inserted"], 2);
    // The same people again, one address in other case and with spaces.
    let f2 = db.file(
        "p2.csv",
        "first_name;last_name;email\nJan;Vries;jan@example.nl\nAnna;Bakker-Smit; anna@example.NL \n",
    );
    let second = db.json(&["import", "persons", f2.to_str().unwrap()]);
    assert_eq!(second["inserted"], 0);
    assert_eq!(second["updated"], 1);
    assert_eq!(second["unchanged"], 1);
    assert_eq!(db.int("SELECT count(*) FROM persons"), 2);
    assert_eq!(
        db.text("SELECT last_name FROM persons WHERE email = 'anna@example.nl' COLLATE NOCASE")
            .as_deref(),
        Some("Bakker-Smit")
    );
    // --match none: every row is someone new.
    let third = db.json(&["import", "persons", f.to_str().unwrap(), "--match", "none"]);
    assert_eq!(third["inserted"], 2);
    assert_eq!(db.int("SELECT count(*) FROM persons"), 4);
}

#[test]
fn the_same_address_twice_in_one_file_is_a_bad_row() {
    let db = TestDb::new();
    let before = db.snapshot();
    let f = db.file(
        "p.csv",
        "first_name,email\nJan,jan@example.nl\nJan2,JAN@example.nl\n",
    );
    let a = db.run(&["import", "persons", f.to_str().unwrap()]).code(1);
    assert!(
        stderr(&a).contains("line 3: email: the same address as line 2"),
        "{}",
        stderr(&a)
    );
    assert_eq!(db.snapshot(), before);
}

#[test]
fn a_blank_deceased_cell_in_an_update_leaves_the_person_deceased() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    db.exec(&format!(
        "UPDATE persons SET deceased = 1, bouncer = 1 WHERE id = {id}"
    ));
    let by_id = db.file(
        "u.csv",
        &format!("id,city,deceased,bouncer\n{id},Utrecht,,\n"),
    );
    db.json(&["import", "persons", by_id.to_str().unwrap()]);
    let by_email = db.file("e.csv", "email,deceased,bouncer,phone\njan@example.nl,,,\n");
    db.json(&["import", "persons", by_email.to_str().unwrap()]);
    assert_eq!(
        db.int(&format!("SELECT deceased FROM persons WHERE id = {id}")),
        1
    );
    assert_eq!(
        db.int(&format!("SELECT bouncer FROM persons WHERE id = {id}")),
        1
    );
    assert_eq!(
        db.text(&format!("SELECT city FROM persons WHERE id = {id}"))
            .as_deref(),
        Some("Utrecht")
    );
    let card = db.json(&["person", "show", &id.to_string()]);
    assert_eq!(card["mailable"], false);
}

#[test]
fn a_malformed_address_is_stored_with_a_warning_and_is_not_mailable() {
    let db = TestDb::new();
    let f = db.file(
        "p.csv",
        "first_name,email\nGoed,goed@example.nl\nPiet,piet@\nKees,kees at example.nl\n",
    );
    let out = db
        .cmd()
        .args(["import", "persons", f.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["inserted"], 3);
    assert_eq!(json["rejected"], 0);
    assert_eq!(json["warnings"], 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 3: email:") && err.contains("line 4: email:"),
        "{err}"
    );
    let piet = db.int("SELECT id FROM persons WHERE first_name = 'Piet'");
    let card = db.json(&["person", "show", &piet.to_string()]);
    assert_eq!(card["email"], "piet@");
    assert_eq!(card["mailable"], false);
    assert_eq!(
        card["not_mailable_because"],
        serde_json::json!(["invalid_email"])
    );
    // Their transactions and consent still count.
    let t = db.file(
        "t.csv",
        &format!("person,kind,occurred_at,amount\n{piet},ticket,2026-01-01,10\n"),
    );
    db.json(&["import", "transactions", t.to_str().unwrap()]);
}

#[test]
fn every_bad_field_of_a_row_is_reported() {
    let db = TestDb::new();
    let before = db.snapshot();
    let f = db.file(
        "p.csv",
        "first_name,iban,bsn,birth_date\nJan,NL92ABNA0417164300,123456789,31-02-1980\n",
    );
    let a = db.run(&["import", "persons", f.to_str().unwrap()]).code(1);
    let err = stderr(&a);
    for field in ["iban:", "bsn:", "birth_date:"] {
        assert!(err.contains(field), "{field} missing from {err}");
    }
    assert_eq!(db.snapshot(), before);
}

#[test]
fn bad_rows_go_to_the_reject_file_for_every_kind_of_import() {
    let db = TestDb::new();
    db.person("Jan", "Vries", "jan@example.nl");
    for (kind, csv, good) in [
        (
            "persons",
            "first_name,iban\nA,NL91ABNA0417164300\nB,NL00\n",
            "inserted",
        ),
        (
            "transactions",
            "person,kind,occurred_at\n1,ticket,2026-01-01\n1,walk,2026-01-01\n",
            "inserted",
        ),
        (
            "bounces",
            "email\njan@example.nl\nnot an address\n",
            "marked",
        ),
    ] {
        let f = db.file("in.csv", csv);
        let rejects = db.dir.path().join(format!("rejects-{kind}.csv"));
        let out = db.json(&[
            "import",
            kind,
            f.to_str().unwrap(),
            "--reject-file",
            rejects.to_str().unwrap(),
        ]);
        assert_eq!(out["rejected"], 1, "{kind}: {out}");
        assert_eq!(out[good], 1, "{kind}: {out}");
        let text = std::fs::read_to_string(&rejects).unwrap();
        assert!(text.starts_with("line,reason,"), "{text}");
        assert!(text.contains("\n3,"), "{kind}: {text}");
    }
}

#[test]
fn future_dates_are_refused_in_imports() {
    let db = TestDb::new();
    db.person("Jan", "Vries", "jan@example.nl");
    let before = db.snapshot();
    let f = db.file("t.csv", "person,kind,occurred_at\n1,ticket,31-12-9999\n");
    let a = db
        .run(&["import", "transactions", f.to_str().unwrap()])
        .code(1);
    assert!(stderr(&a).contains("in the future"), "{}", stderr(&a));
    let f = db.file(
        "p.csv",
        "first_name,birth_date,created_at\nA,01-01-2999,2999-01-01\n",
    );
    let a = db.run(&["import", "persons", f.to_str().unwrap()]).code(1);
    assert!(
        stderr(&a).contains("birth_date") && stderr(&a).contains("created_at"),
        "{}",
        stderr(&a)
    );
    assert_eq!(db.snapshot(), before);
}

#[test]
fn an_erased_persons_address_imported_again_is_reported_and_not_mailed() {
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
    db.run(&["--yes", "anonymise", "--person", &id.to_string()])
        .success();
    // The same address comes back in next month's export: skipped (the next test),
    // unless the operator imports it on purpose: the person came back and asked.
    let f = db.file("p.csv", "first_name,email\nJan,JAN@example.nl\n");
    let out = db
        .cmd()
        .args([
            "import",
            "persons",
            f.to_str().unwrap(),
            "--allow-erased",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 2: email: imported by --allow-erased: the address is on the suppression list (erased)"),
        "{err}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["inserted"], 1);
    assert_eq!(json["skipped_erased"], 0);
    assert_eq!(json["warning_rows"][0]["code"], "on_suppression_list");
    let new_id = db.int("SELECT id FROM persons WHERE email = 'JAN@example.nl'");
    assert_ne!(new_id, id);
    // An import file cannot subscribe the address again…
    let c = db.file(
        "c.csv",
        "person,type,opt_in\nJAN@example.nl,nieuwsbrief,ja\n",
    );
    let a = db.run(&["subscribe", "--csv", c.to_str().unwrap()]).code(1);
    assert!(stderr(&a).contains("suppression list"), "{}", stderr(&a));
    // … an operator's bare opt-in is recorded but does not lift it …
    db.run(&[
        "subscribe",
        "--person",
        &new_id.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--source",
        "operator",
    ])
    .success();
    let audience = db.json(&["query", "audience", "--type", "nieuwsbrief"]);
    assert!(audience.as_array().unwrap().is_empty(), "{audience}");
    let why = db.json(&[
        "query",
        "audience",
        "--type",
        "nieuwsbrief",
        "--explain",
        &new_id.to_string(),
    ]);
    assert_eq!(why["reasons"][0]["code"], "suppressed");
    // … the person's own opt-in (a web form) is new consent and lifts it for that type.
    let later = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    db.run(&[
        "subscribe",
        "--person",
        &new_id.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--channel",
        "webformulier",
        "--description",
        "Aanmelding via het formulier op de website",
        "--at",
        &later,
    ])
    .success();
    let audience = db.json(&["query", "audience", "--type", "nieuwsbrief"]);
    assert_eq!(audience[0]["person_id"], new_id);
    let direct = db.json(&[
        "query",
        "audience",
        "--type",
        "direct_mail",
        "--explain",
        &new_id.to_string(),
    ]);
    assert_eq!(direct["in_audience"], false);
}

/// Issue 15: the file is recorded as the source of the categories of data each row
/// brought, for inserted and updated persons, not for rows that changed nothing.
#[test]
fn the_file_is_recorded_as_the_source_of_what_each_row_brought() {
    let db = TestDb::new();
    let f = db.file(
        "klanten-2026.csv",
        "first_name;last_name;email;iban\nAnna;Bakker;anna@example.nl;NL91ABNA0417164300\nBert;Gever;bert@example.nl;\n",
    );
    db.json(&["import", "persons", f.to_str().unwrap()]);
    let rows = |email: &str| {
        db.text(&format!(
            "SELECT group_concat(s.kind || ':' || s.label || ':' || p.categories, '|')
             FROM person_data_sources p JOIN data_sources s ON s.id = p.source_id
             JOIN persons x ON x.id = p.person_id WHERE x.email = '{email}'"
        ))
    };
    assert_eq!(
        rows("anna@example.nl").as_deref(),
        Some("import:klanten-2026.csv:name,email,iban")
    );
    assert_eq!(
        rows("bert@example.nl").as_deref(),
        Some("import:klanten-2026.csv:name,email")
    );
    // One source for the whole file.
    assert_eq!(db.int("SELECT count(*) FROM data_sources"), 1);
    // A later file that changes Anna's address adds a source; one that changes nothing
    // does not.
    let g = db.file("adressen.csv", "email,city\nanna@example.nl,Utrecht\n");
    db.json(&["import", "persons", g.to_str().unwrap()]);
    db.json(&["import", "persons", g.to_str().unwrap()]);
    assert_eq!(
        rows("anna@example.nl").as_deref(),
        Some("import:klanten-2026.csv:name,email,iban|import:adressen.csv:address,email")
    );
    // A dry run records nothing.
    let before = db.snapshot();
    let h = db.file("nieuw.csv", "email\ncarla@example.nl\n");
    db.json(&["import", "persons", h.to_str().unwrap(), "--dry-run"]);
    assert_eq!(db.snapshot(), before);
}

/// Issue 12: an unterminated quote is a bad row with its line number in `import persons`
/// and `import transactions` too, and the rows after it are read as rows.
#[test]
fn an_unterminated_quote_swallows_no_rows_in_persons_and_transactions() {
    let db = TestDb::new();
    let id = db.person("Jan", "Jansen", "jan@example.nl");
    refused(
        &db,
        "persons",
        "first_name,last_name,email\n\"Anna,Bakker,anna@example.nl\nKees,Smit,kees@example.nl\n",
        &["line 2: first_name: unterminated quote", "1 bad row"],
    );
    refused(
        &db,
        "transactions",
        &format!(
            "person,kind,occurred_at,description,amount\n{id},ticket,2026-11-01,\"Hamlet,12.50\n{id},ticket,2026-11-02,Lear,10\n"
        ),
        &["line 2: description: unterminated quote", "1 bad row"],
    );
    let rejects = db.dir.path().join("r.csv");
    let out = db.json(&[
        "import",
        "persons",
        db.file(
            "p.csv",
            "first_name,last_name,email\n\"Anna,Bakker,anna@example.nl\nKees,Smit,kees@example.nl\n",
        )
        .to_str()
        .unwrap(),
        "--reject-file",
        rejects.to_str().unwrap(),
    ]);
    assert_eq!(
        (out["inserted"].as_i64(), out["rejected"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        db.int("SELECT count(*) FROM persons WHERE email = 'kees@example.nl'"),
        1
    );
}

/// Issue 12: a CR-only file (old Mac spreadsheets) names each bad row by its own line.
#[test]
fn cr_only_files_name_the_real_line() {
    let db = TestDb::new();
    refused(
        &db,
        "persons",
        "first_name,iban\rA,NL91ABNA0417164300\rB,NL92ABNA0417164300\r\rC,NL00\r",
        &["line 3: iban", "line 5: iban", "2 bad rows"],
    );
}

/// Issue 12: three digits after the only separator are ambiguous (12,345 is twelve in
/// Dutch notation, twelve thousand in English); grouped amounts in both notations read
/// alike.
#[test]
fn an_ambiguous_amount_is_refused_and_grouped_ones_are_read() {
    let db = TestDb::new();
    let id = db.person("Jan", "Jansen", "jan@example.nl");
    let head = "person;kind;occurred_at;description;amount";
    refused(
        &db,
        "transactions",
        &format!(
            "{head}\n{id};donation;2026-11-01;Gift;12,345\n{id};donation;2026-11-01;Gift;12.345\n"
        ),
        &[
            "line 2: amount",
            "ambiguous",
            "twelve thousand in English notation, twelve in Dutch",
            "line 3: amount",
            "2 bad rows",
        ],
    );
    let f = db.file(
        "ok.csv",
        &format!("{head}\n{id};donation;2026-11-01;Gift;1.234,50\n{id};donation;2026-11-01;Gift;\"1,234.50\"\n"),
    );
    db.json(&["import", "transactions", f.to_str().unwrap()]);
    assert_eq!(
        db.text("SELECT group_concat(amount, ' ') FROM transactions")
            .as_deref(),
        Some("1234.50 1234.50")
    );
}

/// Issue 12: a time outside the stored form's years is a bad row (`line N: field: …`),
/// never a raw CHECK failure, and a reject-file import goes on with the rest.
#[test]
fn out_of_range_dates_are_bad_rows_not_check_failures() {
    let db = TestDb::new();
    let id = db.person("Jan", "Jansen", "jan@example.nl");
    refused(
        &db,
        "persons",
        "first_name,created_at\nA,0000-01-01T00:30:00+01:00\nB,2020-01-01\n",
        &["line 2: created_at", "out of range"],
    );
    refused(
        &db,
        "transactions",
        &format!(
            "person,kind,occurred_at\n{id},ticket,0000-01-01T00:00:00+00:30\n{id},ticket,+10000-01-01T00:00:00Z\n"
        ),
        &["line 2: occurred_at", "line 3: occurred_at", "2 bad rows"],
    );
    let a = db
        .run(&[
            "import",
            "persons",
            db.file(
                "c.csv",
                "first_name,created_at\nA,0000-01-01T00:30:00+01:00\n",
            )
            .to_str()
            .unwrap(),
        ])
        .code(1);
    assert!(!stderr(&a).contains("CHECK"), "{}", stderr(&a));
    let rejects = db.dir.path().join("r.csv");
    let out = db.json(&[
        "import",
        "persons",
        db.file(
            "d.csv",
            "first_name,created_at\nA,0000-01-01T00:30:00+01:00\nB,2020-01-01\n",
        )
        .to_str()
        .unwrap(),
        "--reject-file",
        rejects.to_str().unwrap(),
    ]);
    assert_eq!(
        (out["inserted"].as_i64(), out["rejected"].as_i64()),
        (Some(1), Some(1))
    );
}

/// Issue 12: `import persons /dev/zero` stops at once with a clear message instead of
/// reading until memory runs out; a file over the size limit (setting
/// `import.max_bytes`) is refused, also on standard input.
#[test]
fn endless_and_oversized_input_is_stopped() {
    let db = TestDb::new();
    let before = db.snapshot();
    let a = db.run(&["import", "persons", "/dev/zero"]).code(1);
    let err = stderr(&a);
    assert!(
        err.contains("/dev/zero: line 1 is longer than 1 MiB"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert_eq!(db.snapshot(), before);
    db.run(&["settings", "set", "import.max_bytes", "1K"])
        .success();
    let before = db.snapshot();
    let big = format!("first_name,email\n{}", "Anna,anna@example.nl\n".repeat(100));
    let f = db.file("big.csv", &big);
    let err = stderr(&db.run(&["import", "persons", f.to_str().unwrap()]).code(1));
    assert!(
        err.contains("larger than the limit for an import file (1 KiB, setting import.max_bytes)"),
        "{err}"
    );
    let consent = format!("person,type,opt_in\n{}", "1,nieuwsbrief,1\n".repeat(100));
    let err = stderr(&db.run_stdin(&["subscribe", "--csv", "-"], &consent).code(1));
    assert!(
        err.contains("standard input: larger than the limit"),
        "{err}"
    );
    assert_eq!(db.snapshot(), before);
    let err = stderr(
        &db.run(&["settings", "set", "import.max_bytes", "veel"])
            .code(1),
    );
    assert!(err.contains("not a size"), "{err}");
}

/// An address another person already holds, given to a person by id (or to someone new
/// with --match none), is stored (a couple shares one) with a warning that names the
/// other holder: it is mailed once, and an opt-out of either keeps it out.
#[test]
fn an_address_another_person_holds_is_stored_with_a_warning() {
    let db = TestDb::new();
    let a = db.person("Jan", "Vries", "jan@example.nl");
    let b = db.person("Anna", "Vries", "anna@example.nl");
    let f = db.file("p.csv", &format!("id,email\n{b},JAN@example.nl\n"));
    let out = db
        .run(&["import", "persons", f.to_str().unwrap()])
        .success();
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "line 2: email: the address is also held by person {a}"
        )),
        "{err}"
    );
    assert!(!err.contains("jan@example.nl"), "{err}");
    // Again: the address is already hers, nothing new to say.
    let out = db
        .run(&["import", "persons", f.to_str().unwrap()])
        .success();
    assert!(!stderr(&out).contains("also held"), "{}", stderr(&out));
}

/// An anonymised person does not come back with the next import of an old
/// spreadsheet: the row is skipped, counted and marked, never the address said.
#[test]
fn an_erased_address_is_skipped_unless_the_operator_allows_it() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    db.run(&["--yes", "anonymise", "--person", &id.to_string()])
        .success();
    let f = db.file(
        "oud.csv",
        "first_name;email\nJan; JAN@example.nl \nAnna;anna@example.nl\n",
    );
    let out = db
        .cmd()
        .args(["import", "persons", f.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["inserted"], 1, "{json}");
    assert_eq!(json["skipped_erased"], 1, "{json}");
    assert_eq!(json["warning_rows"][0]["line"], 2, "{json}");
    assert_eq!(json["warning_rows"][0]["code"], "on_suppression_list");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2: email: skipped"), "{err}");
    assert!(!err.to_lowercase().contains("jan@example.nl"), "{err}");
    assert_eq!(
        db.int("SELECT count(*) FROM persons WHERE email LIKE 'jan@%' COLLATE NOCASE"),
        0
    );
    // A dry run says the same.
    let dry = db.json(&["import", "persons", f.to_str().unwrap(), "--dry-run"]);
    assert_eq!(dry["skipped_erased"], 1);
    // The operator's decision: imported anyway, still not mailed.
    let out = db.json(&["import", "persons", f.to_str().unwrap(), "--allow-erased"]);
    assert_eq!(out["skipped_erased"], 0);
    assert_eq!(out["inserted"], 1, "{out}");
    let card = db.json(&["person", "show", "jan@example.nl"]);
    assert_eq!(card["suppressed"], true);
    assert_eq!(card["mailable"], false);
}

#[test]
fn allow_erased_is_refused_for_other_imports() {
    let db = TestDb::new();
    let before = db.snapshot();
    let f = db.file("b.csv", "email\na@example.nl\n");
    let a = db
        .run(&["import", "bounces", f.to_str().unwrap(), "--allow-erased"])
        .code(1);
    assert!(stderr(&a).contains("--allow-erased applies to import persons only"));
    assert_eq!(stderr(&a).trim().lines().count(), 1, "{}", stderr(&a));
    assert_eq!(db.snapshot(), before);
}

/// A family shares one address: the first name picks the person; a name nobody of them
/// has is a new family member; no way to tell them apart is reported, not guessed.
#[test]
fn a_family_address_is_matched_by_first_name() {
    let db = TestDb::new();
    let jan = db.person("Jan", "Vries", "fam@example.nl");
    let marie = db.person("Marie", "Vries", "fam@example.nl");
    let f = db.file(
        "p.csv",
        "first_name;city;email\nmarie;Delft;FAM@example.nl\nJan;Leiden;fam@example.nl\nPiet;Gouda;fam@example.nl\n",
    );
    let out = db.json(&["import", "persons", f.to_str().unwrap()]);
    assert_eq!(
        (out["updated"].as_i64(), out["inserted"].as_i64()),
        (Some(2), Some(1)),
        "{out}"
    );
    assert_eq!(
        db.text(&format!("SELECT city FROM persons WHERE id = {marie}"))
            .as_deref(),
        Some("Delft")
    );
    assert_eq!(
        db.text(&format!("SELECT city FROM persons WHERE id = {jan}"))
            .as_deref(),
        Some("Leiden")
    );
    assert_eq!(
        db.text(&format!("SELECT first_name FROM persons WHERE id = {jan}"))
            .as_deref(),
        Some("Jan")
    );
    assert_eq!(
        db.int("SELECT count(*) FROM persons WHERE first_name = 'Piet'"),
        1
    );
    // One holder: the address is the person, as the contract says; a new first name
    // is taken over, with a warning that says how to add a family member instead.
    let solo = db.person("Kees", "Smit", "smit@example.nl");
    let f = db.file("s.csv", "first_name,email\nCornelis,smit@example.nl\n");
    let a = db
        .run(&["import", "persons", f.to_str().unwrap()])
        .success();
    assert!(
        stderr(&a).contains(&format!("person {solo} holds this address")),
        "{}",
        stderr(&a)
    );
    assert!(!stderr(&a).contains("Kees"), "{}", stderr(&a));
    assert_eq!(
        db.text(&format!("SELECT first_name FROM persons WHERE id = {solo}"))
            .as_deref(),
        Some("Cornelis")
    );
    assert_eq!(
        db.int("SELECT count(*) FROM persons WHERE email = 'smit@example.nl'"),
        1
    );
    // Ambiguous or twice: no first name among several holders, or the same address
    // twice in one file (whatever the first names).
    let before = db.snapshot();
    for (csv, expect) in [
        (
            "email,city\nfam@example.nl,Ede\n",
            "line 2: email: the address is held by 3 persons",
        ),
        (
            "first_name,email\nCornelis,smit@example.nl\nAnnie,smit@example.nl\n",
            "line 3: email: the same address as line 2",
        ),
        (
            "first_name,email\nAnna,nieuw@example.nl\nBart,NIEUW@example.nl\n",
            "line 3: email: the same address as line 2",
        ),
    ] {
        let f = db.file("amb.csv", csv);
        let a = db.run(&["import", "persons", f.to_str().unwrap()]).code(1);
        assert!(stderr(&a).contains(expect), "{}", stderr(&a));
        assert!(!stderr(&a).contains("@example.nl"), "{}", stderr(&a));
    }
    assert_eq!(db.snapshot(), before);
    db.person("CORNELIS", "Smit", "smit@example.nl");
    let f = db.file("twins.csv", "first_name,email\ncornelis,smit@example.nl\n");
    let a = db.run(&["import", "persons", f.to_str().unwrap()]).code(1);
    assert!(
        stderr(&a).contains("persons with this first name"),
        "{}",
        stderr(&a)
    );
}

/// The same transactions file imported again, or an export that overlaps an earlier
/// one, adds nothing twice; equal rows within one file (two tickets) stay two.
#[test]
fn transactions_imported_again_are_duplicates_not_new_rows() {
    let db = TestDb::new();
    let id = db.person("Jan", "Jansen", "jan@example.nl");
    let head = "person;kind;occurred_at;description;amount";
    let october = format!(
        "{head}\n{id};ticket;2026-10-01;Hamlet;12,50\n{id};ticket;2026-10-01;Hamlet;12,50\n{id};donation;2026-10-03;Gift;25\n"
    );
    let f = db.file("okt.csv", &october);
    let first = db.json(&["import", "transactions", f.to_str().unwrap()]);
    assert_eq!(
        (first["inserted"].as_i64(), first["duplicates"].as_i64()),
        (Some(3), Some(0))
    );
    // Again: nothing new.
    let again = db.json(&["import", "transactions", f.to_str().unwrap()]);
    assert_eq!(
        (again["inserted"].as_i64(), again["duplicates"].as_i64()),
        (Some(0), Some(3)),
        "{again}"
    );
    assert_eq!(db.int("SELECT count(*) FROM transactions"), 3);
    // An overlapping export: the old rows skipped, a third Hamlet ticket and the new
    // rows added; another description is another transaction.
    let overlap = db.file(
        "okt-nov.csv",
        &format!(
            "{head}\n{id};ticket;01-10-2026;Hamlet;12.50\n{id};ticket;2026-10-01;Hamlet;12,50\n{id};ticket;2026-10-01;Hamlet;12,50\n{id};donation;2026-10-03;Gift;25,00\n{id};donation;2026-10-03;Gift (extra);25\n{id};product;2026-11-02;Boek;9,95\n"
        ),
    );
    let out = db.json(&[
        "import",
        "transactions",
        overlap.to_str().unwrap(),
        "--dry-run",
    ]);
    assert_eq!(
        (out["inserted"].as_i64(), out["duplicates"].as_i64()),
        (Some(3), Some(3)),
        "{out}"
    );
    assert_eq!(db.int("SELECT count(*) FROM transactions"), 3);
    let out = db.json(&["import", "transactions", overlap.to_str().unwrap()]);
    assert_eq!(
        (out["inserted"].as_i64(), out["duplicates"].as_i64()),
        (Some(3), Some(3)),
        "{out}"
    );
    assert_eq!(
        db.int("SELECT count(*) FROM transactions WHERE description = 'Hamlet'"),
        3
    );
    assert_eq!(db.int("SELECT count(*) FROM transactions"), 6);
    // A file without a description column compares person, kind, time and amount.
    let bare = db.file(
        "bare.csv",
        &format!("person,kind,occurred_at,amount\n{id},product,2026-11-02,\"9,95\"\n"),
    );
    let out = db.json(&["import", "transactions", bare.to_str().unwrap()]);
    assert_eq!(
        (out["inserted"].as_i64(), out["duplicates"].as_i64()),
        (Some(0), Some(1)),
        "{out}"
    );
    // The audit counts them.
    let details = db.text("SELECT details FROM audit_log WHERE command = 'import transactions' ORDER BY id DESC LIMIT 1").unwrap();
    assert!(details.contains("\"duplicates\":1"), "{details}");
}

/// A bad transactions row names every bad field at once, not only the first.
#[test]
fn every_bad_field_of_a_transaction_row_is_reported() {
    let db = TestDb::new();
    let before = db.snapshot();
    let f = db.file(
        "t.csv",
        "person,kind,occurred_at,description,amount\n4242,parking,31-11-2026,x,\"12,345\"\n",
    );
    let a = db
        .run(&["import", "transactions", f.to_str().unwrap()])
        .code(1);
    let err = stderr(&a);
    let line = err.lines().find(|l| l.contains("line 2:")).unwrap();
    for field in ["person:", "kind:", "occurred_at:", "amount:"] {
        assert!(line.contains(field), "{field} missing from {line}");
    }
    assert_eq!(db.snapshot(), before);
}

/// A Dutch spreadsheet names its columns in Dutch: they are read as the columns they
/// stand for, in persons, transactions and consent files.
#[test]
fn dutch_column_names_are_read() {
    let db = TestDb::new();
    let f = db.file(
        "leden.csv",
        "Voornaam;Tussenvoegsel;Achternaam;E-mailadres;Telefoon;Geboortedatum;Straat;Huisnummer;Postcode;Plaats\n\
         Jan;de;Vries;jan@example.nl;0612345678;28-02-1970;Kerkstraat;12a;1234ab;Delft\n",
    );
    let out = db.json(&["import", "persons", f.to_str().unwrap()]);
    assert_eq!(out["inserted"], 1, "{out}");
    let card = db.json(&["person", "show", "jan@example.nl"]);
    assert_eq!(card["first_name"], "Jan");
    assert_eq!(card["infix"], "de");
    assert_eq!(card["last_name"], "Vries");
    assert_eq!(card["birth_date"], "1970-02-28");
    assert_eq!(card["street"], "Kerkstraat");
    assert_eq!(card["house_number"], "12a");
    assert_eq!(card["postal_code"], "1234 AB");
    assert_eq!(card["city"], "Delft");
    let id = card["id"].as_i64().unwrap();
    let f = db.file(
        "giften.csv",
        &format!("Persoon;Soort;Datum;Omschrijving;Bedrag\n{id};donation;01-11-2026;Gift;12,50\n"),
    );
    let out = db.json(&["import", "transactions", f.to_str().unwrap()]);
    assert_eq!(out["inserted"], 1, "{out}");
    assert_eq!(
        db.text("SELECT amount || ' ' || description FROM transactions")
            .as_deref(),
        Some("12.50 Gift")
    );
    let f = db.file(
        "aanmeldingen.csv",
        &format!(
            "Persoon;Type;Opt-in;Kanaal;Omschrijving\n{id};nieuwsbrief;ja;telefonisch;Belde zelf\n"
        ),
    );
    let out = db.json(&["subscribe", "--csv", f.to_str().unwrap()]);
    assert_eq!(out["inserted"], 1, "{out}");
    assert_eq!(
        db.text("SELECT channel FROM consent_records").as_deref(),
        Some("telefonisch")
    );
}

/// Every unknown column is named at once, not only the first; nothing is written.
#[test]
fn every_unknown_column_is_named() {
    let db = TestDb::new();
    let before = db.snapshot();
    let f = db.file(
        "p.csv",
        "Voornaam,Schoenmaat,email,Lievelingskleur\nJan,44,jan@example.nl,blauw\n",
    );
    let a = db.run(&["import", "persons", f.to_str().unwrap()]).code(1);
    let err = stderr(&a);
    assert!(
        err.contains("line 1: unknown columns 'Schoenmaat', 'Lievelingskleur'"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let f = db.file(
        "t.csv",
        "person,kind,occurred_at,btw,kassa\n1,ticket,2026-01-01,0,3\n",
    );
    let a = db
        .run(&["import", "transactions", f.to_str().unwrap()])
        .code(1);
    assert!(
        stderr(&a).contains("unknown columns 'btw', 'kassa'"),
        "{}",
        stderr(&a)
    );
    // Two names for one column: refused, not guessed.
    let f = db.file("d.csv", "email,E-mailadres\na@example.nl,b@example.nl\n");
    let a = db.run(&["import", "persons", f.to_str().unwrap()]).code(1);
    assert!(
        stderr(&a).contains("column 'email' appears twice"),
        "{}",
        stderr(&a)
    );
    assert_eq!(db.snapshot(), before);
}

/// The reject file is written in the input's dialect (delimiter, BOM, line ends,
/// quoting), and once its rows are fixed it is imported again as it is: its `line` and
/// `reason` columns are not read.
#[test]
fn the_reject_file_speaks_the_inputs_dialect_and_imports_again_as_it_is() {
    let db = TestDb::new();
    let input = "\u{feff}\"Voornaam\";\"Achternaam\";\"IBAN\"\r\n\
                 \"Anna\";\"Bakker\";\"NL91ABNA0417164300\"\r\n\
                 \"Kees\";\"Smit; jr.\";\"NL00\"\r\n\
                 \"Piet\";\"Jong\";\"NL91ABNA0417164300\r\n";
    let f = db.file("leden.csv", input);
    let rejects = db.dir.path().join("afgekeurd.csv");
    let out = db.json(&[
        "import",
        "persons",
        f.to_str().unwrap(),
        "--reject-file",
        rejects.to_str().unwrap(),
    ]);
    assert_eq!(
        (out["inserted"].as_i64(), out["rejected"].as_i64()),
        (Some(1), Some(2))
    );
    let bytes = std::fs::read(&rejects).unwrap();
    assert!(
        bytes.starts_with(
            b"\xEF\xBB\xBF\"line\";\"reason\";\"Voornaam\";\"Achternaam\";\"IBAN\"\r\n"
        ),
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines.len(), 4, "{text:?}"); // header, two rows, the end
    assert!(lines[1].starts_with("\"3\";\"iban: "), "{}", lines[1]);
    assert!(
        lines[1].ends_with(";\"Kees\";\"Smit; jr.\";\"NL00\""),
        "{}",
        lines[1]
    );
    // The line that could not be split follows as it was read.
    assert!(
        lines[2].starts_with("\"4\";\"iban: unterminated quote"),
        "{}",
        lines[2]
    );
    assert!(
        lines[2].ends_with(";\"Piet\";\"Jong\";\"NL91ABNA0417164300"),
        "{}",
        lines[2]
    );
    // The operator fixes both rows in the file and imports it again, as it is.
    let fixed = String::from_utf8(bytes)
        .unwrap()
        .replace("\"NL00\"", "\"NL91ABNA0417164300\"")
        .replace("NL91ABNA0417164300\r\n", "NL91ABNA0417164300\"\r\n");
    std::fs::write(&rejects, fixed).unwrap();
    let again = db.json(&["import", "persons", rejects.to_str().unwrap()]);
    assert_eq!(again["inserted"], 2, "{again}");
    assert_eq!(
        db.int("SELECT count(*) FROM persons WHERE last_name = 'Smit; jr.'"),
        1
    );
    // Commas, LF, no quotes, no BOM: the same.
    let f = db.file("b.csv", "email,reason\nnot an address,hard\n");
    let rejects = db.dir.path().join("b-rejects.csv");
    db.json(&[
        "import",
        "bounces",
        f.to_str().unwrap(),
        "--reject-file",
        rejects.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&rejects).unwrap();
    assert!(
        text.starts_with("line,reason,email,reason\n2,email: "),
        "{text:?}"
    );
    assert!(!text.contains('\r'));
    // A bounce list's own reason column is read again, the reject file's is not.
    std::fs::write(&rejects, text.replace("not an address", "jan@example.nl")).unwrap();
    let again = db.json(&["import", "bounces", rejects.to_str().unwrap()]);
    assert_eq!(again["rows"], 1, "{again}");
}

/// Every import says in JSON which columns it did not read: none for the files whose
/// unknown columns refuse them.
#[test]
fn ignored_columns_are_a_list_in_json_for_every_import() {
    let db = TestDb::new();
    let f = db.file("p.csv", "first_name\nJan\n");
    let out = db.json(&["import", "persons", f.to_str().unwrap()]);
    assert_eq!(out["ignored_columns"], serde_json::json!([]));
    let f = db.file(
        "s.csv",
        "E-mailadres;Reden;Bron\na@example.nl;manual;laposta\n",
    );
    let out = db.json(&["import", "suppressions", f.to_str().unwrap()]);
    assert_eq!(out["ignored_columns"], serde_json::json!(["Bron"]), "{out}");
    // A file with no address column at all is still refused, naming what it expected.
    let before = db.snapshot();
    let f = db.file("x.csv", "Naam,Status\nJan,weg\n");
    let a = db
        .run(&[
            "--format",
            "json",
            "import",
            "suppressions",
            f.to_str().unwrap(),
        ])
        .code(1);
    assert!(stderr(&a).contains("no address column"), "{}", stderr(&a));
    assert!(stdout_is_empty(&a));
    assert_eq!(db.snapshot(), before);
}

fn stdout_is_empty(a: &assert_cmd::assert::Assert) -> bool {
    a.get_output().stdout.is_empty()
}

#[test]
fn an_import_does_not_bring_a_deceased_person_back() {
    let db = TestDb::new();
    let p = db.person("Priya", "Vos", "priya@example.nl");
    db.run(&["person", "edit", &p.to_string(), "--deceased", "ja"])
        .success();
    let f = db.file(
        "p.csv",
        "first_name,email,deceased,bouncer\nPriya,priya@example.nl,nee,0\n",
    );
    let a = db
        .run(&["import", "persons", f.to_str().unwrap()])
        .success();
    assert!(
        stderr(&a).contains("recorded as deceased"),
        "{}",
        stderr(&a)
    );
    assert_eq!(
        db.int(&format!("SELECT deceased FROM persons WHERE id = {p}")),
        1
    );
    assert_eq!(
        db.json(&["person", "show", &p.to_string()])["mailable"],
        false
    );
}
