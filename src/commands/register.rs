//! `smp-avg register list|add`: the processing register ("verwerkingsregister") with
//! purposes, legal bases, data categories, recipients and retention periods.
use super::{Context, in_write_transaction};
use crate::cli::RegisterCommand;
use crate::db::{audit, types};
use crate::output::RowWriter;
use anyhow::{Result, bail};
use rusqlite::params;
use serde_json::json;

pub fn run(ctx: &Context, cmd: &RegisterCommand) -> Result<()> {
    match cmd {
        RegisterCommand::List => list_all(ctx),
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
                tx.execute(
                    "INSERT INTO processing_register (purpose, legal_basis, data_categories, recipients, retention, consent_type)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![purpose.trim(), legal_basis.trim(), data_categories.trim(), recipients.trim(), retention.trim(), consent_type],
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

fn list_all(ctx: &Context) -> Result<()> {
    let conn = ctx.open()?;
    list(ctx, &conn)
}

fn list(ctx: &Context, conn: &rusqlite::Connection) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT id, purpose, legal_basis, data_categories, recipients, retention, consent_type FROM processing_register ORDER BY id",
    )?;
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
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        out.row(&[
            json!(r.get::<_, i64>(0)?),
            json!(r.get::<_, String>(1)?),
            json!(r.get::<_, String>(2)?),
            json!(r.get::<_, String>(3)?),
            json!(r.get::<_, String>(4)?),
            json!(r.get::<_, String>(5)?),
            json!(r.get::<_, Option<String>>(6)?),
        ])?;
    }
    out.finish()
}
