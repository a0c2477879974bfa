-- Worklists: duplicates to merge or dismiss, and the differences a
-- reconciliation run found, each routed to the village that owns it.
-- key makes creation idempotent: a rescan upserts instead of adding.
CREATE TABLE worklist_items (
    id           TEXT    NOT NULL PRIMARY KEY,
    key          TEXT    NOT NULL UNIQUE,
    kind         TEXT    NOT NULL,
    campaign_id  TEXT    NOT NULL,
    run_id       TEXT    NOT NULL,
    org_unit     TEXT    NOT NULL,
    org_path     TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    side         TEXT    NOT NULL,   -- resolution side, '' while unresolved (for counts)
    record_ids   TEXT    NOT NULL,   -- JSON array
    external_row INTEGER NOT NULL,
    matched_by   TEXT    NOT NULL,
    item_values  TEXT    NOT NULL,   -- JSON array of engine.WorkValue
    resolution   TEXT    NOT NULL,   -- JSON engine.WorkResolution or null
    version      INTEGER NOT NULL,
    created_at   INTEGER,
    updated_at   INTEGER
) WITHOUT ROWID;
CREATE INDEX worklist_campaign ON worklist_items (campaign_id, id);
CREATE INDEX worklist_org_path ON worklist_items (org_path, id);
CREATE INDEX worklist_run      ON worklist_items (run_id, id) WHERE run_id <> '';

CREATE TABLE reconcile_runs (
    id          TEXT    NOT NULL PRIMARY KEY,
    campaign_id TEXT    NOT NULL,
    org_path    TEXT    NOT NULL,
    file_name   TEXT    NOT NULL,
    file_hash   TEXT    NOT NULL,
    created_by  TEXT    NOT NULL,
    created_at  INTEGER,
    status      TEXT    NOT NULL,
    error       TEXT    NOT NULL,
    mapping     TEXT    NOT NULL,   -- JSON engine.ReconcileMapping
    counts      TEXT    NOT NULL,   -- JSON engine.ReconcileCounts
    version     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX reconcile_runs_campaign ON reconcile_runs (campaign_id, id);
-- The same file twice is refused unless the earlier run failed.
CREATE UNIQUE INDEX reconcile_runs_file ON reconcile_runs (campaign_id, file_hash) WHERE status <> 'failed';

-- Duplicate scans group a campaign's records by dedup key from the index
-- alone (1M records: no table reads).
CREATE INDEX records_campaign_dedup ON records (campaign_id, dedup_key) WHERE dedup_key <> '';
