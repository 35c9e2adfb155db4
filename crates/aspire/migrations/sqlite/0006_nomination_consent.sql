-- A nominee's agreement, given when they accept, that a selection may be celebrated as a
-- program-wide win. Without it a selection is recorded but never announced: 1 yes, 0 no.
ALTER TABLE nominations ADD COLUMN celebrate_consent INTEGER NOT NULL DEFAULT 0;
