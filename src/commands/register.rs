//! `smp-avg register list|add|edit|remove`: the processing register
//! ("verwerkingsregister", Art. 30(1) GDPR): per activity its purpose, legal basis,
//! categories of persons and of data, recipients, transfers outside the EEA, retention
//! and security measures; the controller and its privacy officer (FG) come from the
//! settings. Nothing is lost: an edit ends the entry and adds its successor, a removal
//! ends it (`list --all` shows the history).
use super::{Context, in_write_transaction};
use crate::cli::{Format, RegisterArt30Args, RegisterCommand, RegisterEditArgs};
use crate::db::{audit, register, types};
use crate::output::{self, RowWriter};
use anyhow::{Result, bail};
use rusqlite::{Connection, Transaction};
use serde_json::{Value, json};

pub fn run(ctx: &Context, cmd: &RegisterCommand) -> Result<()> {
    match cmd {
        RegisterCommand::List { all } => list(ctx, &ctx.open()?, *all),
        RegisterCommand::Add {
            purpose,
            legal_basis,
            data_categories,
            recipients,
            retention,
            consent_type,
            art30,
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
                let consent_type = consent_type.as_deref().map(str::trim);
                if let Some(code) = consent_type {
                    types::require(tx, code)?;
                }
                let new = register::NewPurpose {
                    purpose: purpose.trim(),
                    legal_basis: legal_basis.trim(),
                    data_categories: data_categories.trim(),
                    recipients: recipients.trim(),
                    retention: retention.trim(),
                    consent_type,
                    categories: art30.categories.as_deref().unwrap_or(""),
                    categories_of_persons: trimmed(&art30.categories_of_persons),
                    transfers: trimmed(&art30.transfers),
                    security_measures: trimmed(&art30.security_measures),
                };
                let id = register::add(tx, &new)?;
                warn_missing(&register::get(tx, id)?);
                audit::record(
                    tx,
                    &audit::Entry {
                        operator: &ctx.operator,
                        command: "register add",
                        person_id: None,
                        affected: 0,
                        details: Some(json!({"entry": id}).to_string()),
                    },
                )?;
                // Listed inside the transaction: a dry run shows the entry it would add.
                list(ctx, tx, false)
            })
        }
        RegisterCommand::Edit(args) => edit(ctx, args),
        RegisterCommand::Remove { id, dry_run } => {
            let mut conn = ctx.open()?;
            in_write_transaction(&mut conn, *dry_run, |tx| {
                register::remove(tx, *id)?;
                audit::record(
                    tx,
                    &audit::Entry {
                        operator: &ctx.operator,
                        command: "register remove",
                        person_id: None,
                        affected: 0,
                        details: Some(json!({"entry": id}).to_string()),
                    },
                )?;
                list(ctx, tx, false)
            })
        }
    }
}

fn trimmed(v: &Option<String>) -> &str {
    v.as_deref().map(str::trim).unwrap_or("")
}

/// Art. 30(1) asks these of every activity: say which an entry does not state yet.
fn warn_missing(p: &register::Purpose) {
    let missing = p.missing();
    if !missing.is_empty() {
        eprintln!(
            "warning: entry {} does not say {} yet (Art. 30(1)): register edit {} --{} …",
            p.id,
            missing.join(", "),
            p.id,
            missing[0].replace('_', "-")
        );
    }
}

fn edit(ctx: &Context, args: &RegisterEditArgs) -> Result<()> {
    let RegisterEditArgs {
        id,
        purpose,
        legal_basis,
        data_categories,
        recipients,
        retention,
        consent_type,
        art30:
            RegisterArt30Args {
                categories,
                categories_of_persons,
                transfers,
                security_measures,
            },
        dry_run,
    } = args;
    for (flag, v) in [
        ("--purpose", purpose),
        ("--legal-basis", legal_basis),
        ("--data-categories", data_categories),
        ("--recipients", recipients),
        ("--retention", retention),
    ] {
        if v.as_deref().is_some_and(|v| v.trim().is_empty()) {
            bail!("{flag} must not be empty");
        }
    }
    let mut conn = ctx.open()?;
    in_write_transaction(&mut conn, *dry_run, |tx: &Transaction<'_>| {
        let old = register::get(tx, *id)?;
        // "" clears the consent type.
        let consent_type = match consent_type.as_deref().map(str::trim) {
            Some("") => None,
            Some(code) => {
                types::require(tx, code)?;
                Some(code)
            }
            None => old.consent_type.as_deref(),
        };
        let pick = |new: &Option<String>, old: &str| -> String {
            new.as_deref().map(str::trim).unwrap_or(old).to_string()
        };
        let (p, lb, dc, rc, rt, cp, tr, sm) = (
            pick(purpose, &old.purpose),
            pick(legal_basis, &old.legal_basis),
            pick(data_categories, &old.data_categories),
            pick(recipients, &old.recipients),
            pick(retention, &old.retention),
            pick(categories_of_persons, &old.categories_of_persons),
            pick(transfers, &old.transfers),
            pick(security_measures, &old.security_measures),
        );
        let new = register::edit(
            tx,
            *id,
            &register::NewPurpose {
                purpose: &p,
                legal_basis: &lb,
                data_categories: &dc,
                recipients: &rc,
                retention: &rt,
                consent_type,
                categories: categories.as_deref().unwrap_or(&old.categories),
                categories_of_persons: &cp,
                transfers: &tr,
                security_measures: &sm,
            },
        )?;
        warn_missing(&new);
        audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "register edit",
                person_id: None,
                affected: 0,
                details: Some(json!({"entry": id, "replaced_by": new.id}).to_string()),
            },
        )?;
        list(ctx, tx, false)
    })
}

const COLUMNS: &[&str] = &[
    "id",
    "purpose",
    "legal_basis",
    "data_categories",
    "recipients",
    "retention",
    "consent_type",
    "categories",
    "categories_of_persons",
    "transfers",
    "security_measures",
    "valid_from",
    "removed_at",
    "replaced_by",
];

fn values(p: &register::Purpose) -> Vec<Value> {
    vec![
        json!(p.id),
        json!(p.purpose),
        json!(p.legal_basis),
        json!(p.data_categories),
        json!(p.recipients),
        json!(p.retention),
        json!(p.consent_type),
        json!(p.categories),
        json!(p.categories_of_persons),
        json!(p.transfers),
        json!(p.security_measures),
        json!(p.valid_from),
        json!(p.removed_at),
        json!(p.replaced_by),
    ]
}

fn list(ctx: &Context, conn: &Connection, all: bool) -> Result<()> {
    let entries = if all {
        register::history(conn)?
    } else {
        register::list(conn)?
    };
    if ctx.format == Format::Table {
        // The controller and its FG head the register (Art. 30(1)(a)).
        let c = register::controller(conn)?;
        let or_unset = |v: &Option<String>| v.clone().unwrap_or_else(|| "(not set)".into());
        let phone = c
            .phone
            .as_ref()
            .map(|p| format!(" — {p}"))
            .unwrap_or_default();
        let mut text = format!(
            "Controller: {} — {} — {}{phone}\nPrivacy officer (FG): {} — {}\n",
            or_unset(&c.name),
            or_unset(&c.address),
            or_unset(&c.email),
            or_unset(&c.fg_name),
            or_unset(&c.fg_email),
        );
        text = output::inert(&text);
        let missing = c.missing();
        if !missing.is_empty() {
            eprintln!(
                "warning: the register names no {} (smp-avg settings set {} …)",
                missing.join(", "),
                missing[0]
            );
        }
        output::text(&text)?;
    }
    let mut out = RowWriter::stdout(ctx.format, COLUMNS)?;
    for p in &entries {
        out.row(&values(p))?;
    }
    out.finish()
}
