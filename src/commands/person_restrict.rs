//! `smp-avg person restrict PERSON --reason R | --lift`: restriction of processing
//! (Art. 18 GDPR). A restricted person is kept but in no audience, rule, profiling run
//! or sweep. Restricting answers the person's oldest open restriction request; both
//! restricting and lifting give every processor that receives the person's data a
//! notification to-do (Art. 19; Art. 18(3) asks to tell the person before lifting).
use super::{Context, in_write_transaction};
use crate::cli::PersonRestrictArgs;
use crate::db::{audit, persons, processors, register, requests, restriction};
use crate::output;
use crate::rules::{time, validate};
use anyhow::{Result, bail};
use serde_json::json;

pub fn run(ctx: &Context, args: &PersonRestrictArgs) -> Result<()> {
    let reason = match (&args.reason, args.lift) {
        (Some(r), false) => {
            let r = r.trim();
            if r.is_empty() {
                bail!("--reason must not be empty");
            }
            validate::no_control_characters(r).map_err(|e| anyhow::anyhow!("--reason: {e}"))?;
            Some(r)
        }
        (None, true) => None,
        _ => bail!("give either --reason or --lift"),
    };
    let now = time::format_time(time::now());
    let mut conn = ctx.open()?;
    let (id, since, answered, notify) = in_write_transaction(&mut conn, args.dry_run, |tx| {
        let id = persons::resolve_active(tx, &args.person)?;
        let since = match reason {
            Some(r) => {
                restriction::restrict(tx, id, r, &now)?;
                now.clone()
            }
            None => restriction::lift(tx, id)?,
        };
        let audit_id = audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: if reason.is_some() {
                    "person restrict"
                } else {
                    "person restrict --lift"
                },
                person_id: Some(id),
                affected: 1,
                details: None,
            },
        )?;
        let categories = register::person_categories(tx, id)?;
        let (answered, change) = match reason {
            Some(_) => (
                requests::answer(tx, id, &["restriction"], audit_id)?,
                "restriction",
            ),
            None => (None, "restriction_lifted"),
        };
        let notify = processors::notify(tx, Some(id), &categories, change, audit_id)?;
        Ok((id, since, answered, notify))
    })?;
    output::object(
        ctx.format,
        &[
            ("person_id", json!(id)),
            ("restricted", json!(reason.is_some())),
            (
                if reason.is_some() {
                    "restricted_at"
                } else {
                    "restricted_since"
                },
                json!(since),
            ),
            ("answered_request", json!(answered)),
            (
                "notify",
                super::processor::notify_value(ctx.format, &notify),
            ),
            ("dry_run", json!(args.dry_run)),
        ],
    )
}
