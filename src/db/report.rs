//! The report for the privacy officer (FG): what the organisation can show it did in a
//! period. Requests (received, answered in time or late, refused, open with their due
//! dates), opt-ins and opt-outs per type and channel, bounces, suppressions, erasures
//! and retention sweeps, breaches and processor notifications. Computed here into
//! [`Report`]; `commands/report.rs` renders it.
use super::{breaches, register, requests};
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, named_params};
use serde::Serialize;

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The start of the period (null: everything).
    pub since: Option<String>,
    pub generated_at: String,
    pub controller: register::Controller,
    pub requests: Requests,
    pub consent: Vec<ConsentCount>,
    pub bounces: Bounces,
    pub suppressions: Vec<ReasonCount>,
    pub erasures: Erasures,
    pub breaches: Breaches,
    pub processor_todos: Todos,
}

/// Data-subject requests received in the period, by outcome; and every request open now.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Requests {
    pub received: i64,
    pub answered_in_time: i64,
    pub answered_late: i64,
    pub refused: i64,
    /// Refusals told after the deadline.
    pub refused_late: i64,
    /// Still open (not yet due).
    pub open: i64,
    /// Still open and past the deadline.
    pub overdue: i64,
    pub by_kind: Vec<RequestKindCount>,
    /// Every request open now (whenever received), soonest deadline first.
    pub open_now: Vec<OpenRequest>,
}

/// The requests of one kind received in the period.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RequestKindCount {
    pub kind: String,
    pub received: i64,
    pub answered_in_time: i64,
    pub answered_late: i64,
    pub refused: i64,
    pub open: i64,
    pub overdue: i64,
}

/// A request open now.
#[derive(Debug, Clone, Serialize)]
pub struct OpenRequest {
    pub id: i64,
    pub person_id: i64,
    pub kind: String,
    pub received_at: String,
    /// The deadline that holds (extended or not).
    pub due_at: String,
    pub extended: bool,
    pub status: String,
}

/// Records of one type and channel made in the period.
#[derive(Debug, Clone, Serialize)]
pub struct ConsentCount {
    #[serde(rename = "type")]
    pub kind: String,
    pub channel: String,
    pub opt_ins: i64,
    pub opt_outs: i64,
}

/// Bounces: persons marked as bouncers in the period, and bouncers now.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Bounces {
    /// Persons marked by bounce imports and by hand in the period (audit log).
    pub marked: i64,
    /// Persons who are bouncers now (not anonymised).
    pub bouncers_now: i64,
}

/// Entries added to the suppression list in the period, per reason.
#[derive(Debug, Clone, Serialize)]
pub struct ReasonCount {
    pub reason: String,
    pub added: i64,
}

/// Erasures in the period.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Erasures {
    /// Persons anonymised in the period, however.
    pub persons: i64,
    /// `anonymise --person` runs (each one person).
    pub by_request: i64,
    /// `anonymise --inactive-for` runs (retention sweeps) and the persons they erased.
    pub sweeps: i64,
    pub swept_persons: i64,
}

/// Breaches discovered in the period, by status now.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Breaches {
    pub recorded: i64,
    pub reported_in_time: i64,
    pub reported_late: i64,
    pub not_required: i64,
    pub open: i64,
    pub overdue: i64,
    /// Persons affected (where known).
    pub persons_affected: i64,
    /// Breaches whose persons were told (Art. 34).
    pub persons_notified: i64,
}

/// Processor notifications (Art. 19): made and done in the period, and open now.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Todos {
    pub created: i64,
    pub done: i64,
    pub open_now: i64,
    /// Open now, per processor.
    pub open_by_processor: Vec<ProcessorOpen>,
}

/// Open notifications of one processor.
#[derive(Debug, Clone, Serialize)]
pub struct ProcessorOpen {
    pub processor_id: i64,
    pub processor: String,
    pub open: i64,
    pub oldest: String,
}

/// Compute the report for the period from `since` (None: everything) as of `now`.
pub fn compute(
    conn: &Connection,
    since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Report> {
    let since = since.map(crate::rules::time::format_time);
    // Requests are due on days of the organisation's time zone (db::requests).
    let tz = super::settings::time_zone(conn)?;
    let today = crate::rules::time::local_date(now, tz)
        .format("%Y-%m-%d")
        .to_string();
    let now_text = crate::rules::time::format_time(now);
    Ok(Report {
        since: since.clone(),
        generated_at: now_text.clone(),
        controller: register::controller(conn)?,
        requests: requests_part(conn, since.as_deref(), &today, tz.name())?,
        consent: consent_part(conn, since.as_deref())?,
        bounces: bounces_part(conn, since.as_deref())?,
        suppressions: suppressions_part(conn, since.as_deref())?,
        erasures: erasures_part(conn, since.as_deref())?,
        breaches: breaches_part(conn, since.as_deref(), &now_text)?,
        processor_todos: todos_part(conn, since.as_deref())?,
    })
}

fn requests_part(
    conn: &Connection,
    since: Option<&str>,
    today: &str,
    tz: &str,
) -> Result<Requests> {
    let sql = format!(
        "WITH r AS (
            SELECT r.kind, {status} AS status, {late} AS late
            FROM requests r WHERE :since IS NULL OR r.received_at >= :since)
         SELECT kind, count(*),
                sum(status = 'answered' AND NOT late), sum(status = 'answered' AND late),
                sum(status = 'refused'), sum(status = 'refused' AND late),
                sum(status = 'open'), sum(status = 'overdue')
         FROM r GROUP BY kind ORDER BY kind",
        status = requests::STATUS_SQL,
        late = requests::LATE_SQL
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut out = Requests::default();
    let rows = stmt.query_map(
        named_params! {":since": since, ":today": today, ":tz": tz},
        |r| {
            Ok((
                RequestKindCount {
                    kind: r.get(0)?,
                    received: r.get(1)?,
                    answered_in_time: r.get(2)?,
                    answered_late: r.get(3)?,
                    refused: r.get(4)?,
                    open: r.get(6)?,
                    overdue: r.get(7)?,
                },
                r.get::<_, i64>(5)?,
            ))
        },
    )?;
    for row in rows {
        let (k, refused_late) = row.context("counting requests")?;
        out.received += k.received;
        out.answered_in_time += k.answered_in_time;
        out.answered_late += k.answered_late;
        out.refused += k.refused;
        out.refused_late += refused_late;
        out.open += k.open;
        out.overdue += k.overdue;
        out.by_kind.push(k);
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT r.id, r.person_id, r.kind, r.received_at, coalesce(r.extended_to, r.due_at),
                r.extended_to IS NOT NULL, {} AS status
         FROM requests r WHERE r.closed_at IS NULL
         ORDER BY coalesce(r.extended_to, r.due_at), r.id",
        requests::STATUS_SQL
    ))?;
    out.open_now = stmt
        .query_map(named_params! {":today": today}, |r| {
            Ok(OpenRequest {
                id: r.get(0)?,
                person_id: r.get(1)?,
                kind: r.get(2)?,
                received_at: r.get(3)?,
                due_at: r.get(4)?,
                extended: r.get(5)?,
                status: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading open requests")?;
    Ok(out)
}

/// The channel a count is shown under when its records' channel is free text outside the
/// vocabulary (it may name a person or a phone number: the report shows no such text).
pub const OTHER_CHANNEL: &str = "other";

fn consent_part(conn: &Connection, since: Option<&str>) -> Result<Vec<ConsentCount>> {
    let mut stmt = conn.prepare(
        "SELECT type, CASE WHEN channel IN (SELECT code FROM channels) THEN channel ELSE :other END AS ch,
                sum(opt_in), sum(1 - opt_in) FROM consent_records
         WHERE :since IS NULL OR recorded_at >= :since
         GROUP BY type, ch ORDER BY type, ch",
    )?;
    let rows = stmt
        .query_map(
            named_params! {":since": since, ":other": OTHER_CHANNEL},
            |r| {
                Ok(ConsentCount {
                    kind: r.get(0)?,
                    channel: r.get(1)?,
                    opt_ins: r.get(2)?,
                    opt_outs: r.get(3)?,
                })
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("counting opt-ins and opt-outs")?;
    Ok(rows)
}

fn bounces_part(conn: &Connection, since: Option<&str>) -> Result<Bounces> {
    conn.query_row(
        "SELECT
            (SELECT coalesce(sum(affected), 0) FROM audit_log
             WHERE command IN ('import bounces', 'person bouncer --set')
               AND (:since IS NULL OR at >= :since)),
            (SELECT count(*) FROM persons WHERE bouncer = 1 AND anonymised_at IS NULL)",
        named_params! {":since": since},
        |r| {
            Ok(Bounces {
                marked: r.get(0)?,
                bouncers_now: r.get(1)?,
            })
        },
    )
    .context("counting bounces")
}

fn suppressions_part(conn: &Connection, since: Option<&str>) -> Result<Vec<ReasonCount>> {
    let mut stmt = conn.prepare(
        "SELECT reason, count(*) FROM suppressions WHERE :since IS NULL OR since >= :since
         GROUP BY reason ORDER BY reason",
    )?;
    let rows = stmt
        .query_map(named_params! {":since": since}, |r| {
            Ok(ReasonCount {
                reason: r.get(0)?,
                added: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("counting suppressions")?;
    Ok(rows)
}

fn erasures_part(conn: &Connection, since: Option<&str>) -> Result<Erasures> {
    conn.query_row(
        "SELECT
            (SELECT count(*) FROM persons WHERE anonymised_at IS NOT NULL
               AND (:since IS NULL OR anonymised_at >= :since)),
            (SELECT count(*) FROM audit_log WHERE command = 'anonymise --person' AND affected > 0
               AND (:since IS NULL OR at >= :since)),
            (SELECT count(*) FROM audit_log WHERE command = 'anonymise --inactive-for'
               AND (:since IS NULL OR at >= :since)),
            (SELECT coalesce(sum(affected), 0) FROM audit_log WHERE command = 'anonymise --inactive-for'
               AND (:since IS NULL OR at >= :since))",
        named_params! {":since": since},
        |r| {
            Ok(Erasures {
                persons: r.get(0)?,
                by_request: r.get(1)?,
                sweeps: r.get(2)?,
                swept_persons: r.get(3)?,
            })
        },
    )
    .context("counting erasures")
}

fn breaches_part(conn: &Connection, since: Option<&str>, now: &str) -> Result<Breaches> {
    conn.query_row(
        &format!(
            "WITH b AS (SELECT {} AS status, b.persons, b.notified_persons FROM breaches b
                        WHERE :since IS NULL OR b.discovered_at >= :since)
             SELECT count(*), coalesce(sum(status = 'reported'), 0),
                    coalesce(sum(status = 'reported_late'), 0),
                    coalesce(sum(status = 'not_required'), 0), coalesce(sum(status = 'open'), 0),
                    coalesce(sum(status = 'overdue'), 0), coalesce(sum(persons), 0),
                    coalesce(sum(notified_persons = 1), 0)
             FROM b",
            breaches::status_sql()
        ),
        named_params! {":since": since, ":now": now},
        |r| {
            Ok(Breaches {
                recorded: r.get(0)?,
                reported_in_time: r.get(1)?,
                reported_late: r.get(2)?,
                not_required: r.get(3)?,
                open: r.get(4)?,
                overdue: r.get(5)?,
                persons_affected: r.get(6)?,
                persons_notified: r.get(7)?,
            })
        },
    )
    .context("counting breaches")
}

fn todos_part(conn: &Connection, since: Option<&str>) -> Result<Todos> {
    let mut out = conn
        .query_row(
            "SELECT
                (SELECT count(*) FROM processor_todos WHERE :since IS NULL OR created_at >= :since),
                (SELECT count(*) FROM processor_todos WHERE done_at IS NOT NULL
                   AND (:since IS NULL OR done_at >= :since)),
                (SELECT count(*) FROM processor_todos WHERE done_at IS NULL)",
            named_params! {":since": since},
            |r| {
                Ok(Todos {
                    created: r.get(0)?,
                    done: r.get(1)?,
                    open_now: r.get(2)?,
                    open_by_processor: Vec::new(),
                })
            },
        )
        .context("counting processor notifications")?;
    let mut stmt = conn.prepare(
        "SELECT p.id, p.name, count(*), min(t.created_at)
         FROM processor_todos t JOIN processors p ON p.id = t.processor_id
         WHERE t.done_at IS NULL GROUP BY p.id ORDER BY p.id",
    )?;
    out.open_by_processor = stmt
        .query_map([], |r| {
            Ok(ProcessorOpen {
                processor_id: r.get(0)?,
                processor: r.get(1)?,
                open: r.get(2)?,
                oldest: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading open processor notifications")?;
    Ok(out)
}

/// The channel vocabulary, code → (Dutch, English), for the words of the report's PDF.
pub fn channel_labels(conn: &Connection) -> Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare("SELECT code, label_nl, label_en FROM channels ORDER BY code")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the channels")?;
    Ok(rows)
}
