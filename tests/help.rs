#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every command has help, and every help ends with an example line.
use assert_cmd::Command;

fn help(args: &[&str]) -> String {
    let out = Command::cargo_bin("smp-avg")
        .unwrap()
        .args(args)
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?} --help failed");
    String::from_utf8(out.stdout).unwrap()
}

fn subcommands(args: &[&str]) -> Vec<String> {
    // The "Commands:" section of the help lists the subcommands.
    let text = help(args);
    let mut in_commands = false;
    let mut names = Vec::new();
    for line in text.lines() {
        if line.starts_with("Commands:") {
            in_commands = true;
            continue;
        }
        if in_commands {
            if !line.starts_with("  ") {
                break;
            }
            if line.starts_with("   ") {
                continue; // a wrapped description
            }
            let name = line.split_whitespace().next().unwrap().to_string();
            if name != "help" {
                names.push(name);
            }
        }
    }
    names
}

#[test]
fn every_command_has_help_with_an_example() {
    let mut stack: Vec<Vec<String>> = vec![vec![]];
    let mut seen = 0;
    while let Some(path) = stack.pop() {
        let args: Vec<&str> = path.iter().map(String::as_str).collect();
        let text = help(&args);
        assert!(
            text.contains("Example:"),
            "`smp-avg {}` --help has no example",
            path.join(" ")
        );
        for sub in subcommands(&args) {
            let mut p = path.clone();
            p.push(sub);
            stack.push(p);
        }
        seen += 1;
    }
    assert!(seen > 5);
}

#[test]
fn a_usage_error_exits_with_2() {
    Command::cargo_bin("smp-avg")
        .unwrap()
        .arg("frobnicate")
        .assert()
        .code(2);
    Command::cargo_bin("smp-avg")
        .unwrap()
        .args(["person", "bouncer", "1"])
        .assert()
        .code(2);
    Command::cargo_bin("smp-avg")
        .unwrap()
        .args(["--format", "xml", "types", "list"])
        .assert()
        .code(2);
}

#[test]
fn completions_and_man_page_come_from_the_definitions() {
    for shell in ["bash", "zsh", "fish"] {
        let out = Command::cargo_bin("smp-avg")
            .unwrap()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("run-soft-optins") && text.contains("export-pdf"),
            "{shell}"
        );
    }
    let out = Command::cargo_bin("smp-avg")
        .unwrap()
        .arg("man")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(".TH") && text.contains("unsubscribe\\-all")
            || text.contains("unsubscribe-all")
    );
    assert!(text.contains("inactive"));
}

#[test]
fn quiet_prints_nothing_on_success() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.sqlite");
    let out = Command::cargo_bin("smp-avg")
        .unwrap()
        .arg("--db")
        .arg(&db)
        .args(["init", "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let out = Command::cargo_bin("smp-avg")
        .unwrap()
        .arg("--db")
        .arg(&db)
        .args(["-q", "person", "show", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!out.stderr.is_empty(), "errors still reach stderr");
}
