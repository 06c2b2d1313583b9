//! Organisation settings kept in the database: the controller's name and contact
//! details, the privacy officer (FG) and the time zone people read times in. The access
//! answer prints them; `settings list|set` shows and changes them.
use crate::rules::{time, validate};
use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OptionalExtension, params};

/// The setting that names the organisation (the controller). The first round called it
/// `organisation`; the upgrade to version 2 renamed it.
pub const ORGANISATION: &str = "organisation.name";
/// The controller's postal address.
pub const ORGANISATION_ADDRESS: &str = "organisation.address";
/// The controller's e-mail address for privacy questions.
pub const ORGANISATION_EMAIL: &str = "organisation.email";
/// The controller's phone number.
pub const ORGANISATION_PHONE: &str = "organisation.phone";
/// The privacy officer (functionaris gegevensbescherming, FG).
pub const FG_NAME: &str = "fg.name";
/// The privacy officer's e-mail address.
pub const FG_EMAIL: &str = "fg.email";
/// The IANA time zone in which people read times (tables, the access PDF).
pub const TIME_ZONE: &str = "timezone";
/// The largest file an import reads (`import persons|transactions|…`, `subscribe
/// --csv`): a size such as `2G` (see `import::MAX_BYTES_SETTING`).
pub const IMPORT_MAX_BYTES: &str = "import.max_bytes";

/// The name `init` gives an organisation that did not say its own: the access PDF
/// refuses to go out under it (`--draft` excepted).
pub const PLACEHOLDER_NAME: &str = "Mijn organisatie";

/// How a value of a setting is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One printable line.
    Line,
    /// An e-mail address (the mailable shape).
    Email,
    /// A phone number: digits, spaces and + ( ) - . /
    Phone,
    /// An IANA time zone name (`Europe/Amsterdam`).
    TimeZone,
    /// A whole percentage, 1 to 100.
    Percent,
    /// A size in bytes: `2G`, `500M`, `1048576` (K, M, G, T: powers of 1024).
    Size,
}

/// A known setting: its key, what it is, how its value is checked, its default.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub key: &'static str,
    pub about: &'static str,
    pub shape: Shape,
    pub default: Option<&'static str>,
}

/// Every setting an operator may set, in the order `settings list` shows them.
pub const KEYS: &[Key] = &[
    Key {
        key: ORGANISATION,
        about: "name of the organisation (the controller)",
        shape: Shape::Line,
        default: None,
    },
    Key {
        key: ORGANISATION_ADDRESS,
        about: "postal address, on one line",
        shape: Shape::Line,
        default: None,
    },
    Key {
        key: ORGANISATION_EMAIL,
        about: "e-mail address for privacy questions",
        shape: Shape::Email,
        default: None,
    },
    Key {
        key: ORGANISATION_PHONE,
        about: "phone number",
        shape: Shape::Phone,
        default: None,
    },
    Key {
        key: FG_NAME,
        about: "privacy officer (functionaris gegevensbescherming)",
        shape: Shape::Line,
        default: None,
    },
    Key {
        key: FG_EMAIL,
        about: "privacy officer's e-mail address",
        shape: Shape::Email,
        default: None,
    },
    Key {
        key: TIME_ZONE,
        about: "IANA time zone of the times people read (tables, access PDF)",
        shape: Shape::TimeZone,
        default: Some(time::DEFAULT_TIME_ZONE),
    },
    Key {
        key: SWEEP_MAX_SHARE,
        about: "the largest share (%) of the persons one retention sweep may anonymise",
        shape: Shape::Percent,
        default: Some("10"),
    },
    Key {
        key: IMPORT_MAX_BYTES,
        about: "largest file an import reads (2G, 500M; K, M, G are powers of 1024)",
        shape: Shape::Size,
        default: Some("2G"),
    },
];

/// The share of the persons (percent) one sweep may erase before it stops.
pub const SWEEP_MAX_SHARE: &str = "sweep.max_share";

/// The known setting of this key.
pub fn known(key: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.key == key)
}

/// Check and normalise a value for a key (trimmed). The reason never repeats the value:
/// a privacy officer's name or address is personal data.
pub fn check(key: &str, value: &str) -> Result<String, String> {
    let Some(k) = known(key) else {
        return Err(format!(
            "'{}' is not a setting (known: {})",
            crate::output::inert_line(key),
            KEYS.iter().map(|k| k.key).collect::<Vec<_>>().join(", ")
        ));
    };
    let v = value.trim();
    if v.chars().any(crate::output::is_unsafe_char) {
        return Err(format!(
            "{key}: one printable line, without control characters or direction marks"
        ));
    }
    if v.chars().count() > 300 {
        return Err(format!("{key}: at most 300 characters"));
    }
    match k.shape {
        Shape::Line => {}
        Shape::Email => {
            if validate::email(v).is_err() {
                return Err(format!("{key}: not a valid e-mail address"));
            }
        }
        Shape::Phone => {
            let digits = v.chars().filter(char::is_ascii_digit).count();
            if digits < 6
                || !v
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +()-./".contains(c))
            {
                return Err(format!(
                    "{key}: not a phone number (digits, spaces and + ( ) - . / only)"
                ));
            }
        }
        Shape::TimeZone => {
            time::parse_time_zone(v).map_err(|e| format!("{key}: {e}"))?;
        }
        Shape::Percent => {
            if !v.parse::<u8>().is_ok_and(|p| (1..=100).contains(&p)) {
                return Err(format!("{key}: a whole percentage from 1 to 100"));
            }
        }
        Shape::Size => {
            validate::byte_size(v).map_err(|e| format!("{key}: {e}"))?;
        }
    }
    Ok(v.to_string())
}

/// Read a setting.
pub fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
        r.get(0)
    })
    .optional()
    .with_context(|| format!("reading setting {key}"))
}

/// Write a setting.
pub fn set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )
    .with_context(|| format!("writing setting {key}"))?;
    Ok(())
}

/// Remove a setting (back to its default); returns whether it was set.
pub fn unset(conn: &Connection, key: &str) -> Result<bool> {
    let n = conn
        .execute("DELETE FROM settings WHERE key = ?1", [key])
        .with_context(|| format!("removing setting {key}"))?;
    Ok(n > 0)
}

/// Every stored setting, by key.
pub fn stored(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT key, value FROM settings ORDER BY key")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the settings")?;
    Ok(rows)
}

/// The organisation's time zone (the default when not set). A stored value that is not
/// a time zone (written by hand in the sqlite3 shell) is an error that says which.
pub fn time_zone(conn: &Connection) -> Result<chrono_tz::Tz> {
    match get(conn, TIME_ZONE)? {
        None => time::parse_time_zone(time::DEFAULT_TIME_ZONE),
        Some(name) => time::parse_time_zone(&name)
            .with_context(|| format!("setting {TIME_ZONE}: fix it with `smp-avg settings set {TIME_ZONE} Europe/Amsterdam`")),
    }
}

/// The organisation's time zone for a warning's day, where nothing may stop a record
/// of a person's choice: a setting that is not a time zone (said when the database was
/// opened) gives UTC instead of an error.
pub fn time_zone_or_utc(conn: &Connection) -> chrono_tz::Tz {
    time_zone(conn).unwrap_or(chrono_tz::UTC)
}

/// The date of moment `t` on the organisation's clock: the day a document is dated, a
/// legal hold ends, a mailing is sent and a birthday falls (at 23:30 UTC on 31
/// December it is already 1 January in Amsterdam).
pub fn day_of(conn: &Connection, t: chrono::DateTime<chrono::Utc>) -> Result<chrono::NaiveDate> {
    Ok(time::local_date(t, time_zone(conn)?))
}

/// The controller and its privacy officer, as the access answer names them.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Controller {
    pub name: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub fg_name: Option<String>,
    pub fg_email: Option<String>,
}

impl Controller {
    /// Why an access answer may not go out under these details (the placeholder name,
    /// no name, or no way to reach the organisation), if it may not.
    pub fn not_ready(&self) -> Option<String> {
        match self.name.as_deref().map(str::trim) {
            None | Some("") => {
                return Some(format!(
                    "the organisation has no name: set it with `smp-avg settings set {ORGANISATION} NAME`"
                ));
            }
            Some(PLACEHOLDER_NAME) => {
                return Some(format!(
                    "the organisation is still called '{PLACEHOLDER_NAME}': set its name with `smp-avg settings set {ORGANISATION} NAME`"
                ));
            }
            Some(_) => {}
        }
        if self.address.is_none() && self.email.is_none() && self.phone.is_none() {
            return Some(format!(
                "the organisation has no contact details: set {ORGANISATION_ADDRESS}, {ORGANISATION_EMAIL} or {ORGANISATION_PHONE} with `smp-avg settings set`"
            ));
        }
        None
    }
}

/// The controller's details from the settings.
pub fn controller(conn: &Connection) -> Result<Controller> {
    let read =
        |key| -> Result<Option<String>> { Ok(get(conn, key)?.filter(|v| !v.trim().is_empty())) };
    Ok(Controller {
        name: read(ORGANISATION)?,
        address: read(ORGANISATION_ADDRESS)?,
        email: read(ORGANISATION_EMAIL)?,
        phone: read(ORGANISATION_PHONE)?,
        fg_name: read(FG_NAME)?,
        fg_email: read(FG_EMAIL)?,
    })
}

/// Refuse a value that `check` refuses, as an error.
pub fn checked(key: &str, value: &str) -> Result<String> {
    match check(key, value) {
        Ok(v) => Ok(v),
        Err(e) => bail!("{e}"),
    }
}

/// The organisation's time zone as the database file at `path` holds it, read without
/// writing or creating anything; None when there is no such file, it is not a database
/// of ours, or the zone is not set or not valid.
pub fn time_zone_of_file(path: &std::path::Path) -> Option<chrono_tz::Tz> {
    if !path.is_file() {
        return None;
    }
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()?;
    conn.busy_timeout(std::time::Duration::from_millis(500))
        .ok()?;
    let value: String = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [TIME_ZONE],
            |r| r.get(0),
        )
        .ok()?;
    time::parse_time_zone(&value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_by_their_shape() {
        assert_eq!(
            check("organisation.email", " privacy@kroon.nl ").unwrap(),
            "privacy@kroon.nl"
        );
        assert!(check("organisation.email", "privacy@kroon").is_err());
        assert!(check("fg.email", "geen adres").is_err());
        assert!(check("organisation.phone", "+31 (0)20-123 45 67").is_ok());
        assert!(check("organisation.phone", "bel Jan").is_err());
        assert!(check("timezone", "Europe/Amsterdam").is_ok());
        assert!(check("timezone", "Europe/Amsterdm").is_err());
        assert!(check("organisation.name", "Theater\u{1b}[31m").is_err());
        assert!(check("organisation.name", "twee\nregels").is_err());
        assert!(check("organisation", "x").is_err());
        assert!(check("organisation.name", &"x".repeat(301)).is_err());
        assert_eq!(check("import.max_bytes", " 500M ").unwrap(), "500M");
        assert!(check("import.max_bytes", "veel").is_err());
        assert!(check("import.max_bytes", "12").is_err());
    }

    #[test]
    fn reasons_never_repeat_the_value() {
        let e = check("fg.email", "jan.jansen-at-kroon").unwrap_err();
        assert!(!e.contains("jan.jansen"), "{e}");
    }

    #[test]
    fn the_placeholder_and_no_contact_are_not_ready() {
        let mut c = Controller {
            name: Some(PLACEHOLDER_NAME.into()),
            email: Some("a@b.nl".into()),
            ..Controller::default()
        };
        assert!(c.not_ready().unwrap().contains("Mijn organisatie"));
        c.name = Some("Theater De Kroon".into());
        assert!(c.not_ready().is_none());
        c.email = None;
        assert!(c.not_ready().unwrap().contains("contact"));
    }
}
