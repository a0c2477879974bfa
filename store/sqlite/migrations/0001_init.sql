-- 0001: the whole first schema.
--
-- Times are UTC unix milliseconds (INTEGER); NULL stands for Go's zero
-- time.Time. Answers, history, inputs, detail and role lists are JSON text.
-- Every list filter of engine.RecordFilter has an index; equality filters
-- are indexed together with id so that a keyset page (ORDER BY id) within
-- one value needs no sort. Columns that are mostly empty or NULL get
-- partial indexes (their queries repeat the index's condition so that
-- SQLite may use them), which spares most inserts a b-tree each.

CREATE TABLE records (
    id              TEXT    NOT NULL PRIMARY KEY,
    campaign_id     TEXT    NOT NULL,
    form_id         TEXT    NOT NULL,
    form_version    INTEGER NOT NULL,
    workflow_id     TEXT    NOT NULL,
    workflow_version INTEGER NOT NULL,
    org_unit        TEXT    NOT NULL,
    org_path        TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    answers         TEXT    NOT NULL,  -- JSON object (or null)
    dedup_key       TEXT    NOT NULL,
    step            TEXT    NOT NULL,
    candidate_roles TEXT    NOT NULL,  -- JSON array (or null); record_roles indexes it
    task_org_path   TEXT    NOT NULL,
    assignee        TEXT    NOT NULL,
    due_at          INTEGER,
    next_timer_at   INTEGER,
    timer_kind      TEXT    NOT NULL,
    lease_owner     TEXT    NOT NULL,
    lease_until     INTEGER,
    version         INTEGER NOT NULL,
    created_by      TEXT    NOT NULL,
    created_at      INTEGER,
    updated_at      INTEGER,
    history         TEXT    NOT NULL,  -- JSON array (or null)
    content_hash    TEXT    NOT NULL
);
CREATE INDEX records_campaign      ON records (campaign_id, id);
CREATE INDEX records_form          ON records (form_id, id);
CREATE INDEX records_state         ON records (state, id);
CREATE INDEX records_assignee      ON records (assignee, id) WHERE assignee <> '';
CREATE INDEX records_dedup_key     ON records (dedup_key, id) WHERE dedup_key <> '';
CREATE INDEX records_org_path      ON records (org_path);
CREATE INDEX records_task_org_path ON records (task_org_path) WHERE task_org_path <> '';
CREATE INDEX records_updated_at    ON records (updated_at);
CREATE INDEX records_due_at        ON records (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX records_next_timer_at ON records (next_timer_at, id) WHERE next_timer_at IS NOT NULL;

-- One row per candidate role of a record's open task: the index behind
-- RecordFilter.AnyRole. It has no index on record_id, which would cost
-- every insert one more b-tree: UpdateRecord reads the old roles from the
-- record and deletes exactly those rows. (Records are never deleted.)
CREATE TABLE record_roles (
    role      TEXT NOT NULL,
    record_id TEXT NOT NULL REFERENCES records (id),
    PRIMARY KEY (role, record_id)
) WITHOUT ROWID;

CREATE TABLE definitions (
    kind         TEXT    NOT NULL,
    id           TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    status       TEXT    NOT NULL,
    filename     TEXT    NOT NULL,
    source       BLOB    NOT NULL,
    checksum     TEXT    NOT NULL,
    created_by   TEXT    NOT NULL,
    created_at   INTEGER,
    published_by TEXT    NOT NULL,
    published_at INTEGER,
    PRIMARY KEY (kind, id, version)
);
CREATE INDEX definitions_status ON definitions (status);

CREATE TABLE org_units (
    code        TEXT NOT NULL PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_code TEXT NOT NULL,
    level       TEXT NOT NULL,
    path        TEXT NOT NULL
);
CREATE INDEX org_units_path ON org_units (path);

CREATE TABLE users (
    id            TEXT    NOT NULL PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    roles         TEXT    NOT NULL,  -- JSON array (or null)
    org_unit      TEXT    NOT NULL,
    org_path      TEXT    NOT NULL,
    locale        TEXT    NOT NULL,
    disabled      INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    created_at    INTEGER,
    updated_at    INTEGER
);
CREATE INDEX users_org_path ON users (org_path);

CREATE TABLE sessions (
    token_hash TEXT NOT NULL PRIMARY KEY,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    ip         TEXT NOT NULL,
    created_at INTEGER,
    expires_at INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Fixed-window counters: one row per key, window length and window start.
CREATE TABLE counters (
    key       TEXT    NOT NULL,
    window_ms INTEGER NOT NULL,
    start_ms  INTEGER NOT NULL,
    hits      INTEGER NOT NULL,
    PRIMARY KEY (key, window_ms, start_ms)
) WITHOUT ROWID;

CREATE TABLE ledger (
    id                TEXT    NOT NULL PRIMARY KEY,
    key               TEXT    NOT NULL UNIQUE,
    campaign_id       TEXT    NOT NULL,
    pay_table_id      TEXT    NOT NULL,
    pay_table_version INTEGER NOT NULL,
    item              TEXT    NOT NULL,
    rule              TEXT    NOT NULL,
    inputs            TEXT    NOT NULL,  -- JSON object (or null)
    worker_id         TEXT    NOT NULL,
    worker_org_path   TEXT    NOT NULL,
    role              TEXT    NOT NULL,
    record_id         TEXT    NOT NULL,
    period            TEXT    NOT NULL,
    amount_fen        INTEGER NOT NULL,
    reverses          TEXT    NOT NULL,
    reason            TEXT    NOT NULL,
    created_by        TEXT    NOT NULL,
    created_at        INTEGER
);
CREATE INDEX ledger_campaign ON ledger (campaign_id, id);
CREATE INDEX ledger_worker   ON ledger (worker_id, id);
CREATE INDEX ledger_item     ON ledger (item, id);
CREATE INDEX ledger_record   ON ledger (record_id, id);
CREATE INDEX ledger_period   ON ledger (period, id);
CREATE INDEX ledger_org_path ON ledger (worker_org_path);

CREATE TABLE audit (
    id          TEXT NOT NULL PRIMARY KEY,
    at          INTEGER,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    org_path    TEXT NOT NULL,
    ip          TEXT NOT NULL,
    detail      TEXT NOT NULL  -- JSON object (or null)
);
CREATE INDEX audit_actor     ON audit (actor, id);
CREATE INDEX audit_action    ON audit (action, id);
CREATE INDEX audit_object    ON audit (object_id, id);
CREATE INDEX audit_org_path  ON audit (org_path);
CREATE INDEX audit_at        ON audit (at);
