//! Importing consent records in bulk (`subscribe --csv`): one transaction, every row
//! validated, bad rows either refuse the whole file or are set aside in a reject file.
//!
//! A load runs in bounded memory whatever the size of the file, at the speed of the
//! ledger's own indexes:
//! 1. **Stage.** The file is streamed; each row's own fields are checked (type, opt_in,
//!    time, channel, description, source, contact moment; a person given by e-mail
//!    address is looked up) and the good rows go, [`BATCH_ROWS`] at a time, into a
//!    temporary staging table (SQLite's temporary file, deleted when the connection
//!    closes).
//! 2. **Move.** The staging table is read ordered by person and type inside SQLite (its
//!    sorter spills to temporary files beyond the page cache), and within a pair in
//!    time order (then in the order of the file). In that order each row is checked
//!    against the database (the person exists and is not anonymised, the row is not a
//!    record the ledger already holds, the suppression list, the pair's state) and
//!    appended to the ledger, with the per-row state triggers off
//!    ([`consent::without_state_triggers`]): the ledger's indexes, keyed by person
//!    first, and the lookups in `persons` are then walked front to back once, instead
//!    of at a random place per row. Time order within a pair is what the rules of
//!    consent go by: an opt-in a file brings after the person's opt-out (in time) is
//!    refused, wherever the two stand in the file.
//! 3. **State.** The current state of every (person, type) the load touched is brought
//!    up to date set-based ([`consent::update_state_after_load`]): a pair's last record
//!    in the ledger is its newest of the load, which becomes the state where it is
//!    newer than the state before.
//!
//! The records are sealed into the hash chain by the caller's transaction
//! (`commands::in_write_transaction`) before it commits; a crash before the commit
//! leaves the database as it was.
use super::{CsvRow, CsvTable, RowError, RowLog};
use crate::db::{consent, persons, suppression, types};
use crate::rules::{age, time, validate};
use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, params};
use std::collections::HashSet;

/// The columns of a consent file.
pub const COLUMNS: &[&str] = &[
    "person",
    "type",
    "opt_in",
    "channel",
    "description",
    "contact_moment",
    "recorded_at",
    "source",
];
/// The columns a consent file must have.
pub const REQUIRED: &[&str] = &["person", "type", "opt_in"];
/// The channel of a row that names none: it came from a file.
pub const DEFAULT_CHANNEL: &str = "import";
/// How many checked rows are held in memory before they are written to the staging
/// table.
pub const BATCH_ROWS: usize = 10_000;

/// What a consent import did (or would do).
#[derive(Debug)]
pub struct ConsentImported {
    pub inserted: u64,
    pub rejected: RowLog,
    /// Rows stored with something to say (a suppressed address).
    pub warnings: RowLog,
    /// Rows identical to a record already in the ledger (the same file twice): skipped.
    pub duplicates: u64,
    /// Opt-ins the person gave themselves for a suppressed address: new consent that
    /// lifts the suppression for that type.
    pub lifted: u64,
    /// Rows of erased persons (anonymised, or an address on the suppression list as
    /// `erased` that nobody holds): skipped with a warning.
    pub skipped_erased: u64,
}

/// The warning of a row of an erased person: the line only, never the person.
pub const SKIPPED_ERASED: &str = "person: skipped: the person was erased (anonymised, or their address is on the suppression list as erased): nothing recorded";
/// The code of that warning.
pub const ERASED_CODE: &str = "erased";
/// The code of the warning on an opt-in of a person under 16.
pub const UNDER_16: &str = "under_16";
/// The code of the warning on a channel outside the vocabulary.
pub const UNKNOWN_CHANNEL: &str = "unknown_channel";

/// Why a row is not staged.
enum NotStaged {
    /// A bad row, with every reason.
    Bad(String),
    /// The row belongs to an erased person: skipped.
    Erased,
}

/// How far ahead of the clock a time may be (clock skew between machines).
pub fn latest_allowed(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::minutes(5)
}

/// What every row is checked against: the known types, and the time of the run.
struct Checker<'c> {
    conn: &'c Connection,
    types: HashSet<String>,
    /// The channels on which the person acts themselves (a web form).
    person_channels: HashSet<String>,
    /// Every channel of the vocabulary (table `channels`).
    channels: HashSet<String>,
    now: DateTime<Utc>,
    now_text: String,
    /// The key of the suppression list's hashes.
    secret: Vec<u8>,
}

/// A row whose own fields passed every check. Its person is known to exist only when it
/// was given by address; a numeric id is checked in the move, in person order.
struct Staged {
    line: u64,
    person_id: i64,
    kind: String,
    opt_in: bool,
    channel: String,
    description: Option<String>,
    contact_moment: Option<i64>,
    recorded_at: String,
    source: consent::Source,
    /// The row gave its time: only then can it repeat a record of the ledger.
    explicit_time: bool,
    /// The line as read, for a reject file.
    raw: String,
}

/// Collects every problem of a row, so that one report names them all.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn check<T>(&mut self, field: &str, r: Result<T, String>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(format!("{field}: {e}"));
                None
            }
        }
    }
}

/// A person id as written (digits only), not yet looked up.
fn numeric_id(person: &str) -> Option<i64> {
    (!person.is_empty() && person.bytes().all(|b| b.is_ascii_digit()))
        .then(|| person.parse().ok())
        .flatten()
}

impl Checker<'_> {
    fn person(&self, person: Option<&str>) -> Result<i64, String> {
        person
            .ok_or_else(|| "missing".to_string())
            .and_then(|v| persons::resolve_active(self.conn, v).map_err(|e| format!("{e:#}")))
    }

    /// Whether the person a row names was erased: an anonymised person's id, or an
    /// address no person holds that is on the suppression list as `erased`. Asked only
    /// of a row whose person could not be found, so a good row costs nothing.
    fn erased(&self, person: Option<&str>) -> bool {
        let Some(person) = person.map(str::trim) else {
            return false;
        };
        match numeric_id(person) {
            Some(id) => matches!(persons::anonymised_at(self.conn, id), Ok(Some(_))),
            None => {
                let hash = suppression::address_hash(&self.secret, person);
                matches!(persons::holding_email(self.conn, person), Ok(h) if h.is_empty())
                    && suppression::of(self.conn, &hash)
                        .is_ok_and(|e| e.iter().any(|x| x.reason == "erased"))
            }
        }
    }

    fn row(&self, row: &CsvRow) -> Result<Staged, NotStaged> {
        let mut p = Problems::default();
        let kind = p.check(
            "type",
            match row.get("type") {
                None => Err("missing".to_string()),
                Some(k) if self.types.contains(k) => Ok(k.to_string()),
                Some(k) => {
                    let mut known: Vec<&str> = self.types.iter().map(String::as_str).collect();
                    known.sort_unstable();
                    Err(format!(
                        "unknown consent type '{}' (known: {})",
                        crate::output::inert_line(k),
                        known.join(", ")
                    ))
                }
            },
        );
        let opt_in = p.check(
            "opt_in",
            row.get("opt_in")
                .ok_or_else(|| "missing".to_string())
                .and_then(|v| validate::boolean(v).map_err(|e| e.to_string())),
        );
        let contact_moment = p.check(
            "contact_moment",
            match row.get("contact_moment") {
                None => Ok(None),
                Some(v) => v
                    .parse::<i64>()
                    .map_err(|_| format!("'{}' is not an id", crate::output::inert_line(v)))
                    .and_then(|id| {
                        consent::require_contact_moment(self.conn, id)
                            .map(|()| Some(id))
                            .map_err(|e| e.to_string())
                    }),
            },
        );
        let recorded_at = p.check(
            "recorded_at",
            match row.get("recorded_at") {
                None => Ok(self.now_text.clone()),
                Some(v) => time::parse_time(v)
                    .map_err(|e| e.to_string())
                    .and_then(|t| {
                        if t > latest_allowed(self.now) {
                            Err(format!("{} is in the future", time::format_time(t)))
                        } else {
                            Ok(time::format_time(t))
                        }
                    }),
            },
        );
        let channel = row.get("channel").unwrap_or(DEFAULT_CHANNEL);
        p.check("channel", consent::check_given_channel(channel));
        p.check(
            "description",
            row.get("description").map_or(Ok(()), |d| {
                validate::no_control_characters(d).map_err(|e| e.to_string())
            }),
        );
        // A file's record is the person's own only where the person acted themselves (a
        // web form export); a file cannot make anything else the person's own.
        let source = p.check(
            "source",
            match row.get("source") {
                Some(s) => match consent::Source::parse_given(s) {
                    None => Err(format!(
                        "'{}' is not one of person, operator, import",
                        crate::output::inert_line(s)
                    )),
                    Some(consent::Source::Person) if !self.person_channels.contains(channel) => {
                        let mut c: Vec<&str> =
                            self.person_channels.iter().map(String::as_str).collect();
                        c.sort_unstable();
                        Err(format!(
                            "person only on a channel where the person acts themselves ({}), not on '{}'",
                            c.join(", "),
                            crate::output::inert_line(channel)
                        ))
                    }
                    Some(consent::Source::Person) if row.get("recorded_at").is_none() => Err(
                        "person needs recorded_at: the time the person acted themselves".to_string(),
                    ),
                    Some(given) => Ok(given),
                },
                // The person's own only with the time they acted: a row without it gets
                // the time of the load, which proves nothing.
                None if self.person_channels.contains(channel) && row.get("recorded_at").is_some() => {
                    Ok(consent::Source::Person)
                }
                None => Ok(consent::Source::Import),
            },
        );
        // The person: a numeric id of an otherwise good row is looked up in the move, in
        // person order; otherwise now, so that a bad row names every bad field, the
        // person first.
        let given = row.get("person");
        let person = match given.and_then(numeric_id) {
            Some(id) if p.0.is_empty() => Ok(id),
            _ => self.person(given),
        };
        let person_id = match person {
            Ok(id) => Some(id),
            // An erased person's row is skipped, whatever else is wrong with it: an old
            // file never blocks an import for someone who is gone.
            Err(_) if self.erased(given) => return Err(NotStaged::Erased),
            Err(e) => {
                p.0.insert(0, format!("person: {e}"));
                None
            }
        };
        match (person_id, kind, opt_in, contact_moment, recorded_at, source) {
            (
                Some(person_id),
                Some(kind),
                Some(opt_in),
                Some(contact_moment),
                Some(recorded_at),
                Some(source),
            ) if p.0.is_empty() => Ok(Staged {
                line: row.line,
                person_id,
                kind,
                opt_in,
                source,
                channel: channel.to_string(),
                description: row.get("description").map(str::to_string),
                contact_moment,
                recorded_at,
                explicit_time: row.get("recorded_at").is_some(),
                raw: row.raw().to_string(),
            }),
            _ => Err(NotStaged::Bad(p.0.join("; "))),
        }
    }
}

/// The staging table of a load (temporary: this connection only, deleted with it).
fn create_staging(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS consent_staging (
             line              INTEGER PRIMARY KEY,
             person_id         INTEGER NOT NULL,
             type              TEXT NOT NULL,
             opt_in            INTEGER NOT NULL,
             channel           TEXT NOT NULL,
             description       TEXT,
             contact_moment_id INTEGER,
             recorded_at       TEXT NOT NULL,
             source            TEXT NOT NULL,
             explicit_time     INTEGER NOT NULL,
             raw               TEXT NOT NULL);
         DELETE FROM temp.consent_staging;",
    )
    .context("making the staging table of the load")
}

fn stage(conn: &Connection, batch: &mut Vec<Staged>) -> Result<()> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO temp.consent_staging (line, person_id, type, opt_in, channel, description,
             contact_moment_id, recorded_at, source, explicit_time, raw)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for s in batch.drain(..) {
        insert
            .execute(params![
                s.line as i64,
                s.person_id,
                s.kind,
                s.opt_in,
                s.channel,
                s.description,
                s.contact_moment,
                s.recorded_at,
                s.source.code(),
                s.explicit_time,
                s.raw
            ])
            .context("staging the rows of the load")?;
    }
    Ok(())
}

/// The current state of a pair as the move reads it.
struct State {
    opt_in: bool,
    source: String,
    recorded_at: String,
}

impl State {
    /// An opt-out not made by a rule: a file's opt-in cannot undo it.
    fn opted_out(&self) -> Option<(String, String)> {
        (!self.opt_in && self.source != "rule")
            .then(|| (self.source.clone(), self.recorded_at.clone()))
    }
}

/// A staged row as the move reads it, in person order, with what the database says
/// about it.
struct Moving {
    line: u64,
    person_id: i64,
    kind: String,
    opt_in: bool,
    channel: String,
    description: Option<String>,
    contact_moment: Option<i64>,
    recorded_at: String,
    source: consent::Source,
    /// None: no such person; Some(true): anonymised.
    anonymised: Option<bool>,
    /// The row gave its time: only then can it repeat a record of the ledger.
    explicit_time: bool,
    /// An opt-in for a person whose address is on the suppression list.
    suppressed: bool,
    /// The pair's state before this load.
    state: Option<State>,
    /// The person's birth date, for an opt-in.
    birth_date: Option<String>,
}

impl Moving {
    /// The staged rows in person and type order (in time order within a pair, then the
    /// file's), each checked against the database in that order: the sort runs first (a co-routine),
    /// so the look-ups in `persons` and the ledger walk them front to back. ?1 is
    /// whether the suppression list holds anything. (The address hash is
    /// `suppression::SQL_FUNCTION`, a test keeps the name equal.)
    const SQL: &'static str = "SELECT s.line, s.person_id, s.type, s.opt_in, s.channel, s.description,
                s.contact_moment_id, s.recorded_at, s.source,
                (SELECT CASE WHEN p.anonymised_at IS NOT NULL THEN 'a' WHEN p.birth_date IS NULL THEN 'p'
                             ELSE 'b' || p.birth_date END
                 FROM persons p WHERE p.id = s.person_id),
                s.explicit_time,
                ?1 AND s.opt_in = 1 AND EXISTS (
                    SELECT 1 FROM persons p JOIN suppressions x ON x.hash = smp_address_hash(p.email)
                    WHERE p.id = s.person_id AND p.email IS NOT NULL),
                (SELECT cs.opt_in || cs.source || ' ' || cs.recorded_at FROM consent_state cs
                 WHERE cs.person_id = s.person_id AND cs.type = s.type)
         FROM (SELECT line, person_id, type, opt_in, channel, description, contact_moment_id,
                      recorded_at, source, explicit_time
               FROM temp.consent_staging ORDER BY person_id, type, recorded_at, line) s";

    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let source: String = r.get(8)?;
        // 'a': anonymised; 'b' and the birth date, or 'p' without one: a person; NULL:
        // no such person.
        let person: Option<String> = r.get(9)?;
        Ok(Moving {
            line: r.get::<_, i64>(0)? as u64,
            person_id: r.get(1)?,
            kind: r.get(2)?,
            opt_in: r.get(3)?,
            channel: r.get(4)?,
            description: r.get(5)?,
            contact_moment: r.get(6)?,
            recorded_at: r.get(7)?,
            source: consent::Source::parse_given(&source).unwrap_or(consent::Source::Import),
            anonymised: person.as_deref().map(|p| p == "a"),
            explicit_time: r.get(10)?,
            suppressed: r.get(11)?,
            state: r.get::<_, Option<String>>(12)?.and_then(|s| {
                let (how, at) = s.split_once(' ')?;
                let (opt_in, source) = how.split_at_checked(1)?;
                Some(State {
                    opt_in: opt_in == "1",
                    source: source.to_string(),
                    recorded_at: at.to_string(),
                })
            }),
            birth_date: person.and_then(|p| p.strip_prefix('b').map(str::to_string)),
        })
    }
}

/// Whether the ledger holds the record a row repeats (a file imported again), among the
/// records before this load (`first_record`).
///
/// Only a row that gave its time can, and only one no newer than the pair's state: the
/// state is the newest record of the pair except a rule's soft opt-in outranked by a
/// record of the person's own, so no record that a file can repeat (none is a rule's)
/// is newer than it. Most rows of a file are newer, and cost no lookup.
fn repeats_a_record(conn: &Connection, v: &Moving, first_record: i64) -> Result<bool> {
    let no_newer_than_state = v
        .state
        .as_ref()
        .is_some_and(|s| s.recorded_at >= v.recorded_at);
    if !(v.explicit_time && no_newer_than_state) {
        return Ok(false);
    }
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM consent_records r
                        WHERE r.person_id = ?1 AND r.type = ?2 AND r.recorded_at = ?3
                          AND r.opt_in = ?4 AND r.channel = ?5 AND r.description IS ?6
                          AND r.source = ?7 AND r.id < ?8)",
    )?
    .query_row(
        params![
            v.person_id,
            v.kind,
            v.recorded_at,
            v.opt_in,
            v.channel,
            v.description,
            v.source.code(),
            first_record
        ],
        |r| r.get(0),
    )
    .context("looking for the same record in the ledger")
}

/// A staged row as a bad row or a warning, with its fields as read.
fn staged_error(
    conn: &Connection,
    table: &CsvTable,
    line: u64,
    reason: String,
) -> Result<RowError> {
    let raw: String = conn
        .prepare_cached("SELECT raw FROM temp.consent_staging WHERE line = ?1")?
        .query_row([line as i64], |r| r.get(0))?;
    Ok(RowError {
        line,
        reason,
        fields: table.split(&raw),
        code: None,
    })
}

/// Import every row of `table`. With `set_aside`, bad rows are collected and the good
/// ones written; without it, nothing is written once a bad row is seen (the caller
/// rolls back), but checking goes on so that every bad row is reported.
pub fn import(
    conn: &Connection,
    table: &mut CsvTable,
    now: DateTime<Utc>,
    set_aside: bool,
) -> Result<ConsentImported> {
    let checker = Checker {
        conn,
        types: types::list(conn)?.into_iter().map(|t| t.code).collect(),
        person_channels: conn
            .prepare("SELECT code FROM channels WHERE person_given = 1")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
        channels: conn
            .prepare("SELECT code FROM channels")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
        now,
        now_text: time::format_time(now),
        secret: suppression::secret(conn)?,
    };
    let mut out = ConsentImported {
        inserted: 0,
        rejected: RowLog::rejected(conn)?,
        warnings: RowLog::warnings(conn)?,
        duplicates: 0,
        lifted: 0,
        skipped_erased: 0,
    };
    // 1. Stage.
    create_staging(conn)?;
    let mut batch: Vec<Staged> = Vec::with_capacity(BATCH_ROWS);
    while let Some(row) = table.next_row()? {
        match row {
            Err(e) => out.rejected.push(conn, e)?,
            Ok(row) => match checker.row(&row) {
                Err(NotStaged::Bad(reason)) => {
                    out.rejected.push(conn, RowError::new(&row, reason))?
                }
                Err(NotStaged::Erased) => {
                    out.skipped_erased += 1;
                    out.warnings.push(
                        conn,
                        RowError::new(&row, SKIPPED_ERASED).with_code(ERASED_CODE),
                    )?;
                }
                Ok(s) => {
                    batch.push(s);
                    if batch.len() >= BATCH_ROWS {
                        stage(conn, &mut batch)?;
                    }
                }
            },
        }
    }
    stage(conn, &mut batch)?;
    drop(batch);
    // 2. Move, in person order.
    let first_record = crate::db::sources::next_consent_record_id(conn)?;
    // Birthdays fall on days of the organisation's clock.
    let tz = crate::db::settings::time_zone_or_utc(conn);
    let any_suppressed: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM suppressions)", [], |r| {
            r.get(0)
        })?;
    let outranked = consent::without_state_triggers(conn, || {
        let mut insert = conn.prepare(
            "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description, contact_moment_id, source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        let mut staged = conn.prepare(Moving::SQL)?;
        let mut rows = staged.query([any_suppressed])?;
        // An opt-out (not a rule's) this load recorded for the pair being moved: the
        // pairs come one after the other.
        let mut pair: Option<(i64, String)> = None;
        let mut outranked = false;
        let mut out_in_load: Option<(String, String)> = None;
        while let Some(r) = rows.next()? {
            let v = Moving::from_row(r)?;
            if pair.as_ref() != Some(&(v.person_id, v.kind.clone())) {
                pair = Some((v.person_id, v.kind.clone()));
                out_in_load = None;
            }
            if v.anonymised == Some(true) {
                out.skipped_erased += 1;
                out.warnings.push(
                    conn,
                    staged_error(conn, table, v.line, SKIPPED_ERASED.to_string())?
                        .with_code(ERASED_CODE),
                )?;
                continue;
            }
            if v.anonymised.is_none() {
                // The reason as everywhere else a person is looked up.
                let reason = match persons::resolve_active(conn, &v.person_id.to_string()) {
                    Err(e) => format!("person: {e:#}"),
                    Ok(_) => format!("person: no person with id {}", v.person_id),
                };
                out.rejected
                    .push(conn, staged_error(conn, table, v.line, reason)?)?;
                continue;
            }
            if repeats_a_record(conn, &v, first_record)? {
                out.duplicates += 1;
                continue;
            }
            // A file does not opt anyone in again who opted out: only the person can.
            if v.opt_in
                && v.source != consent::Source::Person
                && let Some((source, at)) = out_in_load
                    .clone()
                    .or_else(|| v.state.as_ref().and_then(State::opted_out))
            {
                let said = format!(
                    "the person opted out of {} at {at} (given by {source}): a file cannot opt them in again; only their own opt-in can (channel webformulier, or source person)",
                    v.kind
                );
                if v.source == consent::Source::Import {
                    out.rejected.push(
                        conn,
                        staged_error(conn, table, v.line, format!("opt_in: {said}"))?,
                    )?;
                    continue;
                }
                out.warnings
                    .push(conn, staged_error(conn, table, v.line, said)?)?;
            }
            if v.suppressed {
                let entries = suppression::entries_for_person(conn, v.person_id)?;
                let reasons = entries
                    .iter()
                    .map(|e| e.reason.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                // Only an opt-in given after the address was suppressed is new consent.
                let after = entries.iter().all(|e| v.recorded_at > e.since);
                match v.source {
                    consent::Source::Person if after => {
                        out.lifted += 1;
                        out.warnings.push(conn, staged_error(conn, table, v.line, format!(
                            "the address was on the suppression list ({reasons}): this opt-in the person gave themselves lifts it for {}", v.kind
                        ))?)?;
                    }
                    consent::Source::Person | consent::Source::Operator => out.warnings.push(conn, staged_error(conn, table, v.line, format!(
                        "the address is on the suppression list ({reasons}): recorded, but not mailed for {} until the person opts in themselves after it was put there", v.kind
                    ))?)?,
                    _ => {
                        out.rejected.push(conn, staged_error(conn, table, v.line, format!(
                            "person: the address is on the suppression list ({reasons}): a file cannot subscribe it again; only an opt-in the person gives themselves can (channel webformulier, or source person)"
                        ))?)?;
                        continue;
                    }
                }
            }
            // Recorded as given, but said: a child's consent needs a parent's, and a
            // channel outside the vocabulary is often a typo.
            // (The day on the organisation's clock is worked out only for an opt-in of a
            // person with a birth date: the rest of a big file needs no time zone.)
            if v.opt_in
                && v.birth_date.is_some()
                && time::parse_stored(&v.recorded_at).is_some_and(|t| {
                    age::under_consent_age(v.birth_date.as_deref(), time::local_date(t, tz))
                })
            {
                out.warnings.push(
                    conn,
                    staged_error(conn, table, v.line, format!(
                        "opt_in: the person was under {} when this opt-in was recorded: a child's consent needs a parent or guardian (GDPR art. 8, UAVG art. 5); recorded, check that it was given",
                        age::CONSENT_AGE
                    ))?
                    .with_code(UNDER_16),
                )?;
            }
            if !checker.channels.contains(&v.channel) {
                let mut known: Vec<&str> = checker.channels.iter().map(String::as_str).collect();
                known.sort_unstable();
                out.warnings.push(
                    conn,
                    staged_error(conn, table, v.line, format!(
                        "channel: '{}' is not a known channel ({}): recorded as given; check for a typo",
                        crate::output::inert_line(&v.channel),
                        known.join(", ")
                    ))?
                    .with_code(UNKNOWN_CHANNEL),
                )?;
            }
            if !set_aside && !out.rejected.is_empty() {
                continue; // nothing will be written: only keep checking
            }
            insert
                .execute(params![
                    v.recorded_at,
                    v.person_id,
                    v.kind,
                    v.opt_in,
                    v.channel,
                    v.description,
                    v.contact_moment,
                    v.source.code()
                ])
                .context("writing the consent records")?;
            out.inserted += 1;
            // A rule's soft opt-in that this record outranks: the pair's state is
            // looked for again among its records.
            outranked |= v
                .state
                .as_ref()
                .is_some_and(|s| s.opt_in && s.source == "rule");
            if !v.opt_in && v.source != consent::Source::Rule {
                out_in_load = Some((v.source.code().to_string(), v.recorded_at.clone()));
            } else if v.opt_in && v.source == consent::Source::Person {
                out_in_load = None;
            }
        }
        Ok(outranked)
    })?;
    conn.execute("DELETE FROM temp.consent_staging", [])?;
    // 3. The current state of the pairs the load touched, set-based.
    if out.inserted > 0 {
        consent::update_state_after_load(conn, first_record, outranked)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_move_hashes_addresses_with_the_registered_function() {
        assert!(super::Moving::SQL.contains(&format!(
            "{}(p.email)",
            crate::db::suppression::SQL_FUNCTION
        )));
    }
}
