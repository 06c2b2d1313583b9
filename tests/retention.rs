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

/// A period shorter than the one its legal basis keeps the data for is refused (one
/// line, exit 1, nothing changed) unless `--basis` gives a new basis; marketing, the
/// organisation's own choice, may be made shorter without one.
#[test]
fn a_period_shorter_than_its_legal_basis_needs_a_new_basis() {
    let db = TestDb::new();
    let before = db.snapshot();
    let awr = "Fiscale bewaarplicht (art. 52 AWR)";
    for args in [
        vec!["retention", "set", "transactions", "2y"],
        vec!["retention", "set", "schenkingsakte", "6y"],
        vec!["retention", "set", "overeenkomst", "83m"],
        vec!["retention", "set", "overeenkomst", "2000d"],
        // The current basis again is no new basis.
        vec!["retention", "set", "transactions", "2y", "--basis", awr],
        vec![
            "retention",
            "set",
            "transactions",
            "2y",
            "--basis",
            " Fiscale bewaarplicht (art. 52 AWR) ",
        ],
        vec!["retention", "set", "transactions", "2y", "--dry-run"],
    ] {
        let out = db.run(&args).code(1);
        let err = stderr(&out);
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.contains("is shorter than the 7y its basis") && err.contains("--basis"),
            "{args:?}: {err}"
        );
        assert_eq!(db.snapshot(), before, "{args:?}");
    }
    // An empty basis explains nothing.
    let out = db
        .run(&["retention", "set", "transactions", "2y", "--basis", "  "])
        .code(1);
    assert!(
        stderr(&out).contains("--basis must say why"),
        "{}",
        stderr(&out)
    );
    assert_eq!(db.snapshot(), before);
    // As long or longer keeps the basis; no new basis needed.
    db.json(&["retention", "set", "transactions", "84m"]);
    db.json(&["retention", "set", "schenkingsakte", "10y"]);
    // A new basis overrides, and is recorded with the period.
    let set = db.json(&[
        "retention",
        "set",
        "transactions",
        "2y",
        "--basis",
        "Geen fiscale plicht: stichting zonder ANBI-status (besluit bestuur 2026-11-01)",
    ]);
    assert_eq!(set["period"], "2y");
    assert_eq!(set["was"], "84m");
    assert_eq!(
        db.text("SELECT basis FROM retention_periods WHERE category = 'transactions'")
            .unwrap(),
        "Geen fiscale plicht: stichting zonder ANBI-status (besluit bestuur 2026-11-01)"
    );
    assert_eq!(
        db.int("SELECT json_extract(details, '$.basis_changed') FROM audit_log WHERE command = 'retention set' ORDER BY id DESC LIMIT 1"),
        1
    );
    // Under that basis, 2y is now the period it came with: shorter again needs another.
    db.run(&["retention", "set", "transactions", "1y"]).code(1);
    // A kind of one's own is held to the period it was given with.
    db.json(&["retention", "set", "arbeidscontract", "7y", "--basis", awr]);
    let b = db.snapshot();
    db.run(&["retention", "set", "arbeidscontract", "5y"])
        .code(1);
    assert_eq!(db.snapshot(), b);
    // Marketing: keeping less is never against a law.
    let set = db.json(&["retention", "set", "marketing", "2y"]);
    assert_eq!(set["was"], "5y");
}
