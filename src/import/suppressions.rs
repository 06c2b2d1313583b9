//! Importing a suppression list (a newsletter tool's blocklist, cleaned or complained
//! addresses): an address column (`email`, `E-mailadres`, `Email Address`, … or
//! `--column NAME`), optionally `reason` (`hard_bounce`/`hard`, `complaint`,
//! `objection`, `manual`; default `manual`), `date` and `description`; other columns are
//! ignored. Only the keyed hash of each address is stored; persons are not changed (the
//! audience and the rules leave suppressed addresses out). An address already on the
//! list for the same reason keeps its first date.
use super::addresses;
use super::{CsvTable, RowError, RowLog};
use crate::db::suppression;
use crate::rules::time;
use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::Connection;

/// The columns a suppression list may have (the address column under any of its names).
pub const COLUMNS: &[&str] = &["email", "reason", "date", "description"];

/// What a suppression import did (or would do).
#[derive(Debug)]
pub struct SuppressionsImported {
    pub rows: u64,
    /// New entries on the list.
    pub added: u64,
    /// Rows whose address was on the list for that reason already.
    pub already: u64,
    pub errors: RowLog,
}

/// Add every row's address. Without `set_aside`, nothing is written once a bad row is
/// seen (the caller refuses the file) but checking goes on.
pub fn import(
    conn: &Connection,
    table: &mut CsvTable,
    now: DateTime<Utc>,
    set_aside: bool,
) -> Result<SuppressionsImported> {
    let mut out = SuppressionsImported {
        rows: 0,
        added: 0,
        already: 0,
        errors: RowLog::rejected(conn)?,
    };
    let secret = suppression::secret(conn)?;
    while let Some(row) = table.next_row()? {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                out.errors.push(conn, e)?;
                continue;
            }
        };
        let Some(email) = row.get("email") else {
            out.errors
                .push(conn, RowError::new(&row, "email: missing"))?;
            continue;
        };
        let checked = addresses::check_address(email).and_then(|()| {
            Ok((
                addresses::suppression_reason(row.get("reason"))?,
                addresses::row_date(row.get("date"), now)?,
            ))
        });
        let (reason, at) = match checked {
            Ok(c) => c,
            Err(reason) => {
                out.errors.push(conn, RowError::new(&row, reason))?;
                continue;
            }
        };
        out.rows += 1;
        if !out.errors.is_empty() && !set_aside {
            continue;
        }
        let hash = suppression::address_hash(&secret, email);
        if suppression::add(
            conn,
            &hash,
            reason,
            &time::format_time(at),
            "import suppressions",
            row.get("description"),
        )? {
            out.added += 1;
        } else {
            out.already += 1;
        }
    }
    Ok(out)
}
