-- A program's people page lists them by name, 100 at a time. Their names were in `users`, so
-- each view read and sorted every person of the program (501 at scale) to show 100. Each
-- membership now carries the person's name, kept by the triggers below, and an index gives a
-- page in name order by reading only that page's entries.
ALTER TABLE program_members ADD COLUMN person_name TEXT NOT NULL DEFAULT '';
UPDATE program_members SET person_name = (SELECT name FROM users WHERE users.id = program_members.user_id);
-- Not covering: other statements that go through a program's members keep to the primary
-- key, in user order, rather than visiting the people in name order.
CREATE INDEX program_members_by_name ON program_members (program_id, person_name);

CREATE TRIGGER program_members_take_name AFTER INSERT ON program_members
BEGIN
    UPDATE program_members SET person_name = (SELECT name FROM users WHERE id = NEW.user_id)
    WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER users_name_to_programs AFTER UPDATE OF name ON users
WHEN NEW.name IS NOT OLD.name
BEGIN
    UPDATE program_members SET person_name = NEW.name WHERE user_id = NEW.id;
END;
