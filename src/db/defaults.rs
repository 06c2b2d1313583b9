//! What a new database starts with: the default consent types and their rules, the
//! rules' saved queries named by the manual's convention (§1.3), a starter processing
//! register and the organisation's name.
use crate::rules::time::format_time;
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

/// The prefix of the default saved queries: organisation initials and date (§1.3).
fn query_name(today: &str, function: &str, description: &str) -> String {
    format!("SMP - {today} - {function} - {description}")
}

/// The starter register's transfers outside the EEA (Art. 30(1)(e)): none. The same
/// text as migrations/0002_round2.sql gives a first-round database.
pub const NO_TRANSFERS: &str = "Geen doorgifte buiten de EER";

/// The starter register's security measures (Art. 30(1)(g)): what this tool does, and
/// what an organisation is expected to do. The same text as migrations/0002_round2.sql.
pub const SECURITY: &str = "Toegang alleen voor bevoegde medewerkers; databasebestand alleen leesbaar voor de eigenaar; auditlog en toestemmingen in een hashketen; verwerkersovereenkomst met iedere verwerker";

/// What `init` added.
#[derive(Debug, Default)]
pub struct Added {
    pub types: usize,
    pub saved_queries: usize,
    pub register_entries: usize,
}

/// Add the defaults when the database has no consent types yet; otherwise nothing
/// (init is idempotent and never overwrites what an organisation changed).
pub fn install(conn: &Connection, now: DateTime<Utc>, operator: &str) -> Result<Added> {
    let existing: i64 = conn.query_row("SELECT count(*) FROM consent_types", [], |r| r.get(0))?;
    if existing > 0 {
        return Ok(Added::default());
    }
    let today = now.format("%Y%m%d").to_string();
    let at = format_time(now);
    let service_rule = query_name(&today, "Job", "Zachte opt-ins servicemail");
    let profile_rule = query_name(&today, "Job", "Zachte opt-ins profileren");
    let queries = [
        (
            service_rule.clone(),
            "SELECT DISTINCT person_id FROM transactions",
            "Hoofdzoekvraag: personen met een transactie (product, ticket, lening of donatie)",
        ),
        (
            query_name(&today, "Job", "Subzoekvraag zachte opt-ins servicemail"),
            "SELECT DISTINCT person_id FROM consent_records WHERE type = 'servicemail'",
            "Subzoekvraag: personen die al een opt-in of opt-out voor servicemail hebben",
        ),
        (
            profile_rule.clone(),
            "SELECT id FROM persons",
            "Hoofdzoekvraag: iedere persoon",
        ),
        (
            query_name(&today, "Job", "Subzoekvraag zachte opt-ins profileren"),
            "SELECT DISTINCT person_id FROM consent_records WHERE type = 'profileren'",
            "Subzoekvraag: personen die al een opt-in of opt-out voor profileren hebben",
        ),
        (
            query_name(&today, "Selectie", "Nieuwsbrief mailbaar"),
            "SELECT c.person_id FROM consent_current c JOIN mailable_persons m ON m.id = c.person_id WHERE c.type = 'nieuwsbrief' AND c.opt_in = 1",
            "Opt-in nieuwsbrief en mailbaar (§1.12)",
        ),
    ];
    let mut insert_query = conn.prepare(
        "INSERT INTO saved_queries (name, sql, description, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (name, sql, description) in &queries {
        insert_query
            .execute(params![name, sql, description, at, operator])
            .context("adding the default saved queries")?;
    }
    /// code, label, kind, rule query, rule opt-in, rule description
    type DefaultType<'a> = (
        &'a str,
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<bool>,
        Option<&'a str>,
    );
    let types: [DefaultType<'_>; 4] = [
        ("nieuwsbrief", "Nieuwsbrief", "newsletter", None, None, None),
        (
            "servicemail",
            "Servicemail",
            "servicemail",
            Some(&service_rule),
            Some(true),
            Some("Zachte servicemail opt-in"),
        ),
        (
            "profileren",
            "Profileren",
            "profiling",
            Some(&profile_rule),
            Some(true),
            Some("Zachte profileren opt-in"),
        ),
        (
            "direct_mail",
            "Direct mail (post)",
            "direct_mail",
            None,
            None,
            None,
        ),
    ];
    for (code, label, kind, rule, opt_in, description) in types {
        super::types::insert(
            conn,
            &super::types::NewType {
                code,
                label,
                kind,
                rule: rule
                    .zip(opt_in)
                    .map(|(query, opt_in)| super::types::NewRule {
                        query,
                        opt_in,
                        channel: super::types::RULE_CHANNEL,
                        description,
                    }),
                created_at: &at,
            },
        )
        .context("adding the default consent types")?;
    }
    let register = [
        (
            "Versturen van de nieuwsbrief",
            "Toestemming (art. 6 lid 1 sub a AVG)",
            "Naam, e-mailadres, voorkeuren (opt-ins en opt-outs)",
            "E-mailverzendsysteem (verwerker)",
            "Tot afmelding; zonder activiteit na 5 jaar geanonimiseerd",
            Some("nieuwsbrief"),
            "name,email,consent,mailings",
            "Abonnees van de nieuwsbrief",
            NO_TRANSFERS,
            SECURITY,
        ),
        (
            "Servicemail over aankopen, tickets, leningen en donaties",
            "Uitvoering van de overeenkomst (art. 6 lid 1 sub b AVG)",
            "Naam, e-mailadres, transacties",
            "E-mailverzendsysteem (verwerker)",
            "Tot afmelding; zonder activiteit na 5 jaar geanonimiseerd",
            Some("servicemail"),
            "name,email,transactions",
            "Klanten: kopers, bezoekers, leners en donateurs",
            NO_TRANSFERS,
            SECURITY,
        ),
        (
            "Profileren: klantberekeningen (recency, frequency, monetary)",
            "Gerechtvaardigd belang (art. 6 lid 1 sub f AVG)",
            "Transacties, berekende scores",
            "Geen ontvangers buiten de organisatie",
            "Zolang er geen bezwaar is; scores worden bij afmelding verwijderd",
            Some("profileren"),
            "transactions,scores",
            "Klanten met transacties die niet tegen profileren bezwaar maakten",
            NO_TRANSFERS,
            SECURITY,
        ),
        (
            "Direct mail per post",
            "Gerechtvaardigd belang (art. 6 lid 1 sub f AVG)",
            "Naam, adres",
            "Drukkerij en postbezorger (verwerkers)",
            "Tot afmelding; zonder activiteit na 5 jaar geanonimiseerd",
            Some("direct_mail"),
            "name,address",
            "Klanten en relaties met een postadres",
            NO_TRANSFERS,
            SECURITY,
        ),
        (
            "Financiële administratie: betalingen, donaties en schenkingsakten",
            "Wettelijke verplichting (art. 6 lid 1 sub c AVG)",
            "Naam, adres, IBAN, BSN (periodieke schenking), bedragen, documenten",
            "Belastingdienst, accountant",
            "7 jaar (fiscale bewaarplicht)",
            None,
            "name,address,iban,bsn,transactions,documents",
            "Klanten en donateurs",
            NO_TRANSFERS,
            SECURITY,
        ),
    ];
    for (
        purpose,
        legal_basis,
        data_categories,
        recipients,
        retention,
        consent_type,
        categories,
        categories_of_persons,
        transfers,
        security_measures,
    ) in register
    {
        super::register::add(
            conn,
            &super::register::NewPurpose {
                purpose,
                legal_basis,
                data_categories,
                recipients,
                retention,
                consent_type,
                categories,
                categories_of_persons,
                transfers,
                security_measures,
            },
        )
        .context("adding the starter processing register")?;
    }
    Ok(Added {
        types: types.len(),
        saved_queries: queries.len(),
        register_entries: register.len(),
    })
}

/// The channel vocabulary: code, Dutch label, English label, whether the person acts
/// there themselves. An operator may add more; a channel outside it is free text.
pub const CHANNELS: &[(&str, &str, &str, bool)] = &[
    ("handmatig", "Handmatig ingevoerd", "Entered by hand", false),
    ("telefonisch", "Telefonisch", "By phone", false),
    ("brief", "Per brief", "By letter", false),
    ("e-mail", "Per e-mail", "By e-mail", false),
    ("webformulier", "Webformulier", "Web form", true),
    (
        "voorkeurencentrum",
        "Voorkeurencentrum",
        "Preference centre",
        true,
    ),
    ("website", "Website", "Website", true),
    ("import", "Import (bestand)", "Import (file)", false),
    (
        super::types::RULE_CHANNEL,
        "Automatisch (SMP)",
        "Automatic (SMP)",
        false,
    ),
    (ERASED_CHANNEL, "Gewist", "Erased", false),
];

/// What a channel outside the vocabulary becomes when its person is anonymised.
pub const ERASED_CHANNEL: &str = "gewist";

/// Default retention periods: category, period, legal basis.
pub const RETENTION: &[(&str, &str, &str)] = &[
    (
        "marketing",
        "5y",
        "Advies van de handleiding (§1.9): 5 jaar na het einde van de actieve relatie",
    ),
    ("transactions", "7y", "Fiscale bewaarplicht (art. 52 AWR)"),
    ("schenkingsakte", "7y", "Fiscale bewaarplicht (art. 52 AWR)"),
    ("overeenkomst", "7y", "Fiscale bewaarplicht (art. 52 AWR)"),
];

/// What every database of this version has, added where missing and never changed
/// once there (init runs this every time): the channel vocabulary, the default
/// retention periods and the secret of the suppression list.
pub fn ensure(conn: &Connection) -> Result<()> {
    let mut channel = conn.prepare(
        "INSERT OR IGNORE INTO channels (code, label_nl, label_en, person_given) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (code, nl, en, person) in CHANNELS {
        channel
            .execute(params![code, nl, en, person])
            .context("adding the channel vocabulary")?;
    }
    let mut retention = conn.prepare(
        "INSERT OR IGNORE INTO retention_periods (category, period, basis) VALUES (?1, ?2, ?3)",
    )?;
    for (category, period, basis) in RETENTION {
        retention
            .execute(params![category, period, basis])
            .context("adding the default retention periods")?;
    }
    conn.execute(
        "INSERT OR IGNORE INTO secrets (name, value) VALUES ('suppression', randomblob(32))",
        [],
    )
    .context("creating the key of the suppression list")?;
    Ok(())
}
