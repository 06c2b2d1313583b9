//! `smp-avg document add|list|get|remove`: documents held for a person (§1.8): deeds of
//! gift, agreements, letters. A kind with a retention period (`retention list`) is kept
//! by law: it cannot be removed before its period ends, and it is held (restricted, not
//! erased) when its person is anonymised.
use super::{Context, in_write_transaction};
use crate::cli::{DocumentCommand, Format};
use crate::db::{audit, documents, persons, retention, settings};
use crate::output::RowWriter;
use crate::rules::{time, validate};
use anyhow::{Context as _, Result, bail};
use serde_json::json;
use std::io::Read;

/// The largest document stored (the database holds the bytes).
const MAX_BYTES: u64 = 64 << 20;

pub fn run(ctx: &Context, cmd: &DocumentCommand) -> Result<()> {
    match cmd {
        DocumentCommand::Add {
            person,
            file,
            kind,
            date,
            dry_run,
        } => add(ctx, person, file, kind, *date, *dry_run),
        DocumentCommand::List { person } => list(ctx, person),
        DocumentCommand::Get { id, out } => get(ctx, *id, out),
        DocumentCommand::Remove {
            id,
            description,
            dry_run,
        } => remove(ctx, *id, description, *dry_run),
    }
}

fn fields(d: &documents::Document) -> Vec<(&'static str, serde_json::Value)> {
    vec![
        ("id", json!(d.id)),
        ("person_id", json!(d.person_id)),
        ("kind", json!(d.kind)),
        ("filename", json!(d.filename)),
        ("bytes", json!(d.bytes)),
        ("date", json!(d.date)),
        ("added_at", json!(d.added_at)),
        ("held_until", json!(d.held_until)),
    ]
}

fn add(
    ctx: &Context,
    person: &str,
    file: &std::path::Path,
    kind: &str,
    date: Option<chrono::NaiveDate>,
    dry_run: bool,
) -> Result<()> {
    let mut conn = ctx.open()?;
    let kind = kind.trim().to_lowercase();
    if !retention::document_kind_known(&conn, &kind)? {
        bail!(
            "'{kind}' is not a document kind (known: {}; `retention set KIND PERIOD --basis B` adds one)",
            retention::document_kinds(&conn)?.join(", ")
        );
    }
    let now = time::now();
    // The organisation's day: a deed added at 00:30 on 1 January is dated that year.
    let today = settings::day_of(&conn, now)?;
    let date = date.unwrap_or(today);
    if date > today + chrono::Duration::days(1) {
        bail!("--date: {date} is in the future");
    }
    let filename = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| anyhow::anyhow!("{}: not a file name", file.display()))?;
    validate::no_control_characters(&filename).context("the file's name")?;
    let meta = std::fs::metadata(file).with_context(|| format!("reading {}", file.display()))?;
    if !meta.is_file() {
        bail!("{}: not a regular file", file.display());
    }
    if meta.len() > MAX_BYTES {
        bail!(
            "{}: {} MB is more than the {} MB a document may be",
            file.display(),
            meta.len() >> 20,
            MAX_BYTES >> 20
        );
    }
    // The database itself (or one of its side files), or any SQLite database (a backup
    // copy of the CRM): everyone's data, never a document of one person, and an access
    // package would hand it out.
    if crate::output::file::Guard::new(&ctx.db, &[], false).is_protected_file(file) {
        bail!(
            "{} is the database or one of its files: not a document",
            file.display()
        );
    }
    let mut content = Vec::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(MAX_BYTES + 1).read_to_end(&mut content))
        .with_context(|| format!("reading {}", file.display()))?;
    if content.starts_with(b"SQLite format 3\0") {
        bail!(
            "{} is an SQLite database: not a document of one person (it may hold everyone's data)",
            file.display()
        );
    }
    let added_at = time::format_time(now);
    let date = date.format("%Y-%m-%d").to_string();
    let doc = in_write_transaction(&mut conn, dry_run, |tx| {
        let person_id = persons::resolve_active(tx, person)?;
        let doc = documents::add(
            tx,
            &documents::NewDocument {
                person_id,
                kind: &kind,
                filename: &filename,
                date: &date,
                added_at: &added_at,
                content: &content,
            },
        )?;
        audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "document add",
                person_id: Some(person_id),
                affected: 1,
                details: Some(
                    json!({"document_id": doc.id, "kind": kind, "bytes": doc.bytes}).to_string(),
                ),
            },
        )?;
        Ok(doc)
    })?;
    let mut out = fields(&doc);
    out.push(("dry_run", json!(dry_run)));
    crate::output::object(ctx.format, &out)
}

fn list(ctx: &Context, person: &str) -> Result<()> {
    let conn = ctx.open()?;
    let id = persons::resolve(&conn, person)?;
    let docs = documents::of_person(&conn, id)?;
    if ctx.format == Format::Json {
        return crate::output::json(&serde_json::to_value(&docs)?);
    }
    let columns = fields(docs.first().unwrap_or(&documents::Document {
        id: 0,
        person_id: 0,
        kind: String::new(),
        filename: String::new(),
        bytes: 0,
        date: None,
        added_at: String::new(),
        held_until: None,
    }))
    .into_iter()
    .map(|(k, _)| k)
    .collect::<Vec<_>>();
    let mut out = RowWriter::stdout(ctx.format, &columns)?;
    for d in &docs {
        out.row(&fields(d).into_iter().map(|(_, v)| v).collect::<Vec<_>>())?;
    }
    out.finish()
}

fn get(ctx: &Context, id: i64, out: &std::path::Path) -> Result<()> {
    let mut conn = ctx.open()?;
    let guard = ctx.file_guard(&[]);
    guard.check(out)?;
    let doc = documents::get(&conn, id)?;
    let content = documents::content(&conn, id)?;
    let restricted = restriction_notice(&conn, doc.person_id)?;
    let staged = crate::output::file::stage(&guard, out, &content)?;
    // A copy of a person's document given out is a processing of their data: recorded
    // when the file is there under its name.
    in_write_transaction(&mut conn, false, |tx| {
        audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "document get",
                person_id: Some(doc.person_id),
                affected: 1,
                details: Some(json!({"document_id": id}).to_string()),
            },
        )?;
        staged.place()
    })?;
    // Art. 18(2): the copy is out, but what it may be used for is limited; said once it
    // is there, on stderr (standard output stays the result).
    if let Some(notice) = restricted {
        crate::output::warning(&notice);
    }
    crate::output::object(
        ctx.format,
        &[
            ("id", json!(id)),
            ("person_id", json!(doc.person_id)),
            ("file", json!(out.display().to_string())),
            ("bytes", json!(content.len())),
        ],
    )
}

/// The warning for a copy of a document of a person whose processing is restricted
/// (Art. 18) or whose data a law holds (after an erasure, Art. 17(3)(b)): since when,
/// and until when the hold lasts; never the free text of the reason (it may say more
/// about the person than a terminal log should).
fn restriction_notice(conn: &rusqlite::Connection, person_id: i64) -> Result<Option<String>> {
    let p = persons::load(conn, person_id)?;
    let what = match (&p.restricted_at, &p.legal_hold_until) {
        (None, None) => return Ok(None),
        (Some(since), None) => format!("is restricted (since {since}, Art. 18(2))"),
        (Some(since), Some(until)) => format!(
            "is restricted (since {since}; under a legal hold until {until}, Art. 17(3)(b) and 18(2))"
        ),
        (None, Some(until)) => {
            format!("is under a legal hold until {until} (Art. 17(3)(b))")
        }
    };
    Ok(Some(format!(
        "person {person_id}'s processing {what}: use this document only for the legal claim or obligation it is held for"
    )))
}

fn remove(ctx: &Context, id: i64, description: &str, dry_run: bool) -> Result<()> {
    if description.trim().is_empty() {
        bail!("--description must say why the document is removed");
    }
    validate::no_control_characters(description)?;
    let mut conn = ctx.open()?;
    // Held until a day on the organisation's clock, and removable on that day there.
    let today = settings::day_of(&conn, time::now())?.to_string();
    let doc = in_write_transaction(&mut conn, dry_run, |tx| {
        let doc = documents::remove(tx, id, &today)?;
        let audit_id = audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "document remove",
                person_id: Some(doc.person_id),
                affected: 1,
                details: Some(json!({"document_id": id, "kind": doc.kind}).to_string()),
            },
        )?;
        audit::record_text(tx, audit_id, Some(doc.person_id), description.trim())?;
        Ok(doc)
    })?;
    let mut out = fields(&doc);
    out.push(("removed", json!(!dry_run)));
    out.push(("dry_run", json!(dry_run)));
    crate::output::object(ctx.format, &out)
}
