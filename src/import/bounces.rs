//! Importing a bounce list (§1.10): every address in it marks its persons as bouncers.
use super::{CsvTable, RowError};
use anyhow::Result;
use rusqlite::Connection;

/// The columns of a bounce list.
pub const COLUMNS: &[&str] = &["email"];

/// What a bounce import did (or would do).
#[derive(Debug, Default)]
pub struct BouncesImported {
    pub rows: u64,
    pub marked: u64,
    pub already: u64,
    pub unknown: u64,
    pub errors: Vec<RowError>,
}

/// Mark the persons of every address as bouncers. An address the CRM does not hold is
/// counted, not an error (bounce lists come from the mailing system, which may know
/// addresses since removed here); a row without an address is.
pub fn import(
    conn: &Connection,
    table: &mut CsvTable<'_>,
    set_aside: bool,
) -> Result<BouncesImported> {
    let mut out = BouncesImported::default();
    let mut count = conn.prepare(
        "SELECT count(*), coalesce(sum(bouncer), 0) FROM persons
         WHERE email = ?1 COLLATE NOCASE AND email IS NOT NULL AND anonymised_at IS NULL",
    )?;
    let mut mark = conn.prepare(
        "UPDATE persons SET bouncer = 1
         WHERE email = ?1 COLLATE NOCASE AND email IS NOT NULL AND anonymised_at IS NULL AND bouncer = 0",
    )?;
    for row in table.rows() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                out.errors.push(e);
                continue;
            }
        };
        let Some(email) = row.get("email") else {
            out.errors.push(RowError::new(&row, "email: missing"));
            continue;
        };
        if !email.contains('@') || email.chars().any(char::is_whitespace) {
            out.errors.push(RowError::new(
                &row,
                format!("email: '{email}' is not an e-mail address"),
            ));
            continue;
        }
        out.rows += 1;
        if !out.errors.is_empty() && !set_aside {
            continue;
        }
        let (held, bouncers): (i64, i64) =
            count.query_row([email], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if held == 0 {
            out.unknown += 1;
        }
        out.already += bouncers as u64;
        out.marked += mark.execute([email])? as u64;
    }
    Ok(out)
}
