-- Periodic report slots: one expected report per campaign, report, org unit
-- and period. The sweeper claims due reminders with a lease, as for record
-- timers (see engine.ReportStore).
CREATE TABLE report_slots (
    campaign_id    TEXT    NOT NULL,
    report_id      TEXT    NOT NULL,
    org_unit       TEXT    NOT NULL,
    period         TEXT    NOT NULL,
    org_path       TEXT    NOT NULL,
    period_start   INTEGER,
    due_at         INTEGER,
    record_id      TEXT    NOT NULL DEFAULT '',
    submitted_at   INTEGER,
    reminders_sent INTEGER NOT NULL DEFAULT 0,
    next_timer_at  INTEGER,
    lease_owner    TEXT    NOT NULL DEFAULT '',
    lease_until    INTEGER,
    version        INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, report_id, org_unit, period)
) WITHOUT ROWID;

CREATE INDEX report_slots_campaign_path ON report_slots (campaign_id, org_path);
CREATE INDEX report_slots_next_timer ON report_slots (next_timer_at) WHERE next_timer_at IS NOT NULL;
