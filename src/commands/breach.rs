//! `smp-avg breach add|update|list|persons`: the breach register (Art. 33(5) GDPR) with
//! the 72-hour deadline of the Autoriteit Persoonsgegevens (Art. 33(1)) and the persons
//! affected, for the letter that tells them (Art. 34). `list --overdue` exits 3 when a
//! breach is past the deadline and not reported, for cron.
use super::{Context, in_write_transaction};
use crate::cli::{BreachCommand, Format};
use crate::db::{audit, breaches, queries};
use crate::exit::Exit;
use crate::output::{self, RowWriter};
use crate::rules::{time, validate};
use anyhow::{Context as _, Result, bail};
use serde_json::{Value, json};

pub fn run(ctx: &Context, cmd: &BreachCommand) -> Result<Exit> {
    match cmd {
        BreachCommand::Add {
            discovered,
            description,
            persons_query,
            categories,
            dry_run,
        } => {
            let description = text("--description", description)?;
            let now = time::now();
            let mut conn = ctx.open()?;
            // The persons affected: the saved query, run read-only now.
            let affected = match persons_query {
                Some(name) => {
                    let saved = queries::require(&conn, name)?;
                    let ro = ctx.open_readonly()?;
                    let context = || format!("--persons-query '{name}'");
                    let checked = queries::check(&ro, &saved.sql).with_context(context)?;
                    queries::check_returns_person_ids(&ro, &checked).with_context(context)?;
                    Some((
                        saved.name,
                        breaches::affected_ids(&ro, &checked).with_context(context)?,
                    ))
                }
                None => None,
            };
            let b = in_write_transaction(&mut conn, *dry_run, |tx| {
                let id = breaches::add(
                    tx,
                    &breaches::NewBreach {
                        discovered_at: *discovered,
                        description,
                        categories: categories.as_deref().unwrap_or(""),
                        persons: affected
                            .as_ref()
                            .map(|(q, ids)| (q.as_str(), ids.as_slice())),
                    },
                    &ctx.operator,
                    now,
                )?;
                let b = breaches::get(tx, id, now)?;
                audit::record(
                    tx,
                    &audit::Entry {
                        operator: &ctx.operator,
                        command: "breach add",
                        person_id: None,
                        affected: b.persons.unwrap_or(0),
                        details: Some(json!({"breach_id": id}).to_string()),
                    },
                )?;
                Ok(b)
            })?;
            if b.status == "overdue" {
                eprintln!(
                    "warning: breach {} was discovered more than 72 hours ago: report it to the Autoriteit Persoonsgegevens now (Art. 33(1): with the reasons for the delay), or record why that is not needed (breach update {} --ap-not-required R)",
                    b.id, b.id
                );
            }
            show_one(ctx, &b, *dry_run)?;
        }
        BreachCommand::Update {
            id,
            reported_to_ap,
            ap_not_required,
            notified_persons,
            measures,
            dry_run,
        } => {
            let ap_not_required = ap_not_required
                .as_deref()
                .map(|t| text("--ap-not-required", t))
                .transpose()?;
            let measures = measures
                .as_deref()
                .map(|t| text("--measures", t))
                .transpose()?;
            let now = time::now();
            let mut conn = ctx.open()?;
            let b = in_write_transaction(&mut conn, *dry_run, |tx| {
                let b = breaches::update(
                    tx,
                    *id,
                    &breaches::BreachUpdate {
                        reported_to_ap_at: *reported_to_ap,
                        ap_not_required,
                        notified_persons: *notified_persons,
                        measures,
                    },
                    now,
                )?;
                let fields: Vec<&str> = [
                    ("reported_to_ap_at", reported_to_ap.is_some()),
                    ("ap_not_required", ap_not_required.is_some()),
                    ("notified_persons", notified_persons.is_some()),
                    ("measures", measures.is_some()),
                ]
                .into_iter()
                .filter(|(_, given)| *given)
                .map(|(f, _)| f)
                .collect();
                audit::record(
                    tx,
                    &audit::Entry {
                        operator: &ctx.operator,
                        command: "breach update",
                        person_id: None,
                        affected: b.persons.unwrap_or(0),
                        details: Some(json!({"breach_id": b.id, "fields": fields}).to_string()),
                    },
                )?;
                Ok(b)
            })?;
            show_one(ctx, &b, *dry_run)?;
        }
        BreachCommand::List { overdue } => {
            let conn = ctx.open()?;
            let rows = breaches::list(&conn, *overdue, time::now())?;
            list(ctx, &rows)?;
            if *overdue && !rows.is_empty() {
                // On stderr too: cron mails what a job says there, not its exit code.
                crate::output::attention(&format!(
                    "{} breach(es) past the 72 hours and not reported to the AP (Art. 33(1)): ids {}",
                    rows.len(),
                    rows.iter()
                        .map(|r| r.id.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                return Ok(Exit::Attention);
            }
        }
        BreachCommand::Persons { id } => {
            let conn = ctx.open()?;
            let mut out = RowWriter::stdout(
                ctx.format,
                &[
                    "person_id",
                    "first_name",
                    "infix",
                    "last_name",
                    "email",
                    "street",
                    "house_number",
                    "postal_code",
                    "city",
                    "country",
                    "anonymised",
                ],
            )?;
            for p in breaches::persons(&conn, *id)? {
                out.row(&[
                    json!(p.person_id),
                    json!(p.first_name),
                    json!(p.infix),
                    json!(p.last_name),
                    json!(p.email),
                    json!(p.street),
                    json!(p.house_number),
                    json!(p.postal_code),
                    json!(p.city),
                    json!(p.country),
                    json!(p.anonymised),
                ])?;
            }
            out.finish()?;
        }
    }
    Ok(Exit::Ok)
}

fn text<'a>(flag: &str, value: &'a str) -> Result<&'a str> {
    let v = value.trim();
    if v.is_empty() {
        bail!("{flag} must not be empty");
    }
    validate::no_control_characters(v).map_err(|e| anyhow::anyhow!("{flag}: {e}"))?;
    Ok(v)
}

/// Every column, the contract's first.
const COLUMNS: &[&str] = &[
    "id",
    "discovered_at",
    "ap_due_at",
    "reported_to_ap_at",
    "persons",
    "status",
    "description",
    "categories",
    "persons_query",
    "ap_not_required",
    "notified_persons",
    "measures",
    "recorded_at",
    "recorded_by",
];

fn values(b: &breaches::Breach) -> Vec<Value> {
    vec![
        json!(b.id),
        json!(b.discovered_at),
        json!(b.ap_due_at),
        json!(b.reported_to_ap_at),
        json!(b.persons),
        json!(b.status),
        json!(b.description),
        json!(b.categories),
        json!(b.persons_query),
        json!(b.ap_not_required),
        json!(b.notified_persons),
        json!(b.measures),
        json!(b.recorded_at),
        json!(b.recorded_by),
    ]
}

fn show_one(ctx: &Context, b: &breaches::Breach, dry_run: bool) -> Result<()> {
    let mut fields: Vec<(&str, Value)> = COLUMNS.iter().copied().zip(values(b)).collect();
    fields.push(("dry_run", json!(dry_run)));
    output::object(ctx.format, &fields)
}

fn list(ctx: &Context, rows: &[breaches::Breach]) -> Result<()> {
    if ctx.format == Format::Table {
        let mut out = RowWriter::stdout(
            Format::Table,
            &[
                "id",
                "discovered_at",
                "ap_due_at",
                "reported_to_ap_at",
                "persons",
                "status",
                "notified_persons",
                "description",
            ],
        )?;
        for b in rows {
            out.row(&[
                json!(b.id),
                json!(b.discovered_at),
                json!(b.ap_due_at),
                json!(b.reported_to_ap_at),
                json!(b.persons),
                json!(b.status),
                json!(b.notified_persons),
                json!(b.description),
            ])?;
        }
        return out.finish();
    }
    let mut out = RowWriter::stdout(ctx.format, COLUMNS)?;
    for b in rows {
        out.row(&values(b))?;
    }
    out.finish()
}
