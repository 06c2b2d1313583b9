#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
use common::{TestDb, stderr, stdout};

fn optin(db: &TestDb, id: i64, kind: &str) {
    db.json(&[
        "subscribe",
        "--person",
        &id.to_string(),
        "--type",
        kind,
        "--opt-in",
    ]);
}

#[test]
fn audience_is_opted_in_and_mailable_only() {
    let db = TestDb::new();
    let ok = db.person("Ok", "O", "ok@example.nl");
    let dead = db.person("Dood", "D", "dood@example.nl");
    let bounce = db.person("Bounce", "B", "bounce@example.nl");
    let invalid = db.person("Fout", "F", "fout@example");
    let anon = db.person("Anon", "A", "anon@example.nl");
    let out = db.person("Uit", "U", "uit@example.nl");
    let never = db.person("Nooit", "N", "nooit@example.nl");
    for id in [ok, dead, bounce, invalid, anon, out] {
        optin(&db, id, "nieuwsbrief");
    }
    db.json(&[
        "subscribe",
        "--person",
        &out.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-out",
    ]);
    db.exec(&format!(
        "UPDATE persons SET deceased = 1 WHERE id = {dead}; UPDATE persons SET bouncer = 1 WHERE id = {bounce};
         UPDATE persons SET anonymised_at = '2026-01-01T00:00:00Z' WHERE id = {anon};"
    ));
    let _ = never;
    let aud = db.json(&["query", "audience", "--type", "nieuwsbrief"]);
    let ids: Vec<i64> = aud
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["person_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![ok]);
    for key in ["person_id", "first_name", "infix", "last_name", "email"] {
        assert!(aud[0].get(key).is_some(), "{key}");
    }
    let csv = stdout(
        &db.run(&[
            "query",
            "audience",
            "--type",
            "nieuwsbrief",
            "--format",
            "csv",
        ])
        .success(),
    );
    assert_eq!(
        csv,
        format!("person_id,first_name,infix,last_name,email\n{ok},Ok,,O,ok@example.nl\n")
    );
}

#[test]
fn audience_within_a_saved_query() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    let b = db.person("B", "B", "b@example.nl");
    db.exec(&format!(
        "UPDATE persons SET city = 'Utrecht' WHERE id = {b}"
    ));
    optin(&db, a, "nieuwsbrief");
    optin(&db, b, "nieuwsbrief");
    db.json(&[
        "query",
        "save",
        "SMP - 20261129 - Selectie - Utrecht",
        "--sql",
        "SELECT id AS persoon, city FROM persons WHERE city = 'Utrecht';",
    ]);
    let aud = db.json(&[
        "query",
        "audience",
        "--type",
        "nieuwsbrief",
        "--within",
        "SMP - 20261129 - Selectie - Utrecht",
    ]);
    assert_eq!(aud.as_array().unwrap().len(), 1);
    assert_eq!(aud[0]["person_id"], b);
    db.run(&[
        "query",
        "audience",
        "--type",
        "nieuwsbrief",
        "--within",
        "nope",
    ])
    .code(1);
    db.run(&["query", "audience", "--type", "krant"]).code(1);
}

#[test]
fn record_mailing_creates_a_contact_moment_with_the_audience() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    let b = db.person("B", "B", "b@example.nl");
    optin(&db, a, "nieuwsbrief");
    optin(&db, b, "nieuwsbrief");
    let out = db
        .run(&[
            "query",
            "audience",
            "--type",
            "nieuwsbrief",
            "--record-mailing",
            "Nieuwsbrief december",
            "--format",
            "json",
        ])
        .success();
    let rows: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    let id = db.int("SELECT id FROM contact_moments WHERE name = 'Nieuwsbrief december'");
    assert!(stderr(&out).contains(&format!("contact moment {id}")));
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM contact_moment_recipients WHERE contact_moment_id = {id}"
        )),
        2
    );
    assert_eq!(
        db.text(&format!("SELECT type FROM contact_moments WHERE id = {id}"))
            .as_deref(),
        Some("nieuwsbrief")
    );
    // A later opt-out from that mailing names it.
    db.json(&[
        "subscribe",
        "--person",
        &a.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-out",
        "--contact-moment",
        &id.to_string(),
        "--channel",
        "voorkeurencentrum",
    ]);
    assert_eq!(
        db.json(&["person", "show", &a.to_string()])["history"][1]["contact_moment"],
        id
    );
    // Dry run records nothing.
    let before = db.snapshot();
    db.run(&[
        "query",
        "audience",
        "--type",
        "nieuwsbrief",
        "--record-mailing",
        "X",
        "--dry-run",
    ])
    .success();
    assert_eq!(db.snapshot(), before);
}

#[test]
fn every_write_attempt_is_refused_with_nothing_changed() {
    let db = TestDb::demo(50);
    let before = db.snapshot();
    let attempts = [
        "DELETE FROM persons",
        "UPDATE persons SET email = NULL",
        "INSERT INTO audit_log (at, operator, command) VALUES ('x', 'y', 'z')",
        "DROP TABLE persons",
        "SELECT 1; DELETE FROM persons",
        "SELECT id FROM persons; UPDATE persons SET bouncer = 1",
        "ATTACH DATABASE 'evil.sqlite' AS evil",
        "PRAGMA user_version = 42",
        "PRAGMA journal_mode = DELETE",
        "VACUUM",
        "VACUUM INTO 'copy.sqlite'",
        "BEGIN IMMEDIATE",
        "CREATE TEMP TABLE t AS SELECT * FROM persons",
        "SELECT load_extension('/tmp/evil')",
        "REINDEX",
        "ANALYZE",
        "WITH x AS (SELECT 1) DELETE FROM persons",
    ];
    for sql in attempts {
        let out = db.run(&["query", "sql", sql]).code(1);
        assert_eq!(
            stderr(&out).trim().lines().count(),
            1,
            "{sql}: {}",
            stderr(&out)
        );
        let out = db
            .run(&[
                "query",
                "save",
                "SMP - 20261129 - Test - Kwaad",
                "--sql",
                sql,
            ])
            .code(1);
        assert_eq!(stderr(&out).trim().lines().count(), 1, "{sql}");
    }
    assert!(!db.dir.path().join("evil.sqlite").exists());
    assert!(!db.dir.path().join("copy.sqlite").exists());
    assert_eq!(db.snapshot(), before);
}

#[test]
fn query_sql_reads() {
    let db = TestDb::demo(20);
    let rows = db.json(&[
        "query",
        "sql",
        "SELECT count(*) AS n, max(id) AS top FROM persons",
    ]);
    assert_eq!(rows[0]["n"], 20);
    assert_eq!(rows[0]["top"], 20);
}

#[test]
fn saved_queries_save_list_run() {
    let db = TestDb::demo(20);
    let name = "SMP - 20261129 - Selectie - Eerste tien";
    let out = db.json(&[
        "query",
        "save",
        name,
        "--sql",
        "SELECT id FROM persons WHERE id <= 10",
        "--description",
        "Test",
    ]);
    assert_eq!(out["rows"], 10);
    assert_eq!(out["follows_convention"], true);
    let list = db.json(&["query", "list"]);
    let saved = list
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["name"] == name)
        .unwrap();
    assert_eq!(saved["sql"], "SELECT id FROM persons WHERE id <= 10");
    assert_eq!(saved["description"], "Test");
    assert_eq!(
        db.json(&["query", "run", name]).as_array().unwrap().len(),
        10
    );
    // Same name again: refused unless --replace.
    db.run(&["query", "save", name, "--sql", "SELECT id FROM persons"])
        .code(1);
    db.json(&[
        "query",
        "save",
        name,
        "--sql",
        "SELECT id FROM persons",
        "--replace",
    ]);
    assert_eq!(
        db.json(&["query", "run", name]).as_array().unwrap().len(),
        20
    );
    db.run(&["query", "run", "nope"]).code(1);
}

#[test]
fn a_saved_query_must_return_person_ids_and_gets_a_naming_warning() {
    let db = TestDb::demo(20);
    let out = db
        .run(&[
            "query",
            "save",
            "SMP - 20261129 - Selectie - Steden",
            "--sql",
            "SELECT city FROM persons",
        ])
        .code(1);
    assert!(
        stderr(&out).contains("first column must be a person id"),
        "{}",
        stderr(&out)
    );
    db.run(&[
        "query",
        "save",
        "x",
        "--sql",
        "SELECT nonsense FROM nowhere",
    ])
    .code(1);
    let out = db
        .run(&[
            "query",
            "save",
            "alle personen",
            "--sql",
            "SELECT id FROM persons",
        ])
        .success();
    assert!(stderr(&out).contains("warning") && stderr(&out).contains("convention"));
}

#[test]
fn sql_is_read_from_standard_input_with_a_dash() {
    let db = TestDb::new();
    db.person("A", "A", "a@example.nl");
    let a = db
        .run_stdin(
            &["--format", "csv", "query", "sql", "-"],
            "SELECT count(*) AS n\nFROM persons;\n",
        )
        .success();
    assert_eq!(stdout(&a), "n\n1\n");
    let out = db
        .cmd()
        .args([
            "--format",
            "json",
            "query",
            "save",
            "Test - 20261201 - Selectie - Iedereen",
            "--sql",
            "-",
        ])
        .write_stdin("SELECT id FROM persons")
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["rows"], 1);
    assert_eq!(
        db.text("SELECT sql FROM saved_queries WHERE name LIKE 'Test - 20261201%'")
            .as_deref(),
        Some("SELECT id FROM persons")
    );
    // Empty input, and SQL that writes, are refused with nothing changed.
    let before = db.snapshot();
    let a = db.run_stdin(&["query", "sql", "-"], "  \n").code(1);
    assert!(stderr(&a).contains("no SQL on standard input"));
    let a = db
        .run_stdin(&["query", "sql", "-"], "DELETE FROM persons")
        .code(1);
    assert!(stderr(&a).contains("only SELECT"), "{}", stderr(&a));
    assert_eq!(db.snapshot(), before);
}

#[test]
fn errors_never_show_rust_debug_text() {
    let db = TestDb::new();
    db.person("A", "A", "a@example.nl");
    db.exec("INSERT INTO saved_queries (name, sql, created_at, created_by) VALUES ('adressen', 'SELECT email FROM persons', '2026-01-01T00:00:00Z', 'x')");
    let runs: Vec<Vec<&str>> = vec![
        vec!["query", "sql", "SELECT nope FROM persons"],
        vec!["query", "sql", "SELECT 1 LIMIT 'x'"],
        vec!["query", "sql", "SELECT * FROM secrets"],
        vec!["query", "save", "x", "--sql", "SELECT email FROM persons"],
        vec!["query", "save", "x", "--sql", "SELECT 'a' || 'b'"],
        vec![
            "query",
            "audience",
            "--type",
            "nieuwsbrief",
            "--within",
            "adressen",
        ],
        vec![
            "types",
            "set-rule",
            "nieuwsbrief",
            "--rule",
            "adressen",
            "--rule-opt-in",
        ],
        vec!["person", "show", "x@y"],
        vec!["subscribe", "--person", "1", "--type", "nope", "--opt-in"],
    ];
    for args in runs {
        let a = db.run(&args).failure();
        let err = stderr(&a);
        for debug in [
            "Text(",
            "Integer(",
            "Real(",
            "Some(",
            "Err(",
            "Ok(",
            "SqliteFailure",
            "Error {",
            "code:",
        ] {
            assert!(!err.contains(debug), "{args:?}: Rust debug text in: {err}");
        }
        assert!(
            !err.contains("a@example.nl"),
            "{args:?}: a person's address in: {err}"
        );
        assert_eq!(
            err.trim().lines().count(),
            1,
            "{args:?}: not one line: {err}"
        );
    }
}

#[test]
fn a_saved_query_that_no_longer_returns_person_ids_is_refused_as_within() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    optin(&db, a, "nieuwsbrief");
    db.exec("INSERT INTO saved_queries (name, sql, created_at, created_by) VALUES ('adressen', 'SELECT email FROM persons', '2026-01-01T00:00:00Z', 'x')");
    let out = db
        .run(&[
            "query",
            "audience",
            "--type",
            "nieuwsbrief",
            "--within",
            "adressen",
        ])
        .code(1);
    assert!(
        stderr(&out).contains("saved query 'adressen'"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty(), "an empty audience was printed");
}

/// The audience as each preset writes it: (header line, first row) as raw text.
fn preset(db: &TestDb, name: &str) -> Vec<u8> {
    let a = db
        .run(&[
            "query",
            "audience",
            "--type",
            "nieuwsbrief",
            "--preset",
            name,
        ])
        .success();
    a.get_output().stdout.clone()
}

#[test]
fn presets_write_what_each_tool_imports_as_it_is() {
    let db = TestDb::new();
    let jan = db.person("Jan", "Vries", "jan@example.nl");
    db.exec(&format!("UPDATE persons SET infix = 'de' WHERE id = {jan}"));
    optin(&db, jan, "nieuwsbrief");
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    assert_eq!(
        text(preset(&db, "laposta")),
        "E-mailadres,Voornaam,Tussenvoegsel,Achternaam\njan@example.nl,Jan,de,Vries\n"
    );
    assert_eq!(
        text(preset(&db, "mailchimp")),
        "Email Address,First Name,Last Name\njan@example.nl,Jan,de Vries\n"
    );
    assert_eq!(
        text(preset(&db, "listmonk")),
        format!(
            "email,name,attributes\njan@example.nl,Jan de Vries,\"{{\"\"smp_person_id\"\":{jan}}}\"\n"
        )
    );
    let excel = preset(&db, "excel");
    assert!(excel.starts_with(b"\xEF\xBB\xBF"), "no BOM");
    assert_eq!(
        text(excel[3..].to_vec()),
        format!(
            "person_id;first_name;infix;last_name;full_name;email\r\n{jan};Jan;de;Vries;Jan de Vries;jan@example.nl\r\n"
        )
    );
    // listmonk's attributes are JSON it can read.
    let lm = text(preset(&db, "listmonk"));
    let mut r = csv::Reader::from_reader(lm.as_bytes());
    let row = r.records().next().unwrap().unwrap();
    let attrs: serde_json::Value = serde_json::from_str(&row[2]).unwrap();
    assert_eq!(attrs["smp_person_id"], jan);
    // A preset is CSV: --format json is refused.
    db.run(&[
        "--format",
        "json",
        "query",
        "audience",
        "--type",
        "nieuwsbrief",
        "--preset",
        "excel",
    ])
    .code(1);
}

#[test]
fn presets_neutralise_formulas_that_excel_would_run() {
    let db = TestDb::new();
    let id = db.person(
        "=HYPERLINK(\"http://x\")",
        "Vries",
        "=1+cmd|'/Ccalc'!A0@example.nl",
    );
    optin(&db, id, "nieuwsbrief");
    for name in ["laposta", "mailchimp", "listmonk", "excel"] {
        let out = String::from_utf8(preset(&db, name)).unwrap();
        let delimiter = if name == "excel" { b';' } else { b',' };
        let body = out.trim_start_matches('\u{feff}');
        let mut r = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(body.as_bytes());
        let row = r.records().next().unwrap().unwrap();
        for cell in row.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "{name}: a cell a spreadsheet would run: {cell}"
            );
        }
        assert!(
            out.contains("'=1+cmd|'/Ccalc'!A0@example.nl"),
            "{name}: {out}"
        );
    }
}

#[test]
fn recording_a_mailing_name_twice_on_one_day_needs_yes_and_says_so() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    optin(&db, a, "nieuwsbrief");
    let record = |extra: &[&str]| {
        let mut args = vec![
            "query",
            "audience",
            "--type",
            "nieuwsbrief",
            "--record-mailing",
            "Nieuwsbrief december",
        ];
        args.extend_from_slice(extra);
        db.run(&args)
    };
    record(&[]).success();
    let before = db.snapshot();
    let again = record(&[]).code(1);
    let err = stderr(&again);
    assert!(
        err.contains("a mailing named 'Nieuwsbrief december' was recorded today already"),
        "{err}"
    );
    assert!(err.contains("refused without --yes"), "{err}");
    assert!(stdout(&again).is_empty());
    assert_eq!(db.snapshot(), before);
    // The name in another case is the same mailing.
    record(&["--dry-run"]).success();
    let a2 = db
        .run(&[
            "query",
            "audience",
            "--type",
            "nieuwsbrief",
            "--record-mailing",
            "nieuwsbrief DECEMBER",
        ])
        .code(1);
    assert!(stderr(&a2).contains("recorded today already"));
    // With --yes it is recorded a second time, and still said.
    let yes = record(&["--yes"]).success();
    assert!(stderr(&yes).contains("recorded today already"));
    assert_eq!(db.int("SELECT count(*) FROM contact_moments"), 2);
}

// ---- Round 2: a person's choice holds for every holder of an address ----

fn explain(db: &TestDb, kind: &str, id: i64) -> serde_json::Value {
    db.json(&[
        "query",
        "audience",
        "--type",
        kind,
        "--explain",
        &id.to_string(),
    ])
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_opt_out_on_one_of_two_persons_sharing_an_address_keeps_the_address_out() {
    let db = TestDb::new();
    let a = db.person("Jan", "Vries", "jan@example.nl");
    let b = db.person("J.", "de Vries", "JAN@example.nl");
    optin(&db, a, "nieuwsbrief");
    optin(&db, b, "nieuwsbrief");
    // Listed once, under the lowest id.
    let audience = db.json(&["query", "audience", "--type", "nieuwsbrief"]);
    assert_eq!(audience.as_array().unwrap().len(), 1, "{audience}");
    assert_eq!(audience[0]["person_id"], a);
    assert_eq!(
        codes(&explain(&db, "nieuwsbrief", b)),
        vec!["duplicate_address"]
    );
    // The copy opts out: the address is out, whoever holds it.
    db.json(&[
        "subscribe",
        "--person",
        &b.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-out",
    ]);
    let audience = db.json(&["query", "audience", "--type", "nieuwsbrief"]);
    assert!(audience.as_array().unwrap().is_empty(), "{audience}");
    let why = explain(&db, "nieuwsbrief", a);
    assert_eq!(why["in_audience"], false);
    assert!(
        why["reasons"][0]["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("person {b}"))
    );
    // A bouncer flag on one copy does the same.
    let c = db.person("Kees", "K", "kees@example.nl");
    let d = db.person("Kees", "K", "kees@example.nl");
    optin(&db, c, "nieuwsbrief");
    db.exec(&format!("UPDATE persons SET bouncer = 1 WHERE id = {d}"));
    let audience = db.json(&["query", "audience", "--type", "nieuwsbrief"]);
    assert!(audience.as_array().unwrap().is_empty(), "{audience}");
    assert_eq!(codes(&explain(&db, "nieuwsbrief", c)), vec!["bouncer"]);
}

#[test]
fn explain_names_every_reason_with_a_stable_code() {
    let db = TestDb::new();
    let p = |first: &str, email: &str| db.person(first, "X", email);
    let inside = p("In", "in@example.nl");
    let none = p("Geen", "geen@example.nl");
    let out = p("Uit", "uit@example.nl");
    let dead = p("Dood", "dood@example.nl");
    let bounce = p("Bounce", "bounce@example.nl");
    let noemail = db.person("Zonder", "X", "");
    let invalid = p("Fout", "fout@");
    let anon = p("Anon", "anon@example.nl");
    let restricted = p("Beperkt", "beperkt@example.nl");
    let objected = p("Bezwaar", "bezwaar@example.nl");
    let suppressed = p("Lijst", "lijst@example.nl");
    let held = p("Akte", "akte@example.nl");
    db.exec(&format!(
        "UPDATE persons SET email = NULL WHERE id = {noemail}"
    ));
    for id in [
        inside, out, dead, bounce, invalid, anon, restricted, objected, suppressed, held,
    ] {
        optin(&db, id, "nieuwsbrief");
    }
    db.json(&[
        "subscribe",
        "--person",
        &out.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-out",
    ]);
    db.json(&[
        "--yes",
        "unsubscribe-all",
        "--person",
        &objected.to_string(),
    ]);
    db.json(&[
        "suppression",
        "add",
        "lijst@example.nl",
        "--reason",
        "complaint",
    ]);
    db.exec(&format!(
        "UPDATE persons SET deceased = 1 WHERE id = {dead};
         UPDATE persons SET bouncer = 1 WHERE id = {bounce};
         UPDATE persons SET restricted_at = '2026-01-01T00:00:00Z', restriction_reason = 'betwist' WHERE id = {restricted};
         UPDATE persons SET anonymised_at = '2026-01-01T00:00:00Z' WHERE id = {anon};
         UPDATE persons SET anonymised_at = '2026-01-01T00:00:00Z', legal_hold_until = '2031-01-01' WHERE id = {held};"
    ));
    let cases = [
        (inside, "in"),
        (none, "no_record"),
        (out, "opt_out"),
        (dead, "deceased"),
        (bounce, "bouncer"),
        (noemail, "no_email"),
        (invalid, "invalid_email"),
        (anon, "anonymised"),
        (restricted, "restricted"),
        (objected, "opt_out"),
        (suppressed, "suppressed"),
        (held, "legal_hold"),
    ];
    for (id, code) in cases {
        let why = explain(&db, "nieuwsbrief", id);
        assert_eq!(why["person_id"], id);
        assert_eq!(why["in_audience"], code == "in", "{code}: {why}");
        assert!(codes(&why).contains(&code.to_string()), "{code}: {why}");
        for r in why["reasons"].as_array().unwrap() {
            assert!(!r["detail"].as_str().unwrap().is_empty());
        }
    }
    // An objection without an opt-out for the type (a type made later, granted by hand
    // through the shell) is named as such.
    db.exec("INSERT INTO consent_types (code, label, kind, created_at) VALUES ('later', 'Later', 'newsletter', '2026-01-01T00:00:00Z')");
    db.exec(&format!(
        "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, source) VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+1 second'), {objected}, 'later', 1, 'SMP', 'rule')"
    ));
    assert!(codes(&explain(&db, "later", objected)).contains(&"objected".to_string()));
    // The verdict is the audience's own.
    let audience = db.json(&["query", "audience", "--type", "nieuwsbrief"]);
    let ids: Vec<i64> = audience
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["person_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![inside]);
    // Table and CSV carry the same fields.
    let csv = db
        .run(&[
            "query",
            "audience",
            "--type",
            "nieuwsbrief",
            "--explain",
            &dead.to_string(),
            "--format",
            "csv",
        ])
        .success();
    assert!(stdout(&csv).starts_with("person_id,in_audience,code,detail\n"));
    db.run(&[
        "query",
        "audience",
        "--type",
        "nieuwsbrief",
        "--explain",
        "999",
    ])
    .code(1);
}

#[test]
fn a_shared_address_is_listed_under_the_lowest_id_that_qualifies() {
    let db = TestDb::new();
    let dead = db.person("Opa", "Jansen", "gezin@example.nl");
    let alive = db.person("Oma", "Jansen", "gezin@example.nl");
    let other = db.person("Kind", "Jansen", "Gezin@Example.nl");
    optin(&db, dead, "nieuwsbrief");
    optin(&db, alive, "nieuwsbrief");
    db.exec(&format!(
        "UPDATE persons SET deceased = 1 WHERE id = {dead}"
    ));
    let audience = db.json(&["query", "audience", "--type", "nieuwsbrief"]);
    let ids: Vec<i64> = audience
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["person_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![alive]);
    // A third holder without any record for the type changes nothing.
    let _ = other;
    let csv = db
        .run(&[
            "query",
            "audience",
            "--type",
            "nieuwsbrief",
            "--format",
            "csv",
        ])
        .success();
    assert_eq!(stdout(&csv).lines().count(), 2);
}

/// Review: an address with an invisible character (a zero-width space, a direction
/// mark) is not mailable: it would look like another and reach no one, or the wrong one.
#[test]
fn an_address_with_invisible_characters_is_not_mailed() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    optin(&db, a, "nieuwsbrief");
    for (i, odd) in [
        "b\u{200b}@example.nl",
        "c@exa\u{202e}mple.nl",
        "\u{feff}d@example.nl",
    ]
    .iter()
    .enumerate()
    {
        let id = db.person("X", &format!("X{i}"), "x@example.nl");
        db.exec(&format!(
            "UPDATE persons SET email = '{odd}' WHERE id = {id}"
        ));
        optin(&db, id, "nieuwsbrief");
        assert_eq!(
            codes(&explain(&db, "nieuwsbrief", id)),
            vec!["invalid_email"],
            "{odd:?}"
        );
        assert_eq!(
            db.json(&["person", "show", &id.to_string()])["mailable"],
            false
        );
    }
    let audience = db.json(&["query", "audience", "--type", "nieuwsbrief"]);
    assert_eq!(audience.as_array().unwrap().len(), 1, "{audience}");
    assert_eq!(audience[0]["person_id"], a);
}

/// Review: a restricted holder of a shared address keeps the address out (processing
/// of their data is restricted, and the address is theirs too); explain says so.
#[test]
fn a_restricted_holder_of_a_shared_address_keeps_it_out() {
    let db = TestDb::new();
    let a = db.person("Jan", "Vries", "jan@example.nl");
    let b = db.person("J.", "Vries", "jan@example.nl");
    optin(&db, a, "nieuwsbrief");
    db.run(&[
        "person",
        "restrict",
        &b.to_string(),
        "--reason",
        "juistheid betwist",
    ])
    .success();
    assert!(
        db.json(&["query", "audience", "--type", "nieuwsbrief"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    let why = explain(&db, "nieuwsbrief", a);
    assert_eq!(codes(&why), vec!["restricted"], "{why}");
    assert!(
        why["reasons"][0]["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("person {b}"))
    );
}

/// Review: a state edited behind the tool's back (the sqlite3 shell) to an opt-in its
/// record does not say puts no one in an audience.
#[test]
fn a_state_that_its_record_does_not_back_is_not_an_opt_in() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    db.json(&[
        "subscribe",
        "--person",
        &a.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-out",
    ]);
    db.exec_raw("UPDATE consent_state SET opt_in = 1");
    assert!(
        db.json(&["query", "audience", "--type", "nieuwsbrief"])
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn columns_with_the_same_name_are_all_kept_in_json() {
    let db = TestDb::new();
    let out = db.json(&["query", "sql", "SELECT 1 AS id, 2 AS id, 3 AS id"]);
    assert_eq!(out, serde_json::json!([{"id": 1, "id_2": 2, "id_3": 3}]));
}

/// "Recorded today already" means today on the organisation's clock: an earlier mailing
/// of the same name on the same day there is found though its UTC date differs, and one
/// of the day before there is not, though its UTC date is today's.
#[test]
fn a_mailing_recorded_today_is_today_on_the_organisations_clock() {
    let db = TestDb::new();
    let (zone, today, utc_today) = common::zone_off_the_utc_day();
    db.run(&["settings", "set", "timezone", zone]).success();
    let a = db.person("A", "A", "a@example.nl");
    optin(&db, a, "nieuwsbrief");
    // The organisation's day is behind UTC's: the last second of the UTC day before is
    // the organisation's today. Ahead: the first second of the UTC day is its yesterday.
    let (earlier, same_day) = if today < utc_today {
        (format!("{}T23:59:59Z", utc_today.pred_opt().unwrap()), true)
    } else {
        (format!("{utc_today}T00:00:00Z"), false)
    };
    db.exec(&format!(
        "INSERT INTO contact_moments (name, sent_at, channel, type)
         VALUES ('Nieuwsbrief december', '{earlier}', 'email', 'nieuwsbrief')"
    ));
    let out = db.run(&[
        "query",
        "audience",
        "--type",
        "nieuwsbrief",
        "--record-mailing",
        "Nieuwsbrief december",
    ]);
    if same_day {
        let out = out.code(1);
        assert!(
            stderr(&out).contains("was recorded today already"),
            "{zone} {earlier}: {}",
            stderr(&out)
        );
        assert_eq!(db.int("SELECT count(*) FROM contact_moments"), 1);
    } else {
        let out = out.success();
        assert!(
            !stderr(&out).contains("today already"),
            "{zone} {earlier}: {}",
            stderr(&out)
        );
        assert_eq!(db.int("SELECT count(*) FROM contact_moments"), 2);
    }
}
