-- A win carries the day it happened (ISO 8601, like 2026-11-14); '' when only its year is known
-- (imports from PubMed give the year).
ALTER TABLE wins ADD COLUMN won_on TEXT NOT NULL DEFAULT '';
