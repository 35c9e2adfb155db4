-- A job run again from a draft ("form again, keeping locked groups") remembers which, so its
-- draft can say how it compares with the one it came from.
ALTER TABLE formation_jobs ADD COLUMN from_draft_id BIGINT REFERENCES drafts(id) ON DELETE SET NULL;
CREATE INDEX formation_jobs_draft ON formation_jobs (draft_id);
