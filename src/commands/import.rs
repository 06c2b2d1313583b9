//! `smp-avg import persons|transactions|bounces FILE|-`: the whole file in one
//! transaction; every bad row reported as `line N: reason`, nothing written when any
//! row is bad.
use super::{Context, in_write_transaction};
use crate::cli::{ImportArgs, ImportKind};
use crate::db::audit;
use crate::import::{self, CsvSource, CsvTable};
use anyhow::Result;
use serde_json::{Value, json};

pub fn run(ctx: &Context, args: &ImportArgs) -> Result<()> {
    let mut conn = ctx.open()?;
    let source = CsvSource::read(&args.file)?;
    let fields: Vec<(&str, Value)> = in_write_transaction(&mut conn, args.dry_run, |tx| {
        let (command, affected, fields) = match args.kind {
            ImportKind::Persons => {
                let columns = import::persons::columns();
                let mut table = CsvTable::open(&source, &columns, &[])?;
                let done = import::persons::import(tx, &mut table)?;
                if !done.errors.is_empty() {
                    return Err(import::refuse(&source.name, &done.errors, "imported"));
                }
                (
                    "import persons",
                    done.inserted + done.updated,
                    vec![
                        ("inserted", json!(done.inserted)),
                        ("updated", json!(done.updated)),
                    ],
                )
            }
            ImportKind::Transactions => {
                let mut table = CsvTable::open(
                    &source,
                    import::transactions::COLUMNS,
                    &["person", "kind", "occurred_at"],
                )?;
                let done = import::transactions::import(tx, &mut table)?;
                if !done.errors.is_empty() {
                    return Err(import::refuse(&source.name, &done.errors, "imported"));
                }
                (
                    "import transactions",
                    done.inserted,
                    vec![("inserted", json!(done.inserted))],
                )
            }
            ImportKind::Bounces => {
                let mut table = CsvTable::open(&source, import::bounces::COLUMNS, &["email"])?;
                let done = import::bounces::import(tx, &mut table)?;
                if !done.errors.is_empty() {
                    return Err(import::refuse(&source.name, &done.errors, "imported"));
                }
                (
                    "import bounces",
                    done.marked,
                    vec![
                        ("rows", json!(done.rows)),
                        ("marked", json!(done.marked)),
                        ("already_bouncer", json!(done.already)),
                        ("unknown", json!(done.unknown)),
                    ],
                )
            }
        };
        audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command,
                person_id: None,
                affected: affected as i64,
                details: None,
            },
        )?;
        Ok(fields)
    })?;
    let mut fields = fields;
    fields.push(("dry_run", json!(args.dry_run)));
    crate::output::object(ctx.format, &fields)
}
