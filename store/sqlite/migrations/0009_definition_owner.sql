-- The org unit that owns a definition (its materialized path): who may
-- edit, publish or close it, and which campaigns may use it. Empty for
-- definitions stored before owners existed, until the engine derives them.
ALTER TABLE definitions ADD COLUMN owner TEXT NOT NULL DEFAULT '';
