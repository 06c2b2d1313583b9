//! Importing persons. One identity per address: a row without `id` updates the person
//! (not anonymised) who holds its e-mail address, trimmed and case-insensitive, and is
//! inserted only when nobody does (`--match none`: always inserted). A row with `id`
//! updates that person. In an update a blank cell leaves the field as it is: a
//! spreadsheet that has no `deceased` value does not bring a deceased person back.
//!
//! Every bad field of a row is reported, not only the first. A malformed e-mail address
//! is not a bad row: the person is stored and not mailable, and the row is reported as
//! a warning. So is an address on the suppression list.
use super::{CsvRow, CsvTable, RowError, RowLog};
use crate::db::{persons, sources, suppression};
use crate::rules::{time, validate};
use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

/// The columns a persons file may have.
pub fn columns() -> Vec<&'static str> {
    let mut c = vec!["id"];
    c.extend_from_slice(persons::TEXT_FIELDS);
    c.extend_from_slice(persons::FLAG_FIELDS);
    c.push("created_at");
    c
}

/// How rows without `id` find their person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// By e-mail address: the same address is the same person.
    Email,
    /// Never: every such row is a new person.
    None,
}

/// What a persons import did (or would do).
#[derive(Debug)]
pub struct PersonsImported {
    pub inserted: u64,
    pub updated: u64,
    /// Rows that matched a person and changed nothing.
    pub unchanged: u64,
    pub errors: RowLog,
    /// Rows stored with something to say (`line N: email: …`).
    pub warnings: RowLog,
    /// Persons marked deceased whose address went on the suppression list.
    pub suppressed: u64,
    /// Rows skipped because their address is on the suppression list as `erased`.
    pub skipped_erased: u64,
}

/// The suppression reason of an anonymised person's address.
const ERASED: &str = "erased";
/// The code of a warning about an address on the suppression list.
pub const ON_SUPPRESSION_LIST: &str = "on_suppression_list";

/// A row checked against the file, before it is written.
struct Checked {
    id: Option<i64>,
    fields: Vec<(&'static str, Value)>,
    email: Option<String>,
    deceased: bool,
    /// Field warnings with their codes.
    warnings: Vec<(String, &'static str)>,
}

fn check_row(
    row: &CsvRow,
    file_columns: &[&'static str],
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Checked, String> {
    let country = row.get("country");
    let mut problems = Vec::new();
    let mut out = Checked {
        id: None,
        fields: Vec::new(),
        email: None,
        deceased: false,
        warnings: Vec::new(),
    };
    for &col in file_columns {
        let Some(raw) = row.get(col) else {
            continue; // blank: left as it is (an update) or empty (a new person)
        };
        match col {
            "id" => match raw.parse::<i64>() {
                Ok(id) if id > 0 => out.id = Some(id),
                _ => problems.push(format!("id: '{raw}' is not a person id")),
            },
            "created_at" => match time::parse_time(raw) {
                Ok(t) if t > now + chrono::Duration::days(1) => problems.push(format!(
                    "created_at: {} is in the future",
                    time::format_time(t)
                )),
                Ok(t) => out.fields.push((col, Value::Text(time::format_time(t)))),
                Err(e) => problems.push(format!("created_at: {e}")),
            },
            _ => match validate::person_field(col, raw, country, today) {
                Ok(checked) => {
                    if let Some(w) = checked.warning {
                        let code = if col == "email" {
                            "invalid_email"
                        } else {
                            "field"
                        };
                        out.warnings.push((format!("{col}: {w}"), code));
                    }
                    let value = match checked.value {
                        validate::FieldValue::Text(t) => {
                            if col == "email" {
                                out.email = Some(t.clone());
                            }
                            Value::Text(t)
                        }
                        validate::FieldValue::Flag(b) => {
                            if col == "deceased" {
                                out.deceased = b;
                            }
                            Value::Integer(i64::from(b))
                        }
                    };
                    out.fields.push((col, value));
                }
                Err(e) => problems.push(format!("{col}: {e}")),
            },
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems.join("; "))
    }
}

/// Import every row of `table` into `conn` (the caller's transaction). A row whose
/// address is on the suppression list as `erased` is skipped (counted, with a warning)
/// unless `allow_erased`, or its person holds the address already. Without
/// `set_aside`, nothing is written once a bad row is seen (the caller rolls back) but
/// checking goes on, so that every bad row is reported.
pub fn import(
    conn: &Connection,
    table: &mut CsvTable,
    matching: Match,
    now: DateTime<Utc>,
    set_aside: bool,
    allow_erased: bool,
) -> Result<PersonsImported> {
    let now_text = time::format_time(now);
    // A birth date may be today on the organisation's clock, not later.
    let today = crate::db::settings::day_of(conn, now)?;
    let secret = suppression::secret(conn)?;
    let mut out = PersonsImported {
        inserted: 0,
        updated: 0,
        unchanged: 0,
        errors: RowLog::rejected(conn)?,
        warnings: RowLog::warnings(conn)?,
        suppressed: 0,
        skipped_erased: 0,
    };
    let all = columns();
    let mut file_columns: Option<Vec<&'static str>> = None;
    let mut seen = SeenAddresses::new(conn)?;
    let mut exists = conn.prepare("SELECT anonymised_at IS NOT NULL FROM persons WHERE id = ?1")?;
    // The file as the source of what it brings: made at the first row written.
    let label = super::source_label(&table.name);
    let mut source: Option<i64> = None;
    while let Some(row) = table.next_row()? {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                out.errors.push(conn, e)?;
                continue;
            }
        };
        let cols = file_columns
            .get_or_insert_with(|| all.iter().copied().filter(|c| row.has(c)).collect());
        let checked = match check_row(&row, cols, now, today) {
            Ok(c) => c,
            Err(reason) => {
                out.errors.push(conn, RowError::new(&row, reason))?;
                continue;
            }
        };
        // Which person the row is about.
        let holders = match &checked.email {
            Some(email) => persons::holders_with_first_names(conn, email)?,
            None => Vec::new(),
        };
        let first_name = checked.fields.iter().find_map(|(c, v)| match (c, v) {
            (&"first_name", Value::Text(t)) => Some(t.as_str()),
            _ => None,
        });
        let target = match (checked.id, matching, &checked.email) {
            (Some(id), _, _) => match exists.query_row([id], |r| r.get::<_, bool>(0)) {
                Ok(false) => Some(id),
                Ok(true) => {
                    out.errors.push(
                        conn,
                        RowError::new(&row, format!("id: person {id} is anonymised")),
                    )?;
                    continue;
                }
                Err(rusqlite::Error::QueryReturnedNoRows) => {
                    out.errors.push(
                        conn,
                        RowError::new(&row, format!("id: no person with id {id}")),
                    )?;
                    continue;
                }
                Err(e) => return Err(e.into()),
            },
            (None, Match::Email, Some(_)) => match pick(&holders, first_name) {
                ByAddress::New => None,
                ByAddress::Person(id) => Some(id),
                ByAddress::Ambiguous(why) => {
                    out.errors
                        .push(conn, RowError::new(&row, format!("email: {why}")))?;
                    continue;
                }
            },
            (None, _, _) => None,
        };
        let holds_it = target.is_some_and(|id| holders.iter().any(|(h, _)| *h == id));
        // The address's entries on the suppression list (keyed hash, one indexed look-up).
        let reasons: Vec<String> = match &checked.email {
            Some(email) => suppression::of(conn, &suppression::address_hash(&secret, email))?
                .into_iter()
                .map(|s| s.reason)
                .collect(),
            None => Vec::new(),
        };
        // An anonymised person does not come back with the next import of an old
        // spreadsheet: an erased address is not brought into the database again, unless
        // the operator decides so (the person came back and asked).
        if reasons.iter().any(|r| r == ERASED) && !holds_it && !allow_erased {
            out.skipped_erased += 1;
            out.warnings.push(
                conn,
                RowError::new(
                    &row,
                    "email: skipped: the address is on the suppression list as erased (a person who was anonymised); --allow-erased imports it when the person asked to come back",
                )
                .with_code(ON_SUPPRESSION_LIST),
            )?;
            continue;
        }
        // One person once per file (rows with an id excepted): a person of the database
        // or one the file added by id, a new one by address and first name. In a
        // temporary table, so that a file of millions of persons is read in bounded
        // memory.
        if let (None, Match::Email, Some(email)) = (checked.id, matching, &checked.email) {
            let key = match target {
                Some(id) => format!("p:{id}"),
                None => new_person_key(email),
            };
            if let Some(first) = seen.first_line(conn, &key, row.line)? {
                out.errors.push(conn, RowError::new(
                    &row,
                    format!(
                        "email: the same address as line {first}: one row per person (give an id to update a person twice; --match none adds a family member)"
                    ),
                ))?;
                continue;
            }
        }
        let mut warnings: Vec<(String, Option<&str>)> = checked
            .warnings
            .into_iter()
            .map(|(w, code)| (w, Some(code)))
            .collect();
        // Matched by address, with another first name: updated as the contract says,
        // but said (a family member would need --match none).
        if let (None, Some(id), Some(name)) = (checked.id, target, first_name)
            && holders.iter().any(|(h, n)| {
                *h == id
                    && n.as_deref()
                        .is_some_and(|n| !n.trim().is_empty() && name_key(n) != name_key(name))
            })
        {
            warnings.push((
                format!(
                    "first_name: person {id} holds this address and is updated, first name included; if this is another member of the family, import the row with --match none"
                ),
                Some("first_name_changed"),
            ));
        }
        // An address another person already holds, new to this one: allowed (a family
        // shares one), but said: the address is mailed once, and an opt-out or bounce of
        // either holder keeps it out; it may also be one person entered twice.
        if checked.email.is_some() {
            let others: Vec<String> = holders
                .iter()
                .map(|(h, _)| *h)
                .filter(|h| Some(*h) != target)
                .map(|h| h.to_string())
                .collect();
            if !others.is_empty() && !holds_it {
                warnings.push((format!(
                    "email: the address is also held by person {}: it is mailed once, and an opt-out or bounce of either keeps it out (see person duplicates)",
                    others.join(", ")
                ), Some("shared_address")));
            }
        }
        if !reasons.is_empty() {
            let allowed = if reasons.iter().any(|r| r == ERASED) && !holds_it {
                "imported by --allow-erased: "
            } else {
                ""
            };
            warnings.push((format!(
                "email: {allowed}the address is on the suppression list ({}): stored, but not mailed until the person opts in again themselves",
                reasons.join(", ")
            ), Some(ON_SUPPRESSION_LIST)));
        }
        if !out.errors.is_empty() && !set_aside {
            continue; // nothing will be written: only keep checking
        }
        // A deceased person is not brought back to life by a spreadsheet whose column
        // says "nee" by default: only `person edit --deceased no` does that.
        let mut fields = checked.fields;
        if let Some(id) = target
            && fields
                .iter()
                .any(|(c, v)| *c == "deceased" && *v == Value::Integer(0))
            && persons::load(conn, id)?.deceased
        {
            fields.retain(|(c, _)| *c != "deceased");
            warnings.push((
                format!(
                    "deceased: person {id} is recorded as deceased; an import does not undo that (`smp-avg person edit {id} --deceased no` does)"
                ),
                Some("deceased_kept"),
            ));
        }
        // Where these categories of data came from: this file (Issue 15).
        let categories =
            sources::categories_of_fields(&fields.iter().map(|(c, _)| *c).collect::<Vec<_>>());
        let (id, written) = match target {
            None => {
                let mut fields = fields;
                if !fields.iter().any(|(c, _)| *c == "created_at") {
                    fields.push(("created_at", Value::Text(now_text.clone())));
                }
                let id = persons::insert_fields(conn, &fields)?;
                seen.first_line(conn, &format!("p:{id}"), row.line)?;
                out.inserted += 1;
                (id, true)
            }
            Some(id) => {
                let changed = persons::update_fields(conn, id, &fields)?;
                if changed {
                    out.updated += 1;
                } else {
                    out.unchanged += 1;
                }
                (id, changed)
            }
        };
        if written {
            let source = match source {
                Some(s) => s,
                None => *source.insert(sources::new_source(
                    conn,
                    sources::Kind::Import,
                    label.as_deref(),
                    &now_text,
                )?),
            };
            sources::add(conn, source, id, &categories)?;
        }
        if checked.deceased
            && suppression::add_person(conn, id, "deceased", &now_text, "import persons")?
        {
            out.suppressed += 1;
        }
        for (w, code) in warnings {
            let mut e = RowError::new(&row, w);
            e.code = code.map(str::to_string);
            out.warnings.push(conn, e)?;
        }
    }
    Ok(out)
}

/// The persons of an import's rows so far (`p:ID` for a person of the database, or one
/// the file added; `a:ADDRESS` with the first name for a new one), with the line each
/// was first given on.
struct SeenAddresses;

impl SeenAddresses {
    fn new(conn: &Connection) -> Result<Self> {
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS import_addresses (
                 address TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;
             DELETE FROM temp.import_addresses;",
        )?;
        Ok(SeenAddresses)
    }

    /// The line the address was first given on; None (and noted as given on `line`)
    /// the first time.
    fn first_line(&mut self, conn: &Connection, address: &str, line: u64) -> Result<Option<u64>> {
        let first: Option<i64> = conn
            .prepare_cached("SELECT line FROM temp.import_addresses WHERE address = ?1")?
            .query_row([address], |r| r.get(0))
            .optional()?;
        if first.is_none() {
            conn.prepare_cached(
                "INSERT INTO temp.import_addresses (address, line) VALUES (?1, ?2)",
            )?
            .execute(rusqlite::params![address, line as i64])?;
        }
        Ok(first.map(|l| l as u64))
    }
}

/// What an address (and a first name) say about the person of a row without id.
#[derive(Debug, PartialEq, Eq)]
enum ByAddress {
    /// Nobody: a new person.
    New,
    Person(i64),
    /// Reported, not guessed.
    Ambiguous(String),
}

/// A first name as compared: trimmed, case-insensitive.
fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The key of a new person in [`SeenAddresses`]: the address (two new persons with one
/// address in one file are a bad row, as the contract says).
fn new_person_key(email: &str) -> String {
    format!("a:{}", suppression::normalise(email))
}

/// The person a row's address belongs to, among its holders (id, first name). One
/// holder: that person, whatever the first name says (the contract: a row without an
/// id matches by address and updates the given columns; a changed first name is said
/// in a warning). Several holders (a family entered by id or by hand): the first name
/// picks the one; none of them with it: a new family member. Several with the same
/// first name, or several and no name to tell them apart: ambiguous, reported.
fn pick(holders: &[(i64, Option<String>)], first_name: Option<&str>) -> ByAddress {
    let ids = |hs: &[&(i64, Option<String>)]| {
        hs.iter()
            .map(|(id, _)| id.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let all: Vec<&(i64, Option<String>)> = holders.iter().collect();
    if let [(id, _)] = holders {
        return ByAddress::Person(*id);
    }
    let Some(name) = first_name.map(name_key).filter(|n| !n.is_empty()) else {
        return match holders {
            [] => ByAddress::New,
            [(id, _)] => ByAddress::Person(*id),
            many => ByAddress::Ambiguous(format!(
                "the address is held by {} persons (ids {}) and the row has no first name to tell them apart: give the id, or merge them (person merge)",
                many.len(),
                ids(&all)
            )),
        };
    };
    let blank = |n: &Option<String>| n.as_deref().is_none_or(|n| n.trim().is_empty());
    let same: Vec<&(i64, Option<String>)> = holders
        .iter()
        .filter(|(_, n)| n.as_deref().is_some_and(|n| name_key(n) == name))
        .collect();
    let unnamed: Vec<&(i64, Option<String>)> = holders.iter().filter(|(_, n)| blank(n)).collect();
    match (same.as_slice(), unnamed.as_slice()) {
        ([(id, _)], _) => ByAddress::Person(*id),
        ([_, _, ..], _) => ByAddress::Ambiguous(format!(
            "the address is held by {} persons with this first name (ids {}): give the id, or merge them (person merge)",
            same.len(),
            ids(&same)
        )),
        ([], []) => ByAddress::New,
        ([], _) => ByAddress::Ambiguous(format!(
            "the address is held by {} persons (ids {}), none with this first name and {} without one: give the id",
            holders.len(),
            ids(&all),
            unnamed.len()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::{ByAddress, pick};

    fn h(list: &[(i64, Option<&str>)]) -> Vec<(i64, Option<String>)> {
        list.iter()
            .map(|(i, n)| (*i, n.map(String::from)))
            .collect()
    }

    #[test]
    fn the_first_name_picks_the_family_member() {
        let fam = h(&[(1, Some("Jan")), (2, Some("Marie"))]);
        assert_eq!(pick(&fam, Some(" marie ")), ByAddress::Person(2));
        assert_eq!(pick(&fam, Some("JAN")), ByAddress::Person(1));
        // Someone else of the family: a new person.
        assert_eq!(pick(&fam, Some("Piet")), ByAddress::New);
        // No name to tell them apart: reported, not guessed.
        assert!(matches!(pick(&fam, None), ByAddress::Ambiguous(_)));
    }

    #[test]
    fn one_holder_is_the_person_whatever_the_first_name() {
        assert_eq!(pick(&h(&[(5, Some("Jan"))]), None), ByAddress::Person(5));
        assert_eq!(pick(&h(&[(5, None)]), Some("Jan")), ByAddress::Person(5));
        assert_eq!(
            pick(&h(&[(5, Some("Jan"))]), Some("Marie")),
            ByAddress::Person(5)
        );
        assert_eq!(pick(&[], Some("Marie")), ByAddress::New);
    }

    #[test]
    fn the_same_first_name_twice_or_an_unnamed_holder_among_several_is_ambiguous() {
        let twins = h(&[(1, Some("Jan")), (2, Some("jan"))]);
        assert!(matches!(pick(&twins, Some("Jan")), ByAddress::Ambiguous(m) if m.contains("1, 2")));
        let some_unnamed = h(&[(1, Some("Jan")), (2, None)]);
        assert!(matches!(
            pick(&some_unnamed, Some("Marie")),
            ByAddress::Ambiguous(_)
        ));
        assert_eq!(pick(&some_unnamed, Some("Jan")), ByAddress::Person(1));
    }
}
