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
