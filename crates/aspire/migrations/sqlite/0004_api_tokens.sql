-- Personal tokens for the JSON API (Authorization: Bearer ...): one per person, only its hash
-- kept; making a new one or deleting the row revokes the old one.
CREATE TABLE api_tokens (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
