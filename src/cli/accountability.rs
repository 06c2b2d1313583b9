//! The accountability commands of CLI.md "Round 2": data-subject requests, processors,
//! breaches, the report for the privacy officer, and the flags of `person edit`,
//! `person restrict` and `register edit`.
use super::moment;
use chrono::{DateTime, NaiveDate, Utc};
use clap::{ArgGroup, Args, Subcommand, ValueEnum};

/// `--categories`: codes of categories of data (`name,email`), at least one.
fn categories(s: &str) -> Result<String, String> {
    let codes = crate::db::register::parse_categories(s)?;
    if codes.is_empty() {
        return Err("name at least one category of data".into());
    }
    Ok(codes)
}

/// `--agreement-date` and other dates: `2026-11-28` or `28-11-2026`.
fn date(s: &str) -> Result<NaiveDate, String> {
    crate::rules::time::parse_date(s).map_err(|e| e.to_string())
}

/// `yes|no` (also 1/0, true/false, ja/nee).
fn yes_no(s: &str) -> Result<bool, String> {
    crate::rules::validate::boolean(s).map_err(|e| e.to_string())
}

/// The kinds of data-subject request (Art. 15–21 GDPR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RequestKind {
    /// Art. 15: a copy of the data (answered by export-pdf)
    Access,
    /// Art. 17: erasure (answered by anonymise --person)
    Erasure,
    /// Art. 21: objection (answered by unsubscribe-all)
    Objection,
    /// Art. 16: rectification (answered by person edit)
    Rectification,
    /// Art. 18: restriction of processing (answered by person restrict)
    Restriction,
    /// Art. 20: the data in a machine-readable form (answered by export-pdf)
    Portability,
}

impl RequestKind {
    /// The code stored in `requests.kind`.
    pub fn code(self) -> &'static str {
        match self {
            RequestKind::Access => "access",
            RequestKind::Erasure => "erasure",
            RequestKind::Objection => "objection",
            RequestKind::Rectification => "rectification",
            RequestKind::Restriction => "restriction",
            RequestKind::Portability => "portability",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum RequestCommand {
    /// Record a data-subject request: due one calendar month after receipt (Art. 12(3); 31 January → end of February)
    #[command(
        after_help = "Example:\n  smp-avg request open --person jan@example.nl --kind access --received 2026-11-28 --channel e-mail"
    )]
    Open {
        /// Person id or e-mail address
        #[arg(long, value_name = "PERSON")]
        person: String,
        /// What the person asks for
        #[arg(long, value_enum)]
        kind: RequestKind,
        /// When the request was received (not in the future) [default: now]
        #[arg(long, value_name = "DATE", value_parser = moment)]
        received: Option<DateTime<Utc>>,
        /// How it came in: e-mail, brief, telefonisch, webformulier, …
        #[arg(value_parser = crate::cli::text, long, value_name = "C")]
        channel: Option<String>,
        /// A note for the file (erased with the person)
        #[arg(value_parser = crate::cli::text, long, value_name = "N")]
        note: Option<String>,
        /// Say what would be recorded, record nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Extend a request by 1 or 2 months (Art. 12(3): at most two in total, told to the person within the first month)
    #[command(
        after_help = "Example:\n  smp-avg request extend 4 --months 2 --reason \"Het verzoek betreft veel documenten\""
    )]
    Extend {
        /// The request id
        #[arg(value_name = "ID")]
        id: i64,
        /// How many months more
        #[arg(long, value_name = "1|2", value_parser = clap::value_parser!(u32).range(1..=2))]
        months: u32,
        /// Why, as told to the person
        #[arg(value_parser = crate::cli::text, long, value_name = "R")]
        reason: String,
        /// Say what would change, change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Close a request by refusing it, with the reason the person is told (an answer closes it by itself)
    #[command(
        after_help = "Example:\n  smp-avg request close 4 --reason \"Wettelijke bewaarplicht: de schenkingsakte blijft tot 2031 bewaard\""
    )]
    Close {
        /// The request id
        #[arg(value_name = "ID")]
        id: i64,
        /// The reason for the refusal, as told to the person
        #[arg(value_parser = crate::cli::text, long, value_name = "R")]
        reason: String,
        /// Say what would change, change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// List requests with their due dates and status (open, answered, refused, overdue); --overdue exits 3 when any is overdue (cron)
    #[command(
        after_help = "Example:\n  smp-avg request list --open\n  smp-avg request list --overdue --quiet || mail -s \"AVG-verzoeken te laat\" fg@example.nl"
    )]
    List {
        /// Only requests not closed yet
        #[arg(long)]
        open: bool,
        /// Only requests past their due date; exit code 3 when there are any
        #[arg(long)]
        overdue: bool,
        /// Only this person's requests (id or e-mail)
        #[arg(long, value_name = "P")]
        person: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProcessorCommand {
    /// Add a processor or other recipient, with the categories of data it receives (Art. 28)
    #[command(
        after_help = "Example:\n  smp-avg processor add Laposta --purpose \"Versturen van de nieuwsbrief\" --categories name,email --agreement-date 2026-01-15 --contact privacy@laposta.nl"
    )]
    Add {
        /// Name of the processor
        #[arg(value_parser = crate::cli::text, value_name = "NAME")]
        name: String,
        /// What it processes the data for
        #[arg(value_parser = crate::cli::text, long, value_name = "P")]
        purpose: String,
        /// Categories of data it receives: name, address, email, phone, birth_date, iban,
        /// bsn, transactions, consent, mailings, documents, scores
        #[arg(long, value_name = "C[,C..]", value_parser = categories)]
        categories: String,
        /// Date of the processing agreement (verwerkersovereenkomst)
        #[arg(long, value_name = "D", value_parser = date)]
        agreement_date: Option<NaiveDate>,
        /// Whom to tell of a change (e-mail address or phone)
        #[arg(value_parser = crate::cli::text, long, value_name = "C")]
        contact: Option<String>,
        /// Say what would be added, add nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// List the processors (--all: the removed ones too) with their open notifications
    #[command(after_help = "Example:\n  smp-avg processor list --format csv")]
    List {
        /// Removed processors too
        #[arg(long)]
        all: bool,
    },
    /// End a processor: it stays in the history, its open to-dos stay open, it is told of nothing new
    #[command(after_help = "Example:\n  smp-avg processor remove 2")]
    Remove {
        /// The processor id
        #[arg(value_name = "ID")]
        id: i64,
        /// Say what would change, change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Mark a notification to-do done: the processor was told of the change (Art. 19)
    #[command(after_help = "Example:\n  smp-avg processor notified 17")]
    Notified {
        /// The to-do id (see `processor todos`)
        #[arg(value_name = "TODO_ID")]
        todo_id: i64,
        /// Say what would change, change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// The notifications still to be done (--all: done ones too)
    #[command(after_help = "Example:\n  smp-avg processor todos")]
    Todos {
        /// Done to-dos too
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum BreachCommand {
    /// Record a personal data breach (Art. 33(5)); the AP must be told within 72 hours of discovery
    #[command(
        after_help = "Example:\n  smp-avg breach add --discovered \"2026-11-28 14:05\" --description \"Nieuwsbrief met zichtbare adressen (CC) verstuurd\" --persons-query \"SMP - 20261128 - Datalek - Ontvangers CC-mail\" --categories name,email"
    )]
    Add {
        /// When the breach was discovered (UTC unless an offset is given; not in the future)
        #[arg(long, value_name = "TIME", value_parser = moment)]
        discovered: DateTime<Utc>,
        /// What happened, its effects
        #[arg(value_parser = crate::cli::text, long, value_name = "D")]
        description: String,
        /// The saved query that finds the persons affected (run now, read-only)
        #[arg(long, value_name = "SAVED_QUERY")]
        persons_query: Option<String>,
        /// Categories of data involved: name, address, email, phone, …
        #[arg(long, value_name = "C,..", value_parser = categories)]
        categories: Option<String>,
        /// Say what would be recorded, record nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Record the report to the AP, whether the persons were told (Art. 34) and the measures taken
    #[command(
        after_help = "Example:\n  smp-avg breach update 3 --reported-to-ap \"2026-11-29 10:00\" --notified-persons yes --measures \"Mailing ingetrokken, procedure BCC aangepast\""
    )]
    #[command(group(ArgGroup::new("what").required(true).multiple(true)
        .args(["reported_to_ap", "ap_not_required", "notified_persons", "measures"])))]
    Update {
        /// The breach id
        #[arg(value_name = "ID")]
        id: i64,
        /// When the breach was reported to the Autoriteit Persoonsgegevens
        #[arg(long, value_name = "TIME", value_parser = moment)]
        reported_to_ap: Option<DateTime<Utc>>,
        /// The AP need not be told: why the breach is unlikely to result in a risk (Art. 33(1))
        #[arg(value_parser = crate::cli::text, long, value_name = "R", conflicts_with = "reported_to_ap")]
        ap_not_required: Option<String>,
        /// Whether the persons affected were told (Art. 34)
        #[arg(long, value_name = "yes|no", value_parser = yes_no)]
        notified_persons: Option<bool>,
        /// The measures taken (replaces what was recorded before)
        #[arg(value_parser = crate::cli::text, long, value_name = "M")]
        measures: Option<String>,
        /// Say what would change, change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// The breach register with the 72-hour deadline; --overdue exits 3 when a breach is past it and not reported (cron)
    #[command(
        after_help = "Example:\n  smp-avg breach list\n  smp-avg breach list --overdue --quiet"
    )]
    List {
        /// Only breaches past the 72 hours and not reported to the AP; exit code 3 when there are any
        #[arg(long)]
        overdue: bool,
    },
    /// The persons affected by a breach with name, e-mail and address, for the letter that tells them (Art. 34)
    #[command(
        after_help = "Example:\n  smp-avg breach persons 3 --format csv > brief-datalek-3.csv"
    )]
    Persons {
        /// The breach id
        #[arg(value_name = "ID")]
        id: i64,
    },
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Count from this date (2026-01-01, 01-01-2026 or RFC 3339) [default: everything]
    #[arg(long, value_name = "DATE", value_parser = moment)]
    pub since: Option<DateTime<Utc>>,
    /// Write the report as an A4 PDF (readable by you only) instead of printing it
    #[arg(long, value_name = "FILE.pdf")]
    pub out: Option<std::path::PathBuf>,
    /// Language of the PDF
    #[arg(long, value_enum, default_value_t = super::Lang::Nl, requires = "out")]
    pub lang: super::Lang,
}

/// `person edit`: one flag per field of a person; an empty value clears the field.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("fields").required(true).multiple(true)))]
pub struct PersonEditArgs {
    /// Person id or e-mail address
    #[arg(value_name = "PERSON")]
    pub person: String,
    /// First name
    #[arg(long, group = "fields", value_name = "TEXT")]
    pub first_name: Option<String>,
    /// Tussenvoegsel ("van der")
    #[arg(long, group = "fields", value_name = "TEXT")]
    pub infix: Option<String>,
    /// Last name
    #[arg(long, group = "fields", value_name = "TEXT")]
    pub last_name: Option<String>,
    /// A malformed address is stored with a warning: the person is not mailable
    #[arg(long, group = "fields", value_name = "ADDRESS")]
    pub email: Option<String>,
    /// Phone number
    #[arg(long, group = "fields", value_name = "TEXT")]
    pub phone: Option<String>,
    /// Mobile number
    #[arg(long, group = "fields", value_name = "TEXT")]
    pub mobile: Option<String>,
    /// Street
    #[arg(long, group = "fields", value_name = "TEXT")]
    pub street: Option<String>,
    /// House number with any addition ("12a")
    #[arg(long, group = "fields", value_name = "TEXT")]
    pub house_number: Option<String>,
    /// Dutch codes are checked and written as 1234 AB
    #[arg(long, group = "fields", value_name = "TEXT")]
    pub postal_code: Option<String>,
    /// City
    #[arg(long, group = "fields", value_name = "TEXT")]
    pub city: Option<String>,
    /// Country (NL, Nederland, …: a Dutch postal code is then required)
    #[arg(long, group = "fields", value_name = "TEXT")]
    pub country: Option<String>,
    /// Checked (mod 97) and stored without spaces
    #[arg(long, group = "fields", value_name = "IBAN")]
    pub iban: Option<String>,
    /// Checked (11-check); 8 digits get their leading zero back
    #[arg(long, group = "fields", value_name = "BSN")]
    pub bsn: Option<String>,
    /// 2026-11-28 or 28-11-2026, not in the future
    #[arg(long, group = "fields", value_name = "DATE")]
    pub birth_date: Option<String>,
    /// Deceased (yes puts the address on the suppression list)
    #[arg(long, group = "fields", value_name = "yes|no")]
    pub deceased: Option<String>,
    /// Bouncer: the address bounces
    #[arg(long, group = "fields", value_name = "yes|no")]
    pub bouncer: Option<String>,
    /// Say what would change, change nothing
    #[arg(long)]
    pub dry_run: bool,
}

impl PersonEditArgs {
    /// The fields given, as (column, raw value), in the order of `persons::TEXT_FIELDS`
    /// then the flags.
    pub fn given(&self) -> Vec<(&'static str, &str)> {
        [
            ("first_name", &self.first_name),
            ("infix", &self.infix),
            ("last_name", &self.last_name),
            ("email", &self.email),
            ("phone", &self.phone),
            ("mobile", &self.mobile),
            ("street", &self.street),
            ("house_number", &self.house_number),
            ("postal_code", &self.postal_code),
            ("city", &self.city),
            ("country", &self.country),
            ("iban", &self.iban),
            ("bsn", &self.bsn),
            ("birth_date", &self.birth_date),
            ("deceased", &self.deceased),
            ("bouncer", &self.bouncer),
        ]
        .into_iter()
        .filter_map(|(c, v)| v.as_deref().map(|v| (c, v)))
        .collect()
    }
}

/// `person restrict`: restrict (with a reason) or lift.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("how").required(true).args(["reason", "lift"])))]
pub struct PersonRestrictArgs {
    /// Person id or e-mail address
    #[arg(value_name = "PERSON")]
    pub person: String,
    /// Why processing is restricted (Art. 18(1): contested accuracy, unlawful, needed for a claim, objection pending)
    #[arg(value_parser = crate::cli::text, long, value_name = "R")]
    pub reason: Option<String>,
    /// Lift the restriction (tell the person first, Art. 18(3))
    #[arg(long)]
    pub lift: bool,
    /// Say what would change, change nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// The Art. 30(1) fields of a register entry beyond the first round's, for `register add`
/// and `register edit`.
#[derive(Debug, Args)]
pub struct RegisterArt30Args {
    /// Categories of data as codes: name, address, email, phone, birth_date, iban, bsn,
    /// transactions, consent, mailings, documents, scores (the access answer shows a
    /// person the entries whose categories they have)
    #[arg(long, value_name = "C,..", value_parser = crate::db::register::parse_categories)]
    pub categories: Option<String>,
    /// Whose data: customers, donors, subscribers, … (Art. 30(1)(c))
    #[arg(value_parser = crate::cli::text, long, value_name = "TEXT")]
    pub categories_of_persons: Option<String>,
    /// Transfers outside the EEA with their safeguards, or that there are none (Art. 30(1)(e))
    #[arg(value_parser = crate::cli::text, long, value_name = "TEXT")]
    pub transfers: Option<String>,
    /// The technical and organisational security measures (Art. 30(1)(g))
    #[arg(value_parser = crate::cli::text, long, value_name = "TEXT")]
    pub security_measures: Option<String>,
}

/// `register edit ID`: the fields to change (others stay); kept as history.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("fields").required(true).multiple(true).args([
    "purpose", "legal_basis", "data_categories", "recipients", "retention", "consent_type",
    "categories", "categories_of_persons", "transfers", "security_measures",
])))]
pub struct RegisterEditArgs {
    /// The entry id (see `register list`)
    #[arg(value_name = "ID")]
    pub id: i64,
    /// What the data is processed for
    #[arg(value_parser = crate::cli::text, long)]
    pub purpose: Option<String>,
    /// The legal basis (Art. 6 GDPR)
    #[arg(value_parser = crate::cli::text, long)]
    pub legal_basis: Option<String>,
    /// Which personal data, in words
    #[arg(value_parser = crate::cli::text, long)]
    pub data_categories: Option<String>,
    /// Who receives the data
    #[arg(value_parser = crate::cli::text, long)]
    pub recipients: Option<String>,
    /// How long the data is kept
    #[arg(value_parser = crate::cli::text, long)]
    pub retention: Option<String>,
    /// The consent type this purpose belongs to ("" for none)
    #[arg(long = "consent-type", value_name = "TYPE")]
    pub consent_type: Option<String>,
    #[command(flatten)]
    pub art30: RegisterArt30Args,
    /// Say what would change, change nothing
    #[arg(long)]
    pub dry_run: bool,
}
