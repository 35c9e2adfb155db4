-- A member's goals still to report, oldest first (every member home). By the member's goals
-- over all history, SQLite read and sorted each of them (85 for a member of three years) and
-- PostgreSQL read every goal of the member's groups (600): 21 us and 0.62 ms. Open goals are
-- the few carried forward, so this index stays small and answers in order.
CREATE INDEX goals_open ON goals (user_id, meeting_start, id) WHERE status = 'open';
