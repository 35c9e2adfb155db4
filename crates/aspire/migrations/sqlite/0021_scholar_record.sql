-- Each scholar's record, for the reports a career development program files (NIH Tables 8 and
-- 5, K-to-R conversion, the CTSA careers metric). It is kept per program: the coordinators of a
-- program read the record its scholars keep there, and adding someone to another program shows
-- that program nothing of it. Goals, posts, concerns and what a group said about a win never
-- enter it; the scholar sees and corrects their own.

-- Counts from 1 to small_cell - 1 in the program's aggregates are shown as "<small_cell".
ALTER TABLE programs ADD COLUMN small_cell INTEGER NOT NULL DEFAULT 11;

-- A scholar's time in the program. Empty text is "not given": the cohort and start then come
-- from the round the scholar enrolled through.
CREATE TABLE scholars (
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    cohort TEXT NOT NULL DEFAULT '',
    started_on TEXT NOT NULL DEFAULT '',
    ended_on TEXT NOT NULL DEFAULT '',
    -- '' while in the program, 'completed' or 'left'.
    outcome TEXT NOT NULL DEFAULT '',
    mentors TEXT NOT NULL DEFAULT '',
    topic TEXT NOT NULL DEFAULT '',
    -- Why Table 5 lists no publications: new_entrant, leave, left, other ('' works it out).
    no_publications_reason TEXT NOT NULL DEFAULT '',
    left_institution_on TEXT NOT NULL DEFAULT '',
    left_to TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (program_id, user_id)
);

-- kind: position, degree, grant, publication, honor; the columns a kind does not use stay empty.
CREATE TABLE record_items (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    -- The win that added it; the record keeps the item when the win is deleted.
    win_id INTEGER REFERENCES wins(id) ON DELETE SET NULL,
    title TEXT NOT NULL DEFAULT '',
    -- Institution (position, degree), funder (grant), journal (publication), awarding body (honor).
    organisation TEXT NOT NULL DEFAULT '',
    department TEXT NOT NULL DEFAULT '',
    -- Rank (position), degree (PhD, MD), activity code (K23, R01), honor type (award, talk, ...).
    code TEXT NOT NULL DEFAULT '',
    sector TEXT NOT NULL DEFAULT '',
    activity TEXT NOT NULL DEFAULT '',
    tenure TEXT NOT NULL DEFAULT '',
    award_number TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL DEFAULT '',
    doi TEXT NOT NULL DEFAULT '',
    pmid TEXT NOT NULL DEFAULT '',
    author_position TEXT NOT NULL DEFAULT '',
    year INTEGER,
    -- Dates as YYYY-MM-DD, '' when not known.
    submitted_on TEXT NOT NULL DEFAULT '',
    decided_on TEXT NOT NULL DEFAULT '',
    started_on TEXT NOT NULL DEFAULT '',
    ended_on TEXT NOT NULL DEFAULT '',
    annual_amount INTEGER,
    -- An institution's own career development award (an internal K).
    internal_k INTEGER NOT NULL DEFAULT 0,
    -- A non-NIH award the coordinator confirmed as R01-equivalent (>= $250k a year, >= 3 years).
    r01_equivalent INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX record_items_owner ON record_items(program_id, user_id, kind);
CREATE INDEX record_items_user ON record_items(user_id);
