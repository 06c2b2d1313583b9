//! `smp-avg person duplicates` and `smp-avg person merge KEEP OTHER`: one identity per
//! person. The merge gives KEEP OTHER's history, transactions, documents and mailings,
//! then erases OTHER the way `anonymise` does (without suppressing the address, which
//! lives on in KEEP), with one audit entry.
use super::{Context, in_write_transaction};
use crate::db::{anonymise, audit, merge, persons, settings};
use crate::output::RowWriter;
use crate::rules::time;
use anyhow::Result;
use serde_json::json;

pub fn duplicates(ctx: &Context) -> Result<()> {
    let conn = ctx.open()?;
    let groups = merge::duplicates(&conn)?;
    if ctx.format == crate::cli::Format::Json {
        return crate::output::json(&serde_json::to_value(&groups)?);
    }
    let mut out = RowWriter::stdout(ctx.format, &["person_ids", "match"])?;
    for g in &groups {
        let ids: Vec<String> = g.person_ids.iter().map(i64::to_string).collect();
        out.row(&[json!(ids.join(" ")), json!(g.matched)])?;
    }
    out.finish()
}

pub fn merge(ctx: &Context, keep: &str, other: &str, dry_run: bool) -> Result<()> {
    let mut conn = ctx.open()?;
    let keep = persons::resolve(&conn, keep)?;
    let other = persons::resolve(&conn, other)?;
    if !dry_run {
        ctx.confirm(&format!(
            "Merge person {other} into person {keep}? Person {other}'s history, transactions, documents and mailings go to {keep}, then person {other} is erased for good"
        ))?;
    }
    let now = time::now();
    let at = time::format_time(now);
    // Legal holds end on a day of the organisation's clock.
    let today = settings::day_of(&conn, now)?.to_string();
    let moved = in_write_transaction(&mut conn, dry_run, |tx| {
        let moved = merge::merge(tx, keep, other)?;
        anonymise::select_person(tx, other)?;
        let today = today.as_str();
        // What names OTHER alone leaves shared texts too.
        anonymise::erase_surveyed(tx, None, &at, today, false, &mut |_| {})?;
        audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "person merge",
                person_id: Some(keep),
                affected: 2,
                details: Some(
                    json!({"person_ids": [keep, other], "kept": keep, "merged": other, "moved": moved})
                        .to_string(),
                ),
            },
        )?;
        Ok(moved)
    })?;
    if !dry_run {
        // The erased values of OTHER leave the write-ahead log.
        anonymise::checkpoint(&conn)?;
    }
    match ctx.format {
        crate::cli::Format::Json => crate::output::json(&json!({
            "kept": keep,
            "merged": other,
            "moved": {
                "consent_records": moved.consent_records,
                "transactions": moved.transactions,
                "documents": moved.documents,
                "mailings": moved.mailings,
                "other": moved.other,
            },
            "dry_run": dry_run,
        })),
        format => crate::output::object(
            format,
            &[
                ("kept", json!(keep)),
                ("merged", json!(other)),
                ("consent_records", json!(moved.consent_records)),
                ("transactions", json!(moved.transactions)),
                ("documents", json!(moved.documents)),
                ("mailings", json!(moved.mailings)),
                ("other", json!(moved.other)),
                ("dry_run", json!(dry_run)),
            ],
        ),
    }
}
