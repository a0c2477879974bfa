-- Indicator counters: per campaign, counted term, org unit (the records'
-- own path) and month, the sum of what records contribute, kept current as
-- records are written. A page reads these, never the records.
CREATE TABLE indicator_counters (
    campaign_id TEXT    NOT NULL,
    org_path    TEXT    NOT NULL,
    month       TEXT    NOT NULL,
    term        TEXT    NOT NULL,
    value       REAL    NOT NULL DEFAULT 0,
    records     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, org_path, month, term)
) WITHOUT ROWID;

-- What each record last contributed (its parts as JSON) at which version,
-- so a new version adjusts the counters by the difference and a replay
-- changes nothing.
CREATE TABLE indicator_contributions (
    record_id      TEXT    NOT NULL PRIMARY KEY,
    campaign_id    TEXT    NOT NULL,
    record_version INTEGER NOT NULL,
    updated_at     INTEGER,
    parts          TEXT    NOT NULL
);
CREATE INDEX indicator_contributions_campaign ON indicator_contributions (campaign_id);

-- Official figures: each import is a version; the latest version of a
-- (key, org unit, period) wins, older ones stay.
CREATE TABLE official_imports (
    id          TEXT    NOT NULL PRIMARY KEY,
    version     INTEGER NOT NULL UNIQUE,
    source      TEXT    NOT NULL,
    file_name   TEXT    NOT NULL,
    imported_by TEXT    NOT NULL,
    imported_at INTEGER,
    rows        INTEGER NOT NULL,
    org_path    TEXT    NOT NULL
);

CREATE TABLE official_figures (
    import_id TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    key       TEXT    NOT NULL,
    org_unit  TEXT    NOT NULL,
    org_path  TEXT    NOT NULL,
    period    TEXT    NOT NULL,
    value     REAL    NOT NULL,
    PRIMARY KEY (key, org_path, period, version)
) WITHOUT ROWID;
