//! Importing transactions (the standard transactional model, §1.11).
use super::{CsvTable, RowError, RowLog};
use crate::db::persons;
use crate::rules::{time, validate};
use anyhow::Result;
use rusqlite::{Connection, params};

/// The columns of a transactions file.
pub const COLUMNS: &[&str] = &["person", "kind", "occurred_at", "description", "amount"];
/// The kinds of the transactional model.
pub const KINDS: &[&str] = &["product", "ticket", "loan", "donation"];

/// What a transactions import did (or would do).
#[derive(Debug)]
pub struct TransactionsImported {
    pub inserted: u64,
    pub errors: RowLog,
}

/// Import every row. Without `set_aside`, nothing is written once a bad row is seen (the
/// caller rolls back) but checking goes on, so that every bad row is reported.
pub fn import(
    conn: &Connection,
    table: &mut CsvTable,
    now: chrono::DateTime<chrono::Utc>,
    set_aside: bool,
) -> Result<TransactionsImported> {
    let mut out = TransactionsImported {
        inserted: 0,
        errors: RowLog::rejected(conn)?,
    };
    let mut insert = conn.prepare(
        "INSERT INTO transactions (person_id, kind, occurred_at, description, amount) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    while let Some(row) = table.next_row()? {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                out.errors.push(conn, e)?;
                continue;
            }
        };
        let checked = (|| -> Result<_, String> {
            let person = row.get("person").ok_or("person: missing")?;
            let id = persons::resolve_active(conn, person).map_err(|e| format!("person: {e}"))?;
            let kind = row.get("kind").ok_or("kind: missing")?.to_lowercase();
            if !KINDS.contains(&kind.as_str()) {
                return Err(format!("kind: '{kind}' is not one of {}", KINDS.join(", ")));
            }
            let at = row.get("occurred_at").ok_or("occurred_at: missing")?;
            let at = time::parse_time(at).map_err(|e| format!("occurred_at: {e}"))?;
            // A date far ahead (31-12-9999) would keep the person from every sweep.
            if at > now + chrono::Duration::days(1) {
                return Err(format!(
                    "occurred_at: {} is in the future",
                    time::format_time(at)
                ));
            }
            let at = time::format_time(at);
            let amount = match row.get("amount") {
                Some(a) => validate::amount(a).map_err(|e| format!("amount: {e}"))?,
                None => "0.00".to_string(),
            };
            Ok((
                id,
                kind,
                at,
                row.get("description").map(str::to_string),
                amount,
            ))
        })();
        match checked {
            Err(reason) => out.errors.push(conn, RowError::new(&row, reason))?,
            Ok(_) if !out.errors.is_empty() && !set_aside => {}
            Ok((id, kind, at, description, amount)) => {
                insert.execute(params![id, kind, at, description, amount])?;
                out.inserted += 1;
            }
        }
    }
    Ok(out)
}
