//! `smp-avg request open|extend|close|list`: data-subject requests and their deadlines
//! (Art. 12(3) GDPR). An answer closes a request by itself (the answering commands call
//! `db::requests::answer`); `close` is for a refusal. `list --overdue` exits 3 when
//! anything is overdue, for cron.
use super::{Context, in_write_transaction};
use crate::cli::{Format, RequestCommand};
use crate::db::{audit, persons, requests, settings};
use crate::exit::Exit;
use crate::output::{self, RowWriter};
use crate::rules::time;
use anyhow::{Result, bail};
use serde_json::{Value, json};

pub fn run(ctx: &Context, cmd: &RequestCommand) -> Result<Exit> {
    match cmd {
        RequestCommand::Open {
            person,
            kind,
            received,
            channel,
            note,
            dry_run,
        } => {
            let channel = optional_text("--channel", channel.as_deref())?;
            let note = optional_text("--note", note.as_deref())?;
            let now = time::now();
            let mut conn = ctx.open()?;
            // Deadlines count in the organisation's days, whatever `--utc` shows.
            let tz = settings::time_zone(&conn)?;
            let req = in_write_transaction(&mut conn, *dry_run, |tx| {
                let person_id = persons::resolve_active(tx, person)?;
                let id = requests::open(
                    tx,
                    &requests::NewRequest {
                        person_id,
                        kind: kind.code(),
                        received_at: received.unwrap_or(now),
                        channel,
                        note,
                    },
                    now,
                    tz,
                )?;
                audit::record(
                    tx,
                    &audit::Entry {
                        operator: &ctx.operator,
                        command: "request open",
                        person_id: Some(person_id),
                        affected: 1,
                        details: Some(json!({"request_id": id, "kind": kind.code()}).to_string()),
                    },
                )?;
                requests::get(tx, id, now, tz)
            })?;
            output::object(
                ctx.format,
                &[
                    ("id", json!(req.id)),
                    ("person_id", json!(req.person_id)),
                    ("kind", json!(req.kind)),
                    ("received_at", json!(req.received_at)),
                    ("due_at", json!(req.due_at)),
                    ("status", json!(req.status)),
                    ("dry_run", json!(dry_run)),
                ],
            )?;
        }
        RequestCommand::Extend {
            id,
            months,
            reason,
            dry_run,
        } => {
            let reason = required_text("--reason", reason)?;
            let now = time::now();
            let mut conn = ctx.open()?;
            let tz = settings::time_zone(&conn)?;
            let req = in_write_transaction(&mut conn, *dry_run, |tx| {
                let req = requests::extend(tx, *id, *months, reason, now, tz)?;
                audit::record(
                    tx,
                    &audit::Entry {
                        operator: &ctx.operator,
                        command: "request extend",
                        person_id: Some(req.person_id),
                        affected: 1,
                        details: Some(json!({"request_id": req.id, "months": months}).to_string()),
                    },
                )?;
                Ok(req)
            })?;
            show_one(ctx, &req, *dry_run)?;
        }
        RequestCommand::Close {
            id,
            reason,
            dry_run,
        } => {
            let reason = required_text("--reason", reason)?;
            let mut conn = ctx.open()?;
            let tz = settings::time_zone(&conn)?;
            let req = in_write_transaction(&mut conn, *dry_run, |tx| {
                let req = requests::refuse(tx, *id, reason, time::now(), tz)?;
                audit::record(
                    tx,
                    &audit::Entry {
                        operator: &ctx.operator,
                        command: "request close",
                        person_id: Some(req.person_id),
                        affected: 1,
                        details: Some(
                            json!({"request_id": req.id, "outcome": "refused"}).to_string(),
                        ),
                    },
                )?;
                Ok(req)
            })?;
            show_one(ctx, &req, *dry_run)?;
        }
        RequestCommand::List {
            open,
            overdue,
            person,
        } => {
            let conn = ctx.open()?;
            let person_id = person
                .as_deref()
                .map(|p| persons::resolve(&conn, p))
                .transpose()?;
            let rows = requests::list(
                &conn,
                requests::Filter {
                    open: *open,
                    overdue: *overdue,
                    person_id,
                },
                time::now(),
                settings::time_zone(&conn)?,
            )?;
            list(ctx, &rows)?;
            if *overdue && !rows.is_empty() {
                // On stderr too: cron mails what a job says there, not its exit code.
                crate::output::attention(&format!(
                    "{} request(s) of data subjects past their due date (Art. 12(3)): ids {}",
                    rows.len(),
                    rows.iter()
                        .map(|r| r.id.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                return Ok(Exit::Attention);
            }
        }
    }
    Ok(Exit::Ok)
}

/// A free text flag that, when given, says something.
fn optional_text<'a>(flag: &str, value: Option<&'a str>) -> Result<Option<&'a str>> {
    match value.map(str::trim) {
        Some("") => bail!("{flag} must not be empty"),
        Some(v) => {
            crate::rules::validate::no_control_characters(v)
                .map_err(|e| anyhow::anyhow!("{flag}: {e}"))?;
            Ok(Some(v))
        }
        None => Ok(None),
    }
}

/// A free text flag that must say something.
fn required_text<'a>(flag: &str, value: &'a str) -> Result<&'a str> {
    optional_text(flag, Some(value))?.ok_or_else(|| anyhow::anyhow!("{flag} must not be empty"))
}

/// Every column, in the contract's order first.
const COLUMNS: &[&str] = &[
    "id",
    "person_id",
    "kind",
    "received_at",
    "due_at",
    "extended_to",
    "closed_at",
    "answered_by",
    "status",
    "late",
    "extended_months",
    "channel",
    "note",
    "extension_reason",
    "refusal_reason",
];

fn values(r: &requests::Request) -> Vec<Value> {
    vec![
        json!(r.id),
        json!(r.person_id),
        json!(r.kind),
        json!(r.received_at),
        json!(r.due_at),
        json!(r.extended_to),
        json!(r.closed_at),
        json!(r.answered_by),
        json!(r.status),
        json!(r.late),
        json!(r.extended_months),
        json!(r.channel),
        json!(r.note),
        json!(r.extension_reason),
        json!(r.refusal_reason),
    ]
}

fn show_one(ctx: &Context, r: &requests::Request, dry_run: bool) -> Result<()> {
    let mut fields: Vec<(&str, Value)> = COLUMNS.iter().copied().zip(values(r)).collect();
    fields.push(("dry_run", json!(dry_run)));
    output::object(ctx.format, &fields)
}

fn list(ctx: &Context, rows: &[requests::Request]) -> Result<()> {
    if ctx.format == Format::Table {
        // People read the deadline that holds now; the reasons are in CSV and JSON.
        let mut out = RowWriter::stdout(
            Format::Table,
            &[
                "id",
                "person_id",
                "kind",
                "received_at",
                "due",
                "status",
                "closed_at",
                "answered_by",
            ],
        )?;
        for r in rows {
            let due = match &r.extended_to {
                Some(to) => format!("{to} (extended; was {})", r.due_at),
                None => r.due_at.clone(),
            };
            let status = if r.late {
                format!("{} (late)", r.status)
            } else {
                r.status.clone()
            };
            out.row(&[
                json!(r.id),
                json!(r.person_id),
                json!(r.kind),
                json!(r.received_at),
                json!(due),
                json!(status),
                json!(r.closed_at),
                json!(r.answered_by),
            ])?;
        }
        return out.finish();
    }
    let mut out = RowWriter::stdout(ctx.format, COLUMNS)?;
    for r in rows {
        out.row(&values(r))?;
    }
    out.finish()
}
