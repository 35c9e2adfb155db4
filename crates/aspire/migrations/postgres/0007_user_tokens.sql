-- One table for every secret a person holds besides their session: calendar feed links, API
-- tokens, invitations (and whatever kind comes next). Only the SHA-256 of a token is kept.
CREATE TABLE user_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    -- For an invitation: the program that invited and who sent it.
    program_id BIGINT REFERENCES programs(id) ON DELETE CASCADE,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    used_at BIGINT
);
CREATE INDEX user_tokens_user_kind ON user_tokens(user_id, kind);

INSERT INTO user_tokens (token_hash, user_id, kind, created_at)
    SELECT token_hash, user_id, 'calendar_feed', created_at FROM calendar_feeds;
INSERT INTO user_tokens (token_hash, user_id, kind, created_at)
    SELECT token_hash, user_id, 'api', created_at FROM api_tokens;
INSERT INTO user_tokens (token_hash, user_id, kind, program_id, created_by, created_at, expires_at, used_at)
    SELECT token_hash, user_id, 'invitation', program_id, created_by, created_at, expires_at, used_at FROM invitations;

DROP TABLE calendar_feeds;
DROP TABLE api_tokens;
DROP TABLE invitations;
