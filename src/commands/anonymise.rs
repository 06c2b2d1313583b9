//! `smp-avg anonymise --person P` (§1.8) and `--inactive-for PERIOD` (continuous
//! anonymisation, §1.9). One transaction, set-based; data a law says to keep (a deed of
//! gift, 7 years) is held and restricted instead of erased; the persons' names and
//! numbers are also taken out of shared texts. After the commit the write-ahead log is
//! checkpointed and truncated, and the files are read byte by byte for every erased
//! value: the output says `verified` only when none is left.
//!
//! A typo must not erase everyone: a period under a year needs --allow-short-period, and
//! a sweep that would erase more than a set share of the persons stops before writing.
use super::{Context, in_write_transaction};
use crate::cli::{AnonymiseArgs, Format};
use crate::db::processors::Notify;
use crate::db::retention::Hold;
use crate::db::{anonymise, audit, persons, retention, settings};
use crate::exit::Exit;
use crate::rules::{period::RetentionPeriod, time};
use anyhow::{Result, bail};
use serde_json::{Value, json};

/// The share of the persons (in percent) a sweep may erase in one run, unless the
/// setting `sweep.max_share` or `--max-share` says otherwise.
const MAX_SHARE: u8 = 10;
/// Below this many persons a sweep is never stopped by its share (a small database).
const SHARE_FLOOR: u64 = 50;

pub fn run(ctx: &Context, args: &AnonymiseArgs) -> Result<Exit> {
    match (&args.person, &args.inactive_for) {
        (Some(person), None) => one(ctx, person, args.dry_run),
        (None, Some(period)) => {
            let period = match period {
                Some(p) => *p,
                // The marketing retention period, as set (`retention set marketing`).
                None => retention::get(&ctx.open()?, retention::MARKETING)?
                    .unwrap_or(RetentionPeriod::Years(5)),
            };
            inactive(ctx, period, args)
        }
        _ => bail!("give either --person or --inactive-for"),
    }
}

/// How many erased persons a real run's table shows (a dry run shows all).
const LISTED_AFTER_ERASURE: usize = 100;

/// What one run did, for the output.
struct Outcome {
    ids: Vec<i64>,
    listed: anonymise::Listing,
    erased: anonymise::Erased,
    held: Vec<Hold>,
    released: u64,
    notify: Vec<Notify>,
    values: anonymise::ErasedValues,
    /// Values inside documents held by law: kept, not looked for.
    held_values: u64,
    /// Values also inside the organisation's settings (its own phone number): allowed
    /// there, looked for everywhere else.
    settings_values: u64,
    /// Values kept for processors to find the person until the to-do is done: allowed
    /// there, looked for everywhere else.
    processor_values: u64,
}

fn one(ctx: &Context, person: &str, dry_run: bool) -> Result<Exit> {
    let mut conn = ctx.open()?;
    let id = persons::resolve(&conn, person)?;
    let refuse =
        |at: String| anyhow::anyhow!("person {id} was already anonymised at {at}: nothing changed");
    if let Some(at) = persons::anonymised_at(&conn, id)? {
        return Err(refuse(at));
    }
    let now = time::now();
    let at = time::format_time(now);
    let today = settings::day_of(&conn, now)?.to_string();
    if !dry_run && !ctx.yes {
        // What is held and why, before the question: the same work as a dry run.
        let preview = in_write_transaction(&mut conn, true, |tx| {
            anonymise::select_person(tx, id)?;
            retention::holds(tx, &today)
        })?;
        let who = ctx.describe_person(&conn, id);
        ctx.confirm_with(
            &format!(
                "Anonymise {who}? Their name, address, contact details, IBAN, BSN, birth date, free texts and documents are erased for good{}",
                held_sentence(&preview)
            ),
            &format!("anonymise person {id}"),
        )?;
    }
    let outcome = in_write_transaction(&mut conn, dry_run, |tx| {
        if let Some(at) = persons::anonymised_at(tx, id)? {
            return Err(refuse(at));
        }
        // Issue 14 (accountability): the categories held, read before they are erased.
        let categories = crate::db::register::person_categories(tx, id)?;
        anonymise::select_person(tx, id)?;
        let listed = anonymise::listing(tx, dry_run)?;
        crate::db::processors::capture_subjects(tx)?;
        let (erased, held, mut values) =
            anonymise::erase_surveyed(tx, Some(&ctx.db), &at, &today, true, &mut |_| {})?;
        let held_values = anonymise::drop_held_values(tx, &mut values, &today)?;
        let audit_id = audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "anonymise --person",
                person_id: Some(id),
                affected: erased.persons as i64,
                details: Some(details(&erased, &held, &[id], None)),
            },
        )?;
        // Issue 14: the erasure answers the person's oldest open erasure request, and the
        // processors that received their data are to be told (Art. 19).
        crate::db::requests::answer(tx, id, &["erasure"], audit_id)?;
        let notify = crate::db::processors::notify(tx, Some(id), &categories, "erasure", audit_id)?;
        crate::db::processors::attach_subjects(tx, &notify)?;
        let (settings_values, processor_values) =
            anonymise::allow_values_kept_elsewhere(tx, &mut values)?;
        Ok(Outcome {
            ids: vec![id],
            listed,
            erased,
            held,
            released: 0,
            notify,
            values,
            held_values,
            settings_values,
            processor_values,
        })
    })?;
    finish(ctx, &conn, &outcome, dry_run, false)
}

fn held_sentence(held: &[Hold]) -> String {
    if held.is_empty() {
        return String::new();
    }
    let list: Vec<String> = held
        .iter()
        .map(|h| format!("{} (document {}) until {}", h.kind, h.document_id, h.until))
        .collect();
    format!(
        ". Kept by law (Art. 17(3)(b)), restricted until the period ends: {}",
        list.join(", ")
    )
}

/// The share a sweep may erase: `--max-share`, else the setting, else 10%.
fn max_share(conn: &rusqlite::Connection, given: Option<u8>) -> Result<u8> {
    if let Some(s) = given {
        return Ok(s);
    }
    Ok(settings::get(conn, settings::SWEEP_MAX_SHARE)?
        .and_then(|v| v.trim().parse::<u8>().ok())
        .filter(|v| (1..=100).contains(v))
        .unwrap_or(MAX_SHARE))
}

fn inactive(ctx: &Context, period: RetentionPeriod, args: &AnonymiseArgs) -> Result<Exit> {
    if period.is_short() && !args.allow_short_period {
        bail!(
            "--inactive-for {period} is less than a year: a typo (5d for 5y) would erase nearly everyone; add --allow-short-period if you mean it"
        );
    }
    let now = time::now();
    let cutoff = time::format_time(period.cutoff(now));
    let at = time::format_time(now);
    let mut conn = ctx.open()?;
    let today = settings::day_of(&conn, now)?.to_string();
    // Each step of a sweep reads its tables once, in order: half the usual page cache
    // does, and leaves the room to what the survey and the proof hold for each erased
    // person (the sweep of five million persons stays under its memory bound).
    conn.pragma_update(None, "cache_size", -8_192)?;
    let limit = max_share(&conn, args.max_share)?;
    // How many the selection holds, against the share one run may erase: a refusal
    // changes nothing; a dry run lists them with the same words as a warning.
    let check_share = |selected: u64, total: u64| -> Result<()> {
        let share = if total == 0 {
            0.0
        } else {
            selected as f64 * 100.0 / total as f64
        };
        if selected > SHARE_FLOOR && share > f64::from(limit) {
            let said = format!(
                "the sweep would anonymise {selected} of {total} persons ({share:.1}%), more than the {limit}% one run may; check the period ({period}), then allow it with --max-share {}",
                share.ceil().min(100.0) as u8
            );
            if !args.dry_run {
                bail!("{said}: nothing changed");
            }
            crate::output::warning(&said);
        }
        Ok(())
    };
    // Asking first: count in a transaction rolled back (the same selection the sweep
    // makes), check, ask. Not asking (--yes, a dry run): the sweep's own transaction
    // checks before it writes anything.
    let ask = !args.dry_run && !ctx.yes;
    if ask {
        let (selected, total) = in_write_transaction(&mut conn, true, |tx| {
            let n = anonymise::select_inactive(tx, &cutoff)?;
            let total = persons::count_not_anonymised(tx)?;
            Ok((n, total))
        })?;
        check_share(selected, total)?;
        if selected > 0 {
            ctx.confirm_with(
                &format!(
                    "Anonymise {selected} of {total} persons without an active relation since {cutoff}? Erased for good, except what the law says to keep"
                ),
                &format!("anonymise {selected} persons"),
            )?;
        }
    }
    let bar = super::progress(8, "anonymising");
    let outcome = in_write_transaction(&mut conn, args.dry_run, |tx| {
        bar.set_message("finding inactive persons");
        let selected = anonymise::select_inactive(tx, &cutoff)?;
        if !ask {
            check_share(selected, persons::count_not_anonymised(tx)?)?;
        }
        let ids = anonymise::selected(tx)?;
        // A real run's listing names no one: it goes to terminals, logs and cron's mail.
        // A dry run names whom it would erase, for the operator to check: read after
        // it rolled back, so that the names are not held while the survey runs.
        let listed = anonymise::listing(tx, false)?;
        bar.inc(1);
        crate::db::processors::capture_subjects(tx)?;
        // The values to look for and to take out of shared texts are read while the
        // erasure runs (a second connection, on the rows as they were).
        let (erased, held, mut values) =
            anonymise::erase_surveyed(tx, Some(&ctx.db), &at, &today, true, &mut |what| {
                bar.set_message(what.to_string());
                bar.inc(1);
            })?;
        bar.inc(1);
        // A dry run changes nothing: no values to look for.
        let held_values = if args.dry_run {
            values.clear();
            0
        } else {
            anonymise::drop_held_values(tx, &mut values, &today)?
        };
        // Held data whose period has ended goes now.
        let released = anonymise::release_expired_holds(tx, &today)?;
        let audit_id = audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "anonymise --inactive-for",
                person_id: None,
                affected: erased.persons as i64,
                details: Some(details(
                    &erased,
                    &held,
                    &ids,
                    Some((&period.to_string(), &cutoff, released)),
                )),
            },
        )?;
        // The sweep answers the open erasure requests of those it erased.
        anonymise::answer_erasure_requests(tx, audit_id, &at)?;
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
        crate::db::processors::attach_subjects(tx, &notify)?;
        let (settings_values, processor_values) = if args.dry_run {
            (0, 0)
        } else {
            anonymise::allow_values_kept_elsewhere(tx, &mut values)?
        };
        Ok(Outcome {
            ids,
            listed,
            erased,
            held,
            released,
            notify,
            values,
            held_values,
            settings_values,
            processor_values,
        })
    })?;
    bar.finish_and_clear();
    let outcome = if args.dry_run {
        Outcome {
            listed: anonymise::listing_of(&conn, &outcome.ids, true)?,
            ..outcome
        }
    } else {
        outcome
    };
    finish(ctx, &conn, &outcome, args.dry_run, true)
}

/// Counts and ids for the audit log: never personal data.
fn details(
    erased: &anonymise::Erased,
    held: &[Hold],
    ids: &[i64],
    sweep: Option<(&str, &str, u64)>,
) -> String {
    let mut d = json!({
        "person_ids": ids,
        "documents": erased.documents,
        "documents_held": held.iter().map(|h| h.document_id).collect::<Vec<_>>(),
        "scores": erased.scores,
        "consent_descriptions": erased.consent_descriptions,
        "transaction_descriptions": erased.transaction_descriptions,
        "texts_redacted": erased.texts_redacted,
        "ledger_records_redacted": erased.ledger_records_redacted,
    });
    if let Some((p, cutoff, released)) = sweep {
        d["period"] = json!(p);
        d["cutoff"] = json!(cutoff);
        d["held_documents_released"] = json!(released);
    }
    d.to_string()
}

/// What the proof did not look for, and why: ` (3 kept inside documents held by law, …)`.
fn kept_sentence(o: &Outcome) -> String {
    let mut parts = Vec::new();
    if o.held_values > 0 {
        parts.push(format!(
            "{} kept inside documents held by law, not looked for",
            o.held_values
        ));
    }
    if o.processor_values > 0 {
        parts.push(format!(
            "{} kept for processors to erase them too, until marked done, and nowhere else",
            o.processor_values
        ));
    }
    if o.settings_values > 0 {
        parts.push(format!(
            "{} also in the organisation's settings, and nowhere else",
            o.settings_values
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

/// The outcome as JSON, in this order of fields.
#[derive(serde::Serialize)]
struct Report<'a> {
    anonymised: &'a [i64],
    held: &'a [Value],
    verified: Option<bool>,
    erased_values_checked: Option<u64>,
    values_in_held_documents: u64,
    values_in_settings: u64,
    values_kept_for_processors: u64,
    documents_deleted: u64,
    scores_deleted: u64,
    texts_redacted: u64,
    held_documents_released: u64,
    persons: &'a anonymise::Listing,
    notify: &'a [Notify],
    dry_run: bool,
}

/// After the commit: checkpoint, prove the erasure on the bytes, print the outcome.
fn finish(
    ctx: &Context,
    conn: &rusqlite::Connection,
    o: &Outcome,
    dry_run: bool,
    sweep: bool,
) -> Result<Exit> {
    let mut truncated = true;
    let scan = if dry_run {
        None
    } else {
        if !anonymise::checkpoint(conn)? {
            truncated = false;
            crate::output::warning(&format!(
                "another process is reading the database: the write-ahead log could not be truncated yet; \
                 erased values leave {}-wal at the next checkpoint (run any smp-avg command when the other process ends)",
                ctx.db.display()
            ));
        }
        Some(anonymise::scan_files(&ctx.db, &o.values, Some(conn))?)
    };
    let verified = scan.as_ref().map(anonymise::Scan::clean);
    let held: Vec<Value> = o
        .held
        .iter()
        .map(|h| json!({"person_id": h.person_id, "document_id": h.document_id, "kind": h.kind, "until": h.until}))
        .collect();
    match ctx.format {
        // Written field by field: a sweep may list hundreds of thousands of persons.
        Format::Json => crate::output::json_object(&Report {
            anonymised: &o.ids,
            held: &held,
            verified,
            erased_values_checked: scan.as_ref().map(|s| s.values),
            values_in_held_documents: o.held_values,
            values_in_settings: o.settings_values,
            values_kept_for_processors: o.processor_values,
            documents_deleted: o.erased.documents,
            scores_deleted: o.erased.scores,
            texts_redacted: o.erased.texts_redacted,
            held_documents_released: o.released,
            persons: &o.listed,
            notify: &o.notify,
            dry_run,
        })?,
        format => {
            // One row per person: who, their last activity, and what is erased or held.
            let mut out = crate::output::RowWriter::stdout(
                format,
                &[
                    "person_id",
                    "name",
                    "email",
                    "last_activity",
                    "last_activity_kind",
                    "erased",
                    "held",
                ],
            )?;
            let mut held_of: std::collections::HashMap<i64, Vec<String>> =
                std::collections::HashMap::new();
            for h in &o.held {
                held_of.entry(h.person_id).or_default().push(format!(
                    "{} (document {}) until {}",
                    h.kind, h.document_id, h.until
                ));
            }
            // A real run names no one: past a screenful its table says only how many
            // more (every id is in the audit entry). A dry run lists everyone to check.
            let shown = if dry_run || format != Format::Table {
                o.listed.len()
            } else {
                o.listed.len().min(LISTED_AFTER_ERASURE)
            };
            for c in (0..shown).map(|i| o.listed.get(i)) {
                let held = held_of.get(&c.person_id).cloned().unwrap_or_default();
                out.row(&[
                    json!(c.person_id),
                    json!(c.name),
                    json!(c.email),
                    json!(c.last_activity),
                    json!(c.last_activity_kind),
                    json!(if dry_run { "would be erased" } else { "erased" }),
                    json!(held.join("; ")),
                ])?;
            }
            out.finish()?;
            if shown < o.listed.len() {
                crate::output::text(&format!(
                    "… and {} more persons erased (their ids are in the audit entry: smp-avg audit --format json)\n",
                    o.listed.len() - shown
                ))?;
            }
            if format == Format::Table {
                let said = match &scan {
                    None => format!(
                        "dry run: {} person{} would be anonymised{}; nothing changed",
                        o.ids.len(),
                        if o.ids.len() == 1 { "" } else { "s" },
                        if o.held.is_empty() {
                            String::new()
                        } else {
                            format!(", {} document(s) held by law", o.held.len())
                        }
                    ),
                    Some(s) if s.clean() => format!(
                        "anonymised: {}; verified: none of {} erased values found in the database files{}",
                        o.ids.len(),
                        s.values,
                        kept_sentence(o)
                    ),
                    Some(_) => String::new(),
                };
                if !said.is_empty() {
                    crate::output::text(&format!("{said}\n"))?;
                }
                if sweep && o.released > 0 {
                    crate::output::text(&format!(
                        "held documents whose retention ended, now deleted: {}\n",
                        o.released
                    ))?;
                }
                if !o.notify.is_empty() {
                    crate::output::text(&format!(
                        "processors to notify: {}{}\n",
                        o.notify
                            .iter()
                            .map(|n| format!("{} (to-do {})", n.processor, n.todo_id))
                            .collect::<Vec<_>>()
                            .join(", "),
                        if dry_run {
                            ""
                        } else {
                            "; whom to tell: smp-avg processor todos (kept until you mark each done)"
                        }
                    ))?;
                }
            }
        }
    }
    if let Some(s) = scan.filter(|s| !s.clean()) {
        let places: Vec<String> = s
            .found
            .iter()
            .map(|(t, n)| format!("{n} that were in {t}"))
            .collect();
        // The erasure is committed: not a refusal (exit 1 would say nothing changed),
        // but something to look at (exit 3).
        let why = if truncated {
            "old copies in free space left by writes outside smp-avg (VACUUM the database in the sqlite3 shell), or a row smp-avg does not erase (a table added by hand, a document's content; find it in the sqlite3 shell)".to_string()
        } else {
            format!(
                "most likely in {}-wal, which another process reading the database kept from being truncated: they leave it at the next checkpoint (run any smp-avg command when that process ends)",
                ctx.db.display()
            )
        };
        crate::output::attention(&format!(
            "the erasure is committed, but erased values are still in the database files ({}): {why}",
            places.join(", ")
        ));
        return Ok(Exit::Attention);
    }
    Ok(Exit::Ok)
}
