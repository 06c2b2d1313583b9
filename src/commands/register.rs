//! `smp-avg register list|add`: the processing register ("verwerkingsregister") with
//! purposes, legal bases, data categories, recipients and retention periods.
use super::{Context, in_write_transaction};
use crate::cli::RegisterCommand;
use crate::db::{audit, register, types};
use crate::output::RowWriter;
use anyhow::{Result, bail};
use rusqlite::Connection;
use serde_json::json;

pub fn run(ctx: &Context, cmd: &RegisterCommand) -> Result<()> {
    match cmd {
        RegisterCommand::List => list(ctx, &ctx.open()?),
        RegisterCommand::Add {
            purpose,
            legal_basis,
            data_categories,
            recipients,
            retention,
            consent_type,
            dry_run,
        } => {
            for (flag, v) in [
                ("--purpose", purpose),
                ("--legal-basis", legal_basis),
                ("--data-categories", data_categories),
                ("--recipients", recipients),
                ("--retention", retention),
            ] {
                if v.trim().is_empty() {
                    bail!("{flag} must not be empty");
                }
            }
            let mut conn = ctx.open()?;
            in_write_transaction(&mut conn, *dry_run, |tx| {
                if let Some(code) = consent_type {
                    types::require(tx, code)?;
                }
                register::add(
                    tx,
                    &register::NewPurpose {
                        purpose: purpose.trim(),
                        legal_basis: legal_basis.trim(),
                        data_categories: data_categories.trim(),
                        recipients: recipients.trim(),
                        retention: retention.trim(),
                        consent_type: consent_type.as_deref(),
                        categories: "",
                    },
                )?;
                audit::record(
                    tx,
                    &audit::Entry {
                        operator: &ctx.operator,
                        command: "register add",
                        person_id: None,
                        affected: 0,
                        details: None,
                    },
                )?;
                // Listed inside the transaction: a dry run shows the entry it would add.
                list(ctx, tx)
            })
        }
    }
}

fn list(ctx: &Context, conn: &Connection) -> Result<()> {
    let mut out = RowWriter::stdout(
        ctx.format,
        &[
            "id",
            "purpose",
            "legal_basis",
            "data_categories",
            "recipients",
            "retention",
            "consent_type",
        ],
    )?;
    for p in register::list(conn)? {
        out.row(&[
            json!(p.id),
            json!(p.purpose),
            json!(p.legal_basis),
            json!(p.data_categories),
            json!(p.recipients),
            json!(p.retention),
            json!(p.consent_type),
        ])?;
    }
    out.finish()
}
