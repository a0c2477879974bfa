-- cache_generation changes (to a new random value) whenever something that
-- engines cache changes: a definition is published or its published rows
-- change (owner), the org-unit tree changes, a campaign is closed by hand.
-- Engines read it once per submission and drop their caches when it moved,
-- which keeps every process that shares the file correct without a timer.
-- Triggers, not the Go write paths, bump it, so that no write path can
-- forget to. A random value, not a counter: a database restored from a
-- backup never shows a value that a cache saw for another state.
INSERT INTO store_meta (key, value) VALUES ('cache_generation', lower(hex(randomblob(8))));

CREATE TRIGGER definitions_published_insert AFTER INSERT ON definitions WHEN NEW.status = 'published'
BEGIN
    UPDATE store_meta SET value = lower(hex(randomblob(8))) WHERE key = 'cache_generation';
END;
CREATE TRIGGER definitions_published_update AFTER UPDATE ON definitions WHEN NEW.status = 'published' OR OLD.status = 'published'
BEGIN
    UPDATE store_meta SET value = lower(hex(randomblob(8))) WHERE key = 'cache_generation';
END;
CREATE TRIGGER definitions_published_delete AFTER DELETE ON definitions WHEN OLD.status = 'published'
BEGIN
    UPDATE store_meta SET value = lower(hex(randomblob(8))) WHERE key = 'cache_generation';
END;

CREATE TRIGGER org_units_insert AFTER INSERT ON org_units
BEGIN
    UPDATE store_meta SET value = lower(hex(randomblob(8))) WHERE key = 'cache_generation';
END;
CREATE TRIGGER org_units_update AFTER UPDATE ON org_units
BEGIN
    UPDATE store_meta SET value = lower(hex(randomblob(8))) WHERE key = 'cache_generation';
END;
CREATE TRIGGER org_units_delete AFTER DELETE ON org_units
BEGIN
    UPDATE store_meta SET value = lower(hex(randomblob(8))) WHERE key = 'cache_generation';
END;

CREATE TRIGGER campaign_closures_insert AFTER INSERT ON campaign_closures
BEGIN
    UPDATE store_meta SET value = lower(hex(randomblob(8))) WHERE key = 'cache_generation';
END;
CREATE TRIGGER campaign_closures_update AFTER UPDATE ON campaign_closures
BEGIN
    UPDATE store_meta SET value = lower(hex(randomblob(8))) WHERE key = 'cache_generation';
END;
CREATE TRIGGER campaign_closures_delete AFTER DELETE ON campaign_closures
BEGIN
    UPDATE store_meta SET value = lower(hex(randomblob(8))) WHERE key = 'cache_generation';
END;
