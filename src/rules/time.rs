//! Times and dates as CLI.md defines them: RFC 3339 UTC with second precision on output;
//! on input a date `2026-11-28`, `28-11-2026` (midnight UTC, as the contract has it), a
//! date and time on the organisation's clock (`2026-11-28 09:00`: the time an operator
//! reads off the wall, in the time zone of the setting `timezone`), or an RFC 3339
//! timestamp / a time with an offset.
use anyhow::{Result, bail};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, Utc};
use chrono_tz::Tz;

/// The time zone people read times in when the organisation set none.
pub const DEFAULT_TIME_ZONE: &str = "Europe/Amsterdam";

/// The clock a date and time without an offset is read on: the organisation's time
/// zone, set once at start-up from the database's setting (`set_input_zone`).
static INPUT_ZONE: std::sync::OnceLock<Tz> = std::sync::OnceLock::new();

/// Read times typed without an offset on this clock (once, before the command line is
/// parsed). Later calls are ignored.
pub fn set_input_zone(tz: Tz) {
    let _ = INPUT_ZONE.set(tz);
}

/// The clock of times typed without an offset.
pub fn input_zone() -> Tz {
    *INPUT_ZONE.get_or_init(|| {
        DEFAULT_TIME_ZONE
            .parse()
            .unwrap_or(chrono_tz::Europe::Amsterdam)
    })
}

/// A wall-clock time in `tz`: the earlier of two when the clock goes back; an error
/// for a time the clock skips when it goes forward.
pub fn from_wall_clock(t: NaiveDateTime, tz: Tz) -> Result<DateTime<Utc>> {
    use chrono::TimeZone;
    match tz.from_local_datetime(&t).earliest() {
        Some(local) => Ok(local.with_timezone(&Utc)),
        None => bail!(
            "{} does not exist in {} (the clock skips that hour): give it with an offset",
            t.format("%Y-%m-%d %H:%M"),
            tz.name()
        ),
    }
}

/// An IANA time zone name (`Europe/Amsterdam`, `UTC`); daylight saving comes with it.
pub fn parse_time_zone(name: &str) -> Result<Tz> {
    match name.trim().parse::<Tz>() {
        Ok(tz) => Ok(tz),
        Err(_) => bail!(
            "'{}' is not an IANA time zone (e.g. Europe/Amsterdam)",
            crate::output::inert_line(name.trim())
        ),
    }
}

/// A time exactly in the stored form (`2026-11-28T23:50:36Z`), and nothing else: a
/// date, or text that merely starts like a time, is not one.
pub fn parse_stored(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    let shape = b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        });
    if !shape {
        return None;
    }
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A stored time as people read it on a terminal, in `tz`, with the zone's abbreviation
/// so that every cell says which clock it is: `2026-11-29 00:50:36 CET`.
pub fn local_cell(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz)
        .format("%Y-%m-%d %H:%M:%S %Z")
        .to_string()
}

/// The day of moment `t` in time zone `tz`: the date people there write on it
/// (`2026-11-30T23:30:00Z` is 1 December in Amsterdam).
pub fn local_date(t: DateTime<Utc>, tz: Tz) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

/// The moment day `d` begins in time zone `tz`: its midnight, or where a zone skips
/// midnight when its clock goes forward, the first moment the day has.
pub fn day_start(d: NaiveDate, tz: Tz) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = d.and_time(NaiveTime::MIN);
    (0..=4 * 24)
        .map(|quarters| midnight + chrono::Duration::minutes(15 * quarters))
        .find_map(|t| tz.from_local_datetime(&t).earliest())
        .map_or_else(|| midnight.and_utc(), |local| local.with_timezone(&Utc))
}

/// The moments day `d` in `tz` covers, as stored times: from its start (inclusive) to
/// the next day's (exclusive). Compared with stored times as text, since the stored
/// form sorts as time does.
pub fn day_span(d: NaiveDate, tz: Tz) -> (String, String) {
    let next = d.succ_opt().unwrap_or(d);
    (
        format_time(day_start(d, tz)),
        format_time(day_start(next, tz)),
    )
}

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
    // Never the value itself: it may be a birth date, and a message may reach a log.
    bail!("not a valid date (use 2026-11-28 or 28-11-2026)")
}

/// A point in time: a date (midnight UTC), a date with a time on the organisation's
/// clock ([`input_zone`]), or RFC 3339 with any offset or Z (converted to UTC), also
/// without seconds (`2026-11-28T14:05+01:00`, Dutch winter time; `2026-11-28T13:05Z`). Fractions of a second are dropped. The time in UTC must lie in the
/// years 0001 to 9999, the stored form's four digits (`0000-01-01T00:30+01:00` is the
/// year 0 in UTC, `+10000-01-01` the year 10000).
pub fn parse_time(input: &str) -> Result<DateTime<Utc>> {
    let t = parse_any_time(input)?;
    if !(1..=9999).contains(&t.year()) {
        bail!(
            "'{}' is out of range (years 0001 to 9999 in UTC)",
            crate::output::inert_line(input.trim())
        );
    }
    Ok(t)
}

fn parse_any_time(input: &str) -> Result<DateTime<Utc>> {
    let s = input.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(truncate(t.with_timezone(&Utc)));
    }
    for fmt in ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%d %H:%M%:z"] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Ok(t.with_timezone(&Utc));
        }
    }
    // UTC written with a Z but without seconds or with a space: `2026-11-28T14:05Z`.
    if let Some(naive) = s.strip_suffix(['Z', 'z']) {
        for fmt in ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"] {
            if let Ok(t) = NaiveDateTime::parse_from_str(naive, fmt) {
                return Ok(truncate(t.and_utc()));
            }
        }
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
            return Ok(truncate(from_wall_clock(t, input_zone())?));
        }
    }
    match parse_date(s) {
        Ok(d) => Ok(d.and_time(NaiveTime::MIN).and_utc()),
        Err(_) => {
            bail!(
                "not a valid time (use 2026-11-28, 28-11-2026, 2026-11-28 14:05 on the organisation's clock, 2026-11-28T13:05:00Z in UTC, or 2026-11-28T14:05+01:00 with an offset)"
            )
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
    fn a_day_on_the_organisations_clock_begins_at_its_own_midnight() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let ams = chrono_tz::Europe::Amsterdam;
        // Winter (UTC+1) and summer (UTC+2).
        assert_eq!(
            day_span(d("2027-01-01"), ams),
            (
                "2026-12-31T23:00:00Z".to_string(),
                "2027-01-01T23:00:00Z".to_string()
            )
        );
        assert_eq!(
            day_span(d("2027-07-01"), ams),
            (
                "2027-06-30T22:00:00Z".to_string(),
                "2027-07-01T22:00:00Z".to_string()
            )
        );
        // The night the clock goes forward is an hour short.
        assert_eq!(
            day_span(d("2027-03-28"), ams),
            (
                "2027-03-27T23:00:00Z".to_string(),
                "2027-03-28T22:00:00Z".to_string()
            )
        );
        // Chile skipped midnight on 11 September 2022: the day began at 01:00 (UTC-3).
        assert_eq!(
            format_time(day_start(d("2022-09-11"), chrono_tz::America::Santiago)),
            "2022-09-11T04:00:00Z"
        );
        // The day of a moment and the span of that day agree.
        let t = parse_stored("2026-12-31T23:30:00Z").unwrap();
        let (from, to) = day_span(local_date(t, ams), ams);
        assert!(from.as_str() <= "2026-12-31T23:30:00Z" && "2026-12-31T23:30:00Z" < to.as_str());
        assert_eq!(local_date(t, ams), d("2027-01-01"));
        assert_eq!(local_date(t, chrono_tz::UTC), d("2026-12-31"));
    }

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
    fn times_outside_the_four_digit_years_are_refused() {
        for bad in [
            "0000-01-01T00:30:00+01:00",
            "9999-12-31T23:30:00-01:00",
            "+10000-01-01T00:00:00Z",
            "10000-01-01 00:00",
            "-0001-01-01 00:00",
            "0000-06-01",
        ] {
            if let Ok(t) = parse_time(bad) {
                panic!("{bad} read as {}", format_time(t));
            }
        }
        for good in ["0001-01-01", "9999-12-31T23:59:59Z"] {
            let t = parse_time(good).unwrap();
            assert!(parse_stored(&format_time(t)).is_some(), "{good}");
        }
    }

    #[test]
    fn offsets_become_utc_and_fractions_go() {
        assert_eq!(
            format_time(parse_time("2026-11-29T00:50:36.789+01:00").unwrap()),
            "2026-11-28T23:50:36Z"
        );
    }

    #[test]
    fn an_offset_without_seconds_is_local_time() {
        for s in ["2026-11-28T14:05+01:00", "2026-11-28 14:05+01:00"] {
            assert_eq!(
                format_time(parse_time(s).unwrap()),
                "2026-11-28T13:05:00Z",
                "{s}"
            );
        }
        assert_eq!(
            format_time(parse_time("2026-07-01T09:30+02:00").unwrap()),
            "2026-07-01T07:30:00Z"
        );
        assert!(parse_time("2026-11-28T14:05+25:00").is_err());
        assert_eq!(
            format_time(parse_time("2026-11-28T13:05Z").unwrap()),
            "2026-11-28T13:05:00Z"
        );
    }

    #[test]
    fn spreadsheet_times_are_on_the_organisations_clock() {
        // The default clock (no database named) is Amsterdam: CET in winter, CEST in
        // summer.
        assert_eq!(
            format_time(parse_time("28-11-2026 14:05").unwrap()),
            "2026-11-28T13:05:00Z"
        );
        assert_eq!(
            format_time(parse_time("2026-07-01 09:30:15").unwrap()),
            "2026-07-01T07:30:15Z"
        );
        // A date alone stays midnight UTC, as the contract has it.
        assert_eq!(
            format_time(parse_time("2026-07-01").unwrap()),
            "2026-07-01T00:00:00Z"
        );
    }

    #[test]
    fn the_hour_the_clock_skips_is_refused_and_the_repeated_one_is_the_first() {
        let tz = parse_time_zone("Europe/Amsterdam").unwrap();
        let t = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        assert!(from_wall_clock(t("2026-03-29 02:30"), tz).is_err());
        assert_eq!(
            format_time(from_wall_clock(t("2026-10-25 02:30"), tz).unwrap()),
            "2026-10-25T00:30:00Z"
        );
    }

    #[test]
    fn local_time_crosses_midnight_and_knows_daylight_saving() {
        let tz = parse_time_zone("Europe/Amsterdam").unwrap();
        let winter = parse_stored("2026-11-28T23:50:36Z").unwrap();
        assert_eq!(local_cell(winter, tz), "2026-11-29 00:50:36 CET");
        let summer = parse_stored("2026-07-01T22:30:00Z").unwrap();
        assert_eq!(local_cell(summer, tz), "2026-07-02 00:30:00 CEST");
        assert!(parse_time_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn the_local_date_crosses_midnight() {
        let tz = parse_time_zone("Europe/Amsterdam").unwrap();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let t = |s: &str| parse_stored(s).unwrap();
        assert_eq!(local_date(t("2026-11-30T23:30:00Z"), tz), d("2026-12-01"));
        assert_eq!(local_date(t("2026-11-30T22:59:59Z"), tz), d("2026-11-30"));
        // Summer time: two hours ahead.
        assert_eq!(local_date(t("2026-06-30T22:00:00Z"), tz), d("2026-07-01"));
        assert_eq!(local_date(t("2026-06-30T21:59:59Z"), tz), d("2026-06-30"));
    }

    #[test]
    fn only_the_stored_form_is_a_stored_time() {
        assert!(parse_stored("2026-11-28T23:50:36Z").is_some());
        for not in [
            "2026-11-28",
            "2026-11-28T23:50:36+01:00",
            "2026-11-28T23:50:36Z ",
            "x2026-11-28T23:50:36Z",
            "2026-13-28T23:50:36Z",
            "",
        ] {
            assert!(parse_stored(not).is_none(), "{not}");
        }
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
                // ... in the stored form that the schema's CHECKs accept.
                prop_assert!(parse_stored(&format_time(t)).is_some(), "{}", format_time(t));
            }
            let _ = parse_date(&s);
        }
    }
}
