-- Upgrade step 1 → 2 (second round). Table changes and data moves only: the triggers,
-- views and indexes of schema.sql are put in place after this step (db/migrate.rs),
-- and the chains of the ledger and the audit log are sealed (db/ledger.rs).

-- The triggers of version 1 refuse the data moves below; schema.sql brings them back.
DROP TRIGGER IF EXISTS consent_records_no_update;
DROP TRIGGER IF EXISTS consent_records_keep_state;
DROP VIEW IF EXISTS consent_current;
DROP VIEW IF EXISTS mailable_persons;

-- Persons: lasting objection, restriction, legal hold.
ALTER TABLE persons ADD COLUMN objected_at TEXT CHECK (objected_at IS NULL OR objected_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z');
ALTER TABLE persons ADD COLUMN objection_channel TEXT;
ALTER TABLE persons ADD COLUMN objection_description TEXT;
ALTER TABLE persons ADD COLUMN restricted_at TEXT CHECK (restricted_at IS NULL OR restricted_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z');
ALTER TABLE persons ADD COLUMN restriction_reason TEXT;
ALTER TABLE persons ADD COLUMN legal_hold_until TEXT CHECK (legal_hold_until IS NULL OR legal_hold_until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');

-- The persons the first round unsubscribed from everything objected to all contact then.
UPDATE persons SET
    objected_at = (SELECT max(a.at) FROM audit_log a WHERE a.command = 'unsubscribe-all' AND a.person_id = persons.id),
    objection_channel = 'handmatig'
WHERE id IN (SELECT person_id FROM audit_log WHERE command = 'unsubscribe-all' AND person_id IS NOT NULL)
  AND anonymised_at IS NULL;

CREATE TABLE rule_runs (
    id         INTEGER PRIMARY KEY,
    run_at     TEXT NOT NULL CHECK (run_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    type       TEXT NOT NULL REFERENCES consent_types (code),
    query_name TEXT NOT NULL,
    opt_in     INTEGER NOT NULL CHECK (opt_in IN (0, 1)),
    inserted   INTEGER NOT NULL DEFAULT 0
);

-- The ledger: who made each record, and its chain.
ALTER TABLE consent_records ADD COLUMN source TEXT NOT NULL DEFAULT 'operator' CHECK (source IN ('person', 'operator', 'import', 'rule'));
ALTER TABLE consent_records ADD COLUMN rule_run_id INTEGER REFERENCES rule_runs (id);

CREATE TABLE consent_chain (
    record_id       INTEGER PRIMARY KEY REFERENCES consent_records (id),
    salt            BLOB,
    erasable_digest BLOB,
    hash            BLOB NOT NULL CHECK (length(hash) = 32)
);

-- Version 1 told records made by a rule by their channel (SMP) or by the channel and
-- description of a type's rule; web forms and the preference centre are the person's
-- own; a file without a channel said 'import'; the rest was typed by an operator.
UPDATE consent_records SET source = CASE
    WHEN channel = 'SMP' OR EXISTS (
        SELECT 1 FROM consent_types t
        WHERE t.code = consent_records.type AND t.rule_query IS NOT NULL
          AND t.rule_channel = consent_records.channel
          AND t.rule_description IS consent_records.description) THEN 'rule'
    WHEN channel = 'import' THEN 'import'
    WHEN channel IN ('webformulier', 'voorkeurencentrum', 'website') THEN 'person'
    ELSE 'operator'
END;

-- The current state, now with its source, rebuilt by the rule of version 2.
ALTER TABLE consent_state ADD COLUMN source TEXT NOT NULL DEFAULT 'operator';
DELETE FROM consent_state;
INSERT INTO consent_state (person_id, type, record_id, recorded_at, opt_in, source)
    SELECT person_id, type, id, recorded_at, opt_in, source FROM (
        SELECT r.person_id, r.type, r.id, r.recorded_at, r.opt_in, r.source,
               row_number() OVER (PARTITION BY r.person_id, r.type ORDER BY r.recorded_at DESC, r.id DESC) AS newest
        FROM consent_records r
        WHERE NOT (r.source = 'rule' AND r.opt_in = 1 AND EXISTS (
            SELECT 1 FROM consent_records o
            WHERE o.person_id = r.person_id AND o.type = r.type AND o.source <> 'rule')))
    WHERE newest = 1;

-- Documents: their own date.
ALTER TABLE documents ADD COLUMN document_date TEXT CHECK (document_date IS NULL OR document_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
UPDATE documents SET document_date = substr(created_at, 1, 10);

CREATE TABLE retention_periods (
    category TEXT PRIMARY KEY CHECK (category <> '' AND category NOT GLOB '*[^a-z0-9_-]*'),
    period   TEXT NOT NULL CHECK (period GLOB '[1-9]*[ymd]' AND substr(period, 1, length(period) - 1) NOT GLOB '*[^0-9]*'),
    basis    TEXT NOT NULL
) WITHOUT ROWID;

-- The audit log: the OS account, and the chain.
ALTER TABLE audit_log ADD COLUMN account TEXT;
ALTER TABLE audit_log ADD COLUMN hash BLOB;
ALTER TABLE audit_log ADD COLUMN consent_head TEXT;

CREATE TABLE suppressions (
    hash        BLOB NOT NULL CHECK (length(hash) = 32),
    reason      TEXT NOT NULL CHECK (reason IN ('unsubscribed_all', 'objection', 'hard_bounce', 'complaint', 'erased', 'deceased', 'manual')),
    since       TEXT NOT NULL CHECK (since GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    source      TEXT NOT NULL,
    description TEXT,
    PRIMARY KEY (hash, reason)
) WITHOUT ROWID;

CREATE TABLE secrets (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE channels (
    code         TEXT PRIMARY KEY CHECK (code <> ''),
    label_nl     TEXT NOT NULL,
    label_en     TEXT NOT NULL,
    person_given INTEGER NOT NULL DEFAULT 0 CHECK (person_given IN (0, 1))
) WITHOUT ROWID;

-- The processing register: which categories of data each activity uses. The starter
-- register of version 1 gets its categories; entries an organisation added say none
-- (they are shown to everyone until edited).
ALTER TABLE processing_register ADD COLUMN categories TEXT NOT NULL DEFAULT '';
UPDATE processing_register SET categories = CASE purpose
    WHEN 'Versturen van de nieuwsbrief' THEN 'name,email,consent,mailings'
    WHEN 'Servicemail over aankopen, tickets, leningen en donaties' THEN 'name,email,transactions'
    WHEN 'Profileren: klantberekeningen (recency, frequency, monetary)' THEN 'transactions,scores'
    WHEN 'Direct mail per post' THEN 'name,address'
    WHEN 'Financiële administratie: betalingen, donaties en schenkingsakten' THEN 'name,address,iban,bsn,transactions,documents'
    ELSE '' END;

-- Issue 14: accountability (schema.sql says what each table is for).
ALTER TABLE processing_register ADD COLUMN categories_of_persons TEXT NOT NULL DEFAULT '';
ALTER TABLE processing_register ADD COLUMN transfers TEXT NOT NULL DEFAULT '';
ALTER TABLE processing_register ADD COLUMN security_measures TEXT NOT NULL DEFAULT '';
ALTER TABLE processing_register ADD COLUMN valid_from TEXT CHECK (valid_from IS NULL OR valid_from GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z');
ALTER TABLE processing_register ADD COLUMN removed_at TEXT CHECK (removed_at IS NULL OR removed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z');
ALTER TABLE processing_register ADD COLUMN replaced_by INTEGER REFERENCES processing_register (id);

-- The starter register of version 1 gets what Art. 30(1) asks beyond version 1 (the
-- same text as a new database, db/defaults.rs); entries an organisation added say
-- nothing yet.
UPDATE processing_register SET
    categories_of_persons = CASE purpose
        WHEN 'Versturen van de nieuwsbrief' THEN 'Abonnees van de nieuwsbrief'
        WHEN 'Servicemail over aankopen, tickets, leningen en donaties' THEN 'Klanten: kopers, bezoekers, leners en donateurs'
        WHEN 'Profileren: klantberekeningen (recency, frequency, monetary)' THEN 'Klanten met transacties die niet tegen profileren bezwaar maakten'
        WHEN 'Direct mail per post' THEN 'Klanten en relaties met een postadres'
        WHEN 'Financiële administratie: betalingen, donaties en schenkingsakten' THEN 'Klanten en donateurs'
        ELSE categories_of_persons END,
    transfers = CASE WHEN purpose IN (
            'Versturen van de nieuwsbrief',
            'Servicemail over aankopen, tickets, leningen en donaties',
            'Profileren: klantberekeningen (recency, frequency, monetary)',
            'Direct mail per post',
            'Financiële administratie: betalingen, donaties en schenkingsakten')
        THEN 'Geen doorgifte buiten de EER' ELSE transfers END,
    security_measures = CASE WHEN purpose IN (
            'Versturen van de nieuwsbrief',
            'Servicemail over aankopen, tickets, leningen en donaties',
            'Profileren: klantberekeningen (recency, frequency, monetary)',
            'Direct mail per post',
            'Financiële administratie: betalingen, donaties en schenkingsakten')
        THEN 'Toegang alleen voor bevoegde medewerkers; databasebestand alleen leesbaar voor de eigenaar; auditlog en toestemmingen in een hashketen; verwerkersovereenkomst met iedere verwerker'
        ELSE security_measures END;

CREATE TABLE requests (
    id               INTEGER PRIMARY KEY,
    person_id        INTEGER NOT NULL REFERENCES persons (id),
    kind             TEXT NOT NULL CHECK (kind IN ('access', 'erasure', 'objection', 'rectification', 'restriction', 'portability')),
    received_at      TEXT NOT NULL CHECK (received_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    due_at           TEXT NOT NULL CHECK (due_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    channel          TEXT,
    note             TEXT,
    extended_months  INTEGER NOT NULL DEFAULT 0 CHECK (extended_months BETWEEN 0 AND 2),
    extended_to      TEXT CHECK (extended_to IS NULL OR extended_to GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    extension_reason TEXT,
    closed_at        TEXT CHECK (closed_at IS NULL OR closed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    outcome          TEXT CHECK (outcome IN ('answered', 'refused')),
    answered_by      INTEGER REFERENCES audit_log (id),
    refusal_reason   TEXT,
    CHECK ((extended_months = 0) = (extended_to IS NULL)),
    CHECK ((closed_at IS NULL) = (outcome IS NULL)),
    CHECK (answered_by IS NULL OR outcome = 'answered')
);

CREATE TABLE processors (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL CHECK (name <> ''),
    purpose        TEXT NOT NULL CHECK (purpose <> ''),
    categories     TEXT NOT NULL CHECK (categories <> ''),
    agreement_date TEXT CHECK (agreement_date IS NULL OR agreement_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    contact        TEXT,
    added_at       TEXT NOT NULL CHECK (added_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    removed_at     TEXT CHECK (removed_at IS NULL OR removed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z')
);

CREATE TABLE processor_todos (
    id           INTEGER PRIMARY KEY,
    processor_id INTEGER NOT NULL REFERENCES processors (id),
    person_id    INTEGER REFERENCES persons (id),
    change       TEXT NOT NULL CHECK (change IN ('erasure', 'rectification', 'restriction', 'restriction_lifted')),
    categories   TEXT NOT NULL,
    audit_id     INTEGER NOT NULL REFERENCES audit_log (id),
    created_at   TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    done_at      TEXT CHECK (done_at IS NULL OR done_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    done_by      TEXT
);

CREATE TABLE breaches (
    id                INTEGER PRIMARY KEY,
    discovered_at     TEXT NOT NULL CHECK (discovered_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    description       TEXT NOT NULL CHECK (description <> ''),
    categories        TEXT NOT NULL DEFAULT '',
    persons_query     TEXT,
    persons           INTEGER,
    reported_to_ap_at TEXT CHECK (reported_to_ap_at IS NULL OR reported_to_ap_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    ap_not_required   TEXT,
    notified_persons  INTEGER CHECK (notified_persons IN (0, 1)),
    measures          TEXT,
    recorded_at       TEXT NOT NULL CHECK (recorded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    recorded_by       TEXT NOT NULL,
    CHECK (reported_to_ap_at IS NULL OR ap_not_required IS NULL)
);

CREATE TABLE breach_persons (
    breach_id INTEGER NOT NULL REFERENCES breaches (id),
    person_id INTEGER NOT NULL REFERENCES persons (id),
    PRIMARY KEY (breach_id, person_id)
) WITHOUT ROWID;
-- Issue 15: the organisation's name is one of the settings `organisation.*`; the first
-- round called it `organisation`.
INSERT OR IGNORE INTO settings (key, value)
    SELECT 'organisation.name', value FROM settings WHERE key = 'organisation';
DELETE FROM settings WHERE key = 'organisation';

-- Issue 15: sources per category of data, recorded from this version on.
CREATE TABLE data_sources (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('import', 'web_form', 'manual', 'edit')),
    label       TEXT,
    recorded_at TEXT NOT NULL CHECK (recorded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z')
);
CREATE TABLE person_data_sources (
    person_id  INTEGER NOT NULL REFERENCES persons (id),
    source_id  INTEGER NOT NULL REFERENCES data_sources (id),
    categories TEXT NOT NULL CHECK (categories <> '')
);
