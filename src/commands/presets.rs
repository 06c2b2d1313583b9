//! `query audience --preset laposta|mailchimp|listmonk|excel`: the audience as CSV that
//! each tool imports as it is, without mapping columns by hand. The input is the
//! audience's own row (`person_id, first_name, infix, last_name, email`); text cells are
//! made safe for spreadsheets like every CSV of smp-avg (`output::csv_inert`).
//!
//! What each tool expects (checked against its documentation):
//! - Laposta: a list's relations are imported from .csv/.xls(x) ("Relaties → Toevoegen →
//!   Bestand importeren"); each column is linked to a field of the list, always keyed on
//!   the e-mail address (docs.laposta.nl/article/172). The fields of a Dutch list are
//!   named `E-mailadres`, `Voornaam`, `Tussenvoegsel`, `Achternaam`: the same header
//!   names link themselves.
//! - Mailchimp: "The only field Mailchimp requires is email address"; columns are matched
//!   to the audience fields, whose defaults are `Email Address`, `First Name` and
//!   `Last Name` (mailchimp.com/help/format-guidelines-for-your-import-file). Mailchimp
//!   has no infix field: it goes with the last name ("de Vries").
//! - listmonk: "The CSV file should have the following headers with the exact column
//!   names: email, name, attributes (optional)", attributes being a JSON object
//!   (listmonk.app/docs, Import subscribers; the API's /api/import/subscribers takes the
//!   same file with `delim` `,`). `name` is the full name; the attributes carry the
//!   person id so that listmonk's exports can be matched back.
//! - Excel: a Dutch Excel opens a double-clicked CSV with its list separator `;` and
//!   reads UTF-8 only after a byte-order mark; lines end in CRLF. Our own column names,
//!   and the full name as one more column.
use crate::cli::AudiencePreset;
use crate::output::CsvDialect;
use serde_json::{Value, json};

/// One person of the audience.
#[derive(Debug, Clone, Default)]
pub struct AudienceRow {
    pub person_id: i64,
    pub first_name: Option<String>,
    pub infix: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
}

impl AudienceRow {
    fn join(parts: &[&Option<String>]) -> String {
        parts
            .iter()
            .filter_map(|p| p.as_deref())
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// First name, infix and last name as the Dutch write them: "Jan de Vries".
    pub fn full_name(&self) -> String {
        Self::join(&[&self.first_name, &self.infix, &self.last_name])
    }

    /// The last name with its infix, for tools without an infix field: "de Vries".
    pub fn last_name_with_infix(&self) -> String {
        Self::join(&[&self.infix, &self.last_name])
    }
}

/// The header and dialect of a preset.
pub fn columns(preset: AudiencePreset) -> (&'static [&'static str], CsvDialect) {
    match preset {
        AudiencePreset::Laposta => (
            &["E-mailadres", "Voornaam", "Tussenvoegsel", "Achternaam"],
            CsvDialect::STANDARD,
        ),
        AudiencePreset::Mailchimp => (
            &["Email Address", "First Name", "Last Name"],
            CsvDialect::STANDARD,
        ),
        AudiencePreset::Listmonk => (&["email", "name", "attributes"], CsvDialect::STANDARD),
        AudiencePreset::Excel => (
            &[
                "person_id",
                "first_name",
                "infix",
                "last_name",
                "full_name",
                "email",
            ],
            CsvDialect::EXCEL,
        ),
    }
}

/// One row in the preset's columns.
pub fn row(preset: AudiencePreset, r: &AudienceRow) -> Vec<Value> {
    match preset {
        AudiencePreset::Laposta => vec![
            json!(r.email),
            json!(r.first_name),
            json!(r.infix),
            json!(r.last_name),
        ],
        AudiencePreset::Mailchimp => vec![
            json!(r.email),
            json!(r.first_name),
            json!(r.last_name_with_infix()),
        ],
        AudiencePreset::Listmonk => vec![
            json!(r.email),
            json!(r.full_name()),
            json!(json!({"smp_person_id": r.person_id}).to_string()),
        ],
        AudiencePreset::Excel => vec![
            json!(r.person_id),
            json!(r.first_name),
            json!(r.infix),
            json!(r.last_name),
            json!(r.full_name()),
            json!(r.email),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jan() -> AudienceRow {
        AudienceRow {
            person_id: 7,
            first_name: Some("Jan".into()),
            infix: Some("de".into()),
            last_name: Some("Vries".into()),
            email: Some("jan@example.nl".into()),
        }
    }

    #[test]
    fn names_are_built_the_dutch_way() {
        assert_eq!(jan().full_name(), "Jan de Vries");
        assert_eq!(jan().last_name_with_infix(), "de Vries");
        let no_infix = AudienceRow {
            infix: Some(" ".into()),
            ..jan()
        };
        assert_eq!(no_infix.full_name(), "Jan Vries");
    }

    #[test]
    fn every_row_has_as_many_values_as_its_header() {
        for p in [
            AudiencePreset::Laposta,
            AudiencePreset::Mailchimp,
            AudiencePreset::Listmonk,
            AudiencePreset::Excel,
        ] {
            assert_eq!(columns(p).0.len(), row(p, &jan()).len(), "{p:?}");
        }
    }
}
