//! `smp-avg suppression list|add|remove`: the suppression list (addresses never to be
//! mailed or re-subscribed), kept as keyed hashes so that it survives erasure.
use super::{Context, in_write_transaction};
use crate::cli::SuppressionCommand;
use crate::db::{audit, suppression};
use crate::output::RowWriter;
use crate::rules::{time, validate};
use anyhow::{Result, bail};
use serde_json::json;

pub fn run(ctx: &Context, cmd: &SuppressionCommand) -> Result<()> {
    match cmd {
        SuppressionCommand::List => list(ctx),
        SuppressionCommand::Add {
            email,
            reason,
            description,
            dry_run,
        } => add(ctx, email, reason.code(), description.as_deref(), *dry_run),
        SuppressionCommand::Remove {
            email,
            description,
            dry_run,
        } => remove(ctx, email, description, *dry_run),
    }
}

/// An address as typed on the command line: it must look like one, and may not hold
/// control characters.
fn address(email: &str) -> Result<String> {
    let e = email.trim();
    validate::no_control_characters(e)?;
    if !e.contains('@') || e.chars().any(char::is_whitespace) {
        bail!("that is not an e-mail address");
    }
    Ok(e.to_string())
}

fn list(ctx: &Context) -> Result<()> {
    let conn = ctx.open()?;
    let mut out = RowWriter::stdout(
        ctx.format,
        &["hash", "reason", "since", "source", "description"],
    )?;
    for s in suppression::list(&conn)? {
        out.row(&[
            json!(s.hash),
            json!(s.reason),
            json!(s.since),
            json!(s.source),
            json!(s.description),
        ])?;
    }
    out.finish()
}

fn add(
    ctx: &Context,
    email: &str,
    reason: &str,
    description: Option<&str>,
    dry_run: bool,
) -> Result<()> {
    let email = address(email)?;
    if let Some(d) = description {
        validate::no_control_characters(d)?;
    }
    let mut conn = ctx.open()?;
    let since = time::format_time(time::now());
    let (hash, added) = in_write_transaction(&mut conn, dry_run, |tx| {
        let hash = suppression::address_hash(&suppression::secret(tx)?, &email);
        let added = suppression::add(tx, &hash, reason, &since, "suppression add", description)?;
        audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "suppression add",
                person_id: None,
                affected: i64::from(added),
                details: Some(json!({"reason": reason}).to_string()),
            },
        )?;
        Ok((hash, added))
    })?;
    crate::output::object(
        ctx.format,
        &[
            ("hash", json!(suppression::hex(&hash))),
            ("reason", json!(reason)),
            ("added", json!(added)),
            ("dry_run", json!(dry_run)),
        ],
    )
}

fn remove(ctx: &Context, email: &str, description: &str, dry_run: bool) -> Result<()> {
    let email = address(email)?;
    if description.trim().is_empty() {
        bail!("--description must say why the address is taken off the list");
    }
    validate::no_control_characters(description)?;
    let mut conn = ctx.open()?;
    let (hash, removed) = in_write_transaction(&mut conn, dry_run, |tx| {
        let hash = suppression::address_hash(&suppression::secret(tx)?, &email);
        let reasons: Vec<String> = suppression::of(tx, &hash)?
            .into_iter()
            .map(|s| s.reason)
            .collect();
        if reasons.is_empty() {
            bail!("that address is not on the suppression list: nothing changed");
        }
        let removed = suppression::remove(tx, &hash)?;
        let audit_id = audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "suppression remove",
                person_id: None,
                affected: removed as i64,
                details: Some(json!({"reasons": reasons}).to_string()),
            },
        )?;
        // The reason may name the person: kept beside the log, linked to the one person
        // holding the address (if one does), so that it goes with their erasure.
        let holders = crate::db::persons::holding_email(tx, &email)?;
        let holder = (holders.len() == 1).then(|| holders[0]);
        audit::record_text(tx, audit_id, holder, description.trim())?;
        Ok((hash, removed))
    })?;
    crate::output::object(
        ctx.format,
        &[
            ("hash", json!(suppression::hex(&hash))),
            ("removed", json!(removed)),
            ("dry_run", json!(dry_run)),
        ],
    )
}
