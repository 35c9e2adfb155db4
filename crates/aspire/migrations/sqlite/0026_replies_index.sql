-- Replies by thread, and only replies. Over every post, the index counted the institution's
-- threads (thread_id NULL) as one key of a few posts, like any thread, so SQLite walked every
-- thread of every group newest first to find a page of one group's threads: 16 ms a discussion
-- page for a group whose threads are old, on 48,000 threads. A query for a thread's replies
-- (thread_id = ?) still uses this index; a group's threads use posts_group_threads.
DROP INDEX posts_thread;
CREATE INDEX posts_thread ON posts (thread_id, id) WHERE thread_id IS NOT NULL;
