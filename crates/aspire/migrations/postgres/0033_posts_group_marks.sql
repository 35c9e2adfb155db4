-- A home counts each group's new posts from their marks (who started the thread, its
-- visibility, its facilitator): up to fifty a group, and each meant a look-up of the post's row
-- after its index entry. The index of a group's posts by time now carries those columns (and
-- the id, for newest-first order among posts of one second), so the count reads a post's row no
-- more; only a reply's thread. It replaces posts_group_created, whose columns lead it.
DROP INDEX posts_group_created;
CREATE INDEX posts_group_marks ON posts (group_id, created_at, id, author_id, thread_id, visibility, facilitator_id);
