//! The consent ledger (§1.1): reading the current state and the history of a person,
//! and appending records. Records are never updated; the database refuses it.
use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// Who made a record: the person themselves (a web form, or their own words taken down
/// by hand), an operator, an import file, or an automatic rule. A rule's soft opt-in
/// never outranks a record of the person's own (any source but `rule`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Person,
    Operator,
    Import,
    Rule,
}

impl Source {
    /// The code stored in `consent_records.source`.
    pub fn code(self) -> &'static str {
        match self {
            Source::Person => "person",
            Source::Operator => "operator",
            Source::Import => "import",
            Source::Rule => "rule",
        }
    }

    /// A source typed in a file or flag; `rule` only rules may use.
    pub fn parse_given(s: &str) -> Option<Source> {
        match s.trim().to_lowercase().as_str() {
            "person" | "persoon" => Some(Source::Person),
            "operator" | "medewerker" => Some(Source::Operator),
            "import" => Some(Source::Import),
            _ => None,
        }
    }
}

/// Whether the person acts on this channel themselves (a web form): from the channel
/// vocabulary.
pub fn person_given_channel(conn: &Connection, channel: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT person_given FROM channels WHERE code = ?1")?
        .query_row([channel], |r| r.get::<_, bool>(0))
        .optional()
        .context("reading the channel vocabulary")?
        .unwrap_or(false))
}

/// The source of a record entered by hand: as given, else the person's own on a channel
/// where the person acts themselves (a web form) when the description holds their
/// words or the form's reference, else the operator's. A note in --description alone
/// does not make it the person's; `--source person` needs the description too
/// ([`check_hand_source`]). The person's own is what lifts a suppression or a lasting
/// objection: it needs evidence.
pub fn hand_source(
    conn: &Connection,
    channel: &str,
    given: Option<Source>,
    description: Option<&str>,
) -> Result<Source> {
    if let Some(s) = given {
        return Ok(s);
    }
    let words = description.is_some_and(|d| !d.trim().is_empty());
    Ok(if words && person_given_channel(conn, channel)? {
        Source::Person
    } else {
        Source::Operator
    })
}

/// A record typed by hand as the person's own (`--source person`) carries their words:
/// it is new consent, and it lifts a suppression.
pub fn check_hand_source(given: Option<Source>, description: Option<&str>) -> Result<(), String> {
    if given == Some(Source::Person) && description.is_none_or(|d| d.trim().is_empty()) {
        return Err(
            "--source person needs the person's own words in --description (what they said or wrote)".into(),
        );
    }
    Ok(())
}

/// A channel an operator or a file may use: not empty, and not the channel reserved for
/// rules.
pub fn check_given_channel(channel: &str) -> Result<(), String> {
    if channel.trim().is_empty() {
        return Err("must not be empty".into());
    }
    if channel
        .trim()
        .eq_ignore_ascii_case(super::types::RULE_CHANNEL)
    {
        return Err(format!(
            "'{}' is reserved for the records automatic rules make",
            super::types::RULE_CHANNEL
        ));
    }
    Ok(())
}

/// The current state of one person for one type (the newest record).
#[derive(Debug, Clone, Serialize)]
pub struct Preference {
    #[serde(rename = "type")]
    pub kind: String,
    pub opt_in: bool,
    pub recorded_at: String,
    pub channel: String,
    pub description: Option<String>,
    pub source: String,
}

/// One record of the ledger.
#[derive(Debug, Clone, Serialize)]
pub struct ConsentRecord {
    pub id: i64,
    pub recorded_at: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub opt_in: bool,
    pub channel: String,
    pub description: Option<String>,
    pub contact_moment: Option<i64>,
    /// The name of the mailing it came from, if any.
    pub contact_moment_name: Option<String>,
    pub source: String,
}

/// Current preferences of a person, by type code.
pub fn current(conn: &Connection, person_id: i64) -> Result<Vec<Preference>> {
    let mut stmt = conn.prepare(
        "SELECT type, opt_in, recorded_at, channel, description, source FROM consent_current
         WHERE person_id = ?1 ORDER BY type",
    )?;
    let rows = stmt
        .query_map([person_id], |r| {
            Ok(Preference {
                kind: r.get(0)?,
                opt_in: r.get(1)?,
                recorded_at: r.get(2)?,
                channel: r.get(3)?,
                description: r.get(4)?,
                source: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading current preferences")?;
    Ok(rows)
}

/// The full history of a person, oldest first (same instant: in order of insertion).
pub fn history(conn: &Connection, person_id: i64) -> Result<Vec<ConsentRecord>> {
    let mut stmt = conn.prepare(
        "SELECT r.id, r.recorded_at, r.type, r.opt_in, r.channel, r.description, r.contact_moment_id, m.name, r.source
         FROM consent_records r LEFT JOIN contact_moments m ON m.id = r.contact_moment_id
         WHERE r.person_id = ?1 ORDER BY r.recorded_at, r.id",
    )?;
    let rows = stmt
        .query_map([person_id], |r| {
            Ok(ConsentRecord {
                id: r.get(0)?,
                recorded_at: r.get(1)?,
                kind: r.get(2)?,
                opt_in: r.get(3)?,
                channel: r.get(4)?,
                description: r.get(5)?,
                contact_moment: r.get(6)?,
                contact_moment_name: r.get(7)?,
                source: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the consent history")?;
    Ok(rows)
}

/// A record to append.
#[derive(Debug, Clone)]
pub struct NewRecord<'a> {
    pub person_id: i64,
    pub kind: &'a str,
    pub opt_in: bool,
    pub channel: &'a str,
    pub description: Option<&'a str>,
    pub contact_moment: Option<i64>,
    pub recorded_at: &'a str,
    pub source: Source,
}

/// Append one record; returns its id. `consent_state` follows by trigger.
pub fn insert(conn: &Connection, rec: &NewRecord<'_>) -> Result<i64> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description, contact_moment_id, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    stmt.execute(params![
        rec.recorded_at,
        rec.person_id,
        rec.kind,
        rec.opt_in,
        rec.channel,
        rec.description,
        rec.contact_moment,
        rec.source.code()
    ])
    .context("writing the consent record")?;
    Ok(conn.last_insert_rowid())
}

/// Run `work` with the per-row state triggers off: the bulk path of the ledger (imports,
/// rules, the demo). Writes from every other client, the sqlite3 shell included, keep
/// firing `consent_records_keep_state*`; only a connection that asks (SQLite's
/// `SQLITE_DBCONFIG_ENABLE_TRIGGER`, which the tool sets for nothing else) skips them,
/// for the statements it prepares and runs inside `work`, and the caller then brings
/// the state up to date with [`update_state_since`], set-based, before it commits.
///
/// With triggers off the append-only guards do not fire either: `work` may only
/// INSERT new records (no id given) into `consent_records`. Triggers are back on when
/// `work` ends, also on an error; inside another bulk write (already off) they stay
/// off. (Switching expires the connection's prepared statements, which SQLite then
/// prepares again: a statement prepared inside `work` must also run inside it.)
pub fn without_state_triggers<T>(conn: &Connection, work: impl FnOnce() -> Result<T>) -> Result<T> {
    use rusqlite::config::DbConfig;
    if !conn.db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER)? {
        return work();
    }
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)
        .context("starting a bulk write to the ledger")?;
    let done = work();
    let back = conn
        .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, true)
        .context("ending a bulk write to the ledger");
    let value = done?;
    back?;
    Ok(value)
}

/// Bring `consent_state` up to date for every (person, type) that has a record with an
/// id from `first_id` on, in one statement: the newest record of the pair by the rule
/// of the state (latest `recorded_at`, at the same instant the higher id; a rule's soft
/// opt-in only while the person has no record of their own for the type), computed
/// from the ledger itself, as view `consent_state_expected` defines it. Returns the
/// number of pairs written.
///
/// The pairs are found without a sort: a bulk load inserts its records grouped by
/// person and type, so the last record of a pair is the one whose successor (id + 1)
/// is of another pair. Were they not grouped, a pair would only be written more than
/// once, with the same result.
pub fn update_state_since(conn: &Connection, first_id: i64) -> Result<u64> {
    let n = conn
        .prepare_cached(&format!("{NEWEST_SINCE} {SET_NEWEST}"))?
        .execute([first_id])
        .context("bringing the current state up to date")?;
    Ok(n as u64)
}

/// The newest record, by the rule of the state, of each pair with a record from ?1 on.
const NEWEST_SINCE: &str =
    "INSERT INTO consent_state (person_id, type, record_id, recorded_at, opt_in, source)
     SELECT b.person_id, b.type, b.id, b.recorded_at, b.opt_in, b.source
     FROM consent_records n
     JOIN consent_records b ON b.id = (
         -- The newest candidate: the latest time (the pair's index walked from
         -- its end), then the highest id at that time; no sort.
         SELECT max(r.id) FROM consent_records r INDEXED BY consent_records_person
         WHERE r.person_id = n.person_id AND r.type = n.type
           AND r.recorded_at = (
               SELECT t.recorded_at FROM consent_records t INDEXED BY consent_records_person
               WHERE t.person_id = n.person_id AND t.type = n.type
                 AND NOT (t.source = 'rule' AND t.opt_in = 1 AND EXISTS (
                     SELECT 1 FROM consent_records o INDEXED BY consent_records_person
                     WHERE o.person_id = n.person_id AND o.type = n.type AND o.source <> 'rule'))
               ORDER BY t.recorded_at DESC LIMIT 1)
           AND NOT (r.source = 'rule' AND r.opt_in = 1 AND EXISTS (
               SELECT 1 FROM consent_records o INDEXED BY consent_records_person
               WHERE o.person_id = n.person_id AND o.type = n.type AND o.source <> 'rule')))
     WHERE n.id >= ?1
       AND NOT EXISTS (SELECT 1 FROM consent_records l
                       WHERE l.id = n.id + 1 AND l.person_id = n.person_id AND l.type = n.type)";

/// Write the state chosen.
const SET_NEWEST: &str = "ON CONFLICT (person_id, type) DO UPDATE
     SET record_id = excluded.record_id,
         recorded_at = excluded.recorded_at,
         opt_in = excluded.opt_in,
         source = excluded.source";

/// [`update_state_since`] for a bulk load (`subscribe --csv`) whose records, from
/// `first_id` on, were appended pair by pair, each pair's in time order (then in the
/// order of the file), none of them a rule's: the last record of a pair is the newest
/// the load brought, and the pair's new state is the newer of it and the state before.
/// Only where that state was a rule's soft opt-in, which a record of the person's own
/// now outranks (`outranks`: the load saw such a pair), the pair's records are looked
/// through again, as [`update_state_since`] does. Two set-based statements; tests/consent_state.rs proves
/// the result equal to `consent_state_expected`.
pub fn update_state_after_load(conn: &Connection, first_id: i64, outranks: bool) -> Result<u64> {
    if !outranks {
        return set_newer_since(conn, first_id);
    }
    let outranked = conn
        .prepare_cached(&format!(
            "{NEWEST_SINCE}
               AND EXISTS (SELECT 1 FROM consent_state s
                           WHERE s.person_id = n.person_id AND s.type = n.type
                             AND s.source = 'rule' AND s.opt_in = 1)
             {SET_NEWEST}"
        ))?
        .execute([first_id])
        .context("bringing the current state up to date")?;
    Ok(outranked as u64 + set_newer_since(conn, first_id)?)
}

/// The last record of each pair from `first_id` on becomes its state where it is newer.
fn set_newer_since(conn: &Connection, first_id: i64) -> Result<u64> {
    let newer = conn
        .prepare_cached(&format!(
            "INSERT INTO consent_state (person_id, type, record_id, recorded_at, opt_in, source)
             SELECT n.person_id, n.type, n.id, n.recorded_at, n.opt_in, n.source
             FROM consent_records n
             WHERE n.id >= ?1
               AND NOT EXISTS (SELECT 1 FROM consent_records l
                               WHERE l.id = n.id + 1 AND l.person_id = n.person_id AND l.type = n.type)
             {SET_NEWEST}
                 WHERE excluded.recorded_at > consent_state.recorded_at
                    OR (excluded.recorded_at = consent_state.recorded_at
                        AND excluded.record_id > consent_state.record_id)"
        ))?
        .execute([first_id])
        .context("bringing the current state up to date")?;
    Ok(newer as u64)
}

/// As [`update_state_since`], for records that are each the first record of their
/// person and type (a rule's soft opt-ins go only to persons without any record of the
/// type): each is the state of its pair, written without looking anything up. Should a
/// pair have a state already after all, the general statement decides.
pub fn add_first_states_since(conn: &Connection, first_id: i64, records: u64) -> Result<u64> {
    let n = conn
        .prepare_cached(
            "INSERT INTO consent_state (person_id, type, record_id, recorded_at, opt_in, source)
             SELECT person_id, type, id, recorded_at, opt_in, source FROM consent_records
             WHERE id >= ?1
             ON CONFLICT (person_id, type) DO NOTHING",
        )?
        .execute([first_id])
        .context("adding the current state")? as u64;
    if n == records {
        Ok(n)
    } else {
        update_state_since(conn, first_id)
    }
}

/// Opt a person out of every consent type that exists (also types they never had, so
/// that no rule can opt them in later), skipping types whose current state is already
/// opt-out. One set-based statement; returns the number of records inserted.
pub fn opt_out_of_everything(
    conn: &Connection,
    person_id: i64,
    channel: &str,
    description: &str,
    recorded_at: &str,
    source: Source,
) -> Result<u64> {
    let n = conn
        .execute(
            "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description, source)
             SELECT ?1, ?2, t.code, 0, ?3, ?4, ?5 FROM consent_types t
             WHERE NOT EXISTS (
                SELECT 1 FROM consent_state s WHERE s.person_id = ?2 AND s.type = t.code AND s.opt_in = 0)
             ORDER BY t.code",
            params![recorded_at, person_id, channel, description, source.code()],
        )
        .context("recording the opt-outs")?;
    Ok(n as u64)
}

/// Refuse a contact moment that does not exist (an opt-out naming its mailing).
pub fn require_contact_moment(conn: &Connection, id: i64) -> Result<()> {
    let exists = conn
        .prepare_cached("SELECT 1 FROM contact_moments WHERE id = ?1")?
        .query_row([id], |_| Ok(()))
        .optional()
        .context("looking up the contact moment")?
        .is_some();
    if !exists {
        anyhow::bail!("no contact moment with id {id}");
    }
    Ok(())
}
