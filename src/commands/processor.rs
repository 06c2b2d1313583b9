//! `smp-avg processor add|list|remove|notified|todos`: processors and other recipients
//! (Art. 28 GDPR) and the notifications they are owed after an erasure, rectification or
//! restriction (Art. 19). The commands that make such a change call
//! `db::processors::notify` and show its to-dos with [`notify_value`].
use super::{Context, in_write_transaction};
use crate::cli::{Format, ProcessorCommand};
use crate::db::{audit, processors};
use crate::output::{self, RowWriter};
use anyhow::{Result, bail};
use serde_json::{Value, json};

pub fn run(ctx: &Context, cmd: &ProcessorCommand) -> Result<()> {
    match cmd {
        ProcessorCommand::Add {
            name,
            purpose,
            categories,
            agreement_date,
            contact,
            dry_run,
        } => {
            let name = text("NAME", name)?;
            let purpose = text("--purpose", purpose)?;
            let contact = contact
                .as_deref()
                .map(|c| text("--contact", c))
                .transpose()?;
            let agreement = agreement_date.map(|d| d.format("%Y-%m-%d").to_string());
            let mut conn = ctx.open()?;
            let p = in_write_transaction(&mut conn, *dry_run, |tx| {
                let id = processors::add(
                    tx,
                    &processors::NewProcessor {
                        name,
                        purpose,
                        categories,
                        agreement_date: agreement.as_deref(),
                        contact,
                    },
                )?;
                audit::record(
                    tx,
                    &audit::Entry {
                        operator: &ctx.operator,
                        command: "processor add",
                        person_id: None,
                        affected: 0,
                        details: Some(json!({"processor_id": id}).to_string()),
                    },
                )?;
                processors::get(tx, id)
            })?;
            if agreement_date.is_none() {
                eprintln!(
                    "warning: no --agreement-date: a processor needs a processing agreement (Art. 28(3))"
                );
            }
            show_one(ctx, &p, *dry_run)
        }
        ProcessorCommand::List { all } => {
            let conn = ctx.open()?;
            let mut out = RowWriter::stdout(ctx.format, COLUMNS)?;
            for p in processors::list(&conn, *all)? {
                out.row(&values(&p))?;
            }
            out.finish()
        }
        ProcessorCommand::Remove { id, dry_run } => {
            let mut conn = ctx.open()?;
            let p = in_write_transaction(&mut conn, *dry_run, |tx| {
                let p = processors::remove(tx, *id)?;
                audit::record(
                    tx,
                    &audit::Entry {
                        operator: &ctx.operator,
                        command: "processor remove",
                        person_id: None,
                        affected: 0,
                        details: Some(json!({"processor_id": id}).to_string()),
                    },
                )?;
                Ok(p)
            })?;
            if p.open_todos > 0 {
                eprintln!(
                    "warning: processor {} still has {} open notification(s): they stay open until done (processor todos)",
                    p.id, p.open_todos
                );
            }
            show_one(ctx, &p, *dry_run)
        }
        ProcessorCommand::Notified { todo_id, dry_run } => {
            let mut conn = ctx.open()?;
            let t = in_write_transaction(&mut conn, *dry_run, |tx| {
                let t = processors::notified(tx, *todo_id, &ctx.operator)?;
                audit::record(
                    tx,
                    &audit::Entry {
                        operator: &ctx.operator,
                        command: "processor notified",
                        person_id: t.person_id,
                        affected: 1,
                        details: Some(
                            json!({"todo_id": t.id, "processor_id": t.processor_id}).to_string(),
                        ),
                    },
                )?;
                Ok(t)
            })?;
            let mut fields: Vec<(&str, Value)> = TODO_COLUMNS
                .iter()
                .copied()
                .zip(todo_values(ctx.format, &t, &[]))
                .collect();
            fields.push(("dry_run", json!(dry_run)));
            output::object(ctx.format, &fields)
        }
        ProcessorCommand::Todos { all } => {
            let conn = ctx.open()?;
            let mut out = RowWriter::stdout(ctx.format, TODO_COLUMNS)?;
            for t in processors::todos(&conn, *all)? {
                let subjects = processors::subjects(&conn, t.id)?;
                out.row(&todo_values(ctx.format, &t, &subjects))?;
            }
            out.finish()
        }
    }
}

fn text<'a>(what: &str, value: &'a str) -> Result<&'a str> {
    let v = value.trim();
    if v.is_empty() {
        bail!("{what} must not be empty");
    }
    crate::rules::validate::no_control_characters(v).map_err(|e| anyhow::anyhow!("{what}: {e}"))?;
    Ok(v)
}

const COLUMNS: &[&str] = &[
    "id",
    "name",
    "purpose",
    "categories",
    "agreement_date",
    "contact",
    "added_at",
    "removed_at",
    "open_todos",
];

fn values(p: &processors::Processor) -> Vec<Value> {
    vec![
        json!(p.id),
        json!(p.name),
        json!(p.purpose),
        json!(p.categories),
        json!(p.agreement_date),
        json!(p.contact),
        json!(p.added_at),
        json!(p.removed_at),
        json!(p.open_todos),
    ]
}

fn show_one(ctx: &Context, p: &processors::Processor, dry_run: bool) -> Result<()> {
    let mut fields: Vec<(&str, Value)> = COLUMNS.iter().copied().zip(values(p)).collect();
    fields.push(("dry_run", json!(dry_run)));
    output::object(ctx.format, &fields)
}

const TODO_COLUMNS: &[&str] = &[
    "id",
    "processor_id",
    "processor",
    "person_id",
    "change",
    "categories",
    "audit_id",
    "created_at",
    "done_at",
    "done_by",
    "subjects",
];

/// A to-do's fields, with whom it concerns: in JSON a list of `{email, name, phone}`;
/// in a table or CSV one cell, `jan@example.nl (Jan de Vries); …`.
fn todo_values(
    format: Format,
    t: &processors::Todo,
    subjects: &[processors::Subject],
) -> Vec<Value> {
    let subjects = if format == Format::Json {
        json!(subjects)
    } else {
        json!(
            subjects
                .iter()
                .map(|s| {
                    let mut parts: Vec<String> = Vec::new();
                    if let Some(e) = &s.email {
                        parts.push(e.clone());
                    }
                    if let Some(n) = &s.name {
                        parts.push(if parts.is_empty() {
                            n.clone()
                        } else {
                            format!("({n})")
                        });
                    }
                    if let Some(p) = &s.phone {
                        parts.push(p.clone());
                    }
                    parts.join(" ")
                })
                .collect::<Vec<_>>()
                .join("; ")
        )
    };
    vec![
        json!(t.id),
        json!(t.processor_id),
        json!(t.processor),
        json!(t.person_id),
        json!(t.change),
        json!(t.categories),
        json!(t.audit_id),
        json!(t.created_at),
        json!(t.done_at),
        json!(t.done_by),
        subjects,
    ]
}

/// The `notify` of a command's output: in JSON the contract's `[{todo_id, processor}]`
/// (with the processor's id and the categories concerned); in a table or CSV one line,
/// `to-do 3: Laposta (name, email); …`, or `none`.
pub fn notify_value(format: Format, notify: &[processors::Notify]) -> Value {
    if format == Format::Json {
        return json!(notify);
    }
    if notify.is_empty() {
        return json!("none");
    }
    json!(
        notify
            .iter()
            .map(|n| format!(
                "to-do {}: {} ({})",
                n.todo_id,
                n.processor,
                n.categories.replace(',', ", ")
            ))
            .collect::<Vec<_>>()
            .join("; ")
    )
}
