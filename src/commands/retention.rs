//! `smp-avg retention list|set`: how long data is kept, per purpose. `marketing` is the
//! period after the active relation ends that `anonymise --inactive-for` uses unless
//! given; `transactions` and each document kind with a period are legal retention
//! (held, restricted, after erasure until it ends).
use super::{Context, in_write_transaction};
use crate::cli::RetentionCommand;
use crate::db::{audit, retention};
use crate::output::RowWriter;
use crate::rules::period::RetentionPeriod;
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
                crate::rules::validate::no_control_characters(b)?;
            }
            set(ctx, category, *period, basis.as_deref(), *dry_run)
        }
    }
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
        let old = retention::set(tx, &category, period, basis.map(str::trim))?;
        audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "retention set",
                person_id: None,
                affected: 0,
                details: Some(
                    json!({"category": category, "period": period.to_string(), "was": old})
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
