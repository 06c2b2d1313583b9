//! `smp-avg retention list|set`: how long data is kept, per purpose. `marketing` is the
//! period after the active relation ends that `anonymise --inactive-for` uses unless
//! given; `transactions` and each document kind with a period are legal retention
//! (held, restricted, after erasure until it ends).
use super::{Context, in_write_transaction};
use crate::cli::RetentionCommand;
use crate::db::{audit, retention};
use crate::output::RowWriter;
use crate::rules::period::RetentionPeriod;
use crate::rules::time;
use anyhow::{Result, bail};
use serde_json::json;

pub fn run(ctx: &Context, cmd: &RetentionCommand) -> Result<()> {
    match cmd {
        RetentionCommand::List => {
            let conn = ctx.open()?;
            let mut out = RowWriter::stdout(ctx.format, &["category", "period", "basis"])?;
            for r in retention::list(&conn)? {
                out.row(&[json!(r.category), json!(r.period), json!(r.basis)])?;
            }
            out.finish()
        }
        RetentionCommand::Set {
            category,
            period,
            basis,
            allow_short_period,
            dry_run,
        } => {
            if period.is_short() && !allow_short_period {
                bail!(
                    "{period} is less than a year: a typo would erase or drop too much; add --allow-short-period if you mean it"
                );
            }
            if let Some(b) = basis {
                if b.trim().is_empty() {
                    bail!("--basis must say why the data is kept this long");
                }
                crate::rules::validate::no_control_characters(b)?;
            }
            set(ctx, category, *period, basis.as_deref(), *dry_run)
        }
    }
}

/// A basis justifies the period it was recorded with: a shorter period under the same
/// basis would have the sweep delete what that basis says to keep (`schenkingsakte 2y`
/// under "art. 52 AWR", seven years). The period a basis came with is the default's
/// while the basis is still the default's (db::defaults: the law's seven years), else
/// the current period (the one it was last given or kept with). A shorter period needs
/// a new basis: `--basis`, other than the current. Returns whether the basis changes.
///
/// `marketing` is not a legal retention but the longest the organisation keeps data
/// after the relation ends (data minimisation, Art. 5(1)(e)): keeping it shorter never
/// breaks a law, so it needs no new basis (under a year still needs
/// `--allow-short-period`).
fn check_basis(
    conn: &rusqlite::Connection,
    category: &str,
    period: RetentionPeriod,
    basis: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool> {
    let Some(current) = retention::list(conn)?
        .into_iter()
        .find(|r| r.category == category)
    else {
        return Ok(false);
    };
    if basis.is_some_and(|b| b != current.basis.trim()) {
        return Ok(true);
    }
    if category == retention::MARKETING {
        return Ok(false);
    }
    let default = crate::db::defaults::RETENTION
        .iter()
        .find(|(c, _, b)| *c == category && *b == current.basis)
        .map(|(_, p, _)| *p);
    let came_with = RetentionPeriod::parse(default.unwrap_or(&current.period))?;
    if period.shorter_than(came_with, now) {
        bail!(
            "{period} is shorter than the {came_with} its basis \"{}\" keeps {category} for: give the new basis for the shorter period with --basis B (or keep {came_with})",
            crate::output::inert_line(&current.basis)
        );
    }
    Ok(false)
}

fn set(
    ctx: &Context,
    category: &str,
    period: RetentionPeriod,
    basis: Option<&str>,
    dry_run: bool,
) -> Result<()> {
    let mut conn = ctx.open()?;
    let category = category.trim().to_lowercase();
    let old = in_write_transaction(&mut conn, dry_run, |tx| {
        let basis_changed = check_basis(tx, &category, period, basis.map(str::trim), time::now())?;
        let old = retention::set(tx, &category, period, basis.map(str::trim))?;
        audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "retention set",
                person_id: None,
                affected: 0,
                details: Some(
                    json!({"category": category, "period": period.to_string(), "was": old, "basis_changed": basis_changed})
                        .to_string(),
                ),
            },
        )?;
        Ok(old)
    })?;
    crate::output::object(
        ctx.format,
        &[
            ("category", json!(category)),
            ("period", json!(period.to_string())),
            ("was", json!(old)),
            ("dry_run", json!(dry_run)),
        ],
    )
}
