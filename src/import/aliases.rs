//! Other names of the columns of persons, transactions and consent files: the Dutch
//! names a spreadsheet or an export of another system uses (`Voornaam`, `E-mailadres`,
//! `Bedrag`), and common English ones. A header name is compared without case, spaces,
//! `_`, `-` and `.`: `E-mail adres`, `emailadres` and `EMAIL_ADRES` are one name.
//!
//! Left out on purpose: names that may mean something else (`naam` is often the full
//! name, `adres` holds the house number too, `klantnummer` is another system's number,
//! never our person id).

/// The persons file: (column, other names).
pub const PERSONS: &[(&str, &[&str])] = &[
    (
        "first_name",
        &["voornaam", "roepnaam", "firstname", "given name"],
    ),
    ("infix", &["tussenvoegsel", "tussenvoegsels", "voorvoegsel"]),
    (
        "last_name",
        &["achternaam", "familienaam", "lastname", "surname"],
    ),
    (
        "email",
        &[
            "e-mail",
            "emailadres",
            "e-mailadres",
            "e-mail address",
            "email address",
            "mail",
        ],
    ),
    ("phone", &["telefoon", "telefoonnummer", "tel", "telephone"]),
    (
        "mobile",
        &[
            "mobiel",
            "mobiel nummer",
            "mobielnummer",
            "gsm",
            "mobile phone",
        ],
    ),
    ("street", &["straat", "straatnaam"]),
    ("house_number", &["huisnummer", "huisnr", "house no"]),
    ("postal_code", &["postcode", "zip", "zipcode", "zip code"]),
    ("city", &["plaats", "woonplaats", "stad", "town"]),
    ("country", &["land"]),
    (
        "iban",
        &["rekeningnummer", "bankrekeningnummer", "bankrekening"],
    ),
    ("bsn", &["burgerservicenummer"]),
    (
        "birth_date",
        &[
            "geboortedatum",
            "geboren",
            "date of birth",
            "birthdate",
            "dob",
        ],
    ),
    ("deceased", &["overleden"]),
    (
        "created_at",
        &["aangemaakt", "aangemaakt op", "aanmaakdatum"],
    ),
];

/// The transactions file.
pub const TRANSACTIONS: &[(&str, &[&str])] = &[
    (
        "person",
        &[
            "persoon",
            "person id",
            "persoon id",
            "e-mail",
            "email",
            "e-mailadres",
            "emailadres",
        ],
    ),
    ("kind", &["soort", "type"]),
    ("occurred_at", &["datum", "date", "transactiedatum"]),
    (
        "description",
        &["omschrijving", "referentie", "kenmerk", "reference"],
    ),
    ("amount", &["bedrag"]),
];

/// The consent file (`subscribe --csv`).
pub const CONSENT: &[(&str, &[&str])] = &[
    ("person", &["persoon", "person id", "persoon id"]),
    ("type", &["soort"]),
    ("opt_in", &["opt-in", "aangemeld"]),
    ("channel", &["kanaal"]),
    ("description", &["omschrijving"]),
    ("contact_moment", &["contactmoment"]),
    ("recorded_at", &["datum", "date", "vastgelegd op"]),
    ("source", &["bron"]),
];

/// A header name as compared: lower case, without spaces, `_`, `-` and `.`.
pub fn fold(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.'))
        .collect()
}

/// The column a header name stands for: one of `allowed` by its own name or one of its
/// other names; None for an unknown name.
pub fn resolve(name: &str, allowed: &[&str], aliases: &[(&str, &[&str])]) -> Option<String> {
    let f = fold(name);
    if let Some(c) = allowed.iter().find(|c| fold(c) == f) {
        return Some((*c).to_string());
    }
    aliases
        .iter()
        .filter(|(c, _)| allowed.contains(c))
        .find(|(_, names)| names.iter().any(|n| fold(n) == f))
        .map(|(c, _)| (*c).to_string())
}

/// The other names, for help: `first_name (voornaam, roepnaam, …)`.
pub fn describe(aliases: &[(&str, &[&str])]) -> String {
    aliases
        .iter()
        .map(|(c, names)| format!("{c}: {}", names.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_names_and_their_spellings_are_the_columns() {
        let cols = crate::import::persons::columns();
        for (name, want) in [
            ("Voornaam", "first_name"),
            ("TUSSENVOEGSEL", "infix"),
            ("E-mail adres", "email"),
            ("E-mailadres", "email"),
            ("Emailadres", "email"),
            ("Geboortedatum", "birth_date"),
            ("Postcode", "postal_code"),
            ("First Name", "first_name"),
            ("postal-code", "postal_code"),
        ] {
            assert_eq!(
                resolve(name, &cols, PERSONS).as_deref(),
                Some(want),
                "{name}"
            );
        }
        assert_eq!(resolve("naam", &cols, PERSONS), None);
        assert_eq!(
            resolve("Bedrag", crate::import::transactions::COLUMNS, TRANSACTIONS).as_deref(),
            Some("amount")
        );
        assert_eq!(
            resolve("Datum", crate::import::transactions::COLUMNS, TRANSACTIONS).as_deref(),
            Some("occurred_at")
        );
    }

    #[test]
    fn no_name_stands_for_two_columns() {
        for table in [PERSONS, TRANSACTIONS, CONSENT] {
            let mut seen = std::collections::HashMap::new();
            for (c, names) in table {
                for n in names.iter().chain(std::iter::once(c)) {
                    if let Some(other) = seen.insert(fold(n), *c) {
                        assert_eq!(other, *c, "{n}");
                    }
                }
            }
        }
    }
}
