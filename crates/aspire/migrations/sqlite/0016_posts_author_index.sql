-- A person's own posts (their data export, deleting their account) are found by author.
CREATE INDEX posts_author ON posts (author_id);
