#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every example runs against a temporary database: the import script, the saved
//! queries script and each job of the crontab.
mod common;
use common::TestDb;
use std::process::Command;

fn root() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

/// A shell with smp-avg on the PATH and the database in SMP_AVG_DB.
fn bash(db: &TestDb) -> Command {
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_smp-avg"))
        .parent()
        .unwrap()
        .to_path_buf();
    let mut cmd = Command::new("bash");
    cmd.current_dir(db.dir.path())
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin_dir.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("SMP_AVG", env!("CARGO_BIN_EXE_smp-avg"))
        .env("SMP_AVG_DB", &db.path)
        .env("SMP_AVG_OPERATOR", "example");
    cmd
}

#[test]
fn the_import_script_loads_the_sample_export() {
    let db = TestDb::new();
    let out = bash(&db)
        .arg(format!("{}/examples/import.sh", root()))
        .arg(format!("{}/examples/data", root()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(db.int("SELECT count(*) FROM persons"), 2);
    assert_eq!(db.int("SELECT count(*) FROM transactions"), 3);
    assert_eq!(db.int("SELECT count(*) FROM consent_records"), 3);
    assert_eq!(
        db.text("SELECT amount FROM transactions WHERE kind = 'ticket'")
            .as_deref(),
        Some("32.50")
    );
}

#[test]
fn the_import_script_stops_on_the_first_failure() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("personen.csv"),
        "first_name,iban\nJan,NL00NOTANIBAN\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("transacties.csv"),
        "person,kind,occurred_at\n1,ticket,2026-01-01\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("toestemmingen.csv"),
        "person,type,opt_in\n1,nieuwsbrief,1\n",
    )
    .unwrap();
    let out = bash(&db)
        .arg(format!("{}/examples/import.sh", root()))
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2: iban"));
    assert_eq!(db.int("SELECT count(*) FROM persons"), 0);
    assert_eq!(db.int("SELECT count(*) FROM transactions"), 0);
}

#[test]
fn the_saved_queries_script_follows_the_convention_and_works() {
    let db = TestDb::demo(400);
    db.exec("UPDATE persons SET street = NULL, house_number = NULL WHERE id <= 10");
    // Persons already opted out of direct mail are left alone by an opt-out rule.
    let expected = db.int("SELECT count(*) FROM persons p WHERE id <= 10 AND NOT EXISTS (SELECT 1 FROM consent_current c WHERE c.person_id = p.id AND c.type = 'direct_mail' AND c.opt_in = 0)");
    let out = bash(&db)
        .arg(format!("{}/examples/saved-queries.sh", root()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("warning"),
        "a name breaks the convention"
    );
    assert!(
        db.int(
            "SELECT count(*) FROM saved_queries WHERE name LIKE 'SMP - % - Selectie - Amsterdam'"
        ) == 1
    );
    assert_eq!(db.int("SELECT count(*) FROM consent_records WHERE description = 'Zachte opt-out direct mail: geen postadres'"), expected);
}

/// The crontab as cron reads it: its variable lines and its jobs (the command after the
/// five time fields).
fn crontab() -> (Vec<(String, String)>, Vec<String>) {
    let text = std::fs::read_to_string(format!("{}/examples/crontab", root())).unwrap();
    let mut vars = Vec::new();
    let mut jobs = Vec::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let first = line.split_whitespace().next().unwrap();
        if let Some((name, value)) = line.split_once('=').filter(|_| first.contains('=')) {
            vars.push((name.trim().to_string(), value.trim().to_string()));
        } else {
            let mut rest = line;
            for _ in 0..5 {
                rest = rest.trim_start();
                rest = &rest[rest.find(char::is_whitespace).unwrap()..];
            }
            jobs.push(rest.trim().to_string());
        }
    }
    (vars, jobs)
}

/// What cron does with a job line: the command ends at the first unescaped `%` (the rest
/// is its input), and `\%` stands for `%`.
fn cron_command(job: &str) -> String {
    let mut out = String::new();
    let mut chars = job.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'%') => {
                out.push('%');
                chars.next();
            }
            '%' => break,
            c => out.push(c),
        }
    }
    out
}

/// A machine for the crontab: the directories of README's cron lines and the binary
/// installed where README installs it, all under one temporary root that stands for `/`.
struct Machine {
    /// Stands for `/`; removed when the machine goes.
    _root: tempfile::TempDir,
    home: std::path::PathBuf,
    vars: Vec<(String, String)>,
    jobs: Vec<String>,
}

impl Machine {
    fn new() -> Machine {
        let readme = std::fs::read_to_string(format!("{}/README.md", root())).unwrap();
        let root = tempfile::tempdir().unwrap();
        let home = root.path().join("home/crm");
        std::fs::create_dir_all(&home).unwrap();
        // README: `sudo install -m 0755 target/release/smp-avg /usr/local/bin/smp-avg`.
        let install = readme
            .lines()
            .find(|l| l.starts_with("sudo install -m 0755 target/release/smp-avg "))
            .expect("README installs the binary");
        let target = install.split_whitespace().last().unwrap();
        let installed = root.path().join(target.trim_start_matches('/'));
        std::fs::create_dir_all(installed.parent().unwrap()).unwrap();
        std::fs::copy(env!("CARGO_BIN_EXE_smp-avg"), &installed).unwrap();
        // README: `sudo install -d -o "$USER" -m 0750 DIR...`.
        let dirs = readme
            .lines()
            .find(|l| l.starts_with("sudo install -d "))
            .expect("README creates the cron directories");
        for d in dirs.split_whitespace().filter(|w| w.starts_with('/')) {
            std::fs::create_dir_all(root.path().join(d.trim_start_matches('/'))).unwrap();
        }
        let (vars, jobs) = crontab();
        let path = vars
            .iter()
            .find(|(k, _)| k == "PATH")
            .map(|(_, v)| v.clone())
            .unwrap();
        let bin_dir = std::path::Path::new(target)
            .parent()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            path.split(':').any(|p| p == bin_dir),
            "the crontab's PATH ({path}) does not hold {bin_dir}, where README installs smp-avg"
        );
        // Every absolute path of the crontab moves under the root; PATH keeps the
        // system's directories and finds the installed binary under the root.
        let vars = vars
            .into_iter()
            .map(|(k, v)| {
                let v = if k == "PATH" {
                    v.split(':')
                        .map(|p| {
                            if p == bin_dir {
                                root.path()
                                    .join(p.trim_start_matches('/'))
                                    .display()
                                    .to_string()
                            } else {
                                p.to_string()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(":")
                } else if v.starts_with('/') && k != "SHELL" {
                    root.path()
                        .join(v.trim_start_matches('/'))
                        .display()
                        .to_string()
                } else {
                    v
                };
                (k, v)
            })
            .collect();
        Machine {
            _root: root,
            home,
            vars,
            jobs,
        }
    }

    fn var(&self, name: &str) -> String {
        self.vars
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap()
    }

    /// Run a job as cron does: `env -i`, cron's own variables, the crontab's, /bin/sh.
    fn run(&self, job: &str, extra: &[(&str, &str)]) -> std::process::Output {
        self.run_without(job, &[], extra)
    }

    /// As [`Machine::run`], leaving out some of the crontab's variables.
    fn run_without(
        &self,
        job: &str,
        unset: &[&str],
        extra: &[(&str, &str)],
    ) -> std::process::Output {
        let mut cmd = Command::new("env");
        cmd.arg("-i")
            .arg(format!("HOME={}", self.home.display()))
            .arg("LOGNAME=crm")
            .arg("SHELL=/bin/sh");
        for (k, v) in self
            .vars
            .iter()
            .filter(|(k, _)| !unset.contains(&k.as_str()))
        {
            cmd.arg(format!("{k}={v}"));
        }
        for (k, v) in extra {
            cmd.arg(format!("{k}={v}"));
        }
        cmd.arg("/bin/sh")
            .arg("-c")
            .arg(cron_command(job))
            .current_dir(&self.home);
        cmd.output().unwrap()
    }

    fn log_lines(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.var("SMP_AVG_LOG"))
            .unwrap_or_default()
            .lines()
            .map(|l| {
                serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}"))
            })
            .collect()
    }
}

#[test]
fn every_crontab_job_runs_under_crons_bare_environment() {
    let m = Machine::new();
    assert!(m.jobs.len() >= 4, "{:?}", m.jobs);
    for job in &m.jobs {
        assert!(
            !job.contains("2>&1"),
            "{job}: failures must reach cron's mail, not the log"
        );
        assert!(
            job.contains("--format jsonl"),
            "{job}: the log is JSON lines"
        );
    }
    let db_path = m.var("SMP_AVG_DB");
    let init = Command::new(env!("CARGO_BIN_EXE_smp-avg"))
        .args(["--db", &db_path, "init", "--demo", "300", "--seed", "7"])
        .env("SMP_AVG_OPERATOR", "setup")
        .output()
        .unwrap();
    assert!(init.status.success());
    let db = |sql: &str| -> i64 {
        rusqlite::Connection::open(&db_path)
            .unwrap()
            .query_row(sql, [], |r| r.get(0))
            .unwrap()
    };
    let bouncer_email: String = rusqlite::Connection::open(&db_path)
        .unwrap()
        .query_row("SELECT email FROM persons WHERE id = 3", [], |r| r.get(0))
        .unwrap();
    let inbox = std::path::PathBuf::from(m.var("SMP_AVG_INBOX"));
    std::fs::write(
        inbox.join("bounces.csv"),
        format!("Email Address;Reason\n{bouncer_email};hard\n"),
    )
    .unwrap();

    // The UTC day the jobs run on (the night may pass midnight while they do).
    let day_before = chrono::Utc::now().format("%Y%m%d").to_string();
    for job in &m.jobs {
        let out = m.run(job, &[]);
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{job}: exit {:?}, stderr (cron would mail it): {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{job}: output outside the log");
    }
    // The log: JSON lines, each with its time and command.
    let lines = m.log_lines();
    let commands: Vec<&str> = lines
        .iter()
        .map(|l| l["command"].as_str().unwrap())
        .collect();
    for c in [
        "verify",
        "import bounces",
        "run-soft-optins",
        "profile run",
        "anonymise",
    ] {
        assert!(commands.contains(&c), "no {c} in the log: {commands:?}");
    }
    for l in &lines {
        let at = l["at"].as_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(at).is_ok() && at.ends_with('Z'),
            "{l}"
        );
    }
    // The jobs did their work, as operator cron.
    assert_eq!(db("SELECT bouncer FROM persons WHERE id = 3"), 1);
    assert!(db("SELECT count(*) FROM audit_log WHERE operator = 'cron'") >= 4);
    assert!(db("SELECT count(*) FROM scores") > 0);
    // The bounce file was moved aside with the date, and is not read again.
    assert!(!inbox.join("bounces.csv").exists());
    let done: Vec<String> = std::fs::read_dir(inbox.join("done"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let day_after = chrono::Utc::now().format("%Y%m%d").to_string();
    assert!(
        done.len() == 1
            && [&day_before, &day_after]
                .iter()
                .any(|day| done[0].starts_with(&format!("bounces-{day}T")))
            && done[0].ends_with("Z.csv"),
        "{done:?}"
    );
    let bounce_job = m
        .jobs
        .iter()
        .find(|j| j.contains("import bounces"))
        .unwrap();
    // A bouncer cleared by hand stays cleared: the next night finds no file.
    rusqlite::Connection::open(&db_path)
        .unwrap()
        .execute("UPDATE persons SET bouncer = 0 WHERE id = 3", [])
        .unwrap();
    let before = m.log_lines().len();
    let out = m.run(bounce_job, &[]);
    assert!(out.status.success() && out.stderr.is_empty());
    assert_eq!(m.log_lines().len(), before);
    assert_eq!(db("SELECT bouncer FROM persons WHERE id = 3"), 0);
}

#[test]
fn a_failing_cron_job_says_why_on_stderr_and_keeps_its_input() {
    let m = Machine::new();
    let db_path = m.var("SMP_AVG_DB");
    Command::new(env!("CARGO_BIN_EXE_smp-avg"))
        .args(["--db", &db_path, "init"])
        .output()
        .unwrap();
    let inbox = std::path::PathBuf::from(m.var("SMP_AVG_INBOX"));
    let bounces = inbox.join("bounces.csv");
    std::fs::write(&bounces, "email\nnot an address\n").unwrap();
    let bounce_job = m
        .jobs
        .iter()
        .find(|j| j.contains("import bounces"))
        .unwrap();
    let out = m.run(bounce_job, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    // cron mails stderr: the reason is there, and not in the log.
    assert!(err.contains("line 2: email"), "{err}");
    assert!(m.log_lines().is_empty(), "the failure went into the log");
    assert!(bounces.exists(), "a refused file must stay in the inbox");
    // An address no person holds is a warning: mailed too, and the file is done.
    std::fs::write(&bounces, "email\nonbekend@example.org\n").unwrap();
    let out = m.run(bounce_job, &[]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no person holds this address"), "{err}");
    assert!(
        !err.contains("onbekend@example.org"),
        "no address on stderr: {err}"
    );
    assert!(!bounces.exists());
    // Without a usable login name or SMP_AVG_OPERATOR, the audit names the OS account.
    let job = m
        .jobs
        .iter()
        .find(|j| j.contains("run-soft-optins"))
        .unwrap();
    let out = m.run_without(job, &["SMP_AVG_OPERATOR"], &[("LOGNAME", "")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = rusqlite::Connection::open(&db_path).unwrap();
    let (operator, account): (String, String) = conn
        .query_row(
            "SELECT operator, account FROM audit_log WHERE command = 'run-soft-optins' ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(operator, smp_avg::db::audit::os_account());
    assert_eq!(account, smp_avg::db::audit::os_account());
    drop(conn);
    // A request past its month is mailed every morning until it is answered.
    let csv = inbox.join("persoon.csv");
    std::fs::write(
        &csv,
        "first_name,last_name,email\nJan,Vries,jan@example.nl\n",
    )
    .unwrap();
    let person = Command::new(env!("CARGO_BIN_EXE_smp-avg"))
        .args(["--db", &db_path, "import", "persons", csv.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        person.status.success(),
        "{}",
        String::from_utf8_lossy(&person.stderr)
    );
    let opened = Command::new(env!("CARGO_BIN_EXE_smp-avg"))
        .args([
            "--db",
            &db_path,
            "request",
            "open",
            "--person",
            "1",
            "--kind",
            "access",
            "--received",
            "2025-01-06",
        ])
        .output()
        .unwrap();
    assert!(
        opened.status.success(),
        "{}",
        String::from_utf8_lossy(&opened.stderr)
    );
    let deadlines = m
        .jobs
        .iter()
        .find(|j| j.contains("request list --overdue"))
        .unwrap();
    let out = m.run(deadlines, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("past their due date"), "{err}");
    // Evidence changed behind the tool's back is mailed by the verify job.
    let verify = m.jobs.iter().find(|j| j.contains(" verify")).unwrap();
    assert!(m.run(verify, &[]).stderr.is_empty());
    rusqlite::Connection::open(&db_path)
        .unwrap()
        .execute_batch("DROP TRIGGER consent_records_no_update")
        .unwrap();
    let out = m.run(verify, &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("consent_records_no_update"), "{err}");
}

#[test]
fn readme_completion_and_man_lines_work_on_a_fresh_account() {
    let readme = std::fs::read_to_string(format!("{}/README.md", root())).unwrap();
    let lines: Vec<&str> = readme
        .lines()
        .filter(|l| l.starts_with("mkdir -p ~/") && l.contains("smp-avg "))
        .collect();
    assert!(lines.len() >= 4, "{lines:?}");
    let home = tempfile::tempdir().unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_smp-avg"))
        .parent()
        .unwrap();
    for line in &lines {
        let out = Command::new("env")
            .arg("-i")
            .arg(format!("HOME={}", home.path().display()))
            .arg(format!("PATH={}:/usr/bin:/bin", bin.display()))
            .arg("/bin/sh")
            .arg("-c")
            .arg(line.split('#').next().unwrap())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{line}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for file in [
        ".local/share/bash-completion/completions/smp-avg",
        ".zfunc/_smp-avg",
        ".config/fish/completions/smp-avg.fish",
        ".local/share/man/man1/smp-avg.1",
    ] {
        let p = home.path().join(file);
        assert!(
            std::fs::metadata(&p)
                .map(|m| m.len() > 1000)
                .unwrap_or(false),
            "{file}"
        );
    }
    // man finds the page with the MANPATH README gives.
    if Command::new("man").arg("--version").output().is_ok() {
        let out = Command::new("man")
            .args(["-w", "smp-avg"])
            .env(
                "MANPATH",
                format!("{}/.local/share/man:", home.path().display()),
            )
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(".local/share/man/man1/smp-avg.1"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    } else {
        eprintln!("skipped: man is not installed, so the MANPATH line is not checked");
    }
}
