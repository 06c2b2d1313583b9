//! Importing consent records in bulk (`subscribe --csv`): one transaction, every row
//! validated, bad rows either refuse the whole file or are set aside in a reject file.
use super::{CsvRow, CsvTable, RowError};
use crate::db::{consent, persons, suppression, types};
use crate::rules::{time, validate};
use anyhow::Result;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension, params};
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

/// What a consent import did (or would do).
#[derive(Debug, Default)]
pub struct ConsentImported {
    pub inserted: u64,
    pub rejected: Vec<RowError>,
    /// Rows stored with something to say (a suppressed address).
    pub warnings: Vec<RowError>,
    /// Rows identical to a record already in the ledger (the same file twice): skipped.
    pub duplicates: u64,
    /// Opt-ins the person gave themselves for a suppressed address: new consent that
    /// lifts the suppression for that type.
    pub lifted: u64,
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
    now: DateTime<Utc>,
    now_text: String,
}

/// A row that passed every check.
struct Valid {
    line: u64,
    person_id: i64,
    kind: String,
    opt_in: bool,
    channel: String,
    description: Option<String>,
    contact_moment: Option<i64>,
    recorded_at: String,
    source: consent::Source,
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

impl Checker<'_> {
    fn row(&self, row: &CsvRow<'_>) -> Result<Valid, String> {
        let mut p = Problems::default();
        let person_id = p.check(
            "person",
            row.get("person")
                .ok_or_else(|| "missing".to_string())
                .and_then(|v| persons::resolve_active(self.conn, v).map_err(|e| format!("{e:#}"))),
        );
        let kind = p.check(
            "type",
            match row.get("type") {
                None => Err("missing".to_string()),
                Some(k) if self.types.contains(k) => Ok(k.to_string()),
                Some(k) => {
                    let mut known: Vec<&str> = self.types.iter().map(String::as_str).collect();
                    known.sort_unstable();
                    Err(format!(
                        "unknown consent type '{k}' (known: {})",
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
                    .map_err(|_| format!("'{v}' is not an id"))
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
            match row.get("source").map(consent::Source::parse_given) {
                Some(None) => Err("not one of person, operator, import".to_string()),
                Some(Some(consent::Source::Person)) if !self.person_channels.contains(channel) => {
                    Err(format!(
                        "person only on a channel where the person acts themselves ({}), not on '{}'",
                        {
                            let mut c: Vec<&str> = self.person_channels.iter().map(String::as_str).collect();
                            c.sort_unstable();
                            c.join(", ")
                        },
                        crate::output::inert_line(channel)
                    ))
                }
                Some(Some(s)) => Ok(s),
                None if self.person_channels.contains(channel) => Ok(consent::Source::Person),
                None => Ok(consent::Source::Import),
            },
        );
        match (person_id, kind, opt_in, contact_moment, recorded_at, source) {
            (
                Some(person_id),
                Some(kind),
                Some(opt_in),
                Some(contact_moment),
                Some(recorded_at),
                Some(source),
            ) if p.0.is_empty() => Ok(Valid {
                line: row.line,
                person_id,
                kind,
                opt_in,
                source,
                channel: channel.to_string(),
                description: row.get("description").map(str::to_string),
                contact_moment,
                recorded_at,
            }),
            _ => Err(p.0.join("; ")),
        }
    }
}

/// Import every row of `table`. With `set_aside`, bad rows are collected and the good
/// ones written; without it, nothing is written once a bad row is seen (the caller
/// rolls back), but checking goes on so that every bad row is reported.
pub fn import(
    conn: &Connection,
    table: &mut CsvTable<'_>,
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
        now,
        now_text: time::format_time(now),
    };
    let mut out = ConsentImported::default();
    let mut insert = conn.prepare(
        "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description, contact_moment_id, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    // Read every row first, then check them in the order of the persons they name:
    // the look-ups then walk the persons table in order instead of jumping around a
    // file of a million persons.
    let mut rows = Vec::new();
    for row in table.rows() {
        match row {
            Ok(r) => rows.push(r),
            Err(e) => out.rejected.push(e),
        }
    }
    rows.sort_by_cached_key(|r| {
        let person = r.get("person").unwrap_or("");
        match person.parse::<i64>() {
            Ok(id) => (0, id, String::new(), r.line),
            Err(_) => (1, 0, person.to_lowercase(), r.line),
        }
    });
    let any_suppressed: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM suppressions)", [], |r| {
            r.get(0)
        })?;
    let mut same = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM consent_records WHERE person_id = ?1 AND type = ?2 AND recorded_at = ?3
             AND opt_in = ?4 AND channel = ?5 AND description IS ?6 AND source = ?7)",
    )?;
    let mut state = conn.prepare_cached(
        "SELECT opt_in, source, recorded_at FROM consent_state WHERE person_id = ?1 AND type = ?2",
    )?;
    let mut valid: Vec<Valid> = Vec::with_capacity(rows.len());
    for row in &rows {
        let v = match checker.row(row) {
            Err(reason) => {
                out.rejected.push(RowError::new(row, reason));
                continue;
            }
            Ok(v) => v,
        };
        if row.get("recorded_at").is_some()
            && same.query_row(
                params![
                    v.person_id,
                    v.kind,
                    v.recorded_at,
                    v.opt_in,
                    v.channel,
                    v.description,
                    v.source.code()
                ],
                |r| r.get::<_, bool>(0),
            )?
        {
            out.duplicates += 1;
            continue;
        }
        // A file does not opt anyone in again who opted out: only the person can.
        if v.opt_in && v.source != consent::Source::Person {
            let current: Option<(bool, String, String)> = state
                .query_row(params![v.person_id, v.kind], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            if let Some((false, source, at)) = current.filter(|(_, s, _)| s != "rule") {
                let said = format!(
                    "the person opted out of {} at {at} (given by {source}): a file cannot opt them in again; only their own opt-in can (channel webformulier, or source person)",
                    v.kind
                );
                if v.source == consent::Source::Import {
                    out.rejected
                        .push(RowError::new(row, format!("opt_in: {said}")));
                    continue;
                }
                out.warnings.push(RowError::new(row, said));
            }
        }
        if v.opt_in && any_suppressed {
            let entries = suppression::entries_for_person(conn, v.person_id)?;
            if !entries.is_empty() {
                let reasons = entries
                    .iter()
                    .map(|e| e.reason.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                let after = entries.iter().all(|e| v.recorded_at > e.since);
                match v.source {
                    consent::Source::Person if after => {
                        out.lifted += 1;
                        out.warnings.push(RowError::new(
                            row,
                            format!("the address was on the suppression list ({reasons}): this opt-in the person gave themselves lifts it for {}", v.kind),
                        ));
                    }
                    consent::Source::Person | consent::Source::Operator => out.warnings.push(RowError::new(
                        row,
                        format!("the address is on the suppression list ({reasons}): recorded, but not mailed for {} until the person opts in themselves after it was put there", v.kind),
                    )),
                    _ => {
                        out.rejected.push(RowError::new(
                            row,
                            format!("person: the address is on the suppression list ({reasons}): a file cannot subscribe it again; only an opt-in the person gives themselves can (channel webformulier, or source person)"),
                        ));
                        continue;
                    }
                }
            }
        }
        valid.push(v);
    }
    drop(rows);
    out.rejected.sort_by_key(|e| e.line);
    if !set_aside && !out.rejected.is_empty() {
        return Ok(out);
    }
    // Insert person by person, in file order within a person (of two records at the
    // same instant the later line wins): the indexes and the current state, all keyed
    // by person first, are then written in order instead of at random places.
    valid.sort_by_key(|v| (v.person_id, v.line));
    for v in &valid {
        insert.execute(params![
            v.recorded_at,
            v.person_id,
            v.kind,
            v.opt_in,
            v.channel,
            v.description,
            v.contact_moment,
            v.source.code()
        ])?;
        out.inserted += 1;
    }
    Ok(out)
}
