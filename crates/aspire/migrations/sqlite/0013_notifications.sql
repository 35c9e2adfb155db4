-- How each person hears about their groups' discussions: 'immediate' (the default, no row),
-- 'daily' or 'off'. The unsubscribe token only turns these emails off, so it is kept as is,
-- to be put in every such email.
CREATE TABLE notification_settings (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    discussion TEXT NOT NULL DEFAULT 'immediate',
    unsubscribe_token TEXT NOT NULL UNIQUE,
    -- When the daily digest last went (0: never), and the newest post it counted: posts are
    -- counted by id, so one written in the very second of a digest is counted once.
    digested_until INTEGER NOT NULL DEFAULT 0,
    digested_post_id INTEGER NOT NULL DEFAULT 0
);
-- A one-click unsubscribe address (RFC 8058) for emails that have one.
ALTER TABLE outbox ADD COLUMN unsubscribe_url TEXT NOT NULL DEFAULT '';
