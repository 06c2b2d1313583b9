//! The command line: every command, flag and environment variable of CLI.md.
//! Doc comments are the help text; each command's help ends with an example.
use crate::rules::period::RetentionPeriod;
use crate::rules::time;
use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

mod accountability;
pub use accountability::*;

/// `--inactive-for` and other periods: `5y`, `18m`, `30d` (a usage error otherwise).
fn period(s: &str) -> Result<RetentionPeriod, String> {
    RetentionPeriod::parse(s).map_err(|e| e.to_string())
}

/// `--operator`: who acts, as the audit log shows it: printable, one line, at most 100
/// characters.
pub fn operator_name(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.chars().count() > 100 {
        return Err("at most 100 characters".into());
    }
    if s.chars().any(crate::output::is_unsafe_char) {
        return Err("control characters and direction marks are not allowed".into());
    }
    Ok(s.to_string())
}

/// Free text kept in the database (descriptions, reasons, labels, channels): at most
/// 2,000 characters, none of them a control character, a direction mark or an invisible
/// one (they would travel into evidence, PDFs and terminals).
pub fn text(s: &str) -> Result<String, String> {
    if s.chars().count() > 2000 {
        return Err("at most 2000 characters".into());
    }
    if s.chars().any(crate::output::is_unsafe_char) {
        return Err(
            "control characters, line breaks, direction marks and invisible characters are not allowed"
                .into(),
        );
    }
    Ok(s.to_string())
}

/// A date: `2026-11-28` or `28-11-2026`.
fn date(s: &str) -> Result<chrono::NaiveDate, String> {
    time::parse_date(s).map_err(|e| e.to_string())
}

/// `--at`, `--since` and other times: `2026-11-28`, `28-11-2026` or RFC 3339.
fn moment(s: &str) -> Result<DateTime<Utc>, String> {
    time::parse_time(s).map_err(|e| e.to_string())
}

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
    /// Who acts, written to the audit log beside the OS account [default: login name]
    #[arg(
        long,
        global = true,
        env = "SMP_AVG_OPERATOR",
        value_name = "NAME",
        value_parser = operator_name
    )]
    pub operator: Option<String>,
    /// Output of every command (jsonl: one JSON object per line, each with `at` and
    /// `command`, for logs)
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// Confirm destructive work without asking (cron, scripts)
    #[arg(long, global = true)]
    pub yes: bool,
    /// Replace a file that exists already (an --out or --reject-file); --yes does too
    #[arg(long, global = true)]
    pub force: bool,
    /// Print nothing but errors: no output, warnings or notes (errors still go to stderr)
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Show times in UTC (RFC 3339) in tables and the access PDF instead of the
    /// organisation's time zone (setting `timezone`), and read times typed without an
    /// offset as UTC; JSON and CSV are always UTC
    #[arg(long, global = true)]
    pub utc: bool,
}

/// What `--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A table for people, as wide as the terminal
    Table,
    /// CSV (RFC 4180, `,`, UTF-8), text cells made safe for spreadsheets
    Csv,
    /// JSON: one document
    Json,
    /// JSON lines: one object per line, each with `at` (UTC) and `command`
    Jsonl,
}

impl OutputFormat {
    /// The format commands render in: JSON lines are JSON to a command, written as lines
    /// by `output` (see [`crate::output::set_lines`]).
    pub fn format(self) -> Format {
        match self {
            OutputFormat::Table => Format::Table,
            OutputFormat::Csv => Format::Csv,
            OutputFormat::Json | OutputFormat::Jsonl => Format::Json,
        }
    }
}

/// The format a command renders in (`--format jsonl` is [`Format::Json`] written as
/// lines by `output`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// Import persons, transactions, a bounce list or a suppression list from CSV (',' or ';', UTF-8)
    #[command(after_help = import_help())]
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
    /// Record an opt-in or opt-out (§1.1, §1.6), one by hand or many from a CSV file
    #[command(
        after_help = "Example:\n  smp-avg subscribe --person jan@example.nl --type nieuwsbrief --opt-out --channel telefonisch --description \"Afmelding na klacht\"\n  smp-avg subscribe --csv optins.csv --reject-file afgekeurd.csv"
    )]
    Subscribe(SubscribeArgs),
    /// Opt a person out of every consent type, profiling included, and delete their scores (§1.7)
    #[command(
        name = "unsubscribe-all",
        after_help = "Example:\n  smp-avg unsubscribe-all --person jan@example.nl --channel telefonisch --yes"
    )]
    UnsubscribeAll(UnsubscribeAllArgs),
    /// Anonymise one person, or everyone inactive for a retention period (§1.8, §1.9)
    #[command(
        after_help = "Example:\n  smp-avg anonymise --person jan@example.nl\n  smp-avg anonymise --inactive-for 5y --dry-run\n  smp-avg --yes anonymise --inactive-for 5y        (cron)"
    )]
    Anonymise(AnonymiseArgs),
    /// Profiling calculations ("klantberekeningen"): RFM scores for persons with a profiling opt-in
    #[command(subcommand, after_help = "Example:\n  smp-avg profile run")]
    Profile(ProfileCommand),
    /// Apply every consent type's automatic rule: soft opt-ins and opt-outs (§1.2–§1.4), for cron
    #[command(
        name = "run-soft-optins",
        after_help = "Example:\n  smp-avg run-soft-optins --format json\n  smp-avg run-soft-optins --type servicemail --dry-run"
    )]
    RunSoftOptins(RunSoftOptinsArgs),
    /// Audiences and saved queries ("zoekvragen", §1.3, §1.12)
    #[command(
        subcommand,
        after_help = "Example:\n  smp-avg query audience --type nieuwsbrief --format csv > ontvangers.csv"
    )]
    Query(QueryCommand),
    /// Right of access: one A4 PDF (Dutch by default) with all data held on a person (§1.11, Art. 15); --format json for portability (Art. 20)
    #[command(
        name = "export-pdf",
        after_help = "Example:\n  smp-avg export-pdf --person jan@example.nl --out inzage-jan.pdf\n  smp-avg export-pdf --person jan@example.nl --out inzage-jan.zip --password-file wachtwoord.txt\n  smp-avg export-pdf --person 42 --format json > gegevens-42.json"
    )]
    ExportPdf(ExportPdfArgs),
    /// The processing register ("verwerkingsregister") that feeds the access PDF
    #[command(subcommand, after_help = "Example:\n  smp-avg register list")]
    Register(RegisterCommand),
    /// Print a shell completion script (bash, zsh, fish)
    #[command(after_help = "Example:\n  smp-avg completions bash > /etc/bash_completion.d/smp-avg")]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the manual page (roff)
    #[command(
        after_help = "Example:\n  smp-avg man > /usr/local/share/man/man1/smp-avg.1 && man smp-avg"
    )]
    Man,
    /// Check the evidence: both hash chains, the schema and triggers, the current state
    #[command(after_help = "Example:\n  smp-avg verify\n  smp-avg verify --format json")]
    Verify,
    /// The audit log: who did what, when, to how many persons
    #[command(after_help = "Example:\n  smp-avg audit --since 2026-11-01 --format csv")]
    Audit(AuditArgs),
    /// The suppression list: addresses never to be mailed or re-subscribed (kept as keyed hashes)
    #[command(
        subcommand,
        after_help = "Example:\n  smp-avg suppression add jan@example.nl --reason complaint --description \"Klacht per brief\"\n  smp-avg suppression list --format json"
    )]
    Suppression(SuppressionCommand),
    /// Data-subject requests and their deadlines (Art. 12(3): one month, at most two more)
    #[command(
        subcommand,
        after_help = "Example:\n  smp-avg request open --person jan@example.nl --kind erasure\n  smp-avg request list --overdue        (cron: exit code 3 when any is overdue)"
    )]
    Request(RequestCommand),
    /// Processors and other recipients, and the notifications they are owed (Art. 19, 28)
    #[command(
        subcommand,
        after_help = "Example:\n  smp-avg processor add Laposta --purpose \"Nieuwsbrief\" --categories name,email\n  smp-avg processor todos"
    )]
    Processor(ProcessorCommand),
    /// The breach register ("datalekkenregister", Art. 33(5)) with the 72-hour deadline of the AP
    #[command(
        subcommand,
        after_help = "Example:\n  smp-avg breach add --discovered \"2026-11-28 14:05\" --description \"Laptop gestolen\"\n  smp-avg breach list --overdue        (cron: exit code 3 when any is overdue)"
    )]
    Breach(BreachCommand),
    /// A report for the privacy officer (FG): requests, consent, bounces, suppressions, erasures, breaches, processor to-dos
    #[command(
        after_help = "Example:\n  smp-avg report --since 2026-01-01\n  smp-avg report --since 2026-01-01 --format json > avg-rapport-2026.json"
    )]
    Report(ReportArgs),
    /// Documents held for a person (deeds of gift, agreements): add, list, get a copy, remove
    #[command(
        subcommand,
        after_help = "Example:\n  smp-avg document add jan@example.nl akte.pdf --kind schenkingsakte --date 01-03-2024\n  smp-avg document list jan@example.nl\n  smp-avg document get 7 --out akte-kopie.pdf"
    )]
    Document(DocumentCommand),
    /// Retention periods per purpose: marketing, transactions, each document kind
    #[command(
        subcommand,
        after_help = "Example:\n  smp-avg retention list\n  smp-avg retention set marketing 5y"
    )]
    Retention(RetentionCommand),
    /// The organisation's settings: name and contact details, privacy officer, time zone
    #[command(
        subcommand,
        after_help = "Example:\n  smp-avg settings set organisation.email privacy@dekroon.nl\n  smp-avg settings list"
    )]
    Settings(SettingsCommand),
}

#[derive(Debug, Subcommand)]
pub enum DocumentCommand {
    /// Store a file for a person (its bytes go into the database)
    #[command(
        after_help = "Example:\n  smp-avg document add 42 schenkingsakte-2024.pdf --kind schenkingsakte --date 2024-03-01"
    )]
    Add {
        /// Person id or e-mail address
        #[arg(value_name = "PERSON")]
        person: String,
        /// The file
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// schenkingsakte, overeenkomst, correspondentie, overig, or a kind with a retention period
        #[arg(long, value_name = "KIND")]
        kind: String,
        /// The date of the document itself, from which its retention runs [default: today]
        #[arg(long, value_name = "DATE", value_parser = date)]
        date: Option<chrono::NaiveDate>,
        /// Say what would be stored, store nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// The documents held for a person, with until when the law says to keep them
    #[command(after_help = "Example:\n  smp-avg document list jan@example.nl --format json")]
    List {
        /// Person id or e-mail address
        #[arg(value_name = "PERSON")]
        person: String,
    },
    /// Write a copy of a document to a file (readable by you only)
    #[command(after_help = "Example:\n  smp-avg document get 7 --out akte.pdf")]
    Get {
        /// Document id (`document list`)
        #[arg(value_name = "ID")]
        id: i64,
        /// Where to write it
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Remove a document (audited); refused while the law says to keep it
    #[command(
        after_help = "Example:\n  smp-avg document remove 7 --description \"Dubbel ingevoerd\""
    )]
    Remove {
        /// Document id
        #[arg(value_name = "ID")]
        id: i64,
        /// Why it is removed (kept in the audit log)
        #[arg(value_parser = crate::cli::text, long, value_name = "D")]
        description: String,
        /// Say what would be removed, remove nothing
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Every retention period with its legal basis
    #[command(after_help = "Example:\n  smp-avg retention list --format json")]
    List,
    /// Set the retention period of a category: marketing, transactions or a document kind
    #[command(
        after_help = "Example:\n  smp-avg retention set marketing 5y\n  smp-avg retention set arbeidscontract 7y --basis \"Fiscale bewaarplicht (art. 52 AWR)\""
    )]
    Set {
        /// marketing, transactions, or a document kind
        #[arg(value_name = "CATEGORY")]
        category: String,
        /// 7y, 18m or 30d
        #[arg(value_name = "PERIOD", value_parser = period)]
        period: RetentionPeriod,
        /// Why the data is kept this long (required for a new category)
        #[arg(value_parser = crate::cli::text, long, value_name = "B")]
        basis: Option<String>,
        /// Allow a period under one year
        #[arg(long)]
        allow_short_period: bool,
        /// Say what would change, change nothing
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Every setting with its value (or default) and what it is for
    #[command(after_help = "Example:\n  smp-avg settings list --format json")]
    List,
    /// Set a setting; an empty VALUE removes it (back to its default)
    #[command(
        after_help = "Keys: organisation.name, organisation.address, organisation.email, organisation.phone,\n      fg.name, fg.email, timezone (IANA name, default Europe/Amsterdam)\n\nExample:\n  smp-avg settings set organisation.address \"Kerkstraat 1, 1234 AB Ergens\"\n  smp-avg settings set timezone Europe/Brussels"
    )]
    Set {
        /// The setting
        #[arg(value_name = "KEY")]
        key: String,
        /// Its new value (one line)
        #[arg(value_name = "VALUE")]
        value: String,
        /// Say what would change, change nothing
        #[arg(long)]
        dry_run: bool,
    },
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
    #[arg(value_parser = crate::cli::text, long, value_name = "NAME")]
    pub organisation: Option<String>,
    /// On a database changed outside smp-avg: put the triggers and views back even though
    /// `verify` finds problems, remove foreign ones, accept (seal) rows written outside
    /// smp-avg and rebuild the current state; recorded in the audit log
    #[arg(long)]
    pub repair: bool,
}

/// What an import file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportKind {
    /// Persons (new ones, or updates by id or address)
    Persons,
    /// Transactions of persons
    Transactions,
    /// A bounce list from the mailing tool: bouncers and the suppression list
    Bounces,
    /// A suppression list (blocklist): addresses never to mail
    Suppressions,
}

/// `import --help`: the columns of each kind, from the importers' own lists.
fn import_help() -> String {
    use crate::import::{addresses, aliases, persons, transactions};
    let address = format!(
        "the address: {} (any case), or --column NAME",
        addresses::EMAIL_HEADERS.join(", ")
    );
    format!(
        "Columns: a header line names them, in any order and case (',' or ';', UTF-8 with or \
         without BOM, LF or CRLF).\n\n\
         persons:\n  {}\n  all optional; with id that person is updated; dates 28-11-2026 or 2026-11-28\n  \
         also named: {}\n\
         transactions:\n  {}\n  person, kind and occurred_at required; kind: {}; amount 12.50 or 12,50\n  \
         also named: {}\n\
         bounces:\n  {address}\n  optional: reason (hard, soft or complaint; empty: hard), date\n  \
         other columns are ignored\n\
         suppressions:\n  {address}\n  optional: reason ({}; empty: manual), date, description\n  \
         other columns are ignored\n\n\
         Example:\n  smp-avg import persons klanten.csv\n  cat bounces.csv | smp-avg import bounces -\n  \
         smp-avg import bounces cleaned_members.csv --column \"Email Address\"",
        persons::columns().join(","),
        aliases::describe(aliases::PERSONS),
        transactions::COLUMNS.join(","),
        transactions::KINDS.join(", "),
        aliases::describe(aliases::TRANSACTIONS),
        ["hard_bounce", "complaint", "objection", "manual"].join(", "),
    )
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds
    #[arg(value_enum)]
    pub kind: ImportKind,
    /// CSV file, or - for standard input
    #[arg(value_name = "FILE")]
    pub file: String,
    /// persons: how a row without id finds its person (email: the same address is the
    /// same person; none: every such row is a new person)
    #[arg(long = "match", value_enum, default_value_t = MatchBy::Email)]
    pub matching: MatchBy,
    /// Write bad rows with their reason to F and import the rest (without it a file with
    /// a bad row is refused whole)
    #[arg(long, value_name = "F")]
    pub reject_file: Option<PathBuf>,
    /// bounces, suppressions: the column that holds the address, when it has another name
    #[arg(long, value_name = "NAME")]
    pub column: Option<String>,
    /// persons: import rows whose address is on the suppression list as erased (an
    /// anonymised person who came back and asked); without it they are skipped
    #[arg(long)]
    pub allow_erased: bool,
    /// Check every row and report, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// How `import persons` matches a row without id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MatchBy {
    Email,
    None,
}

/// Why an address is suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SuppressionReason {
    #[value(name = "unsubscribed_all")]
    UnsubscribedAll,
    Objection,
    #[value(name = "hard_bounce")]
    HardBounce,
    Complaint,
    Erased,
    Deceased,
    Manual,
}

impl SuppressionReason {
    /// The code stored in `suppressions.reason`.
    pub fn code(self) -> &'static str {
        match self {
            SuppressionReason::UnsubscribedAll => "unsubscribed_all",
            SuppressionReason::Objection => "objection",
            SuppressionReason::HardBounce => "hard_bounce",
            SuppressionReason::Complaint => "complaint",
            SuppressionReason::Erased => "erased",
            SuppressionReason::Deceased => "deceased",
            SuppressionReason::Manual => "manual",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum SuppressionCommand {
    /// The list: keyed hashes of the addresses with reason, date and source (never an address)
    #[command(after_help = "Example:\n  smp-avg suppression list --format csv")]
    List,
    /// Put an address on the list: it is left out of every audience and a file cannot subscribe it again
    #[command(
        after_help = "Example:\n  smp-avg suppression add jan@example.nl --reason objection --description \"Bezwaar per brief van 12-11\""
    )]
    Add {
        /// The e-mail address
        #[arg(value_name = "EMAIL")]
        email: String,
        /// Why
        #[arg(long, value_enum)]
        reason: SuppressionReason,
        /// A note (no names: the list outlives the person)
        #[arg(value_parser = crate::cli::text, long, value_name = "D")]
        description: Option<String>,
        /// Say what would change, change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Take an address off the list (audited, with the reason why)
    #[command(
        after_help = "Example:\n  smp-avg suppression remove jan@example.nl --description \"Adres hoort nu bij een andere klant\""
    )]
    Remove {
        /// The e-mail address
        #[arg(value_name = "EMAIL")]
        email: String,
        /// Why it is taken off (required)
        #[arg(value_parser = crate::cli::text, long, value_name = "D")]
        description: String,
        /// Say what would change, change nothing
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Persons who are probably one: sharing an address, or name + postal code + birth date
    #[command(after_help = "Example:\n  smp-avg person duplicates --format json")]
    Duplicates,
    /// Give KEEP everything of OTHER (history, transactions, documents, mailings), then erase OTHER
    #[command(
        after_help = "Example:\n  smp-avg person merge 12 87 --dry-run\n  smp-avg --yes person merge 12 87"
    )]
    Merge {
        /// The person who stays (id or e-mail)
        #[arg(value_name = "KEEP")]
        keep: String,
        /// The person merged into KEEP and then erased (id)
        #[arg(value_name = "OTHER")]
        other: String,
        /// Say what would move, change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// The customer card: data, current preferences, full history, administration
    #[command(
        after_help = "Example:\n  smp-avg person show 42 --format json\n  smp-avg person show jan@example.nl --section history --format csv > historie.csv"
    )]
    Show {
        /// Person id or e-mail address
        #[arg(value_name = "PERSON")]
        person: String,
        /// Only this part of the card (CSV holds one part: data unless this says otherwise)
        #[arg(long, value_enum)]
        section: Option<CardSection>,
    },
    /// Find persons by name, e-mail fragment, postal code or phone number
    #[command(
        after_help = "Example:\n  smp-avg person find \"de vries\"\n  smp-avg person find 1234AB\n  smp-avg person find 06-12345678 --format json"
    )]
    Find {
        /// Text to look for: part of a name or an address, a postal code, a phone number
        #[arg(value_name = "TEXT")]
        text: String,
        /// At most this many persons
        #[arg(long, value_name = "N", default_value_t = 50)]
        limit: u32,
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
    /// Rectify a person's data (Art. 16) with the checks of the import; an empty value clears a field
    #[command(
        after_help = "Example:\n  smp-avg person edit 42 --last-name \"Vries\" --infix \"de\" --postal-code 1234ab\n  smp-avg person edit jan@example.nl --phone \"\"        (clears the phone number)"
    )]
    Edit(Box<PersonEditArgs>),
    /// Restrict processing of a person (Art. 18): no audience, rule, profiling or sweep; or lift it
    #[command(
        after_help = "Example:\n  smp-avg person restrict 42 --reason \"Juistheid betwist (art. 18 lid 1 sub a)\"\n  smp-avg person restrict 42 --lift"
    )]
    Restrict(PersonRestrictArgs),
}

/// A part of the customer card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CardSection {
    /// The person's data and the administration facts (one row)
    Data,
    /// The current preference per consent type
    Preferences,
    /// Every consent record, oldest first
    History,
}

#[derive(Debug, Subcommand)]
pub enum TypesCommand {
    /// List consent types and their rules
    #[command(after_help = "Example:\n  smp-avg types list")]
    List,
    /// Add a consent type, optionally with an automatic rule
    #[command(
        after_help = "Example:\n  smp-avg types add vrienden --label \"Vrienden nieuwsbrief\" --kind newsletter"
    )]
    Add {
        /// Code of the type (lower case letters, digits, _ and -)
        #[arg(value_name = "CODE")]
        code: String,
        /// Label shown to people
        #[arg(value_parser = crate::cli::text, long, value_name = "L")]
        label: String,
        /// What the type is for
        #[arg(long, value_name = "K", value_enum)]
        kind: TypeKind,
        #[command(flatten)]
        rule: RuleArgs,
        /// Say what would change, change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Set or change the automatic rule of a type
    #[command(
        name = "set-rule",
        after_help = "Example:\n  smp-avg types set-rule servicemail --rule \"SMP - 20261129 - Job - Zachte opt-ins servicemail\" --rule-opt-in --rule-description \"Zachte servicemail opt-in\""
    )]
    SetRule {
        /// Code of the type
        #[arg(value_name = "CODE")]
        code: String,
        #[command(flatten)]
        rule: RuleArgs,
        /// Say what would change, change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Remove the automatic rule of a type (its records stay)
    #[command(
        name = "clear-rule",
        after_help = "Example:\n  smp-avg types clear-rule profileren"
    )]
    ClearRule {
        /// Code of the type
        #[arg(value_name = "CODE")]
        code: String,
        /// Say what would change, change nothing
        #[arg(long)]
        dry_run: bool,
    },
}

/// The kinds a consent type can be (§1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TypeKind {
    Newsletter,
    Servicemail,
    Profiling,
    #[value(name = "direct_mail")]
    DirectMail,
    Other,
}

impl TypeKind {
    /// The code stored in `consent_types.kind`.
    pub fn code(self) -> &'static str {
        match self {
            TypeKind::Newsletter => "newsletter",
            TypeKind::Servicemail => "servicemail",
            TypeKind::Profiling => "profiling",
            TypeKind::DirectMail => "direct_mail",
            TypeKind::Other => "other",
        }
    }
}

/// Who gave a record typed by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GivenSource {
    /// The person themselves: it is new consent (lifts a suppression for that type)
    Person,
    /// An operator on the person's behalf
    Operator,
}

impl GivenSource {
    /// The source stored with the record.
    pub fn source(self) -> crate::db::consent::Source {
        match self {
            GivenSource::Person => crate::db::consent::Source::Person,
            GivenSource::Operator => crate::db::consent::Source::Operator,
        }
    }
}

/// An automatic rule: a saved query and a direction.
#[derive(Debug, Args)]
pub struct RuleArgs {
    /// The saved query whose persons the rule applies to
    #[arg(long, value_name = "SAVED_QUERY")]
    pub rule: Option<String>,
    /// The rule grants soft opt-ins
    #[arg(long, requires = "rule", conflicts_with = "rule_opt_out")]
    pub rule_opt_in: bool,
    /// The rule grants soft opt-outs
    #[arg(long, requires = "rule")]
    pub rule_opt_out: bool,
    /// Description of the records the rule writes
    #[arg(value_parser = crate::cli::text, long, value_name = "D", requires = "rule")]
    pub rule_description: Option<String>,
    /// Channel of the records the rule writes
    #[arg(value_parser = crate::cli::text, long, value_name = "C", default_value = crate::db::types::RULE_CHANNEL)]
    pub rule_channel: String,
}

#[derive(Debug, Args)]
pub struct RunSoftOptinsArgs {
    /// Only the rule of this consent type
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<String>,
    /// Say what would be inserted, insert nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Stop a rule's query after this many seconds (nothing is written then)
    #[arg(long, value_name = "SECONDS", default_value_t = crate::db::queries::RULE_TIMEOUT, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
}

#[derive(Debug, Subcommand)]
pub enum QueryCommand {
    /// Mailable persons with a current opt-in for a type (§1.12)
    #[command(
        after_help = "Example:\n  smp-avg query audience --type nieuwsbrief --within \"SMP - 20261129 - Selectie - Jongeren\" --format csv\n  smp-avg query audience --type nieuwsbrief --record-mailing \"Nieuwsbrief december 2026\"\n  smp-avg query audience --type nieuwsbrief --preset mailchimp > mailchimp.csv"
    )]
    Audience {
        /// Consent type code
        #[arg(long = "type", value_name = "TYPE")]
        kind: String,
        /// Narrow to the persons of a saved query
        #[arg(long, value_name = "SAVED_QUERY")]
        within: Option<String>,
        /// Record the mailing: a contact moment with this audience as its recipients
        #[arg(value_parser = crate::cli::text, long, value_name = "NAME")]
        record_mailing: Option<String>,
        /// Channel of the recorded mailing
        #[arg(
            value_parser = crate::cli::text,
            long,
            value_name = "C",
            default_value = "e-mail",
            requires = "record_mailing"
        )]
        channel: String,
        /// With --record-mailing: show the audience, record nothing
        #[arg(long)]
        dry_run: bool,
        /// Say why this person (id or e-mail) is or is not in the audience, with stable
        /// reason codes, instead of listing it
        #[arg(long, value_name = "PERSON", conflicts_with = "record_mailing")]
        explain: Option<String>,
        /// Stop the SQL after this many seconds (an unbounded recursive query never ends)
        #[arg(long, value_name = "SECONDS", default_value_t = crate::db::queries::QUERY_TIMEOUT, value_parser = clap::value_parser!(u64).range(1..))]
        timeout: u64,
        /// CSV that this newsletter tool (or Excel) imports as it is: its column names
        /// and dialect
        #[arg(long, value_enum)]
        preset: Option<AudiencePreset>,
    },
    /// Run a saved query
    #[command(
        after_help = "Example:\n  smp-avg query run \"SMP - 20261129 - Selectie - Nieuwsbrief mailbaar\" --format csv"
    )]
    Run {
        /// Name of the saved query
        #[arg(value_name = "NAME")]
        name: String,
        /// Stop the SQL after this many seconds (an unbounded recursive query never ends)
        #[arg(long, value_name = "SECONDS", default_value_t = crate::db::queries::QUERY_TIMEOUT, value_parser = clap::value_parser!(u64).range(1..))]
        timeout: u64,
    },
    /// List saved queries
    #[command(after_help = "Example:\n  smp-avg query list --format json")]
    List,
    /// Save a read-only query whose first column is the person id
    #[command(
        after_help = "Example:\n  smp-avg query save \"SMP - 20261129 - Selectie - Amsterdam\" --sql \"SELECT id FROM persons WHERE city = 'Amsterdam'\""
    )]
    Save {
        /// Name, by convention `<org> - <yyyymmdd> - <function> - <description>`
        #[arg(value_name = "NAME")]
        name: String,
        /// One SELECT statement whose first column is the person id, or - to read it from
        /// standard input
        #[arg(long, value_name = "SQL")]
        sql: String,
        /// What the query is for
        #[arg(value_parser = crate::cli::text, long, value_name = "D")]
        description: Option<String>,
        /// Overwrite a saved query of the same name
        #[arg(long)]
        replace: bool,
        /// Say what would change, change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Run read-only SQL typed here (nothing can be written)
    #[command(
        after_help = "Example:\n  smp-avg query sql \"SELECT city, count(*) FROM persons GROUP BY city\"\n  smp-avg query sql - < telling.sql"
    )]
    Sql {
        /// One SELECT statement, or - to read it from standard input
        #[arg(value_name = "SQL")]
        sql: String,
        /// Stop the SQL after this many seconds (an unbounded recursive query never ends)
        #[arg(long, value_name = "SECONDS", default_value_t = crate::db::queries::QUERY_TIMEOUT, value_parser = clap::value_parser!(u64).range(1..))]
        timeout: u64,
    },
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["opt_in", "opt_out", "csv"])))]
pub struct SubscribeArgs {
    /// Person id or e-mail address
    #[arg(
        long,
        value_name = "PERSON",
        required_unless_present = "csv",
        conflicts_with = "csv"
    )]
    pub person: Option<String>,
    /// Consent type code (see `types list`)
    #[arg(
        long = "type",
        value_name = "TYPE",
        required_unless_present = "csv",
        conflicts_with = "csv"
    )]
    pub kind: Option<String>,
    /// Record an opt-in
    #[arg(long)]
    pub opt_in: bool,
    /// Record an opt-out
    #[arg(long)]
    pub opt_out: bool,
    /// How the person said it: voorkeurencentrum, webformulier, website, handmatig, telefonisch, …
    #[arg(
        value_parser = crate::cli::text,
        long,
        value_name = "C",
        default_value = "handmatig",
        conflicts_with = "csv"
    )]
    pub channel: String,
    /// The text the person saw or the reason, kept as evidence
    #[arg(value_parser = crate::cli::text, long, value_name = "D", conflicts_with = "csv")]
    pub description: Option<String>,
    /// Who gave it: the person (a web form, or their own words taken down) or an
    /// operator [default: person on a web form or with --description, else operator]
    #[arg(long, value_enum, conflicts_with = "csv")]
    pub source: Option<GivenSource>,
    /// The mailing (contact moment id) the opt-in or opt-out came from
    #[arg(long, value_name = "ID", conflicts_with = "csv")]
    pub contact_moment: Option<i64>,
    /// When it was given (default: now); 2026-11-28, 28-11-2026 or RFC 3339
    #[arg(long, value_name = "TIME", conflicts_with = "csv", value_parser = moment)]
    pub at: Option<DateTime<Utc>>,
    /// Import records from CSV (FILE or - for stdin): person,type,opt_in[,channel,description,contact_moment,recorded_at]
    #[arg(long, value_name = "FILE")]
    pub csv: Option<String>,
    /// With --csv: write bad rows with their reason to F and import the rest
    #[arg(long, value_name = "F", requires = "csv")]
    pub reject_file: Option<PathBuf>,
    /// Say what would be recorded, record nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct UnsubscribeAllArgs {
    /// Person id or e-mail address
    #[arg(long, value_name = "PERSON")]
    pub person: String,
    /// How the person asked for it
    #[arg(value_parser = crate::cli::text, long, value_name = "C", default_value = "handmatig")]
    pub channel: String,
    /// Reason or text kept with every opt-out
    #[arg(
        value_parser = crate::cli::text,
        long,
        value_name = "D",
        default_value = "Persoon volledig uitgeschreven"
    )]
    pub description: String,
    /// Say what would be recorded and deleted, change nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("who").required(true).args(["person", "inactive_for"])))]
pub struct AnonymiseArgs {
    /// Person id or e-mail address
    #[arg(long, value_name = "PERSON")]
    pub person: Option<String>,
    /// Everyone without an active relation for this long: 5y, 18m or 30d; without a
    /// value, the marketing retention period (`retention list`), which PERIOD overrides
    #[arg(long, value_name = "PERIOD", value_parser = period, num_args = 0..=1)]
    pub inactive_for: Option<Option<RetentionPeriod>>,
    /// Allow a period under one year (a typo such as 5d for 5y would erase nearly all)
    #[arg(long, requires = "inactive_for")]
    pub allow_short_period: bool,
    /// Allow the sweep to erase more than this share of the persons [default: the
    /// setting sweep.max_share, 10]; checked only when more than 50 persons would go
    #[arg(long, value_name = "PERCENT", requires = "inactive_for", value_parser = clap::value_parser!(u8).range(1..=100))]
    pub max_share: Option<u8>,
    /// Say who would be anonymised, and what held, change nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Compute recency, frequency and monetary scores for persons with a current profiling opt-in; remove everyone else's
    #[command(after_help = "Example:\n  smp-avg profile run --format json")]
    Run {
        /// Say how many would be scored and removed, change nothing
        #[arg(long)]
        dry_run: bool,
    },
}

/// Newsletter tools (and Excel) whose CSV import the audience can be written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AudiencePreset {
    /// Laposta: E-mailadres, Voornaam, Tussenvoegsel, Achternaam
    Laposta,
    /// Mailchimp: Email Address, First Name, Last Name (with the infix)
    Mailchimp,
    /// listmonk: email, name (the full name), attributes (JSON with the person id)
    Listmonk,
    /// Excel with a Dutch list separator: ';', a UTF-8 BOM, CRLF, and the full name
    Excel,
}

/// Shells with completions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

/// Language of the access document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    Nl,
    En,
}

#[derive(Debug, Args)]
pub struct ExportPdfArgs {
    /// Person id or e-mail address
    #[arg(long, value_name = "PERSON")]
    pub person: String,
    /// Where to write: FILE.pdf (the PDF), FILE.zip or an existing directory (the whole
    /// answer: the PDF, gegevens.json and every document), or with --format json the JSON
    /// [default: person-<id>.pdf; JSON to stdout]
    #[arg(long, value_name = "FILE.pdf|DIR|FILE.zip")]
    pub out: Option<PathBuf>,
    /// Language of the document
    #[arg(long, value_enum, default_value_t = Lang::Nl)]
    pub lang: Lang,
    /// Encrypt with the password in this file (first line): the zip with AES-256, or the
    /// PDF itself (AES-256) when --out is a .pdf. Without it a .zip gets a generated
    /// password, printed once on stderr
    #[arg(long, value_name = "F")]
    pub password_file: Option<PathBuf>,
    /// Render even without the organisation's name and contact details (settings), marked
    /// as a draft that must not be sent
    #[arg(long)]
    pub draft: bool,
}

#[derive(Debug, Subcommand)]
pub enum RegisterCommand {
    /// List the current purposes of the processing register, with the controller and FG (--all: the history too)
    #[command(
        after_help = "Example:\n  smp-avg register list --format csv\n  smp-avg register list --all"
    )]
    List {
        /// Edited and removed entries too
        #[arg(long)]
        all: bool,
    },
    /// Add a purpose to the processing register
    #[command(
        after_help = "Example:\n  smp-avg register add --purpose \"Vriendenprogramma\" --legal-basis \"Overeenkomst (art. 6 lid 1 sub b AVG)\" --data-categories \"Naam, adres, e-mail\" --recipients \"Geen\" --retention \"5 jaar na einde lidmaatschap\""
    )]
    Add {
        /// What the data is processed for
        #[arg(value_parser = crate::cli::text, long)]
        purpose: String,
        /// The legal basis (Art. 6 GDPR)
        #[arg(value_parser = crate::cli::text, long)]
        legal_basis: String,
        /// Which personal data
        #[arg(value_parser = crate::cli::text, long)]
        data_categories: String,
        /// Who receives the data
        #[arg(value_parser = crate::cli::text, long)]
        recipients: String,
        /// How long the data is kept
        #[arg(value_parser = crate::cli::text, long)]
        retention: String,
        /// The consent type this purpose belongs to, if any
        #[arg(long = "consent-type", value_name = "TYPE")]
        consent_type: Option<String>,
        #[command(flatten)]
        art30: RegisterArt30Args,
        /// Say what would change, change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Change an entry: the old text stays in the history, the new one gets a new id
    #[command(
        after_help = "Example:\n  smp-avg register edit 3 --recipients \"Laposta (verwerker)\" --transfers \"Geen doorgifte buiten de EER\""
    )]
    Edit(RegisterEditArgs),
    /// End an entry: it stays in the history (register list --all)
    #[command(after_help = "Example:\n  smp-avg register remove 4")]
    Remove {
        /// The entry id
        #[arg(value_name = "ID")]
        id: i64,
        /// Say what would change, change nothing
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only entries about this person (id or e-mail)
    #[arg(long, value_name = "PERSON")]
    pub person: Option<String>,
    /// Only entries at or after this time (2026-11-28, 28-11-2026 or RFC 3339)
    #[arg(long, value_name = "TIME", value_parser = moment)]
    pub since: Option<DateTime<Utc>>,
}

/// Parse the process arguments (exits with code 2 on a usage error); also returns the
/// command's name as logs show it (see [`command_name`]).
pub fn parse() -> (Cli, String) {
    use clap::{CommandFactory, FromArgMatches};
    // Times typed without an offset are read on the organisation's clock: its time
    // zone is read from the database the command line names, before the values are
    // parsed.
    let (database, utc) = database_named();
    if utc {
        time::set_input_zone(chrono_tz::UTC);
    } else if let Some(tz) = crate::db::settings::time_zone_of_file(&database) {
        time::set_input_zone(tz);
    }
    let matches = match Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => usage_error(e),
    };
    let name = command_name(&Cli::command(), &matches);
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => (cli, name),
        Err(e) => usage_error(e),
    }
}

/// The database the command line names (`--db PATH`, `--db=PATH`), else
/// `SMP_AVG_DB`, else the default: as clap will find it; and whether `--utc` was given.
fn database_named() -> (std::path::PathBuf, bool) {
    let mut named = None;
    let mut utc = false;
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        let a = a.to_string_lossy().into_owned();
        if a == "--" {
            break;
        }
        if a == "--utc" {
            utc = true;
        } else if a == "--db" {
            named = args.next().map(std::path::PathBuf::from);
        } else if let Some(v) = a.strip_prefix("--db=") {
            named = Some(std::path::PathBuf::from(v));
        }
    }
    let path = named
        .or_else(|| std::env::var_os("SMP_AVG_DB").map(std::path::PathBuf::from))
        .unwrap_or_else(|| std::path::PathBuf::from("crm.sqlite"));
    (path, utc)
}

/// A usage error as one line on stderr, with what was typed made inert (a value may
/// hold control characters or a direction override), then exit 2. Help and version
/// print as clap prints them.
fn usage_error(e: clap::Error) -> ! {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit()
    }
    if e.kind() == ErrorKind::ValueValidation {
        // Said without the value: it may be a person's data, or bytes a terminal obeys.
        use clap::error::{ContextKind, ContextValue};
        let arg = match e.get(ContextKind::InvalidArg) {
            Some(ContextValue::String(a)) => a.clone(),
            _ => "a value".to_string(),
        };
        let why = std::error::Error::source(&e)
            .map(|s| s.to_string())
            .unwrap_or_else(|| "not valid".to_string());
        // The value itself, inert, when it is short (a date, a number); long text is left
        // out (it may be a description about a person).
        let value = match e.get(ContextKind::InvalidValue) {
            Some(ContextValue::String(v)) => {
                let v = crate::output::inert_line(v);
                if v.chars().count() <= 40 {
                    format!(" '{v}'")
                } else {
                    String::new()
                }
            }
            _ => String::new(),
        };
        eprintln!(
            "error: invalid value{value} for '{}': {} (see smp-avg --help)",
            crate::output::inert_line(&arg),
            crate::output::inert_line(&why)
        );
        std::process::exit(crate::exit::Exit::Usage as i32)
    }
    let text = e.render().to_string();
    // The message, and the lines it introduces ("…were not provided:" and the list),
    // up to the first blank line; not the usage and tips that follow.
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty())
        .collect();
    let joined = if lines.first().is_some_and(|l| l.ends_with(':')) {
        lines.join(" ")
    } else {
        // The first line, and the values clap lists under it ("[possible values: …]").
        let mut kept: Vec<&str> = lines.first().copied().into_iter().collect();
        kept.extend(lines.iter().skip(1).filter(|l| l.starts_with('[')));
        if kept.is_empty() {
            "usage error".to_string()
        } else {
            kept.join(" ")
        }
    };
    let first = joined.strip_prefix("error: ").unwrap_or(&joined);
    eprintln!(
        "error: {} (see smp-avg --help)",
        crate::output::inert_line(first)
    );
    std::process::exit(crate::exit::Exit::Usage as i32)
}

/// The name of the command a command line runs: its subcommands, and the value of a
/// positional argument with a fixed set of values, which names a form of the command
/// (`import bounces`, `query audience`, `completions bash`).
pub fn command_name(cmd: &clap::Command, matches: &clap::ArgMatches) -> String {
    let mut words = Vec::new();
    let (mut cmd, mut matches) = (cmd, matches);
    while let Some((name, sub_matches)) = matches.subcommand() {
        let Some(sub) = cmd.find_subcommand(name) else {
            break;
        };
        words.push(name.to_string());
        for arg in sub.get_positionals() {
            if arg.get_possible_values().is_empty() {
                continue;
            }
            if let Some(raw) = sub_matches
                .try_get_raw(arg.get_id().as_str())
                .ok()
                .flatten()
                .and_then(|mut values| values.next())
            {
                words.push(raw.to_string_lossy().into_owned());
            }
        }
        (cmd, matches) = (sub, sub_matches);
    }
    words.join(" ")
}
