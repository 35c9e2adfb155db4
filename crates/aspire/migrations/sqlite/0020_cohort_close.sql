-- A cohort's end: its round is closed, its groups become read-only archives their members still
-- see, and its members become alumni of the program (with the cohort's name and year), the people
-- alumni pickers offer as near-peer facilitators.
ALTER TABLE rounds ADD COLUMN closed_at INTEGER;
ALTER TABLE groups ADD COLUMN archived_at INTEGER;

CREATE TABLE program_alumni (
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    cohort TEXT NOT NULL,
    cohort_year INTEGER NOT NULL,
    since INTEGER NOT NULL,
    PRIMARY KEY (program_id, user_id)
);
