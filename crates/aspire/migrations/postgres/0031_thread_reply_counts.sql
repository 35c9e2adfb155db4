-- Every post was read with a count of its thread's replies, made anew each time: a thread page
-- counted all of a long thread's replies (5,000 at scale: two fifths of the page's time) to
-- show 50, and a discussion page counted each listed thread's. A thread now carries its count,
-- kept by the trigger below as replies are posted and deleted (a deleted thread takes its
-- replies with it, and their count with it).
ALTER TABLE posts ADD COLUMN reply_count BIGINT NOT NULL DEFAULT 0;
UPDATE posts t SET reply_count = c.replies
    FROM (SELECT thread_id, COUNT(*) AS replies FROM posts WHERE thread_id IS NOT NULL GROUP BY thread_id) c
    WHERE t.id = c.thread_id;

CREATE FUNCTION posts_count_replies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.thread_id IS NOT NULL THEN
        UPDATE posts SET reply_count = reply_count + 1 WHERE id = NEW.thread_id;
    ELSIF TG_OP = 'DELETE' AND OLD.thread_id IS NOT NULL THEN
        UPDATE posts SET reply_count = reply_count - 1 WHERE id = OLD.thread_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER posts_count_replies AFTER INSERT OR DELETE ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_count_replies();
