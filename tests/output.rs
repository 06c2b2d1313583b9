#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! What every command's output looks like to its reader: JSON lines for logs, a closed
//! pipe as a normal end, CSV that a spreadsheet cannot run, tables that fit the terminal
//! (in a pty, as an operator sees them) and show escapes instead of control characters.
mod common;
use common::{TestDb, stderr, stdout};
use serde_json::Value;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_smp-avg");

/// `bash -c SCRIPT` with the binary as $SMP and the database as $DB.
fn sh(db: &TestDb, script: &str) -> std::process::Output {
    Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(db.dir.path())
        .env("SMP", BIN)
        .env("DB", &db.path)
        .env("SMP_AVG_OPERATOR", "tester")
        .env_remove("COLUMNS")
        .output()
        .unwrap()
}

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("not one JSON object per line ({e}): {l}"))
        })
        .collect()
}

fn is_utc_time(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        chrono::DateTime::parse_from_rfc3339(s).is_ok() && s.ends_with('Z') && s.len() == 20
    })
}

#[test]
fn jsonl_is_one_object_per_line_with_at_and_command() {
    let db = TestDb::demo(30);
    // Rows: one line per row.
    let a = db.run(&["--format", "jsonl", "types", "list"]).success();
    let rows = lines(&stdout(&a));
    assert!(rows.len() >= 4);
    for r in &rows {
        assert!(is_utc_time(&r["at"]), "{r}");
        assert_eq!(r["command"], "types list");
        assert!(r["code"].is_string());
    }
    // A summary object: one line.
    let bounces = db.file("b.csv", "email\nnobody@example.org\n");
    let a = db
        .run(&[
            "import",
            "bounces",
            bounces.to_str().unwrap(),
            "--format",
            "jsonl",
        ])
        .success();
    let out = stdout(&a);
    assert_eq!(out.lines().count(), 1, "{out}");
    let l = &lines(&out)[0];
    assert_eq!(l["command"], "import bounces");
    assert!(is_utc_time(&l["at"]));
    assert_eq!(l["unknown"], 1);
    // A nested document: one line.
    let a = db
        .run(&["--format", "jsonl", "person", "show", "1"])
        .success();
    let l = &lines(&stdout(&a))[0];
    assert_eq!(l["command"], "person show");
    assert_eq!(l["id"], 1);
    assert!(l["history"].is_array());
    // Fields of the output called `at` or `command` themselves keep their values.
    let a = db.run(&["--format", "jsonl", "audit"]).success();
    let first = &lines(&stdout(&a))[0];
    assert_eq!(first["command"], "audit");
    assert_eq!(first["entry_command"], "init");
    assert!(is_utc_time(&first["entry_at"]));
    // --format json is unchanged: one document.
    let v = db.json(&["types", "list"]);
    assert!(v.is_array());
}

#[test]
fn a_closed_pipe_is_a_normal_end_for_every_format() {
    let db = TestDb::demo(20);
    for format in ["table", "csv", "json", "jsonl"] {
        // 200,000 rows: far more than a pipe buffer, so the writer meets the closed pipe.
        let out = sh(
            &db,
            &format!(
                "\"$SMP\" --db \"$DB\" --format {format} query sql \"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) SELECT x, 'abc' AS t FROM c\" | head -c 20 >/dev/null; exit ${{PIPESTATUS[0]}}"
            ),
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A document written in one go (the customer card) too.
    let out = sh(
        &db,
        "\"$SMP\" --db \"$DB\" --format json person show 1 | head -c 1 >/dev/null; exit ${PIPESTATUS[0]}",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A person whose name and address are attacks on whoever opens the CSV (issue 12).
fn hostile(db: &TestDb) -> i64 {
    let id = db.person(
        "=HYPERLINK(\"http://x\")",
        "@SUM(1+1)",
        "=1+cmd|'/Ccalc'!A0@example.nl",
    );
    db.exec(&format!(
        "UPDATE persons SET infix = '-2+3', phone = '+31 6 1234 5678', mobile = '+31612345678' WHERE id = {id};
         INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description, source)
         VALUES ('2026-01-01T00:00:00Z', {id}, 'nieuwsbrief', 1, 'webformulier', 'ja', 'person');
         INSERT INTO transactions (person_id, kind, occurred_at, description, amount)
         VALUES ({id}, 'donation', '2026-01-02T00:00:00Z', char(9) || 'TAB', '-5.00');"
    ));
    id
}

#[test]
fn csv_cells_that_a_spreadsheet_would_run_are_prefixed_and_numbers_stay_numbers() {
    let db = TestDb::new();
    let id = hostile(&db);
    let a = db
        .run(&[
            "--format",
            "csv",
            "query",
            "sql",
            &format!(
                "SELECT p.id, p.first_name, p.infix, p.last_name, p.email, p.phone, p.mobile, t.amount, t.description, -7 AS n
                 FROM persons p JOIN transactions t ON t.person_id = p.id WHERE p.id = {id}"
            ),
        ])
        .success();
    let text = stdout(&a);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let row = r.records().next().unwrap().unwrap();
    assert_eq!(&row[0], id.to_string());
    assert_eq!(&row[1], "'=HYPERLINK(\"http://x\")");
    assert_eq!(&row[2], "'-2+3");
    assert_eq!(&row[3], "'@SUM(1+1)");
    assert_eq!(&row[4], "'=1+cmd|'/Ccalc'!A0@example.nl");
    assert_eq!(
        &row[5], "'+31 6 1234 5678",
        "text that is not a plain number"
    );
    assert_eq!(
        &row[6], "+31612345678",
        "a plain number cannot be a formula"
    );
    assert_eq!(&row[7], "-5.00", "an amount stays a number");
    assert_eq!(&row[8], "'\tTAB");
    assert_eq!(&row[9], "-7", "a number is never prefixed");
    // The audience CSV that operators open in Excel.
    let a = db
        .run(&[
            "--format",
            "csv",
            "query",
            "audience",
            "--type",
            "nieuwsbrief",
        ])
        .success();
    let text = stdout(&a);
    assert!(text.contains("'=1+cmd|'/Ccalc'!A0@example.nl"), "{text}");
    assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{text}");
    // JSON is for programs: the values as they are.
    let v = db.json(&["query", "audience", "--type", "nieuwsbrief"]);
    assert_eq!(v[0]["first_name"], "=HYPERLINK(\"http://x\")");
    assert_eq!(v[0]["email"], "=1+cmd|'/Ccalc'!A0@example.nl");
}

#[test]
fn tables_show_control_characters_and_direction_marks_escaped() {
    let db = TestDb::new();
    let id = db.person(
        "Jan\u{1b}]0;title\u{7}",
        "\u{202e}gpj.exe",
        "jan@example.nl",
    );
    db.exec(&format!(
        "UPDATE persons SET city = 'A' || char(27) || '[2J' WHERE id = {id}"
    ));
    for args in [
        vec!["person".to_string(), "show".into(), id.to_string()],
        vec![
            "query".into(),
            "sql".into(),
            "SELECT first_name, last_name, city FROM persons".into(),
        ],
    ] {
        let a = db.cmd().args(&args).assert().success();
        let out = stdout(&a);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{202e}') && !out.contains('\u{7}'),
            "{out}"
        );
        assert!(out.contains("\\u{1b}]0;title\\u{7}"), "{out}");
        assert!(out.contains("\\u{202e}gpj.exe"), "{out}");
        assert!(out.contains("A\\u{1b}[2J"), "{out}");
    }
}

fn widest(text: &str) -> usize {
    text.lines()
        .map(|l| unicode_width::UnicodeWidthStr::width(l.trim_end_matches('\r')))
        .max()
        .unwrap_or(0)
}

/// Run in a pseudo-terminal (util-linux `script`), optionally sized with stty first.
fn in_pty(db: &TestDb, stty: Option<&str>, args: &str) -> Option<String> {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: `script` (util-linux) is not installed, so no pty test");
        return None;
    }
    let size = stty.map(|s| format!("stty {s}; ")).unwrap_or_default();
    let out = sh(
        db,
        &format!("script -qec '{size}\"$SMP\" --db \"$DB\" {args}' /dev/null </dev/null"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n"))
}

/// A person with long words and a history, for the wrapping tests.
fn wordy(db: &TestDb) -> i64 {
    let id = db.person("Jan", "de Vries", "jan.de.vries@example.nl");
    db.exec(&format!(
        "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description, source) VALUES
           ('2026-01-01T10:00:00Z', {id}, 'profileren', 1, 'voorkeurencentrum', 'Toestemming voor profileren op basis van aankopen en bezoeken', 'person'),
           ('2026-02-01T10:00:00Z', {id}, 'nieuwsbrief', 1, 'webformulier', 'Ja, ik wil de nieuwsbrief van het theater ontvangen', 'person')"
    ));
    id
}

#[test]
fn tables_fit_an_80_column_terminal_with_words_and_timestamps_whole() {
    let db = TestDb::new();
    wordy(&db);
    let Some(out) = in_pty(&db, Some("cols 80 rows 40"), "types list") else {
        return;
    };
    assert!(widest(&out) <= 80, "wider than the terminal:\n{out}");
    for word in ["profileren", "nieuwsbrief", "servicemail", "description"] {
        assert!(out.contains(word), "'{word}' was broken:\n{out}");
    }
    let Some(out) = in_pty(&db, Some("cols 80 rows 40"), "audit") else {
        return;
    };
    assert!(widest(&out) <= 80, "{out}");
    for line in out.lines() {
        // A split timestamp would leave a date without its time on a line (tables show
        // `2026-11-29 00:50:36 CET`, or the stored `2026-11-28T23:50:36Z` under --utc).
        if let Some(i) = line.find("2026-") {
            let rest = &line[i..];
            assert!(
                rest.len() >= 19
                    && (rest[10..].starts_with('T') || rest[10..].starts_with(' '))
                    && rest.as_bytes()[13] == b':',
                "a timestamp was split:\n{out}"
            );
        }
    }
}

#[test]
fn a_terminal_that_reports_no_width_gets_100_columns() {
    let db = TestDb::new();
    wordy(&db);
    // script's pty has 0 columns when its own input is not a terminal.
    let Some(out) = in_pty(&db, Some("cols 0 rows 0"), "types list") else {
        return;
    };
    let w = widest(&out);
    assert!(
        w <= 100 && w > 80,
        "expected up to 100 columns, got {w}:\n{out}"
    );
    assert!(
        !out.lines().any(|l| l.contains("│ c ┆")),
        "1-character columns:\n{out}"
    );
    // Not a terminal at all (a pipe): 100 too; COLUMNS overrides.
    let a = db
        .cmd()
        .args(["types", "list"])
        .env_remove("COLUMNS")
        .assert()
        .success();
    assert!(widest(&stdout(&a)) <= 100);
    let a = db
        .cmd()
        .args(["types", "list"])
        .env("COLUMNS", "76")
        .assert()
        .success();
    let out = stdout(&a);
    assert!(widest(&out) <= 76, "{out}");
    assert!(out.contains("nieuwsbrief"), "{out}");
}

#[test]
fn quiet_silences_warnings_and_notes_but_not_errors() {
    let db = TestDb::new();
    // A name against the convention warns...
    let a = db
        .run(&[
            "query",
            "save",
            "losse naam",
            "--sql",
            "SELECT id FROM persons",
        ])
        .success();
    assert!(stderr(&a).contains("warning"), "{}", stderr(&a));
    // ...but not under --quiet, which prints nothing at all.
    let a = db
        .run(&[
            "-q",
            "query",
            "save",
            "nog een naam",
            "--sql",
            "SELECT id FROM persons",
        ])
        .success();
    assert!(a.get_output().stdout.is_empty());
    assert!(a.get_output().stderr.is_empty(), "{}", stderr(&a));
    // Errors still reach stderr.
    let a = db.run(&["-q", "person", "show", "999"]).code(1);
    assert!(stderr(&a).contains("no person with id 999"));
}

/// The field names a command gives in JSON (keys of its object, or of its rows) and in
/// CSV (its header).
fn fields_json_and_csv(db: &TestDb, args: &[&str]) -> (Vec<String>, Vec<String>) {
    let v = db.json(args);
    let object = match &v {
        Value::Array(rows) => rows.first().cloned().unwrap_or(Value::Null),
        other => other.clone(),
    };
    let json: Vec<String> = object
        .as_object()
        .unwrap_or_else(|| panic!("{args:?}: {v}"))
        .keys()
        .cloned()
        .collect();
    let a = db
        .cmd()
        .args(args)
        .args(["--format", "csv"])
        .assert()
        .success();
    let out = stdout(&a);
    let csv: Vec<String> = out
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(String::from)
        .collect();
    (json, csv)
}

#[test]
fn every_command_gives_the_same_fields_in_csv_and_json() {
    let db = TestDb::demo(30);
    db.exec(
        "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, source)
         VALUES ('2026-01-01T00:00:00Z', 1, 'direct_mail', 0, 'handmatig', 'operator')",
    );
    let bounces = db.file("b.csv", "email\nnobody@example.org\n");
    let persons = db.file("p.csv", "first_name;email\nJan;jan.nieuw@example.nl\n");
    let b = bounces.to_str().unwrap();
    let p = persons.to_str().unwrap();
    let runs: Vec<Vec<&str>> = vec![
        vec!["types", "list"],
        vec!["audit"],
        vec!["query", "list"],
        vec!["query", "audience", "--type", "nieuwsbrief"],
        vec!["register", "list"],
        vec!["run-soft-optins", "--dry-run"],
        vec!["profile", "run", "--dry-run"],
        vec!["import", "bounces", b, "--dry-run"],
        vec!["import", "persons", p, "--dry-run"],
        vec![
            "subscribe",
            "--person",
            "1",
            "--type",
            "nieuwsbrief",
            "--opt-in",
            "--dry-run",
        ],
        vec!["unsubscribe-all", "--person", "2", "--dry-run"],
        vec!["person", "bouncer", "3", "--set", "--dry-run"],
        vec!["person", "find", "example"],
        vec!["person", "show", "4", "--section", "data"],
        vec!["person", "show", "1", "--section", "history"],
        vec![
            "types",
            "add",
            "x",
            "--label",
            "X",
            "--kind",
            "other",
            "--dry-run",
        ],
    ];
    for args in runs {
        let (json, csv) = fields_json_and_csv(&db, &args);
        assert_eq!(json, csv, "{args:?}");
    }
}
