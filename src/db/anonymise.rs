//! Anonymising (§1.8, glossary "Anonimiseren"): erase everything that identifies a
//! person, keep the history of consent and the bookkeeping unlinked from an identity.
//! Set-based: the persons to erase go into a temporary table, then one statement per
//! table does the work, whether for one person or a hundred thousand.
//!
//! Here: the selection, the survey of what to look for (`survey`), the erasure and the
//! redaction of shared texts. In `proof`: the byte scan that proves the erasure; in
//! `keys`: the sets of texts kept as keys, and the hasher of the maps.
use anyhow::{Context, Result};
use rusqlite::{Connection, params};

mod keys;
mod proof;
use keys::KeyMap;
pub use keys::{KeyHasher, Seeded, Set, TextSets};
use proof::count_in;
pub use proof::{Scan, scan_files};

/// The columns of `persons` that are erased (set to NULL): every personal text field,
/// and the free text of an objection or a restriction.
pub const ERASED_FIELDS: &[&str] = &[
    "first_name",
    "infix",
    "last_name",
    "email",
    "phone",
    "mobile",
    "street",
    "house_number",
    "postal_code",
    "city",
    "country",
    "iban",
    "bsn",
    "birth_date",
    "objection_channel",
    "objection_description",
    "restriction_reason",
];

/// What anonymising erased.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Erased {
    pub persons: u64,
    pub documents: u64,
    /// Documents kept, restricted, because a law says to keep them (Art. 17(3)(b)).
    pub documents_held: u64,
    pub scores: u64,
    pub consent_descriptions: u64,
    pub transaction_descriptions: u64,
    /// Texts outside the persons' own rows (a saved query, the register, a mailing's
    /// name, another person's note or description) in which their name, address or
    /// number was replaced by `[gewist]`.
    pub texts_redacted: u64,
    /// Of those, the consent records of other persons (the ledger): listed in the
    /// audit entry, since their salt went.
    pub ledger_records_redacted: Vec<i64>,
}

/// Fill `temp.anonymise_ids` with one person.
pub fn select_person(conn: &Connection, person_id: i64) -> Result<()> {
    prepare_ids(conn)?;
    conn.execute(
        "INSERT INTO temp.anonymise_ids (id) VALUES (?1)",
        [person_id],
    )?;
    Ok(())
}

/// Fill `temp.anonymise_ids` with everyone the sweep may erase: no active relation since
/// `cutoff` (`retention::INACTIVE`). Returns how many.
pub fn select_inactive(conn: &Connection, cutoff: &str) -> Result<u64> {
    prepare_ids(conn)?;
    let n = conn
        .execute(
            &format!(
                "INSERT INTO temp.anonymise_ids (id) {}",
                super::retention::INACTIVE
            ),
            [cutoff],
        )
        .context("finding inactive persons")?;
    Ok(n as u64)
}

/// The persons selected, by id.
pub fn selected(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare("SELECT id FROM temp.anonymise_ids ORDER BY id")?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

fn prepare_ids(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS anonymise_ids (id INTEGER PRIMARY KEY);
         DELETE FROM temp.anonymise_ids;",
    )
    .context("preparing the list of persons to anonymise")
}

/// A person the sweep (or a hand) would erase, as the dry run lists them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Candidate {
    pub person_id: i64,
    pub name: String,
    pub email: Option<String>,
    /// The last activity: a date, and its kind (`created`, `transaction`,
    /// `own_consent_record`).
    pub last_activity: String,
    pub last_activity_kind: &'static str,
}

/// The selected persons with their last activity, for the listing of a dry run;
/// `identify`: with their names and addresses (a real run names no one).
pub fn listing(conn: &Connection, identify: bool) -> Result<Listing> {
    let mut stmt = conn.prepare(
        "SELECT p.id, p.first_name, p.infix, p.last_name, p.email, p.created_at,
                (SELECT max(x.occurred_at) FROM transactions x WHERE x.person_id = p.id),
                (SELECT max(r.recorded_at) FROM consent_records r WHERE r.person_id = p.id AND r.source <> 'rule')
         FROM temp.anonymise_ids i JOIN persons p ON p.id = i.id ORDER BY p.id",
    )?;
    let mut listing = Listing::default();
    let mut rows = stmt.query([])?;
    let mut read = || -> rusqlite::Result<Option<Candidate>> {
        let Some(r) = rows.next()? else {
            return Ok(None);
        };
        {
            let name: Vec<Option<String>> = vec![r.get(1)?, r.get(2)?, r.get(3)?];
            let mut last = (r.get::<_, String>(5)?, "created");
            for (at, kind) in [
                (r.get::<_, Option<String>>(6)?, "transaction"),
                (r.get::<_, Option<String>>(7)?, "own_consent_record"),
            ] {
                if let Some(at) = at
                    && at > last.0
                {
                    last = (at, kind);
                }
            }
            Ok(Some(Candidate {
                person_id: r.get(0)?,
                name: name
                    .into_iter()
                    .flatten()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" "),
                email: r.get(4)?,
                last_activity: last.0,
                last_activity_kind: last.1,
            }))
        }
    };
    while let Some(c) = read().context("listing the persons to anonymise")? {
        listing.push(c, identify);
    }
    Ok(listing)
}

/// [`listing`] of the persons `ids`, read again after a dry run rolled back (the rows
/// as they are, erased by nobody): a sweep's dry run names them without holding their
/// names while the survey holds what it read.
pub fn listing_of(conn: &Connection, ids: &[i64], identify: bool) -> Result<Listing> {
    prepare_ids(conn)?;
    conn.execute(
        "INSERT INTO temp.anonymise_ids (id) SELECT value FROM json_each(?1)",
        [serde_json::to_string(ids)?],
    )
    .context("listing the persons to anonymise")?;
    let listed = listing(conn, identify);
    conn.execute("DELETE FROM temp.anonymise_ids", [])?;
    listed
}

/// The persons a run erases (or would), as [`listing`] read them: compactly, a sweep
/// may erase hundreds of thousands.
#[derive(Debug, Default)]
pub struct Listing {
    ids: Vec<i64>,
    /// The last activities one after the other, and where each ends.
    dates: String,
    ends: Vec<usize>,
    kinds: Vec<u8>,
    /// Names and addresses, when listed: one after the other in one string, with where
    /// each name and each address ends (an address's end is None where there is none).
    names: String,
    name_ends: Vec<(usize, Option<usize>)>,
}

/// The kinds of a last activity.
const ACTIVITY_KINDS: [&str; 3] = ["created", "transaction", "own_consent_record"];

impl Listing {
    fn push(&mut self, c: Candidate, identify: bool) {
        self.ids.push(c.person_id);
        self.dates.push_str(&c.last_activity);
        self.ends.push(self.dates.len());
        self.kinds.push(
            ACTIVITY_KINDS
                .iter()
                .position(|&k| k == c.last_activity_kind)
                .unwrap_or_default() as u8,
        );
        if identify {
            self.names.push_str(&c.name);
            let name = self.names.len();
            let email = c.email.map(|e| {
                self.names.push_str(&e);
                self.names.len()
            });
            self.name_ends.push((name, email));
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Person `i`, without name and address unless they were read.
    pub fn get(&self, i: usize) -> Candidate {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        let (name, email) = match self.name_ends.get(i) {
            None => (String::new(), None),
            Some(&(name_end, email_end)) => {
                let from = match i.checked_sub(1).map(|j| self.name_ends[j]) {
                    None => 0,
                    Some((n, e)) => e.unwrap_or(n),
                };
                (
                    self.names[from..name_end].to_string(),
                    email_end.map(|e| self.names[name_end..e].to_string()),
                )
            }
        };
        Candidate {
            person_id: self.ids[i],
            name,
            email,
            last_activity: self.dates[start..self.ends[i]].to_string(),
            last_activity_kind: ACTIVITY_KINDS[usize::from(self.kinds[i])],
        }
    }
}

impl serde::Serialize for Listing {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for i in 0..self.len() {
            seq.serialize_element(&self.get(i))?;
        }
        seq.end()
    }
}

/// What a person's erased value was, for the proof that it is gone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ErasedValue {
    pub text: String,
    /// The table it was held in, to name when it is found again.
    pub table: &'static str,
    /// How many times it may rightly be in the files: where it stays by design (the
    /// organisation's settings, an open erasure to-do for a processor). Found more
    /// often, it is somewhere else too.
    pub allowed: u64,
    /// How many times the rows of the persons who stay spell it, where it is a number
    /// of theirs (SQLite stores a row's texts one after the other: a phone and a mobile
    /// can spell a BSN), counted by [`survey`] before the erasure: allowed too. None:
    /// not counted (the proof reads every row again when it finds the value too often).
    pub live: Option<u64>,
}

/// Erased values, kept compactly (a sweep at 5 million persons looks for 640,000): their
/// texts one after the other in one string, a table's number each, and the counts
/// [`ErasedValue::allowed`] and [`ErasedValue::live`] only where there is one.
#[derive(Debug, Default, Clone)]
pub struct ErasedValues {
    texts: String,
    /// Where each text ends in `texts`.
    ends: Vec<usize>,
    /// Each value's table, by its place in `names`.
    tables: Vec<u8>,
    names: Vec<&'static str>,
    allowed: KeyMap<u32, u64>,
    live: KeyMap<u32, u64>,
}

impl ErasedValues {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn clear(&mut self) {
        *self = Self::default();
    }

    pub fn text(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.texts[start..self.ends[i]]
    }

    pub fn table(&self, i: usize) -> &'static str {
        self.names
            .get(usize::from(self.tables[i]))
            .copied()
            .unwrap_or_default()
    }

    pub fn allowed(&self, i: usize) -> u64 {
        self.allowed.get(&(i as u32)).copied().unwrap_or(0)
    }

    pub fn live(&self, i: usize) -> Option<u64> {
        self.live.get(&(i as u32)).copied()
    }

    fn set_allowed(&mut self, i: usize, n: u64) {
        if n == 0 {
            self.allowed.remove(&(i as u32));
        } else {
            self.allowed.insert(i as u32, n);
        }
    }

    fn set_live(&mut self, i: usize, n: Option<u64>) {
        match n {
            Some(n) => self.live.insert(i as u32, n),
            None => self.live.remove(&(i as u32)),
        };
    }

    /// Add a value (not allowed anywhere, not counted); returns its index.
    fn push(&mut self, text: &str, table: &'static str) -> usize {
        self.texts.push_str(text);
        self.ends.push(self.texts.len());
        let t = match self.names.iter().position(|&n| n == table) {
            Some(t) => t,
            None => {
                self.names.push(table);
                self.names.len() - 1
            }
        };
        // The tables are a few names of this program's.
        self.tables.push(u8::try_from(t).unwrap_or(u8::MAX));
        self.ends.len() - 1
    }

    /// Value `i`, as it was put in.
    pub fn get(&self, i: usize) -> ErasedValue {
        ErasedValue {
            text: self.text(i).to_string(),
            table: self.table(i),
            allowed: self.allowed(i),
            live: self.live(i),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = ErasedValue> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// The values at `which` (in that order), with their counts.
    fn subset(&self, which: &[usize]) -> ErasedValues {
        let mut out = ErasedValues::default();
        for &i in which {
            let j = out.push(self.text(i), self.table(i));
            out.set_allowed(j, self.allowed(i));
            out.set_live(j, self.live(i));
        }
        out
    }

    /// Room for `values` values of `bytes` in all: what is reserved and not written
    /// takes no memory, and a sweep's values are not copied as they grow (the copies
    /// freed stay with the process).
    fn reserve(&mut self, values: usize, bytes: usize) {
        self.texts.reserve(bytes);
        self.ends.reserve(values);
        self.tables.reserve(values);
    }

    /// Keep the values for which `keep` holds, in their order: in place, the texts kept
    /// moved forward (a copy of a sweep's values would take as much again).
    fn retain(&mut self, keep: impl Fn(&Self, usize) -> bool) {
        let which: Vec<bool> = (0..self.len()).map(|i| keep(self, i)).collect();
        if which.iter().all(|&k| k) {
            return;
        }
        let mut texts = std::mem::take(&mut self.texts).into_bytes();
        let allowed = std::mem::take(&mut self.allowed);
        let live = std::mem::take(&mut self.live);
        let (mut at, mut n, mut start) = (0, 0, 0);
        for (i, &kept) in which.iter().enumerate() {
            let end = self.ends[i];
            if kept {
                texts.copy_within(start..end, at);
                at += end - start;
                self.ends[n] = at;
                self.tables[n] = self.tables[i];
                if let Some(&a) = allowed.get(&(i as u32)) {
                    self.allowed.insert(n as u32, a);
                }
                if let Some(&l) = live.get(&(i as u32)) {
                    self.live.insert(n as u32, l);
                }
                n += 1;
            }
            start = end;
        }
        texts.truncate(at);
        self.ends.truncate(n);
        self.tables.truncate(n);
        // Whole texts moved: still UTF-8 (the lossy copy is never made).
        self.texts = String::from_utf8(texts)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    }
}

/// For tests: values as the survey would have found them.
#[cfg(test)]
impl FromIterator<ErasedValue> for ErasedValues {
    fn from_iter<I: IntoIterator<Item = ErasedValue>>(iter: I) -> Self {
        let mut out = ErasedValues::default();
        for v in iter {
            let i = out.push(&v.text, v.table);
            out.set_allowed(i, v.allowed);
            out.set_live(i, v.live);
        }
        out
    }
}

/// The shortest value the byte scan looks for: shorter ones are not distinctive.
const MIN_SCANNED: usize = 6;

/// What erasure looks for, read before it erases anything.
#[derive(Default)]
pub struct Survey {
    /// The values the proof of erasure looks for afterwards ([`scan_files`]).
    pub values: ErasedValues,
    /// Where the selected persons' distinctive values that no person who stays holds
    /// are in shared texts (other persons' rows, no one's rows), as found on
    /// the rows before the erasure: for [`apply_redactions`].
    pub redactions: Redactions,
}

/// Where a value of the selected persons came from, for the pass over the others.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// A free text: looked for whoever else holds it.
    Text,
    /// A distinctive field (`fields` below): looked for if nobody who stays holds it.
    Field,
    /// An e-mail address as stored: looked for if its lower-case form is theirs alone.
    StoredEmail,
}

/// Read before erasing, with one pass over everyone else:
/// - the values the selected persons hold that nobody else does, for the proof: the
///   distinctive personal fields (e-mail, full name, phone numbers, IBAN, BSN, street
///   with number) and the free texts of their own rows (descriptions, channels outside
///   the vocabulary, document names) when no other person has the same text;
/// - where the values no person who stays holds are in shared texts
///   ([`Survey::redactions`]);
/// - how often the rows of the persons who stay spell each number among the values
///   ([`ErasedValue::live`]).
pub fn survey(conn: &Connection) -> Result<Survey> {
    start(conn, None)?.finish()
}

/// [`survey`], with its pass over everyone else made on a second, read-only connection
/// to `db` in a thread of its own, while the caller goes on erasing in its write
/// transaction (other writers wait, and its own writes are not seen before the commit:
/// the second connection reads the same rows). [`PendingSurvey::finish`] waits for it.
pub fn survey_beside(conn: &Connection, db: &std::path::Path) -> Result<PendingSurvey> {
    start(conn, Some(db))
}

/// A survey whose pass over everyone else may still be running.
pub struct PendingSurvey {
    found: (ErasedValues, Vec<Origin>),
    handle: std::thread::JoinHandle<Result<Surveyed>>,
}

/// What the second half of a survey found.
struct Surveyed {
    /// The numbers whose live counts the pass read.
    numbers: Numbers,
    pass: Pass,
    redactions: Redactions,
}

/// What the pass over everyone else leaves: the selected persons' values nobody else
/// holds (as compared by the proof, and by texts), and the live counts of numbers.
struct Pass {
    /// The texts of both sets: [`Set::Fields`] as compared by the proof,
    /// [`Set::Redaction`] by texts.
    theirs: TextSets,
    live: Vec<u64>,
}

impl PendingSurvey {
    /// Wait for the pass, and keep what is the selected persons' alone.
    pub fn finish(self) -> Result<Survey> {
        let Surveyed {
            numbers,
            pass,
            redactions,
        } = self
            .handle
            .join()
            .map_err(|_| anyhow::anyhow!("reading the persons who stay stopped unexpectedly"))??;
        let (mut values, origins) = self.found;
        values.retain(|values, i| match origins[i] {
            Origin::Text => true,
            Origin::Field => pass.theirs.contains(Set::Fields, values.text(i)),
            Origin::StoredEmail => pass
                .theirs
                .contains(Set::Fields, &values.text(i).to_ascii_lowercase()),
        });
        drop(pass.theirs);
        for i in 0..values.len() {
            if let Some(n) = numbers.index(values.text(i)) {
                values.set_live(i, Some(pass.live[n]));
            }
        }
        Ok(Survey { values, redactions })
    }
}

fn start(conn: &Connection, db: Option<&std::path::Path>) -> Result<PendingSurvey> {
    let ids = "SELECT id FROM temp.anonymise_ids";
    let long = |v: &str| v.len() >= MIN_SCANNED;
    let mut found = Found::default();
    // Theirs alone, as the proof compares them (`Set::Fields`: exact) and as texts do
    // (`Set::Redaction`: normalised); a pass over everyone else removes what others
    // hold. Room for every value a person can have: seven fields, eight texts.
    let selected = selected(conn)?;
    let mut theirs = TextSets::with_capacity(selected.len(), 15);
    // Room for the values found: seven fields, the address as stored and two free
    // texts a person, of some 100 bytes in all at most for most.
    found
        .values
        .reserve(selected.len() * 10, selected.len() * 160);
    found.origins.reserve(selected.len() * 10);
    let mut joined = String::new();
    let mut stmt = conn.prepare(&format!(
        "SELECT email, first_name, infix, last_name, phone, mobile, iban, bsn, street, house_number,
                objection_description, restriction_reason
         FROM persons WHERE id IN ({ids})"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        theirs.next_person();
        let col =
            |i: usize| -> Result<Option<std::borrow::Cow<'_, str>>> { sql_text(r.get_ref(i)?) };
        let (email, first, infix, last) = (col(0)?, col(1)?, col(2)?, col(3)?);
        let (first, infix, last) = (first.as_deref(), infix.as_deref(), last.as_deref());
        let numbers = [col(4)?, col(5)?, col(6)?, col(7)?];
        let (street, number) = (col(8)?, col(9)?);
        let mut field = |v: &str| {
            let v = v.trim();
            if long(v) && theirs.insert(Set::Fields, v) {
                found.add(v, "persons", Origin::Field);
            }
        };
        if let Some(e) = &email {
            // lower() of SQLite: ASCII letters only.
            joined.clear();
            joined.push_str(e);
            joined.make_ascii_lowercase();
            field(&joined);
        }
        field(sql_name(&mut joined, &[first, infix], last));
        for n in numbers.iter().flatten() {
            field(n);
        }
        joined.clear();
        joined.push_str(street.as_deref().unwrap_or_default());
        joined.push(' ');
        joined.push_str(number.as_deref().unwrap_or_default());
        field(joined.trim_matches(' '));
        // In texts: the same, and the name without its infix, compared normalised.
        let mut text = |v: &str| {
            if v.trim().chars().count() >= MIN_SCANNED {
                theirs.insert(Set::Redaction, &normalise(v));
            }
        };
        if let Some(e) = &email {
            text(e);
        }
        text(sql_name(&mut joined, &[first, infix], last));
        text(sql_name(&mut joined, &[first], last));
        for n in numbers.iter().flatten() {
            text(n);
        }
        if let (Some(street), Some(number)) = (&street, &number) {
            joined.clear();
            joined.push_str(street.trim_matches(' '));
            joined.push(' ');
            joined.push_str(number.trim_matches(' '));
            text(&joined);
        }
        // The address as stored (its case), and free texts of their own.
        if let Some(e) = &email {
            found.add(e, "persons", Origin::StoredEmail);
        }
        for i in [10, 11] {
            if let Some(t) = col(i)? {
                found.add(&t, "persons", Origin::Text);
            }
        }
    }
    drop(rows);
    theirs.freeze();
    // The numbers among their values, whose live counts the pass reads (a free text
    // that is a number has none: found too often, every row is read again).
    let numbers = Numbers::new((0..found.values.len()).map(|i| found.values.text(i)));
    let job = {
        let selected = selected.clone();
        move |conn: &Connection| -> Result<Surveyed> {
            let pass = held_by_others(conn, &selected, theirs, &numbers)?;
            let redactions = find_redactions(conn, &pass.theirs, &selected)?;
            Ok(Surveyed {
                numbers,
                pass,
                redactions,
            })
        }
    };
    let handle = match db {
        Some(db) => {
            let db = db.to_path_buf();
            std::thread::spawn(move || {
                let other = super::open::open_for_verify(&db)?;
                // It reads each table once, in order: a small cache does.
                other.pragma_update(None, "cache_size", -2048)?;
                job(&other)
            })
        }
        None => {
            let done = job(conn);
            std::thread::spawn(move || done)
        }
    };
    // Meanwhile, here: the free texts of their own rows.
    found.add_free_texts(conn)?;
    Ok(PendingSurvey {
        found: found.into_values(),
        handle,
    })
}

/// The values found so far, with where they came from, in the order found (a text
/// found again for the same table is made one in [`Found::into_values`]).
#[derive(Default)]
struct Found {
    values: ErasedValues,
    origins: Vec<Origin>,
}

impl Found {
    fn add(&mut self, text: &str, table: &'static str, origin: Origin) {
        let t = text.trim();
        if t.len() >= MIN_SCANNED {
            self.values.push(t, table);
            self.origins.push(origin);
        }
    }

    /// Free texts of the selected persons' own rows that no one else's row has (the
    /// generic texts of a web form are everybody's and stay).
    fn add_free_texts(&mut self, conn: &Connection) -> Result<()> {
        let ids = "SELECT id FROM temp.anonymise_ids";
        for (table, column, extra) in [
            ("consent_records", "description", "AND r.source <> 'rule'"),
            (
                "consent_records",
                "channel",
                "AND r.source <> 'rule' AND r.channel NOT IN (SELECT code FROM channels)",
            ),
            ("transactions", "description", ""),
            ("documents", "filename", ""),
        ] {
            // Whether someone else holds the same text. File names are mostly unique:
            // the others' are read once (SQLite keeps them in a temporary index), since
            // a correlated NOT EXISTS reads the whole table again for every name of
            // theirs alone (75 s for 4,700 documents at 5 million persons). Descriptions
            // and channels repeat (a form's words, an import's label): NOT EXISTS stops
            // at the first other holder, where reading the others' texts of a ledger of
            // 12 million records would cost more.
            let shared = if table == "documents" {
                format!(
                    "r.{column} IN (SELECT o.{column} FROM {table} o
                                    WHERE o.person_id NOT IN ({ids}) AND o.{column} IS NOT NULL)"
                )
            } else {
                format!(
                    "EXISTS (SELECT 1 FROM {table} o
                             WHERE o.{column} = r.{column} AND o.person_id NOT IN ({ids}))"
                )
            };
            let mut stmt = conn.prepare(&format!(
                "SELECT DISTINCT r.{column} FROM {table} r
                 WHERE r.person_id IN ({ids}) AND r.{column} IS NOT NULL {extra}
                   AND NOT {shared}"
            ))?;
            let texts = stmt
                .query_map([], |r| r.get::<_, Option<String>>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let table: &'static str = match table {
                "consent_records" => "consent_records",
                "transactions" => "transactions",
                _ => "documents",
            };
            for t in texts.iter().flatten() {
                self.add(t, table, Origin::Text);
            }
        }
        Ok(())
    }

    /// Each (text, table) once, in the order first found: where it was first found
    /// from, or a free text if it was one anywhere. In place (a copy of a sweep's
    /// values would take as much again).
    fn into_values(self) -> (ErasedValues, Vec<Origin>) {
        let Found {
            mut values,
            mut origins,
        } = self;
        let mut order: Vec<u32> = (0..values.len() as u32).collect();
        let key = |i: u32| (values.text(i as usize), values.table(i as usize));
        order.sort_unstable_by(|&a, &b| key(a).cmp(&key(b)).then(a.cmp(&b)));
        let mut first = vec![false; values.len()];
        let mut last: Option<u32> = None;
        for i in order {
            match last {
                Some(l) if key(l) == key(i) => {
                    if origins[i as usize] == Origin::Text {
                        origins[l as usize] = Origin::Text;
                    }
                }
                _ => {
                    first[i as usize] = true;
                    last = Some(i);
                }
            }
        }
        values.retain(|_, i| first[i]);
        let mut i = 0;
        origins.retain(|_| {
            i += 1;
            first[i - 1]
        });
        (values, origins)
    }
}

/// The values that are numbers (a BSN, a phone number typed without separators), by
/// length and value: what a row of digits next to digits can spell by chance.
struct Numbers {
    /// Each number's place in the counts.
    by_value: KeyMap<(u32, u64), usize>,
    /// The lengths there are, shortest first.
    lengths: Vec<usize>,
}

impl Numbers {
    /// Of `texts`, those that are numbers are looked for.
    fn new<'t>(texts: impl Iterator<Item = &'t str>) -> Self {
        let mut n = Numbers {
            by_value: Default::default(),
            lengths: Vec::new(),
        };
        for v in texts {
            if let Some(k) = Self::key(v.as_bytes()) {
                let next = n.by_value.len();
                n.by_value.entry(k).or_insert(next);
                if !n.lengths.contains(&v.len()) {
                    n.lengths.push(v.len());
                }
            }
        }
        n.lengths.sort_unstable();
        n
    }

    /// How many numbers there are (the length of the counts).
    fn len(&self) -> usize {
        self.by_value.len()
    }

    /// The place in the counts of `text`, if it is one of the numbers.
    fn index(&self, text: &str) -> Option<usize> {
        Self::key(text.as_bytes()).and_then(|k| self.by_value.get(&k).copied())
    }

    /// A number of MIN_SCANNED to 19 digits as (length, value).
    fn key(b: &[u8]) -> Option<(u32, u64)> {
        if !(MIN_SCANNED..=19).contains(&b.len()) || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some((
            b.len() as u32,
            b.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0')),
        ))
    }

    /// Count in `live` the numbers inside a run of digits.
    fn count_run(&self, run: &[u8], live: &mut [u64]) {
        for &len in self.lengths.iter().take_while(|&&l| l <= run.len()) {
            for w in run.windows(len) {
                if let Some(&i) = Self::key(w).and_then(|k| self.by_value.get(&k)) {
                    live[i] += 1;
                }
            }
        }
    }
}

/// The pass of a survey over the persons who stay (`selected`, in order of id, are
/// passed by): what they hold is not the selected persons' alone, and is removed from
/// the sets of `theirs` (compared as they are, and normalised). In the rows
/// an erasure leaves as they are ([`SURVEYED_ROWS`]), the runs of digits are read as
/// SQLite stores the row (its texts one after the other; numbers are binary, and a 0 or
/// 1 takes no byte) and the numbers among the values counted in them.
fn held_by_others(
    conn: &Connection,
    selected: &[i64],
    mut theirs: TextSets,
    numbers: &Numbers,
) -> Result<Pass> {
    use rusqlite::types::ValueRef;
    let mut live = vec![0u64; numbers.len()];
    let columns = stored_columns(conn)?;
    let at = |name: &str| {
        columns
            .iter()
            .position(|c| c == name)
            .map(|i| i + 1)
            .with_context(|| format!("persons has no column {name}"))
    };
    let [
        e,
        f,
        i,
        l,
        phone,
        mobile,
        iban,
        bsn,
        street,
        number,
        objection,
        restriction,
    ] = [
        "email",
        "first_name",
        "infix",
        "last_name",
        "phone",
        "mobile",
        "iban",
        "bsn",
        "street",
        "house_number",
        "objection_description",
        "restriction_reason",
    ]
    .map(at);
    let (e, f, i, l) = (e?, f?, i?, l?);
    let numbered = [phone?, mobile?, iban?, bsn?];
    let (street, number, objection, restriction) = (street?, number?, objection?, restriction?);
    let count_numbers = !numbers.lengths.is_empty();
    let mut next = selected.iter().peekable();
    // The selected persons are passed by as the rows come in order of id (a look-up in
    // the temporary table for each of a million rows costs more). The columns as
    // stored, put together here as the selected persons' were (SQLite's concatenations
    // for a million persons cost more than the look-ups).
    let mut stmt = conn.prepare(&format!(
        "SELECT id, {} FROM persons WHERE anonymised_at IS NULL ORDER BY id",
        quoted_columns(&columns)
    ))?;
    let mut word = String::new();
    let mut joined = String::new();
    let mut run: Vec<u8> = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        while next.next_if(|&&s| s < id).is_some() {}
        if next.next_if_eq(&&id).is_some() {
            continue;
        }
        let col =
            |i: usize| -> Result<Option<std::borrow::Cow<'_, str>>> { sql_text(r.get_ref(i)?) };
        if count_numbers
            && r.get_ref(objection)? == ValueRef::Null
            && r.get_ref(restriction)? == ValueRef::Null
        {
            run.clear();
            for c in 1..=columns.len() {
                if let ValueRef::Text(t) | ValueRef::Blob(t) = r.get_ref(c)? {
                    for &b in t {
                        if b.is_ascii_digit() {
                            run.push(b);
                        } else {
                            if run.len() >= MIN_SCANNED {
                                numbers.count_run(&run, &mut live);
                            }
                            run.clear();
                        }
                    }
                }
            }
            if run.len() >= MIN_SCANNED {
                numbers.count_run(&run, &mut live);
            }
        }
        if theirs.is_empty(Set::Fields) && theirs.is_empty(Set::Redaction) {
            continue;
        }
        let (em, fi, inf, la) = (col(e)?, col(f)?, col(i)?, col(l)?);
        let (fi, inf, la) = (fi.as_deref(), inf.as_deref(), la.as_deref());
        let nums = [
            col(numbered[0])?,
            col(numbered[1])?,
            col(numbered[2])?,
            col(numbered[3])?,
        ];
        let (st, nr) = (col(street)?, col(number)?);
        if !theirs.is_empty(Set::Fields) {
            let fields = Set::Fields;
            if let Some(v) = &em {
                joined.clear();
                joined.push_str(v);
                joined.make_ascii_lowercase();
                theirs.remove(fields, joined.trim());
            }
            theirs.remove(fields, sql_name(&mut joined, &[fi, inf], la).trim());
            for v in nums.iter().flatten() {
                theirs.remove(fields, v.trim());
            }
            joined.clear();
            joined.push_str(st.as_deref().unwrap_or_default());
            joined.push(' ');
            joined.push_str(nr.as_deref().unwrap_or_default());
            theirs.remove(fields, joined.trim_matches(' ').trim());
        }
        if !theirs.is_empty(Set::Redaction) {
            let mut held_too = |v: &str, word: &mut String| {
                if normalise_into(word, v) {
                    theirs.remove(Set::Redaction, word.as_str());
                }
            };
            if let Some(v) = &em {
                held_too(v, &mut word);
            }
            held_too(sql_name(&mut joined, &[fi, inf], la), &mut word);
            held_too(sql_name(&mut joined, &[fi], la), &mut word);
            for v in nums.iter().flatten() {
                held_too(v, &mut word);
            }
            if let (Some(st), Some(nr)) = (&st, &nr) {
                joined.clear();
                joined.push_str(st.trim_matches(' '));
                joined.push(' ');
                joined.push_str(nr.trim_matches(' '));
                held_too(&joined, &mut word);
            }
        }
    }
    Ok(Pass { theirs, live })
}

/// The rows of `persons` that [`held_by_others`] reads numbers in: those an erasure
/// leaves as they are (not anonymised, no free text that may be redacted). The proof
/// reads the others again after the commit.
const SURVEYED_ROWS: &str =
    "anonymised_at IS NULL AND objection_description IS NULL AND restriction_reason IS NULL";

/// The columns of `persons` stored in its rows, in their order (a generated column
/// such as `email_valid` is not stored; computing it for every row costs more than the
/// rest of a pass).
fn stored_columns(conn: &Connection) -> Result<Vec<String>> {
    let columns = conn
        .prepare("SELECT name FROM pragma_table_info('persons') ORDER BY cid")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(columns)
}

/// `"a", "b"`: column names (from the schema) quoted as identifiers.
fn quoted_columns(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Values of the selected persons that are inside documents a law says to keep on
/// `today` (a deed names its donor): kept by law, so not looked for by the proof of
/// erasure. Removes them from `values` and returns how many.
pub fn drop_held_values(conn: &Connection, values: &mut ErasedValues, today: &str) -> Result<u64> {
    let mut stmt = conn.prepare(
        "SELECT d.content FROM document_holds h JOIN documents d ON d.id = h.document_id
         WHERE h.person_id IN (SELECT id FROM temp.anonymise_ids) AND h.held_until > ?1",
    )?;
    let contents = stmt
        .query_map([today], |r| {
            Ok(match r.get_ref(0)? {
                rusqlite::types::ValueRef::Blob(b) | rusqlite::types::ValueRef::Text(b) => {
                    b.to_vec()
                }
                _ => Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<Vec<u8>>>>()
        .context("reading the documents held by law")?;
    if contents.is_empty() {
        return Ok(0);
    }
    // One pass over the contents for all values (not one per value).
    let sources: Vec<std::io::Cursor<Vec<u8>>> =
        contents.into_iter().map(std::io::Cursor::new).collect();
    let hits = count_in(sources, values)?;
    let before = values.len();
    values.retain(|_, i| hits.get(i) == 0);
    Ok((before - values.len()) as u64)
}

/// Values of the erased persons that rightly stay elsewhere: inside the organisation's
/// own settings (its phone number, its data protection officer's name, when an erased
/// person shares one), and with an erasure to-do for a processor until it is marked
/// done (the processor must find the person to erase them too). The proof still looks
/// for them, but allows as many occurrences as those places hold ([`ErasedValue::allowed`]):
/// one more, and the value is somewhere else too. Returns how many values each place
/// holds.
pub fn allow_values_kept_elsewhere(
    conn: &Connection,
    values: &mut ErasedValues,
) -> Result<(u64, u64)> {
    let texts = |sql: &str| -> Result<Vec<String>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    };
    let settings = texts("SELECT value FROM settings WHERE value IS NOT NULL")
        .context("reading the settings")?;
    let subjects = texts(
        "SELECT email FROM processor_todo_subjects WHERE email IS NOT NULL
         UNION ALL SELECT name FROM processor_todo_subjects WHERE name IS NOT NULL
         UNION ALL SELECT phone FROM processor_todo_subjects WHERE phone IS NOT NULL",
    )
    .context("reading whom processors must erase")?;
    // Exact values first (a sweep may leave many subjects): a count per text.
    let mut exact: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for s in &subjects {
        *exact.entry(s.as_str()).or_default() += 1;
        for part in s.split("; ").filter(|p| p.len() != s.len()) {
            *exact.entry(part).or_default() += 1;
        }
    }
    let mut kept = (0u64, 0u64);
    for i in 0..values.len() {
        let text = values.text(i);
        let in_settings: u64 = settings
            .iter()
            .map(|s| s.matches(text).count() as u64)
            .sum();
        let for_processors = exact.get(text).copied().unwrap_or(0);
        if in_settings > 0 {
            kept.0 += 1;
        }
        if for_processors > 0 {
            kept.1 += 1;
        }
        values.set_allowed(i, in_settings + for_processors);
    }
    Ok(kept)
}

/// Close the open erasure requests of the selected persons: the erasure (a sweep's too)
/// answers them, with the audit entry `audit_id`. Returns how many.
pub fn answer_erasure_requests(conn: &Connection, audit_id: i64, at: &str) -> Result<u64> {
    let n = conn
        .execute(
            "UPDATE requests SET closed_at = ?2, outcome = 'answered', answered_by = ?1
             WHERE kind = 'erasure' AND closed_at IS NULL
               AND person_id IN (SELECT id FROM temp.anonymise_ids)",
            params![audit_id, at],
        )
        .context("closing the answered erasure requests")?;
    Ok(n as u64)
}

/// Erase the persons of `temp.anonymise_ids` ([`erase`]) and take their names out of
/// shared texts ([`apply_redactions`]), with what a [`survey`] read before: with `db`,
/// on a second connection in a thread of its own while the erasure runs (the caller's
/// write transaction keeps other writers out, and its own writes are not seen before
/// the commit: both read the same rows); without, first, on `conn`. Returns the
/// erasure, the documents held by law and the values the proof looks for.
pub fn erase_surveyed(
    conn: &Connection,
    db: Option<&std::path::Path>,
    anonymised_at: &str,
    today: &str,
    suppress: bool,
    step: &mut dyn FnMut(&str),
) -> Result<(Erased, Vec<super::retention::Hold>, ErasedValues)> {
    let survey = start(conn, db)?;
    let (mut erased, held) = erase(conn, anonymised_at, today, suppress, step)?;
    let Survey { values, redactions } = survey.finish()?;
    (erased.texts_redacted, erased.ledger_records_redacted) = apply_redactions(conn, redactions)?;
    Ok((erased, held, values))
}

/// Erase the persons of `temp.anonymise_ids`, in the caller's transaction. Documents a
/// law says to keep on `today` (yyyy-mm-dd) are kept, restricted, until their hold ends;
/// everything else that identifies the persons goes. `suppress`: put the erased
/// addresses on the suppression list (anonymise: yes; a merge, whose address lives on
/// in the person kept: no). Their names and numbers in shared texts are for
/// [`apply_redactions`], with a [`survey`] made before ([`erase_surveyed`] does both).
/// `step` is called after each statement (a progress bar).
pub fn erase(
    conn: &Connection,
    anonymised_at: &str,
    today: &str,
    suppress: bool,
    step: &mut dyn FnMut(&str),
) -> Result<(Erased, Vec<super::retention::Hold>)> {
    let ids = "SELECT id FROM temp.anonymise_ids";
    let mut erased = Erased::default();
    let holds = super::retention::holds(conn, today)?;
    // The addresses go on the suppression list first, as keyed hashes: an erased person
    // is not re-subscribed or mailed after a later import of the same address.
    if suppress {
        // Not an address another person still holds (a family's): it lives on with
        // them, and their own opt-ins must still reach it.
        super::suppression::add_persons(
            conn,
            "SELECT i.id FROM temp.anonymise_ids i CROSS JOIN persons p ON p.id = i.id
             WHERE NOT EXISTS (SELECT 1 FROM persons o
                               WHERE o.email IS NOT NULL AND o.email = p.email COLLATE NOCASE
                                 AND o.anonymised_at IS NULL
                                 AND o.id NOT IN (SELECT id FROM temp.anonymise_ids))",
            "erased",
            anonymised_at,
            "anonymise",
        )?;
    }
    let sets: Vec<String> = ERASED_FIELDS
        .iter()
        .map(|f| format!("{f} = NULL"))
        .collect();
    // anonymised_at first: the ledger's trigger allows clearing descriptions only then.
    // A person with documents under a legal hold is restricted until the hold ends.
    erased.persons = conn
        .execute(
            &format!(
                "UPDATE persons SET {}, anonymised_at = ?1,
                     legal_hold_until = (SELECT max(h.held_until) FROM document_holds h
                                         WHERE h.person_id = persons.id AND h.held_until > ?2),
                     restricted_at = CASE WHEN EXISTS (SELECT 1 FROM document_holds h
                                         WHERE h.person_id = persons.id AND h.held_until > ?2)
                                     THEN ?1 END,
                     restriction_reason = CASE WHEN EXISTS (SELECT 1 FROM document_holds h
                                         WHERE h.person_id = persons.id AND h.held_until > ?2)
                                     THEN '{HOLD_REASON}' END
                 WHERE id IN ({ids}) AND anonymised_at IS NULL",
                sets.join(", ")
            ),
            params![anonymised_at, today],
        )
        .context("erasing personal data")? as u64;
    step("personal data");
    erased.documents = conn
        .execute(
            &format!(
                "DELETE FROM documents WHERE person_id IN ({ids})
                   AND id NOT IN (SELECT document_id FROM document_holds WHERE held_until > ?1)"
            ),
            [today],
        )
        .context("deleting documents")? as u64;
    // A held document keeps its bytes (the law asks for the deed itself) but not a name
    // that could name the person.
    erased.documents_held = conn
        .execute(
            &format!(
                "UPDATE documents SET filename = kind || '-' || id ||
                     CASE WHEN instr(filename, '.') > 0
                          THEN '.' || replace(substr(filename, length(rtrim(filename, replace(filename, '.', ''))) + 1), ' ', '')
                          ELSE '' END
                 WHERE person_id IN ({ids})"
            ),
            [],
        )
        .context("renaming held documents")? as u64;
    step("documents");
    erased.scores = conn
        .execute(
            &format!("DELETE FROM scores WHERE person_id IN ({ids})"),
            [],
        )
        .context("deleting scores")? as u64;
    step("scores");
    // Free text could name the person: descriptions, and channels typed outside the
    // vocabulary ("telefoon, gesproken met …"), with the salt of their digest in the
    // chain. The generic texts of rules cannot.
    erased.consent_descriptions = conn
        .execute(
            &format!(
                "UPDATE consent_records
                 SET description = NULL,
                     channel = CASE WHEN channel IN (SELECT code FROM channels) THEN channel ELSE '{erased}' END
                 WHERE person_id IN ({ids}) AND source <> 'rule'
                   AND (description IS NOT NULL OR channel NOT IN (SELECT code FROM channels))",
                erased = super::defaults::ERASED_CHANNEL
            ),
            [],
        )
        .context("clearing consent descriptions")? as u64;
    conn.execute(
        &format!(
            "UPDATE consent_chain SET salt = NULL
             WHERE salt IS NOT NULL AND record_id IN (SELECT id FROM consent_records WHERE person_id IN ({ids}))"
        ),
        [],
    )
    .context("clearing the salts of erased text")?;
    step("consent descriptions");
    erased.transaction_descriptions = conn
        .execute(
            &format!("UPDATE transactions SET description = NULL WHERE person_id IN ({ids}) AND description IS NOT NULL"),
            [],
        )
        .context("clearing transaction descriptions")? as u64;
    step("transaction descriptions");
    // What was typed about them with an audited command (why their document was
    // removed): the log keeps the entry, not the text.
    conn.execute(
        &format!("DELETE FROM audit_texts WHERE person_id IN ({ids})"),
        [],
    )
    .context("deleting texts typed about them")?;
    // Where their data came from is gone with the data.
    conn.execute(
        &format!("DELETE FROM person_data_sources WHERE person_id IN ({ids})"),
        [],
    )
    .context("deleting the sources of erased data")?;
    // A source no one's data comes from any more goes too: its label may be a channel
    // typed for them ("telefoon, gesproken met …").
    conn.execute(
        "DELETE FROM data_sources WHERE id NOT IN (SELECT source_id FROM person_data_sources)",
        [],
    )
    .context("deleting sources no longer used")?;
    step("sources");
    purge_index_samples(conn)?;
    Ok((erased, holds))
}

/// Why an erased person is still restricted: the law (a fixed text, naming no one).
pub const HOLD_REASON: &str = "Wettelijke bewaarplicht (art. 17 lid 3 sub b AVG)";

/// Where the selected persons' values are in texts that are not theirs (another
/// person's row, or no one's: a saved query, the register, a mailing's name), with the
/// texts as they are to be.
#[derive(Debug, Default)]
pub struct Redactions {
    /// (table, column, rowid, text).
    cells: Vec<(String, String, i64, String)>,
    /// The suppression list has no rowid: (hash, reason, text).
    suppressions: Vec<(Vec<u8>, String, String)>,
    /// Consent records of other persons: (id, text).
    records: Vec<(i64, String)>,
}

/// Find the values `theirs` in the texts of tables that are no one's in particular
/// (saved queries, the processing register, mailing names, processors, breaches) and in
/// other persons' rows: not in the rows of `selected` (in order), which their erasure
/// clears or deletes. Reads only: a second connection can do it while the erasure runs.
fn find_redactions(conn: &Connection, theirs: &TextSets, selected: &[i64]) -> Result<Redactions> {
    let mut found = Redactions::default();
    if theirs.is_empty(Set::Redaction) {
        return Ok(found);
    }
    // For a few values, SQLite reads only the rows that may hold one (a word of each,
    // in lower case); for a sweep, every row once.
    let text_probes = theirs.texts().and_then(|t| probes(&t[..]));
    let finder = Finder::new(theirs);
    let theirs_alone =
        |person: Option<i64>| person.is_none_or(|p| selected.binary_search(&p).is_err());
    for (table, column, person) in shared_text_columns(conn)? {
        // Names come from sqlite_schema, not from input; quoted as identifiers.
        let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        let mut select = conn.prepare(&format!(
            "SELECT rowid, {c}, {p} FROM {t} WHERE {c} IS NOT NULL{}",
            probe_condition(&format!("lower({})", q(&column)), text_probes.as_deref()),
            c = q(&column),
            t = q(&table),
            p = person.as_deref().map_or("NULL".to_string(), q),
        ))?;
        for (id, text) in
            redacted_rows(&mut select, text_probes.as_deref(), &finder, &theirs_alone)?
        {
            found.cells.push((table.clone(), column.clone(), id, text));
        }
    }
    let mut select = conn.prepare(
        "SELECT hash, reason, description FROM suppressions WHERE description IS NOT NULL",
    )?;
    found.suppressions = select
        .query_map([], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .filter_map(|r| match r {
            Ok((hash, reason, text)) => finder.redact(&text).map(|t| Ok((hash, reason, t))),
            Err(e) => Some(Err(e)),
        })
        .collect::<rusqlite::Result<_>>()?;
    // The ledger: another person's record that names them keeps its own words with
    // theirs replaced. A rule's text is the rule's, naming no one.
    let mut select = conn.prepare(&format!(
        "SELECT id, description, person_id FROM consent_records
         WHERE description IS NOT NULL{} AND source <> 'rule'",
        probe_condition("lower(description)", text_probes.as_deref())
    ))?;
    found.records = redacted_rows(&mut select, text_probes.as_deref(), &finder, &theirs_alone)?;
    Ok(found)
}

/// Write what [`find_redactions`] found. Returns the cells changed and the consent
/// records among them.
pub fn apply_redactions(conn: &Connection, found: Redactions) -> Result<(u64, Vec<i64>)> {
    let mut changed = 0u64;
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    for (table, column, id, text) in found.cells {
        let update = format!(
            "UPDATE {} SET {} = ?2 WHERE rowid = ?1",
            q(&table),
            q(&column)
        );
        // A saved query's name is its key: a redacted name another query has already
        // gets a number (`… [gewist] (2)`); rules follow the rename.
        let mut candidate = text.clone();
        let mut n = 1;
        loop {
            match conn.execute(&update, params![id, candidate]) {
                Ok(rows) => {
                    changed += rows as u64;
                    break;
                }
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::ConstraintViolation
                        && table == "saved_queries"
                        && n < 100 =>
                {
                    n += 1;
                    candidate = format!("{text} ({n})");
                }
                Err(e) => {
                    return Err(e).with_context(|| format!("erasing a name from {table}"));
                }
            }
        }
    }
    for (hash, reason, text) in found.suppressions {
        changed += conn
            .execute(
                "UPDATE suppressions SET description = ?3 WHERE hash = ?1 AND reason = ?2",
                params![hash, reason, text],
            )
            .context("erasing a name from the suppression list")? as u64;
    }
    // Its salt goes with the text (the chain's digest stands for the text as it was).
    let mut records = Vec::with_capacity(found.records.len());
    for (id, text) in found.records {
        conn.execute(
            "UPDATE consent_records SET description = ?2 WHERE id = ?1",
            params![id, text],
        )
        .context("erasing a name from another person's consent record")?;
        conn.execute(
            "UPDATE consent_chain SET salt = NULL WHERE record_id = ?1",
            [id],
        )
        .context("erasing the salt of a redacted text")?;
        records.push(id);
        changed += 1;
    }
    Ok((changed, records))
}

/// The rows `select` (rowid, text, person or NULL; bound to `probes`) returns whose
/// text holds one of the finder's values, and whose person `keep` allows, with the
/// text as it is to be: the values replaced.
fn redacted_rows(
    select: &mut rusqlite::Statement<'_>,
    probes: Option<&[String]>,
    finder: &Finder,
    keep: &dyn Fn(Option<i64>) -> bool,
) -> Result<Vec<(i64, String)>> {
    // Texts repeat (a web form's words, an import's label): one known to hold no value
    // is not read again. Bounded, so that a table of distinct texts costs no memory.
    const REMEMBERED: usize = 10_000;
    let mut clean: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut hits = Vec::new();
    let mut rows = select.query(rusqlite::params_from_iter(probes.iter().copied().flatten()))?;
    while let Some(r) = rows.next()? {
        let Some(text) = r.get_ref(1)?.as_str_or_null()? else {
            continue;
        };
        if clean.contains(text) {
            continue;
        }
        match finder.redact(text) {
            // Not in a row the erasure clears (the third column: whose it is).
            Some(_) if !keep(r.get(2)?) => {}
            Some(t) => hits.push((r.get::<_, i64>(0)?, t)),
            None if clean.len() < REMEMBERED => {
                clean.insert(text.to_string());
            }
            None => {}
        }
    }
    Ok(hits)
}

/// Up to this many values, SQLite itself picks the rows that may hold one ([`probes`]);
/// above (a sweep), every row is read once.
const PROBED_VALUES: usize = 64;

/// For a few values: per value its longest word of ASCII letters and digits in lower
/// case (SQLite's `lower` knows ASCII only), a cheap test a row must pass to hold the
/// value. None when there are many values, or one without such a word of 3 or more.
fn probes(values: &[String]) -> Option<Vec<String>> {
    if values.len() > PROBED_VALUES {
        return None;
    }
    values
        .iter()
        .map(|v| {
            v.split(|c: char| !c.is_ascii_alphanumeric())
                .max_by_key(|w| w.len())
                .filter(|w| w.len() >= 3)
                .map(str::to_ascii_lowercase)
        })
        .collect()
}

/// ` AND (instr(EXPR, ?1) > 0 OR …)` for [`probes`]; nothing without them.
fn probe_condition(expr: &str, probes: Option<&[String]>) -> String {
    match probes {
        Some(p) if !p.is_empty() => format!(
            " AND ({})",
            (1..=p.len())
                .map(|i| format!("instr({expr}, ?{i}) > 0"))
                .collect::<Vec<_>>()
                .join(" OR ")
        ),
        _ => String::new(),
    }
}

/// The text columns where someone else's text may name the erased persons: every table
/// but the evidence kept as it is (the ledger, handled apart; its chain; the audit log),
/// keys, settings and the erasure to-dos' subjects; in `persons`, the free texts of
/// an objection or a restriction of another person. Their own rows are erased anyway.
fn shared_text_columns(conn: &Connection) -> Result<Vec<(String, String, Option<String>)>> {
    const SKIP: &[&str] = &[
        "audit_log",
        // Kept for a processor to erase the person too, until the to-do is done.
        "processor_todo_subjects",
        "consent_chain",
        "consent_records",
        "secrets",
        "suppressions",
        "channels",
        "consent_state",
        "settings",
        "persons",
    ];
    let mut stmt = conn.prepare(
        "SELECT m.name, c.name FROM sqlite_schema m JOIN pragma_table_info(m.name) c
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.sql NOT LIKE '%WITHOUT ROWID%'
           AND upper(c.type) = 'TEXT' AND c.pk = 0
         ORDER BY m.name, c.cid",
    )?;
    let cols_all = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // A saved query's name first (its key; rules follow it by ON UPDATE CASCADE).
    // Columns of times, dates, codes and amounts hold no one's name.
    let coded = |c: &str| {
        c.ends_with("_at")
            || c.ends_with("date")
            || matches!(
                c,
                "kind"
                    | "type"
                    | "source"
                    | "outcome"
                    | "change"
                    | "categories"
                    | "amount"
                    | "code"
                    | "opt_in"
                    | "status"
            )
    };
    // A cell the erasure clears (or deletes with its row) for the erased persons: their
    // rows are not redacted there, since the redaction is written after the erasure and
    // would bring a redacted copy back. In every other column their rows are redacted
    // like anyone's.
    let whose = |t: &str, c: &str| {
        CLEARED_BY_ERASURE
            .contains(&(t, c))
            .then(|| "person_id".to_string())
    };
    let mut cols: Vec<(String, String, Option<String>)> =
        vec![("saved_queries".into(), "name".into(), None)];
    cols.extend(
        cols_all
            .into_iter()
            .filter(|(t, c)| !SKIP.contains(&t.as_str()) && !coded(c))
            .map(|(t, c)| {
                let w = whose(&t, &c);
                (t, c, w)
            }),
    );
    for column in ["objection_description", "restriction_reason"] {
        cols.push(("persons".into(), column.into(), Some("id".into())));
    }
    Ok(cols)
}

/// The text cells of tables with a `person_id` that [`erase`] clears or deletes for the
/// erased persons (`requests` by the trigger `requests_erase_text`).
const CLEARED_BY_ERASURE: &[(&str, &str)] = &[
    ("transactions", "description"),
    ("documents", "filename"),
    ("audit_texts", "text"),
    ("person_data_sources", "categories"),
    ("requests", "channel"),
    ("requests", "note"),
    ("requests", "extension_reason"),
    ("requests", "refusal_reason"),
];

/// Finds a person's values in a text and replaces them by `[gewist]`: the text is cut
/// into words (an e-mail address, a phone number and an IBAN stay one word), and every
/// run of up to five words is looked up, case-insensitively, in the set of values. One
/// hash look-up per run, whatever the number of persons erased.
struct Finder<'a> {
    values: &'a TextSets,
}

/// What separates words: anything but letters, digits and the characters inside an
/// address or a number.
fn separates(c: char) -> bool {
    !(c.is_alphanumeric() || matches!(c, '@' | '.' | '-' | '+' | '_' | '\''))
}

impl<'a> Finder<'a> {
    /// The values are normalised already: the finder takes them as they are.
    fn new(values: &'a TextSets) -> Self {
        Finder { values }
    }

    fn redact(&self, text: &str) -> Option<String> {
        // The words with their byte ranges; a word's trailing dot (end of a sentence)
        // is not part of it.
        let mut words: Vec<(usize, usize)> = Vec::new();
        let mut start = None;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            match (start, separates(c)) {
                (None, false) => start = Some(i),
                (Some(s), true) => {
                    // Quotes around a word (SQL, a quotation) and a sentence's full stop
                    // are not part of it.
                    let lead = text[s..i].len() - text[s..i].trim_start_matches('\'').len();
                    let w = text[s + lead..i].trim_end_matches(['.', '\'']);
                    if !w.is_empty() {
                        words.push((s + lead, s + lead + w.len()));
                    }
                    start = None;
                }
                _ => {}
            }
        }
        let mut cuts: Vec<(usize, usize)> = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let (a, b) = words[i];
            // A run that starts with a word no value starts with is no value.
            if !self
                .values
                .may_start(TextSets::word_key(&text[a..b].to_lowercase()))
            {
                i += 1;
                continue;
            }
            let mut matched = None;
            for k in (1..=5.min(words.len() - i)).rev() {
                let run = words[i..i + k]
                    .iter()
                    .map(|(a, b)| &text[*a..*b])
                    .collect::<Vec<_>>()
                    .join(" ");
                if self.values.contains(Set::Redaction, &normalise(&run)) {
                    matched = Some(k);
                    break;
                }
            }
            match matched {
                Some(k) => {
                    cuts.push((words[i].0, words[i + k - 1].1));
                    i += k;
                }
                None => i += 1,
            }
        }
        if cuts.is_empty() {
            return None;
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (a, b) in cuts {
            out.push_str(&text[at..a]);
            out.push_str("[gewist]");
            at = b;
        }
        out.push_str(&text[at..]);
        Some(out)
    }
}

/// How values and runs of words are compared: lower case, single spaces.
/// A name as SQLite's `trim(coalesce(a || ' ', '') || … || coalesce(last, ''))` puts it
/// together in `fields`, built in `buf` (reused from row to row).
fn sql_name<'b>(buf: &'b mut String, leading: &[Option<&str>], last: Option<&str>) -> &'b str {
    buf.clear();
    for part in leading.iter().flatten() {
        buf.push_str(part);
        buf.push(' ');
    }
    buf.push_str(last.unwrap_or_default());
    buf.trim_matches(' ')
}

/// A value as SQLite's `||` reads it: text as it is, a number as its text.
fn sql_text(v: rusqlite::types::ValueRef<'_>) -> Result<Option<std::borrow::Cow<'_, str>>> {
    use rusqlite::types::ValueRef;
    use std::borrow::Cow;
    Ok(match v {
        ValueRef::Null => None,
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t)),
        ValueRef::Integer(i) => Some(Cow::Owned(i.to_string())),
        ValueRef::Real(f) => Some(Cow::Owned(f.to_string())),
    })
}

/// [`normalise`] into `buf` (reused from row to row); false, and `buf` left as it is,
/// for a text shorter than the values looked for.
fn normalise_into(buf: &mut String, s: &str) -> bool {
    let s = s.trim();
    if s.chars().count() < MIN_SCANNED {
        return false;
    }
    buf.clear();
    for (n, w) in s.split_whitespace().enumerate() {
        if n > 0 {
            buf.push(' ');
        }
        if w.is_ascii() {
            let from = buf.len();
            buf.push_str(w);
            buf[from..].make_ascii_lowercase();
        } else {
            buf.push_str(&w.to_lowercase());
        }
    }
    true
}

fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// For the sweep: documents of anonymised persons whose legal hold ended before `today`
/// are deleted now, and the hold date of those persons follows what is still held.
/// Returns the documents deleted.
pub fn release_expired_holds(conn: &Connection, today: &str) -> Result<u64> {
    let n = conn
        .execute(
            "DELETE FROM documents WHERE id IN (
                 SELECT h.document_id FROM document_holds h JOIN persons p ON p.id = h.person_id
                 WHERE p.anonymised_at IS NOT NULL AND h.held_until <= ?1)",
            [today],
        )
        .context("deleting documents whose retention ended")?;
    // The hold of each erased person follows what is still held (a document's date or
    // its kind's period may have been corrected since).
    conn.execute(
        "UPDATE persons SET
             legal_hold_until = (SELECT max(h.held_until) FROM document_holds h
                                 WHERE h.person_id = persons.id AND h.held_until > ?1),
             restricted_at = CASE WHEN EXISTS (SELECT 1 FROM document_holds h
                                 WHERE h.person_id = persons.id AND h.held_until > ?1)
                             THEN restricted_at END,
             restriction_reason = CASE WHEN EXISTS (SELECT 1 FROM document_holds h
                                 WHERE h.person_id = persons.id AND h.held_until > ?1)
                             THEN restriction_reason END
         WHERE anonymised_at IS NOT NULL AND legal_hold_until IS NOT NULL",
        [today],
    )
    .context("ending legal holds")?;
    Ok(n as u64)
}

/// ANALYZE (ours or an operator's) keeps sample keys of indexes in `sqlite_stat4`: for
/// the e-mail index of persons those samples are e-mail addresses. They are dropped,
/// so that no erased address survives there; the planner keeps `sqlite_stat1`.
pub fn purge_index_samples(conn: &Connection) -> Result<()> {
    let has_stat4: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_schema WHERE name = 'sqlite_stat4'",
        [],
        |r| r.get(0),
    )?;
    if has_stat4 {
        conn.execute("DELETE FROM sqlite_stat4 WHERE tbl = 'persons'", [])
            .context("dropping index samples of persons")?;
    }
    Ok(())
}

/// After the commit: copy the WAL into the database file and truncate it to zero bytes,
/// so that the erased values are not left in the -wal file. Returns false when another
/// connection kept the checkpoint from finishing.
pub fn checkpoint(conn: &Connection) -> Result<bool> {
    // A reader keeps the log from being truncated: wait for it a few seconds, not the
    // minute a writer waits for another writer (the erasure is committed already).
    conn.busy_timeout(CHECKPOINT_WAIT)?;
    let result = conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .context("checkpointing the WAL");
    conn.busy_timeout(super::open::BUSY_TIMEOUT)?;
    let (busy, log, done) = result?;
    Ok(busy == 0 && log == done)
}

/// How long the checkpoint after an erasure waits for a reader to end.
const CHECKPOINT_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

#[cfg(test)]
mod tests {
    use super::proof::{Hits, Matcher, count_in, count_in_files};
    use super::{Candidate, ErasedValue, ErasedValues, Listing, scan_files};

    fn candidate(id: i64, name: &str, email: Option<&str>, kind: &'static str) -> Candidate {
        Candidate {
            person_id: id,
            name: name.to_string(),
            email: email.map(str::to_string),
            last_activity: format!("2020-01-{id:02}T00:00:00Z"),
            last_activity_kind: kind,
        }
    }

    /// The listing gives back each person as read: with and without an address, an
    /// empty name or address, and without names at all for a real run.
    #[test]
    fn the_listing_gives_back_every_person_as_read() {
        let people = [
            candidate(1, "Jan de Vries", Some("jan@example.nl"), "created"),
            candidate(2, "Émile Zoë", None, "transaction"),
            candidate(3, "", Some(""), "own_consent_record"),
            candidate(4, "", None, "created"),
            candidate(5, "Piet", Some("p@example.nl"), "transaction"),
        ];
        for identify in [true, false] {
            let mut listing = Listing::default();
            for c in &people {
                listing.push(c.clone(), identify);
            }
            assert_eq!(listing.len(), people.len());
            for (i, c) in people.iter().enumerate() {
                let got = listing.get(i);
                assert_eq!(
                    (
                        got.person_id,
                        got.last_activity.as_str(),
                        got.last_activity_kind
                    ),
                    (c.person_id, c.last_activity.as_str(), c.last_activity_kind)
                );
                if identify {
                    assert_eq!(
                        (got.name.as_str(), got.email.as_deref()),
                        (c.name.as_str(), c.email.as_deref())
                    );
                } else {
                    assert_eq!((got.name.as_str(), got.email), ("", None));
                }
            }
        }
    }
    use rusqlite::Connection;

    /// A person to erase whose full name another person holds as first and last name,
    /// and whose street and number a housemate has: texts keep those, and lose the
    /// number only the erased person had. For one person (SQLite picks the rows) and
    /// for a sweep of many (every row read).
    #[test]
    fn values_a_person_who_stays_holds_too_are_kept_in_texts() {
        for others_erased in [0, 40] {
            let mut conn = Connection::open_in_memory().unwrap();
            crate::db::migrate::migrate(&mut conn).unwrap();
            crate::db::defaults::ensure(&conn).unwrap();
            conn.execute_batch(
                "INSERT INTO persons (id, created_at, first_name, infix, last_name, street, house_number, mobile, email, bsn)
                 VALUES (1, '2020-01-01T00:00:00Z', 'Mirjam', NULL, 'Peters', ' Schoolstraat', '182 ', '0612349876', 'Mirjam@Example.nl', '123456782'),
                        (2, '2020-01-01T00:00:00Z', 'Mirjam', 'van', 'Peters', 'Schoolstraat ', ' 182', NULL, ' mirjam@example.nl', 123456782),
                        (3, '2020-01-01T00:00:00Z', 'Kees', NULL, 'Bakker', NULL, NULL, NULL, NULL, NULL);
                 INSERT INTO contact_moments (name, sent_at, channel) VALUES
                     ('Brief aan Mirjam Peters, Schoolstraat 182, tel 0612349876', '2026-01-01T00:00:00Z', 'brief');
                 CREATE TEMP TABLE anonymise_ids (id INTEGER PRIMARY KEY);
                 INSERT INTO temp.anonymise_ids VALUES (1);",
            )
            .unwrap();
            for i in 0..others_erased {
                conn.execute(
                    "INSERT INTO persons (id, created_at, first_name, last_name, mobile) VALUES (?1, '2020-01-01T00:00:00Z', 'Naam', ?2, ?3)",
                    rusqlite::params![100 + i, format!("Achternaam{i}"), format!("06{:08}", 7000 + i)],
                )
                .unwrap();
                conn.execute("INSERT INTO temp.anonymise_ids VALUES (?1)", [100 + i])
                    .unwrap();
            }
            // The proof looks for what only the erased person held: not the address or
            // the BSN the housemate has too (the address in another case, the number
            // stored as a number).
            let survey = super::survey(&conn).unwrap();
            let values: Vec<String> = survey.values.iter().map(|v| v.text).collect();
            assert!(values.contains(&"0612349876".to_string()), "{values:?}");
            assert!(values.contains(&"Mirjam Peters".to_string()), "{values:?}");
            assert!(
                !values.iter().any(|v| v.to_lowercase().contains("mirjam@")),
                "{values:?}"
            );
            assert!(!values.contains(&"123456782".to_string()), "{values:?}");
            let (changed, _) = super::apply_redactions(&conn, survey.redactions).unwrap();
            assert_eq!(changed, 1);
            let name: String = conn
                .query_row("SELECT name FROM contact_moments", [], |r| r.get(0))
                .unwrap();
            assert_eq!(
                name, "Brief aan Mirjam Peters, Schoolstraat 182, tel [gewist]",
                "{others_erased} others erased"
            );
        }
    }

    /// Erased values of persons, none allowed anywhere.
    fn erased(texts: &[&str]) -> ErasedValues {
        texts
            .iter()
            .map(|t| ErasedValue {
                text: t.to_string(),
                table: "persons",
                allowed: 0,
                live: None,
            })
            .collect()
    }

    fn found(file: &[u8], value: &str) -> bool {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("crm.sqlite");
        std::fs::write(&db, file).unwrap();
        !scan_files(&db, &erased(&[value]), None).unwrap().clean()
    }

    /// The two halves together count what one pass over the file counts, wherever a
    /// value lies: across the middle, at either end, a number right after a digit.
    #[test]
    fn the_halves_count_as_one_pass() {
        let values = erased(&["209733020", "jan@example.nl", "Jan de Vries"]);
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("crm.sqlite");
        for len in [0usize, 1, 9, 20, 41] {
            for at in 0..=len {
                for v in ["209733020", "1209733020", "jan@example.nl", "Jan de Vries"] {
                    let mut file = vec![b'.'; len];
                    file.splice(at..at, v.bytes());
                    std::fs::write(&db, &file).unwrap();
                    let (a, b) = count_in_files(&db, &values).unwrap();
                    let (a, b) = (a.to_vec(values.len()), b.to_vec(values.len()));
                    let both: Vec<u64> = a.iter().zip(&b).map(|(a, b)| a + b).collect();
                    let one = count_in(vec![file.as_slice()], &values)
                        .unwrap()
                        .to_vec(values.len());
                    assert_eq!(both, one, "{v} at {at} of {len}");
                    // A number inside a longer one counts too (see live_occurrences).
                    assert_eq!(one.iter().sum::<u64>(), 1);
                }
            }
        }
    }

    /// Read in chunks of a few bytes, with a range to count in: every match starting in
    /// the range is counted once, also where it crosses a chunk's end.
    #[test]
    fn chunks_and_ranges_count_each_match_once() {
        let values = erased(&["209733020", "Jan de Vries"]);
        let text: &[u8] = b"xx209733020.Jan de Vries..1209733020Jan de Vries209733020Jan de Vries.";
        let starts: Vec<(usize, usize)> = (0..text.len())
            .flat_map(|i| {
                values.iter().enumerate().filter_map(move |(c, v)| {
                    let p = v.text.as_bytes();
                    (text.len() >= i + p.len() && &text[i..i + p.len()] == p).then_some((i, c))
                })
            })
            .collect();
        for chunk in [1, 2, 5, 13, 64] {
            for lead in 0..text.len() as u64 {
                for limit in [lead, lead + 7, text.len() as u64, u64::MAX] {
                    let mut m = Matcher::new(&values);
                    m.chunk = chunk;
                    let mut hits = Hits::default();
                    m.count(text, lead, limit, &mut hits).unwrap();
                    let hits = hits.to_vec(values.len());
                    let mut want = vec![0u64; values.len()];
                    for &(i, c) in &starts {
                        if (i as u64) >= lead && (i as u64) < limit {
                            want[c] += 1;
                        }
                    }
                    assert_eq!(hits, want, "chunk {chunk}, range {lead}..{limit}");
                }
            }
        }
    }

    #[test]
    fn a_value_is_found_anywhere_and_a_live_row_that_spells_it_is_allowed() {
        // A BSN in a text, where a field of letters ends, or inside other digits: the
        // bytes alone cannot tell a coincidence from a copy.
        assert!(found(b"Schenker: Koen\nBSN: 209733020\n", "209733020"));
        assert!(found(b"RABO209733020", "209733020"));
        assert!(found(b"NL08RABO02097330201994-01-15", "209733020"));
        assert!(found(b"xxJan de Vries", "Jan de Vries"));
        // In a database: a live person's IBAN and birth date, stored one after the
        // other, spell the BSN of the person erased: the survey counts it, allowed. The
        // same digits in a mailing's name are not explained by any person's row: found.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crm.sqlite");
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        crate::db::migrate::migrate(&mut conn).unwrap();
        crate::db::defaults::ensure(&conn).unwrap();
        conn.execute_batch(
            "INSERT INTO persons (id, created_at, iban, birth_date, street, house_number)
                 VALUES (1, '2020-01-01T00:00:00Z', 'NL08RABO0209733020', '1994-01-15', 'Jan de Vrieslaan', '3');
             INSERT INTO persons (id, created_at, first_name, infix, last_name, bsn)
                 VALUES (2, '2020-01-01T00:00:00Z', 'Jan', 'de', 'Vries', '209733020');",
        )
        .unwrap();
        super::select_person(&conn, 2).unwrap();
        let survey = super::survey_beside(&conn, &path)
            .unwrap()
            .finish()
            .unwrap();
        let value = |text: &str| {
            survey
                .values
                .iter()
                .find(|v| v.text == text)
                .unwrap_or_else(|| panic!("{text} in {:?}", survey.values))
                .clone()
        };
        let (bsn, name) = (value("209733020"), value("Jan de Vries"));
        assert_eq!(
            (bsn.live, name.live),
            (Some(1), None),
            "numbers only are counted"
        );
        conn.execute_batch(
            "UPDATE persons SET first_name = NULL, infix = NULL, last_name = NULL, bsn = NULL,
                 anonymised_at = '2026-01-01T00:00:00Z' WHERE id = 2;
             PRAGMA wal_checkpoint(TRUNCATE);",
        )
        .unwrap();
        let values: ErasedValues = [bsn.clone(), name.clone()].into_iter().collect();
        let one = |v: &ErasedValue| -> ErasedValues { std::iter::once(v.clone()).collect() };
        // The bytes alone: both found (in the live person's IBAN, and street).
        let unexplained = ErasedValue {
            live: Some(0),
            ..bsn.clone()
        };
        assert!(!scan_files(&path, &one(&unexplained), None).unwrap().clean());
        assert!(!scan_files(&path, &one(&name), None).unwrap().clean());
        // The number by the survey's count, the name by reading every row again.
        assert!(scan_files(&path, &values, None).unwrap().found == vec![("persons".into(), 1)]);
        assert!(scan_files(&path, &values, Some(&conn)).unwrap().clean());
        conn.execute_batch(
            "INSERT INTO contact_moments (name, sent_at, channel) VALUES ('lijst 3209733020', '2026-01-01T00:00:00Z', 'brief');
             PRAGMA wal_checkpoint(TRUNCATE);",
        )
        .unwrap();
        assert!(!scan_files(&path, &values, Some(&conn)).unwrap().clean());
        // Allowed occurrences (kept for a processor) are not a finding; one more is.
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("crm.sqlite");
        std::fs::write(&db, b"jan@example.nl .. jan@example.nl").unwrap();
        let v = |allowed| ErasedValue {
            text: "jan@example.nl".into(),
            table: "persons",
            allowed,
            live: None,
        };
        assert!(scan_files(&db, &one(&v(2)), None).unwrap().clean());
        assert!(!scan_files(&db, &one(&v(1)), None).unwrap().clean());
    }
}
