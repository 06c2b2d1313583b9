//! Is the database as smp-avg left it? The schema objects (triggers, views, indexes)
//! must be exactly those of schema.sql, and both chains sealed to the end. Every
//! writing command runs [`check_writable`] (cheap: the schema table and one index
//! lookup per chain) and refuses to write on a database changed behind its back;
//! `smp-avg verify` runs the whole check ([`verify`]).
use super::{ledger, migrate};
use anyhow::{Result, bail};
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use serde::Serialize;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI64, Ordering};

/// One thing wrong with the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub table: String,
    pub id: Option<i64>,
    pub problem: String,
}

fn expected() -> Result<&'static [migrate::SchemaObject]> {
    static EXPECTED: OnceLock<Vec<migrate::SchemaObject>> = OnceLock::new();
    if let Some(e) = EXPECTED.get() {
        return Ok(e);
    }
    let objects = migrate::expected_objects(migrate::SCHEMA)?;
    Ok(EXPECTED.get_or_init(|| objects))
}

/// Triggers and views that are missing, changed or foreign. Indexes an operator added
/// are harmless and allowed; a missing or changed index of ours is reported.
pub fn schema_problems(conn: &Connection) -> Result<Vec<Problem>> {
    let have = migrate::derived_objects(conn)?;
    let want = expected()?;
    let mut out = Vec::new();
    for w in want {
        match have.iter().find(|h| h.name == w.name) {
            None => out.push(Problem {
                table: w.table.clone(),
                id: None,
                problem: format!("{} {} is missing", w.kind, w.name),
            }),
            Some(h) if h.sql != w.sql || h.kind != w.kind => out.push(Problem {
                table: w.table.clone(),
                id: None,
                problem: format!("{} {} was changed", w.kind, w.name),
            }),
            Some(_) => {}
        }
    }
    for h in &have {
        if h.kind != "index" && !want.iter().any(|w| w.name == h.name) {
            out.push(Problem {
                table: h.table.clone(),
                id: None,
                problem: format!("foreign {} {} (not made by smp-avg)", h.kind, h.name),
            });
        }
    }
    Ok(out)
}

/// Refuse to write on a database whose triggers or views are not ours, or whose chains
/// hold rows written outside smp-avg.
pub fn check_writable(conn: &Connection) -> Result<()> {
    if let Some(p) = schema_problems(conn)?.first() {
        bail!(
            "the database was changed outside smp-avg ({} on {}): refusing to write; run `smp-avg verify`, then `smp-avg init` (or `init --repair`)",
            p.problem,
            p.table
        );
    }
    if let Some(u) = ledger::unsealed(conn)? {
        let (table, id) = (u.table, u.id);
        if !u.repairable {
            bail!(
                "the database was changed outside smp-avg ({table} row {id} lies outside the sealed ledger: a record below the first seal, or a seal whose record was removed): refusing to write; `init --repair` cannot seal it in order: find out who changed it, then restore the database from a backup (or take that row out in the sqlite3 shell)"
            );
        }
        bail!(
            "the database was changed outside smp-avg ({table} row {id} was written without smp-avg): refusing to write; run `smp-avg verify`, then `smp-avg init --repair`"
        );
    }
    Ok(())
}

/// The state check of `verify`: every row of `consent_state` points to a record of its
/// person and type with the same direction, time and source, no newer record would
/// win by the rule of the state, and every person and type with records has a state.
///
/// One pass over each table, merged here: the ledger in the order of its index
/// `consent_records_person` (person, type) and the state in the order of its key, so
/// the check reads every row once (a correlated query per state row took three times
/// as long at a million persons). The rule is that of `consent_state_expected`: the
/// newest record by (recorded_at, id), where a rule's opt-in does not count once the
/// person and type have a record that is not a rule's.
pub fn state_problems(conn: &Connection, limit: usize) -> Result<Vec<Problem>> {
    // Without INDEXED BY: should the index be gone (the schema check says so), SQLite
    // sorts instead of failing.
    let mut records = conn.prepare(
        "SELECT person_id, type, recorded_at, source, opt_in, id
         FROM consent_records ORDER BY person_id, type",
    )?;
    let mut states = conn.prepare(
        "SELECT person_id, type, record_id, recorded_at, opt_in, source
         FROM consent_state ORDER BY person_id, type",
    )?;
    let mut records = records.query([])?;
    let mut states = states.query([])?;
    let mut wrong_states = Vec::new();
    let mut missing = Vec::new();
    let mut state = states.next()?;
    let mut record = records.next()?;
    // The person and type at hand, its state row, and what its records hold; the
    // buffers are reused from one to the next.
    let mut kind: (bool, Vec<u8>) = (false, Vec::new());
    let mut here = StateRow::default();
    let mut group = Group::default();
    while wrong_states.len() < limit || missing.len() < limit {
        // Rows whose person or type is not a number or a text (written in the shell)
        // are problems of their own; SQLite orders them apart from the others, so the
        // merge of the rest is not disturbed by passing them over.
        let state_key = match state {
            Some(r) => match merge_key(r)? {
                Some(k) => Some(k),
                None => {
                    wrong_states.push(Problem {
                        table: "consent_state".into(),
                        id: None,
                        problem: "a current state whose person or type is not stored as a number and a text".into(),
                    });
                    state = states.next()?;
                    continue;
                }
            },
            None => None,
        };
        let record_key = match record {
            Some(r) => match merge_key(r)? {
                Some(k) => Some(k),
                None => {
                    wrong_states.push(Problem {
                        table: "consent_records".into(),
                        id: r.get_ref(5)?.as_i64_or_null()?,
                        problem:
                            "a record whose person or type is not stored as a number and a text"
                                .into(),
                    });
                    record = records.next()?;
                    continue;
                }
            },
            None => None,
        };
        let ((person, blob, k), has_state) = match (state_key, record_key) {
            (None, None) => break,
            (Some(s), Some(r)) if r < s => (r, false),
            (Some(s), _) => (s, true),
            (None, Some(r)) => (r, false),
        };
        kind.0 = blob;
        kind.1.clear();
        kind.1.extend_from_slice(k);
        if has_state && let Some(r) = state {
            // A field of the wrong storage class matches no record.
            here.record_id = r.get_ref(2)?.as_i64().ok();
            here.at.clear();
            here.at.extend_from_slice(text_or_empty(r.get_ref(3)?));
            here.opt_in = r.get_ref(4)?.as_i64().ok();
            here.source.clear();
            here.source.extend_from_slice(text_or_empty(r.get_ref(5)?));
            state = states.next()?;
        }
        group.clear();
        while let Some(r) = record {
            if merge_key(r)? != Some((person, kind.0, kind.1.as_slice())) {
                break;
            }
            let (at, source, opt_in, id) = (
                r.get_ref(2)?,
                r.get_ref(3)?,
                r.get_ref(4)?.as_i64().ok(),
                r.get::<_, i64>(5)?,
            );
            if has_state
                && here.record_id == Some(id)
                && matches!(at, ValueRef::Text(t) if t == here.at.as_slice())
                && matches!(source, ValueRef::Text(t) if t == here.source.as_slice())
                && here.opt_in.is_some()
                && here.opt_in == opt_in
            {
                group.state_record_matches = true;
            }
            group.add(
                text_or_empty(at),
                text_or_empty(source),
                opt_in.unwrap_or(-1),
                id,
            );
            record = records.next()?;
        }
        let kind_text = || String::from_utf8_lossy(&kind.1).into_owned();
        match (has_state, group.expected()) {
            (false, None) => {}
            (false, Some(_)) => missing.push(Problem {
                table: "consent_state".into(),
                id: group.first_id,
                problem: format!(
                    "person {person} has records for {} but no current state",
                    kind_text()
                ),
            }),
            (true, expected) => {
                let wrong = !group.state_record_matches;
                // The state names the record the rule makes current, no other (an
                // older one, or a rule's opt-in where the person has records of their own).
                let other = expected.is_none_or(|(_, id)| here.record_id != Some(id));
                if wrong || other {
                    wrong_states.push(Problem {
                        table: "consent_state".into(),
                        id: here.record_id,
                        problem: format!(
                            "the current state of person {person} for {} is not the newest record{}",
                            kind_text(),
                            if wrong {
                                " (it names a record that does not match)"
                            } else {
                                ""
                            }
                        ),
                    });
                }
            }
        }
    }
    wrong_states.truncate(limit);
    missing.truncate(limit - wrong_states.len());
    wrong_states.extend(missing);
    Ok(wrong_states)
}

/// A row's (person, type) in SQLite's order: the person a number, the type a text (or,
/// written in the shell, a blob: after every text). None for anything else.
fn merge_key<'r>(r: &'r rusqlite::Row<'_>) -> Result<Option<(i64, bool, &'r [u8])>> {
    Ok(match (r.get_ref(0)?, r.get_ref(1)?) {
        (ValueRef::Integer(p), ValueRef::Text(t)) => Some((p, false, t)),
        (ValueRef::Integer(p), ValueRef::Blob(b)) => Some((p, true, b)),
        _ => None,
    })
}

/// A text's bytes; nothing for a value of another kind (it matches no text).
fn text_or_empty(v: ValueRef<'_>) -> &[u8] {
    match v {
        ValueRef::Text(t) => t,
        _ => &[],
    }
}

/// The row of `consent_state` of the person and type at hand.
#[derive(Default)]
struct StateRow {
    record_id: Option<i64>,
    at: Vec<u8>,
    opt_in: Option<i64>,
    source: Vec<u8>,
}

/// A record's place in time: (recorded_at, id), the order of the state's rule.
#[derive(Default)]
struct Newest {
    at: Vec<u8>,
    id: Option<i64>,
}

impl Newest {
    fn offer(&mut self, at: &[u8], id: i64) {
        if self
            .id
            .is_none_or(|mine| (at, id) > (self.at.as_slice(), mine))
        {
            self.at.clear();
            self.at.extend_from_slice(at);
            self.id = Some(id);
        }
    }

    fn get(&self) -> Option<(&[u8], i64)> {
        self.id.map(|id| (self.at.as_slice(), id))
    }
}

/// The records of one person and type, as far as the state check needs them.
#[derive(Default)]
struct Group {
    /// Whether any record is not a rule's.
    own: bool,
    /// The newest record that is not a rule's opt-in, and the newest rule opt-in.
    newest: Newest,
    newest_rule_opt_in: Newest,
    /// The lowest id of the group (where a missing state is reported).
    first_id: Option<i64>,
    /// Whether the record the state names is in the group with the state's fields.
    state_record_matches: bool,
}

impl Group {
    fn clear(&mut self) {
        self.own = false;
        self.newest.id = None;
        self.newest_rule_opt_in.id = None;
        self.first_id = None;
        self.state_record_matches = false;
    }

    fn add(&mut self, at: &[u8], source: &[u8], opt_in: i64, id: i64) {
        self.first_id = Some(self.first_id.map_or(id, |f| f.min(id)));
        self.own |= source != b"rule";
        if source == b"rule" && opt_in == 1 {
            self.newest_rule_opt_in.offer(at, id);
        } else {
            self.newest.offer(at, id);
        }
    }

    /// The record the state must name, as (recorded_at, id): None for a person and
    /// type without records. A rule's opt-in counts only while no record is not a rule's.
    fn expected(&self) -> Option<(&[u8], i64)> {
        match (self.newest.get(), self.newest_rule_opt_in.get()) {
            (Some(n), Some(r)) if !self.own && r > n => Some(r),
            (None, Some(r)) if !self.own => Some(r),
            (n, _) => n,
        }
    }
}

/// Everything `verify` checks, and the counts it walked.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub ok: bool,
    pub consent_records: u64,
    pub audit_entries: u64,
    pub problems: Vec<Problem>,
}

/// How many problems of one kind are listed (the first names where to start).
const LIMIT: usize = 20;

/// How many record ids one piece of the ledger's chain check covers, at least.
const CHAIN_PIECE: i64 = 1 << 16;
/// At most this many pieces, however far apart the ids are.
const PIECES: i128 = 256;

/// The whole check: both chains from the first row, the schema, the current state.
/// Two cores share it: a second connection, each in its own read transaction, walks
/// the audit log and then pieces of the ledger's chain while this one checks the
/// schema, the state and the objections, and then takes the pieces still left (each
/// piece verifies against the stored hash before it; see
/// [`ledger::verify_consent_range`]).
pub fn verify(conn: &Connection, path: &std::path::Path) -> Result<Report> {
    verify_in_pieces(conn, path, CHAIN_PIECE)
}

fn verify_in_pieces(conn: &Connection, path: &std::path::Path, piece: i64) -> Result<Report> {
    let tx = conn.unchecked_transaction()?;
    // The ids the ledger holds, whatever they are (one written in the shell may be 0,
    // negative or huge): at most PIECES pieces of at least `piece` ids each.
    let (first, last): (Option<i64>, Option<i64>) =
        tx.query_row("SELECT min(id), max(id) FROM consent_records", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let (first, last) = (first.unwrap_or(0), last.unwrap_or(0));
    // What the other connection walks ends where this one's view ends: the counts said
    // are of one moment, whatever is written meanwhile.
    let last_entry: i64 = tx.query_row("SELECT coalesce(max(id), 0) FROM audit_log", [], |r| {
        r.get(0)
    })?;
    let past = ledger::seal_past(&tx, last)?;
    let span = i128::from(last) - i128::from(first) + 1;
    let len = i128::from(piece.max(1)).max((span + PIECES - 1) / PIECES);
    let count = if span > 0 { (span + len - 1) / len } else { 0 };
    let next = AtomicI64::new(0);
    // Pieces until none is left; each with its first id, count and first break. The
    // first piece has no lower bound.
    let pieces = |c: &Connection| -> Result<Vec<(i128, u64, Option<ledger::ChainBreak>)>> {
        let mut done = Vec::new();
        loop {
            let k = i128::from(next.fetch_add(1, Ordering::Relaxed));
            if k >= count {
                return Ok(done);
            }
            let start = i128::from(first) + k * len;
            let after = (k > 0).then(|| (start - 1) as i64);
            // To the newest record this check saw (a seal past it: `seal_past`).
            let until = (start + len - 1).min(i128::from(last)) as i64;
            let (n, brk) = ledger::verify_consent_range(c, after, until)?;
            done.push((start, n, brk));
        }
    };
    let (mut problems, mut walked, audit) = std::thread::scope(|scope| -> Result<_> {
        let other = scope.spawn(|| -> Result<_> {
            let other = super::open::open_for_verify(path)?;
            let tx = other.unchecked_transaction()?;
            let audit = ledger::verify_audit_until(&tx, last_entry)?;
            Ok((audit, pieces(&tx)?))
        });
        let mut problems = schema_problems(&tx)?;
        problems.extend(state_problems(&tx, LIMIT)?);
        problems.extend(objection_problems(&tx, LIMIT)?);
        let mut walked = pieces(&tx)?;
        let (audit, theirs) = other
            .join()
            .map_err(|_| anyhow::anyhow!("the chain check stopped unexpectedly"))??;
        walked.extend(theirs);
        Ok((problems, walked, audit))
    })?;
    drop(tx);
    // As one walk from the first record: the count up to the first break.
    walked.sort_by_key(|p| p.0);
    let mut records = 0;
    let mut consent_break = None;
    for (_, n, brk) in walked {
        records += n;
        if brk.is_some() {
            consent_break = brk;
            break;
        }
    }
    let consent_break = consent_break.or(past);
    let (entries, audit_break) = audit;
    for b in [consent_break, audit_break].into_iter().flatten() {
        problems.insert(
            0,
            Problem {
                table: b.table.into(),
                id: Some(b.id),
                problem: b.problem,
            },
        );
    }
    Ok(Report {
        ok: problems.is_empty(),
        consent_records: records,
        audit_entries: entries,
        problems,
    })
}

/// What `init` did to a database that was changed outside smp-avg.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Restored {
    /// Triggers, views and indexes (re)created as schema.sql has them.
    pub objects: Vec<String>,
    /// Foreign triggers and views removed (--repair only).
    pub removed: Vec<String>,
    /// Rows written outside smp-avg, now sealed into the chains (--repair only).
    pub sealed: u64,
    /// Their ids: the consent records and audit entries accepted as they are.
    pub sealed_records: Vec<i64>,
    pub sealed_audit_entries: Vec<i64>,
    /// Whether the current state was rebuilt from the ledger (--repair only).
    pub state_rebuilt: bool,
}

/// Put back what schema.sql defines (missing or changed triggers, views, indexes). With
/// `repair`, also remove foreign triggers and views, seal rows written outside smp-avg
/// and rebuild the current state from the ledger: the operator accepts what was
/// written, and the audit log says so. A chain whose hashes do not match stays as it
/// is: `verify` keeps naming where it breaks.
pub fn restore(conn: &Connection, repair: bool) -> Result<Restored> {
    let mut done = Restored::default();
    if repair {
        let want = expected()?;
        for h in migrate::derived_objects(conn)? {
            if h.kind != "index" && !want.iter().any(|w| w.name == h.name) {
                conn.execute_batch(&format!(
                    "DROP {} \"{}\"",
                    h.kind.to_uppercase(),
                    h.name.replace('"', "\"\"")
                ))?;
                done.removed.push(format!("{} {}", h.kind, h.name));
            }
        }
    }
    done.objects = migrate::sync_derived_objects(conn, migrate::SCHEMA)?;
    if repair {
        let ids = |sql: &str| -> Result<Vec<i64>> {
            let mut stmt = conn.prepare(sql)?;
            let ids = stmt
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<i64>>>()?;
            Ok(ids)
        };
        done.sealed_records = ids(
            "SELECT id FROM consent_records WHERE id > (SELECT coalesce(max(record_id), 0) FROM consent_chain) ORDER BY id",
        )?;
        done.sealed_audit_entries = ids("SELECT id FROM audit_log WHERE hash IS NULL ORDER BY id")?;
        let sealed = ledger::seal(conn)?;
        done.sealed = sealed.consent_records + sealed.audit_entries;
        conn.execute_batch(
            "DELETE FROM consent_state;
             INSERT INTO consent_state (person_id, type, record_id, recorded_at, opt_in, source)
                 SELECT person_id, type, record_id, recorded_at, opt_in, source FROM consent_state_expected;",
        )?;
        done.state_rebuilt = true;
    }
    Ok(done)
}

/// Whether the database needs `restore`: triggers, views or indexes not as shipped, or
/// rows written outside smp-avg.
pub fn needs_restore(conn: &Connection) -> Result<bool> {
    Ok(!schema_problems(conn)?.is_empty() || ledger::first_unsealed(conn)?.is_some())
}

/// A lasting objection must still be there: every person unsubscribed from everything
/// (an `unsubscribe-all` entry in the audit log) and not anonymised has `objected_at`,
/// and, while they hold an address, an `unsubscribed_all` suppression of it unless one
/// was taken off the list since (`suppression remove`, audited).
pub fn objection_problems(conn: &Connection, limit: usize) -> Result<Vec<Problem>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT p.id, a.id, p.objected_at IS NULL,
                p.email IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM suppressions x WHERE x.hash = {f}(p.email) AND x.reason = 'unsubscribed_all')
                  AND NOT EXISTS (SELECT 1 FROM audit_log r WHERE r.command = 'suppression remove' AND r.id > a.id)
         FROM persons p
         JOIN (SELECT person_id, max(id) AS id FROM audit_log
               WHERE command = 'unsubscribe-all' AND person_id IS NOT NULL GROUP BY person_id) a
           ON a.person_id = p.id
         WHERE p.anonymised_at IS NULL
         LIMIT ?1",
        f = super::suppression::SQL_FUNCTION
    ))?;
    let mut out = Vec::new();
    let mut rows = stmt.query([limit as i64])?;
    while let Some(r) = rows.next()? {
        let (person, entry, no_date, no_suppression): (i64, i64, bool, bool) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        if no_date || no_suppression {
            out.push(Problem {
                table: "persons".into(),
                id: Some(person),
                problem: format!(
                    "the lasting objection of audit entry {entry} (unsubscribe-all) is gone{}",
                    if no_date {
                        " (objected_at was cleared)"
                    } else {
                        " (the address is no longer suppressed)"
                    }
                ),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::db::migrate::migrate(&mut conn).unwrap();
        crate::db::defaults::ensure(&conn).unwrap();
        conn.execute_batch(
            "INSERT INTO consent_types (code, label, kind, created_at) VALUES
                 ('a', 'A', 'newsletter', '2026-01-01T00:00:00Z'),
                 ('b', 'B', 'newsletter', '2026-01-01T00:00:00Z');
             INSERT INTO persons (id, created_at) VALUES
                 (1, '2026-01-01T00:00:00Z'), (2, '2026-01-01T00:00:00Z'), (3, '2026-01-01T00:00:00Z');",
        )
        .unwrap();
        conn
    }

    /// (person, type, day, source, opt_in) of a record.
    type Rec = (i64, &'static str, u32, &'static str, i64);

    fn add(conn: &Connection, (person, kind, day, source, opt_in): Rec) {
        conn.execute(
            "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, source)
             VALUES (printf('2026-01-%02dT00:00:00Z', ?1), ?2, ?3, ?4, 'SMP', ?5)",
            rusqlite::params![day, person, kind, opt_in, source],
        )
        .unwrap();
    }

    fn record() -> impl Strategy<Value = Rec> {
        (
            1i64..=3,
            prop_oneof![Just("a"), Just("b")],
            1u32..=5,
            prop_oneof![
                Just("person"),
                Just("rule"),
                Just("import"),
                Just("operator")
            ],
            0i64..=1,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The merge finds nothing wrong with a state the triggers kept, in any order of
        /// writing (back-dated records, rule opt-ins before and after one's own), and
        /// agrees with the view `consent_state_expected`.
        #[test]
        fn the_state_the_triggers_keep_passes(records in proptest::collection::vec(record(), 0..24)) {
            let conn = db();
            for r in &records {
                add(&conn, *r);
            }
            prop_assert_eq!(state_problems(&conn, 20).unwrap(), vec![]);
            let differs: i64 = conn.query_row(
                "SELECT count(*) FROM (SELECT * FROM consent_state EXCEPT SELECT * FROM consent_state_expected)",
                [], |r| r.get(0)).unwrap();
            prop_assert_eq!(differs, 0);
        }
    }

    #[test]
    fn the_chain_checked_in_pieces_reports_as_one_walk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crm.sqlite");
        let conn = sealed_ledger(
            &path,
            (1..=10).map(|day| (1, "a", day % 28 + 1, "person", i64::from(day % 2))),
        );
        for piece in [1, 2, 3, 64] {
            let report = verify_in_pieces(&conn, &path, piece).unwrap();
            assert!(report.ok, "{:?}", report.problems);
            assert_eq!(report.consent_records, 10);
        }
        conn.execute_batch(
            "DROP TRIGGER consent_records_no_update;
             UPDATE consent_records SET channel = 'brief' WHERE id IN (4, 7);",
        )
        .unwrap();
        for piece in [1, 2, 3, 64] {
            let report = verify_in_pieces(&conn, &path, piece).unwrap();
            assert_eq!(report.consent_records, 4, "piece {piece}");
            let first = &report.problems[0];
            assert_eq!(
                (first.table.as_str(), first.id),
                ("consent_records", Some(4))
            );
        }
        // Records typed in the shell with an id below the first and far past the last:
        // each walked, none waited for.
        conn.execute_batch(
            "UPDATE consent_records SET channel = 'SMP' WHERE id IN (4, 7);
             INSERT INTO consent_records (id, recorded_at, person_id, type, opt_in, channel, source) VALUES
                 (-5, '2026-01-02T00:00:00Z', 1, 'a', 1, 'webformulier', 'person'),
                 (9223372036854775807, '2026-01-02T00:00:00Z', 1, 'a', 1, 'webformulier', 'person');",
        )
        .unwrap();
        first_break_in_any_pieces(&conn, &path, -5);
    }

    #[test]
    fn a_state_changed_behind_the_tools_back_is_found() {
        let conn = db();
        for r in [
            (1, "a", 1, "person", 1),
            (1, "a", 2, "person", 0),
            (1, "b", 1, "rule", 1),
            (1, "b", 3, "person", 0),
            (2, "a", 4, "rule", 1),
            (3, "b", 2, "import", 1),
        ] {
            add(&conn, r);
        }
        assert_eq!(state_problems(&conn, 20).unwrap(), vec![]);
        // The older opt-in named as the state of 1/a; the rule's opt-in as that of 1/b
        // (the person's own opt-out outranks it); 2/a gone; a state without records.
        conn.execute_batch(
            "UPDATE consent_state SET record_id = 1, recorded_at = '2026-01-01T00:00:00Z', opt_in = 1
                 WHERE person_id = 1 AND type = 'a';
             UPDATE consent_state SET record_id = 3, recorded_at = '2026-01-01T00:00:00Z', opt_in = 1, source = 'rule'
                 WHERE person_id = 1 AND type = 'b';
             DELETE FROM consent_state WHERE person_id = 2;
             INSERT INTO consent_state VALUES (3, 'a', 6, '2026-01-02T00:00:00Z', 1, 'import');",
        )
        .unwrap();
        let found: Vec<(Option<i64>, String)> = state_problems(&conn, 20)
            .unwrap()
            .into_iter()
            .map(|p| (p.id, p.problem))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    Some(1),
                    "the current state of person 1 for a is not the newest record".into()
                ),
                (
                    Some(3),
                    "the current state of person 1 for b is not the newest record".into()
                ),
                (
                    Some(6),
                    "the current state of person 3 for a is not the newest record (it names a record that does not match)".into()
                ),
                (
                    Some(5),
                    "person 2 has records for a but no current state".into()
                ),
            ]
        );
        // The limit holds.
        assert_eq!(state_problems(&conn, 2).unwrap().len(), 2);
    }

    /// Values of another storage class than the tool writes (a blob, a word for a
    /// number), and a rule's opt-in named as the state where the person's own, older
    /// opt-out is the one that counts: each found, none an error.
    #[test]
    fn a_state_of_the_wrong_kind_or_a_rules_opt_in_over_ones_own_is_found() {
        for tamper in [
            "UPDATE consent_state SET recorded_at = CAST(recorded_at AS BLOB) WHERE person_id = 1 AND type = 'a'",
            "UPDATE consent_state SET source = CAST(source AS BLOB) WHERE person_id = 1 AND type = 'a'",
            "UPDATE consent_state SET type = CAST(type AS BLOB) WHERE person_id = 1 AND type = 'a'",
            "UPDATE consent_state SET opt_in = 'yes' WHERE person_id = 1 AND type = 'a'",
            "UPDATE consent_state SET opt_in = 1.5 WHERE person_id = 1 AND type = 'a'",
            "UPDATE consent_state SET person_id = 'een' WHERE person_id = 1 AND type = 'a'",
            "UPDATE consent_state SET record_id = 3, recorded_at = '2026-01-04T00:00:00Z', opt_in = 1, source = 'rule'
                 WHERE person_id = 2 AND type = 'b'",
        ] {
            let conn = db();
            for r in [
                (1, "a", 1, "person", 1),
                (1, "b", 2, "person", 1),
                (2, "b", 4, "rule", 1),
                (2, "b", 3, "person", 0),
            ] {
                add(&conn, r);
            }
            assert_eq!(state_problems(&conn, 20).unwrap(), vec![]);
            conn.execute_batch(tamper).unwrap();
            let found = state_problems(&conn, 20).unwrap();
            assert!(!found.is_empty(), "not found: {tamper}");
        }
    }

    /// A database file with person 1, type 'a' and `records`, sealed.
    fn sealed_ledger(path: &std::path::Path, records: impl IntoIterator<Item = Rec>) -> Connection {
        let mut conn = Connection::open(path).unwrap();
        crate::db::migrate::migrate(&mut conn).unwrap();
        crate::db::defaults::ensure(&conn).unwrap();
        crate::db::suppression::register(&conn).unwrap();
        conn.execute_batch(
            "INSERT INTO consent_types (code, label, kind, created_at) VALUES ('a', 'A', 'newsletter', '2026-01-01T00:00:00Z');
             INSERT INTO persons (id, created_at) VALUES (1, '2026-01-01T00:00:00Z');",
        )
        .unwrap();
        for r in records {
            add(&conn, r);
        }
        ledger::seal(&conn).unwrap();
        conn
    }

    /// Whatever the size of the pieces, the first break named is the ledger's record `id`.
    fn first_break_in_any_pieces(conn: &Connection, path: &std::path::Path, id: i64) {
        for piece in [1, 2, 64] {
            let report = verify_in_pieces(conn, path, piece).unwrap();
            let first = &report.problems[0];
            assert_eq!(
                (first.table.as_str(), first.id),
                ("consent_records", Some(id))
            );
        }
    }

    fn ledger_of_six(path: &std::path::Path) -> Connection {
        sealed_ledger(path, (1..=6).map(|day| (1, "a", day, "person", 1)))
    }

    /// A seal not stored as a hash at the end of a piece, and a seal past the last
    /// record: each named where it is, in pieces of any size; writers refuse the second.
    #[test]
    fn a_seal_out_of_place_or_of_the_wrong_kind_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.sqlite");
        let conn = ledger_of_six(&path);
        conn.execute_batch(
            "DROP TRIGGER consent_chain_no_update;
             UPDATE consent_chain SET hash = '0123456789abcdef0123456789abcdef' WHERE record_id = 2;",
        )
        .unwrap();
        for piece in [1, 2, 3, 64] {
            let report = verify_in_pieces(&conn, &path, piece).unwrap();
            assert_eq!(report.problems[0].id, Some(2), "piece {piece}");
        }
        let path = dir.path().join("b.sqlite");
        let conn = ledger_of_six(&path);
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF; DROP TRIGGER consent_records_no_delete;
             DELETE FROM consent_records WHERE id = 6;",
        )
        .unwrap();
        first_break_in_any_pieces(&conn, &path, 6);
        // With the trigger back (`init`), writers still refuse: repair cannot help.
        restore(&conn, false).unwrap();
        let refused = check_writable(&conn).unwrap_err().to_string();
        assert!(refused.contains("cannot seal it in order"), "{refused}");
    }
}
