-- Who may see a reply is decided by its thread: who started it and when. Reading a reply meant a
-- look-up of its thread's row: fifty for a home with fifty new posts, one per reply on a thread
-- page. Each post now carries its thread's author and start (a thread its own), taken by the
-- trigger below when it is posted, on every path that posts. A thread's start never changes; its
-- author becomes nobody when they delete their account, and the reference below follows
-- (ON DELETE SET NULL, as `author_id` does), so a new account can never take the place of a
-- deleted author. The index of a group's posts by time carries them instead of `thread_id`.
ALTER TABLE posts ADD COLUMN thread_author_id INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE posts ADD COLUMN thread_created_at INTEGER NOT NULL DEFAULT 0;
UPDATE posts SET (thread_author_id, thread_created_at) =
    (SELECT t.author_id, t.created_at FROM posts t WHERE t.id = COALESCE(posts.thread_id, posts.id));

CREATE TRIGGER posts_take_thread_marks AFTER INSERT ON posts
BEGIN
    UPDATE posts SET (thread_author_id, thread_created_at) =
        (SELECT t.author_id, t.created_at FROM posts t WHERE t.id = COALESCE(NEW.thread_id, NEW.id))
    WHERE id = NEW.id;
END;

-- For the reference above, when an account is deleted.
CREATE INDEX posts_thread_author ON posts (thread_author_id);
DROP INDEX posts_group_marks;
CREATE INDEX posts_group_marks ON posts
    (group_id, created_at, id, author_id, thread_author_id, thread_created_at, visibility, facilitator_id);
