#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! consent_state always equals "the newest record per person and type" by the rule of
//! the state (latest recorded_at; at the same instant, the record inserted last; a rule's
//! soft opt-in never over a record of the person's own), whatever the order of inserts
//! and whichever way they came in: one at a time through the triggers (every client,
//! the sqlite3 shell included), or as the bulk loads of smp-avg write them (triggers off,
//! grouped by person and type, then one set-based statement; `subscribe --csv` in time
//! order within a pair, then its own statements). A property test against
//! view consent_state_expected and a from-scratch recomputation.
use proptest::prelude::*;
use rusqlite::Connection;
use smp_avg::db::consent::{update_state_after_load, update_state_since, without_state_triggers};

fn fresh() -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    smp_avg::db::migrate::migrate(&mut conn).unwrap();
    conn.execute_batch(
        "INSERT INTO consent_types (code, label, kind, created_at) VALUES
            ('a', 'A', 'newsletter', '2026-01-01T00:00:00Z'), ('b', 'B', 'other', '2026-01-01T00:00:00Z');
         INSERT INTO persons (id, created_at) VALUES (1, '2026-01-01T00:00:00Z'), (2, '2026-01-01T00:00:00Z'), (3, '2026-01-01T00:00:00Z');",
    )
    .unwrap();
    conn
}

type State = Vec<(i64, String, i64, String, i64)>;

fn maintained(conn: &Connection) -> State {
    conn.prepare("SELECT person_id, type, opt_in, recorded_at, record_id FROM consent_current ORDER BY person_id, type")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn expected(conn: &Connection) -> State {
    conn.prepare("SELECT person_id, type, opt_in, recorded_at, record_id FROM consent_state_expected ORDER BY person_id, type")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The rule written out once more, without the view: per pair, drop the rule opt-ins
/// when the person has a record of their own, then the latest time, then the highest id.
fn recomputed(conn: &Connection) -> State {
    conn.prepare(
        "SELECT person_id, type, opt_in, recorded_at, id FROM (
            SELECT *, row_number() OVER (PARTITION BY person_id, type ORDER BY recorded_at DESC, id DESC) AS n
            FROM consent_records c
            WHERE NOT (source = 'rule' AND opt_in = 1 AND
                (SELECT count(*) FROM consent_records o WHERE o.person_id = c.person_id AND o.type = c.type AND o.source <> 'rule') > 0))
         WHERE n = 1 ORDER BY person_id, type",
    )
    .unwrap()
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// One record: person, type a or b, one of six instants, opt-in, and who made it.
type Rec = (i64, bool, u8, bool, u8);

const SOURCES: [&str; 4] = ["person", "operator", "import", "rule"];

fn insert(conn: &Connection, (person, type_a, instant, opt_in, source): Rec) {
    conn.execute(
        "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, source) VALUES (?1, ?2, ?3, ?4, 'test', ?5)",
        rusqlite::params![
            format!("2026-01-0{}T12:00:00Z", instant + 1),
            person,
            if type_a { "a" } else { "b" },
            opt_in,
            SOURCES[source as usize % 4]
        ],
    )
    .unwrap();
}

/// A bulk load as smp-avg writes one: triggers off, records grouped by person and type
/// (in the file's order within a pair), then the state of the touched pairs, set-based.
/// `grouped` false appends them in the file's order instead.
fn bulk(conn: &Connection, mut records: Vec<Rec>, grouped: bool) {
    let first: i64 = conn
        .query_row(
            "SELECT coalesce(max(id), 0) + 1 FROM consent_records",
            [],
            |r| r.get(0),
        )
        .unwrap();
    if grouped {
        // A stable sort: the file's order within a pair.
        records.sort_by_key(|r| (r.0, !r.1));
    }
    without_state_triggers(conn, || {
        for r in &records {
            insert(conn, *r);
        }
        Ok(())
    })
    .unwrap();
    update_state_since(conn, first).unwrap();
}

/// A load as `subscribe --csv` writes one: no rule's records, grouped by person and
/// type and in time order within a pair (then the file's), triggers off, then
/// [`update_state_after_load`], told as the import tells it whether a pair it wrote to
/// had a rule's soft opt-in as its state.
fn load(conn: &Connection, mut records: Vec<Rec>) {
    let first: i64 = conn
        .query_row(
            "SELECT coalesce(max(id), 0) + 1 FROM consent_records",
            [],
            |r| r.get(0),
        )
        .unwrap();
    for r in &mut records {
        r.4 %= 3; // person, operator or import
    }
    records.sort_by_key(|r| (r.0, !r.1, r.2));
    let outranks = records.iter().any(|r| {
        conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM consent_state WHERE person_id = ?1 AND type = ?2
                              AND opt_in = 1 AND source = 'rule')",
            rusqlite::params![r.0, if r.1 { "a" } else { "b" }],
            |x| x.get::<_, bool>(0),
        )
        .unwrap()
    });
    without_state_triggers(conn, || {
        for r in &records {
            insert(conn, *r);
        }
        Ok(())
    })
    .unwrap();
    update_state_after_load(conn, first, outranks).unwrap();
}

fn record() -> impl Strategy<Value = Rec> {
    (1i64..=3, prop::bool::ANY, 0u8..6, prop::bool::ANY, 0u8..4)
}

#[derive(Debug, Clone)]
enum Write {
    One(Rec),
    Bulk(Vec<Rec>, bool),
    Load(Vec<Rec>),
}

fn write() -> impl Strategy<Value = Write> {
    prop_oneof![
        3 => record().prop_map(Write::One),
        1 => (prop::collection::vec(record(), 0..25), prop::bool::ANY).prop_map(|(r, g)| Write::Bulk(r, g)),
        1 => prop::collection::vec(record(), 0..25).prop_map(Write::Load),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// One record at a time through the triggers, from every source.
    #[test]
    fn maintained_state_equals_recomputation(inserts in prop::collection::vec(record(), 1..60)) {
        let conn = fresh();
        // Few distinct instants, so that ties and back-dated records are common.
        for r in inserts {
            insert(&conn, r);
            let state = maintained(&conn);
            prop_assert_eq!(&state, &expected(&conn));
            prop_assert_eq!(&state, &recomputed(&conn));
        }
    }

    /// Bulk loads (grouped as the rule run and the demo write them, or not; or as
    /// `subscribe --csv` writes them) mixed with single inserts (rules' soft opt-ins
    /// among them) and back-dated rows.
    #[test]
    fn bulk_loads_and_single_inserts_keep_the_state(writes in prop::collection::vec(write(), 1..12)) {
        let conn = fresh();
        for w in writes {
            match w {
                Write::One(r) => insert(&conn, r),
                Write::Bulk(records, grouped) => bulk(&conn, records, grouped),
                Write::Load(records) => load(&conn, records),
            }
            let state = maintained(&conn);
            prop_assert_eq!(&state, &expected(&conn));
            prop_assert_eq!(&state, &recomputed(&conn));
        }
    }
}

#[test]
fn the_shell_can_insert_and_state_follows() {
    // The state is kept by a trigger, not by Rust: any writer keeps it right.
    let conn = fresh();
    conn.execute_batch(
        "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel) VALUES
            ('2026-02-01T00:00:00Z', 1, 'a', 1, 'x'), ('2026-01-01T00:00:00Z', 1, 'a', 0, 'y');",
    )
    .unwrap();
    assert_eq!(maintained(&conn)[0].2, 1);
}

#[test]
fn a_first_own_record_ends_a_rule_opt_in_but_not_a_newer_rule_opt_out() {
    // A rule opted the person out (day 2), a later rule opted them in (day 3), then the
    // person's own back-dated opt-in arrives (day 1): the rule opt-in no longer counts,
    // and the newest of the rest is the rule's opt-out of day 2.
    let conn = fresh();
    insert(&conn, (1, true, 1, false, 3));
    insert(&conn, (1, true, 2, true, 3));
    insert(&conn, (1, true, 0, true, 0));
    assert_eq!(maintained(&conn), expected(&conn));
    assert_eq!(maintained(&conn)[0].2, 0);
}

#[test]
fn a_bulk_load_leaves_untouched_pairs_alone_and_writes_no_trigger_work() {
    let conn = fresh();
    insert(&conn, (2, false, 3, true, 0));
    let before: i64 = conn
        .query_row(
            "SELECT record_id FROM consent_state WHERE person_id = 2",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // Triggers off: the records alone, no state, until the set-based statement.
    without_state_triggers(&conn, || {
        insert(&conn, (1, true, 0, true, 0));
        let states: i64 = conn
            .query_row("SELECT count(*) FROM consent_state", [], |r| r.get(0))
            .unwrap();
        assert_eq!(states, 1);
        Ok(())
    })
    .unwrap();
    // And on again afterwards, for this connection too.
    insert(&conn, (3, true, 0, true, 0));
    assert_eq!(
        conn.query_row(
            "SELECT count(*) FROM consent_state WHERE person_id = 3",
            [],
            |r| r.get::<_, i64>(0)
        )
        .unwrap(),
        1
    );
    update_state_since(&conn, 2).unwrap();
    assert_eq!(maintained(&conn), expected(&conn));
    let after: i64 = conn
        .query_row(
            "SELECT record_id FROM consent_state WHERE person_id = 2",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(before, after);
}
