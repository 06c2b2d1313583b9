-- Upgrade step 2 → 3 (second round, after version 2 was shipped). Table changes only:
-- triggers, views and indexes come from schema.sql after this step.
-- Documents get ids that are never used again (AUTOINCREMENT): the table is rebuilt,
-- the view over it comes back from schema.sql, and the highest id the audit log ever
-- named counts as used.
DROP VIEW IF EXISTS document_holds;
CREATE TABLE documents_autoincrement (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id     INTEGER NOT NULL REFERENCES persons (id),
    kind          TEXT NOT NULL,
    filename      TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    content       BLOB NOT NULL,
    document_date TEXT CHECK (document_date IS NULL OR document_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
);
INSERT INTO documents_autoincrement (id, person_id, kind, filename, created_at, content, document_date)
    SELECT id, person_id, kind, filename, created_at, content, document_date FROM documents;
DROP TABLE documents;
ALTER TABLE documents_autoincrement RENAME TO documents;
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'documents', max(coalesce((SELECT max(id) FROM documents), 0),
                            coalesce((SELECT max(CAST(json_extract(details, '$.document_id') AS INTEGER))
                                      FROM audit_log
                                      WHERE command LIKE 'document%' AND json_valid(details)), 0))
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'documents');
UPDATE sqlite_sequence
    SET seq = max(seq, coalesce((SELECT max(CAST(json_extract(details, '$.document_id') AS INTEGER))
                                 FROM audit_log
                                 WHERE command LIKE 'document%' AND json_valid(details)), 0))
    WHERE name = 'documents';

CREATE TABLE audit_texts (
    audit_id  INTEGER PRIMARY KEY REFERENCES audit_log (id),
    person_id INTEGER REFERENCES persons (id),
    text      TEXT NOT NULL
);
CREATE TABLE processor_todo_subjects (
    todo_id INTEGER NOT NULL REFERENCES processor_todos (id),
    email   TEXT,
    name    TEXT,
    phone   TEXT,
    CHECK (coalesce(email, name, phone) IS NOT NULL)
);
