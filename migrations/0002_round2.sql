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

-- The ledger: who made each record, and the chain.
ALTER TABLE consent_records ADD COLUMN source TEXT NOT NULL DEFAULT 'operator' CHECK (source IN ('person', 'operator', 'import', 'rule'));
ALTER TABLE consent_records ADD COLUMN rule_run_id INTEGER REFERENCES rule_runs (id);
ALTER TABLE consent_records ADD COLUMN salt BLOB;
ALTER TABLE consent_records ADD COLUMN erasable_digest BLOB;
ALTER TABLE consent_records ADD COLUMN hash BLOB;

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
