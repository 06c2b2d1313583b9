-- smp-avg CRM schema, the current version (PRAGMA user_version = 2).
--
-- Embedded in the binary (src/db/migrate.rs). A new database gets this file in one go;
-- an older one is upgraded by the steps in migrations/ and then given exactly the
-- triggers, views and indexes of this file. A test proves that both end up the same
-- (tests/upgrade.rs), so a column added here is added at the END of its table, as
-- ALTER TABLE does.
--
-- Conventions
-- * Times are TEXT in RFC 3339 UTC with second precision: 2026-11-28T23:50:36Z. The CHECKs
--   below enforce the shape, so that text order is time order, even for rows written by
--   hand in the sqlite3 shell.
-- * Dates (birth_date, document dates, hold ends) are TEXT yyyy-mm-dd.
-- * Booleans are INTEGER 0/1.
-- * No Rust functions are used in CHECKs, views or triggers: the sqlite3 shell must be
--   able to write to and read from this file too.
-- * Where a business rule is set-based it is written here once, as a view or a trigger,
--   and every caller uses it (ARCHITECTURE.md lists them).

-- Settings of the organisation (e.g. its name, printed on the access PDF).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE persons (
    id            INTEGER PRIMARY KEY,
    first_name    TEXT,
    infix         TEXT,            -- tussenvoegsel: "van der"
    last_name     TEXT,
    email         TEXT,
    phone         TEXT,
    mobile        TEXT,
    street        TEXT,
    house_number  TEXT,
    postal_code   TEXT,
    city          TEXT,
    country       TEXT,
    iban          TEXT,
    bsn           TEXT,
    birth_date    TEXT CHECK (birth_date IS NULL OR birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    deceased      INTEGER NOT NULL DEFAULT 0 CHECK (deceased IN (0, 1)),
    bouncer       INTEGER NOT NULL DEFAULT 0 CHECK (bouncer IN (0, 1)),
    created_at    TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    anonymised_at TEXT CHECK (anonymised_at IS NULL OR anonymised_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    -- A syntactically usable address: one @, something before it, a dotted domain after
    -- it without a trailing or doubled dot, and no white space or list separators.
    -- The same rule as rules::validate::email_is_mailable (a unit test keeps them equal).
    email_valid   INTEGER GENERATED ALWAYS AS (
        email IS NOT NULL
        AND email GLOB '?*@?*.?*'
        AND email NOT GLOB '*@*@*'
        AND email NOT GLOB '*[ ,;:<>()"]*'
        AND email NOT GLOB '*[' || char(9) || char(10) || char(13) || ']*'
        AND email NOT GLOB '*..*'
        AND email NOT GLOB '*.'
        AND email NOT GLOB '.*'
        AND email NOT GLOB '*@.*'
        AND email NOT GLOB '*.@*'
    ) VIRTUAL,
    -- Version 2. "Volledig uitschrijven" (§1.7) is a lasting objection to all contact:
    -- from then on no rule grants anything; only an opt-in the person gives lifts it,
    -- for that type only.
    objected_at           TEXT CHECK (objected_at IS NULL OR objected_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    objection_channel     TEXT,
    objection_description TEXT,
    -- Restriction of processing (Art. 18): kept, but in no audience, rule, profiling
    -- run or sweep.
    restricted_at         TEXT CHECK (restricted_at IS NULL OR restricted_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    restriction_reason    TEXT,
    -- After erasure: data under a legal retention period (Art. 17(3)(b)) is kept,
    -- restricted, until this date; a later sweep erases it then.
    legal_hold_until      TEXT CHECK (legal_hold_until IS NULL OR legal_hold_until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
);
-- PERSON arguments and bounce lists look persons up by e-mail, case-insensitively.
CREATE INDEX persons_email ON persons (email COLLATE NOCASE) WHERE email IS NOT NULL;

-- A person is mailable when not deceased, not a bouncer, not anonymised, not restricted
-- and the e-mail address is valid (manual §1.12). What depends on the address rather
-- than the person (another holder of it bounces or opted out, the suppression list)
-- db/audience.rs adds: it needs the type and the key of the suppression list.
CREATE VIEW mailable_persons AS
    SELECT p.id, p.first_name, p.infix, p.last_name, p.email
    FROM persons p
    WHERE p.deceased = 0 AND p.bouncer = 0 AND p.anonymised_at IS NULL
      AND p.restricted_at IS NULL AND p.email_valid
      -- No control or invisible character (a zero-width space makes another address
      -- that looks the same): output::is_unsafe_char, range by range.
      AND NOT p.email GLOB ('*[' || char(1) || '-' || char(31) || char(127) || '-' || char(159)
          || char(1564) || char(8203) || '-' || char(8207) || char(8232) || '-' || char(8238)
          || char(8288) || '-' || char(8292) || char(8294) || '-' || char(8297) || char(65279) || ']*');

-- Whom an automatic rule may give a soft opt-in (§1.2–§1.4): not anonymised, not
-- deceased, not restricted, no lasting objection (unsubscribe-all), and not a child
-- under 16 today by birth_date (GDPR recital 38, UAVG art. 5). db/rules.rs adds the
-- suppression list (a keyed hash) and, per type, "no record of the type yet".
CREATE VIEW soft_optin_allowed AS
    SELECT p.id, p.email
    FROM persons p
    WHERE p.anonymised_at IS NULL AND p.deceased = 0 AND p.restricted_at IS NULL
      AND p.objected_at IS NULL
      AND (p.birth_date IS NULL OR p.birth_date <= date('now', '-16 years'));

-- Saved queries ("zoekvragen", §1.3): read-only SQL whose first column is a person id.
CREATE TABLE saved_queries (
    name        TEXT PRIMARY KEY,
    sql         TEXT NOT NULL,
    description TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);

-- Consent types (§1.2) with an optional automatic rule (§1.3, §1.4).
CREATE TABLE consent_types (
    code             TEXT PRIMARY KEY CHECK (code <> '' AND code NOT GLOB '*[^a-z0-9_-]*'),
    label            TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('newsletter', 'servicemail', 'profiling', 'direct_mail', 'other')),
    rule_query       TEXT REFERENCES saved_queries (name) ON UPDATE CASCADE,
    rule_opt_in      INTEGER CHECK (rule_opt_in IN (0, 1)),
    rule_channel     TEXT NOT NULL DEFAULT 'SMP',
    rule_description TEXT,
    created_at       TEXT NOT NULL,
    CHECK ((rule_query IS NULL) = (rule_opt_in IS NULL))
) WITHOUT ROWID;

-- Mailings sent ("contactmomenten") and who received them.
CREATE TABLE contact_moments (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL,
    sent_at TEXT NOT NULL CHECK (sent_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    channel TEXT NOT NULL,
    type    TEXT REFERENCES consent_types (code)
);
CREATE TABLE contact_moment_recipients (
    contact_moment_id INTEGER NOT NULL REFERENCES contact_moments (id),
    person_id         INTEGER NOT NULL REFERENCES persons (id),
    PRIMARY KEY (contact_moment_id, person_id)
) WITHOUT ROWID;
CREATE INDEX contact_moment_recipients_person ON contact_moment_recipients (person_id);

-- The opt-in/opt-out table (§1.1): append-only evidence. Every change of mind is a new
-- record. The triggers below refuse DELETE, REPLACE and UPDATE, except clearing its free
-- text while the person is being anonymised. Each record is sealed into a hash chain
-- (table consent_chain) by the command that wrote it.
CREATE TABLE consent_records (
    id                INTEGER PRIMARY KEY,
    recorded_at       TEXT NOT NULL CHECK (recorded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    person_id         INTEGER NOT NULL REFERENCES persons (id),
    type              TEXT NOT NULL REFERENCES consent_types (code),
    opt_in            INTEGER NOT NULL CHECK (opt_in IN (0, 1)),
    channel           TEXT NOT NULL CHECK (channel <> ''),
    description       TEXT,
    contact_moment_id INTEGER REFERENCES contact_moments (id),
    -- Version 2. Who made the record: the person themselves (a web form, or their own
    -- words taken down by hand), an operator, an import file, or an automatic rule.
    -- A rule's soft opt-in never outranks a record of the person's own.
    source            TEXT NOT NULL DEFAULT 'operator' CHECK (source IN ('person', 'operator', 'import', 'rule')),
    rule_run_id       INTEGER REFERENCES rule_runs (id)
);
-- Per person and type in time order, with who made each record and its direction: the
-- state triggers, the audience's lift check and `verify` read this index alone.
CREATE INDEX consent_records_person ON consent_records (person_id, type, recorded_at, source, opt_in);
-- A person's history in time order, and retention sweeps looking for recent records.
CREATE INDEX consent_records_person_time ON consent_records (person_id, recorded_at);
CREATE INDEX consent_records_contact_moment ON consent_records (contact_moment_id) WHERE contact_moment_id IS NOT NULL;

CREATE TRIGGER consent_records_no_delete BEFORE DELETE ON consent_records
BEGIN
    SELECT RAISE(ABORT, 'consent_records is append-only: records cannot be deleted');
END;

-- INSERT OR REPLACE deletes the old row without firing the delete trigger: refuse it.
CREATE TRIGGER consent_records_no_replace BEFORE INSERT ON consent_records
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM consent_records WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'consent_records is append-only: a record cannot be replaced');
END;

CREATE TRIGGER consent_records_no_update BEFORE UPDATE ON consent_records
WHEN NOT (
    NEW.id IS OLD.id AND NEW.recorded_at IS OLD.recorded_at
    AND NEW.person_id IS OLD.person_id AND NEW.type IS OLD.type
    AND NEW.opt_in IS OLD.opt_in AND NEW.contact_moment_id IS OLD.contact_moment_id
    AND NEW.source IS OLD.source AND NEW.rule_run_id IS OLD.rule_run_id
    -- Only the free text: while the person is anonymised, the description cleared and
    -- a channel outside the vocabulary replaced by 'gewist'; or, when someone else is
    -- erased, their name or number in this text replaced by '[gewist]' (the record's
    -- own words stay; the anonymise audit entry lists the record).
    AND (
        (NEW.description IS NULL
         AND (NEW.channel IS OLD.channel OR NEW.channel = 'gewist')
         AND (SELECT anonymised_at FROM persons WHERE id = OLD.person_id) IS NOT NULL)
        OR (OLD.description IS NOT NULL AND NEW.description IS NOT NULL
            AND NEW.channel IS OLD.channel
            AND length(NEW.description) - length(replace(NEW.description, '[gewist]', ''))
                > length(OLD.description) - length(replace(OLD.description, '[gewist]', '')))
    )
)
BEGIN
    SELECT RAISE(ABORT, 'consent_records is append-only: only anonymising may clear a description');
END;

-- The tamper-evident chain of the ledger (db/ledger.rs): per record, hash = SHA-256 over
-- the previous record's hash and this record's fields. Free text (a description or a
-- channel outside the vocabulary, on a record not made by a rule) enters through
-- erasable_digest = SHA-256(salt, channel, description), so that erasing the text and
-- the salt keeps the chain verifiable and leaves nothing to guess the text from.
CREATE TABLE consent_chain (
    record_id       INTEGER PRIMARY KEY REFERENCES consent_records (id),
    salt            BLOB,
    erasable_digest BLOB,
    hash            BLOB NOT NULL CHECK (length(hash) = 32)
);

CREATE TRIGGER consent_chain_no_delete BEFORE DELETE ON consent_chain
BEGIN
    SELECT RAISE(ABORT, 'consent_chain is append-only');
END;

CREATE TRIGGER consent_chain_no_replace BEFORE INSERT ON consent_chain
WHEN EXISTS (SELECT 1 FROM consent_chain WHERE record_id = NEW.record_id)
BEGIN
    SELECT RAISE(ABORT, 'consent_chain is append-only: a seal cannot be replaced');
END;

-- Only the salt may go: when its person is anonymised, or when someone else's name in
-- its text was replaced by '[gewist]' (the digest then stands for the text as it was).
CREATE TRIGGER consent_chain_no_update BEFORE UPDATE ON consent_chain
WHEN NOT (
    NEW.record_id IS OLD.record_id AND NEW.hash IS OLD.hash
    AND NEW.erasable_digest IS OLD.erasable_digest AND NEW.salt IS NULL
    AND ((SELECT p.anonymised_at FROM consent_records r JOIN persons p ON p.id = r.person_id
          WHERE r.id = OLD.record_id) IS NOT NULL
         OR (SELECT instr(r.description, '[gewist]') FROM consent_records r
             WHERE r.id = OLD.record_id) > 0)
)
BEGIN
    SELECT RAISE(ABORT, 'consent_chain is append-only: only anonymising may clear a salt');
END;

-- The current state per person and type, kept up to date by the triggers below in the
-- same transaction as the insert: the newest record wins (the latest recorded_at and,
-- at the same instant, the record inserted last), except that a rule's soft opt-in
-- never wins over a record of the person's own, whatever its date. A back-dated record
-- never replaces a newer one. consent_state_expected below says the same declaratively;
-- `smp-avg verify` checks that both agree.
--
-- Every writer gets the triggers, the sqlite3 shell included. Bulk loads of smp-avg
-- (imports, rules, the demo) switch triggers off for their own connection only
-- (SQLITE_DBCONFIG_ENABLE_TRIGGER), append their records grouped by person and type,
-- and then bring the state of the pairs they touched up to date in one set-based
-- statement (db/consent.rs, update_state_since) by the same rule. tests/consent_state.rs
-- proves that both ways give the state of consent_state_expected.
CREATE TABLE consent_state (
    person_id   INTEGER NOT NULL,
    type        TEXT NOT NULL,
    record_id   INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    opt_in      INTEGER NOT NULL,
    source      TEXT NOT NULL DEFAULT 'operator',
    PRIMARY KEY (person_id, type)
) WITHOUT ROWID;
-- Audiences: everyone with a current opt-in for a type.
CREATE INDEX consent_state_type ON consent_state (type, opt_in, person_id);

CREATE TRIGGER consent_records_keep_state AFTER INSERT ON consent_records
WHEN NOT (NEW.source = 'rule' AND NEW.opt_in = 1)
BEGIN
    -- The person's first record of their own for the type while a rule's soft opt-in
    -- is the state: no rule opt-in counts from now on, so the state becomes the newest
    -- record that is not one (this record, or a newer rule opt-out).
    UPDATE consent_state SET (record_id, recorded_at, opt_in, source) = (
        SELECT r.id, r.recorded_at, r.opt_in, r.source FROM consent_records r
        WHERE r.person_id = NEW.person_id AND r.type = NEW.type
          AND NOT (r.source = 'rule' AND r.opt_in = 1)
        ORDER BY r.recorded_at DESC, r.id DESC LIMIT 1)
    WHERE NEW.source <> 'rule' AND person_id = NEW.person_id AND type = NEW.type
      AND source = 'rule' AND opt_in = 1;
    INSERT INTO consent_state (person_id, type, record_id, recorded_at, opt_in, source)
    VALUES (NEW.person_id, NEW.type, NEW.id, NEW.recorded_at, NEW.opt_in, NEW.source)
    ON CONFLICT (person_id, type) DO UPDATE
        SET record_id = excluded.record_id,
            recorded_at = excluded.recorded_at,
            opt_in = excluded.opt_in,
            source = excluded.source
        WHERE excluded.recorded_at > consent_state.recorded_at
           OR (excluded.recorded_at = consent_state.recorded_at AND excluded.record_id > consent_state.record_id);
END;

-- A rule's soft opt-in: the current state only while the person has no record of their
-- own for the type.
CREATE TRIGGER consent_records_keep_state_rule_opt_in AFTER INSERT ON consent_records
WHEN NEW.source = 'rule' AND NEW.opt_in = 1
BEGIN
    INSERT INTO consent_state (person_id, type, record_id, recorded_at, opt_in, source)
    SELECT NEW.person_id, NEW.type, NEW.id, NEW.recorded_at, 1, 'rule'
    WHERE NOT EXISTS (
        SELECT 1 FROM consent_records o
        WHERE o.person_id = NEW.person_id AND o.type = NEW.type AND o.source <> 'rule')
    ON CONFLICT (person_id, type) DO UPDATE
        SET record_id = excluded.record_id,
            recorded_at = excluded.recorded_at,
            opt_in = excluded.opt_in,
            source = excluded.source
        WHERE excluded.recorded_at > consent_state.recorded_at
           OR (excluded.recorded_at = consent_state.recorded_at AND excluded.record_id > consent_state.record_id);
END;

-- The contract name for the current state (CLI.md): one row per person and type.
CREATE VIEW consent_current AS
    SELECT s.person_id, s.type, s.opt_in, s.recorded_at, r.channel, r.description, s.record_id, s.source
    FROM consent_state s
    JOIN consent_records r ON r.id = s.record_id;

-- The current state by definition, from the ledger alone (slow: for `verify` and
-- upgrades, never for audiences).
CREATE VIEW consent_state_expected AS
    SELECT person_id, type, id AS record_id, recorded_at, opt_in, source FROM (
        SELECT r.person_id, r.type, r.id, r.recorded_at, r.opt_in, r.source,
               row_number() OVER (PARTITION BY r.person_id, r.type ORDER BY r.recorded_at DESC, r.id DESC) AS newest
        FROM consent_records r
        WHERE NOT (r.source = 'rule' AND r.opt_in = 1 AND EXISTS (
            SELECT 1 FROM consent_records o
            WHERE o.person_id = r.person_id AND o.type = r.type AND o.source <> 'rule')))
    WHERE newest = 1;

-- One application of one type's rule by `run-soft-optins`: the records it made point
-- here (consent_records.rule_run_id).
CREATE TABLE rule_runs (
    id         INTEGER PRIMARY KEY,
    run_at     TEXT NOT NULL CHECK (run_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    type       TEXT NOT NULL REFERENCES consent_types (code),
    query_name TEXT NOT NULL,
    opt_in     INTEGER NOT NULL CHECK (opt_in IN (0, 1)),
    inserted   INTEGER NOT NULL DEFAULT 0
);

-- The standard transactional model (§1.11).
CREATE TABLE transactions (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES persons (id),
    kind        TEXT NOT NULL CHECK (kind IN ('product', 'ticket', 'loan', 'donation')),
    occurred_at TEXT NOT NULL CHECK (occurred_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    description TEXT,
    amount      TEXT NOT NULL DEFAULT '0.00' CHECK (amount GLOB '[0-9]*.[0-9][0-9]' OR amount GLOB '-[0-9]*.[0-9][0-9]')
);
CREATE INDEX transactions_person ON transactions (person_id, occurred_at);

-- Sensitive files kept for a person (§1.8): deeds, agreements. The bytes live here.
-- AUTOINCREMENT: the id of a removed document is never given to another one (the
-- audit log and a person's access package name documents by id).
CREATE TABLE documents (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id     INTEGER NOT NULL REFERENCES persons (id),
    kind          TEXT NOT NULL,
    filename      TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    content       BLOB NOT NULL,
    -- Version 2: the date of the document itself (a deed's date), from which its
    -- retention period runs.
    document_date TEXT CHECK (document_date IS NULL OR document_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
);
CREATE INDEX documents_person ON documents (person_id);

-- Retention periods per purpose ("bewaartermijnen"): `marketing` (after the active
-- relation ends), `transactions`, and each document kind with a legal retention
-- (schenkingsakte, overeenkomst: 7 years, art. 52 AWR). A period is `7y`, `18m`, `30d`.
CREATE TABLE retention_periods (
    category TEXT PRIMARY KEY CHECK (category <> '' AND category NOT GLOB '*[^a-z0-9_-]*'),
    period   TEXT NOT NULL CHECK (period GLOB '[1-9]*[ymd]' AND substr(period, 1, length(period) - 1) NOT GLOB '*[^0-9]*'),
    basis    TEXT NOT NULL
) WITHOUT ROWID;

-- Until when each document must be kept by law: its date plus the retention period of
-- its kind. A kind without a period is not held.
CREATE VIEW document_holds AS
    SELECT d.id AS document_id, d.person_id, d.kind,
           date(coalesce(d.document_date, substr(d.created_at, 1, 10)),
                '+' || substr(r.period, 1, length(r.period) - 1) || ' '
                    || CASE substr(r.period, -1) WHEN 'y' THEN 'years' WHEN 'm' THEN 'months' ELSE 'days' END
           ) AS held_until
    FROM documents d JOIN retention_periods r ON r.category = d.kind;

-- Profiling results ("klantberekeningen", §1.7): only for persons with a current
-- profiling opt-in; deleted on opt-out, unsubscribe-all and anonymisation.
CREATE TABLE scores (
    person_id    INTEGER PRIMARY KEY REFERENCES persons (id),
    recency_days INTEGER NOT NULL,
    frequency    INTEGER NOT NULL,
    monetary     TEXT NOT NULL,
    r_score      INTEGER NOT NULL CHECK (r_score BETWEEN 1 AND 5),
    f_score      INTEGER NOT NULL CHECK (f_score BETWEEN 1 AND 5),
    m_score      INTEGER NOT NULL CHECK (m_score BETWEEN 1 AND 5),
    rfm          TEXT NOT NULL,
    computed_at  TEXT NOT NULL
);

-- Who may be profiled: a current opt-in, and no current opt-out, for every consent type
-- of kind profiling; not anonymised, not restricted, not deceased, and not a child
-- under 16 today (GDPR recital 38, UAVG art. 5) by birth_date.
CREATE VIEW profiling_allowed AS
    SELECT s.person_id FROM consent_state s
    JOIN consent_types t ON t.code = s.type AND t.kind = 'profiling'
    JOIN persons p ON p.id = s.person_id
    WHERE p.anonymised_at IS NULL AND p.restricted_at IS NULL AND p.deceased = 0
      AND (p.birth_date IS NULL OR p.birth_date <= date('now', '-16 years'))
    GROUP BY s.person_id HAVING min(s.opt_in) = 1;

-- Who did what, when, to how many persons. Never names, e-mails or other personal data:
-- person_id is an opaque number, details holds counts and ids only. Append-only, and
-- chained like the ledger.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    operator  TEXT NOT NULL,
    command   TEXT NOT NULL,
    person_id INTEGER,
    affected  INTEGER NOT NULL DEFAULT 0,
    details   TEXT,
    -- Version 2: the OS account that ran the command (operator is what --operator
    -- said), and the chain hash.
    account   TEXT,
    hash      BLOB,
    -- The head of the ledger's chain when the entry was sealed ("record id:hash"):
    -- removing the newest consent records then breaks the audit log's chain as well.
    consent_head TEXT
);
CREATE INDEX audit_log_person ON audit_log (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_unsealed ON audit_log (id) WHERE hash IS NULL;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be deleted');
END;

CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: an entry cannot be replaced');
END;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (
    OLD.hash IS NULL AND NEW.hash IS NOT NULL AND OLD.consent_head IS NULL
    AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.operator IS OLD.operator
    AND NEW.command IS OLD.command AND NEW.person_id IS OLD.person_id
    AND NEW.affected IS OLD.affected AND NEW.details IS OLD.details
    AND NEW.account IS OLD.account
)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be changed');
END;

-- The processing register ("verwerkingsregister"): feeds the access PDF (Art. 15).
CREATE TABLE processing_register (
    id              INTEGER PRIMARY KEY,
    purpose         TEXT NOT NULL,
    legal_basis     TEXT NOT NULL,
    data_categories TEXT NOT NULL,
    recipients      TEXT NOT NULL,
    retention       TEXT NOT NULL,
    consent_type    TEXT REFERENCES consent_types (code),
    -- Version 2: the categories of data the activity uses, as codes of
    -- db::register::CATEGORIES separated by commas ('' = not said: applies to all).
    -- The access answer shows a person the activities whose categories they have.
    categories      TEXT NOT NULL DEFAULT '',
    -- Issue 14: the rest of Art. 30(1) per activity (categories of persons, transfers
    -- outside the EEA with their safeguards, security measures; '' = not said yet), and
    -- its history: an edit ends the entry (removed_at, replaced_by the new one) instead
    -- of changing it, a removal only ends it. valid_from NULL: from before version 2.
    categories_of_persons TEXT NOT NULL DEFAULT '',
    transfers             TEXT NOT NULL DEFAULT '',
    security_measures     TEXT NOT NULL DEFAULT '',
    valid_from            TEXT CHECK (valid_from IS NULL OR valid_from GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    removed_at            TEXT CHECK (removed_at IS NULL OR removed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    replaced_by           INTEGER REFERENCES processing_register (id)
);

-- The suppression list: addresses that must not be mailed or re-subscribed, kept as
-- keyed hashes (HMAC-SHA-256 of the trimmed, lower-cased address with the secret of
-- this database), so that it survives erasure without keeping the address. One row per
-- address and reason. A new opt-in the person gives themselves after `since` lifts it
-- for that type (db/audience.rs).
CREATE TABLE suppressions (
    hash        BLOB NOT NULL CHECK (length(hash) = 32),
    reason      TEXT NOT NULL CHECK (reason IN ('unsubscribed_all', 'objection', 'hard_bounce', 'complaint', 'erased', 'deceased', 'manual')),
    since       TEXT NOT NULL CHECK (since GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    source      TEXT NOT NULL,
    description TEXT,
    PRIMARY KEY (hash, reason)
) WITHOUT ROWID;

-- Secrets of this database (the key of the suppression hashes). Operator SQL cannot
-- read this table.
CREATE TABLE secrets (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

-- The vocabulary of channels: how a record came in. A channel outside it is free text,
-- erased with the person. `person_given`: the person acts there themselves (a web
-- form), so a record on it is the person's own.
CREATE TABLE channels (
    code         TEXT PRIMARY KEY CHECK (code <> ''),
    label_nl     TEXT NOT NULL,
    label_en     TEXT NOT NULL,
    person_given INTEGER NOT NULL DEFAULT 0 CHECK (person_given IN (0, 1))
) WITHOUT ROWID;

-- Issue 14: accountability. Data-subject requests and their deadlines (Art. 12(3)),
-- the processors to tell of a change (Art. 19, 28) and the breach register (Art. 33(5)).

-- A request of a data subject (Art. 15–22). Due one calendar month after receipt, on
-- the month's last day when that day does not exist (31 January → 28/29 February);
-- extended by at most two more months (Art. 12(3)), told to the person within the first
-- month. Closed by the command that answered it (answered_by: its audit entry) or by a
-- refusal with the reason the person is told. The free text is erased with the person
-- (trigger requests_erase_text).
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
-- The answering command finds the person's oldest open request of a kind.
CREATE INDEX requests_person ON requests (person_id, kind, received_at);
CREATE INDEX requests_open ON requests (due_at) WHERE closed_at IS NULL;

-- Nothing typed about a person survives their erasure: a request keeps its dates, kind
-- and outcome, not its note, reasons or a channel outside the vocabulary.
CREATE TRIGGER requests_erase_text AFTER UPDATE OF anonymised_at ON persons
WHEN NEW.anonymised_at IS NOT NULL AND OLD.anonymised_at IS NULL
BEGIN
    UPDATE requests
    SET note = NULL, extension_reason = NULL, refusal_reason = NULL,
        channel = CASE WHEN channel IS NULL OR channel IN (SELECT code FROM channels) THEN channel ELSE 'gewist' END
    WHERE person_id = NEW.id
      AND (note IS NOT NULL OR extension_reason IS NOT NULL OR refusal_reason IS NOT NULL
           OR channel NOT IN (SELECT code FROM channels));
END;

-- Processors and other recipients of personal data (Art. 28, 30(1)(d)): what they do
-- and which categories of data (codes of db::register::CATEGORIES) they receive. A
-- removed processor is kept (removed_at) for the history and its open to-dos.
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
CREATE UNIQUE INDEX processors_current_name ON processors (name COLLATE NOCASE) WHERE removed_at IS NULL;

-- Art. 19: a processor must be told of an erasure, rectification or restriction that
-- touches the categories of data it receives. One to-do per processor and change; the
-- person by id only (NULL: the persons listed in the audit entry, e.g. a retention
-- sweep), never their data.
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
CREATE INDEX processor_todos_open ON processor_todos (processor_id) WHERE done_at IS NULL;

-- The breach register (Art. 33(5)): every personal data breach, reported or not. The
-- Autoriteit Persoonsgegevens must be told within 72 hours of discovery (Art. 33(1))
-- unless the breach is unlikely to result in a risk (ap_not_required: why not). The
-- persons affected are those of the saved query at the time the breach was recorded.
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
-- Issue 15: where each category of a person's data came from (Art. 14(2)(f), 15(1)(g)),
-- recorded from version 2 on at import and entry time. One source is one import file,
-- form entry, hand entry or edit; a person's row names the categories of data
-- (db::register::CATEGORIES) it brought. Data recorded before has no source here: the
-- access answer says so instead of guessing.
CREATE TABLE data_sources (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('import', 'web_form', 'manual', 'edit')),
    -- import: the file's name as given; web_form, manual: the channel code; edit: NULL.
    label       TEXT,
    recorded_at TEXT NOT NULL CHECK (recorded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z')
);
CREATE TABLE person_data_sources (
    person_id  INTEGER NOT NULL REFERENCES persons (id),
    source_id  INTEGER NOT NULL REFERENCES data_sources (id),
    categories TEXT NOT NULL CHECK (categories <> '')
);
CREATE INDEX person_data_sources_person ON person_data_sources (person_id);

-- Free text typed with an audited command (why a document was removed, why an address
-- came off the suppression list) is kept beside the audit log, not in its sealed
-- details: it may name a person, and goes when that person is erased (a text linked to
-- no person has the erased persons' names replaced, as other shared texts do).
CREATE TABLE audit_texts (
    audit_id  INTEGER PRIMARY KEY REFERENCES audit_log (id),
    person_id INTEGER REFERENCES persons (id),
    text      TEXT NOT NULL
);
CREATE INDEX audit_texts_person ON audit_texts (person_id) WHERE person_id IS NOT NULL;

-- Whom a processor is to erase (Art. 19): what it needs to find the erased person, of
-- the categories it received (e-mail, name, phone). Our own copy is gone with the
-- erasure; this one goes when the to-do is marked done.
CREATE TABLE processor_todo_subjects (
    todo_id INTEGER NOT NULL REFERENCES processor_todos (id),
    email   TEXT,
    name    TEXT,
    phone   TEXT,
    CHECK (coalesce(email, name, phone) IS NOT NULL)
);
CREATE INDEX processor_todo_subjects_todo ON processor_todo_subjects (todo_id);
