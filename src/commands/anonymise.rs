//! `smp-avg anonymise --person P` (§1.8) and `--inactive-for PERIOD` (continuous
//! anonymisation, §1.9): one transaction, set-based, then the WAL is checkpointed and
//! truncated so that the erased bytes are gone from the files.
use super::{Context, in_write_transaction};
use crate::cli::{AnonymiseArgs, Format};
use crate::db::{anonymise, audit, persons};
use crate::rules::{period::RetentionPeriod, time};
use anyhow::{Result, bail};
use serde_json::{Value, json};

pub fn run(ctx: &Context, args: &AnonymiseArgs) -> Result<()> {
    match (&args.person, &args.inactive_for) {
        (Some(person), None) => one(ctx, person, args.dry_run),
        (None, Some(period)) => inactive(ctx, *period, args.dry_run),
        _ => bail!("give either --person or --inactive-for"),
    }
}

fn one(ctx: &Context, person: &str, dry_run: bool) -> Result<()> {
    let mut conn = ctx.open()?;
    let id = persons::resolve(&conn, person)?;
    let refuse =
        |at: String| anyhow::anyhow!("person {id} was already anonymised at {at}: nothing changed");
    if let Some(at) = persons::anonymised_at(&conn, id)? {
        return Err(refuse(at));
    }
    if !dry_run {
        ctx.confirm(&format!("Anonymise person {id}? Their name, address, contact details, IBAN, BSN and documents are erased for good"))?;
    }
    let at = time::format_time(time::now());
    let (erased, notify) = in_write_transaction(&mut conn, dry_run, |tx| {
        if let Some(at) = persons::anonymised_at(tx, id)? {
            return Err(refuse(at));
        }
        // Issue 14 (accountability): the categories held, read before they are erased.
        let categories = crate::db::register::person_categories(tx, id)?;
        anonymise::select_person(tx, id)?;
        let erased = anonymise::erase(tx, &at, true, &mut |_| {})?;
        let audit_id = audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "anonymise --person",
                person_id: Some(id),
                affected: erased.persons as i64,
                details: Some(details(&erased, &[id], None)),
            },
        )?;
        // Issue 14: the erasure answers the person's oldest open erasure request, and the
        // processors that received their data are to be told (Art. 19).
        crate::db::requests::answer(tx, id, &["erasure"], audit_id)?;
        let notify = crate::db::processors::notify(tx, Some(id), &categories, "erasure", audit_id)?;
        Ok((erased, notify))
    })?;
    finish(ctx, &conn, &[id], &erased, &notify, dry_run)
}

fn inactive(ctx: &Context, period: RetentionPeriod, dry_run: bool) -> Result<()> {
    let cutoff = time::format_time(period.cutoff(time::now()));
    let mut conn = ctx.open()?;
    if !dry_run {
        ctx.confirm(&format!(
            "Anonymise everyone without activity since {cutoff}?"
        ))?;
    }
    let at = time::format_time(time::now());
    let bar = super::progress(6, "anonymising");
    let (ids, erased, notify) = in_write_transaction(&mut conn, dry_run, |tx| {
        bar.set_message("finding inactive persons");
        let ids = anonymise::select_inactive(tx, &cutoff)?;
        bar.inc(1);
        let erased = anonymise::erase(tx, &at, true, &mut |what| {
            bar.set_message(what.to_string());
            bar.inc(1);
        })?;
        let audit_id = audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "anonymise --inactive-for",
                person_id: None,
                affected: erased.persons as i64,
                details: Some(details(&erased, &ids, Some((&period.to_string(), &cutoff)))),
            },
        )?;
        // Issue 14: every processor is to be told of the persons erased (Art. 19); the
        // to-do points to this audit entry, which lists them.
        let notify = if erased.persons > 0 {
            let all: Vec<&str> = crate::db::register::CATEGORIES
                .iter()
                .map(|(c, _, _)| *c)
                .collect();
            crate::db::processors::notify(tx, None, &all, "erasure", audit_id)?
        } else {
            Vec::new()
        };
        Ok((ids, erased, notify))
    })?;
    bar.finish_and_clear();
    finish(ctx, &conn, &ids, &erased, &notify, dry_run)
}

/// Counts and ids for the audit log: never personal data.
fn details(erased: &anonymise::Erased, ids: &[i64], period: Option<(&str, &str)>) -> String {
    let mut d = json!({
        "person_ids": ids,
        "documents": erased.documents,
        "scores": erased.scores,
        "consent_descriptions": erased.consent_descriptions,
        "transaction_descriptions": erased.transaction_descriptions,
    });
    if let Some((p, cutoff)) = period {
        d["period"] = json!(p);
        d["cutoff"] = json!(cutoff);
    }
    d.to_string()
}

fn finish(
    ctx: &Context,
    conn: &rusqlite::Connection,
    ids: &[i64],
    erased: &anonymise::Erased,
    notify: &[crate::db::processors::Notify],
    dry_run: bool,
) -> Result<()> {
    if !dry_run && !anonymise::checkpoint(conn)? {
        eprintln!(
            "warning: another process is reading the database: the write-ahead log could not be truncated yet; \
             erased values leave {}-wal at the next checkpoint (run any smp-avg command when the other process ends)",
            ctx.db.display()
        );
    }
    match ctx.format {
        Format::Json => crate::output::json(&json!({
            "anonymised": ids,
            "documents_deleted": erased.documents,
            "scores_deleted": erased.scores,
            "notify": notify,
            "dry_run": dry_run,
        })),
        Format::Csv => {
            let mut out = crate::output::RowWriter::stdout(Format::Csv, &["person_id"])?;
            for id in ids {
                out.row(&[json!(id)])?;
            }
            out.finish()
        }
        Format::Table => {
            let shown: Vec<String> = ids.iter().take(100).map(i64::to_string).collect();
            let more = if ids.len() > 100 {
                format!(" … and {} more", ids.len() - 100)
            } else {
                String::new()
            };
            crate::output::object(
                Format::Table,
                &[
                    ("anonymised", json!(ids.len())),
                    (
                        "person_ids",
                        Value::String(format!("{}{more}", shown.join(", "))),
                    ),
                    ("documents_deleted", json!(erased.documents)),
                    ("scores_deleted", json!(erased.scores)),
                    (
                        "notify",
                        super::processor::notify_value(Format::Table, notify),
                    ),
                    ("dry_run", json!(dry_run)),
                ],
            )
        }
    }
}
