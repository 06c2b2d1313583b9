//! The legal deadlines of accountability: a data-subject request is answered within one
//! calendar month of receipt, extendable by two more (Art. 12(3) GDPR); a breach is
//! reported to the Autoriteit Persoonsgegevens within 72 hours of its discovery
//! (Art. 33(1)). Pure: "today" and "now" are passed in.
//!
//! A request's month is counted in days of the organisation's time zone (setting
//! `timezone`): a letter received at 00:30 on 1 December in Amsterdam (23:30 UTC on
//! 30 November) was received on 1 December, and "today" is the date there.
use anyhow::{Result, bail};
use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use chrono_tz::Tz;

/// The kinds of data-subject request, as stored and typed (`request open --kind`).
pub const REQUEST_KINDS: &[&str] = &[
    "access",
    "erasure",
    "objection",
    "rectification",
    "restriction",
    "portability",
];

/// At most this many months of extension in total (Art. 12(3): "by two further months").
pub const MAX_EXTENSION_MONTHS: u32 = 2;

/// The day a request received on `received` must be answered by, with `extension`
/// months added: the same day `1 + extension` calendar months later, or the last day of
/// that month when it has no such day (31 January → 28 or 29 February). The period is
/// counted from receipt as a whole, so 31 January extended by two months is due on
/// 30 April, not 28 April. The answer is due by the end of that day.
pub fn request_due(received: NaiveDate, extension: u32) -> NaiveDate {
    // chrono clamps to the month's last day; it fails only beyond the year 262143.
    received
        .checked_add_months(Months::new(1 + extension))
        .unwrap_or(NaiveDate::MAX)
}

/// The day a request received at `received` was received on: its date in the
/// organisation's time zone `tz`, from which its month counts.
pub fn received_day(received: DateTime<Utc>, tz: Tz) -> NaiveDate {
    crate::rules::time::local_date(received, tz)
}

/// Whether a request due on `due` and still open is overdue on `today`.
pub fn request_overdue(due: NaiveDate, today: NaiveDate) -> bool {
    today > due
}

/// Check an extension of `months` on a request already extended by `extended` months,
/// received on `received`, asked on `today`: in total at most two months, and decided
/// within the first month (the person must be told of it, with the reasons, within one
/// month of receipt). Returns the new total.
pub fn check_extension(
    received: NaiveDate,
    extended: u32,
    months: u32,
    today: NaiveDate,
) -> Result<u32> {
    if !(1..=MAX_EXTENSION_MONTHS).contains(&months) {
        bail!("an extension is 1 or 2 months");
    }
    let total = extended + months;
    if total > MAX_EXTENSION_MONTHS {
        bail!(
            "the request was already extended by {extended} month(s): at most {MAX_EXTENSION_MONTHS} months in total (Art. 12(3))"
        );
    }
    let first_month = request_due(received, 0);
    if today > first_month {
        bail!(
            "an extension must be told to the person within one month of receipt (by {first_month}, Art. 12(3)): too late to extend"
        );
    }
    Ok(total)
}

/// When a breach discovered at `discovered` must be reported to the Autoriteit
/// Persoonsgegevens: 72 hours later.
pub fn breach_ap_due(discovered: DateTime<Utc>) -> DateTime<Utc> {
    discovered + Duration::hours(72)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_request_is_due_one_calendar_month_after_receipt() {
        assert_eq!(request_due(d("2026-03-15"), 0), d("2026-04-15"));
        assert_eq!(request_due(d("2026-12-20"), 0), d("2027-01-20"));
    }

    #[test]
    fn the_month_end_is_clamped() {
        assert_eq!(request_due(d("2026-01-31"), 0), d("2026-02-28"));
        assert_eq!(request_due(d("2028-01-31"), 0), d("2028-02-29"));
        assert_eq!(request_due(d("2026-03-31"), 0), d("2026-04-30"));
        assert_eq!(request_due(d("2026-01-30"), 0), d("2026-02-28"));
    }

    #[test]
    fn an_extension_counts_from_receipt() {
        assert_eq!(request_due(d("2026-01-31"), 1), d("2026-03-31"));
        assert_eq!(request_due(d("2026-01-31"), 2), d("2026-04-30"));
        assert_eq!(request_due(d("2026-11-30"), 2), d("2027-02-28"));
    }

    #[test]
    fn the_month_counts_from_the_day_of_receipt_in_the_organisations_time_zone() {
        let ams = chrono_tz::Europe::Amsterdam;
        let t = |s: &str| crate::rules::time::parse_time(s).unwrap();
        // 23:30 UTC on 30 November is 00:30 on 1 December in Amsterdam.
        let day = received_day(t("2026-11-30T23:30:00Z"), ams);
        assert_eq!(day, d("2026-12-01"));
        assert_eq!(request_due(day, 0), d("2027-01-01"));
        // Summer time: 22:30 UTC on 31 May is 00:30 on 1 June.
        let day = received_day(t("2026-05-31T22:30:00Z"), ams);
        assert_eq!(request_due(day, 0), d("2026-07-01"));
        // Earlier in the evening it is still the same day.
        let day = received_day(t("2026-11-30T22:30:00Z"), ams);
        assert_eq!(request_due(day, 0), d("2026-12-30"));
        // In UTC itself nothing moves.
        let day = received_day(t("2026-11-30T23:30:00Z"), chrono_tz::UTC);
        assert_eq!(request_due(day, 0), d("2026-12-30"));
    }

    #[test]
    fn overdue_only_after_the_due_day() {
        assert!(!request_overdue(d("2026-02-28"), d("2026-02-28")));
        assert!(request_overdue(d("2026-02-28"), d("2026-03-01")));
    }

    #[test]
    fn extensions_at_most_two_months_within_the_first_month() {
        let received = d("2026-01-31");
        assert_eq!(check_extension(received, 0, 2, d("2026-02-10")).unwrap(), 2);
        assert_eq!(check_extension(received, 1, 1, d("2026-02-28")).unwrap(), 2);
        assert!(check_extension(received, 1, 2, d("2026-02-10")).is_err());
        assert!(check_extension(received, 2, 1, d("2026-02-10")).is_err());
        assert!(check_extension(received, 0, 3, d("2026-02-10")).is_err());
        assert!(check_extension(received, 0, 0, d("2026-02-10")).is_err());
        let late = check_extension(received, 0, 1, d("2026-03-01"))
            .unwrap_err()
            .to_string();
        assert!(late.contains("2026-02-28"), "{late}");
    }

    #[test]
    fn a_breach_is_due_at_the_ap_72_hours_after_discovery() {
        let t = crate::rules::time::parse_time("2026-11-28T23:50:36Z").unwrap();
        assert_eq!(
            crate::rules::time::format_time(breach_ap_due(t)),
            "2026-12-01T23:50:36Z"
        );
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use chrono::Datelike;
    use proptest::prelude::*;

    proptest! {
        /// Any receipt: due in the month after, on the same day or the month's last day,
        /// 28 to 31 days later; an extension only moves it later.
        #[test]
        fn the_due_day_is_in_the_next_month(days in 0i64..200_000, extension in 0u32..=2) {
            let received = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + Duration::days(days);
            let due = request_due(received, 0);
            let gap = (due - received).num_days();
            prop_assert!((28..=31).contains(&gap), "{received} → {due}");
            prop_assert_eq!(due.month0(), (received.month0() + 1) % 12);
            prop_assert!(due.day() <= received.day());
            prop_assert!(request_due(received, extension) >= due);
        }
    }
}
