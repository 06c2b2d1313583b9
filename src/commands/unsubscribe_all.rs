//! `smp-avg unsubscribe-all --person P`: "Persoon volledig uitschrijven" (§1.7). An
//! opt-out for every consent type, profiling included, and the person's scores deleted,
//! in one transaction.
use super::{Context, in_write_transaction};
use crate::cli::UnsubscribeAllArgs;
use crate::db::{audit, consent, persons, scores, suppression};
use crate::rules::time;
use anyhow::{Result, bail};
use serde_json::json;

pub fn run(ctx: &Context, args: &UnsubscribeAllArgs) -> Result<()> {
    if let Err(e) = consent::check_given_channel(&args.channel) {
        bail!("--channel: {e}");
    }
    let mut conn = ctx.open()?;
    let person_id = persons::resolve_active(&conn, &args.person)?;
    let at = time::format_time(time::now());
    let work = |tx: &rusqlite::Transaction<'_>| -> Result<(u64, u64, bool, Option<i64>)> {
        persons::require_not_anonymised(tx, person_id)?;
        let source = consent::hand_source(tx, args.channel.trim(), None, Some(&args.description))?;
        let inserted = consent::opt_out_of_everything(
            tx,
            person_id,
            args.channel.trim(),
            &args.description,
            &at,
            source,
        )?;
        let deleted = scores::delete_for(tx, person_id)?;
        // A lasting objection: no rule grants them anything from now on, whatever type
        // is made later; and the address goes on the suppression list, so that a later
        // import of the same address is not mailed either.
        persons::record_objection(tx, person_id, &at, args.channel.trim(), &args.description)?;
        let suppressed =
            suppression::add_person(tx, person_id, "unsubscribed_all", &at, "unsubscribe-all")?;
        let audit_id = audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "unsubscribe-all",
                person_id: Some(person_id),
                affected: inserted as i64,
                details: Some(
                    json!({"scores_deleted": deleted, "suppressed": suppressed}).to_string(),
                ),
            },
        )?;
        // Issue 14: this answers the person's oldest open objection request.
        let answered = crate::db::requests::answer(tx, person_id, &["objection"], audit_id)?;
        Ok((inserted, deleted, suppressed, answered))
    };
    if !args.dry_run && !ctx.yes {
        // The question names the person and says what will happen: the same work as a
        // dry run first.
        let (opt_outs, scores, _, _) = in_write_transaction(&mut conn, true, work)?;
        let who = ctx.describe_person(&conn, person_id);
        ctx.confirm_with(
            &format!(
                "Unsubscribe {who} from everything: {opt_outs} opt-out{} (one per consent type not opted out yet), {scores} profiling score{} deleted?",
                if opt_outs == 1 { "" } else { "s" },
                if scores == 1 { "" } else { "s" },
            ),
            &format!("unsubscribe person {person_id} from every consent type"),
        )?;
    }
    let (inserted, deleted, suppressed, answered) =
        in_write_transaction(&mut conn, args.dry_run, work)?;
    crate::output::object(
        ctx.format,
        &[
            ("person_id", json!(person_id)),
            ("inserted", json!(inserted)),
            ("scores_deleted", json!(deleted)),
            ("objected_at", json!(at)),
            ("suppressed", json!(suppressed)),
            ("answered_request", json!(answered)),
            ("dry_run", json!(args.dry_run)),
        ],
    )
}
