#!/usr/bin/env bash
# The benchmark of smp-avg: builds the release binary, creates a demo database and
# times every main command against the same work done by hand in the sqlite3 shell,
# each on its own copy of the same database. Every run reports its wall time and its
# peak resident memory (GNU time's %M, the "Maximum resident set size" of
# `/usr/bin/time -v`). Prints a table and writes it to BENCHMARKS.md.
#
#   bench/run.sh                      1,000,000 persons, 1,000,000 CSV rows (about 10 minutes on 2 cores)
#   PERSONS=5000000 bench/run.sh      1,000,000 and then 5,000,000 persons (10,000,000 CSV rows,
#                                     over 10 million consent records), with the growth per command
#                                     (about 45 minutes; some 25 GB of disk at the peak)
#   RUNS=1 PERSONS=100000 bench/run.sh                a quick look
#   REPORT_ONLY=1 PERSONS=… bench/run.sh               the tables again from the last run's bench/work/results.tsv
#
# ratio = the shell's time / smp-avg's time: above 1 means smp-avg is faster.
# growth = the time at 5M / the time at 1M, next to how much the data grew (5x the
# persons; 10x the rows of the bulk load).
#
# The floor of the bulk load is the ledger and its indexes alone: the same rows typed
# into the sqlite3 shell, sorted by person, with the state triggers dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=${WORK:-$root/bench/work}
persons=${PERSONS:-1000000}
mkdir -p "$work"
command -v sqlite3 >/dev/null || { echo "bench needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench needs python3" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench needs GNU time (apt-get install time)" >&2; exit 1; }

results=$work/results.tsv
if [ -z "${REPORT_ONLY:-}" ]; then
cargo build --release -q
bin=$root/target/release/smp-avg
: > "$results"

median() { python3 -c "import statistics,sys; print(f'{statistics.median(float(x) for x in sys.argv[1:]):.2f}')" "$@"; }
maxof() { python3 -c "import sys; print(max(int(x) for x in sys.argv[1:]))" "$@"; }
# run CMD…: one run, output discarded; its seconds and peak kilobytes in $s and $k.
run() {
  /usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || { cat "$work/stderr.txt" >&2; exit 1; }
  read -r s k < "$work/time.txt"
}
fresh() { rm -f "$work/run.sqlite" "$work/run.sqlite-wal" "$work/run.sqlite-shm"; cp "$1" "$work/run.sqlite"; }
# record SIZE NAME OURS_S OURS_KB SHELL_S SHELL_KB HOW
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$results"; }
# measure SIZE NAME RUNS DB "smp-avg command" "shell SQL file or empty" HOW: the median
# time and the highest peak memory over the runs, each on a fresh copy of DB (or on DB
# itself when it is "-", for reading commands).
measure() {
  local size=$1 name=$2 runs=$3 db=$4 ours=$5 sql=$6 how=$7 at=() ak=() bt=() bk=()
  for _ in $(seq "$runs"); do
    [ "$db" = - ] || fresh "$db"
    run bash -c "$ours"; at+=("$s"); ak+=("$k")
    if [ -n "$sql" ]; then
      [ "$db" = - ] || fresh "$db"
      run sqlite3 "${target:-$work/run.sqlite}" ".read $sql"; bt+=("$s"); bk+=("$k")
    fi
  done
  if [ -n "$sql" ]; then
    record "$size" "$name" "$(median "${at[@]}")" "$(maxof "${ak[@]}")" "$(median "${bt[@]}")" "$(maxof "${bk[@]}")" "$how"
  else
    record "$size" "$name" "$(median "${at[@]}")" "$(maxof "${ak[@]}")" "" "" "$how"
  fi
}

bench_size() {
  local n=$1 runs rows
  runs=${RUNS:-$([ "$n" -gt 1000000 ] && echo 1 || echo 3)}
  rows=${ROWS:-$([ "$n" -gt 1000000 ] && echo $((2 * n)) || echo "$n")}
  local base=$work/base-$n.sqlite after=$work/after-$n.sqlite
  echo "== $n persons, $rows CSV rows, $runs run(s) per command" >&2

  # 1. init --demo (generated in Rust: no shell equivalent)
  rm -f "$base" "$base-wal" "$base-shm"
  run "$bin" --db "$base" init --demo "$n"
  record "$n" "init --demo ($(python3 -c "print(f'{$n / $s:,.0f}')") persons/s)" "$s" "$k" "" "" ""
  sqlite3 "$base" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null

  # 2. run-soft-optins, first run: the two default rules as one INSERT … SELECT each.
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  cat > "$work/rules.sql" <<SQL
PRAGMA foreign_keys = ON;
BEGIN IMMEDIATE;
WITH rule_query(person_id) AS (SELECT id FROM persons)
INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description)
SELECT DISTINCT '$now', q.person_id, 'profileren', 1, 'SMP', 'Zachte profileren opt-in'
FROM rule_query q JOIN persons p ON p.id = q.person_id AND p.anonymised_at IS NULL
WHERE NOT EXISTS (SELECT 1 FROM consent_records r WHERE r.person_id = q.person_id AND r.type = 'profileren');
WITH rule_query(person_id) AS (SELECT DISTINCT person_id FROM transactions)
INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description)
SELECT DISTINCT '$now', q.person_id, 'servicemail', 1, 'SMP', 'Zachte servicemail opt-in'
FROM rule_query q JOIN persons p ON p.id = q.person_id AND p.anonymised_at IS NULL
WHERE NOT EXISTS (SELECT 1 FROM consent_records r WHERE r.person_id = q.person_id AND r.type = 'servicemail');
COMMIT;
SQL
  measure "$n" "run-soft-optins (first run)" "$runs" "$base" "'$bin' --db '$work/run.sqlite' run-soft-optins" "$work/rules.sql" "sqlite3 shell"

  # The database after one rule run: the starting point of the rest.
  rm -f "$after" "$after-wal" "$after-shm"; cp "$base" "$after"; "$bin" --db "$after" run-soft-optins >/dev/null
  sqlite3 "$after" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
  rm -f "$base" "$base-wal" "$base-shm"
  local records
  records=$(sqlite3 "$after" "SELECT count(*) FROM consent_records")

  # 3. query audience (read only: the same file for every run)
  cat > "$work/audience.sql" <<'SQL'
.headers on
.mode csv
SELECT p.id AS person_id, p.first_name, p.infix, p.last_name, p.email
FROM consent_state s JOIN mailable_persons p ON p.id = s.person_id
WHERE s.type = 'nieuwsbrief' AND s.opt_in = 1 ORDER BY s.person_id;
SQL
  local audience
  audience=$("$bin" --db "$after" query audience --type nieuwsbrief --format csv | tail -n +2 | wc -l)
  target=$after measure "$n" "query audience --type nieuwsbrief --format csv ($audience rows, $records records)" "$runs" - "'$bin' --db '$after' query audience --type nieuwsbrief --format csv" "$work/audience.sql" "sqlite3 shell (current opt-in and mailable only)"

  # 4. profile run
  cat > "$work/profile.sql" <<SQL
PRAGMA foreign_keys = ON;
BEGIN IMMEDIATE;
DELETE FROM scores WHERE person_id NOT IN (
    SELECT s.person_id FROM consent_state s JOIN consent_types t ON t.code = s.type AND t.kind = 'profiling'
    JOIN persons p ON p.id = s.person_id AND p.anonymised_at IS NULL GROUP BY s.person_id HAVING min(s.opt_in) = 1);
WITH eligible AS (
    SELECT s.person_id FROM consent_state s JOIN consent_types t ON t.code = s.type AND t.kind = 'profiling'
    JOIN persons p ON p.id = s.person_id AND p.anonymised_at IS NULL GROUP BY s.person_id HAVING min(s.opt_in) = 1),
 facts AS (SELECT t.person_id, max(0, CAST(julianday('$now') - julianday(max(t.occurred_at)) AS INTEGER)) AS recency_days,
        count(*) AS frequency, round(sum(CAST(t.amount AS REAL)), 2) AS monetary
    FROM transactions t JOIN eligible e ON e.person_id = t.person_id GROUP BY t.person_id),
 ranked AS (SELECT person_id, recency_days, frequency, monetary,
        ntile(5) OVER (ORDER BY recency_days DESC, person_id) AS r, ntile(5) OVER (ORDER BY frequency, person_id) AS f,
        ntile(5) OVER (ORDER BY monetary, person_id) AS m FROM facts)
INSERT OR REPLACE INTO scores (person_id, recency_days, frequency, monetary, r_score, f_score, m_score, rfm, computed_at)
SELECT person_id, recency_days, frequency, printf('%.2f', monetary), r, f, m, r || f || m, '$now' FROM ranked;
COMMIT;
SQL
  measure "$n" "profile run" "$runs" "$after" "'$bin' --db '$work/run.sqlite' profile run" "$work/profile.sql" "sqlite3 shell"

  # 5. retention sweep: anonymise --inactive-for 5y; by hand, the same selection (an
  # active relation as smp-avg defines it) and the same erasure statements smp-avg runs
  # (sha3 standing in for the keyed hash of the suppression list). What smp-avg does
  # besides, in Rust, has no statement to type: reading the values to look for, taking
  # the erased names out of shared texts, and the byte scan that proves the erasure.
  cutoff=$(date -u -d '5 years ago' +%Y-%m-%dT%H:%M:%SZ)
  today=$(date -u +%Y-%m-%d)
  cat > "$work/anonymise.sql" <<SQL
PRAGMA foreign_keys = ON;
PRAGMA secure_delete = ON;
BEGIN IMMEDIATE;
CREATE TEMP TABLE anonymise_ids (id INTEGER PRIMARY KEY);
INSERT INTO temp.anonymise_ids (id) SELECT p.id FROM persons p
WHERE p.anonymised_at IS NULL AND p.restricted_at IS NULL AND p.created_at < '$cutoff'
  AND NOT EXISTS (SELECT 1 FROM requests q WHERE q.person_id = p.id AND q.closed_at IS NULL AND q.kind <> 'erasure')
  AND NOT EXISTS (SELECT 1 FROM transactions x WHERE x.person_id = p.id AND x.occurred_at >= '$cutoff')
  AND NOT EXISTS (SELECT 1 FROM consent_records r WHERE r.person_id = p.id AND r.recorded_at >= '$cutoff' AND r.source <> 'rule')
  AND (p.bouncer = 1 OR p.deceased = 1
       OR NOT EXISTS (SELECT 1 FROM consent_state s WHERE s.person_id = p.id AND s.opt_in = 1 AND s.source <> 'rule'));
INSERT OR IGNORE INTO suppressions (hash, reason, since, source)
SELECT DISTINCT sha3(lower(trim(p.email)), 256), 'erased', '$now', 'anonymise' FROM persons p
WHERE p.id IN (SELECT i.id FROM temp.anonymise_ids i CROSS JOIN persons p ON p.id = i.id
               WHERE NOT EXISTS (SELECT 1 FROM persons o
                                 WHERE o.email IS NOT NULL AND o.email = p.email COLLATE NOCASE
                                   AND o.anonymised_at IS NULL
                                   AND o.id NOT IN (SELECT id FROM temp.anonymise_ids)))
  AND p.email IS NOT NULL AND trim(p.email) <> '';
UPDATE persons SET first_name = NULL, infix = NULL, last_name = NULL, email = NULL, phone = NULL, mobile = NULL,
    street = NULL, house_number = NULL, postal_code = NULL, city = NULL, country = NULL, iban = NULL, bsn = NULL,
    birth_date = NULL, objection_channel = NULL, objection_description = NULL, restriction_reason = NULL,
    anonymised_at = '$now',
    legal_hold_until = (SELECT max(h.held_until) FROM document_holds h WHERE h.person_id = persons.id AND h.held_until > '$today'),
    restricted_at = CASE WHEN EXISTS (SELECT 1 FROM document_holds h WHERE h.person_id = persons.id AND h.held_until > '$today')
                    THEN '$now' END,
    restriction_reason = CASE WHEN EXISTS (SELECT 1 FROM document_holds h WHERE h.person_id = persons.id AND h.held_until > '$today')
                         THEN 'Wettelijke bewaarplicht' END
WHERE id IN (SELECT id FROM temp.anonymise_ids) AND anonymised_at IS NULL;
DELETE FROM documents WHERE person_id IN (SELECT id FROM temp.anonymise_ids)
  AND id NOT IN (SELECT document_id FROM document_holds WHERE held_until > '$today');
UPDATE documents SET filename = kind || '-' || id || '.pdf' WHERE person_id IN (SELECT id FROM temp.anonymise_ids);
DELETE FROM scores WHERE person_id IN (SELECT id FROM temp.anonymise_ids);
UPDATE consent_records SET description = NULL,
    channel = CASE WHEN channel IN (SELECT code FROM channels) THEN channel ELSE 'gewist' END
WHERE person_id IN (SELECT id FROM temp.anonymise_ids) AND source <> 'rule'
  AND (description IS NOT NULL OR channel NOT IN (SELECT code FROM channels));
UPDATE consent_chain SET salt = NULL
WHERE salt IS NOT NULL AND record_id IN (SELECT id FROM consent_records WHERE person_id IN (SELECT id FROM temp.anonymise_ids));
UPDATE transactions SET description = NULL WHERE person_id IN (SELECT id FROM temp.anonymise_ids) AND description IS NOT NULL;
DELETE FROM audit_texts WHERE person_id IN (SELECT id FROM temp.anonymise_ids);
DELETE FROM person_data_sources WHERE person_id IN (SELECT id FROM temp.anonymise_ids);
DELETE FROM data_sources WHERE id NOT IN (SELECT source_id FROM person_data_sources);
DELETE FROM documents WHERE id IN (SELECT h.document_id FROM document_holds h JOIN persons p ON p.id = h.person_id
                                   WHERE p.anonymised_at IS NOT NULL AND h.held_until <= '$today');
UPDATE requests SET closed_at = '$now', outcome = 'answered'
WHERE kind = 'erasure' AND closed_at IS NULL AND person_id IN (SELECT id FROM temp.anonymise_ids);
INSERT INTO audit_log (at, operator, command, affected, details)
SELECT '$now', 'bench', 'anonymise --inactive-for', count(*), json_object('person_ids', json_group_array(id)) FROM temp.anonymise_ids;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
  fresh "$after"
  local swept
  swept=$("$bin" --db "$work/run.sqlite" anonymise --inactive-for 5y --dry-run --format csv | tail -n +2 | wc -l)
  measure "$n" "anonymise --inactive-for 5y ($swept persons)" "$runs" "$after" "'$bin' --db '$work/run.sqlite' --yes anonymise --inactive-for 5y" "$work/anonymise.sql" "sqlite3 shell"

  # 6. subscribe --csv: the bulk load, against its floor.
  local csv=$work/consent-$rows.csv
  [ -s "$csv" ] || python3 - "$csv" "$n" "$rows" <<'PY'
import sys, random
path, n, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(42)
# Channels where the person acts themselves, with the time they did: their own records,
# which a file may bring in over earlier ones (a file's row on another channel cannot
# opt in someone who opted out themselves: a bad row).
channels = ["webformulier", "voorkeurencentrum", "website"]
with open(path, "w") as f:
    f.write("person,type,opt_in,channel,description,recorded_at\n")
    for i in range(rows):
        f.write(f"{random.randint(1, n)},nieuwsbrief,{random.randint(0, 1)},{random.choice(channels)},Import {i % 97},2026-10-{random.randint(1, 28):02d}T12:00:00Z\n")
PY
  # Both loads by hand start alike: the state triggers dropped, the file in a staging table.
  local load_start="PRAGMA foreign_keys = ON;
DROP TRIGGER consent_records_keep_state;
DROP TRIGGER consent_records_keep_state_rule_opt_in;"
  local staged="BEGIN;
CREATE TEMP TABLE staging (person, type, opt_in, channel, description, recorded_at);
.mode csv
.import --skip 1 $csv staging"
  cat > "$work/floor.sql" <<SQL
$load_start
$staged
INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description)
  SELECT recorded_at, CAST(person AS INTEGER), type, CAST(opt_in AS INTEGER), channel, description FROM staging
  ORDER BY CAST(person AS INTEGER);
COMMIT;
SQL
  measure "$n" "subscribe --csv ($rows rows)" "$runs" "$after" "'$bin' --db '$work/run.sqlite' subscribe --csv '$csv'" "$work/floor.sql" "the floor: sqlite3 shell, sorted by person, state triggers dropped"
  # The same rows again by hand, now with everything a load writes besides the ledger,
  # each as one set-based statement: the ledger in pair order, the current state of the
  # pairs (the statement smp-avg runs), the file as the source of the persons' consent
  # data, and a seal per record (a salt and a digest for its free text, and a chain hash;
  # sha3 standing in for SHA-256, without the chaining, which SQL cannot do). No check of
  # any row: what no program can go below while it writes what smp-avg writes.
  local first
  first=$(sqlite3 "$after" "SELECT coalesce(max(id), 0) + 1 FROM consent_records")
  cat > "$work/writes.sql" <<SQL
$load_start
DROP TRIGGER consent_chain_no_replace;
$staged
INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description, source)
  SELECT recorded_at, CAST(person AS INTEGER), type, CAST(opt_in AS INTEGER), channel, description, 'person' FROM staging
  ORDER BY CAST(person AS INTEGER), type, recorded_at;
INSERT INTO consent_state (person_id, type, record_id, recorded_at, opt_in, source)
  SELECT n.person_id, n.type, n.id, n.recorded_at, n.opt_in, n.source FROM consent_records n
  WHERE n.id >= $first AND NOT EXISTS (SELECT 1 FROM consent_records l WHERE l.id = n.id + 1 AND l.person_id = n.person_id AND l.type = n.type)
  ON CONFLICT (person_id, type) DO UPDATE SET record_id = excluded.record_id, recorded_at = excluded.recorded_at,
    opt_in = excluded.opt_in, source = excluded.source
  WHERE excluded.recorded_at > consent_state.recorded_at
     OR (excluded.recorded_at = consent_state.recorded_at AND excluded.record_id > consent_state.record_id);
INSERT INTO data_sources (kind, label, recorded_at) VALUES ('import', 'consent.csv', '$now');
INSERT INTO person_data_sources (person_id, source_id, categories)
  SELECT DISTINCT person_id, (SELECT max(id) FROM data_sources), 'consent' FROM consent_records WHERE id >= $first;
INSERT INTO consent_chain (record_id, salt, erasable_digest, hash)
  SELECT id, CASE WHEN description IS NOT NULL THEN randomblob(16) END,
         CASE WHEN description IS NOT NULL THEN sha3(channel || description, 256) END,
         sha3(id || recorded_at || person_id || type || opt_in || source || channel, 256)
  FROM consent_records WHERE id >= $first ORDER BY id;
COMMIT;
SQL
  local ours ours_kb
  ours=$(tail -1 "$results" | cut -f3); ours_kb=$(tail -1 "$results" | cut -f4)
  local bt=() bk=()
  for _ in $(seq "$runs"); do
    fresh "$after"; run sqlite3 "$work/run.sqlite" ".read $work/writes.sql"; bt+=("$s"); bk+=("$k")
  done
  record "$n" "subscribe --csv, against all its writes by hand ($rows rows)" "$ours" "$ours_kb" "$(median "${bt[@]}")" "$(maxof "${bk[@]}")" "sqlite3 shell: the floor's insert in pair order, plus the state, the source and a seal per record, set-based, no checks"
  rm -f "$csv"

  # 7. export-pdf of a person with 1,000 transactions (no shell equivalent).
  fresh "$after"
  python3 - "$work/tx.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("person,kind,occurred_at,description,amount\n")
    for i in range(1000):
        f.write(f"42,ticket,2025-{i % 12 + 1:02d}-{i % 28 + 1:02d},Voorstelling {i},\"{i % 90 + 10},50\"\n")
PY
  "$bin" --db "$work/run.sqlite" import transactions "$work/tx.csv" >/dev/null
  "$bin" --db "$work/run.sqlite" settings set organisation.name "Benchmark" >/dev/null
  "$bin" --db "$work/run.sqlite" settings set organisation.email privacy@example.nl >/dev/null
  measure "$n" "export-pdf, a person with 1,000 transactions" "$runs" - "rm -f '$work/p42.pdf'; '$bin' --db '$work/run.sqlite' export-pdf --person 42 --out '$work/p42.pdf'" "" ""

  # 8. verify (both chains and the state) and one customer card.
  measure "$n" "verify ($records records)" "$runs" - "'$bin' --db '$after' verify" "" ""
  measure "$n" "person show (one card)" "$runs" - "'$bin' --db '$after' person show 4242 --format json" "" ""

  # 9. the current state at 10,000,000 records or more: add records by hand if needed.
  fresh "$after"
  have=$(sqlite3 "$work/run.sqlite" "SELECT count(*) FROM consent_records")
  if [ "$have" -lt 10000000 ]; then
    sqlite3 "$work/run.sqlite" "PRAGMA cache_size=-524288; BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000 - $have)
      INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel)
      SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 1577836800 + (i * 7919) % 150000000, 'unixepoch'), (i * 104729) % $n + 1,
             CASE i % 4 WHEN 0 THEN 'nieuwsbrief' WHEN 1 THEN 'direct_mail' WHEN 2 THEN 'servicemail' ELSE 'profileren' END,
             (i / 4) % 2, 'webformulier' FROM n; COMMIT; PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  fi
  total=$(sqlite3 "$work/run.sqlite" "SELECT count(*) FROM consent_records")
  cat > "$work/state.sql" <<'SQL'
SELECT count(*) FROM (SELECT person_id, type, opt_in FROM (
  SELECT person_id, type, opt_in, row_number() OVER (PARTITION BY person_id, type ORDER BY recorded_at DESC, id DESC) AS n
  FROM consent_records) WHERE n = 1 AND type = 'nieuwsbrief' AND opt_in = 1);
SQL
  target=$work/run.sqlite measure "$n" "current state at $total records: opt-ins for a type" "$runs" - "'$bin' --db '$work/run.sqlite' query sql \"SELECT count(*) FROM consent_current WHERE type = 'nieuwsbrief' AND opt_in = 1\"" "$work/state.sql" "sqlite3 shell, newest record by window function"
  target=$work/run.sqlite measure "$n" "query audience at $total records" "$runs" - "'$bin' --db '$work/run.sqlite' query audience --type nieuwsbrief --format csv" "$work/audience.sql" "sqlite3 shell (current opt-in and mailable only)"
  rm -f "$work"/run.sqlite* "$work/p42.pdf" "$work/tx.csv"
  [ -n "${KEEP:-}" ] || rm -f "$after" "$after-wal" "$after-shm"
}

fi
sizes=$persons
[ "$persons" -gt 1000000 ] && sizes="1000000 $persons"
[ -n "${REPORT_ONLY:-}" ] || for n in $sizes; do bench_size "$n"; done

# The tables.
machine="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr), SQLite $(sqlite3 --version | cut -d' ' -f1) (shell) / bundled in smp-avg"
python3 - "$results" "$sizes" "$machine" "${RUNS:-}" > "$work/BENCHMARKS.md" <<'PY'
import sys, datetime, re
results, sizes, machine, runs = sys.argv[1], sys.argv[2].split(), sys.argv[3], sys.argv[4]
rows = [line.rstrip("\n").split("\t") for line in open(results) if line.strip()]
mib = lambda kb: f"{int(kb) / 1024:.0f}" if kb else ""
print("# Benchmarks\n")
print(f"Made by `bench/run.sh` on {datetime.date.today()}: " + " and ".join(f"{int(s):,} demo persons" for s in sizes)
      + f"; each timing the median of {runs or '3 (1 above 1,000,000 persons)'} run(s), each run on its own copy of the same database.")
print(f"Machine: {machine}.\n")
print("Peak memory is the process's maximum resident set size (GNU time `%M`, as `/usr/bin/time -v` reports it).")
print("ratio = the shell's time / smp-avg's time (above 1: smp-avg is faster).\n")
print("What the shell does is less than smp-avg in places: its audience is the current opt-in and")
print("mailable only (no lasting objection, suppression list or shared addresses); the floor of the")
print("bulk load is the ledger's insert alone, where `subscribe --csv` also checks every row, skips")
print("records the ledger holds, keeps the current state, seals each record into the hash chain and")
print("records the file as the source of the data. The sweep's shell selects the same persons (an")
print("active relation as smp-avg defines it) and types the erasure statements smp-avg runs (the")
print("suppression list with sha3 for the keyed hash, legal holds, channels, salts, sources, erasure")
print("requests, an audit entry); smp-avg also reads what the erased hold that nobody else does,")
print("takes their names out of other persons' texts and shared texts, seals, and reads the")
print("database files byte by byte for every erased value (the proof of erasure). The rule run does")
print("the same work in both. The bulk load is also measured against all its writes typed by hand")
print("(the ledger in pair order, the state, the source and a seal per record, set-based, no row")
print("checked): the same smp-avg time, next to what the shell needs to write the same.\n")
for s in sizes:
    print(f"## {int(s):,} persons\n")
    print("| work | smp-avg (s) | peak (MiB) | by hand (s) | peak (MiB) | ratio | by hand with |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for size, name, ot, ok, st, sk, how in rows:
        if size != s:
            continue
        ratio = f"{float(st) / float(ot):.2f}" if st and float(ot) > 0 else ""
        print(f"| {name} | {ot} | {mib(ok)} | {st} | {mib(sk)} | {ratio} | {how} |")
    print()
if len(sizes) == 2:
    small, big = sizes
    key = lambda name: re.sub(r"\d[\d,]* (records|rows)", r"N \1", re.sub(r" \(.*?\)", "", name)).strip()
    grow = float(big) / float(small)
    print(f"## Growth from {int(small):,} to {int(big):,} persons\n")
    print(f"The data grows {grow:.0f}x (the bulk load's file {2 * grow:.0f}x). growth = time at {int(big):,} / time at {int(small):,}; per data = growth / the data's growth (1 or less: linear or better).\n")
    print("| work | smp-avg growth | per data | peak (MiB) at each size | by hand growth |")
    print("|---|---:|---:|---:|---:|")
    a = {key(r[1]): r for r in rows if r[0] == small}
    for r in rows:
        if r[0] != big or key(r[1]) not in a:
            continue
        x = a[key(r[1])]
        data = 2 * grow if r[1].startswith("subscribe") else grow
        one = r[1].startswith(("export-pdf", "person show"))
        g = f"{float(r[2]) / float(x[2]):.1f}" if float(x[2]) >= 0.05 else "(too short)"
        h = f"{float(r[4]) / float(x[4]):.1f}" if r[4] and x[4] and float(x[4]) > 0 else ""
        per = "(one person)" if one else f"{float(r[2]) / float(x[2]) / data:.2f}"
        print(f"| {key(r[1])} | {g} | {per} | {mib(x[3])} / {mib(r[3])} | {h} |")
PY
cat "$work/BENCHMARKS.md"
[ -n "${NO_WRITE:-}" ] || cp "$work/BENCHMARKS.md" "$root/BENCHMARKS.md"
