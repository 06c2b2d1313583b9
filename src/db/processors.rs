//! Processors and other recipients (Art. 28, 30(1)(d) GDPR) and what they must be told
//! (Art. 19): after an erasure, rectification or restriction, one to-do per processor
//! whose categories of data the change touches. A to-do names the person by id; an
//! erasure's also keeps what the processor needs to find the erased person (e-mail,
//! name, phone of the categories it received) until it is marked done.
use crate::rules::time;
use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

/// The changes a processor is told of.
pub const CHANGES: &[&str] = &[
    "erasure",
    "rectification",
    "restriction",
    "restriction_lifted",
];

/// A processor.
#[derive(Debug, Clone, Serialize)]
pub struct Processor {
    pub id: i64,
    pub name: String,
    pub purpose: String,
    /// Codes of `register::CATEGORIES`, comma-separated.
    pub categories: String,
    pub agreement_date: Option<String>,
    pub contact: Option<String>,
    pub added_at: String,
    pub removed_at: Option<String>,
    /// Notifications still to be done.
    pub open_todos: i64,
}

impl Processor {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Processor {
            id: r.get("id")?,
            name: r.get("name")?,
            purpose: r.get("purpose")?,
            categories: r.get("categories")?,
            agreement_date: r.get("agreement_date")?,
            contact: r.get("contact")?,
            added_at: r.get("added_at")?,
            removed_at: r.get("removed_at")?,
            open_todos: r.get("open_todos")?,
        })
    }
}

const SELECT: &str = "SELECT p.id, p.name, p.purpose, p.categories, p.agreement_date, p.contact,
        p.added_at, p.removed_at,
        (SELECT count(*) FROM processor_todos t WHERE t.processor_id = p.id AND t.done_at IS NULL) AS open_todos
    FROM processors p";

/// A processor to add.
#[derive(Debug, Clone)]
pub struct NewProcessor<'a> {
    pub name: &'a str,
    pub purpose: &'a str,
    /// Normalised by `register::parse_categories`, not empty.
    pub categories: &'a str,
    /// yyyy-mm-dd
    pub agreement_date: Option<&'a str>,
    pub contact: Option<&'a str>,
}

/// Add a processor; returns its id. Two current processors cannot share a name.
pub fn add(conn: &Connection, p: &NewProcessor<'_>) -> Result<i64> {
    if p.categories.is_empty() {
        bail!("--categories: name at least one category of data");
    }
    let taken: Option<i64> = conn
        .query_row(
            "SELECT id FROM processors WHERE name = ?1 COLLATE NOCASE AND removed_at IS NULL",
            [p.name],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = taken {
        bail!("a processor named '{}' exists (id {id})", p.name);
    }
    conn.execute(
        "INSERT INTO processors (name, purpose, categories, agreement_date, contact, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            p.name,
            p.purpose,
            p.categories,
            p.agreement_date,
            p.contact,
            time::format_time(time::now())
        ],
    )
    .context("adding the processor")?;
    Ok(conn.last_insert_rowid())
}

/// One processor (removed ones too).
pub fn get(conn: &Connection, id: i64) -> Result<Processor> {
    conn.query_row(
        &format!("{SELECT} WHERE p.id = ?1"),
        [id],
        Processor::from_row,
    )
    .optional()
    .context("reading the processor")?
    .ok_or_else(|| anyhow::anyhow!("no processor with id {id}"))
}

/// The current processors, or with `all` the removed ones too, by id.
pub fn list(conn: &Connection, all: bool) -> Result<Vec<Processor>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE ?1 OR p.removed_at IS NULL ORDER BY p.id"
    ))?;
    let rows = stmt
        .query_map([all], Processor::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the processors")?;
    Ok(rows)
}

/// End a processor: it stays in the history (and its open to-dos stay open: what it
/// received must still be erased or corrected there), but is told of nothing new.
pub fn remove(conn: &Connection, id: i64) -> Result<Processor> {
    let p = get(conn, id)?;
    if let Some(at) = &p.removed_at {
        bail!("processor {id} was already removed at {at}: nothing changed");
    }
    conn.execute(
        "UPDATE processors SET removed_at = ?2 WHERE id = ?1",
        params![id, time::format_time(time::now())],
    )
    .context("removing the processor")?;
    get(conn, id)
}

/// A notification to-do made by [`notify`]: the contract's `{todo_id, processor}`.
#[derive(Debug, Clone, Serialize)]
pub struct Notify {
    pub todo_id: i64,
    pub processor: String,
    pub processor_id: i64,
    /// The categories of the change this processor receives.
    pub categories: String,
}

/// Record one to-do per current processor whose categories meet `categories` (codes):
/// it must be told of `change` (one of [`CHANGES`]) to the person (`None`: the persons
/// of the audit entry, e.g. a retention sweep) made by the command of `audit_id`.
pub fn notify(
    conn: &Connection,
    person_id: Option<i64>,
    categories: &[&str],
    change: &str,
    audit_id: i64,
) -> Result<Vec<Notify>> {
    if !CHANGES.contains(&change) {
        bail!("'{change}' is not a change processors are told of");
    }
    if categories.is_empty() {
        return Ok(Vec::new());
    }
    let wanted = serde_json::to_string(categories)?;
    // The categories each processor receives of this change, in the order of the change.
    let mut stmt = conn.prepare(
        "WITH touched AS (
             SELECT p.id, p.name, (
                 SELECT group_concat(c.value, ',') FROM json_each(?1) c
                 WHERE instr(',' || p.categories || ',', ',' || c.value || ',') > 0
             ) AS categories
             FROM processors p WHERE p.removed_at IS NULL)
         SELECT id, name, categories FROM touched WHERE categories IS NOT NULL ORDER BY id",
    )?;
    let touched = stmt
        .query_map([&wanted], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("finding the processors to notify")?;
    let at = time::format_time(time::now());
    let mut insert = conn.prepare(
        "INSERT INTO processor_todos (processor_id, person_id, change, categories, audit_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut out = Vec::with_capacity(touched.len());
    for (processor_id, name, cats) in touched {
        insert
            .execute(params![processor_id, person_id, change, cats, audit_id, at])
            .context("recording the notification to-do")?;
        out.push(Notify {
            todo_id: conn.last_insert_rowid(),
            processor: name,
            processor_id,
            categories: cats,
        });
    }
    Ok(out)
}

/// Before an erasure: what the processors will need to find each selected person
/// (`temp.anonymise_ids`) in their own systems, read while we still hold it.
pub fn capture_subjects(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.erasure_subjects;
         CREATE TEMP TABLE erasure_subjects AS
         SELECT p.id AS person_id,
                nullif(trim(p.email), '') AS email,
                nullif(trim(coalesce(p.first_name || ' ', '') || coalesce(p.infix || ' ', '') || coalesce(p.last_name, '')), '') AS name,
                nullif(trim(coalesce(p.mobile, '') || CASE WHEN p.mobile IS NOT NULL AND p.phone IS NOT NULL THEN '; ' ELSE '' END || coalesce(p.phone, '')), '') AS phone
         FROM persons p
         WHERE p.id IN (SELECT id FROM temp.anonymise_ids) AND p.anonymised_at IS NULL;",
    )
    .context("noting whom the processors must erase")?;
    Ok(())
}

/// After an erasure: give each erasure to-do of `notify` the persons it concerns, as
/// [`capture_subjects`] read them, with only what that processor received (its
/// e-mail, name, phone categories): it cannot erase what it cannot find, and it is told
/// nothing it did not have. Returns how many were attached.
pub fn attach_subjects(conn: &Connection, notify: &[Notify]) -> Result<u64> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO processor_todo_subjects (todo_id, email, name, phone)
         SELECT ?1, CASE WHEN ?2 THEN email END, CASE WHEN ?3 THEN name END, CASE WHEN ?4 THEN phone END
         FROM temp.erasure_subjects
         WHERE coalesce(CASE WHEN ?2 THEN email END, CASE WHEN ?3 THEN name END,
                        CASE WHEN ?4 THEN phone END) IS NOT NULL
         ORDER BY person_id",
    )?;
    let mut n = 0u64;
    for todo in notify {
        let has = |c: &str| todo.categories.split(',').any(|x| x.trim() == c);
        n += insert
            .execute(params![
                todo.todo_id,
                has("email"),
                has("name"),
                has("phone")
            ])
            .context("noting whom the processor must erase")? as u64;
    }
    Ok(n)
}

/// Whom a to-do concerns, while it is open (an erasure's).
#[derive(Debug, Clone, Serialize)]
pub struct Subject {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// The persons to-do `id` concerns (see [`attach_subjects`]).
pub fn subjects(conn: &Connection, id: i64) -> Result<Vec<Subject>> {
    let mut stmt = conn.prepare_cached(
        "SELECT email, name, phone FROM processor_todo_subjects WHERE todo_id = ?1 ORDER BY rowid",
    )?;
    let rows = stmt
        .query_map([id], |r| {
            Ok(Subject {
                email: r.get(0)?,
                name: r.get(1)?,
                phone: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading whom the to-do concerns")?;
    Ok(rows)
}

/// A notification to-do.
#[derive(Debug, Clone, Serialize)]
pub struct Todo {
    pub id: i64,
    pub processor_id: i64,
    pub processor: String,
    pub person_id: Option<i64>,
    pub change: String,
    pub categories: String,
    pub audit_id: i64,
    pub created_at: String,
    pub done_at: Option<String>,
    pub done_by: Option<String>,
}

impl Todo {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Todo {
            id: r.get("id")?,
            processor_id: r.get("processor_id")?,
            processor: r.get("processor")?,
            person_id: r.get("person_id")?,
            change: r.get("change")?,
            categories: r.get("categories")?,
            audit_id: r.get("audit_id")?,
            created_at: r.get("created_at")?,
            done_at: r.get("done_at")?,
            done_by: r.get("done_by")?,
        })
    }
}

const SELECT_TODO: &str = "SELECT t.id, t.processor_id, p.name AS processor, t.person_id, t.change,
        t.categories, t.audit_id, t.created_at, t.done_at, t.done_by
    FROM processor_todos t JOIN processors p ON p.id = t.processor_id";

/// The to-dos still open, or with `all` every one, oldest first.
pub fn todos(conn: &Connection, all: bool) -> Result<Vec<Todo>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT_TODO} WHERE ?1 OR t.done_at IS NULL ORDER BY t.id"
    ))?;
    let rows = stmt
        .query_map([all], Todo::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the notification to-dos")?;
    Ok(rows)
}

/// One to-do.
pub fn todo(conn: &Connection, id: i64) -> Result<Todo> {
    conn.query_row(
        &format!("{SELECT_TODO} WHERE t.id = ?1"),
        [id],
        Todo::from_row,
    )
    .optional()
    .context("reading the notification to-do")?
    .ok_or_else(|| anyhow::anyhow!("no notification to-do with id {id}"))
}

/// Mark a to-do done: the processor was told.
pub fn notified(conn: &Connection, id: i64, operator: &str) -> Result<Todo> {
    let t = todo(conn, id)?;
    if let Some(at) = &t.done_at {
        bail!("to-do {id} was already marked done at {at}: nothing changed");
    }
    conn.execute(
        "UPDATE processor_todos SET done_at = ?2, done_by = ?3 WHERE id = ?1",
        params![id, time::format_time(time::now()), operator],
    )
    .context("marking the to-do done")?;
    // The processor was told: our last copy of whom it concerned goes.
    conn.execute(
        "DELETE FROM processor_todo_subjects WHERE todo_id = ?1",
        [id],
    )
    .context("erasing whom the to-do concerned")?;
    todo(conn, id)
}
