-- How each person hears about their groups' discussions: 'immediate' (the default, no row),
-- 'daily' or 'off'. The unsubscribe token only turns these emails off, so it is kept as is,
-- to be put in every such email.
CREATE TABLE notification_settings (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    discussion TEXT NOT NULL DEFAULT 'immediate',
    unsubscribe_token TEXT NOT NULL UNIQUE,
    -- Until when the daily digest has told them about (0: never sent).
    digested_until BIGINT NOT NULL DEFAULT 0
);
-- A one-click unsubscribe address (RFC 8058) for emails that have one.
ALTER TABLE outbox ADD COLUMN unsubscribe_url TEXT NOT NULL DEFAULT '';
