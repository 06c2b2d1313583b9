#!/usr/bin/env bash
# The benchmark of smp-avg: builds the release binary, creates a 1,000,000-person demo
# database and times every main command against the same work done by hand in the
# sqlite3 shell (and sqlite-utils for CSV loading), each on its own copy of the same
# database. Prints a table of medians and ratios and writes it to BENCHMARKS.md.
#
#   bench/run.sh                 full run (about 15 minutes on 2 cores)
#   RUNS=1 SKIP_SQLITE_UTILS=1 PERSONS=100000 bench/run.sh     a quick look
#
# ratio = time of the hand-made work / time of smp-avg: above 1 means smp-avg is faster.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=${WORK:-$root/bench/work}
persons=${PERSONS:-1000000}
runs=${RUNS:-3}
mkdir -p "$work"
command -v sqlite3 >/dev/null || { echo "bench needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 1; }

cargo build --release -q
bin=$root/target/release/smp-avg
base=$work/base.sqlite
results=$work/results.tsv
: > "$results"

median() { python3 -c "import statistics,sys; print(f'{statistics.median(float(x) for x in sys.argv[1:]):.2f}')" "$@"; }
# secs CMD…: wall seconds of one run, output discarded.
secs() { /usr/bin/time -f %e -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || { cat "$work/stderr.txt" >&2; exit 1; }; cat "$work/time.txt"; }
fresh() { rm -f "$work/run.sqlite" "$work/run.sqlite-wal" "$work/run.sqlite-shm"; cp "$1" "$work/run.sqlite"; }
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$results"; }
# compare NAME SETUP_DB "smp-avg args" "shell SQL file": median over runs on fresh copies.
compare() {
  local name=$1 db=$2 ours=$3 sql=$4 a=() b=()
  for _ in $(seq "$runs"); do
    fresh "$db"; a+=("$(secs bash -c "$ours")")
    fresh "$db"; b+=("$(secs sqlite3 "$work/run.sqlite" ".read $sql")")
  done
  record "$name" "$(median "${a[@]}")" "$(median "${b[@]}")" "sqlite3 shell"
}

# 1. init --demo
rm -f "$base"*
/usr/bin/time -f '%e %M' -o "$work/init.txt" "$bin" --db "$base" init --demo "$persons" >/dev/null
read -r init_s init_kb < "$work/init.txt"
record "init --demo $persons (peak RSS $((init_kb / 1024)) MiB)" "$init_s" "" ""
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
compare "run-soft-optins (first run)" "$base" "'$bin' --db '$work/run.sqlite' run-soft-optins" "$work/rules.sql"

# The database after one rule run: the starting point of the rest.
after=$work/after-rules.sqlite
rm -f "$after"*; cp "$base" "$after"; "$bin" --db "$after" run-soft-optins >/dev/null
sqlite3 "$after" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null

# 3. query audience (read only: same file, median of runs)
cat > "$work/audience.sql" <<'SQL'
.headers on
.mode csv
SELECT p.id AS person_id, p.first_name, p.infix, p.last_name, p.email
FROM consent_state s JOIN mailable_persons p ON p.id = s.person_id
WHERE s.type = 'nieuwsbrief' AND s.opt_in = 1 ORDER BY s.person_id;
SQL
a=(); b=()
for _ in $(seq "$runs"); do
  a+=("$(secs "$bin" --db "$after" query audience --type nieuwsbrief --format csv)")
  b+=("$(secs sqlite3 "$after" ".read $work/audience.sql")")
done
record "query audience --type nieuwsbrief --format csv ($("$bin" --db "$after" query audience --type nieuwsbrief --format csv | tail -n +2 | wc -l) rows)" "$(median "${a[@]}")" "$(median "${b[@]}")" "sqlite3 shell"

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
compare "profile run" "$after" "'$bin' --db '$work/run.sqlite' profile run" "$work/profile.sql"

# 5. retention sweep: anonymise --inactive-for 5y, the same statements by hand.
cutoff=$(date -u -d '5 years ago' +%Y-%m-%dT%H:%M:%SZ)
cat > "$work/anonymise.sql" <<SQL
PRAGMA foreign_keys = ON;
PRAGMA secure_delete = ON;
BEGIN IMMEDIATE;
CREATE TEMP TABLE anonymise_ids (id INTEGER PRIMARY KEY);
INSERT INTO temp.anonymise_ids (id) SELECT p.id FROM persons p
WHERE p.anonymised_at IS NULL AND p.created_at < '$cutoff'
  AND NOT EXISTS (SELECT 1 FROM transactions x WHERE x.person_id = p.id AND x.occurred_at >= '$cutoff')
  AND NOT EXISTS (SELECT 1 FROM consent_records r WHERE r.person_id = p.id AND r.recorded_at >= '$cutoff'
      AND NOT (r.channel = 'SMP' OR EXISTS (SELECT 1 FROM consent_types t WHERE t.code = r.type AND t.rule_query IS NOT NULL
               AND t.rule_channel = r.channel AND t.rule_description IS r.description)));
UPDATE persons SET first_name = NULL, infix = NULL, last_name = NULL, email = NULL, phone = NULL, mobile = NULL,
    street = NULL, house_number = NULL, postal_code = NULL, city = NULL, country = NULL, iban = NULL, bsn = NULL,
    birth_date = NULL, anonymised_at = '$now' WHERE id IN (SELECT id FROM temp.anonymise_ids) AND anonymised_at IS NULL;
DELETE FROM documents WHERE person_id IN (SELECT id FROM temp.anonymise_ids);
DELETE FROM scores WHERE person_id IN (SELECT id FROM temp.anonymise_ids);
UPDATE consent_records SET description = NULL WHERE person_id IN (SELECT id FROM temp.anonymise_ids)
  AND description IS NOT NULL AND description NOT IN (SELECT rule_description FROM consent_types WHERE rule_description IS NOT NULL);
UPDATE transactions SET description = NULL WHERE person_id IN (SELECT id FROM temp.anonymise_ids) AND description IS NOT NULL;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
fresh "$after"
swept=$("$bin" --db "$work/run.sqlite" anonymise --inactive-for 5y --dry-run --format csv | tail -n +2 | wc -l)
compare "anonymise --inactive-for 5y ($swept persons)" "$after" "'$bin' --db '$work/run.sqlite' --yes anonymise --inactive-for 5y" "$work/anonymise.sql"

# 6. subscribe --csv: 1,000,000 consent rows.
csv=$work/consent.csv
python3 - "$csv" "$persons" <<'PY'
import sys, random
path, n = sys.argv[1], int(sys.argv[2])
random.seed(42)
channels = ["webformulier", "voorkeurencentrum", "website", "telefonisch"]
with open(path, "w") as f:
    f.write("person,type,opt_in,channel,description,recorded_at\n")
    for i in range(1_000_000):
        f.write(f"{random.randint(1, n)},nieuwsbrief,{random.randint(0, 1)},{random.choice(channels)},Import {i % 97},2026-10-{random.randint(1, 28):02d}T12:00:00Z\n")
PY
cat > "$work/import.sql" <<SQL
PRAGMA foreign_keys = ON;
BEGIN;
CREATE TEMP TABLE staging (person, type, opt_in, channel, description, recorded_at);
.mode csv
.import --skip 1 $csv staging
INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description)
  SELECT recorded_at, CAST(person AS INTEGER), type, CAST(opt_in AS INTEGER), channel, description FROM staging;
COMMIT;
SQL
compare "subscribe --csv (1,000,000 rows)" "$after" "'$bin' --db '$work/run.sqlite' subscribe --csv '$csv'" "$work/import.sql"
if [ -z "${SKIP_SQLITE_UTILS:-}" ] && command -v sqlite-utils >/dev/null; then
  ours=$(awk -F'\t' '$1 ~ /^subscribe/ {print $2}' "$results")
  fresh "$after"
  su=$(secs sqlite-utils insert "$work/run.sqlite" consent_records "$csv" --csv \
      --convert 'row["person_id"] = int(row.pop("person")); row["opt_in"] = int(row["opt_in"])')
  record "subscribe --csv (1,000,000 rows)" "$ours" "$su" "sqlite-utils insert --csv (1 run)"
fi

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
# The access answer needs the organisation's name and a contact detail.
"$bin" --db "$work/run.sqlite" settings set organisation.name "Benchmark" >/dev/null
"$bin" --db "$work/run.sqlite" settings set organisation.email privacy@example.nl >/dev/null
a=()
for _ in $(seq "$runs"); do a+=("$(secs "$bin" --db "$work/run.sqlite" export-pdf --person 42 --out "$work/p42.pdf")")
done
pages=$(pdftotext "$work/p42.pdf" - 2>/dev/null | grep -c '^Pagina ' || true)
record "export-pdf, 1,000 transactions ($pages pages)" "$(median "${a[@]}")" "" ""

# 8. consent_current at 10,000,000 records: add records by hand, then read the state.
fresh "$after"
have=$(sqlite3 "$work/run.sqlite" "SELECT count(*) FROM consent_records")
sqlite3 "$work/run.sqlite" "PRAGMA cache_size=-524288; BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000 - $have)
  INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel)
  SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 1577836800 + (i * 7919) % 150000000, 'unixepoch'), (i * 104729) % $persons + 1,
         CASE i % 4 WHEN 0 THEN 'nieuwsbrief' WHEN 1 THEN 'direct_mail' WHEN 2 THEN 'servicemail' ELSE 'profileren' END,
         (i / 4) % 2, 'webformulier' FROM n; COMMIT; PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
total=$(sqlite3 "$work/run.sqlite" "SELECT count(*) FROM consent_records")
cat > "$work/state.sql" <<'SQL'
SELECT count(*) FROM (SELECT person_id, type, opt_in FROM (
  SELECT person_id, type, opt_in, row_number() OVER (PARTITION BY person_id, type ORDER BY recorded_at DESC, id DESC) AS n
  FROM consent_records) WHERE n = 1 AND type = 'nieuwsbrief' AND opt_in = 1);
SQL
a=(); b=()
for _ in $(seq "$runs"); do
  a+=("$(secs "$bin" --db "$work/run.sqlite" query sql "SELECT count(*) FROM consent_current WHERE type = 'nieuwsbrief' AND opt_in = 1")")
  b+=("$(secs sqlite3 "$work/run.sqlite" ".read $work/state.sql")")
done
record "current state at $total records: opt-ins for a type" "$(median "${a[@]}")" "$(median "${b[@]}")" "sqlite3 shell, newest record by window function"
a=()
for _ in $(seq "$runs"); do a+=("$(secs "$bin" --db "$work/run.sqlite" person show 4242 --format json)"); done
record "person show at $total records (one card)" "$(median "${a[@]}")" "" ""
a=(); b=()
for _ in $(seq "$runs"); do
  a+=("$(secs "$bin" --db "$work/run.sqlite" query audience --type nieuwsbrief --format csv)")
  b+=("$(secs sqlite3 "$work/run.sqlite" ".read $work/audience.sql")")
done
record "query audience at $total records" "$(median "${a[@]}")" "$(median "${b[@]}")" "sqlite3 shell"

# The table.
machine="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr), SQLite $(sqlite3 --version | cut -d' ' -f1) (shell) / bundled in smp-avg"
{
  echo "# Benchmarks"
  echo
  echo "Made by \`bench/run.sh\` on $(date -u +%Y-%m-%d): $persons demo persons, median of $runs runs"
  echo "(one run for sqlite-utils), each run on its own copy of the same database."
  echo "Machine: $machine."
  echo
  echo "ratio = the other's time / smp-avg's time (above 1: smp-avg is faster)."
  echo
  echo "| work | smp-avg (s) | by hand (s) | ratio | by hand with |"
  echo "|---|---:|---:|---:|---|"
  while IFS=$'\t' read -r name ours theirs how; do
    ratio=""
    [ -n "$theirs" ] && ratio=$(python3 -c "print(f'{$theirs/$ours:.2f}')")
    echo "| $name | $ours | $theirs | $ratio | $how |"
  done < "$results"
} > "$work/BENCHMARKS.md"
cat "$work/BENCHMARKS.md"
[ -n "${NO_WRITE:-}" ] || cp "$work/BENCHMARKS.md" "$root/BENCHMARKS.md"
rm -f "$work"/run.sqlite* "$work/p42.pdf"
