//! Importing consent records in bulk (`subscribe --csv`): one transaction, every row
//! validated, bad rows either refuse the whole file or are set aside in a reject file.
use super::{CsvRow, CsvTable, RowError};
use crate::db::{consent, persons, types};
use crate::rules::{time, validate};
use anyhow::Result;
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

/// What a consent import did (or would do).
#[derive(Debug, Default)]
pub struct ConsentImported {
    pub inserted: u64,
    pub rejected: Vec<RowError>,
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

impl Checker<'_> {
    fn row(&self, row: &CsvRow<'_>) -> Result<Valid, String> {
        let person_id =
            persons::resolve_active(self.conn, row.get("person").ok_or("person: missing")?)
                .map_err(|e| format!("person: {e}"))?;
        let kind = row.get("type").ok_or("type: missing")?;
        if !self.types.contains(kind) {
            let mut known: Vec<&str> = self.types.iter().map(String::as_str).collect();
            known.sort_unstable();
            return Err(format!(
                "type: unknown consent type '{kind}' (known: {})",
                known.join(", ")
            ));
        }
        let opt_in = validate::boolean(row.get("opt_in").ok_or("opt_in: missing")?)
            .map_err(|e| format!("opt_in: {e}"))?;
        let contact_moment = match row.get("contact_moment") {
            None => None,
            Some(v) => {
                let id: i64 = v
                    .parse()
                    .map_err(|_| format!("contact_moment: '{v}' is not an id"))?;
                consent::require_contact_moment(self.conn, id)
                    .map_err(|e| format!("contact_moment: {e}"))?;
                Some(id)
            }
        };
        let recorded_at = match row.get("recorded_at") {
            None => self.now_text.clone(),
            Some(v) => {
                let t = time::parse_time(v).map_err(|e| format!("recorded_at: {e}"))?;
                if t > latest_allowed(self.now) {
                    return Err(format!(
                        "recorded_at: {} is in the future",
                        time::format_time(t)
                    ));
                }
                time::format_time(t)
            }
        };
        let channel = row.get("channel").unwrap_or(DEFAULT_CHANNEL);
        consent::check_given_channel(channel).map_err(|e| format!("channel: {e}"))?;
        // A file's record is the person's own when the row says so or when it came from
        // a channel where the person acts themselves (a web form export).
        let source = match row.get("source") {
            Some(s) => consent::Source::parse_given(s)
                .ok_or_else(|| format!("source: '{s}' is not one of person, operator, import"))?,
            None if self.person_channels.contains(channel) => consent::Source::Person,
            None => consent::Source::Import,
        };
        Ok(Valid {
            line: row.line,
            person_id,
            kind: kind.to_string(),
            opt_in,
            source,
            channel: channel.to_string(),
            description: row.get("description").map(str::to_string),
            contact_moment,
            recorded_at,
        })
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
    let mut valid: Vec<Valid> = Vec::with_capacity(rows.len());
    for row in &rows {
        match checker.row(row) {
            Err(reason) => out.rejected.push(RowError::new(row, reason)),
            Ok(v) => valid.push(v),
        }
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
