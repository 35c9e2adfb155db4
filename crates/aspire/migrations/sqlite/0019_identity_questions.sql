-- Self-identified attributes a program asks about (gender, underrepresented in medicine, first
-- generation, ...) in its own words, for balanced groups. Answers are read only by the formation
-- engine and by counts that hide small cells; no page shows who answered what.
CREATE TABLE identity_questions (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    -- The name criteria and roster columns use: lowercase letters, digits and underscores.
    key TEXT NOT NULL,
    question TEXT NOT NULL,
    -- The choices, one a line; "Prefer not to say" is always offered besides.
    choices TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (program_id, key)
);

CREATE TABLE identity_answers (
    question_id INTEGER NOT NULL REFERENCES identity_questions(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    answer TEXT NOT NULL,
    -- 'self' when the person gave it, 'roster' when a coordinator's roster filled it in (shown to
    -- the person to confirm or change).
    source TEXT NOT NULL DEFAULT 'self',
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (question_id, user_id)
);
CREATE INDEX identity_answers_user ON identity_answers(user_id);
