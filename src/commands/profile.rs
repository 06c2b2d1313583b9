//! `smp-avg profile run`: the profiling calculations (§1.2, §1.7), for cron.
use super::{Context, in_write_transaction};
use crate::cli::ProfileCommand;
use crate::db::{audit, scores};
use crate::rules::time;
use anyhow::Result;
use serde_json::json;

pub fn run(ctx: &Context, cmd: &ProfileCommand) -> Result<()> {
    let ProfileCommand::Run { dry_run } = cmd;
    let mut conn = ctx.open()?;
    let bar = super::spinner("computing scores");
    let done = in_write_transaction(&mut conn, *dry_run, |tx| {
        let done = scores::recompute(tx, time::now())?;
        audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "profile run",
                person_id: None,
                affected: done.scored as i64,
                details: Some(json!({"removed": done.removed}).to_string()),
            },
        )?;
        Ok(done)
    })?;
    bar.finish_and_clear();
    crate::output::object(
        ctx.format,
        &[
            ("scored", json!(done.scored)),
            ("removed", json!(done.removed)),
            ("dry_run", json!(dry_run)),
        ],
    )
}
