-- Which goals were carried forward is asked for every meeting page: one indexed lookup.
CREATE INDEX goals_carried_from ON goals(carried_from);
