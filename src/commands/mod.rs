//! The command layer: one module per command. Each reads its flags, opens the database,
//! runs the core in one transaction, and hands the result to `output`. Confirmations and
//! progress live here, never in the core.
use crate::cli::{Cli, Command, Format, Global};
use crate::exit::Exit;
use anyhow::{Context as _, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::io::IsTerminal;
use std::path::PathBuf;

pub mod anonymise;
pub mod audit;
pub mod docs;
pub mod document;
pub mod export_pdf;
pub mod import;
pub mod init;
pub mod person;
pub mod person_merge;
pub mod presets;
pub mod profile;
pub mod query;
pub mod register;
pub mod run_soft_optins;
pub mod settings;
pub mod subscribe;
pub mod suppression;
pub mod types;
pub mod unsubscribe_all;
pub mod verify;
// Issue 14: accountability.
pub mod breach;
pub mod person_edit;
pub mod person_restrict;
pub mod processor;
pub mod report;
pub mod request;
pub mod retention;

/// What every command gets from the global options.
pub struct Context {
    pub db: PathBuf,
    pub operator: String,
    pub format: Format,
    pub yes: bool,
    /// `--utc`: times as stored (UTC), not in the organisation's time zone.
    pub utc: bool,
    /// `--force` or `--yes`: an existing output file may be replaced.
    pub force: bool,
}

impl Context {
    fn new(global: Global) -> Self {
        // --operator (checked by clap), else the login name if it is a sane one, else
        // the OS account itself.
        let operator = global
            .operator
            .or_else(|| {
                ["USER", "LOGNAME"]
                    .iter()
                    .filter_map(|v| std::env::var(v).ok())
                    .find_map(|v| crate::cli::operator_name(&v).ok())
            })
            .unwrap_or_else(crate::db::audit::os_account);
        Context {
            db: global.db,
            operator,
            format: global.format.format(),
            yes: global.yes,
            utc: global.utc,
            force: global.force || global.yes,
        }
    }

    /// What this command may write files to: never the database, its side files or the
    /// command's own `inputs` (see `output::file`).
    pub fn file_guard(&self, inputs: &[&std::path::Path]) -> crate::output::file::Guard {
        crate::output::file::Guard::new(&self.db, inputs, self.force)
    }

    /// The database, which must exist. Its time zone (setting) is what tables show
    /// times in from here on, unless `--utc`.
    pub fn open(&self) -> Result<Connection> {
        let conn = crate::db::open_existing(&self.db)?;
        // A time zone written by hand that is not one must not stop every command (not
        // least `settings set timezone`, which repairs it): tables then show UTC.
        let tz = self.time_zone(&conn).unwrap_or_else(|e| {
            eprintln!(
                "warning: {}; times are shown in UTC",
                crate::output::inert(&format!("{e:#}"))
            );
            None
        });
        crate::output::set_time_zone(tz);
        Ok(conn)
    }

    /// The time zone people read times in: the organisation's, or None under `--utc`.
    pub fn time_zone(&self, conn: &Connection) -> Result<Option<chrono_tz::Tz>> {
        if self.utc {
            return Ok(None);
        }
        crate::db::settings::time_zone(conn).map(Some)
    }

    /// A read-only connection for operator SQL (after `open` has checked the file).
    pub fn open_readonly(&self) -> Result<Connection> {
        self.open_readonly_for(crate::db::queries::QUERY_TIMEOUT)
    }

    /// As [`Context::open_readonly`], with a time limit of `seconds` on each statement.
    pub fn open_readonly_for(&self, seconds: u64) -> Result<Connection> {
        let mut conn = crate::db::open_readonly(&self.db)?;
        crate::db::queries::set_deadline(&mut conn, seconds)?;
        Ok(conn)
    }

    /// Who a person is, for a question or a note to the operator: "person 7 (Jan de
    /// Vries, jan@example.nl)", made inert; "person 7 (anonymised)"; "person 7" when it
    /// cannot be read. Never for the audit log or an error message.
    pub fn describe_person(&self, conn: &Connection, id: i64) -> String {
        match crate::db::persons::name_and_email(conn, id) {
            Ok(Some((name, email))) => {
                let parts: Vec<String> = [Some(name), email]
                    .into_iter()
                    .flatten()
                    .filter(|s| !s.trim().is_empty())
                    .collect();
                if parts.is_empty() {
                    format!("person {id}")
                } else {
                    format!(
                        "person {id} ({})",
                        crate::output::inert_line(&parts.join(", "))
                    )
                }
            }
            Ok(None) => format!("person {id} (anonymised)"),
            Err(_) => format!("person {id}"),
        }
    }

    /// Ask before destructive work: a question on a terminal, `--yes` elsewhere.
    pub fn confirm(&self, question: &str) -> Result<()> {
        self.confirm_with(question, question)
    }

    /// As [`Context::confirm`], for a question that names the person (see
    /// [`Context::describe_person`]): without a terminal the refusal says `refusal`
    /// instead, since an error message never holds a person's data.
    pub fn confirm_with(&self, question: &str, refusal: &str) -> Result<()> {
        if self.yes {
            return Ok(());
        }
        if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
            bail!("{refusal}: refused without --yes (no terminal to ask on)");
        }
        let yes = dialoguer::Confirm::new()
            .with_prompt(question)
            .default(false)
            .interact()
            .context("asking for confirmation")?;
        if !yes {
            bail!("cancelled: nothing changed");
        }
        Ok(())
    }
}

/// Run `work` in one write transaction (`BEGIN IMMEDIATE`: the write lock is taken
/// before anything is read) on a database that smp-avg left as it is (see
/// `db::integrity`); what it wrote is sealed into the chains before the commit. A dry
/// run does the same work and rolls it back, so what it reports is exactly what would
/// happen.
pub fn in_write_transaction<T>(
    conn: &mut Connection,
    dry_run: bool,
    work: impl FnOnce(&Transaction<'_>) -> Result<T>,
) -> Result<T> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .context("starting a write transaction (is another smp-avg writing?)")?;
    crate::db::integrity::check_writable(&tx)?;
    let value = work(&tx)?;
    // Every record and audit entry this command wrote joins the chains.
    crate::db::ledger::seal(&tx)?;
    #[cfg(debug_assertions)]
    pause_before_commit();
    if dry_run {
        tx.rollback().context("rolling back the dry run")?;
    } else {
        tx.commit().context("committing")?;
    }
    Ok(value)
}

/// Crash tests (debug builds only, never in a release): with
/// `SMP_AVG_TEST_PAUSE_BEFORE_COMMIT` set, a writer that has done all its work says so
/// on stderr and waits before it commits, so that a test can kill it at the worst moment.
#[cfg(debug_assertions)]
fn pause_before_commit() {
    if std::env::var_os("SMP_AVG_TEST_PAUSE_BEFORE_COMMIT").is_some() {
        eprintln!("paused before commit");
        std::thread::sleep(std::time::Duration::from_secs(600));
    }
}

/// A progress bar on a terminal; hidden in cron and pipes.
pub fn progress(len: u64, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() || crate::output::quiet() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    let style = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(what.to_string());
    bar
}

/// A spinner on a terminal for work of unknown length; hidden in cron and pipes.
pub fn spinner(what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() || crate::output::quiet() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_message(what.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// Run the parsed command line; the exit code of a command that succeeded.
pub fn dispatch(cli: Cli) -> Result<Exit> {
    crate::output::set_quiet(cli.global.quiet);
    crate::output::set_lines(cli.global.format == crate::cli::OutputFormat::Jsonl);
    let ctx = Context::new(cli.global);
    let done = match cli.command {
        Command::Verify => return verify::run(&ctx),
        Command::Init(args) => init::run(&ctx, &args),
        Command::Import(args) => import::run(&ctx, &args),
        Command::Person(cmd) => person::run(&ctx, &cmd),
        Command::Types(cmd) => types::run(&ctx, &cmd),
        Command::Subscribe(args) => subscribe::run(&ctx, &args),
        Command::UnsubscribeAll(args) => unsubscribe_all::run(&ctx, &args),
        Command::Profile(cmd) => profile::run(&ctx, &cmd),
        Command::RunSoftOptins(args) => run_soft_optins::run(&ctx, &args),
        Command::Query(cmd) => query::run(&ctx, &cmd),
        Command::ExportPdf(args) => export_pdf::run(&ctx, &args),
        Command::Register(cmd) => register::run(&ctx, &cmd),
        Command::Audit(args) => audit::run(&ctx, &args),
        Command::Suppression(cmd) => suppression::run(&ctx, &cmd),
        Command::Settings(cmd) => settings::run(&ctx, &cmd),
        Command::Document(cmd) => document::run(&ctx, &cmd),
        Command::Retention(cmd) => retention::run(&ctx, &cmd),
        Command::Completions { shell } => docs::completions(shell),
        Command::Man => docs::man(),
        // These may end with "needs attention" (exit 3).
        Command::Anonymise(args) => return anonymise::run(&ctx, &args),
        Command::Request(cmd) => return request::run(&ctx, &cmd),
        Command::Breach(cmd) => return breach::run(&ctx, &cmd),
        Command::Processor(cmd) => processor::run(&ctx, &cmd),
        Command::Report(args) => report::run(&ctx, &args),
    };
    done.map(|()| Exit::Ok)
}
