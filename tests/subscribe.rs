#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
use common::{TestDb, stderr};

fn current(db: &TestDb, id: i64, kind: &str) -> (i64, String, String) {
    db.conn()
        .query_row(
            "SELECT opt_in, recorded_at, channel FROM consent_current WHERE person_id = ?1 AND type = ?2",
            rusqlite::params![id, kind],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

#[test]
fn one_opt_out_by_hand_with_every_field() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    db.exec("INSERT INTO contact_moments (id, name, sent_at, channel, type) VALUES (7, 'Nieuwsbrief mei', '2026-05-01T09:00:00Z', 'e-mail', 'nieuwsbrief')");
    let out = db.json(&[
        "subscribe",
        "--person",
        "jan@example.nl",
        "--type",
        "nieuwsbrief",
        "--opt-out",
        "--channel",
        "telefonisch",
        "--description",
        "Afmelding na klacht",
        "--contact-moment",
        "7",
        "--at",
        "02-05-2026",
    ]);
    assert_eq!(out["inserted"], 1);
    assert_eq!(out["rejected"], 0);
    let card = db.json(&["person", "show", &id.to_string()]);
    let h = &card["history"][0];
    assert_eq!(h["opt_in"], false);
    assert_eq!(h["channel"], "telefonisch");
    assert_eq!(h["description"], "Afmelding na klacht");
    assert_eq!(h["contact_moment"], 7);
    assert_eq!(h["recorded_at"], "2026-05-02T00:00:00Z");
}

#[test]
fn defaults_are_channel_handmatig_and_now() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    // Stored to the second, in UTC: between the seconds before and after the command.
    let second = || chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let before = second();
    db.json(&[
        "subscribe",
        "--person",
        &id.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-in",
    ]);
    let after = second();
    let (opt_in, at, channel) = current(&db, id, "nieuwsbrief");
    assert_eq!((opt_in, channel.as_str()), (1, "handmatig"));
    assert!(before <= at && at <= after, "{before} <= {at} <= {after}");
}

#[test]
fn bad_input_is_refused_with_one_line_and_nothing_written() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    let anon = db.person("Anon", "Iem", "anon@example.nl");
    db.exec(&format!(
        "UPDATE persons SET anonymised_at = '2026-01-01T00:00:00Z' WHERE id = {anon}"
    ));
    let before = db.snapshot();
    let p = id.to_string();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--person", "999", "--type", "nieuwsbrief", "--opt-in"],
            "no person",
        ),
        (
            vec![
                "--person",
                "x@example.nl",
                "--type",
                "nieuwsbrief",
                "--opt-in",
            ],
            "no person",
        ),
        (
            vec!["--person", &p, "--type", "krant", "--opt-in"],
            "unknown consent type",
        ),
        (
            vec![
                "--person",
                &p,
                "--type",
                "nieuwsbrief",
                "--opt-in",
                "--contact-moment",
                "99",
            ],
            "contact moment",
        ),
        (
            vec![
                "--person",
                &p,
                "--type",
                "nieuwsbrief",
                "--opt-in",
                "--at",
                "2999-01-01",
            ],
            "future",
        ),
        (
            vec![
                "--person",
                &p,
                "--type",
                "nieuwsbrief",
                "--opt-in",
                "--channel",
                " ",
            ],
            "channel",
        ),
    ];
    for (args, expect) in cases {
        let mut full = vec!["subscribe"];
        full.extend(args);
        let a = db.run(&full).code(1);
        let err = stderr(&a);
        assert!(err.contains(expect), "{full:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    let a = db
        .run(&[
            "subscribe",
            "--person",
            &anon.to_string(),
            "--type",
            "nieuwsbrief",
            "--opt-in",
        ])
        .code(1);
    assert!(stderr(&a).contains("anonymised at 2026-01-01T00:00:00Z"));
    assert_eq!(db.snapshot(), before);
    // Usage errors: an impossible --at date, neither or both of --opt-in/--opt-out.
    let a = db
        .run(&[
            "subscribe",
            "--person",
            &p,
            "--type",
            "nieuwsbrief",
            "--opt-in",
            "--at",
            "2026-02-30",
        ])
        .code(2);
    assert!(stderr(&a).contains("--at"), "{}", stderr(&a));
    let a = db
        .run(&["subscribe", "--person", &p, "--type", "nieuwsbrief"])
        .code(2);
    // It names every choice, not only --opt-in.
    assert!(
        stderr(&a).contains("<--opt-in|--opt-out|--csv <FILE>>"),
        "{}",
        stderr(&a)
    );
    db.run(&[
        "subscribe",
        "--person",
        &p,
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--opt-out",
    ])
    .code(2);
    assert_eq!(db.snapshot(), before);
}

#[test]
fn a_back_dated_record_does_not_become_current() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    let p = id.to_string();
    db.json(&[
        "subscribe",
        "--person",
        &p,
        "--type",
        "nieuwsbrief",
        "--opt-out",
        "--at",
        "2026-06-01T12:00:00Z",
    ]);
    db.json(&[
        "subscribe",
        "--person",
        &p,
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--at",
        "2026-01-01T12:00:00Z",
        "--channel",
        "webformulier",
    ]);
    let (opt_in, at, _) = current(&db, id, "nieuwsbrief");
    assert_eq!((opt_in, at.as_str()), (0, "2026-06-01T12:00:00Z"));
    // Both are in the history, oldest first.
    let card = db.json(&["person", "show", &p]);
    assert_eq!(card["history"][0]["channel"], "webformulier");
}

#[test]
fn at_the_same_instant_the_record_inserted_last_wins() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    let p = id.to_string();
    let at = "2026-06-01T12:00:00Z";
    db.json(&[
        "subscribe",
        "--person",
        &p,
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--at",
        at,
    ]);
    db.json(&[
        "subscribe",
        "--person",
        &p,
        "--type",
        "nieuwsbrief",
        "--opt-out",
        "--at",
        at,
    ]);
    assert_eq!(current(&db, id, "nieuwsbrief").0, 0);
    db.json(&[
        "subscribe",
        "--person",
        &p,
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--at",
        at,
    ]);
    assert_eq!(current(&db, id, "nieuwsbrief").0, 1);
}

#[test]
fn dry_run_records_nothing() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    let before = db.snapshot();
    let out = db.json(&[
        "subscribe",
        "--person",
        &id.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--dry-run",
    ]);
    assert_eq!(out["inserted"], 1);
    assert_eq!(db.snapshot(), before);
}

#[test]
fn csv_import_in_one_transaction() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    let b = db.person("B", "B", "b@example.nl");
    let csv = format!(
        "\u{feff}Person;Type;Opt_In;Channel;Description;Recorded_At\r\n{a};nieuwsbrief;ja;webformulier;Ja graag;01-03-2026\r\nb@example.nl;direct_mail;nee;;;\r\n{a};nieuwsbrief;0;voorkeurencentrum;Afgemeld;2026-04-01T08:00:00Z\r\n"
    );
    let f = db.file("optins.csv", &csv);
    let out = db.json(&["subscribe", "--csv", f.to_str().unwrap()]);
    assert_eq!(
        (out["inserted"].as_i64(), out["rejected"].as_i64()),
        (Some(3), Some(0))
    );
    assert_eq!(current(&db, a, "nieuwsbrief").0, 0);
    assert_eq!(current(&db, b, "direct_mail").2, "import");
}

#[test]
fn csv_from_stdin() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    db.run_stdin(
        &["subscribe", "--csv", "-"],
        &format!("person,type,opt_in\n{a},nieuwsbrief,yes\n"),
    )
    .success();
    assert_eq!(current(&db, a, "nieuwsbrief").0, 1);
}

#[test]
fn csv_with_one_bad_row_writes_nothing_and_names_the_line() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    let before = db.snapshot();
    let csv = format!(
        "person,type,opt_in\n{a},nieuwsbrief,1\n{a},nieuwsbrief,1\n{a},krant,1\n{a},nieuwsbrief,0\n"
    );
    let f = db.file("bad.csv", &csv);
    let out = db.run(&["subscribe", "--csv", f.to_str().unwrap()]).code(1);
    let err = stderr(&out);
    assert!(
        err.contains("line 4: type: unknown consent type 'krant'"),
        "{err}"
    );
    assert!(err.contains("nothing recorded"));
    assert_eq!(db.snapshot(), before);
}

#[test]
fn every_kind_of_bad_consent_row() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    let before = db.snapshot();
    let csv = format!(
        "person,type,opt_in,contact_moment,recorded_at\n\
         999,nieuwsbrief,1,,\n\
         {a},nieuwsbrief,misschien,,\n\
         {a},nieuwsbrief,1,42,\n\
         {a},nieuwsbrief,1,,31-04-2026\n\
         {a},nieuwsbrief,1,,2999-01-01\n\
         ,nieuwsbrief,1,,\n"
    );
    let out = db
        .run(&[
            "subscribe",
            "--csv",
            db.file("b.csv", &csv).to_str().unwrap(),
        ])
        .code(1);
    let err = stderr(&out);
    for e in [
        "line 2: person",
        "line 3: opt_in",
        "line 4: contact_moment",
        "line 5: recorded_at",
        "line 6: recorded_at",
        "line 7: person",
        "6 bad rows",
    ] {
        assert!(err.contains(e), "{e}: {err}");
    }
    assert_eq!(db.snapshot(), before);
}

#[test]
fn reject_file_sets_bad_rows_aside_and_imports_the_rest() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    let csv = format!(
        "person;type;opt_in\n{a};nieuwsbrief;1\nnobody@example.nl;nieuwsbrief;1\n{a};direct_mail;0\n{a};krant;1\n"
    );
    let f = db.file("mixed.csv", &csv);
    let rejects = db.dir.path().join("afgekeurd.csv");
    let out = db.json(&[
        "subscribe",
        "--csv",
        f.to_str().unwrap(),
        "--reject-file",
        rejects.to_str().unwrap(),
    ]);
    assert_eq!(
        (out["inserted"].as_i64(), out["rejected"].as_i64()),
        (Some(2), Some(2))
    );
    let text = std::fs::read_to_string(&rejects).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // In the input's dialect: semicolons.
    assert_eq!(lines[0], "line;reason;person;type;opt_in");
    assert!(
        lines[1].starts_with("3;") && lines[1].contains("nobody@example.nl"),
        "{text}"
    );
    assert!(
        lines[2].starts_with("5;") && lines[2].contains("krant"),
        "{text}"
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&rejects).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(db.int("SELECT count(*) FROM consent_records"), 2);
}

#[test]
fn a_profiling_opt_out_deletes_scores_at_once() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    db.exec(&format!(
        "INSERT INTO scores VALUES ({a}, 3, 2, '10.00', 3, 3, 3, '333', '2026-01-01T00:00:00Z')"
    ));
    db.json(&[
        "subscribe",
        "--person",
        &a.to_string(),
        "--type",
        "profileren",
        "--opt-out",
        "--channel",
        "telefonisch",
    ]);
    assert_eq!(db.int("SELECT count(*) FROM scores"), 0);
}

#[test]
fn writes_are_audited() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    db.json(&[
        "subscribe",
        "--person",
        &a.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-in",
    ]);
    db.run_stdin(
        &["subscribe", "--csv", "-"],
        &format!("person,type,opt_in\n{a},direct_mail,0\n"),
    )
    .success();
    let log = db.json(&["audit"]);
    let cmds: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["command"].as_str().unwrap())
        .collect();
    assert!(
        cmds.contains(&"subscribe --opt-in") && cmds.contains(&"subscribe --csv"),
        "{cmds:?}"
    );
}

/// Issue 15: where the consent data came from is recorded: the form or hand entry of
/// one record, the file of a bulk import (one statement for the whole file).
#[test]
fn the_source_of_consent_data_is_recorded() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    let b = db.person("B", "B", "b@example.nl");
    db.json(&[
        "subscribe",
        "--person",
        &a.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--channel",
        "webformulier",
    ]);
    db.json(&[
        "subscribe",
        "--person",
        &a.to_string(),
        "--type",
        "direct_mail",
        "--opt-out",
        "--channel",
        "telefonisch",
    ]);
    let csv = db.file(
        "optins-lente.csv",
        &format!("person,type,opt_in\n{a},servicemail,1\n{b},servicemail,1\n{b},nieuwsbrief,0\n"),
    );
    db.json(&["subscribe", "--csv", csv.to_str().unwrap()]);
    let sources = |id: i64| {
        db.text(&format!(
            "SELECT group_concat(s.kind || ':' || s.label || ':' || p.categories, '|')
             FROM person_data_sources p JOIN data_sources s ON s.id = p.source_id
             WHERE p.person_id = {id} ORDER BY s.id"
        ))
        .unwrap()
    };
    assert_eq!(
        sources(a),
        "web_form:webformulier:consent|manual:telefonisch:consent|import:optins-lente.csv:consent"
    );
    // Person b: once for the file, though it brought two records.
    assert_eq!(sources(b), "import:optins-lente.csv:consent");
}

/// The source of a record typed by hand: a note in --description does not make it the
/// person's own (it stays the operator's); `--source person` needs the person's words;
/// a web form is the person's own channel.
#[test]
fn a_note_does_not_make_a_record_the_persons_own() {
    let db = TestDb::new();
    let p = db.person("A", "A", "a@example.nl").to_string();
    let last_source = || {
        db.text("SELECT source FROM consent_records ORDER BY id DESC LIMIT 1")
            .unwrap()
    };
    db.json(&[
        "subscribe",
        "--person",
        &p,
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--description",
        "belde, zei ja",
    ]);
    assert_eq!(last_source(), "operator");
    // A web form typed by hand without the form's words or reference: the operator's.
    db.json(&[
        "subscribe",
        "--person",
        &p,
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--channel",
        "webformulier",
    ]);
    assert_eq!(last_source(), "operator");
    db.json(&[
        "subscribe",
        "--person",
        &p,
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--channel",
        "webformulier",
        "--description",
        "Formulier nieuwsbrief, inzending 2026-118",
    ]);
    assert_eq!(last_source(), "person");
    let before = db.snapshot();
    for args in [
        vec![
            "subscribe",
            "--person",
            &p,
            "--type",
            "nieuwsbrief",
            "--opt-in",
            "--source",
            "person",
        ],
        vec![
            "subscribe",
            "--person",
            &p,
            "--type",
            "nieuwsbrief",
            "--opt-in",
            "--source",
            "person",
            "--description",
            "  ",
        ],
    ] {
        let a = db.run(&args).code(1);
        assert!(
            stderr(&a).contains("--source person needs"),
            "{}",
            stderr(&a)
        );
        assert_eq!(stderr(&a).trim().lines().count(), 1);
    }
    assert_eq!(db.snapshot(), before);
    db.json(&[
        "subscribe",
        "--person",
        &p,
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--source",
        "person",
        "--description",
        "Schreef: graag weer de nieuwsbrief",
    ]);
    assert_eq!(last_source(), "person");
}

/// Free text that travels into evidence, PDFs and terminals refuses control characters,
/// direction marks and invisible characters: a usage error of one inert line, nothing
/// written.
#[test]
fn free_text_with_control_or_invisible_characters_is_refused() {
    let db = TestDb::new();
    let p = db.person("A", "A", "a@example.nl").to_string();
    let before = db.snapshot();
    for (flag, value) in [
        ("--description", "ja\u{1b}[2J"),
        ("--description", "ja\u{202e}nee"),
        ("--description", "regel\nregel"),
        ("--channel", "web\u{200b}formulier"),
    ] {
        let a = db
            .run(&[
                "subscribe",
                "--person",
                &p,
                "--type",
                "nieuwsbrief",
                "--opt-in",
                flag,
                value,
            ])
            .code(2);
        let err = stderr(&a);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(
            !err.contains('\u{1b}') && !err.contains('\u{202e}'),
            "{err}"
        );
        assert!(err.contains("not allowed"), "{err}");
    }
    let a = db
        .run(&[
            "unsubscribe-all",
            "--person",
            &p,
            "--description",
            "weg\u{7}",
        ])
        .code(2);
    assert!(stderr(&a).contains("not allowed"), "{}", stderr(&a));
    let a = db
        .run(&[
            "types",
            "add",
            "x",
            "--label",
            "X\u{2066}",
            "--kind",
            "newsletter",
        ])
        .code(2);
    assert!(stderr(&a).contains("not allowed"), "{}", stderr(&a));
    assert_eq!(db.snapshot(), before);
}

/// An opt-in lifts a suppression only when it is the person's own and came after the
/// address was suppressed; a back-dated one, or the operator's, leaves it.
#[test]
fn only_the_persons_own_later_opt_in_lifts_a_suppression() {
    let db = TestDb::new();
    let p = db.person("A", "A", "a@example.nl").to_string();
    db.json(&[
        "suppression",
        "add",
        "a@example.nl",
        "--reason",
        "complaint",
    ]);
    // Suppressed a while ago (the clock's second would otherwise be shared).
    db.exec("UPDATE suppressions SET since = '2025-06-01T00:00:00Z'");
    let back_dated = db.json(&[
        "subscribe",
        "--person",
        &p,
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--channel",
        "webformulier",
        "--description",
        "Formulier 2020",
        "--at",
        "2020-01-01",
    ]);
    assert_eq!(back_dated["suppression_lifted"], false, "{back_dated}");
    // A web form typed by hand without the person's words: the operator's, no lift.
    let bare = db.json(&[
        "subscribe",
        "--person",
        &p,
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--channel",
        "webformulier",
    ]);
    assert_eq!(bare["suppression_lifted"], false, "{bare}");
    let operator = db.json(&[
        "subscribe",
        "--person",
        &p,
        "--type",
        "nieuwsbrief",
        "--opt-in",
    ]);
    assert_eq!(operator["suppression_lifted"], false, "{operator}");
    assert!(
        db.json(&["query", "audience", "--type", "nieuwsbrief"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    let own = db.json(&[
        "subscribe",
        "--person",
        &p,
        "--type",
        "nieuwsbrief",
        "--opt-in",
        "--channel",
        "webformulier",
        "--description",
        "Formulier nieuwsbrief, inzending 2026-118",
    ]);
    assert_eq!(own["suppression_lifted"], true, "{own}");
    assert_eq!(
        db.json(&["query", "audience", "--type", "nieuwsbrief"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// Review: a file does not opt anyone in again who opted out themselves (a bad row that
/// names the line), and cannot call a record the person's own on a channel where the
/// person did not act; a web form export can.
#[test]
fn a_file_cannot_undo_a_persons_own_opt_out_or_speak_for_them() {
    let db = TestDb::new();
    let p = db.person("A", "A", "a@example.nl");
    db.json(&[
        "subscribe",
        "--person",
        &p.to_string(),
        "--type",
        "nieuwsbrief",
        "--opt-out",
        "--channel",
        "webformulier",
    ]);
    let before = db.snapshot();
    let file = db.file(
        "optins.csv",
        &format!("person,type,opt_in\n{p},nieuwsbrief,1\n"),
    );
    let a = db
        .run(&["subscribe", "--csv", file.to_str().unwrap()])
        .code(1);
    let err = stderr(&a);
    assert!(
        err.contains("line 2") && err.contains("cannot opt them in again"),
        "{err}"
    );
    let file = db.file(
        "claimed.csv",
        &format!("person,type,opt_in,channel,source\n{p},servicemail,1,handmatig,person\n"),
    );
    let a = db
        .run(&["subscribe", "--csv", file.to_str().unwrap()])
        .code(1);
    assert!(
        stderr(&a).contains("person only on a channel"),
        "{}",
        stderr(&a)
    );
    assert_eq!(db.snapshot(), before);
    // The person's own opt-in from a web form export is theirs, and counts.
    let file = db.file(
        "form.csv",
        &format!(
            "person,type,opt_in,channel,recorded_at\n{p},nieuwsbrief,1,webformulier,{}\n",
            chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ")
        ),
    );
    db.json(&["subscribe", "--csv", file.to_str().unwrap()]);
    assert_eq!(
        db.text("SELECT source FROM consent_records ORDER BY id DESC LIMIT 1")
            .unwrap(),
        "person"
    );
    assert_eq!(
        db.int(&format!(
            "SELECT opt_in FROM consent_state WHERE person_id = {p} AND type = 'nieuwsbrief'"
        )),
        1
    );
}
/// Issue 12: a description `"Aanmelding` without its closing quote is a bad row with its
/// line number; it does not swallow the two opt-outs after it.
#[test]
fn an_unterminated_quote_is_a_bad_row_and_swallows_no_opt_outs() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    let b = db.person("B", "B", "b@example.nl");
    let csv = format!(
        "person,type,opt_in,channel,description\n\
         {a},nieuwsbrief,1,webformulier,\"Aanmelding\n\
         {a},nieuwsbrief,0,telefonisch,Afmelding\n\
         {b},nieuwsbrief,0,telefonisch,\"Afmelding, per brief\"\n"
    );
    let f = db.file("quote.csv", &csv);
    let before = db.snapshot();
    let out = db.run(&["subscribe", "--csv", f.to_str().unwrap()]).code(1);
    let err = stderr(&out);
    assert!(
        err.contains("line 2: description: unterminated quote"),
        "{err}"
    );
    assert!(err.contains("1 bad row, nothing recorded"), "{err}");
    assert_eq!(db.snapshot(), before);
    // Set aside: the two opt-outs are recorded, the broken opt-in is not.
    let rejects = db.dir.path().join("afgekeurd.csv");
    let out = db.json(&[
        "subscribe",
        "--csv",
        f.to_str().unwrap(),
        "--reject-file",
        rejects.to_str().unwrap(),
    ]);
    assert_eq!(
        (out["inserted"].as_i64(), out["rejected"].as_i64()),
        (Some(2), Some(1))
    );
    assert_eq!(current(&db, a, "nieuwsbrief").0, 0);
    assert_eq!(current(&db, b, "nieuwsbrief").0, 0);
    assert_eq!(
        db.text("SELECT description FROM consent_records WHERE person_id = 2")
            .as_deref(),
        Some("Afmelding, per brief")
    );
    let text = std::fs::read_to_string(&rejects).unwrap();
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .starts_with("2,description: unterminated quote"),
        "{text}"
    );
    assert!(text.contains("Aanmelding"), "the row as it was: {text}");
}

/// Issue 12: quotes in the wrong place and rows of the wrong width are bad rows, with
/// the real line number whatever the line ends (CR-only files too).
#[test]
fn strict_rows_with_real_line_numbers_for_every_line_end() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    for end in ["\n", "\r\n", "\r"] {
        let csv = [
            "person,type,opt_in,description".to_string(),
            format!("{a},nieuwsbrief,1,Goed"),
            String::new(),
            format!("{a},nieuwsbrief,1,Jan \"de\" Vries"),
            format!("{a},nieuwsbrief,1"),
            format!("{a},nieuwsbrief,1,\"Goed\"x"),
            format!("{a},krant,1,Goed"),
            String::new(),
        ]
        .join(end);
        let f = db.file("eol.csv", &csv);
        let before = db.snapshot();
        let err = stderr(&db.run(&["subscribe", "--csv", f.to_str().unwrap()]).code(1));
        for want in [
            "line 4: description: a quote inside an unquoted field",
            "line 5: 3 fields, the header has 4",
            "line 6: description: text after the closing quote",
            "line 7: type: unknown consent type 'krant'",
            "4 bad rows",
        ] {
            assert!(err.contains(want), "{end:?}: {want}: {err}");
        }
        assert_eq!(db.snapshot(), before);
    }
}

/// Issue 12: a time out of the stored form's range (here the year 0 in UTC) is a bad row
/// with its line and field, not a raw CHECK failure, and a reject file import goes on.
#[test]
fn an_out_of_range_time_is_a_bad_row_not_a_check_failure() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    let csv = format!(
        "person,type,opt_in,recorded_at\n{a},nieuwsbrief,1,0000-01-01T00:30:00+01:00\n{a},direct_mail,0,2026-01-01\n"
    );
    let f = db.file("old.csv", &csv);
    let err = stderr(&db.run(&["subscribe", "--csv", f.to_str().unwrap()]).code(1));
    assert!(err.contains("line 2: recorded_at:"), "{err}");
    assert!(err.contains("out of range"), "{err}");
    assert!(!err.contains("CHECK"), "{err}");
    let rejects = db.dir.path().join("r.csv");
    let out = db.json(&[
        "subscribe",
        "--csv",
        f.to_str().unwrap(),
        "--reject-file",
        rejects.to_str().unwrap(),
    ]);
    assert_eq!(
        (out["inserted"].as_i64(), out["rejected"].as_i64()),
        (Some(1), Some(1))
    );
}

/// A small deterministic generator for the big file.
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// Issue 17: a load larger than the batch size. The ledger gets exactly the file's good
/// rows, the state is exactly the newest record per person and type by the rule of the
/// state (computed here on its own), rows the ledger already holds are skipped, every
/// bad row is set aside, and `verify` finds nothing wrong.
#[test]
fn a_load_larger_than_a_batch_is_exact() {
    let db = TestDb::new();
    let persons = 300;
    db.exec(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {persons})
         INSERT INTO persons (id, email, created_at) SELECT i, 'p' || i || '@example.nl', '2026-01-01T00:00:00Z' FROM n;
         -- Before the load: a rule's soft opt-in for 1..100, and an own opt-out for 1..50.
         INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description, source)
             SELECT '2026-03-10T12:00:00Z', id, 'servicemail', 1, 'SMP', 'Zachte servicemail opt-in', 'rule'
             FROM persons WHERE id <= 100;
         INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description, source)
             SELECT '2026-03-15T12:00:00Z', id, 'nieuwsbrief', 0, 'webformulier', 'Bestaand', 'person'
             FROM persons WHERE id <= 50;"
    ));
    let before_max = db.int("SELECT max(id) FROM consent_records");
    // The model: every record per pair as (time, order, opt_in, source, channel, description).
    type Rec = (String, i64, i64, String, String, String);
    let mut model: std::collections::BTreeMap<(i64, String), Vec<Rec>> = Default::default();
    for id in 1..=100 {
        model.entry((id, "servicemail".into())).or_default().push((
            "2026-03-10T12:00:00Z".into(),
            id,
            1,
            "rule".into(),
            "SMP".into(),
            "Zachte servicemail opt-in".into(),
        ));
    }
    for id in 1..=50 {
        model.entry((id, "nieuwsbrief".into())).or_default().push((
            "2026-03-15T12:00:00Z".into(),
            1000 + id,
            0,
            "person".into(),
            "webformulier".into(),
            "Bestaand".into(),
        ));
    }
    let rows = 25_000;
    let types = ["nieuwsbrief", "direct_mail", "servicemail"];
    let mut rng = Lcg(17);
    let mut csv = String::from("person;type;opt_in;channel;description;recorded_at\r\n");
    let (mut good, mut bad, mut dups) = (Vec::new(), Vec::new(), 0);
    for i in 0..rows {
        let line = i as i64 + 2;
        if i % 1000 == 999 {
            csv.push_str(&format!(
                "99999;nieuwsbrief;1;telefonisch;Regel {line};\r\n"
            ));
            bad.push(line);
            continue;
        }
        if i % 1500 == 1499 {
            csv.push_str(&format!("1;krant;1;telefonisch;Regel {line};\r\n"));
            bad.push(line);
            continue;
        }
        if i < 10 {
            // The same record as one already in the ledger: skipped.
            csv.push_str(&format!(
                "{};nieuwsbrief;0;webformulier;Bestaand;2026-03-15T12:00:00Z\r\n",
                i + 1
            ));
            dups += 1;
            continue;
        }
        let person = 1 + rng.below(persons) as i64;
        let kind = types[rng.below(3) as usize];
        let opt_in = rng.below(2) as i64;
        let (channel, source) = if rng.below(2) == 0 {
            ("webformulier", "person")
        } else {
            ("telefonisch", "import")
        };
        // A file's opt-in over an opt-out is a bad row (tested on its own): the import's
        // rows here are opt-outs, the person's own either.
        let opt_in = if source == "import" { 0 } else { opt_in };
        // Few instants: ties and back-dated rows are common.
        let at = format!("2026-03-{:02}T12:00:00Z", 5 + rng.below(15));
        let who = if rng.below(5) == 0 {
            format!("P{person}@Example.nl")
        } else {
            person.to_string()
        };
        csv.push_str(&format!(
            "{who};{kind};{opt_in};{channel};Regel {line};{at}\r\n"
        ));
        let rec = (
            at,
            10_000 + line,
            opt_in,
            source.to_string(),
            channel.to_string(),
            format!("Regel {line}"),
        );
        model
            .entry((person, kind.to_string()))
            .or_default()
            .push(rec.clone());
        good.push((person, kind.to_string(), rec));
    }
    assert!(good.len() > smp_avg::import::consent::BATCH_ROWS * 2);
    let f = db.file("groot.csv", &csv);
    let rejects = db.dir.path().join("afgekeurd.csv");
    let out = db.json(&[
        "subscribe",
        "--csv",
        f.to_str().unwrap(),
        "--reject-file",
        rejects.to_str().unwrap(),
    ]);
    assert_eq!(out["inserted"].as_u64(), Some(good.len() as u64));
    assert_eq!(out["rejected"].as_u64(), Some(bad.len() as u64));
    assert_eq!(out["duplicates"].as_u64(), Some(dups));
    // The ledger: exactly the good rows.
    let conn = db.conn();
    let mut ledger: Vec<(i64, String, i64, String, String, String, String)> = conn
        .prepare(&format!(
            "SELECT person_id, type, opt_in, recorded_at, channel, description, source FROM consent_records WHERE id > {before_max}"
        ))
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut want: Vec<_> = good
        .iter()
        .map(|(p, k, r)| {
            (
                *p,
                k.clone(),
                r.2,
                r.0.clone(),
                r.4.clone(),
                r.5.clone(),
                r.3.clone(),
            )
        })
        .collect();
    ledger.sort();
    want.sort();
    assert_eq!(ledger, want);
    // Within a pair, the ledger's order is time order, then the file's (the later line
    // wins a tie).
    let out_of_order: i64 = db.int(&format!(
        "SELECT count(*) FROM consent_records a JOIN consent_records b
           ON a.person_id = b.person_id AND a.type = b.type AND a.id < b.id
         WHERE a.id > {before_max}
           AND (a.recorded_at > b.recorded_at
                OR (a.recorded_at = b.recorded_at
                    AND CAST(substr(a.description, 7) AS INTEGER) > CAST(substr(b.description, 7) AS INTEGER)))"
    ));
    assert_eq!(out_of_order, 0);
    // The state: per pair, the model's newest record by the rule.
    for ((person, kind), recs) in &model {
        let own = recs.iter().any(|r| r.3 != "rule");
        let newest = recs
            .iter()
            .filter(|r| !(own && r.3 == "rule" && r.2 == 1))
            .max_by(|x, y| (&x.0, x.1).cmp(&(&y.0, y.1)))
            .unwrap();
        let got: (i64, String, String, String) = conn
            .query_row(
                "SELECT opt_in, recorded_at, channel, description FROM consent_current WHERE person_id = ?1 AND type = ?2",
                rusqlite::params![person, kind],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(
            got,
            (
                newest.2,
                newest.0.clone(),
                newest.4.clone(),
                newest.5.clone()
            ),
            "person {person} {kind}"
        );
    }
    assert_eq!(
        db.int("SELECT count(*) FROM consent_state"),
        model.len() as i64
    );
    // Every bad row set aside, in line order.
    let text = std::fs::read_to_string(&rejects).unwrap();
    let lines: Vec<i64> = text
        .lines()
        .skip(1)
        .map(|l| l.split([',', ';']).next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(lines, bad);
    let report = db.json(&["verify"]);
    assert_eq!(report["ok"], true, "{report}");
}

/// Issue 17: kill -9 in the middle of a load leaves the database as it was, both while
/// the file is being read and after every record, the state and the seals are written
/// but before the commit.
#[test]
fn a_kill_mid_load_leaves_the_database_as_before() {
    use std::io::{BufRead, Write};
    use std::process::{Command, Stdio};
    let db = TestDb::new();
    db.exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
         INSERT INTO persons (id, email, created_at) SELECT i, 'p' || i || '@example.nl', '2026-01-01T00:00:00Z' FROM n;",
    );
    db.json(&[
        "subscribe",
        "--person",
        "1",
        "--type",
        "nieuwsbrief",
        "--opt-in",
    ]);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    let before = db.snapshot();
    let bin = assert_cmd::cargo::cargo_bin("smp-avg");
    let mut csv = String::from("person,type,opt_in,description\n");
    for i in 0..30_000 {
        csv.push_str(&format!(
            "{},nieuwsbrief,{},Regel {i}\n",
            1 + i % 500,
            i % 2
        ));
    }
    // While reading: the file still comes in on standard input.
    let mut child = Command::new(&bin)
        .args(["--db", db.path.to_str().unwrap(), "subscribe", "--csv", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&csv.as_bytes()[..csv.len() / 2]).unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(child.try_wait().unwrap().is_none(), "still reading");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    drop(stdin);
    assert_eq!(db.snapshot(), before, "killed while reading");
    // After all the work, just before the commit.
    let f = db.file("load.csv", &csv);
    let mut child = Command::new(&bin)
        .args([
            "--db",
            db.path.to_str().unwrap(),
            "subscribe",
            "--csv",
            f.to_str().unwrap(),
        ])
        .env("SMP_AVG_TEST_PAUSE_BEFORE_COMMIT", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            err.read_line(&mut line).unwrap() > 0,
            "the load ended without pausing"
        );
        if line.contains("paused before commit") {
            break;
        }
    }
    assert!(child.try_wait().unwrap().is_none());
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(db.snapshot(), before, "killed before the commit");
    let report = db.json(&["verify"]);
    assert_eq!(report["ok"], true, "{report}");
    // And the same load, not killed, is whole.
    let out = db.json(&["subscribe", "--csv", f.to_str().unwrap()]);
    assert_eq!(out["inserted"], 30_000);
    assert_eq!(db.int("SELECT count(*) FROM consent_records"), 30_001);
}

/// Within one file too: an opt-in from the file after the person's own opt-out in the
/// same file is a bad row.
#[test]
fn a_files_opt_in_after_an_own_opt_out_in_the_same_file_is_a_bad_row() {
    let db = TestDb::new();
    let p = db.person("A", "A", "a@example.nl");
    let file = db.file(
        "mix.csv",
        &format!(
            "person,type,opt_in,channel\n{p},nieuwsbrief,0,webformulier\n{p},nieuwsbrief,1,import\n"
        ),
    );
    let before = db.snapshot();
    let a = db
        .run(&["subscribe", "--csv", file.to_str().unwrap()])
        .code(1);
    assert!(
        stderr(&a).contains("line 3") && stderr(&a).contains("cannot opt them in again"),
        "{}",
        stderr(&a)
    );
    assert_eq!(db.snapshot(), before);
}

/// Time decides, not where a row stands in the file: a file's opt-in dated after the
/// person's own opt-out in the same file is a bad row even when it comes first (read
/// in the file's order, it was stored and became the current state over the opt-out).
#[test]
fn a_files_later_opt_in_listed_before_the_own_opt_out_is_a_bad_row() {
    let db = TestDb::new();
    let p = db.person("A", "A", "a@example.nl");
    let file = db.file(
        "mix.csv",
        &format!(
            "person,type,opt_in,channel,recorded_at
             {p},nieuwsbrief,1,telefonisch,2026-05-02T09:00:00Z
             {p},nieuwsbrief,0,webformulier,2026-05-01T09:00:00Z
"
        ),
    );
    let before = db.snapshot();
    let a = db
        .run(&["subscribe", "--csv", file.to_str().unwrap()])
        .code(1);
    assert!(
        stderr(&a).contains("line 2") && stderr(&a).contains("cannot opt them in again"),
        "{}",
        stderr(&a)
    );
    assert_eq!(db.snapshot(), before);
    // Set aside, the opt-out is stored and stays the person's state.
    let rejects = db.dir.path().join("afgekeurd.csv");
    let out = db.json(&[
        "subscribe",
        "--csv",
        file.to_str().unwrap(),
        "--reject-file",
        rejects.to_str().unwrap(),
    ]);
    assert_eq!(
        (out["inserted"].as_u64(), out["rejected"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        db.int(&format!(
            "SELECT opt_in FROM consent_current WHERE person_id = {p} AND type = 'nieuwsbrief'"
        )),
        0
    );
}

/// The privacy officer's case: after unsubscribe-all, a file row on the web form's
/// channel without the time the person acted is not the person's own (the time of the
/// load proves nothing): it cannot opt them in again, and `source=person` without
/// `recorded_at` is a bad row. With the time, after the objection, it is new consent.
#[test]
fn a_file_cannot_overturn_an_objection_without_the_time_the_person_acted() {
    let db = TestDb::new();
    let p = db.person("A", "A", "a@example.nl");
    db.run(&["--yes", "unsubscribe-all", "--person", &p.to_string()])
        .success();
    let before = db.snapshot();
    for (name, csv, says) in [
        (
            "form.csv",
            format!("person,type,opt_in,channel\n{p},nieuwsbrief,1,webformulier\n"),
            "cannot opt them in again",
        ),
        (
            "claimed.csv",
            format!("person,type,opt_in,channel,source\n{p},nieuwsbrief,1,webformulier,person\n"),
            "person needs recorded_at",
        ),
    ] {
        let f = db.file(name, &csv);
        let a = db.run(&["subscribe", "--csv", f.to_str().unwrap()]).code(1);
        assert!(stderr(&a).contains(says), "{name}: {}", stderr(&a));
        assert_eq!(db.snapshot(), before, "{name}");
    }
    // A type made after the objection: an opt-in from a file is recorded, but the
    // objection keeps the person out of its audience (only their own opt-in counts).
    db.run(&[
        "types",
        "add",
        "vrienden",
        "--label",
        "Vrienden",
        "--kind",
        "newsletter",
    ])
    .success();
    let f = db.file(
        "vrienden.csv",
        &format!("person,type,opt_in\n{p},vrienden,1\n"),
    );
    let a = db.run(&["subscribe", "--csv", f.to_str().unwrap()]).code(1);
    assert!(
        stderr(&a).contains("suppression list (unsubscribed_all)"),
        "{}",
        stderr(&a)
    );
    db.run(&[
        "subscribe",
        "--person",
        &p.to_string(),
        "--type",
        "vrienden",
        "--opt-in",
    ])
    .success();
    let why = db.json(&[
        "query",
        "audience",
        "--type",
        "vrienden",
        "--explain",
        &p.to_string(),
    ]);
    assert_eq!(why["in_audience"], false, "{why}");
    // The person's own, with the time they acted (after the objection): new consent.
    let later = (chrono::Utc::now() + chrono::Duration::seconds(2)).format("%Y-%m-%dT%H:%M:%SZ");
    let f = db.file(
        "own.csv",
        &format!("person,type,opt_in,channel,recorded_at\n{p},vrienden,1,webformulier,{later}\n"),
    );
    db.run(&["subscribe", "--csv", f.to_str().unwrap()])
        .success();
    let why = db.json(&[
        "query",
        "audience",
        "--type",
        "vrienden",
        "--explain",
        &p.to_string(),
    ]);
    assert_eq!(why["in_audience"], true, "{why}");
}

/// Rows of erased persons are skipped with a warning that names the line only: an
/// anonymised person's id, or an erased address nobody holds (whatever else is wrong
/// with the row); the rest of the file is recorded.
#[test]
fn rows_of_erased_persons_are_skipped_with_a_warning_naming_the_line_only() {
    let db = TestDb::new();
    let jan = db.person("Jan", "Vries", "jan@example.nl");
    let piet = db.person("Piet", "Bakker", "piet@example.nl");
    let anna = db.person("Anna", "Smit", "anna@example.nl");
    for id in [jan, piet] {
        db.run(&["--yes", "anonymise", "--person", &id.to_string()])
            .success();
    }
    let f = db.file(
        "oud.csv",
        &format!(
            "person;type;opt_in\n{jan};nieuwsbrief;ja\nPIET@example.nl;nieuwsbrief;nee\n{anna};nieuwsbrief;ja\npiet@example.nl;krant;misschien\n"
        ),
    );
    let out = db
        .cmd()
        .args([
            "subscribe",
            "--csv",
            f.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["inserted"], 1, "{json}");
    assert_eq!(json["rejected"], 0, "{json}");
    assert_eq!(json["skipped_erased"], 3, "{json}");
    let lines: Vec<i64> = json["warning_rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"] == "erased")
        .map(|w| w["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, vec![2, 3, 5]);
    let err = String::from_utf8_lossy(&out.stderr);
    for line in [2, 3, 5] {
        assert!(
            err.contains(&format!(
                "line {line}: person: skipped: the person was erased"
            )),
            "{err}"
        );
    }
    assert!(!err.to_lowercase().contains("@example.nl"), "{err}");
    assert!(!err.contains(&format!("person {jan}")), "{err}");
    assert_eq!(
        db.int(&format!("SELECT count(*) FROM consent_records WHERE person_id IN ({jan}, {piet}) AND channel = 'import'")),
        0
    );
    // A person nobody ever had is still a bad row, and refuses the file.
    let before = db.snapshot();
    let f = db.file(
        "bad.csv",
        "person,type,opt_in\nnobody@example.nl,nieuwsbrief,ja\n",
    );
    let a = db.run(&["subscribe", "--csv", f.to_str().unwrap()]).code(1);
    assert!(stderr(&a).contains("line 2: person:"), "{}", stderr(&a));
    assert_eq!(db.snapshot(), before);
}

/// An opt-in of a person under 16 and a channel outside the vocabulary are recorded as
/// given, with a warning on stderr and in the JSON (`warning_rows`) naming the line.
#[test]
fn opt_ins_of_children_and_unknown_channels_are_warned_about() {
    let db = TestDb::new();
    let child = db.person("Sem", "Jong", "sem@example.nl");
    let adult = db.person("Ria", "Oud", "ria@example.nl");
    let today = chrono::Utc::now().date_naive();
    let birth = today - chrono::Duration::days(15 * 365);
    db.exec(&format!(
        "UPDATE persons SET birth_date = '{}' WHERE id = {child};
         UPDATE persons SET birth_date = '1960-01-01' WHERE id = {adult};",
        birth.format("%Y-%m-%d")
    ));
    let f = db.file(
        "in.csv",
        &format!(
            "person,type,opt_in,channel\n{child},nieuwsbrief,ja,telefonisch\n{child},direct_mail,nee,telefonisch\n{adult},nieuwsbrief,ja,telefoonisch\n{adult},direct_mail,ja,\n"
        ),
    );
    let out = db
        .cmd()
        .args([
            "subscribe",
            "--csv",
            f.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["inserted"], 4, "{json}");
    assert_eq!(json["warnings"], 2, "{json}");
    let rows: Vec<(i64, String)> = json["warning_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["line"].as_i64().unwrap(),
                w["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (2, "under_16".to_string()),
            (4, "unknown_channel".to_string())
        ]
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 2: opt_in: the person was under 16"),
        "{err}"
    );
    assert!(
        err.contains("line 4: channel: 'telefoonisch' is not a known channel"),
        "{err}"
    );
    assert!(
        !err.contains("@example.nl") && !err.contains("Sem"),
        "{err}"
    );
    // The same opt-in recorded before the person could have given it is still a
    // child's; once 16, no warning.
    let f = db.file(
        "old.csv",
        &format!("person,type,opt_in,recorded_at\n{adult},nieuwsbrief,ja,1970-01-01\n"),
    );
    let out = db.json(&["subscribe", "--csv", f.to_str().unwrap()]);
    assert_eq!(out["warning_rows"][0]["code"], "under_16", "{out}");
}

/// A warning does not make a refused file partly written: a bad row still refuses it
/// whole, with the bad row named.
#[test]
fn a_file_with_warnings_and_a_bad_row_is_refused_whole() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    let before = db.snapshot();
    let f = db.file(
        "in.csv",
        &format!("person,type,opt_in,channel\n{a},nieuwsbrief,ja,duif\n{a},krant,ja,duif\n"),
    );
    let out = db.run(&["subscribe", "--csv", f.to_str().unwrap()]).code(1);
    let err = stderr(&out);
    assert!(err.contains("line 3: type: unknown consent type"), "{err}");
    assert!(!err.contains("line 2"), "{err}");
    assert_eq!(db.snapshot(), before);
}

#[test]
fn an_opt_in_for_a_child_by_hand_is_recorded_with_a_warning() {
    let db = TestDb::new();
    let kid = db.person("Kim", "Jong", "kim@example.nl");
    db.exec(&format!(
        "UPDATE persons SET birth_date = '2015-05-05' WHERE id = {kid}"
    ));
    let a = db
        .run(&[
            "subscribe",
            "--person",
            &kid.to_string(),
            "--type",
            "nieuwsbrief",
            "--opt-in",
            "--channel",
            "telefonisch",
            "--source",
            "person",
            "--description",
            "Moeder belde",
        ])
        .success();
    let err = stderr(&a);
    assert!(err.contains("under 16") && err.contains("parent"), "{err}");
    assert!(!err.contains("Kim"), "{err}");
    // An opt-out needs no one's permission: no warning.
    let a = db
        .run(&[
            "subscribe",
            "--person",
            &kid.to_string(),
            "--type",
            "nieuwsbrief",
            "--opt-out",
        ])
        .success();
    assert!(!stderr(&a).contains("under 16"), "{}", stderr(&a));
}

#[test]
fn an_operators_opt_in_after_an_objection_is_recorded_with_a_warning() {
    let db = TestDb::new();
    let p = db.person("Jan", "Vries", "jan@example.nl");
    // An objection without its suppression (a merge carried it over from another row).
    db.exec(&format!(
        "UPDATE persons SET objected_at = '2026-01-01T00:00:00Z', objection_channel = 'handmatig' WHERE id = {p}"
    ));
    let a = db
        .run(&[
            "subscribe",
            "--person",
            &p.to_string(),
            "--type",
            "nieuwsbrief",
            "--opt-in",
        ])
        .success();
    assert!(
        stderr(&a).contains("objected to all contact"),
        "{}",
        stderr(&a)
    );
    assert!(
        db.json(&["query", "audience", "--type", "nieuwsbrief"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    // The person's own, after the objection: no warning, and mailed.
    let a = db
        .run(&[
            "subscribe",
            "--person",
            &p.to_string(),
            "--type",
            "nieuwsbrief",
            "--opt-in",
            "--channel",
            "webformulier",
            "--description",
            "Formulier F-9",
        ])
        .success();
    assert!(!stderr(&a).contains("objected"), "{}", stderr(&a));
}

/// A file imported again after newer records came in: its rows are older than the
/// pairs' state now, and every one of them is still found in the ledger and skipped,
/// for the pairs with a newer record and for a pair without one.
#[test]
fn a_file_imported_again_after_newer_records_is_all_duplicates() {
    let db = TestDb::new();
    let p = db.person("A", "A", "a@example.nl");
    let q = db.person("B", "B", "b@example.nl");
    let file = db.file(
        "export.csv",
        &format!(
            "person,type,opt_in,channel,description,recorded_at\n\
             {p},nieuwsbrief,1,webformulier,Formulier,2026-03-01T10:00:00Z\n\
             {p},nieuwsbrief,0,webformulier,,2026-03-02T10:00:00Z\n\
             {p},direct_mail,1,webformulier,Beurs,2026-03-03T10:00:00Z\n\
             {q},nieuwsbrief,1,webformulier,Formulier,2026-03-04T10:00:00Z\n"
        ),
    );
    let first = db.json(&["subscribe", "--csv", file.to_str().unwrap()]);
    assert_eq!(
        (first["inserted"].as_u64(), first["duplicates"].as_u64()),
        (Some(4), Some(0))
    );
    // Newer records for both persons' newsletter.
    for who in [p, q] {
        db.json(&[
            "subscribe",
            "--person",
            &who.to_string(),
            "--type",
            "nieuwsbrief",
            "--opt-out",
            "--channel",
            "telefonisch",
        ]);
    }
    let state =
        "SELECT group_concat(person_id || type || opt_in || record_id, ',') FROM consent_state";
    let (records, before) = (
        db.int("SELECT count(*) FROM consent_records"),
        db.text(state),
    );
    let again = db.json(&["subscribe", "--csv", file.to_str().unwrap()]);
    assert_eq!(
        (again["inserted"].as_u64(), again["duplicates"].as_u64()),
        (Some(0), Some(4)),
        "{again}"
    );
    assert_eq!(db.int("SELECT count(*) FROM consent_records"), records);
    assert_eq!(db.text(state), before);
}

/// A sixteenth birthday falls on a day of the organisation's clock: a person who turns
/// 16 on the later of today's dates (there and in UTC) is a child when they give an
/// opt-in only where that day has not yet come on the organisation's clock, by hand and
/// in a file alike.
#[test]
fn the_sixteenth_birthday_is_a_day_on_the_organisations_clock() {
    let db = TestDb::new();
    let (zone, today, utc_today) = common::zone_off_the_utc_day();
    db.run(&["settings", "set", "timezone", zone]).success();
    let birthday = today.max(utc_today);
    let birth = birthday
        .checked_sub_months(chrono::Months::new(12 * 16))
        .unwrap();
    let child_here = today < birthday;
    let kid = db.person("Kim", "Jong", "kim@example.nl");
    db.exec(&format!(
        "UPDATE persons SET birth_date = '{birth}' WHERE id = {kid}"
    ));
    let by_hand = db
        .run(&[
            "subscribe",
            "--person",
            &kid.to_string(),
            "--type",
            "nieuwsbrief",
            "--opt-in",
        ])
        .success();
    assert_eq!(
        stderr(&by_hand).contains("under 16"),
        child_here,
        "{zone}, born {birth}: {}",
        stderr(&by_hand)
    );
    let f = db.file(
        "in.csv",
        &format!("person,type,opt_in,channel\n{kid},direct_mail,ja,telefonisch\n"),
    );
    let file = db
        .run(&["subscribe", "--csv", f.to_str().unwrap()])
        .success();
    assert_eq!(
        stderr(&file).contains("under 16"),
        child_here,
        "{zone}, born {birth}: {}",
        stderr(&file)
    );
}

/// A time zone setting broken by hand (the tool says so when it opens the database) does
/// not stand in the way of a person's choice: an opt-out by hand and in a file, and an
/// opt-in of a person with a birth date, are recorded; the under-16 warning then takes
/// the day in UTC.
#[test]
fn a_broken_time_zone_setting_stops_no_record() {
    let db = TestDb::new();
    let id = db.person("Jan", "Vries", "jan@example.nl");
    db.exec(&format!(
        "UPDATE persons SET birth_date = '2000-01-01' WHERE id = {id};
         INSERT OR REPLACE INTO settings (key, value) VALUES ('timezone', 'Mars/Olympus');"
    ));
    let p = id.to_string();
    let by_hand = db
        .run(&[
            "subscribe",
            "--person",
            &p,
            "--type",
            "nieuwsbrief",
            "--opt-out",
        ])
        .success();
    assert!(
        stderr(&by_hand).contains("Mars/Olympus"),
        "{}",
        stderr(&by_hand)
    );
    db.run(&[
        "subscribe",
        "--person",
        &p,
        "--type",
        "profileren",
        "--opt-in",
    ])
    .success();
    let f = db.file(
        "in.csv",
        &format!("person,type,opt_in\n{id},direct_mail,nee\n{id},servicemail,ja\n"),
    );
    db.run(&["subscribe", "--csv", f.to_str().unwrap()])
        .success();
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM consent_records WHERE person_id = {id}"
        )),
        4
    );
}
