-- smp-avg CRM schema, version 1.
--
-- Embedded in the binary (src/db/migrate.rs) and applied by `smp-avg init` inside one
-- exclusive transaction; progress is kept in PRAGMA user_version.
--
-- Conventions
-- * Times are TEXT in RFC 3339 UTC with second precision: 2026-11-28T23:50:36Z. The CHECKs
--   below enforce the shape, so that text order is time order, even for rows written by
--   hand in the sqlite3 shell.
-- * Dates (birth_date) are TEXT yyyy-mm-dd.
-- * Booleans are INTEGER 0/1.
-- * No Rust functions are used in CHECKs, views or triggers: the sqlite3 shell must be
--   able to write to and read from this file too.

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
    ) VIRTUAL
);
-- PERSON arguments and bounce lists look persons up by e-mail, case-insensitively.
CREATE INDEX persons_email ON persons (email COLLATE NOCASE) WHERE email IS NOT NULL;

-- A person is mailable when not deceased, not a bouncer, not anonymised and the e-mail
-- address is valid (manual §1.12).
CREATE VIEW mailable_persons AS
    SELECT id, first_name, infix, last_name, email
    FROM persons
    WHERE deceased = 0 AND bouncer = 0 AND anonymised_at IS NULL AND email_valid;

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
-- record. The triggers below refuse UPDATE and DELETE, except clearing a description
-- while the person is being anonymised.
CREATE TABLE consent_records (
    id                INTEGER PRIMARY KEY,
    recorded_at       TEXT NOT NULL CHECK (recorded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'),
    person_id         INTEGER NOT NULL REFERENCES persons (id),
    type              TEXT NOT NULL REFERENCES consent_types (code),
    opt_in            INTEGER NOT NULL CHECK (opt_in IN (0, 1)),
    channel           TEXT NOT NULL CHECK (channel <> ''),
    description       TEXT,
    contact_moment_id INTEGER REFERENCES contact_moments (id)
);
CREATE INDEX consent_records_person ON consent_records (person_id, type, recorded_at);
-- A person's history in time order, and retention sweeps looking for recent records.
CREATE INDEX consent_records_person_time ON consent_records (person_id, recorded_at);
CREATE INDEX consent_records_contact_moment ON consent_records (contact_moment_id) WHERE contact_moment_id IS NOT NULL;

CREATE TRIGGER consent_records_no_delete BEFORE DELETE ON consent_records
BEGIN
    SELECT RAISE(ABORT, 'consent_records is append-only: records cannot be deleted');
END;

CREATE TRIGGER consent_records_no_update BEFORE UPDATE ON consent_records
WHEN NOT (
    NEW.description IS NULL
    AND NEW.id IS OLD.id AND NEW.recorded_at IS OLD.recorded_at
    AND NEW.person_id IS OLD.person_id AND NEW.type IS OLD.type
    AND NEW.opt_in IS OLD.opt_in AND NEW.channel IS OLD.channel
    AND NEW.contact_moment_id IS OLD.contact_moment_id
    AND (SELECT anonymised_at FROM persons WHERE id = OLD.person_id) IS NOT NULL
)
BEGIN
    SELECT RAISE(ABORT, 'consent_records is append-only: only anonymising may clear a description');
END;

-- The current state per person and type, kept up to date by the trigger below in the
-- same transaction as the insert: the newest record wins, where newest is the latest
-- recorded_at and, at the same instant, the record inserted last (highest id).
-- A back-dated record never replaces a newer one.
CREATE TABLE consent_state (
    person_id   INTEGER NOT NULL,
    type        TEXT NOT NULL,
    record_id   INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    opt_in      INTEGER NOT NULL,
    PRIMARY KEY (person_id, type)
) WITHOUT ROWID;
-- Audiences: everyone with a current opt-in for a type.
CREATE INDEX consent_state_type ON consent_state (type, opt_in, person_id);

CREATE TRIGGER consent_records_keep_state AFTER INSERT ON consent_records
BEGIN
    INSERT INTO consent_state (person_id, type, record_id, recorded_at, opt_in)
    VALUES (NEW.person_id, NEW.type, NEW.id, NEW.recorded_at, NEW.opt_in)
    ON CONFLICT (person_id, type) DO UPDATE
        SET record_id = excluded.record_id,
            recorded_at = excluded.recorded_at,
            opt_in = excluded.opt_in
        WHERE excluded.recorded_at > consent_state.recorded_at
           OR (excluded.recorded_at = consent_state.recorded_at AND excluded.record_id > consent_state.record_id);
END;

-- The contract name for the current state (CLI.md): one row per person and type.
CREATE VIEW consent_current AS
    SELECT s.person_id, s.type, s.opt_in, s.recorded_at, r.channel, r.description, s.record_id
    FROM consent_state s
    JOIN consent_records r ON r.id = s.record_id;

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
CREATE TABLE documents (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES persons (id),
    kind       TEXT NOT NULL,
    filename   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    content    BLOB NOT NULL
);
CREATE INDEX documents_person ON documents (person_id);

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

-- Who did what, when, to how many persons. Never names, e-mails or other personal data:
-- person_id is an opaque number, details holds counts and ids only.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    operator  TEXT NOT NULL,
    command   TEXT NOT NULL,
    person_id INTEGER,
    affected  INTEGER NOT NULL DEFAULT 0,
    details   TEXT
);
CREATE INDEX audit_log_person ON audit_log (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX audit_log_at ON audit_log (at);

-- The processing register ("verwerkingsregister"): feeds the access PDF (Art. 15).
CREATE TABLE processing_register (
    id              INTEGER PRIMARY KEY,
    purpose         TEXT NOT NULL,
    legal_basis     TEXT NOT NULL,
    data_categories TEXT NOT NULL,
    recipients      TEXT NOT NULL,
    retention       TEXT NOT NULL,
    consent_type    TEXT REFERENCES consent_types (code)
);
