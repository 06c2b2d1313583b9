//! `smp-avg verify`: is the evidence intact? Both hash chains recomputed from the first
//! row, the triggers and views exactly as shipped, and the current state equal to the
//! newest records. Exit 0 when all holds, 1 naming the first problem.
use super::Context;
use crate::cli::Format;
use crate::db::integrity;
use crate::exit::Exit;
use crate::output::RowWriter;
use anyhow::Result;
use serde_json::json;

pub fn run(ctx: &Context) -> Result<Exit> {
    let conn = ctx.open()?;
    let report = integrity::verify(&conn, &ctx.db)?;
    match ctx.format {
        Format::Json => crate::output::json(&serde_json::to_value(&report)?)?,
        // A clean table run says so in one line below, not with an empty table.
        Format::Table if report.problems.is_empty() => {}
        format => {
            let mut out = RowWriter::stdout(format, &["table", "id", "problem"])?;
            for p in &report.problems {
                out.row(&[json!(p.table), json!(p.id), json!(p.problem)])?;
            }
            out.finish()?;
        }
    }
    match report.problems.first() {
        None => {
            if ctx.format == Format::Table {
                crate::output::text(&format!(
                    "verified: {} consent records and {} audit entries, schema and current state as smp-avg keeps them\n",
                    report.consent_records, report.audit_entries
                ))?;
            }
            Ok(Exit::Ok)
        }
        Some(p) => {
            eprintln!(
                "error: verify found {} problem{}; the first: {} {}: {}",
                report.problems.len(),
                if report.problems.len() == 1 { "" } else { "s" },
                p.table,
                p.id.map(|i| i.to_string()).unwrap_or_default(),
                crate::output::inert(&p.problem)
            );
            Ok(Exit::Failed)
        }
    }
}
