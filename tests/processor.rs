#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `processor add|list|remove|notified|todos` and the notifications of Art. 19 GDPR made
//! by anonymise, person edit and person restrict.
mod common;
use common::{TestDb, stderr};
use serde_json::Value;

fn add(db: &TestDb, name: &str, categories: &str) -> i64 {
    db.json(&[
        "processor",
        "add",
        name,
        "--purpose",
        "Verwerking",
        "--categories",
        categories,
        "--agreement-date",
        "2026-01-15",
    ])["id"]
        .as_i64()
        .unwrap()
}

/// The processors named in a command's `notify`, in order.
fn notified(out: &Value) -> Vec<String> {
    out["notify"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["processor"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn processors_are_added_listed_and_removed_as_history() {
    let db = TestDb::new();
    let out = db.json(&[
        "processor",
        "add",
        "Laposta",
        "--purpose",
        "Versturen van de nieuwsbrief",
        "--categories",
        "Name, email,name",
        "--agreement-date",
        "15-01-2026",
        "--contact",
        "privacy@laposta.nl",
    ]);
    assert_eq!(out["categories"], "name,email");
    assert_eq!(out["agreement_date"], "2026-01-15");
    let drukker = add(&db, "Drukkerij", "name,address");
    let list = db.json(&["processor", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    for key in [
        "id",
        "name",
        "purpose",
        "categories",
        "agreement_date",
        "contact",
        "added_at",
        "removed_at",
        "open_todos",
    ] {
        assert!(list[0].get(key).is_some(), "{key}");
    }
    let removed = db.json(&["processor", "remove", &drukker.to_string()]);
    assert!(removed["removed_at"].is_string());
    // Kept as history: gone from the list, there with --all.
    assert_eq!(db.json(&["processor", "list"]).as_array().unwrap().len(), 1);
    assert_eq!(
        db.json(&["processor", "list", "--all"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(db.int("SELECT count(*) FROM processors"), 2);
    // Its name may be used again by a new processor.
    add(&db, "Drukkerij", "name,address");
    assert_eq!(
        db.int("SELECT count(*) FROM audit_log WHERE command LIKE 'processor %'"),
        4
    );
}

#[test]
fn the_processors_to_notify_are_listed_after_an_erasure() {
    let db = TestDb::new();
    let mail = add(&db, "Laposta", "name,email");
    let finance = add(&db, "Accountant", "iban,transactions");
    let print = add(&db, "Drukkerij", "address");
    let gone = add(&db, "Oude verwerker", "name");
    db.json(&["processor", "remove", &gone.to_string()]);
    let p = db.person("Jan", "Vries", "jan@example.nl");
    db.exec(&format!("INSERT INTO transactions (person_id, kind, occurred_at, amount) VALUES ({p}, 'donation', '2026-01-01T00:00:00Z', '25.00')"));
    let out = db.json(&["--yes", "anonymise", "--person", &p.to_string()]);
    // Jan had a name, an e-mail address and a transaction, no address: the printer and
    // the removed processor are not told.
    assert_eq!(notified(&out), ["Laposta", "Accountant"]);
    assert_eq!(out["notify"][0]["categories"], "name,email");
    assert_eq!(out["notify"][1]["categories"], "transactions");
    // One to-do per processor, pointing to the anonymise entry, holding the id only.
    let audit = db.int("SELECT id FROM audit_log WHERE command = 'anonymise --person'");
    let todos = db.json(&["processor", "todos"]);
    let todos = todos.as_array().unwrap();
    assert_eq!(todos.len(), 2);
    for (t, (n, processor)) in todos.iter().zip(
        out["notify"]
            .as_array()
            .unwrap()
            .iter()
            .zip([mail, finance]),
    ) {
        assert_eq!(t["id"], n["todo_id"]);
        assert_eq!(t["processor_id"], processor);
        assert_eq!(t["person_id"], p);
        assert_eq!(t["change"], "erasure");
        assert_eq!(t["audit_id"], audit);
        assert!(t["done_at"].is_null());
    }
    // Whom to tell, of what each processor received: our own copy is gone, so this is
    // the only way to find Jan at Laposta; the accountant got no name or address.
    assert_eq!(
        todos[0]["subjects"],
        serde_json::json!([{"email": "jan@example.nl", "name": "Jan Vries"}])
    );
    assert_eq!(todos[1]["subjects"], serde_json::json!([]));
    assert_eq!(out["verified"], true);
    assert_eq!(out["values_kept_for_processors"], 2);
    let table = common::stdout(
        &db.cmd()
            .env("COLUMNS", "250")
            .args(["processor", "todos"])
            .assert()
            .success(),
    );
    assert!(table.contains("jan@example.nl (Jan Vries)"), "{table}");
    assert_eq!(
        db.int(&format!(
            "SELECT count(*) FROM processor_todos WHERE processor_id = {print}"
        )),
        0
    );
    // Done: marked with who did it; the list of open ones shrinks.
    let todo = todos[0]["id"].as_i64().unwrap().to_string();
    let done = db.json(&["processor", "notified", &todo]);
    assert_eq!(done["done_by"], "tester");
    assert!(done["done_at"].is_string());
    // Told: whom it concerned goes with it.
    assert_eq!(db.int("SELECT count(*) FROM processor_todo_subjects"), 0);
    assert_eq!(
        db.json(&["processor", "todos"]).as_array().unwrap().len(),
        1
    );
    assert_eq!(
        db.json(&["processor", "todos", "--all"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let before = db.snapshot();
    let again = db.run(&["processor", "notified", &todo]).code(1);
    assert!(stderr(&again).contains("already"));
    assert_eq!(db.snapshot(), before);
    // The table and CSV name them too.
    let table = common::stdout(
        &db.cmd()
            .env("COLUMNS", "200")
            .args(["processor", "list"])
            .assert()
            .success(),
    );
    assert!(table.contains("Laposta"), "{table}");
}

#[test]
fn a_rectification_notifies_the_processors_of_the_edited_categories_only() {
    let db = TestDb::new();
    add(&db, "Laposta", "name,email");
    add(&db, "Belcentrum", "phone");
    let p = db.person("Jan", "Vries", "jan@example.nl");
    let out = db.json(&["person", "edit", &p.to_string(), "--mobile", "06 12345678"]);
    assert_eq!(notified(&out), ["Belcentrum"]);
    assert_eq!(out["notify"][0]["categories"], "phone");
    let out = db.json(&[
        "person",
        "edit",
        &p.to_string(),
        "--first-name",
        "Johannes",
        "--email",
        "johannes@example.nl",
    ]);
    assert_eq!(notified(&out), ["Laposta"]);
    assert_eq!(out["notify"][0]["categories"], "name,email");
    assert_eq!(
        db.text("SELECT group_concat(change, ',') FROM processor_todos")
            .unwrap(),
        "rectification,rectification"
    );
    // An edit that changes nothing notifies nobody.
    let out = db.json(&["person", "edit", &p.to_string(), "--first-name", "Johannes"]);
    assert_eq!(out["notify"].as_array().unwrap().len(), 0);
}

#[test]
fn a_restriction_and_its_lifting_notify_every_processor_of_the_persons_data() {
    let db = TestDb::new();
    add(&db, "Laposta", "name,email");
    add(&db, "Drukkerij", "address");
    let p = db.person("Jan", "Vries", "jan@example.nl");
    let out = db.json(&[
        "person",
        "restrict",
        &p.to_string(),
        "--reason",
        "Bezwaar in behandeling",
    ]);
    assert_eq!(notified(&out), ["Laposta"]);
    let out = db.json(&["person", "restrict", &p.to_string(), "--lift"]);
    assert_eq!(notified(&out), ["Laposta"]);
    assert_eq!(
        db.text("SELECT group_concat(change, ',') FROM processor_todos")
            .unwrap(),
        "restriction,restriction_lifted"
    );
}

#[test]
fn a_retention_sweep_notifies_every_processor_once() {
    let db = TestDb::new();
    add(&db, "Laposta", "name,email");
    add(&db, "Drukkerij", "address");
    for i in 0..3 {
        db.exec(&format!(
            "INSERT INTO persons (first_name, email, created_at) VALUES ('Oud', 'oud{i}@example.nl', '2015-01-01T00:00:00Z')"
        ));
    }
    let out = db.json(&["--yes", "anonymise", "--inactive-for", "5y"]);
    assert_eq!(out["anonymised"].as_array().unwrap().len(), 3);
    assert_eq!(notified(&out), ["Laposta", "Drukkerij"]);
    // The to-do points to the sweep's audit entry, which lists the persons by id.
    assert_eq!(
        db.int(
            "SELECT count(*) FROM processor_todos t JOIN audit_log a ON a.id = t.audit_id
                WHERE t.person_id IS NULL AND a.command = 'anonymise --inactive-for'"
        ),
        2
    );
    // Laposta (name, email) gets the three to find; the printer none of its own kind.
    let todos = db.json(&["processor", "todos"]);
    assert_eq!(todos[0]["subjects"].as_array().unwrap().len(), 3);
    assert_eq!(todos[0]["subjects"][0]["email"], "oud0@example.nl");
    assert_eq!(todos[0]["subjects"][0]["name"], "Oud");
    assert_eq!(todos[1]["subjects"], serde_json::json!([]));
    // A sweep that erases nobody notifies nobody.
    let out = db.json(&["--yes", "anonymise", "--inactive-for", "5y"]);
    assert_eq!(out["notify"].as_array().unwrap().len(), 0);
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let db = TestDb::new();
    add(&db, "Laposta", "name,email");
    let before = db.snapshot();
    for (args, code, says) in [
        (
            vec![
                "processor",
                "add",
                "X",
                "--purpose",
                "p",
                "--categories",
                "naam",
            ],
            2,
            "naam",
        ),
        (
            vec![
                "processor",
                "add",
                "X",
                "--purpose",
                "p",
                "--categories",
                ",",
            ],
            2,
            "at least one",
        ),
        (
            vec!["processor", "add", "X", "--purpose", "p"],
            2,
            "--categories",
        ),
        (
            vec![
                "processor",
                "add",
                " ",
                "--purpose",
                "p",
                "--categories",
                "name",
            ],
            1,
            "NAME",
        ),
        (
            vec![
                "processor",
                "add",
                "laposta",
                "--purpose",
                "p",
                "--categories",
                "name",
            ],
            1,
            "exists",
        ),
        (
            vec![
                "processor",
                "add",
                "X",
                "--purpose",
                "p",
                "--categories",
                "name",
                "--agreement-date",
                "2026-02-30",
            ],
            2,
            "2026-02-30",
        ),
        (
            vec!["processor", "remove", "9"],
            1,
            "no processor with id 9",
        ),
        (
            vec!["processor", "notified", "9"],
            1,
            "no notification to-do with id 9",
        ),
        (vec!["processor", "notified", "x"], 2, "x"),
    ] {
        let out = db.run(&args).code(code);
        let err = stderr(&out);
        assert!(err.contains(says), "{args:?}: {err}");
        if code == 1 {
            assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        }
        assert_eq!(db.snapshot(), before, "{args:?}");
    }
    // A dry run adds nothing.
    db.json(&[
        "processor",
        "add",
        "Y",
        "--purpose",
        "p",
        "--categories",
        "name",
        "--dry-run",
    ]);
    assert_eq!(db.snapshot(), before);
}

#[test]
fn a_call_centre_is_given_both_numbers_of_an_erased_person_and_nothing_else() {
    let db = TestDb::new();
    add(&db, "Belbureau", "name,phone");
    let p = db.person("Rozemarijn", "Kwak", "roos@example.nl");
    db.exec(&format!(
        "UPDATE persons SET mobile = '0612345678', phone = '0201234567' WHERE id = {p}"
    ));
    let out = db.json(&["--yes", "anonymise", "--person", &p.to_string()]);
    assert_eq!(out["verified"], true, "{out}");
    let todos = db.json(&["processor", "todos"]);
    assert_eq!(
        todos[0]["subjects"],
        serde_json::json!([{"name": "Rozemarijn Kwak", "phone": "0612345678; 0201234567"}])
    );
    // Both numbers and the name are kept for it, not looked for by the proof.
    assert_eq!(out["values_kept_for_processors"], 3, "{out}");
}

/// What is kept for a processor is allowed once, where it is kept: the same address
/// anywhere else smp-avg does not erase (here the audit log, where an operator once
/// signed with it) is found and said, with exit code 3. A saved query named after the
/// person is renamed.
#[test]
fn an_address_kept_for_a_processor_is_still_looked_for_everywhere_else() {
    let db = TestDb::new();
    add(&db, "Laposta", "email");
    let p = db.person("Jan", "Vries", "jan.vries@example.nl");
    db.run(&[
        "query",
        "save",
        "SMP - 20261201 - Selectie - jan.vries@example.nl",
        "--sql",
        "SELECT 1",
    ])
    .success();
    let out = db.json(&["--yes", "anonymise", "--person", &p.to_string()]);
    assert_eq!(out["verified"], true, "{out}");
    assert_eq!(out["values_kept_for_processors"], 1, "{out}");
    assert_eq!(
        db.int(
            "SELECT count(*) FROM saved_queries WHERE name = 'SMP - 20261201 - Selectie - [gewist]'"
        ),
        1
    );
    assert_eq!(
        db.int("SELECT count(*) FROM saved_queries WHERE name LIKE '%jan.vries%'"),
        0
    );
    // The address in the audit log (an operator signed with it): found, exit 3.
    let db = TestDb::new();
    add(&db, "Laposta", "email");
    let p = db.person("Jan", "Vries", "jan.vries@example.nl");
    db.run(&[
        "--operator",
        "jan.vries@example.nl",
        "person",
        "bouncer",
        &p.to_string(),
        "--set",
    ])
    .success();
    let a = db
        .run(&[
            "--yes",
            "--format",
            "json",
            "anonymise",
            "--person",
            &p.to_string(),
        ])
        .code(3);
    let out: serde_json::Value = serde_json::from_str(&common::stdout(&a)).unwrap();
    assert_eq!(out["verified"], false, "{out}");
    assert!(
        stderr(&a).contains("still in the database files"),
        "{}",
        stderr(&a)
    );
}
