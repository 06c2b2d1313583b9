#!/usr/bin/env bash
# Load a Dutch spreadsheet export into the CRM: persons first, then their
# transactions, then their opt-ins and opt-outs. Stops at the first failure. Each file
# is all or nothing: a failed step leaves the database as it was before that step, and
# every bad row is named on stderr as "file: line N: field: reason".
#
#   examples/import.sh DIR     DIR holds personen.csv, transacties.csv, toestemmingen.csv
#
# The files may use ';' or ',', a BOM and CRLF (as Excel writes them), dates as
# 28-11-2026 and amounts as 12,50. Set SMP_AVG_DB to choose the database.
set -euo pipefail
dir=${1:?usage: import.sh DIR}
smp=${SMP_AVG:-smp-avg}

"$smp" --format json import persons "$dir/personen.csv"
"$smp" --format json import transactions "$dir/transacties.csv"
# Consent records: rows that name an unknown person or type stop the import; use
# --reject-file afgekeurd.csv instead to set them aside and load the rest.
"$smp" --format json subscribe --csv "$dir/toestemmingen.csv"
