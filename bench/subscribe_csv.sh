#!/usr/bin/env bash
# Benchmark: `subscribe --csv` with 1,000,000 rows against the same load done by hand
# in the sqlite3 shell (.import into a temporary table + one INSERT … SELECT) and by
# `sqlite-utils insert --csv`, each on its own copy of the same demo database.
#
#   bench/subscribe_csv.sh [DEMO_DB]      (default: builds bench/work/demo.sqlite)
set -euo pipefail
cd "$(dirname "$0")/.."
work=bench/work
mkdir -p "$work"
cargo build --release -q
bin=target/release/smp-avg
demo=${1:-$work/demo.sqlite}
if [ ! -f "$demo" ]; then
  "$bin" --db "$demo" init --demo 1000000 >/dev/null
fi
rows=${ROWS:-1000000}
csv=$work/consent.csv
python3 - "$rows" "$csv" <<'PY'
import sys, random
n, path = int(sys.argv[1]), sys.argv[2]
random.seed(42)
channels = ["webformulier", "voorkeurencentrum", "website", "telefonisch"]
with open(path, "w") as f:
    f.write("person,type,opt_in,channel,description,recorded_at\n")
    for i in range(n):
        p = random.randint(1, 1_000_000)
        day = random.randint(1, 28)
        f.write(f"{p},nieuwsbrief,{random.randint(0,1)},{random.choice(channels)},Import {i % 97},2026-10-{day:02d}T12:00:00Z\n")
PY
copy() { rm -f "$work/$1"*; sqlite3 "$demo" "VACUUM INTO '$work/$1'"; }
secs() { /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -1; }

copy a.sqlite
t_smp=$(secs "$bin" --db "$work/a.sqlite" subscribe --csv "$csv")
n_smp=$(sqlite3 "$work/a.sqlite" "SELECT count(*) FROM consent_records")

copy b.sqlite
cat > "$work/shell.sql" <<SQL
PRAGMA foreign_keys = ON;
BEGIN;
CREATE TEMP TABLE staging (person, type, opt_in, channel, description, recorded_at);
.mode csv
.import --skip 1 $csv staging
INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description)
  SELECT recorded_at, CAST(person AS INTEGER), type, CAST(opt_in AS INTEGER), channel, description FROM staging;
COMMIT;
SQL
t_shell=$(secs sqlite3 "$work/b.sqlite" ".read $work/shell.sql")
n_shell=$(sqlite3 "$work/b.sqlite" "SELECT count(*) FROM consent_records")

t_su=skipped
if command -v sqlite-utils >/dev/null; then
  copy c.sqlite
  t_su=$(secs sqlite-utils insert "$work/c.sqlite" consent_records "$csv" --csv \
      --convert 'row["person_id"] = int(row.pop("person")); row["opt_in"] = int(row["opt_in"])')
fi

printf '%-34s %10s %12s %8s\n' "load of $rows consent rows" seconds records ratio
printf '%-34s %10s %12s %8s\n' "smp-avg subscribe --csv" "$t_smp" "$n_smp" 1.00
printf '%-34s %10s %12s %8s\n' "sqlite3 .import + INSERT…SELECT" "$t_shell" "$n_shell" "$(python3 -c "print(f'{$t_shell/$t_smp:.2f}')")"
if [ "$t_su" != skipped ]; then
  printf '%-34s %10s %12s %8s\n' "sqlite-utils insert --csv" "$t_su" "" "$(python3 -c "print(f'{$t_su/$t_smp:.2f}')")"
fi
echo "(ratio = other tool's time / smp-avg's time; above 1 means smp-avg is faster)"
rm -f "$work"/a.sqlite* "$work"/b.sqlite* "$work"/c.sqlite*
