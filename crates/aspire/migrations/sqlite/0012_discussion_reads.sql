-- When each member last read their group's discussion: the home page counts what came after.
CREATE TABLE discussion_reads (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    read_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, group_id)
);
