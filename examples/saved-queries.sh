#!/usr/bin/env bash
# Saved queries ("zoekvragen", §1.3) named by the manual's convention
# <org> - <yyyymmdd> - <function> - <description>, and a rule that uses one.
# Each query is checked by SQLite: one read-only SELECT whose first column is a person id.
set -euo pipefail
smp=${SMP_AVG:-smp-avg}
org=${ORG:-SMP}
today=$(date +%Y%m%d)

# An audience narrowing: newsletter readers in Amsterdam.
"$smp" query save "$org - $today - Selectie - Amsterdam" \
  --sql "SELECT id FROM persons WHERE city = 'Amsterdam'" \
  --description "Personen met woonplaats Amsterdam"

# Donors of the last two years, for a thank-you mailing.
"$smp" query save "$org - $today - Selectie - Donateurs 2 jaar" \
  --sql "SELECT DISTINCT person_id FROM transactions WHERE kind = 'donation' AND occurred_at >= date('now', '-2 years')" \
  --description "Personen met een donatie in de laatste twee jaar"

# A soft opt-out rule (§1.4): no direct mail to persons without a postal address.
"$smp" query save "$org - $today - Job - Zachte opt-outs direct mail zonder adres" \
  --sql "SELECT id FROM persons WHERE street IS NULL OR postal_code IS NULL" \
  --description "Hoofdzoekvraag: personen zonder postadres"
"$smp" types set-rule direct_mail --rule "$org - $today - Job - Zachte opt-outs direct mail zonder adres" \
  --rule-opt-out --rule-description "Zachte opt-out direct mail: geen postadres"

# Use them.
"$smp" query audience --type nieuwsbrief --within "$org - $today - Selectie - Amsterdam" --format csv
"$smp" --format json run-soft-optins --type direct_mail
