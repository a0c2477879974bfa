-- Public links (QR codes) to campaign forms. Only the hash of a link's
-- token is stored; a one-time link is consumed by one conditional update
-- (used_at IS NULL) before its record, whose ID derives from the link, is
-- inserted.
CREATE TABLE links (
    id          TEXT    NOT NULL PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,
    campaign_id TEXT    NOT NULL,
    form_id     TEXT    NOT NULL,
    org_unit    TEXT    NOT NULL,
    org_path    TEXT    NOT NULL,
    one_time    INTEGER NOT NULL,
    preset      TEXT    NOT NULL, -- JSON object or null
    created_by  TEXT    NOT NULL,
    created_at  INTEGER,
    expires_at  INTEGER,
    revoked_at  INTEGER,
    revoked_by  TEXT    NOT NULL DEFAULT '',
    used_at     INTEGER,
    record_id   TEXT    NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX links_campaign_path ON links (campaign_id, org_path);

-- Campaigns closed by hand before their end date.
CREATE TABLE campaign_closures (
    campaign_id TEXT    NOT NULL PRIMARY KEY,
    closed_by   TEXT    NOT NULL,
    closed_at   INTEGER,
    reason      TEXT    NOT NULL
) WITHOUT ROWID;
