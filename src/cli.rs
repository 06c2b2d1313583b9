//! The command line: every command, flag and environment variable of CLI.md.
//! Doc comments are the help text; each command's help ends with an example.
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// GDPR (AVG) administration for the SMP CRM database: consent evidence, soft opt-ins,
/// audiences, unsubscribe, anonymisation and the right-of-access PDF.
#[derive(Debug, Parser)]
#[command(name = "smp-avg", version, propagate_version = true)]
#[command(
    after_help = "Example:\n  smp-avg --db crm.sqlite init --demo 1000\n  smp-avg --db crm.sqlite query audience --type nieuwsbrief --format csv"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted before or after any command.
#[derive(Debug, Args, Clone)]
pub struct Global {
    /// The SQLite CRM database
    #[arg(
        long,
        global = true,
        env = "SMP_AVG_DB",
        default_value = "crm.sqlite",
        value_name = "PATH"
    )]
    pub db: PathBuf,
    /// Who acts, written to the audit log [default: login name]
    #[arg(long, global = true, env = "SMP_AVG_OPERATOR", value_name = "NAME")]
    pub operator: Option<String>,
    /// Output of every command
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Confirm destructive work without asking (cron, scripts)
    #[arg(long, global = true)]
    pub yes: bool,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create or upgrade the database; --demo adds synthetic persons
    #[command(after_help = "Example:\n  smp-avg init --demo 1000 --seed 7")]
    Init(InitArgs),
    /// Import persons, transactions or a bounce list from CSV (',' or ';', UTF-8)
    #[command(
        after_help = "Example:\n  smp-avg import persons klanten.csv\n  cat bounces.csv | smp-avg import bounces -"
    )]
    Import(ImportArgs),
    /// The customer card and the bouncer flag
    #[command(
        subcommand,
        after_help = "Example:\n  smp-avg person show jan@example.nl"
    )]
    Person(PersonCommand),
    /// Consent types and their automatic rules
    #[command(
        subcommand,
        after_help = "Example:\n  smp-avg types list --format json"
    )]
    Types(TypesCommand),
    /// The audit log: who did what, when, to how many persons
    #[command(after_help = "Example:\n  smp-avg audit --since 2026-11-01 --format csv")]
    Audit(AuditArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Add N deterministic synthetic persons with transactions, mailings and consent history
    #[arg(long, value_name = "N")]
    pub demo: Option<u64>,
    /// Seed of the demo generator (same seed, same data)
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Name of the organisation (printed on the access PDF)
    #[arg(long, value_name = "NAME")]
    pub organisation: Option<String>,
}

/// What an import file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportKind {
    Persons,
    Transactions,
    Bounces,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds
    #[arg(value_enum)]
    pub kind: ImportKind,
    /// CSV file, or - for standard input
    #[arg(value_name = "FILE")]
    pub file: String,
    /// Check every row and report, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// The customer card: data, current preferences, full history, administration
    #[command(after_help = "Example:\n  smp-avg person show 42 --format json")]
    Show {
        /// Person id or e-mail address
        #[arg(value_name = "PERSON")]
        person: String,
    },
    /// Set or clear the bouncer flag (an address that bounces is not mailable)
    #[command(after_help = "Example:\n  smp-avg person bouncer jan@example.nl --clear")]
    Bouncer {
        /// Person id or e-mail address
        #[arg(value_name = "PERSON")]
        person: String,
        /// Mark as bouncer
        #[arg(long, conflicts_with = "clear", required_unless_present = "clear")]
        set: bool,
        /// Clear the bouncer flag
        #[arg(long)]
        clear: bool,
        /// Say what would change, change nothing
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TypesCommand {
    /// List consent types and their rules
    #[command(after_help = "Example:\n  smp-avg types list")]
    List,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only entries about this person (id or e-mail)
    #[arg(long, value_name = "PERSON")]
    pub person: Option<String>,
    /// Only entries at or after this time (2026-11-28, 28-11-2026 or RFC 3339)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
}

/// Parse the process arguments (exits with code 2 on a usage error).
pub fn parse() -> Cli {
    Cli::parse()
}
