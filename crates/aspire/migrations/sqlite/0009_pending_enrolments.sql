-- Someone who enrols through a round's link with a new account counts in the round once they
-- confirm their email by setting a password from the invitation it sends. The client address
-- is kept for the rate limit on the link.
CREATE TABLE pending_enrolments (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    -- Set when they confirmed; the row stays for the rate limit.
    confirmed_at INTEGER,
    PRIMARY KEY (user_id, round_id)
);
CREATE INDEX pending_enrolments_round ON pending_enrolments(round_id, created_at);
CREATE INDEX pending_enrolments_address ON pending_enrolments(address, created_at);
