-- A program's people page lists them by name, 100 at a time. Their names were in `users`, so
-- each view read and sorted every person of the program (501 at scale) to show 100. Each
-- membership now carries the person's name, kept by the triggers below, and an index gives a
-- page in name order by reading only that page's entries.
ALTER TABLE program_members ADD COLUMN person_name TEXT NOT NULL DEFAULT '';
UPDATE program_members pm SET person_name = u.name FROM users u WHERE u.id = pm.user_id;
-- Not covering: other statements that go through a program's members keep to the primary
-- key, in user order, rather than visiting the people in name order.
CREATE INDEX program_members_by_name ON program_members (program_id, person_name);

CREATE FUNCTION program_members_take_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.person_name := (SELECT name FROM users WHERE id = NEW.user_id);
    RETURN NEW;
END
$$;
CREATE TRIGGER program_members_take_name BEFORE INSERT ON program_members
    FOR EACH ROW EXECUTE FUNCTION program_members_take_name();

CREATE FUNCTION users_name_to_programs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE program_members SET person_name = NEW.name WHERE user_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER users_name_to_programs AFTER UPDATE OF name ON users
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION users_name_to_programs();
