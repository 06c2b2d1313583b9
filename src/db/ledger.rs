//! The tamper-evident chains of the consent ledger and the audit log (Issue: evidence
//! that cannot be forged unnoticed). Every row carries `hash = SHA-256(previous hash,
//! the row's fields)`, so that changing, removing or re-ordering any row breaks the
//! chain from there on. A consent record's free text (a description, a channel outside
//! the vocabulary) enters through `erasable_digest = SHA-256(salt, channel,
//! description)`: anonymising clears the text and the salt, the digest stays, and the
//! chain still verifies without anything left to guess the erased text from.
//!
//! Rows are sealed by the command that wrote them, before it commits
//! ([`seal`], called by `commands::in_write_transaction`): set-based inserts stay
//! set-based, and the hashes follow in one ordered pass. A consent record's seal lives
//! in `consent_chain` (appended in id order, so the ledger itself is never rewritten);
//! an audit entry's in its own `hash` column.
use anyhow::{Context, Result};
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

const CONSENT_TAG: &[u8] = b"smp-avg/consent/1";
const AUDIT_TAG: &[u8] = b"smp-avg/audit/1";
const ERASABLE_TAG: &[u8] = b"smp-avg/erasable/1";
/// The "previous hash" of the first row of a chain.
const GENESIS: [u8; 32] = [0; 32];

/// Canonical, unambiguous encoding of one field: a type tag, then the value
/// (integers as 8 bytes big-endian, text and blobs with their length).
fn field(h: &mut Sha256, v: ValueRef<'_>) {
    match v {
        ValueRef::Null => h.update([0u8]),
        ValueRef::Integer(i) => {
            h.update([1u8]);
            h.update(i.to_be_bytes());
        }
        ValueRef::Real(f) => {
            h.update([2u8]);
            h.update(f.to_be_bytes());
        }
        ValueRef::Text(t) => {
            h.update([3u8]);
            h.update((t.len() as u64).to_be_bytes());
            h.update(t);
        }
        ValueRef::Blob(b) => {
            h.update([4u8]);
            h.update((b.len() as u64).to_be_bytes());
            h.update(b);
        }
    }
}

/// The digest of a record's erasable text.
pub fn erasable_digest(salt: &[u8], channel: &str, description: Option<&str>) -> [u8; 32] {
    erasable_digest_of(salt, channel.as_bytes(), description.map(str::as_bytes))
}

/// [`erasable_digest`] of texts as SQLite holds them.
fn erasable_digest_of(salt: &[u8], channel: &[u8], description: Option<&[u8]>) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(ERASABLE_TAG);
    field(&mut h, ValueRef::Blob(salt));
    field(&mut h, ValueRef::Text(channel));
    field(&mut h, description.map_or(ValueRef::Null, ValueRef::Text));
    h.finalize().into()
}

/// The fields of a record that its chain hash covers, borrowed from a row: the seal
/// reads a million records without copying each into strings.
struct RecordFields<'a> {
    id: i64,
    recorded_at: &'a [u8],
    person_id: i64,
    kind: &'a [u8],
    opt_in: i64,
    source: &'a [u8],
    contact_moment_id: Option<i64>,
    rule_run_id: Option<i64>,
    channel: &'a [u8],
}

impl RecordFields<'_> {
    /// The one definition of a record's chain hash: SHA-256 over the tag, the previous
    /// hash and the fields, with `digest` standing for the free text (None: the channel
    /// is hashed as it is and there is no free text).
    fn chain_hash(&self, prev: &[u8], digest: Option<&[u8]>) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(CONSENT_TAG);
        h.update(prev);
        field(&mut h, ValueRef::Integer(self.id));
        field(&mut h, ValueRef::Text(self.recorded_at));
        field(&mut h, ValueRef::Integer(self.person_id));
        field(&mut h, ValueRef::Text(self.kind));
        field(&mut h, ValueRef::Integer(self.opt_in));
        field(&mut h, ValueRef::Text(self.source));
        field(
            &mut h,
            self.contact_moment_id
                .map_or(ValueRef::Null, ValueRef::Integer),
        );
        field(
            &mut h,
            self.rule_run_id.map_or(ValueRef::Null, ValueRef::Integer),
        );
        match digest {
            Some(d) => field(&mut h, ValueRef::Blob(d)),
            None => field(&mut h, ValueRef::Text(self.channel)),
        }
        h.finalize().into()
    }
}

/// Seals waiting to be written to `consent_chain`, many rows per statement.
struct ChainWriter<'c> {
    one: rusqlite::CachedStatement<'c>,
    many: rusqlite::CachedStatement<'c>,
    values: Vec<Value>,
}

/// Seals per INSERT statement.
const SEALS_PER_STATEMENT: usize = 64;

impl<'c> ChainWriter<'c> {
    fn new(conn: &'c Connection) -> Result<Self> {
        let row = "(?, ?, ?, ?)";
        let insert = "INSERT INTO consent_chain (record_id, salt, erasable_digest, hash) VALUES ";
        Ok(ChainWriter {
            one: conn.prepare_cached(&format!("{insert}{row}"))?,
            many: conn.prepare_cached(&format!(
                "{insert}{}",
                vec![row; SEALS_PER_STATEMENT].join(", ")
            ))?,
            values: Vec::with_capacity(4 * SEALS_PER_STATEMENT),
        })
    }

    fn push(
        &mut self,
        id: i64,
        salt: Option<Vec<u8>>,
        digest: Option<[u8; 32]>,
        hash: [u8; 32],
    ) -> Result<()> {
        self.values.extend([
            Value::Integer(id),
            salt.map_or(Value::Null, Value::Blob),
            digest.map_or(Value::Null, |d| Value::Blob(d.to_vec())),
            Value::Blob(hash.to_vec()),
        ]);
        if self.values.len() == 4 * SEALS_PER_STATEMENT {
            self.many
                .execute(rusqlite::params_from_iter(&self.values))
                .context("sealing the consent ledger")?;
            self.values.clear();
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        for row in self.values.chunks(4) {
            self.one
                .execute(rusqlite::params_from_iter(row))
                .context("sealing the consent ledger")?;
        }
        self.values.clear();
        Ok(())
    }
}

/// An audit entry as the chain sees it.
pub struct ChainedEntry {
    pub id: i64,
    pub values: Vec<Value>,
    pub hash: Option<Vec<u8>>,
}

const AUDIT_COLUMNS: &str =
    "id, at, operator, command, person_id, affected, details, account, consent_head, hash";

impl ChainedEntry {
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(ChainedEntry {
            id: r.get(0)?,
            values: (0..9).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?,
            hash: r.get(9)?,
        })
    }

    /// The chain hash of this entry after `prev`.
    pub fn chain_hash(&self, prev: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(AUDIT_TAG);
        h.update(prev);
        for v in &self.values {
            field(&mut h, ValueRef::from(v));
        }
        h.finalize().into()
    }
}

/// The hash of the last sealed row before `id` (the genesis value when there is none).
fn previous(conn: &Connection, table: &str, id: i64) -> Result<Vec<u8>> {
    let prev: Option<Vec<u8>> = conn
        .query_row(
            &format!("SELECT hash FROM {table} WHERE id < ?1 ORDER BY id DESC LIMIT 1"),
            [id],
            |r| r.get(0),
        )
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })
        .with_context(|| format!("reading the chain of {table}"))?;
    Ok(prev.unwrap_or_else(|| GENESIS.to_vec()))
}

/// What [`seal`] sealed.
#[derive(Debug, Default, Clone, Copy)]
pub struct Sealed {
    pub consent_records: u64,
    pub audit_entries: u64,
}

/// Seal every row of both chains that has no hash yet, in id order, in the caller's
/// transaction. A record gets a salt and a digest when it holds free text: a
/// description, or a channel outside the vocabulary of `channels`.
pub fn seal(conn: &Connection) -> Result<Sealed> {
    // The seals are plain INSERTs of new record ids (the primary key refuses one twice):
    // the guard trigger against REPLACE has nothing to do, and is skipped for them.
    Ok(Sealed {
        consent_records: super::consent::without_state_triggers(conn, || seal_consent(conn))?,
        audit_entries: seal_audit(conn)?,
    })
}

fn seal_consent(conn: &Connection) -> Result<u64> {
    let last: Option<i64> =
        conn.query_row("SELECT max(record_id) FROM consent_chain", [], |r| r.get(0))?;
    let last = last.unwrap_or(0);
    // Rows past the last seal have none: no need to look for one.
    let mut rows = conn.prepare_cached(
        "SELECT r.id, r.recorded_at, r.person_id, r.type, r.opt_in, r.source, r.contact_moment_id,
                r.rule_run_id, r.channel, r.description
         FROM consent_records r WHERE r.id > ?1 ORDER BY r.id",
    )?;
    let mut pending = rows.query([last])?;
    let mut prev: [u8; 32] = conn
        .query_row(
            "SELECT hash FROM consent_chain WHERE record_id = ?1",
            [last],
            |r| r.get::<_, Vec<u8>>(0),
        )
        .map(|h| h.try_into().unwrap_or(GENESIS))
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(GENESIS),
            e => Err(e),
        })
        .context("reading the chain of consent_records")?;
    // Salts come from a seed that is never stored: once a salt is erased, nothing is
    // left to recompute it from.
    let seed: Vec<u8> = conn.query_row("SELECT randomblob(32)", [], |r| r.get(0))?;
    let channels: std::collections::HashSet<String> = conn
        .prepare_cached("SELECT code FROM channels")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut chain = ChainWriter::new(conn)?;
    let mut n = 0u64;
    while let Some(row) = pending.next()? {
        let r = RecordFields {
            id: row.get(0)?,
            recorded_at: column_text(row, 1)?,
            person_id: row.get(2)?,
            kind: column_text(row, 3)?,
            opt_in: row.get(4)?,
            source: column_text(row, 5)?,
            contact_moment_id: row.get(6)?,
            rule_run_id: row.get(7)?,
            channel: column_text(row, 8)?,
        };
        let description: Option<&str> = row.get_ref(9)?.as_str_or_null()?;
        let channel = std::str::from_utf8(r.channel).unwrap_or_default();
        // Free text that could name the person: erased with them, so it enters the
        // chain through a salted digest. A rule's description is the rule's, not theirs.
        let free_text =
            r.source != b"rule" && (description.is_some() || !channels.contains(channel));
        let (salt, digest) = if free_text {
            let mut h = Sha256::new();
            h.update(&seed);
            h.update(r.id.to_be_bytes());
            let salt = h.finalize()[..16].to_vec();
            let digest = erasable_digest(&salt, channel, description);
            (Some(salt), Some(digest))
        } else {
            (None, None)
        };
        let hash = r.chain_hash(&prev, digest.as_ref().map(|d| d.as_slice()));
        chain.push(r.id, salt, digest, hash)?;
        prev = hash;
        n += 1;
    }
    chain.finish()?;
    Ok(n)
}

/// A text column of a row, borrowed.
fn column_text<'r>(row: &'r rusqlite::Row<'_>, i: usize) -> Result<&'r [u8]> {
    match row.get_ref(i)? {
        ValueRef::Text(t) => Ok(t),
        _ => anyhow::bail!("consent record: column {i} is not text"),
    }
}

fn seal_audit(conn: &Connection) -> Result<u64> {
    let mut rows = conn.prepare_cached(&format!(
        "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE hash IS NULL ORDER BY id"
    ))?;
    let mut entries = rows
        .query_map([], ChainedEntry::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let Some(first) = entries.first() else {
        return Ok(0);
    };
    let mut prev = previous(conn, "audit_log", first.id)?;
    // The ledger's head as it is now, after this command's records were sealed.
    let head: Option<String> = conn
        .query_row(
            "SELECT record_id || ':' || hex(hash) FROM consent_chain ORDER BY record_id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })?;
    let mut update =
        conn.prepare_cached("UPDATE audit_log SET consent_head = ?2, hash = ?3 WHERE id = ?1")?;
    for e in &mut entries {
        e.values[8] = head.clone().map_or(Value::Null, Value::Text);
        let hash = e.chain_hash(&prev);
        update
            .execute(params![e.id, head, hash.to_vec()])
            .context("sealing the audit log")?;
        prev = hash.to_vec();
    }
    Ok(entries.len() as u64)
}

/// The first row that does not verify, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub table: &'static str,
    pub id: i64,
    pub problem: String,
}

/// Walk the consent ledger in id order and recompute every hash; returns the number of
/// records and the first break.
pub fn verify_consent(conn: &Connection) -> Result<(u64, Option<ChainBreak>)> {
    verify_consent_range(conn, None, i64::MAX)
}

/// [`verify_consent`] for the records with `after < id <= until` (no lower bound when
/// `after` is None: from the first record, whatever its id), chained to the stored hash
/// of the record before them. Since every hash is SHA-256 of the hash before it and
/// the record, a chain verifies exactly when each record verifies against its
/// predecessor's stored hash: ranges can be checked apart (on two cores) and the break
/// with the lowest id is the one a walk from the first record would find.
///
/// The ledger and its seals are read as two ordered scans merged here (a seal looked
/// up per record costs a tree search each), and every field is borrowed from its row.
/// A seal without its record (records are never removed) is a break too.
pub fn verify_consent_range(
    conn: &Connection,
    after: Option<i64>,
    until: i64,
) -> Result<(u64, Option<ChainBreak>)> {
    let mut prev = GENESIS;
    if let Some(after) = after {
        // The stored hash of the record before the range. One without a seal, or with
        // a seal not as smp-avg writes it, is the break of the range before.
        let stored: Option<Vec<u8>> = conn
            .query_row(
                "SELECT c.hash FROM consent_records r LEFT JOIN consent_chain c ON c.record_id = r.id
                 WHERE r.id <= ?1 ORDER BY r.id DESC LIMIT 1",
                [after],
                |r| {
                    Ok(match r.get_ref(0)? {
                        ValueRef::Blob(b) => Some(b.to_vec()),
                        _ => None,
                    })
                },
            )
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        if let Some(h) = stored {
            prev = h.try_into().unwrap_or(GENESIS);
        }
    }
    // From the first id after `after` (from the lowest id there can be without it).
    let first = after.map_or(i64::MIN, |a| a.saturating_add(1));
    let mut records = conn.prepare(
        "SELECT id, recorded_at, person_id, type, opt_in, source, contact_moment_id, rule_run_id,
                channel, description
         FROM consent_records WHERE id >= ?1 AND id <= ?2 ORDER BY id",
    )?;
    let mut seals = conn.prepare(
        "SELECT record_id, salt, erasable_digest, hash FROM consent_chain
         WHERE record_id >= ?1 AND record_id <= ?2 ORDER BY record_id",
    )?;
    let mut records = records.query([first, until])?;
    let mut seals = seals.query([first, until])?;
    let mut anonymised =
        conn.prepare("SELECT anonymised_at IS NOT NULL FROM persons WHERE id = ?1")?;
    let mut seal = seals.next()?;
    let mut n = 0u64;
    let brk = |id, problem: &str| ChainBreak {
        table: "consent_records",
        id,
        problem: problem.to_string(),
    };
    while let Some(row) = records.next()? {
        let id: i64 = row.get(0)?;
        n += 1;
        // A seal before this record whose record is gone.
        if let Some(s) = seal
            && let gone = s.get::<_, i64>(0)?
            && gone < id
        {
            return Ok((n, Some(brk(gone, SEAL_WITHOUT_RECORD))));
        }
        // The fields as smp-avg writes them; a value of another kind (a blob for a
        // text, a word for a number) was written behind its back.
        let value = |i| row.get_ref(i).ok();
        let text = |i| match value(i)? {
            ValueRef::Text(t) => Some(t),
            _ => None,
        };
        let number = |i| match value(i)? {
            ValueRef::Integer(v) => Some(Some(v)),
            ValueRef::Null => Some(None),
            _ => None,
        };
        let fields = (|| {
            Some((
                RecordFields {
                    id,
                    recorded_at: text(1)?,
                    person_id: number(2)??,
                    kind: text(3)?,
                    opt_in: number(4)??,
                    source: text(5)?,
                    contact_moment_id: number(6)?,
                    rule_run_id: number(7)?,
                    channel: text(8)?,
                },
                match value(9)? {
                    ValueRef::Null => None,
                    ValueRef::Text(t) => Some(t),
                    _ => return None,
                },
            ))
        })();
        let Some((r, description)) = fields else {
            return Ok((n, Some(brk(id, NOT_AS_WRITTEN))));
        };
        let Some(s) = seal.filter(|s| s.get::<_, i64>(0).is_ok_and(|id| id == r.id)) else {
            return Ok((n, Some(brk(r.id, "not sealed: written outside smp-avg"))));
        };
        let blob = |i| -> Option<Option<&[u8]>> {
            match s.get_ref(i).ok()? {
                ValueRef::Null => Some(None),
                ValueRef::Blob(b) => Some(Some(b)),
                _ => None,
            }
        };
        let (Some(salt), Some(digest), Some(stored)) = (blob(1), blob(2), blob(3)) else {
            return Ok((
                n,
                Some(brk(
                    r.id,
                    "its seal is not stored as smp-avg writes it: changed outside smp-avg",
                )),
            ));
        };
        let Some(stored) = stored else {
            return Ok((n, Some(brk(r.id, "not sealed: written outside smp-avg"))));
        };
        if let (Some(salt), Some(digest)) = (salt, digest)
            && erasable_digest_of(salt, r.channel, description).as_slice() != digest
        {
            return Ok((n, Some(brk(r.id, "channel or description changed"))));
        }
        // A text whose salt went when someone it named was erased ('[gewist]' in it):
        // its digest stands for the text as it was.
        let redacted = salt.is_none()
            && digest.is_some()
            && description.is_some_and(|d| d.windows(REDACTED.len()).any(|w| w == REDACTED));
        if salt.is_some() != digest.is_some() && description.is_some() && !redacted {
            return Ok((n, Some(brk(r.id, "free text without its digest"))));
        }
        // A record sealed without free text has none: the seal gives every text but a
        // rule's a digest (a description added later is not the person's).
        if digest.is_none() && description.is_some() && r.source != b"rule" {
            return Ok((n, Some(brk(r.id, "free text without its digest"))));
        }
        // A salt goes only when the person is erased or a text names someone erased:
        // a living person's text cleared with its salt is not that.
        if salt.is_none() && digest.is_some() && !redacted {
            let erased: Option<bool> = anonymised
                .query_row([r.person_id], |row| row.get(0))
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    e => Err(e),
                })?;
            if erased != Some(true) {
                return Ok((
                    n,
                    Some(brk(
                        r.id,
                        "its free text was cleared while the person is not anonymised",
                    )),
                ));
            }
        }
        let hash = r.chain_hash(&prev, digest);
        if hash.as_slice() != stored {
            return Ok((
                n,
                Some(brk(
                    r.id,
                    "hash does not match: the record, or one before it, was changed, removed or inserted",
                )),
            ));
        }
        prev = hash;
        seal = seals.next()?;
    }
    if let Some(s) = seal {
        return Ok((n, Some(brk(s.get(0)?, SEAL_WITHOUT_RECORD))));
    }
    Ok((n, None))
}

/// A seal past `last`, the newest record a reader sees: its record was removed (in the
/// same read transaction, no record past `last` exists).
pub fn seal_past(conn: &Connection, last: i64) -> Result<Option<ChainBreak>> {
    let id: Option<i64> = conn.query_row(
        "SELECT min(record_id) FROM consent_chain WHERE record_id > ?1",
        [last],
        |r| r.get(0),
    )?;
    Ok(id.map(|id| ChainBreak {
        table: "consent_records",
        id,
        problem: SEAL_WITHOUT_RECORD.to_string(),
    }))
}

const NOT_AS_WRITTEN: &str = "a field is stored in a form smp-avg does not write (a blob for a text, a text for a number): changed outside smp-avg";

const SEAL_WITHOUT_RECORD: &str =
    "a seal without its record: the record was removed outside smp-avg";

/// What a redacted text holds where a name stood.
const REDACTED: &[u8] = b"[gewist]";

/// Walk the audit log in id order and recompute every hash; and check that the ledger's
/// head each entry recorded is still there, unchanged (the newest records were not
/// removed or replaced).
pub fn verify_audit(conn: &Connection) -> Result<(u64, Option<ChainBreak>)> {
    verify_audit_until(conn, i64::MAX)
}

/// [`verify_audit`] up to the entry `until` (what another connection saw as the last).
pub fn verify_audit_until(conn: &Connection, until: i64) -> Result<(u64, Option<ChainBreak>)> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE id <= ?1 ORDER BY id"
    ))?;
    let mut rows = stmt.query([until])?;
    let mut head = conn.prepare(
        "SELECT EXISTS (SELECT 1 FROM consent_chain WHERE record_id = ?1 AND hex(hash) = ?2)",
    )?;
    let mut prev = GENESIS.to_vec();
    let mut n = 0u64;
    while let Some(row) = rows.next()? {
        let e = ChainedEntry::from_row(row)?;
        n += 1;
        let brk = |problem: &str| ChainBreak {
            table: "audit_log",
            id: e.id,
            problem: problem.to_string(),
        };
        let Some(stored) = &e.hash else {
            return Ok((n, Some(brk("not sealed: written outside smp-avg"))));
        };
        let hash = e.chain_hash(&prev);
        if hash.as_slice() != stored.as_slice() {
            return Ok((
                n,
                Some(brk(
                    "hash does not match: the entry, or one before it, was changed, removed or inserted",
                )),
            ));
        }
        if let Value::Text(h) = &e.values[8]
            && let Some((id, hex)) = h.split_once(':')
        {
            let id: i64 = id.parse().unwrap_or(-1);
            if !head.query_row(params![id, hex], |r| r.get::<_, bool>(0))? {
                return Ok((
                    n,
                    Some(brk(&format!(
                        "the consent record {id} this entry saw as the newest is gone or changed: records were removed or replaced"
                    ))),
                ));
            }
        }
        prev = hash.to_vec();
    }
    Ok((n, None))
}

/// Rows written behind the tool's back since the last seal: the cheap check every
/// writer runs (index lookups only), so that it never seals a forgery into the chain.
pub fn first_unsealed(conn: &Connection) -> Result<Option<(&'static str, i64)>> {
    Ok(unsealed(conn)?.map(|u| (u.table, u.id)))
}

/// A row written behind the tool's back, and whether `init --repair` can seal it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsealed {
    pub table: &'static str,
    pub id: i64,
    /// False for a record below the first seal or a seal past the last record: the
    /// chain takes records in id order only, so these can only be taken out by hand
    /// (or the database restored from a backup).
    pub repairable: bool,
}

/// See [`first_unsealed`].
pub fn unsealed(conn: &Connection) -> Result<Option<Unsealed>> {
    let found = |table, id, repairable| {
        Some(Unsealed {
            table,
            id,
            repairable,
        })
    };
    let record: Option<i64> = conn
        .query_row(
            "SELECT min(id) FROM consent_records
             WHERE id > (SELECT coalesce(max(record_id), 0) FROM consent_chain)",
            [],
            |r| r.get(0),
        )
        .context("checking the chain of consent_records")?;
    if let Some(id) = record {
        return Ok(found("consent_records", id, true));
    }
    // A record written below the first seal (an id of 0 or less, typed in the shell),
    // or a seal past the last record (its record removed): the chain cannot take the
    // next records in order.
    let (first, first_sealed, last, last_sealed): (Option<i64>, Option<i64>, Option<i64>, Option<i64>) = conn
        .query_row(
            "SELECT (SELECT min(id) FROM consent_records), (SELECT min(record_id) FROM consent_chain),
                    (SELECT max(id) FROM consent_records), (SELECT max(record_id) FROM consent_chain)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .context("checking the chain of consent_records")?;
    if let Some(first) = first
        && first_sealed.is_none_or(|sealed| first < sealed)
    {
        return Ok(found("consent_records", first, false));
    }
    if let Some(sealed) = last_sealed
        && last.is_none_or(|last| sealed > last)
    {
        return Ok(found("consent_chain", sealed, false));
    }
    let entry: Option<i64> = conn
        .query_row(
            "SELECT min(id) FROM audit_log WHERE hash IS NULL",
            [],
            |r| r.get(0),
        )
        .context("checking the chain of audit_log")?;
    Ok(entry.and_then(|id| found("audit_log", id, true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::db::migrate::migrate(&mut conn).unwrap();
        crate::db::defaults::ensure(&conn).unwrap();
        conn.execute_batch(
            "INSERT INTO consent_types (code, label, kind, created_at) VALUES ('nb', 'NB', 'newsletter', '2026-01-01T00:00:00Z');
             INSERT INTO persons (id, created_at) VALUES (1, '2026-01-01T00:00:00Z');",
        )
        .unwrap();
        conn
    }

    fn add(conn: &Connection, channel: &str, description: Option<&str>) {
        conn.execute(
            "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description, source)
             VALUES ('2026-01-02T00:00:00Z', 1, 'nb', 1, ?1, ?2, 'person')",
            params![channel, description],
        )
        .unwrap();
    }

    #[test]
    fn a_sealed_ledger_verifies_and_a_changed_record_is_found() {
        let conn = db();
        add(&conn, "webformulier", None);
        add(
            &conn,
            "telefoon, gesproken met Jan 0612345678",
            Some("ja graag"),
        );
        add(&conn, "handmatig", None);
        let sealed = seal(&conn).unwrap();
        assert_eq!(sealed.consent_records, 3);
        assert_eq!(verify_consent(&conn).unwrap(), (3, None));
        // Only the record with free text has a salt.
        let salted: i64 = conn
            .query_row(
                "SELECT count(*) FROM consent_chain WHERE salt IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(salted, 1);
        // Behind the tool's back, without the triggers.
        conn.execute_batch(
            "DROP TRIGGER consent_records_no_update; UPDATE consent_records SET opt_in = 0 WHERE id = 2;",
        )
        .unwrap();
        let (_, brk) = verify_consent(&conn).unwrap();
        assert_eq!(brk.unwrap().id, 2);
    }

    #[test]
    fn ranges_verify_as_one_walk() {
        let conn = db();
        for _ in 0..10 {
            add(&conn, "webformulier", None);
        }
        seal(&conn).unwrap();
        let pieces = |conn: &Connection| -> Vec<(u64, Option<i64>)> {
            [(None, 3), (Some(3), 6), (Some(6), 10)]
                .into_iter()
                .map(|(a, u)| {
                    let (n, brk) = verify_consent_range(conn, a, u).unwrap();
                    (n, brk.map(|b| b.id))
                })
                .collect()
        };
        assert_eq!(pieces(&conn), vec![(3, None), (3, None), (4, None)]);
        // A changed record breaks its own piece only, as the one walk stops there.
        conn.execute_batch(
            "DROP TRIGGER consent_records_no_update; UPDATE consent_records SET opt_in = 0 WHERE id = 6;",
        )
        .unwrap();
        assert_eq!(pieces(&conn), vec![(3, None), (3, Some(6)), (4, None)]);
        assert_eq!(verify_consent(&conn).unwrap().1.unwrap().id, 6);
        // A removed record: the next one no longer chains to the one before it, also
        // when the removed one was the last before a piece.
        conn.execute_batch(
            "UPDATE consent_records SET opt_in = 1 WHERE id = 6;
             PRAGMA foreign_keys = OFF; -- as in the sqlite3 shell
             DROP TRIGGER consent_records_no_delete; DELETE FROM consent_records WHERE id = 3;",
        )
        .unwrap();
        // Its seal is still there: a seal without its record, found where it is; the
        // piece after it finds the next record chained to a record that is gone.
        assert_eq!(pieces(&conn), vec![(2, Some(3)), (1, Some(4)), (4, None)]);
        assert_eq!(verify_consent(&conn).unwrap().1.unwrap().id, 3);
        // Without its seal too: the next record no longer chains.
        conn.execute_batch(
            "DROP TRIGGER consent_chain_no_delete; DELETE FROM consent_chain WHERE record_id = 3;",
        )
        .unwrap();
        assert_eq!(pieces(&conn), vec![(2, None), (1, Some(4)), (4, None)]);
        assert_eq!(verify_consent(&conn).unwrap().1.unwrap().id, 4);
        // A record written in the shell below the first id, and a seal past the last.
        conn.execute_batch(
            "INSERT INTO consent_records (id, recorded_at, person_id, type, opt_in, channel, source)
                 VALUES (-5, '2026-01-02T00:00:00Z', 1, 'nb', 1, 'webformulier', 'person');",
        )
        .unwrap();
        assert_eq!(verify_consent(&conn).unwrap().1.unwrap().id, -5);
        // A value of a kind smp-avg does not write: a break, not an error.
        for tamper in [
            "UPDATE consent_records SET description = CAST('ja' AS BLOB) WHERE id = 5",
            "UPDATE consent_records SET recorded_at = CAST(recorded_at AS BLOB) WHERE id = 5",
            "UPDATE consent_chain SET hash = '0123456789abcdef0123456789abcdef' WHERE record_id = 5",
        ] {
            conn.execute_batch(&format!(
                "SAVEPOINT t; DROP TRIGGER IF EXISTS consent_chain_no_update; {tamper};"
            ))
            .unwrap();
            let (_, brk) = verify_consent_range(&conn, Some(4), 10).unwrap();
            assert_eq!(brk.map(|b| b.id), Some(5), "{tamper}");
            conn.execute_batch("ROLLBACK TO t; RELEASE t;").unwrap();
        }
        assert_eq!(
            first_unsealed(&conn).unwrap(),
            Some(("consent_records", -5))
        );
    }

    /// Free text added to a record sealed without any, and a living person's text
    /// cleared with its salt (as anonymising does, but without anonymising): found.
    #[test]
    fn text_added_or_cleared_behind_the_tools_back_is_found() {
        for tamper in [
            "UPDATE consent_records SET description = 'ja, ook per sms' WHERE id = 1",
            "UPDATE consent_records SET description = NULL, channel = 'gewist' WHERE id = 2;
             UPDATE consent_chain SET salt = NULL WHERE record_id = 2",
        ] {
            let conn = db();
            add(&conn, "webformulier", None);
            add(
                &conn,
                "telefoon, gesproken met Jan 0612345678",
                Some("ja graag"),
            );
            seal(&conn).unwrap();
            assert_eq!(verify_consent(&conn).unwrap(), (2, None));
            conn.execute_batch(&format!(
                "DROP TRIGGER consent_records_no_update; DROP TRIGGER consent_chain_no_update; {tamper};"
            ))
            .unwrap();
            let (_, brk) = verify_consent(&conn).unwrap();
            assert!(brk.is_some(), "not found: {tamper}");
        }
    }

    #[test]
    fn erasing_free_text_keeps_the_chain() {
        let conn = db();
        add(
            &conn,
            "telefoon, gesproken met Jan 0612345678",
            Some("ja graag"),
        );
        add(&conn, "webformulier", None);
        seal(&conn).unwrap();
        conn.execute_batch(
            "UPDATE persons SET anonymised_at = '2026-02-01T00:00:00Z' WHERE id = 1;
             UPDATE consent_records SET description = NULL, channel = 'gewist' WHERE id = 1;
             UPDATE consent_chain SET salt = NULL WHERE record_id = 1;",
        )
        .unwrap();
        assert_eq!(verify_consent(&conn).unwrap(), (2, None));
    }

    #[test]
    fn an_unsealed_row_is_reported() {
        let conn = db();
        add(&conn, "webformulier", None);
        seal(&conn).unwrap();
        add(&conn, "webformulier", None);
        assert_eq!(first_unsealed(&conn).unwrap(), Some(("consent_records", 2)));
        let (_, brk) = verify_consent(&conn).unwrap();
        assert!(brk.unwrap().problem.contains("not sealed"));
    }
}
