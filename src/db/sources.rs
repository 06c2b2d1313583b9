//! Where each category of a person's data came from (Art. 14(2)(f), 15(1)(g)): an import
//! file, a web form, a hand entry, an edit. Recorded from schema version 2 on, at import
//! and entry time; the access answer reads it back per category. Data recorded before
//! has no source here, and the answer says so rather than guess.
//!
//! Use: [`new_source`] once per import file or entry, then [`add`] per person (or
//! [`add_consent_since`] for a whole consent import in one statement); [`record`] does
//! both for one person (an edit: `record(tx, id, Kind::Edit, None, &now,
//! &categories_of_fields(&["email"]))`).
use anyhow::{Context, Result};
use rusqlite::{Connection, params};
use serde::Serialize;

/// How data came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An import file (`import persons`, `subscribe --csv`); the label is its name.
    Import,
    /// A form the person filled in themselves (a channel of the vocabulary marked
    /// `person_given`); the label is the channel.
    WebForm,
    /// Entered by hand by an operator (by phone, letter, at the desk); the label is the
    /// channel.
    Manual,
    /// Changed by an operator (rectification, `person edit`).
    Edit,
}

impl Kind {
    /// The code stored in `data_sources.kind`.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Import => "import",
            Kind::WebForm => "web_form",
            Kind::Manual => "manual",
            Kind::Edit => "edit",
        }
    }

    fn from_code(code: &str) -> Kind {
        match code {
            "import" => Kind::Import,
            "web_form" => Kind::WebForm,
            "edit" => Kind::Edit,
            _ => Kind::Manual,
        }
    }
}

/// The category of data (a code of `register::CATEGORIES`) a column of `persons` holds;
/// None for the administration flags.
pub fn category_of_field(column: &str) -> Option<&'static str> {
    Some(match column {
        "first_name" | "infix" | "last_name" => "name",
        "street" | "house_number" | "postal_code" | "city" | "country" => "address",
        "email" => "email",
        "phone" | "mobile" => "phone",
        "birth_date" => "birth_date",
        "iban" => "iban",
        "bsn" => "bsn",
        _ => return None,
    })
}

/// The categories of data a set of `persons` columns holds, each once, in the order of
/// `register::CATEGORIES`.
pub fn categories_of_fields(columns: &[&str]) -> Vec<&'static str> {
    let held: Vec<&str> = columns
        .iter()
        .filter_map(|c| category_of_field(c))
        .collect();
    super::register::CATEGORIES
        .iter()
        .map(|(code, _, _)| *code)
        .filter(|c| held.contains(c))
        .collect()
}

/// Start a source (one import file, one entry); returns its id.
pub fn new_source(conn: &Connection, kind: Kind, label: Option<&str>, at: &str) -> Result<i64> {
    conn.prepare_cached("INSERT INTO data_sources (kind, label, recorded_at) VALUES (?1, ?2, ?3)")?
        .execute(params![kind.code(), label, at])
        .context("recording where the data came from")?;
    Ok(conn.last_insert_rowid())
}

/// Record that `source_id` brought these categories of a person's data (nothing when
/// the list is empty).
pub fn add(conn: &Connection, source_id: i64, person_id: i64, categories: &[&str]) -> Result<()> {
    if categories.is_empty() {
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT INTO person_data_sources (person_id, source_id, categories) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![person_id, source_id, categories.join(",")])
    .context("recording where the data came from")?;
    Ok(())
}

/// One source for one person: [`new_source`] and [`add`] together (a hand entry, an
/// edit). Returns the source id.
pub fn record(
    conn: &Connection,
    person_id: i64,
    kind: Kind,
    label: Option<&str>,
    at: &str,
    categories: &[&str],
) -> Result<i64> {
    let id = new_source(conn, kind, label, at)?;
    add(conn, id, person_id, categories)?;
    Ok(id)
}

/// Every person with a consent record of id `first_record_id` or later got their
/// consent data from `source_id` (a consent import): one statement.
pub fn add_consent_since(conn: &Connection, source_id: i64, first_record_id: i64) -> Result<u64> {
    let n = conn
        .execute(
            "INSERT INTO person_data_sources (person_id, source_id, categories)
             SELECT DISTINCT person_id, ?1, 'consent' FROM consent_records WHERE id >= ?2",
            params![source_id, first_record_id],
        )
        .context("recording where the consent data came from")?;
    Ok(n as u64)
}

/// The id the next consent record will get (for [`add_consent_since`]).
pub fn next_consent_record_id(conn: &Connection) -> Result<i64> {
    conn.query_row(
        "SELECT coalesce(max(id), 0) + 1 FROM consent_records",
        [],
        |r| r.get(0),
    )
    .context("reading the ledger")
}

/// A recorded source of some of a person's data.
#[derive(Debug, Clone, Serialize)]
pub struct PersonSource {
    pub kind: Kind,
    pub label: Option<String>,
    pub recorded_at: String,
    /// Codes of `register::CATEGORIES`.
    pub categories: Vec<String>,
}

/// The recorded sources of a person's data, oldest first.
pub fn of_person(conn: &Connection, person_id: i64) -> Result<Vec<PersonSource>> {
    let mut stmt = conn.prepare(
        "SELECT s.kind, s.label, s.recorded_at, p.categories
         FROM person_data_sources p JOIN data_sources s ON s.id = p.source_id
         WHERE p.person_id = ?1 ORDER BY s.recorded_at, s.id",
    )?;
    let rows = stmt
        .query_map([person_id], |r| {
            let categories: String = r.get(3)?;
            Ok(PersonSource {
                kind: Kind::from_code(&r.get::<_, String>(0)?),
                label: r.get(1)?,
                recorded_at: r.get(2)?,
                categories: categories.split(',').map(str::to_string).collect(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading where the data came from")?;
    Ok(rows)
}

/// Since when sources are recorded in this database: the `init` that brought it to
/// schema version 2 (a new database, or the upgrade of an older one). Persons created
/// before then have data without a recorded source.
pub fn recorded_since(conn: &Connection) -> Result<Option<String>> {
    conn.query_row(
        "SELECT min(at) FROM audit_log
         WHERE command = 'init' AND details IS NOT NULL AND json_valid(details)
           AND json_extract(details, '$.schema_to') >= 2
           AND coalesce(json_extract(details, '$.schema_from'), 0) < 2",
        [],
        |r| r.get(0),
    )
    .context("reading since when sources are recorded")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_columns_map_to_categories_once_in_order() {
        assert_eq!(
            categories_of_fields(&["email", "last_name", "first_name", "city", "deceased"]),
            vec!["name", "address", "email"]
        );
        assert!(categories_of_fields(&["bouncer", "created_at"]).is_empty());
    }

    #[test]
    fn every_category_of_a_person_field_is_a_register_category() {
        for f in super::super::persons::TEXT_FIELDS {
            let c = category_of_field(f).unwrap();
            assert!(
                super::super::register::CATEGORIES
                    .iter()
                    .any(|(code, _, _)| *code == c)
            );
        }
    }
}
