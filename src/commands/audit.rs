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
    // A table shows the typed text in the details cell (one column less on a narrow
    // terminal); JSON and CSV give it a field of its own.
    let table = ctx.format == crate::cli::Format::Table;
    let columns: &[&str] = &[
        "id",
        "at",
        "operator",
        "account",
        "command",
        "person_id",
        "affected",
        "details",
        "text",
    ];
    let mut out = RowWriter::stdout(
        ctx.format,
        if table {
            &columns[..columns.len() - 1]
        } else {
            columns
        },
    )?;
    for e in audit::list(&conn, person, since.as_deref())? {
        let mut row = vec![
            json!(e.id),
            json!(e.at),
            json!(e.operator),
            json!(e.account),
            json!(e.command),
            json!(e.person_id),
            json!(e.affected),
        ];
        if table {
            row.push(json!(match (&e.details, &e.text) {
                (Some(d), Some(t)) => format!("{d} {t}"),
                (Some(d), None) => d.clone(),
                (None, Some(t)) => t.clone(),
                (None, None) => String::new(),
            }));
        } else {
            row.push(json!(e.details));
            row.push(json!(e.text));
        }
        out.row(&row)?;
    }
    out.finish()
}
