//! Saved queries ("zoekvragen", §1.3) and SQL typed by operators. Such SQL can never
//! write: it is checked by SQLite itself on a read-only connection (opened read-only,
//! `query_only`, an authorizer that allows reading only, `Statement::readonly`), and
//! when a saved query is embedded in a write of our own (a rule, a recorded mailing),
//! the writing connection carries an authorizer that allows writes to the few tables
//! that statement needs and nothing else.
use crate::rules::time::format_time;
use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// A saved query.
#[derive(Debug, Clone, Serialize)]
pub struct SavedQuery {
    pub name: String,
    pub sql: String,
    pub description: Option<String>,
}

/// SQL that passed the read-only check, with its column names.
#[derive(Debug, Clone)]
pub struct CheckedSql {
    pub sql: String,
    pub columns: Vec<String>,
}

/// Check operator SQL on the read-only connection: one statement, it compiles, it only
/// reads. A trailing `;` is allowed.
pub fn check(ro: &Connection, sql: &str) -> Result<CheckedSql> {
    let trimmed = sql.trim().trim_end_matches(';').trim_end();
    if trimmed.is_empty() {
        bail!("the SQL is empty");
    }
    let stmt = ro.prepare(trimmed).map_err(|e| match e {
        rusqlite::Error::MultipleStatement => {
            anyhow::anyhow!("the SQL holds more than one statement: give exactly one SELECT")
        }
        rusqlite::Error::SqliteFailure(f, Some(msg))
            if f.code == rusqlite::ErrorCode::AuthorizationForStatementDenied =>
        {
            anyhow::anyhow!("the SQL would do more than read ({msg}): only SELECT is allowed")
        }
        rusqlite::Error::SqlInputError { msg, offset, .. } => {
            anyhow::anyhow!("the SQL does not compile: {msg} (at character {offset})")
        }
        other => anyhow::anyhow!("the SQL does not compile: {other}"),
    })?;
    if !stmt.readonly() {
        bail!("the SQL would write: only SELECT is allowed");
    }
    let columns: Vec<String> = stmt.column_names().map(str::to_string).collect();
    if columns.is_empty() {
        bail!("the SQL returns no columns: a query returns person ids in its first column");
    }
    Ok(CheckedSql {
        sql: trimmed.to_string(),
        columns,
    })
}

/// `WITH <name>(person_id, c2, …) AS (<sql>)`: the checked SQL as a CTE whose first
/// column is called person_id, whatever the query called it.
pub fn as_cte(name: &str, checked: &CheckedSql) -> String {
    let mut cols = vec!["person_id".to_string()];
    cols.extend((2..=checked.columns.len()).map(|i| format!("c{i}")));
    // The closing parenthesis on a line of its own: a query that ends in a `--`
    // comment must not comment it out.
    format!("{name}({}) AS ({}\n)", cols.join(", "), checked.sql)
}

/// A saved query must return person ids: every value of its first column must be the
/// id of a person. Returns the number of rows.
pub fn check_returns_person_ids(ro: &Connection, checked: &CheckedSql) -> Result<i64> {
    let sql = format!(
        "WITH {} SELECT count(*), sum(q.person_id IS NULL OR NOT EXISTS (SELECT 1 FROM persons p WHERE p.id = q.person_id)),
                (SELECT q2.person_id FROM q q2 WHERE q2.person_id IS NULL OR NOT EXISTS (SELECT 1 FROM persons p WHERE p.id = q2.person_id) LIMIT 1)
         FROM q",
        as_cte("q", checked)
    );
    let (rows, bad, example): (i64, Option<i64>, Option<rusqlite::types::Value>) = ro
        .query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .context("running the query")?;
    if bad.unwrap_or(0) > 0 {
        bail!(
            "the first column must be a person id, but {} of {rows} values are not (e.g. {})",
            bad.unwrap_or(0),
            describe_value(example.as_ref())
        );
    }
    Ok(rows)
}

/// A value named in an error without showing it: it may be a person's data.
fn describe_value(v: Option<&rusqlite::types::Value>) -> String {
    use rusqlite::types::Value;
    match v {
        None | Some(Value::Null) => "an empty value".into(),
        Some(Value::Integer(i)) => format!("{i}, which is no person's id"),
        Some(Value::Real(_)) => "a number with decimals".into(),
        Some(Value::Text(t)) if t.contains('@') => "an e-mail address".into(),
        Some(Value::Text(_)) => "a text".into(),
        Some(Value::Blob(_)) => "a blob".into(),
    }
}

/// As [`check_returns_person_ids`] on the first `limit` rows only: cheap enough to run
/// before every rule application, and enough to catch a query that was changed to
/// return something else (e-mail addresses, names).
pub fn check_sample_is_person_ids(ro: &Connection, checked: &CheckedSql, limit: i64) -> Result<()> {
    let sql = format!(
        "WITH {} SELECT count(*), (SELECT s2.person_id FROM sample s2 WHERE s2.person_id IS NULL OR NOT EXISTS (SELECT 1 FROM persons p WHERE p.id = s2.person_id) LIMIT 1),
                sum(s.person_id IS NULL OR NOT EXISTS (SELECT 1 FROM persons p WHERE p.id = s.person_id))
         FROM sample s",
        format_args!("{}, sample AS (SELECT person_id FROM q LIMIT {limit})", as_cte("q", checked))
    );
    let (rows, example, bad): (i64, Option<rusqlite::types::Value>, Option<i64>) = ro
        .query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .context("running the query")?;
    if bad.unwrap_or(0) > 0 {
        bail!(
            "the query no longer returns person ids in its first column ({} of the first {rows} values are not, e.g. {}): fix the saved query",
            bad.unwrap_or(0),
            describe_value(example.as_ref())
        );
    }
    Ok(())
}

/// True when a name follows the seed's convention `<org> - <yyyymmdd> - <function> - <description>`.
pub fn follows_convention(name: &str) -> bool {
    let parts: Vec<&str> = name.splitn(4, " - ").collect();
    parts.len() == 4
        && parts.iter().all(|p| !p.trim().is_empty())
        && parts[1].len() == 8
        && parts[1].bytes().all(|b| b.is_ascii_digit())
        && chrono::NaiveDate::parse_from_str(parts[1], "%Y%m%d").is_ok()
}

/// Store a saved query (replace only when asked).
pub fn save(
    conn: &Connection,
    name: &str,
    sql: &str,
    description: Option<&str>,
    replace: bool,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    if get(conn, name)?.is_some() && !replace {
        bail!("a saved query named '{name}' exists: use --replace to overwrite it");
    }
    conn.execute(
        "INSERT INTO saved_queries (name, sql, description, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (name) DO UPDATE SET sql = excluded.sql, description = excluded.description,
             created_at = excluded.created_at, created_by = excluded.created_by",
        params![name, sql, description, format_time(now), operator],
    )
    .context("saving the query")?;
    Ok(())
}

/// One saved query.
pub fn get(conn: &Connection, name: &str) -> Result<Option<SavedQuery>> {
    conn.query_row(
        "SELECT name, sql, description FROM saved_queries WHERE name = ?1",
        [name],
        |r| {
            Ok(SavedQuery {
                name: r.get(0)?,
                sql: r.get(1)?,
                description: r.get(2)?,
            })
        },
    )
    .optional()
    .context("reading the saved query")
}

/// One saved query, or an error.
pub fn require(conn: &Connection, name: &str) -> Result<SavedQuery> {
    get(conn, name)?
        .ok_or_else(|| anyhow::anyhow!("no saved query named '{name}' (see `smp-avg query list`)"))
}

/// All saved queries, by name.
pub fn list(conn: &Connection) -> Result<Vec<SavedQuery>> {
    let mut stmt =
        conn.prepare("SELECT name, sql, description FROM saved_queries ORDER BY name")?;
    let rows = stmt
        .query_map([], |r| {
            Ok(SavedQuery {
                name: r.get(0)?,
                sql: r.get(1)?,
                description: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading saved queries")?;
    Ok(rows)
}

/// The one authorizer of operator SQL. On the read-only connection (`writable` None)
/// it allows reading and nothing else: no write, `ATTACH`, `PRAGMA`, `VACUUM INTO` or
/// transaction control. On our own writing connection, while a saved query is embedded
/// in a statement of ours (a rule, a recorded mailing), it also allows transaction
/// control, value-less PRAGMAs that rusqlite reads itself, and writes to the `writable`
/// tables, and nothing else.
pub fn authorize(ctx: AuthContext<'_>, writable: Option<&[&str]>) -> Authorization {
    match ctx.action {
        // The key of the suppression list stays out of reach.
        AuthAction::Read {
            table_name: "secrets",
            ..
        } => Authorization::Deny,
        AuthAction::Select | AuthAction::Read { .. } | AuthAction::Recursive => {
            Authorization::Allow
        }
        AuthAction::Function { function_name } => {
            let name = function_name.to_ascii_lowercase();
            if name == "load_extension" || name.starts_with("fts3_tokenizer") {
                Authorization::Deny
            } else {
                Authorization::Allow
            }
        }
        AuthAction::Transaction { .. } | AuthAction::Savepoint { .. } if writable.is_some() => {
            Authorization::Allow
        }
        AuthAction::Pragma {
            pragma_value: None, ..
        } if writable.is_some() => Authorization::Allow,
        AuthAction::Insert { table_name }
        | AuthAction::Update { table_name, .. }
        | AuthAction::Delete { table_name }
            if writable
                .is_some_and(|w| w.contains(&table_name) || SEAL_WRITES.contains(&table_name)) =>
        {
            Authorization::Allow
        }
        _ => Authorization::Deny,
    }
}

/// What sealing the chains writes at the end of every writing command (`db::ledger`).
const SEAL_WRITES: &[&str] = &["consent_chain", "audit_log"];

/// Install, on a writing connection, the authorizer of [`authorize`] with the tables
/// the statement of ours may write.
pub fn guard_writes(conn: &mut Connection, writable: &'static [&'static str]) -> Result<()> {
    conn.authorizer(Some(move |ctx: AuthContext<'_>| {
        authorize(ctx, Some(writable))
    }))?;
    Ok(())
}

/// Set when a time limit stopped a statement (see [`set_deadline`]), with the limit.
static STOPPED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The default limit of operator SQL (`query`), in seconds.
pub const QUERY_TIMEOUT: u64 = 60;
/// The default limit of the rules of `run-soft-optins`, in seconds.
pub const RULE_TIMEOUT: u64 = 600;

/// Put a time limit of `seconds` on every statement `conn` runs from now on (operator
/// SQL, a rule's query): a progress handler stops the statement once the limit has
/// passed, so that an unbounded `WITH RECURSIVE` cannot hang the nightly run or hold
/// the write lock. The error it causes is explained by [`stopped_message`].
pub fn set_deadline(conn: &mut Connection, seconds: u64) -> Result<()> {
    use std::sync::atomic::Ordering;
    let until = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    // Every 10,000 virtual machine steps: cheap, and late by milliseconds at most.
    conn.progress_handler(
        10_000,
        Some(move || {
            let late = std::time::Instant::now() >= until;
            if late {
                STOPPED.store(seconds.max(1), Ordering::Relaxed);
            }
            late
        }),
    )?;
    Ok(())
}

/// The one-line reason to show when a time limit stopped a statement of this process.
pub fn stopped_message() -> Option<String> {
    match STOPPED.load(std::sync::atomic::Ordering::Relaxed) {
        0 => None,
        s => Some(format!(
            "stopped after {s} s: the SQL ran longer than its time limit (--timeout {s}); nothing was changed. Bound the query (a LIMIT, a condition in the recursive part) or give a larger --timeout"
        )),
    }
}
