-- The newest posts of a group since someone last read it (their home page), and whether anything
-- is newer than their last read (reading the discussion), each a short walk from the newest.
CREATE INDEX posts_group_created ON posts (group_id, created_at);
-- A group's threads, newest first, a page at a time: without it the planner may walk every
-- group's threads by id to find one group's.
CREATE INDEX posts_group_thread ON posts (group_id, thread_id, id);
