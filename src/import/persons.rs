//! Importing persons. One identity per address: a row without `id` updates the person
//! (not anonymised) who holds its e-mail address, trimmed and case-insensitive, and is
//! inserted only when nobody does (`--match none`: always inserted). A row with `id`
//! updates that person. In an update a blank cell leaves the field as it is: a
//! spreadsheet that has no `deceased` value does not bring a deceased person back.
//!
//! Every bad field of a row is reported, not only the first. A malformed e-mail address
//! is not a bad row: the person is stored and not mailable, and the row is reported as
//! a warning. So is an address on the suppression list.
use super::{CsvRow, CsvTable, RowError, RowLog};
use crate::db::{persons, sources, suppression};
use crate::rules::{time, validate};
use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

/// The columns a persons file may have.
pub fn columns() -> Vec<&'static str> {
    let mut c = vec!["id"];
    c.extend_from_slice(persons::TEXT_FIELDS);
    c.extend_from_slice(persons::FLAG_FIELDS);
    c.push("created_at");
    c
}

/// How rows without `id` find their person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// By e-mail address: the same address is the same person.
    Email,
    /// Never: every such row is a new person.
    None,
}

/// What a persons import did (or would do).
#[derive(Debug)]
pub struct PersonsImported {
    pub inserted: u64,
    pub updated: u64,
    /// Rows that matched a person and changed nothing.
    pub unchanged: u64,
    pub errors: RowLog,
    /// Rows stored with something to say (`line N: email: …`).
    pub warnings: RowLog,
    /// Persons marked deceased whose address went on the suppression list.
    pub suppressed: u64,
}

/// A row checked against the file, before it is written.
struct Checked {
    id: Option<i64>,
    fields: Vec<(&'static str, Value)>,
    email: Option<String>,
    deceased: bool,
    warnings: Vec<String>,
}

fn check_row(
    row: &CsvRow,
    file_columns: &[&'static str],
    now: DateTime<Utc>,
) -> Result<Checked, String> {
    let country = row.get("country");
    let mut problems = Vec::new();
    let mut out = Checked {
        id: None,
        fields: Vec::new(),
        email: None,
        deceased: false,
        warnings: Vec::new(),
    };
    for &col in file_columns {
        let Some(raw) = row.get(col) else {
            continue; // blank: left as it is (an update) or empty (a new person)
        };
        match col {
            "id" => match raw.parse::<i64>() {
                Ok(id) if id > 0 => out.id = Some(id),
                _ => problems.push(format!("id: '{raw}' is not a person id")),
            },
            "created_at" => match time::parse_time(raw) {
                Ok(t) if t > now + chrono::Duration::days(1) => problems.push(format!(
                    "created_at: {} is in the future",
                    time::format_time(t)
                )),
                Ok(t) => out.fields.push((col, Value::Text(time::format_time(t)))),
                Err(e) => problems.push(format!("created_at: {e}")),
            },
            _ => match validate::person_field(col, raw, country, now.date_naive()) {
                Ok(checked) => {
                    if let Some(w) = checked.warning {
                        out.warnings.push(format!("{col}: {w}"));
                    }
                    let value = match checked.value {
                        validate::FieldValue::Text(t) => {
                            if col == "email" {
                                out.email = Some(t.clone());
                            }
                            Value::Text(t)
                        }
                        validate::FieldValue::Flag(b) => {
                            if col == "deceased" {
                                out.deceased = b;
                            }
                            Value::Integer(i64::from(b))
                        }
                    };
                    out.fields.push((col, value));
                }
                Err(e) => problems.push(format!("{col}: {e}")),
            },
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems.join("; "))
    }
}

/// Import every row of `table` into `conn` (the caller's transaction). Without
/// `set_aside`, nothing is written once a bad row is seen (the caller rolls back) but
/// checking goes on, so that every bad row is reported.
pub fn import(
    conn: &Connection,
    table: &mut CsvTable,
    matching: Match,
    now: DateTime<Utc>,
    set_aside: bool,
) -> Result<PersonsImported> {
    let now_text = time::format_time(now);
    let secret = suppression::secret(conn)?;
    let mut out = PersonsImported {
        inserted: 0,
        updated: 0,
        unchanged: 0,
        errors: RowLog::rejected(conn)?,
        warnings: RowLog::warnings(conn)?,
        suppressed: 0,
    };
    let all = columns();
    let mut file_columns: Option<Vec<&'static str>> = None;
    // Addresses of rows without id seen so far: the same address twice in one file is
    // one person given twice, and the later row is refused. In a temporary table, so
    // that a file of millions of persons is read in bounded memory.
    let mut seen = SeenAddresses::new(conn)?;
    let mut exists = conn.prepare("SELECT anonymised_at IS NOT NULL FROM persons WHERE id = ?1")?;
    // The file as the source of what it brings: made at the first row written.
    let label = super::source_label(&table.name);
    let mut source: Option<i64> = None;
    while let Some(row) = table.next_row()? {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                out.errors.push(conn, e)?;
                continue;
            }
        };
        let cols = file_columns
            .get_or_insert_with(|| all.iter().copied().filter(|c| row.has(c)).collect());
        let checked = match check_row(&row, cols, now) {
            Ok(c) => c,
            Err(reason) => {
                out.errors.push(conn, RowError::new(&row, reason))?;
                continue;
            }
        };
        // Which person the row is about.
        let target = match (checked.id, matching, &checked.email) {
            (Some(id), _, _) => match exists.query_row([id], |r| r.get::<_, bool>(0)) {
                Ok(false) => Some(id),
                Ok(true) => {
                    out.errors.push(
                        conn,
                        RowError::new(&row, format!("id: person {id} is anonymised")),
                    )?;
                    continue;
                }
                Err(rusqlite::Error::QueryReturnedNoRows) => {
                    out.errors.push(
                        conn,
                        RowError::new(&row, format!("id: no person with id {id}")),
                    )?;
                    continue;
                }
                Err(e) => return Err(e.into()),
            },
            (None, Match::Email, Some(email)) => {
                let key = suppression::normalise(email);
                if let Some(first) = seen.first_line(conn, &key, row.line)? {
                    out.errors.push(conn, RowError::new(
                        &row,
                        format!("email: the same address as line {first}: one person per address (give an id to update a person twice)"),
                    ))?;
                    continue;
                }
                match persons::holding_email(conn, email)?.as_slice() {
                    [] => None,
                    [id] => Some(*id),
                    many => {
                        out.errors.push(conn, RowError::new(
                            &row,
                            format!(
                                "email: the address is held by {} persons (ids {}): give the id, or merge them (person merge)",
                                many.len(),
                                many.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
                            ),
                        ))?;
                        continue;
                    }
                }
            }
            (None, _, _) => None,
        };
        let mut warnings = checked.warnings;
        // An address another person already holds, new to this one: allowed (a couple
        // shares one), but said: the address is mailed once, and an opt-out or bounce of
        // either holder keeps it out; it may also be one person entered twice.
        if let Some(email) = &checked.email {
            let holders = persons::holding_email(conn, email)?;
            let others: Vec<String> = holders
                .iter()
                .filter(|h| Some(**h) != target)
                .map(i64::to_string)
                .collect();
            if !others.is_empty() && !target.is_some_and(|id| holders.contains(&id)) {
                warnings.push(format!(
                    "email: the address is also held by person {}: it is mailed once, and an opt-out or bounce of either keeps it out (see person duplicates)",
                    others.join(", ")
                ));
            }
        }
        if let Some(email) = &checked.email {
            let hash = suppression::address_hash(&secret, email);
            let reasons: Vec<String> = suppression::of(conn, &hash)?
                .into_iter()
                .map(|s| s.reason)
                .collect();
            if !reasons.is_empty() {
                warnings.push(format!(
                    "email: the address is on the suppression list ({}): stored, but not mailed until the person opts in again themselves",
                    reasons.join(", ")
                ));
            }
        }
        if !out.errors.is_empty() && !set_aside {
            continue; // nothing will be written: only keep checking
        }
        // Where these categories of data came from: this file (Issue 15).
        let categories = sources::categories_of_fields(
            &checked.fields.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        );
        let (id, written) = match target {
            None => {
                let mut fields = checked.fields;
                if !fields.iter().any(|(c, _)| *c == "created_at") {
                    fields.push(("created_at", Value::Text(now_text.clone())));
                }
                let id = persons::insert_fields(conn, &fields)?;
                out.inserted += 1;
                (id, true)
            }
            Some(id) => {
                let changed = persons::update_fields(conn, id, &checked.fields)?;
                if changed {
                    out.updated += 1;
                } else {
                    out.unchanged += 1;
                }
                (id, changed)
            }
        };
        if written {
            let source = match source {
                Some(s) => s,
                None => *source.insert(sources::new_source(
                    conn,
                    sources::Kind::Import,
                    label.as_deref(),
                    &now_text,
                )?),
            };
            sources::add(conn, source, id, &categories)?;
        }
        if checked.deceased
            && suppression::add_person(conn, id, "deceased", &now_text, "import persons")?
        {
            out.suppressed += 1;
        }
        for w in warnings {
            out.warnings.push(conn, RowError::new(&row, w))?;
        }
    }
    Ok(out)
}

/// The addresses of an import's rows so far, with the line each was first given on.
struct SeenAddresses;

impl SeenAddresses {
    fn new(conn: &Connection) -> Result<Self> {
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS import_addresses (
                 address TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;
             DELETE FROM temp.import_addresses;",
        )?;
        Ok(SeenAddresses)
    }

    /// The line the address was first given on; None (and noted as given on `line`)
    /// the first time.
    fn first_line(&mut self, conn: &Connection, address: &str, line: u64) -> Result<Option<u64>> {
        let first: Option<i64> = conn
            .prepare_cached("SELECT line FROM temp.import_addresses WHERE address = ?1")?
            .query_row([address], |r| r.get(0))
            .optional()?;
        if first.is_none() {
            conn.prepare_cached(
                "INSERT INTO temp.import_addresses (address, line) VALUES (?1, ?2)",
            )?
            .execute(rusqlite::params![address, line as i64])?;
        }
        Ok(first.map(|l| l as u64))
    }
}
