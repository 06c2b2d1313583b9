#!/usr/bin/env bash
# Load a Dutch spreadsheet export into the CRM: persons first, then their
# transactions. Stops at the first failure; each file is all or nothing, so a failed
# step leaves the database as it was before that step.
#
#   examples/import.sh DIR        DIR holds personen.csv, transacties.csv
set -euo pipefail
dir=${1:?usage: import.sh DIR}
smp=${SMP_AVG:-smp-avg}

"$smp" --format json import persons "$dir/personen.csv"
"$smp" --format json import transactions "$dir/transacties.csv"
