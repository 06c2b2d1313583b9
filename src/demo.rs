//! A deterministic synthetic CRM for demos and benchmarks: Dutch names with
//! tussenvoegsels and some from elsewhere, postal codes `1234 AB`, IBANs that pass
//! mod-97, BSNs that pass the 11-check, a few deceased persons, bouncers and invalid
//! addresses, transactions of all four kinds, monthly newsletters with recipients,
//! consent histories over several channels and a few documents.
//!
//! The same seed gives the same database. Dates are fixed relative to `DEMO_NOW`, not
//! to the clock. One person in ten is dormant: all their activity lies before mid-2021,
//! so a 5-year retention sweep has work to do (about 100,000 of a million); everyone
//! else did something in the last four years.
use crate::rules::time::format_time;
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

/// The "today" of the demo data.
pub const DEMO_NOW: i64 = 1_793_491_200; // 2026-11-01T00:00:00Z
const START: i64 = 1_325_376_000; // 2012-01-01T00:00:00Z
const DORMANT_BEFORE: i64 = 1_590_969_600; // 2020-06-01T00:00:00Z
const DAY: i64 = 86_400;
const MAILINGS: i64 = 12;

const FIRST: &[&str] = &[
    "Jan", "Anna", "Pieter", "Sanne", "Kees", "Fleur", "Henk", "Lotte", "Willem", "Emma", "Joost",
    "Femke", "Bram", "Iris", "Daan", "Noor", "Thijs", "Eva", "Ruben", "Lieke", "Gerrit", "Marieke",
    "Sven", "Tessa", "Jeroen", "Anouk", "Maarten", "Saskia", "Koen", "Ingrid", "Wouter", "Yvonne",
    "Bas", "Esther", "Ruud", "Mirjam", "Hans", "Petra", "Frits", "Annelies", "Sem", "Julia",
    "Lucas", "Mila", "Finn", "Zoë", "Anaïs", "Renée", "Chloë", "Inès", "Mohammed", "Fatima",
    "Youssef", "Priya", "Mei", "Chen",
];
const INFIX: &[&str] = &[
    "van", "de", "van der", "van den", "van de", "den", "ter", "te", "in 't", "van 't", "de la",
];
const LAST: &[&str] = &[
    "Jong",
    "Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Dekker",
    "Brouwer",
    "Dijk",
    "Berg",
    "Leeuwen",
    "Wijk",
    "Graaf",
    "Veen",
    "Heuvel",
    "Linden",
    "Kok",
    "Jacobs",
    "Haan",
    "Vermeulen",
    "Boer",
    "Groot",
    "Schouten",
    "Willems",
    "Hoek",
    "Koster",
    "Beek",
    "Prins",
    "Post",
    "Kuipers",
    "Huisman",
    "Verbeek",
    "Lange",
    "Maas",
    "Wal",
    "Horst",
    "Kampen",
    "Sluis",
    "Zanden",
];
/// Names from elsewhere, first and last together, with their own letters.
const ABROAD: &[(&str, &str)] = &[
    ("Łukasz", "Żółć"),
    ("Văn Ánh", "Nguyễn"),
    ("Şükrü", "Öztürk"),
    ("Søren", "Kierkegård"),
    ("Małgorzata", "Wiśniewska"),
    ("José", "Muñoz"),
    ("Zoë", "Brontë"),
    ("Dragoș", "Ionescu"),
    ("Björn", "Ångström"),
    ("Ayşe", "Yılmaz"),
];
const STREETS: &[&str] = &[
    "Kerkstraat",
    "Dorpsstraat",
    "Molenweg",
    "Stationsweg",
    "Schoolstraat",
    "Julianalaan",
    "Beatrixstraat",
    "Wilhelminastraat",
    "Prinsengracht",
    "Herengracht",
    "Lindelaan",
    "Eikenlaan",
    "Parallelweg",
    "Nieuwstraat",
    "Markt",
    "Havenstraat",
    "Vondelstraat",
];
const CITIES: &[&str] = &[
    "Amsterdam",
    "Rotterdam",
    "Den Haag",
    "Utrecht",
    "Eindhoven",
    "Groningen",
    "Tilburg",
    "Almere",
    "Breda",
    "Nijmegen",
    "Haarlem",
    "Arnhem",
    "Zwolle",
    "Leiden",
    "Maastricht",
    "Delft",
    "Alkmaar",
    "Deventer",
    "Leeuwarden",
    "'s-Hertogenbosch",
];
const DOMAINS: &[&str] = &[
    "example.nl",
    "voorbeeld.nl",
    "mail.example.com",
    "post.example.org",
    "kpnmail.example.nl",
];
const BANKS: &[&str] = &[
    "ABNA", "INGB", "RABO", "TRIO", "SNSB", "ASNB", "KNAB", "BUNQ",
];
const SHOWS: &[&str] = &[
    "Hamlet",
    "De Gebroeders Leeuwenhart",
    "Nachtwacht-rondleiding",
    "Kamermuziek op zondag",
    "Cabaret: Het Jaaroverzicht",
    "Tentoonstelling Vermeer",
    "De Notenkraker",
    "Jazz in de Foyer",
];
const PRODUCTS: &[&str] = &[
    "Museumkaart",
    "Catalogus",
    "Poster",
    "Ansichtkaarten",
    "Jaarboek",
];
const BOOKS: &[&str] = &[
    "Max Havelaar",
    "De Avonden",
    "Het Achterhuis",
    "Turks Fruit",
    "De Aanslag",
    "Nooit meer slapen",
];
const CAMPAIGNS: &[&str] = &[
    "Vriendenloterij",
    "Eindejaarsactie",
    "Restauratiefonds",
    "Jeugdfonds",
];

/// A small, fast, deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn for_person(seed: u64, id: u64) -> Self {
        let mut rng = Rng(seed ^ id.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        rng.next();
        rng
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// 0 ≤ n < bound.
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }
    fn chance(&mut self, percent_tenths: u64) -> bool {
        self.below(1000) < percent_tenths
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo).max(1) as u64) as i64
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
}

/// ASCII for an e-mail local part: accents dropped, spaces and apostrophes removed.
fn ascii_local(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            'ä' | 'à' | 'á' | 'â' | 'å' | 'Å' | 'ą' | 'Á' => Some('a'),
            'ë' | 'é' | 'è' | 'ê' | 'ę' | 'ễ' => Some('e'),
            'ï' | 'í' | 'ı' | 'İ' => Some('i'),
            'ö' | 'ó' | 'ø' | 'ô' | 'Ö' | 'ő' => Some('o'),
            'ü' | 'ú' | 'ù' | 'û' => Some('u'),
            'ñ' => Some('n'),
            'ç' | 'ć' => Some('c'),
            'ş' | 'ș' | 'ś' | 'Ş' => Some('s'),
            'ł' | 'Ł' => Some('l'),
            'ż' | 'ź' | 'Ż' => Some('z'),
            'ă' => Some('a'),
            _ => None,
        })
        .collect()
}

fn time(t: i64) -> String {
    format_time(DateTime::<Utc>::from_timestamp(t, 0).unwrap_or_default())
}

/// A Dutch IBAN with valid mod-97 check digits.
fn iban(rng: &mut Rng) -> String {
    let bank = rng.pick(BANKS);
    let account = rng.digits(10);
    // Move "NL00" to the end, letters to numbers (A=10 … Z=35), then 98 − (n mod 97).
    let rearranged = format!("{bank}{account}NL00");
    let mut rem: u32 = 0;
    for c in rearranged.chars() {
        let v = c.to_digit(36).unwrap_or(0);
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    format!("NL{:02}{bank}{account}", 98 - rem)
}

/// A BSN that passes the 11-check.
fn bsn(rng: &mut Rng) -> String {
    loop {
        let mut d: Vec<i64> = (0..8).map(|_| rng.below(10) as i64).collect();
        d[0] = 1 + rng.below(9) as i64;
        let sum: i64 = (0..8).map(|i| d[i] * (9 - i as i64)).sum();
        let check = sum % 11;
        if check < 10 {
            d.push(check);
            return d.iter().map(|x| x.to_string()).collect();
        }
    }
}

fn postal_code(rng: &mut Rng) -> String {
    const LETTERS: &[u8] = b"ABCEGHJKLMNPRTVWXZ";
    format!(
        "{}{} {}{}",
        1 + rng.below(9),
        rng.digits(3),
        char::from(*rng.pick(LETTERS)),
        char::from(*rng.pick(LETTERS))
    )
}

/// What `--demo` made.
#[derive(Debug, Default)]
pub struct DemoSummary {
    pub persons: u64,
    pub transactions: u64,
    pub consent_records: u64,
    pub contact_moments: u64,
    pub recipients: u64,
    pub documents: u64,
}

/// The monthly newsletters of the last twelve months before DEMO_NOW: (id, sent).
fn mailings(conn: &Connection) -> Result<Vec<(i64, i64)>> {
    const MONTHS: &[&str] = &[
        "november",
        "december",
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
    ];
    let mut stmt = conn.prepare(
        "INSERT INTO contact_moments (name, sent_at, channel, type) VALUES (?1, ?2, 'e-mail', 'nieuwsbrief')",
    )?;
    let mut times = Vec::new();
    for k in 0..MAILINGS {
        let sent = DEMO_NOW - (MAILINGS - k) * 30 * DAY + 9 * 3600;
        let year = if k < 2 { 2025 } else { 2026 };
        stmt.execute(params![
            format!("Nieuwsbrief {} {year}", MONTHS[k as usize]),
            time(sent)
        ])
        .context("writing demo mailings")?;
        times.push((conn.last_insert_rowid(), sent));
    }
    Ok(times)
}

/// One synthetic person with everything that belongs to them, before it is written.
struct DemoPerson {
    id: i64,
    first: &'static str,
    infix: Option<&'static str>,
    last: &'static str,
    email: Option<String>,
    phone: Option<String>,
    mobile: Option<String>,
    street: &'static str,
    house: String,
    postal: String,
    city: &'static str,
    country: &'static str,
    iban: Option<String>,
    bsn: Option<String>,
    birth: Option<String>,
    deceased: bool,
    bouncer: bool,
    created: i64,
    transactions: Vec<DemoTransaction>,
    consents: Vec<DemoConsent>,
    deed: Option<(i64, Vec<u8>)>,
}

struct DemoTransaction {
    at: i64,
    kind: &'static str,
    description: String,
    cents: u64,
}

struct DemoConsent {
    at: i64,
    kind: &'static str,
    opt_in: bool,
    channel: &'static str,
    description: &'static str,
    contact_moment: Option<i64>,
}

/// The name of a person: Dutch with a tussenvoegsel now and then, or from elsewhere.
fn name(rng: &mut Rng) -> (&'static str, Option<&'static str>, &'static str) {
    if rng.chance(30) {
        let (f, l) = *rng.pick(ABROAD);
        return (f, None, l);
    }
    let f = *rng.pick(FIRST);
    let i = if rng.chance(350) {
        Some(*rng.pick(INFIX))
    } else {
        None
    };
    (f, i, *rng.pick(LAST))
}

/// An address now and then malformed, as real CRMs hold them; None for a few.
fn email(rng: &mut Rng, id: i64, first: &str, infix: Option<&str>, last: &str) -> Option<String> {
    let local = format!(
        "{}.{}{}",
        ascii_local(first),
        ascii_local(&format!("{}{last}", infix.unwrap_or(""))),
        id
    );
    let domain = rng.pick(DOMAINS);
    match rng.below(1000) {
        0..=29 => None,
        30..=36 => Some(format!("{local}@")),
        37..=43 => Some(format!("{local}@{}", domain.replace('.', ""))),
        44..=48 => Some(format!(
            "{} {}@{domain}",
            ascii_local(first),
            ascii_local(last)
        )),
        _ => Some(format!("{local}@{domain}")),
    }
}

/// Transactions between `created` and `active_until`; an active relation bought
/// something in the last four years.
fn transactions(
    rng: &mut Rng,
    count: u64,
    created: i64,
    active_until: i64,
    dormant: bool,
) -> Vec<DemoTransaction> {
    (0..count)
        .map(|k| {
            let at = if !dormant && k == count - 1 {
                rng.between(created.max(DEMO_NOW - 4 * 365 * DAY), active_until)
            } else {
                rng.between(created, active_until)
            };
            let (kind, description, cents) = match rng.below(100) {
                0..=44 => (
                    "ticket",
                    format!("Voorstelling: {}", rng.pick(SHOWS)),
                    1250 + rng.below(5250),
                ),
                45..=64 => (
                    "product",
                    format!("Museumwinkel: {}", rng.pick(PRODUCTS)),
                    300 + rng.below(7700),
                ),
                65..=84 => ("loan", format!("Lening: {}", rng.pick(BOOKS)), 0),
                _ => (
                    "donation",
                    format!("Gift {}", rng.pick(CAMPAIGNS)),
                    1000 + rng.below(24000),
                ),
            };
            DemoTransaction {
                at,
                kind,
                description,
                cents,
            }
        })
        .collect()
}

/// The consent history: a web-form newsletter opt-in for half, sometimes withdrawn
/// from a mailing and given again; now and then an opt-out of something else.
fn consents(
    rng: &mut Rng,
    created: i64,
    active_until: i64,
    dormant: bool,
    mailing_times: &[(i64, i64)],
) -> Vec<DemoConsent> {
    let mut out = Vec::new();
    let mut record = |at, kind, opt_in, channel, description, contact_moment| {
        out.push(DemoConsent {
            at,
            kind,
            opt_in,
            channel,
            description,
            contact_moment,
        })
    };
    if rng.chance(550) {
        let opt_in_at = rng.between(created, active_until);
        record(
            opt_in_at,
            "nieuwsbrief",
            true,
            "webformulier",
            "Ja, ik wil de nieuwsbrief ontvangen",
            None,
        );
        if !dormant
            && rng.chance(200)
            && let Some(&(cm, sent)) = mailing_times
                .iter()
                .find(|(_, sent)| *sent > opt_in_at + DAY)
        {
            let at = sent + rng.between(3600, 10 * DAY);
            record(
                at,
                "nieuwsbrief",
                false,
                "voorkeurencentrum",
                "Afgemeld via de link in de nieuwsbrief",
                Some(cm),
            );
            if rng.chance(150) {
                let back = rng.between(at + DAY, DEMO_NOW);
                record(
                    back,
                    "nieuwsbrief",
                    true,
                    "website",
                    "Toch weer aangemeld via de website",
                    None,
                );
            }
        }
    } else if rng.chance(50) {
        let at = rng.between(created, active_until);
        record(
            at,
            "nieuwsbrief",
            false,
            "telefonisch",
            "Afmelding na telefonisch contact",
            None,
        );
    }
    let others: [(u64, &str, &str, &str); 3] = [
        (
            100,
            "direct_mail",
            "handmatig",
            "Wil geen post meer ontvangen",
        ),
        (
            30,
            "profileren",
            "telefonisch",
            "Bezwaar tegen profileren (per brief)",
        ),
        (
            20,
            "servicemail",
            "voorkeurencentrum",
            "Geen servicemail meer",
        ),
    ];
    for (tenths, kind, channel, description) in others {
        if rng.chance(tenths) {
            let at = rng.between(created, active_until);
            record(at, kind, false, channel, description, None);
        }
    }
    out
}

/// Everything of person `id`, from the seed alone.
fn person(seed: u64, id: u64, mailing_times: &[(i64, i64)]) -> DemoPerson {
    let mut rng = Rng::for_person(seed, id);
    let id = id as i64;
    let (first, infix, last) = name(&mut rng);
    // Transactions: none for 30%, up to five for the keenest.
    let count = match rng.below(100) {
        0..=29 => 0,
        30..=59 => 1,
        60..=79 => 2,
        80..=91 => 3,
        _ => 5,
    };
    let dormant = rng.chance(100);
    let created = if dormant {
        rng.between(START, DORMANT_BEFORE)
    } else if count == 0 {
        // Registered but not bought yet: a recent relation.
        rng.between(DEMO_NOW - 4 * 365 * DAY, DEMO_NOW - 30 * DAY)
    } else {
        rng.between(START, DEMO_NOW - 30 * DAY)
    };
    // The window in which this person does things.
    let active_until = if dormant {
        (created + 365 * DAY).min(DORMANT_BEFORE + 365 * DAY)
    } else {
        DEMO_NOW
    };
    let email = email(&mut rng, id, first, infix, last);
    let (postal, city, country) = if rng.chance(25) {
        (format!("{}", 1000 + rng.below(8999)), "Antwerpen", "BE")
    } else {
        (postal_code(&mut rng), *rng.pick(CITIES), "NL")
    };
    let house = if rng.chance(100) {
        format!(
            "{}{}",
            1 + rng.below(250),
            rng.pick(&["a", "b", "-2", " bis"])
        )
    } else {
        (1 + rng.below(250)).to_string()
    };
    let phone = rng
        .chance(500)
        .then(|| format!("0{}-{}", 10 + rng.below(89), rng.digits(7)));
    let mobile = rng.chance(600).then(|| format!("06-{}", rng.digits(8)));
    let account = rng.chance(600).then(|| iban(&mut rng));
    let donor = rng.chance(50);
    let citizen_number = donor.then(|| bsn(&mut rng));
    let birth = rng.chance(700).then(|| {
        let y = 1935 + rng.below(73);
        format!("{y}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))
    });
    let deceased = rng.chance(10);
    let bouncer = rng.chance(20);
    let street = *rng.pick(STREETS);
    let transactions = transactions(&mut rng, count, created, active_until, dormant);
    let consents = consents(&mut rng, created, active_until, dormant, mailing_times);
    let deed = (donor && rng.chance(400)).then(|| {
        let at = rng.between(created, active_until);
        let content = format!(
            "%PDF-1.4\n% Schenkingsakte periodieke gift\nSchenker: {first} {}{last}\nBSN: {}\nIBAN: {}\n",
            infix.map(|i| format!("{i} ")).unwrap_or_default(),
            citizen_number.as_deref().unwrap_or(""),
            account.as_deref().unwrap_or("")
        );
        (at, content.into_bytes())
    });
    DemoPerson {
        id,
        first,
        infix,
        last,
        email,
        phone,
        mobile,
        street,
        house,
        postal,
        city,
        country,
        iban: account,
        bsn: citizen_number,
        birth,
        deceased,
        bouncer,
        created,
        transactions,
        consents,
        deed,
    }
}

/// The prepared statements that write a [`DemoPerson`].
struct Writer<'c> {
    person: rusqlite::Statement<'c>,
    transaction: rusqlite::Statement<'c>,
    consent: rusqlite::Statement<'c>,
    document: rusqlite::Statement<'c>,
}

impl<'c> Writer<'c> {
    fn new(conn: &'c Connection) -> Result<Self> {
        Ok(Writer {
            person: conn.prepare(
                "INSERT INTO persons (id, first_name, infix, last_name, email, phone, mobile, street, house_number,
                     postal_code, city, country, iban, bsn, birth_date, deceased, bouncer, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            )?,
            transaction: conn.prepare(
                "INSERT INTO transactions (person_id, kind, occurred_at, description, amount) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
            consent: conn.prepare(
                "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description, contact_moment_id, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?,
            document: conn.prepare(
                "INSERT INTO documents (person_id, kind, filename, created_at, content, document_date) VALUES (?1, ?2, ?3, ?4, ?5, substr(?4, 1, 10))",
            )?,
        })
    }

    fn write(&mut self, p: &DemoPerson, summary: &mut DemoSummary) -> Result<()> {
        self.person
            .execute(params![
                p.id,
                p.first,
                p.infix,
                p.last,
                p.email,
                p.phone,
                p.mobile,
                p.street,
                p.house,
                p.postal,
                p.city,
                p.country,
                p.iban,
                p.bsn,
                p.birth,
                p.deceased,
                p.bouncer,
                time(p.created)
            ])
            .context("writing demo persons")?;
        for t in &p.transactions {
            self.transaction.execute(params![
                p.id,
                t.kind,
                time(t.at),
                t.description,
                format!("{}.{:02}", t.cents / 100, t.cents % 100)
            ])?;
        }
        for c in &p.consents {
            self.consent.execute(params![
                time(c.at),
                p.id,
                c.kind,
                c.opt_in,
                c.channel,
                c.description,
                c.contact_moment,
                // The web form and the preference centre are the person's own; the
                // rest was taken down by the staff.
                if matches!(c.channel, "webformulier" | "voorkeurencentrum" | "website") {
                    "person"
                } else {
                    "operator"
                }
            ])?;
        }
        if let Some((at, content)) = &p.deed {
            self.document.execute(params![
                p.id,
                "schenkingsakte",
                format!("schenkingsakte-{}.pdf", p.id),
                time(*at),
                content
            ])?;
        }
        summary.persons += 1;
        summary.transactions += p.transactions.len() as u64;
        summary.consent_records += p.consents.len() as u64;
        summary.documents += u64::from(p.deed.is_some());
        Ok(())
    }
}

/// Recipients: a quarter of the newsletter subscribers who were subscribed when a
/// mailing went out, plus everyone who unsubscribed from one.
fn recipients(conn: &Connection) -> Result<u64> {
    let sampled = conn
        .execute(
            "INSERT OR IGNORE INTO contact_moment_recipients (contact_moment_id, person_id)
             SELECT m.id, r.person_id FROM contact_moments m JOIN consent_records r
               ON r.type = 'nieuwsbrief' AND r.channel = 'webformulier' AND r.recorded_at < m.sent_at
             WHERE (r.person_id + m.id) % 4 = 0",
            [],
        )
        .context("writing demo mailing recipients")?;
    let from_optouts = conn.execute(
        "INSERT OR IGNORE INTO contact_moment_recipients (contact_moment_id, person_id)
         SELECT contact_moment_id, person_id FROM consent_records WHERE contact_moment_id IS NOT NULL",
        [],
    )?;
    Ok((sampled + from_optouts) as u64)
}

/// Fill an empty database with `n` synthetic persons, in the caller's transaction.
/// `progress` is called with the number of persons written so far.
pub fn generate(
    conn: &Connection,
    n: u64,
    seed: u64,
    progress: &mut dyn FnMut(u64),
) -> Result<DemoSummary> {
    let mut summary = DemoSummary::default();
    let mailing_times = mailings(conn)?;
    summary.contact_moments = mailing_times.len() as u64;
    let mut writer = Writer::new(conn)?;
    for id in 1..=n {
        writer.write(&person(seed, id, &mailing_times), &mut summary)?;
        if id % 10_000 == 0 {
            progress(id);
        }
    }
    progress(n);
    summary.recipients = recipients(conn)?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::validate;

    #[test]
    fn generated_ibans_and_bsns_validate() {
        let mut rng = Rng::for_person(7, 1);
        for _ in 0..500 {
            let i = iban(&mut rng);
            assert_eq!(validate::iban(&i).unwrap(), i);
            let b = bsn(&mut rng);
            assert!(validate::bsn_eleven_check(&b), "{b}");
        }
    }

    #[test]
    fn postal_codes_are_dutch() {
        let mut rng = Rng::for_person(7, 2);
        for _ in 0..200 {
            let p = postal_code(&mut rng);
            assert_eq!(validate::postal_code(&p, Some("NL")).unwrap(), p);
        }
    }

    #[test]
    fn demo_now_is_the_first_of_november() {
        assert_eq!(time(DEMO_NOW), "2026-11-01T00:00:00Z");
        assert_eq!(time(START), "2012-01-01T00:00:00Z");
        assert_eq!(time(DORMANT_BEFORE), "2020-06-01T00:00:00Z");
    }
}
