//! Importing persons: new rows are inserted, rows with an `id` update that person's
//! given columns. Every field is validated; one bad row and nothing is written.
use super::{CsvRow, CsvTable, RowError};
use crate::db::persons::TEXT_FIELDS;
use crate::rules::{time, validate};
use anyhow::Result;
use rusqlite::{Connection, ToSql};

/// The columns a persons file may have.
pub fn columns() -> Vec<&'static str> {
    let mut c = vec!["id"];
    c.extend_from_slice(TEXT_FIELDS);
    c.extend_from_slice(&["deceased", "bouncer", "created_at"]);
    c
}

/// What a persons import did (or would do).
#[derive(Debug, Default)]
pub struct PersonsImported {
    pub inserted: u64,
    pub updated: u64,
    pub errors: Vec<RowError>,
}

/// One validated value per column of the file, in file-column order.
type Values = Vec<(&'static str, Option<Box<dyn ToSql>>)>;

fn validate_row(
    row: &CsvRow<'_>,
    file_columns: &[&'static str],
    now: &str,
    new: bool,
) -> Result<Values, String> {
    let country = row.get("country");
    let mut values: Values = Vec::new();
    for &col in file_columns {
        let raw = row.get(col);
        let value: Option<Box<dyn ToSql>> = match (col, raw) {
            ("id", _) => continue,
            ("deceased" | "bouncer", None) => Some(Box::new(false)),
            ("deceased" | "bouncer", Some(v)) => Some(Box::new(
                validate::boolean(v).map_err(|e| format!("{col}: {e}"))?,
            )),
            ("created_at", None) if new => Some(Box::new(now.to_string())),
            ("created_at", None) => continue,
            ("created_at", Some(v)) => Some(Box::new(time::format_time(
                time::parse_time(v).map_err(|e| format!("created_at: {e}"))?,
            ))),
            (_, None) => None,
            ("email", Some(v)) => Some(Box::new(
                validate::email(v).map_err(|e| format!("email: {e}"))?,
            )),
            ("iban", Some(v)) => Some(Box::new(
                validate::iban(v).map_err(|e| format!("iban: {e}"))?,
            )),
            ("bsn", Some(v)) => Some(Box::new(validate::bsn(v).map_err(|e| format!("bsn: {e}"))?)),
            ("postal_code", Some(v)) => Some(Box::new(
                validate::postal_code(v, country).map_err(|e| format!("postal_code: {e}"))?,
            )),
            ("birth_date", Some(v)) => {
                let d = time::parse_date(v).map_err(|e| format!("birth_date: {e}"))?;
                Some(Box::new(d.format("%Y-%m-%d").to_string()))
            }
            (_, Some(v)) => Some(Box::new(v.to_string())),
        };
        values.push((col, value));
    }
    if new && !file_columns.contains(&"created_at") {
        values.push(("created_at", Some(Box::new(now.to_string()))));
    }
    Ok(values)
}

/// Import every row of `table` into `conn` (the caller's transaction). Stops writing at
/// the first bad row but goes on checking, so that every bad row is reported.
pub fn import(conn: &Connection, table: &mut CsvTable<'_>) -> Result<PersonsImported> {
    let now = time::format_time(time::now());
    let mut out = PersonsImported::default();
    let all = columns();
    let mut file_columns: Option<Vec<&'static str>> = None;
    let mut exists = conn.prepare("SELECT anonymised_at IS NOT NULL FROM persons WHERE id = ?1")?;
    for row in table.rows() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                out.errors.push(e);
                continue;
            }
        };
        let cols = file_columns
            .get_or_insert_with(|| all.iter().copied().filter(|c| row.has(c)).collect());
        let id = match row.get("id") {
            None => None,
            Some(v) => match v.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    out.errors
                        .push(RowError::new(&row, format!("id: '{v}' is not a person id")));
                    continue;
                }
            },
        };
        if let Some(id) = id {
            match exists.query_row([id], |r| r.get::<_, bool>(0)) {
                Ok(false) => {}
                Ok(true) => {
                    out.errors.push(RowError::new(
                        &row,
                        format!("id: person {id} is anonymised"),
                    ));
                    continue;
                }
                Err(rusqlite::Error::QueryReturnedNoRows) => {
                    out.errors
                        .push(RowError::new(&row, format!("id: no person with id {id}")));
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
        }
        let values = match validate_row(&row, cols, &now, id.is_none()) {
            Ok(v) => v,
            Err(reason) => {
                out.errors.push(RowError::new(&row, reason));
                continue;
            }
        };
        if !out.errors.is_empty() {
            continue; // nothing will be written: only keep checking
        }
        let params: Vec<&dyn ToSql> = values
            .iter()
            .map(|(_, v)| v.as_deref().unwrap_or(&rusqlite::types::Null as &dyn ToSql))
            .collect();
        // Column names come from the fixed list above, never from the file's text.
        match id {
            None => {
                let names: Vec<&str> = values.iter().map(|(c, _)| *c).collect();
                let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
                let sql = format!(
                    "INSERT INTO persons ({}) VALUES ({})",
                    names.join(", "),
                    marks.join(", ")
                );
                conn.prepare_cached(&sql)?.execute(params.as_slice())?;
                out.inserted += 1;
            }
            Some(id) => {
                if values.is_empty() {
                    continue;
                }
                let sets: Vec<String> = values
                    .iter()
                    .enumerate()
                    .map(|(i, (c, _))| format!("{c} = ?{}", i + 2))
                    .collect();
                let sql = format!("UPDATE persons SET {} WHERE id = ?1", sets.join(", "));
                let mut all_params: Vec<&dyn ToSql> = vec![&id];
                all_params.extend(params);
                conn.prepare_cached(&sql)?.execute(all_params.as_slice())?;
                out.updated += 1;
            }
        }
    }
    Ok(out)
}
