//! `smp-avg run-soft-optins [--type T] [--dry-run]`: every consent type's automatic rule,
//! in one transaction, one INSERT … SELECT per rule (§1.2–§1.4). What cron runs nightly.
//! The write lock is taken before anything is read, so two runs started at the same
//! moment never insert a record twice: the second waits, then finds nothing to do.
use super::{Context, in_write_transaction};
use crate::cli::RunSoftOptinsArgs;
use crate::db::{audit, queries, rules::SoftRule, types};
use crate::output::RowWriter;
use crate::rules::time;
use anyhow::Result;
use serde_json::json;

pub fn run(ctx: &Context, args: &RunSoftOptinsArgs) -> Result<()> {
    let mut conn = ctx.open()?;
    let ro = ctx.open_readonly_for(args.timeout)?;
    let selected: Vec<types::ConsentType> = match &args.kind {
        Some(code) => vec![types::require(&conn, code)?],
        None => types::list(&conn)?,
    };
    // Check every rule's saved query before writing anything.
    let mut rules = Vec::new();
    for t in &selected {
        if let Some(rule) = SoftRule::of(&ro, t)? {
            rules.push(rule);
        } else if args.kind.is_some() {
            anyhow::bail!("consent type {} has no rule", t.code);
        }
    }
    queries::guard_writes(&mut conn, crate::db::rules::WRITES)?;
    // A rule's query that never ends must not hold the write lock for ever.
    queries::set_deadline(&mut conn, args.timeout)?;
    let now = time::format_time(time::now());
    let bar = super::progress(rules.len() as u64, "soft opt-ins");
    let results = in_write_transaction(&mut conn, args.dry_run, |tx| {
        let mut results = Vec::new();
        for rule in &rules {
            bar.set_message(format!("rule of {}", rule.kind));
            let inserted = rule.apply(tx, &now)?;
            results.push((rule, inserted));
            bar.inc(1);
        }
        let total: u64 = results.iter().map(|(_, n)| n).sum();
        audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "run-soft-optins",
                person_id: None,
                affected: total as i64,
                details: Some(
                    json!({"rules": results.iter().map(|(r, n)| json!({"type": r.kind, "opt_in": r.opt_in, "inserted": n})).collect::<Vec<_>>()})
                        .to_string(),
                ),
            },
        )?;
        Ok(results)
    })?;
    bar.finish_and_clear();
    let mut out = RowWriter::stdout(
        ctx.format,
        &["type", "opt_in", "inserted", "rule", "dry_run"],
    )?;
    for (rule, inserted) in results {
        out.row(&[
            json!(rule.kind),
            json!(rule.opt_in),
            json!(inserted),
            json!(rule.query_name),
            json!(args.dry_run),
        ])?;
    }
    out.finish()
}
