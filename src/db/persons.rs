//! Persons: finding one by id or e-mail, the customer card, the bouncer flag.
use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

/// The personal text fields of a person, in contract order (CLI.md `person show`).
pub const TEXT_FIELDS: &[&str] = &[
    "first_name",
    "infix",
    "last_name",
    "email",
    "phone",
    "mobile",
    "street",
    "house_number",
    "postal_code",
    "city",
    "country",
    "iban",
    "bsn",
    "birth_date",
];

/// Find a person by numeric id or by e-mail address (case-insensitive). An address
/// held by several persons is an error that lists their ids.
pub fn resolve(conn: &Connection, person: &str) -> Result<i64> {
    let person = person.trim();
    if !person.is_empty() && person.bytes().all(|b| b.is_ascii_digit()) {
        let id: i64 = person
            .parse()
            .map_err(|_| anyhow::anyhow!("person {person}: not a valid id"))?;
        let found: Option<i64> = conn
            .prepare_cached("SELECT id FROM persons WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()
            .context("looking up the person")?;
        return found.ok_or_else(|| anyhow::anyhow!("no person with id {id}"));
    }
    if !person.contains('@') {
        // Messages never repeat what was typed: it may be a name, and reach a log.
        bail!("neither a person id nor an e-mail address");
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM persons WHERE email = ?1 COLLATE NOCASE AND email IS NOT NULL ORDER BY id",
    )?;
    let ids: Vec<i64> = stmt
        .query_map([person], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()
        .context("looking up the person by e-mail")?;
    match ids.as_slice() {
        [] => bail!("no person with that e-mail address"),
        [id] => Ok(*id),
        many => bail!(
            "the e-mail address is held by {} persons (ids {}): give the id instead",
            many.len(),
            many.iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A person's own row, with the administration facts of the customer card.
#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub id: i64,
    pub first_name: Option<String>,
    pub infix: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub street: Option<String>,
    pub house_number: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub iban: Option<String>,
    pub bsn: Option<String>,
    pub birth_date: Option<String>,
    pub created_at: String,
    pub deceased: bool,
    pub bouncer: bool,
    pub mailable: bool,
    pub anonymised_at: Option<String>,
    /// When the person objected to all contact (unsubscribe-all).
    pub objected_at: Option<String>,
    /// When processing was restricted (Art. 18), and why.
    pub restricted_at: Option<String>,
    pub restriction_reason: Option<String>,
    /// Until when data under a legal retention is kept after erasure.
    pub legal_hold_until: Option<String>,
}

impl Person {
    /// The full name as the Dutch write it: first name, infix, last name.
    pub fn full_name(&self) -> String {
        [&self.first_name, &self.infix, &self.last_name]
            .iter()
            .filter_map(|p| p.as_deref())
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The text fields in contract order, for tables and documents.
    pub fn text_fields(&self) -> Vec<(&'static str, Option<&str>)> {
        let values = [
            &self.first_name,
            &self.infix,
            &self.last_name,
            &self.email,
            &self.phone,
            &self.mobile,
            &self.street,
            &self.house_number,
            &self.postal_code,
            &self.city,
            &self.country,
            &self.iban,
            &self.bsn,
            &self.birth_date,
        ];
        TEXT_FIELDS
            .iter()
            .copied()
            .zip(values.iter().map(|v| v.as_deref()))
            .collect()
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Person {
            id: r.get("id")?,
            first_name: r.get("first_name")?,
            infix: r.get("infix")?,
            last_name: r.get("last_name")?,
            email: r.get("email")?,
            phone: r.get("phone")?,
            mobile: r.get("mobile")?,
            street: r.get("street")?,
            house_number: r.get("house_number")?,
            postal_code: r.get("postal_code")?,
            city: r.get("city")?,
            country: r.get("country")?,
            iban: r.get("iban")?,
            bsn: r.get("bsn")?,
            birth_date: r.get("birth_date")?,
            created_at: r.get("created_at")?,
            deceased: r.get("deceased")?,
            bouncer: r.get("bouncer")?,
            mailable: r.get("mailable")?,
            anonymised_at: r.get("anonymised_at")?,
            objected_at: r.get("objected_at")?,
            restricted_at: r.get("restricted_at")?,
            restriction_reason: r.get("restriction_reason")?,
            legal_hold_until: r.get("legal_hold_until")?,
        })
    }
}

/// Load one person.
pub fn load(conn: &Connection, id: i64) -> Result<Person> {
    conn.query_row(
        "SELECT p.*, EXISTS (SELECT 1 FROM mailable_persons m WHERE m.id = p.id) AS mailable
         FROM persons p WHERE p.id = ?1",
        [id],
        Person::from_row,
    )
    .optional()
    .context("reading the person")?
    .ok_or_else(|| anyhow::anyhow!("no person with id {id}"))
}

/// When a person was anonymised, if they were.
pub fn anonymised_at(conn: &Connection, id: i64) -> Result<Option<String>> {
    conn.query_row(
        "SELECT anonymised_at FROM persons WHERE id = ?1",
        [id],
        |r| r.get(0),
    )
    .context("reading the person")
}

/// Refuse work on an anonymised person: there is no one left to act for.
pub fn require_not_anonymised(conn: &Connection, id: i64) -> Result<()> {
    if let Some(at) = anonymised_at(conn, id)? {
        bail!("person {id} was anonymised at {at}: nothing can be recorded for them");
    }
    Ok(())
}

/// Find a person (as [`resolve`]) who is not anonymised: whom something can be
/// recorded for. Used by every command and import that writes for a person.
pub fn resolve_active(conn: &Connection, person: &str) -> Result<i64> {
    let id = resolve(conn, person)?;
    require_not_anonymised(conn, id)?;
    Ok(id)
}

/// Set or clear the bouncer flag; returns whether it changed.
pub fn set_bouncer(conn: &Connection, id: i64, bouncer: bool) -> Result<bool> {
    let changed = conn
        .execute(
            "UPDATE persons SET bouncer = ?2 WHERE id = ?1 AND bouncer <> ?2",
            params![id, bouncer],
        )
        .context("updating the bouncer flag")?;
    Ok(changed > 0)
}

/// How many persons are not anonymised.
pub fn count_not_anonymised(conn: &Connection) -> Result<u64> {
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM persons WHERE anonymised_at IS NULL",
            [],
            |r| r.get(0),
        )
        .context("counting persons")?;
    Ok(n as u64)
}

/// How many persons the database holds (anonymised ones included).
pub fn count(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT count(*) FROM persons", [], |r| r.get(0))
        .context("counting persons")
}

/// The columns of `persons` an import or `person edit` may set, besides the text fields.
pub const FLAG_FIELDS: &[&str] = &["deceased", "bouncer"];

/// Insert a person with the given columns; returns the new id. Column names come from
/// `TEXT_FIELDS`, `FLAG_FIELDS` and `created_at` only, never from input.
pub fn insert_fields(
    conn: &Connection,
    fields: &[(&'static str, rusqlite::types::Value)],
) -> Result<i64> {
    check_columns(fields)?;
    let names: Vec<&str> = fields.iter().map(|(c, _)| *c).collect();
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO persons ({}) VALUES ({})",
        names.join(", "),
        marks.join(", ")
    );
    conn.prepare_cached(&sql)?
        .execute(rusqlite::params_from_iter(fields.iter().map(|(_, v)| v)))
        .context("adding the person")?;
    Ok(conn.last_insert_rowid())
}

/// Set the given columns of a person (others stay as they are); returns whether a
/// value changed.
pub fn update_fields(
    conn: &Connection,
    id: i64,
    fields: &[(&'static str, rusqlite::types::Value)],
) -> Result<bool> {
    check_columns(fields)?;
    if fields.is_empty() {
        return Ok(false);
    }
    let sets: Vec<String> = fields
        .iter()
        .enumerate()
        .map(|(i, (c, _))| format!("{c} = ?{}", i + 2))
        .collect();
    let differs: Vec<String> = fields
        .iter()
        .enumerate()
        .map(|(i, (c, _))| format!("{c} IS NOT ?{}", i + 2))
        .collect();
    let sql = format!(
        "UPDATE persons SET {} WHERE id = ?1 AND ({})",
        sets.join(", "),
        differs.join(" OR ")
    );
    // A suppression belongs to the person as much as to the address: when the address
    // changes, the new one is suppressed for the same reasons (an objection must not be
    // lost to a corrected typo).
    let carried = if fields.iter().any(|(c, _)| *c == "email") {
        super::suppression::entries_for_person(conn, id)?
    } else {
        Vec::new()
    };
    let mut values: Vec<&dyn rusqlite::ToSql> = vec![&id];
    values.extend(fields.iter().map(|(_, v)| v as &dyn rusqlite::ToSql));
    let n = conn
        .prepare_cached(&sql)?
        .execute(values.as_slice())
        .context("updating the person")?;
    if n > 0 && !carried.is_empty() {
        let now = crate::rules::time::format_time(crate::rules::time::now());
        for entry in &carried {
            super::suppression::add_person(conn, id, &entry.reason, &now, "address changed")?;
        }
    }
    Ok(n > 0)
}

fn check_columns(fields: &[(&'static str, rusqlite::types::Value)]) -> Result<()> {
    for (c, _) in fields {
        if !(TEXT_FIELDS.contains(c) || FLAG_FIELDS.contains(c) || *c == "created_at") {
            bail!("{c} is not a field of a person that can be set");
        }
    }
    Ok(())
}

/// The persons, not anonymised, who hold an address (trimmed, case-insensitive), by id.
pub fn holding_email(conn: &Connection, email: &str) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM persons WHERE email = ?1 COLLATE NOCASE AND anonymised_at IS NULL ORDER BY id",
    )?;
    let ids = stmt
        .query_map([email.trim()], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()
        .context("looking up the address")?;
    Ok(ids)
}

/// The persons (not anonymised) holding an address, trimmed and case-insensitive, with
/// their first names, by id.
pub fn holders_with_first_names(
    conn: &Connection,
    email: &str,
) -> Result<Vec<(i64, Option<String>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, first_name FROM persons WHERE email = ?1 COLLATE NOCASE AND anonymised_at IS NULL ORDER BY id",
    )?;
    let rows = stmt
        .query_map([email.trim()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("looking up the address")?;
    Ok(rows)
}

/// Record a lasting objection to all contact ("volledig uitschrijven", §1.7): when, on
/// which channel, in whose words. A later objection replaces an earlier one.
pub fn record_objection(
    conn: &Connection,
    id: i64,
    at: &str,
    channel: &str,
    description: &str,
) -> Result<()> {
    conn.execute(
        "UPDATE persons SET objected_at = ?2, objection_channel = ?3, objection_description = ?4 WHERE id = ?1",
        params![id, at, channel, description],
    )
    .context("recording the objection")?;
    Ok(())
}

/// SQL true for an address with a control or invisible character: the condition of the
/// view `mailable_persons` (schema.sql), range by range as `output::is_unsafe_char`.
pub const UNSAFE_ADDRESS_GLOB: &str = "GLOB ('*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159)
          || char(1564) || char(8203) || '-' || char(8207) || char(8232) || '-' || char(8238)
          || char(8288) || '-' || char(8292) || char(8294) || '-' || char(8297) || char(65279) || ']*')";

/// Why a person is not mailable right now, as the stable codes of `query audience
/// --explain` (empty: mailable). Type-independent: the suppression list counts as a
/// whole here (an own opt-in lifts it per type).
pub fn not_mailable_because(conn: &Connection, id: i64) -> Result<Vec<&'static str>> {
    let row = conn
        .query_row(
            &format!(
                "SELECT p.anonymised_at IS NOT NULL, p.legal_hold_until IS NOT NULL,
                        p.restricted_at IS NOT NULL, p.deceased, p.bouncer,
                        EXISTS (SELECT 1 FROM persons q WHERE q.email = p.email COLLATE NOCASE
                                AND q.id <> p.id AND q.bouncer = 1 AND q.anonymised_at IS NULL),
                        p.email IS NULL,
                        p.email IS NOT NULL AND (NOT p.email_valid OR p.email {glob}),
                        p.email IS NOT NULL AND EXISTS (SELECT 1 FROM suppressions x
                                WHERE x.hash = {hash}(p.email))
                 FROM persons p WHERE p.id = ?1",
                hash = super::suppression::SQL_FUNCTION,
                glob = UNSAFE_ADDRESS_GLOB
            ),
            [id],
            |r| {
                (0..9)
                    .map(|i| r.get::<_, bool>(i))
                    .collect::<rusqlite::Result<Vec<bool>>>()
            },
        )
        .context("reading the person")?;
    let codes = [
        "anonymised",
        "legal_hold",
        "restricted",
        "deceased",
        "bouncer",
        "bouncer",
        "no_email",
        "invalid_email",
        "suppressed",
    ];
    let mut out: Vec<&'static str> = Vec::new();
    for (code, holds) in codes.iter().zip(row) {
        if holds && !out.contains(code) {
            out.push(code);
        }
    }
    Ok(out)
}

/// Whether the person's address is on the suppression list (for any reason).
pub fn suppressed(conn: &Connection, id: i64) -> Result<bool> {
    Ok(not_mailable_because(conn, id)?.contains(&"suppressed"))
}

/// How many persons, not anonymised, hold an address (case-insensitive), and how many
/// of them are bouncers already.
pub fn holders_of(conn: &Connection, email: &str) -> Result<(u64, u64)> {
    conn.prepare_cached(
        "SELECT count(*), coalesce(sum(bouncer), 0) FROM persons
         WHERE email = ?1 COLLATE NOCASE AND email IS NOT NULL AND anonymised_at IS NULL",
    )?
    .query_row([email.trim()], |r| {
        Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64))
    })
    .context("looking up the address")
}

/// Mark every person, not anonymised, who holds an address as a bouncer; returns how
/// many changed.
pub fn mark_bouncers(conn: &Connection, email: &str) -> Result<u64> {
    let n = conn
        .prepare_cached(
            "UPDATE persons SET bouncer = 1
             WHERE email = ?1 COLLATE NOCASE AND email IS NOT NULL AND anonymised_at IS NULL AND bouncer = 0",
        )?
        .execute([email.trim()])
        .context("marking bouncers")?;
    Ok(n as u64)
}

/// A person found by `person find`, with the fields that matched.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    pub id: i64,
    pub first_name: Option<String>,
    pub infix: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// What matched: `name`, `email`, `postal_code`, `phone`, `mobile` (comma-separated).
    pub matched: String,
}

/// `text` as a LIKE pattern that matches it anywhere, its wildcards escaped (`\`).
fn contains_pattern(text: &str) -> String {
    let mut p = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The digits of a phone number as stored, in SQL (spaces, dashes, dots, brackets and
/// the plus sign left out).
const PHONE_DIGITS: &str = "replace(replace(replace(replace(replace(replace(coalesce({c}, ''), ' ', ''), '-', ''), '.', ''), '(', ''), ')', ''), '+', '')";

/// Persons, not anonymised, whose name (first name, infix and last name as written
/// together, or any part), e-mail address, postal code (spaces and case ignored) or
/// phone number (digits only; `06…` also finds `+316…`) contains `text`
/// (case-insensitively for ASCII letters). At most `limit` + 1 rows, so that the caller
/// can say there are more. Anonymised persons, whose fields are empty, are never found.
pub fn find(conn: &Connection, text: &str, limit: u32) -> Result<Vec<Found>> {
    let text = text.trim();
    if text.is_empty() {
        bail!(
            "give some text to find: part of a name or an address, a postal code or a phone number"
        );
    }
    let like = contains_pattern(text);
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let postcode =
        (compact.chars().count() >= 2).then(|| contains_pattern(&compact.to_uppercase()));
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let phone_like = text
        .chars()
        .all(|c| c.is_ascii_digit() || " -+().".contains(c))
        && digits.len() >= 4;
    let (phone, phone_intl) = if phone_like {
        let intl = digits
            .strip_prefix('0')
            .map(|rest| contains_pattern(&format!("31{rest}")));
        (Some(contains_pattern(&digits)), intl)
    } else {
        (None, None)
    };
    let phone_of = |column: &str| PHONE_DIGITS.replace("{c}", column);
    let sql = format!(
        "SELECT * FROM (
           SELECT id, first_name, infix, last_name, email, phone, mobile, postal_code, city,
             rtrim(
               CASE WHEN (coalesce(first_name, '') || ' ' || coalesce(infix || ' ', '') || coalesce(last_name, '')) LIKE :like ESCAPE '\\'
                      OR last_name LIKE :like ESCAPE '\\' OR first_name LIKE :like ESCAPE '\\' THEN 'name,' ELSE '' END ||
               CASE WHEN email LIKE :like ESCAPE '\\' THEN 'email,' ELSE '' END ||
               CASE WHEN :postcode IS NOT NULL AND replace(upper(postal_code), ' ', '') LIKE :postcode ESCAPE '\\' THEN 'postal_code,' ELSE '' END ||
               CASE WHEN :phone IS NOT NULL AND ({phone} LIKE :phone OR {phone} LIKE :phone_intl) THEN 'phone,' ELSE '' END ||
               CASE WHEN :phone IS NOT NULL AND ({mobile} LIKE :phone OR {mobile} LIKE :phone_intl) THEN 'mobile,' ELSE '' END,
             ',') AS matched
           FROM persons WHERE anonymised_at IS NULL
         ) WHERE matched <> '' ORDER BY id LIMIT :limit",
        phone = phone_of("phone"),
        mobile = phone_of("mobile"),
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map(
            rusqlite::named_params! {
                ":like": like,
                ":postcode": postcode,
                ":phone": phone,
                ":phone_intl": phone_intl,
                ":limit": i64::from(limit) + 1,
            },
            |r| {
                Ok(Found {
                    id: r.get("id")?,
                    first_name: r.get("first_name")?,
                    infix: r.get("infix")?,
                    last_name: r.get("last_name")?,
                    email: r.get("email")?,
                    phone: r.get("phone")?,
                    mobile: r.get("mobile")?,
                    postal_code: r.get("postal_code")?,
                    city: r.get("city")?,
                    matched: r.get("matched")?,
                })
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("finding persons")?;
    Ok(rows)
}

/// Who a person is, for a question put to the operator: the full name and address
/// (None for an anonymised person, whose fields are gone).
pub fn name_and_email(conn: &Connection, id: i64) -> Result<Option<(String, Option<String>)>> {
    let p = load(conn, id)?;
    if p.anonymised_at.is_some() {
        return Ok(None);
    }
    Ok(Some((p.full_name(), p.email)))
}

#[cfg(test)]
mod find_tests {
    use super::contains_pattern;

    #[test]
    fn wildcards_in_the_text_are_matched_literally() {
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
