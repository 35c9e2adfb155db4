-- Who may see a reply is decided by its thread: who started it and when. Reading a reply meant a
-- look-up of its thread's row: fifty for a home with fifty new posts, one per reply on a thread
-- page. Each post now carries its thread's author and start (a thread its own), taken by the
-- trigger below when it is posted, on every path that posts. A thread's start never changes; its
-- author becomes nobody when they delete their account, and the reference below follows
-- (ON DELETE SET NULL, as `author_id` does), so a new account can never take the place of a
-- deleted author. The index of a group's posts by time carries them instead of `thread_id`.
ALTER TABLE posts ADD COLUMN thread_author_id BIGINT REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE posts ADD COLUMN thread_created_at BIGINT NOT NULL DEFAULT 0;
UPDATE posts p SET thread_author_id = t.author_id, thread_created_at = t.created_at
    FROM posts t WHERE t.id = COALESCE(p.thread_id, p.id);

CREATE FUNCTION posts_take_thread_marks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.thread_id IS NULL THEN
        NEW.thread_author_id := NEW.author_id;
        NEW.thread_created_at := NEW.created_at;
    ELSE
        SELECT author_id, created_at INTO NEW.thread_author_id, NEW.thread_created_at
        FROM posts WHERE id = NEW.thread_id;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER posts_take_thread_marks BEFORE INSERT ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_take_thread_marks();

-- For the reference above, when an account is deleted.
CREATE INDEX posts_thread_author ON posts (thread_author_id);
DROP INDEX posts_group_marks;
CREATE INDEX posts_group_marks ON posts
    (group_id, created_at, id, author_id, thread_author_id, thread_created_at, visibility, facilitator_id);
