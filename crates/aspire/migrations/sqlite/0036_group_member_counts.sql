-- A program page lists its groups with how many people each has, and a home lists the person's
-- groups the same way. Each count was made anew on every view: 75 counts a program page at scale,
-- a tenth of its time. A group now carries its count, kept by the triggers below as people join
-- and leave (a deleted group takes its seats with it, and its count with it).
ALTER TABLE groups ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
UPDATE groups SET member_count = (SELECT COUNT(*) FROM group_members gm WHERE gm.group_id = groups.id);

CREATE TRIGGER group_members_count_seat AFTER INSERT ON group_members
BEGIN
    UPDATE groups SET member_count = member_count + 1 WHERE id = NEW.group_id;
END;

CREATE TRIGGER group_members_uncount_seat AFTER DELETE ON group_members
BEGIN
    UPDATE groups SET member_count = member_count - 1 WHERE id = OLD.group_id;
END;

CREATE TRIGGER group_members_move_seat AFTER UPDATE OF group_id ON group_members
WHEN NEW.group_id IS NOT OLD.group_id
BEGIN
    UPDATE groups SET member_count = member_count - 1 WHERE id = OLD.group_id;
    UPDATE groups SET member_count = member_count + 1 WHERE id = NEW.group_id;
END;
