//! Retention periods ("bewaartermijn"): `5y`, `18m` or `30d`.
use anyhow::Result;
use chrono::{DateTime, Days, Months, Utc};
use std::fmt;

/// A calendar period counted back from a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetentionPeriod {
    Years(u32),
    Months(u32),
    Days(u32),
}

impl RetentionPeriod {
    /// Parse `5y`, `18m` or `30d` (a positive whole number and a unit).
    pub fn parse(input: &str) -> Result<Self> {
        let s = input.trim();
        let refuse = || anyhow::anyhow!("'{s}' is not a period (use e.g. 5y, 18m or 30d)");
        // The unit is the last character, whatever its width in bytes.
        let mut chars = s.chars();
        let unit = chars.next_back().ok_or_else(refuse)?;
        let number = chars.as_str();
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(refuse());
        }
        let n: u32 = match number.parse() {
            Ok(n) if n > 0 => n,
            _ => return Err(refuse()),
        };
        match unit {
            'y' | 'Y' if n <= 200 => Ok(Self::Years(n)),
            'm' | 'M' if n <= 2400 => Ok(Self::Months(n)),
            'd' | 'D' if n <= 73000 => Ok(Self::Days(n)),
            _ => Err(refuse()),
        }
    }

    /// Less than a year: for a retention period, more likely a typo (5d for 5y) than
    /// meant.
    pub fn is_short(self) -> bool {
        match self {
            Self::Years(_) => false,
            Self::Months(n) => n < 12,
            Self::Days(n) => n < 365,
        }
    }

    /// The moment `self` before `now`: activity before it is too old.
    pub fn cutoff(self, now: DateTime<Utc>) -> DateTime<Utc> {
        let back = match self {
            Self::Years(n) => now.checked_sub_months(Months::new(n * 12)),
            Self::Months(n) => now.checked_sub_months(Months::new(n)),
            Self::Days(n) => now.checked_sub_days(Days::new(u64::from(n))),
        };
        back.unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// Whether `self` keeps data for less time than `other`, counted back from `at`
    /// (`24m` is as long as `2y`; `365d` is shorter than `1y` across a leap day).
    pub fn shorter_than(self, other: RetentionPeriod, at: DateTime<Utc>) -> bool {
        self.cutoff(at) > other.cutoff(at)
    }
}

impl fmt::Display for RetentionPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Years(n) => write!(f, "{n}y"),
            Self::Months(n) => write!(f, "{n}m"),
            Self::Days(n) => write!(f, "{n}d"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::time::{format_time, parse_time};

    #[test]
    fn parses_the_three_units() {
        assert_eq!(
            RetentionPeriod::parse("5y").unwrap(),
            RetentionPeriod::Years(5)
        );
        assert_eq!(
            RetentionPeriod::parse("18m").unwrap(),
            RetentionPeriod::Months(18)
        );
        assert_eq!(
            RetentionPeriod::parse("30d").unwrap(),
            RetentionPeriod::Days(30)
        );
    }

    #[test]
    fn refuses_nonsense() {
        for bad in [
            "",
            "y",
            "0y",
            "-5y",
            "5",
            "5w",
            "five years",
            "5.5y",
            "99999999999d",
        ] {
            assert!(RetentionPeriod::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn shorter_compares_across_units() {
        let at = parse_time("2026-06-01T00:00:00Z").unwrap();
        let p = |s: &str| RetentionPeriod::parse(s).unwrap();
        assert!(p("2y").shorter_than(p("7y"), at));
        assert!(!p("7y").shorter_than(p("7y"), at));
        assert!(!p("10y").shorter_than(p("7y"), at));
        assert!(!p("24m").shorter_than(p("2y"), at));
        assert!(!p("2y").shorter_than(p("24m"), at));
        assert!(p("83m").shorter_than(p("7y"), at));
        assert!(p("364d").shorter_than(p("1y"), at));
        assert!(!p("3000d").shorter_than(p("7y"), at));
    }

    #[test]
    fn cutoff_is_calendar_aware() {
        let now = parse_time("2026-02-28T12:00:00Z").unwrap();
        assert_eq!(
            format_time(RetentionPeriod::Years(5).cutoff(now)),
            "2021-02-28T12:00:00Z"
        );
        let leap = parse_time("2024-02-29T00:00:00Z").unwrap();
        assert_eq!(
            format_time(RetentionPeriod::Years(1).cutoff(leap)),
            "2023-02-28T00:00:00Z"
        );
        assert_eq!(
            format_time(RetentionPeriod::Days(30).cutoff(now)),
            "2026-01-29T12:00:00Z"
        );
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Any text at all: Ok or a clear error, never a panic (`5é` once split inside é).
        #[test]
        fn never_panics(s in any::<String>()) {
            if let Err(e) = RetentionPeriod::parse(&s) {
                prop_assert!(e.to_string().contains("is not a period"));
            }
        }

        /// Text shaped almost like a period: digits, then one odd character or two.
        #[test]
        fn near_misses_never_panic(s in "[+-]?[0-9]{0,12}[ymdYMDéẞ€ \\u{0}]{0,2}") {
            if let Ok(p) = RetentionPeriod::parse(&s) {
                // What parses prints back as itself and gives a cutoff in the past.
                prop_assert_eq!(RetentionPeriod::parse(&p.to_string()).unwrap(), p);
                let now = chrono::Utc::now();
                prop_assert!(p.cutoff(now) < now);
            }
        }
    }
}
