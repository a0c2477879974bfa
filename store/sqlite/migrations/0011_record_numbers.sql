-- Short record numbers people read out on the phone: one sequence per
-- campaign (record_numbers.last is the last number drawn), stored on the
-- record once it is first submitted (0 before).
ALTER TABLE records ADD COLUMN number INTEGER NOT NULL DEFAULT 0;
CREATE INDEX records_number ON records (campaign_id, number) WHERE number > 0;

CREATE TABLE record_numbers (
    campaign_id TEXT    NOT NULL PRIMARY KEY,
    last        INTEGER NOT NULL
) WITHOUT ROWID;
