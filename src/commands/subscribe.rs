//! `smp-avg subscribe`: record one opt-in or opt-out by hand (§1.6), or many from a CSV
//! file (imports). The ledger is append-only: every change of mind is a new record.
use super::{Context, in_write_transaction};
use crate::cli::SubscribeArgs;
use crate::db::{audit, consent, persons, scores, settings, sources, suppression, types};
use crate::import::{self, CsvSource, CsvTable};
use crate::rules::time;
use anyhow::{Result, bail};
use serde_json::json;

pub fn run(ctx: &Context, args: &SubscribeArgs) -> Result<()> {
    match &args.csv {
        Some(file) => from_csv(ctx, args, file),
        None => one(ctx, args),
    }
}

fn one(ctx: &Context, args: &SubscribeArgs) -> Result<()> {
    let (Some(person), Some(kind)) = (args.person.as_deref(), args.kind.as_deref()) else {
        bail!("--person and --type are required without --csv");
    };
    let opt_in = args.opt_in && !args.opt_out;
    let now = time::now();
    let at = match args.at {
        None => now,
        Some(t) if t > import::consent::latest_allowed(now) => {
            bail!("--at: {} is in the future", time::format_time(t))
        }
        Some(t) => t,
    };
    let recorded_at = time::format_time(at);
    if let Err(e) = consent::check_given_channel(&args.channel) {
        bail!("--channel: {e}");
    }
    let given = args.source.map(|s| s.source());
    if let Err(e) = consent::check_hand_source(given, args.description.as_deref()) {
        bail!("{e}");
    }
    let mut conn = ctx.open()?;
    let mut child = false;
    let mut objection: Option<String> = None;
    let (person_id, record_id, suppressed, lifted) =
        in_write_transaction(&mut conn, args.dry_run, |tx| {
            let person_id = persons::resolve_active(tx, person)?;
            // What an opt-in is checked against: the birth date and a lasting objection.
            let card = if opt_in {
                Some(persons::load(tx, person_id)?)
            } else {
                None
            };
            // A child under 16 cannot consent alone (Art. 8 GDPR, UAVG art. 5): said. The
            // birthday is a day on the organisation's clock.
            // (Worked out for an opt-in only: a warning cannot stop a record.)
            if let Some(p) = card.as_ref().filter(|p| p.birth_date.is_some()) {
                let on = time::local_date(at, settings::time_zone_or_utc(tx));
                child = crate::rules::age::under_consent_age(p.birth_date.as_deref(), on);
            }
            types::require(tx, kind)?;
            if let Some(cm) = args.contact_moment {
                consent::require_contact_moment(tx, cm)?;
            }
            let source =
                consent::hand_source(tx, args.channel.trim(), given, args.description.as_deref())?;
            // An opt-in for a suppressed address: the person's own, given after the
            // address was suppressed, is new consent and lifts the suppression for this
            // type; an operator's alone does not (nor one back-dated before it).
            let entries = if opt_in {
                suppression::entries_for_person(tx, person_id)?
            } else {
                Vec::new()
            };
            let suppressed: Vec<String> = entries.iter().map(|e| e.reason.clone()).collect();
            let lifted = !entries.is_empty()
                && source == consent::Source::Person
                && entries.iter().all(|e| recorded_at > e.since);
            // A lasting objection (unsubscribe-all) holds against an opt-in that is not
            // the person's own, given after it.
            if entries.is_empty() {
                objection = card.and_then(|p| p.objected_at).filter(|o| {
                    !(source == consent::Source::Person && recorded_at.as_str() > o.as_str())
                });
            }
            let record_id = consent::insert(
                tx,
                &consent::NewRecord {
                    source,
                    person_id,
                    kind,
                    opt_in,
                    channel: args.channel.trim(),
                    description: args.description.as_deref(),
                    contact_moment: args.contact_moment,
                    recorded_at: &recorded_at,
                },
            )?;
            // Where the consent data came from: the form the person used, or a hand entry.
            let came_from = if consent::person_given_channel(tx, args.channel.trim())? {
                sources::Kind::WebForm
            } else {
                sources::Kind::Manual
            };
            sources::record(
                tx,
                person_id,
                came_from,
                Some(args.channel.trim()),
                &recorded_at,
                &["consent"],
            )?;
            scores::delete_opted_out(tx)?;
            audit::record(
                tx,
                &audit::Entry {
                    operator: &ctx.operator,
                    command: if opt_in {
                        "subscribe --opt-in"
                    } else {
                        "subscribe --opt-out"
                    },
                    person_id: Some(person_id),
                    affected: 1,
                    details: Some(
                        json!({"type": kind, "record_id": record_id, "source": source.code(),
                           "suppression_lifted": lifted.then_some(&suppressed)})
                        .to_string(),
                    ),
                },
            )?;
            Ok((person_id, record_id, suppressed, lifted))
        })?;
    if child {
        crate::output::warning(&format!(
            "person {person_id} was under 16 on that date: an opt-in needs the consent of a parent or guardian (Art. 8 GDPR); say whose consent it is in --description"
        ));
    }
    if let Some(at) = &objection {
        crate::output::warning(&format!(
            "person {person_id} objected to all contact at {at}: the opt-in is recorded, but the person is not mailed for {kind} until they opt in themselves after it (--source person with their words in --description, or a web form)"
        ));
    }
    if lifted {
        eprintln!(
            "note: the address was on the suppression list ({}); this opt-in the person gave themselves lifts it for {kind}",
            suppressed.join(", ")
        );
    } else if !suppressed.is_empty() {
        eprintln!(
            "warning: the address is on the suppression list ({}): the opt-in is recorded, but the person is not mailed for {kind} until they opt in themselves, after it was put there (--source person with their words in --description, or a web form)",
            suppressed.join(", ")
        );
    }
    crate::output::object(
        ctx.format,
        &[
            ("inserted", json!(1)),
            ("rejected", json!(0)),
            (
                "record_id",
                json!(if args.dry_run { None } else { Some(record_id) }),
            ),
            ("person_id", json!(person_id)),
            ("type", json!(kind)),
            ("opt_in", json!(opt_in)),
            ("recorded_at", json!(recorded_at)),
            ("suppressed", json!(!suppressed.is_empty())),
            ("suppression_lifted", json!(lifted)),
            ("dry_run", json!(args.dry_run)),
        ],
    )
}

fn from_csv(ctx: &Context, args: &SubscribeArgs, file: &str) -> Result<()> {
    let mut conn = ctx.open()?;
    // The reject file may not be the database or the file being imported.
    let input = std::path::Path::new(file);
    let guard = ctx.file_guard(if file == "-" {
        &[]
    } else {
        std::slice::from_ref(&input)
    });
    if let Some(path) = &args.reject_file
        && !args.dry_run
    {
        guard.check(path)?;
    }
    let source = CsvSource::open(file, import::Limits::from_settings(&conn)?)?;
    let name = source.name.clone();
    let now = time::now();
    let set_aside = args.reject_file.is_some();
    let bar = super::spinner("recording consent");
    let (inserted, rejected, warnings, duplicates, lifted, skipped_erased, warning_rows) =
        in_write_transaction(&mut conn, args.dry_run, |tx| {
            let mut table = CsvTable::open_aliased(
                source,
                import::consent::COLUMNS,
                import::aliases::CONSENT,
                import::consent::REQUIRED,
            )?;
            let first_record = sources::next_consent_record_id(tx)?;
            let done = import::consent::import(tx, &mut table, now, set_aside)?;
            match &args.reject_file {
                None if !done.rejected.is_empty() => {
                    return Err(import::refuse(&name, tx, &done.rejected, "recorded"));
                }
                None => {}
                Some(_) if args.dry_run => {}
                Some(path) => import::write_rejects(&guard, path, &table, tx, &done.rejected)?,
            }
            // The file is where these persons' consent data came from: one statement.
            if done.inserted > 0 {
                let source = sources::new_source(
                    tx,
                    sources::Kind::Import,
                    import::source_label(&name).as_deref(),
                    &time::format_time(now),
                )?;
                sources::add_consent_since(tx, source, first_record)?;
            }
            scores::delete_opted_out(tx)?;
            audit::record(
                tx,
                &audit::Entry {
                    operator: &ctx.operator,
                    command: "subscribe --csv",
                    person_id: None,
                    affected: done.inserted as i64,
                    details: Some(
                        json!({"rejected": done.rejected.len(), "duplicates": done.duplicates,
                           "suppression_lifted": done.lifted, "skipped_erased": done.skipped_erased})
                        .to_string(),
                    ),
                },
            )?;
            done.warnings.each(tx, None, &mut |w| {
                eprintln!(
                    "warning: {}: {}",
                    crate::output::inert(&name),
                    crate::output::inert(&w.to_string())
                );
                Ok(())
            })?;
            Ok((
                done.inserted,
                done.rejected.len(),
                done.warnings.len(),
                done.duplicates,
                done.lifted,
                done.skipped_erased,
                done.warnings.listed_json(tx)?,
            ))
        })?;
    bar.finish_and_clear();
    let mut fields = vec![
        ("inserted", json!(inserted)),
        ("rejected", json!(rejected)),
        ("warnings", json!(warnings)),
        ("duplicates", json!(duplicates)),
        ("suppression_lifted", json!(lifted)),
        ("skipped_erased", json!(skipped_erased)),
    ];
    // Every column of a consent file is read (an unknown one refuses it).
    fields.extend(super::import::listing_fields(
        ctx.format == crate::cli::Format::Json,
        warning_rows,
        &[],
    ));
    fields.push(("dry_run", json!(args.dry_run)));
    crate::output::object(ctx.format, &fields)
}
