//! `smp-avg types list|add|set-rule|clear-rule`: consent types (§1.2) and their
//! automatic rules (§1.3, §1.4).
use super::{Context, in_write_transaction};
use crate::cli::{RuleArgs, TypesCommand};
use crate::db::{audit, queries, rules::SoftRule, types};
use crate::output::RowWriter;
use crate::rules::time;
use anyhow::{Result, bail};
use rusqlite::Transaction;
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
        } => add(ctx, code, label, kind.code(), rule, *dry_run),
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

/// The rule of the flags, checked before it is stored: the saved query exists, reads
/// only, returns person ids.
fn checked_rule<'a>(ctx: &Context, rule: &'a RuleArgs) -> Result<Option<types::NewRule<'a>>> {
    let Some(name) = &rule.rule else {
        return Ok(None);
    };
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
    Ok(Some(types::NewRule {
        query: name,
        opt_in: rule.rule_opt_in,
        channel: rule.rule_channel.trim(),
        description: rule.rule_description.as_deref(),
    }))
}

fn add(
    ctx: &Context,
    code: &str,
    label: &str,
    kind: &str,
    rule: &RuleArgs,
    dry_run: bool,
) -> Result<()> {
    if !types::valid_code(code) {
        bail!("type code '{code}' may only hold lower-case letters, digits, _ and -");
    }
    if label.trim().is_empty() {
        bail!("--label must not be empty");
    }
    ctx.open()?;
    let rule = checked_rule(ctx, rule)?;
    let warned = warn_newsletter_soft_optin(kind, rule.as_ref());
    let created_at = time::format_time(time::now());
    change_type(ctx, code, "types add", dry_run, warned, |tx| {
        types::insert(
            tx,
            &types::NewType {
                code,
                label: label.trim(),
                kind,
                rule,
                created_at: &created_at,
            },
        )
    })
}

fn set_rule(ctx: &Context, code: &str, rule: &RuleArgs, dry_run: bool) -> Result<()> {
    let t = types::require(&ctx.open()?, code)?;
    let Some(rule) = checked_rule(ctx, rule)? else {
        bail!("--rule SAVED_QUERY is required");
    };
    let warned = warn_newsletter_soft_optin(&t.kind, Some(&rule));
    change_type(ctx, code, "types set-rule", dry_run, warned, |tx| {
        types::set_rule(tx, code, &rule)
    })
}

fn clear_rule(ctx: &Context, code: &str, dry_run: bool) -> Result<()> {
    change_type(ctx, code, "types clear-rule", dry_run, false, |tx| {
        types::require(tx, code)?;
        types::clear_rule(tx, code)
    })
}

/// A soft opt-in for a commercial newsletter is lawful only for existing customers and
/// similar products of one's own (Telecommunicatiewet art. 11.7): say so when a
/// newsletter type gets an opt-in rule. Returns whether it was said (for the audit).
fn warn_newsletter_soft_optin(kind: &str, rule: Option<&types::NewRule<'_>>) -> bool {
    let warn = kind == "newsletter" && rule.is_some_and(|r| r.opt_in);
    if warn {
        eprintln!(
            "warning: a soft opt-in for a commercial newsletter is only lawful for existing customers, for similar products or services of your own, with a way to opt out in every mailing (Telecommunicatiewet art. 11.7); check that the rule's saved query selects only those"
        );
    }
    warn
}

/// One change to a consent type in one transaction, with its audit entry; prints the
/// type as it is (or, in a dry run, would be) afterwards.
fn change_type(
    ctx: &Context,
    code: &str,
    command: &str,
    dry_run: bool,
    newsletter_warning: bool,
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
                details: newsletter_warning
                    .then(|| json!({"warning": "soft_optin_newsletter"}).to_string()),
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
