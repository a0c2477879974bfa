-- Firings of campaign schedule entries: one row per campaign, entry and
-- firing time. The schedule runner claims a firing with a lease, as for
-- record timers, and marks it done once every follow-up task exists (see
-- followup.RunStore).
CREATE TABLE schedule_runs (
    campaign_id  TEXT    NOT NULL,
    entry        TEXT    NOT NULL,
    fire_at      INTEGER NOT NULL,
    lease_owner  TEXT    NOT NULL DEFAULT '',
    lease_until  INTEGER,
    done_at      INTEGER,
    created      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, entry, fire_at)
) WITHOUT ROWID;
