-- A group's threads, newest first, a page at a time. The index of 0023 on (group_id, thread_id,
-- id) did not give PostgreSQL that order (it does not count `thread_id IS NULL` as fixing the
-- column), so it walked every post of the institution newest first until it had a page: 8 ms
-- a discussion page on 190,000 posts, and the longer the history the worse. Only threads, by id.
DROP INDEX posts_group_thread;
CREATE INDEX posts_group_threads ON posts (group_id, id) WHERE thread_id IS NULL;
