//! Importing a bounce list (§1.10) as newsletter tools export it: an address column
//! (`email`, `E-mailadres`, `Email Address`, … or `--column NAME`), optionally `reason`
//! (`hard`, `soft`, `complaint`) and `date`; other columns are ignored.
//!
//! - hard (or no reason): the persons holding the address become bouncers, and the
//!   address goes on the suppression list as `hard_bounce` since the row's date: a
//!   bouncer cleared by hand stays cleared, but the address is not mailed again until
//!   `suppression remove`.
//! - complaint: the address goes on the suppression list as `complaint`; nobody becomes a
//!   bouncer (the address works).
//! - soft: counted and reported, nobody marked (a full mailbox is temporary).
//!
//! An address the CRM does not hold is suppressed too (for hard bounces and complaints)
//! and listed as a warning: the mailing tool may know addresses since removed here.
use super::addresses::{self, Bounce};
use super::{CsvTable, RowError, RowLog};
use crate::db::{persons, suppression};
use crate::rules::time;
use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::Connection;

/// The columns a bounce list may have (the address column under any of its names).
pub const COLUMNS: &[&str] = &["email", "reason", "date"];

/// What a bounce import did (or would do).
#[derive(Debug)]
pub struct BouncesImported {
    pub rows: u64,
    /// Persons newly marked as bouncers.
    pub marked: u64,
    /// Persons that were bouncers already.
    pub already: u64,
    /// Rows whose address no person holds.
    pub unknown: u64,
    /// Soft bounces: reported, not marked.
    pub soft: u64,
    /// Complaints.
    pub complaints: u64,
    /// New entries on the suppression list.
    pub suppressed: u64,
    pub errors: RowLog,
    /// `line N: …` for each address no person holds.
    pub warnings: RowLog,
}

/// Apply every row. Without `set_aside`, nothing is written once a bad row is seen (the
/// caller refuses the file) but checking goes on, so that every bad row is reported.
pub fn import(
    conn: &Connection,
    table: &mut CsvTable,
    now: DateTime<Utc>,
    set_aside: bool,
) -> Result<BouncesImported> {
    let mut out = BouncesImported {
        rows: 0,
        marked: 0,
        already: 0,
        unknown: 0,
        soft: 0,
        complaints: 0,
        suppressed: 0,
        errors: RowLog::rejected(conn)?,
        warnings: RowLog::warnings(conn)?,
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
                Bounce::parse(row.get("reason"))?,
                addresses::row_date(row.get("date"), now)?,
            ))
        });
        let (bounce, at) = match checked {
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
        let (held, bouncers) = persons::holders_of(conn, email)?;
        if held == 0 && bounce != Bounce::Soft {
            out.unknown += 1;
            out.warnings.push(
                conn,
                RowError::new(
                    &row,
                    // The line names it in the operator's file; stderr (cron's mail) gets
                    // no address.
                    "no person holds this address: suppressed all the same".to_string(),
                ),
            )?;
        } else if held == 0 {
            out.unknown += 1;
        }
        let since = time::format_time(at);
        let hash = suppression::address_hash(&secret, email);
        match bounce {
            Bounce::Hard => {
                out.already += bouncers;
                out.marked += persons::mark_bouncers(conn, email)?;
                if suppression::add(conn, &hash, "hard_bounce", &since, "import bounces", None)? {
                    out.suppressed += 1;
                }
            }
            Bounce::Complaint => {
                out.complaints += 1;
                if suppression::add(conn, &hash, "complaint", &since, "import bounces", None)? {
                    out.suppressed += 1;
                }
            }
            Bounce::Soft => out.soft += 1,
        }
    }
    Ok(out)
}
