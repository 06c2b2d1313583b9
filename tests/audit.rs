#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;
use common::TestDb;

#[test]
fn writing_commands_leave_one_entry_without_personal_data() {
    let db = TestDb::new();
    let f = db.file(
        "p.csv",
        "first_name,last_name,email,iban\nJan,Modaal,jan.modaal@example.nl,NL91ABNA0417164300\n",
    );
    db.json(&["import", "persons", f.to_str().unwrap()]);
    db.json(&["person", "bouncer", "jan.modaal@example.nl", "--set"]);
    let log = db.json(&["audit"]);
    let entries = log.as_array().unwrap();
    let commands: Vec<&str> = entries
        .iter()
        .map(|e| e["command"].as_str().unwrap())
        .collect();
    assert!(commands.contains(&"import persons"), "{commands:?}");
    assert!(commands.contains(&"person bouncer --set"));
    for e in entries {
        for key in ["id", "at", "operator", "command", "person_id", "affected"] {
            assert!(e.get(key).is_some(), "{key}");
        }
        assert_eq!(e["operator"], "tester");
    }
    let everything = db.text("SELECT group_concat(coalesce(operator,'') || command || coalesce(details,''), '|') FROM audit_log").unwrap();
    for personal in ["Jan", "Modaal", "jan.modaal", "NL91"] {
        assert!(!everything.contains(personal), "audit log holds {personal}");
    }
}

#[test]
fn audit_filters_by_person_and_time() {
    let db = TestDb::new();
    let a = db.person("A", "A", "a@example.nl");
    let b = db.person("B", "B", "b@example.nl");
    db.json(&["person", "bouncer", &a.to_string(), "--set"]);
    db.json(&["person", "bouncer", &b.to_string(), "--set"]);
    let only_a = db.json(&["audit", "--person", "a@example.nl"]);
    assert_eq!(only_a.as_array().unwrap().len(), 1);
    assert_eq!(only_a[0]["person_id"], a);
    assert_eq!(
        db.json(&["audit", "--since", "2999-01-01"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert!(
        db.json(&["audit", "--since", "01-01-2000"])
            .as_array()
            .unwrap()
            .len()
            >= 2
    );
    db.run(&["audit", "--since", "30-02-2026"]).code(2);
}

#[test]
fn operator_comes_from_the_flag_or_the_environment() {
    let db = TestDb::new();
    let id = db.person("A", "A", "a@example.nl");
    db.cmd()
        .args([
            "--operator",
            "marieke",
            "person",
            "bouncer",
            &id.to_string(),
            "--set",
        ])
        .assert()
        .success();
    let log = db.json(&["audit"]);
    assert_eq!(
        log.as_array().unwrap().last().unwrap()["operator"],
        "marieke"
    );
}

#[test]
fn csv_output_has_a_header() {
    let db = TestDb::new();
    let out = db.run(&["audit", "--format", "csv"]).success();
    assert!(
        common::stdout(&out)
            .starts_with("id,at,operator,account,command,person_id,affected,details,text\n")
    );
}
