//! Every word of the access answer, in Dutch (the default: the data subjects are Dutch)
//! and English, in one place: the fixed texts ([`Labels`]), the words for the codes the
//! database holds (transaction kinds, document kinds, commands, sources), and the
//! English of the texts `init` installs (the starter register, the default consent types
//! and their rules). What an organisation typed itself (its own register entries, its own
//! type labels) is shown as typed, in either language.
use crate::db::sources::Kind;

/// The language of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Dutch,
    English,
}

impl Language {
    /// The fixed texts of this language.
    pub fn labels(self) -> &'static Labels {
        match self {
            Language::Dutch => &NL,
            Language::English => &EN,
        }
    }

    /// One of two words by language.
    pub fn pick<'a>(self, nl: &'a str, en: &'a str) -> &'a str {
        match self {
            Language::Dutch => nl,
            Language::English => en,
        }
    }
}

/// Every fixed text of the document in one language.
pub struct Labels {
    pub title: &'static str,
    pub intro: &'static str,
    pub draft: &'static str,
    pub controller: &'static str,
    pub fg: &'static str,
    pub no_fg: &'static str,
    pub address: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub export_date: &'static str,
    /// Followed by the zone's name.
    pub times_in: &'static str,
    pub times_utc: &'static str,
    pub person_number: &'static str,
    pub page: &'static str,
    pub of: &'static str,
    pub continued: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    /// "yes, on <date>"
    pub yes_on: &'static str,
    /// "yes, since <date>"
    pub yes_since: &'static str,
    // sections
    pub personal_data: &'static str,
    pub personal_none: &'static str,
    /// Followed by the labels of the fields that are empty.
    pub personal_missing: &'static str,
    pub administration: &'static str,
    pub preferences: &'static str,
    pub preferences_none: &'static str,
    pub history: &'static str,
    pub history_none: &'static str,
    pub transactions: &'static str,
    pub transactions_none: &'static str,
    pub mailings: &'static str,
    pub mailings_none: &'static str,
    pub documents: &'static str,
    pub documents_none: &'static str,
    pub documents_in_package: &'static str,
    /// Before the name of a document's copy in the package.
    pub in_package: &'static str,
    pub documents_on_request: &'static str,
    pub profiling: &'static str,
    pub processing: &'static str,
    pub processing_none: &'static str,
    pub purposes: &'static str,
    pub purposes_intro: &'static str,
    pub purposes_none: &'static str,
    pub sources: &'static str,
    pub sources_intro: &'static str,
    pub rights: &'static str,
    pub rights_how: &'static str,
    pub complaint: &'static str,
    pub other_data: &'static str,
    /// What a section of a table without a section of its own is.
    pub other_intro: &'static str,
    /// One row of such a table ("record 2").
    pub other_record: &'static str,
    /// Its column `id`.
    pub other_number: &'static str,
    // fields
    /// Labels of the person's fields, by column name (see `persons::TEXT_FIELDS`).
    pub person_fields: [(&'static str, &'static str); 14],
    pub full_name: &'static str,
    pub created_at: &'static str,
    pub deceased: &'static str,
    pub bouncer: &'static str,
    pub mailable: &'static str,
    pub anonymised: &'static str,
    pub restricted: &'static str,
    pub objected: &'static str,
    pub legal_hold: &'static str,
    pub kind: &'static str,
    pub status: &'static str,
    pub since: &'static str,
    pub how: &'static str,
    pub description: &'static str,
    pub time: &'static str,
    pub mailing: &'static str,
    pub date: &'static str,
    pub amount: &'static str,
    pub name: &'static str,
    pub file: &'static str,
    pub kept_until: &'static str,
    pub size: &'static str,
    pub opt_in: &'static str,
    pub opt_out: &'static str,
    /// How a record made by a rule came in.
    pub automatic: &'static str,
    pub command: &'static str,
    pub purpose: &'static str,
    pub legal_basis: &'static str,
    pub data_categories: &'static str,
    pub recipients: &'static str,
    pub retention: &'static str,
    pub category: &'static str,
    pub source: &'static str,
    // profiling
    pub profiling_none: &'static str,
    pub profiling_intro: &'static str,
    pub profiling_r: &'static str,
    pub profiling_f: &'static str,
    pub profiling_m: &'static str,
    pub profiling_fifths: &'static str,
    /// "Your score {rfm}: …" is built from these.
    pub profiling_your_score: &'static str,
    pub profiling_no_score: &'static str,
    pub profiling_use: &'static str,
    pub profiling_art22: &'static str,
    pub profiling_object: &'static str,
    pub recency: &'static str,
    pub frequency: &'static str,
    pub monetary: &'static str,
    pub rfm: &'static str,
    pub computed_at: &'static str,
    // sources
    pub source_import: &'static str,
    pub source_web_form: &'static str,
    pub source_manual: &'static str,
    pub source_edit: &'static str,
    pub source_given_by_you: &'static str,
    pub source_rule: &'static str,
    pub source_transactions: &'static str,
    pub source_mailings: &'static str,
    pub source_scores: &'static str,
    pub source_documents: &'static str,
    pub source_unknown_before: &'static str,
    pub source_unknown: &'static str,
    // rules
    pub rule_customer: &'static str,
    pub rule_everyone: &'static str,
    pub rule_other_in: &'static str,
    pub rule_other_out: &'static str,
    pub rights_list: [&'static str; 6],
    pub complaint_text: &'static str,
    // characters the fonts cannot draw
    /// In a package: the complete data is in gegevens.json beside the PDF.
    pub replaced_in_package: &'static str,
    /// The PDF alone: the complete data on request as JSON.
    pub replaced_alone: &'static str,
    // the register (Art. 15(1), 15(2))
    pub categories_of_persons: &'static str,
    pub transfers: &'static str,
    pub transfers_not_recorded: &'static str,
    // the suppression list
    pub suppression: &'static str,
    pub suppression_intro: &'static str,
    pub reason: &'static str,
    pub note: &'static str,
    // the person's requests (Art. 12(3))
    pub requests: &'static str,
    pub requests_intro: &'static str,
    pub requests_none: &'static str,
    pub request: &'static str,
    pub received: &'static str,
    pub due: &'static str,
    pub outcome: &'static str,
    pub request_open: &'static str,
    pub request_overdue: &'static str,
    /// "answered on {date}"
    pub request_answered: &'static str,
    /// "refused on {date}"
    pub request_refused: &'static str,
    /// Added to an answer or refusal after the deadline.
    pub request_late: &'static str,
    /// "{to} (extended; first due {due})"
    pub request_extended: &'static str,
    pub request_refusal_reason: &'static str,
    pub request_extension_reason: &'static str,
    pub request_note: &'static str,
    pub request_via: &'static str,
    // breaches that concerned the person (Art. 33(5), 34)
    pub breaches: &'static str,
    pub breaches_intro: &'static str,
    pub breaches_none: &'static str,
    /// "Data breach discovered on {date}"
    pub breach_title: &'static str,
    pub breach_what: &'static str,
    pub breach_discovered: &'static str,
    pub breach_data: &'static str,
    pub breach_ap: &'static str,
    /// "yes, on {time}"
    pub breach_ap_yes: &'static str,
    /// "no, not required: {reason}"
    pub breach_ap_not_required: &'static str,
    pub breach_ap_not_yet: &'static str,
    pub breach_told: &'static str,
    pub breach_told_undecided: &'static str,
    pub breach_measures: &'static str,
    pub breach_measures_none: &'static str,
    // recipients told of a change (Art. 19)
    pub notices: &'static str,
    pub notices_intro: &'static str,
    pub recipient: &'static str,
    pub change: &'static str,
    pub told_on: &'static str,
    pub not_yet: &'static str,
}

impl Labels {
    /// The label of a person's field by its column name (the name itself if unknown).
    pub fn person_field<'a>(&self, name: &'a str) -> &'a str
    where
        'static: 'a,
    {
        self.person_fields
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(name, |(_, l)| l)
    }
}

/// Nederlands.
pub const NL: Labels = Labels {
    title: "Inzage in uw persoonsgegevens",
    intro: "Dit document bevat alle persoonsgegevens die wij van u verwerken, met de doeleinden, grondslagen, ontvangers, bewaartermijnen en herkomst, zoals artikel 15 van de Algemene Verordening Gegevensbescherming (AVG) voorschrijft.",
    draft: "CONCEPT — NIET VERSTUREN: een concept om na te lezen, nog niet het antwoord aan de betrokkene.",
    controller: "Verwerkingsverantwoordelijke",
    fg: "Functionaris gegevensbescherming",
    no_fg: "Wij hebben geen functionaris gegevensbescherming aangesteld. Met vragen over uw gegevens kunt u terecht op de contactgegevens hierboven.",
    address: "Adres",
    email: "E-mail",
    phone: "Telefoon",
    export_date: "Datum van dit overzicht",
    times_in: "Alle tijden in dit document zijn in de tijdzone",
    times_utc: "Alle tijden in dit document zijn in UTC (gecoördineerde wereldtijd).",
    person_number: "Relatienummer",
    page: "Pagina",
    of: "van",
    continued: "vervolg",
    yes: "ja",
    no: "nee",
    yes_on: "ja, op",
    yes_since: "ja, sinds",
    personal_data: "Persoonsgegevens",
    personal_none: "Wij hebben geen naam-, adres- of contactgegevens van u (meer).",
    personal_missing: "Niet bij ons bekend:",
    administration: "Administratie",
    preferences: "Huidige voorkeuren (aan- en afmeldingen)",
    preferences_none: "Er zijn voor u geen aan- of afmeldingen vastgelegd.",
    history: "Volledige geschiedenis van uw aan- en afmeldingen",
    history_none: "Er zijn voor u geen aan- of afmeldingen vastgelegd.",
    transactions: "Transacties",
    transactions_none: "U heeft bij ons geen aankopen, tickets, leningen of donaties.",
    mailings: "Ontvangen mailings",
    mailings_none: "U heeft van ons geen mailings ontvangen.",
    documents: "Documenten",
    documents_none: "Wij bewaren geen documenten van u.",
    documents_in_package: "Een afschrift van ieder document vindt u in de map ‘documenten’ van dit inzagepakket, onder de naam die in de kolom ‘Bestand’ na ‘in het pakket’ staat.",
    in_package: "in het pakket:",
    documents_on_request: "U heeft recht op een afschrift van deze documenten; vraag ons erom als u het niet met dit overzicht heeft ontvangen.",
    profiling: "Profilering (klantberekeningen)",
    processing: "Handelingen met uw gegevens",
    processing_none: "Er zijn geen afzonderlijke handelingen met uw gegevens vastgelegd.",
    purposes: "Waarvoor wij uw gegevens gebruiken",
    purposes_intro: "De verwerkingen uit ons verwerkingsregister die gegevens gebruiken die wij van u hebben: per doel de grondslag, de gegevens, van wie, de ontvangers, of de gegevens buiten de Europese Economische Ruimte (EER) gaan en met welke waarborgen, en de bewaartermijn.",
    purposes_none: "Geen van de verwerkingen in ons register gebruikt gegevens die wij van u hebben.",
    sources: "Herkomst van de gegevens",
    sources_intro: "Per soort gegevens: waar wij ze vandaan hebben.",
    rights: "Uw rechten",
    rights_how: "U kunt deze rechten uitoefenen via de contactgegevens bovenaan dit document. Wij antwoorden binnen een maand.",
    complaint: "Klacht indienen",
    other_data: "Overige gegevens",
    other_intro: "Gegevens uit een deel van onze administratie waarvoor dit overzicht (nog) geen eigen beschrijving heeft; wij tonen ze zoals ze zijn vastgelegd.",
    other_record: "Gegeven",
    other_number: "Nummer",
    person_fields: [
        ("first_name", "Voornaam"),
        ("infix", "Tussenvoegsel"),
        ("last_name", "Achternaam"),
        ("email", "E-mailadres"),
        ("phone", "Telefoon"),
        ("mobile", "Mobiel"),
        ("street", "Straat"),
        ("house_number", "Huisnummer"),
        ("postal_code", "Postcode"),
        ("city", "Plaats"),
        ("country", "Land"),
        ("iban", "IBAN"),
        ("bsn", "BSN"),
        ("birth_date", "Geboortedatum"),
    ],
    full_name: "Naam",
    created_at: "In ons bestand sinds",
    deceased: "Overleden",
    bouncer: "E-mail aan u kwam onbestelbaar terug (bouncer)",
    mailable: "Wij kunnen u e-mail sturen",
    anonymised: "Geanonimiseerd",
    restricted: "Verwerking beperkt (art. 18 AVG)",
    objected: "Volledig uitgeschreven (bezwaar tegen alle mailings)",
    legal_hold: "Bewaard wegens een wettelijke bewaarplicht tot",
    kind: "Soort",
    status: "Status",
    since: "Sinds",
    how: "Hoe",
    description: "Omschrijving",
    time: "Datum en tijd",
    mailing: "Mailing",
    date: "Datum",
    amount: "Bedrag",
    name: "Naam",
    file: "Bestand",
    kept_until: "Bewaard tot (wettelijke termijn)",
    size: "Grootte",
    opt_in: "aangemeld",
    opt_out: "afgemeld",
    automatic: "Automatisch",
    command: "Handeling",
    purpose: "Doel",
    legal_basis: "Grondslag",
    data_categories: "Gegevens",
    recipients: "Ontvangers",
    retention: "Bewaartermijn",
    category: "Gegevens",
    source: "Herkomst",
    profiling_none: "Er vindt voor u geen profilering plaats.",
    profiling_intro: "Wij maken een klantprofiel op basis van uw transacties (profilering). Daarvoor berekenen wij drie getallen:",
    profiling_r: "R (recentheid): hoe kort geleden uw laatste aankoop, ticket, lening of donatie was;",
    profiling_f: "F (frequentie): hoe vaak u iets bij ons kocht, leende of doneerde;",
    profiling_m: "M (monetaire waarde): het totale bedrag daarvan.",
    profiling_fifths: "Voor elk getal krijgt u een cijfer van 1 tot 5: wij verdelen alle klanten met een profiel in vijf even grote groepen (vijfden). 5 is het vijfde met de meest recente, de meest frequente of de hoogste bedragen, 1 het vijfde met de minste. De drie cijfers samen vormen de RFM-score.",
    profiling_your_score: "Uw RFM-score is {rfm}: recentheid {r}, frequentie {f} en monetaire waarde {m}.",
    profiling_no_score: "Voor u is (nog) geen score berekend.",
    profiling_use: "Waarvoor: wij gebruiken de score alleen om te kiezen welke mailings en uitnodigingen wij u sturen, bijvoorbeeld voor trouwe bezoekers.",
    profiling_art22: "Met deze score nemen wij geen besluiten die rechtsgevolgen voor u hebben of u anderszins in aanmerkelijke mate treffen, en niets wordt volledig automatisch over u beslist (artikel 22 AVG).",
    profiling_object: "U kunt altijd bezwaar maken tegen profilering. Dan stoppen wij ermee en verwijderen wij de berekeningen.",
    recency: "Dagen sinds uw laatste transactie",
    frequency: "Aantal transacties",
    monetary: "Totaalbedrag",
    rfm: "RFM-score",
    computed_at: "Berekend op",
    source_import: "Importbestand",
    source_web_form: "Door u zelf ingevuld",
    source_manual: "Ingevoerd door een medewerker",
    source_edit: "Gecorrigeerd door een medewerker",
    source_given_by_you: "Door u aan ons doorgegeven",
    source_rule: "Automatisch door ons toegekend (zie de voorkeuren hierboven)",
    source_transactions: "Uw eigen aankopen, tickets, leningen en donaties bij ons",
    source_mailings: "Onze eigen verzendadministratie",
    source_scores: "Door ons berekend uit uw transacties",
    source_documents: "Door ons vastgelegd bij het opmaken of ontvangen van het document",
    source_unknown_before: "Onbekend: vastgelegd vóór {date}, toen wij de herkomst nog niet bijhielden",
    source_unknown: "Onbekend: de herkomst is niet vastgelegd",
    rule_customer: "Automatisch toegekend omdat u klant bent (u heeft een aankoop, ticket, lening of donatie bij ons)",
    rule_everyone: "Automatisch toegekend aan iedere relatie, op grond van ons gerechtvaardigd belang; u kunt hiertegen altijd bezwaar maken",
    rule_other_in: "Automatisch toegekend door een regel van ons",
    rule_other_out: "Automatisch afgemeld door een regel van ons",
    rights_list: [
        "Recht op inzage: u mag altijd opvragen welke gegevens wij van u verwerken (dit document).",
        "Recht op rectificatie: onjuiste of onvolledige gegevens laten wij op uw verzoek verbeteren of aanvullen.",
        "Recht op gegevenswissing (vergeten worden): op uw verzoek anonimiseren wij uw gegevens, tenzij een wettelijke bewaarplicht geldt.",
        "Recht op beperking van de verwerking: u kunt vragen de verwerking tijdelijk te beperken.",
        "Recht van bezwaar: u kunt altijd bezwaar maken tegen direct marketing en profilering; u kunt zich afmelden voor iedere mailing.",
        "Recht op overdraagbaarheid: u kunt uw gegevens in een machineleesbaar formaat (JSON) ontvangen.",
    ],
    complaint_text: "Bent u het niet eens met hoe wij met uw gegevens omgaan, dan kunt u een klacht indienen bij de Autoriteit Persoonsgegevens, Postbus 93374, 2509 AJ Den Haag, www.autoriteitpersoonsgegevens.nl.",
    replaced_in_package: "Sommige tekens in uw gegevens (bijvoorbeeld Chinese of Arabische letters, of emoji) kunnen in dit document niet worden weergegeven; zij zijn vervangen door \u{FFFD}. Uw volledige gegevens, met alle tekens, staan in het bestand gegevens.json in dit inzagepakket.",
    replaced_alone: "Sommige tekens in uw gegevens (bijvoorbeeld Chinese of Arabische letters, of emoji) kunnen in dit document niet worden weergegeven; zij zijn vervangen door \u{FFFD}. Uw volledige gegevens, met alle tekens, ontvangt u op verzoek als JSON-bestand (gegevens.json, de JSON-export).",
    categories_of_persons: "Van wie",
    transfers: "Doorgifte buiten de EER en waarborgen",
    transfers_not_recorded: "Niet vastgelegd in ons register; vraag het ons via de contactgegevens bovenaan",
    suppression: "Lijst van adressen die wij niet mailen",
    suppression_intro: "Uw e-mailadres staat op onze lijst van adressen die wij niet mailen: wij sturen er geen e-mail naartoe, behalve een mailing waarvoor u zich daarna zelf opnieuw aanmeldt. Deze vermelding is een gegeven dat wij over u bewaren. Wij bewaren daarvoor niet het adres zelf, maar een versleutelde vingerafdruk ervan (een sleutel-hash), zodat de lijst ook werkt als uw overige gegevens gewist zijn.",
    reason: "Reden",
    note: "Toelichting",
    requests: "Uw verzoeken over uw gegevens",
    requests_intro: "De verzoeken over uw gegevens die u bij ons deed (artikelen 15 tot en met 22 AVG). Wij beantwoorden een verzoek binnen een maand na ontvangst. Is een verzoek ingewikkeld of zijn het er veel, dan kunnen wij die termijn met ten hoogste twee maanden verlengen; dat laten wij u dan binnen de eerste maand weten, met de reden (artikel 12 lid 3 AVG).",
    requests_none: "Er zijn van u geen verzoeken over uw gegevens geregistreerd.",
    request: "Verzoek",
    received: "Ontvangen",
    due: "Uiterlijk beantwoord op",
    outcome: "Stand van zaken",
    request_open: "In behandeling",
    request_overdue: "Nog niet beantwoord: de termijn is verstreken",
    request_answered: "Beantwoord op {date}",
    request_refused: "Afgewezen op {date}",
    request_late: " (na de termijn)",
    request_extended: "{to} (verlengd; eerst {due})",
    request_refusal_reason: "Reden van de afwijzing",
    request_extension_reason: "Reden van de verlenging",
    request_note: "Aantekening",
    request_via: "Ontvangen via",
    breaches: "Datalekken waarbij uw gegevens betrokken waren",
    breaches_intro: "Een datalek is een inbreuk op de beveiliging waardoor persoonsgegevens verloren gaan of in verkeerde handen kunnen komen. Wij registreren ieder datalek (artikel 33 lid 5 AVG). Uw gegevens waren betrokken bij het volgende.",
    breaches_none: "Uw gegevens waren bij geen enkel geregistreerd datalek betrokken.",
    breach_title: "Datalek ontdekt op {date}",
    breach_what: "Wat er gebeurde",
    breach_discovered: "Ontdekt op",
    breach_data: "Betrokken gegevens",
    breach_ap: "Gemeld aan de Autoriteit Persoonsgegevens",
    breach_ap_yes: "ja, op {time}",
    breach_ap_not_required: "nee, niet nodig: {reason}",
    breach_ap_not_yet: "nog niet",
    breach_told: "U bent erover ingelicht (artikel 34 AVG)",
    breach_told_undecided: "nog niet besloten",
    breach_measures: "Genomen maatregelen",
    breach_measures_none: "nog niet vastgelegd",
    notices: "Ontvangers die wij over een wijziging van uw gegevens inlichten",
    notices_intro: "Als wij uw gegevens wissen of corrigeren, of de verwerking ervan beperken, laten wij dat weten aan de ontvangers (verwerkers) die die gegevens van ons krijgen (artikel 19 AVG).",
    recipient: "Ontvanger",
    change: "Wijziging",
    told_on: "Ingelicht op",
    not_yet: "nog niet",
};

/// English.
pub const EN: Labels = Labels {
    title: "Access to your personal data",
    intro: "This document holds all personal data we process about you, with the purposes, legal bases, recipients, retention periods and sources, as Article 15 of the General Data Protection Regulation (GDPR) requires.",
    draft: "DRAFT — DO NOT SEND: a draft to check, not yet the answer to the person.",
    controller: "Controller",
    fg: "Data protection officer",
    no_fg: "We have not appointed a data protection officer. For questions about your data, please use the contact details above.",
    address: "Address",
    email: "E-mail",
    phone: "Phone",
    export_date: "Date of this overview",
    times_in: "All times in this document are in the time zone",
    times_utc: "All times in this document are in UTC (Coordinated Universal Time).",
    person_number: "Customer number",
    page: "Page",
    of: "of",
    continued: "continued",
    yes: "yes",
    no: "no",
    yes_on: "yes, on",
    yes_since: "yes, since",
    personal_data: "Personal data",
    personal_none: "We hold no (more) name, address or contact details of yours.",
    personal_missing: "Not known to us:",
    administration: "Administration",
    preferences: "Current preferences (subscriptions)",
    preferences_none: "No subscriptions or unsubscriptions are recorded for you.",
    history: "Full history of your subscriptions and unsubscriptions",
    history_none: "No subscriptions or unsubscriptions are recorded for you.",
    transactions: "Transactions",
    transactions_none: "You have no purchases, tickets, loans or donations with us.",
    mailings: "Mailings received",
    mailings_none: "You have not received any mailings from us.",
    documents: "Documents",
    documents_none: "We keep no documents of yours.",
    documents_in_package: "A copy of every document is in the folder ‘documenten’ of this access package, under the name given after ‘in the package’ in the column ‘File’.",
    in_package: "in the package:",
    documents_on_request: "You are entitled to a copy of these documents; ask us for it if you did not receive it with this overview.",
    profiling: "Profiling (customer calculations)",
    processing: "Actions on your data",
    processing_none: "No separate actions on your data are recorded.",
    purposes: "What we use your data for",
    purposes_intro: "The activities of our processing register that use data we hold about you: for each purpose the legal basis, the data, whose data, the recipients, whether the data leaves the European Economic Area (EEA) and with which safeguards, and the retention period.",
    purposes_none: "None of the activities in our register uses data we hold about you.",
    sources: "Source of the data",
    sources_intro: "For each kind of data: where we got it from.",
    rights: "Your rights",
    rights_how: "You can exercise these rights through the contact details at the top of this document. We answer within one month.",
    complaint: "Lodging a complaint",
    other_data: "Other data",
    other_intro: "Data from a part of our records that this overview does not (yet) describe in its own words; we show it as it is recorded.",
    other_record: "Record",
    other_number: "Number",
    person_fields: [
        ("first_name", "First name"),
        ("infix", "Infix"),
        ("last_name", "Last name"),
        ("email", "E-mail address"),
        ("phone", "Phone"),
        ("mobile", "Mobile"),
        ("street", "Street"),
        ("house_number", "House number"),
        ("postal_code", "Postal code"),
        ("city", "City"),
        ("country", "Country"),
        ("iban", "IBAN"),
        ("bsn", "BSN (citizen service number)"),
        ("birth_date", "Date of birth"),
    ],
    full_name: "Name",
    created_at: "In our records since",
    deceased: "Deceased",
    bouncer: "E-mail to you was returned undeliverable (bouncer)",
    mailable: "We can send you e-mail",
    anonymised: "Anonymised",
    restricted: "Processing restricted (Art. 18 GDPR)",
    objected: "Unsubscribed from everything (objection to all mailings)",
    legal_hold: "Kept under a legal retention duty until",
    kind: "Kind",
    status: "Status",
    since: "Since",
    how: "How",
    description: "Description",
    time: "Date and time",
    mailing: "Mailing",
    date: "Date",
    amount: "Amount",
    name: "Name",
    file: "File",
    kept_until: "Kept until (legal period)",
    size: "Size",
    opt_in: "subscribed",
    opt_out: "unsubscribed",
    automatic: "Automatic",
    command: "Action",
    purpose: "Purpose",
    legal_basis: "Legal basis",
    data_categories: "Data",
    recipients: "Recipients",
    retention: "Retention period",
    category: "Data",
    source: "Source",
    profiling_none: "No profiling takes place for you.",
    profiling_intro: "We make a customer profile from your transactions (profiling). For it we compute three numbers:",
    profiling_r: "R (recency): how recently your last purchase, ticket, loan or donation was;",
    profiling_f: "F (frequency): how often you bought, borrowed or donated with us;",
    profiling_m: "M (monetary value): the total amount of these.",
    profiling_fifths: "For each number you get a mark from 1 to 5: we divide all customers with a profile into five groups of equal size (fifths). 5 is the fifth with the most recent, the most frequent or the highest amounts, 1 the fifth with the least. The three marks together are the RFM score.",
    profiling_your_score: "Your RFM score is {rfm}: recency {r}, frequency {f} and monetary value {m}.",
    profiling_no_score: "No score has been computed for you (yet).",
    profiling_use: "What for: we use the score only to choose which mailings and invitations we send you, for example for loyal visitors.",
    profiling_art22: "We take no decision with this score that has legal effects for you or similarly significantly affects you, and nothing about you is decided fully automatically (Article 22 GDPR).",
    profiling_object: "You can object to profiling at any time. We then stop and delete the calculations.",
    recency: "Days since your last transaction",
    frequency: "Number of transactions",
    monetary: "Total amount",
    rfm: "RFM score",
    computed_at: "Computed at",
    source_import: "Import file",
    source_web_form: "Filled in by you",
    source_manual: "Entered by a staff member",
    source_edit: "Corrected by a staff member",
    source_given_by_you: "Given to us by you",
    source_rule: "Given automatically by us (see the preferences above)",
    source_transactions: "Your own purchases, tickets, loans and donations with us",
    source_mailings: "Our own mailing records",
    source_scores: "Computed by us from your transactions",
    source_documents: "Recorded by us when the document was drawn up or received",
    source_unknown_before: "Unknown: recorded before {date}, when we did not yet record sources",
    source_unknown: "Unknown: the source was not recorded",
    rule_customer: "Given automatically because you are a customer (you have a purchase, ticket, loan or donation with us)",
    rule_everyone: "Given automatically to every customer, on the basis of our legitimate interest; you can always object to it",
    rule_other_in: "Given automatically by one of our rules",
    rule_other_out: "Unsubscribed automatically by one of our rules",
    rights_list: [
        "Right of access: you may always ask which data we process about you (this document).",
        "Right to rectification: we correct or complete wrong or incomplete data at your request.",
        "Right to erasure (to be forgotten): at your request we anonymise your data, unless a legal retention duty applies.",
        "Right to restriction of processing: you may ask us to restrict the processing for a time.",
        "Right to object: you may always object to direct marketing and profiling; you can unsubscribe from every mailing.",
        "Right to data portability: you can receive your data in a machine-readable format (JSON).",
    ],
    complaint_text: "If you disagree with how we handle your data, you can lodge a complaint with the Dutch Data Protection Authority (Autoriteit Persoonsgegevens), Postbus 93374, 2509 AJ Den Haag, the Netherlands, www.autoriteitpersoonsgegevens.nl.",
    replaced_in_package: "Some characters of your data (for example Chinese or Arabic letters, or emoji) cannot be shown in this document; they are replaced by \u{FFFD}. Your complete data, with every character, is in the file gegevens.json in this access package.",
    replaced_alone: "Some characters of your data (for example Chinese or Arabic letters, or emoji) cannot be shown in this document; they are replaced by \u{FFFD}. Your complete data, with every character, is available on request as a JSON file (gegevens.json, the JSON export).",
    categories_of_persons: "Whose data",
    transfers: "Transfers outside the EEA and safeguards",
    transfers_not_recorded: "Not recorded in our register; please ask us through the contact details at the top",
    suppression: "List of addresses we do not mail",
    suppression_intro: "Your e-mail address is on our list of addresses we do not mail: we send no e-mail to it, except a mailing you subscribe to again yourself afterwards. This entry is data we keep about you. For it we keep not the address itself but an encrypted fingerprint of it (a keyed hash), so that the list keeps working when your other data has been erased.",
    reason: "Reason",
    note: "Note",
    requests: "Your requests about your data",
    requests_intro: "The requests about your data you made to us (Articles 15 to 22 GDPR). We answer a request within one month of receiving it. If a request is complex or there are many, we may extend that period by at most two months; we then tell you so within the first month, with the reason (Article 12(3) GDPR).",
    requests_none: "No requests of yours about your data are recorded.",
    request: "Request",
    received: "Received",
    due: "To be answered by",
    outcome: "Status",
    request_open: "Being handled",
    request_overdue: "Not answered yet: the period has passed",
    request_answered: "Answered on {date}",
    request_refused: "Refused on {date}",
    request_late: " (after the period)",
    request_extended: "{to} (extended; first due {due})",
    request_refusal_reason: "Reason for the refusal",
    request_extension_reason: "Reason for the extension",
    request_note: "Our note",
    request_via: "Received by",
    breaches: "Data breaches that involved your data",
    breaches_intro: "A data breach is a breach of security by which personal data is lost or may fall into the wrong hands. We record every data breach (Article 33(5) GDPR). Your data was involved in the following.",
    breaches_none: "Your data was not involved in any recorded data breach.",
    breach_title: "Data breach discovered on {date}",
    breach_what: "What happened",
    breach_discovered: "Discovered on",
    breach_data: "Data involved",
    breach_ap: "Reported to the Dutch Data Protection Authority",
    breach_ap_yes: "yes, on {time}",
    breach_ap_not_required: "no, not required: {reason}",
    breach_ap_not_yet: "not yet",
    breach_told: "You were told of it (Article 34 GDPR)",
    breach_told_undecided: "not decided yet",
    breach_measures: "Measures taken",
    breach_measures_none: "not recorded yet",
    notices: "Recipients we tell of a change to your data",
    notices_intro: "When we erase or correct your data, or restrict its processing, we tell the recipients (processors) who receive that data from us (Article 19 GDPR).",
    recipient: "Recipient",
    change: "Change",
    told_on: "Told on",
    not_yet: "not yet",
};

/// The kinds of transactions.
const TX_KINDS: &[(&str, &str, &str)] = &[
    ("product", "Product", "Product"),
    ("ticket", "Ticket", "Ticket"),
    ("loan", "Lening", "Loan"),
    ("donation", "Donatie", "Donation"),
];

/// The document kinds of CLI.md.
const DOCUMENT_KINDS: &[(&str, &str, &str)] = &[
    ("schenkingsakte", "Schenkingsakte", "Deed of gift"),
    ("overeenkomst", "Overeenkomst", "Agreement"),
    ("correspondentie", "Correspondentie", "Correspondence"),
    ("overig", "Overig", "Other"),
];

/// The kinds of data-subject request (`rules::deadline::REQUEST_KINDS`).
const REQUEST_KINDS: &[(&str, &str, &str)] = &[
    ("access", "Inzage (art. 15 AVG)", "Access (Art. 15 GDPR)"),
    (
        "rectification",
        "Correctie (art. 16 AVG)",
        "Rectification (Art. 16 GDPR)",
    ),
    (
        "erasure",
        "Wissen van uw gegevens (art. 17 AVG)",
        "Erasure of your data (Art. 17 GDPR)",
    ),
    (
        "restriction",
        "Beperking van de verwerking (art. 18 AVG)",
        "Restriction of processing (Art. 18 GDPR)",
    ),
    (
        "portability",
        "Overdraagbaarheid van uw gegevens (art. 20 AVG)",
        "Data portability (Art. 20 GDPR)",
    ),
    (
        "objection",
        "Bezwaar (art. 21 AVG)",
        "Objection (Art. 21 GDPR)",
    ),
];

/// The changes a recipient is told of (`processor_todos.change`).
const CHANGES: &[(&str, &str, &str)] = &[
    ("erasure", "Uw gegevens gewist", "Your data erased"),
    (
        "rectification",
        "Uw gegevens gecorrigeerd",
        "Your data corrected",
    ),
    ("restriction", "Verwerking beperkt", "Processing restricted"),
    (
        "restriction_lifted",
        "Beperking van de verwerking opgeheven",
        "Restriction of processing lifted",
    ),
];

/// Why an address is on the suppression list, for the person.
const SUPPRESSION_REASONS: &[(&str, &str, &str)] = &[
    (
        "unsubscribed_all",
        "U heeft zich voor alle mailings afgemeld",
        "You unsubscribed from all mailings",
    ),
    (
        "objection",
        "U heeft bezwaar gemaakt tegen onze mailings",
        "You objected to our mailings",
    ),
    (
        "hard_bounce",
        "E-mail aan dit adres kwam onbestelbaar terug",
        "E-mail to this address was returned undeliverable",
    ),
    (
        "complaint",
        "Onze e-mail aan dit adres is als ongewenst (spam) gemeld",
        "Our e-mail to this address was reported as unwanted (spam)",
    ),
    (
        "erased",
        "Uw gegevens zijn gewist (op uw verzoek of na de bewaartermijn)",
        "Your data was erased (at your request or after the retention period)",
    ),
    (
        "deceased",
        "Bij ons geregistreerd als overleden",
        "Recorded as deceased",
    ),
    (
        "manual",
        "Door een medewerker op de lijst gezet",
        "Put on the list by a staff member",
    ),
];

/// Why we do not e-mail a person (the codes of `persons::not_mailable_because`).
const NOT_MAILABLE: &[(&str, &str, &str)] = &[
    (
        "anonymised",
        "uw gegevens zijn geanonimiseerd",
        "your data has been anonymised",
    ),
    (
        "legal_hold",
        "wij bewaren uw gegevens alleen nog wegens een wettelijke bewaarplicht",
        "we keep your data only because the law requires it",
    ),
    (
        "restricted",
        "de verwerking van uw gegevens is beperkt",
        "the processing of your data is restricted",
    ),
    (
        "deceased",
        "geregistreerd als overleden",
        "recorded as deceased",
    ),
    (
        "bouncer",
        "e-mail aan uw adres kwam onbestelbaar terug",
        "e-mail to your address was returned undeliverable",
    ),
    (
        "no_email",
        "wij hebben geen e-mailadres van u",
        "we have no e-mail address of yours",
    ),
    (
        "invalid_email",
        "uw e-mailadres is niet geldig",
        "your e-mail address is not valid",
    ),
    (
        "suppressed",
        "uw adres staat op onze lijst van adressen die wij niet mailen (zie hieronder)",
        "your address is on our list of addresses we do not mail (see below)",
    ),
];

/// What the audit log's commands did, in words (a command not listed is shown as is).
const COMMANDS: &[(&str, &str, &str)] = &[
    (
        "export-pdf --format json",
        "Gegevens verstrekt (JSON)",
        "Data provided (JSON)",
    ),
    ("export-pdf", "Inzage verstrekt", "Access provided"),
    (
        "subscribe --opt-in",
        "Aanmelding vastgelegd",
        "Subscription recorded",
    ),
    (
        "subscribe --opt-out",
        "Afmelding vastgelegd",
        "Unsubscription recorded",
    ),
    (
        "subscribe --csv",
        "Aan- en afmeldingen ingelezen",
        "Subscriptions imported",
    ),
    (
        "unsubscribe-all",
        "Volledig uitgeschreven",
        "Unsubscribed from everything",
    ),
    ("anonymise", "Gegevens geanonimiseerd", "Data anonymised"),
    (
        "import persons",
        "Persoonsgegevens ingelezen",
        "Personal data imported",
    ),
    (
        "import transactions",
        "Transacties ingelezen",
        "Transactions imported",
    ),
    (
        "import bounces",
        "Onbestelbare e-mail verwerkt",
        "Undeliverable e-mail processed",
    ),
    (
        "person bouncer --set",
        "Gemarkeerd als onbestelbaar (bouncer)",
        "Marked undeliverable (bouncer)",
    ),
    (
        "person bouncer --clear",
        "Markering onbestelbaar verwijderd",
        "Undeliverable mark removed",
    ),
    ("person edit", "Gegevens gecorrigeerd", "Data corrected"),
    (
        "person restrict --lift",
        "Beperking van de verwerking opgeheven",
        "Restriction of processing lifted",
    ),
    (
        "person restrict",
        "Beperking van de verwerking",
        "Restriction of processing",
    ),
    (
        "person merge",
        "Dubbele registraties samengevoegd",
        "Duplicate records merged",
    ),
    ("document add", "Document toegevoegd", "Document added"),
    ("document get", "Document opgevraagd", "Document retrieved"),
    ("document remove", "Document verwijderd", "Document removed"),
    ("request open", "Verzoek geregistreerd", "Request recorded"),
    (
        "request extend",
        "Termijn van uw verzoek verlengd",
        "Period of your request extended",
    ),
    ("request close", "Verzoek afgewezen", "Request refused"),
    (
        "processor notified",
        "Ontvanger ingelicht over een wijziging",
        "Recipient told of a change",
    ),
    (
        "run-soft-optins",
        "Automatische regels toegepast",
        "Automatic rules applied",
    ),
    (
        "profile run",
        "Klantberekening uitgevoerd",
        "Customer calculation run",
    ),
];

/// The English of what `init` installs (the starter register, the default consent
/// types and their rules), by the exact Dutch text. Texts an organisation typed are not
/// here and stay as typed.
const STARTER_EN: &[(&str, &str)] = &[
    // consent types
    ("Nieuwsbrief", "Newsletter"),
    ("Servicemail", "Service e-mail"),
    ("Profileren", "Profiling"),
    ("Direct mail (post)", "Direct mail (post)"),
    // the description unsubscribe-all records by default
    (
        "Persoon volledig uitgeschreven",
        "Unsubscribed from everything",
    ),
    // the starter processing register
    ("Versturen van de nieuwsbrief", "Sending the newsletter"),
    (
        "Toestemming (art. 6 lid 1 sub a AVG)",
        "Consent (Art. 6(1)(a) GDPR)",
    ),
    (
        "Naam, e-mailadres, voorkeuren (opt-ins en opt-outs)",
        "Name, e-mail address, preferences (subscriptions)",
    ),
    (
        "E-mailverzendsysteem (verwerker)",
        "E-mail delivery service (processor)",
    ),
    (
        "Tot afmelding; zonder activiteit na 5 jaar geanonimiseerd",
        "Until you unsubscribe; anonymised after 5 years without activity",
    ),
    (
        "Servicemail over aankopen, tickets, leningen en donaties",
        "Service e-mail about purchases, tickets, loans and donations",
    ),
    (
        "Uitvoering van de overeenkomst (art. 6 lid 1 sub b AVG)",
        "Performance of a contract (Art. 6(1)(b) GDPR)",
    ),
    (
        "Naam, e-mailadres, transacties",
        "Name, e-mail address, transactions",
    ),
    (
        "Profileren: klantberekeningen (recency, frequency, monetary)",
        "Profiling: customer calculations (recency, frequency, monetary)",
    ),
    (
        "Gerechtvaardigd belang (art. 6 lid 1 sub f AVG)",
        "Legitimate interest (Art. 6(1)(f) GDPR)",
    ),
    (
        "Transacties, berekende scores",
        "Transactions, computed scores",
    ),
    (
        "Geen ontvangers buiten de organisatie",
        "No recipients outside the organisation",
    ),
    (
        "Zolang er geen bezwaar is; scores worden bij afmelding verwijderd",
        "As long as there is no objection; scores are deleted when you unsubscribe",
    ),
    ("Direct mail per post", "Direct mail by post"),
    ("Naam, adres", "Name, address"),
    (
        "Drukkerij en postbezorger (verwerkers)",
        "Printer and postal service (processors)",
    ),
    (
        "Financiële administratie: betalingen, donaties en schenkingsakten",
        "Financial administration: payments, donations and deeds of gift",
    ),
    (
        "Wettelijke verplichting (art. 6 lid 1 sub c AVG)",
        "Legal obligation (Art. 6(1)(c) GDPR)",
    ),
    (
        "Naam, adres, IBAN, BSN (periodieke schenking), bedragen, documenten",
        "Name, address, IBAN, BSN (periodic gift), amounts, documents",
    ),
    ("Belastingdienst, accountant", "Tax authority, accountant"),
    // its categories of persons and transfers (Art. 30(1)(c), (e))
    (
        "Abonnees van de nieuwsbrief",
        "Subscribers to the newsletter",
    ),
    (
        "Klanten: kopers, bezoekers, leners en donateurs",
        "Customers: buyers, visitors, borrowers and donors",
    ),
    (
        "Klanten met transacties die niet tegen profileren bezwaar maakten",
        "Customers with transactions who did not object to profiling",
    ),
    (
        "Klanten en relaties met een postadres",
        "Customers and contacts with a postal address",
    ),
    ("Klanten en donateurs", "Customers and donors"),
    (
        crate::db::defaults::NO_TRANSFERS,
        "No transfers outside the EEA",
    ),
    (
        "7 jaar (fiscale bewaarplicht)",
        "7 years (fiscal retention duty)",
    ),
];

/// The rule descriptions `init` installs and what they mean for the person.
/// A sentence of the labels.
type Sentence = fn(&Labels) -> &'static str;

const STARTER_RULES: &[(&str, Sentence)] = &[
    ("Zachte servicemail opt-in", |l| l.rule_customer),
    ("Zachte profileren opt-in", |l| l.rule_everyone),
];

fn lookup(
    table: &'static [(&'static str, &'static str, &'static str)],
    code: &str,
    lang: Language,
) -> Option<&'static str> {
    table
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, nl, en)| lang.pick(nl, en))
}

/// A kind of transaction in words.
pub fn transaction_kind(code: &str, lang: Language) -> String {
    lookup(TX_KINDS, code, lang).map_or_else(|| code.to_string(), str::to_string)
}

/// A kind of document in words.
pub fn document_kind(code: &str, lang: Language) -> String {
    lookup(DOCUMENT_KINDS, code, lang).map_or_else(|| code.to_string(), str::to_string)
}

/// A kind of data-subject request in words.
pub fn request_kind(code: &str, lang: Language) -> String {
    lookup(REQUEST_KINDS, code, lang).map_or_else(|| code.to_string(), str::to_string)
}

/// A change a recipient is told of (Art. 19), in words.
pub fn change(code: &str, lang: Language) -> String {
    lookup(CHANGES, code, lang).map_or_else(|| code.to_string(), str::to_string)
}

/// A name of the database (a table or a column: `card_number`) as words: `Card number`.
/// For tables this document has no words for.
pub fn words_of_name(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Why an address is on the suppression list, in words.
pub fn suppression_reason(code: &str, lang: Language) -> String {
    lookup(SUPPRESSION_REASONS, code, lang).map_or_else(|| code.to_string(), str::to_string)
}

/// Why we do not e-mail the person, in words.
pub fn not_mailable_reason(code: &str, lang: Language) -> String {
    lookup(NOT_MAILABLE, code, lang).map_or_else(|| code.to_string(), str::to_string)
}

/// What a command of the audit log did, in words; a command not known is shown as is.
pub fn command(code: &str, lang: Language) -> String {
    COMMANDS
        .iter()
        .find(|(c, _, _)| code == *c || code.starts_with(&format!("{c} ")))
        .map_or_else(
            || code.to_string(),
            |(_, nl, en)| lang.pick(nl, en).to_string(),
        )
}

/// A text `init` installed, in the language of the document; anything else as typed.
pub fn starter_text(text: &str, lang: Language) -> String {
    match lang {
        Language::Dutch => text.to_string(),
        Language::English => STARTER_EN
            .iter()
            .find(|(nl, _)| *nl == text)
            .map_or_else(|| text.to_string(), |(_, en)| en.to_string()),
    }
}

/// A consent record made by an automatic rule, as a sentence for the person: why it
/// was given (the starter rules), or that a rule of ours gave or removed it.
pub fn rule_sentence(description: Option<&str>, opt_in: bool, lang: Language) -> String {
    let l = lang.labels();
    if let Some(f) = description.and_then(|d| {
        STARTER_RULES
            .iter()
            .find(|(text, _)| *text == d)
            .map(|(_, f)| f)
    }) {
        return f(l).to_string();
    }
    if opt_in {
        l.rule_other_in.to_string()
    } else {
        l.rule_other_out.to_string()
    }
}

/// The labels of the channel `handmatig` (db::defaults::CHANNELS).
const NL_MANUAL: &str = "Handmatig ingevoerd";
const EN_MANUAL: &str = "Entered by hand";

/// A recorded source in words: the kind and, for files and channels, its label.
pub fn source_sentence(kind: Kind, label: Option<&str>, lang: Language) -> String {
    let l = lang.labels();
    let base = match kind {
        Kind::Import => l.source_import,
        Kind::WebForm => l.source_web_form,
        Kind::Manual => l.source_manual,
        Kind::Edit => l.source_edit,
    };
    match (kind, label) {
        (Kind::Import, Some(file)) => format!("{base} ‘{file}’"),
        // "Entered by a staff member (entered by hand)" says nothing twice.
        (Kind::Manual, Some(channel)) if channel == NL_MANUAL || channel == EN_MANUAL => {
            base.to_string()
        }
        (Kind::WebForm | Kind::Manual, Some(channel)) => format!("{base} ({channel})"),
        _ => base.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_starter_text_has_its_english() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::db::migrate::migrate(&mut conn).unwrap();
        crate::db::defaults::install(&conn, chrono::Utc::now(), "t").unwrap();
        for p in crate::db::register::list(&conn).unwrap() {
            for text in [
                &p.purpose,
                &p.legal_basis,
                &p.data_categories,
                &p.recipients,
                &p.retention,
                &p.categories_of_persons,
                &p.transfers,
            ] {
                assert_ne!(
                    &starter_text(text, Language::English),
                    text,
                    "no English for {text:?}"
                );
            }
        }
        for t in crate::db::types::list(&conn).unwrap() {
            assert!(
                STARTER_EN.iter().any(|(nl, _)| *nl == t.label),
                "{}",
                t.label
            );
            if let Some(d) = &t.rule_description {
                assert_ne!(
                    rule_sentence(Some(d), true, Language::English),
                    EN.rule_other_in,
                    "{d}"
                );
            }
        }
    }

    #[test]
    fn the_default_description_of_unsubscribe_all_has_its_english() {
        use clap::CommandFactory;
        let cmd = crate::cli::Cli::command();
        let default = cmd
            .find_subcommand("unsubscribe-all")
            .and_then(|c| c.get_arguments().find(|a| a.get_id() == "description"))
            .and_then(|a| a.get_default_values().first())
            .and_then(|v| v.to_str())
            .unwrap()
            .to_string();
        assert_ne!(starter_text(&default, Language::English), default);
    }

    #[test]
    fn codes_become_words() {
        assert_eq!(transaction_kind("donation", Language::Dutch), "Donatie");
        assert_eq!(
            document_kind("schenkingsakte", Language::English),
            "Deed of gift"
        );
        assert_eq!(command("export-pdf", Language::Dutch), "Inzage verstrekt");
        assert_eq!(
            command("anonymise --person", Language::English),
            "Data anonymised"
        );
        assert_eq!(command("iets nieuws", Language::Dutch), "iets nieuws");
        for code in crate::db::suppression::REASONS {
            assert_ne!(suppression_reason(code, Language::Dutch), *code);
            assert_ne!(suppression_reason(code, Language::English), *code);
        }
        for code in [
            "anonymised",
            "legal_hold",
            "restricted",
            "deceased",
            "bouncer",
            "no_email",
            "invalid_email",
            "suppressed",
        ] {
            assert_ne!(not_mailable_reason(code, Language::English), code);
        }
        assert_eq!(
            rule_sentence(Some("Zachte servicemail opt-in"), true, Language::Dutch),
            "Automatisch toegekend omdat u klant bent (u heeft een aankoop, ticket, lening of donatie bij ons)"
        );
    }
}
