#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! consent_current always equals "newest record per person and type" (latest
//! recorded_at; at the same instant, the record inserted last), whatever the order of
//! inserts: a property test against a from-scratch recomputation.
use proptest::prelude::*;
use rusqlite::Connection;

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

fn maintained(conn: &Connection) -> Vec<(i64, String, i64, String, i64)> {
    conn.prepare("SELECT person_id, type, opt_in, recorded_at, record_id FROM consent_current ORDER BY person_id, type")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn recomputed(conn: &Connection) -> Vec<(i64, String, i64, String, i64)> {
    conn.prepare(
        "SELECT person_id, type, opt_in, recorded_at, id FROM (
            SELECT *, row_number() OVER (PARTITION BY person_id, type ORDER BY recorded_at DESC, id DESC) AS n
            FROM consent_records) WHERE n = 1 ORDER BY person_id, type",
    )
    .unwrap()
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn maintained_state_equals_recomputation(
        inserts in prop::collection::vec((1i64..=3, prop::bool::ANY, 0u8..6, prop::bool::ANY), 1..60)
    ) {
        let conn = fresh();
        // Few distinct instants, so that ties and back-dated records are common.
        for (person, type_a, instant, opt_in) in inserts {
            conn.execute(
                "INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel) VALUES (?1, ?2, ?3, ?4, 'test')",
                rusqlite::params![format!("2026-01-0{}T12:00:00Z", instant + 1), person, if type_a { "a" } else { "b" }, opt_in],
            ).unwrap();
            prop_assert_eq!(maintained(&conn), recomputed(&conn));
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
