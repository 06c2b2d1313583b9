//! `smp-avg audit [--person PERSON] [--since TIME]`: the audit log, oldest first.
use super::Context;
use crate::cli::AuditArgs;
use crate::db::{audit, persons};
use crate::output::RowWriter;
use crate::rules::time;
use anyhow::Result;
use serde_json::json;

pub fn run(ctx: &Context, args: &AuditArgs) -> Result<()> {
    let conn = ctx.open()?;
    let person = args
        .person
        .as_deref()
        .map(|p| persons::resolve(&conn, p))
        .transpose()?;
    let since = args.since.map(time::format_time);
    let mut out = RowWriter::stdout(
        ctx.format,
        &[
            "id",
            "at",
            "operator",
            "account",
            "command",
            "person_id",
            "affected",
            "details",
        ],
    )?;
    for e in audit::list(&conn, person, since.as_deref())? {
        out.row(&[
            json!(e.id),
            json!(e.at),
            json!(e.operator),
            json!(e.account),
            json!(e.command),
            json!(e.person_id),
            json!(e.affected),
            json!(e.details),
        ])?;
    }
    out.finish()
}
