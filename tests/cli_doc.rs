#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! docs/CLI.md cannot drift from the command line: every command at every level has its
//! own section (a heading naming it, as "### `smp-avg query audience`"), and that section
//! mentions each of the command's long options and the fixed values of its positional
//! arguments; the global options are in "Global options". Walked from the clap
//! definitions, so a command or option added later is caught too.
use clap::CommandFactory;

fn doc() -> String {
    std::fs::read_to_string(format!("{}/docs/CLI.md", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The text under the heading that names `path` in backticks, up to the next heading.
fn section<'d>(doc: &'d str, path: &str) -> Option<&'d str> {
    let heading = format!("`{path}`");
    let mut lines = doc.split_inclusive('\n');
    let mut start = 0;
    for line in lines.by_ref() {
        start += line.len();
        if line.starts_with('#') && line.trim_end().ends_with(&heading) {
            let rest = &doc[start..];
            let end = rest
                .split_inclusive('\n')
                .scan(0, |pos, l| {
                    let at = *pos;
                    *pos += l.len();
                    Some((at, l))
                })
                .find(|(_, l)| l.starts_with('#'))
                .map_or(rest.len(), |(at, _)| at);
            return Some(&rest[..end]);
        }
    }
    None
}

struct Entry {
    path: String,
    longs: Vec<String>,
    values: Vec<String>,
}

fn walk(cmd: &clap::Command, path: String, out: &mut Vec<Entry>) {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let p = format!("{path} {}", sub.get_name());
        let args: Vec<&clap::Arg> = sub
            .get_arguments()
            .filter(|a| !a.is_hide_set() && !a.is_global_set())
            .collect();
        out.push(Entry {
            path: p.clone(),
            longs: args
                .iter()
                .filter_map(|a| a.get_long())
                .filter(|l| !matches!(*l, "help" | "version"))
                .map(|l| format!("--{l}"))
                .collect(),
            values: args
                .iter()
                .filter(|a| a.is_positional())
                .flat_map(|a| a.get_possible_values())
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect(),
        });
        walk(sub, p, out);
    }
}

#[test]
fn every_command_and_option_is_in_the_reference() {
    let doc = doc();
    let root = smp_avg::cli::Cli::command();
    let mut all = Vec::new();
    walk(&root, "smp-avg".into(), &mut all);
    assert!(all.len() > 20);
    let mut missing = Vec::new();
    for e in &all {
        let Some(text) = section(&doc, &e.path) else {
            missing.push(format!("no section \"### `{}`\"", e.path));
            continue;
        };
        for l in e.longs.iter().chain(&e.values) {
            if !text.contains(l.as_str()) {
                missing.push(format!("`{}`: {l}", e.path));
            }
        }
    }
    let globals = section(&doc, "Global options")
        .map(str::to_string)
        .or_else(|| {
            doc.find("## Global options")
                .map(|i| doc[i..].split("\n## ").next().unwrap().to_string())
        })
        .expect("a Global options section");
    for arg in root.get_arguments().filter(|a| a.is_global_set()) {
        let long = format!("--{}", arg.get_long().unwrap());
        if !globals.contains(&long) {
            missing.push(format!("global option {long}"));
        }
        if let Some(env) = arg.get_env()
            && !globals.contains(env.to_str().unwrap())
        {
            missing.push(format!("environment variable {env:?} of {long}"));
        }
    }
    for value in ["table", "csv", "json", "jsonl"] {
        assert!(globals.contains(value), "--format {value}");
    }
    assert!(
        missing.is_empty(),
        "docs/CLI.md lacks:\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn the_exit_codes_in_the_reference_are_those_of_exit_rs() {
    let doc = doc();
    let table = &doc[doc.find("## Exit codes").unwrap()..];
    for code in [
        smp_avg::exit::Exit::Ok,
        smp_avg::exit::Exit::Failed,
        smp_avg::exit::Exit::Usage,
        smp_avg::exit::Exit::Attention,
        smp_avg::exit::Exit::Bug,
    ] {
        assert!(
            table.contains(&format!("| {} |", code as u8)),
            "exit code {}",
            code as u8
        );
    }
}

#[test]
fn the_readme_points_at_the_reference() {
    let readme =
        std::fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert!(readme.contains("docs/CLI.md"));
}
