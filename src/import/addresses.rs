//! Address lists from newsletter tools (bounce and suppression exports): which column
//! holds the address, and the optional reason and date columns. The tools name the
//! address column differently (Mailchimp `Email Address`, Laposta `E-mailadres`,
//! listmonk `email`) and add many columns of their own, which are ignored.
use anyhow::{Result, bail};
use chrono::{DateTime, Duration, Utc};

/// Header names of the address column, as the tools write them; compared trimmed and
/// case-insensitively.
pub const EMAIL_HEADERS: &[&str] = &[
    "email",
    "e-mail",
    "E-mailadres",
    "Email Address",
    "emailadres",
    "e-mail address",
    "email_address",
];
/// Header names of the optional reason column.
pub const REASON_HEADERS: &[&str] = &["reason", "reden", "bounce type", "bounce_type"];
/// Header names of the optional date column.
pub const DATE_HEADERS: &[&str] = &["date", "datum", "bounced_at", "bounce date"];
/// Header names of the optional description column (suppression lists).
pub const DESCRIPTION_HEADERS: &[&str] = &["description", "omschrijving", "note", "notitie"];

/// Maps a header name (trimmed, lower-cased) to `email`, `reason`, `date` or (when
/// `with_description`) `description`; every other column is ignored. With `--column
/// NAME` that column is the address, and the usual address names are ignored.
pub fn resolver(
    column: Option<&str>,
    with_description: bool,
) -> impl Fn(&str, &str) -> Result<Option<String>> {
    let chosen = column.map(|c| c.trim().to_lowercase());
    move |name: &str, _written: &str| {
        let is = |names: &[&str]| names.iter().any(|n| n.to_lowercase() == name);
        Ok(match &chosen {
            Some(c) if c == name => Some("email".to_string()),
            Some(_) if is(EMAIL_HEADERS) => None,
            None if is(EMAIL_HEADERS) => Some("email".to_string()),
            _ if is(REASON_HEADERS) => Some("reason".to_string()),
            _ if is(DATE_HEADERS) => Some("date".to_string()),
            _ if with_description && is(DESCRIPTION_HEADERS) => Some("description".to_string()),
            _ => None,
        })
    }
}

/// What the header line must hold, for messages.
pub fn expected(column: Option<&str>) -> String {
    match column {
        Some(c) => format!("'{c}' (--column)"),
        None => format!("an address column named {}", EMAIL_HEADERS.join(", ")),
    }
}

/// The required-column message of [`super::CsvTable::open_mapped`] made specific.
pub fn missing_address(err: anyhow::Error, column: Option<&str>) -> anyhow::Error {
    let text = format!("{err:#}");
    if text.contains("required column 'email'") {
        let hint = match column {
            Some(_) => String::new(),
            None => " (or name the column with --column NAME)".to_string(),
        };
        anyhow::anyhow!(
            "{}: no address column: expected {}{hint}",
            text.split(": line 1:").next().unwrap_or(""),
            expected(column)
        )
    } else {
        err
    }
}

/// A plausible address: something before and after one `@`, no white space.
pub fn check_address(email: &str) -> Result<(), String> {
    if email.matches('@').count() != 1
        || email.starts_with('@')
        || email.ends_with('@')
        || email.chars().any(char::is_whitespace)
    {
        return Err("email: not an e-mail address".into());
    }
    Ok(())
}

/// The date of a row (`date` column): a date or a time; a date more than a day ahead of
/// `now` is refused (a typo, or a file from a machine with a wrong clock). Without a
/// date: `now`.
pub fn row_date(value: Option<&str>, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let Some(value) = value else {
        return Ok(now);
    };
    let t = crate::rules::time::parse_time(value).map_err(|e| format!("date: {e}"))?;
    if t > now + Duration::days(1) {
        return Err(format!(
            "date: {} is in the future",
            crate::rules::time::format_time(t)
        ));
    }
    Ok(t)
}

/// What a bounce list says about an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bounce {
    /// Permanent: the address does not exist. Its persons become bouncers and the
    /// address goes on the suppression list (`hard_bounce`).
    Hard,
    /// Temporary (a full mailbox): reported, nobody marked.
    Soft,
    /// A spam complaint: the address goes on the suppression list (`complaint`); the
    /// address works, so nobody becomes a bouncer.
    Complaint,
}

impl Bounce {
    /// The `reason` column: `hard`, `soft` or `complaint` in any case, and the words
    /// tools and people use for them. Empty: hard (a bounce list lists bounces).
    pub fn parse(value: Option<&str>) -> Result<Bounce, String> {
        let Some(v) = value else {
            return Ok(Bounce::Hard);
        };
        match v.trim().to_lowercase().as_str() {
            "hard" | "hard bounce" | "hard_bounce" | "hardbounce" | "permanent" => Ok(Bounce::Hard),
            "soft" | "soft bounce" | "soft_bounce" | "softbounce" | "temporary" | "zacht" => {
                Ok(Bounce::Soft)
            }
            "complaint" | "spam" | "spam complaint" | "abuse" | "klacht" => Ok(Bounce::Complaint),
            _ => Err(format!(
                "reason: '{}' is not hard, soft or complaint",
                crate::output::inert(v)
            )),
        }
    }
}

/// The `reason` column of a suppression list: a suppression reason that a list may
/// bring in (`hard_bounce`, `complaint`, `objection`, `manual`), or `hard`. Empty:
/// `manual`. The reasons smp-avg sets itself on an event (`unsubscribed_all`, `erased`,
/// `deceased`) are refused.
pub fn suppression_reason(value: Option<&str>) -> Result<&'static str, String> {
    let Some(v) = value else {
        return Ok("manual");
    };
    match v.trim().to_lowercase().as_str() {
        "hard_bounce" | "hard" | "hard bounce" | "bounce" => Ok("hard_bounce"),
        "complaint" | "spam" | "spam complaint" | "abuse" | "klacht" => Ok("complaint"),
        "objection" | "bezwaar" => Ok("objection"),
        "manual" | "handmatig" => Ok("manual"),
        "soft" | "soft bounce" | "soft_bounce" => {
            Err("reason: a soft bounce is temporary, not a reason to suppress an address".into())
        }
        r @ ("unsubscribed_all" | "erased" | "deceased") => Err(format!(
            "reason: '{r}' is set by smp-avg itself (unsubscribe-all, anonymise, a deceased person), not by a list"
        )),
        _ => Err(format!(
            "reason: '{}' is not one of hard_bounce, complaint, objection, manual",
            crate::output::inert(v)
        )),
    }
}

/// Refuse an empty `--column`.
pub fn check_column(column: Option<&str>) -> Result<()> {
    if column.is_some_and(|c| c.trim().is_empty()) {
        bail!("--column must name a column of the file");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_column_of_every_tool_is_found() {
        let r = resolver(None, false);
        for h in ["email", "e-mail", "e-mailadres", "email address"] {
            assert_eq!(r(h, h).unwrap().as_deref(), Some("email"), "{h}");
        }
        assert_eq!(r("first name", "First Name").unwrap(), None);
        assert_eq!(r("reason", "Reason").unwrap().as_deref(), Some("reason"));
        let chosen = resolver(Some("Adres"), false);
        assert_eq!(chosen("adres", "Adres").unwrap().as_deref(), Some("email"));
        assert_eq!(chosen("email", "email").unwrap(), None);
    }

    #[test]
    fn reasons_and_dates() {
        assert_eq!(Bounce::parse(Some("HARD")), Ok(Bounce::Hard));
        assert_eq!(Bounce::parse(Some("Soft")), Ok(Bounce::Soft));
        assert_eq!(Bounce::parse(Some("complaint")), Ok(Bounce::Complaint));
        assert_eq!(Bounce::parse(None), Ok(Bounce::Hard));
        assert!(Bounce::parse(Some("bounce?")).is_err());
        assert_eq!(suppression_reason(Some("hard")), Ok("hard_bounce"));
        assert!(suppression_reason(Some("erased")).is_err());
        let now = crate::rules::time::parse_time("2026-12-01T12:00:00Z").unwrap();
        assert!(row_date(Some("2026-12-02"), now).is_ok(), "within a day");
        assert!(row_date(Some("2026-12-03"), now).is_err());
        assert!(row_date(Some("31-02-2026"), now).is_err());
        assert_eq!(row_date(None, now), Ok(now));
    }
}
