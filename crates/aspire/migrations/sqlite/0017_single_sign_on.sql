-- Single sign-on. A sign-in begun at the institution's provider waits here until the provider
-- sends the browser back: only the SHA-256 of its state is kept, with the browser it was begun
-- in, the nonce and the PKCE verifier; it is taken (deleted) once, whatever the outcome.
CREATE TABLE sso_logins (
    state_hash TEXT PRIMARY KEY,
    browser_hash TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX sso_logins_created ON sso_logins (created_at);

-- Who a provider's subject is here. Linked on the first sign-in, by verified email or by a new
-- account; afterwards the subject decides, even if the email at the provider changes.
CREATE TABLE sso_identities (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    linked_at BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX sso_identities_user ON sso_identities (user_id);
