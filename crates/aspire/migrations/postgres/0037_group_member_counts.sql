-- A program page lists its groups with how many people each has, and a home lists the person's
-- groups the same way. Each count was made anew on every view: 75 counts a program page at scale,
-- a tenth of its time. A group now carries its count, kept by the trigger below as people join
-- and leave (a deleted group takes its seats with it, and its count with it).
ALTER TABLE groups ADD COLUMN member_count BIGINT NOT NULL DEFAULT 0;
UPDATE groups g SET member_count = c.seats
    FROM (SELECT group_id, COUNT(*) AS seats FROM group_members GROUP BY group_id) c
    WHERE g.id = c.group_id;

CREATE FUNCTION group_members_count_seats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE groups SET member_count = member_count - 1 WHERE id = OLD.group_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE groups SET member_count = member_count + 1 WHERE id = NEW.group_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER group_members_count_seats AFTER INSERT OR DELETE OR UPDATE OF group_id ON group_members
    FOR EACH ROW EXECUTE FUNCTION group_members_count_seats();
