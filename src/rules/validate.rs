//! Validators for what an import or a command may write: e-mail, IBAN, BSN, postal
//! code, booleans, amounts. Each returns the normalised value or a reason.
use anyhow::{Result, bail};
use iban::IbanLike;

/// The "valid e-mail" part of mailable (§1.12), the same rule as the view
/// `mailable_persons` in schema.sql (the generated column `persons.email_valid` and no
/// invisible or control character): one @, a non-empty local part, a dotted domain, no
/// white space, list separators, doubled, leading or trailing dots.
pub fn email_is_mailable(email: &str) -> bool {
    if email.chars().any(crate::output::is_unsafe_char) {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    if local.is_empty() || domain.contains('@') {
        return false;
    }
    // '?*.?*' after the @: a dot with at least one character on each side.
    let dotted = domain
        .char_indices()
        .any(|(i, c)| c == '.' && i > 0 && i + 1 < domain.len());
    let forbidden = |c: char| " ,;:<>()\"\t\n\r".contains(c);
    dotted
        && !email.chars().any(forbidden)
        && !email.contains("..")
        && !email.ends_with('.')
        && !email.starts_with('.')
        && !email.contains("@.")
        && !email.contains(".@")
}

/// An e-mail address for import: RFC syntax and mailable shape; trimmed.
pub fn email(input: &str) -> Result<String> {
    let s = input.trim();
    if !email_address::EmailAddress::is_valid(s) || !email_is_mailable(s) {
        // Never the value itself: a message may reach a log or cron's mail.
        bail!("not a valid e-mail address");
    }
    Ok(s.to_string())
}

/// An IBAN: mod-97 and the country's format; stored in electronic form (no spaces,
/// upper case).
pub fn iban(input: &str) -> Result<String> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    match compact.parse::<iban::Iban>() {
        Ok(iban) => Ok(iban.electronic_str().to_string()),
        Err(_) => bail!("not a valid IBAN (checksum or format fails)"),
    }
}

/// A BSN (burgerservicenummer): 9 digits passing the 11-check. An 8-digit number is a
/// BSN whose leading zero was lost (spreadsheets drop it); it is padded to 9 digits.
pub fn bsn(input: &str) -> Result<String> {
    let s: String = input
        .trim()
        .chars()
        .filter(|c| *c != '.' && *c != ' ')
        .collect();
    let padded = match s.len() {
        8 => format!("0{s}"),
        _ => s.clone(),
    };
    if padded.len() != 9 || !padded.bytes().all(|b| b.is_ascii_digit()) {
        bail!("not a BSN (9 digits)");
    }
    if !bsn_eleven_check(&padded) {
        bail!("not a valid BSN (11-check fails)");
    }
    Ok(padded)
}

/// The 11-check: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11 and not 0.
pub fn bsn_eleven_check(digits: &str) -> bool {
    if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let d: Vec<i64> = digits.bytes().map(|b| i64::from(b - b'0')).collect();
    let sum: i64 = (0..8).map(|i| d[i] * (9 - i as i64)).sum::<i64>() - d[8];
    sum != 0 && sum % 11 == 0
}

/// A Dutch postal code `1234 AB`, normalised; other countries' codes pass unchanged.
pub fn postal_code(input: &str, country: Option<&str>) -> Result<String> {
    let s = input.trim();
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let b = compact.as_bytes();
    let dutch_shape = b.len() == 6
        && b[0].is_ascii_digit()
        && b[0] != b'0'
        && b[1..4].iter().all(u8::is_ascii_digit)
        && b[4..6].iter().all(u8::is_ascii_alphabetic);
    if dutch_shape {
        return Ok(format!("{} {}", &compact[..4], compact[4..].to_uppercase()));
    }
    if is_netherlands(country) {
        bail!("not a Dutch postal code (1234 AB)");
    }
    Ok(s.to_string())
}

/// True for the spellings of the Netherlands a spreadsheet may hold.
pub fn is_netherlands(country: Option<&str>) -> bool {
    matches!(
        country.map(|c| c.trim().to_lowercase()).as_deref(),
        Some("nl" | "nld" | "nederland" | "netherlands" | "the netherlands")
    )
}

/// A yes/no value: 1/0, true/false, yes/no, ja/nee (any case).
pub fn boolean(input: &str) -> Result<bool> {
    match input.trim().to_lowercase().as_str() {
        "1" | "true" | "yes" | "ja" | "j" | "y" => Ok(true),
        "0" | "false" | "no" | "nee" | "n" => Ok(false),
        other => bail!("'{other}' is not a yes/no value (1/0, true/false, yes/no, ja/nee)"),
    }
}

/// An amount in euros: `12.50`, `12,50`, `1.234,50`, `1,234.50`, `€ 7`; returned as
/// `1234.50`. Three digits after the only separator (`12,345`, `12.345`) are refused as
/// ambiguous: `12,345` is twelve in Dutch notation and twelve thousand in English;
/// `12.345` the other way round.
pub fn amount(input: &str) -> Result<String> {
    let original = input.trim();
    let mut s: String = original
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '€')
        .collect();
    let negative = s.starts_with('-');
    if negative {
        s.remove(0);
    }
    let bad = || anyhow::anyhow!("'{original}' is not an amount (use 12.50 or 12,50)");
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(bad());
    }
    let separators = s.matches(['.', ',']).count();
    if separators == 1 && s.rfind(['.', ',']).is_some_and(|i| s.len() - i - 1 == 3) {
        bail!(
            "'{original}' is ambiguous: three digits after the only separator may be thousands or decimals (12,345 is twelve thousand in English notation, twelve in Dutch; 12.345 the other way round): write 12345 or 12.345,00 for twelve thousand, 12,35 for twelve"
        );
    }
    // The last separator is the decimal one when 1 or 2 digits follow it; every other
    // separator must group thousands (exactly 3 digits after it).
    let (int_part, frac) = match s.rfind(['.', ',']) {
        Some(i) if (1..=2).contains(&(s.len() - i - 1)) => (&s[..i], &s[i + 1..]),
        _ => (s.as_str(), ""),
    };
    let groups: Vec<&str> = int_part.split(['.', ',']).collect();
    if groups[0].is_empty() || groups[1..].iter().any(|g| g.len() != 3) {
        return Err(bad());
    }
    if groups.len() > 1 && int_part.contains('.') && int_part.contains(',') {
        return Err(bad());
    }
    let digits: String = groups.concat();
    let whole: u64 = digits.parse().map_err(|_| bad())?;
    let cents = match frac.len() {
        0 => 0,
        1 => frac.parse::<u64>().map_err(|_| bad())? * 10,
        _ => frac.parse::<u64>().map_err(|_| bad())?,
    };
    Ok(format!(
        "{}{whole}.{cents:02}",
        if negative { "-" } else { "" }
    ))
}

/// A size in bytes as an operator writes it: `2147483648`, `500M`, `2G`, `2 GiB`, `64k`
/// (K, M, G, T are powers of 1024); at least 1 KiB.
pub fn byte_size(input: &str) -> Result<u64, String> {
    let s = input.trim();
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    let (number, unit) = s.split_at(digits);
    let bad = || {
        format!(
            "'{}' is not a size (e.g. 2G, 500M or a number of bytes)",
            crate::output::inert_line(s)
        )
    };
    let n: u64 = number.parse().map_err(|_| bad())?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(bad()),
    };
    let bytes = n.checked_mul(1u64 << shift).ok_or_else(bad)?;
    if bytes < 1024 {
        return Err(format!(
            "'{}' is smaller than 1K",
            crate::output::inert_line(s)
        ));
    }
    Ok(bytes)
}

/// A person's field after validation: the value to store, and a warning when it is
/// stored although it is not usable (a malformed e-mail address).
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedField {
    pub value: FieldValue,
    pub warning: Option<String>,
}

/// The stored form of a person's field.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Text(String),
    Flag(bool),
}

/// Text that would attack a terminal, a spreadsheet or a document reader: control
/// characters and direction overrides.
pub fn no_control_characters(input: &str) -> Result<()> {
    if input.chars().any(crate::output::is_unsafe_char) {
        bail!("contains control characters or direction marks");
    }
    Ok(())
}

/// Validate one field of a person (the import, `person edit`): `column` is one of
/// `persons::TEXT_FIELDS`, `deceased` or `bouncer`; `country` decides how a postal code
/// is checked; `today` bounds a birth date. A malformed e-mail address is kept with a
/// warning: the CRM holds the customer, who is simply not mailable (§1.12).
pub fn person_field(
    column: &str,
    raw: &str,
    country: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<CheckedField> {
    let v = raw.trim();
    no_control_characters(v)?;
    let text = |s: String| CheckedField {
        value: FieldValue::Text(s),
        warning: None,
    };
    Ok(match column {
        "deceased" | "bouncer" => CheckedField {
            value: FieldValue::Flag(boolean(v)?),
            warning: None,
        },
        "email" => match email(v) {
            Ok(e) => text(e),
            Err(e) => CheckedField {
                value: FieldValue::Text(v.to_string()),
                warning: Some(format!("{e}: stored, but the person is not mailable")),
            },
        },
        "iban" => text(iban(v)?),
        "bsn" => text(bsn(v)?),
        "postal_code" => text(postal_code(v, country)?),
        "birth_date" => {
            let d = crate::rules::time::parse_date(v)?;
            if d > today {
                bail!("'{v}' is in the future");
            }
            text(d.format("%Y-%m-%d").to_string())
        }
        _ => text(v.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailable_email_shapes() {
        for ok in [
            "jan@example.nl",
            "j.de.vries+news@sub.example.org",
            "łukasz@żółć.pl",
        ] {
            assert!(email_is_mailable(ok), "{ok}");
        }
        for bad in [
            "",
            "a@b",
            "@example.nl",
            "jan@",
            "jan@@example.nl",
            "jan@example.nl.",
            "jan@.example.nl",
            "jan.@example.nl",
            ".jan@example.nl",
            "jan@exa..mple.nl",
            "jan de vries@example.nl",
            "jan@example,nl",
            "a@b@c.nl",
            "jan@example.",
            "tab\t@example.nl",
        ] {
            assert!(!email_is_mailable(bad), "{bad}");
        }
    }

    #[test]
    fn mailable_rule_agrees_with_the_schema() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(crate::db::SCHEMA).unwrap();
        // Invisible and control characters, against the view.
        for s in [
            "jan\u{200B}@example.nl",
            "jan@example.nl\u{200B}",
            "jan@exa\u{2060}mple.nl",
            "\u{FEFF}jan@example.nl",
            "jan@example.nl\u{202E}",
            "jan\u{1b}@example.nl",
            "jan\u{85}@example.nl",
            "jan@example.nl",
            "łukasz@żółć.pl",
        ] {
            let id: i64 = conn
                .query_row(
                    "INSERT INTO persons (email, created_at) VALUES (?1, '2026-01-01T00:00:00Z') RETURNING id",
                    [s],
                    |r| r.get(0),
                )
                .unwrap();
            let view: bool = conn
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM mailable_persons WHERE id = ?1)",
                    [id],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(
                view,
                email_is_mailable(s),
                "view and Rust disagree on {s:?}"
            );
        }
        let samples = [
            "jan@example.nl",
            "a@b",
            "@x.nl",
            "x@",
            "a@@b.nl",
            "a@b.nl.",
            "a@.b.nl",
            "a.@b.nl",
            ".a@b.nl",
            "a@b..nl",
            "a b@c.nl",
            "a@b,nl",
            "a;b@c.nl",
            "a<b@c.nl",
            "a\"b@c.nl",
            "tab\t@x.nl",
            "nl\n@x.nl",
            "a@b.c",
            "a@.nl",
            "a@b.",
            "ok.name+tag@mail.example.com",
            "Ünïcødé@voorbeeld.nl",
            "a:b@c.nl",
            "(a)@c.nl",
        ];
        for s in samples {
            let sql: bool = conn
                .query_row(
                    "INSERT INTO persons (email, created_at) VALUES (?1, '2026-01-01T00:00:00Z') RETURNING email_valid",
                    [s],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(
                sql,
                email_is_mailable(s),
                "schema and Rust disagree on {s:?}"
            );
        }
    }

    #[test]
    fn import_email_needs_rfc_syntax_too() {
        assert_eq!(email(" jan@example.nl ").unwrap(), "jan@example.nl");
        assert!(email("jan@localhost").is_err());
        assert!(email("jan").is_err());
    }

    #[test]
    fn iban_mod97() {
        assert_eq!(
            iban("nl91 abna 0417 1643 00").unwrap(),
            "NL91ABNA0417164300"
        );
        assert!(iban("NL92ABNA0417164300").is_err());
        assert!(iban("hello").is_err());
    }

    #[test]
    fn bsn_eleven_check_and_padding() {
        assert_eq!(bsn("111222333").unwrap(), "111222333");
        assert!(bsn("123456789").is_err());
        assert!(bsn("000000000").is_err());
        // 8 digits: a leading zero lost by a spreadsheet.
        assert!(bsn_eleven_check("012345672"));
        assert_eq!(bsn("12345672").unwrap(), "012345672");
        assert!(bsn("12a456789").is_err());
        assert!(bsn("1234").is_err());
    }

    #[test]
    fn dutch_postal_codes_are_normalised() {
        assert_eq!(postal_code("1234ab", None).unwrap(), "1234 AB");
        assert_eq!(postal_code(" 1234 AB ", Some("NL")).unwrap(), "1234 AB");
        assert!(postal_code("0123 AB", Some("Nederland")).is_err());
        assert!(postal_code("12345", Some("NL")).is_err());
        assert_eq!(postal_code("1000", Some("BE")).unwrap(), "1000");
    }

    #[test]
    fn sizes_with_units() {
        assert_eq!(byte_size("2G"), Ok(2 << 30));
        assert_eq!(byte_size(" 500 MiB "), Ok(500 << 20));
        assert_eq!(byte_size("4096"), Ok(4096));
        assert_eq!(byte_size("64k"), Ok(64 << 10));
        for bad in ["", "G", "2X", "-1", "1.5G", "100", "99999999999T"] {
            assert!(byte_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn booleans_in_four_languages_of_yes() {
        for t in ["1", "true", "YES", "ja", "Ja"] {
            assert!(boolean(t).unwrap());
        }
        for f in ["0", "false", "no", "nee", "NEE"] {
            assert!(!boolean(f).unwrap());
        }
        assert!(boolean("misschien").is_err());
        assert!(boolean("").is_err());
    }

    #[test]
    fn amounts_dutch_and_english() {
        assert_eq!(amount("12.50").unwrap(), "12.50");
        assert_eq!(amount("12,50").unwrap(), "12.50");
        assert_eq!(amount("12,5").unwrap(), "12.50");
        assert_eq!(amount("7").unwrap(), "7.00");
        assert_eq!(amount("€ 1.234,56").unwrap(), "1234.56");
        assert_eq!(amount("1,234.56").unwrap(), "1234.56");
        assert_eq!(amount("1.234,50").unwrap(), "1234.50");
        assert_eq!(amount("1,234.50").unwrap(), "1234.50");
        assert_eq!(amount("1.234.567").unwrap(), "1234567.00");
        assert_eq!(amount("1,234,567").unwrap(), "1234567.00");
        assert_eq!(amount("-5,00").unwrap(), "-5.00");
        for ambiguous in ["12,345", "12.345", "1.234", "€ 1,234", "-0,001"] {
            let e = amount(ambiguous).unwrap_err().to_string();
            assert!(e.contains("ambiguous"), "{ambiguous}: {e}");
            // The example reads the right way round.
            assert!(
                e.contains("12,345 is twelve thousand in English notation, twelve in Dutch"),
                "{e}"
            );
        }
        for bad in ["", "abc", "12,50,1", "1.2.3", ",50", "12.5.0", "1,23,45"] {
            assert!(amount(bad).is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Every validator returns Ok or a clear error for any text.
        #[test]
        fn validators_never_panic(s in any::<String>(), country in proptest::option::of("NL|BE|nederland|[A-Za-zé]{0,3}")) {
            let _ = email_is_mailable(&s);
            let _ = email(&s);
            let _ = iban(&s);
            let _ = bsn(&s);
            let _ = bsn_eleven_check(&s);
            let _ = postal_code(&s, country.as_deref());
            let _ = boolean(&s);
            let _ = amount(&s);
        }

        #[test]
        fn amounts_near_misses(s in "[-€ ]{0,2}[0-9]{0,8}([.,][0-9]{0,4}){0,3}[é ]?") {
            if let Ok(a) = amount(&s) {
                // The stored form parses to itself.
                prop_assert_eq!(amount(&a).unwrap(), a.clone());
                prop_assert!(a.contains('.'));
            }
        }

        /// Grouped amounts in Dutch and English notation read as the same cents.
        #[test]
        fn grouped_amounts_in_both_notations(cents in 0u64..10_000_000_000) {
            let (whole, frac) = (cents / 100, cents % 100);
            let digits = whole.to_string();
            let group = |sep: char| {
                let mut out = String::new();
                for (i, c) in digits.chars().enumerate() {
                    if i > 0 && (digits.len() - i) % 3 == 0 {
                        out.push(sep);
                    }
                    out.push(c);
                }
                out
            };
            let want = format!("{whole}.{frac:02}");
            prop_assert_eq!(amount(&format!("{},{frac:02}", group('.'))).unwrap(), want.clone());
            prop_assert_eq!(amount(&format!("{}.{frac:02}", group(','))).unwrap(), want);
        }

        /// Three digits after the only separator are never read as an amount.
        #[test]
        fn three_digits_after_the_only_separator_are_refused(int in 0u64..100_000, frac in 0u64..1000, sep in "[.,]") {
            let s = format!("{int}{sep}{frac:03}");
            prop_assert!(amount(&s).is_err(), "{}", s);
        }

        #[test]
        fn bsn_and_iban_near_misses(s in "[0-9 .]{0,12}", i in "[A-Za-z]{2}[0-9]{2}[ A-Za-z0-9]{0,30}") {
            if let Ok(b) = bsn(&s) {
                prop_assert!(bsn_eleven_check(&b));
            }
            if let Ok(x) = iban(&i) {
                prop_assert_eq!(iban(&x).unwrap(), x);
            }
        }

        #[test]
        fn postal_code_near_misses(s in "[0-9]{0,5} ?[A-Za-zé]{0,3}") {
            if let Ok(p) = postal_code(&s, Some("NL")) {
                prop_assert_eq!(postal_code(&p, Some("NL")).unwrap(), p);
            }
        }

        #[test]
        fn email_near_misses(s in "[a-zé.+ ]{0,6}@{0,2}[a-z.]{0,6}\\.?[a-z]{0,3}") {
            if let Ok(e) = email(&s) {
                prop_assert!(email_is_mailable(&e));
            }
        }
    }
}
