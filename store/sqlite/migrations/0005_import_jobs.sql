-- Registry imports and bulk updates run as jobs that survive a restart.
-- The uploaded file lives in the database in chunks, so any server replica
-- can resume a job; the report rows are keyed by job, row and index, so a
-- replayed validation adds nothing twice.
CREATE TABLE import_jobs (
    id            TEXT    NOT NULL PRIMARY KEY,
    kind          TEXT    NOT NULL,
    campaign_id   TEXT    NOT NULL,
    org_path      TEXT    NOT NULL,
    state         TEXT    NOT NULL,
    doc           TEXT    NOT NULL, -- the whole job as JSON
    version       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX import_jobs_state ON import_jobs (state, id);
CREATE INDEX import_jobs_campaign ON import_jobs (campaign_id, id);

CREATE TABLE import_chunks (
    job_id TEXT    NOT NULL,
    seq    INTEGER NOT NULL,
    data   BLOB    NOT NULL,
    PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;

CREATE TABLE import_rows (
    id     TEXT NOT NULL PRIMARY KEY,
    job_id TEXT NOT NULL,
    doc    TEXT NOT NULL -- the report row as JSON
) WITHOUT ROWID;
CREATE INDEX import_rows_job ON import_rows (job_id, id);

CREATE TABLE import_mappings (
    campaign_id TEXT NOT NULL,
    form_id     TEXT NOT NULL,
    doc         TEXT NOT NULL,
    PRIMARY KEY (campaign_id, form_id)
) WITHOUT ROWID;
