#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `smp-avg retention list|set`: retention per purpose.
mod common;
use common::{TestDb, stderr};

#[test]
fn defaults_and_changes() {
    let db = TestDb::new();
    let list = db.json(&["retention", "list"]);
    let get = |c: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|r| r["category"] == c)
            .unwrap()["period"]
            .clone()
    };
    assert_eq!(get("marketing"), "5y");
    assert_eq!(get("transactions"), "7y");
    assert_eq!(get("schenkingsakte"), "7y");
    assert_eq!(get("overeenkomst"), "7y");
    let set = db.json(&["retention", "set", "overeenkomst", "10y"]);
    assert_eq!(set["was"], "7y");
    // A new kind of document comes with its period and why.
    db.run(&["retention", "set", "arbeidscontract", "7y"])
        .code(1);
    db.json(&[
        "retention",
        "set",
        "arbeidscontract",
        "7y",
        "--basis",
        "Fiscale bewaarplicht (art. 52 AWR)",
    ]);
    let id = db.person("Jan", "Vries", "jan@example.nl").to_string();
    let f = db.file("c.pdf", "x");
    let doc = db.json(&[
        "document",
        "add",
        &id,
        f.to_str().unwrap(),
        "--kind",
        "arbeidscontract",
        "--date",
        "2026-01-01",
    ]);
    assert_eq!(doc["held_until"], "2033-01-01");
    // Under a year only when meant.
    let before = db.snapshot();
    let a = db.run(&["retention", "set", "marketing", "6m"]).code(1);
    assert!(stderr(&a).contains("less than a year"));
    db.run(&["retention", "set", "marketing", "5x"]).code(2);
    assert_eq!(db.snapshot(), before);
    db.json(&[
        "retention",
        "set",
        "marketing",
        "6m",
        "--allow-short-period",
    ]);
}
