//! `smp-avg types list`: consent types and their automatic rules.
use super::Context;
use crate::cli::TypesCommand;
use crate::db::types;
use crate::output::RowWriter;
use anyhow::Result;
use serde_json::json;

pub fn run(ctx: &Context, cmd: &TypesCommand) -> Result<()> {
    match cmd {
        TypesCommand::List => list(ctx),
    }
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
