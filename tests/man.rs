#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `smp-avg man`: one page with every command at every level and each of its options,
//! ENVIRONMENT and EXIT STATUS, valid roff, and no reference to a page that is not there.
use clap::CommandFactory;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_smp-avg");

fn page() -> String {
    let out = Command::new(BIN).arg("man").output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The page as text: roff escapes of hyphens undone.
fn plain(page: &str) -> String {
    page.replace("\\-", "-")
        .replace("\\fB", "")
        .replace("\\fI", "")
        .replace("\\fR", "")
}

/// Every command path with its long options, walked from the clap definitions.
fn walk(cmd: &clap::Command, path: String, out: &mut Vec<(String, Vec<String>)>) {
    let longs = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set())
        .filter_map(|a| a.get_long().map(str::to_string))
        .collect();
    out.push((path.clone(), longs));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        walk(sub, format!("{path} {}", sub.get_name()), out);
    }
}

#[test]
fn every_command_and_option_at_every_level_is_on_the_page() {
    let text = plain(&page());
    let mut all = Vec::new();
    walk(&smp_avg::cli::Cli::command(), "smp-avg".into(), &mut all);
    assert!(all.len() > 20, "{all:?}");
    for (path, longs) in &all {
        let heading = format!(".SS \"{path}\"");
        let section = if path == "smp-avg" {
            text.as_str()
        } else {
            let start = text
                .find(&heading)
                .unwrap_or_else(|| panic!("no section for `{path}`"));
            let rest = &text[start + heading.len()..];
            &rest[..rest
                .find(".SS ")
                .or_else(|| rest.find(".SH "))
                .unwrap_or(rest.len())]
        };
        for long in longs {
            assert!(
                section.contains(&format!("--{long}")),
                "`{path}`: --{long} is not in its section"
            );
        }
    }
    // The second-level options the issue names.
    for (path, flag) in [
        ("smp-avg query audience", "--within"),
        ("smp-avg query audience", "--record-mailing"),
        ("smp-avg types add", "--rule-opt-in"),
        ("smp-avg person bouncer", "--set"),
    ] {
        let start = text.find(&format!(".SS \"{path}\"")).unwrap();
        assert!(text[start..].contains(flag), "{path} {flag}");
    }
}

#[test]
fn environment_and_exit_status_are_described() {
    let text = plain(&page());
    let env = &text[text.find(".SH ENVIRONMENT").unwrap()..];
    for var in ["SMP_AVG_DB", "SMP_AVG_OPERATOR", "COLUMNS", "LOGNAME"] {
        assert!(env.contains(var), "{var}");
    }
    let exit = &text[text.find(".SH EXIT STATUS").unwrap()..];
    for code in ["0", "1", "2", "3", "101"] {
        assert!(exit.contains(&format!(".TP\n{code}\n")), "exit code {code}");
    }
    assert!(exit.contains("needs attention"));
}

#[test]
fn the_page_refers_to_no_page_that_does_not_exist() {
    let text = plain(&page());
    // A reference is NAME(SECTION): the old page pointed at smp-avg-init(1) and others.
    let re: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| {
            let w = w.trim_end_matches(['.', ';']);
            w.ends_with(')')
                && w.len() > 3
                && w.starts_with(|c: char| c.is_ascii_alphabetic())
                && w[..w.len() - 1].ends_with(|c: char| c.is_ascii_digit())
                && w[..w.len() - 2].ends_with('(')
        })
        .collect();
    for r in re {
        let name = &r[..r.find('(').unwrap()];
        assert!(
            name == "smp-avg",
            "the page refers to {r}, which smp-avg does not install"
        );
    }
}

#[test]
fn the_page_is_valid_roff() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("smp-avg.1");
    std::fs::write(&path, page()).unwrap();
    let Ok(out) = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(&path)
        .output()
    else {
        eprintln!("skipped: groff is not installed, so the page is not checked by troff");
        return;
    };
    let warnings: Vec<String> = String::from_utf8_lossy(&out.stderr)
        .lines()
        // Justification limits on long option lines are layout, not errors.
        .filter(|l| !l.contains("cannot adjust line") && !l.contains("cannot break line"))
        .map(String::from)
        .collect();
    assert!(out.status.success() && warnings.is_empty(), "{warnings:#?}");
}
