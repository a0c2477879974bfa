-- Locked pay periods: once a campaign's period is locked, the engine posts
-- nothing more into it; late entries land in the next open period.
CREATE TABLE period_locks (
    campaign_id TEXT    NOT NULL,
    period      TEXT    NOT NULL,
    locked_by   TEXT    NOT NULL,
    locked_at   INTEGER,
    PRIMARY KEY (campaign_id, period)
) WITHOUT ROWID;
