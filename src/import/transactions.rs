//! Importing transactions (the standard transactional model, §1.11).
//!
//! Importing the same file again, or an export that overlaps an earlier one, adds
//! nothing twice: a row equal to a transaction already in the database (same person,
//! kind, time and amount, and the same description when the file has that column) is
//! a duplicate, skipped and counted. Equal rows within one file are real (two tickets
//! bought together): the n-th equal row of a file is a duplicate only when the database
//! held at least n such transactions before the import.
use super::{CsvTable, RowError, RowLog};
use crate::db::{persons, transactions};
use crate::rules::{time, validate};
use anyhow::Result;

/// The columns of a transactions file.
pub const COLUMNS: &[&str] = &["person", "kind", "occurred_at", "description", "amount"];
/// The kinds of the transactional model.
pub const KINDS: &[&str] = &["product", "ticket", "loan", "donation"];

/// What a transactions import did (or would do).
#[derive(Debug)]
pub struct TransactionsImported {
    pub inserted: u64,
    /// Rows equal to a transaction the database held before: skipped.
    pub duplicates: u64,
    pub errors: RowLog,
}

/// A row whose fields all passed.
struct Checked {
    person_id: i64,
    kind: String,
    occurred_at: String,
    description: Option<String>,
    amount: String,
}

/// Every field of a row checked; every bad one named (`person: …; amount: …`).
fn check_row(
    conn: &rusqlite::Connection,
    row: &super::CsvRow,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Checked, String> {
    let mut problems: Vec<String> = Vec::new();
    let person = match row.get("person") {
        None => Err("missing".to_string()),
        Some(p) => persons::resolve_active(conn, p).map_err(|e| format!("{e:#}")),
    }
    .map_err(|e| problems.push(format!("person: {e}")))
    .ok();
    let kind = match row.get("kind").map(str::to_lowercase) {
        None => Err("missing".to_string()),
        Some(k) if KINDS.contains(&k.as_str()) => Ok(k),
        Some(k) => Err(format!(
            "'{}' is not one of {}",
            crate::output::inert_line(&k),
            KINDS.join(", ")
        )),
    }
    .map_err(|e| problems.push(format!("kind: {e}")))
    .ok();
    let occurred_at = match row.get("occurred_at") {
        None => Err("missing".to_string()),
        Some(at) => match time::parse_time(at) {
            Err(e) => Err(e.to_string()),
            // A date far ahead (31-12-9999) would keep the person from every sweep.
            Ok(at) if at > now + chrono::Duration::days(1) => {
                Err(format!("{} is in the future", time::format_time(at)))
            }
            Ok(at) => Ok(time::format_time(at)),
        },
    }
    .map_err(|e| problems.push(format!("occurred_at: {e}")))
    .ok();
    let description = row.get("description");
    if let Some(d) = description
        && let Err(e) = validate::no_control_characters(d)
    {
        problems.push(format!("description: {e}"));
    }
    let amount = match row.get("amount") {
        Some(a) => validate::amount(a)
            .map_err(|e| problems.push(format!("amount: {e}")))
            .ok(),
        None => Some("0.00".to_string()),
    };
    match (person, kind, occurred_at, amount) {
        (Some(person_id), Some(kind), Some(occurred_at), Some(amount)) if problems.is_empty() => {
            Ok(Checked {
                person_id,
                kind,
                occurred_at,
                description: description.map(str::to_string),
                amount,
            })
        }
        _ => Err(problems.join("; ")),
    }
}

/// Import every row. Without `set_aside`, nothing is written once a bad row is seen (the
/// caller rolls back) but checking goes on, so that every bad row is reported.
pub fn import(
    conn: &rusqlite::Connection,
    table: &mut CsvTable,
    now: chrono::DateTime<chrono::Utc>,
    set_aside: bool,
) -> Result<TransactionsImported> {
    let mut out = TransactionsImported {
        inserted: 0,
        duplicates: 0,
        errors: RowLog::rejected(conn)?,
    };
    // The transactions the database held before this import end below this id.
    let before = transactions::next_id(conn)?;
    let mut seen = transactions::SeenInFile::new(conn)?;
    let mut compare_description: Option<bool> = None;
    while let Some(row) = table.next_row()? {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                out.errors.push(conn, e)?;
                continue;
            }
        };
        let with_description = *compare_description.get_or_insert_with(|| row.has("description"));
        let c = match check_row(conn, &row, now) {
            Ok(c) => c,
            Err(reason) => {
                out.errors.push(conn, RowError::new(&row, reason))?;
                continue;
            }
        };
        let t = transactions::Transaction {
            person_id: c.person_id,
            kind: &c.kind,
            occurred_at: &c.occurred_at,
            description: c.description.as_deref(),
            amount: &c.amount,
        };
        if seen.is_duplicate(conn, &t, with_description, before)? {
            out.duplicates += 1;
            continue;
        }
        if !out.errors.is_empty() && !set_aside {
            continue; // nothing will be written: only keep checking
        }
        transactions::insert(conn, &t)?;
        out.inserted += 1;
    }
    Ok(out)
}
