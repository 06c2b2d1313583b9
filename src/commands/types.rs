//! `smp-avg types list`: consent types and their automatic rules.
use super::{Context, in_write_transaction};
use crate::cli::{RuleArgs, TypesCommand};
use crate::db::{audit, queries, rules::SoftRule, types};
use crate::output::RowWriter;
use crate::rules::time;
use anyhow::{Result, bail};
use rusqlite::{Transaction, params};
use serde_json::json;

pub fn run(ctx: &Context, cmd: &TypesCommand) -> Result<()> {
    match cmd {
        TypesCommand::List => list(ctx),
        TypesCommand::Add {
            code,
            label,
            kind,
            rule,
            dry_run,
        } => add(ctx, code, label, kind, rule, *dry_run),
        TypesCommand::SetRule {
            code,
            rule,
            dry_run,
        } => {
            if rule.rule.is_none() {
                bail!("--rule SAVED_QUERY is required (to remove a rule: types clear-rule {code})");
            }
            set_rule(ctx, code, rule, *dry_run)
        }
        TypesCommand::ClearRule { code, dry_run } => clear_rule(ctx, code, *dry_run),
    }
}

/// Check a rule before it is stored: the saved query exists, reads only, returns ids.
fn check_rule(ctx: &Context, rule: &RuleArgs) -> Result<()> {
    if let Some(name) = &rule.rule {
        if !rule.rule_opt_in && !rule.rule_opt_out {
            bail!("a rule needs --rule-opt-in or --rule-opt-out");
        }
        if rule.rule_channel.trim().is_empty() {
            bail!("--rule-channel must not be empty");
        }
        let ro = ctx.open_readonly()?;
        let saved = queries::require(&ro, name)?;
        let checked = queries::check(&ro, &saved.sql)
            .map_err(|e| anyhow::anyhow!("saved query '{name}': {e:#}"))?;
        queries::check_returns_person_ids(&ro, &checked)?;
    }
    Ok(())
}

fn add(
    ctx: &Context,
    code: &str,
    label: &str,
    kind: &str,
    rule: &RuleArgs,
    dry_run: bool,
) -> Result<()> {
    if code.is_empty()
        || !code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
    {
        bail!("type code '{code}' may only hold lower-case letters, digits, _ and -");
    }
    if !types::KINDS.contains(&kind) {
        bail!("kind '{kind}' is not one of {}", types::KINDS.join(", "));
    }
    if label.trim().is_empty() {
        bail!("--label must not be empty");
    }
    ctx.open()?;
    check_rule(ctx, rule)?;
    change_type(ctx, code, "types add", dry_run, |tx| {
        if types::get(tx, code)?.is_some() {
            bail!("consent type '{code}' exists already");
        }
        tx.execute(
            "INSERT INTO consent_types (code, label, kind, rule_query, rule_opt_in, rule_channel, rule_description, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                code,
                label.trim(),
                kind,
                rule.rule,
                rule.rule.as_ref().map(|_| rule.rule_opt_in),
                rule.rule_channel.trim(),
                rule.rule_description,
                time::format_time(time::now())
            ],
        )?;
        Ok(())
    })
}

fn set_rule(ctx: &Context, code: &str, rule: &RuleArgs, dry_run: bool) -> Result<()> {
    types::require(&ctx.open()?, code)?;
    check_rule(ctx, rule)?;
    change_type(ctx, code, "types set-rule", dry_run, |tx| {
        tx.execute(
            "UPDATE consent_types SET rule_query = ?2, rule_opt_in = ?3, rule_channel = ?4, rule_description = ?5 WHERE code = ?1",
            params![code, rule.rule, rule.rule_opt_in, rule.rule_channel.trim(), rule.rule_description],
        )?;
        Ok(())
    })
}

fn clear_rule(ctx: &Context, code: &str, dry_run: bool) -> Result<()> {
    change_type(ctx, code, "types clear-rule", dry_run, |tx| {
        types::require(tx, code)?;
        tx.execute(
            "UPDATE consent_types SET rule_query = NULL, rule_opt_in = NULL, rule_description = NULL WHERE code = ?1",
            [code],
        )?;
        Ok(())
    })
}

/// One change to a consent type in one transaction, with its audit entry; prints the
/// type as it is (or, in a dry run, would be) afterwards.
fn change_type(
    ctx: &Context,
    code: &str,
    command: &str,
    dry_run: bool,
    change: impl FnOnce(&Transaction<'_>) -> Result<()>,
) -> Result<()> {
    let mut conn = ctx.open()?;
    let t = in_write_transaction(&mut conn, dry_run, |tx| {
        change(tx)?;
        audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command,
                person_id: None,
                affected: 0,
                details: None,
            },
        )?;
        types::require(tx, code)
    })?;
    show(ctx, &t, dry_run)
}

/// Print one type as `types list` does.
fn show(ctx: &Context, t: &types::ConsentType, dry_run: bool) -> Result<()> {
    if !dry_run {
        // A stored rule must still be usable.
        SoftRule::of(&ctx.open_readonly()?, t)?;
    }
    crate::output::object(
        ctx.format,
        &[
            ("code", json!(t.code)),
            ("label", json!(t.label)),
            ("kind", json!(t.kind)),
            ("rule", json!(t.rule)),
            ("rule_opt_in", json!(t.rule_opt_in)),
            ("rule_description", json!(t.rule_description)),
            ("dry_run", json!(dry_run)),
        ],
    )
}

fn list(ctx: &Context) -> Result<()> {
    let conn = ctx.open()?;
    let mut out = RowWriter::stdout(
        ctx.format,
        &[
            "code",
            "label",
            "kind",
            "rule",
            "rule_opt_in",
            "rule_description",
        ],
    )?;
    for t in types::list(&conn)? {
        out.row(&[
            json!(t.code),
            json!(t.label),
            json!(t.kind),
            json!(t.rule),
            json!(t.rule_opt_in),
            json!(t.rule_description),
        ])?;
    }
    out.finish()
}
