//! `smp-avg query …`: audiences (§1.12), saved queries (§1.3) and ad-hoc read-only SQL.
use super::{Context, in_write_transaction};
use crate::cli::QueryCommand;
use crate::db::{audience, audit, queries, types};
use crate::output::RowWriter;
use crate::rules::time;
use anyhow::{Result, bail};
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use serde_json::{Value, json};

pub fn run(ctx: &Context, cmd: &QueryCommand) -> Result<()> {
    match cmd {
        QueryCommand::Audience {
            kind,
            within,
            record_mailing,
            channel,
            dry_run,
        } => audience(
            ctx,
            kind,
            within.as_deref(),
            record_mailing.as_deref(),
            channel,
            *dry_run,
        ),
        QueryCommand::Run { name } => {
            let conn = ctx.open()?;
            let saved = queries::require(&conn, name)?;
            drop(conn);
            sql(ctx, &saved.sql)
        }
        QueryCommand::List => list(ctx),
        QueryCommand::Save {
            name,
            sql,
            description,
            replace,
            dry_run,
        } => save(ctx, name, sql, description.as_deref(), *replace, *dry_run),
        QueryCommand::Sql { sql: text } => sql(ctx, text),
    }
}

fn cell(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => json!(i),
        ValueRef::Real(f) => json!(f),
        ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
        ValueRef::Blob(b) => json!(format!("<{} bytes>", b.len())),
    }
}

/// Run checked SQL on a connection and stream its rows.
fn stream(
    ctx: &Context,
    conn: &Connection,
    sql: &str,
    bind: &[&dyn rusqlite::ToSql],
) -> Result<u64> {
    let mut stmt = conn.prepare(sql)?;
    let columns: Vec<String> = stmt.column_names().map(str::to_string).collect();
    let names: Vec<&str> = columns.iter().map(String::as_str).collect();
    let mut out = RowWriter::stdout(ctx.format, &names)?;
    let mut rows = stmt.query(bind)?;
    while let Some(r) = rows.next()? {
        let values: Vec<Value> = (0..columns.len())
            .map(|i| r.get_ref(i).map(cell))
            .collect::<rusqlite::Result<_>>()?;
        out.row(&values)?;
    }
    let n = out.count();
    out.finish()?;
    Ok(n)
}

fn sql(ctx: &Context, text: &str) -> Result<()> {
    ctx.open()?; // the contract's missing-database message, and the schema check
    let ro = ctx.open_readonly()?;
    let checked = queries::check(&ro, text)?;
    stream(ctx, &ro, &checked.sql, &[])?;
    Ok(())
}

fn list(ctx: &Context) -> Result<()> {
    let conn = ctx.open()?;
    let mut out = RowWriter::stdout(ctx.format, &["name", "sql", "description"])?;
    for q in queries::list(&conn)? {
        out.row(&[json!(q.name), json!(q.sql), json!(q.description)])?;
    }
    out.finish()
}

fn save(
    ctx: &Context,
    name: &str,
    text: &str,
    description: Option<&str>,
    replace: bool,
    dry_run: bool,
) -> Result<()> {
    if name.trim().is_empty() {
        bail!("the name of a saved query must not be empty");
    }
    let mut conn = ctx.open()?;
    let ro = ctx.open_readonly()?;
    let checked = queries::check(&ro, text)?;
    let rows = queries::check_returns_person_ids(&ro, &checked)?;
    let follows = queries::follows_convention(name);
    if !follows {
        crate::output::warning(&format!(
            "'{name}' does not follow the naming convention '<org> - <yyyymmdd> - <function> - <description>' (e.g. 'SMP - {} - Selectie - Nieuwsbrief jongeren')",
            chrono::Utc::now().format("%Y%m%d")
        ));
    }
    in_write_transaction(&mut conn, dry_run, |tx| {
        queries::save(
            tx,
            name,
            &checked.sql,
            description,
            replace,
            &ctx.operator,
            time::now(),
        )?;
        audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "query save",
                person_id: None,
                affected: 0,
                details: None,
            },
        )
    })?;
    crate::output::object(
        ctx.format,
        &[
            ("name", json!(name)),
            ("columns", json!(checked.columns)),
            ("rows", json!(rows)),
            ("follows_convention", json!(follows)),
            ("dry_run", json!(dry_run)),
        ],
    )
}

fn audience(
    ctx: &Context,
    kind: &str,
    within: Option<&str>,
    record_mailing: Option<&str>,
    channel: &str,
    dry_run: bool,
) -> Result<()> {
    let mut conn = ctx.open()?;
    let ro = ctx.open_readonly()?;
    types::require(&conn, kind)?;
    let within = match within {
        Some(name) => {
            let saved = queries::require(&conn, name)?;
            Some(
                queries::check(&ro, &saved.sql)
                    .map_err(|e| anyhow::anyhow!("saved query '{name}': {e:#}"))?,
            )
        }
        None => None,
    };
    let sql = audience::sql(within.as_ref());
    let Some(name) = record_mailing else {
        // Reading only: the whole audience runs on the read-only connection.
        stream(ctx, &ro, &sql, &[&kind])?;
        return Ok(());
    };
    if name.trim().is_empty() || channel.trim().is_empty() {
        bail!("--record-mailing and --channel must not be empty");
    }
    queries::guard_writes(&mut conn, audience::WRITES)?;
    let sent_at = time::format_time(time::now());
    let (id, recipients) = in_write_transaction(&mut conn, dry_run, |tx| {
        let (id, recipients) =
            audience::record_mailing(tx, name.trim(), channel.trim(), kind, &sent_at, &sql)?;
        audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "query audience --record-mailing",
                person_id: None,
                affected: recipients as i64,
                details: Some(json!({"contact_moment_id": id, "type": kind}).to_string()),
            },
        )?;
        // The recipients as recorded, from inside the same transaction.
        stream(ctx, tx, audience::RECIPIENTS_SQL, &[&id])?;
        Ok((id, recipients))
    })?;
    if dry_run {
        crate::output::note(&format!(
            "dry run: mailing '{name}' not recorded ({recipients} recipients)"
        ));
    } else {
        crate::output::note(&format!(
            "contact moment {id} recorded: '{name}', {recipients} recipients"
        ));
    }
    Ok(())
}
