-- Replies are looked up by their thread (a thread's page, its reply count, deleting it): without
-- this, each was a scan of every post.
CREATE INDEX posts_thread ON posts(thread_id, id);
