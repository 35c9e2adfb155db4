-- The program page counts a program's people, their departments and who has signed in. It read
-- the `users` row of every member (501 at scale) for two columns. Each membership now carries
-- them, kept by the triggers below as the person's name is (0028), and one index answers the
-- count without going to `users`.
ALTER TABLE program_members ADD COLUMN person_department TEXT NOT NULL DEFAULT '';
ALTER TABLE program_members ADD COLUMN person_active INTEGER NOT NULL DEFAULT 0;
UPDATE program_members pm SET person_department = u.department,
    person_active = CASE WHEN u.password_hash IS NOT NULL THEN 1 ELSE 0 END
    FROM users u WHERE u.id = pm.user_id;
CREATE INDEX program_members_headcount ON program_members (program_id, person_department, person_active);

-- One trigger takes everything a membership carries of its person.
DROP TRIGGER program_members_take_name ON program_members;
DROP FUNCTION program_members_take_name();
CREATE FUNCTION program_members_take_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT name, department, CASE WHEN password_hash IS NOT NULL THEN 1 ELSE 0 END
    INTO NEW.person_name, NEW.person_department, NEW.person_active
    FROM users WHERE id = NEW.user_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER program_members_take_person BEFORE INSERT ON program_members
    FOR EACH ROW EXECUTE FUNCTION program_members_take_person();

CREATE FUNCTION users_department_to_programs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE program_members SET person_department = NEW.department WHERE user_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER users_department_to_programs AFTER UPDATE OF department ON users
    FOR EACH ROW WHEN (OLD.department IS DISTINCT FROM NEW.department)
    EXECUTE FUNCTION users_department_to_programs();

CREATE FUNCTION users_active_to_programs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE program_members SET person_active = CASE WHEN NEW.password_hash IS NOT NULL THEN 1 ELSE 0 END
    WHERE user_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER users_active_to_programs AFTER UPDATE OF password_hash ON users
    FOR EACH ROW WHEN ((OLD.password_hash IS NULL) IS DISTINCT FROM (NEW.password_hash IS NULL))
    EXECUTE FUNCTION users_active_to_programs();
