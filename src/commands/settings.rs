//! `smp-avg settings list` / `smp-avg settings set KEY VALUE`: the organisation's name
//! and contact details, its privacy officer (FG) and time zone, which the access answer
//! prints. Setting one is audited by key only: the privacy officer's name and address
//! are personal data, and the audit log holds none.
use super::{Context, in_write_transaction};
use crate::cli::SettingsCommand;
use crate::db::{audit, settings};
use crate::output::RowWriter;
use anyhow::Result;
use serde_json::json;

pub fn run(ctx: &Context, cmd: &SettingsCommand) -> Result<()> {
    match cmd {
        SettingsCommand::List => list(ctx),
        SettingsCommand::Set {
            key,
            value,
            dry_run,
        } => set(ctx, key, value, *dry_run),
    }
}

fn list(ctx: &Context) -> Result<()> {
    let conn = ctx.open()?;
    let stored = settings::stored(&conn)?;
    let mut out = RowWriter::stdout(ctx.format, &["key", "value", "is_default", "about"])?;
    for k in settings::KEYS {
        let value = stored.iter().find(|(key, _)| key == k.key).map(|(_, v)| v);
        out.row(&[
            json!(k.key),
            json!(value.map(String::as_str).or(k.default)),
            json!(value.is_none()),
            json!(k.about),
        ])?;
    }
    // Anything else in the table (written by another tool or by hand) is shown too.
    for (key, value) in stored
        .iter()
        .filter(|(key, _)| settings::known(key).is_none())
    {
        out.row(&[
            json!(key),
            json!(value),
            json!(false),
            json!("not a setting of smp-avg"),
        ])?;
    }
    out.finish()
}

fn set(ctx: &Context, key: &str, value: &str, dry_run: bool) -> Result<()> {
    let key = key.trim();
    // An empty value removes the setting; anything else is checked by its shape first.
    let value = if value.trim().is_empty() {
        if settings::known(key).is_none() {
            settings::checked(key, "")?; // says which keys there are
        }
        None
    } else {
        Some(settings::checked(key, value)?)
    };
    let mut conn = ctx.open()?;
    let changed = in_write_transaction(&mut conn, dry_run, |tx| {
        let before = settings::get(tx, key)?;
        let changed = match &value {
            Some(v) => {
                settings::set(tx, key, v)?;
                before.as_deref() != Some(v.as_str())
            }
            None => settings::unset(tx, key)?,
        };
        audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: if value.is_some() {
                    "settings set"
                } else {
                    "settings set (removed)"
                },
                person_id: None,
                affected: 0,
                details: Some(json!({"key": key, "changed": changed}).to_string()),
            },
        )?;
        Ok(changed)
    })?;
    let shown = value
        .as_deref()
        .or_else(|| settings::known(key).and_then(|k| k.default));
    crate::output::object(
        ctx.format,
        &[
            ("key", json!(key)),
            ("value", json!(shown)),
            ("is_default", json!(value.is_none())),
            ("changed", json!(changed)),
            ("dry_run", json!(dry_run)),
        ],
    )
}
