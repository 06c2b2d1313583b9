//! Times and dates as CLI.md defines them: RFC 3339 UTC with second precision on output;
//! on input a date `2026-11-28`, `28-11-2026` or an RFC 3339 timestamp.
use anyhow::{Result, bail};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, Utc};

/// The stored and printed form of a time: `2026-11-28T23:50:36Z`.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Now, in the stored form.
pub fn now() -> DateTime<Utc> {
    // Second precision: the stored form has no fractions, and comparisons must agree
    // with what is stored.
    DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap_or_else(Utc::now)
}

/// A date in one of the accepted forms (`2026-11-28`, `28-11-2026`).
pub fn parse_date(input: &str) -> Result<NaiveDate> {
    let s = input.trim();
    for fmt in ["%Y-%m-%d", "%d-%m-%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            // chrono accepts 5-digit years and 1-digit days; the contract does not.
            if s.len() == 10 {
                return Ok(d);
            }
        }
    }
    bail!("'{s}' is not a valid date (use 2026-11-28 or 28-11-2026)")
}

/// A point in time: a date (midnight UTC), a date with a time (UTC), or RFC 3339 with
/// any offset (converted to UTC). Fractions of a second are dropped.
pub fn parse_time(input: &str) -> Result<DateTime<Utc>> {
    let s = input.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(truncate(t.with_timezone(&Utc)));
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%d-%m-%Y %H:%M:%S",
        "%d-%m-%Y %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(truncate(t.and_utc()));
        }
    }
    match parse_date(s) {
        Ok(d) => Ok(d.and_time(NaiveTime::MIN).and_utc()),
        Err(_) => {
            bail!("'{s}' is not a valid time (use 2026-11-28, 28-11-2026 or 2026-11-28T23:50:36Z)")
        }
    }
}

fn truncate(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_three_contract_forms() {
        assert_eq!(
            format_time(parse_time("2026-11-28").unwrap()),
            "2026-11-28T00:00:00Z"
        );
        assert_eq!(
            format_time(parse_time("28-11-2026").unwrap()),
            "2026-11-28T00:00:00Z"
        );
        assert_eq!(
            format_time(parse_time("2026-11-28T23:50:36Z").unwrap()),
            "2026-11-28T23:50:36Z"
        );
    }

    #[test]
    fn offsets_become_utc_and_fractions_go() {
        assert_eq!(
            format_time(parse_time("2026-11-29T00:50:36.789+01:00").unwrap()),
            "2026-11-28T23:50:36Z"
        );
    }

    #[test]
    fn spreadsheet_times_are_utc() {
        assert_eq!(
            format_time(parse_time("28-11-2026 14:05").unwrap()),
            "2026-11-28T14:05:00Z"
        );
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert!(parse_time("2026-02-30").is_err());
        assert!(parse_time("31-04-2026").is_err());
        assert!(parse_time("2026-13-01").is_err());
        assert!(parse_time("gisteren").is_err());
        assert!(parse_date("1-1-2026").is_err());
        assert!(parse_date("").is_err());
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn times_and_dates_never_panic(s in any::<String>()) {
            let _ = parse_time(&s);
            let _ = parse_date(&s);
        }

        /// Shapes close to the accepted forms, with out-of-range parts and odd bytes.
        #[test]
        fn near_misses_never_panic(
            s in "[0-9]{1,6}[-/.][0-9]{1,3}[-/.][0-9]{1,6}([T ][0-9]{1,3}:[0-9]{1,3}(:[0-9]{1,3})?(\\.[0-9]{1,12})?(Z|[+-][0-9]{2}:?[0-9]{2})?)?[é ]?"
        ) {
            if let Ok(t) = parse_time(&s) {
                // What parses is stored as RFC 3339 UTC that parses to the same moment.
                prop_assert_eq!(parse_time(&format_time(t)).unwrap(), t);
            }
            let _ = parse_date(&s);
        }
    }
}
