//! A deterministic synthetic CRM for demos and benchmarks: Dutch names with
//! tussenvoegsels and some from elsewhere, postal codes `1234 AB`, IBANs that pass
//! mod-97, BSNs that pass the 11-check, a few deceased persons, bouncers and invalid
//! addresses, transactions of all four kinds, monthly newsletters with recipients,
//! consent histories over several channels and a few documents.
//!
//! Realistic where uniqueness matters: no two persons share a BSN, an IBAN or a mobile
//! number (each is a permutation of the person's id, so unique up to 90 million
//! persons), and every e-mail address holds the person's id.
//!
//! Streamed: each person is generated from the seed and their id alone and written at
//! once, in id order, so memory stays the same at any size and the tables and their
//! indexes (keyed by person) are written front to back. The one index in another order
//! (`persons_email`) is built after the fill; the current state is brought up to date
//! in one statement at the end (`db::consent::update_state_since`).
//!
//! The same seed gives the same database. Dates are fixed relative to `DEMO_NOW`, not
//! to the clock. One person in ten is dormant: all their activity lies before mid-2021,
//! so a 5-year retention sweep has work to do (about 100,000 of a million); everyone
//! else did something in the last four years.
use crate::rules::time::format_time;
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
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

/// SplitMix64's finaliser: a bijection of u64 that scatters nearby inputs.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// The generator of one person. Seeded through `mix`: a state that only steps by the
    /// generator's own increment per id would give person 12 the stream of person 4
    /// shifted by eight draws (and so the same BSN, IBAN and phone numbers).
    fn for_person(seed: u64, id: u64) -> Self {
        let mut rng = Rng(mix(seed ^ 0x5EED_5EED_5EED_5EED) ^ mix(id.wrapping_add(0x1D1D_1D1D)));
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

/// A permutation of 0..modulus (`step` shares no factor with `modulus`): position `id`
/// of a seed-dependent shuffle. Distinct ids below `modulus` get distinct numbers.
fn permuted(seed: u64, id: u64, step: u64, modulus: u64) -> u64 {
    let offset = mix(seed ^ modulus) % modulus;
    ((u128::from(id % modulus) * u128::from(step) + u128::from(offset)) % u128::from(modulus))
        as u64
}

/// Shares no factor with 10^8, 10^10 or 9·10^7 (odd, not a multiple of 3 or 5).
const STEP: u64 = 7_368_787;

/// A mobile number of this person only: 06 and eight digits.
fn mobile(seed: u64, id: u64) -> String {
    format!("06-{:08}", permuted(seed, id, STEP, 100_000_000))
}

/// A BSN of this person only: eight digits (a permutation of the id, the first one not
/// 0) and the 11-check digit; None for the one prefix in eleven whose check digit would
/// be 10 (no such BSN exists: that donor gave none).
fn unique_bsn(seed: u64, id: u64) -> Option<String> {
    let prefix = 10_000_000 + permuted(seed, id, STEP, 90_000_000);
    let digits: Vec<u64> = prefix
        .to_string()
        .bytes()
        .map(|b| u64::from(b - b'0'))
        .collect();
    let sum: u64 = digits.iter().zip((2..=9).rev()).map(|(d, w)| d * w).sum();
    let check = sum % 11;
    (check < 10).then(|| format!("{prefix}{check}"))
}

/// A Dutch IBAN of this person only (the account number is a permutation of the id),
/// with valid mod-97 check digits.
fn iban(rng: &mut Rng, seed: u64, id: u64) -> String {
    let bank = rng.pick(BANKS);
    let account = format!("{:010}", permuted(seed, id, STEP, 10_000_000_000));
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
    let mobile = rng.chance(600).then(|| mobile(seed, id as u64));
    let account = rng.chance(600).then(|| iban(&mut rng, seed, id as u64));
    let donor = rng.chance(50);
    let citizen_number = donor.then(|| unique_bsn(seed, id as u64)).flatten();
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

/// How many rows one INSERT statement of the demo writes: a statement's own costs
/// (cursors on the table and its indexes opened and closed, the foreign keys looked
/// up) are paid once per chunk instead of once per row.
const CHUNK: usize = 64;

/// The rows of one table waiting to be written, `CHUNK` at a time.
struct Batched<'c> {
    /// One row.
    one: rusqlite::Statement<'c>,
    /// `CHUNK` rows.
    many: rusqlite::Statement<'c>,
    width: usize,
    values: Vec<Value>,
    /// Rows written, this one included.
    rows: u64,
}

impl<'c> Batched<'c> {
    /// `insert` is `INSERT INTO t (a, b, …) VALUES `; `row` the placeholders of one row,
    /// `(?, ?, …)`, with `width` of them.
    fn new(conn: &'c Connection, insert: &str, row: &str, width: usize) -> Result<Self> {
        let many = format!("{insert}{}", vec![row; CHUNK].join(", "));
        Ok(Batched {
            one: conn.prepare(&format!("{insert}{row}"))?,
            many: conn.prepare(&many)?,
            width,
            values: Vec::with_capacity(width * CHUNK * 2),
            rows: 0,
        })
    }

    fn push(&mut self, row: impl IntoIterator<Item = Value>) {
        self.values.extend(row);
        self.rows += 1;
    }

    /// Write every full chunk; the rest waits for more rows.
    fn flush_full(&mut self) -> Result<()> {
        let chunk = self.width * CHUNK;
        let full = self.values.len() / chunk * chunk;
        for c in self.values[..full].chunks(chunk) {
            self.many
                .execute(rusqlite::params_from_iter(c))
                .context("writing the demo")?;
        }
        self.values.drain(..full);
        Ok(())
    }

    /// Write everything.
    fn finish(&mut self) -> Result<()> {
        self.flush_full()?;
        for c in self.values.chunks(self.width) {
            self.one
                .execute(rusqlite::params_from_iter(c))
                .context("writing the demo")?;
        }
        self.values.clear();
        Ok(())
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn opt_text(s: Option<&str>) -> Value {
    s.map_or(Value::Null, text)
}

/// The tables a [`DemoPerson`] is written to, in chunks. A person's row is always
/// written before the rows that refer to it (the foreign keys hold at every statement).
struct Writer<'c> {
    persons: Batched<'c>,
    transactions: Batched<'c>,
    consents: Batched<'c>,
    recipients: Batched<'c>,
    documents: Batched<'c>,
    mailing_times: &'c [(i64, i64)],
}

impl<'c> Writer<'c> {
    fn new(conn: &'c Connection, mailing_times: &'c [(i64, i64)]) -> Result<Self> {
        Ok(Writer {
            mailing_times,
            persons: Batched::new(
                conn,
                "INSERT INTO persons (id, first_name, infix, last_name, email, phone, mobile, street, house_number,
                     postal_code, city, country, iban, bsn, birth_date, deceased, bouncer, created_at) VALUES ",
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                18,
            )?,
            transactions: Batched::new(
                conn,
                "INSERT INTO transactions (person_id, kind, occurred_at, description, amount) VALUES ",
                "(?, ?, ?, ?, ?)",
                5,
            )?,
            consents: Batched::new(
                conn,
                "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description, contact_moment_id, source) VALUES ",
                "(?, ?, ?, ?, ?, ?, ?, ?)",
                8,
            )?,
            recipients: Batched::new(
                conn,
                "INSERT INTO contact_moment_recipients (contact_moment_id, person_id) VALUES ",
                "(?, ?)",
                2,
            )?,
            documents: Batched::new(
                conn,
                "INSERT INTO documents (person_id, kind, filename, created_at, content, document_date) VALUES ",
                "(?, ?, ?, ?, ?, ?)",
                6,
            )?,
        })
    }

    fn write(&mut self, p: &DemoPerson) -> Result<()> {
        self.persons.push([
            Value::Integer(p.id),
            text(p.first),
            opt_text(p.infix),
            text(p.last),
            opt_text(p.email.as_deref()),
            opt_text(p.phone.as_deref()),
            opt_text(p.mobile.as_deref()),
            text(p.street),
            text(&p.house),
            text(&p.postal),
            text(p.city),
            text(p.country),
            opt_text(p.iban.as_deref()),
            opt_text(p.bsn.as_deref()),
            opt_text(p.birth.as_deref()),
            Value::Integer(i64::from(p.deceased)),
            Value::Integer(i64::from(p.bouncer)),
            Value::Text(time(p.created)),
        ]);
        for t in &p.transactions {
            self.transactions.push([
                Value::Integer(p.id),
                text(t.kind),
                Value::Text(time(t.at)),
                text(&t.description),
                Value::Text(format!("{}.{:02}", t.cents / 100, t.cents % 100)),
            ]);
        }
        for c in &p.consents {
            self.consents.push([
                Value::Text(time(c.at)),
                Value::Integer(p.id),
                text(c.kind),
                Value::Integer(i64::from(c.opt_in)),
                text(c.channel),
                text(c.description),
                c.contact_moment.map_or(Value::Null, Value::Integer),
                // The web form and the preference centre are the person's own; the
                // rest was taken down by the staff.
                text(
                    if matches!(c.channel, "webformulier" | "voorkeurencentrum" | "website") {
                        "person"
                    } else {
                        "operator"
                    },
                ),
            ]);
        }
        for m in recipients(p, self.mailing_times) {
            self.recipients
                .push([Value::Integer(m), Value::Integer(p.id)]);
        }
        if let Some((at, content)) = &p.deed {
            let at = time(*at);
            self.documents.push([
                Value::Integer(p.id),
                text("schenkingsakte"),
                Value::Text(format!("schenkingsakte-{}.pdf", p.id)),
                Value::Text(at.clone()),
                Value::Blob(content.clone()),
                Value::Text(at[..10].to_string()),
            ]);
        }
        if self.persons.values.len() >= self.persons.width * CHUNK {
            self.flush(false)?;
        }
        Ok(())
    }

    /// Write what is waiting, persons first; `all` also the rows short of a chunk.
    fn flush(&mut self, all: bool) -> Result<()> {
        for t in [
            &mut self.persons,
            &mut self.transactions,
            &mut self.consents,
            &mut self.recipients,
            &mut self.documents,
        ] {
            if all { t.finish()? } else { t.flush_full()? }
        }
        Ok(())
    }

    fn summary(&self, contact_moments: u64) -> DemoSummary {
        DemoSummary {
            persons: self.persons.rows,
            transactions: self.transactions.rows,
            consent_records: self.consents.rows,
            contact_moments,
            recipients: self.recipients.rows,
            documents: self.documents.rows,
        }
    }
}

/// The mailings a person received: those sent while they were subscribed through the
/// web form, for a quarter of the subscribers per mailing (by id), and every mailing
/// they unsubscribed from. In mailing order, each once.
fn recipients(p: &DemoPerson, mailing_times: &[(i64, i64)]) -> Vec<i64> {
    let mut out: Vec<i64> = Vec::new();
    for c in &p.consents {
        if c.kind == "nieuwsbrief" && c.channel == "webformulier" {
            out.extend(
                mailing_times
                    .iter()
                    .filter(|(m, sent)| c.at < *sent && (p.id + m) % 4 == 0)
                    .map(|(m, _)| *m),
            );
        }
        out.extend(c.contact_moment);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Fill an empty database with `n` synthetic persons, in the caller's transaction.
/// `progress` is called with the number of persons written so far.
pub fn generate(
    conn: &Connection,
    n: u64,
    seed: u64,
    progress: &mut dyn FnMut(u64),
) -> Result<DemoSummary> {
    let mailing_times = mailings(conn)?;
    let first_record = crate::db::sources::next_consent_record_id(conn)?;
    // Addresses come in no order: their index is built once the persons are in.
    conn.execute_batch("DROP INDEX IF EXISTS persons_email")
        .context("preparing the demo fill")?;
    // The rows are this generator's own, valid by construction (the tests run SQLite's
    // quick_check, which checks every CHECK constraint, over generated databases): the
    // schema's checks of each value, a tenth of the fill's time, are not run again for
    // them. Foreign keys and uniqueness still are.
    conn.pragma_update(None, "ignore_check_constraints", true)?;
    let summary = crate::db::consent::without_state_triggers(conn, || {
        let mut writer = Writer::new(conn, &mailing_times)?;
        for id in 1..=n {
            writer.write(&person(seed, id, &mailing_times))?;
            if id % 10_000 == 0 {
                progress(id);
            }
        }
        writer.flush(true)?;
        Ok(writer.summary(mailing_times.len() as u64))
    });
    conn.pragma_update(None, "ignore_check_constraints", false)?;
    let summary = summary?;
    crate::db::open::end_bulk_insert(conn)?;
    crate::db::migrate::sync_derived_objects(conn, crate::db::migrate::SCHEMA)?;
    crate::db::consent::update_state_since(conn, first_record)?;
    progress(n);
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::validate;

    #[test]
    fn generated_ibans_bsns_and_mobiles_validate() {
        let mut rng = Rng::for_person(7, 1);
        let mut bsns = 0;
        for id in 1..=2000 {
            let i = iban(&mut rng, 7, id);
            assert_eq!(validate::iban(&i).unwrap(), i);
            if let Some(b) = unique_bsn(7, id) {
                assert_eq!(validate::bsn(&b).unwrap(), b);
                bsns += 1;
            }
            assert_eq!(mobile(7, id).len(), 11);
        }
        // Ten in eleven prefixes have a check digit.
        assert!(bsns > 1700, "{bsns}");
    }

    /// Issue 17: persons 4 and 12 shared a BSN, an IBAN and a mobile number, and 278
    /// BSNs were held by 563 persons at 100,000.
    #[test]
    fn no_two_persons_share_a_bsn_iban_or_mobile_number() {
        use std::collections::HashSet;
        let (mut bsn, mut iban, mut mobile) = (HashSet::new(), HashSet::new(), HashSet::new());
        let n = 200_000;
        for id in 1..=n {
            let p = person(42, id, &[]);
            for (set, value) in [
                (&mut bsn, p.bsn),
                (&mut iban, p.iban),
                (&mut mobile, p.mobile),
            ] {
                if let Some(v) = value {
                    assert!(set.insert(v.clone()), "person {id}: {v} twice");
                }
            }
        }
        assert!(bsn.len() > 5_000 && iban.len() > 100_000 && mobile.len() > 100_000);
    }

    #[test]
    fn persons_are_not_copies_of_each_other() {
        let a = person(42, 4, &[]);
        let b = person(42, 12, &[]);
        assert!(
            (a.first, a.last, a.phone, a.house) != (b.first, b.last, b.phone, b.house),
            "persons 4 and 12 alike"
        );
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
