-- The program page counts a program's people, their departments and who has signed in. It read
-- the `users` row of every member (501 at scale) for two columns. Each membership now carries
-- them, kept by the triggers below as the person's name is (0028), and one index answers the
-- count without going to `users`.
ALTER TABLE program_members ADD COLUMN person_department TEXT NOT NULL DEFAULT '';
ALTER TABLE program_members ADD COLUMN person_active INTEGER NOT NULL DEFAULT 0;
UPDATE program_members SET
    person_department = (SELECT department FROM users WHERE users.id = program_members.user_id),
    person_active = (SELECT password_hash IS NOT NULL FROM users WHERE users.id = program_members.user_id);
CREATE INDEX program_members_headcount ON program_members (program_id, person_department, person_active);

-- One trigger takes everything a membership carries of its person.
DROP TRIGGER program_members_take_name;
CREATE TRIGGER program_members_take_person AFTER INSERT ON program_members
BEGIN
    UPDATE program_members SET
        person_name = (SELECT name FROM users WHERE id = NEW.user_id),
        person_department = (SELECT department FROM users WHERE id = NEW.user_id),
        person_active = (SELECT password_hash IS NOT NULL FROM users WHERE id = NEW.user_id)
    WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER users_department_to_programs AFTER UPDATE OF department ON users
WHEN NEW.department IS NOT OLD.department
BEGIN
    UPDATE program_members SET person_department = NEW.department WHERE user_id = NEW.id;
END;

CREATE TRIGGER users_active_to_programs AFTER UPDATE OF password_hash ON users
WHEN (NEW.password_hash IS NULL) IS NOT (OLD.password_hash IS NULL)
BEGIN
    UPDATE program_members SET person_active = NEW.password_hash IS NOT NULL WHERE user_id = NEW.id;
END;
