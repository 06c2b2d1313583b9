//! `smp-avg query …`: audiences (§1.12), saved queries (§1.3) and ad-hoc read-only SQL.
use super::presets::{self, AudienceRow};
use super::{Context, in_write_transaction};
use crate::cli::{AudiencePreset, Format, QueryCommand};
use crate::db::{audience, audit, mailings, queries, types};
use crate::output::RowWriter;
use crate::rules::time;
use anyhow::{Context as _, Result, bail};
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use serde_json::{Value, json};
use std::io::Read;

/// The most SQL read from standard input (`query sql -`): a query, not a data file.
const MAX_STDIN_SQL: u64 = 1 << 20;

pub fn run(ctx: &Context, cmd: &QueryCommand) -> Result<()> {
    match cmd {
        QueryCommand::Audience {
            kind,
            within,
            record_mailing,
            channel,
            dry_run,
            preset,
            explain,
            timeout,
        } => audience(
            ctx,
            &Audience {
                kind,
                within: within.as_deref(),
                record_mailing: record_mailing.as_deref(),
                channel,
                dry_run: *dry_run,
                preset: *preset,
                explain: explain.as_deref(),
                timeout: *timeout,
            },
        ),
        QueryCommand::Run { name, timeout } => {
            let conn = ctx.open()?;
            let saved = queries::require(&conn, name)?;
            drop(conn);
            sql(ctx, &saved.sql, *timeout)
        }
        QueryCommand::List => list(ctx),
        QueryCommand::Save {
            name,
            sql,
            description,
            replace,
            dry_run,
        } => save(
            ctx,
            name,
            &sql_text(sql)?,
            description.as_deref(),
            *replace,
            *dry_run,
        ),
        QueryCommand::Sql { sql: text, timeout } => sql(ctx, &sql_text(text)?, *timeout),
    }
}

/// The SQL of an argument: as given, or standard input for `-`.
fn sql_text(arg: &str) -> Result<String> {
    if arg != "-" {
        return Ok(arg.to_string());
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(MAX_STDIN_SQL + 1)
        .read_to_end(&mut bytes)
        .context("reading the SQL from standard input")?;
    if bytes.len() as u64 > MAX_STDIN_SQL {
        bail!("the SQL on standard input is longer than 1 MiB: give one SELECT statement");
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("the SQL on standard input is not UTF-8 text"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    if text.trim().is_empty() {
        bail!("no SQL on standard input");
    }
    Ok(text)
}

/// Column names made unique (`id`, `id_2`): a JSON object keeps one value per key, so
/// `SELECT p.id, t.id` would otherwise lose the first.
fn unique_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let mut candidate = name.to_string();
        let mut n = 1;
        while out.contains(&candidate) {
            n += 1;
            candidate = format!("{name}_{n}");
        }
        out.push(candidate);
    }
    out
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
    let columns = unique_names(stmt.column_names());
    let names: Vec<&str> = columns.iter().map(String::as_str).collect();
    let mut rows = stmt.query(bind)?;
    // The first row (or the end) before the header: a statement that fails at once
    // prints nothing but the error.
    let mut next = rows.next()?;
    let mut out = RowWriter::stdout(ctx.format, &names)?;
    while let Some(r) = next {
        let values: Vec<Value> = (0..columns.len())
            .map(|i| r.get_ref(i).map(cell))
            .collect::<rusqlite::Result<_>>()?;
        out.row(&values)?;
        next = rows.next()?;
    }
    let n = out.count();
    out.finish()?;
    Ok(n)
}

/// Stream audience rows (`person_id, first_name, infix, last_name, email`) as a preset.
fn stream_preset(
    conn: &Connection,
    preset: AudiencePreset,
    sql: &str,
    bind: &[&dyn rusqlite::ToSql],
) -> Result<u64> {
    let (columns, dialect) = presets::columns(preset);
    let mut out = RowWriter::stdout_csv(columns, dialect)?;
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(bind)?;
    while let Some(r) = rows.next()? {
        let row = AudienceRow {
            person_id: r.get("person_id")?,
            first_name: r.get("first_name")?,
            infix: r.get("infix")?,
            last_name: r.get("last_name")?,
            email: r.get("email")?,
        };
        out.row(&presets::row(preset, &row))?;
    }
    let n = out.count();
    out.finish()?;
    Ok(n)
}

fn sql(ctx: &Context, text: &str, timeout: u64) -> Result<()> {
    ctx.open()?; // the contract's missing-database message, and the schema check
    let ro = ctx.open_readonly_for(timeout)?;
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

/// The flags of `query audience`.
struct Audience<'a> {
    kind: &'a str,
    within: Option<&'a str>,
    record_mailing: Option<&'a str>,
    channel: &'a str,
    dry_run: bool,
    preset: Option<AudiencePreset>,
    explain: Option<&'a str>,
    timeout: u64,
}

fn audience(ctx: &Context, a: &Audience<'_>) -> Result<()> {
    if a.preset.is_some() && ctx.format == Format::Json {
        bail!("--preset writes CSV for the tool it names: leave out --format json");
    }
    let mut conn = ctx.open()?;
    let ro = ctx.open_readonly_for(a.timeout)?;
    types::require(&conn, a.kind)?;
    let within = match a.within {
        Some(name) => {
            let saved = queries::require(&conn, name)?;
            let checked = queries::check(&ro, &saved.sql)
                .map_err(|e| anyhow::anyhow!("saved query '{name}': {e:#}"))?;
            // A query changed to return addresses would narrow the audience to nobody,
            // silently: check that it still returns person ids.
            queries::check_sample_is_person_ids(&ro, &checked, 1000)
                .map_err(|e| anyhow::anyhow!("saved query '{name}': {e:#}"))?;
            Some(checked)
        }
        None => None,
    };
    if let Some(person) = a.explain {
        let id = crate::db::persons::resolve(&conn, person)?;
        return explain_person(ctx, &ro, a.kind, id, within.as_ref());
    }
    let sql = audience::sql(within.as_ref());
    let emit = |conn: &Connection, sql: &str, bind: &[&dyn rusqlite::ToSql]| -> Result<u64> {
        match a.preset {
            Some(p) => stream_preset(conn, p, sql, bind),
            None => stream(ctx, conn, sql, bind),
        }
    };
    let Some(name) = a.record_mailing else {
        // Reading only: the whole audience runs on the read-only connection.
        emit(&ro, &sql, &[&a.kind])?;
        return Ok(());
    };
    let (name, channel) = (name.trim(), a.channel.trim());
    if name.is_empty() || channel.is_empty() {
        bail!("--record-mailing and --channel must not be empty");
    }
    let sent_at = time::now();
    // "Today" is the organisation's day: a mailing at 00:30 and one at 09:00 in
    // Amsterdam are the same day's, whatever the date in UTC.
    let tz = crate::db::settings::time_zone(&conn)?;
    let today = time::day_span(time::local_date(sent_at, tz), tz);
    let earlier = mailings::named_within(&conn, name, &today)?;
    if let Some((id, at)) = earlier.first() {
        let said = format!(
            "a mailing named '{name}' was recorded today already (contact moment {id}, at {at}{})",
            if earlier.len() > 1 {
                format!(", and {} more", earlier.len() - 1)
            } else {
                String::new()
            }
        );
        crate::output::warning(&said);
        if !a.dry_run {
            ctx.confirm(&format!(
                "Record mailing '{name}' again, as a second contact moment"
            ))?;
        }
    }
    queries::guard_writes(&mut conn, audience::WRITES)?;
    queries::set_deadline(&mut conn, a.timeout)?;
    let sent_at = time::format_time(sent_at);
    let (id, recipients) = in_write_transaction(&mut conn, a.dry_run, |tx| {
        let (id, recipients) = audience::record_mailing(tx, name, channel, a.kind, &sent_at, &sql)?;
        audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "query audience --record-mailing",
                person_id: None,
                affected: recipients as i64,
                details: Some(json!({"contact_moment_id": id, "type": a.kind}).to_string()),
            },
        )?;
        // The recipients as recorded, from inside the same transaction.
        emit(tx, audience::RECIPIENTS_SQL, &[&id])?;
        Ok((id, recipients))
    })?;
    if a.dry_run {
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

/// `query audience --explain PERSON`: the verdict and its reasons.
fn explain_person(
    ctx: &Context,
    ro: &Connection,
    kind: &str,
    person_id: i64,
    within: Option<&queries::CheckedSql>,
) -> Result<()> {
    let e = audience::explain(ro, kind, person_id, within)?;
    match ctx.format {
        crate::cli::Format::Json => crate::output::json(&serde_json::to_value(&e)?),
        format => {
            let mut out =
                RowWriter::stdout(format, &["person_id", "in_audience", "code", "detail"])?;
            for r in &e.reasons {
                out.row(&[
                    json!(e.person_id),
                    json!(e.in_audience),
                    json!(r.code),
                    json!(r.detail),
                ])?;
            }
            out.finish()
        }
    }
}
