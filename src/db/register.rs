//! The processing register ("verwerkingsregister", Art. 30 GDPR): purposes, legal bases,
//! data categories, recipients and retention periods. It feeds the access answer.
use crate::rules::time::{format_time, now};
use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// A purpose (processing activity) of the processing register, with what Art. 30(1)
/// asks of it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Purpose {
    pub id: i64,
    pub purpose: String,
    pub legal_basis: String,
    pub data_categories: String,
    pub recipients: String,
    pub retention: String,
    pub consent_type: Option<String>,
    /// Codes of [`CATEGORIES`], comma-separated; empty: not said (applies to all).
    pub categories: String,
    /// Whose data (Art. 30(1)(c)); empty: not said yet.
    pub categories_of_persons: String,
    /// Transfers outside the EEA and their safeguards (Art. 30(1)(e)); empty: not said yet.
    pub transfers: String,
    /// Technical and organisational security measures (Art. 30(1)(g)); empty: not said yet.
    pub security_measures: String,
    /// Since when the entry says this (null: from before version 2).
    pub valid_from: Option<String>,
    /// When it was edited or removed (null: current).
    pub removed_at: Option<String>,
    /// The entry that replaced it when it was edited.
    pub replaced_by: Option<i64>,
}

impl Purpose {
    /// The Art. 30(1) facts an entry does not state yet, by key.
    pub fn missing(&self) -> Vec<&'static str> {
        [
            ("categories_of_persons", &self.categories_of_persons),
            ("transfers", &self.transfers),
            ("security_measures", &self.security_measures),
            ("categories", &self.categories),
        ]
        .into_iter()
        .filter(|(_, v)| v.trim().is_empty())
        .map(|(k, _)| k)
        .collect()
    }
}

/// The categories of personal data: code, Dutch label, English label. The register's
/// activities, processors and notifications name them by code.
pub const CATEGORIES: &[(&str, &str, &str)] = &[
    ("name", "Naam", "Name"),
    ("address", "Adres", "Address"),
    ("email", "E-mailadres", "E-mail address"),
    ("phone", "Telefoonnummers", "Phone numbers"),
    ("birth_date", "Geboortedatum", "Date of birth"),
    ("iban", "IBAN (bankrekening)", "IBAN (bank account)"),
    (
        "bsn",
        "BSN (burgerservicenummer)",
        "BSN (citizen service number)",
    ),
    ("transactions", "Transacties", "Transactions"),
    (
        "consent",
        "Voorkeuren (opt-ins en opt-outs)",
        "Preferences (opt-ins and opt-outs)",
    ),
    ("mailings", "Ontvangen mailings", "Mailings received"),
    ("documents", "Documenten", "Documents"),
    ("scores", "Profileringsscores", "Profiling scores"),
];

/// The category of data a field of `persons` belongs to (`person edit` tells the
/// processors that receive it). The flags (deceased, bouncer) belong to none.
pub fn field_category(field: &str) -> Option<&'static str> {
    match field {
        "first_name" | "infix" | "last_name" => Some("name"),
        "street" | "house_number" | "postal_code" | "city" | "country" => Some("address"),
        "email" => Some("email"),
        "phone" | "mobile" => Some("phone"),
        "birth_date" => Some("birth_date"),
        "iban" => Some("iban"),
        "bsn" => Some("bsn"),
        _ => None,
    }
}

/// Check and normalise a list of category codes (`name,email`).
pub fn parse_categories(list: &str) -> Result<String, String> {
    let mut codes = Vec::new();
    for c in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let c = c.to_lowercase();
        if !CATEGORIES.iter().any(|(code, _, _)| *code == c) {
            return Err(format!(
                "'{c}' is not a category of data (known: {})",
                CATEGORIES
                    .iter()
                    .map(|(c, _, _)| *c)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !codes.contains(&c) {
            codes.push(c);
        }
    }
    Ok(codes.join(","))
}

/// The categories of data held on one person right now.
pub fn person_categories(conn: &Connection, person_id: i64) -> Result<Vec<&'static str>> {
    let flags: Vec<bool> = conn
        .query_row(
            "SELECT coalesce(first_name, infix, last_name) IS NOT NULL,
                    coalesce(street, house_number, postal_code, city, country) IS NOT NULL,
                    email IS NOT NULL,
                    coalesce(phone, mobile) IS NOT NULL,
                    birth_date IS NOT NULL,
                    iban IS NOT NULL,
                    bsn IS NOT NULL,
                    EXISTS (SELECT 1 FROM transactions WHERE person_id = p.id),
                    EXISTS (SELECT 1 FROM consent_records WHERE person_id = p.id),
                    EXISTS (SELECT 1 FROM contact_moment_recipients WHERE person_id = p.id),
                    EXISTS (SELECT 1 FROM documents WHERE person_id = p.id),
                    EXISTS (SELECT 1 FROM scores WHERE person_id = p.id)
             FROM persons p WHERE p.id = ?1",
            [person_id],
            |r| (0..CATEGORIES.len()).map(|i| r.get(i)).collect(),
        )
        .context("reading which data is held")?;
    Ok(CATEGORIES
        .iter()
        .zip(flags)
        .filter(|(_, held)| *held)
        .map(|((code, _, _), _)| *code)
        .collect())
}

/// The categories that say how to reach a person: nearly everyone has one of them, so
/// they do not tell whether an activity concerns a person.
const CONTACT_CATEGORIES: &[&str] = &["name", "address", "email", "phone"];

/// Whether a register activity (its `categories`, comma-separated codes) concerns a
/// person who holds the categories `held`: an activity that names none concerns
/// everyone; one that names categories beyond contact details concerns those who have
/// at least one of them (a person without IBAN, BSN, transactions or documents is not
/// told about the financial administration); one that names only contact details
/// concerns those who have one of them.
pub fn applies_to(categories: &str, held: &[&str]) -> bool {
    let named: Vec<&str> = categories
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    if named.is_empty() {
        return true;
    }
    let specific: Vec<&str> = named
        .iter()
        .copied()
        .filter(|c| !CONTACT_CATEGORIES.contains(c))
        .collect();
    let deciding = if specific.is_empty() {
        &named
    } else {
        &specific
    };
    deciding.iter().any(|c| held.contains(c))
}

/// A purpose to add.
#[derive(Debug, Clone)]
pub struct NewPurpose<'a> {
    pub purpose: &'a str,
    pub legal_basis: &'a str,
    pub data_categories: &'a str,
    pub recipients: &'a str,
    pub retention: &'a str,
    pub consent_type: Option<&'a str>,
    /// Normalised by [`parse_categories`].
    pub categories: &'a str,
    pub categories_of_persons: &'a str,
    pub transfers: &'a str,
    pub security_measures: &'a str,
}

/// Add a purpose, valid from now; returns its id.
pub fn add(conn: &Connection, p: &NewPurpose<'_>) -> Result<i64> {
    conn.execute(
        "INSERT INTO processing_register (purpose, legal_basis, data_categories, recipients, retention, consent_type,
                                          categories, categories_of_persons, transfers, security_measures, valid_from)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            p.purpose,
            p.legal_basis,
            p.data_categories,
            p.recipients,
            p.retention,
            p.consent_type,
            p.categories,
            p.categories_of_persons,
            p.transfers,
            p.security_measures,
            format_time(now())
        ],
    )
    .context("adding to the processing register")?;
    Ok(conn.last_insert_rowid())
}

const SELECT: &str = "SELECT id, purpose, legal_basis, data_categories, recipients, retention, consent_type,
        categories, categories_of_persons, transfers, security_measures, valid_from, removed_at, replaced_by
    FROM processing_register";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Purpose> {
    Ok(Purpose {
        id: r.get("id")?,
        purpose: r.get("purpose")?,
        legal_basis: r.get("legal_basis")?,
        data_categories: r.get("data_categories")?,
        recipients: r.get("recipients")?,
        retention: r.get("retention")?,
        consent_type: r.get("consent_type")?,
        categories: r.get("categories")?,
        categories_of_persons: r.get("categories_of_persons")?,
        transfers: r.get("transfers")?,
        security_measures: r.get("security_measures")?,
        valid_from: r.get("valid_from")?,
        removed_at: r.get("removed_at")?,
        replaced_by: r.get("replaced_by")?,
    })
}

/// The current purposes (not edited or removed), in the order they were added.
pub fn list(conn: &Connection) -> Result<Vec<Purpose>> {
    query(conn, false)
}

/// Every purpose that ever was, current or not, in the order they were added.
pub fn history(conn: &Connection) -> Result<Vec<Purpose>> {
    query(conn, true)
}

fn query(conn: &Connection, all: bool) -> Result<Vec<Purpose>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE ?1 OR removed_at IS NULL ORDER BY id"
    ))?;
    let rows = stmt
        .query_map([all], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the processing register")?;
    Ok(rows)
}

/// One entry, current or not.
pub fn get(conn: &Connection, id: i64) -> Result<Purpose> {
    conn.query_row(&format!("{SELECT} WHERE id = ?1"), [id], from_row)
        .optional()
        .context("reading the processing register")?
        .ok_or_else(|| anyhow::anyhow!("no entry {id} in the processing register"))
}

fn require_current(p: &Purpose) -> Result<()> {
    if let Some(at) = &p.removed_at {
        let how = match p.replaced_by {
            Some(new) => format!("replaced by entry {new}"),
            None => "removed".into(),
        };
        bail!(
            "entry {} of the processing register was {how} at {at}: it can no longer be changed",
            p.id
        );
    }
    Ok(())
}

/// Edit an entry without losing what it said: the new text becomes a new entry, valid
/// from now, and the old one ends now, pointing to it. Returns the new entry.
pub fn edit(conn: &Connection, id: i64, new: &NewPurpose<'_>) -> Result<Purpose> {
    let old = get(conn, id)?;
    require_current(&old)?;
    let same = old.purpose == new.purpose
        && old.legal_basis == new.legal_basis
        && old.data_categories == new.data_categories
        && old.recipients == new.recipients
        && old.retention == new.retention
        && old.consent_type.as_deref() == new.consent_type
        && old.categories == new.categories
        && old.categories_of_persons == new.categories_of_persons
        && old.transfers == new.transfers
        && old.security_measures == new.security_measures;
    if same {
        bail!("entry {id} of the processing register already says this: nothing changed");
    }
    let new_id = add(conn, new)?;
    conn.execute(
        "UPDATE processing_register SET removed_at = ?2, replaced_by = ?3 WHERE id = ?1",
        params![id, format_time(now()), new_id],
    )
    .context("ending the edited entry")?;
    get(conn, new_id)
}

/// End an entry: it stays in the history (`register list --all`).
pub fn remove(conn: &Connection, id: i64) -> Result<Purpose> {
    let old = get(conn, id)?;
    require_current(&old)?;
    conn.execute(
        "UPDATE processing_register SET removed_at = ?2 WHERE id = ?1",
        params![id, format_time(now())],
    )
    .context("removing the entry")?;
    get(conn, id)
}

/// The controller and its privacy officer (FG), from the settings (Art. 30(1)(a)).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Controller {
    pub name: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub fg_name: Option<String>,
    pub fg_email: Option<String>,
}

impl Controller {
    /// The settings keys that are not set, for a hint.
    pub fn missing(&self) -> Vec<&'static str> {
        [
            ("organisation.name", &self.name),
            ("organisation.address", &self.address),
            ("organisation.email", &self.email),
            ("fg.name", &self.fg_name),
            ("fg.email", &self.fg_email),
        ]
        .into_iter()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| k)
        .collect()
    }
}

/// The controller's details from the settings (the first round's `organisation` key
/// names it when `organisation.name` is not set).
pub fn controller(conn: &Connection) -> Result<Controller> {
    let get = |key: &str| -> Result<Option<String>> {
        Ok(super::settings::get(conn, key)?.filter(|v| !v.trim().is_empty()))
    };
    Ok(Controller {
        name: match get("organisation.name")? {
            Some(n) => Some(n),
            None => get(super::settings::ORGANISATION)?,
        },
        address: get("organisation.address")?,
        email: get("organisation.email")?,
        phone: get("organisation.phone")?,
        fg_name: get("fg.name")?,
        fg_email: get("fg.email")?,
    })
}
#[cfg(test)]
mod tests {
    use super::applies_to;

    #[test]
    fn an_activity_concerns_those_who_have_its_specific_data() {
        let financial = "name,address,iban,bsn,transactions,documents";
        assert!(!applies_to(financial, &["name", "email"]));
        assert!(applies_to(financial, &["name", "iban"]));
        assert!(applies_to(financial, &["name", "transactions"]));
        assert!(applies_to("name,address", &["name"]));
        assert!(!applies_to("name,address", &["email"]));
        assert!(applies_to("", &[]));
        assert!(!applies_to(
            "transactions,scores",
            &["name", "email", "consent"]
        ));
    }
}
