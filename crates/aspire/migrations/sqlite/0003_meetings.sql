-- The accountability loop: a meeting series per group, its schedule history, goals,
-- attendance, calendar feeds and reminders. Times are Unix seconds (UTC).
-- A meeting is identified by its group and its start (meeting_start); nothing is kept
-- for a meeting until something happens at it (a goal, attendance, a cancellation).

CREATE TABLE meeting_series (
    group_id INTEGER PRIMARY KEY REFERENCES groups(id) ON DELETE CASCADE,
    place TEXT NOT NULL DEFAULT '',
    reminder_lead_minutes INTEGER NOT NULL DEFAULT 1440,
    -- iCalendar SEQUENCE: incremented on every change to the series.
    sequence INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);

-- Every schedule the group has had; each applies to meetings from effective_from until the
-- next one, so past meetings keep their dates. cadence: weekly, biweekly, monthly, paused.
-- nth: for monthly, which weekday of the month (1 to 4, or -1 for the last).
CREATE TABLE meeting_schedules (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    effective_from INTEGER NOT NULL,
    cadence TEXT NOT NULL,
    nth INTEGER NOT NULL DEFAULT 1,
    weekday INTEGER NOT NULL,
    minute_of_day INTEGER NOT NULL,
    time_zone TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    changed_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    changed_at INTEGER NOT NULL
);
CREATE INDEX meeting_schedules_group ON meeting_schedules(group_id, effective_from);

CREATE TABLE meeting_cancellations (
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    meeting_start INTEGER NOT NULL,
    cancelled_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    cancelled_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, meeting_start)
);

CREATE TABLE attendance (
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    meeting_start INTEGER NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    present INTEGER NOT NULL,
    recorded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, meeting_start, user_id)
);

-- A member's goals for the year; status: active, done, dropped.
CREATE TABLE long_goals (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT '',
    target_date TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active',
    created_at INTEGER NOT NULL
);
CREATE INDEX long_goals_user ON long_goals(user_id);

-- A goal declared at a meeting for the period until the next one.
-- status: open, met, partly, not_met. carried_from: the unmet goal it continues.
CREATE TABLE goals (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    meeting_start INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT '',
    long_goal_id INTEGER REFERENCES long_goals(id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'open',
    reason TEXT NOT NULL DEFAULT '',
    carried_from INTEGER REFERENCES goals(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    reported_at INTEGER
);
CREATE INDEX goals_meeting ON goals(group_id, meeting_start);
CREATE INDEX goals_user ON goals(user_id, meeting_start);

-- A personal calendar feed: only a hash of its secret is kept; deleting the row revokes it.
CREATE TABLE calendar_feeds (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE reminder_mutes (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    muted_at INTEGER NOT NULL
);

-- One row per reminder sent: the primary key makes a second send (another worker, a
-- restart) a no-op. kind: before (ahead of the meeting), nudge (not reported by its start).
CREATE TABLE reminders_sent (
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    meeting_start INTEGER NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, meeting_start, user_id, kind)
);
