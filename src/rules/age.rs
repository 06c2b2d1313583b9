//! Age and consent: in the Netherlands a child under 16 cannot give consent for an
//! online service on their own (UAVG art. 5, GDPR art. 8): a parent or guardian must.
use chrono::{Datelike, NaiveDate};

/// The age below which consent needs a parent or guardian.
pub const CONSENT_AGE: i32 = 16;

/// Whole years from `birth` to `on` (a birthday on 29 February counts on 1 March in
/// other years); None when `on` is before the birth.
pub fn years_on(birth: NaiveDate, on: NaiveDate) -> Option<i32> {
    if on < birth {
        return None;
    }
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    Some(years)
}

/// Whether a person born on `birth` (a stored `YYYY-MM-DD`) was under the consent age
/// on `on`; false when the birth date is unknown or unreadable.
pub fn under_consent_age(birth: Option<&str>, on: NaiveDate) -> bool {
    birth
        .and_then(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").ok())
        .and_then(|b| years_on(b, on))
        .is_some_and(|y| y < CONSENT_AGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn sixteen_on_the_birthday_not_the_day_before() {
        assert_eq!(years_on(d("2010-06-15"), d("2026-06-14")), Some(15));
        assert_eq!(years_on(d("2010-06-15"), d("2026-06-15")), Some(16));
        assert!(under_consent_age(Some("2010-06-15"), d("2026-06-14")));
        assert!(!under_consent_age(Some("2010-06-15"), d("2026-06-15")));
        assert_eq!(years_on(d("2008-02-29"), d("2024-02-28")), Some(15));
        assert_eq!(years_on(d("2008-02-29"), d("2024-02-29")), Some(16));
    }

    #[test]
    fn an_unknown_birth_date_is_no_child() {
        assert!(!under_consent_age(None, d("2026-01-01")));
        assert!(!under_consent_age(Some("onbekend"), d("2026-01-01")));
    }
}
