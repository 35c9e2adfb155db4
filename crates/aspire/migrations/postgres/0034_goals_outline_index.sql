-- My goals reads a member's whole record in outline (where, when, how it went, what it served)
-- to count it, and each goal meant a look-up of its row after its index entry: 85 at scale, more
-- with every meeting. The index of a member's goals by meeting now carries those columns (and
-- the id, for the outline's order), so the outline reads no goal's row. It replaces goals_user,
-- whose columns lead it.
DROP INDEX goals_user;
CREATE INDEX goals_user_outline ON goals (user_id, meeting_start, id, group_id, status, long_goal_id);
