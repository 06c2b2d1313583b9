//! The processing register ("verwerkingsregister", Art. 30 GDPR): purposes, legal bases,
//! data categories, recipients and retention periods. It feeds the access answer.
use anyhow::{Context, Result};
use rusqlite::{Connection, params};
use serde::Serialize;

/// A purpose of the processing register.
#[derive(Debug, Clone, Serialize)]
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
}

/// Add a purpose; returns its id.
pub fn add(conn: &Connection, p: &NewPurpose<'_>) -> Result<i64> {
    conn.execute(
        "INSERT INTO processing_register (purpose, legal_basis, data_categories, recipients, retention, consent_type, categories)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            p.purpose,
            p.legal_basis,
            p.data_categories,
            p.recipients,
            p.retention,
            p.consent_type,
            p.categories
        ],
    )
    .context("adding to the processing register")?;
    Ok(conn.last_insert_rowid())
}

/// Every purpose, in the order they were added.
pub fn list(conn: &Connection) -> Result<Vec<Purpose>> {
    let mut stmt = conn.prepare(
        "SELECT id, purpose, legal_basis, data_categories, recipients, retention, consent_type, categories
         FROM processing_register ORDER BY id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Purpose {
                id: r.get("id")?,
                purpose: r.get("purpose")?,
                legal_basis: r.get("legal_basis")?,
                data_categories: r.get("data_categories")?,
                recipients: r.get("recipients")?,
                retention: r.get("retention")?,
                consent_type: r.get("consent_type")?,
                categories: r.get("categories")?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the processing register")?;
    Ok(rows)
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
