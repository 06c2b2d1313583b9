//! `smp-avg init [--demo N] [--seed S] [--organisation NAME]`: create or upgrade the
//! schema, install the default consent types, rules, saved queries and register, and
//! optionally fill an empty database with synthetic persons.
use super::{Context, in_write_transaction};
use crate::cli::InitArgs;
use crate::db::{self, audit, defaults, integrity, migrate, settings};
use crate::rules::time::now;
use anyhow::{Result, bail};
use serde_json::json;

pub fn run(ctx: &Context, args: &InitArgs) -> Result<()> {
    let mut conn = db::open_or_create(&ctx.db)?;
    let from = migrate::migrate(&mut conn)?;
    if args.demo.is_some() {
        db::open::begin_bulk_fill(&conn)?;
    }
    // What every database of this version has (vocabulary, retention, key).
    {
        let tx = conn.transaction()?;
        defaults::ensure(&tx)?;
        tx.commit()?;
    }
    for (file, mode) in db::open::make_private(&ctx.db)? {
        eprintln!(
            "warning: {} could be read by others (mode {mode:o}): made private (mode 600)",
            crate::output::inert_line(&file.display().to_string())
        );
    }
    crate::db::suppression::register(&conn)?;
    let restored = restore(ctx, &mut conn, args.repair)?;
    let bar = super::progress(args.demo.unwrap_or(0), "demo persons");
    let outcome = in_write_transaction(&mut conn, false, |tx| {
        let added = defaults::install(tx, now(), &ctx.operator)?;
        if settings::get(tx, settings::ORGANISATION)?.is_none() || args.organisation.is_some() {
            let name = args
                .organisation
                .as_deref()
                .unwrap_or(settings::PLACEHOLDER_NAME);
            if name.trim().is_empty() {
                bail!("--organisation must not be empty");
            }
            let name = settings::check(settings::ORGANISATION, name)
                .map_err(|e| anyhow::anyhow!("--organisation: {e}"))?;
            settings::set(tx, settings::ORGANISATION, &name)?;
        }
        let demo = match args.demo {
            Some(n) => {
                let persons = crate::db::persons::count(tx)?;
                if persons > 0 {
                    bail!("--demo only fills an empty database: this one holds {persons} persons");
                }
                Some(crate::demo::generate(tx, n, args.seed, &mut |done| {
                    bar.set_position(done)
                })?)
            }
            None => None,
        };
        let affected = demo.as_ref().map_or(0, |d| d.persons as i64);
        if from < migrate::LATEST
            || restored.is_some()
            || added.types > 0
            || demo.is_some()
            || args.organisation.is_some()
        {
            audit::record(
                tx,
                &audit::Entry {
                    operator: &ctx.operator,
                    command: if args.repair { "init --repair" } else { "init" },
                    person_id: None,
                    affected,
                    details: Some(
                        json!({"schema_from": from, "schema_to": migrate::LATEST,
                               "demo_seed": demo.as_ref().map(|_| args.seed),
                               "repair": args.repair, "restored": restored})
                        .to_string(),
                    ),
                },
            )?;
        }
        Ok((added, demo))
    })?;
    bar.finish_and_clear();
    if outcome.1.is_some() {
        db::open::end_bulk_fill(&conn)?;
    }
    let (added, demo) = outcome;
    let demo = demo.unwrap_or_default();
    crate::output::object(
        ctx.format,
        &[
            ("database", json!(ctx.db.display().to_string())),
            ("schema_version", json!(migrate::LATEST)),
            ("upgraded_from", json!(from)),
            ("types_added", json!(added.types)),
            ("saved_queries_added", json!(added.saved_queries)),
            ("register_entries_added", json!(added.register_entries)),
            ("demo_persons", json!(demo.persons)),
            ("demo_transactions", json!(demo.transactions)),
            ("demo_consent_records", json!(demo.consent_records)),
            ("demo_contact_moments", json!(demo.contact_moments)),
            ("demo_recipients", json!(demo.recipients)),
            ("demo_documents", json!(demo.documents)),
            ("restored", json!(restored)),
        ],
    )
}

/// A database changed outside smp-avg (a trigger dropped, a row written in the sqlite3
/// shell): put the schema back when `verify` finds nothing else wrong, or with
/// `--repair`; otherwise refuse, changing nothing. None when nothing needed doing.
fn restore(
    ctx: &Context,
    conn: &mut rusqlite::Connection,
    repair: bool,
) -> Result<Option<integrity::Restored>> {
    if !repair && !integrity::needs_restore(conn)? {
        return Ok(None);
    }
    if !repair {
        let report = integrity::verify(conn, &ctx.db)?;
        // Only what putting the schema back mends may be wrong: a missing or changed
        // trigger, view or index. A foreign one, a row written outside smp-avg, a
        // broken chain or a wrong state need --repair.
        let mendable: Vec<integrity::Problem> = integrity::schema_problems(conn)?
            .into_iter()
            .filter(|p| !p.problem.starts_with("foreign"))
            .collect();
        if let Some(p) = report.problems.iter().find(|p| !mendable.contains(p)) {
            bail!(
                "the database was changed outside smp-avg ({} {}: {}): nothing restored; see `smp-avg verify`, and use `init --repair` to put the triggers back and accept what was written (recorded in the audit log)",
                p.table,
                p.id.map(|i| i.to_string()).unwrap_or_default(),
                p.problem
            );
        }
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let done = integrity::restore(&tx, repair)?;
    tx.commit()?;
    for what in done.removed.iter().chain(&done.objects) {
        eprintln!("restored: {}", crate::output::inert(what));
    }
    if !done.sealed_records.is_empty() || !done.sealed_audit_entries.is_empty() {
        eprintln!(
            "accepted as written outside smp-avg, now sealed: consent records {:?}, audit entries {:?}",
            done.sealed_records, done.sealed_audit_entries
        );
    }
    Ok(Some(done))
}
