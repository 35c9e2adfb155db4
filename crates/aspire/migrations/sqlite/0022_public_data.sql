-- What the nightly look-up in PubMed, NIH RePORTER and ORCID found: suggestions a scholar
-- confirms ("is this yours?") or dismisses, never straight into the record (works on the
-- scholar's own ORCID record excepted). A dismissed suggestion is kept so it is not asked again.
ALTER TABLE scholars ADD COLUMN orcid TEXT NOT NULL DEFAULT '';

CREATE TABLE record_suggestions (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- pubmed, reporter or orcid.
    source TEXT NOT NULL,
    -- doi:..., pmid:... or award:<core number>: what makes two findings the same work.
    match_key TEXT NOT NULL,
    -- The item as a record form would fill it (JSON).
    item TEXT NOT NULL,
    -- open, confirmed or dismissed.
    status TEXT NOT NULL DEFAULT 'open',
    found_at INTEGER NOT NULL,
    decided_at INTEGER,
    UNIQUE (program_id, user_id, match_key)
);
CREATE INDEX record_suggestions_user ON record_suggestions(user_id, status);

-- The nightly look-up as a job: the first server to claim a day runs it, every other skips it.
CREATE TABLE public_data_runs (
    run_on TEXT PRIMARY KEY,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    found INTEGER NOT NULL DEFAULT 0,
    problems TEXT NOT NULL DEFAULT ''
);
