-- Formation rounds: a cohort enrols, the engine drafts groups, the coordinator edits and publishes.

CREATE TABLE rounds (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- The criteria as the formation engine reads them (TOML).
    criteria TEXT NOT NULL,
    -- The enrolment link is shared with the whole cohort and shown to coordinators, so it is kept as is.
    enrol_token TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    published_draft_id INTEGER,
    UNIQUE (program_id, name)
);

CREATE TABLE round_people (
    round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (round_id, user_id)
);

-- A request to run the engine. request_key makes a resubmitted form a no-op;
-- status: queued, running, done, failed, stopped.
CREATE TABLE formation_jobs (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    request_key TEXT NOT NULL,
    status TEXT NOT NULL,
    seed INTEGER NOT NULL,
    time_limit_ms INTEGER NOT NULL,
    -- JSON: groups (lists of emails) to keep as they are.
    locked TEXT NOT NULL,
    requested_by INTEGER NOT NULL REFERENCES users(id),
    requested_at INTEGER NOT NULL,
    started_at INTEGER,
    heartbeat_at INTEGER,
    finished_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    iterations INTEGER NOT NULL DEFAULT 0,
    best_score REAL,
    stop_requested INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    draft_id INTEGER,
    UNIQUE (round_id, request_key)
);
CREATE INDEX formation_jobs_status ON formation_jobs(status);

-- A grouping the coordinator reviews. groups is JSON: [{"members": [emails], "locked": bool}].
CREATE TABLE drafts (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    groups TEXT NOT NULL,
    total_score REAL NOT NULL,
    worst_score REAL NOT NULL,
    warnings INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    published_at INTEGER
);
CREATE INDEX drafts_round ON drafts(round_id);

ALTER TABLE groups ADD COLUMN round_id INTEGER REFERENCES rounds(id) ON DELETE SET NULL;
