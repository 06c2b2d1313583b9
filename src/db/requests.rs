//! Data-subject requests (Art. 12(3) GDPR): received, due one calendar month later,
//! extended by at most two months, closed by the command that answered them or refused
//! with a reason. The deadlines themselves are `rules::deadline`; the status of a request
//! on a day is [`STATUS_SQL`], written once.
//!
//! Days are the organisation's (setting `timezone`): a request is received, due, closed
//! and overdue on dates of that time zone, whatever clock the tables are shown in.
use crate::rules::{deadline, time};
use anyhow::{Context, Result, bail};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

/// The SQL function `smp_local_day(t, zone)`: the date (yyyy-mm-dd) of stored time `t`
/// in IANA time zone `zone`, NULL for NULL (see [`register`]).
pub const LOCAL_DAY_FUNCTION: &str = "smp_local_day";

/// Make `smp_local_day(t, zone)` available to SQL on this connection ([`LATE_SQL`]).
/// Direct-only: no trigger or view can depend on it.
pub fn register(conn: &Connection) -> Result<()> {
    conn.create_scalar_function(
        LOCAL_DAY_FUNCTION,
        2,
        FunctionFlags::SQLITE_UTF8
            | FunctionFlags::SQLITE_DETERMINISTIC
            | FunctionFlags::SQLITE_DIRECTONLY,
        |ctx| {
            let t: Option<String> = ctx.get(0)?;
            let zone: String = ctx.get(1)?;
            let tz = time::parse_time_zone(&zone)
                .map_err(|e| rusqlite::Error::UserFunctionError(e.into()))?;
            Ok(t.and_then(|t| time::parse_stored(&t))
                .map(|t| day(time::local_date(t, tz))))
        },
    )
    .context("registering the local day")?;
    Ok(())
}

/// The status of request `r` on day `:today` (yyyy-mm-dd, in the organisation's time
/// zone): `answered`, `refused`, `overdue` (open after its due day, extensions included)
/// or `open`.
pub const STATUS_SQL: &str = "CASE
        WHEN r.outcome = 'answered' THEN 'answered'
        WHEN r.outcome = 'refused' THEN 'refused'
        WHEN :today > coalesce(r.extended_to, r.due_at) THEN 'overdue'
        ELSE 'open' END";

/// Whether closed request `r` was closed after its deadline (extensions included): on a
/// later day in time zone `:tz` (the organisation's; needs [`register`]).
pub const LATE_SQL: &str = "(r.closed_at IS NOT NULL
        AND smp_local_day(r.closed_at, :tz) > coalesce(r.extended_to, r.due_at))";

/// One request as `request list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Request {
    pub id: i64,
    pub person_id: i64,
    pub kind: String,
    pub received_at: String,
    pub due_at: String,
    pub extended_to: Option<String>,
    pub closed_at: Option<String>,
    /// The audit entry of the command that answered it.
    pub answered_by: Option<i64>,
    pub status: String,
    /// Closed after its deadline.
    pub late: bool,
    pub channel: Option<String>,
    pub note: Option<String>,
    pub extended_months: i64,
    pub extension_reason: Option<String>,
    pub refusal_reason: Option<String>,
}

impl Request {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Request {
            id: r.get("id")?,
            person_id: r.get("person_id")?,
            kind: r.get("kind")?,
            received_at: r.get("received_at")?,
            due_at: r.get("due_at")?,
            extended_to: r.get("extended_to")?,
            closed_at: r.get("closed_at")?,
            answered_by: r.get("answered_by")?,
            status: r.get("status")?,
            late: r.get("late")?,
            channel: r.get("channel")?,
            note: r.get("note")?,
            extended_months: r.get("extended_months")?,
            extension_reason: r.get("extension_reason")?,
            refusal_reason: r.get("refusal_reason")?,
        })
    }

    /// The day it must be answered by now: the extended one if it was extended.
    pub fn deadline(&self) -> &str {
        self.extended_to.as_deref().unwrap_or(&self.due_at)
    }
}

fn select() -> String {
    format!(
        "SELECT r.id, r.person_id, r.kind, r.received_at, r.due_at, r.extended_to, r.closed_at,
                r.answered_by, {STATUS_SQL} AS status, {LATE_SQL} AS late, r.channel, r.note,
                r.extended_months, r.extension_reason, r.refusal_reason
         FROM requests r"
    )
}

fn day(today: NaiveDate) -> String {
    today.format("%Y-%m-%d").to_string()
}

/// A request to record.
#[derive(Debug, Clone)]
pub struct NewRequest<'a> {
    pub person_id: i64,
    /// One of `deadline::REQUEST_KINDS`.
    pub kind: &'a str,
    pub received_at: DateTime<Utc>,
    pub channel: Option<&'a str>,
    pub note: Option<&'a str>,
}

/// Record a request received at `received_at` (not after `now`); returns its id. It is
/// due one calendar month after the day it was received on in time zone `tz` (the
/// organisation's).
pub fn open(conn: &Connection, r: &NewRequest<'_>, now: DateTime<Utc>, tz: Tz) -> Result<i64> {
    if !deadline::REQUEST_KINDS.contains(&r.kind) {
        bail!(
            "'{}' is not a kind of request (known: {})",
            r.kind,
            deadline::REQUEST_KINDS.join(", ")
        );
    }
    if r.received_at > now {
        bail!(
            "--received {} is in the future",
            time::format_time(r.received_at)
        );
    }
    let due = deadline::request_due(deadline::received_day(r.received_at, tz), 0);
    conn.execute(
        "INSERT INTO requests (person_id, kind, received_at, due_at, channel, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            r.person_id,
            r.kind,
            time::format_time(r.received_at),
            day(due),
            r.channel,
            r.note
        ],
    )
    .context("recording the request")?;
    Ok(conn.last_insert_rowid())
}

/// One request with its status at `now`, in days of time zone `tz`.
pub fn get(conn: &Connection, id: i64, now: DateTime<Utc>, tz: Tz) -> Result<Request> {
    conn.query_row(
        &format!("{} WHERE r.id = :id", select()),
        rusqlite::named_params! {
            ":id": id,
            ":today": day(time::local_date(now, tz)),
            ":tz": tz.name(),
        },
        Request::from_row,
    )
    .optional()
    .context("reading the request")?
    .ok_or_else(|| anyhow::anyhow!("no request with id {id}"))
}

/// Which requests `request list` shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    /// Not closed (open or overdue).
    pub open: bool,
    /// Overdue only.
    pub overdue: bool,
    pub person_id: Option<i64>,
}

/// The requests that pass `filter`, with their status at `now` in days of time zone
/// `tz`, oldest first.
pub fn list(conn: &Connection, filter: Filter, now: DateTime<Utc>, tz: Tz) -> Result<Vec<Request>> {
    let sql = format!(
        "{} WHERE (:open = 0 OR r.closed_at IS NULL)
           AND (:overdue = 0 OR (r.closed_at IS NULL AND :today > coalesce(r.extended_to, r.due_at)))
           AND (:person IS NULL OR r.person_id = :person)
         ORDER BY r.received_at, r.id",
        select()
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map(
            rusqlite::named_params! {
                ":open": filter.open,
                ":overdue": filter.overdue,
                ":person": filter.person_id,
                ":today": day(time::local_date(now, tz)),
                ":tz": tz.name(),
            },
            Request::from_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the requests")?;
    Ok(rows)
}

fn require_open(req: &Request) -> Result<()> {
    if let Some(at) = &req.closed_at {
        bail!(
            "request {} was already closed at {at} ({}): nothing changed",
            req.id,
            req.status
        );
    }
    Ok(())
}

/// Extend a request by `months` (Art. 12(3)), with the reason the person is told; at
/// `now`, within the first month counted in days of time zone `tz`.
pub fn extend(
    conn: &Connection,
    id: i64,
    months: u32,
    reason: &str,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<Request> {
    let req = get(conn, id, now, tz)?;
    require_open(&req)?;
    // An objection to direct marketing has no balancing and no complexity: it is carried
    // out at once (Art. 21(3)), with unsubscribe-all, and never waits an extension.
    if req.kind == "objection" {
        bail!(
            "request {id} is an objection to direct marketing: it is carried out at once (Art. 21(3)), not extended; answer it with `smp-avg unsubscribe-all --person {}`",
            req.person_id
        );
    }
    let received = deadline::received_day(time::parse_time(&req.received_at)?, tz);
    let already = u32::try_from(req.extended_months).unwrap_or(deadline::MAX_EXTENSION_MONTHS);
    let today = time::local_date(now, tz);
    let total = deadline::check_extension(received, already, months, today)
        .with_context(|| format!("request {id}"))?;
    let to = deadline::request_due(received, total);
    // A second extension adds its reason to the first: both were told to the person.
    conn.execute(
        "UPDATE requests SET extended_months = ?2, extended_to = ?3,
             extension_reason = CASE WHEN extension_reason IS NULL THEN ?4
                                     ELSE extension_reason || char(10) || ?4 END
         WHERE id = ?1",
        params![id, total, day(to), reason],
    )
    .context("extending the request")?;
    get(conn, id, now, tz)
}

/// Refuse a request (close it without answering), with the reason the person is told.
pub fn refuse(
    conn: &Connection,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<Request> {
    let req = get(conn, id, now, tz)?;
    require_open(&req)?;
    conn.execute(
        "UPDATE requests SET closed_at = ?2, outcome = 'refused', refusal_reason = ?3 WHERE id = ?1",
        params![id, time::format_time(now), reason],
    )
    .context("closing the request")?;
    get(conn, id, now, tz)
}

/// The command whose audit entry is `audit_id` answered a request of one of `kinds`
/// for the person: close their oldest open request of those kinds, pointing to the
/// entry. Returns the id of the request closed, if they had one.
pub fn answer(
    conn: &Connection,
    person_id: i64,
    kinds: &[&str],
    audit_id: i64,
) -> Result<Option<i64>> {
    let kinds = serde_json::to_string(kinds)?;
    conn.query_row(
        "UPDATE requests SET closed_at = ?4, outcome = 'answered', answered_by = ?3
         WHERE id = (SELECT id FROM requests
                     WHERE person_id = ?1 AND closed_at IS NULL
                       AND kind IN (SELECT value FROM json_each(?2))
                     ORDER BY received_at, id LIMIT 1)
         RETURNING id",
        params![person_id, kinds, audit_id, time::format_time(time::now())],
        |r| r.get(0),
    )
    .optional()
    .context("closing the answered request")
}
