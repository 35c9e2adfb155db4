-- Every post was read with a count of its thread's replies, made anew each time: a thread page
-- counted all of a long thread's replies (5,000 at scale: two fifths of the page's time) to
-- show 50, and a discussion page counted each listed thread's. A thread now carries its count,
-- kept by the triggers below as replies are posted and deleted (a deleted thread takes its
-- replies with it, and their count with it).
ALTER TABLE posts ADD COLUMN reply_count INTEGER NOT NULL DEFAULT 0;
UPDATE posts SET reply_count = (SELECT COUNT(*) FROM posts r WHERE r.thread_id = posts.id)
    WHERE thread_id IS NULL;

CREATE TRIGGER posts_count_reply AFTER INSERT ON posts WHEN NEW.thread_id IS NOT NULL
BEGIN
    UPDATE posts SET reply_count = reply_count + 1 WHERE id = NEW.thread_id;
END;

CREATE TRIGGER posts_uncount_reply AFTER DELETE ON posts WHEN OLD.thread_id IS NOT NULL
BEGIN
    UPDATE posts SET reply_count = reply_count - 1 WHERE id = OLD.thread_id;
END;
