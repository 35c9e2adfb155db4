-- A cohort's end: its round is closed, its groups become read-only archives their members still
-- see, and its members become alumni of the program (with the cohort's name and year), the people
-- alumni pickers offer as near-peer facilitators.
ALTER TABLE rounds ADD COLUMN closed_at BIGINT;
ALTER TABLE groups ADD COLUMN archived_at BIGINT;

CREATE TABLE program_alumni (
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    cohort TEXT NOT NULL,
    cohort_year BIGINT NOT NULL,
    since BIGINT NOT NULL,
    PRIMARY KEY (program_id, user_id)
);
