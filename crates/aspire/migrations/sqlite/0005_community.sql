-- What a group shares besides goals: discussion, wins, resources, opportunities and
-- nominations; and the audit log. Times are Unix seconds (UTC).
--
-- Every shared item names its program, its group (when it belongs to one) and a visibility,
-- which src/auth/access.rs reads in one place:
--   private      its author only
--   group        the group's members and facilitators
--   program      everyone in the program, its coordinators included
--   facilitator  a concern for one chosen facilitator: the author and that facilitator
-- An author_id of NULL is a former member who deleted their account and kept their posts.

-- A thread is its first post (thread_id NULL); replies name their thread.
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    thread_id INTEGER REFERENCES posts(id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    title TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    visibility TEXT NOT NULL DEFAULT 'group',
    facilitator_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    edited_at INTEGER
);
CREATE INDEX posts_group ON posts(group_id, thread_id, created_at);

-- kind: paper, grant, talk, award, promotion. Papers carry doi/pmid/pmcid and the member's
-- author position; grants carry funder, mechanism (K23, R01), award number, role and status.
CREATE TABLE wins (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    group_id INTEGER REFERENCES groups(id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    venue TEXT NOT NULL DEFAULT '',
    year INTEGER,
    doi TEXT NOT NULL DEFAULT '',
    pmid TEXT NOT NULL DEFAULT '',
    pmcid TEXT NOT NULL DEFAULT '',
    author_position TEXT NOT NULL DEFAULT '',
    mechanism TEXT NOT NULL DEFAULT '',
    award_number TEXT NOT NULL DEFAULT '',
    grant_role TEXT NOT NULL DEFAULT '',
    grant_status TEXT NOT NULL DEFAULT '',
    visibility TEXT NOT NULL DEFAULT 'group',
    created_at INTEGER NOT NULL
);
CREATE INDEX wins_user ON wins(user_id);
CREATE INDEX wins_program ON wins(program_id, visibility, created_at);
CREATE INDEX wins_group ON wins(group_id, created_at);

-- Reactions and short congratulations on a win.
CREATE TABLE cheers (
    id INTEGER PRIMARY KEY,
    win_id INTEGER NOT NULL REFERENCES wins(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    message TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX cheers_win ON cheers(win_id);

-- A file (stored under the data folder by its SHA-256) or a link, shared with a group or the
-- program.
CREATE TABLE resources (
    id INTEGER PRIMARY KEY,
    author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    group_id INTEGER REFERENCES groups(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    file_sha256 TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    size_bytes INTEGER NOT NULL DEFAULT 0,
    tags TEXT NOT NULL DEFAULT '',
    visibility TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX resources_program ON resources(program_id, created_at);

-- A talk, award, committee or grant call anyone in the program may post.
CREATE TABLE opportunities (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    deadline TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX opportunities_program ON opportunities(program_id, deadline);

-- status: pending, accepted, declined. outcome: '' until known, then selected or not_selected.
-- win_id: the win recorded when a selected nominee agreed to celebrate it.
CREATE TABLE nominations (
    id INTEGER PRIMARY KEY,
    opportunity_id INTEGER NOT NULL REFERENCES opportunities(id) ON DELETE CASCADE,
    nominator_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    nominee_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    statement TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    outcome TEXT NOT NULL DEFAULT '',
    win_id INTEGER REFERENCES wins(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (opportunity_id, nominee_id)
);

-- Who did what, never what was said: no content, no secrets. actor_id NULL: nobody signed in
-- (a failed login names the address tried in subject).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_id INTEGER,
    action TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
