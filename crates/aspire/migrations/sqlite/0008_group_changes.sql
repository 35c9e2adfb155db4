-- When each person joined their group: they see what is shared there from then on, never what
-- was said before. Members from before this column existed keep the whole history (0).
ALTER TABLE group_members ADD COLUMN joined_at INTEGER NOT NULL DEFAULT 0;

-- Every change to who is in a group, shown to the group: who, what, by whom, when. Names are
-- kept as they were, so the history reads the same after an account is deleted.
CREATE TABLE group_changes (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    person_name TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    -- added, removed, or role (a new role for someone already in the group)
    change TEXT NOT NULL,
    role TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX group_changes_group ON group_changes(group_id, at);
